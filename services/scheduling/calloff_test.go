package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 44 (finding 1): a centre that had to close at 10:05 (a burst pipe, no volunteer), its
// visiting parent due at 10:00 and nobody of the family yet come, could not record calling the
// session off: cancel --by centre was refused SESSION_STARTED that day and every day after, a year
// later too, and complete needs both parties. The coordinator could only charge the family a
// no-show (which counts towards the two that release its place) or leave the booking booked for
// ever. The centre now calls off a session under way, or past, that nobody of the family came to
// (nobody admitted at the door, no party's arrival recorded): cancelled by the centre, no notice.
// A family's own cancellation once the session started stays refused (that is a no-show), and so
// does the centre's once someone of the family was admitted (decision 263).
func TestTheCentreCallsOffASessionNobodyCameTo(t *testing.T) {
	g := newRig(t, monday)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	booked := g.bookWeeks(t, f, 3) // Saturdays 10, 17, 24 January: visiting parent 10:00, children 10:15
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	events := func() int { return g.count(t, "SELECT count(*) FROM events") }
	cancel := func(booking string, by schedulingv1.CancelledBy) (*schedulingv1.CancelBookingResponse, error) {
		req := &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: booking, CancelledBy: by, RequestId: uuid.NewString()}
		if by == schedulingv1.CancelledBy_CANCELLED_BY_CENTRE {
			req.CallOffReason = schedulingv1.CallOffReason_CALL_OFF_REASON_PREMISES // the centre says why (decision 284)
		}
		return c.CancelBooking(t.Context(), req)
	}

	g.clock.Set(london(2026, 1, 10, 10, 5))
	before := events()
	for _, by := range []schedulingv1.CancelledBy{schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT,
		schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, schedulingv1.CancelledBy_CANCELLED_BY_REFERRER} {
		_, err := cancel(booked[0], by)
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "SESSION_STARTED", reason, by.String())
		require.ErrorContains(t, err, "a party that does not come is a no-show", by.String())
		require.ErrorContains(t, err, "--by centre", "the refusal says how the centre records calling it off")
	}
	require.Equal(t, before, events(), "refusals append nothing")

	r, err := cancel(booked[0], schedulingv1.CancelledBy_CANCELLED_BY_CENTRE)
	require.NoError(t, err, "the centre calls off a session nobody came to")
	b := r.GetBooking()
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, b.GetStatus())
	require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, b.GetCancelledBy())
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, b.GetCancellationReason())
	require.Zero(t, r.GetNoticeMinutes(), "no notice")
	require.Equal(t, schedulingv1.Party_PARTY_VISITING, r.GetNoticeTo())
	require.False(t, b.GetCancelledLate(), "the centre's call-off is nobody's late notice (decision 284)")
	require.Equal(t, schedulingv1.CallOffReason_CALL_OFF_REASON_PREMISES, b.GetCallOffReason())
	sheet := g.entryOf(t, saturday(0), booked[0]).GetBooking()
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, sheet.GetStatus())
	require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, sheet.GetCancelledBy())
	require.Zero(t, sheet.GetNoticeMinutes())
	require.Equal(t, schedulingv1.CallOffReason_CALL_OFF_REASON_PREMISES, sheet.GetCallOffReason())
	require.NotContains(t, g.entryOf(t, saturday(0), booked[0]).GetAlerts(), schedulingv1.Alert_ALERT_CANCELLED_LATE)
	// Nobody's no-show: none is recorded on it, and none counts against the family.
	_, err = g.visitingNoShow(t.Context(), door, booked[0])
	_, reason := field(err)
	require.Equal(t, "BOOKING_NOT_ACTIVE", reason, err)
	require.Zero(t, g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.NoShowRecorded'"))

	// A session left booked is called off months later all the same (while the coordinator's
	// training, recorded a month before the rig's Monday, still clears them).
	g.clock.Set(london(2026, 11, 20, 9, 0))
	r, err = cancel(booked[1], schedulingv1.CancelledBy_CANCELLED_BY_CENTRE)
	require.NoError(t, err, "months later")
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, r.GetBooking().GetStatus())
	require.Zero(t, r.GetNoticeMinutes())

	// Someone of the family admitted at the door came: the centre calls the session off all the
	// same, on the day (decision 284; TestTheCentreCallsOffASessionUnderWay).
	g.clock.Set(london(2026, 1, 24, 9, 58))
	g.checkIn(t, door, booked[2], f.visiting)
	g.clock.Set(london(2026, 1, 24, 10, 30))
	_, err = cancel(booked[2], schedulingv1.CancelledBy_CANCELLED_BY_CENTRE)
	require.NoError(t, err)
}

