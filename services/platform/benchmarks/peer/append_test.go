package peer_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// Appends through Watermill's SQL publisher against the platform's eventstore.Append
// (AppendSingle16, AppendBatch100): the same writers, the same 256-byte payloads, each append in
// its own transaction, as an outbox is written beside a command's other changes.
//
// Watermill is given its best configuration for this: the plain SQL publisher (not the
// forwarder's envelope, which would base64 the payload into JSON), a BYTEA payload column, and
// the table created before the clock starts. Each message carries as metadata what an event
// carries beside its payload (stream, version, type, family, centre, actor, correlation id).

// appendTopic is the topic appended to; Watermill stores it as the table "watermill_events".
const appendTopic = "events"

// appendSchema is Watermill's PostgreSQL schema with a binary payload column (its default is
// JSON, which a protobuf payload is not).
var appendSchema = wmsql.DefaultPostgreSQLSchema{GeneratePayloadType: func(string) string { return "BYTEA" }}

// outboxTable creates Watermill's table for topic, as its publisher would on first use.
func outboxTable(b *testing.B, pool *pgxpool.Pool, schema wmsql.SchemaAdapter, topic string) {
	b.Helper()
	queries, err := schema.SchemaInitializingQueries(wmsql.SchemaInitializingQueriesParams{Topic: topic})
	require.NoError(b, err)
	tx, err := pool.Begin(b.Context())
	require.NoError(b, err)
	defer func() { _ = tx.Rollback(b.Context()) }()
	for _, q := range queries {
		_, err := tx.Exec(b.Context(), q.Query, q.Args...)
		require.NoError(b, err)
	}
	require.NoError(b, tx.Commit(b.Context()))
}

// stream is one of a writer's streams, at the version last appended.
type stream struct {
	id       string
	family   uuid.UUID
	centre   uuid.UUID
	expected int64
}

func streams(writers int) [][]stream {
	all := make([][]stream, writers)
	for w := range all {
		all[w] = make([]stream, streamsPerWriter)
		for s := range all[w] {
			family := uuid.New()
			all[w][s] = stream{id: "family-" + family.String(), family: family, centre: centres[s%len(centres)]}
		}
	}
	return all
}

// messages builds n Watermill messages of one command, as the platform's benchmark builds n
// events: each its own id, the same payload and metadata but for the version.
func messages(p []byte, st *stream, n int) []*message.Message {
	msgs := make([]*message.Message, n)
	for j := range msgs {
		m := message.NewMessage(watermill.NewUUID(), p)
		m.Metadata = message.Metadata{
			"stream_id": st.id, "version": strconv.FormatInt(st.expected+int64(j)+1, 10),
			"event_type": eventType, "family_id": st.family.String(), "centre_id": st.centre.String(),
			"actor": "account-0042", "correlation_id": st.family.String(),
		}
		msgs[j] = m
	}
	return msgs
}

// publishInTx publishes msgs with Watermill's SQL publisher inside a transaction of its own, the
// way Watermill's documentation shows for pgx (sql.TxFromPgx), and commits.
func publishInTx(ctx context.Context, pool *pgxpool.Pool, msgs []*message.Message) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	pub, err := wmsql.NewPublisher(wmsql.TxFromPgx(tx), wmsql.PublisherConfig{SchemaAdapter: appendSchema}, logger)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		m.SetContext(ctx)
	}
	if err := pub.Publish(appendTopic, msgs...); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func peerAppend(b *testing.B, n, size int) {
	_, pool := database(b)
	outboxTable(b, pool, appendSchema, appendTopic)
	p := payload(b)
	mine := streams(n)
	b.ResetTimer()
	elapsed := writers(b, n, b.N, func(ctx context.Context, w, i int) error {
		st := &mine[w][i%streamsPerWriter]
		if err := publishInTx(ctx, pool, messages(p, st, size)); err != nil {
			return err
		}
		st.expected += int64(size)
		return nil
	})
	b.StopTimer()
	var rows int
	require.NoError(b, pool.QueryRow(b.Context(), `SELECT count(*) FROM watermill_events`).Scan(&rows))
	require.Equal(b, b.N*size, rows, "every message stored once")
	reportRate(b, b.N*size, elapsed)
}

// BenchmarkPeerAppendSingle16 is (a) for Watermill: 16 writers, each message in its own
// transaction.
func BenchmarkPeerAppendSingle16(b *testing.B) { peerAppend(b, singleWriters, 1) }

// BenchmarkPeerAppendBatch100 is (b) for Watermill: 4 writers, each publishing 100 messages in
// one call in one transaction (one multi-row INSERT).
func BenchmarkPeerAppendBatch100(b *testing.B) { peerAppend(b, batchWriters, batchSize) }
