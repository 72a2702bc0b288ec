package reporting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/reporting"
)

// chromium is the browser the dashboard is tested in: a machine that runs make test has it
// (.ci/run installs it), and without it the test fails saying how to install it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Fatal("no chromium on PATH to test the dashboard in: apt-get install -y chromium (.ci/run does)")
	return ""
}

// firstQuarter is a first quarter of 2026 at centre A (London), centre B (North West) and centre
// C (Yorkshire): seventeen children of seven families attend supported contact, thirteen aged 5 to
// 10, three aged 2 to 4 and one 11 to 15, so the national number of children served is published
// and the smaller age bands are withheld. (With two aged 2 to 4, one each in London and the North
// West, the nation's 16 less its 13 aged 5 to 10 left 3 for its 2 to 4s and 11 to 15s, which the
// regions listing them made at least 2 and 1, and so exactly: the nation's 16 was withheld to
// protect them (review 39). So it was beside one child in supervised contact: the nation's 17 less
// its supported 16. With two regions only, each would know the other's from the nation's less
// its own, and the nation would be withheld: decision 81. So it would with a region of fewer than
// 5 children, each of the other two knowing its own: withholding the nation's figure withholds
// fewer than withholding both other regions and every figure of theirs, decision 204.)
type firstQuarter struct{ a, b, c uuid.UUID }

func (g *rig) playFirstQuarter(t *testing.T) firstQuarter {
	q := firstQuarter{a: g.centre(t, commonv1.Region_REGION_LONDON), b: g.centre(t, commonv1.Region_REGION_NORTH_WEST),
		c: g.centre(t, commonv1.Region_REGION_YORKSHIRE_AND_THE_HUMBER)}
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	young, middle, older := commonv1.AgeBand_AGE_BAND_2_TO_4, commonv1.AgeBand_AGE_BAND_5_TO_10, commonv1.AgeBand_AGE_BAND_11_TO_15
	for _, f := range []struct {
		centre  uuid.UUID
		on      *commonv1.Date
		service commonv1.ServiceType
		bands   []commonv1.AgeBand
	}{
		{q.a, date(2026, 1, 13), supported, []commonv1.AgeBand{middle, young}},
		{q.a, date(2026, 2, 10), supported, []commonv1.AgeBand{middle, older}},
		{q.a, date(2026, 3, 3), supported, []commonv1.AgeBand{middle}},
		{q.b, date(2026, 2, 17), supported, []commonv1.AgeBand{middle, middle, young}},
		{q.b, date(2026, 3, 17), supported, []commonv1.AgeBand{young, middle, middle}},
		{q.c, date(2026, 1, 20), supported, []commonv1.AgeBand{middle, middle, middle}},
		{q.c, date(2026, 3, 24), supported, []commonv1.AgeBand{middle, middle, middle}},
	} {
		family, booking := uuid.New(), uuid.NewString()
		var children []*schedulingv1.AttendingChild
		for _, band := range f.bands {
			children = append(children, &schedulingv1.AttendingChild{PersonId: uuid.NewString(), AgeBand: band})
		}
		stream := "family-" + family.String()
		g.emit(t, "scheduling", stream, &schedulingv1.SessionBooked{BookingId: booking, FamilyId: family.String(), CentreId: f.centre.String(),
			SessionDate: f.on, ServiceType: f.service}, family, f.centre, "coordinator")
		g.emit(t, "scheduling", stream, &schedulingv1.SessionCompleted{BookingId: booking, FamilyId: family.String(), CentreId: f.centre.String(),
			SessionDate: f.on, ServiceType: f.service, Children: children}, family, f.centre, "coordinator")
	}
	g.settle(t)
	return q
}

