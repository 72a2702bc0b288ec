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
// decisions.md 62, 81, 100, 108 and 204). Protected counts (people: children, families, referrals,
// sessions, cases, concerns, holds, staff) of 1 to 4 are shown "<5" (primary). Durations computed
// over fewer than 5 referrals are shown "*". Then:
//
//   - settle: table by table (a total and the cells that add up to it: a scope's breakdown by one
//     dimension; the regions of the nation; the centres of a region, each for a measure and
//     category; a year's quarters and a quarter's months, when figs hold a year's periods, where a
//     count on the last day has one cell, the last part; the sessions booked against those
//     attended and the no-shows, at least their sum while sessions are to come), while the table
//     pins down one of its withheld figures one more figure is withheld ("*"). A table pins a
//     figure down when the least and the most it can be, from the published figures and the
//     bounds of the withheld ones ("<5" from 1 to 4), meet: one withheld cell beside a published
//     total; two "<5" cells that can only be 1 and 1; a withheld total whose cells are published;
//     four "<5" cells under a "<5" total. A table of centres or regions is read as each of its
//     centres would, knowing its own figure. The figure withheld is the one of the table that sets
//     off the fewest withholdings after it, tried and undone (choose): review 29 found the
//     smallest withheld, a centre's November beside the nation's, which set off a withholding in
//     every table of every centre.
//   - audit: the tables read together, as anyone can and as each centre can knowing its own, until
//     no small figure is pinned, one more figure withheld around each that is. A count of distinct
//     people is read as a sum where its cells add up to it (review 39: the nation's "<5" age
//     bands, at least one per region listing them, made up the rest of its published total).
//   - pruneIfFewer: a figure withheld that the rest can do without is published again.
//   - publishWhatFollows: a "*" hiding 5 or more that anyone can work out is published: withheld,
//     it protects nothing.
//   - alike: a figure and its twin, the same number to any reader (a year and its only quarter
//     with anything in it, a region and its only centre), withheld alike (decision 320).
//   - withholdCapacity: the capacity used, where the sessions booked are withheld.
//
// A count of distinct people of a period holds the people of each period within it (a quarter's
// families, each month's): what the one has beyond the other is a count of people too, the
// people served in the quarter and not in the month. Where it does not follow from the period's
// parts (they do not add up to it), it is read as a figure of its own, never published
// (withDifferences, decision 320): a quarter less its month is not to give 1 to 4.
//
// A figure of a period published before (fixed, FirstShown.Fix) keeps what it was first shown
// as: a number stays published, a "*" stays withheld, a "<5" stays "<5" while it is 1 to 4. None
// of the steps above withholds or publishes it again; each withholds another figure, of a period
// published for the first time, instead (decision 304: a month published as a number and withheld
// once its quarter was published gave, by subtraction, its quarter's last month).
func Suppress(figs []Figure) {
	for i := range figs {
		f := &figs[i]
		switch {
		case f.Duration && f.Count < 5:
			f.Suppressed, f.Shown = Secondary, Secondary
		case f.Protected && f.Value >= 1 && f.Value <= 4:
			f.Suppressed, f.Shown = Primary, Primary
		}
		if f.fixed && f.first != "" && (f.first == Secondary || f.Suppressed != Primary) {
			// Withheld when first published, it stays so, "*" (a "<5" that is now 5 or more, or 0,
			// too: shown as a number it would tell what a correction changed). One that is 0 now is
			// read as a reader reads a "*", at least 1, as a small one is; so is one published as
			// a number and moved by 1 to 4 since (moved, decision 366): its number, worked out,
			// less the one first published would be the small number the correction changed.
			f.small = f.Suppressed == Primary || f.Value == 0 || f.moved
			f.Suppressed, f.Shown = Secondary, Secondary
		}
	}
	s := newSuppressor(figs)
	all := make([]int, len(s.tables))
	for ti := range all {
		all[ti] = ti
	}
	s.settle(all, s.queued, true, math.MaxInt)
	s.audit(all)
	s.pruneIfFewer(all)
	s.publishWhatFollows(all)
	s.alike()
	if len(s.figs) != len(figs) {
		// The differences were read with a copy of figs (decision 320).
		for i := range figs {
			figs[i].Suppressed, figs[i].Shown, figs[i].small = s.figs[i].Suppressed, s.figs[i].Shown, s.figs[i].small
		}
	}
	withholdCapacity(figs)
	for i := range figs {
		if figs[i].Suppressed != "" {
			figs[i].Value = 0
		}
	}
}

// suppressor withholds figures table by table (settle), trying the figures a table could
// withhold next, and reads the tables together (audit).
type suppressor struct {
	// figs are the figures, and after them (from real on) the differences of withDifferences,
	// withheld and never published.
	figs   []Figure
	real   int
	tables []table
	in     [][]int // a figure's tables
	// r is the audit's reading.
	r *reading
	// queued and trying mark the tables waiting in settle's queue, and in a trial's.
	queued, trying []bool
	// undo is what a trial withheld, to put back; inTrial says one is under way.
	undo    []undone
	inTrial bool
	// withheldIn is the audit's round each figure was withheld in (fixAll), round the one under way.
	withheldIn []int32
	round      int32
}

