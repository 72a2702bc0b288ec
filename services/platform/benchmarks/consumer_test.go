package benchmarks_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

// consumerEvents is (d)'s fixed workload: consumed from the start of a stream by a fresh durable
// consumer into a fresh database, whatever b.N is.
const consumerEvents = 50_000

// upsertFamily is the projection write: one row per family, as a read model keeps.
const upsertFamily = `INSERT INTO family_activity (family_id, events, last_value, last_event_id)
	VALUES ($1, 1, $2, $3)
	ON CONFLICT (family_id) DO UPDATE SET events = family_activity.events + 1,
		last_value = EXCLUDED.last_value, last_event_id = EXCLUDED.last_event_id`

// project is the handler: it reads the event and records one upsert. The runner adds the inbox
// row and commits both in one transaction.
func project(_ context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
	var counter testingv1.CounterIncremented
	if err := proto.Unmarshal(d.Envelope.GetPayload(), &counter); err != nil {
		return fmt.Errorf("decode %s: %w", d.EventID, err)
	}
	uow.Exec(upsertFamily, d.FamilyID, counter.GetValue(), d.EventID)
	return nil
}

// sink is the consuming service's fresh database with its projection table, and the pool of its
// owner. Each operation has one; the caller closes both pools when the operation ends, so the
// operations of one run do not add up to more connections than the server allows.
func sink(b *testing.B) (*pgxpool.Pool, *eventstore.Store) {
	b.Helper()
	db, pool := database(b)
	owner := db.OwnerPool(b)
	_, err := owner.Exec(b.Context(), `
		CREATE TABLE family_activity (
			family_id     uuid   PRIMARY KEY,
			events        bigint NOT NULL,
			last_value    bigint NOT NULL,
			last_event_id uuid   NOT NULL
		);
		GRANT SELECT, INSERT, UPDATE ON family_activity TO `+testkit.RuntimeRole)
	require.NoError(b, err)
	return owner, eventstore.New(pool).SignWith(testkit.BusKey.ForLog("bench"))
}

// BenchmarkConsumer is (d): a consumer with its inbox and a one-row-per-family projection, from
// Run until it has acknowledged every event.
func BenchmarkConsumer(b *testing.B) {
	_, source := database(b)
	events := prefill(b, eventstore.New(source).SignWith(testkit.BusKey.ForLog("bench")), consumerEvents)
	nc, js := testkit.NATS(b).Connect(b)
	const service = "bench"
	_, err := bus.EnsureStream(b.Context(), js, service, bus.StreamOptions{})
	require.NoError(b, err)
	pub, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(maxInFlight))
	require.NoError(b, err)
	for i := range events {
		msg := message(b, service, &events[i])
		testkit.BusKey.Sign(msg) // as the relay does: the consumer handles only the platform's events
		_, err := pub.PublishMsgAsync(msg)
		require.NoError(b, err)
	}
	<-pub.PublishAsyncComplete()
	var elapsed time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		owner, store := sink(b)
		c, err := bus.NewConsumer(nc, store, bus.ConsumerConfig{Key: testkit.BusKey, Name: fmt.Sprintf("projection%04d", i),
			Stream: bus.StreamName(service)}, project)
		require.NoError(b, err)
		ctx, cancel := context.WithCancel(b.Context())
		done := make(chan struct{})
		b.StartTimer()
		start := time.Now()
		go func() {
			defer close(done)
			c.Run(ctx)
		}()
		poll(b, "consumer", 5*time.Millisecond, func(ctx context.Context) bool {
			lag, err := c.Lag(ctx)
			if err != nil || lag > 0 { // an error: the runner has not created the consumer yet
				return false
			}
			var handled int
			err = store.Pool().QueryRow(ctx, "SELECT coalesce(sum(events), 0) FROM family_activity").Scan(&handled)
			return err == nil && handled == consumerEvents
		})
		elapsed += time.Since(start)
		b.StopTimer()
		cancel()
		<-done
		var rows, inbox int
		require.NoError(b, owner.QueryRow(b.Context(),
			"SELECT (SELECT count(*) FROM family_activity), (SELECT count(*) FROM inbox)").Scan(&rows, &inbox))
		require.Equal(b, families, rows, "one row per family")
		require.Equal(b, consumerEvents, inbox, "every event in the inbox once")
		store.Pool().Close()
		owner.Close()
	}
	reportRate(b, consumerEvents*b.N, elapsed)
}
