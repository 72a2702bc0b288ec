// Package eventstore is a service's append-only event log in PostgreSQL: the system of record.
// Every stream is a SHA-256 hash chain, so an edit made behind the service's back is found by
// Verify. The table is also the transactional outbox that package relay publishes from.
package eventstore

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	heads cache[string, head] // the last event of streams this process appended to
	// families holds the family_streams rows this process has written or found written.
	families cache[familyStream, struct{}]
	// loaded keeps the events of loaded streams, so a stream is read whole only once (loaded.go).
	loaded loaded
	group  grouper
	now    func() time.Time
	// resolveWithin bounds how long a commit whose answer was lost is asked after (outcome.go).
	resolveWithin time.Duration
	metrics       *metrics // ft.eventstore.*, metrics.go
	// committed is signalled, without blocking, after each unit that appended events (Committed).
	committed chan struct{}
	// key makes each appended event's MAC (SignWith); nil appends events without one.
	key EventKey
	// refused, when set, is why units that append are refused (RefuseAppends, refuse.go).
	refused atomic.Pointer[error]
}

// New returns a store on a pool connected as the service's runtime role.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, heads: cache[string, head]{max: 100_000},
		families: cache[familyStream, struct{}]{max: 100_000}, loaded: loaded{max: loadedBytes}, now: time.Now, resolveWithin: resolveTimeout,
		metrics:   newMetrics(otel.GetMeterProvider(), pool.Config().ConnConfig.Database),
		committed: make(chan struct{}, 1)}
}

// SignWith makes the store give every event it appends a MAC under k (the platform's key): the
// services' stores all do, since their relays publish only events whose MAC verifies
// (decisions.md 157). It returns the store, and is called before the store is used.
func (s *Store) SignWith(k EventKey) *Store {
	s.key = k
	return s
}

// Key is the key the store signs with (SignWith), nil if none: the platform's key, from which
// command.MetadataIn also derives a referrer's pseudonym (decision 271).
func (s *Store) Key() EventKey { return s.key }

// Committed receives after this store commits a unit that appended events. Signals coalesce (one
// waits at most) and never hold up a commit, so it has one reader: the service's relay, which
// then reads the log at once instead of at its next poll (relay.Config.Wake). Events committed by
// another replica's store still wait for the poll.
func (s *Store) Committed() <-chan struct{} { return s.committed }

// Pool is the store's connection pool, for the service's own queries of its read models.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Append appends events to one stream that must be at version expected (NoStream for a new one).
func (s *Store) Append(ctx context.Context, stream string, expected int64, events ...Event) ([]RecordedEvent, error) {
	return s.Commit(ctx, new(UnitOfWork).Append(stream, expected, events...))
}

const insertInbox = `INSERT INTO inbox (consumer, event_id) SELECT * FROM unnest($1::text[], $2::uuid[])`

// Commit applies a unit of work atomically: the events in one COPY (the transaction's first
// write), then inbox rows and projection statements in one more round trip; then projection
// functions, if any, in the same transaction.
func (s *Store) Commit(ctx context.Context, uow *UnitOfWork) (_ []RecordedEvent, err error) {
	if err := uow.validate(); err != nil {
		return nil, err
	}
	if uow.Empty() {
		return nil, nil
	}
	if len(uow.appends) > 0 {
		if err := s.AppendsRefused(); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	ctx, span := otel.Tracer(instrumentation).Start(ctx, "eventstore.commit", trace.WithAttributes(
		attribute.Int("eventstore.appends", len(uow.appends)), attribute.Int("eventstore.inbox", len(uow.inbox))))
	defer func() {
		s.metrics.commit(ctx, start, uow, err)
		if err != nil {
			span.SetStatus(codes.Error, "commit failed")
		}
		span.End()
	}()
	var recorded []RecordedEvent
	if len(uow.projections) == 0 {
		if recorded, err = s.prepare(ctx, s.pool, uow); err == nil {
			if len(recorded) >= aloneEvents {
				err = s.commitAlone(ctx, uow, recorded)
			} else {
				err = s.commitGrouped(ctx, uow, recorded) // group commit, group.go
			}
		}
	} else {
		recorded, err = s.commitProjecting(ctx, uow)
	}
	if err != nil {
		return nil, translate(err, uow)
	}
	for i := range recorded {
		r := &recorded[i]
		h := head{version: r.Version, hash: r.Hash}
		s.heads.put(r.StreamID, h, newerHead(h))
		if r.FamilyID != uuid.Nil {
			s.families.put(familyStream{r.FamilyID, r.StreamID}, struct{}{}, nil)
		}
	}
	if len(recorded) > 0 {
		select {
		case s.committed <- struct{}{}:
		default: // a signal already waits
		}
	}
	for _, fn := range uow.afterCommit {
		fn()
	}
	return recorded, nil
}

// commitProjecting commits a unit of work with projection functions in a transaction of its own:
// they read inside it, so it cannot be grouped.
func (s *Store) commitProjecting(ctx context.Context, uow *UnitOfWork) (recorded []RecordedEvent, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = tx.Rollback(rctx)
		}
	}()
	if recorded, err = s.prepare(ctx, tx, uow); err != nil {
		return nil, err
	}
	if err := s.write(ctx, tx.Conn(), uow, pointers(recorded), false); err != nil {
		return nil, err
	}
	for _, project := range uow.projections {
		if err := project(ctx, tx); err != nil {
			return nil, fmt.Errorf("projection: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			return nil, err // the server refused the commit: nothing was written
		}
		var txID uint64
		if len(recorded) > 0 {
			txID = recorded[0].TxID
		}
		if err := s.resolve(ctx, &unsure{err: err, txID: txID, pid: conn.Conn().PgConn().PID()}, uow, recorded); err != nil {
			return nil, err
		}
	}
	return recorded, nil
}