type undone struct {
	i                 int
	suppressed, shown string
	small             bool
}

// trialCandidates is how many of a table's figures are tried (the likeliest first), and
// trialBudget how many withholdings a trial counts before it gives up on a figure.
const trialCandidates, trialBudget = 4, 48

func newSuppressor(figs []Figure) *suppressor {
	real := len(figs)
	figs, tables := withDifferences(figs, tablesOf(figs))
	in := make([][]int, len(figs))
	for ti, t := range tables {
		in[t.total] = append(in[t.total], ti)
		for _, c := range t.cells {
			in[c] = append(in[c], ti)
		}
	}
	return &suppressor{figs: figs, real: real, tables: tables, in: in, queued: make([]bool, len(tables)), trying: make([]bool, len(tables)),
		withheldIn: make([]int32, len(figs))}
}

func (s *suppressor) withhold(i int) {
	f := &s.figs[i]
	if s.inTrial {
		s.undo = append(s.undo, undone{i, f.Suppressed, f.Shown, f.small})
	}
	f.small = f.small || f.Suppressed == Primary
	f.Suppressed, f.Shown = Secondary, Secondary
	if !s.inTrial {
		s.withheldIn[i] = s.round
	}
}

// settle checks the tables from start on, and the tables of each figure it withholds, until none
// pins down a withheld figure (exposedTable), withholding one more figure of each that does
// (next; tried when try is set). It returns how many it withheld, stopping once past budget.
func (s *suppressor) settle(start []int, marks []bool, try bool, budget int) int {
	var queue []int
	for _, ti := range start {
		if !marks[ti] {
			marks[ti] = true
			queue = append(queue, ti)
		}
	}
	defer func() {
		for _, ti := range queue {
			marks[ti] = false
		}
	}()
	n := 0
	for len(queue) > 0 {
		ti := queue[0]
		queue = queue[1:]
		marks[ti] = false
		for s.exposedTable(ti) {
			next := s.next(ti, try)
			if next < 0 {
				break // every figure "*": nothing pins any of them
			}
			s.withhold(next)
			if n += s.cost(next); n > budget {
				return n
			}
			for _, u := range s.in[next] {
				if u != ti && !marks[u] {
					marks[u] = true
					queue = append(queue, u)
				}
			}
		}
	}
	return n
}

// exposedTable says whether table ti, read as its reader can, pins down a withheld figure. In a
// table of centres or regions (insiders), each withheld cell is also looked at as its own centre
// sees it, knowing its own figure exactly: a region of two centres, both "<5", gives each the
// other's. Only a small figure is looked at so: a centre that works out another's figure of 5
// or more learns no small number (the figure was withheld for the others' sake), and the audit
// reads each centre's tables together (decision 204).
func (s *suppressor) exposedTable(ti int) bool {
	t := s.tables[ti]
	if t.derived {
		return false // a difference is read by the audit only (decision 320)
	}
	if exposed(s.figs, t, -1) {
		return true
	}
	if t.insiders {
		for _, c := range t.cells {
			if s.figs[c].Suppressed != "" && exposedOf(s.figs, t, c, s.small) {
				return true
			}
		}
	}
	return false
}

// small says whether figure i is a small number withheld: a "<5", or a "*" hiding one.
func (s *suppressor) small(i int) bool { return s.figs[i].Suppressed == Primary || s.figs[i].small }

// next is the figure of table ti to withhold next: of its published non-zero figures (cells and
// total), the one that sets off the fewest withholdings after it (choose); when there is none, a
// "<5" total, shown "*" from then on (a total of at most 4 split into cells of at least 1 can pin
// them all: 4 cells under a "<5" total are 1 each), else a "<5" cell, likewise. A "*" may
// therefore be a small number, which is what keeps a "<5" total from bounding its parts. -1 when
// every figure of the table is a "*" already.
func (s *suppressor) next(ti int, try bool) int {
	t := s.tables[ti]
	var candidates []int
	for _, c := range t.cells {
		if s.withholdable(c) {
			candidates = append(candidates, c)
		}
	}
	if s.withholdable(t.total) {
		candidates = append(candidates, t.total)
	}
	if len(candidates) > 0 {
		return s.choose(candidates, []int{ti}, try)
	}
	return lastResort(s.figs, t)
}

// withholdable says whether figure i is published, not 0, and may be withheld: not published
// before as a number (fixed).
func (s *suppressor) withholdable(i int) bool {
	return s.figs[i].Suppressed == "" && s.figs[i].Value > 0 && !s.figs[i].fixed
}

// lastResort is t's "<5" total, else a "<5" cell, to be shown "*"; -1 when every figure of t is a
// "*" already (or published and 0), or was published before as it stands (fixed).
func lastResort(figs []Figure, t table) int {
	if total := figs[t.total]; !total.fixed && (total.Suppressed == "" || total.Suppressed == Primary) {
		return t.total
	}
	if next := slices.IndexFunc(t.cells, func(c int) bool { return figs[c].Suppressed == Primary && !figs[c].fixed }); next >= 0 {
		return t.cells[next]
	}
	return -1
}

