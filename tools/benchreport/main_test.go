package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// testdata/bench.out is the output of a real `make bench` run on the 2-core development machine.
func TestParseRealOutput(t *testing.T) {
	f, err := os.Open("testdata/bench.out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := parse(f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"AppendSingle16": 4192, "RawInsertSingle16": 6217, "AppendBatch100": 33324, "RawInsertBatch100": 87703,
		"Consumer": 7939, "RelayPublish": 36778, "RawPublishAsync": 67812,
	}
	for name, rate := range want {
		if got, ok := r.rate(name); !ok || got != rate {
			t.Errorf("rate(%s) = %v, %v; want %v", name, got, ok, rate)
		}
	}
	if len(r.rates) != len(want) {
		t.Errorf("parsed %d benchmarks, want %d: %v", len(r.rates), len(want), r.order)
	}
	if r.header["cpu"] != "Oxide Virtual Turin-like Processor" || r.header["goos"] != "linux" {
		t.Errorf("header = %v", r.header)
	}
	for name, value := range map[string]string{"fsync": "on", "synchronous_commit": "on",
		"server_version": "15.20 (Debian 15.20-0+deb12u1)", "shared_buffers": "128MB"} {
		if r.postgres[name] != value {
			t.Errorf("postgres %s = %q, want %q", name, r.postgres[name], value)
		}
	}

	var out bytes.Buffer
	report(&out, r, facts{CPUs: 2, GoVersion: "go1.26.8", Date: time.Date(2026, 11, 24, 9, 32, 0, 0, time.UTC)})
	for _, line := range []string{
		"| (a) single-event appends, 16 writers | AppendSingle16 | 4,192 | RawInsertSingle16 | 6,217 | 67.4% | ≥ 60% of baseline | yes |",
		"| (b) 100-event appends, 4 writers | AppendBatch100 | 33,324 | RawInsertBatch100 | 87,703 | 38.0% | ≥ 50% of baseline | no |",
		"| (c) relay publish | RelayPublish | 36,778 | RawPublishAsync | 67,812 | 54.2% | ≥ 50% of baseline | yes |",
		"| (d) consumer with inbox and projection | Consumer | 7,939 | — | — | — | ≥ 20,000 events/s | no |",
		"- machine: 2 CPUs (Oxide Virtual Turin-like Processor), linux/amd64",
		"- PostgreSQL: fsync=on, full_page_writes=on, server_version=15.20 (Debian 15.20-0+deb12u1), shared_buffers=128MB, synchronous_commit=on, wal_sync_method=fdatasync",
		"- date: 2026-11-24 09:32 UTC",
	} {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("report lacks %q; report:\n%s", line, out.String())
		}
	}
}

func TestResult(t *testing.T) {
	tests := []struct {
		line string
		name string
		rate float64
		ok   bool
	}{
		{"BenchmarkConsumer-2   1	6298229361 ns/op	7939 events/s", "Consumer", 7939, true},
		{"BenchmarkAppendBatch100-16 10 3 ns/op 12.5 events/s 4 B/op", "AppendBatch100", 12.5, true},
		{"BenchmarkNoProcs 10 3 ns/op 7 events/s", "NoProcs", 7, true},
		{"BenchmarkOther-2 10 3 ns/op", "", 0, false},
		{"--- BENCH: BenchmarkConsumer-2", "", 0, false},
		{"BenchmarkConsumer-2", "", 0, false},
		{"ok  	github.com/x	58.250s", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			name, figures, ok := result(tt.line)
			if rate := figures[rateUnit]; name != tt.name || rate != tt.rate || ok != tt.ok {
				t.Errorf("result = %q, %v, %v; want %q, %v, %v", name, rate, ok, tt.name, tt.rate, tt.ok)
			}
		})
	}
}