// Lock takes key's guard lock alone in tx until it ends (migration 0005): units that guard the key
// (Guard, GuardShared) and committed before are seen by what tx reads next, and those after wait
// for tx and then see what it committed. For a projection function (UnitOfWork.Project).
func Lock(ctx context.Context, tx pgx.Tx, key string) error {
	if _, err := tx.Exec(ctx, `SELECT eventstore_lock($1)`, key); err != nil {
		return fmt.Errorf("guard lock: %w", err)
	}
	return nil
}

// eventIDs names the events of one unit of work that come without an id. They are UUID version 7
// (RFC 9562): time-ordered, so the event-id key and the consumers' inbox keys grow at their right
// edge instead of splitting pages at random; the time they reveal is the events' recorded_at,
// which travels with them anyway. One clock reading and one read of randomness serve the whole
// unit, and the 12 bits after the millisecond count up, so a unit's ids also sort in its order.
type eventIDs struct {
	millis uint64
	random []byte
	count  uint16
}

func newEventIDs(now time.Time, n int) *eventIDs {
	ids := &eventIDs{millis: uint64(now.UnixMilli()), random: make([]byte, 8*n)}
	_, _ = rand.Read(ids.random) // crypto/rand.Read never fails
	return ids
}

func (g *eventIDs) next() uuid.UUID {
	var id uuid.UUID
	if g.count == 1<<12 || len(g.random) < 8 { // a unit of more than 4,096 events goes on with fresh ids
		*g = *newEventIDs(time.UnixMilli(int64(g.millis)+1), max(len(g.random)/8, 1))
	}
	binary.BigEndian.PutUint64(id[0:], g.millis<<16|0x7000|uint64(g.count)) // time, version 7, sequence
	copy(id[8:], g.random[:8])
	id[8] = 0x80 | id[8]&0x3f // the RFC 9562 variant
	g.random, g.count = g.random[8:], g.count+1
	return id
}

// testHookHeadsRead, set only by tests, runs in prepare once the heads are known: where another
// writer's commit can land between reading a head and numbering events after it.
var testHookHeadsRead func()

