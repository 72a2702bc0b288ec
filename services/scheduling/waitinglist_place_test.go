package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 49 (H1): a room for one family on a pattern of two Saturdays, both booked, was offered
// to a waiting family, which left the list for a place that did not exist; so was a place on a
// pattern whose last session had passed. A place is offered only when some session of the
// pattern still to come has one free in the room (NO_PLACE otherwise, saying which and what to
// do, naming nobody); a refusal leaves the family waiting; the answer says the first date free.
func TestAPlaceIsOfferedOnlyWhereASessionStillToComeHasOne(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	var rooms []string
	for _, name := range []string{"Garden room", "Blue room"} {
		r, err := c.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: name, Capacity: 1, RequestId: uuid.NewString()})
		require.NoError(t, err)
		rooms = append(rooms, r.GetRoom().GetRoomId())
	}
	pattern := func(room string, last int) string {
		p, err := c.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(),
			Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
			StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12},
			FirstDate: date(saturday(0)), LastDate: date(saturday(last)), RoomIds: []string{room}, RequestId: uuid.NewString()})
		require.NoError(t, err)
		return p.GetPattern().GetPatternId()
	}
	twoSaturdays, oneSaturday := pattern(rooms[0], 1), pattern(rooms[1], 0)
	booked := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	var bookings []string
	for week, f := range booked {
		r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: twoSaturdays, Date: date(saturday(week)), RoomId: rooms[0]})
		require.NoError(t, err)
		bookings = append(bookings, r.GetBooking().GetBookingId())
	}
	first, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	second, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)

	offer := func(pattern, room string, family uuid.UUID) (*schedulingv1.OfferPlaceResponse, error) {
		req := &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: room, RequestId: uuid.NewString()}
		if family != uuid.Nil {
			req.FamilyId = family.String()
		}
		return c.OfferPlace(ctx, req)
	}
	refused := func(err error, says string) {
		t.Helper()
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, "%v", err)
		require.Equal(t, "NO_PLACE", reason)
		msg := status.Convert(err).Message()
		require.Contains(t, msg, says)
		for _, f := range []uuid.UUID{first, second} {
			require.NotContains(t, msg, f.String(), "a refusal names nobody")
		}
	}
	before := g.count(t, "SELECT count(*) FROM events")
	// Both Saturdays are booked to capacity: first in turn, or named, nobody is offered the room.
	_, err := offer(twoSaturdays, rooms[0], uuid.Nil)
	refused(err, "full in every session still to come")
	_, err = offer(twoSaturdays, rooms[0], second)
	refused(err, "full in every session still to come")

	// The one-Saturday pattern's room is free on the 10th, but that session is over by the 12th.
	g.clock.Set(london(2026, 1, 12, 9, 0))
	_, err = offer(oneSaturday, rooms[1], uuid.Nil)
	refused(err, "no session still to come")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "a refusal records nothing")
	ids, _ := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{first, second}, ids, "refused, the families still wait, in turn")

	// The second Saturday's family cancels: its place is free, and offered, from that date.
	_, err = c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: bookings[1],
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)
	resp, err := offer(twoSaturdays, rooms[0], uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, first.String(), resp.GetFamilyId())
	require.Equal(t, date(saturday(1)), resp.GetFirstFreeOn(), "the first date with a place free: the first Saturday has passed")
}
