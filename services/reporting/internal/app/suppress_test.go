package app

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

func fig(scope string, region commonv1.Region, centre uuid.UUID, breakdown, category string, v float64) Figure {
	return Figure{Measure: "children_served", Scope: scope, Region: region, Centre: centre, Breakdown: breakdown, Category: category, Value: v, Protected: true}
}

func shownOf(figs []Figure) []string {
	out := make([]string, len(figs))
	for i, f := range figs {
		if f.Suppressed == "" {
			out[i] = shown(f)
		} else {
			out[i] = f.Shown
		}
	}
	return out
}

// Small numbers are "<5", and no "<5" can be worked out by subtracting from a total.
func TestSuppress(t *testing.T) {
	c := uuid.New()
	band := func(category string, v float64) Figure {
		return fig("centre", 7, c, "age_band", category, v)
	}
	for _, tc := range []struct {
		name string
		figs []Figure
		want []string
	}{
		{"nothing small", []Figure{fig("centre", 7, c, "", "", 30), band("A", 10), band("B", 20)}, []string{"30", "10", "20"}},
		{"one small cell: the next smallest is withheld too", []Figure{fig("centre", 7, c, "", "", 30), band("A", 3), band("B", 7), band("C", 20)},
			[]string{"30", "<5", "*", "20"}},
		{"one small cell and only zeros beside it: the total is withheld", []Figure{fig("centre", 7, c, "", "", 3), band("A", 3), band("B", 0)},
			[]string{"<5", "<5", "0"}},
		{"a small cell beside zeros, total large: the total is withheld", []Figure{fig("centre", 7, c, "", "", 8), band("A", 3), band("B", 0), band("C", 5)},
			[]string{"8", "<5", "0", "*"}},
		{"two small cells that can only be 1 and 1", []Figure{fig("centre", 7, c, "", "", 12), band("A", 1), band("B", 1), band("C", 10)},
			[]string{"12", "<5", "<5", "*"}},
		{"two small cells that can only be 4 and 4", []Figure{fig("centre", 7, c, "", "", 28), band("A", 4), band("B", 4), band("C", 20)},
			[]string{"28", "<5", "<5", "*"}},
		{"two small cells that could be several pairs", []Figure{fig("centre", 7, c, "", "", 25), band("A", 2), band("B", 3), band("C", 20)},
			[]string{"25", "<5", "<5", "20"}},
		{"places are not about people", []Figure{{Measure: "places_available", Scope: "centre", Centre: c, Value: 3}}, []string{"3"}},
		{"a duration over fewer than 5", []Figure{{Measure: "waiting_days_median", Scope: "centre", Centre: c, Value: 29, Count: 1, Duration: true}}, []string{"*"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			Suppress(tc.figs)
			require.Equal(t, tc.want, shownOf(tc.figs))
			for _, f := range tc.figs {
				if f.Suppressed != "" {
					require.Zero(t, f.Value)
				}
			}
		})
	}

	// Across scopes: a region's centres add up to the region.
	a, b, d := uuid.New(), uuid.New(), uuid.New()
	figs := []Figure{fig("national", 0, uuid.Nil, "", "", 40), fig("region", 7, uuid.Nil, "", "", 40),
		fig("centre", 7, a, "", "", 2), fig("centre", 7, b, "", "", 18), fig("centre", 7, d, "", "", 20)}
	Suppress(figs)
	require.Equal(t, []string{"40", "40", "<5", "*", "*"}, shownOf(figs),
		"the 18 is withheld beside the 2, and the 20 too: the centre of the 18 knows its own figure")
}