// openRoom gives centre A a room of one place open on the first ten Tuesdays of 2026 (6 January
// to 10 March): ten places in the first quarter. Three more sessions are booked at each centre
// (not yet attended), so that every region has 5 or more booked and none is withheld, nor the
// capacity used beside it: A's six sessions are 60% of its places, which the server publishes
// as the whole number "60", nationally and for London.
func (g *rig) openRoom(t *testing.T, q firstQuarter) {
	c, room := q.a.String(), uuid.NewString()
	timetable := "timetable-" + c
	g.emit(t, "scheduling", timetable, &schedulingv1.RoomAdded{CentreId: c, RoomId: room, Name: "Family room", Capacity: 1},
		uuid.Nil, q.a, "coordinator-1")
	g.emit(t, "scheduling", timetable, &schedulingv1.OpeningPatternDefined{CentreId: c, Pattern: &schedulingv1.OpeningPattern{
		PatternId: uuid.NewString(), CentreId: c, Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_TUESDAY,
		StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12}, FirstDate: date(2026, 1, 1),
		LastDate: date(2026, 3, 10), RoomIds: []string{room}}}, uuid.Nil, q.a, "coordinator-1")
	for _, centre := range []uuid.UUID{q.a, q.b, q.c} {
		family := uuid.New()
		for _, day := range []int{10, 17, 24} {
			g.emit(t, "scheduling", "family-"+family.String(), &schedulingv1.SessionBooked{BookingId: uuid.NewString(), FamilyId: family.String(),
				CentreId: centre.String(), SessionDate: date(2026, 3, day), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
				family, centre, "coordinator")
		}
	}
	g.settle(t)
}

