// Command benchreport turns `go test -bench` output from services/platform/benchmarks into the
// Markdown table of docs/performance.md: each benchmark next to the raw baseline measured in the
// same run, the ratio, the target and whether it was met, then the facts of the machine.
//
//	go test -run '^$' -bench . ./services/platform/benchmarks/ | tee bench.out
//	go run ./tools/benchreport < bench.out
//
// It never fails because a target was missed: a report is not a test. It fails only when the
// input holds no benchmark results at all (the benchmarks did not run).
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// comparison is one target of the performance issue: a benchmark against its raw baseline (at
// least MinRatio of its rate), or against an absolute rate (at least MinRate events/s).
type comparison struct {
	Label     string
	Benchmark string
	Baseline  string
	MinRatio  float64
	MinRate   float64
}

var comparisons = []comparison{
	{Label: "(a) single-event appends, 16 writers", Benchmark: "AppendSingle16", Baseline: "RawInsertSingle16", MinRatio: 0.60},
	{Label: "(b) 100-event appends, 4 writers", Benchmark: "AppendBatch100", Baseline: "RawInsertBatch100", MinRatio: 0.50},
	{Label: "(c) relay publish", Benchmark: "RelayPublish", Baseline: "RawPublishAsync", MinRatio: 0.50},
	{Label: "(d) consumer with inbox and projection", Benchmark: "Consumer", MinRate: 20_000},
}

// rateUnit is the metric the benchmarks report.
const rateUnit = "events/s"

// results is what one `go test -bench` output says.
type results struct {
	// rates holds each benchmark's events/s, one value per -count repetition.
	rates map[string][]float64
	// order is the order benchmarks first appeared in.
	order []string
	// header holds goos, goarch, pkg and cpu.
	header map[string]string
	// postgres holds the server settings the benchmarks logged ("postgres settings: k=v ...").
	postgres map[string]string
}

// parse reads `go test -bench` output. Lines it does not know are skipped.
func parse(r io.Reader) (*results, error) {
	out := &results{rates: map[string][]float64{}, header: map[string]string{}, postgres: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if _, settings, ok := strings.Cut(line, "postgres settings:"); ok {
			for name, value := range pairs(settings) {
				out.postgres[name] = value
			}
			continue
		}
		for _, key := range []string{"goos", "goarch", "pkg", "cpu"} {
			if v, ok := strings.CutPrefix(line, key+":"); ok {
				out.header[key] = strings.TrimSpace(v)
			}
		}
		name, rate, ok := result(line)
		if !ok {
			continue
		}
		if _, seen := out.rates[name]; !seen {
			out.order = append(out.order, name)
		}
		out.rates[name] = append(out.rates[name], rate)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark output: %w", err)
	}
	return out, nil
}

// result reads a result line, "BenchmarkName-2  10  123 ns/op  4567 events/s", into the name
// without its GOMAXPROCS suffix and the events/s figure.
func result(line string) (string, float64, bool) {
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
		return "", 0, false
	}
	if _, err := strconv.Atoi(fields[1]); err != nil {
		return "", 0, false // a "--- BENCH:" header or a benchmark that printed its name only
	}
	name := strings.TrimPrefix(fields[0], "Benchmark")
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	for i := 2; i+1 < len(fields); i += 2 {
		if fields[i+1] == rateUnit {
			v, err := strconv.ParseFloat(fields[i], 64)
			return name, v, err == nil
		}
	}
	return "", 0, false
}

// pairs reads "k=v k=v" words; a value may not hold spaces, except the server version's, which is
// cut at the first space.
func pairs(s string) map[string]string {
	out := map[string]string{}
	var last string
	for _, word := range strings.Fields(s) {
		k, v, ok := strings.Cut(word, "=")
		if !ok {
			if last != "" {
				out[last] += " " + word
			}
			continue
		}
		out[k], last = v, k
	}
	return out
}

