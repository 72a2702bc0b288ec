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

// Review 54: referral now sends every adult it names in FamilyReadyForContact, among them another
// adult with parental responsibility who may neither attend, bring nor collect (as referral's
// TestAnAdultNamedButNotToComeReachesTheDoor shows it sends her). Given that event, the door
// refuses her NOT_PERMITTED and records it (the day sheet alerts check-in-refused), does not list
// her as expected, and still admits the parents.
func TestAGrandmotherNamedButNotToComeIsRefusedNotPermitted(t *testing.T) {
	g := newKeptRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	grandmother := uuid.New()
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Adults = append(ev.Adults, &referralv1.Attendee{PersonId: grandmother.String(),
			Role: referralv1.AdultRole_ADULT_ROLE_OTHER_PARENTAL_RESPONSIBILITY})
	})[0]
	ctx := t.Context()
	resp, err := book(ctx, g.client(t, auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)
	booking := resp.GetBooking().GetBookingId()
	door := g.door(t)
	g.clock.Set(london(2026, 1, 10, 9, 58))

	refused, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking,
		PersonId: grandmother.String(), RequestId: uuid.NewString()})
	require.NoError(t, err, "named on the referral: not an id that is nobody of the family")
	require.False(t, refused.GetAdmitted())
	require.Equal(t, "NOT_PERMITTED", refused.GetRefusal())
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.CheckInRefused'`))
	entry := g.entryOf(t, saturday(0), booking)
	require.Contains(t, entry.GetAlerts(), schedulingv1.Alert_ALERT_CHECK_IN_REFUSED)
	for _, p := range entry.GetExpected() {
		require.NotEqual(t, grandmother.String(), p.GetPersonId(), "not expected at the door")
	}

	admitted, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking,
		PersonId: f.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, admitted.GetAdmitted(), admitted.GetRefusal())
}
