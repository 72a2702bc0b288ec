package adapters

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
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

// Step is one step of a family's history as the history shows it.
type Step struct {
	RecordedAt  time.Time
	Service     string
	Description string
	Centre      uuid.UUID
	Actor       string
	// ActorRole is the role the actor acted in; empty for a service reacting to an event, or an
	// event recorded before roles were.
	ActorRole string
	Type      string
	Stream    string
	Version   int64
	EventID   uuid.UUID
	// Undescribed is an event projected before descriptions were kept (migration 0003): its
	// Description is empty (Envelopes has its envelope).
	Undescribed bool
}

// historyOrder is the order of a family's history: as recorded, ties by service, stream and
// version. The index on (family_id, recorded_at, service, stream_id, version) gives it, and
// carries every column Family reads, so a history is one index range scan.
const historyOrder = `ORDER BY recorded_at, service, stream_id, version`

// Family is the centre the family was referred to (ErrNoFamily if none) and its events
// recorded at or before asOf, in the order they were recorded (ties by service, stream and
// version), as the history shows them. Both are asked in one round trip.
func (h *History) Family(ctx context.Context, family uuid.UUID, asOf time.Time) (uuid.UUID, []Step, error) {
	var b pgx.Batch
	var centre pgtype.UUID
	b.Queue(`SELECT centre_id FROM reporting.referrals WHERE family_id = $1 LIMIT 1`, family).QueryRow(func(row pgx.Row) error {
		if err := row.Scan(&centre); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("family's centre: %w", err)
		}
		return nil
	})
	steps := h.steps()
	b.Queue(`SELECT recorded_at, service, stream_id, version, event_id, centre_id, event_type, actor, description, actor_role
		FROM reporting.history_events WHERE family_id = $1 AND recorded_at <= $2 `+historyOrder, family, asOf).Query(func(rows pgx.Rows) error {
		// A family's events repeat a few services, streams, types, actors and descriptions: each
		// text is made once per read, not once per event.
		texts := make(map[string]string, 64)
		text := func(b []byte) string {
			if s, ok := texts[string(b)]; ok {
				return s
			}
			s := string(b)
			texts[s] = s
			return s
		}
		// Every row is scanned into the same values, so nothing is allocated per row but its new
		// texts. pgtype.UUID, not uuid.UUID: pgx scans a uuid.UUID through database/sql's
		// Scanner, a string made and parsed again for every row.
		var (
			recordedAt                                     time.Time
			service, stream, typ, actor, description, role pgtype.DriverBytes
			version                                        int64
			event, at                                      pgtype.UUID
		)
		dest := []any{&recordedAt, &service, &stream, &version, &event, &at, &typ, &actor, &description, &role}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			steps = append(steps, Step{RecordedAt: recordedAt, Service: text(service), Stream: text(stream), Version: version,
				EventID: event.Bytes, Type: text(typ), Actor: text(actor), ActorRole: text(role), Description: text(description), Undescribed: description == nil})
			if at.Valid {
				steps[len(steps)-1].Centre = at.Bytes
			}
		}
		return rows.Err()
	})
	if err := h.pool.SendBatch(ctx, &b).Close(); err != nil {
		h.Release(steps)
		return uuid.Nil, nil, fmt.Errorf("family history: %w", err)
	}
	if !centre.Valid {
		h.Release(steps)
		return uuid.Nil, nil, ErrNoFamily
	}
	return centre.Bytes, steps, nil
}

// stepBuffers holds the steps of histories read and released (Release), for the next read: a
// history of a thousand events is 170 KB of steps, and growing a new slice to that size for every
// read made about three times as much garbage.
var stepBuffers sync.Pool // *[]Step, empty

// maxPooledSteps bounds the buffers kept: a rare very long history is not held for the next read.
const maxPooledSteps = 1 << 14

func (h *History) steps() []Step {
	if p, ok := stepBuffers.Get().(*[]Step); ok {
		return *p
	}
	return make([]Step, 0, 256)
}

// Release gives back the steps Family returned, once nothing reads them any more: the next read
// reuses their memory. The texts the steps held are not touched (a response may still hold them).
func (h *History) Release(steps []Step) {
	if cap(steps) == 0 || cap(steps) > maxPooledSteps {
		return
	}
	clear(steps)
	steps = steps[:0]
	stepBuffers.Put(&steps)
}

// Envelopes are the envelopes of the family's events named, by event id.
func (h *History) Envelopes(ctx context.Context, family uuid.UUID, events []uuid.UUID) (map[uuid.UUID][]byte, error) {
	rows, err := h.pool.Query(ctx, `SELECT event_id, envelope FROM reporting.history_events
		WHERE family_id = $1 AND event_id = ANY($2)`, family, events)
	if err != nil {
		return nil, fmt.Errorf("family history: %w", err)
	}
	defer rows.Close()
	out := make(map[uuid.UUID][]byte, len(events))
	for rows.Next() {
		var id uuid.UUID
		var env []byte
		if err := rows.Scan(&id, &env); err != nil {
			return nil, fmt.Errorf("family history: %w", err)
		}
		out[id] = env
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("family history: %w", err)
	}
	return out, nil
}

// StreamRef names one stream of one service.
type StreamRef struct {
	Service, Stream string
}

// StreamEvent is one event of a stream holding some of a family's events, as recorded.
type StreamEvent struct {
	Envelope []byte
	// Family is the family the event is about (nil for none).
	Family uuid.UUID
	// Description is what the history shows of it; nil when not described (migration 0003).
	Description *string
}

// Streams are every event of each stream that holds any of the family's events, whole (a room's
// occupancy holds other families' events too: its chain verifies only whole), each in version
// order.
func (h *History) Streams(ctx context.Context, family uuid.UUID) (map[StreamRef][]StreamEvent, error) {
	rows, err := h.pool.Query(ctx, `SELECT e.service, e.stream_id, e.envelope, e.family_id, e.description FROM reporting.history_events e
		WHERE (e.service, e.stream_id) IN (SELECT DISTINCT service, stream_id FROM reporting.history_events WHERE family_id = $1)
		ORDER BY e.service, e.stream_id, e.version`, family)
	if err != nil {
		return nil, fmt.Errorf("family streams: %w", err)
	}
	defer rows.Close()
	out := map[StreamRef][]StreamEvent{}
	for rows.Next() {
		var ref StreamRef
		var ev StreamEvent
		var of pgtype.UUID
		if err := rows.Scan(&ref.Service, &ref.Stream, &ev.Envelope, &of, &ev.Description); err != nil {
			return nil, fmt.Errorf("family streams: %w", err)
		}
		if of.Valid {
			ev.Family = of.Bytes
		}
		out[ref] = append(out[ref], ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("family streams: %w", err)
	}
	return out, nil
}