// A withheld total is not given away by its cells (a review found this in a return): a region
// withheld to protect another region's "<5" had one centre, published with the region's figure,
// so the "<5" followed by subtraction from the nation; and a withheld total whose breakdown is all
// published is their sum.
func TestSuppressedTotalsAreNotGivenAwayByTheirCells(t *testing.T) {
	families := func(scope string, region commonv1.Region, centre uuid.UUID, breakdown, category string, v float64) Figure {
		f := fig(scope, region, centre, breakdown, category, v)
		f.Measure = "families_served"
		return f
	}
	const ne, nw, yh = commonv1.Region(1), commonv1.Region(2), commonv1.Region(3)
	n1, n2, w1, y1 := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	figs := []Figure{
		families("national", 0, uuid.Nil, "", "", 22),
		families("region", ne, uuid.Nil, "", "", 12), families("region", nw, uuid.Nil, "", "", 6), families("region", yh, uuid.Nil, "", "", 4),
		families("centre", ne, n1, "", "", 7), families("centre", ne, n2, "", "", 5),
		families("centre", nw, w1, "", "", 6),
		families("centre", yh, y1, "", "", 4),
		families("region", nw, uuid.Nil, "service_type", "SUPPORTED", 6), families("region", nw, uuid.Nil, "service_type", "SUPERVISED", 0),
		families("centre", nw, w1, "service_type", "SUPPORTED", 6), families("centre", nw, w1, "service_type", "SUPERVISED", 0),
	}
	Suppress(figs)
	got := shownOf(figs)
	require.Equal(t, "<5", got[3], "Yorkshire's 4")
	require.Equal(t, "*", got[0], "the nation, withheld so that Yorkshire's cannot be had from it: one figure, where the North "+
		"West's would take four (its region, its only centre, and their only service type, each its figure)")
	require.Equal(t, []string{"12", "6", "7", "5", "6", "6", "0", "6", "0"}, []string{got[1], got[2], got[4], got[5], got[6], got[8], got[9], got[10], got[11]},
		"no other region's or centre's figure is withheld for Yorkshire's (decision 204)")
	for _, tb := range tablesOf(figs) {
		require.False(t, exposed(figs, tb, -1), "no table gives a withheld figure away")
	}

	c := uuid.New()
	band := func(category string, v float64) Figure { return fig("centre", 7, c, "age_band", category, v) }
	figs = []Figure{fig("region", 7, uuid.Nil, "", "", 30), fig("centre", 7, c, "", "", 12), fig("centre", 7, uuid.New(), "", "", 3),
		fig("centre", 7, uuid.New(), "", "", 15), band("A", 5), band("B", 7)}
	Suppress(figs)
	require.Equal(t, []string{"*", "12", "<5", "15", "5", "7"}, shownOf(figs),
		"the region withheld beside the <5: one figure, where a centre withheld beside it took three (the centre, an age band so that "+
			"they cannot add up to it, and the third centre so that the first cannot subtract its own 12; decision 204)")
}

// A year's figures are suppressed together (decisions.md 81): a quarter is its months' sum and a
// year its quarters', so a month's "<5" published beside its quarter and the other two months
// would follow by subtraction.
func TestSuppressAcrossPeriods(t *testing.T) {
	c := uuid.New()
	in := func(period int, v float64) Figure {
		f := fig("centre", 7, c, "", "", v)
		f.Measure, f.period = "sessions_attended", period
		return f
	}
	const q3, july, august, september = 3, 4 + 7, 4 + 8, 4 + 9
	figs := []Figure{in(0, 60), in(1, 15), in(2, 15), in(q3, 12), in(4, 18), in(july, 5), in(august, 4), in(september, 3)}
	Suppress(figs)
	got := shownOf(figs)
	require.Equal(t, []string{"<5", "<5"}, got[6:], "August's 4 and September's 3")
	require.Equal(t, "12", got[3], "the quarter stands: two withheld months could be 4 and 3 or 3 and 4")

	figs = []Figure{in(0, 62), in(1, 15), in(2, 15), in(q3, 14), in(4, 18), in(july, 7), in(august, 6), in(september, 1)}
	Suppress(figs)
	got = shownOf(figs)
	require.Equal(t, "<5", got[7], "September's 1")
	require.Equal(t, "*", got[6], "August is withheld too: the quarter minus July and August was September")
	require.Equal(t, []string{"62", "14", "7"}, []string{got[0], got[3], got[5]})

	// A quarter withheld to protect another quarter is not given away by its months.
	figs = []Figure{in(0, 40), in(1, 2), in(2, 15), in(q3, 12), in(4, 11), in(july, 5), in(august, 4), in(september, 3)}
	Suppress(figs)
	got = shownOf(figs)
	require.Equal(t, "<5", got[1], "the first quarter's 2")
	require.Equal(t, "*", got[4], "the smallest other quarter")
	require.Equal(t, "12", got[3])

	// A count on the last day: the quarter's is its last month's, and both are shown alike.
	atEnd := func(period int, v float64) Figure {
		f := fig("centre", 7, c, "", "", v)
		f.Measure, f.period, f.AtEnd = "waiting_list_at_end", period, true
		return f
	}
	figs = []Figure{atEnd(q3, 9), atEnd(july, 2), atEnd(august, 3), atEnd(september, 9)}
	Suppress(figs)
	require.Equal(t, []string{"9", "<5", "<5", "9"}, shownOf(figs), "the quarter's waiting list is September's, not a sum")
}

