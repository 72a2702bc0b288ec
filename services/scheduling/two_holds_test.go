package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Decision 340's Left (decision 345): a family under two holds, one lifted. The other still
// suspends its contact: booking is refused ON_HOLD, the day sheet alerts ON_HOLD and the door
// refuses the family ON_HOLD. Each booking a hold cancelled names that hold (the second hold,
// placed while the first was in force, cancelled none), so a lift lists its own hold's alone.
func TestAFamilyStillUnderAnotherHoldStaysSuspendedAndEachCancellationNamesItsHold(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f, door, coordinator := g.readyBringing(t), g.door(t), g.client(t, auth.RoleCoordinator)
	lift := func(hold uuid.UUID, left int) {
		t.Helper()
		g.safeguarding.publish(t, "hold-"+hold.String(), f.id, g.centre, &safeguardingv1.HoldLifted{HoldId: hold.String(),
			FamilyId: f.id.String(), CentreId: g.centre.String(), LiftedOn: date(g.clock.Now())})
		g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND holds_in_force = $2", f.id, left)
	}
	cancelledFor := func() map[string]string {
		t.Helper()
		list, err := coordinator.ListFamilyBookings(ctx, &schedulingv1.ListFamilyBookingsRequest{CentreId: g.centre.String(),
			FamilyId: f.id.String()})
		require.NoError(t, err)
		out := map[string]string{}
		for _, fb := range list.GetBookings() {
			out[fb.GetBooking().GetBookingId()] = fb.GetBooking().GetCancelledForHoldId()
		}
		return out
	}
	bookSaturday := func(week int) (*schedulingv1.BookSessionResponse, error) {
		return book(ctx, coordinator, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
	}

	booked, err := bookSaturday(0)
	require.NoError(t, err)
	b := booked.GetBooking().GetBookingId()
	first := g.hold(t, f.id)
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(b),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED))
	second := g.hold(t, f.id)
	g.waitFor(t, "SELECT (count(*) = 2)::int FROM events WHERE event_type = 'familytime.scheduling.v1.HoldNoted' AND family_id = $1", f.id)
	lift(first, 1)

	require.Equal(t, map[string]string{b: first.String()}, cancelledFor(), "the first hold cancelled it; the second, none")
	_, err = bookSaturday(1)
	_, reason := field(err)
	require.Equal(t, "ON_HOLD", reason, "the second hold still suspends the family's contact: %v", err)
	require.Contains(t, g.entryOf(t, saturday(0), b).GetAlerts(), schedulingv1.Alert_ALERT_ON_HOLD)
	g.clock.Set(london(2026, 1, 10, 10, 0))
	refused, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: b,
		PersonId: f.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.False(t, refused.GetAdmitted())
	require.Equal(t, "ON_HOLD", refused.GetRefusal())

	lift(second, 0)
	require.NotContains(t, g.entryOf(t, saturday(0), b).GetAlerts(), schedulingv1.Alert_ALERT_ON_HOLD)
	booked, err = bookSaturday(1)
	require.NoError(t, err, "no hold in force: the family is booked again")
	again := booked.GetBooking().GetBookingId()
	require.Empty(t, cancelledFor()[again])
	third := g.hold(t, f.id)
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(again),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED))
	require.Equal(t, map[string]string{b: first.String(), again: third.String()}, cancelledFor())
	// The cancellations as stored name their hold.
	rows, err := g.owner.Query(ctx, `SELECT payload FROM events WHERE stream_id = $1 AND event_type = $2`,
		"family-"+f.id.String(), "familytime.scheduling.v1.BookingCancelled")
	require.NoError(t, err)
	defer rows.Close()
	stored := map[string]string{}
	for rows.Next() {
		var raw []byte
		require.NoError(t, rows.Scan(&raw))
		var ev schedulingv1.BookingCancelled
		require.NoError(t, proto.Unmarshal(raw, &ev))
		stored[ev.GetBookingId()] = ev.GetHoldId()
	}
	require.NoError(t, rows.Err())
	require.Equal(t, map[string]string{b: first.String(), again: third.String()}, stored)
}
