// Command benchreport turns `go test -bench` output from services/platform/benchmarks into the
// Markdown table of docs/performance.md: each benchmark next to the raw baseline measured in the
// same run, the ratio, the target and whether it was met; the same workloads against a peer
// (services/platform/benchmarks/peer) with what each side guarantees; then the facts of the
// machine.
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
	{Label: "(e) reporting rebuild", Benchmark: "Rebuild", Baseline: "RawJetStreamRead", MinRatio: 0.40},
	{Label: "(f) reporting rebuild of a national year", Benchmark: "RebuildNationalYear", Baseline: "RawReadNationalYear", MinRatio: 0.40},
	{Label: "(g) reporting rebuild of a national year, rate", Benchmark: "RebuildNationalYear", MinRate: 100_000},
}

// peer is one of the platform's workloads measured against a peer (Watermill, in
// services/platform/benchmarks/peer) in the same run: ours at least MinRatio times the peer's rate.
// The guarantees are data, printed beside the figures: a rate means little without what it buys.
type peer struct {
	Label          string
	Ours           string
	Peer           string
	MinRatio       float64
	OursGuarantees string
	PeerGuarantees string
}

var peers = []peer{
	{Label: "(a) single-event appends, 16 writers", Ours: "AppendSingle16", Peer: "PeerAppendSingle16", MinRatio: 1,
		OursGuarantees: "per-stream order and optimistic concurrency (UNIQUE (stream, version)), hash chain, the unit's events the transaction's first write",
		PeerGuarantees: "the rows of one Publish in order, in the caller's transaction; no stream, version or conflict check"},
	{Label: "(b) 100-event appends, 4 writers", Ours: "AppendBatch100", Peer: "PeerAppendBatch100", MinRatio: 1,
		OursGuarantees: "as (a), 100 events of one stream in one COPY",
		PeerGuarantees: "as (a), 100 rows in one INSERT"},
	{Label: "(c) relay, PostgreSQL to JetStream", Ours: "RelayPublish", Peer: "PeerRelay", MinRatio: 10,
		OursGuarantees: "commit order; each publish chained to the one before (nothing overtakes a failed one), deduplicated by event id; checkpoint after acknowledgements",
		PeerGuarantees: "outbox order, one message at a time (a synchronous publish each); deduplicated by message id; offset after each batch of 100"},
	{Label: "(d) consumer: inbox row, projection row, ack after commit", Ours: "Consumer", Peer: "PeerConsumer", MinRatio: 10,
		OursGuarantees: "exactly-once effects (inbox row in the handler's transaction); each family's and stream's order kept, also across restarts and redeliveries (cursor per stream)",
		PeerGuarantees: "exactly-once effects (the same inbox row, written by the handler); stream order while one subscriber handles one message at a time, lost on a redelivery (a nack or an ack timeout redelivers later)"},
}

// rateUnit is the metric the platform's benchmarks report.
const rateUnit = "events/s"

// Services' benchmarks drive a service through gRPC as clients do: they report requests/s and the
// 99th percentile of a request's latency, in milliseconds.
const (
	requestUnit = "requests/s"
	p99Unit     = "p99-ms"
)

// serviceTargets are the latency targets of services' benchmarks (99th percentile, ms), by name.
var serviceTargets = map[string]float64{"GetDaySheet": 10, "GetFamilyHistory1000": 5, "CommandToReporting": 50}

// serviceBaseline is what a service's requests/s is set against: the platform's single-event
// append rate in the same run, the floor under every command that records one event.
const serviceBaseline = "AppendSingle16"

// results is what one `go test -bench` output says.
type results struct {
	// rates holds each benchmark's events/s, one value per -count repetition.
	rates map[string][]float64
	// metrics holds every benchmark's other figures by unit (requests/s, p99-ms), likewise.
	metrics map[string]map[string][]float64
	// order is the order benchmarks first appeared in.
	order []string
	// header holds goos, goarch, pkg and cpu.
	header map[string]string
	// postgres holds the server settings the benchmarks logged ("postgres settings: k=v ...").
	postgres map[string]string
}