// A service's benchmark reports requests/s and p99; the report sets its rate against the
// platform's single-event appends of the same run and checks its latency target.
func TestServicesTable(t *testing.T) {
	serviceTargets["GetDaySheet50"] = 10
	t.Cleanup(func() { delete(serviceTargets, "GetDaySheet50") })
	var out bytes.Buffer
	err := run(nil, strings.NewReader("BenchmarkAppendSingle16-2 10 1 ns/op 10000 events/s\n"+
		"BenchmarkSubmitReferral-2 10 1 ns/op 2500 requests/s 12.5 p99-ms\n"+
		"BenchmarkGetDaySheet50-2 10 1 ns/op 900 requests/s 4.25 p99-ms\n"), &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"| SubmitReferral | 2,500 | 12.50 | 25.0% |  |  |",
		"| GetDaySheet50 | 900 | 4.25 | 9.0% | p99 < 10 ms | yes |",
	} {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("report lacks %q; report:\n%s", line, out.String())
		}
	}
	if strings.Contains(out.String(), "- SubmitReferral:") {
		t.Errorf("a service benchmark is not listed again among the others:\n%s", out.String())
	}
}

// The peer's benchmarks are set against the platform's of the same run: ours/peer, its target,
// and what each side guarantees; a peer benchmark that did not run says so.
func TestPeersTable(t *testing.T) {
	var out bytes.Buffer
	err := run(nil, strings.NewReader("BenchmarkAppendSingle16-2 10 1 ns/op 11000 events/s\n"+
		"BenchmarkPeerAppendSingle16-2 10 1 ns/op 10000 events/s\n"+
		"BenchmarkRelayPublish-2 1 1 ns/op 60000 events/s\n"+
		"BenchmarkPeerRelay-2 1 1 ns/op 7500 events/s\n"+
		"BenchmarkConsumer-2 1 1 ns/op 50000 events/s\n"), &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"| (a) single-event appends, 16 writers | AppendSingle16 | 11,000 | PeerAppendSingle16 | 10,000 | 1.10× | ≥ 1× | yes | " +
			peers[0].OursGuarantees + " | " + peers[0].PeerGuarantees + " |",
		"| (c) relay, PostgreSQL to JetStream | RelayPublish | 60,000 | PeerRelay | 7,500 | 8.00× | ≥ 10× | no | ",
		"| (d) consumer: inbox row, projection row, ack after commit | Consumer | 50,000 | PeerConsumer | not run | — | ≥ 10× | not run | ",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("report lacks %q; report:\n%s", line, out.String())
		}
	}
	if strings.Contains(out.String(), "- PeerRelay:") {
		t.Errorf("a peer benchmark is not listed again among the others:\n%s", out.String())
	}
	out.Reset()
	if err := run(nil, strings.NewReader("BenchmarkConsumer-2 1 1 ns/op 50000 events/s\n"), &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Peers") {
		t.Errorf("no peer table when no peer ran:\n%s", out.String())
	}
}

// With -count above 1, a benchmark's rate is the median of its runs.
func TestRateIsMedian(t *testing.T) {
	r, err := parse(strings.NewReader("BenchmarkConsumer-2 1 1 ns/op 30 events/s\n" +
		"BenchmarkConsumer-2 1 1 ns/op 10 events/s\nBenchmarkConsumer-2 1 1 ns/op 20 events/s\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.rate("Consumer"); got != 20 {
		t.Errorf("rate = %v, want the median 20", got)
	}
}

// A missed target is reported, never an error; no results at all is.
func TestRunFailsOnlyWithoutResults(t *testing.T) {
	var out bytes.Buffer
	if err := run(nil, strings.NewReader("FAIL\tgithub.com/x [build failed]\n"), &out); err == nil {
		t.Error("no results: want an error")
	}
	out.Reset()
	err := run([]string{"-postgres", "fsync=off"}, strings.NewReader("BenchmarkConsumer-2 1 1 ns/op 5 events/s\n"), &out)
	if err != nil {
		t.Fatalf("a missed target: %v", err)
	}
	if !strings.Contains(out.String(), "| Consumer | 5 |") || !strings.Contains(out.String(), "| no |") ||
		!strings.Contains(out.String(), "fsync=off") {
		t.Errorf("report:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "| AppendSingle16 | not run |") {
		t.Errorf("a benchmark missing from the input is shown as not run:\n%s", out.String())
	}
}

func TestThousands(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 87703.4: "87,703", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := thousands(v); got != want {
			t.Errorf("thousands(%v) = %q, want %q", v, got, want)
		}
	}
}
