package reporting_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
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
// the sum of its published parts. The return is read once the quarter is published, a week after
// it ends (decisions 264 and 282): December's sessions were booked and never recorded as held.
// A month's published figures are fixed when it is first published, so the quarter with C2's
// December and without it are two platforms' returns of the same centres.
func TestOneCentresBookingsWithholdNoOtherCentresFigures(t *testing.T) {
	ne, nw, yh := commonv1.Region_REGION_NORTH_EAST, commonv1.Region_REGION_NORTH_WEST, commonv1.Region_REGION_YORKSHIRE_AND_THE_HUMBER
	c1, c2, c3 := uuid.New(), uuid.New(), uuid.New()
	supervised, supported := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	quarterReturn := func(december bool) map[string]*reportingv1.Figure {
		g := newRigOn(t, clock.NewSimulated(time.Date(2027, 1, 8, 10, 0, 0, 0, time.UTC)))
		rooms := map[uuid.UUID]uuid.UUID{}
		for c, region := range map[uuid.UUID]commonv1.Region{c1: ne, c2: nw, c3: yh} {
			g.centreWithID(t, c, region)
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
		if december {
			sessions(c2, supported, 12, 4, false) // booked, and not recorded as held
		}
		g.settle(t)
		return figures(t, g.analyst(t), reportingv1.PeriodKind_PERIOD_KIND_QUARTER, 2026, 4, "", true)
	}
	before, after := quarterReturn(false), quarterReturn(true)
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
// workstation's or the browser's, and /figures said nothing. Such figures are exact ones only:
// published figures of a period not ended are refused (decision 264), which the same clock decides.
func TestFiguresSayHowFarTheirPeriodHasRun(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	an := g.analyst(t)
	figures := func(year, quarter int32, publish bool) (*reportingv1.GetFiguresResponse, error) {
		t.Helper()
		return an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: publish,
			Period: &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: year, Number: quarter}})
	}
	progress := func(year, quarter int32, publish bool) reportingv1.PeriodProgress {
		t.Helper()
		resp, err := figures(year, quarter, publish)
		require.NoError(t, err)
		return resp.GetProgress()
	}
	refused := func(year, quarter int32) {
		t.Helper()
		_, err := figures(year, quarter, true)
		require.Equal(t, "PERIOD_NOT_ENDED", reasonOf(err), "%dQ%d: %v", year, quarter, err)
	}
	q4, err := figures(2026, 4, false)
	require.NoError(t, err)
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_UNDER_WAY, q4.GetProgress())
	require.Equal(t, &commonv1.Date{Year: 2026, Month: 11, Day: 29}, q4.GetAsOf())
	refused(2026, 4)
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_ENDED, progress(2026, 3, true))
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_NOT_BEGUN, progress(2027, 1, false))
	refused(2027, 1)

	// The quarter's last evening in the UK is still in it; the next morning it has ended.
	require.NoError(t, sim.Set(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)))
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_UNDER_WAY, progress(2026, 4, false))
	refused(2026, 4)
	require.NoError(t, sim.Set(time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC)))
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_ENDED, progress(2026, 4, false))
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_UNDER_WAY, progress(2027, 1, false))
	// Ended, it is published a week later, from the start of 8 January in the UK (decision 282).
	refused(2026, 4)
	require.NoError(t, sim.Set(time.Date(2027, 1, 7, 23, 30, 0, 0, time.UTC)))
	refused(2026, 4)
	require.NoError(t, sim.Set(time.Date(2027, 1, 8, 0, 30, 0, 0, time.UTC)))
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_ENDED, progress(2026, 4, true))

	// /figures, for dashboards, says the same: the quarter under way is refused, saying so.
	_, body := get(t, g.adminServer(t).URL+"/figures?period=quarter&year=2027&number=1")
	var doc struct {
		Progress string         `json:"progress"`
		AsOf     map[string]int `json:"as_of"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	require.Equal(t, "PERIOD_PROGRESS_UNDER_WAY", doc.Progress)
	require.Equal(t, map[string]int{"year": 2027, "month": 1, "day": 8}, doc.AsOf)
}

// Review 44: figures published for a quarter under way were its figures so far, so two reads a
// week apart gave by subtraction the counts of the days between, which nothing suppressed: centre
// B's sessions attended in 2027Q1 read 5 on 13 February and 8 once the quarter ended, so exactly
// 3 families attended on 20 February. Published figures are given for ended periods only, and
// suppressed with the periods of their year that have ended, never with figures still changing
// (decision 264): a month that has ended reads the same whatever happens after it. Exact figures
// so far stay, for the roles allowed them, and say the period is under way.
func TestPublishedFiguresAreOfEndedPeriodsOnly(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2027, 2, 13, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	an := g.analyst(t)
	london, northWest, yorkshire := commonv1.Region_REGION_LONDON, commonv1.Region_REGION_NORTH_WEST, commonv1.Region_REGION_YORKSHIRE_AND_THE_HUMBER
	a, b, c := g.centre(t, london), g.centre(t, northWest), g.centre(t, yorkshire)
	attend := func(centre uuid.UUID, on *commonv1.Date, n int) {
		for range n {
			family, booking := uuid.New(), uuid.NewString()
			stream := "family-" + family.String()
			g.emit(t, "scheduling", stream, &schedulingv1.SessionBooked{BookingId: booking, FamilyId: family.String(), CentreId: centre.String(),
				SessionDate: on, ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED}, family, centre, "coordinator-1")
			g.emit(t, "scheduling", stream, &schedulingv1.SessionCompleted{BookingId: booking, FamilyId: family.String(), CentreId: centre.String(),
				SessionDate: on, ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, Children: []*schedulingv1.AttendingChild{
					{PersonId: uuid.NewString(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}}, family, centre, "coordinator-1")
		}
	}
	attend(a, date(2027, 1, 12), 9)
	attend(c, date(2027, 1, 26), 7)
	attend(b, date(2027, 2, 6), 5)
	g.settle(t)
	ask := func(kind reportingv1.PeriodKind, number int32, publish bool) (*reportingv1.GetFiguresResponse, error) {
		return an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: publish,
			Period: &reportingv1.Period{Kind: kind, Year: 2027, Number: number}})
	}
	quarter, month, year := reportingv1.PeriodKind_PERIOD_KIND_QUARTER, reportingv1.PeriodKind_PERIOD_KIND_MONTH, reportingv1.PeriodKind_PERIOD_KIND_YEAR
	attendedAtB := "sessions_attended|centre|" + northWest.String() + "|" + b.String() + "||"

	// 13 February: the quarter, the year and February are under way, March has not begun. None is
	// published; each refusal names the last period of its kind that has ended.
	// Of the quarter and the year, January has ended and is published as a month.
	for _, p := range []struct {
		kind              reportingv1.PeriodKind
		number            int32
		lastEnded, months string
	}{{quarter, 1, "The last quarter published is 2026Q4", "; of 2027Q1, the months to January 2027 are published."},
		{year, 0, "The last year published is 2026", "; of 2027, the months to January 2027 are published."},
		{month, 2, "The last month published is January 2027", ""}, {month, 3, "The last month published is January 2027", ""}} {
		_, err := ask(p.kind, p.number, true)
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%s %d: %v", p.kind, p.number, err)
		require.Equal(t, "PERIOD_NOT_ENDED", reasonOf(err), "%s %d", p.kind, p.number)
		message := status.Convert(err).Message()
		require.Contains(t, message, p.lastEnded+p.months, "%s %d", p.kind, p.number)
		require.Contains(t, message, "today is 13 February 2027", "%s %d", p.kind, p.number)
		if p.months == "" {
			require.NotContains(t, message, "are published.", "%s %d", p.kind, p.number)
		}
	}
	// The exact figures so far, for the national body, say the quarter is under way.
	soFar, err := ask(quarter, 1, false)
	require.NoError(t, err)
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_UNDER_WAY, soFar.GetProgress())
	exact := map[string]*reportingv1.Figure{}
	for _, f := range soFar.GetFigures() {
		exact[f.GetMeasure()+"|"+f.GetScope()+"|"+f.GetRegion().String()+"|"+f.GetCentreId()+"|"+f.GetBreakdown()+"|"+f.GetCategory()] = f
	}
	require.Equal(t, float64(5), exact[attendedAtB].GetValue())
	// January has ended, and is published.
	jan, err := ask(month, 1, true)
	require.NoError(t, err)
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_ENDED, jan.GetProgress())
	require.NotEmpty(t, jan.GetFigures())

	// /figures refuses the quarter as GetFigures does, and says which quarter has ended last.
	admin := g.adminServer(t)
	resp, body := get(t, admin.URL+"/figures?period=quarter&year=2027&number=1")
	require.Equal(t, http.StatusConflict, resp.StatusCode, body)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var refused struct {
		Error struct {
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"error"`
		Progress    string         `json:"progress"`
		AsOf        map[string]int `json:"as_of"`
		LastEnded   map[string]any `json:"last_ended"`
		MonthsEnded map[string]any `json:"months_ended"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &refused), body)
	require.Equal(t, "PERIOD_NOT_ENDED", refused.Error.Reason)
	require.Contains(t, refused.Error.Message, "The last quarter published is 2026Q4")
	require.Equal(t, "PERIOD_PROGRESS_UNDER_WAY", refused.Progress)
	require.Equal(t, map[string]int{"year": 2027, "month": 2, "day": 13}, refused.AsOf)
	require.Equal(t, map[string]any{"period": "quarter", "year": float64(2026), "number": float64(4)}, refused.LastEnded)
	require.Equal(t, map[string]any{"period": "month", "year": float64(2027), "number": float64(1)}, refused.MonthsEnded)
	resp, body = get(t, admin.URL+"/figures?period=month&year=2027&number=1")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)

	// A week later, three more families at B and two at C. January reads as it did: its figures
	// are suppressed with the periods ended, not beside February's so far.
	attend(b, date(2027, 2, 20), 3)
	attend(c, date(2027, 2, 20), 2)
	g.settle(t)
	require.NoError(t, sim.Set(time.Date(2027, 2, 21, 10, 0, 0, 0, time.UTC)))
	again, err := ask(month, 1, true)
	require.NoError(t, err)
	require.Len(t, again.GetFigures(), len(jan.GetFigures()))
	for i, f := range again.GetFigures() {
		require.Equal(t, jan.GetFigures()[i].String(), f.String(), "January, read before and after February's sessions")
	}
	_, err = ask(quarter, 1, true)
	require.Equal(t, "PERIOD_NOT_ENDED", reasonOf(err))

	// The quarter ended (1 April in the UK), and is published a week later, on 8 April, whole, as
	// its return (decision 282).
	require.NoError(t, sim.Set(time.Date(2027, 4, 1, 0, 30, 0, 0, time.UTC)))
	_, err = ask(quarter, 1, true)
	require.Equal(t, "PERIOD_NOT_ENDED", reasonOf(err))
	require.Contains(t, err.Error(), "2027Q1 ended on 31 March 2027 and is published from 8 April 2027")
	require.NoError(t, sim.Set(time.Date(2027, 4, 7, 23, 30, 0, 0, time.UTC))) // 8 April, 00:30 in the UK
	q1, err := ask(quarter, 1, true)
	require.NoError(t, err)
	require.Equal(t, reportingv1.PeriodProgress_PERIOD_PROGRESS_ENDED, q1.GetProgress())
	var atB *reportingv1.Figure
	for _, f := range q1.GetFigures() {
		if f.GetMeasure() == "sessions_attended" && f.GetCentreId() == b.String() && f.GetBreakdown() == "" {
			atB = f
		}
	}
	require.NotNil(t, atB)
	require.Contains(t, []string{"8", "*"}, atB.GetShown(), "B's quarter, whole")
}

// reasonOf is a refusal's ErrorInfo reason.
func reasonOf(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}