// rate is a benchmark's events/s: the median of its repetitions.
func (r *results) rate(name string) (float64, bool) {
	v := slices.Clone(r.rates[name])
	if len(v) == 0 {
		return 0, false
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}

// facts are the machine's, for the report's footer.
type facts struct {
	CPUs      int
	GoVersion string
	Date      time.Time
}

func report(w io.Writer, r *results, f facts) {
	fmt.Fprintln(w, "| item | benchmark | events/s | baseline | baseline events/s | ratio | target | met |")
	fmt.Fprintln(w, "|---|---|---:|---|---:|---:|---|---|")
	known := map[string]bool{}
	for _, c := range comparisons {
		known[c.Benchmark], known[c.Baseline] = true, true
		fmt.Fprintln(w, "| "+strings.Join(row(c, r), " | ")+" |")
	}
	var others []string
	for _, name := range r.order {
		if !known[name] {
			rate, _ := r.rate(name)
			others = append(others, fmt.Sprintf("- %s: %s %s", name, thousands(rate), rateUnit))
		}
	}
	if len(others) > 0 {
		fmt.Fprintln(w, "\nOther benchmarks in the run:")
		for _, o := range others {
			fmt.Fprintln(w, o)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- machine: %d CPUs (%s), %s/%s\n", f.CPUs, orUnknown(r.header["cpu"]), orUnknown(r.header["goos"]), orUnknown(r.header["goarch"]))
	fmt.Fprintf(w, "- Go: %s\n", f.GoVersion)
	if len(r.postgres) == 0 {
		fmt.Fprintln(w, "- PostgreSQL: settings not recorded")
	} else {
		names := make([]string, 0, len(r.postgres))
		for name := range r.postgres {
			names = append(names, name)
		}
		slices.Sort(names)
		settings := make([]string, len(names))
		for i, name := range names {
			settings[i] = name + "=" + r.postgres[name]
		}
		fmt.Fprintf(w, "- PostgreSQL: %s\n", strings.Join(settings, ", "))
	}
	fmt.Fprintf(w, "- date: %s\n", f.Date.UTC().Format("2006-01-02 15:04 MST"))
}

// row is a comparison's line of the table.
func row(c comparison, r *results) []string {
	rate, ok := r.rate(c.Benchmark)
	cells := []string{c.Label, c.Benchmark, "not run", "—", "—", "—", "", "not run"}
	if ok {
		cells[2] = thousands(rate)
	}
	if c.Baseline == "" {
		cells[6] = "≥ " + thousands(c.MinRate) + " " + rateUnit
		if ok {
			cells[7] = yesNo(rate >= c.MinRate)
		}
		return cells
	}
	cells[3], cells[6] = c.Baseline, fmt.Sprintf("≥ %.0f%% of baseline", c.MinRatio*100)
	base, baseOK := r.rate(c.Baseline)
	if !baseOK {
		cells[4] = "not run"
		return cells
	}
	cells[4] = thousands(base)
	if ok && base > 0 {
		cells[5] = fmt.Sprintf("%.1f%%", rate/base*100)
		cells[7] = yesNo(rate/base >= c.MinRatio)
	}
	return cells
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// thousands formats a rate as a whole number with thousands separators: 12345.6 -> "12,346".
func thousands(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// settingFlags collects repeated -postgres name=value flags.
type settingFlags map[string]string

func (s settingFlags) String() string { return fmt.Sprint(map[string]string(s)) }

func (s settingFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("want name=value, got %q", v)
	}
	s[name] = value
	return nil
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	postgres := settingFlags{}
	fs.Var(postgres, "postgres", "a PostgreSQL setting to report, name=value (repeatable; overrides what the benchmarks logged)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := parse(stdin)
	if err != nil {
		return err
	}
	if len(r.rates) == 0 {
		return errors.New("no benchmark results with " + rateUnit + " in the input: did the benchmarks run?")
	}
	for name, value := range postgres {
		r.postgres[name] = value
	}
	report(stdout, r, facts{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Date: time.Now()})
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}
