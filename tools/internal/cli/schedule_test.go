package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// The day sheet is a table a volunteer can work from: one line per booking in the order people
// come to the door, due and seen times side by side, alerts in words, then the people expected.
func TestDaySheetTable(t *testing.T) {
	lt := func(h, m int32) *schedulingv1.LocalTime { return &schedulingv1.LocalTime{Hour: h, Minute: m} }
	arrived := timestamppb.New(time.Date(2026, 1, 10, 10, 22, 0, 0, time.UTC))
	entries := []*schedulingv1.DaySheetEntry{{
		RoomName: "Garden room", DoorGapMinutes: 15,
		Booking: &schedulingv1.Booking{BookingId: "7d1e2c3a-0000-4000-8000-000000000001", FamilyId: "5b6c7d8e-0000-4000-8000-000000000002",
			ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, Status: schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, TimeZone: "Europe/London",
			Visiting: &schedulingv1.PartyTimes{DueTime: lt(10, 0), LeaveTime: lt(11, 30)},
			Children: &schedulingv1.PartyTimes{DueTime: lt(10, 15), LeaveTime: lt(11, 15), ArrivedAt: arrived}},
		Expected: []*schedulingv1.ExpectedPerson{{PersonId: "p-1", Role: schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT, CheckedIn: true},
			{PersonId: "p-2", Role: schedulingv1.PersonRole_PERSON_ROLE_CHILD}},
		Alerts: []schedulingv1.Alert{schedulingv1.Alert_ALERT_LATE_START, schedulingv1.Alert_ALERT_CHECK_IN_REFUSED},
	}}
	var b bytes.Buffer
	require.NoError(t, printDaySheet(&b, &output{}, "2026-01-10", entries))
	out := b.String()
	t.Log("\n" + out)
	for _, want := range []string{"Day sheet 2026-01-10: 1 bookings", "ROOM", "VISITING IN", "Garden room", "7d1e2c3a", "10:00",
		"10:15 / 10:22", "11:30", "15m", "1/2", "late-start,check-in-refused", "visiting-parent", "p-2"} {
		require.True(t, strings.Contains(out, want), "missing %q", want)
	}
}
