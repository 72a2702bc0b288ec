package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 50 (L2): the centre's call-off of a session for a burst pipe read, in the family's
// history, "cancelled by the centre: requested (under 48 hours' notice)": the centre's cause read
// as a request and as late notice. One recorded with its reason says the centre called it off and
// why; a parent's copy says only that it was cancelled (the centre's reason, safeguarding among
// them, is the centre's record). One recorded before the reason was kept says what it said, with
// the notice given (decision 332).
func TestTheCentresCallOffIsDescribedAsTheCentres(t *testing.T) {
	day := &commonv1.Date{Year: 2026, Month: 1, Day: 17}
	pipe := &schedulingv1.BookingCancelled{SessionDate: day, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE,
		Reason: schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, CallOffReason: schedulingv1.CallOffReason_CALL_OFF_REASON_PREMISES}
	words := Describe(envelopeOf(t, pipe))
	require.Equal(t, "Booking for 2026-01-17 called off by the centre: premises (the family told none: once the children were due, or after)", words)
	copyWords, given := parentsWords("scheduling", "familytime.scheduling.v1.BookingCancelled", words)
	require.True(t, given)
	require.Equal(t, "Booking for 2026-01-17 cancelled", copyWords)

	old := &schedulingv1.BookingCancelled{SessionDate: day, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, Late: true,
		Reason: schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED}
	require.Equal(t, "Booking for 2026-01-17 cancelled by the centre: requested (under 48 hours' notice: none: once the children were due, or after)",
		Describe(envelopeOf(t, old)))
}