// A centre knows its own figures (a coordinator reads them exactly): a table of centres or regions
// must not give a centre another's "<5" once it subtracts its own (a review found a region's
// withdrawals, 5, published beside its two centres' "<5": the centre of the 4 had the other's 1).
func TestSuppressAgainstACentreThatKnowsItsOwn(t *testing.T) {
	ne, yh := uuid.New(), uuid.New()
	figs := []Figure{fig("region", 7, uuid.Nil, "", "", 5), fig("centre", 7, ne, "", "", 4), fig("centre", 7, yh, "", "", 1)}
	Suppress(figs)
	require.Equal(t, []string{"*", "*", "<5"}, shownOf(figs),
		"a withheld region that would have been published is at least 5: the centre of the 1 had the other's 4 until it was shown \"*\" too")

	// Three withheld centres: the one that knows its own still has two it cannot tell apart.
	a, b, c, d := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	figs = []Figure{fig("region", 7, uuid.Nil, "", "", 30), fig("centre", 7, a, "", "", 2), fig("centre", 7, b, "", "", 3),
		fig("centre", 7, c, "", "", 6), fig("centre", 7, d, "", "", 19)}
	Suppress(figs)
	require.Equal(t, []string{"30", "<5", "<5", "*", "19"}, shownOf(figs))
}

// Sessions booked are attended or no-shows once over, and the capacity used is the sessions
// booked over the places, which are published: a withheld figure is not had from either.
func TestSuppressSessionsAndCapacity(t *testing.T) {
	c := uuid.New()
	sessions := func(measure string, v float64) Figure {
		f := fig("centre", 7, c, "", "", v)
		f.Measure = measure
		return f
	}
	figs := []Figure{sessions("sessions_booked", 20), sessions("sessions_attended", 17), sessions("sessions_no_show", 3),
		{Measure: "places_available", Scope: "centre", Region: 7, Centre: c, Value: 40},
		{Measure: "capacity_used_percent", Scope: "centre", Region: 7, Centre: c, Value: 50}}
	for i := range figs {
		figs[i].Shown = shown(figs[i])
	}
	Suppress(figs)
	require.Equal(t, []string{"20", "*", "<5", "40", "50"}, shownOf(figs),
		"booked minus attended was the no-shows: attended is withheld too")

	figs = []Figure{sessions("sessions_booked", 3), {Measure: "places_available", Scope: "centre", Region: 7, Centre: c, Value: 36},
		{Measure: "capacity_used_percent", Scope: "centre", Region: 7, Centre: c, Value: 8.3}}
	Suppress(figs)
	require.Equal(t, []string{"<5", "36", "*"}, shownOf(figs), "8.3% of 36 places was 3 sessions booked")

	// A supervised booking books its room's every place (decisions.md 189): with the sessions
	// booked, the capacity used would tell how many were supervised.
	supervised := sessions("sessions_booked", 2)
	supervised.Breakdown, supervised.Category = "service_type", commonv1.ServiceType_SERVICE_TYPE_SUPERVISED.String()
	supported := sessions("sessions_booked", 10)
	supported.Breakdown, supported.Category = "service_type", commonv1.ServiceType_SERVICE_TYPE_SUPPORTED.String()
	figs = []Figure{sessions("sessions_booked", 12), supervised, supported,
		{Measure: "places_available", Scope: "centre", Region: 7, Centre: c, Value: 36},
		{Measure: "capacity_used_percent", Scope: "centre", Region: 7, Centre: c, Value: 44.4}}
	for i := range figs {
		figs[i].Shown = shown(figs[i])
	}
	Suppress(figs)
	require.Equal(t, "<5", figs[1].Shown)
	require.Equal(t, "36", figs[3].Shown)
	require.Equal(t, "*", figs[4].Shown, "44.4% of 36 places, 12 sessions booked: 16 places, so 2 supervised in rooms of 3")
}