// querier reads stream heads: the pool, or a transaction's connection.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// prepare numbers and chains the events. It reads the heads of streams it has not seen append
// before; the head of version N of a stream never changes, so a cached head is always right, and
// a stale expectation is caught by the (stream_id, version) unique key. The cache is read once
// per stream: another writer's commit may cache a newer head at any moment, and numbering the
// events after that head would append a decision taken on version N after version N+1, which
// the unique key could no longer catch.
func (s *Store) prepare(ctx context.Context, q querier, uow *UnitOfWork) ([]RecordedEvent, error) {
	want := map[string]int64{}
	cached := map[string]head{}
	for _, a := range uow.appends {
		if _, seen := want[a.stream]; seen || a.expected == NoStream {
			continue
		}
		if _, seen := cached[a.stream]; seen {
			continue
		}
		if h, ok := s.heads.get(a.stream); ok && h.version == a.expected {
			cached[a.stream] = h
			continue
		}
		want[a.stream] = a.expected
	}
	heads, err := s.readHeads(ctx, q, want)
	if err != nil {
		return nil, err
	}
	if testHookHeadsRead != nil {
		testHookHeadsRead()
	}
	maps.Copy(heads, cached)
	now := s.now().UTC().Truncate(time.Microsecond)
	uow.StampTrace(ctx)
	next := map[string]head{} // streams appended to twice in one unit of work
	n := uow.events()
	out := make([]RecordedEvent, 0, n)
	hashes := make([]byte, 0, n*sha256.Size) // one allocation for all the unit's hashes
	var macs []byte
	if s.key != nil {
		macs = make([]byte, 0, n*sha256.Size)
	}
	var hasher chainHasher
	ids := newEventIDs(now, n)
	for _, a := range uow.appends {
		h, ok := next[a.stream]
		switch {
		case ok && h.version != a.expected:
			return nil, &ConflictError{Stream: a.stream, Expected: a.expected, Actual: h.version}
		case ok:
		case a.expected == NoStream:
			h = head{version: 0, hash: genesis[:]}
		default:
			h = heads[a.stream]
		}
		for _, e := range a.events {
			if e.ID == uuid.Nil {
				e.ID = ids.next()
			}
			if e.SchemaVersion == 0 {
				e.SchemaVersion = 1
			}
			if e.Metadata.Traceparent == "" {
				e.Metadata.Traceparent, e.Metadata.Tracestate = a.traceparent, a.tracestate
			}
			r := RecordedEvent{Event: e, StreamID: a.stream, Version: h.version + 1, RecordedAt: now, PreviousHash: h.hash}
			sum := hasher.sum(h.hash, &r)
			hashes = append(hashes, sum[:]...)
			r.Hash = hashes[len(hashes)-sha256.Size : len(hashes) : len(hashes)]
			if s.key != nil {
				macs = s.key.AppendEventMAC(macs, r.Hash)
				r.MAC = macs[len(macs)-sha256.Size : len(macs) : len(macs)]
			}
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

// writeOwn writes a prepared unit of work as a transaction of its own, on a connection of the pool.
func (s *Store) writeOwn(ctx context.Context, uow *UnitOfWork, recorded []*RecordedEvent) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	return s.write(ctx, conn.Conn(), uow, recorded, true)
}

// write sends a prepared unit of work on conn: its recorded events with one COPY, then, in one
// round trip, their positions (filled in through the pointers), the inbox rows and the projection
// statements. With own, the unit is a
// transaction of its own: the COPY opens it and the round trip ends with COMMIT (a unit without
// events is one implicit transaction, one round trip). Without, it runs in the caller's
// transaction, which the caller commits.
func (s *Store) write(ctx context.Context, conn *pgx.Conn, uow *UnitOfWork, recorded []*RecordedEvent, own bool) (err error) {
	if own {
		defer func() {
			if err != nil && conn.PgConn().TxStatus() != 'I' {
				// A failed statement leaves the transaction open and aborted. End it, so the
				// connection returns to the pool clean; if that fails too, the pool drops it.
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				_, _ = conn.Exec(rctx, "ROLLBACK")
			}
		}()
	}
	b := &pgx.Batch{}
	sorted := recorded // every caller builds the slice for this call, so it is sorted in place
	if len(recorded) > 0 {
		// Rows go in sorted by (stream, version): two units of work appending to the same
		// streams then take their unique-key locks in the same order and cannot deadlock.
		slices.SortStableFunc(sorted, func(a, b *RecordedEvent) int {
			return cmp.Or(strings.Compare(a.StreamID, b.StreamID), cmp.Compare(a.Version, b.Version))
		})
		if err := copyIn(ctx, conn, sorted, own); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		b.Queue(readBack)
	}
	families, streams := s.newFamilyStreams(sorted)
	if len(families) > 0 {
		b.Queue(insertFamilyStreams, families, streams)
	}
	if len(uow.inbox) > 0 {
		consumers := make([]string, len(uow.inbox))
		ids := make([]pgtype.UUID, len(uow.inbox))
		for i, in := range uow.inbox {
			consumers[i], ids[i] = in.consumer, pgtype.UUID{Bytes: in.eventID, Valid: true}
		}
		b.Queue(insertInbox, consumers, ids)
	}
	if consumers, streams, versions := cursors(uow.inbox); len(streams) > 0 {
		b.Queue(advanceCursors, consumers, streams, versions)
	}
	if len(uow.answers) > 0 {
		ids := make([]pgtype.UUID, len(uow.answers))
		fingerprints, outcomes := make([][]byte, len(uow.answers)), make([][]byte, len(uow.answers))
		for i, a := range uow.answers {
			ids[i], fingerprints[i], outcomes[i] = pgtype.UUID{Bytes: a.request, Valid: true}, a.fingerprint, a.outcome
		}
		b.Queue(insertAnswers, ids, fingerprints, outcomes)
	}
	for _, st := range uow.statements {
		b.Queue(st.sql, st.args...)
	}
	commit := own && len(recorded) > 0
	if commit {
		b.Queue("COMMIT")
	}
	br := conn.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		var pgErr *pgconn.PgError
		if err != nil && own && !errors.As(err, &pgErr) {
			// Not the server's refusal but a broken connection or a deadline, after the batch and
			// its COMMIT were sent: the server may have committed. The caller asks it (resolve).
			var txID uint64
			if len(recorded) > 0 {
				txID = recorded[0].TxID
			}
			err = &unsure{err: err, txID: txID, pid: conn.PgConn().PID()}
		}
	}()
	if len(recorded) > 0 {
		if err := readPositions(br, sorted); err != nil {
			return fmt.Errorf("read back event positions: %w", err)
		}
	}
	if len(families) > 0 {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("record the family's streams: %w", err)
		}
	}
	if len(uow.inbox) > 0 {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("insert inbox: %w", err)
		}
	}
	if _, streams, _ := cursors(uow.inbox); len(streams) > 0 {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("advance the consumer's streams: %w", err)
		}
	}
	if len(uow.answers) > 0 {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("record the request: %w", err)
		}
	}
	for i := range uow.statements {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("projection statement %d: %w", i+1, err)
		}
	}
	if commit {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
	}
	return nil
}

