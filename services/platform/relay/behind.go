package relay

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/internal/wait"
)

// maxMissingScan bounds how many of the stream's messages, from its tail back, the relay reads to
// count the events its log lost: enough for any backup an operator would restore to, and a
// bounded cost for one that is older.
const maxMissingScan = 10_000

// Ready is nil while the relay has found nothing wrong with its database, and an
// *eventstore.BehindError (errors.Is eventstore.ErrBehindStream) while its stream holds events the
// database does not: the service is then not ready, and records nothing (decisions.md 370).
func (r *Relay) Ready() error {
	if b := r.behind.Load(); b != nil {
		return b
	}
	return nil
}

// halt stops publishing and makes the service refuse appends while its stream holds events its
// log does not: the database was restored from a backup, or failed over to a standby that had not
// received its last transactions, after the relay published them. The lost events were handled by
// the other services already; new events would take their stream versions and be parked there,
// or, if the lost events reached no one yet, be taken for them. PostgreSQL is the truth only while
// it holds everything the stream does. The relay looks again every StreamCheck (its next lead), and
// lets the service go on once the log holds the stream's last event again (caughtUp).
func (r *Relay) halt(ctx context.Context, b *eventstore.BehindError) error {
	r.behind.Store(b)
	if r.cfg.Appends != nil {
		r.cfg.Appends.RefuseAppends(b)
	}
	r.log.ErrorContext(ctx, "the stream holds events this database does not have: was the database restored from a backup or failed over? "+
		"The service records nothing and publishes nothing until they are back (docs/runbook.md, \"Restoring a service's database\")",
		"stream", b.Stream, "missing_events", b.Missing, "at_least", b.AtLeast, "error", b.Error())
	wait.Sleep(ctx, r.cfg.StreamCheck)
	return nil
}

// caughtUp is called once the relay has checked that its stream holds nothing its log lacks.
func (r *Relay) caughtUp(ctx context.Context) {
	if r.behind.Swap(nil) == nil {
		return
	}
	if r.cfg.Appends != nil {
		r.cfg.Appends.AcceptAppends()
	}
	r.log.WarnContext(ctx, "the database holds every event of its stream again: the service records and publishes again", "stream", r.stream)
}

// behindBy is the error saying how many events at the stream's tail, up to lastSeq, the log lacks:
// messages carrying the bus key's MAC whose event ids are not in the events table, counted back
// from the tail until one the log holds (strangers' messages, unsigned, are passed over).
func (r *Relay) behindBy(ctx context.Context, stream jetstream.Stream, firstSeq, lastSeq uint64) error {
	missing, atLeast, err := r.missingTail(ctx, stream, firstSeq, lastSeq)
	if err != nil {
		return err
	}
	return &eventstore.BehindError{Stream: r.stream, Missing: len(missing), AtLeast: atLeast}
}

// missingTail returns the stream's signed messages at its tail whose events the log does not
// hold, oldest first, stopping at the first one it holds, at the stream's first message, or after
// maxMissingScan messages (atLeast).
func (r *Relay) missingTail(ctx context.Context, stream jetstream.Stream, firstSeq, lastSeq uint64) (missing []*jetstream.RawStreamMsg, atLeast bool, err error) {
	const chunk = 100
	scanned := 0
	for seq := lastSeq; seq >= firstSeq && seq > 0; {
		var msgs []*jetstream.RawStreamMsg
		var ids []uuid.UUID
		for ; seq >= firstSeq && seq > 0 && len(msgs) < chunk; seq-- {
			if scanned++; scanned > maxMissingScan {
				atLeast = true
				break
			}
			msg, err := stream.GetMsg(ctx, seq)
			if errors.Is(err, jetstream.ErrMsgNotFound) {
				continue // deleted: nothing to compare
			}
			if err != nil {
				return nil, false, fmt.Errorf("read the stream's message %d: %w", seq, err)
			}
			id, perr := uuid.Parse(msg.Header.Get(jetstream.MsgIDHeader))
			if perr != nil || r.cfg.Key.Verify(msg.Subject, msg.Data, msg.Header) != nil {
				continue // a stranger's: not the platform's, so not an event the log lost
			}
			msgs, ids = append(msgs, msg), append(ids, id)
		}
		held := map[uuid.UUID]bool{}
		rows, err := r.pool.Query(ctx, "SELECT event_id FROM events WHERE event_id = ANY($1)", ids)
		if err != nil {
			return nil, false, fmt.Errorf("look the stream's events up in the log: %w", err)
		}
		for rows.Next() {
			var id uuid.UUID
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, false, fmt.Errorf("look the stream's events up in the log: %w", err)
			}
			held[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, false, fmt.Errorf("look the stream's events up in the log: %w", err)
		}
		for i, msg := range msgs {
			if held[ids[i]] {
				return reverse(missing), false, nil
			}
			missing = append(missing, msg)
		}
		if atLeast {
			break
		}
	}
	return reverse(missing), atLeast, nil
}

func reverse(msgs []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg {
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	return msgs
}
