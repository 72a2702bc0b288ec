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

// Review 60, finding 3, decision 334: two families kept apart were booked back to back, one
// visiting parent due out at 11:45 and the other due in at 11:45, so any late leaving put them
// face to face at the door. Each family's time at the centre is kept the door's window from the
// other's (10 minutes, or the longer stagger a family agreed), in the booking's and the move's
// refusal, the answer's bookings alongside and the day sheet's alert.
func TestFamiliesKeptApartAreKeptApartAtTheDoor(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	p, rooms := g.gardenAndRed(t)
	pattern := p.GetPattern().GetPatternId()
	fams := g.ready(t, 4, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	a, b, x, y := fams[0], fams[1], fams[2], fams[3]
	longer := g.readyWithStagger(t, 15, 25) // the visiting parent leaves 25 minutes after the children
	keep := func(one, other family, reason schedulingv1.KeepApartReason) *schedulingv1.KeepFamiliesApartResponse {
		t.Helper()
		resp, err := c.KeepFamiliesApart(ctx, &schedulingv1.KeepFamiliesApartRequest{CentreId: g.centre.String(), FamilyId: one.id.String(),
			OtherFamilyId: other.id.String(), Reason: reason, RequestId: uuid.NewString()})
		require.NoError(t, err)
		return resp
	}
	at := func(f family, room, hour, minute int32) *schedulingv1.BookSessionRequest {
		return &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(), PatternId: pattern,
			Date: date(saturday(0)), RoomId: rooms[room], StartTime: &schedulingv1.LocalTime{Hour: hour, Minute: minute}}
	}
	refused := func(err error, gap, booking string) {
		t.Helper()
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "FAMILIES_KEPT_APART", reason)
		require.Contains(t, status.Convert(err).Message(), "at least "+gap+" minutes apart at the door")
		require.Contains(t, status.Convert(err).Message(), booking)
	}

	keep(a, b, schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION)
	keep(a, longer, schedulingv1.KeepApartReason_KEEP_APART_REASON_SAFETY)
	first, err := book(ctx, c, at(a, 0, 10, 30))
	require.NoError(t, err)
	aBooking := first.GetBooking().GetBookingId()
	require.Equal(t, "11:45", wall(first.GetBooking().GetVisiting().GetLeaveTime()), "a's visiting parent is in 10:15-11:45")

	// b's visiting parent due in as a's is due out, or 5 minutes after: refused, in another room.
	_, err = book(ctx, c, at(b, 1, 12, 0))
	refused(err, "10", aBooking)
	require.Contains(t, status.Convert(err).Message(), "begin at 11:55 or later")
	_, err = book(ctx, c, at(b, 1, 12, 5))
	refused(err, "10", aBooking)
	require.Zero(t, g.count(t, `SELECT count(*) FROM bookings WHERE family_id = $1`, b.id))
	// 10 minutes after: booked.
	second, err := book(ctx, c, at(b, 1, 12, 10))
	require.NoError(t, err)
	bBooking := second.GetBooking().GetBookingId()
	// Moving it 10 minutes earlier is refused, and leaves it as it was.
	_, err = c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(), BookingId: bBooking,
		PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[1], StartTime: &schedulingv1.LocalTime{Hour: 12},
		RequestId: uuid.NewString(), RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE})
	refused(err, "10", aBooking)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, g.entryOf(t, saturday(0), bBooking).GetBooking().GetStatus())

	// A family that agreed 25 minutes between its own parents leaving is kept 25 from the other.
	_, err = book(ctx, c, at(longer, 0, 12, 10))
	refused(err, "25", aBooking)
	_, err = book(ctx, c, at(longer, 0, 12, 25))
	require.NoError(t, err)

	// Two families booked back to back, then recorded kept apart: answered with the bookings, and
	// both alerted on the day sheet; the pair booked 10 minutes apart is not.
	xBooked, err := book(ctx, c, at(x, 1, 14, 0)) // 13:45-15:15
	require.NoError(t, err)
	yBooked, err := book(ctx, c, at(y, 0, 15, 30)) // 15:15-16:45
	require.NoError(t, err)
	alongside := keep(x, y, schedulingv1.KeepApartReason_KEEP_APART_REASON_SAFETY)
	require.Len(t, alongside.GetBookedAlongside(), 1)
	require.Equal(t, xBooked.GetBooking().GetBookingId(), alongside.GetBookedAlongside()[0].GetBookingId())
	require.Equal(t, yBooked.GetBooking().GetBookingId(), alongside.GetBookedAlongside()[0].GetAlongsideBookingId())
	alert := schedulingv1.Alert_ALERT_FAMILY_KEPT_APART_BOOKED_ALONGSIDE
	require.Contains(t, g.entryOf(t, saturday(0), xBooked.GetBooking().GetBookingId()).GetAlerts(), alert)
	require.Contains(t, g.entryOf(t, saturday(0), yBooked.GetBooking().GetBookingId()).GetAlerts(), alert)
	require.NotContains(t, g.entryOf(t, saturday(0), aBooking).GetAlerts(), alert)
	require.NotContains(t, g.entryOf(t, saturday(0), bBooking).GetAlerts(), alert)
}