// The staff on the period's last day are people on a centre's register: protected, a count on the
// last day (a quarter's is its last month's, not a sum of its months), and their roles add up to
// the total (decisions.md 84).
func TestSuppressStaffAtEnd(t *testing.T) {
	i := slices.IndexFunc(measures, func(m measure) bool { return m.Name == "staff_at_end" })
	require.GreaterOrEqual(t, i, 0)
	m := measures[i]
	require.True(t, m.protected && m.atEnd && !m.Dated, "counted on the period's last day, not on dates within it")
	c := uuid.New()
	cell := func(period int, role schedulingv1.StaffRole, v float64) adapters.Cell {
		return adapters.Cell{Region: 7, Centre: c, HasDim: role != 0, Dim: int32(role), Value: v, Period: period}
	}
	const volunteer, supervisor, coordinator = schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR,
		schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR
	const q3, july, august, september = 3, 4 + 7, 4 + 8, 4 + 9
	var cells []adapters.Cell
	for _, p := range []int{q3, september} {
		cells = append(cells, cell(p, 0, 10), cell(p, volunteer, 4), cell(p, supervisor, 1), cell(p, coordinator, 5))
	}
	cells = append(cells, cell(july, 0, 2), cell(july, volunteer, 2),
		cell(august, 0, 12), cell(august, volunteer, 6), cell(august, supervisor, 1), cell(august, coordinator, 5))
	figs := m.figures(nil, cells)
	for _, f := range figs {
		require.True(t, f.Protected && f.AtEnd, f.Category)
	}
	Suppress(figs)
	got := shownOf(figs)
	require.Equal(t, []string{"10", "<5", "<5", "5"}, got[0:4], "the third quarter: two <5 roles the 5 and the 10 do not pin down")
	require.Equal(t, got[0:4], got[4:8], "September's are the quarter's, shown alike")
	require.Equal(t, []string{"<5", "<5"}, got[8:10], "July's 2")
	require.Equal(t, []string{"12", "*", "<5", "5"}, got[10:], "August's supervisor, and the volunteers' 6 beside it: the coordinators' 5 "+
		"withheld instead would leave the supervisor at most 12 - 6 - 5 = 1, a \"*\" being at least 5, and take the volunteers too (decision 204)")
}

// A "<5" total bounds its parts: at most 4 split into cells of at least 1 each (review 5 found a
// centre's four concern categories, each "<5" under a "<5" total: each was 1). And a centre that
// knows its own figure subtracts it from a "<5" total too (review 5: the nation's withdrawals
// "<5", one region 0, a centre's own 3, so the other region's "<5" was 1).
func TestSuppressedTotalsBoundTheirParts(t *testing.T) {
	c := uuid.New()
	concerns := func(category string, v float64) Figure { return fig("centre", 7, c, "category", category, v) }
	figs := []Figure{fig("centre", 7, c, "", "", 4), concerns("A", 1), concerns("B", 1), concerns("C", 1), concerns("D", 1)}
	Suppress(figs)
	require.Equal(t, []string{"*", "<5", "<5", "<5", "<5"}, shownOf(figs), "the total of 4 is shown \"*\": a \"*\" may be small")
	require.False(t, exposed(figs, tablesOf(figs)[0], -1))

	figs = []Figure{fig("centre", 7, c, "", "", 3), concerns("A", 1), concerns("B", 2), concerns("C", 0)}
	Suppress(figs)
	require.Equal(t, []string{"<5", "<5", "<5", "0"}, shownOf(figs), "1 and 2 under 3 could be 2 and 1, or 1 and 1 under 2")

	nw, yh, ne := uuid.New(), uuid.New(), uuid.New()
	figs = []Figure{fig("national", 0, uuid.Nil, "", "", 4), fig("region", 1, uuid.Nil, "", "", 0), fig("region", 2, uuid.Nil, "", "", 1),
		fig("region", 3, uuid.Nil, "", "", 3), fig("centre", 1, nw, "", "", 0), fig("centre", 2, yh, "", "", 1), fig("centre", 3, ne, "", "", 3)}
	Suppress(figs)
	got := shownOf(figs)
	require.Equal(t, []string{"<5", "<5"}, []string{got[2], got[3]})
	require.Equal(t, "*", got[0], "the nation's 4 is shown \"*\": the region of the 3 would have the other's 1")
	for _, tb := range tablesOf(figs) {
		for _, known := range append([]int{-1}, tb.cells...) {
			require.False(t, exposed(figs, tb, known), "no table pins a withheld figure, to anyone")
		}
	}
}

