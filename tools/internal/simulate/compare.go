package simulate

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Period is a reporting period: a year or a quarter.
type Period struct {
	Kind     reportingv1.PeriodKind
	Year     int
	Number   int
	From, To time.Time
}

func (p Period) String() string {
	if p.Kind == reportingv1.PeriodKind_PERIOD_KIND_QUARTER {
		return fmt.Sprintf("%d Q%d", p.Year, p.Number)
	}
	return fmt.Sprint(p.Year)
}

// Periods are the years and quarters that overlap from..to.
func Periods(from, to time.Time) []Period {
	var out []Period
	for y := from.Year(); y <= to.Year(); y++ {
		for q := 1; q <= 4; q++ {
			start := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
			end := start.AddDate(0, 3, -1)
			if !end.Before(from) && !start.After(to) {
				out = append(out, Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: y, Number: q, From: start, To: end})
			}
		}
		out = append(out, Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_YEAR, Year: y,
			From: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)})
	}
	return out
}

// Comparison is the truth beside reporting's figures for one period.
type Comparison struct {
	Period    Period
	Truth     map[Key]float64
	Reporting map[Key]float64
	// Differ are the cells where they differ (a figure absent on one side counts as 0).
	Differ []Key
}

// Reported are reporting's exact figures (not for publication) for the period, of the
// measures compared.
func Reported(ctx context.Context, p Platform, period Period) (map[Key]float64, error) {
	c, err := dial(p)
	if err != nil {
		return nil, err
	}
	defer c.close()
	ctx, err = c.as(ctx, "simulator", uuid.Nil, auth.RoleNationalAnalyst)
	if err != nil {
		return nil, err
	}
	resp, err := c.reporting.GetFigures(ctx, &reportingv1.GetFiguresRequest{Period: &reportingv1.Period{Kind: period.Kind,
		Year: int32(period.Year), Number: int32(period.Number)}})
	if err != nil {
		return nil, fmt.Errorf("reporting's figures for %s: %w", period, err)
	}
	out := map[Key]float64{}
	for _, f := range resp.GetFigures() {
		if !slices.Contains(Compared, f.GetMeasure()) || f.GetValue() == 0 {
			continue
		}
		k := Key{Measure: f.GetMeasure(), Scope: f.GetScope(), Region: f.GetRegion(), Breakdown: f.GetBreakdown(), Category: f.GetCategory()}
		if f.GetCentreId() != "" {
			if k.Centre, err = uuid.Parse(f.GetCentreId()); err != nil {
				return nil, fmt.Errorf("reporting's figure %s names centre %q", f.GetMeasure(), f.GetCentreId())
			}
		}
		out[k] = f.GetValue()
	}
	return out, nil
}

// Compare holds reporting's figures to the truth for every period the simulation covers.
func Compare(ctx context.Context, p Platform, truth *Truth, from, to time.Time) ([]Comparison, error) {
	var out []Comparison
	for _, period := range Periods(day(from), day(to)) {
		rep, err := Reported(ctx, p, period)
		if err != nil {
			return out, err
		}
		out = append(out, compare(period, truth.Figures(period.From, period.To), rep))
	}
	return out, nil
}

func compare(period Period, truth, rep map[Key]float64) Comparison {
	c := Comparison{Period: period, Truth: truth, Reporting: rep}
	seen := map[Key]bool{}
	for _, m := range []map[Key]float64{truth, rep} {
		for k := range m {
			if !seen[k] && math.Abs(truth[k]-rep[k]) > 1e-9 {
				c.Differ = append(c.Differ, k)
			}
			seen[k] = true
		}
	}
	sort.Slice(c.Differ, func(i, j int) bool { return c.Differ[i].String() < c.Differ[j].String() })
	return c
}

// Print writes the national figures beside reporting's, by period, then the number of cells
// compared (nation, regions, centres) and every difference.
func Print(w io.Writer, cs []Comparison) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "figure (national)\t")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s truth\treporting\t", c.Period)
	}
	fmt.Fprintln(tw)
	for _, k := range printed(cs) {
		fmt.Fprintf(tw, "%s\t", label(k))
		for _, c := range cs {
			fmt.Fprintf(tw, "%s\t%s\t", number(c.Truth[k]), number(c.Reporting[k]))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, c := range cs {
		fmt.Fprintf(w, "%s: %d cells compared (nation, regions, centres), %d differ\n", c.Period, len(union(c.Truth, c.Reporting)), len(c.Differ))
		for i, k := range c.Differ {
			if i == 50 {
				fmt.Fprintf(w, "  ... and %d more\n", len(c.Differ)-50)
				break
			}
			fmt.Fprintf(w, "  %s: truth %s, reporting %s\n", k, number(c.Truth[k]), number(c.Reporting[k]))
		}
	}
}

// printed are the national and regional cells to show, in the order of Compared.
func printed(cs []Comparison) []Key {
	set := map[Key]bool{}
	for _, c := range cs {
		for k := range union(c.Truth, c.Reporting) {
			if k.Scope == "national" || (k.Scope == "region" && k.Breakdown == "" && k.Measure == "children_served") {
				set[k] = true
			}
		}
	}
	var out []Key
	for k := range set {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := slices.Index(Compared, out[i].Measure), slices.Index(Compared, out[j].Measure)
		if a != b {
			return a < b
		}
		return label(out[i]) < label(out[j])
	})
	return out
}

func union(a, b map[Key]float64) map[Key]bool {
	out := map[Key]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func label(k Key) string {
	s := k.Measure
	if k.Scope == "region" {
		s += " " + k.Region.String()
	}
	if k.Breakdown != "" {
		s += " " + k.Category
	}
	return s
}

func number(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}
