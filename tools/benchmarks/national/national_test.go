// Package national benchmarks reporting's rebuild on a whole national year: the streams of a
// simulated year (familytime simulate through the real services, make national-year), cached in
// a dev data folder between runs because a year at full scale takes about half an hour to make here.
package national_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// Complete marks a data folder whose simulated year finished (make national-year writes it last).
const Complete = "national-year-complete"

// year is the cached national year's platform, started once for the package's benchmarks.
type year struct {
	platform  *devserver.Platform
	reporting reportingv1.ReportingServiceClient
	admin     context.Context // carries an admin's token
	js        jetstream.JetStream
	closers   []func()
}

var (
	started  *year
	startErr error
	once     sync.Once
)

func TestMain(m *testing.M) {
	code := m.Run()
	if started != nil {
		for _, c := range slices.Backward(started.closers) {
			c()
		}
	}
	os.Exit(code)
}

// national starts the platform of the cached year, or skips when there is none.
func national(b *testing.B) *year {
	dir := os.Getenv("FT_NATIONAL_YEAR")
	if dir == "" {
		b.Skip("FT_NATIONAL_YEAR is not set (make bench sets it to the folder make national-year fills)")
	}
	if _, err := os.Stat(filepath.Join(dir, Complete)); err != nil {
		b.Skipf("no national year in %s: run make national-year first (scale 1.0 takes about half an hour on 2 cores)", dir)
	}
	once.Do(func() { started, startErr = start(dir) })
	must(b, startErr)
	return started
}

func start(dir string) (*year, error) {
	ctx := context.Background()
	y := &year{}
	// The year's own private PostgreSQL and NATS, from its folder, on its simulated clock.
	p, err := devserver.Start(ctx, devserver.Config{DataDir: dir, Clock: devserver.ClockSimulated})
	if err != nil {
		return nil, err
	}
	y.platform = p
	y.closers = append(y.closers, func() { _ = p.Stop(context.Background()) })
	if _, err := p.Settle(ctx); err != nil {
		return y, err
	}
	key, err := auth.LoadOrCreateDevKey(devserver.DevKeyFile(dir))
	if err != nil {
		return y, err
	}
	token, err := auth.Mint(key, auth.MintOptions{Issuer: devserver.Issuer, Audience: devserver.Audience,
		Subject: "bench", Roles: []auth.Role{auth.RoleAdmin}, TTL: 24 * time.Hour})
	if err != nil {
		return y, err
	}
	y.admin = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	cc, err := grpc.NewClient(p.Info.Services["reporting"], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return y, err
	}
	y.closers = append(y.closers, func() { _ = cc.Close() })
	y.reporting = reportingv1.NewReportingServiceClient(cc)
	nc, err := nats.Connect(p.Info.NATSURL)
	if err != nil {
		return y, err
	}
	y.closers = append(y.closers, nc.Close)
	y.js, err = jetstream.New(nc)
	return y, err
}

// BenchmarkRebuildNationalYear: reporting rebuilt through RebuildProjections from every stream of
// the cached national year, from the call to the swap (events/s). The old tables are dropped after
// the swap, uncounted: the new ones are live by then.
func BenchmarkRebuildNationalYear(b *testing.B) {
	y := national(b)
	var events int64
	var took time.Duration
	for b.Loop() {
		n, d := rebuild(y.admin, b, y.reporting)
		events, took = events+n, took+d
	}
	b.ReportMetric(float64(events)/float64(b.N), "events")
	b.ReportMetric(float64(events)/took.Seconds(), "events/s")
}

// BenchmarkRawReadNationalYear: the baseline, the same streams read from their first message
// with ordered consumers, each envelope decoded, nothing written (events/s).
func BenchmarkRawReadNationalYear(b *testing.B) {
	y := national(b)
	var events int64
	start := time.Now()
	for b.Loop() {
		events += rawRead(b, y.js)
	}
	b.ReportMetric(float64(events)/float64(b.N), "events")
	b.ReportMetric(float64(events)/time.Since(start).Seconds(), "events/s")
}

// rebuild runs one rebuild to its end and returns the events it replayed and the time from the
// call to the swap.
func rebuild(ctx context.Context, b *testing.B, reporting reportingv1.ReportingServiceClient) (int64, time.Duration) {
	start := time.Now()
	stream, err := reporting.RebuildProjections(ctx, &reportingv1.RebuildProjectionsRequest{})
	must(b, err)
	var events int64
	var took time.Duration
	for {
		p, err := stream.Recv()
		if err == io.EOF {
			if took == 0 {
				b.Fatal("the rebuild ended without its swap")
			}
			return events, took
		}
		must(b, err)
		if p.GetSkipped() > 0 {
			// A year made before the bus key (decisions.md 149) carries no MACs: the rebuild skips
			// every event, and would time nothing worth having.
			b.Fatalf("the rebuild skipped %d events of the cached year: a year made before the bus key cannot be rebuilt; "+
				"remove %s and run make national-year", p.GetSkipped(), os.Getenv("FT_NATIONAL_YEAR"))
		}
		if p.GetSwapped() {
			events, took = p.GetEvents(), time.Since(start)
		}
	}
}

// rawRead reads the three streams from their first message with ordered consumers, decoding each
// envelope, as BenchmarkRawJetStreamRead in services/reporting/benchmarks does.
func rawRead(b *testing.B, js jetstream.JetStream) int64 {
	ctx := context.Background()
	var events int64
	for _, svc := range []string{"referral", "scheduling", "safeguarding"} {
		s, err := js.Stream(ctx, bus.StreamName(svc))
		must(b, err)
		info, err := s.Info(ctx)
		must(b, err)
		if info.State.Msgs == 0 {
			continue
		}
		cons, err := js.OrderedConsumer(ctx, bus.StreamName(svc), jetstream.OrderedConsumerConfig{})
		must(b, err)
		it, err := cons.Messages(jetstream.PullMaxMessages(2000))
		must(b, err)
		for {
			msg, err := it.Next()
			must(b, err)
			env := &commonv1.EventEnvelope{}
			must(b, proto.Unmarshal(msg.Data(), env))
			events++
			meta, err := msg.Metadata()
			must(b, err)
			if meta.Sequence.Stream >= info.State.LastSeq {
				break
			}
		}
		it.Stop()
	}
	return events
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
