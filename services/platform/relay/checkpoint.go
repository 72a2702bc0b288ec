package relay

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/familytime/familytime/services/platform/bus"
)

func (r *Relay) loadCheckpoint(ctx context.Context) (checkpoint, error) {
	created, err := r.pool.Exec(ctx, `INSERT INTO relay_checkpoints (relay, tx_id, position) VALUES ($1, '0'::xid8, 0)
		ON CONFLICT (relay) DO NOTHING`, r.cfg.Service)
	if err != nil {
		return checkpoint{}, fmt.Errorf("create checkpoint: %w", err)
	}
	var cp checkpoint
	var tx pgtype.Uint64
	var last pgtype.UUID
	err = r.pool.QueryRow(ctx, "SELECT tx_id, position, last_event_id FROM relay_checkpoints WHERE relay = $1",
		r.cfg.Service).Scan(&tx, &cp.position, &last)
	if err != nil {
		return checkpoint{}, fmt.Errorf("read checkpoint: %w", err)
	}
	cp.txID = tx.Uint64
	if last.Valid {
		cp.lastEvent = last.Bytes
	}
	holds, err := r.checkpointHolds(ctx, cp)
	if err != nil {
		return cp, err
	}
	if holds && created.RowsAffected() == 1 {
		// No checkpoint at all: the relay's first start, or its row deleted behind its back
		// (review 25), when starting again from the log's first event would store every event
		// past the dedup window on the stream twice. The stream says where publishing stands.
		published, err := r.streamHolds(ctx)
		if err != nil || !published {
			return cp, err
		}
		r.log.WarnContext(ctx, "relay checkpoint missing while the stream holds events; resynchronising with the stream")
		return r.resync(ctx, cp)
	}
	if holds {
		return cp, nil
	}
	// A checkpoint the relay did not leave: someone with write access to the database moved it,
	// past events not yet published (review 23 moved it past a hold, which scheduling then never
	// learnt of), or cleared its last event. The stream says where publishing really stands:
	// resynchronise with it, as after JetStream lost its tail. A checkpoint without a last event
	// is also what the relay leaves after a stranger's message (resync), until its next publish:
	// resync tells the two apart and says which, so only a last event that is wrong is an error.
	if cp.lastEvent != uuid.Nil {
		r.log.ErrorContext(ctx, "relay checkpoint was changed outside the relay: its last event is not the last event at its position; resynchronising with the stream",
			"checkpoint_position", cp.position)
		cp.lastEvent = uuid.Nil // not to be trusted to recognise a copy at the stream's tail
	}
	return r.resync(ctx, cp)
}

// streamHolds says whether the service's stream holds any message.
func (r *Relay) streamHolds(ctx context.Context) (bool, error) {
	stream, err := r.js.Stream(ctx, r.stream)
	if err != nil {
		return false, fmt.Errorf("read the stream: %w", err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return false, fmt.Errorf("read the stream: %w", err)
	}
	return info.State.Msgs > 0, nil
}

// checkStream makes sure the stream still holds what the checkpoint says was published: that it
// ends with the checkpoint's last event. A stream that lost its store (JetStream's data directory
// gone, the stream deleted and recreated by a consumer, a purge) or its tail holds less, and an
// idle service would otherwise learn of it only at its next publish, hours later maybe, while
// every consumer and a reporting rebuild take the stream for complete (review 71). Then it
// resynchronises (resync) and the relay re-publishes from where the stream stands. The relay
// calls it when it starts leading and, idle, every Config.StreamCheck: one stream info request,
// and a read of the stream's last message unless it is the one this relay last had acknowledged.
//
// A checkpoint without a last event has nothing to check: nothing was published yet, or the next
// publish goes without an expectation after a stranger's message (resync). A stream emptied by
// its own max age (an operator's limit; bus sets none) is left alone. A missing stream is an
// error: the relay's next lead creates it (bus.EnsureStream) and checks again. A loss in the
// middle of the stream is still not seen (decisions.md 5).
func (r *Relay) checkStream(ctx context.Context, cp checkpoint) (checkpoint, error) {
	if cp.lastEvent == uuid.Nil {
		return cp, nil
	}
	stream, err := r.js.Stream(ctx, r.stream) // its info, read once
	if err != nil {
		return cp, fmt.Errorf("check the stream: %w", err)
	}
	info := stream.CachedInfo()
	state := info.State
	switch {
	case state.Msgs > 0 && state.LastSeq == r.ackedSeq:
		// It ends with what JetStream last acknowledged to this relay; the log must still hold
		// it: a database failed over while the relay ran has lost it (decisions.md 370).
		var held bool
		err := r.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM events WHERE event_id = $1)", cp.lastEvent).Scan(&held)
		if err != nil {
			return cp, fmt.Errorf("check the stream: %w", err)
		}
		if held || r.cfg.Appends == nil {
			return cp, nil
		}
		return cp, r.behindBy(ctx, stream, state.FirstSeq, state.LastSeq)
	case state.Msgs > 0:
		msg, err := stream.GetMsg(ctx, state.LastSeq)
		if err != nil {
			return cp, fmt.Errorf("check the stream: read its last message: %w", err)
		}
		if msg.Header.Get(jetstream.MsgIDHeader) == cp.lastEvent.String() {
			return cp, nil
		}
	case state.LastSeq > 0 && info.Config.MaxAge > 0:
		return cp, nil // every message aged out
	}
	r.log.WarnContext(ctx, "stream does not end with the last event the relay published (JetStream lost events); resynchronising and publishing again from where the stream stands",
		"stream", r.stream, "messages", state.Msgs, "last_sequence", state.LastSeq, "checkpoint_position", cp.position)
	return r.resync(ctx, cp)
}