// choose is the candidate (published figures of the tables home) to withhold next. Each is
// ranked by the tables it would be the only figure withheld in, other than home (each would
// pin it down, and withhold another), then by what it costs (cost), then a cell before a total,
// then the smallest; with try,
// the likeliest few are tried: withheld, their tables settled as the ranking chooses, counted and
// undone, and the one that withholds fewest in all is chosen. A review found the smallest cell of
// the nation's months (a centre's November, its quarter's only figure) withheld beside another
// centre's, which set off a withholding in every table of every centre.
func (s *suppressor) choose(candidates []int, home []int, try bool) int {
	type ranked struct {
		i, alone int
		total    bool
	}
	rank := make([]ranked, len(candidates))
	for k, c := range candidates {
		rank[k] = ranked{i: c}
		for _, u := range s.in[c] {
			if slices.Contains(home, u) {
				rank[k].total = rank[k].total || s.tables[u].total == c
				continue
			}
			if s.alone(u, c) {
				rank[k].alone++
			}
		}
	}
	slices.SortStableFunc(rank, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.alone, b.alone), cmp.Compare(s.cost(a.i), s.cost(b.i)), cmp.Compare(b2i(a.total), b2i(b.total)),
			cmp.Compare(s.figs[a.i].Value, s.figs[b.i].Value), cmp.Compare(a.i, b.i))
	})
	best := rank[0].i
	if !try || len(rank) == 1 {
		return best
	}
	bestCost := s.trial(best, trialBudget)
	for _, r := range rank[1:min(len(rank), trialCandidates)] {
		if bestCost <= s.cost(r.i) {
			continue // it costs as much itself
		}
		if cost := s.trial(r.i, bestCost-1); cost < bestCost {
			best, bestCost = r.i, cost
		}
	}
	return best
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// cost is what withholding figure i costs: the nation's figures are what most readers want
// (the national body's own), so each counts as nationalCost of the others.
func (s *suppressor) cost(i int) int {
	if s.figs[i].Scope == "national" {
		return nationalCost
	}
	return 1
}

const nationalCost = 3

// alone says whether c would be the only figure withheld in table u.
func (s *suppressor) alone(u, c int) bool {
	t := s.tables[u]
	if t.total != c && s.figs[t.total].Suppressed != "" {
		return false
	}
	for _, x := range t.cells {
		if x != c && s.figs[x].Suppressed != "" {
			return false
		}
	}
	return true
}

// trial withholds c, settles its tables (choosing by rank, without trials), and puts every figure
// it withheld back: it returns how many it withheld, c included, or more than budget + 1 once
// past it.
func (s *suppressor) trial(c int, budget int) int {
	s.inTrial = true
	s.withhold(c)
	n := s.cost(c) + s.settle(s.in[c], s.trying, false, budget-s.cost(c))
	for j := len(s.undo) - 1; j >= 0; j-- {
		u := s.undo[j]
		f := &s.figs[u.i]
		f.Suppressed, f.Shown, f.small = u.suppressed, u.shown, u.small
	}
	s.undo, s.inTrial = s.undo[:0], false
	return n
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
	// distinct: the total is a count of distinct people that its cells do not add up to, at most
	// their sum and at least each cell (a child seen at two centres is one child in their region,
	// and one in the year); otherwise it is their sum (a distinct count whose cells add up to it is
	// read as a sum, as a reader who takes it for one reads it right: review 39).
	distinct bool
	// atLeast: the total is at least its cells' sum: the sessions booked of a period with sessions
	// still to come (or not yet recorded) are more than those attended and the no-shows.
	atLeast bool
	// parts: the cells are the parts of the total's period (a quarter's months, a year's quarters).
	parts bool
	// derived (decision 320): the total is a count of distinct people of a period, its first cell
	// the same count of a period within it, its second the people of the one not in the other, a
	// figure of withDifferences that is never published.
	derived bool
}

// distinctCounts are the measures that count people once however often they appear
// (docs/return.md): their totals do not add up.
var distinctCounts = map[string]bool{"children_served": true, "families_served": true, "waiting_list_joined": true}

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
			t = &table{total: total, insiders: name.hi>>56 == 's', distinct: distinctCounts[figs[total].Measure], parts: name.hi>>56 == 't'}
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
		// still to come (or not recorded) the two add up to less, and the table says only that the
		// sessions booked are at least as many (atLeast, below).
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
		t := *groups[name]
		var sum float64
		for _, c := range t.cells {
			sum += figs[c].Value
		}
		if name.hi>>56 == 'm' {
			// Read as a sum only where it is one: otherwise a reader who took it for one would work
			// out nothing true, and figures it pinned would be withheld for nothing (review 29:
			// December's sessions at one centre, booked and still to come, beside its quarter).
			t.atLeast = sum != figs[t.total].Value
		}
		// A count of distinct people is read as a sum where it is one (no child in two age bands,
		// regions or quarters), as a reader who takes it for one reads it right: review 39 had the
		// demo's national "<5" age bands and every region's from the nation's 30 less its published
		// bands, each region's "<5" at least 1. Where it is not one, that reader works out nothing
		// true, and it is read as at most the cells' sum and at least each (decision 108).
		t.distinct = t.distinct && sum != figs[t.total].Value
		out = append(out, t)
	}
	return out
}

