package app

import (
	"bytes"
	"cmp"
	"maps"
	"math"
	"slices"

	"github.com/google/uuid"
)

// Shown values of suppressed figures.
const (
	// Primary: the figure is 1 to 4.
	Primary = "<5"
	// Secondary: the figure is withheld so that a "<5" cannot be worked out from a total.
	Secondary = "*"
)

// Suppress withholds small numbers in figures meant for publication (docs/return.md,
// decisions.md 62, 81 and 100). Protected counts (people: children, families, referrals, sessions,
// cases, concerns, holds, staff) of 1 to 4 are shown "<5" (primary). Durations computed over fewer
// than 5 referrals are shown "*". Then, table by table (a total and the cells that add up to it: a
// scope's breakdown by one dimension; the regions of the nation; the centres of a region, each
// for a measure and category; a year's quarters and a quarter's months, when figs hold a year's
// periods, where a count on the last day has one cell, the last part), while the table pins down
// one of its withheld figures one more figure is withheld ("*", protect). A table pins a figure
// down when the least and the most it can be, from the published figures and the bounds of the
// withheld ones ("<5" from 1 to 4), meet: one withheld cell beside a published total; two "<5"
// cells that can only be 1 and 1; a withheld total whose cells are published; four "<5" cells
// under a "<5" total. A table of centres or regions is read as each of its centres would, knowing
// its own figure. This repeats until no table changes, since withholding a figure in one table
// may expose another.
func Suppress(figs []Figure) {
	for i := range figs {
		f := &figs[i]
		switch {
		case f.Duration && f.Count < 5:
			f.Suppressed, f.Shown = Secondary, Secondary
		case f.Protected && f.Value >= 1 && f.Value <= 4:
			f.Suppressed, f.Shown = Primary, Primary
		}
	}
	// A table is checked again only once one of its figures has been withheld since it was last
	// checked: checking it again could change nothing.
	tables := tablesOf(figs)
	in := make([][]int, len(figs)) // a figure's tables
	for ti, t := range tables {
		in[t.total] = append(in[t.total], ti)
		for _, c := range t.cells {
			in[c] = append(in[c], ti)
		}
	}
	dirty := make([]bool, len(tables))
	for ti := range dirty {
		dirty[ti] = true
	}
	for changed := true; changed; {
		changed = false
		for ti, t := range tables {
			if !dirty[ti] {
				continue
			}
			dirty[ti] = false
			if withheld := protect(figs, t); withheld >= 0 {
				changed = true
				for _, other := range in[withheld] {
					dirty[other] = true
				}
			}
		}
	}
	withholdCapacity(figs)
	for i := range figs {
		if figs[i].Suppressed != "" {
			figs[i].Value = 0
		}
	}
}

// withholdCapacity withholds the capacity used where the sessions booked are withheld: it is
// the sessions booked over the places available, which are published (a review worked out every
// "<5" and "*" of sessions booked from them).
func withholdCapacity(figs []Figure) {
	type scope struct {
		period int
		scope  string
		region int32
		centre uuid.UUID
	}
	booked := map[scope]int{}
	for i, f := range figs {
		if f.Measure == "sessions_booked" && f.Breakdown == "" {
			booked[scope{f.period, f.Scope, int32(f.Region), f.Centre}] = i
		}
	}
	for i, f := range figs {
		if b, ok := booked[scope{f.period, f.Scope, int32(f.Region), f.Centre}]; ok && f.Measure == "capacity_used_percent" && figs[b].Suppressed != "" {
			figs[i].Suppressed, figs[i].Shown = Secondary, Secondary
		}
	}
}

// table is a total and the cells that add up to it.
type table struct {
	total int
	cells []int
	// insiders: each cell is a centre's or a region's, which knows its own figure.
	insiders bool
}

// cellKey names a figure of one period: each text and centre by its rank among those of the
// figures (names), packed so that keys hash fast and their order is the order of what they name
// (tableKey): hi is the measure, period, scope and region, lo the centre, breakdown and category.
type cellKey struct{ hi, lo uint64 }

// tableKey names a table: its kind (b a breakdown, t the parts of a period, s the parts of a
// scope, in the top byte) and its total's figure, with the breakdown's category left out.
type tableKey = cellKey

const (
	periodShift, scopeShift, regionShift = 24, 16, 0 // of hi, below the measure (from 32) and kind (56)
	centreShift, breakdownShift          = 40, 20    // of lo, above the category
)

