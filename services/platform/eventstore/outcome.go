package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/familytime/familytime/services/platform/internal/wait"
)

// A commit whose answer is lost. When the connection breaks, or a deadline fires, after COMMIT was
// sent, the client cannot tell from the error whether the server committed. Retrying the unit
// would then append it twice or, as the stream has moved on, report a version conflict that a
// gRPC caller retries into a second booking. So the store asks the server instead (resolve):
// committed is success, aborted is the original failure, and when the server cannot be asked the
// caller gets ErrOutcomeUnknown, never "failed" or "conflict".

// resolveTimeout bounds how long the store keeps asking (Store.resolveWithin; tests shorten it).
const resolveTimeout = 15 * time.Second

// terminateAfter: a backend still inside the lost transaction after this long is ended, so that
// the transaction is settled one way or the other instead of waiting for the server to notice the
// broken connection.
const terminateAfter = time.Second

// unsure is an error that came after the commit was sent, other than the server's own refusal.
type unsure struct {
	err error
	// txID is the transaction's id when it was read back before the answer was lost, else 0.
	txID uint64
	// pid is the server process that ran the transaction.
	pid uint32
}

func (u *unsure) Error() string { return "commit sent, answer lost: " + u.err.Error() }
func (u *unsure) Unwrap() error { return u.err }

// outcomeUnknown is ErrOutcomeUnknown with the error that caused it.
type outcomeUnknown struct{ cause error }

func (e *outcomeUnknown) Error() string {
	return ErrOutcomeUnknown.Error() + " (" + e.cause.Error() + ")"
}
func (e *outcomeUnknown) Is(target error) bool { return target == ErrOutcomeUnknown }
func (e *outcomeUnknown) Unwrap() error        { return e.cause }

// settle returns err unless it is unsure, in which case it asks the server what happened to the
// unit: nil if it committed, the original error if it did not, ErrOutcomeUnknown if nobody can say.
func (s *Store) settle(ctx context.Context, err error, uow *UnitOfWork, recorded []RecordedEvent) error {
	var u *unsure
	if !errors.As(err, &u) {
		return err
	}
	return s.resolve(ctx, u, uow, recorded)
}

// resolve asks the server whether the transaction behind u committed.
func (s *Store) resolve(ctx context.Context, u *unsure, uow *UnitOfWork, recorded []RecordedEvent) error {
	return s.resolveEvidence(ctx, u, evidenceOf(uow, firstEvent(recorded)))
}

func firstEvent(recorded []RecordedEvent) *RecordedEvent {
	if len(recorded) == 0 {
		return nil
	}
	return &recorded[0]
}

// evidence is a query that finds a row the unit wrote, visible only once it has committed.
type evidence struct {
	sql  string
	args []any
}

func evidenceOf(uow *UnitOfWork, first *RecordedEvent) *evidence {
	switch {
	case first != nil:
		return &evidence{"SELECT EXISTS (SELECT 1 FROM events WHERE event_id = $1)", []any{first.ID}}
	case len(uow.answers) > 0:
		return &evidence{"SELECT EXISTS (SELECT 1 FROM requests WHERE request_id = $1)", []any{uow.answers[0].request}}
	case len(uow.inbox) > 0:
		return &evidence{"SELECT EXISTS (SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2)",
			[]any{uow.inbox[0].consumer, uow.inbox[0].eventID}}
	}
	return nil // a unit of projection statements only leaves nothing to look for
}

func (s *Store) resolveEvidence(ctx context.Context, u *unsure, ev *evidence) error {
	if ev == nil && u.txID == 0 {
		return &outcomeUnknown{cause: u.err}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.resolveWithin)
	defer cancel()
	started, terminated := time.Now(), false
	pause := 10 * time.Millisecond
	for {
		committed, settled, err := s.ask(ctx, u, ev)
		if err == nil && settled {
			if committed {
				return nil
			}
			return u.err
		}
		if err == nil && !terminated && time.Since(started) > terminateAfter {
			// Still inside the transaction: end that backend. A transaction that had committed
			// stays committed; one that had not is rolled back. Either way the next look settles it.
			_, _ = s.pool.Exec(ctx, "SELECT pg_terminate_backend($1)", int64(u.pid))
			terminated = true
		}
		if !wait.Sleep(ctx, pause) {
			return &outcomeUnknown{cause: u.err}
		}
		pause = min(pause*2, 500*time.Millisecond)
	}
}

// ask looks once: whether the transaction committed, and whether that is settled yet.
func (s *Store) ask(ctx context.Context, u *unsure, ev *evidence) (committed, settled bool, err error) {
	if u.txID != 0 {
		var status *string
		if err := s.pool.QueryRow(ctx, "SELECT pg_xact_status($1::text::xid8)", fmt.Sprint(u.txID)).Scan(&status); err != nil {
			return false, false, err
		}
		switch {
		case status == nil: // too old to be known: look for what it wrote
		case *status == "committed":
			return true, true, nil
		case *status == "aborted":
			return false, true, nil
		default: // in progress
			return false, false, nil
		}
	}
	if ev == nil {
		return false, false, errors.New("no way to tell")
	}
	// The backend first, then the evidence: once the backend is gone or idle, its transaction is
	// over, and what it wrote is either visible now or never will be.
	var state *string
	err = s.pool.QueryRow(ctx, "SELECT state FROM pg_stat_activity WHERE pid = $1", int64(u.pid)).Scan(&state)
	over := errors.Is(err, pgx.ErrNoRows) || (err == nil && state != nil && *state == "idle")
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return false, false, err
	}
	if err := s.pool.QueryRow(ctx, ev.sql, ev.args...).Scan(&committed); err != nil {
		return false, false, err
	}
	return committed, committed || over, nil
}