// withDifferences adds to figs (a copy, where it adds any) a figure for each count of distinct
// people of a period less the same count (measure, scope, breakdown, category) of a period within
// it: a quarter less each of its months, the year less each of its quarters and months. The
// quarter's people hold each month's, so the difference is the people served in the quarter and
// not in the month, a count of people like any other (review 56: a centre's 7 families in the
// quarter, published beside its November's 6, gave 1 family served in the quarter alone, and 12
// children less 10 that family's 2). It is withheld ("*", small where it is 1 to 4) and fixed: it
// is never published, and nothing withholds it. A table (derived) says the whole is the part and
// the difference, and the audit reads it with the rest (one mechanism: tighten, decision 241): a
// small difference that a reader pins gets the whole withheld (around), the period published
// later (a month is published before its quarter, and keeps what it was first published as), and
// the whole's own tables are settled as any figure withheld. Its bounds are 0 to none (reading):
// a difference of 0 tells no one anything. A difference follows from the period's parts where
// they add up to it (the quarter less a month is the other months): it is added only where the
// whole's parts, or those of the period between (the quarter, for the year less a month), do not
// add up to it. decision 320.
func withDifferences(figs []Figure, tables []table) ([]Figure, []table) {
	partsOf := map[int]int{} // a figure's table of its period's parts
	for ti, t := range tables {
		if t.parts && distinctCounts[figs[t.total].Measure] {
			partsOf[t.total] = ti
		}
	}
	if len(partsOf) == 0 {
		return figs, tables
	}
	type pair struct{ whole, part int }
	var pairs []pair
	add := func(whole, part int) {
		if figs[whole].Value >= figs[part].Value {
			pairs = append(pairs, pair{whole, part})
		}
	}
	for ti, t := range tables {
		if _, ok := partsOf[t.total]; !ok || partsOf[t.total] != ti {
			continue
		}
		for _, c := range t.cells {
			if t.distinct {
				add(t.total, c)
			}
			// The year less the months of each quarter.
			if within, ok := partsOf[c]; ok {
				for _, m := range tables[within].cells {
					if t.distinct || tables[within].distinct {
						add(t.total, m)
					}
				}
			}
		}
	}
	if len(pairs) == 0 {
		return figs, tables
	}
	out := append(slices.Clip(figs), make([]Figure, len(pairs))...)
	for k, p := range pairs {
		d := figs[p.part]
		d.Value = figs[p.whole].Value - figs[p.part].Value
		d.Count = int64(d.Value)
		d.Suppressed, d.Shown = Secondary, Secondary
		d.small = d.Value >= 1 && d.Value <= 4
		d.fixed, d.first, d.moved = true, "", false
		i := len(figs) + k
		out[i] = d
		tables = append(tables, table{total: p.whole, cells: []int{p.part, i}, derived: true})
	}
	return out, tables
}

// alike withholds a figure and its twin alike (decision 320): a total and the one cell of its
// table that is not a published 0 are the same number to any reader (a year whose other quarters
// are published 0 and its fourth quarter, a region and its only centre, a total and its only
// category listed). Review 56 found a centre's self-referrals "*" in the fourth quarter and "<5" in
// the year, which told what the "*" hid: the "*" was given (lastResort, or the audit beside a "<5"
// whose 4 pinned something) to the figure of one table, and nothing gave it to its twin, which a
// reader reads as the same number and settle and the audit, reading a "*" as at least 1, read as
// no more than what the "<5" already says. The twins of one figure (by every such table, one
// after another) are shown as one: "<5" where every "*" among them hides 1 to 4 and none was
// first published so (fixed), as the "<5" tells every reader already (each reads the others
// through the tables of published 0s: showing it so narrows nothing), else "*", which widens
// only. A figure first published stays as it was.
func (s *suppressor) alike() {
	var parent []int32
	find := func(i int) int {
		for parent[i] >= 0 {
			i = int(parent[i])
		}
		return i
	}
	for _, t := range s.tables {
		if t.atLeast || t.derived || s.figs[t.total].Suppressed == "" {
			continue
		}
		twin := -1
		for _, c := range t.cells {
			if f := s.figs[c]; f.Suppressed == "" && f.Value == 0 {
				continue
			}
			if twin >= 0 {
				twin = -1
				break
			}
			twin = c
		}
		if twin < 0 || s.figs[twin].Suppressed == "" {
			continue
		}
		if parent == nil {
			parent = make([]int32, len(s.figs))
			for i := range parent {
				parent[i] = -1
			}
		}
		if a, b := find(t.total), find(twin); a != b {
			parent[a] = int32(b)
		}
	}
	if parent == nil {
		return
	}
	classes := map[int][]int{}
	for i := range parent {
		if parent[i] >= 0 {
			root := find(i)
			if classes[root] == nil {
				classes[root] = []int{root}
			}
			classes[root] = append(classes[root], i)
		}
	}
	for _, class := range classes {
		primary, starred, star := false, false, false
		for _, i := range class {
			switch f := s.figs[i]; f.Suppressed {
			case Primary:
				primary = true
			case Secondary:
				starred = true
				// "*" for all where one stays so, or hides what no "<5" may show.
				star = star || f.fixed || f.Value < 1 || f.Value > 4
			}
		}
		if !primary || !starred {
			continue
		}
		for _, i := range class {
			f := &s.figs[i]
			switch {
			case f.fixed:
			case star && f.Suppressed == Primary:
				f.small = true
				f.Suppressed, f.Shown = Secondary, Secondary
			case !star && f.Suppressed == Secondary:
				f.small = false
				f.Suppressed, f.Shown = Primary, Primary
			}
		}
	}
}