// A party's arrival recorded is someone who came: the session ran its time once the door's record
// of it closed (an hour after the visiting parent was due to leave), and the centre no longer calls
// it off: it is completed (decision 284).
func TestTheCentreDoesNotCallOffASessionThatRanItsTime(t *testing.T) {
	g := newRig(t, monday)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	b := g.bookWeeks(t, f, 1)[0]
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	g.clock.Set(london(2026, 1, 10, 10, 15))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	g.clock.Set(london(2026, 1, 10, 12, 31))
	before := g.count(t, "SELECT count(*) FROM events")
	_, err := c.CancelBooking(t.Context(), &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: b,
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, CallOffReason: schedulingv1.CallOffReason_CALL_OFF_REASON_WEATHER,
		RequestId: uuid.NewString()})
	_, reason := field(err)
	require.Equal(t, "SESSION_OVER", reason, err)
	require.ErrorContains(t, err, "familytime schedule complete "+b)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"))
}

// Review 44 (finding 2): the refusal of a no-show that would release the place while the party may
// still come told the coordinator to use --explained, which is refused on its own: it says
// --explanation with the family's reason.
func TestMayStillComeSaysHowToGiveTheFamilysReason(t *testing.T) {
	g := newRig(t, monday)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	booked := g.bookWeeks(t, f, 2)
	door := g.door(t)
	g.clock.Set(london(2026, 1, 10, 10, 20))
	_, err := g.visitingNoShow(t.Context(), door, booked[0])
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 17, 10, 20))
	_, err = g.visitingNoShow(t.Context(), door, booked[1])
	_, reason := field(err)
	require.Equal(t, "MAY_STILL_COME", reason, err)
	require.ErrorContains(t, err, `--explanation "<the family's reason>"`)
	require.NotContains(t, err.Error(), "--explained")
}

// Review 44 (finding 3): a move under 48 hours' notice records the old booking cancelled late,
// with its notice, but the answer carried only the new booking, so "reschedule" could not say it
// was late. The answer now carries the old booking as cancelled: rescheduled, who asked, the
// notice counted to their own time and whether it was late, as a cancellation's answer does.
func TestAMoveSaysTheNoticeItGaveAndWhetherItWasLate(t *testing.T) {
	g := newRig(t, monday)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	booked := g.bookWeeks(t, f, 2) // Saturdays 10 and 17 January: visiting parent 10:00, children 10:15
	c := g.client(t, auth.RoleCoordinator)
	move := func(booking string, to int) *schedulingv1.RescheduleBookingResponse {
		t.Helper()
		r, err := c.RescheduleBooking(t.Context(), &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(), BookingId: booking,
			Date: date(saturday(to)), RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, RequestId: uuid.NewString()})
		require.NoError(t, err)
		return r
	}

	// Thursday 10:10: 47 hours 50 minutes before the visiting parent's 10:00.
	g.clock.Set(london(2026, 1, 8, 10, 10))
	r := move(booked[0], 3)
	old := r.GetReplaced()
	require.Equal(t, booked[0], old.GetBookingId())
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, old.GetStatus())
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_RESCHEDULED, old.GetCancellationReason())
	require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, old.GetCancelledBy())
	require.Equal(t, int64(47*60+50), old.GetNoticeMinutes())
	require.Equal(t, schedulingv1.Party_PARTY_VISITING, old.GetNoticeTo())
	require.True(t, old.GetCancelledLate())
	require.True(t, proto.Equal(date(saturday(3)), r.GetBooking().GetDate()), "the new booking is the answer's booking")
	// As the day sheet has it.
	sheet := g.entryOf(t, saturday(0), booked[0]).GetBooking()
	require.Equal(t, old.GetNoticeMinutes(), sheet.GetNoticeMinutes())
	require.True(t, sheet.GetCancelledLate())

	// A week ahead: on time.
	r = move(booked[1], 4)
	require.False(t, r.GetReplaced().GetCancelledLate())
	require.Equal(t, int64(9*24*60-10), r.GetReplaced().GetNoticeMinutes())
}