// A reader combines the tables: review 6's centre (Yorkshire, knowing its own 2 in October and 3
// in November) had the North West's months from the nation's months (10 = 7 + NW + 2 gives NW at
// most 1... and 10 = NE + NW + 3 with both "<5" gives NW at least 3), summed over the quarter,
// against the quarter's "<5": 4 exactly. Read together, no table pins a withheld figure, to anyone
// or to any centre knowing every figure of its own.
func TestSuppressReadsTheTablesTogether(t *testing.T) {
	ne, nw, yh := uuid.New(), uuid.New(), uuid.New()
	const q4, oct, nov, dec = 4, 4 + 10, 4 + 11, 4 + 12
	var figs []Figure
	add := func(scope string, region commonv1.Region, centre uuid.UUID, period int, v float64) {
		f := fig(scope, region, centre, "", "", v)
		f.Measure, f.period = "referrals_court_involved", period
		figs = append(figs, f)
	}
	for _, p := range []struct {
		period         int
		ne, nw, yh, at float64
	}{{oct, 7, 1, 2, 0}, {nov, 4, 3, 3, 0}, {dec, 0, 0, 0, 0}, {q4, 11, 4, 5, 0}} {
		add("national", 0, uuid.Nil, p.period, p.ne+p.nw+p.yh)
		for _, r := range []struct {
			region commonv1.Region
			centre uuid.UUID
			v      float64
		}{{1, ne, p.ne}, {2, nw, p.nw}, {3, yh, p.yh}} {
			add("region", r.region, uuid.Nil, p.period, r.v)
			add("centre", r.region, r.centre, p.period, r.v)
		}
	}
	values := make([]float64, len(figs))
	for i, f := range figs {
		values[i] = f.Value
	}
	Suppress(figs)
	for i := range figs {
		figs[i].Value = values[i] // what each centre knows of its own; Suppress sends none withheld
	}
	tables := tablesOf(figs)
	in := make([][]int, len(figs))
	for ti, tb := range tables {
		in[tb.total] = append(in[tb.total], ti)
		for _, c := range tb.cells {
			in[c] = append(in[c], ti)
		}
	}
	r := newReading(figs, tables, in)
	all := make([]int, len(tables))
	for ti := range all {
		all[ti] = ti
	}
	if p := r.pinned(nil, all); p >= 0 {
		t.Fatalf("%s %s %v period %d (%v) pinned from the published figures: %v", figs[p].Scope, figs[p].Centre, figs[p].Region, figs[p].period, figs[p].Value, shownOf(figs))
	}
	for _, centre := range []uuid.UUID{ne, nw, yh} {
		var own []int
		for i, f := range figs {
			if f.Centre == centre {
				own = append(own, i)
			}
		}
		if p := r.pinned(own, all); p >= 0 {
			t.Fatalf("%s %s %v period %d (%v) pinned by a centre knowing its own: %v", figs[p].Scope, figs[p].Centre, figs[p].Region, figs[p].period, figs[p].Value, shownOf(figs))
		}
	}
	var nwShown []string
	for _, f := range figs {
		if f.Scope == "centre" && f.Centre == nw {
			nwShown = append(nwShown, f.Shown)
		}
	}
	t.Logf("published: %v; the North West's centre: %v", shownOf(figs), nwShown)
}

// figuresOf are a year's figures (Periods: the year, its quarters, its months), nationally, by
// region and by centre, each in total and by its breakdown, as the queries give them (no row
// for nothing), from counts by centre, category and month.
func figuresOf(counts []counted, regions map[uuid.UUID]commonv1.Region, breakdown string) []Figure {
	type key struct {
		measure, scope string
		region         commonv1.Region
		centre         uuid.UUID
		breakdown, cat string
		period         int
	}
	sums := map[key]float64{}
	var order []key
	add := func(k key, v float64) {
		if _, ok := sums[k]; !ok {
			order = append(order, k)
		}
		sums[k] += v
	}
	for _, c := range counts {
		region := regions[c.centre]
		for _, period := range []int{0, 1 + (c.month-1)/3, 4 + c.month} {
			for _, at := range []key{{scope: "national"}, {scope: "region", region: region}, {scope: "centre", region: region, centre: c.centre}} {
				at.measure, at.period = c.measure, period
				add(at, c.n)
				at.breakdown, at.cat = breakdown, c.category
				add(at, c.n)
			}
		}
	}
	var out []Figure
	for _, k := range order {
		if v := sums[k]; v > 0 {
			out = append(out, Figure{Measure: k.measure, Scope: k.scope, Region: k.region, Centre: k.centre, Breakdown: k.breakdown,
				Category: k.cat, Value: v, Count: int64(v), Shown: strconv.FormatFloat(v, 'f', -1, 64), Protected: true, period: k.period})
		}
	}
	return out
}

type counted struct {
	measure  string
	centre   uuid.UUID
	category string
	month    int
	n        float64
}