// audit reads the tables together, as a reader who combines them does: a bound one table gives a
// withheld figure tightens its bounds in every other table it is in (a month's "<5" bounded below
// by a region's monthly table, summed over the quarter, may meet the quarter's "<5" from above).
// It reads as anyone reading the published figures, then as each centre, which knows every
// figure of its own (every period, every breakdown) besides what anyone can work out: review 6
// pinned other centres' figures that way, through months, quarters and regions. Every small
// figure a reader pins gets one more figure withheld around it (fixAll), the tables are settled
// again, and the reading starts again: a figure withheld only widens what a reader cannot know.
func (s *suppressor) audit(all []int) {
	s.r = newReading(s.figs, s.tables, s.in)
	s.r.real = s.real
	// Rounds count from 1 in each audit: a figure withheld in an earlier audit's round of the
	// same number is not one withheld in this round (pruneIfFewer audits again; with rounds
	// left over, every pin of a round could be passed over as seen to, and the audit ended with
	// small figures pinned: decision 304).
	clear(s.withheldIn)
	type centre struct{ own, start []int }
	byCentre := map[uuid.UUID]*centre{}
	for i, f := range s.figs {
		if f.Protected && f.Scope == "centre" && f.Centre != uuid.Nil {
			if byCentre[f.Centre] == nil {
				byCentre[f.Centre] = &centre{}
			}
			byCentre[f.Centre].own = append(byCentre[f.Centre].own, i)
		}
	}
	var centres []*centre
	for _, id := range slices.SortedFunc(maps.Keys(byCentre), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }) {
		c := byCentre[id]
		for _, i := range c.own {
			c.start = append(c.start, s.in[i]...)
		}
		slices.Sort(c.start)
		c.start = slices.Compact(c.start)
		centres = append(centres, c)
	}
	for round := int32(1); ; round++ {
		var pins []pin
		collect := func(i int) bool {
			if s.small(i) {
				pins = append(pins, s.around(i))
			}
			return false
		}
		s.r.init()
		s.r.read(nil, all, collect)
		s.r.commit() // what anyone can work out, each centre can
		if len(pins) == 0 {
			for _, c := range centres {
				s.r.read(c.own, c.start, collect)
				s.r.reset()
			}
		}
		if len(pins) == 0 || !s.fixAll(pins, round) {
			return
		}
	}
}

// pin is a small figure a reader pinned, and what could be withheld to unpin it: published
// figures of the tables that narrowed it (and, where they narrowed it by a withheld figure's
// bound, of the tables that narrowed that, and so on out), each one whose withholding widens the
// bound that pinned it; the reader's own figures are no use. last are the "<5" whose 4 pinned it,
// to be shown "*", when no published figure would do.
type pin struct {
	figure     int
	candidates []int
	last       []int
	home       []int // the tables followed
}

