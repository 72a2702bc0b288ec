package peer_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

// A Watermill router against the platform's consumer (Consumer): the same 50,000 envelopes of
// 1,000 families in a JetStream stream before the clock starts; each operation a fresh durable
// consumer and a fresh database, timed until every event is handled and acknowledged.
//
// Watermill's way: its JetStream subscriber (watermill-nats, JetStream mode, a durable push
// consumer delivering all, explicit acks, as its documentation configures it; one subscriber,
// its default, which keeps the stream's order), a router, and a handler that does what the
// platform's runner and handler do together: decode the envelope and its payload, then in one
// transaction insert the inbox row (the consumer's name and the event id; a duplicate is
// skipped, its effect already committed) and upsert the family's projection row, commit, and
// return nil, on which the router acknowledges the message (synchronously, the subscriber's
// default).

// upsertFamily is the platform benchmark's projection write.
const upsertFamily = `INSERT INTO family_activity (family_id, events, last_value, last_event_id)
	VALUES ($1, 1, $2, $3)
	ON CONFLICT (family_id) DO UPDATE SET events = family_activity.events + 1,
		last_value = EXCLUDED.last_value, last_event_id = EXCLUDED.last_event_id`

// insertInbox is the platform's inbox row (eventstore's inbox table).
const insertInbox = `INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`

// sink is a fresh database with the event store's tables (its inbox among them) and the
// projection table, and its owner's pool.
func sink(b *testing.B) *pgxpool.Pool {
	b.Helper()
	_, pool := database(b)
	_, err := pool.Exec(b.Context(), `
		CREATE TABLE family_activity (
			family_id     uuid   PRIMARY KEY,
			events        bigint NOT NULL,
			last_value    bigint NOT NULL,
			last_event_id uuid   NOT NULL
		)`)
	require.NoError(b, err)
	return pool
}

// project is the handler: the platform runner's decoding and its handler's write, in one
// transaction with the inbox row.
func project(pool *pgxpool.Pool, consumer string) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		var env commonv1.EventEnvelope
		if err := proto.Unmarshal(msg.Payload, &env); err != nil {
			return fmt.Errorf("decode envelope: %w", err)
		}
		var counter testingv1.CounterIncremented
		if err := proto.Unmarshal(env.GetPayload(), &counter); err != nil {
			return fmt.Errorf("decode payload: %w", err)
		}
		eventID, err := uuid.Parse(msg.Metadata.Get(bus.HeaderEventID))
		if err != nil {
			return fmt.Errorf("event id: %w", err)
		}
		family, err := uuid.Parse(msg.Metadata.Get(bus.HeaderFamilyID))
		if err != nil {
			return fmt.Errorf("family id: %w", err)
		}
		ctx := msg.Context()
		tx, err := pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		tag, err := tx.Exec(ctx, insertInbox, consumer, eventID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 { // a copy of an event handled already changes nothing
			if _, err := tx.Exec(ctx, upsertFamily, family, counter.GetValue(), eventID); err != nil {
				return err
			}
		}
		return tx.Commit(ctx)
	}
}

// BenchmarkPeerConsumer is (d) for Watermill: a router with its JetStream subscriber, from Run
// until every event is projected and acknowledged.
func BenchmarkPeerConsumer(b *testing.B) {
	_, source := database(b)
	events := prefill(b, eventstore.New(source).SignWith(testkit.BusKey.ForLog("bench")), consumerEvents)
	nc, js := testkit.NATS(b).Connect(b)
	const service = "bench"
	stream, err := bus.EnsureStream(b.Context(), js, service, bus.StreamOptions{})
	require.NoError(b, err)
	pub, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(maxInFlight))
	require.NoError(b, err)
	for i := range events {
		_, err := pub.PublishMsgAsync(natsMessage(b, service, &events[i]))
		require.NoError(b, err)
	}
	<-pub.PublishAsyncComplete()
	var elapsed time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		pool := sink(b)
		name := fmt.Sprintf("projection%04d", i)
		sub, err := wmnats.NewSubscriberWithNatsConn(nc, wmnats.SubscriberSubscriptionConfig{
			Unmarshaler: &wmnats.NATSMarshaler{},
			JetStream: wmnats.JetStreamConfig{
				DurablePrefix:    name,
				SubscribeOptions: []nats.SubOpt{nats.DeliverAll(), nats.AckExplicit()},
			},
		}, logger)
		require.NoError(b, err)
		router, err := message.NewRouter(message.RouterConfig{}, logger)
		require.NoError(b, err)
		router.AddConsumerHandler(name, "ft."+service+".>", sub, project(pool, name))
		done := make(chan error, 1)
		b.StartTimer()
		start := time.Now()
		go func() { done <- router.Run(b.Context()) }()
		poll(b, "router", 5*time.Millisecond, 10*time.Minute, func(ctx context.Context) bool {
			// Watermill's subscriber makes a push consumer; an error: not created yet.
			c, err := stream.PushConsumer(ctx, name)
			if err != nil {
				return false
			}
			info, err := c.Info(ctx)
			if err != nil || info.NumPending > 0 || info.NumAckPending > 0 {
				return false
			}
			var handled int
			err = pool.QueryRow(ctx, "SELECT coalesce(sum(events), 0) FROM family_activity").Scan(&handled)
			return err == nil && handled == consumerEvents
		})
		elapsed += time.Since(start)
		b.StopTimer()
		require.NoError(b, router.Close())
		require.NoError(b, <-done)
		var rows, inbox int
		require.NoError(b, pool.QueryRow(b.Context(),
			"SELECT (SELECT count(*) FROM family_activity), (SELECT count(*) FROM inbox)").Scan(&rows, &inbox))
		require.Equal(b, families, rows, "one row per family")
		require.Equal(b, consumerEvents, inbox, "every event in the inbox once")
		pool.Close()
	}
	reportRate(b, consumerEvents*b.N, elapsed)
}