func tableOf(kind byte, k cellKey) tableKey {
	return tableKey{hi: uint64(kind)<<56 | k.hi, lo: k.lo}
}

// names ranks the texts and centres of figures.
type names struct {
	texts   map[string]int32
	centres map[uuid.UUID]int32
}

func namesOf(figs []Figure) names {
	texts, centres := map[string]int32{}, map[uuid.UUID]int32{}
	for _, f := range figs {
		texts[f.Measure], texts[f.Breakdown], texts[f.Category] = 0, 0, 0
		centres[f.Centre] = 0
	}
	for i, t := range slices.Sorted(maps.Keys(texts)) {
		texts[t] = int32(i)
	}
	for i, c := range slices.SortedFunc(maps.Keys(centres), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }) {
		centres[c] = int32(i)
	}
	return names{texts: texts, centres: centres}
}

func (n names) keyOf(f Figure) cellKey {
	return cellKey{
		hi: uint64(n.texts[f.Measure])<<32 | uint64(f.period)<<periodShift | uint64(scopeOrder[f.Scope])<<scopeShift | uint64(uint16(f.Region+1))<<regionShift,
		lo: uint64(n.centres[f.Centre])<<centreShift | uint64(n.texts[f.Breakdown])<<breakdownShift | uint64(n.texts[f.Category]),
	}
}

// with is k with the field at shift (width bits) set to v.
func with(field uint64, shift, width uint, v uint64) uint64 {
	mask := (uint64(1)<<width - 1) << shift
	return field&^mask | v<<shift
}

func tablesOf(figs []Figure) []table {
	n := namesOf(figs)
	none, nil_ := uint64(n.texts[""]), uint64(n.centres[uuid.Nil])
	keys := make([]cellKey, len(figs))
	index := make(map[cellKey]int, len(figs))
	for i, f := range figs {
		if f.Protected {
			keys[i] = n.keyOf(f)
			index[keys[i]] = i
		}
	}
	groups := map[tableKey]*table{}
	group := func(name tableKey, total int, cell int) {
		t := groups[name]
		if t == nil {
			t = &table{total: total, insiders: name.hi>>56 == 's'}
			groups[name] = t
		}
		t.cells = append(t.cells, cell)
	}
	for i, f := range figs {
		if !f.Protected {
			continue
		}
		k := keys[i]
		// A scope's breakdown adds up to the scope's total.
		if f.Breakdown != "" {
			total := k
			total.lo = with(with(total.lo, breakdownShift, 20, none), 0, 20, none)
			if t, ok := index[total]; ok {
				name := k
				name.lo = with(name.lo, 0, 20, none)
				group(tableOf('b', name), t, i)
			}
		}
		// A booked session is attended or a no-show once it is over: for a period with sessions
		// still to come the two add up to less, so the table withholds a little more than needed.
		if booked, ok := n.texts["sessions_booked"]; ok && (f.Measure == "sessions_attended" || f.Measure == "sessions_no_show") {
			total := k
			total.hi = with(total.hi, 32, 24, uint64(booked))
			if t, ok := index[total]; ok {
				group(tableOf('m', total), t, i)
			}
		}
		// A year's quarters add up to the year and a quarter's months to the quarter; a count on
		// the last day is the last part's.
		if up, last := partOf(f.period); up >= 0 && (last || !f.AtEnd) {
			whole := k
			whole.hi = with(whole.hi, periodShift, 8, uint64(up))
			if t, ok := index[whole]; ok {
				group(tableOf('t', whole), t, i)
			}
		}
		// The regions add up to the nation; a region's centres add up to the region.
		parent := k
		switch f.Scope {
		case "region":
			parent.hi = with(with(parent.hi, scopeShift, 8, uint64(scopeOrder["national"])), regionShift, 16, 1 /* the nation's region, 0, plus 1 */)
		case "centre":
			parent.hi = with(parent.hi, scopeShift, 8, uint64(scopeOrder["region"]))
			parent.lo = with(parent.lo, centreShift, 24, nil_)
		default:
			continue
		}
		if t, ok := index[parent]; ok {
			group(tableOf('s', parent), t, i)
		}
	}
	// The same figures are withheld on every run.
	order := slices.SortedFunc(maps.Keys(groups), func(a, b tableKey) int { return cmp.Or(cmp.Compare(a.hi, b.hi), cmp.Compare(a.lo, b.lo)) })
	out := make([]table, 0, len(order))
	for _, name := range order {
		out = append(out, *groups[name])
	}
	return out
}

