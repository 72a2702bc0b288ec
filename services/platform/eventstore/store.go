// Package eventstore is a service's append-only event log in PostgreSQL: the system of record.
// Every stream is a SHA-256 hash chain, so an edit made behind the service's back is found by
// Verify. The table is also the transactional outbox that package relay publishes from.
package eventstore

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/familytime/familytime/services/platform/migrate"
)

// instrumentation names the event store's spans. The tracer is looked up per commit, not once:
// the global provider may be replaced (a process that sets telemetry up again, tests).
const instrumentation = "github.com/familytime/familytime/services/platform/eventstore"

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the event log's tables: events, relay_checkpoints and inbox.
func Migrations() migrate.Set {
	sub, _ := fs.Sub(migrations, "migrations")
	return migrate.Set{Component: "eventstore", FS: sub}
}

// Store appends to and reads from the event log. It is safe for concurrent use.
type Store struct {
	pool  *pgxpool.Pool
	heads headCache
	group grouper
	now   func() time.Time
}

// New returns a store on a pool connected as the service's runtime role.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, heads: headCache{max: 100_000}, now: time.Now}
}

// Pool is the store's connection pool, for the service's own queries of its read models.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Append appends events to one stream that must be at version expected (NoStream for a new one).
func (s *Store) Append(ctx context.Context, stream string, expected int64, events ...Event) ([]RecordedEvent, error) {
	return s.Commit(ctx, new(UnitOfWork).Append(stream, expected, events...))
}

const insertEvents = `
INSERT INTO events (stream_id, version, event_id, event_type, schema_version, family_id, centre_id,
                    payload, metadata, recorded_at, previous_hash, hash)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::integer[], $6::uuid[],
                     $7::uuid[], $8::bytea[], $9::text[]::jsonb[], $10::timestamptz[], $11::bytea[], $12::bytea[])
RETURNING position, tx_id, event_id`

const insertInbox = `INSERT INTO inbox (consumer, event_id) SELECT * FROM unnest($1::text[], $2::uuid[])`

// Commit applies a unit of work atomically: the events in one INSERT (the transaction's first
// write), then inbox rows, then projection statements, all in one round trip; then projection
// functions, if any, in the same transaction.
func (s *Store) Commit(ctx context.Context, uow *UnitOfWork) (_ []RecordedEvent, err error) {
	if err := uow.validate(); err != nil {
		return nil, err
	}
	if uow.Empty() {
		return nil, nil
	}
	ctx, span := otel.Tracer(instrumentation).Start(ctx, "eventstore.commit", trace.WithAttributes(
		attribute.Int("eventstore.appends", len(uow.appends)), attribute.Int("eventstore.inbox", len(uow.inbox))))
	defer func() {
		if err != nil {
			span.SetStatus(codes.Error, "commit failed")
		}
		span.End()
	}()
	var recorded []RecordedEvent
	if len(uow.projections) == 0 {
		// Group commit (group.go). A group is sent as one batch outside a transaction, which
		// PostgreSQL runs as one implicit transaction: atomic, and one round trip fewer than
		// BEGIN ... COMMIT.
		if recorded, err = s.prepare(ctx, s.pool, uow); err == nil {
			err = s.commitGrouped(ctx, uow, recorded)
		}
	} else {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var err error
			if recorded, err = s.prepare(ctx, tx, uow); err != nil {
				return err
			}
			if err := s.send(ctx, tx, uow, recorded); err != nil {
				return err
			}
			for _, project := range uow.projections {
				if err := project(ctx, tx); err != nil {
					return fmt.Errorf("projection: %w", err)
				}
			}
			return nil
		})
	}
	if err != nil {
		return nil, translate(err, uow)
	}
	for i := range recorded {
		s.heads.put(recorded[i].StreamID, head{version: recorded[i].Version, hash: recorded[i].Hash})
	}
	return recorded, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// prepare numbers and chains the events. It reads the heads of streams it has not seen append
