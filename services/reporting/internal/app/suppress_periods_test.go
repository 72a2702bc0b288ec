package app

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// served is a family served at a centre in a month (1-12), with its children.
type served struct {
	centre   uuid.UUID
	family   string
	children int
	month    int
}

// distinctYear is a year's families and children served (distinct counts, no breakdown) of
// served: each family, and each of its children, counted once in each period and scope however
// many months it attended (decision 320).
func distinctYear(attended []served, regions map[uuid.UUID]commonv1.Region) []Figure {
	type key struct {
		scope  string
		region commonv1.Region
		centre uuid.UUID
		period int
	}
	families := map[key]map[string]int{}
	var order []key
	for _, a := range attended {
		region := regions[a.centre]
		for _, period := range []int{0, 1 + (a.month-1)/3, 4 + a.month} {
			for _, at := range []key{{scope: "national"}, {scope: "region", region: region}, {scope: "centre", region: region, centre: a.centre}} {
				at.period = period
				if families[at] == nil {
					families[at] = map[string]int{}
					order = append(order, at)
				}
				families[at][a.centre.String()+a.family] = a.children
			}
		}
	}
	var out []Figure
	for _, k := range order {
		children := 0
		for _, n := range families[k] {
			children += n
		}
		for measure, v := range map[string]float64{"families_served": float64(len(families[k])), "children_served": float64(children)} {
			out = append(out, Figure{Measure: measure, Scope: k.scope, Region: k.region, Centre: k.centre, Value: v, Count: int64(v),
				Shown: strconv.FormatFloat(v, 'f', -1, 64), Protected: true, period: k.period})
		}
	}
	slices.SortStableFunc(out, compareFigures)
	return out
}

// smallDifferences names each published distinct count of a period less the same count of a
// period within it (the year and its quarters and months, a quarter and its months), both
// published, that gives a count of 1 to 4: the people served in the one and not in the other.
// Where the periods' parts add up to them (exact: no one in two months), the difference is the
// sum of the other parts, each protected as a figure of the table: it is left out, as the sum of
// two "<5" of an additive table is.
func smallDifferences(figs []Figure, exact map[string]float64) []string {
	at := map[string]Figure{}
	for _, f := range figs {
		at[shownKey(f.period, figureKey(f))] = f
	}
	addsUp := func(period int, key string) bool {
		var parts []int
		switch {
		case period == 0:
			parts = []int{1, 2, 3, 4}
		case period <= 4:
			parts = []int{3*period + 2, 3*period + 3, 3*period + 4}
		}
		sum := 0.0
		for _, p := range parts {
			sum += exact[shownKey(p, key)]
		}
		return sum == exact[shownKey(period, key)]
	}
	var out []string
	for _, f := range figs {
		if !distinctCounts[f.Measure] || f.Suppressed != "" || f.period == 0 {
			continue
		}
		containers := []int{0}
		if f.period >= 5 {
			containers = append(containers, 1+(f.period-5)/3)
		}
		for _, p := range containers {
			c, ok := at[shownKey(p, figureKey(f))]
			if !ok || c.Suppressed != "" {
				continue
			}
			if addsUp(p, figureKey(f)) && (f.period <= 4 || addsUp(1+(f.period-5)/3, figureKey(f))) {
				continue
			}
			if d := c.Value - f.Value; d >= 1 && d <= 4 {
				out = append(out, fmt.Sprintf("%s %s %v %s: period %d %v less period %d %v", f.Measure, f.Scope, f.Region, f.Centre, p, c.Value, f.period, f.Value))
			}
		}
	}
	return out
}