// around is the pin of figure p, as the reader's bounds stand (loBy, hiBy).
func (s *suppressor) around(p int) pin {
	r := s.r
	out := pin{figure: p}
	if s.figs[p].Suppressed == Primary && !s.figs[p].fixed && r.hiBy[p] == -1 {
		out.last = append(out.last, p) // its 4 pinned it, from below
	}
	type bound struct {
		i     int
		lower bool
	}
	seen := map[bound]bool{}
	ring := []bound{{p, true}, {p, false}}
	for len(ring) > 0 && len(out.candidates) == 0 {
		var outer []bound
		// need is the bound of c that narrowed b's in table t: a published figure withheld widens its
		// upper bound always (to none), its lower one only if above 5; a withheld one is followed.
		need := func(ti int, c int, upper bool) {
			switch f := s.figs[c]; {
			case r.mine[c]:
			case f.Suppressed == "" && f.fixed: // published before: it stays
			case f.Suppressed == "":
				// One the reader works out from its own is withheld first, then what it is worked
				// out from (followed, below, once it is withheld).
				if f.Value > 0 && (upper || f.Value > 5 || r.known[c]) && !slices.Contains(out.candidates, c) {
					out.candidates = append(out.candidates, c)
				}
			case !seen[bound{c, !upper}]:
				seen[bound{c, !upper}] = true
				if by := r.loBy[c]; !upper && by >= 0 {
					outer = append(outer, bound{c, true})
				} else if by := r.hiBy[c]; upper && by >= 0 {
					outer = append(outer, bound{c, false})
				} else if upper && f.Suppressed == Primary && !f.fixed && !slices.Contains(out.last, c) {
					out.last = append(out.last, c)
				}
			}
		}
		for _, b := range ring {
			by := r.hiBy[b.i]
			if b.lower {
				by = r.loBy[b.i]
			}
			if by < 0 {
				continue // as published, or the reader's own
			}
			ti := int(by)
			out.home = append(out.home, ti)
			t := s.tables[ti]
			if b.i == t.total {
				// The total's least is the cells' least (their sum; a distinct count's largest), its
				// most their most.
				for _, c := range t.cells {
					need(ti, c, !b.lower)
				}
				continue
			}
			// A cell's least is the total's least less the others' most; its most the total's most
			// less the others' least (a distinct count's cell: the total's most).
			need(ti, t.total, !b.lower)
			if t.derived && b.i == t.cells[1] {
				continue // a difference: the whole is withheld, the period published later (decision 320)
			}
			if b.lower || !t.distinct {
				for _, c := range t.cells {
					if c != b.i {
						need(ti, c, b.lower)
					}
				}
			}
		}
		ring = outer
	}
	return out
}

// fixAll withholds one more figure around each pin (fix), but for one whose tables had a figure
// withheld in this round already: that may have done, and the next reading will tell.
func (s *suppressor) fixAll(pins []pin, round int32) (fixed bool) {
	s.round = round
	defer func() { s.round = 0 }()
	for _, p := range pins {
		touched := false
		for _, ti := range p.home {
			t := s.tables[ti]
			for _, c := range append([]int{t.total}, t.cells...) {
				touched = touched || s.withheldIn[c] == round
			}
		}
		if !touched && s.fix(p) {
			fixed = true
		}
	}
	return fixed
}

// fix withholds one more figure around a pinned figure: of the pin's candidates still published,
// the one that sets off the fewest withholdings (choose); when there is none, a "<5" that pinned
// it, shown "*" from then on. It settles the tables again.
func (s *suppressor) fix(p pin) bool {
	var candidates []int
	for _, c := range p.candidates {
		if s.withholdable(c) {
			candidates = append(candidates, c)
		}
	}
	next := -1
	if len(candidates) > 0 {
		next = s.choose(candidates, p.home, true)
	} else if i := slices.IndexFunc(p.last, func(c int) bool { return s.figs[c].Suppressed == Primary }); i >= 0 {
		next = p.last[i]
	}
	// Else any figure of a table it is in, the reader's own left out: a wider net. Then any of
	// the tables that narrowed it: where a figure's tables were all published before (fixed), what
	// pins it is in a table of a period published for the first time, further out (decision 304).
	for _, ti := range slices.Concat(s.in[p.figure], p.home) {
		if next >= 0 {
			break
		}
		t := s.tables[ti]
		for _, c := range append([]int{t.total}, t.cells...) {
			if s.withholdable(c) && !s.r.mine[c] {
				candidates = append(candidates, c)
			}
		}
		if len(candidates) > 0 {
			next = s.choose(candidates, s.in[p.figure], true)
		} else {
			next = lastResort(s.figs, t)
		}
	}
	if next < 0 {
		return false // nothing left to withhold around it
	}
	s.withhold(next)
	s.settle(s.in[next], s.queued, true, math.MaxInt)
	return true
}

// pruneIfFewer prunes, reads the centres again and withholds what they then pin (audit), and
// keeps the result if fewer figures are withheld than before; else it puts them back as they were.
func (s *suppressor) pruneIfFewer(all []int) {
	type was struct {
		suppressed, shown string
		small             bool
	}
	before := make([]was, len(s.figs))
	withheld := func() (n int) {
		for _, f := range s.figs {
			if f.Suppressed != "" {
				n++
			}
		}
		return n
	}
	for i, f := range s.figs {
		before[i] = was{f.Suppressed, f.Shown, f.small}
	}
	n := withheld()
	if !s.prune(all) {
		return
	}
	s.audit(all)
	if withheld() >= n {
		for i, b := range before {
			s.figs[i].Suppressed, s.figs[i].Shown, s.figs[i].small = b.suppressed, b.shown, b.small
		}
	}
}