// adminServer serves reporting's admin handlers as Main mounts them on the admin port, from the
// rig's database (host.Start, which the rig uses, serves gRPC only).
func (g *rig) adminServer(t *testing.T) *httptest.Server {
	t.Helper()
	svc, err := reporting.New(host.Deps{BusKey: testkit.BusKey, Pool: g.owner, NATS: g.js.Conn(), Logger: slog.New(slog.DiscardHandler), Clock: g.clock})
	require.NoError(t, err)
	mux := http.NewServeMux()
	for pattern, h := range svc.(host.AdminHandlers).AdminHandlers() {
		mux.Handle(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// The dashboard, in a real browser against a real reporting service: it opens on the current
// quarter; a chosen quarter shows the national children served, a withheld "<5" age band and a
// region exactly as GetFigures publishes them; a centre chosen shows that centre's; a year the
// server refuses shows its message, and a server gone is said to be. /figures is GetFigures'
// answer with the CLI's field names (centre_id, review 32). The page and its files carry
// a Content-Security-Policy that admits only their own script and style sheet, which the browser
// obeys without complaint.
func TestDashboardInABrowser(t *testing.T) {
	browser := chromium(t)
	g := newRig(t)
	q := g.playFirstQuarter(t)
	g.openRoom(t, q)
	admin := g.adminServer(t)
	base := admin.URL

	for path, contentType := range map[string]string{"/dashboard": "text/html; charset=utf-8",
		"/dashboard/app.js": "text/javascript; charset=utf-8", "/dashboard/style.css": "text/css; charset=utf-8"} {
		resp, body := get(t, base+path)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.NotEmpty(t, body, path)
		require.Equal(t, contentType, resp.Header.Get("Content-Type"), path)
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), path)
		csp := resp.Header.Get("Content-Security-Policy")
		require.Contains(t, csp, "default-src 'none'", path)
		require.Contains(t, csp, "script-src 'self'", path)
		require.Contains(t, csp, "style-src 'self'", path)
		require.NotContains(t, csp, "unsafe-inline", path)
	}
	resp, _ := get(t, base+"/dashboard/nothing.js")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, nilCentre := get(t, base+"/figures?period=quarter&year=2026&number=1&centre="+uuid.Nil.String())
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "the nil UUID names no centre, not the nation (review 5)")
	require.Contains(t, nilCentre, "not a centre id")
	// An upper-case id is taken, as GetFigures takes it (decision 321: TestTheNilCentreIsRefusedAndCaseIsTakenAlike).
	for _, odd := range []string{"{" + uuid.NewString() + "}", "urn:uuid:" + uuid.NewString(),
		strings.ReplaceAll(uuid.NewString(), "-", "")} {
		resp, _ = get(t, base+"/figures?period=quarter&year=2026&number=1&centre="+url.QueryEscape(odd))
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, odd)
	}
	resp, _ = get(t, base+"/figures?period=quarter&year=2026&number=1&centre="+uuid.NewString()+"&centre="+uuid.NewString())
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "one centre")
	resp, refusal := get(t, base+"/figures?period=quarter&year=1999&number=1")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	refusal = strings.TrimSpace(refusal)

	an := g.analyst(t)
	getFigures := func(centre uuid.UUID) *reportingv1.GetFiguresResponse {
		req := &reportingv1.GetFiguresRequest{Period: &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: 2026, Number: 1},
			Publication: true}
		if centre != uuid.Nil {
			req.CentreId = centre.String()
		}
		resp, err := an.GetFigures(t.Context(), req)
		require.NoError(t, err)
		return resp
	}
	published := func(centre uuid.UUID) []*reportingv1.Figure { return getFigures(centre).GetFigures() }

	// /figures is GetFigures' answer in the CLI's JSON (`familytime return --format json`: protojson
	// with the proto's field names), so the two join by key: a centre's figure names its centre
	// centre_id, never centreId, and the nation's three centres are three keys (review 32).
	for _, centre := range []uuid.UUID{uuid.Nil, q.b} {
		path := "/figures?period=quarter&year=2026&number=1"
		if centre != uuid.Nil {
			path += "&centre=" + centre.String()
		}
		resp, body := get(t, base+path)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		var doc struct {
			Figures []map[string]any `json:"figures"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &doc), path)
		keys, centresNamed := map[string]bool{}, map[any]bool{}
		for _, f := range doc.Figures {
			for k := range f {
				keys[k] = true
			}
			if f["scope"] == "centre" {
				require.Contains(t, f, "centre_id", "%s: a centre's figure names its centre by the proto's name: %v", path, f)
				centresNamed[f["centre_id"]] = true
			}
		}
		for k := range keys {
			require.Equal(t, strings.ToLower(k), k, "%s: the figure's field %q is not named as the proto names it", path, k)
		}
		if centre == uuid.Nil {
			require.Equal(t, map[any]bool{q.a.String(): true, q.b.String(): true, q.c.String(): true}, centresNamed, path)
		} else {
			require.Equal(t, map[any]bool{q.b.String(): true}, centresNamed, path)
		}
		// With revised, false as well as true: the CLI's protojson leaves a false out (decision 305).
		wantFigures := getFigures(centre)
		want, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(wantFigures)
		require.NoError(t, err)
		var wantDoc map[string]any
		require.NoError(t, json.Unmarshal(want, &wantDoc))
		wantDoc["revised"] = wantFigures.GetRevised()
		want, err = json.Marshal(wantDoc)
		require.NoError(t, err)
		require.JSONEq(t, string(want), body, path)
	}
	find := func(figs []*reportingv1.Figure, match func(*reportingv1.Figure) bool) *reportingv1.Figure {
		for _, f := range figs {
			if match(f) {
				return f
			}
		}
		t.Fatal("no such figure")
		return nil
	}
	national := published(uuid.Nil)
	served := find(national, func(f *reportingv1.Figure) bool {
		return f.GetMeasure() == "children_served" && f.GetScope() == "national" && f.GetBreakdown() == ""
	})
	require.False(t, served.GetSuppressed(), "17 children nationally are published")
	withheld := find(national, func(f *reportingv1.Figure) bool {
		return f.GetScope() == "national" && f.GetBreakdown() == "age_band" && f.GetShown() == "<5"
	})
	northWest := find(national, func(f *reportingv1.Figure) bool {
		return f.GetMeasure() == "children_served" && f.GetScope() == "region" && f.GetRegion() == commonv1.Region_REGION_NORTH_WEST
	})
	atB := find(published(q.b), func(f *reportingv1.Figure) bool {
		return f.GetMeasure() == "children_served" && f.GetBreakdown() == ""
	})
	capacity := find(national, func(f *reportingv1.Figure) bool {
		return f.GetMeasure() == "capacity_used_percent" && f.GetScope() == "national" && f.GetBreakdown() == ""
	})
	require.False(t, capacity.GetSuppressed(), "the nation's capacity used is published")
	require.Equal(t, "60", capacity.GetShown(), "6 of 10 places: the server gives a whole percentage without its decimal")

	alloc, cancel := chromedp.NewExecAllocator(t.Context(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.Flag("disable-dev-shm-usage", true))...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var mu sync.Mutex
	var complaints []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Refused to") {
				mu.Lock()
				complaints = append(complaints, m.String())
				mu.Unlock()
			}
		}
	}()
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, sel)
		return strings.TrimSpace(s)
	}
	// shown waits until the page shows a period's figures, and otherwise says what it shows.
	shown := func(period string) {
		t.Helper()
		wait, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(wait, chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`#figures[data-period=%q]`, period)))); err != nil {
			state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[location.href, document.getElementById("figures").dataset.period,
				document.getElementById("status").textContent, document.getElementById("error").textContent].join(" | ")`))
			t.Fatalf("the page does not show %s (%v): %s", period, err, state)
		}
	}

	// It opens on the current quarter, nationally, which has not ended and is not published
	// (decision 264): it shows the quarter's last month published instead (a month is published
	// from the 8th day after it ends, decision 282), or else the last quarter published, and says
	// why.
	now := time.Now().In(london(t))
	current := (int(now.Month())-1)/3 + 1
	want, wantName, why := []string{"month", "", ""}, "", ", its last month published."
	weekAgo := now.AddDate(0, 0, -7)
	if lastMonth := weekAgo.AddDate(0, 0, -weekAgo.Day()); (int(lastMonth.Month())-1)/3+1 == current && lastMonth.Year() == now.Year() {
		want[1], want[2], wantName = strconv.Itoa(lastMonth.Year()), strconv.Itoa(int(lastMonth.Month())), lastMonth.Format("January 2006")
	} else {
		quarterBegan := time.Date(weekAgo.Year(), time.Month(3*((int(weekAgo.Month())-1)/3)+1), 1, 12, 0, 0, 0, time.UTC)
		lastQuarter := quarterBegan.AddDate(0, 0, -1)
		want[0], want[1], want[2] = "quarter", strconv.Itoa(lastQuarter.Year()), strconv.Itoa((int(lastQuarter.Month())-1)/3+1)
		wantName, why = "Q"+want[2]+" "+want[1], ", the last quarter published."
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard")))
	shown(strings.Join(want, "-"))
	require.Contains(t, text("#figures-heading"), "nationally")
	instead := text("#not-ended")
	require.Contains(t, instead, fmt.Sprintf("Q%d %d", current, now.Year())+" (")
	require.Contains(t, instead, ") is still under way (today is ")
	require.Contains(t, instead, "Its figures are published a week after it has ended")
	require.Contains(t, instead, "These are the figures for "+wantName)
	require.Contains(t, instead, why)
	require.Equal(t, want, evaluate[[]string](t, ctx, `["period", "year", "number"].map((id) => document.getElementById(id).value)`),
		"the form says what is shown")
	require.NotContains(t, text("#period-shown"), "under way", "the period shown has ended")

	// A month shows the months to choose from; back to a quarter, the first of 2026.
	// SetValue fires input and change, as choosing with the keyboard or the mouse does.
	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("period"), "month")))
	require.Equal(t, "Month", text("#number-label"))
	months, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#number option")].map((o) => o.textContent)`))
	require.NoError(t, err)
	require.Len(t, months, 12)
	require.Equal(t, "December", months[11])
	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("period"), "quarter"), chromedp.SetValue(chromedp.ID("year"), "2026"),
		chromedp.SetValue(chromedp.ID("number"), "1"), chromedp.Click(chromedp.ID("show"))))
	shown("quarter-2026-1")
	require.Equal(t, "From 1 January 2026 to 31 March 2026.", text("#period-shown"), "an ended quarter needs no note")
	require.True(t, evaluate[bool](t, ctx, `document.getElementById("not-ended").hidden`), "a quarter asked for and ended is shown as asked")
	require.Equal(t, served.GetShown(), text(`#headline td[data-measure="children_served"]`), "children served nationally")
	require.Equal(t, "Children served", text(`#headline tr[data-measure="children_served"] th`))
	require.Equal(t, "<5", text(fmt.Sprintf(`#breakdowns td[data-measure=%q][data-breakdown="age_band"][data-category=%q]`,
		withheld.GetMeasure(), withheld.GetCategory())), "a withheld age band: %s %s", withheld.GetMeasure(), withheld.GetCategory())
	require.Equal(t, northWest.GetShown(), text(`#regions tr[data-region="REGION_NORTH_WEST"] td[data-measure="children_served"]`))
	require.Equal(t, "North West", text(`#regions tr[data-region="REGION_NORTH_WEST"] th`))
	require.Contains(t, text(".legend"), "Between 1 and 4 people")
	require.True(t, evaluate[bool](t, ctx, `document.getElementById("nothing").hidden`), "a quarter with figures says nothing of none")

	// Every figure the same way (review 50: capacity used "29" beside "44.7"): a percentage to one
	// decimal with its sign, a waiting time in days to one decimal, a count a whole number, and a
	// withheld figure exactly as the server gives it.
	require.Equal(t, "60.0%", text(`#headline td[data-measure="capacity_used_percent"]`))
	require.Equal(t, "60.0%", text(`#regions tr[data-region="REGION_LONDON"] td[data-measure="capacity_used_percent"]`))
	percent, days, count := regexp.MustCompile(`^\d+\.\d%$`), regexp.MustCompile(`^\d+\.\d$`), regexp.MustCompile(`^\d+$`)
	cells := evaluate[[][]string](t, ctx, `[...document.querySelectorAll("#figures td[data-measure]")].map((td) => [td.dataset.measure, td.textContent])`)
	require.NotEmpty(t, cells)
	kinds := map[string]int{}
	for _, c := range cells {
		measure, shown := c[0], c[1]
		switch {
		case shown == "<5" || shown == "*" || shown == "\u2013":
			kinds["withheld or none"]++
		case strings.HasSuffix(measure, "_percent"):
			require.Regexp(t, percent, shown, measure)
			kinds["percent"]++
		case strings.HasPrefix(measure, "waiting_days_"):
			require.Regexp(t, days, shown, measure)
		default:
			require.Regexp(t, count, shown, measure)
			kinds["count"]++
		}
	}
	require.Positive(t, kinds["percent"], "a percentage is shown: %v", kinds)
	require.Positive(t, kinds["count"], "counts are shown: %v", kinds)
	for _, f := range national {
		if f.GetSuppressed() && f.GetScope() == "region" && f.GetBreakdown() == "" && f.GetMeasure() == "capacity_used_percent" {
			require.Equal(t, f.GetShown(), text(fmt.Sprintf(`#regions tr[data-region=%q] td[data-measure="capacity_used_percent"]`, f.GetRegion().String())),
				"a withheld percentage is shown as the server gives it")
		}
	}

	// One centre: its own figures, by its name.
	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("centre"), q.b.String()), chromedp.Click(chromedp.ID("show"))))
	shown("quarter-2026-1-" + q.b.String())
	require.Equal(t, atB.GetShown(), text(`#headline td[data-measure="children_served"]`), "children served at B")
	require.Contains(t, text("#figures-heading"), "Centre "+q.b.String()[:8])

	// A year before any centre existed has nothing recorded: the page says so, nationally and at a
	// centre (naming it), and shows no table of zeros that would read as no child served (review
	// 50).
	for centre, where := range map[uuid.UUID]string{uuid.Nil: "at any centre", q.b: "at Centre " + q.b.String()[:8] + " (North West)"} {
		address, period := "?period=year&year=2001", "year-2001-0"
		if centre != uuid.Nil {
			address, period = address+"&centre="+centre.String(), period+"-"+centre.String()
		}
		// Every count is a published 0; a waiting time over no first sessions is "*" (from fewer
		// than 5), which the page reads as a waiting time's, not as something withheld.
		counts := 0
		for _, f := range getFigures2001(t, an, centre) {
			if strings.HasPrefix(f.GetMeasure(), "waiting_days_") {
				require.Equal(t, "*", f.GetShown(), "%s: %v", address, f)
				continue
			}
			require.Equal(t, "0", f.GetShown(), "%s: nothing recorded in 2001: %v", address, f)
			counts++
		}
		require.Positive(t, counts, "%s: the zeros the page used to show", address)
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard"+address)), address)
		shown(period)
		nothing := text("#nothing")
		require.Contains(t, nothing, "Nothing was recorded "+where+" in 2001", address)
		require.False(t, evaluate[bool](t, ctx, `document.getElementById("nothing").hidden`), address)
		require.Zero(t, evaluate[int](t, ctx, `[...document.querySelectorAll("#figures table, #figures .legend")].filter((e) => e.getClientRects().length).length`),
			"%s: no table of zeros, and no legend for figures not shown", address)
		require.Contains(t, text("#status"), "Nothing was recorded", address)
	}

	// A year the server refuses, sent with the Enter key: its message, and no figures.
	// (SetValue cannot choose the option whose value is empty: chromedp leaves an empty argument out.)
	require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("centre").selectedIndex = 0`),
		chromedp.SetValue(chromedp.ID("year"), "1999"), chromedp.SendKeys(chromedp.ID("year"), "\r"), chromedp.WaitVisible(chromedp.ID("error"))))
	require.Contains(t, text("#error"), refusal)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitNotVisible(chromedp.ID("figures"))))

	// An address asking for what cannot be shown says so, and shows nothing in its place (review
	// 50: month 13 showed January, an unknown centre the nation).
	for address, says := range map[string]string{
		"?period=month&year=2026&number=13":                             "month \u201c13\u201d (1 to 12)",
		"?period=fortnight&year=2026":                                   "period \u201cfortnight\u201d",
		"?period=quarter&year=2026&number=1&centre=" + uuid.NewString(): "not a centre the figures know",
	} {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard"+address), chromedp.WaitReady(chromedp.CSS(`#error:not([hidden])`))), address)
		require.Contains(t, text("#error"), says, address)
		require.True(t, evaluate[bool](t, ctx, `document.getElementById("figures").hidden`), "%s: no figures in its place", address)
	}

	// The service gone: the page says it did not answer.
	admin.Close()
	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("year"), "2026"), chromedp.Click(chromedp.ID("show")),
		chromedp.WaitReady(chromedp.CSS(`#error:not([hidden])`))))
	require.Contains(t, text("#error"), "The reporting service did not answer")

	mu.Lock()
	defer mu.Unlock()
	require.Empty(t, complaints, "the page runs under its Content-Security-Policy without errors")
}