// Review 56 (1): C1, alone in the North West, served 6 families (10 children) in November, 2 in
// October and 2 in December, 7 (12 children) in the fourth quarter and the year: one family came
// in December only. Published with November, October was "<5" and November 6; published with
// December, the quarter's 7 less November's 6 gave exactly 1 family served in the quarter and not
// in November, and 12 less 10 its 2 children. The quarter's people hold each month's, so what the
// one has beyond the other is a count of people too, and is not to be worked out small. November
// was published first and stays as it was: the quarter (and the year, and what would give them)
// is withheld instead.
func TestAQuarterLessItsMonthGivesNoSmallGroup(t *testing.T) {
	c1, c2, c3 := uuid.UUID{15: 1}, uuid.UUID{15: 2}, uuid.UUID{15: 3}
	regions := map[uuid.UUID]commonv1.Region{c1: commonv1.Region_REGION_NORTH_WEST, c2: commonv1.Region_REGION_NORTH_EAST,
		c3: commonv1.Region_REGION_YORKSHIRE_AND_THE_HUMBER}
	var attended []served
	for i, children := range []int{2, 2, 2, 2, 1, 1} {
		attended = append(attended, served{c1, fmt.Sprint("f", i+1), children, 11})
	}
	attended = append(attended, served{c1, "f1", 2, 10}, served{c1, "f2", 2, 10}, served{c1, "f3", 2, 12}, served{c1, "f7", 2, 12})
	for month := 10; month <= 12; month++ {
		for i := range 8 {
			attended = append(attended, served{c2, fmt.Sprint("g", i), 1, month})
		}
		for i := range 9 {
			attended = append(attended, served{c3, fmt.Sprint("h", i), 2, month})
		}
	}
	year := distinctYear(attended, regions)
	exact := map[string]float64{}
	for _, f := range year {
		exact[shownKey(f.period, figureKey(f))] = f.Value
	}
	c1Families := func(period int) float64 {
		return exact[shownKey(period, figureKey(Figure{Measure: "families_served", Scope: "centre", Region: regions[c1], Centre: c1}))]
	}
	require.Equal(t, []float64{7, 7, 2, 6, 2}, []float64{c1Families(0), c1Families(4), c1Families(14), c1Families(15), c1Families(16)},
		"the review's families at C1: the year, Q4, October, November, December")

	publications := publishMonthByMonth(t, year)
	november, december := publications[10], publications[11]
	shownIn := func(figs []Figure, measure, scope string, region commonv1.Region, centre uuid.UUID, period int) string {
		i := slices.IndexFunc(figs, func(f Figure) bool {
			return f.Measure == measure && f.Scope == scope && f.Region == region && f.Centre == centre && f.period == period
		})
		require.GreaterOrEqual(t, i, 0)
		return figs[i].Shown
	}
	require.Equal(t, "6", shownIn(november, "families_served", "centre", regions[c1], c1, 15), "November as the review saw it")
	require.Equal(t, "10", shownIn(november, "children_served", "centre", regions[c1], c1, 15))
	require.Equal(t, "6", shownIn(december, "families_served", "centre", regions[c1], c1, 15), "November keeps what it was first published as")
	t.Logf("C1 families: Q4 %s, year %s; nation's: Q4 %s, November %s", shownIn(december, "families_served", "centre", regions[c1], c1, 4),
		shownIn(december, "families_served", "centre", regions[c1], c1, 0), shownIn(december, "families_served", "national", 0, uuid.Nil, 4),
		shownIn(december, "families_served", "national", 0, uuid.Nil, 15))

	for _, figs := range [][]Figure{november, december} {
		require.Empty(t, smallDifferences(figs, exact), "a period less a period within it gives a count of 1 to 4 people")
		values := make([]float64, len(figs))
		for i, f := range figs {
			values[i] = exact[shownKey(f.period, figureKey(f))]
		}
		byAnyone, byACentre := worksOutAsSeen(figs, values)
		require.Empty(t, smallOnes(byAnyone))
		require.Empty(t, smallOnes(byACentre))
	}
}

// The same on random years: families coming and going month by month at centres alone in their
// region and two to a region, published month by month. No publication lets a period less a
// period within it give a count of 1 to 4, and nothing small is worked out otherwise.
func TestNoPeriodLessAPeriodWithinItGivesASmallGroup(t *testing.T) {
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 320))
		regions := map[uuid.UUID]commonv1.Region{}
		var attended []served
		for c := range 5 {
			centre := uuid.UUID{15: byte(c + 1)}
			regions[centre] = commonv1.Region(1 + c%3)
			for family := range 4 + rng.IntN(12) {
				children := 1 + rng.IntN(3)
				for month := 1; month <= 12; month++ {
					if rng.IntN(3) == 0 {
						attended = append(attended, served{centre, fmt.Sprint(family), children, month})
					}
				}
			}
		}
		year := distinctYear(attended, regions)
		exact := map[string]float64{}
		for _, f := range year {
			exact[shownKey(f.period, figureKey(f))] = f.Value
		}
		for month, figs := range publishMonthByMonth(t, year) {
			require.Empty(t, smallDifferences(figs, exact), "seed %d, published with month %d", seed, month+1)
			values := make([]float64, len(figs))
			for i, f := range figs {
				values[i] = exact[shownKey(f.period, figureKey(f))]
			}
			byAnyone, byACentre := worksOutAsSeen(figs, values)
			require.Empty(t, smallOnes(byAnyone), "seed %d, published with month %d", seed, month+1)
			require.Empty(t, smallOnes(byACentre), "seed %d, published with month %d", seed, month+1)
		}
	}
}