// worksOut reads published figures (figs, suppressed) as anyone can, and as each centre knowing
// every figure of its own (values are the exact figures): the withheld figures anyone pins down,
// and the small ones of another a centre pins down. It reads on its own, by the tables' sums
// (docs/return.md): a "<5" is 1 to 4, a "*" at least 5, or 1 where it hides a small number; a
// count of distinct people is at most its parts' sum and at least each; the sessions booked are at
// least those attended and the no-shows, and their sum where they are.
func worksOut(figs []Figure, values []float64) (byAnyone, byACentre []string) {
	return worksOutReading(figs, values, false)
}

// worksOutAsSeen is worksOut by a reader who knows of a "*" only what it shows: a figure of at
// least 1 (a 0 is published), small or not. A "*" withheld beside figures published before
// (decision 304) may have its 5 or more pinned where nothing is left to withhold: the suppression
// reads a "*" hiding 5 or more as at least 5, more than any reader can tell.
func worksOutAsSeen(figs []Figure, values []float64) (byAnyone, byACentre []string) {
	return worksOutReading(figs, values, true)
}

func worksOutReading(figs []Figure, values []float64, asSeen bool) (byAnyone, byACentre []string) {
	read := slices.Clone(figs)
	for i := range read {
		read[i].Value = values[i]
	}
	type sum struct {
		total           int
		cells           []int
		distinct, least bool
	}
	var sums []sum
	for _, tb := range tablesOf(read) {
		sm := sum{total: tb.total, cells: tb.cells, distinct: distinctCounts[read[tb.total].Measure]}
		if read[tb.total].Measure == "sessions_booked" && read[tb.cells[0]].Measure != "sessions_booked" {
			var parts float64
			for _, c := range tb.cells {
				parts += read[c].Value
			}
			sm.least = parts != read[tb.total].Value
		}
		sums = append(sums, sm)
	}
	name := func(i int) string {
		f := read[i]
		return fmt.Sprintf("%s %s %v %s period %d %s: %s (%v)", f.Measure, f.Scope, f.Region, f.Centre, f.period, f.Category, f.Shown, f.Value)
	}
	// pinned reads to the end knowing known, and names the withheld figures whose least and most meet.
	pinned := func(known []bool) (out []int) {
		lo, hi := make([]float64, len(read)), make([]float64, len(read))
		for i, f := range read {
			switch {
			case f.Suppressed == "" || known[i]:
				lo[i], hi[i] = f.Value, f.Value
			case f.Suppressed == Primary:
				lo[i], hi[i] = 1, 4
			case f.Value < 5 || asSeen:
				lo[i], hi[i] = 1, math.Inf(1)
			default:
				lo[i], hi[i] = 5, math.Inf(1)
			}
		}
		for changed := true; changed; {
			changed = false
			for _, sm := range sums {
				var cellsLo, cellsHi, mostLo float64
				for _, c := range sm.cells {
					cellsLo, cellsHi, mostLo = cellsLo+lo[c], cellsHi+hi[c], max(mostLo, lo[c])
				}
				narrow := func(i int, l, h float64) {
					l, h = max(l, lo[i]), min(h, hi[i])
					if l <= h && (l != lo[i] || h != hi[i]) {
						lo[i], hi[i], changed = l, h, true
					}
				}
				switch {
				case sm.distinct:
					narrow(sm.total, mostLo, cellsHi)
				case sm.least:
					narrow(sm.total, cellsLo, math.Inf(1))
				default:
					narrow(sm.total, cellsLo, cellsHi)
				}
				for _, c := range sm.cells {
					othersLo, othersHi := cellsLo-lo[c], cellsHi-hi[c]
					if math.IsInf(hi[c], 1) { // the others' most without c's
						othersHi = 0
						for _, o := range sm.cells {
							if o != c {
								othersHi += hi[o]
							}
						}
					}
					switch {
					case sm.distinct:
						narrow(c, lo[sm.total]-othersHi, hi[sm.total])
					case sm.least:
						narrow(c, 0, hi[sm.total]-othersLo)
					default:
						narrow(c, lo[sm.total]-othersHi, hi[sm.total]-othersLo)
					}
				}
			}
		}
		for i, f := range read {
			if f.Suppressed != "" && !known[i] && lo[i] == hi[i] {
				out = append(out, i)
			}
		}
		return out
	}
	for _, i := range pinned(make([]bool, len(read))) {
		byAnyone = append(byAnyone, name(i))
	}
	centres := map[uuid.UUID]bool{}
	for _, f := range read {
		if f.Scope == "centre" {
			centres[f.Centre] = true
		}
	}
	for _, centre := range slices.SortedFunc(maps.Keys(centres), func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }) {
		// Its own figures, and the totals they and the published ones give: a region of one centre.
		known := make([]bool, len(read))
		for i, f := range read {
			known[i] = f.Centre == centre
		}
		for changed := true; changed; {
			changed = false
			for _, sm := range sums {
				if known[sm.total] || sm.least || !slices.ContainsFunc(sm.cells, func(c int) bool { return known[c] }) {
					continue
				}
				if !slices.ContainsFunc(sm.cells, func(c int) bool { return !known[c] && read[c].Suppressed != "" }) {
					known[sm.total], changed = true, true
				}
			}
		}
		for _, i := range pinned(known) {
			if f := read[i]; f.Suppressed == Primary || f.Value < 5 {
				byACentre = append(byACentre, centre.String()[:8]+" has "+name(i))
			}
		}
	}
	return byAnyone, byACentre
}