// checkpointHolds says whether cp is one the relay itself could have left: its last event is
// the last event at or before it in commit order, and it has none only when no event is (before
// the first publish). Every checkpoint the relay saves, and RepublishFrom's, is one by
// construction. After a stranger's message on the stream the relay keeps its position with no
// last event (resync) until it next publishes; that does not hold either, so a load then asks the
// stream again, which finds the stranger still last and keeps it. Rows at or before a checkpoint never change: the
// relay reads only transactions that had ended, and the log is append-only.
//
// Its transaction must also have begun already (below the snapshot's xmax): a checkpoint set at a
// transaction still to come, with the log's true last event, holds by the first rule, and every
// event appended after it would sort before it and never be read (review 24 hid a hold so).
func (r *Relay) checkpointHolds(ctx context.Context, cp checkpoint) (bool, error) {
	var last pgtype.UUID
	var begun bool
	err := r.pool.QueryRow(ctx, `SELECT (SELECT event_id FROM events WHERE (tx_id, position) <= ($1::xid8, $2)
		ORDER BY tx_id DESC, position DESC LIMIT 1), $1::xid8 < pg_snapshot_xmax(pg_current_snapshot())`,
		xid(cp.txID), cp.position).Scan(&last, &begun)
	if err != nil {
		return false, fmt.Errorf("check checkpoint: %w", err)
	}
	if !begun {
		return false, nil
	}
	if !last.Valid {
		return cp.lastEvent == uuid.Nil, nil
	}
	return cp.lastEvent != uuid.Nil && uuid.UUID(last.Bytes) == cp.lastEvent, nil
}

