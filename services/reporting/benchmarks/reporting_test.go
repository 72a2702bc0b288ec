// Package benchmarks measures the reporting service as it runs: its consumers on JetStream, its
// projections in PostgreSQL, its gRPC API with token checks. The three services it reads are
// stood in for by event logs of their own whose relays publish to their streams. `make bench` runs
// it; tools/benchreport sets GetFamilyHistory1000 and CommandToReporting against their latency
// targets and the rebuild against a raw JetStream read of the same streams.
package benchmarks

import (
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/reporting"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const issuer = "https://id.test"

type rig struct {
	addr   string
	key    ed25519.PrivateKey
	pool   *pgxpool.Pool
	js     jetstream.JetStream
	nc     *nats.Conn
	stores map[string]*eventstore.Store
}

func newRig(b *testing.B) *rig {
	ctx := context.Background()
	db := testkit.Postgres(b)
	db.Migrate(b, reporting.Migrations()...)
	g := &rig{pool: db.OwnerPool(b), stores: map[string]*eventstore.Store{}}
	srv := testkit.NATS(b)
	nc, js := srv.Connect(b)
	g.js, g.nc = js, nc
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, name := range []string{"referral", "scheduling", "safeguarding"} {
		src := testkit.Postgres(b)
		src.Migrate(b, eventstore.Migrations())
		g.stores[name] = eventstore.New(src.Pool(b)).SignWith(testkit.BusKey.ForLog(name))
		must(b, ignore(bus.EnsureStream(ctx, js, name, bus.StreamOptions{})))
		// The relays run as the services run them: woken by their store's commits, otherwise
		// relay.Config's 20 ms idle poll (a shorter poll would flatter CommandToReporting and
		// load the 2 cores the others share).
		r, err := relay.New(src.Pool(b), nc, relay.Config{Key: testkit.BusKey, Service: name, Logger: log, Wake: g.stores[name].Committed()})
		must(b, err)
		background(b, r.Run)
	}
	svc, err := reporting.New(host.Deps{BusKey: testkit.BusKey, Pool: db.Pool(b), NATS: nc, Logger: log})
	must(b, err)
	g.key, err = auth.LoadOrCreateDevKey(filepath.Join(b.TempDir(), "signing.pem"))
	must(b, err)
	pub, err := auth.PublicKeyPEM(g.key.Public().(ed25519.PublicKey))
	must(b, err)
	keyFile := filepath.Join(b.TempDir(), "public.pem")
	must(b, os.WriteFile(keyFile, pub, 0o600))
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: "familytime", KeyFile: keyFile})
	must(b, err)
	running, err := host.Start(ctx, svc, verifier, log, "127.0.0.1:0")
	must(b, err)
	b.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		running.Stop(stop)
	})
	g.addr = running.Addr
	return g
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

func ignore[T any](_ T, err error) error { return err }

func background(b *testing.B, fn func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); fn(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
}

func (g *rig) client(b *testing.B, roles []auth.Role, centres ...uuid.UUID) reportingv1.ReportingServiceClient {
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: "familytime", Subject: "bench",
		Roles: roles, Centres: centres, TTL: time.Hour})
	must(b, err)
	conn, err := grpcx.Dial(g.addr, tok)
	must(b, err)
	b.Cleanup(func() { conn.Close() })
	return reportingv1.NewReportingServiceClient(conn)
}

// append records n events of one stream in one unit; it returns when they are committed.
func (g *rig) append(b *testing.B, service, stream string, from int64, family, centre uuid.UUID, msgs ...proto.Message) {
	events := make([]eventstore.Event, len(msgs))
	for i, m := range msgs {
		e, err := eventstore.NewEvent(m, family, centre, eventstore.Metadata{Actor: "bench"})
		must(b, err)
		events[i] = e
	}
	must(b, ignore(g.stores[service].Append(context.Background(), stream, from, events...)))
}

// waitFor polls reporting's database until query returns want.
func (g *rig) waitFor(b *testing.B, want int, query string, args ...any) {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var n int
		must(b, g.pool.QueryRow(context.Background(), query, args...).Scan(&n))
		if n >= want {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("reporting has %d of %d", n, want)
		}
		time.Sleep(time.Millisecond) // polling the database, not waiting for a time to pass
	}
}

