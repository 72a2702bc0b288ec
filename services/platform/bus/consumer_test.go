package bus_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const service = "source"

// rig is a publishing service (event log + relay) and a consuming service with its own database.
type rig struct {
	source *eventstore.Store
	sink   *eventstore.Store
	sinkDB *testkit.Database
	// sinkOwner reads the sink's database as its owner; one pool for the whole test.
	sinkOwner *pgxpool.Pool
	nc        *nats.Conn
	js        jetstream.JetStream
	consumer  *bus.Consumer
	// stop stops the rig's consumer, as a rolling deploy stops a replica.
	stop func()
}

func newRig(t *testing.T, cfg bus.ConsumerConfig, handle bus.Handler) *rig {
	t.Helper()
	ctx := t.Context()
	srcDB, sinkDB := testkit.Postgres(t), testkit.Postgres(t)
	srcDB.Migrate(t, eventstore.Migrations())
	sinkDB.Migrate(t, eventstore.Migrations())
	_, err := sinkDB.OwnerPool(t).Exec(ctx, `CREATE TABLE seen (family_id uuid, value bigint, attempt int);
		GRANT SELECT, INSERT ON seen TO `+testkit.RuntimeRole)
	require.NoError(t, err)
	srv := testkit.NATS(t)
	nc, js := srv.Connect(t)
	_, err = bus.EnsureStream(ctx, js, service, bus.StreamOptions{})
	require.NoError(t, err)
	r, err := relay.New(srcDB.Pool(t), nc, relay.Config{Key: testkit.BusKey, Service: service, PollInterval: 5 * time.Millisecond})
	require.NoError(t, err)
	g := &rig{source: eventstore.New(srcDB.Pool(t)).SignWith(testkit.BusKey.ForLog(service)), sink: eventstore.New(sinkDB.Pool(t)).SignWith(testkit.BusKey.ForLog("sink")), sinkDB: sinkDB,
		sinkOwner: sinkDB.OwnerPool(t), nc: nc, js: js}
	cfg.Stream, cfg.Key = bus.StreamName(service), testkit.BusKey
	if cfg.Name == "" {
		cfg.Name = "sink"
	}
	g.consumer, err = bus.NewConsumer(nc, g.sink, cfg, handle)
	require.NoError(t, err)
	run(t, r.Run)
	g.stop = run(t, g.consumer.Run)
	return g
}

// run runs fn until the test ends or the returned function stops it.
func run(t *testing.T, fn func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(ctx)
	}()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

func (g *rig) append(t *testing.T, family uuid.UUID, values ...int64) {
	t.Helper()
	loaded, err := g.source.Load(t.Context(), "family-"+family.String())
	require.NoError(t, err)
	var events []eventstore.Event
	for _, v := range values {
		e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: v}, family, uuid.Nil, eventstore.Metadata{})
		require.NoError(t, err)
		events = append(events, e)
	}
	_, err = g.source.Append(t.Context(), "family-"+family.String(), int64(len(loaded)), events...)
	require.NoError(t, err)
}

// waitCaughtUp waits until the stream holds published messages and the consumer has
// acknowledged them all.
func (g *rig) waitCaughtUp(t *testing.T, published uint64) {
	t.Helper()
	stream, err := g.js.Stream(t.Context(), bus.StreamName(service))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		info, err := stream.Info(t.Context())
		return err == nil && info.State.Msgs >= published
	}, 60*time.Second, 10*time.Millisecond, "the relay publishes")
	require.Eventually(t, func() bool {
		lag, err := g.consumer.Lag(t.Context())
		return err == nil && lag == 0
	}, 60*time.Second, 10*time.Millisecond, "the consumer catches up")
}

func (g *rig) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, g.sinkOwner.QueryRow(t.Context(), sql, args...).Scan(&n))
	return n
}

func value(t *testing.T, d bus.Delivery) int64 {
	p := &testingv1.CounterIncremented{}
	require.NoError(t, proto.Unmarshal(d.Envelope.GetPayload(), p))
	return p.GetValue()
}

