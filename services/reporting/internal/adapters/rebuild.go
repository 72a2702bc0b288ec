package adapters

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Rebuilds creates, fills and swaps in a second copy of the projections.
type Rebuilds struct{ pool *pgxpool.Pool }

// NewRebuilds works on reporting's database.
func NewRebuilds(pool *pgxpool.Pool) *Rebuilds { return &Rebuilds{pool: pool} }

// rebuildLock is the advisory lock a rebuild holds while it runs: one rebuild at a time, across
// every replica of the service (a second one began by dropping the first one's schema).
const rebuildLock = 7_368_261_101

// ErrRebuildRunning is a rebuild asked for while another runs.
var ErrRebuildRunning = errors.New("a rebuild is already running")

// Exclusive takes the rebuild lock on a connection of its own, held until release is called;
// ErrRebuildRunning if another rebuild holds it.
func (r *Rebuilds) Exclusive(ctx context.Context) (release func(), err error) {
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("rebuild lock: %w", err)
	}
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, int64(rebuildLock)).Scan(&got); err != nil {
		conn.Release()
		return nil, fmt.Errorf("rebuild lock: %w", err)
	}
	if !got {
		conn.Release()
		return nil, ErrRebuildRunning
	}
	return func() {
		// A session lock ends with its session: a connection that cannot unlock is closed.
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(rebuildLock)); err != nil {
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
		conn.Release()
	}, nil
}

