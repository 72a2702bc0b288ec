package app

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
)

// Supervisors are counted against the sessions under way at one instant, not against every
// session the day's contact touches (decision 265): a family from 10:00 to 12:00 beside one from
// 10:00 to 11:00 and one from 11:00 to 12:00 takes two supervisors, not three (the second is free
// at 11:00 for the third); one ending as another starts overlaps it by nothing. A no-show or a
// session cancelled takes no supervisor, one completed took one, and a supported room none.
func TestTheSupervisedSessionsUnderWayAtOnce(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 1, 10, h, m, 0, 0, time.UTC) }
	row := func(from, to time.Time, status schedulingv1.BookingStatus, st commonv1.ServiceType) adapters.BookingRow {
		return adapters.BookingRow{ID: uuid.New(), Family: uuid.New(), ChildrenArrive: from, ChildrenLeave: to, Status: int32(status),
			ServiceType: int32(st)}
	}
	booked, supervised := schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	long := row(at(10, 0), at(12, 0), booked, supervised)
	morning := row(at(10, 0), at(11, 0), booked, supervised)
	late := row(at(11, 0), at(12, 0), schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED, supervised)
	rows := []adapters.BookingRow{long, morning, late,
		row(at(10, 30), at(11, 30), schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW, supervised),
		row(at(10, 30), at(11, 30), schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, supervised),
		row(at(10, 30), at(11, 30), booked, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)}
	all := dayWatched(rows)
	require.Len(t, all, 3)
	w, _ := watchedBy(long)
	n, from, to := mostAtOnce(w, all)
	require.Equal(t, 2, n)
	require.Equal(t, at(10, 0), from)
	require.Equal(t, at(11, 0), to)
	require.Equal(t, []bool{false, false, false, false, false, false}, supervisorsShort(rows, 2))
	require.Equal(t, []bool{true, true, true, false, false, false}, supervisorsShort(rows, 1))
	require.Equal(t, []bool{false, false, false, false, false, false}, supervisorsShort(rows, 0), "nobody cleared: no-cleared-supervisor says it")

	// Another booking of the same family that day is the one a reschedule replaces.
	moved := watched{booking: uuid.New(), family: morning.Family, from: at(10, 15), to: at(11, 0)}
	n, _, _ = mostAtOnce(moved, all)
	require.Equal(t, 2, n, "the long family's and the moved one: not the booking it replaces")
}
