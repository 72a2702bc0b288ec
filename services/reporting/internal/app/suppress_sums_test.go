package app

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// Review 39 (H1): the demo's children served by age band, in the fourth quarter (and so November
// and the year), three regions of one centre each. The nation's 30 less its 11-15s (10) and 5-10s
// (14) left 6 for its under-2s, 2-4s and 16-17s, all "<5"; the regions listed 3, 2 and 1 of those
// ("<5" each, so at least 1; a category not listed is 0), which is already 6, so every one of them
// was 1, and the North East's "*" 11-15s 17-8-1-1-1 = 6. The counts are of distinct children, but
// where a table does add up (no child in two bands or two regions) a reader who reads it as a sum
// reads it right. No withheld figure may be pinned by a reader reading every table as a sum, the
// categories not listed as 0, a "<5" as 1 to 4 and a "*" as at least 1; nor a small one by a
// centre that knows its own.
func TestSuppressedAgeBandsCannotBeWorkedOutFromTheRegions(t *testing.T) {
	ne, nw, yh := uuid.MustParse("00000000-0000-0000-0000-0000000000c1"), uuid.MustParse("00000000-0000-0000-0000-0000000000c2"),
		uuid.MustParse("00000000-0000-0000-0000-0000000000c3")
	regions := map[uuid.UUID]commonv1.Region{ne: commonv1.Region_REGION_NORTH_EAST, nw: commonv1.Region_REGION_NORTH_WEST,
		yh: commonv1.Region_REGION_YORKSHIRE_AND_THE_HUMBER}
	const under2, twoTo4, fiveTo10, elevenTo15, sixteenTo17 = "AGE_BAND_UNDER_2", "AGE_BAND_2_TO_4", "AGE_BAND_5_TO_10", "AGE_BAND_11_TO_15", "AGE_BAND_16_TO_17"
	var counts []counted
	for _, c := range []struct {
		centre uuid.UUID
		band   string
		n      float64
	}{
		{ne, under2, 1}, {ne, twoTo4, 1}, {ne, fiveTo10, 8}, {ne, elevenTo15, 6}, {ne, sixteenTo17, 1}, // 17
		{nw, under2, 1}, {nw, twoTo4, 1}, {nw, fiveTo10, 3}, {nw, elevenTo15, 2}, // 7
		{yh, under2, 1}, {yh, fiveTo10, 3}, {yh, elevenTo15, 2}, // 6
	} {
		counts = append(counts, counted{"children_served", c.centre, c.band, 11, c.n}) // all in November
	}
	figs := figuresOf(counts, regions, "age_band")
	values := make([]float64, len(figs))
	for i := range figs {
		values[i] = figs[i].Value
	}
	Suppress(figs)

	t.Logf("published: %v", shownOf(figs))
	byAnyone, byACentre := readAsSums(figs, values)
	require.Empty(t, byAnyone, "withheld figures anyone works out, reading the tables as sums: %v", shownOf(figs))
	require.Empty(t, byACentre, "small figures a centre works out of another's, reading the tables as sums: %v", shownOf(figs))
	anyone, centre := worksOut(figs, values)
	require.Empty(t, anyone)
	require.Empty(t, centre)
	for i, f := range figs {
		if f.Suppressed == "" {
			require.Equal(t, values[i], f.Value, "published figures are exact")
		}
	}
}