// family records a family with n events: its referral, then bookings and completed sessions in
// scheduling's family stream.
func (g *rig) family(b *testing.B, n int) (family, centre uuid.UUID) {
	family, centre = uuid.New(), uuid.New()
	r := uuid.NewString()
	g.append(b, "referral", "referral-"+r, eventstore.NoStream, family, centre, &referralv1.ReferralReceived{ReferralId: r, FamilyId: family.String(),
		CentreId: centre.String(), Source: commonv1.ReferralSource_REFERRAL_SOURCE_COURT, RequestedServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
		ReceivedOn: &commonv1.Date{Year: 2026, Month: 1, Day: 5}})
	var msgs []proto.Message
	for i := range n - 1 {
		booking := uuid.NewString()
		day := &commonv1.Date{Year: 2026, Month: int32(1 + i%12), Day: int32(1 + i%28)}
		if i%2 == 0 {
			msgs = append(msgs, &schedulingv1.SessionBooked{BookingId: booking, FamilyId: family.String(), CentreId: centre.String(), SessionDate: day, ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED})
		} else {
			msgs = append(msgs, &schedulingv1.SessionCompleted{BookingId: booking, FamilyId: family.String(), CentreId: centre.String(), SessionDate: day, ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
				Children: []*schedulingv1.AttendingChild{{PersonId: uuid.NewString(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}})
		}
	}
	for i := 0; i < len(msgs); i += 500 {
		end := min(i+500, len(msgs))
		g.append(b, "scheduling", "family-"+family.String(), int64(i), family, centre, msgs[i:end]...)
	}
	g.waitFor(b, n, `SELECT count(*) FROM reporting.history_events WHERE family_id = $1`, family)
	// What autovacuum does for a table that has grown (PostgreSQL's insert threshold): statistics
	// and the visibility map. Without them a table made a second ago is planned as if it held a
	// few rows, and the history's index-only scan is not chosen.
	_, err := g.pool.Exec(context.Background(), `VACUUM (ANALYZE) reporting.history_events`)
	must(b, err)
	return family, centre
}

func report(b *testing.B, latencies []time.Duration, elapsed time.Duration) {
	slices.Sort(latencies)
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "requests/s")
	b.ReportMetric(float64(latencies[(len(latencies)*99)/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkGetFamilyHistory1000: a coordinator reads the history of a family with 1,000 events
// through gRPC (target: p99 under 5 ms).
func BenchmarkGetFamilyHistory1000(b *testing.B) {
	g := newRig(b)
	family, centre := g.family(b, 1000)
	// The coordinator is on the centre's staff register, as reporting keeps it (decision 110):
	// each call reads it.
	today := dates.Proto(dates.InUK(time.Now()))
	g.append(b, "scheduling", staff.Stream(centre), eventstore.NoStream, uuid.Nil, centre, &schedulingv1.StaffMemberAdded{CentreId: centre.String(),
		AccountId: "bench", Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, JoinedOn: today, DbsCheckedOn: today, TrainedOn: today})
	g.waitFor(b, 1, `SELECT count(*) FROM staff_register_events WHERE centre_id = $1`, centre)
	c := g.client(b, []auth.Role{auth.RoleCoordinator}, centre)
	req := &reportingv1.GetFamilyHistoryRequest{FamilyId: family.String(), CentreId: centre.String(), Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW}
	ctx := context.Background()
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		t := time.Now()
		resp, err := c.GetFamilyHistory(ctx, req)
		latencies = append(latencies, time.Since(t))
		if err != nil || len(resp.GetEntries()) != 1000 {
			b.Fatalf("history: %v, %d entries", err, len(resp.GetEntries()))
		}
	}
	report(b, latencies, time.Since(start))
}

// BenchmarkCommandToReporting: an event committed in a service's log (a completed session) until
// reporting's figures count it: relay, JetStream, consumer, projection (target: p99 under 50 ms).
// It also reports the two halves: until the event is in the stream (the append's commit and the
// relay, whose idle poll is 20 ms), seen by a plain NATS subscriber on the stream's subjects; and
// from there until reporting has projected it (JetStream, reporting's consumer and transaction).
func BenchmarkCommandToReporting(b *testing.B) {
	g := newRig(b)
	family, centre := uuid.New(), uuid.New()
	stream := "family-" + family.String()
	published := make(chan time.Time, 1)
	sub, err := g.nc.Subscribe("ft.scheduling.>", func(*nats.Msg) { published <- time.Now() })
	must(b, err)
	b.Cleanup(func() { _ = sub.Unsubscribe() })
	must(b, g.nc.Flush())
	latencies := make([]time.Duration, 0, b.N)
	toStream := make([]time.Duration, 0, b.N)
	fromStream := make([]time.Duration, 0, b.N)
	appended := make([]time.Duration, 0, b.N)
	var idle time.Duration // the gaps between commands, not timed
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		booking := uuid.New()
		// Commands come when people act, not just after the relay has gone idle: without a gap
		// each append would land at the same point of the relay's 20 ms poll (the loop's last
		// event was published just before), and every event would wait the whole poll.
		b.StopTimer()
		gap := time.Duration(rand.Int64N(int64(20 * time.Millisecond)))
		time.Sleep(gap)
		idle += gap
		b.StartTimer()
		t := time.Now()
		g.append(b, "scheduling", stream, int64(i), family, centre, &schedulingv1.SessionCompleted{BookingId: booking.String(), FamilyId: family.String(),
			CentreId: centre.String(), SessionDate: &commonv1.Date{Year: 2026, Month: 2, Day: 3}, ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			Children: []*schedulingv1.AttendingChild{{PersonId: uuid.NewString(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}})
		appended = append(appended, time.Since(t))
		// Reporting's database is polled only once the event is in the stream, so the polling
		// (every millisecond) does not load the 2 cores while the append and the relay run.
		var at time.Time
		select {
		case at = <-published:
		case <-time.After(time.Minute):
			b.Fatal("the event never reached the stream")
		}
		g.waitFor(b, 1, `SELECT count(*) FROM reporting.attendance WHERE booking_id = $1`, booking)
		done := time.Since(t)
		latencies = append(latencies, done)
		toStream = append(toStream, at.Sub(t))
		fromStream = append(fromStream, done-at.Sub(t))
	}
	report(b, latencies, time.Since(start)-idle)
	slices.Sort(toStream)
	slices.Sort(fromStream)
	slices.Sort(appended)
	b.ReportMetric(float64(appended[(len(appended)*99)/100].Microseconds())/1000, "append-p99-ms")
	b.ReportMetric(float64(toStream[len(toStream)/2].Microseconds())/1000, "to-stream-p50-ms")
	b.ReportMetric(float64(toStream[(len(toStream)*99)/100].Microseconds())/1000, "to-stream-p99-ms")
	b.ReportMetric(float64(fromStream[len(fromStream)/2].Microseconds())/1000, "from-stream-p50-ms")
	b.ReportMetric(float64(fromStream[(len(fromStream)*99)/100].Microseconds())/1000, "from-stream-p99-ms")
}

// replayEvents is how many events the rebuild benchmarks replay.
const replayEvents = 20_000

// streams fills the scheduling stream with families' sessions and waits until reporting has them.
func (g *rig) streams(b *testing.B) {
	per := 100
	for f := 0; f < replayEvents/per; f++ {
		family, centre := uuid.New(), uuid.New()
		var msgs []proto.Message
		for i := range per {
			day := &commonv1.Date{Year: 2026, Month: int32(1 + i%12), Day: int32(1 + i%28)}
			msgs = append(msgs, &schedulingv1.SessionCompleted{BookingId: uuid.NewString(), FamilyId: family.String(), CentreId: centre.String(),
				SessionDate: day, ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
				Children: []*schedulingv1.AttendingChild{{PersonId: uuid.NewString(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}})
		}
		g.append(b, "scheduling", "family-"+family.String(), eventstore.NoStream, family, centre, msgs...)
	}
	g.waitFor(b, replayEvents, `SELECT count(*) FROM reporting.history_events`)
}

// BenchmarkRebuild: replaying 20,000 events of the streams into fresh projections and swapping
// them in, through the RPC (events/s).
func BenchmarkRebuild(b *testing.B) {
	g := newRig(b)
	g.streams(b)
	c := g.client(b, []auth.Role{auth.RoleAdmin})
	b.ResetTimer()
	var events int64
	var took time.Duration // from each call to its swap: the old tables are dropped after, uncounted
	for range b.N {
		start := time.Now()
		stream, err := c.RebuildProjections(context.Background(), &reportingv1.RebuildProjectionsRequest{})
		must(b, err)
		for {
			p, err := stream.Recv()
			if err == io.EOF {
				break
			}
			must(b, err)
			if p.GetSwapped() {
				events, took = events+p.GetEvents(), took+time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(events)/took.Seconds(), "events/s")
}

// BenchmarkRawJetStreamRead: the baseline, reading the same streams from the first message with an
// ordered consumer and decoding each envelope, writing nothing (events/s).
func BenchmarkRawJetStreamRead(b *testing.B) {
	g := newRig(b)
	g.streams(b)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	var events int64
	for range b.N {
		for _, svc := range []string{"referral", "scheduling", "safeguarding"} {
			s, err := g.js.Stream(ctx, bus.StreamName(svc))
			must(b, err)
			info, err := s.Info(ctx)
			must(b, err)
			if info.State.LastSeq == 0 {
				continue
			}
			cons, err := g.js.OrderedConsumer(ctx, bus.StreamName(svc), jetstream.OrderedConsumerConfig{})
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
	}
	b.ReportMetric(float64(events)/time.Since(start).Seconds(), "events/s")
}
