package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
)

// The door's alerts say what matters, not noise (review 14): a children's arrival seconds after
// they were due is no late start, a minute is; a late cancellation is a family's or the centre's
// short notice, not a booking the platform called off.
func TestTheDaySheetsAlertsAreNotNoise(t *testing.T) {
	due := time.Date(2026, 1, 10, 10, 15, 0, 0, time.UTC)
	arrived := func(after time.Duration) adapters.BookingRow {
		at := due.Add(after)
		return adapters.BookingRow{ChildrenArrive: due, ChildrenArrived: &at, Status: int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED)}
	}
	require.NotContains(t, alerts(arrived(11*time.Second)), schedulingv1.Alert_ALERT_LATE_START)
	require.Contains(t, alerts(arrived(time.Minute)), schedulingv1.Alert_ALERT_LATE_START)

	cancelled := func(by schedulingv1.CancelledBy) adapters.BookingRow {
		return adapters.BookingRow{Status: int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED), Late: true, CancelledBy: int32(by)}
	}
	require.Contains(t, alerts(cancelled(schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT)), schedulingv1.Alert_ALERT_CANCELLED_LATE)
	require.NotContains(t, alerts(cancelled(schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM)), schedulingv1.Alert_ALERT_CANCELLED_LATE)
}

// Review 27: a visiting parent an hour late (45 minutes of contact lost) raised no late start;
// only children arriving late did. The contact starts when both are there (Held), so a visiting
// parent arriving a minute or more after the children were due is a late start too; one arriving
// after their own time but before the children's loses no contact (decisions.md 195).
func TestAVisitingParentArrivingAfterTheChildrenWereDueIsALateStart(t *testing.T) {
	due := time.Date(2026, 1, 10, 10, 15, 0, 0, time.UTC)
	visiting := func(at time.Time) adapters.BookingRow {
		return adapters.BookingRow{VisitingArrives: due.Add(-15 * time.Minute), ChildrenArrive: due, VisitingArrived: &at,
			Status: int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED)}
	}
	require.Contains(t, alerts(visiting(due.Add(time.Hour))), schedulingv1.Alert_ALERT_LATE_START, "an hour late")
	require.Contains(t, alerts(visiting(due.Add(time.Minute))), schedulingv1.Alert_ALERT_LATE_START)
	require.NotContains(t, alerts(visiting(due.Add(30*time.Second))), schedulingv1.Alert_ALERT_LATE_START, "seconds are no late start")
	require.NotContains(t, alerts(visiting(due.Add(-5*time.Minute))), schedulingv1.Alert_ALERT_LATE_START,
		"late for their own time, before the children were due: no contact lost")
}
