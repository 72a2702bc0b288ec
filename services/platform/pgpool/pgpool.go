// Package pgpool opens a PostgreSQL connection pool the way every part of the platform needs it:
// services, the dev platform and the test kit all connect through Open.
package pgpool

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultMaxConns is the pool size unless the URL sets pool_max_conns. Each relay and consumer
// holds one connection for its leadership lock, so pgx's default (4 on a 2-core machine) is
// too small for a service.
const DefaultMaxConns = 16

// Open connects a pool to url. maxConns 0 means DefaultMaxConns. The pool's statistics are
// reported as ft.pgpool.* metrics (metrics.go) until it is garbage collected.
func Open(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
		if maxConns > 0 {
			cfg.MaxConns = maxConns
		}
	}
	cfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		registerUUID(conn.TypeMap())
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	watch(pool) // ft.pgpool.* metrics, metrics.go
	return pool, nil
}

// registerUUID makes pgx send github.com/google/uuid values in PostgreSQL's binary uuid format.
// Without it, pgx sees a driver.Valuer, formats each id as text, fails a binary plan (building an
// error each time) and parses the text back: measurable on every projection write that names a
// family or a centre.
func registerUUID(m *pgtype.Map) {
	m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{wrapUUIDEncodePlan}, m.TryWrapEncodePlanFuncs...)
}

// googleUUID is a uuid.UUID pgx can encode in binary: it is a pgtype.UUIDValuer.
type googleUUID uuid.UUID

func (u googleUUID) UUIDValue() (pgtype.UUID, error) { return pgtype.UUID{Bytes: u, Valid: true}, nil }

func wrapUUIDEncodePlan(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	if u, ok := value.(uuid.UUID); ok {
		return &uuidEncodePlan{}, googleUUID(u), true
	}
	return nil, nil, false
}

type uuidEncodePlan struct{ next pgtype.EncodePlan }

func (p *uuidEncodePlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *uuidEncodePlan) Encode(value any, buf []byte) ([]byte, error) {
	return p.next.Encode(googleUUID(value.(uuid.UUID)), buf)
}