// readAsSums reads published figures (figs, suppressed) as the review's checker did, on its own,
// from the figures' names alone: every total the sum of its listed categories, the nation the sum
// of its regions and a region of its centres (category by category), a year of its quarters and a
// quarter of its months; a category not listed is 0, a "<5" 1 to 4, a "*" at least 1, a published
// figure exact. It narrows every figure's least and most until nothing narrows, as anyone and as
// each centre knowing its own figures (values are the exact figures), and names each withheld
// figure whose least and most meet (for a centre, each small one not its own).
func readAsSums(figs []Figure, values []float64) (byAnyone, byACentre []string) {
	type key struct {
		scope          string
		region         commonv1.Region
		centre         uuid.UUID
		breakdown, cat string
		period         int
	}
	keyOf := func(f Figure) key { return key{f.Scope, f.Region, f.Centre, f.Breakdown, f.Category, f.period} }
	index := map[key]int{}
	for i, f := range figs {
		index[keyOf(f)] = i
	}
	type sum struct {
		total int
		cells []int
	}
	sums := map[int]*sum{}
	addTo := func(total key, cell int) {
		ti, ok := index[total]
		if !ok {
			panic(fmt.Sprintf("no total %v for %v", total, keyOf(figs[cell])))
		}
		if sums[ti] == nil {
			sums[ti] = &sum{total: ti}
		}
		sums[ti].cells = append(sums[ti].cells, cell)
	}
	// Each kind of table apart: a figure is a cell of several.
	var tables []*sum
	for _, kind := range []string{"breakdown", "scope", "period"} {
		clear(sums)
		for i, f := range figs {
			k := keyOf(f)
			switch kind {
			case "breakdown":
				if k.breakdown == "" {
					continue
				}
				k.breakdown, k.cat = "", ""
			case "scope":
				switch k.scope {
				case "region":
					k.scope, k.region = "national", 0
				case "centre":
					k.scope, k.centre = "region", uuid.Nil
				default:
					continue
				}
			case "period":
				switch {
				case k.period == 0:
					continue
				case k.period <= 4:
					k.period = 0
				default:
					k.period = 1 + (k.period-5)/3
				}
			}
			addTo(k, i)
		}
		for _, sm := range sums {
			tables = append(tables, sm)
		}
	}
	name := func(i int) string {
		f := figs[i]
		return fmt.Sprintf("%s %v %s period %d %s: %s (%v)", f.Scope, f.Region, f.Centre, f.period, f.Category, f.Shown, values[i])
	}
	pinned := func(known []bool) (out []int) {
		lo, hi := make([]float64, len(figs)), make([]float64, len(figs))
		for i, f := range figs {
			switch {
			case f.Suppressed == "" || known[i]:
				lo[i], hi[i] = values[i], values[i]
			case f.Suppressed == Primary:
				lo[i], hi[i] = 1, 4
			default:
				lo[i], hi[i] = 1, math.Inf(1)
			}
		}
		narrow := func(i int, l, h float64) bool {
			l, h = max(l, lo[i]), min(h, hi[i])
			if l > h || (l == lo[i] && h == hi[i]) {
				return false
			}
			lo[i], hi[i] = l, h
			return true
		}
		for changed, rounds := true, 0; changed; rounds++ {
			if rounds > 1000 {
				panic("no fixpoint")
			}
			changed = false
			for _, sm := range tables {
				var cellsLo, cellsHi float64
				for _, c := range sm.cells {
					cellsLo, cellsHi = cellsLo+lo[c], cellsHi+hi[c]
				}
				changed = narrow(sm.total, cellsLo, cellsHi) || changed
				for _, c := range sm.cells {
					var othersLo, othersHi float64
					for _, o := range sm.cells {
						if o != c {
							othersLo, othersHi = othersLo+lo[o], othersHi+hi[o]
						}
					}
					changed = narrow(c, lo[sm.total]-othersHi, hi[sm.total]-othersLo) || changed
				}
			}
		}
		for i, f := range figs {
			if f.Suppressed != "" && !known[i] && lo[i] == hi[i] {
				out = append(out, i)
			}
		}
		return out
	}
	for _, i := range pinned(make([]bool, len(figs))) {
		byAnyone = append(byAnyone, name(i))
	}
	centres := map[uuid.UUID]bool{}
	for _, f := range figs {
		if f.Scope == "centre" {
			centres[f.Centre] = true
		}
	}
	for _, centre := range slices.SortedFunc(maps.Keys(centres), func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }) {
		known := make([]bool, len(figs))
		for i, f := range figs {
			known[i] = f.Centre == centre
		}
		// And the totals that follow from its own and the published figures alone (a region of
		// one centre): they tell it nothing of anyone else.
		for changed := true; changed; {
			changed = false
			for _, sm := range tables {
				if known[sm.total] {
					continue
				}
				own, others := false, false
				for _, c := range sm.cells {
					own = own || known[c]
					others = others || (!known[c] && figs[c].Suppressed != "")
				}
				if own && !others {
					known[sm.total], changed = true, true
				}
			}
		}
		for _, i := range pinned(known) {
			if figs[i].Suppressed == Primary || values[i] < 5 {
				byACentre = append(byACentre, centre.String()[:8]+" has "+name(i))
			}
		}
	}
	return byAnyone, byACentre
}

// A national year of children and families served by age band and service type, and sessions
// booked and attended, at 300 centres in 9 regions, with small numbers everywhere: the size of
// the nation's published figures (decisions 81, 108, 204). The distinct counts add up here (no
// child in two bands, centres or quarters), so they are read as sums: the most the reading does.
func BenchmarkSuppressNationalYear(b *testing.B) {
	figs := nationalYear()
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

func nationalYear() []Figure {
	rng := rand.New(rand.NewPCG(39, 1))
	regions := map[uuid.UUID]commonv1.Region{}
	var byBand, byService []counted
	small := func(mean int) float64 {
		if rng.IntN(3) == 0 {
			return 0
		}
		return float64(rng.IntN(2*mean + 1))
	}
	bands := []string{"AGE_BAND_UNDER_2", "AGE_BAND_2_TO_4", "AGE_BAND_5_TO_10", "AGE_BAND_11_TO_15", "AGE_BAND_16_TO_17"}
	services := []string{commonv1.ServiceType_SERVICE_TYPE_SUPERVISED.String(), commonv1.ServiceType_SERVICE_TYPE_SUPPORTED.String()}
	for c := range 300 {
		centre := uuid.UUID{14: byte((c + 1) >> 8), 15: byte(c + 1)}
		regions[centre] = commonv1.Region(1 + c%9)
		for month := 1; month <= 12; month++ {
			for _, band := range bands {
				byBand = append(byBand, counted{"children_served", centre, band, month, small(2)})
			}
			for _, st := range services {
				attended := small(4)
				byService = append(byService, counted{"families_served", centre, st, month, small(2)},
					counted{"sessions_attended", centre, st, month, attended}, counted{"sessions_booked", centre, st, month, attended + small(1)})
			}
		}
	}
	figs := figuresOf(byBand, regions, "age_band")
	for _, f := range figuresOf(byService, regions, "service_type") {
		if f.Measure != "children_served" {
			figs = append(figs, f)
		}
	}
	return figs
}