// before; the head of version N of a stream never changes, so a cached head is always right, and
// a stale expectation is caught by the (stream_id, version) unique key.
func (s *Store) prepare(ctx context.Context, q querier, uow *UnitOfWork) ([]RecordedEvent, error) {
	want := map[string]int64{}
	for _, a := range uow.appends {
		if _, seen := want[a.stream]; seen || a.expected == NoStream {
			continue
		}
		if h, ok := s.heads.get(a.stream); ok && h.version == a.expected {
			continue
		}
		want[a.stream] = a.expected
	}
	heads, err := s.readHeads(ctx, q, want)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	uow.StampTrace(ctx)
	next := map[string]head{} // streams appended to twice in one unit of work
	var out []RecordedEvent
	for _, a := range uow.appends {
		h, ok := next[a.stream]
		switch {
		case ok && h.version != a.expected:
			return nil, &ConflictError{Stream: a.stream, Expected: a.expected, Actual: h.version}
		case ok:
		case a.expected == NoStream:
			h = head{version: 0, hash: genesis[:]}
		default:
			if h, ok = heads[a.stream]; !ok {
				h, _ = s.heads.get(a.stream)
			}
		}
		for _, e := range a.events {
			if e.ID == uuid.Nil {
				// Version 7: time-ordered, so the event-id index and the consumers' inbox keys
				// grow at their right edge instead of splitting pages at random. The time it
				// reveals is the event's recorded_at, which travels with it anyway.
				e.ID = uuid.Must(uuid.NewV7())
			}
			if e.SchemaVersion == 0 {
				e.SchemaVersion = 1
			}
			r := RecordedEvent{Event: e, StreamID: a.stream, Version: h.version + 1, RecordedAt: now, PreviousHash: h.hash}
			r.Hash = chainHash(h.hash, &r)
			out = append(out, r)
			h = head{version: r.Version, hash: r.Hash}
		}
		next[a.stream] = h
	}
	return out, nil
}

