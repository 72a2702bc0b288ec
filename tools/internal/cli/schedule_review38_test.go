package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 38: IN was checked_in || in_building, and a check-in never clears, so a child collected at
// 10:17 read IN yes and a completed booking 3/3 with everyone gone. IN is in_building alone, which
// the service sets to who is inside now; CHECKED IN stays the check-ins.
func TestDaySheetInIsWhoIsInsideNowNotWhoCheckedIn(t *testing.T) {
	entries := []*schedulingv1.DaySheetEntry{{RoomName: "Garden room",
		Booking: &schedulingv1.Booking{BookingId: "7d1e2c3a-0000-4000-8000-000000000002", Status: schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED,
			TimeZone: "Europe/London"},
		Expected: []*schedulingv1.ExpectedPerson{{PersonId: "p-1", Role: schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT, CheckedIn: true},
			{PersonId: "p-2", Role: schedulingv1.PersonRole_PERSON_ROLE_CHILD, CheckedIn: true},
			{PersonId: "p-3", Role: schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT, CheckedIn: true}}}}
	var b bytes.Buffer
	require.NoError(t, printDaySheet(&b, &output{}, "2027-01-05", entries, doorNames{}))
	out := b.String()
	row := lineWith(out, "Garden room")
	require.Contains(t, row, " 0/3 ", "nobody is inside: %q", row)
	require.Contains(t, row, " 3/3 ", "CHECKED IN stays the check-ins: %q", row)
	for _, p := range []string{"p-1", "p-2", "p-3"} {
		require.True(t, strings.HasSuffix(strings.TrimSpace(lineWith(out, p)), "no"), "%s is not in: %q", p, lineWith(out, p))
	}
}

// Review 38: a booking the case's end called off read "cancelled by system (case-ended)".
func TestACaseEndedCancellationIsInWords(t *testing.T) {
	require.Equal(t, "case ended", reasonWords(schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED))
	status := statusWords(&schedulingv1.Booking{Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED,
		CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM})
	require.Equal(t, "cancelled by system (case ended)", status)
}