// record is a handler that writes one projection row per event.
func record(t *testing.T) bus.Handler {
	return func(_ context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		uow.Exec("INSERT INTO seen (family_id, value, attempt) VALUES ($1, $2, $3)", d.FamilyID, value(t, d), d.Attempt)
		return nil
	}
}

func TestConsumerHandlesEachEventOnceInFamilyOrder(t *testing.T) {
	var mu sync.Mutex
	failed := map[int64]bool{}
	// Every fifth event fails on its first attempt, so the fast and slow paths interleave.
	handler := func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		v := value(t, d)
		mu.Lock()
		defer mu.Unlock()
		if v%5 == 0 && !failed[v] {
			failed[v] = true
			return fmt.Errorf("transient failure for value %d", v)
		}
		return record(t)(ctx, d, uow)
	}
	g := newRig(t, bus.ConsumerConfig{BatchSize: 16, Backoff: []time.Duration{time.Millisecond}}, handler)
	families := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	for round := range int64(10) {
		for i, f := range families {
			g.append(t, f, round*100+int64(i)*10+1, round*100+int64(i)*10+2, round*100+int64(i)*10+5)
		}
	}
	g.waitCaughtUp(t, 90)
	require.Equal(t, 90, g.count(t, "SELECT count(*) FROM seen"))
	require.Equal(t, 90, g.count(t, "SELECT count(DISTINCT value) FROM seen"))
	require.Equal(t, 90, g.count(t, "SELECT count(*) FROM inbox WHERE consumer = 'sink'"))
	rows, err := g.sinkOwner.Query(t.Context(), "SELECT family_id, value FROM seen ORDER BY ctid")
	require.NoError(t, err)
	last := map[uuid.UUID]int64{}
	for rows.Next() {
		var f uuid.UUID
		var v int64
		require.NoError(t, rows.Scan(&f, &v))
		require.Greater(t, v, last[f], "family %s: events handled in order", f)
		last[f] = v
	}
	require.NoError(t, rows.Err())
}

// Test 6 of the foundation issue: a handler's transaction fails after the inbox insert: nothing is
// recorded, and the redelivery applies it once. A redelivered, already-handled event has no effect.
func TestConsumerFailedTransactionRecordsNothing(t *testing.T) {
	var calls atomic.Int32
	failedOnce, checked := make(chan struct{}), make(chan struct{})
	handler := func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		n := calls.Add(1)
		if n == 2 {
			<-checked // let the test look at the database between the attempts
		}
		e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: value(t, d)}, d.FamilyID, uuid.Nil, eventstore.Metadata{})
		if err != nil {
			return err
		}
		uow.Append("derived-"+d.EventID.String(), 0, e)
		uow.Exec("INSERT INTO seen (family_id, value, attempt) VALUES ($1, $2, $3)", d.FamilyID, value(t, d), d.Attempt)
		uow.Project(func(ctx context.Context, tx pgx.Tx) error {
			// Runs after the events, inbox and projection writes: the last thing before commit.
			if n == 1 {
				close(failedOnce)
				return errors.New("database went away mid-transaction")
			}
			return nil
		})
		return nil
	}
	g := newRig(t, bus.ConsumerConfig{Backoff: []time.Duration{time.Millisecond}}, handler)
	family := uuid.New()
	g.append(t, family, 42)

	<-failedOnce
	// The second attempt cannot commit before the test lets it, so what is visible now is what
	// the failed attempt left: nothing.
	require.Zero(t, g.count(t, "SELECT count(*) FROM seen"))
	require.Zero(t, g.count(t, "SELECT count(*) FROM inbox"))
	require.Zero(t, g.count(t, "SELECT count(*) FROM events"))
	close(checked)

	g.waitCaughtUp(t, 1)
	require.Equal(t, int32(2), calls.Load(), "the handler ran again after the failed transaction")
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM seen"))
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM inbox"))
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM events"))

	// Deliver the very same event again (a copy of the message under another message id, as a
	// relay re-publish past the dedup window would): it has no effect.
	stream, err := g.js.Stream(t.Context(), bus.StreamName(service))
	require.NoError(t, err)
	original, err := stream.GetMsg(t.Context(), 1)
	require.NoError(t, err)
	again := nats.NewMsg(original.Subject)
	again.Data = original.Data
	again.Header.Set(bus.HeaderEventMAC, original.Header.Get(bus.HeaderEventMAC)) // the relay's, as a re-publish carries it
	_, err = g.js.PublishMsg(t.Context(), again)
	require.NoError(t, err)
	g.waitCaughtUp(t, 2)
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM seen"))
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM inbox"))
	dl, err := g.js.Stream(t.Context(), bus.DeadLetterStream)
	require.NoError(t, err)
	info, err := dl.Info(t.Context())
	require.NoError(t, err)
	require.Zero(t, info.State.Msgs, "the copy is acknowledged, not dead-lettered")
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM events"))
}

