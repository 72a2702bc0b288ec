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
