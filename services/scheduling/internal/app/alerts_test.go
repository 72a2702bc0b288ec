package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
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

// Review 31: children left inside with none of their adults are alerted from the door's times, and
// nothing else is: seconds between two taps at the door, the stagger, a visiting party gone before
// the children came, a completed session whose children were never recorded leaving (that is
// never-recorded-leaving's), and a supervised family's children within their time, when their
// supervisor is with them (decisions.md 213).
func TestChildrenWithoutAnAdultIsReadFromTheTimesAndIsNotNoise(t *testing.T) {
	at := func(h, m, s int) *time.Time {
		v := time.Date(2026, 1, 10, h, m, s, 0, time.UTC)
		return &v
	}
	row := func(status schedulingv1.BookingStatus, st commonv1.ServiceType, came, visitingLeft, childrenLeft *time.Time) adapters.BookingRow {
		return adapters.BookingRow{Status: int32(status), ServiceType: int32(st), ChildrenLeave: *at(11, 15, 0),
			ChildrenArrived: came, VisitingDeparted: visitingLeft, ChildrenDeparted: childrenLeft}
	}
	booked, completed := schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED
	supported, supervised := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	now := *at(11, 40, 0)

	require.True(t, childrenLeftByTheVisitingParty(row(completed, supported, at(10, 15, 0), at(10, 50, 0), at(11, 5, 0)), now))
	require.True(t, childrenLeftByTheVisitingParty(row(booked, supported, at(10, 15, 0), at(10, 50, 0), nil), now), "inside now")
	require.False(t, childrenLeftByTheVisitingParty(row(booked, supported, at(10, 15, 0), at(11, 39, 30), nil), now), "seconds ago")
	require.False(t, childrenLeftByTheVisitingParty(row(completed, supported, at(10, 15, 0), at(11, 15, 10), at(11, 15, 40)), now),
		"two taps at the door")
	require.False(t, childrenLeftByTheVisitingParty(row(completed, supported, at(10, 15, 0), at(11, 30, 0), at(11, 15, 0)), now), "the stagger")
	require.False(t, childrenLeftByTheVisitingParty(row(booked, supported, at(10, 15, 0), at(10, 5, 0), nil), now),
		"the visiting party was gone before the children came")
	require.False(t, childrenLeftByTheVisitingParty(row(completed, supported, at(10, 15, 0), at(10, 50, 0), nil), now),
		"never recorded leaving: when they left is not known")
	require.False(t, childrenLeftByTheVisitingParty(row(completed, supervised, at(10, 15, 0), at(10, 50, 0), at(11, 15, 0)), now),
		"with their supervisor until their time ended")
	require.True(t, childrenLeftByTheVisitingParty(row(completed, supervised, at(10, 15, 0), at(10, 50, 0), at(11, 25, 0)), now),
		"ten minutes' wait after their time")
}