// getFigures2001 is the year 2001's published figures, nationally or at a centre: a year before
// any centre of the test existed.
func getFigures2001(t *testing.T, an reportingv1.ReportingServiceClient, centre uuid.UUID) []*reportingv1.Figure {
	t.Helper()
	req := &reportingv1.GetFiguresRequest{Period: &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_YEAR, Year: 2001}, Publication: true}
	if centre != uuid.Nil {
		req.CentreId = centre.String()
	}
	resp, err := an.GetFigures(t.Context(), req)
	require.NoError(t, err)
	return resp.GetFigures()
}

// Without JavaScript the page cannot fetch the figures: it says so, and where else the same
// figures are (/figures on the admin port, familytime return), and shows no form that cannot work
// and no headings over nothing (review 50). Its examples name the last quarter published on the
// service's clock (simulated here, as on a simulated platform), not a fixed one (review 52: it
// named 2026Q1 whatever the day): on 7 January 2027 the third quarter of 2026, and from the start
// of 8 January, its cutoff (decision 282), the fourth. The day is written for a person, "8
// January 2027", never 2027-01-08 (decision 305).
func TestDashboardWithoutJavaScript(t *testing.T) {
	browser := chromium(t)
	sim := clock.NewSimulated(time.Date(2027, 1, 7, 23, 30, 0, 0, time.UTC)) // GMT in January: 7 January in the UK
	g := newRigOn(t, sim)
	base := g.adminServer(t).URL
	alloc, cancel := chromedp.NewExecAllocator(t.Context(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("blink-settings", "scriptEnabled=false"))...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, day := range []struct {
		at                           time.Time
		today, quarter, figures, was string
	}{
		{time.Date(2027, 1, 7, 23, 30, 0, 0, time.UTC), "7 January 2027", "2026Q3", "/figures?period=quarter&year=2026&number=3", "Q3 2026 (July to September)"},
		{time.Date(2027, 1, 8, 0, 30, 0, 0, time.UTC), "8 January 2027", "2026Q4", "/figures?period=quarter&year=2026&number=4", "Q4 2026 (October to December)"},
	} {
		require.NoError(t, sim.Set(day.at))
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard"), chromedp.WaitReady(chromedp.CSS("body"))))
		require.Zero(t, evaluate[int](t, ctx, `document.querySelectorAll("#number option").length`), "the page's script did not run: it fills the quarters")
		visible := evaluate[string](t, ctx, `document.body.innerText`)
		require.Contains(t, visible, "This page needs JavaScript")
		require.Contains(t, visible, "The last quarter published, on the service's date ("+day.today+"), is "+day.was, day.today)
		require.Contains(t, visible, day.figures, day.today)
		require.Contains(t, visible, "familytime return --quarter "+day.quarter, day.today)
		require.NotContains(t, visible, "2026Q1", "%s: not the quarter the page once named whatever the day", day.today)
		require.NotRegexp(t, `\d{4}-\d{2}-\d{2}`, visible, "%s: a day a person reads is written as one", day.today)
		for _, unworkable := range []string{"Show the figures for", "Show figures", "Headline figures", "By region", "How to read the figures"} {
			require.NotContains(t, visible, unworkable)
		}
		headings := evaluate[[]string](t, ctx, `[...document.querySelectorAll("h1, h2, h3, h4, legend, caption, label")]
			.filter((e) => e.getClientRects().length).map((e) => e.textContent.trim())`)
		require.Equal(t, []string{"Child contact centres: published figures"}, headings, "only the page's own heading, none empty or over nothing")
		links := evaluate[[]string](t, ctx, `[...document.querySelectorAll("a")].filter((e) => e.getClientRects().length).map((e) => e.href)`)
		require.Equal(t, []string{base + day.figures}, links, "the JSON, linked beside the page")
		// The link is to figures that are there: the quarter named is published, not refused.
		resp, body := get(t, links[0])
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", day.today, body)
	}
}

// /figures says whether published figures were revised, false as well as true (review 52: left
// out when false, a reader could not tell "not revised" from a server too old to say). The rest
// of the JSON is as before: a field empty, 0 or false is left out of each figure (a national
// figure has no region, a withheld one no value), as docs/return.md says, and a 0 figure keeps
// its "shown": "0". A refusal (409) carries no revised: it has no figures.
func TestFiguresSayRevisedFalse(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2027, 1, 9, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	g.centre(t, commonv1.Region_REGION_LONDON)
	g.settle(t)
	base := g.adminServer(t).URL
	resp, body := get(t, base+"/figures?period=quarter&year=2026&number=4")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &doc), body)
	require.Contains(t, doc, "revised", "published figures say whether they were revised")
	require.Equal(t, false, doc["revised"], body)
	figures, _ := doc["figures"].([]any)
	require.NotEmpty(t, figures, body)
	for _, f := range figures {
		f := f.(map[string]any)
		if strings.HasPrefix(f["measure"].(string), "waiting_days_") {
			continue // over no first sessions: "*", a waiting time from fewer than 5
		}
		require.Equal(t, "0", f["shown"], "nothing recorded: a published 0: %v", f)
		require.NotContains(t, f, "value", "a 0 is left out of a figure, as before: %v", f)
		require.NotContains(t, f, "suppressed", "false is left out of a figure, as before: %v", f)
		if f["scope"] == "national" {
			require.NotContains(t, f, "region", "%v", f)
			require.NotContains(t, f, "centre_id", "%v", f)
		}
	}

	resp, body = get(t, base+"/figures?period=quarter&year=2027&number=1")
	require.Equal(t, http.StatusConflict, resp.StatusCode, body)
	require.NotContains(t, body, "revised")
	// Its day once in each form (decision 305): a Date in the field a program reads, words in the
	// message a person reads, and no 2027-01-09 in either.
	var refused struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
		AsOf map[string]int `json:"as_of"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &refused), body)
	require.Equal(t, map[string]int{"year": 2027, "month": 1, "day": 9}, refused.AsOf)
	require.Contains(t, refused.Error.Message, "today is 9 January 2027")
	require.NotRegexp(t, `\d{4}-\d{2}-\d{2}`, body)
}

// evaluate is the value of a script run in the page.
func evaluate[T any](t *testing.T, ctx context.Context, script string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script))
	require.NoError(t, err, script)
	return v
}
