package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Decision 359: a check-in on a no-show (or completed) booking is a refusal recorded, answered
// BOOKING_NO_SHOW (BOOKING_COMPLETED), its way on in the caution of that code; checkin --help says
// so; keep-apart --help says the door is cautioned and never refused, naming the other booking's
// room and times only.
func TestANoShowsCheckInIsARecordedRefusalInWords(t *testing.T) {
	line := checkInVerdict(&schedulingv1.CheckInResponse{Refusal: "BOOKING_NO_SHOW",
		Booking: &schedulingv1.Booking{Status: schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW}}, "B", "P")
	require.Equal(t, "REFUSED (BOOKING_NO_SHOW): do not admit; the booking is recorded as a no-show, so nobody is checked in for it "+
		"(the refusal is recorded): the BOOKING_NO_SHOW caution says the way on", line)
	line = checkInVerdict(&schedulingv1.CheckInResponse{Refusal: "BOOKING_COMPLETED"}, "B", "P")
	require.Contains(t, line, "REFUSED (BOOKING_COMPLETED): do not admit; the booking is completed")

	out, err := run(t, "schedule", "checkin", "--help")
	require.NoError(t, err)
	flat := strings.Join(strings.Fields(out), " ")
	require.Contains(t, flat, "refused BOOKING_NO_SHOW, recorded as turned away at the door as any refusal")
	require.Contains(t, flat, `"CAUTION BOOKING_NO_SHOW: ..."`)
	require.NotContains(t, flat, "answered BOOKING_NOT_ACTIVE (a no-show)")
	// Decision 372: once the session is over, a recorded refusal too.
	require.Contains(t, flat, `refused SESSION_OVER, recorded as turned away at the door as any refusal, with a line "CAUTION SESSION_OVER: ..." giving the times`)
	require.Equal(t, "REFUSED (SESSION_OVER): do not admit; the session is over, so nobody is checked in for it (the refusal is "+
		"recorded): the SESSION_OVER caution gives the times", checkInVerdict(&schedulingv1.CheckInResponse{Refusal: "SESSION_OVER"}, "B", "P"))

	out, err = run(t, "schedule", "keep-apart", "--help")
	require.NoError(t, err)
	flat = strings.Join(strings.Fields(out), " ")
	require.Contains(t, flat, "The door is cautioned, never refused")
	require.Contains(t, flat, "FAMILY_KEPT_APART_AT_CENTRE: ...\" naming the other booking, its room and its times only")
}
