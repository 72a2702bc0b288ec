package benchmarks_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

// Appends against plain INSERTs of the same payloads, by the same number of writers, through
// pools of the same size on the same server. Every append continues its stream at the version
// the writer knows, as a command handler does after loading its aggregate, so the store's head
// cache spares it the read of the stream's head.

const (
	// singleWriters is (a)'s concurrency: many commands at once, each recording one event.
	singleWriters = 16
	// batchWriters is (b)'s concurrency. A 100-event append is bulk work (an import, a
	// migration), done by a few workers: 4 keep both cores and the WAL busy on this machine
	// without turning the benchmark into a contest of lock queues.
	batchWriters = 4
	batchSize    = 100
	// streamsPerWriter: each writer owns its streams (no conflicts), and goes round them.
	streamsPerWriter = 64
)

// rawTable is the baseline's plain table: what an INSERT of a text id, a uuid and the payload
// costs, with the identity key any table has and nothing else (no hash chain, no unique
// (stream, version), no commit-order index, no append-only trigger).
func rawTable(b *testing.B, db *testkit.Database) {
	b.Helper()
	_, err := db.OwnerPool(b).Exec(b.Context(), `
		CREATE TABLE raw_events (
			position  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			stream_id text  NOT NULL,
			event_id  uuid  NOT NULL,
			payload   bytea NOT NULL
		);
		GRANT SELECT, INSERT ON raw_events TO `+testkit.RuntimeRole)
	require.NoError(b, err)
}

const (
	insertRaw      = `INSERT INTO raw_events (stream_id, event_id, payload) VALUES ($1, $2, $3)`
	insertRawBatch = `INSERT INTO raw_events (stream_id, event_id, payload)
		SELECT * FROM unnest($1::text[], $2::uuid[], $3::bytea[])`
)

// eventID is a new random event id, typed for pgx's binary uuid encoding: the fastest way to send
// one, so the baseline is as strong as a plain INSERT can be.
func eventID() pgtype.UUID { return pgtype.UUID{Bytes: uuid.New(), Valid: true} }

// stream is one of a writer's streams: a family's, at a centre, at the version last appended.
type stream struct {
	id       string
	family   uuid.UUID
	centre   uuid.UUID
	expected int64
}

// streams gives each writer streamsPerWriter streams of its own.
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

// BenchmarkAppendSingle16 is (a): 16 writers, each append one event in its own transaction.
func BenchmarkAppendSingle16(b *testing.B) {
	_, pool := database(b)
	store := eventstore.New(pool)
	p := payload(b)
	mine := streams(singleWriters)
	b.ResetTimer()
	elapsed := writers(b, singleWriters, b.N, func(ctx context.Context, w, i int) error {
		st := &mine[w][i%streamsPerWriter]
		if _, err := store.Append(ctx, st.id, st.expected, event(p, st.family, st.centre)); err != nil {
			return err
		}
		st.expected++
		return nil
	})
	b.StopTimer()
	reportRate(b, b.N, elapsed)
}

// BenchmarkRawInsertSingle16 is (a)'s baseline: 16 writers, each an autocommit single-row INSERT.
func BenchmarkRawInsertSingle16(b *testing.B) {
	db, pool := database(b)
	rawTable(b, db)
	p := payload(b)
	mine := streams(singleWriters)
	b.ResetTimer()
	elapsed := writers(b, singleWriters, b.N, func(ctx context.Context, w, i int) error {
		st := &mine[w][i%streamsPerWriter]
		_, err := pool.Exec(ctx, insertRaw, st.id, eventID(), p)
		return err
	})
	b.StopTimer()
	reportRate(b, b.N, elapsed)
}

// BenchmarkAppendBatch100 is (b): 4 writers, each append 100 events to one stream in one
// transaction.
func BenchmarkAppendBatch100(b *testing.B) {
	_, pool := database(b)
	store := eventstore.New(pool)
	p := payload(b)
	mine := streams(batchWriters)
	b.ResetTimer()
	elapsed := writers(b, batchWriters, b.N, func(ctx context.Context, w, i int) error {
		st := &mine[w][i%streamsPerWriter]
		// One command's events: the same family, centre and metadata, each its own event id.
		events := make([]eventstore.Event, batchSize)
		e := event(p, st.family, st.centre)
		for j := range events {
			events[j] = e
		}
		if _, err := store.Append(ctx, st.id, st.expected, events...); err != nil {
			return err
		}
		st.expected += batchSize
		return nil
	})
	b.StopTimer()
	reportRate(b, b.N*batchSize, elapsed)
}

// BenchmarkRawInsertBatch100 is (b)'s baseline: 4 writers, each one INSERT of 100 rows.
func BenchmarkRawInsertBatch100(b *testing.B) {
	db, pool := database(b)
	rawTable(b, db)
	p := payload(b)
	mine := streams(batchWriters)
	b.ResetTimer()
	elapsed := writers(b, batchWriters, b.N, func(ctx context.Context, w, i int) error {
		st := &mine[w][i%streamsPerWriter]
		streamIDs, eventIDs, payloads := make([]string, batchSize), make([]pgtype.UUID, batchSize), make([][]byte, batchSize)
		for j := range batchSize {
			streamIDs[j], eventIDs[j], payloads[j] = st.id, eventID(), p
		}
		_, err := pool.Exec(ctx, insertRawBatch, streamIDs, eventIDs, payloads)
		return err
	})
	b.StopTimer()
	reportRate(b, b.N*batchSize, elapsed)
}
