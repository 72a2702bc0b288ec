package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// History reads the families' histories.
type History struct{ pool *pgxpool.Pool }

// NewHistory reads from reporting's database.
func NewHistory(pool *pgxpool.Pool) *History { return &History{pool: pool} }

// ErrNoFamily is a family reporting has no referral for, at the centre asked about.
var ErrNoFamily = errors.New("no such family at this centre")

// CentreOf is the centre a family was referred to (decisions.md 35: one referral per family).
func (h *History) CentreOf(ctx context.Context, family uuid.UUID) (uuid.UUID, error) {
	var centre uuid.UUID
	err := h.pool.QueryRow(ctx, `SELECT centre_id FROM reporting.referrals WHERE family_id = $1 LIMIT 1`, family).Scan(&centre)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, ErrNoFamily
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("family's centre: %w", err)
	}
	return centre, nil
}

// Family is the family's events recorded at or before asOf, in the order they were recorded
// (ties by service, stream and version), with their envelopes.
func (h *History) Family(ctx context.Context, family uuid.UUID, asOf time.Time) ([]HistoryRow, error) {
	rows, err := h.pool.Query(ctx, `SELECT service, stream_id, version, event_id, centre_id, event_type, recorded_at, actor, envelope
		FROM reporting.history_events WHERE family_id = $1 AND recorded_at <= $2
		ORDER BY recorded_at, service, stream_id, version`, family, asOf)
	if err != nil {
		return nil, fmt.Errorf("family history: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (HistoryRow, error) {
		r := HistoryRow{FamilyID: family}
		var centre *uuid.UUID
		err := row.Scan(&r.Service, &r.StreamID, &r.Version, &r.EventID, &centre, &r.Type, &r.RecordedAt, &r.Actor, &r.Envelope)
		if centre != nil {
			r.CentreID = *centre
		}
		return r, err
	})
}

// StreamRef names one stream of one service.
type StreamRef struct {
	Service, Stream string
}

// Streams are every event of each stream that holds any of the family's events, whole (a room's
// occupancy holds other families' events too: its chain verifies only whole), each in version
// order, as envelopes.
func (h *History) Streams(ctx context.Context, family uuid.UUID) (map[StreamRef][][]byte, error) {
	rows, err := h.pool.Query(ctx, `SELECT e.service, e.stream_id, e.envelope FROM reporting.history_events e
		WHERE (e.service, e.stream_id) IN (SELECT DISTINCT service, stream_id FROM reporting.history_events WHERE family_id = $1)
		ORDER BY e.service, e.stream_id, e.version`, family)
	if err != nil {
		return nil, fmt.Errorf("family streams: %w", err)
	}
	defer rows.Close()
	out := map[StreamRef][][]byte{}
	for rows.Next() {
		var ref StreamRef
		var env []byte
		if err := rows.Scan(&ref.Service, &ref.Stream, &env); err != nil {
			return nil, fmt.Errorf("family streams: %w", err)
		}
		out[ref] = append(out[ref], env)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("family streams: %w", err)
	}
	return out, nil
}
