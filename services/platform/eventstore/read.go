package eventstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

const selectEvents = `SELECT position, tx_id, stream_id, version, event_id, event_type, schema_version,
	family_id, centre_id, payload, coalesce(actor, ''), coalesce(correlation_id, ''),
	coalesce(causation_id, ''), coalesce(request_id, ''), coalesce(traceparent, ''),
	coalesce(tracestate, ''), coalesce(actor_role, ''), recorded_at, previous_hash, hash, mac FROM events `

// Load returns every event of a stream in version order; none for a stream that does not exist.
// Of a stream it loaded before, it reads only the events appended since (loaded).
func (s *Store) Load(ctx context.Context, stream string) ([]RecordedEvent, error) {
	kept := s.loaded.get(stream)
	var after int64
	if n := len(kept); n > 0 {
		after = kept[n-1].Version
	}
	events, err := s.read(ctx, stream, after)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return slices.Clone(kept), nil // nothing new: the kept events, as the caller's own copy
	}
	if len(kept) > 0 {
		// Kept, then what is new, in a new array: the kept one is shared with other loads.
		events = append(slices.Clip(kept), events...)
	}
	last := &events[len(events)-1]
	h := head{version: last.Version, hash: last.Hash}
	s.heads.put(stream, h, newerHead(h))
	s.loaded.put(stream, events)
	return slices.Clone(events), nil
}

// read returns a stream's events after version after, from the database.
func (s *Store) read(ctx context.Context, stream string, after int64) ([]RecordedEvent, error) {
	rows, err := s.pool.Query(ctx, selectEvents+"WHERE stream_id = $1 AND version > $2 ORDER BY version", stream, after)
	if err != nil {
		return nil, fmt.Errorf("load stream %s: %w", stream, err)
	}
	events, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("load stream %s: %w", stream, err)
	}
	return events, nil
}

// LoadFamily returns every event about a family, across all its streams (referral, bookings,
// sessions, ...), in the order they were recorded: the family's whole history in this service.
// Events of a shredded family still load; their sealed fields no longer open.
func (s *Store) LoadFamily(ctx context.Context, family uuid.UUID) ([]RecordedEvent, error) {
	if family == uuid.Nil {
		return nil, &ValidationError{Field: "family", Reason: "is required"}
	}
	rows, err := s.pool.Query(ctx, selectEvents+`WHERE stream_id IN (SELECT stream_id FROM family_streams
		WHERE family_id = $1) AND family_id = $1 ORDER BY position`, pgtype.UUID{Bytes: family, Valid: true})
	if err != nil {
		return nil, fmt.Errorf("load family %s: %w", family, err)
	}
	events, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("load family %s: %w", family, err)
	}
	return events, nil
}

// ReadAll returns up to limit events with a position greater than after, in position order. For
// publishing in commit order use package relay: position order is not commit order.
//
// Positions are indexed by BRIN (docs/decisions.md, 21): it finds a range of positions by reading
// only the pages that hold it, not "the next n after p". Positions are nearly dense (an append
// that fails leaves a gap), so ReadAll reads a window of limit positions, then wider ones while
// they come back short, until it has limit events or has passed the last position handed out.
func (s *Store) ReadAll(ctx context.Context, after int64, limit int) ([]RecordedEvent, error) {
	if limit <= 0 {
		return nil, &ValidationError{Field: "limit", Reason: "must be positive"}
	}
	var last int64
	if err := s.pool.QueryRow(ctx, lastPosition).Scan(&last); err != nil {
		return nil, fmt.Errorf("read all after %d: %w", after, err)
	}
	var events []RecordedEvent
	for span := int64(limit); after < last && len(events) < limit; span *= 4 {
		upTo := min(after+span, last)
		rows, err := s.pool.Query(ctx, selectEvents+"WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3",
			after, upTo, limit-len(events))
		if err != nil {
			return nil, fmt.Errorf("read all after %d: %w", after, err)
		}
		window, err := collect(rows)
		if err != nil {
			return nil, fmt.Errorf("read all after %d: %w", after, err)
		}
		events = append(events, window...)
		after = upTo
	}
	return events, nil
}

// lastPosition reads the last position handed out (0 before the first) from the sequence of the
// events' identity column.
const lastPosition = `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_position_seq`

// Scan reads one event row selected with the columns of selectEvents; package relay shares it.
func Scan(row pgx.CollectableRow) (RecordedEvent, error) {
	var r RecordedEvent
	var tx pgtype.Uint64
	var family, centre pgtype.UUID
	var schema int32
	md := &r.Metadata
	err := row.Scan(&r.Position, &tx, &r.StreamID, &r.Version, &r.ID, &r.Type, &schema,
		&family, &centre, &r.Payload, &md.Actor, &md.CorrelationID, &md.CausationID, &md.RequestID,
		&md.Traceparent, &md.Tracestate, &md.ActorRole, &r.RecordedAt, &r.PreviousHash, &r.Hash, &r.MAC)
	if err != nil {
		return r, err
	}
	r.TxID, r.SchemaVersion = tx.Uint64, uint32(schema)
	if family.Valid {
		r.FamilyID = uuid.UUID(family.Bytes)
	}
	if centre.Valid {
		r.CentreID = uuid.UUID(centre.Bytes)
	}
	r.RecordedAt = r.RecordedAt.UTC()
	return r, nil
}

// SelectColumns is the column list Scan expects, for queries of the events table elsewhere.
const SelectColumns = selectEvents

func collect(rows pgx.Rows) ([]RecordedEvent, error) {
	return pgx.CollectRows(rows, Scan)
}
