package peer_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

// Watermill's outbox against the platform's relay (RelayPublish): the same 20,000 events of 1,000
// families, committed in 20 transactions before the clock starts, published to a fresh JetStream
// stream per operation, timed until the stream holds them all.
//
// Watermill's way: a forwarder.Publisher over its SQL publisher writes each message, wrapped in
// the forwarder's envelope (destination topic, id, payload, metadata), into its outbox table
// inside the writer's transaction; a Forwarder reads that table with Watermill's SQL subscriber
// (its defaults: batches of 100 in transaction-id order, the consumer group's offset kept in
// PostgreSQL) and publishes each message with the JetStream publisher of watermill-nats, waiting
// for each acknowledgement; the message id is sent as Nats-Msg-Id (TrackMsgId), so JetStream
// drops a re-publish, as the platform's relay relies on too. The body is the platform's envelope
// and the headers its event id, type and family, so both sides publish the same bytes.

// relayService names the stream the forwarder publishes into; its subjects are the platform's.
const relayService = "peerrelay"

// outboxSchema is Watermill's default PostgreSQL schema: the forwarder's envelope is JSON.
var outboxSchema = wmsql.DefaultPostgreSQLSchema{}

// fillOutbox writes events to the forwarder's outbox as Watermill would have while they were
// being recorded: in commit order, one transaction per 1,000 events (one per family, as the
// platform's prefill commits them), through forwarder.Publisher over the SQL publisher.
func fillOutbox(b *testing.B, pool *pgxpool.Pool, events []eventstore.RecordedEvent) {
	b.Helper()
	ctx := b.Context()
	for start := 0; start < len(events); start += families {
		tx, err := pool.Begin(ctx)
		require.NoError(b, err)
		sqlPub, err := wmsql.NewPublisher(wmsql.TxFromPgx(tx), wmsql.PublisherConfig{SchemaAdapter: outboxSchema}, logger)
		require.NoError(b, err)
		pub := forwarder.NewPublisher(sqlPub, forwarder.PublisherConfig{})
		for _, e := range events[start:min(start+families, len(events))] {
			m := message.NewMessage(e.ID.String(), envelope(b, &e))
			m.Metadata = message.Metadata{bus.HeaderEventID: e.ID.String(), bus.HeaderEventType: e.Type}
			if e.FamilyID != uuid.Nil {
				m.Metadata[bus.HeaderFamilyID] = e.FamilyID.String()
			}
			m.SetContext(ctx)
			// Each event to its own subject, as the relay publishes it.
			require.NoError(b, pub.Publish(bus.Subject(relayService, e.CentreID, e.Type), m))
		}
		require.NoError(b, tx.Commit(ctx))
	}
}

// BenchmarkPeerRelay is (c) for Watermill: its Forwarder, from Run until the stream holds every
// event.
func BenchmarkPeerRelay(b *testing.B) {
	_, pool := database(b)
	events := prefill(b, eventstore.New(pool).SignWith(testkit.BusKey.ForLog("bench")), relayEvents)
	outboxTable(b, pool, outboxSchema, "forwarder_topic")
	fillOutbox(b, pool, events)
	nc, js := testkit.NATS(b).Connect(b)
	var elapsed time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		// A fresh stream of the same name, hence the same subjects, the envelopes name.
		if err := js.DeleteStream(b.Context(), bus.StreamName(relayService)); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			require.NoError(b, err)
		}
		stream, err := bus.EnsureStream(b.Context(), js, relayService, bus.StreamOptions{})
		require.NoError(b, err)
		// A new consumer group starts from offset zero: it forwards the whole outbox.
		sub, err := wmsql.NewSubscriber(wmsql.BeginnerFromPgx(pool), wmsql.SubscriberConfig{
			ConsumerGroup:    fmt.Sprintf("relay%04d", i),
			SchemaAdapter:    outboxSchema,
			OffsetsAdapter:   wmsql.DefaultPostgreSQLOffsetsAdapter{},
			InitializeSchema: true,
		}, logger)
		require.NoError(b, err)
		pub, err := wmnats.NewPublisherWithNatsConn(nc, wmnats.PublisherPublishConfig{
			Marshaler:         &wmnats.NATSMarshaler{},
			SubjectCalculator: wmnats.DefaultSubjectCalculator,
			JetStream:         wmnats.JetStreamConfig{TrackMsgId: true},
		}, logger)
		require.NoError(b, err)
		fwd, err := forwarder.NewForwarder(sub, pub, logger, forwarder.Config{})
		require.NoError(b, err)
		done := make(chan error, 1)
		b.StartTimer()
		start := time.Now()
		go func() { done <- fwd.Run(b.Context()) }()
		poll(b, "forwarder", 2*time.Millisecond, 5*time.Minute, holds(stream, relayEvents))
		elapsed += time.Since(start)
		b.StopTimer()
		require.NoError(b, fwd.Close())
		require.NoError(b, <-done)
		require.NoError(b, sub.Close())
		info, err := stream.Info(b.Context())
		require.NoError(b, err)
		require.Equal(b, uint64(relayEvents), info.State.Msgs, "every event published once")
	}
	reportRate(b, relayEvents*b.N, elapsed)
}

// holds reports whether the stream holds n messages.
func holds(stream jetstream.Stream, n int) func(ctx context.Context) bool {
	return func(ctx context.Context) bool {
		info, err := stream.Info(ctx)
		return err == nil && info.State.Msgs >= uint64(n)
	}
}