// Review 60, finding 4, decision 334: F1 and F3 share the father; F1 is kept apart from F5 for an
// injunction; F3 and F5 were booked at the same time with nothing said. Recording a pair answers
// the pairs the same adult may bring together that are not kept apart, by id, for the coordinator
// to record: it records none itself (the reason does not say which adult it concerns).
func TestKeepingApartWarnsOfThePairsTheSameAdultBringsTogether(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	fams := g.ready(t, 6, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	f1, f3, f5, g1, g2, g3 := fams[0], fams[1], fams[2], fams[3], fams[4], fams[5]
	keep := func(one, other family, reason schedulingv1.KeepApartReason) *schedulingv1.KeepFamiliesApartResponse {
		t.Helper()
		resp, err := c.KeepFamiliesApart(ctx, &schedulingv1.KeepFamiliesApartRequest{CentreId: g.centre.String(), FamilyId: one.id.String(),
			OtherFamilyId: other.id.String(), Reason: reason, RequestId: uuid.NewString()})
		require.NoError(t, err)
		return resp
	}
	also := func(f, other, through family, reason schedulingv1.KeepApartReason) *schedulingv1.AlsoKeepApart {
		return &schedulingv1.AlsoKeepApart{FamilyId: f.id.String(), OtherFamilyId: other.id.String(), ThroughFamilyId: through.id.String(), Reason: reason}
	}
	same, injunction := schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT, schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION
	requireAlso := func(t *testing.T, resp *schedulingv1.KeepFamiliesApartResponse, want ...*schedulingv1.AlsoKeepApart) {
		t.Helper()
		require.Len(t, resp.GetAlsoKeepApart(), len(want))
		for i, w := range want {
			require.Equal(t, w.String(), resp.GetAlsoKeepApart()[i].String())
		}
	}
	kept := func() int {
		t.Helper()
		return g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.FamiliesKeptApart'`)
	}

	requireAlso(t, keep(f1, f3, same))
	// A pair recorded with a family that shares an adult: the other family of the shared adult with it.
	requireAlso(t, keep(f5, f1, injunction), also(f3, f5, f1, injunction))
	require.Equal(t, 4, kept(), "a warning: F3 and F5 are not recorded")
	// Recording the same-adult pair again says it again.
	requireAlso(t, keep(f3, f1, same), also(f3, f5, f1, injunction))
	// Recorded: nothing more to say.
	requireAlso(t, keep(f3, f5, injunction))
	requireAlso(t, keep(f1, f3, same))

	// The other way round: the injunction first, the shared adult after.
	requireAlso(t, keep(g1, g3, injunction))
	requireAlso(t, keep(g2, g1, same), also(g2, g3, g1, injunction))
}