// Begin creates an empty copy of the projections in a new schema and returns its name. It first
// drops what an earlier rebuild's swap retired and did not drop (DropRetired).
func (r *Rebuilds) Begin(ctx context.Context) (string, error) {
	if err := r.DropRetired(ctx); err != nil {
		return "", err
	}
	var schema string
	if err := r.pool.QueryRow(ctx, `SELECT reporting_begin_rebuild()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("begin rebuild: %w", err)
	}
	return schema, nil
}

// DropRetired drops the live tables a swap replaced, once it has committed.
func (r *Rebuilds) DropRetired(ctx context.Context) error {
	if _, err := r.pool.Exec(ctx, `SELECT reporting_drop_retired()`); err != nil {
		return fmt.Errorf("rebuild: drop the replaced tables: %w", err)
	}
	return nil
}

// Abandon drops a rebuild's schema.
func (r *Rebuilds) Abandon(ctx context.Context, schema string) error {
	if _, err := r.pool.Exec(ctx, `SELECT reporting_abandon_rebuild($1)`, schema); err != nil {
		return fmt.Errorf("abandon rebuild: %w", err)
	}
	return nil
}

// Prepare readies p, the projections of a rebuild's schema, for its catch-up batch: the set-wise form of
// each INSERT (Projections.setwise), from the schema's column types.
func (r *Rebuilds) Prepare(ctx context.Context, p *Projections) error {
	rows, err := r.pool.Query(ctx, `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`, p.Schema())
	if err != nil {
		return fmt.Errorf("rebuild: column types: %w", err)
	}
	defer rows.Close()
	types := map[string]map[string]string{}
	for rows.Next() {
		var table, column, typ string
		if err := rows.Scan(&table, &column, &typ); err != nil {
			return fmt.Errorf("rebuild: column types: %w", err)
		}
		if types[table] == nil {
			types[table] = map[string]string{}
		}
		types[table][column] = typ
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rebuild: column types: %w", err)
	}
	p.setwise(types)
	return nil
}

// The parts of a rebuilt schema's indexes (migration 0006), each built once its tables are loaded.
const (
	// HistoryKey is the history's key, as a unique index: its table's COPY must have ended.
	HistoryKey = "history_key"
	// HistoryOrder is the index in the history's order: its table's COPY must have ended.
	HistoryOrder = "history_order"
	// OtherIndexes are every other table's: Load must have ended.
	OtherIndexes = "others"
	// Constraints makes the history's key its primary key: every other part must have ended.
	Constraints = "constraints"
)

// Index builds one part of the rebuilt schema's indexes. Different parts may be built at once,
// on connections of their own, except Constraints.
func (r *Rebuilds) Index(ctx context.Context, schema, part string) error {
	if _, err := r.pool.Exec(ctx, `SELECT reporting_index_rebuild_part($1, $2)`, schema, part); err != nil {
		return fmt.Errorf("rebuild: index (%s): %w", part, err)
	}
	return nil
}

// Batch collects the projection statements of a rebuild's catch-up under the swap lock (what
// arrived after the fold was loaded), in the order the events gave them, and runs them set-wise
// (see plan).
type Batch struct {
	p     *Projections
	stmts []queued
}

type queued struct {
	name string
	args []any
}

// NewBatch collects statements of p.
func NewBatch(p *Projections) *Batch { return &Batch{p: p} }

// Sink adds to the batch.
func (b *Batch) Sink() Sink {
	return func(sql string, args ...any) {
		name, ok := b.p.names[sql]
		if !ok {
			panic("reporting: a rebuild's batch takes projection statements only") // a programming error
		}
		b.stmts = append(b.stmts, queued{name: name, args: args})
	}
}

// Len is how many statements wait.
func (b *Batch) Len() int { return len(b.stmts) }

// Forget drops the statements queued after the first n, those of an event that is not recorded.
func (b *Batch) Forget(n int) {
	clear(b.stmts[n:])
	b.stmts = b.stmts[:n]
}

// Replay gives b's statements to sink in the order they came, and empties b for reuse.
func (b *Batch) Replay(sink Sink) {
	for i, st := range b.stmts {
		sink(b.p.sql[st.name], st.args...)
		b.stmts[i] = queued{}
	}
	b.stmts = b.stmts[:0]
}

// plan queues b's statements on q as few set-wise statements, with the effect of running them one
// by one in order. Every projection statement writes one table and only the rows of its key
// (shapes), so statements of different tables commute, and so do statements of one table on
// different keys. Each table's statements are cut, in order, into segments in which no key comes
// twice; a segment's statements of one name with a set-wise form (Projections.setwise) become one
// statement, the rest run one by one. A segment never gives ON CONFLICT DO UPDATE the same row
// twice.
func (b *Batch) plan(q *pgx.Batch, in func(table string) bool) {
	byTable := map[string][]int{}
	for i, st := range b.stmts {
		if t := shapes[st.name].table; in(t) {
			byTable[t] = append(byTable[t], i)
		}
	}
	tables := make([]string, 0, len(byTable))
	for t := range byTable {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		seen := map[string]bool{}
		var segment []int
		for _, i := range byTable[t] {
			k := keyOf(b.stmts[i])
			if seen[k] {
				b.queueSegment(q, segment)
				segment, seen = segment[:0], map[string]bool{}
			}
			seen[k] = true
			segment = append(segment, i)
		}
		b.queueSegment(q, segment)
	}
}

func (b *Batch) queueSegment(q *pgx.Batch, segment []int) {
	byName := map[string][]int{}
	var names []string
	for _, i := range segment {
		n := b.stmts[i].name
		if _, ok := byName[n]; !ok {
			names = append(names, n)
		}
		byName[n] = append(byName[n], i)
	}
	for _, n := range names {
		rows := byName[n]
		set, ok := b.p.sets[n]
		if !ok || len(rows) == 1 {
			for _, i := range rows {
				q.Queue(b.p.sql[n], b.stmts[i].args...)
			}
			continue
		}
		columns := make([]any, len(b.stmts[rows[0]].args))
		for c := range columns {
			column := make([]any, len(rows))
			for j, i := range rows {
				column[j] = b.stmts[i].args[c]
			}
			columns[c] = column
		}
		q.Queue(set, columns...)
	}
}

// Swap puts the rebuilt schema in place of the live one. It holds the swap lock exclusively, so
// no live projection is writing; catchUp then applies, to the rebuilt schema in the same
// transaction, whatever the live consumers may have handled since the replay ended; the schemas
// are renamed, and it all commits at once. A reader sees the old tables or the new, never
// neither. The old tables are kept, retired, until DropRetired: dropping them under the lock kept
// the live consumers waiting.
//
// check runs last in the transaction, after the catch-up's statements and before the schemas are
// renamed; an error from it abandons the swap.
func (r *Rebuilds) Swap(ctx context.Context, p *Projections, catchUp func(ctx context.Context, b *Batch) error,
	check func(ctx context.Context, q Querier) error) error {
	return pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(swapLock)); err != nil {
			return fmt.Errorf("swap lock: %w", err)
		}
		b := NewBatch(p)
		if err := catchUp(ctx, b); err != nil {
			return err
		}
		if b.Len() > 0 {
			var q pgx.Batch
			b.plan(&q, func(string) bool { return true })
			if err := tx.SendBatch(ctx, &q).Close(); err != nil {
				return fmt.Errorf("catch up: %w", err)
			}
		}
		if err := check(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT reporting_swap($1)`, p.Schema()); err != nil {
			return fmt.Errorf("swap: %w", err)
		}
		return nil
	})
}

