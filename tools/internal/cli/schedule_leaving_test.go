package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 28: a hold with the family inside, their arrivals recorded and nobody checked in, showed
// each with IN no and CHECKED IN 0/0. IN is whoever is recorded inside; CHECKED IN stays the
// check-ins.
func TestDaySheetShowsInWhoIsRecordedInside(t *testing.T) {
	entries := []*schedulingv1.DaySheetEntry{{RoomName: "Garden room",
		Booking: &schedulingv1.Booking{BookingId: "7d1e2c3a-0000-4000-8000-000000000001", Status: schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED,
			CancellationReason: schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, TimeZone: "Europe/London"},
		Expected: []*schedulingv1.ExpectedPerson{{PersonId: "p-1", Role: schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT, InBuilding: true},
			{PersonId: "p-2", Role: schedulingv1.PersonRole_PERSON_ROLE_CHILD, InBuilding: true}},
		Alerts: []schedulingv1.Alert{schedulingv1.Alert_ALERT_ON_HOLD, schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING}}}
	var b bytes.Buffer
	require.NoError(t, printDaySheet(&b, &output{}, "2026-01-10", entries, doorNames{}))
	out := b.String()
	require.Contains(t, lineWith(out, "Garden room"), " 0/2 ", "CHECKED IN stays the check-ins")
	for _, p := range []string{"p-1", "p-2"} {
		require.True(t, strings.HasSuffix(strings.TrimSpace(lineWith(out, p)), "yes"), "%s is in: %q", p, lineWith(out, p))
	}
}

// Review 28: the children were collected at 11:15, only the visiting parent was never recorded
// leaving, and schedule complete said "who collected the children is not on the record". It says
// whose leaving is missing.
func TestScheduleCompleteSaysWhoseLeavingIsNotOnTheRecord(t *testing.T) {
	visiting := neverRecordedLeavingWords(&schedulingv1.CompleteSessionResponse{NeverRecordedLeaving: []string{"v-1"},
		NeverRecordedLeavingVisiting: []string{"v-1"}})
	require.Contains(t, visiting, "the visiting party v-1: when they left is not on the record")
	require.NotContains(t, visiting, "collected the children")
	both := neverRecordedLeavingWords(&schedulingv1.CompleteSessionResponse{NeverRecordedLeaving: []string{"c-1", "v-1"},
		NeverRecordedLeavingChildren: []string{"c-1"}, NeverRecordedLeavingVisiting: []string{"v-1"}})
	require.Contains(t, both, "the children c-1: who collected them is not on the record")
	require.Contains(t, both, "the visiting party v-1")
	old := neverRecordedLeavingWords(&schedulingv1.CompleteSessionResponse{NeverRecordedLeaving: []string{"x-1"}})
	require.Contains(t, old, "x-1", "a server without the split still names them")
	help := (&schedule{}).daysheet().Long
	require.Contains(t, help, "the visiting party", "the alert's help does not blame the children's collection alone")
	require.Contains(t, help, "still recorded", "a no-show or called-off booking still takes the departure")
}
