package reporting_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/clock"
)

// Review 29 booked four supported sessions in December at one of three centres (each alone in its
// region) and every centre's sessions booked and attended, and every capacity used, were withheld
// in the quarter's return, the nation's sessions booked too beside its two service types,
// published. What a centre's small figure withholds is now its own, its region's and the nation's
// (decision 204): the other two centres' figures stand as they did, and no withheld total is
// the sum of its published parts.
func TestOneCentresBookingsWithholdNoOtherCentresFigures(t *testing.T) {
	g := newRig(t)
	ne, nw, yh := commonv1.Region_REGION_NORTH_EAST, commonv1.Region_REGION_NORTH_WEST, commonv1.Region_REGION_YORKSHIRE_AND_THE_HUMBER
	c1, c2, c3 := g.centre(t, ne), g.centre(t, nw), g.centre(t, yh)
	rooms := map[uuid.UUID]uuid.UUID{}
	for _, c := range []uuid.UUID{c1, c2, c3} {
		room := uuid.New()
		rooms[c] = room
		timetable := "timetable-" + c.String()
		g.emit(t, "scheduling", timetable, &schedulingv1.RoomAdded{CentreId: c.String(), RoomId: room.String(), Name: "Family room", Capacity: 10,
			SupervisedSuitable: true}, uuid.Nil, c, "coordinator-1")
		g.emit(t, "scheduling", timetable, &schedulingv1.OpeningPatternDefined{CentreId: c.String(), Pattern: &schedulingv1.OpeningPattern{
			PatternId: uuid.NewString(), CentreId: c.String(), Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
			StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12}, FirstDate: date(2026, 10, 1),
			LastDate: date(2026, 12, 31), RoomIds: []string{room.String()}}}, uuid.Nil, c, "coordinator-1")
	}
	supervised, supported := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	// sessions books n families into a Saturday of the month at centre c, and completes them unless
	// they are still to come.
	sessions := func(c uuid.UUID, st commonv1.ServiceType, month, n int, completed bool) {
		day := map[int]int{10: 10, 11: 14, 12: 5}[month]
		for range n {
			family, booking := uuid.New(), uuid.NewString()
			stream := "family-" + family.String()
			g.emit(t, "scheduling", stream, &schedulingv1.SessionBooked{BookingId: booking, FamilyId: family.String(), CentreId: c.String(),
				RoomId: rooms[c].String(), SessionDate: date(2026, month, day), ServiceType: st}, family, c, "coordinator-1")
			if completed {
				g.emit(t, "scheduling", stream, &schedulingv1.SessionCompleted{BookingId: booking, FamilyId: family.String(), CentreId: c.String(),
					RoomId: rooms[c].String(), SessionDate: date(2026, month, day), ServiceType: st}, family, c, "supervisor-1")
			}
		}
	}
	// The review's quarter: C1 16 sessions (6 supervised) in October and November, C2 11 and C3 6
	// in November.
	sessions(c1, supervised, 10, 3, true)
	sessions(c1, supported, 10, 4, true)
	sessions(c1, supervised, 11, 3, true)
	sessions(c1, supported, 11, 6, true)
	sessions(c2, supported, 11, 11, true)
	sessions(c3, supported, 11, 6, true)
	g.settle(t)
	quarter := reportingv1.PeriodKind_PERIOD_KIND_QUARTER
	before := figures(t, g.analyst(t), quarter, 2026, 4, "", true)

	sessions(c2, supported, 12, 4, false) // still to come
	g.settle(t)
	after := figures(t, g.analyst(t), quarter, 2026, 4, "", true)
	for key, f := range after {
		if !f.GetSuppressed() || before[key].GetSuppressed() {
			continue
		}
		require.True(t, strings.Contains(key, "|centre|"+nw.String()+"|"+c2.String()+"|") || strings.Contains(key, "|region|"+nw.String()+"|") ||
			strings.Contains(key, "|national|"), "%s withheld for C2's December", key)
	}
	for _, c := range []struct {
		region commonv1.Region
		centre uuid.UUID
	}{{ne, c1}, {yh, c3}} {
		for _, m := range []string{"sessions_booked", "sessions_attended", "capacity_used_percent"} {
			key := m + "|centre|" + c.region.String() + "|" + c.centre.String() + "||"
			require.False(t, after[key].GetSuppressed(), "%s: %s", key, after[key].GetShown())
			require.Equal(t, before[key].GetValue(), after[key].GetValue(), key)
		}
	}
	national := "sessions_booked|national|REGION_UNSPECIFIED||"
	if after[national+"|"].GetSuppressed() {
		require.True(t, after[national+"service_type|"+supervised.String()].GetSuppressed() || after[national+"service_type|"+supported.String()].GetSuppressed(),
			"the nation's sessions booked withheld beside both its service types, published")
	}
	require.Contains(t, []string{"<5", "*"}, after["sessions_booked|centre|"+nw.String()+"|"+c2.String()+"||"].GetShown(),
		"C2's quarter is withheld: December's 4 would follow from it and November's 11")
}