// protect withholds one more figure of t when the table, read as its reader can, pins down a
// withheld one, and returns it (-1 if none). In a table of centres or regions (insiders), each
// withheld cell is also looked at as its own centre sees it, knowing its own figure exactly: a
// region of two centres, both "<5", gives each the other's.
//
// What is withheld next, in order: the smallest published non-zero cell; a published total; a
// "<5" total, shown "*" from then on (a total of at most 4 split into cells of at least 1 can
// pin them all: 4 cells under a "<5" total are 1 each); a "<5" cell, likewise. A "*" may therefore
// be a small number, which is what keeps a "<5" total from bounding its parts.
func protect(figs []Figure, t table) int {
	if !exposed(figs, t, -1) {
		exposedToInsider := false
		for _, c := range t.cells {
			if t.insiders && figs[c].Suppressed != "" && exposed(figs, t, c) {
				exposedToInsider = true
				break
			}
		}
		if !exposedToInsider {
			return -1
		}
	}
	next := -1
	for _, c := range t.cells {
		if figs[c].Suppressed == "" && figs[c].Value > 0 && (next < 0 || figs[c].Value < figs[next].Value) {
			next = c
		}
	}
	if next < 0 {
		switch total := figs[t.total]; {
		case total.Suppressed == "" || total.Suppressed == Primary:
			next = t.total
		default:
			next = slices.IndexFunc(t.cells, func(c int) bool { return figs[c].Suppressed == Primary })
			if next < 0 {
				return -1 // every figure "*": nothing pins any of them
			}
			next = t.cells[next]
		}
	}
	figs[next].small = figs[next].Suppressed == Primary
	figs[next].Suppressed, figs[next].Shown = Secondary, Secondary
	return next
}

// bounds is what a reader of the published figures knows of f: a published figure exactly; a
// "<5" from 1 to 4; a "*" at least 5 when it hides a figure that would have been published, at
// least 1 when it hides a "<5" (small), with no upper bound. known is f's own centre's view of
// it: exact.
func bounds(f Figure, known bool) (lo, hi float64) {
	switch {
	case known || f.Suppressed == "":
		return f.Value, f.Value
	case f.Suppressed == Primary:
		return 1, 4
	case f.small:
		return 1, math.Inf(1)
	}
	return 5, math.Inf(1)
}

// exposed says whether t, whose cells add up to its total, pins down one of its withheld figures
// for a reader who knows the published figures and, when known >= 0, that cell's figure exactly
// (its centre): whether the least and the most a withheld figure can be, given the others'
// bounds, meet. The bounds of a figure from the others' are the total less the cells'
// (for a cell) and the cells' sum (for the total); a sum with a "*" in it has no upper bound.
func exposed(figs []Figure, t table, known int) bool {
	var sumLo, sumHi float64  // of the cells; sumHi over those with an upper bound
	unbounded, others := 0, 0 // others: withheld cells the reader does not know
	for _, c := range t.cells {
		lo, hi := bounds(figs[c], c == known)
		if figs[c].Suppressed != "" && c != known {
			others++
		}
		sumLo += lo
		if math.IsInf(hi, 1) {
			unbounded++
		} else {
			sumHi += hi
		}
	}
	totalLo, totalHi := bounds(figs[t.total], false)
	// A centre that works out its region's total when every other centre's figure is published
	// learns nothing of another centre.
	if figs[t.total].Suppressed != "" && (known < 0 || others > 0) {
		lo, hi := max(totalLo, sumLo), totalHi
		if unbounded == 0 {
			hi = min(hi, sumHi)
		}
		if lo == hi {
			return true
		}
	}
	for _, c := range t.cells {
		if figs[c].Suppressed == "" || c == known {
			continue
		}
		lo, hi := bounds(figs[c], false)
		othersLo, othersHi, othersUnbounded := sumLo-lo, sumHi, unbounded
		if math.IsInf(hi, 1) {
			othersUnbounded--
		} else {
			othersHi -= hi
		}
		if othersUnbounded == 0 {
			lo = max(lo, totalLo-othersHi)
		}
		if !math.IsInf(totalHi, 1) {
			hi = min(hi, totalHi-othersLo)
		}
		if lo == hi {
			return true
		}
	}
	return false
}