// Anyone who can reach NATS can publish on a service's subjects. An event whose MAC does not
// verify under the platform's bus key (none, another key's, or the relay's over other bytes) is
// never handled, whatever stream version it claims: it is dead-lettered, and the stream's real
// event of that version is handled when it comes. Review 18 lifted a safeguarding hold this way.
func TestAnEventNotPublishedByThePlatformIsNotHandled(t *testing.T) {
	g := newRig(t, bus.ConsumerConfig{Backoff: []time.Duration{time.Millisecond}}, record(t))
	family := uuid.New()
	g.append(t, family, 1)
	g.waitCaughtUp(t, 1)

	stream, err := g.js.Stream(t.Context(), bus.StreamName(service))
	require.NoError(t, err)
	original, err := stream.GetMsg(t.Context(), 1)
	require.NoError(t, err)
	env := &commonv1.EventEnvelope{}
	require.NoError(t, proto.Unmarshal(original.Data, env))
	// The family's next event, as a forger would make it: the next version, a value of their own.
	env.EventId, env.StreamVersion = uuid.NewString(), env.GetStreamVersion()+1
	env.Payload, err = proto.Marshal(&testingv1.CounterIncremented{Value: 99})
	require.NoError(t, err)
	forged, err := proto.Marshal(env)
	require.NoError(t, err)
	unsigned := nats.NewMsg(original.Subject)
	unsigned.Data = forged
	otherKey := nats.NewMsg(original.Subject)
	otherKey.Data = forged
	bus.NewKey().Sign(otherKey)
	borrowed := nats.NewMsg(original.Subject) // a genuine event's MAC over other bytes
	borrowed.Data = forged
	borrowed.Header.Set(bus.HeaderEventMAC, original.Header.Get(bus.HeaderEventMAC))
	for _, m := range []*nats.Msg{unsigned, otherKey, borrowed} {
		_, err = g.js.PublishMsg(t.Context(), m)
		require.NoError(t, err)
	}
	dl, err := g.js.Stream(t.Context(), bus.DeadLetterStream) // the leading consumer ensured it
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		info, err := dl.Info(t.Context())
		return err == nil && info.State.Msgs == 3
	}, 30*time.Second, 10*time.Millisecond, "each forgery is dead-lettered")
	for seq := uint64(1); seq <= 3; seq++ {
		m, err := dl.GetMsg(t.Context(), seq)
		require.NoError(t, err)
		require.Contains(t, m.Header.Get(bus.HeaderDeadLetterReason), "not published by the platform")
	}
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM seen"), "no forgery is handled")

	g.append(t, family, 2) // the real second event
	g.waitCaughtUp(t, 5)
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM seen WHERE value = 2"), "the stream's real event of that version is handled")
	require.Zero(t, g.count(t, "SELECT count(*) FROM seen WHERE value = 99"))
}
