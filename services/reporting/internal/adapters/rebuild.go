package adapters

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Rebuilds creates, fills and swaps in a second copy of the projections.
type Rebuilds struct{ pool *pgxpool.Pool }

// NewRebuilds works on reporting's database.
func NewRebuilds(pool *pgxpool.Pool) *Rebuilds { return &Rebuilds{pool: pool} }

// Begin creates an empty copy of the projections in a new schema and returns its name.
func (r *Rebuilds) Begin(ctx context.Context) (string, error) {
	var schema string
	if err := r.pool.QueryRow(ctx, `SELECT reporting_begin_rebuild()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("begin rebuild: %w", err)
	}
	return schema, nil
}

// Abandon drops a rebuild's schema.
func (r *Rebuilds) Abandon(ctx context.Context, schema string) error {
	if _, err := r.pool.Exec(ctx, `SELECT reporting_abandon_rebuild($1)`, schema); err != nil {
		return fmt.Errorf("abandon rebuild: %w", err)
	}
	return nil
}

// Batch collects statements and runs them in one transaction.
type Batch struct {
	b pgx.Batch
}

// Sink adds to the batch.
func (b *Batch) Sink() Sink { return func(sql string, args ...any) { b.b.Queue(sql, args...) } }

// Len is how many statements wait.
func (b *Batch) Len() int { return b.b.Len() }

// Apply runs a batch in one transaction and empties it.
func (r *Rebuilds) Apply(ctx context.Context, b *Batch) error {
	if b.b.Len() == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, &b.b).Close() })
	b.b = pgx.Batch{}
	if err != nil {
		return fmt.Errorf("rebuild batch: %w", err)
	}
	return nil
}

// Swap puts the rebuilt schema in place of the live one. It holds the swap lock exclusively, so
// no live projection is writing; catchUp then applies, to the rebuilt schema in the same
// transaction, whatever the live consumers may have handled since the replay ended; the schemas
// are renamed and the old one dropped, and it all commits at once. A reader sees the old tables or
// the new, never neither.
func (r *Rebuilds) Swap(ctx context.Context, schema string, catchUp func(ctx context.Context, b *Batch) error) error {
	return pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(swapLock)); err != nil {
			return fmt.Errorf("swap lock: %w", err)
		}
		var b Batch
		if err := catchUp(ctx, &b); err != nil {
			return err
		}
		if b.Len() > 0 {
			if err := tx.SendBatch(ctx, &b.b).Close(); err != nil {
				return fmt.Errorf("catch up: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `SELECT reporting_swap($1)`, schema); err != nil {
			return fmt.Errorf("swap: %w", err)
		}
		return nil
	})
}