// saveCheckpoint moves the checkpoint from old to next, unless someone (RepublishFrom) moved it
// meanwhile: then it returns the checkpoint as they left it.
func (r *Relay) saveCheckpoint(ctx context.Context, old, next checkpoint) (checkpoint, error) {
	tag, err := r.pool.Exec(ctx, `UPDATE relay_checkpoints
		SET tx_id = $2::xid8, position = $3, last_event_id = $4, updated_at = now()
		WHERE relay = $1 AND tx_id = $5::xid8 AND position = $6`,
		r.cfg.Service, xid(next.txID), next.position, nullable(next.lastEvent), xid(old.txID), old.position)
	if err != nil {
		return old, fmt.Errorf("save checkpoint: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return r.loadCheckpoint(ctx)
	}
	return next, nil
}

// resync moves the checkpoint to the stream's actual last message: back, when JetStream lost its
// tail (the relay then re-publishes what was lost), or forward, when the stream already holds
// events past the checkpoint (after RepublishFrom, once the dedup window has passed).
func (r *Relay) resync(ctx context.Context, cp checkpoint) (checkpoint, error) {
	stream, err := r.js.Stream(ctx, r.stream)
	if err != nil {
		return cp, fmt.Errorf("resync: %w", err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return cp, fmt.Errorf("resync: %w", err)
	}
	next := checkpoint{} // an empty stream: publish everything again
	if info.State.LastSeq > 0 && info.State.Msgs > 0 {
		msg, err := stream.GetMsg(ctx, info.State.LastSeq)
		if err != nil {
			return cp, fmt.Errorf("resync: read the stream's last message: %w", err)
		}
		var tx pgtype.Uint64
		id, parseErr := uuid.Parse(msg.Header.Get(jetstream.MsgIDHeader))
		err = r.pool.QueryRow(ctx, "SELECT tx_id, position FROM events WHERE event_id = $1", id).Scan(&tx, &next.position)
		switch {
		case parseErr == nil && errors.Is(err, pgx.ErrNoRows) && r.cfg.Appends != nil && r.cfg.Key.Verify(msg.Subject, msg.Data, msg.Header) == nil:
			// The platform published it (its MAC verifies under the bus key, which the relays
			// alone hold), on this service's subjects, and the log does not have it: the database
			// lost events it had published, restored from a backup or failed over to a standby
			// that lagged (review 71). Not a stranger: stop, and keep the checkpoint (halt).
			return cp, r.behindBy(ctx, stream, info.State.FirstSeq, info.State.LastSeq)
		case parseErr != nil || errors.Is(err, pgx.ErrNoRows):
			// Someone else published into this service's stream. No consumer acts on what they
			// published (its MAC does not verify under the bus key: consumers dead-letter it), but
			// someone who can reach NATS is publishing, which an operator must know: an error.
			// Keep the checkpoint and publish the next event without an expectation, so the chain
			// starts again after the stranger.
			r.log.ErrorContext(ctx, "stream's last message was not published by this relay: someone else is publishing on the service's subjects",
				"sequence", info.State.LastSeq)
			cp.lastEvent = uuid.Nil
			return r.setCheckpoint(ctx, cp)
		case err != nil:
			return cp, fmt.Errorf("resync: %w", err)
		}
		if next.position < cp.position {
			copied, err := r.copiedAtTail(ctx, stream, info.State.LastSeq, cp)
			if err != nil {
				return cp, fmt.Errorf("resync: %w", err)
			}
			if copied {
				// An older event of the platform's, published again by someone else (its MAC
				// verifies, and consumers skip it: they handled it already). Moving the
				// checkpoint back to it would re-publish everything since, and every event
				// still in the dedup window would be dropped, leaving the copy last again: new
				// events, a hold among them, would not go out for as long as the window
				// lasts (review 19). Publish on, as after a stranger's message.
				r.log.ErrorContext(ctx, "stream's last message is a copy of an older event published again by someone else: someone else is publishing on the service's subjects",
					"sequence", info.State.LastSeq, "event_position", next.position, "checkpoint_position", cp.position)
				cp.lastEvent = uuid.Nil
				return r.setCheckpoint(ctx, cp)
			}
		}
		next.txID, next.lastEvent = tx.Uint64, id
	}
	r.log.WarnContext(ctx, "relay checkpoint resynchronised with the stream",
		"from_position", cp.position, "to_position", next.position)
	return r.setCheckpoint(ctx, next)
}

// copiedAtTail says whether the stream's last message (at lastSeq), an event older than the
// checkpoint's, is a copy published by someone else rather than what is left after JetStream
// lost its tail: the stream still holds what the relay published after it. That is known when
// JetStream acknowledged to this relay a sequence below lastSeq, or, after a restart, when the
// checkpoint's last event is still the last message of its subject below lastSeq.
func (r *Relay) copiedAtTail(ctx context.Context, stream jetstream.Stream, lastSeq uint64, cp checkpoint) (bool, error) {
	if r.ackedSeq > 0 {
		return lastSeq > r.ackedSeq, nil
	}
	if cp.lastEvent == uuid.Nil {
		return false, nil
	}
	var eventType string
	var centre pgtype.UUID
	err := r.pool.QueryRow(ctx, "SELECT event_type, centre_id FROM events WHERE event_id = $1", cp.lastEvent).Scan(&eventType, &centre)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	msg, err := stream.GetLastMsgForSubject(ctx, bus.Subject(r.cfg.Service, uuid.UUID(centre.Bytes), eventType))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return msg.Sequence < lastSeq && msg.Header.Get(jetstream.MsgIDHeader) == cp.lastEvent.String(), nil
}

// setCheckpoint moves the checkpoint unconditionally.
func (r *Relay) setCheckpoint(ctx context.Context, next checkpoint) (checkpoint, error) {
	_, err := r.pool.Exec(ctx, `INSERT INTO relay_checkpoints (relay, tx_id, position, last_event_id) VALUES ($1, $2::xid8, $3, $4)
		ON CONFLICT (relay) DO UPDATE SET tx_id = EXCLUDED.tx_id, position = EXCLUDED.position,
			last_event_id = EXCLUDED.last_event_id, updated_at = now()`,
		r.cfg.Service, xid(next.txID), next.position, nullable(next.lastEvent))
	if err != nil {
		return next, fmt.Errorf("set checkpoint: %w", err)
	}
	return next, nil
}

func nullable(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: id != uuid.Nil} }

// RepublishFrom makes the relay publish again every event from the given position on (and any
// that committed after it in commit order). Events the stream still holds are not stored twice:
// within the dedup window JetStream drops them by id, and past it the relay finds the stream's last
// message and continues after it. Use it when JetStream has lost events; a running relay picks the
// new checkpoint up at its next batch.
func (r *Relay) RepublishFrom(ctx context.Context, position int64) error {
	if position < 1 {
		return fmt.Errorf("republish: position %d: positions start at 1", position)
	}
	var next checkpoint
	var tx pgtype.Uint64
	err := r.pool.QueryRow(ctx, `SELECT tx_id, position FROM events WHERE position >= $1
		ORDER BY tx_id, position LIMIT 1`, position).Scan(&tx, &next.position)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("republish: no event at or after position %d", position)
	}
	if err != nil {
		return fmt.Errorf("republish: %w", err)
	}
	// Just before that event in commit order; the event before it is the stream's expected last.
	next.txID, next.position = tx.Uint64, next.position-1
	var before pgtype.UUID
	err = r.pool.QueryRow(ctx, `SELECT event_id FROM events WHERE (tx_id, position) <= ($1::xid8, $2)
		ORDER BY tx_id DESC, position DESC LIMIT 1`, xid(next.txID), next.position).Scan(&before)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("republish: %w", err)
	}
	if before.Valid {
		next.lastEvent = before.Bytes
	}
	_, err = r.setCheckpoint(ctx, next)
	return err
}