// prune publishes again each figure withheld beside another ("*" hiding 5 or more) that anyone
// reading the rest can do without: published, it pins no small figure down (read on from what
// anyone works out of the figures as they stand, which a figure published only narrows). A figure
// withheld early may have been needed only until one withheld later (review 29: the nation's
// October sessions beside its December, before its quarter was withheld for a centre's). The
// nation's figures are tried first, then the regions', then the centres'; totals before their
// breakdowns; years and quarters before months. It reports whether it published any, for the
// centres to be read again (they know more than anyone).
func (s *suppressor) prune(all []int) bool {
	r := s.r
	r.init()
	r.read(nil, all, func(int) bool { return false })
	r.commit()
	var withheld []int
	for i, f := range s.figs {
		if f.Protected && f.Suppressed == Secondary && !f.small && !f.fixed {
			withheld = append(withheld, i)
		}
	}
	slices.SortStableFunc(withheld, func(a, b int) int {
		fa, fb := s.figs[a], s.figs[b]
		return cmp.Or(cmp.Compare(scopeOrder[fa.Scope], scopeOrder[fb.Scope]), cmp.Compare(b2i(fa.Breakdown != ""), b2i(fb.Breakdown != "")),
			cmp.Compare(fa.period, fb.period), cmp.Compare(fb.Value, fa.Value))
	})
	small := s.small
	// A table alone, as settle reads it (a distinct count's as a sum), and a table of centres or
	// regions as each of them would, knowing its own.
	exposesSmall := func(ti int) bool {
		t := s.tables[ti]
		if exposedOf(s.figs, t, -1, small) {
			return true
		}
		if t.derived {
			return false // read by the reading only (decision 320)
		}
		return t.insiders && slices.ContainsFunc(t.cells, func(c int) bool { return s.figs[c].Suppressed != "" && exposedOf(s.figs, t, c, small) })
	}
	published := false
	for _, i := range withheld {
		f := &s.figs[i]
		f.Suppressed, f.Shown = "", shown(*f)
		r.set(i, f.Value, f.Value, -1)
		if r.read(nil, s.in[i], small) >= 0 || slices.ContainsFunc(s.in[i], exposesSmall) {
			r.reset()
			f.Suppressed, f.Shown = Secondary, Secondary
			continue
		}
		r.commit()
		published = true
	}
	return published
}

// publishWhatFollows publishes every "*" hiding 5 or more that the published figures give away
// (its least and most meet, read together as anyone can): withheld, it protects nothing, and a
// reader could tell what it is. Publishing it tells no reader anything they could not work out,
// so it pins nothing.
func (s *suppressor) publishWhatFollows(all []int) {
	var given []int
	s.r.init()
	s.r.read(nil, all, func(i int) bool {
		if f := s.figs[i]; f.Suppressed == Secondary && !f.small && !f.fixed && s.r.lo[i] == f.Value {
			given = append(given, i)
		}
		return false
	})
	s.r.reset()
	for _, i := range given {
		f := &s.figs[i]
		f.Suppressed, f.Shown = "", shown(*f)
	}
}

// reading is what a reader can work out of the published figures: each figure's bounds.
type reading struct {
	figs []Figure
	// real is where the differences begin (withDifferences): each is 0 or more (decision 320).
	real   int
	tables []table
	in     [][]int
	lo, hi []float64
	// loBy and hiBy are the table each bound was last narrowed by (-1: the figure as published;
	// -2: the reader's own).
	loBy, hiBy []int32
	// base are the bounds a reading starts from and reset returns to: the published figures' (init),
	// or what anyone works out of them (commit), from which each centre reads on.
	baseLo, baseHi     []float64
	baseLoBy, baseHiBy []int32
	known              []bool // the reader's own figures, and totals that follow from them, read exactly
	mine               []bool // the reader's own figures
	touched            []int  // figures whose bounds were set, to reset
	queued             []bool
}

func newReading(figs []Figure, tables []table, in [][]int) *reading {
	n := len(figs)
	r := &reading{figs: figs, tables: tables, in: in, lo: make([]float64, n), hi: make([]float64, n), baseLo: make([]float64, n),
		baseHi: make([]float64, n), loBy: make([]int32, n), hiBy: make([]int32, n), baseLoBy: make([]int32, n),
		baseHiBy: make([]int32, n), known: make([]bool, n), mine: make([]bool, n), queued: make([]bool, len(tables)), real: n}
	r.init()
	return r
}

// init bounds every figure as published (bounds).
func (r *reading) init() {
	for i := range r.figs {
		r.lo[i], r.hi[i] = bounds(r.figs[i], false)
		if i >= r.real {
			r.lo[i], r.hi[i] = 0, math.Inf(1) // a difference, never published (decision 320)
		}
		r.baseLo[i], r.baseHi[i] = r.lo[i], r.hi[i]
		r.loBy[i], r.hiBy[i], r.baseLoBy[i], r.baseHiBy[i] = -1, -1, -1, -1
		r.known[i], r.mine[i] = false, false
	}
	r.touched = r.touched[:0]
	clear(r.queued)
}

// commit makes the bounds read so far the base that readings start from.
func (r *reading) commit() {
	for _, i := range r.touched {
		r.baseLo[i], r.baseHi[i] = r.lo[i], r.hi[i]
		r.baseLoBy[i], r.baseHiBy[i] = r.loBy[i], r.hiBy[i]
		r.known[i], r.mine[i] = false, false
	}
	r.touched = r.touched[:0]
	clear(r.queued)
}

