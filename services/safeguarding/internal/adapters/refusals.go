package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// RefusalKey is what makes refused reads repeats of one another (decision 307): the same account,
// refused the same kind of a family's records for the same reason on the same UK day (the kind:
// review 85, decision 412). Only the first is an entry on the family's audit; the rest are counted
// on it (refused_read_tallies, migrations 0023 and 0025). Centre is the family's records' centre:
// the account's daily limit of families is counted at each centre (decision 412).
type RefusalKey struct {
	Subject string
	// Day is the UK date of the refusal by the service's clock, as a domain date.
	Day    time.Time
	Family uuid.UUID
	Reason string
	Kind   safeguardingv1.RecordKind
	Centre uuid.UUID
}

// RefusalDay is what an account's refusals on one UK day at one centre are so far: how many families' records
// it was refused with an entry of their own, whether the family at hand is one of them, and the
// entry that took it past its daily limit (uuid.Nil while it has not passed it).
type RefusalDay struct {
	Families       int
	FamilyRecorded bool
	PastLimit      uuid.UUID
}

// Kept is how the account's next first refusal about the family is kept (domain.KeepRefusal).
func (d RefusalDay) Kept() domain.RefusalKept {
	return domain.KeepRefusal(d.Families, d.FamilyRecorded, d.PastLimit != uuid.Nil)
}

// ErrRefusalDayMoved means another refusal by the same account committed between reading its day
// (RefusalDayOf) and recording this one: the refusal is weighed again on what that one left.
var ErrRefusalDayMoved = errors.New("the account's refusals of the day moved on")

// row is what both the pool and a transaction read one row with.
type row interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// CountRepeatedRefusal counts a refusal on the row of its key, if there is one: it is a repeat,
// and nothing is appended. counted is false for the first refusal of its key.
func (r *Records) CountRepeatedRefusal(ctx context.Context, k RefusalKey, at time.Time) (counted bool, err error) {
	tag, err := r.store.Pool().Exec(ctx, `UPDATE refused_read_tallies SET times = times + 1, last_at = greatest(last_at, $5)
		WHERE subject = $1 AND refused_on = $2 AND family_id = $3 AND reason = $4 AND kind = $6`,
		k.Subject, date(k.Day), k.Family, k.Reason, at, int32(k.Kind))
	if err != nil {
		return false, fmt.Errorf("count a refused read: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// RefusalDayOf reads the account's refusals on the key's day at the key's centre, as seen by the
// family of the key.
func (r *Records) RefusalDayOf(ctx context.Context, k RefusalKey) (RefusalDay, error) {
	return refusalDayOf(ctx, r.store.Pool(), k)
}

func refusalDayOf(ctx context.Context, q row, k RefusalKey) (RefusalDay, error) {
	var d RefusalDay
	var past []uuid.UUID
	err := q.QueryRow(ctx, `SELECT count(DISTINCT family_id) FILTER (WHERE NOT past_limit),
			coalesce(bool_or(family_id = $3 AND NOT past_limit), false),
			coalesce(array_agg(DISTINCT event_id) FILTER (WHERE past_limit), '{}')
		FROM refused_read_tallies WHERE subject = $1 AND refused_on = $2 AND centre_id = $4`, k.Subject, date(k.Day), k.Family, k.Centre).
		Scan(&d.Families, &d.FamilyRecorded, &past)
	if err != nil {
		return RefusalDay{}, fmt.Errorf("an account's refused reads: %w", err)
	}
	if len(past) > 0 {
		d.PastLimit = past[0] // one entry a day at a centre passes the limit: TallyFirstRefusal, under the day's lock
	}
	return d, nil
}

// TallyFirstRefusal queues, in the unit that appends the refusal's entry (event entry, at the
// key's centre), the first count of its key on that entry: kept as want, an entry of its own or the one
// that passes the account's daily limit. It is made under the lock of the account's day, and only
// if the day, read again under it, still keeps the refusal as want, and the key still has no row;
// otherwise the unit fails with ErrRefusalDayMoved and appends nothing. The way a refusal is kept
// only moves on (own entry, passing the limit, counted past it), so it is weighed again at most
// a few times, however many refusals of the account race.
func TallyFirstRefusal(uow *eventstore.UnitOfWork, k RefusalKey, entry uuid.UUID, want domain.RefusalKept, at time.Time) {
	uow.Project(func(ctx context.Context, tx pgx.Tx) error {
		if err := eventstore.Lock(ctx, tx, "refused-reads/"+k.Subject+"/"+dateKey(k.Day)+"/"+k.Centre.String()); err != nil {
			return err
		}
		day, err := refusalDayOf(ctx, tx, k)
		if err != nil {
			return err
		}
		if day.Kept() != want {
			return ErrRefusalDayMoved
		}
		tag, err := tx.Exec(ctx, `INSERT INTO refused_read_tallies (subject, refused_on, family_id, reason, kind, centre_id, event_id,
				past_limit, times, first_at, last_at)
			VALUES ($1, $2, $3, $4, $9, $5, $6, $7, 1, $8, $8) ON CONFLICT DO NOTHING`,
			k.Subject, date(k.Day), k.Family, k.Reason, k.Centre, entry, want == domain.RefusalPassesLimit, at, int32(k.Kind))
		if err != nil {
			return fmt.Errorf("count a refused read: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrRefusalDayMoved // the same refusal, committed first: this one is its repeat
		}
		return nil
	})
}

// TallyPastLimit counts a refusal of an account already past its daily limit on the entry that
// passed it (entry), with no entry of its own. The entry never changes once made, so nothing
// needs to be weighed again: a first count and a repeat are the same upsert.
func (r *Records) TallyPastLimit(ctx context.Context, k RefusalKey, entry uuid.UUID, at time.Time) error {
	_, err := r.store.Pool().Exec(ctx, `INSERT INTO refused_read_tallies (subject, refused_on, family_id, reason, kind, centre_id, event_id,
			past_limit, times, first_at, last_at)
		VALUES ($1, $2, $3, $4, $8, $5, $6, true, 1, $7, $7)
		ON CONFLICT (subject, refused_on, family_id, reason, kind)
		DO UPDATE SET times = refused_read_tallies.times + 1, last_at = greatest(refused_read_tallies.last_at, EXCLUDED.last_at)`,
		k.Subject, date(k.Day), k.Family, k.Reason, k.Centre, entry, at, int32(k.Kind))
	if err != nil {
		return fmt.Errorf("count a refused read: %w", err)
	}
	return nil
}
