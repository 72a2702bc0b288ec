package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// A cancelled booking stays on the day sheet with its alerts, but its people are not expected:
// the sheet lists none of them, except whoever had checked in before a hold cancelled the
// session under way, who is at the centre (decisions.md 91).
func TestACancelledBookingsPeopleAreNotExpected(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	fams := g.ready(t, 3, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	coming, cancelled, held := fams[0], fams[1], fams[2]
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	bookings := map[uuid.UUID]string{}
	for _, f := range fams {
		b, err := c.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0], RequestId: uuid.NewString()})
		require.NoError(t, err)
		bookings[f.id] = b.GetBooking().GetBookingId()
	}
	_, err := c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: bookings[cancelled.id],
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)

	// On the morning the held family's visiting parent checks in; then a hold cancels its session.
	g.clock.Set(london(2026, 1, 10, 9, 58))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bookings[held.id],
		PersonId: held.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted())
	g.safeguarding.publish(t, "hold-"+held.id.String(), held.id, g.centre, &safeguardingv1.HoldPlaced{HoldId: uuid.NewString(),
		FamilyId: held.id.String(), CentreId: g.centre.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION,
		PlacedOn: date(saturday(0))})
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(bookings[held.id]),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED))

	sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
	require.NoError(t, err)
	require.Len(t, sheet.GetEntries(), 3, "cancelled bookings stay on the sheet")
	expected := map[string][]string{}
	for _, e := range sheet.GetEntries() {
		var people []string
		for _, p := range e.GetExpected() {
			people = append(people, p.GetPersonId())
		}
		expected[e.GetBooking().GetBookingId()] = people
		if e.GetBooking().GetBookingId() == bookings[held.id] {
			require.Contains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_ON_HOLD)
			require.True(t, e.GetExpected()[0].GetCheckedIn())
		}
	}
	require.ElementsMatch(t, []string{coming.resident.String(), coming.visiting.String(), coming.child.String()},
		expected[bookings[coming.id]], "a booking still on: everyone named")
	require.Empty(t, expected[bookings[cancelled.id]], "a cancelled booking: nobody expected")
	require.Equal(t, []string{held.visiting.String()}, expected[bookings[held.id]],
		"cancelled under way: only who is already in the building")

	// The door records who left the session the hold called off (decision 111); nothing else.
	g.clock.Set(london(2026, 1, 10, 10, 5))
	left, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: bookings[held.id],
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{held.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, left.GetBooking().GetStatus())
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[held.id],
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{held.resident.String(), held.child.String()}, RequestId: uuid.NewString()})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, "%v", err)
	require.Equal(t, "BOOKING_NOT_ACTIVE", reason)
	_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: bookings[cancelled.id],
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{cancelled.resident.String(), cancelled.child.String()}, RequestId: uuid.NewString()})
	code, reason = field(err)
	require.Equal(t, codes.FailedPrecondition, code, "%v", err)
	require.Equal(t, "BOOKING_NOT_ACTIVE", reason, "a booking cancelled before anyone came takes no departure")
}