// Handled counts, for each of services, the events reporting's live consumer of its stream
// (consumer reporting-<service>) has handled: its inbox rows, one an event, never deleted.
func (r *Rebuilds) Handled(ctx context.Context, services []string) (map[string]int64, error) {
	consumers := make([]string, len(services))
	for i, svc := range services {
		consumers[i] = ConsumerPrefix + svc
	}
	rows, err := r.pool.Query(ctx, `SELECT consumer, count(*) FROM inbox WHERE consumer = ANY($1) GROUP BY consumer`, consumers)
	if err != nil {
		return nil, fmt.Errorf("rebuild: events the live consumers handled: %w", err)
	}
	defer rows.Close()
	handled := map[string]int64{}
	for rows.Next() {
		var consumer string
		var n int64
		if err := rows.Scan(&consumer, &n); err != nil {
			return nil, fmt.Errorf("rebuild: events the live consumers handled: %w", err)
		}
		handled[consumer[len(ConsumerPrefix):]] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rebuild: events the live consumers handled: %w", err)
	}
	return handled, nil
}

// Querier reads reporting's database: its pool, or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Unverified is an envelope a rebuild read whose MAC did not verify under the bus key, as its
// envelope names it.
type Unverified struct {
	Service, Stream string
	Version         int64
	EventID         uuid.UUID
}

// HandledLive counts the events of evs that reporting's live consumers handled (their inbox,
// consumer reporting-<service>) and the rebuilt schema does not hold (no history row of the same
// service, stream, version and event id), and gives the first of them in evs' order. An event
// handled live was verified by the live consumer under the key it had then: the rebuild's key
// lacks its secret. A forgery of a genuine event (its copy published again without the key) has
// the genuine one's id, but the genuine copy verified and is in the rebuilt history; a made-up
// event was never handled. q is the pool when nil; the schema's history must be readable through
// it (its COPY committed, or q the swap's transaction).
func (r *Rebuilds) HandledLive(ctx context.Context, q Querier, schema string, evs []Unverified) (n int, first Unverified, err error) {
	if len(evs) == 0 {
		return 0, Unverified{}, nil
	}
	if q == nil {
		q = r.pool
	}
	services, streams := make([]string, len(evs)), make([]string, len(evs))
	versions, ids := make([]int64, len(evs)), make([]uuid.UUID, len(evs))
	for i, ev := range evs {
		services[i], streams[i], versions[i], ids[i] = ev.Service, ev.Stream, ev.Version, ev.EventID
	}
	var at int64
	err = q.QueryRow(ctx, `SELECT count(*), coalesce(min(f.n), 0)
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::uuid[]) WITH ORDINALITY AS f(service, stream_id, version, event_id, n)
		WHERE EXISTS (SELECT FROM inbox i WHERE i.consumer = $5 || f.service AND i.event_id = f.event_id)
		AND NOT EXISTS (SELECT FROM `+pgIdent(schema)+`.history_events h
			WHERE h.service = f.service AND h.stream_id = f.stream_id AND h.version = f.version AND h.event_id = f.event_id)`,
		services, streams, versions, ids, ConsumerPrefix).Scan(&n, &at)
	if err != nil {
		return 0, Unverified{}, fmt.Errorf("rebuild: events the live consumers handled: %w", err)
	}
	if n > 0 {
		first = evs[at-1]
	}
	return n, first, nil
}
