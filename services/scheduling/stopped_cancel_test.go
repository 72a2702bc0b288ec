package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Decision 359 (351's Left): the CLI's door line for an ON_HOLD or DISCLOSURE_NOT_WEIGHED refusal
// of a booking still booked prints the centre's call-off. Checked as printed, through gRPC on real
// PostgreSQL (the CLI sends --reason as call_off_reason, unset when left out):
//   - a session the door stopped (StoppedAtTheDoor: turned away DISCLOSURE_NOT_WEIGHED at 10:02,
//     in reach) is called off with no reason (callOffStopped: contact stopped, safeguarding, never
//     late), and with --reason safeguarding the same;
//   - a session a hold placed once its time was over leaves booked, whose visiting parent is turned
//     away ON_HOLD at 11:40, is not stopped (contact was out of reach): cancel --by centre with no
//     reason is refused call_off_reason, and with --reason safeguarding it is called off. So the
//     line prints --reason safeguarding, which runs wherever it is printed.
func TestTheDoorLinesCallOffRunsAsPrinted(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 3)
	fams := g.ready(t, 3, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	var booked []string
	for _, f := range fams {
		r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
		require.NoError(t, err)
		booked = append(booked, r.GetBooking().GetBookingId())
	}
	turnAway := func(booking string, person uuid.UUID, reason string) {
		t.Helper()
		in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking,
			PersonId: person.String(), RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.Equal(t, reason, in.GetRefusal())
		require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, in.GetBooking().GetStatus(), "the line prints the call-off")
	}
	cancel := func(booking string, why schedulingv1.CallOffReason) (*schedulingv1.CancelBookingResponse, error) {
		return c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: booking,
			CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, CallOffReason: why, RequestId: uuid.NewString()})
	}
	stoppedOff := func(off *schedulingv1.CancelBookingResponse) {
		t.Helper()
		b := off.GetBooking()
		require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, b.GetStatus())
		require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_CONTACT_STOPPED, b.GetCancellationReason())
		require.Equal(t, schedulingv1.CallOffReason_CALL_OFF_REASON_SAFEGUARDING, b.GetCallOffReason())
		require.False(t, b.GetCancelledLate())
	}

	// Stopped at the door: both commands run, and record the same.
	g.flag(t, fams[0], g.centre, monday, true)
	g.flag(t, fams[1], g.centre, monday, true)
	g.clock.Set(london(2026, 1, 10, 10, 2))
	turnAway(booked[0], fams[0].visiting, "DISCLOSURE_NOT_WEIGHED")
	turnAway(booked[1], fams[1].visiting, "DISCLOSURE_NOT_WEIGHED")
	g.clock.Set(london(2026, 1, 10, 10, 31))
	off, err := cancel(booked[0], schedulingv1.CallOffReason_CALL_OFF_REASON_UNSPECIFIED)
	require.NoError(t, err, "decision 351's line, no --reason, runs for a session the door stopped")
	stoppedOff(off)
	off, err = cancel(booked[1], schedulingv1.CallOffReason_CALL_OFF_REASON_SAFEGUARDING)
	require.NoError(t, err)
	stoppedOff(off)

	// A hold placed once the session's time was over: not stopped, and the reason is needed.
	g.clock.Set(london(2026, 1, 10, 11, 35))
	g.hold(t, fams[2].id)
	g.clock.Set(london(2026, 1, 10, 11, 40))
	turnAway(booked[2], fams[2].visiting, "ON_HOLD")
	_, err = cancel(booked[2], schedulingv1.CallOffReason_CALL_OFF_REASON_UNSPECIFIED)
	_, reason := field(err)
	require.Equal(t, "call_off_reason", reason, "with no --reason it is refused: %v", err)
	off, err = cancel(booked[2], schedulingv1.CallOffReason_CALL_OFF_REASON_SAFEGUARDING)
	require.NoError(t, err, "with --reason safeguarding it runs")
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, off.GetBooking().GetStatus())
	require.Equal(t, schedulingv1.CallOffReason_CALL_OFF_REASON_SAFEGUARDING, off.GetBooking().GetCallOffReason())
}