// pinned reads the tables from start on, knowing the figures own exactly, until no bound
// tightens, and returns a small withheld figure (a "<5", or a "*" hiding one) that pins down (its
// least and most meet) and the reader does not own, or -1. A "*" hiding a figure of 5 or more may
// be worked out on the way (a total from its published parts): it says no small number, and the
// bounds it gives others are read on. The bounds are reset after.
func (r *reading) pinned(own []int, start []int) int {
	defer r.reset()
	return r.read(own, start, func(i int) bool { return r.figs[i].Suppressed == Primary || r.figs[i].small })
}

// read reads the tables from start on, knowing the figures own exactly, until no bound tightens
// or stop says so of a withheld figure the reader does not own that pins down; it returns that
// figure, or -1. The bounds stay as read, until reset.
func (r *reading) read(own []int, start []int, stop func(i int) bool) int {
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
	for _, k := range r.ownClosure(own) {
		i := k.i
		r.set(i, r.figs[i].Value, r.figs[i].Value, k.by)
		r.loBy[i], r.hiBy[i] = k.by, k.by
		for _, ti := range r.in[i] {
			enqueue(ti) // what the reader knows bounds its tables' other figures
		}
	}
	for len(queue) > 0 {
		ti := queue[0]
		queue = queue[1:]
		r.queued[ti] = false
		for _, i := range r.tighten(ti) {
			if !r.known[i] && r.lo[i] == r.hi[i] && stop(i) {
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
func (r *reading) ownClosure(own []int) []knownBy {
	var out []knownBy
	queue := slices.Clone(own)
	for _, i := range own {
		r.known[i], r.mine[i] = true, true
		out = append(out, knownBy{i, -2})
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, ti := range r.in[i] {
			t := r.tables[ti]
			if t.atLeast || r.known[t.total] || !slices.ContainsFunc(t.cells, func(c int) bool { return r.known[c] }) {
				continue
			}
			if !slices.ContainsFunc(t.cells, func(c int) bool { return !r.known[c] && r.figs[c].Suppressed != "" }) {
				r.known[t.total] = true
				out = append(out, knownBy{t.total, int32(ti)})
				queue = append(queue, t.total)
			}
		}
	}
	return out
}

// knownBy is a figure the reader knows: its own (by -2), or a total of table by.
type knownBy struct {
	i  int
	by int32
}

// set bounds figure i, narrowed by table by (-2: the reader's own).
func (r *reading) set(i int, lo, hi float64, by int32) {
	r.touched = append(r.touched, i)
	if lo != r.lo[i] {
		r.loBy[i] = by
	}
	if hi != r.hi[i] {
		r.hiBy[i] = by
	}
	r.lo[i], r.hi[i] = lo, hi
}

func (r *reading) reset() {
	for _, i := range r.touched {
		r.lo[i], r.hi[i] = r.baseLo[i], r.baseHi[i]
		r.loBy[i], r.hiBy[i] = r.baseLoBy[i], r.baseHiBy[i]
		r.known[i], r.mine[i] = false, false
	}
	r.touched = r.touched[:0]
	clear(r.queued)
}

// tighten narrows the bounds of t's withheld figures from the others', its cells adding up to its
// total (a distinct count: the total at most their sum, each cell at most the total; atLeast: the
// total at least their sum), and returns the figures it narrowed. A table whose bounds contradict
// each other tells nothing and is left alone.
func (r *reading) tighten(ti int) []int {
	t := r.tables[ti]
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
	if unbounded == 0 && !t.atLeast {
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
		if othersUnbounded == 0 && !t.atLeast {
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
		r.set(n.i, n.lo, n.hi, int32(ti))
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

// exposed says whether t, whose cells add up to its total (or at most to it: atLeast), pins down one of its withheld figures
// for a reader who knows the published figures and, when known >= 0, that cell's figure exactly
// (its centre): whether the least and the most a withheld figure can be, given the others'
// bounds, meet. The bounds of a figure from the others' are the total less the cells'
// (for a cell) and the cells' sum (for the total); a sum with a "*" in it has no upper bound.
func exposed(figs []Figure, t table, known int) bool {
	return exposedOf(figs, t, known, func(int) bool { return true })
}

// exposedOf is exposed, for the withheld figures of which says so.
func exposedOf(figs []Figure, t table, known int, of func(i int) bool) bool {
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
		if unbounded == 0 && !t.atLeast {
			hi = min(hi, sumHi)
		}
		if lo == hi && of(t.total) {
			return true
		}
	}
	for _, c := range t.cells {
		if figs[c].Suppressed == "" || c == known || !of(c) {
			continue
		}
		lo, hi := bounds(figs[c], false)
		othersLo, othersHi, othersUnbounded := sumLo-lo, sumHi, unbounded
		if math.IsInf(hi, 1) {
			othersUnbounded--
		} else {
			othersHi -= hi
		}
		if othersUnbounded == 0 && !t.atLeast {
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
