package peer_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

// The workloads below are the platform benchmarks' (services/platform/benchmarks), kept equal on
// purpose: the same payload size, writers, streams, families, event counts and pool size. What
// differs is only who does the work.

func TestMain(m *testing.M) { testkit.Main(m) }

const (
	payloadSize      = 256
	singleWriters    = 16
	batchWriters     = 4
	batchSize        = 100
	streamsPerWriter = 64
	relayEvents      = 20_000
	// consumerEvents is the platform consumer's 50,000, though Watermill takes about a minute
	// over them on two cores.
	consumerEvents = 50_000
	families       = 1000
	// maxInFlight is the platform's publishes in flight, used here only to publish the consumer's
	// input before the clock starts.
	maxInFlight = 1000
)

// logger is Watermill's no-op logger: a peer that logs every message would be measured writing
// logs.
var logger = watermill.NopLogger{}

// payload is a serialised CounterIncremented padded to exactly payloadSize bytes.
func payload(b *testing.B) []byte {
	b.Helper()
	padding := make([]byte, payloadSize-5)
	_, _ = rand.Read(padding)
	p, err := proto.Marshal(&testingv1.CounterIncremented{Value: 1, Padding: padding})
	require.NoError(b, err)
	require.Len(b, p, payloadSize)
	return p
}

var eventType = string((&testingv1.CounterIncremented{}).ProtoReflect().Descriptor().FullName())

var centres = func() []uuid.UUID {
	c := make([]uuid.UUID, 8)
	for i := range c {
		c[i] = uuid.New()
	}
	return c
}()

func event(p []byte, family, centre uuid.UUID) eventstore.Event {
	return eventstore.Event{Type: eventType, FamilyID: family, CentreID: centre, Payload: p,
		Metadata: eventstore.Metadata{Actor: "account-0042", CorrelationID: family.String()}}
}

// database is a fresh database with the event log migrated (the relay and consumer workloads
// take their events from it, as the platform's do) and its owner's pool: 20 connections, as the
// platform's benchmarks have, 16 of them opened before the clock starts. Watermill creates its
// own tables, so it works as the owner.
func database(b *testing.B) (*testkit.Database, *pgxpool.Pool) {
	b.Helper()
	db := testkit.Postgres(b)
	db.Migrate(b, eventstore.Migrations())
	pool := db.OwnerPool(b)
	warm(b, pool, 16)
	return db, pool
}

func warm(b *testing.B, pool *pgxpool.Pool, n int) {
	b.Helper()
	conns := make([]*pgxpool.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	for range n {
		c, err := pool.Acquire(b.Context())
		require.NoError(b, err)
		conns = append(conns, c)
	}
}

// writers runs ops operations over n goroutines and returns how long they took.
func writers(b *testing.B, n, ops int, op func(ctx context.Context, writer, i int) error) time.Duration {
	b.Helper()
	ctx := b.Context()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := time.Now()
	for w := range n {
		wg.Go(func() {
			for i := 0; next.Add(1) <= int64(ops); i++ {
				if err := op(ctx, w, i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return elapsed
}

func reportRate(b *testing.B, events int, elapsed time.Duration) {
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
}

// poll calls done every interval until it reports true, failing the benchmark after limit.
func poll(b *testing.B, what string, every, limit time.Duration, done func(ctx context.Context) bool) {
	b.Helper()
	ctx := b.Context()
	tick := time.NewTicker(every)
	defer tick.Stop()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for !done(ctx) {
		select {
		case <-tick.C:
		case <-deadline.C:
			b.Fatalf("%s: not done after %s", what, limit)
		}
	}
}

// prefill records n events in the event log, one per family per transaction round-robin, and
// returns them in commit order: the events both sides carry.
func prefill(b *testing.B, store *eventstore.Store, n int) []eventstore.RecordedEvent {
	b.Helper()
	p := payload(b)
	ids := make([]uuid.UUID, families)
	for f := range ids {
		ids[f] = uuid.New()
	}
	var all []eventstore.RecordedEvent
	for round := int64(0); len(all) < n; round++ {
		uow := new(eventstore.UnitOfWork)
		for f := 0; f < families && len(all)+f < n; f++ {
			uow.Append("family-"+ids[f].String(), round, event(p, ids[f], centres[f%len(centres)]))
		}
		recorded, err := store.Commit(b.Context(), uow)
		require.NoError(b, err)
		all = append(all, recorded...)
	}
	slices.SortFunc(all, func(x, y eventstore.RecordedEvent) int {
		return cmp.Or(cmp.Compare(x.TxID, y.TxID), cmp.Compare(x.Position, y.Position))
	})
	return all
}

// envelope is an event's message body, the platform's envelope, which both sides carry.
func envelope(b *testing.B, e *eventstore.RecordedEvent) []byte {
	body, err := proto.Marshal(e.Envelope())
	require.NoError(b, err)
	return body
}

// natsMessage is the JetStream message the platform's relay publishes for an event, less its
// ordering header (the platform benchmarks' message).
func natsMessage(b *testing.B, service string, e *eventstore.RecordedEvent) *nats.Msg {
	msg := nats.NewMsg(bus.Subject(service, e.CentreID, e.Type))
	msg.Data = envelope(b, e)
	msg.Header.Set(jetstream.MsgIDHeader, e.ID.String())
	msg.Header.Set(bus.HeaderEventID, e.ID.String())
	msg.Header.Set(bus.HeaderEventType, e.Type)
	if e.FamilyID != uuid.Nil {
		msg.Header.Set(bus.HeaderFamilyID, e.FamilyID.String())
	}
	return msg
}