// Review 29: four supported sessions booked in December at one of three centres, each alone in its
// region, withheld the sessions booked and attended of every centre, every region's and the
// nation's capacity used, and the nation's sessions booked beside its two service types, published
// (6 and 31: 37). A figure withheld beside a "<5" is now the one that sets off the fewest
// withholdings after it, the sessions booked are only at least those attended and the no-shows
// while sessions are to come, and a withheld figure is never one anyone can work out. What the
// December bookings withhold is the centre's, its region's and the nation's (decision 204).
func TestSuppressionStaysWithTheCentreItProtects(t *testing.T) {
	c1, c2, c3 := uuid.MustParse("00000000-0000-0000-0000-0000000000c1"), uuid.MustParse("00000000-0000-0000-0000-0000000000c2"),
		uuid.MustParse("00000000-0000-0000-0000-0000000000c3")
	regions := map[uuid.UUID]commonv1.Region{c1: commonv1.Region_REGION_NORTH_EAST, c2: commonv1.Region_REGION_NORTH_WEST,
		c3: commonv1.Region_REGION_YORKSHIRE_AND_THE_HUMBER}
	supervised, supported := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED.String(), commonv1.ServiceType_SERVICE_TYPE_SUPPORTED.String()
	var counts []counted
	sessions := func(centre uuid.UUID, category string, month int, booked, attended float64) {
		counts = append(counts, counted{"sessions_booked", centre, category, month, booked})
		if attended > 0 {
			counts = append(counts, counted{"sessions_attended", centre, category, month, attended})
		}
	}
	// C1: 16 sessions in the quarter (6 supervised), C2 11 in November, C3 6 in November.
	sessions(c1, supervised, 10, 3, 3)
	sessions(c1, supervised, 11, 3, 3)
	sessions(c1, supported, 10, 4, 4)
	sessions(c1, supported, 11, 6, 6)
	sessions(c2, supported, 11, 11, 11)
	sessions(c3, supported, 11, 6, 6)
	name := func(f Figure) string {
		return fmt.Sprintf("%s %s %v %s period %d %s", f.Measure, f.Scope, f.Region, f.Centre, f.period, f.Category)
	}
	before := figuresOf(counts, regions, "service_type")
	Suppress(before)
	withheld := map[string]bool{}
	for _, f := range before {
		withheld[name(f)] = f.Suppressed != ""
	}
	// Then C2's four December bookings, still to come.
	sessions(c2, supported, 12, 4, 0)
	figs := figuresOf(counts, regions, "service_type")
	values := make([]float64, len(figs))
	for i := range figs {
		values[i] = figs[i].Value
	}
	Suppress(figs)

	const year, q4, december = 0, 4, 16
	nation := map[string]string{}
	for _, f := range figs {
		if f.Suppressed == Secondary && !withheld[name(f)] {
			require.True(t, f.Centre == c2 || f.Region == regions[c2] || f.Scope == "national", "%s withheld for C2's December", name(f))
			require.NotEqual(t, "sessions_attended", f.Measure, "%s withheld: December's sessions are still to come", name(f))
		}
		if f.Scope == "national" && f.Measure == "sessions_booked" && (f.period == q4 || f.period == year) {
			nation[f.Category] = f.Shown
		}
		if f.Centre == c2 && f.period == december && f.Measure == "sessions_booked" {
			require.Equal(t, Primary, f.Shown, "C2's four December sessions")
		}
	}
	if nation[""] == Secondary {
		require.True(t, nation[supervised] == Secondary || nation[supported] == Secondary,
			"the nation's sessions booked withheld beside its service types, both published: %v", nation)
	}
	byAnyone, byACentre := worksOut(figs, values)
	require.Empty(t, byAnyone, "withheld figures anyone works out")
	require.Empty(t, byACentre, "small figures a centre works out of another's")
}

