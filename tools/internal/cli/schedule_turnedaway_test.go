package cli

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 37: a family turned away at the door because its contact was stopped was recorded as an
// unexplained no-show. The door's refusal line says it is no no-show and how the coordinator ends
// the session; a session so called off says why, with no notice words; the help of noshow and
// cancel says the rule.
func TestATurnedAwayFamilyIsNoNoShowInWords(t *testing.T) {
	booking, person := uuid.NewString(), uuid.NewString()
	for _, refusal := range []string{"DISCLOSURE_NOT_WEIGHED", "ON_HOLD"} {
		line := checkInVerdict(&schedulingv1.CheckInResponse{Refusal: refusal}, booking, person)
		require.Contains(t, line, "REFUSED ("+refusal+"): do not admit")
		require.Contains(t, line, "not a no-show: do not record one")
		require.Contains(t, line, "familytime schedule cancel "+booking+" --by centre --reason safeguarding)", "runs as printed (decision 359)")
	}
	require.Equal(t, "REFUSED (NOT_NAMED): do not admit; tell the coordinator",
		checkInVerdict(&schedulingv1.CheckInResponse{Refusal: "NOT_NAMED"}, booking, person), "a stranger proves nothing")

	stopped := &schedulingv1.Booking{BookingId: booking, Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED,
		CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_CONTACT_STOPPED, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE}
	require.Equal(t, "cancelled by centre (contact stopped at the door)", statusWords(stopped))
	var buf bytes.Buffer
	require.NoError(t, printBooking(&buf, &output{}, stopped, nil))
	require.Regexp(t, `cancelled:\s+contact stopped at the door\n`, buf.String())
	require.NotContains(t, buf.String(), "notice")

	s := &schedule{}
	require.Contains(t, s.noshow().Long, "REFUSED_AT_THE_DOOR")
	require.Contains(t, s.cancel().Long, "contact stopped at the door")
}
