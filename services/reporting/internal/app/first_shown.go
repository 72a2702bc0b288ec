package app

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// A published figure cannot be taken back (decision 304). A year's published periods are
// suppressed together (decision 264), and a period published for the first time brings new
// tables: a quarter beside its months, the year beside its quarters. Suppressed afresh, a month
// published as a number on the 8th of the next month could be withheld once its quarter was
// published, beside the quarter and two other months: review 52 read October's 14 accepted
// referrals on 2 December, then on 8 January November's 25, December's "<5" and the quarter's 40,
// and October's "*" no longer hid anything: December was 1. So the first publication of each
// period records which of its counts of people were withheld (adapters.Figures.RecordWithheld),
// and every later publication keeps what each figure of those periods was first shown as
// (firstShown.fix, Suppress), withholding figures of the periods published for the first time
// instead. Each such table has one: a quarter is first published with its last month, the year
// with its last quarter.

// firstShown is what the periods of a year published before were first shown as.
type firstShown struct {
	periods  map[int]bool      // the periods recorded, by index in Periods
	withheld map[string]string // of each, its counts withheld (shownKey): "<5" or "*"
	// published are its counts published, each as the hash of its shownKey and number
	// (publishedHash).
	published map[int64]bool
}

// publishedHash is a published figure's hash: of its period, what it is a figure of, and the
// number shown. 64 bits keep a national year's 250,000 figures in 2 MB, where their keys take 20.
func publishedHash(f Figure) int64 {
	h := fnv.New64a()
	h.Write([]byte(shownKey(f.period, figureKey(f))))
	h.Write([]byte{0})
	h.Write([]byte(shown(f)))
	return int64(h.Sum64())
}

// shownKey names a figure of one period: its period's index in Periods and what it is a figure of.
func shownKey(period int, key string) string { return strconv.Itoa(period) + "/" + key }

// figureKey is what f is a figure of, within its period: as the table keeps it.
func figureKey(f Figure) string {
	return fmt.Sprintf("%s|%s|%d|%s|%s|%s", f.Measure, f.Scope, f.Region, f.Centre, f.Breakdown, f.Category)
}

func firstShownOf(recorded []adapters.Withholdings, periods []Period) firstShown {
	fs := firstShown{periods: map[int]bool{}, withheld: map[string]string{}, published: map[int64]bool{}}
	for _, w := range recorded {
		period := slices.IndexFunc(periods, func(p Period) bool { return p.String() == w.Period })
		if period < 0 {
			continue
		}
		fs.periods[period] = true
		for k, key := range w.Figures {
			fs.withheld[shownKey(period, key)] = w.Shown[k]
		}
		for _, h := range w.Published {
			fs.published[h] = true
		}
	}
	return fs
}

// fix marks the counts of people of figs whose periods were published before as fixed, with what
// each was first shown as: withheld, or published as the number it counts now. A figure whose
// number a correction changed since (decision 292: the figures then say they were revised), or
// that the period had none of then, was never published as it stands: it is not fixed, and is
// suppressed as a figure of a period published for the first time is; but one a correction moved
// by 1 to 4 from the number first published is fixed as withheld (movedBySmall, decision 366).
func (fs firstShown) fix(figs []Figure) {
	for i := range figs {
		f := &figs[i]
		if !f.Protected || !fs.periods[f.period] {
			continue
		}
		if first, withheld := fs.withheld[shownKey(f.period, figureKey(*f))]; withheld {
			f.fixed, f.first = true, first
		} else if f.Value >= 5 && fs.published[publishedHash(*f)] {
			f.fixed = true
		} else if f.Value >= 5 && fs.movedBySmall(*f) {
			f.fixed, f.first, f.moved = true, Secondary, true
		}
	}
}

// movedBySmall says whether f, 5 or more, was first published as a number 1 to 4 away from it: a
// correction since moved it by a small number, which the two publications, subtracted, would
// give exactly (review 70: a centre's 7 cases ended in self-arranged contact, published 5 once
// one was reopened and another corrected, gave 2 families). It is withheld "*" and read as a
// small number is, so that no table gives its number back, until the correction moves it by 0
// (shown as it was first) or by 5 or more (suppressed as a new figure). Published numbers are
// kept as hashes, so each of the 8 numbers it could have been is hashed and looked for.
func (fs firstShown) movedBySmall(f Figure) bool {
	for d := 1.0; d <= 4; d++ {
		for _, was := range []float64{f.Value - d, f.Value + d} {
			g := f
			g.Value = was
			if fs.published[publishedHash(g)] {
				return true
			}
		}
	}
	return false
}

// suppress is a copy of all (a year's published figures, sorted) suppressed keeping what fs
// says its periods published before were first shown as.
func (fs firstShown) suppress(all []Figure) []Figure {
	figs := fs.withGone(slices.Clone(all))
	fs.fix(figs)
	Suppress(figs)
	return figs
}