// advanceCursors moves each consumer's cursor on a source stream to the version just handled; the
// table's trigger refuses a move backwards (SQLSTATE FTORD), failing the whole transaction.
const advanceCursors = `INSERT INTO consumer_streams AS c (consumer, stream_id, version)
	SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
	ON CONFLICT (consumer, stream_id) DO UPDATE SET version = EXCLUDED.version`

// insertAnswers records the requests a unit of work carries out, with their answers.
const insertAnswers = `INSERT INTO requests (request_id, fingerprint, outcome)
	SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::bytea[])`

// cursors are the consumer-stream cursors the inbox entries advance, as advanceCursors's columns.
func cursors(inbox []inboxEntry) (consumers, streams []string, versions []int64) {
	for _, in := range inbox {
		if in.stream != "" {
			consumers, streams, versions = append(consumers, in.consumer), append(streams, in.stream), append(versions, in.version)
		}
	}
	return consumers, streams, versions
}

// insertFamilyStreams records which streams hold events about which family. Rows come sorted, so
// concurrent transactions take their key locks in one order and cannot deadlock.
const insertFamilyStreams = `INSERT INTO family_streams (family_id, stream_id)
	SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING`

// newFamilyStreams returns the family_streams rows the events need that this process has not
// written yet, sorted and without repeats, as insertFamilyStreams's columns.
func (s *Store) newFamilyStreams(events []*RecordedEvent) (families []pgtype.UUID, streams []string) {
	var rows []familyStream
	var last familyStream
	for _, r := range events {
		fs := familyStream{r.FamilyID, r.StreamID}
		if r.FamilyID == uuid.Nil || fs == last {
			continue // a stream's events come together, and mostly about one family
		}
		last = fs
		if _, known := s.families.get(fs); !known {
			rows = append(rows, fs)
		}
	}
	slices.SortFunc(rows, func(a, b familyStream) int {
		return cmp.Or(bytes.Compare(a.family[:], b.family[:]), strings.Compare(a.stream, b.stream))
	})
	rows = slices.Compact(rows)
	for _, fs := range rows {
		families = append(families, pgtype.UUID{Bytes: fs.family, Valid: true})
		streams = append(streams, fs.stream)
	}
	return families, streams
}

// pointers points at each of rs.
func pointers(rs []RecordedEvent) []*RecordedEvent {
	ps := make([]*RecordedEvent, len(rs))
	for i := range rs {
		ps[i] = &rs[i]
	}
	return ps
}

