package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 49 (L2): a session that passed with nothing recorded (no arrival, no-show, completion or
// cancellation) stayed booked for ever, with no alert on its day sheet, and its no-show could
// never count towards the two that release the place. Once the family's time is over, the day
// sheet alerts it no-outcome-recorded and the opening sessions count it per room, until the
// coordinator records what happened; a booking with its outcome recorded raises nothing.
func TestASessionEndedWithNoOutcomeRecordedIsAlertedAndCounted(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	pattern, rooms := g.timetable(t, saturday(0), false, 3)
	families := g.ready(t, 3, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	var bookings []string
	for _, f := range families {
		bookings = append(bookings, g.bookFirstSaturday(t, pattern, rooms[0], f))
	}
	cancelled, noShow, unrecorded := bookings[0], bookings[1], bookings[2]
	_, err := c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: cancelled,
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)
	noOutcome := func() int32 {
		t.Helper()
		resp, err := g.door(t).ListOpeningSessions(ctx, &schedulingv1.ListOpeningSessionsRequest{CentreId: g.centre.String(),
			From: date(saturday(0)), To: date(saturday(0))})
		require.NoError(t, err)
		require.Len(t, resp.GetSessions(), 1)
		return resp.GetSessions()[0].GetRooms()[0].GetNoOutcome()
	}

	// Under way, nothing is missing yet.
	g.clock.Set(london(2026, 1, 10, 10, 20))
	door := g.door(t)
	_, err = g.visitingNoShow(ctx, door, noShow)
	require.NoError(t, err)
	require.NotContains(t, g.alertsOf(t, saturday(0), unrecorded), schedulingv1.Alert_ALERT_NO_OUTCOME_RECORDED)
	require.Zero(t, noOutcome())

	// Two days on, the booking nobody recorded anything of is alerted and counted; the others not.
	g.clock.Set(london(2026, 1, 12, 9, 0))
	require.Contains(t, g.alertsOf(t, saturday(0), unrecorded), schedulingv1.Alert_ALERT_NO_OUTCOME_RECORDED)
	for _, b := range []string{cancelled, noShow} {
		require.NotContains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_NO_OUTCOME_RECORDED)
	}
	require.EqualValues(t, 1, noOutcome())

	// Recorded (the visiting parent did not come), it is alerted and counted no more.
	_, err = g.visitingNoShow(ctx, door, unrecorded)
	require.NoError(t, err)
	require.NotContains(t, g.alertsOf(t, saturday(0), unrecorded), schedulingv1.Alert_ALERT_NO_OUTCOME_RECORDED)
	require.Zero(t, noOutcome())
}
