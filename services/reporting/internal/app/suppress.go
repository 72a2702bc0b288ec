package app

import (
	"fmt"
	"sort"
)

// Shown values of suppressed figures.
const (
	// Primary: the figure is 1 to 4.
	Primary = "<5"
	// Secondary: the figure is withheld so that a "<5" cannot be worked out from a total.
	Secondary = "*"
)

// Suppress withholds small numbers in figures meant for publication (docs/return.md,
// decisions.md 62). Protected counts (people: children, families, referrals, sessions, cases,
// concerns, holds) of 1 to 4 are shown "<5" (primary). Durations computed over fewer than 5
// referrals are shown "*". Then, table by table, a total and the cells that add up to it (a
// scope's breakdown by one dimension; the regions of the nation; the centres of a region, each
// for a measure and category), while the total is published and the withheld cells' sum (total
// minus the published cells) would pin one of them down, one more cell is withheld ("*"): the
// smallest published non-zero cell, or the total if there is none. A sum pins a cell down when
// only one cell is withheld, or when the sum is the least the withheld cells can add to (every
// "<5" a 1, every "*" a 5), or, with only "<5" cells, the most (every one a 4). A withheld total
// whose cells are all published gives itself away as well (their sum, or its one non-zero cell):
// one of them is withheld (protectTotal). This repeats until no table changes, since withholding
// a cell in one table may expose another.
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
	tables := tablesOf(figs)
	for changed := true; changed; {
		changed = false
		for _, t := range tables {
			if protect(figs, t) {
				changed = true
			}
		}
	}
	for i := range figs {
		if figs[i].Suppressed != "" {
			figs[i].Value = 0
		}
	}
}

// table is a total and the cells that add up to it.
type table struct {
	total int
	cells []int
}

func tablesOf(figs []Figure) []table {
	key := func(f Figure, scope, region, centre, breakdown, category bool) string {
		k := f.Measure
		if scope {
			k += "|" + f.Scope
		}
		if region {
			k += fmt.Sprintf("|r%d", f.Region)
		}
		if centre {
			k += "|c" + f.Centre.String()
		}
		if breakdown {
			k += "|b" + f.Breakdown
		}
		if category {
			k += "|k" + f.Category
		}
		return k
	}
	index := map[string]int{}
	for i, f := range figs {
		if f.Protected {
			index[key(f, true, true, true, true, true)] = i
		}
	}
	groups := map[string]*table{}
	group := func(name string, total int, cell int) {
		t := groups[name]
		if t == nil {
			t = &table{total: total}
			groups[name] = t
		}
		t.cells = append(t.cells, cell)
	}
	for i, f := range figs {
		if !f.Protected {
			continue
		}
		// A scope's breakdown adds up to the scope's total.
		if f.Breakdown != "" {
			tf := f
			tf.Breakdown, tf.Category = "", ""
			if total, ok := index[key(tf, true, true, true, true, true)]; ok {
				group("b:"+key(f, true, true, true, true, false), total, i)
			}
		}
		// The regions add up to the nation; a region's centres add up to the region.
		parent := f
		switch f.Scope {
		case "region":
			parent.Scope, parent.Region = "national", 0
		case "centre":
			parent.Scope, parent.Centre = "region", [16]byte{}
		default:
			continue
		}
		if total, ok := index[key(parent, true, true, true, true, true)]; ok {
			group("s:"+key(parent, true, true, true, true, true), total, i)
		}
	}
	names := make([]string, 0, len(groups))
	for n := range groups {
		names = append(names, n)
	}
	sort.Strings(names) // the same figures are withheld on every run
	out := make([]table, 0, len(names))
	for _, n := range names {
		out = append(out, *groups[n])
	}
	return out
}

// protect withholds one more cell of t when its published figures pin down a withheld one.
func protect(figs []Figure, t table) bool {
	if figs[t.total].Suppressed != "" {
		return protectTotal(figs, t)
	}
	sum := figs[t.total].Value
	var primary, secondary int
	for _, c := range t.cells {
		switch figs[c].Suppressed {
		case Primary:
			primary++
		case Secondary:
			secondary++
		default:
			sum -= figs[c].Value
		}
	}
	withheld := primary + secondary
	if withheld == 0 {
		return false
	}
	least := float64(primary + 5*secondary)
	if withheld > 1 && sum != least && (secondary > 0 || sum != float64(4*primary)) {
		return false
	}
	next := -1
	for _, c := range t.cells {
		if figs[c].Suppressed == "" && figs[c].Value > 0 && (next < 0 || figs[c].Value < figs[next].Value) {
			next = c
		}
	}
	if next < 0 {
		next = t.total
	}
	figs[next].Suppressed, figs[next].Shown = Secondary, Secondary
	return true
}

// protectTotal withholds one more cell of t, whose total is withheld, when its cells are all
// published: their sum is the total of a measure that adds up (sessions, referrals), and a lone
// non-zero cell is the total of a distinct count too (a region's only centre with families served
// is the region's figure). Distinct counts do not add up (a child seen at two centres is one child
// in their region), so withholding whenever every cell is published withholds a little more than
// they need; the tables do not say which measures add up.
func protectTotal(figs []Figure, t table) bool {
	next := -1
	for _, c := range t.cells {
		if figs[c].Suppressed != "" {
			return false
		}
		if figs[c].Value > 0 && (next < 0 || figs[c].Value < figs[next].Value) {
			next = c
		}
	}
	if next < 0 {
		return false // every cell 0: a withheld total is never 0
	}
	figs[next].Suppressed, figs[next].Shown = Secondary, Secondary
	return true
}