// Lag is the number of committed events not yet published, counted up to 1,000,000. Before the
// relay's first checkpoint every committed event is unpublished: a relay that has not yet
// started, or cannot start, is behind by the whole log, not level with it.
func (r *Relay) Lag(ctx context.Context) (int64, error) {
	var lag int64
	err := r.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM events e
		LEFT JOIN relay_checkpoints c ON c.relay = $1
		WHERE c.relay IS NULL OR (e.tx_id, e.position) > (c.tx_id, c.position) LIMIT 1000000) pending`,
		r.cfg.Service).Scan(&lag)
	if err != nil {
		return 0, fmt.Errorf("relay lag: %w", err)
	}
	return lag, nil
}

// Progress is where the relay of service stands, read from outside it (the dev platform waits
// for every relay before it moves its simulated clock): its checkpoint as comparable text, which
// moves with every batch the relay publishes, and whether a committed event follows it in commit
// order (every event, before the relay's first checkpoint). An event committed between two
// calls is either still unpublished at the second or has moved the checkpoint. Both parts are
// index lookups, whatever the size of the log: max(position), which the BRIN index on position
// cannot answer, and an EXISTS that the planner ran as a scan of the whole log took 60-180 ms
// each on a service with 170,000 events.
func Progress(ctx context.Context, pool *pgxpool.Pool, service string) (checkpoint string, unpublished bool, err error) {
	err = pool.QueryRow(ctx, `SELECT c.tx_id::text || '/' || c.position,
		(SELECT e.position FROM events e WHERE (e.tx_id, e.position) > (c.tx_id, c.position)
			ORDER BY e.tx_id, e.position LIMIT 1) IS NOT NULL
		FROM (SELECT coalesce((SELECT tx_id FROM relay_checkpoints WHERE relay = $1), '0'::xid8) AS tx_id,
			coalesce((SELECT position FROM relay_checkpoints WHERE relay = $1), 0) AS position) c`, service).Scan(&checkpoint, &unpublished)
	if err != nil {
		return "", false, fmt.Errorf("%s relay's progress: %w", service, err)
	}
	return checkpoint, unpublished, nil
}
