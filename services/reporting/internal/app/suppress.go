package app

import (
	"bytes"
	"cmp"
	"maps"
	"math"
	"slices"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
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
	audit(figs, tables, in)
	withholdCapacity(figs)
	for i := range figs {
		if figs[i].Suppressed != "" {
			figs[i].Value = 0
		}
	}
}

// withholdCapacity withholds the capacity used where the sessions booked are withheld: it is
// the sessions booked over the places available, which are published (a review worked out every
// "<5" and "*" of sessions booked from them). It is withheld too where the supervised sessions
// booked are: a supervised booking books every place of its room (decisions.md 189), so the
// capacity used beside the sessions booked would tell how many there were.
func withholdCapacity(figs []Figure) {
	type scope struct {
		period int
		scope  string
		region int32
		centre uuid.UUID
	}
	withheld := map[scope]bool{}
	for _, f := range figs {
		total := f.Breakdown == ""
		supervised := f.Breakdown == "service_type" && f.Category == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED.String()
		if f.Measure == "sessions_booked" && (total || supervised) && f.Suppressed != "" {
			withheld[scope{f.period, f.Scope, int32(f.Region), f.Centre}] = true
		}
	}
	for i, f := range figs {
		if f.Measure == "capacity_used_percent" && withheld[scope{f.period, f.Scope, int32(f.Region), f.Centre}] {
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
	// distinct: the total is a count of distinct people, at most its cells' sum and at least each
	// cell (a child seen at two centres is one child in their region, and one in the year);
	// otherwise it is their sum.
	distinct bool
}

// distinctCounts are the measures that count people once however often they appear
// (docs/return.md): their totals do not add up.
var distinctCounts = map[string]bool{"children_served": true, "families_served": true}

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
			t = &table{total: total, insiders: name.hi>>56 == 's', distinct: distinctCounts[figs[total].Measure]}
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
	return withholdOneMore(figs, t)
}

// withholdOneMore withholds the next figure of t, in protect's order, and returns it; -1 when
// every figure of t is a "*" already.
func withholdOneMore(figs []Figure, t table) int {
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

// audit reads the tables together, as a reader who combines them does: a bound one table gives a
// withheld figure tightens its bounds in every other table it is in (a month's "<5" bounded below
// by a region's monthly table, summed over the quarter, may meet the quarter's "<5" from above).
// It does so once as anyone reading the published figures, and once as each centre, which knows
// every figure of its own (every period, every breakdown): review 6 pinned other centres' figures
// that way, through months, quarters and regions. While a withheld figure is pinned, one more
// figure of a table it is in is withheld (withholdOneMore), and the reading starts again: a
// figure withheld only widens what a reader cannot know, so it never pins another.
func audit(figs []Figure, tables []table, in [][]int) {
	r := newReading(figs, tables, in)
	all := make([]int, len(tables))
	for ti := range all {
		all[ti] = ti
	}
	for r.fix(r.pinned(nil, all)) {
	}
	own := map[uuid.UUID][]int{}
	for i, f := range figs {
		if f.Protected && f.Scope == "centre" && f.Centre != uuid.Nil {
			own[f.Centre] = append(own[f.Centre], i)
		}
	}
	for _, centre := range slices.SortedFunc(maps.Keys(own), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }) {
		var start []int
		for _, i := range own[centre] {
			start = append(start, in[i]...)
		}
		slices.Sort(start)
		start = slices.Compact(start)
		for r.fix(r.pinned(own[centre], start)) {
		}
	}
}

// reading is what a reader can work out of the published figures: each figure's bounds.
type reading struct {
	figs    []Figure
	tables  []table
	in      [][]int
	lo, hi  []float64
	known   []bool // the reader's own figures, read exactly
	touched []int  // figures whose bounds were set, to reset
	queued  []bool
}

func newReading(figs []Figure, tables []table, in [][]int) *reading {
	r := &reading{figs: figs, tables: tables, in: in, lo: make([]float64, len(figs)), hi: make([]float64, len(figs)),
		known: make([]bool, len(figs)), queued: make([]bool, len(tables))}
	for i := range figs {
		r.lo[i], r.hi[i] = bounds(figs[i], false)
	}
	return r
}

// fix withholds one more figure of a table the pinned figure is in, and reports whether it did (so
// read again); false for no pinned figure (-1), or none left to withhold around it.
func (r *reading) fix(pinned int) bool {
	if pinned < 0 {
		return false
	}
	// A published part beside it first, the smallest of any of its tables: a total (the nation's
	// children served) is the figure readers want most.
	next := -1
	for _, ti := range r.in[pinned] {
		for _, c := range r.tables[ti].cells {
			if f := r.figs[c]; f.Suppressed == "" && f.Value > 0 && (next < 0 || f.Value < r.figs[next].Value) {
				next = c
			}
		}
	}
	if next >= 0 {
		r.figs[next].Suppressed, r.figs[next].Shown = Secondary, Secondary
		return true
	}
	for _, ti := range r.in[pinned] {
		if withholdOneMore(r.figs, r.tables[ti]) >= 0 {
			return true
		}
	}
	return false
}

// pinned reads the tables from start on, knowing the figures own exactly, until no bound
// tightens, and returns a small withheld figure (a "<5", or a "*" hiding one) that pins down (its
// least and most meet) and the reader does not own, or -1. A "*" hiding a figure of 5 or more may
// be worked out on the way (a total from its published parts): it says no small number, and the
// bounds it gives others are read on. The bounds are reset after.
func (r *reading) pinned(own []int, start []int) int {
	defer r.reset()
	var queue []int
	enqueue := func(ti int) {
		if !r.queued[ti] {
			r.queued[ti] = true
			queue = append(queue, ti)
		}
	}
	for _, ti := range start {
		enqueue(ti)
	}
	for _, i := range r.ownClosure(own) {
		r.set(i, r.figs[i].Value, r.figs[i].Value)
		for _, ti := range r.in[i] {
			enqueue(ti) // what the reader knows bounds its tables' other figures
		}
	}
	for len(queue) > 0 {
		ti := queue[0]
		queue = queue[1:]
		r.queued[ti] = false
		for _, i := range r.tighten(r.tables[ti]) {
			if (r.figs[i].Suppressed == Primary || r.figs[i].small) && !r.known[i] && r.lo[i] == r.hi[i] {
				return i
			}
			for _, other := range r.in[i] {
				enqueue(other)
			}
		}
	}
	return -1
}

// ownClosure marks known the reader's own figures and the totals that follow from them and the
// published figures alone (a region of one centre; a region whose other centres are published):
// working such a total out tells them nothing of anyone else's. A cell worked out from a total
// is someone's figure, and stays to be checked.
func (r *reading) ownClosure(own []int) []int {
	out := slices.Clone(own)
	queue := slices.Clone(own)
	for _, i := range own {
		r.known[i] = true
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, ti := range r.in[i] {
			t := r.tables[ti]
			if r.known[t.total] || !slices.ContainsFunc(t.cells, func(c int) bool { return r.known[c] }) {
				continue
			}
			if !slices.ContainsFunc(t.cells, func(c int) bool { return !r.known[c] && r.figs[c].Suppressed != "" }) {
				r.known[t.total] = true
				out = append(out, t.total)
				queue = append(queue, t.total)
			}
		}
	}
	return out
}

func (r *reading) set(i int, lo, hi float64) {
	r.touched = append(r.touched, i)
	r.lo[i], r.hi[i] = lo, hi
}

func (r *reading) reset() {
	for _, i := range r.touched {
		r.lo[i], r.hi[i] = bounds(r.figs[i], false)
		r.known[i] = false
	}
	r.touched = r.touched[:0]
	clear(r.queued)
}

// tighten narrows the bounds of t's withheld figures from the others', its cells adding up to its
// total (a distinct count: the total at most their sum, each cell at most the total), and returns
// the figures it narrowed. A table whose bounds contradict each other tells nothing and is left
// alone.
func (r *reading) tighten(t table) []int {
	var sumLo, sumHi float64
	unbounded := 0
	for _, c := range t.cells {
		sumLo += r.lo[c]
		if math.IsInf(r.hi[c], 1) {
			unbounded++
		} else {
			sumHi += r.hi[c]
		}
	}
	type narrowed struct {
		i      int
		lo, hi float64
	}
	var out []narrowed
	totalLo, totalHi := r.lo[t.total], r.hi[t.total]
	lo, hi := max(totalLo, sumLo), totalHi
	if t.distinct {
		lo = totalLo // at least each cell, not their sum
		for _, c := range t.cells {
			lo = max(lo, r.lo[c])
		}
	}
	if unbounded == 0 {
		hi = min(hi, sumHi)
	}
	if lo > hi {
		return nil
	}
	if lo != totalLo || hi != totalHi {
		out = append(out, narrowed{t.total, lo, hi})
	}
	for _, c := range t.cells {
		cLo, cHi := r.lo[c], r.hi[c]
		othersLo, othersHi, othersUnbounded := sumLo-cLo, sumHi, unbounded
		if math.IsInf(cHi, 1) {
			othersUnbounded--
		} else {
			othersHi -= cHi
		}
		lo, hi := cLo, cHi
		if othersUnbounded == 0 {
			lo = max(lo, totalLo-othersHi)
		}
		switch {
		case t.distinct:
			hi = min(hi, totalHi) // at most the total
		case !math.IsInf(totalHi, 1):
			hi = min(hi, totalHi-othersLo)
		}
		if lo > hi {
			return nil
		}
		if lo != cLo || hi != cHi {
			out = append(out, narrowed{c, lo, hi})
		}
	}
	ids := make([]int, 0, len(out))
	for _, n := range out {
		if r.figs[n.i].Suppressed == "" || r.known[n.i] {
			continue // exact already
		}
		r.set(n.i, n.lo, n.hi)
		ids = append(ids, n.i)
	}
	return ids
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