// Review 29: a family waitlisted, offered a place, which it took, then put back on the list
// counted twice in the families who joined the list. The figure counts families: a family that
// joins twice in a period is one family that joined, and one that joined and left the same day
// joined (decision 204).
func TestFamiliesWhoJoinedTheWaitingListAreCountedOnce(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, commonv1.Region_REGION_LONDON)
	waiting := "waiting-" + centre.String()
	at := func(day, hour int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(2026, 10, day, hour, 0, 0, 0, time.UTC))
	}
	back, sameDay, once := uuid.New(), uuid.New(), uuid.New()
	join := func(f uuid.UUID, day, hour int) {
		g.emit(t, "scheduling", waiting, &schedulingv1.WaitingListJoined{CentreId: centre.String(), FamilyId: f.String(), JoinedAt: at(day, hour)},
			f, centre, "coordinator-1")
	}
	// Waitlisted, offered a place, which it took; put back on the list (waitlist join).
	join(back, 1, 9)
	g.emit(t, "scheduling", waiting, &schedulingv1.PlaceOffered{CentreId: centre.String(), FamilyId: back.String(), OfferedAt: at(5, 9),
		LapsesAt: at(12, 9)}, back, centre, "coordinator-1")
	g.emit(t, "scheduling", waiting, &schedulingv1.WaitingListLeft{CentreId: centre.String(), FamilyId: back.String(),
		Reason: schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_BOOKED, LeftAt: at(6, 9)}, back, centre, "coordinator-1")
	join(back, 20, 9)
	// Joined and left the same day.
	join(sameDay, 8, 9)
	g.emit(t, "scheduling", waiting, &schedulingv1.WaitingListLeft{CentreId: centre.String(), FamilyId: sameDay.String(),
		Reason: schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_WITHDRAWN, LeftAt: at(8, 15)}, sameDay, centre, "coordinator-1")
	join(once, 9, 9)
	g.settle(t)

	key := "waiting_list_joined|centre|" + commonv1.Region_REGION_LONDON.String() + "|" + centre.String() + "||"
	october := figures(t, g.analyst(t), reportingv1.PeriodKind_PERIOD_KIND_MONTH, 2026, 10, centre.String(), false)
	require.Equal(t, float64(3), october[key].GetValue(), "three families joined, one of them twice, one leaving the same day")
	q4 := figures(t, g.analyst(t), reportingv1.PeriodKind_PERIOD_KIND_QUARTER, 2026, 4, centre.String(), false)
	require.Equal(t, float64(3), q4[key].GetValue())
	end := "waiting_list_at_end|centre|" + commonv1.Region_REGION_LONDON.String() + "|" + centre.String() + "||"
	require.Equal(t, float64(2), october[end].GetValue(), "on the list at the end of October: the family put back, and the one that joined once")
}

// Figures read before their period ends say so, by the service's clock (simulated here, as on a
// simulated platform), not the reader's: the CLI's note and the dashboard's were the
// workstation's or the browser's, and /figures said nothing.
func TestFiguresSayHowFarTheirPeriodHasRun(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	an := g.analyst(t)
	figures := func(year, quarter int32) *reportingv1.GetFiguresResponse {
		t.Helper()
		resp, err := an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: true,
			Period: &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: year, Number: quarter}})
		require.NoError(t, err)
		return resp
	}
	q4 := figures(2026, 4)
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_UNDER_WAY, q4.GetProgress())
	require.Equal(t, &commonv1.Date{Year: 2026, Month: 11, Day: 29}, q4.GetAsOf())
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_ENDED, figures(2026, 3).GetProgress())
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_NOT_BEGUN, figures(2027, 1).GetProgress())

	// The quarter's last evening in the UK is still in it; the next morning it has ended.
	require.NoError(t, sim.Set(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)))
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_UNDER_WAY, figures(2026, 4).GetProgress())
	require.NoError(t, sim.Set(time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC)))
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_ENDED, figures(2026, 4).GetProgress())
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_UNDER_WAY, figures(2027, 1).GetProgress())

	// /figures, for dashboards, says the same.
	_, body := get(t, g.adminServer(t).URL+"/figures?period=quarter&year=2027&number=1")
	var doc struct {
		Progress string         `json:"progress"`
		AsOf     map[string]int `json:"as_of"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	require.Equal(t, "PERIOD_PROGRESS_UNDER_WAY", doc.Progress)
	require.Equal(t, map[string]int{"year": 2027, "month": 1, "day": 1}, doc.AsOf)
}
