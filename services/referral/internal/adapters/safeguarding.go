package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// What safeguarding has open about a family, ids only (safeguarding_open, migrations 0004 and
// 0006): its concerns raised and not closed, its holds placed and not lifted, and its observation
// reports due and not released. A family is not erased while any is open (docs/decisions.md 86).
// Both writes are idempotent, so a redelivered event changes nothing more.

// Safeguarding record kinds in safeguarding_open.
const (
	OpenConcern = "concern"
	OpenHold    = "hold"
	OpenReport  = "report"
)

// NoteOpened adds a concern raised, a hold placed or a report due to a unit of work.
func NoteOpened(uow *eventstore.UnitOfWork, kind string, record, family uuid.UUID) {
	uow.Exec(`INSERT INTO safeguarding_open (kind, record_id, family_id) VALUES ($1, $2, $3)
		ON CONFLICT (kind, record_id) DO NOTHING`, kind, record, family)
}

// NoteClosed removes a concern closed, a hold lifted or a report released in a unit of work.
func NoteClosed(uow *eventstore.UnitOfWork, kind string, record uuid.UUID) {
	uow.Exec(`DELETE FROM safeguarding_open WHERE kind = $1 AND record_id = $2`, kind, record)
}

// holdsKey is the lock under which a family's holds are noted (LockHolds) and an acceptance that
// read them commits (GuardHolds).
func holdsKey(family uuid.UUID) string { return "holds-of-family-" + family.String() }

// LockHolds takes the family's holds lock in a unit of work, held to its commit: a unit noting a
// hold placed or lifted takes it before anything it reads of the family's referrals is checked
// (its guards), so that it and an acceptance of the family (GuardHolds) commit one after the
// other, each seeing what the other committed (review 30's window, decision 209's Left).
func LockHolds(uow *eventstore.UnitOfWork, family uuid.UUID) {
	uow.Exec(`SELECT eventstore_lock($1)`, holdsKey(family))
}

// GuardHolds makes a unit of work commit only if the family's holds in force are still those it
// read (read, in order of id; HoldsOfFamily), checked under the family's holds lock: a hold
// noted, or lifted, between the read and the commit fails it with an *eventstore.ConflictError
// and it writes nothing (the caller reloads and decides again). An acceptance reads the holds to
// suspend the case with each (decision 209); without this, one that read none just before a hold
// was noted was accepted unsuspended.
func GuardHolds(uow *eventstore.UnitOfWork, family uuid.UUID, read []uuid.UUID) {
	if read == nil {
		read = []uuid.UUID{} // none read: an empty list, not NULL, which is distinct from every list
	}
	LockHolds(uow, family)
	// eventstore_guard raises the store's conflict (FTGRD) for the key, which names no stream
	// with events, at a version it cannot be at: only when the holds are not those read.
	uow.Exec(`SELECT eventstore_guard($1, $1, -1, false)
		WHERE (SELECT coalesce(array_agg(record_id ORDER BY record_id), '{}'::uuid[]) FROM safeguarding_open
			WHERE family_id = $2 AND kind = 'hold') IS DISTINCT FROM $3::uuid[]`, holdsKey(family), family, read)
}

// NoteConcernKept records a concern raised about the family, and NoteConcernEscalated that it was
// referred to an agency (safeguarding_concerns, migration 0012): kept for good, closed or not, so
// that a requested erasure is refused while the family has any (decision 279). Both idempotent; an
// escalation seen before its concern (another stream's order) is kept too.
func NoteConcernKept(uow *eventstore.UnitOfWork, family, concern uuid.UUID) {
	uow.Exec(`INSERT INTO safeguarding_concerns (concern_id, family_id) VALUES ($1, $2)
		ON CONFLICT (concern_id) DO NOTHING`, concern, family)
}

// NoteConcernMoved marks a concern moved to another family (decision 404): it is none of the
// family's concerns on record (ConcernsKept). Marked, never deleted (migration 0014).
func NoteConcernMoved(uow *eventstore.UnitOfWork, concern uuid.UUID) {
	uow.Exec(`UPDATE safeguarding_concerns SET moved = true WHERE concern_id = $1`, concern)
}

// NoteConcernEscalated: see NoteConcernKept.
func NoteConcernEscalated(uow *eventstore.UnitOfWork, family, concern uuid.UUID) {
	uow.Exec(`INSERT INTO safeguarding_concerns (concern_id, family_id, escalated) VALUES ($1, $2, true)
		ON CONFLICT (concern_id) DO UPDATE SET escalated = true`, concern, family)
}