func (s *Store) readHeads(ctx context.Context, q querier, want map[string]int64) (map[string]head, error) {
	heads := map[string]head{}
	if len(want) == 0 {
		return heads, nil
	}
	streams := make([]string, 0, len(want))
	for st := range want {
		streams = append(streams, st)
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT ON (stream_id) stream_id, version, hash FROM events
		WHERE stream_id = ANY($1) ORDER BY stream_id, version DESC`, streams)
	if err != nil {
		return nil, fmt.Errorf("read stream heads: %w", err)
	}
	for rows.Next() {
		var st string
		var h head
		if err := rows.Scan(&st, &h.version, &h.hash); err != nil {
			return nil, fmt.Errorf("read stream heads: %w", err)
		}
		heads[st] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read stream heads: %w", err)
	}
	for st, expected := range want {
		if heads[st].version != expected {
			return nil, &ConflictError{Stream: st, Expected: expected, Actual: heads[st].version}
		}
	}
	return heads, nil
}

func (s *Store) send(ctx context.Context, q querier, uow *UnitOfWork, recorded []RecordedEvent) error {
	b := &pgx.Batch{}
	if len(recorded) > 0 {
		// Rows go in sorted by (stream, version): two units of work appending to the same
		// streams then take their unique-key locks in the same order and cannot deadlock.
		sorted := slices.Clone(recorded)
		slices.SortStableFunc(sorted, func(a, b RecordedEvent) int {
			return cmp.Or(strings.Compare(a.StreamID, b.StreamID), cmp.Compare(a.Version, b.Version))
		})
		b.Queue(insertEvents, columns(sorted)...)
	}
	if len(uow.inbox) > 0 {
		consumers := make([]string, len(uow.inbox))
		ids := make([]pgtype.UUID, len(uow.inbox))
		for i, in := range uow.inbox {
			consumers[i], ids[i] = in.consumer, pgtype.UUID{Bytes: in.eventID, Valid: true}
		}
		b.Queue(insertInbox, consumers, ids)
	}
	for _, st := range uow.statements {
		b.Queue(st.sql, st.args...)
	}
	br := q.SendBatch(ctx, b)
	if len(recorded) > 0 {
		byID := make(map[uuid.UUID]*RecordedEvent, len(recorded))
		for i := range recorded {
			byID[recorded[i].ID] = &recorded[i]
		}
		rows, err := br.Query()
		if err == nil {
			for rows.Next() {
				var pos int64
				var tx pgtype.Uint64 // xid8 decodes as an unsigned 64-bit integer
				var id uuid.UUID
				if err = rows.Scan(&pos, &tx, &id); err != nil {
					break
				}
				byID[id].Position, byID[id].TxID = pos, tx.Uint64
			}
			rows.Close()
			if err == nil {
				err = rows.Err()
			}
		}
		if err != nil {
			br.Close()
			return fmt.Errorf("insert events: %w", err)
		}
	}
	if len(uow.inbox) > 0 {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("insert inbox: %w", err)
		}
	}
	for i := range uow.statements {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("projection statement %d: %w", i+1, err)
		}
	}
	return br.Close()
}

func columns(rs []RecordedEvent) []any {
	n := len(rs)
	streams, types := make([]string, n), make([]string, n)
	versions := make([]int64, n)
	ids := make([]pgtype.UUID, n) // pgtype, not uuid.UUID: pgx encodes it in binary without a detour through text
	schemas := make([]int32, n)
	families, centres := make([]pgtype.UUID, n), make([]pgtype.UUID, n)
	payloads, prev, hashes := make([][]byte, n), make([][]byte, n), make([][]byte, n)
	metas := make([]string, n)
	at := make([]time.Time, n)
	for i := range rs {
		r := &rs[i]
		streams[i], versions[i], types[i], schemas[i] = r.StreamID, r.Version, r.Type, int32(r.SchemaVersion)
		ids[i] = pgtype.UUID{Bytes: r.ID, Valid: true}
		families[i] = pgtype.UUID{Bytes: r.FamilyID, Valid: r.FamilyID != uuid.Nil}
		centres[i] = pgtype.UUID{Bytes: r.CentreID, Valid: r.CentreID != uuid.Nil}
		payloads[i], prev[i], hashes[i], at[i] = r.Payload, r.PreviousHash, r.Hash, r.RecordedAt
		metas[i], _ = r.Metadata.json() // a struct of strings always marshals
		if payloads[i] == nil {
			payloads[i] = []byte{}
		}
	}
	return []any{streams, versions, ids, types, schemas, families, centres, payloads, metas, at, prev, hashes}
}

// translate turns driver errors into the store's own.
func translate(err error, uow *UnitOfWork) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		return err
	}
	switch pgErr.ConstraintName {
	case "events_stream_id_version_key":
		stream, expected := "", int64(-1)
		if len(uow.appends) == 1 {
			stream, expected = uow.appends[0].stream, uow.appends[0].expected
		}
		return &ConflictError{Stream: stream, Expected: expected, Actual: -1}
	case "events_event_id_key":
		return fmt.Errorf("%w: %s", ErrDuplicateEvent, err)
	case "inbox_pkey":
		return ErrAlreadyHandled
	}
	return err
}

// head is the last event of a stream: its version and hash.
type head struct {
	version int64
	hash    []byte
}

// headCache remembers stream heads this process appended, to save a read per append. It is
// bounded; when full it starts again empty (a miss only costs one read).
type headCache struct {
	mu  sync.Mutex
	max int
	m   map[string]head
}

func (c *headCache) get(stream string) (head, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[stream]
	return h, ok
}

func (c *headCache) put(stream string, h head) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[string]head)
	}
	if old, ok := c.m[stream]; !ok || old.version < h.version {
		c.m[stream] = h
	}
}