// withGone adds to figs (sorted, and sorted again) a figure of 0 for each figure withheld when
// its period was first published that counts nothing now: a correction since (a case reopened, an
// ending corrected) took its last row away, and the queries give no row for nothing. Left out, it
// was shown 0 (withZeros) or not at all where it was "<5", beside a total withheld around it
// (review 54). It stays withheld, as every figure withheld when first published does.
func (fs firstShown) withGone(figs []Figure) []Figure {
	have := make(map[string]bool, len(figs))
	for _, f := range figs {
		if f.Protected && fs.periods[f.period] {
			have[shownKey(f.period, figureKey(f))] = true
		}
	}
	added := false
	for k := range fs.withheld {
		if have[k] {
			continue
		}
		if f, ok := goneFigure(k); ok {
			figs = append(figs, f)
			added = true
		}
	}
	if added {
		slices.SortStableFunc(figs, compareFigures)
	}
	return figs
}

// goneFigure is the figure of 0 a shownKey names: "period/measure|scope|region|centre|breakdown|category".
func goneFigure(k string) (Figure, bool) {
	period, key, _ := strings.Cut(k, "/")
	parts := strings.Split(key, "|")
	p, err := strconv.Atoi(period)
	if len(parts) != 6 || err != nil {
		return Figure{}, false
	}
	region, err := strconv.Atoi(parts[2])
	if err != nil {
		return Figure{}, false
	}
	centre, err := uuid.Parse(parts[3])
	if err != nil {
		return Figure{}, false
	}
	i := slices.IndexFunc(measures, func(m measure) bool { return m.Name == parts[0] })
	if i < 0 || !measures[i].protected {
		return Figure{}, false
	}
	return Figure{Measure: parts[0], Scope: parts[1], Region: commonv1.Region(region), Centre: centre, Breakdown: parts[4],
		Category: parts[5], Shown: "0", Protected: true, AtEnd: measures[i].atEnd, period: p}, true
}

// fresh is what the periods of published (indexes in Periods) not recorded yet are shown as, in
// figs (suppressed): each period's counts of people withheld, and those published. A period with
// nothing counted is recorded too, with none of either.
func (fs firstShown) fresh(figs []Figure, periods []Period, published []int) []adapters.Withholdings {
	byPeriod := map[int]*adapters.Withholdings{}
	var out []*adapters.Withholdings
	for _, period := range published {
		if !fs.periods[period] {
			w := &adapters.Withholdings{Period: periods[period].String(), Figures: []string{}, Shown: []string{}, Published: []int64{}}
			byPeriod[period] = w
			out = append(out, w)
		}
	}
	for _, f := range figs {
		switch w := byPeriod[f.period]; {
		case w == nil || !f.Protected:
		case f.Suppressed != "":
			w.Figures = append(w.Figures, figureKey(f))
			w.Shown = append(w.Shown, f.Suppressed)
		default:
			w.Published = append(w.Published, publishedHash(f))
		}
	}
	recorded := make([]adapters.Withholdings, len(out))
	for i, w := range out {
		recorded[i] = *w
	}
	return recorded
}

// recordAttempts is how many times a publication reads what was first shown and suppresses again
// when another publication recorded a period first (RecordWithheld): each attempt reads more
// periods recorded, so a second is enough unless publications keep racing.
const recordAttempts = 3

// suppressAsFirstShown suppresses a year's published figures (all: the periods published by
// today, sorted; Suppress), keeping what the periods published before were first shown as, and
// records what the periods published for the first time are shown as. It returns the figures
// suppressed, a copy, and the periods it recorded (indexes in Periods).
func (a *App) suppressAsFirstShown(ctx context.Context, year Period, today time.Time, all []Figure) ([]Figure, []int, error) {
	periods := year.Periods()
	var published []int
	var names []string
	for i, p := range periods {
		if p.Published(today) {
			published = append(published, i)
			names = append(names, p.String())
		}
	}
	for range recordAttempts {
		recorded, err := a.figures.FirstWithheld(ctx, names)
		if err != nil {
			return nil, nil, err
		}
		fs := firstShownOf(recorded, periods)
		figs := fs.suppress(all)
		fresh := fs.fresh(figs, periods, published)
		if len(fresh) == 0 {
			return figs, nil, nil
		}
		ok, err := a.figures.RecordWithheld(ctx, fresh, a.now())
		if err != nil {
			return nil, nil, err
		}
		if ok {
			var recordedNow []int
			for _, period := range published {
				if !fs.periods[period] {
					recordedNow = append(recordedNow, period)
				}
			}
			return figs, recordedNow, nil
		}
	}
	return nil, nil, fmt.Errorf("figures of %s: other publications kept recording its periods first; try again", year)
}