// copyIn sends the events, in this order, with one COPY; with begin, the COPY opens the
// transaction too, in the same round trip.
func copyIn(ctx context.Context, conn *pgx.Conn, events []*RecordedEvent, begin bool) error {
	buf := copyBuffers.Get().(*[]byte)
	defer func() {
		if cap(*buf) <= maxKeptCopyBuffer {
			copyBuffers.Put(buf)
		}
	}()
	*buf = appendCopy((*buf)[:0], events)
	sql := copyEvents
	if begin {
		sql = "BEGIN; " + copyEvents
	}
	_, err := conn.PgConn().CopyFrom(ctx, bytes.NewReader(*buf), sql)
	return err
}

// readPositions fills in the positions and transaction id the database gave the events, from the
// result of readBack: its rows come in the order the events were copied.
func readPositions(br pgx.BatchResults, copied []*RecordedEvent) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	var pos int64
	var tx pgtype.Uint64 // xid8 decodes as an unsigned 64-bit integer
	var id pgtype.UUID   // not uuid.UUID, which pgx would scan through its text form
	for rows.Next() {
		if err := rows.Scan(&pos, &tx, &id); err != nil {
			return err
		}
		if n >= len(copied) || copied[n].ID != id.Bytes {
			return fmt.Errorf("the events read back do not match those written (row %d)", n+1)
		}
		copied[n].Position, copied[n].TxID = pos, tx.Uint64
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != len(copied) {
		return fmt.Errorf("found %d of the %d events written", n, len(copied))
	}
	return nil
}

// translate turns driver errors into the store's own.
func translate(err error, uow *UnitOfWork) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	if pgErr.Code == "FTGRD" { // a guard's stream moved (eventstore_guard)
		ce := &ConflictError{Stream: pgErr.Detail, Expected: -1, Actual: -1}
		for _, g := range uow.guards {
			if g.stream == pgErr.Detail {
				ce.Expected = g.version
			}
		}
		return ce
	}
	if pgErr.Code == "FTORD" {
		oe := &OrderError{Stream: pgErr.Detail}
		for _, in := range uow.inbox {
			if in.stream == pgErr.Detail {
				oe.Consumer, oe.Version = in.consumer, in.version
			}
		}
		return oe
	}
	if pgErr.Code != "23505" {
		return err
	}
	switch pgErr.ConstraintName {
	case "requests_pkey":
		return ErrRequestAnswered
	case "events_stream_id_version_key":
		stream, expected := "", int64(-1)
		if len(uow.appends) == 1 {
			stream, expected = uow.appends[0].stream, uow.appends[0].expected
		}
		return &ConflictError{Stream: stream, Expected: expected, Actual: -1}
	case "events_pkey":
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

// cache is a bounded map of what this process has written, to save a read or a statement. When
// full it starts again empty: a miss only costs that read or statement.
type cache[K comparable, V any] struct {
	mu  sync.Mutex
	max int
	m   map[K]V
}

func (c *cache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

// put stores v for k, unless k holds a value that replaces says v must not replace.
func (c *cache[K, V]) put(k K, v V, replaces func(old V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[K]V)
	}
	if old, ok := c.m[k]; !ok || replaces == nil || replaces(old) {
		c.m[k] = v
	}
}

// newerHead lets a head replace only an older one: of two commits racing to the cache, the later
// version stays.
func newerHead(h head) func(old head) bool {
	return func(old head) bool { return old.version < h.version }
}

// familyStream is a row of family_streams.
type familyStream struct {
	family uuid.UUID
	stream string
}

// Answered returns the answer recorded for a request id, if a unit of work carrying it has
// committed (UnitOfWork.Answer). The same id recorded with another fingerprint, meaning another
// request, is ErrRequestReused; an answer erased since with its family's personal details is
// ErrAnswerErased (UnitOfWork.EraseAnswers).
func (s *Store) Answered(ctx context.Context, request uuid.UUID, fingerprint []byte) (outcome []byte, found bool, err error) {
	var stored []byte
	var erased bool
	err = s.pool.QueryRow(ctx, "SELECT fingerprint, outcome, outcome IS NULL FROM requests WHERE request_id = $1", request).Scan(&stored, &outcome, &erased)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read request: %w", err)
	case !bytes.Equal(stored, fingerprint):
		return nil, false, ErrRequestReused
	case erased:
		return nil, false, ErrAnswerErased
	}
	return outcome, true, nil
}
