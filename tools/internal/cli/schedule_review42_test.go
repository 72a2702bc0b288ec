package cli

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 42: a cancellation's notice is counted to the time the cancelling party was due at the
// door, and the words say which; one recorded before (notice_to unset) was counted to the
// children's arrival and still says so.
func TestACancellationsNoticeSaysWhoseTimeItIsCountedTo(t *testing.T) {
	show := func(by schedulingv1.CancelledBy, minutes int64, to schedulingv1.Party) string {
		var buf bytes.Buffer
		require.NoError(t, printBooking(&buf, &output{}, &schedulingv1.Booking{BookingId: uuid.NewString(),
			Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, CancelledBy: by, NoticeMinutes: minutes, NoticeTo: to}, nil))
		return buf.String()
	}
	require.Regexp(t, `notice:\s+1 hour before the visiting parent was due`,
		show(schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, 60, schedulingv1.Party_PARTY_VISITING))
	require.Regexp(t, `notice:\s+1 day 23 hours 50 minutes before the visiting parent was due`,
		show(schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, 47*60+50, schedulingv1.Party_PARTY_VISITING))
	require.Regexp(t, `notice:\s+2 days 5 minutes before the children were due`,
		show(schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, 48*60+5, schedulingv1.Party_PARTY_CHILDREN))
	require.Regexp(t, `notice:\s+1 hour 15 minutes before the children were due`,
		show(schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, 75, schedulingv1.Party_PARTY_UNSPECIFIED), "recorded before review 42")
	require.Regexp(t, `notice:\s+none \(cancelled once the visiting parent was due, or after\)`,
		show(schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, 0, schedulingv1.Party_PARTY_VISITING))
}

// Review 42: an explained no-show says why (--explanation, which implies --explained); --explained
// alone is refused before any call, as is an explanation given with --withdraw.
func TestAnExplainedNoShowNeedsItsExplanationBeforeAnyCall(t *testing.T) {
	centre, booking := uuid.NewString(), uuid.NewString()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--party", "visiting", "--explained"}, "an explained no-show says why: give --explanation"},
		{[]string{"--party", "visiting", "--explained", "--explanation", "  "}, "an explained no-show says why: give --explanation"},
		{[]string{"--withdraw", "--explanation", "he came after all"}, "--withdraw is given alone"},
	} {
		_, err := run(t, append([]string{"schedule", "noshow", booking, "--centre", centre, "--data", t.TempDir()}, c.args...)...)
		require.ErrorContains(t, err, c.want, c.args)
	}
}
