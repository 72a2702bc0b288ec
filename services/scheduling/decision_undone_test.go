package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 80 (decision 392): an amendment changed a waitlisted family's risk answers (domestic
// abuse disclosed), which undid the waitlisting with the screening; scheduling kept the family
// on the list and held the place offered to it, and a supported place was offered to it again.
// Referral's decision_void now takes it off the list (DECISION_UNDONE), freeing the place for the
// next family; joining it by hand is refused until referral waitlists it again; an amendment that
// undoes no decision changes nothing here.
func TestAWaitlistingUndoneTakesTheFamilyOffTheList(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 1)
	undone, undoneRef := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	next, nextRef := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	c := g.client(t, auth.RoleCoordinator)
	offered, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, undone.String(), offered.GetFamilyId())

	amended := func(family, referral uuid.UUID, void bool) {
		g.referral.publish(t, "referral-"+referral.String(), family, g.centre, &referralv1.ReferralAmended{ReferralId: referral.String(),
			FamilyId: family.String(), CentreId: g.centre.String(), AmendedOn: date(monday), ScreeningVoid: void, DecisionVoid: void})
	}
	before := g.count(t, "SELECT count(*) FROM events WHERE family_id = $1", next)
	amended(next, nextRef, false)
	amended(undone, undoneRef, true)
	g.waitFor(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.WaitingListLeft'`, undone)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events WHERE family_id = $1", next), "an amendment undoing nothing")
	ids, _ := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{next}, ids)

	// The place is free for the next family.
	again, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, next.String(), again.GetFamilyId())

	_, err = c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: undone.String(),
		ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code)
	require.Equal(t, "DECISION_UNDONE", reason)

	// Waitlisted again by referral, it joins again.
	g.referral.publish(t, "referral-"+undoneRef.String(), undone, g.centre, &referralv1.ReferralWaitlisted{ReferralId: undoneRef.String(),
		FamilyId: undone.String(), CentreId: g.centre.String(), WaitlistedOn: date(monday), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED})
	g.waitFor(t, `SELECT count(*) - 1 FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.WaitingListJoined'`, undone)
}