// ConcernsKept counts the safeguarding concerns ever raised about the family, and how many of them
// were referred to the local authority or the police.
func (r *Referrals) ConcernsKept(ctx context.Context, family uuid.UUID) (concerns, escalated int, err error) {
	err = r.store.Pool().QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE escalated)
		FROM safeguarding_concerns WHERE family_id = $1 AND NOT moved`, family).Scan(&concerns, &escalated)
	if err != nil {
		return 0, 0, fmt.Errorf("read the family's safeguarding concerns: %w", err)
	}
	return concerns, escalated, nil
}

// OpenSafeguarding counts the family's open concerns and holds in force.
func (r *Referrals) OpenSafeguarding(ctx context.Context, family uuid.UUID) (concerns, holds int, err error) {
	err = r.store.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE kind = 'concern'), count(*) FILTER (WHERE kind = 'hold')
		FROM safeguarding_open WHERE family_id = $1`, family).Scan(&concerns, &holds)
	if err != nil {
		return 0, 0, fmt.Errorf("read the family's open safeguarding records: %w", err)
	}
	return concerns, holds, nil
}

// HoldsOfFamily are the ids of the holds in force on the family, as safeguarding's events say,
// in order of id.
func (r *Referrals) HoldsOfFamily(ctx context.Context, family uuid.UUID) ([]uuid.UUID, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT record_id FROM safeguarding_open WHERE family_id = $1 AND kind = $2
		ORDER BY record_id`, family, OpenHold)
	if err != nil {
		return nil, fmt.Errorf("read the family's holds in force: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("read the family's holds in force: %w", err)
	}
	return ids, nil
}

// ReportsNotReleased are the ids of the family's observation reports due and not yet released,
// in order of id.
func (r *Referrals) ReportsNotReleased(ctx context.Context, family uuid.UUID) ([]uuid.UUID, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT record_id FROM safeguarding_open WHERE family_id = $1 AND kind = $2
		ORDER BY record_id`, family, OpenReport)
	if err != nil {
		return nil, fmt.Errorf("read the family's reports not released: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("read the family's reports not released: %w", err)
	}
	return ids, nil
}

// A family's sessions under way (sessions_under_way, migration 0005): bookings someone was
// checked in for, and not yet completed. A family is not erased while one of today's is
// (docs/decisions.md 102). Both writes are idempotent.

// NoteSessionStarted adds a booking someone was checked in for to a unit of work.
func NoteSessionStarted(uow *eventstore.UnitOfWork, booking, family uuid.UUID, on time.Time) {
	uow.Exec(`INSERT INTO sessions_under_way (booking_id, family_id, session_on) VALUES ($1, $2, $3)
		ON CONFLICT (booking_id) DO NOTHING`, booking, family, pgtype.Date{Time: on, Valid: true})
}

// NoteSessionCalledOff marks a booking cancelled or missed by a party (off), or booked again by a
// no-show's withdrawal (!off): on a later day, a session called off holds no erasure back
// (migration 0007).
func NoteSessionCalledOff(uow *eventstore.UnitOfWork, booking uuid.UUID, off bool) {
	uow.Exec(`UPDATE sessions_under_way SET called_off = $2 WHERE booking_id = $1`, booking, off)
}

// NoteSessionOver removes a booking completed.
func NoteSessionOver(uow *eventstore.UnitOfWork, booking uuid.UUID) {
	uow.Exec(`DELETE FROM sessions_under_way WHERE booking_id = $1`, booking)
}

// SessionNotCompleted is the earliest day before the day given of the family's sessions someone
// was checked in for that went ahead, neither completed nor called off (cancelled, or a party's
// no-show; migrations 0005 and 0007); zero when there is none. Before today, such a session holds
// an erasure back (decision 170); before tomorrow, it means contact has begun, though its
// completion has not yet said so, and the referral is not withdrawn (decision 168).
func (r *Referrals) SessionNotCompleted(ctx context.Context, family uuid.UUID, before time.Time) (time.Time, error) {
	var day pgtype.Date
	err := r.store.Pool().QueryRow(ctx, `SELECT min(session_on) FROM sessions_under_way
		WHERE family_id = $1 AND session_on < $2 AND NOT called_off`, family, pgtype.Date{Time: before, Valid: true}).Scan(&day)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the family's sessions not completed: %w", err)
	}
	if !day.Valid {
		return time.Time{}, nil
	}
	return day.Time, nil
}

// SessionUnderWay reports whether one of the family's sessions of day is under way.
func (r *Referrals) SessionUnderWay(ctx context.Context, family uuid.UUID, day time.Time) (bool, error) {
	var under bool
	err := r.store.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM sessions_under_way WHERE family_id = $1 AND session_on = $2)`,
		family, pgtype.Date{Time: day, Valid: true}).Scan(&under)
	if err != nil {
		return false, fmt.Errorf("read the family's sessions under way: %w", err)
	}
	return under, nil
}

// LockEnding takes the referral's guard lock (its stream's key, which a decision guarding the
// referral as a possible duplicate takes, Guard) in a unit ending its case or correcting its
// ending: the two commit one after the other, and the decision that read the case before the
// ending committed fails its guard and is decided again, seeing the ending (decision 361; 347's
// Left). Without it, a read of the other case just before its ending for safety committed let a
// referral of the same child be accepted past DUPLICATE_ENDED_FOR_SAFETY.
func LockEnding(uow *eventstore.UnitOfWork, referral uuid.UUID) {
	uow.Exec(`SELECT eventstore_lock($1)`, domain.StreamID(referral))
}