// shownUnlike names the pairs of figures that are one number to any reader, shown differently: a
// total and the one cell of its table that is not a published 0 (a year and its only quarter
// with anything in it, a quarter and its only month, a region and its only centre, a total and
// its only category listed).
func shownUnlike(figs []Figure) []string {
	var out []string
	for _, t := range tablesOf(figs) {
		if t.atLeast {
			continue
		}
		var rest []int
		for _, c := range t.cells {
			if figs[c].Suppressed != "" || figs[c].Value != 0 {
				rest = append(rest, c)
			}
		}
		if len(rest) != 1 {
			continue
		}
		a, b := figs[t.total], figs[rest[0]]
		if a.Shown != b.Shown && (a.Suppressed != "" || b.Suppressed != "") {
			out = append(out, fmt.Sprintf("%s %s %v %s %s %s: period %d %q, %s period %d %q", a.Measure, a.Scope, a.Region, a.Centre, a.Breakdown,
				a.Category, a.period, a.Shown, b.Scope, b.period, b.Shown))
		}
	}
	return out
}

// Review 56 (2): 2026Q1-Q3 published with nothing in them, so the year's figures are the fourth
// quarter's, and a reader sees it. Yorkshire's self-referrals (C3 alone in the region) were "*" in
// the quarter and "<5" in the year: the "<5" told what the "*" hid. A figure and its twin (the
// same number, a table's other cells all published 0: the year and its only quarter, a region and
// its only centre, a total and its only category) are withheld alike. Three centres each alone in
// its region, referrals received by source from October to December, published month by month.
func TestAFigureAndItsTwinAreWithheldAlike(t *testing.T) {
	sources := []string{"REFERRAL_SOURCE_SELF", "REFERRAL_SOURCE_SOLICITOR", "REFERRAL_SOURCE_COURT", "REFERRAL_SOURCE_CAFCASS",
		"REFERRAL_SOURCE_LOCAL_AUTHORITY"}
	unlike := 0
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 56))
		regions := map[uuid.UUID]commonv1.Region{}
		var counts []counted
		for c := range 3 {
			centre := uuid.UUID{15: byte(c + 1)}
			regions[centre] = commonv1.Region(1 + c)
			for month := 10; month <= 12; month++ {
				for _, s := range sources {
					n := 0.0
					if rng.IntN(2) == 0 {
						n = float64(rng.IntN(5))
					}
					counts = append(counts, counted{"referrals_received", centre, s, month, n})
				}
			}
		}
		year := figuresOf(counts, regions, "source")
		exact := map[string]float64{}
		for _, f := range year {
			exact[shownKey(f.period, figureKey(f))] = f.Value
		}
		for month, figs := range publishMonthByMonth(t, year) {
			u := shownUnlike(figs)
			if len(u) > 0 {
				t.Errorf("seed %d, published with month %d: %v", seed, month+1, u)
				unlike += len(u)
			}
			values := make([]float64, len(figs))
			for i, f := range figs {
				values[i] = exact[shownKey(f.period, figureKey(f))]
			}
			byAnyone, byACentre := worksOutAsSeen(figs, values)
			require.Empty(t, smallOnes(byAnyone), "seed %d, published with month %d", seed, month+1)
			require.Empty(t, smallOnes(byACentre), "seed %d, published with month %d", seed, month+1)
		}
	}
	require.Zero(t, unlike, "twins shown unlike")
}

// BenchmarkSuppressServedAcrossMonths is a national year of families and children served whose
// periods do not add up (a family comes in several months), so that each quarter and the year less
// each period within it is read (decision 320): 300 centres in 9 regions, 3 to 14 families each,
// each coming in a third of the months. Run as BenchmarkSuppressNationalYear is:
// go test ./services/reporting/internal/app -run XXX -bench BenchmarkSuppressServedAcrossMonths -benchtime 3x
func BenchmarkSuppressServedAcrossMonths(b *testing.B) {
	rng := rand.New(rand.NewPCG(320, 56))
	regions := map[uuid.UUID]commonv1.Region{}
	var attended []served
	for c := range 300 {
		centre := uuid.UUID{14: byte((c + 1) >> 8), 15: byte(c + 1)}
		regions[centre] = commonv1.Region(1 + c%9)
		for family := range 3 + rng.IntN(12) {
			children := 1 + rng.IntN(3)
			for month := 1; month <= 12; month++ {
				if rng.IntN(3) == 0 {
					attended = append(attended, served{centre, fmt.Sprint(family), children, month})
				}
			}
		}
	}
	figs := distinctYear(attended, regions)
	withheld := 0
	for b.Loop() {
		run := slices.Clone(figs)
		Suppress(run)
		withheld = 0
		for _, f := range run {
			if f.Suppressed != "" {
				withheld++
			}
		}
	}
	b.Logf("%d figures, %d withheld", len(figs), withheld)
}
