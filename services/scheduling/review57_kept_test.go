package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 57, decision 323: a court order amended in after the family is ready keeps the
// grandmother from the children, and referral announces it (AdultKeptFromChildren, ids and a
// date only). Scheduling notes it in the family's stream (AdultKeptFromChildrenNoted): she may
// neither attend, bring nor collect from then on, so the door refuses her NOT_PERMITTED and
// records it, and the day sheet no longer expects her, on a booking made before too. The same
// announcement again, or one for another referral, appends nothing; the parents are still admitted.
func TestAGrandmotherKeptFromTheChildrenAfterReadinessIsRefusedAtTheDoor(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	grandmother, aunt := uuid.New(), uuid.New()
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Adults = append(ev.Adults, &referralv1.Attendee{PersonId: grandmother.String(),
			Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, MayAttend: true},
			&referralv1.Attendee{PersonId: aunt.String(), Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, MayAttend: true})
	})[0]
	ctx := t.Context()
	resp, err := book(ctx, g.client(t, auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)
	booking := resp.GetBooking().GetBookingId()
	expected := func() []string {
		t.Helper()
		var out []string
		for _, p := range g.entryOf(t, saturday(0), booking).GetExpected() {
			out = append(out, p.GetPersonId())
		}
		return out
	}
	require.Contains(t, expected(), grandmother.String(), "she may attend until the order")

	kept := func(referral uuid.UUID) *referralv1.AdultKeptFromChildren {
		return &referralv1.AdultKeptFromChildren{ReferralId: referral.String(), FamilyId: f.id.String(), CentreId: g.centre.String(),
			PersonId: grandmother.String(), KeptOn: date(g.clock.Now())}
	}
	noted := func() int {
		t.Helper()
		return g.count(t, `SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = 'familytime.scheduling.v1.AdultKeptFromChildrenNoted'`,
			"family-"+f.id.String())
	}
	g.publishReferral(t, f, g.centre, kept(uuid.New()))
	require.Zero(t, noted(), "another referral's order: nothing")
	g.publishReferral(t, f, g.centre, kept(f.referral))
	require.Equal(t, 1, noted())
	g.publishReferral(t, f, g.centre, kept(f.referral))
	require.Equal(t, 1, noted(), "announced again: nothing more")

	require.NotContains(t, expected(), grandmother.String(), "not expected at the door any more")
	door := g.door(t)
	g.clock.Set(london(2026, 1, 10, 9, 58))
	refused, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking,
		PersonId: grandmother.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.False(t, refused.GetAdmitted())
	require.Equal(t, "NOT_PERMITTED", refused.GetRefusal())
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.CheckInRefused'`))
	require.Contains(t, g.entryOf(t, saturday(0), booking).GetAlerts(), schedulingv1.Alert_ALERT_CHECK_IN_REFUSED)

	admitted, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking,
		PersonId: f.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, admitted.GetAdmitted(), admitted.GetRefusal())

	// Review 77 (decision 389): the aunt taken off the referral by amendment, no order, is refused
	// the same way from then on.
	require.Contains(t, expected(), aunt.String())
	off := kept(f.referral)
	off.PersonId, off.Withdrawn = aunt.String(), true
	g.publishReferral(t, f, g.centre, off)
	require.Equal(t, 2, noted())
	require.NotContains(t, expected(), aunt.String())
	refused, err = door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking,
		PersonId: aunt.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, "NOT_PERMITTED", refused.GetRefusal())
}