// The tables read together leave no withheld figure to anyone, and no small one to a centre
// knowing its own (decisions 108 and 204), on a year of thirty centres with small numbers
// everywhere. Before decision 204 the reading stopped at the first figure it found nothing to
// withhold around, read a figure withheld during it as still published, and read each centre from
// its own tables only, not on from what anyone can work out: here anyone pinned 444 of the 2,405
// "<5" (a centre's 4 cancellations in the second quarter: its year's 11 supported, over three
// quarters of at most 4 each, put at least 3 in each, and left at most 1 supervised under the
// quarter's "<5"), and a centre knowing its own thousands more.
func TestSuppressLeavesNothingToWorkOut(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 204))
	regions := map[uuid.UUID]commonv1.Region{}
	var counts []counted
	small := func(mean int) float64 {
		if rng.IntN(3) == 0 {
			return 0
		}
		return float64(rng.IntN(2*mean + 1))
	}
	for c := range 30 {
		centre := uuid.UUID{15: byte(c + 1)}
		regions[centre] = commonv1.Region(1 + c%9)
		for month := 1; month <= 12; month++ {
			for _, st := range []string{commonv1.ServiceType_SERVICE_TYPE_SUPERVISED.String(), commonv1.ServiceType_SERVICE_TYPE_SUPPORTED.String()} {
				attended, noShows, toCome := small(6), small(1), small(2)
				if month < 12 {
					toCome = 0
				}
				counts = append(counts, counted{"sessions_attended", centre, st, month, attended}, counted{"sessions_no_show", centre, st, month, noShows},
					counted{"sessions_booked", centre, st, month, attended + noShows + toCome}, counted{"sessions_cancelled", centre, st, month, small(1)})
			}
		}
	}
	figs := figuresOf(counts, regions, "service_type")
	values := make([]float64, len(figs))
	for i := range figs {
		values[i] = figs[i].Value
	}
	start := time.Now()
	Suppress(figs)
	withheld := 0
	for _, f := range figs {
		if f.Suppressed != "" {
			withheld++
		}
	}
	t.Logf("%d figures, %d withheld, in %v", len(figs), withheld, time.Since(start))
	byAnyone, byACentre := worksOut(figs, values)
	require.Empty(t, byAnyone, "withheld figures anyone works out")
	require.Empty(t, byACentre, "small figures a centre works out of another's")
}

// Review 47: `reporting rebuild` writes the same rows in another physical order, and the same
// data was then published with other figures withheld: the suppression breaks its ties by a
// figure's place. Figures sorts the year's figures by what they are a figure of before
// suppressing them (compareFigures, decision 275): whatever order they were read in, the same
// figures are withheld. This checks that the order is total on a national year's tables, and
// that figures read in shuffled orders are withheld alike.
func TestTheSameFiguresAreWithheldWhateverOrderTheyWereReadIn(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 275))
	regions := map[uuid.UUID]commonv1.Region{}
	var counts []counted
	for c := range 12 {
		centre := uuid.UUID{15: byte(c + 1)}
		regions[centre] = commonv1.Region(1 + c%4)
		for month := 1; month <= 12; month++ {
			for _, st := range []string{commonv1.ServiceType_SERVICE_TYPE_SUPERVISED.String(), commonv1.ServiceType_SERVICE_TYPE_SUPPORTED.String()} {
				counts = append(counts, counted{"sessions_attended", centre, st, month, float64(rng.IntN(9))})
			}
		}
	}
	read := figuresOf(counts, regions, "service_type")
	canonical := slices.Clone(read)
	slices.SortStableFunc(canonical, compareFigures)
	for i := 1; i < len(canonical); i++ {
		require.Negative(t, compareFigures(canonical[i-1], canonical[i]), "two figures of the same thing: %+v", canonical[i])
	}
	Suppress(canonical)
	want := shownOf(canonical)
	for range 5 {
		shuffled := slices.Clone(read)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		slices.SortStableFunc(shuffled, compareFigures)
		Suppress(shuffled)
		require.Equal(t, want, shownOf(shuffled))
	}
}