// parse reads `go test -bench` output. Lines it does not know are skipped.
func parse(r io.Reader) (*results, error) {
	out := &results{rates: map[string][]float64{}, metrics: map[string]map[string][]float64{},
		header: map[string]string{}, postgres: map[string]string{}}
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
		name, figures, ok := result(line)
		if !ok {
			continue
		}
		if _, seen := out.metrics[name]; !seen {
			out.order = append(out.order, name)
			out.metrics[name] = map[string][]float64{}
		}
		for unit, v := range figures {
			if unit == rateUnit {
				out.rates[name] = append(out.rates[name], v)
			} else {
				out.metrics[name][unit] = append(out.metrics[name][unit], v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark output: %w", err)
	}
	return out, nil
}

// result reads a result line, "BenchmarkName-2  10  123 ns/op  4567 events/s", into the name
// without its GOMAXPROCS suffix and its figures by unit (events/s, requests/s, p99-ms; not the
// standard ns/op, B/op, allocs/op). A line with none of those is not a result.
func result(line string) (string, map[string]float64, bool) {
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
		return "", nil, false
	}
	if _, err := strconv.Atoi(fields[1]); err != nil {
		return "", nil, false // a "--- BENCH:" header or a benchmark that printed its name only
	}
	name := strings.TrimPrefix(fields[0], "Benchmark")
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	figures := map[string]float64{}
	for i := 2; i+1 < len(fields); i += 2 {
		switch unit := fields[i+1]; unit {
		case rateUnit, requestUnit, p99Unit:
			if v, err := strconv.ParseFloat(fields[i], 64); err == nil {
				figures[unit] = v
			}
		}
	}
	if len(figures) == 0 {
		return "", nil, false
	}
	return name, figures, true
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
func (r *results) rate(name string) (float64, bool) { return median(r.rates[name]) }

// metric is a benchmark's figure in unit: the median of its repetitions.
func (r *results) metric(name, unit string) (float64, bool) { return median(r.metrics[name][unit]) }

func median(values []float64) (float64, bool) {
	v := slices.Clone(values)
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
	peerTable(w, r, known)
	services(w, r, known)
	var others []string
	for _, name := range r.order {
		if rate, ok := r.rate(name); ok && !known[name] {
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

// peerTable prints the platform's workloads against the peer's, when the run measured the peer.
func peerTable(w io.Writer, r *results, known map[string]bool) {
	ran := false
	for _, p := range peers {
		if _, ok := r.rate(p.Peer); ok {
			ran = true
		}
	}
	if !ran {
		return
	}
	fmt.Fprintln(w, "\nPeers (Watermill), same run, same servers:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| item | ours | events/s | peer | events/s | ours/peer | target | met | guarantees: ours | guarantees: peer |")
	fmt.Fprintln(w, "|---|---|---:|---|---:|---:|---|---|---|---|")
	for _, p := range peers {
		known[p.Peer] = true
		cells := []string{p.Label, p.Ours, "not run", p.Peer, "not run", "—", fmt.Sprintf("≥ %g×", p.MinRatio), "not run",
			p.OursGuarantees, p.PeerGuarantees}
		ours, oursOK := r.rate(p.Ours)
		if oursOK {
			cells[2] = thousands(ours)
		}
		theirs, theirsOK := r.rate(p.Peer)
		if theirsOK {
			cells[4] = thousands(theirs)
		}
		if oursOK && theirsOK && theirs > 0 {
			cells[5] = fmt.Sprintf("%.2f×", ours/theirs)
			cells[7] = yesNo(ours/theirs >= p.MinRatio)
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
}

// services prints the table of the services' benchmarks: requests/s and p99, each service's rate
// against the platform's single-event append rate in the same run, and latency targets.
func services(w io.Writer, r *results, known map[string]bool) {
	var names []string
	for _, name := range r.order {
		if _, ok := r.metric(name, requestUnit); ok {
			names = append(names, name)
		} else if _, ok := r.metric(name, p99Unit); ok {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	base, baseOK := r.rate(serviceBaseline)
	fmt.Fprintln(w, "\nServices, through gRPC:")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| benchmark | %s | p99 (ms) | vs %s | target | met |\n", requestUnit, serviceBaseline)
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---|")
	for _, name := range names {
		known[name] = true
		cells := []string{name, "—", "—", "—", "", ""}
		if rate, ok := r.metric(name, requestUnit); ok {
			cells[1] = thousands(rate)
			if baseOK && base > 0 {
				cells[3] = fmt.Sprintf("%.1f%%", rate/base*100)
			}
		}
		p99, hasP99 := r.metric(name, p99Unit)
		if hasP99 {
			cells[2] = strconv.FormatFloat(p99, 'f', 2, 64)
		}
		if target, ok := serviceTargets[name]; ok {
			cells[4] = fmt.Sprintf("p99 < %g ms", target)
			cells[5] = "not run"
			if hasP99 {
				cells[5] = yesNo(p99 < target)
			}
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
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
	if len(r.metrics) == 0 {
		return errors.New("no benchmark results with " + rateUnit + " or " + requestUnit + " in the input: did the benchmarks run?")
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
