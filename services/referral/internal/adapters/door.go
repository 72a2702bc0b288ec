package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/staff"
)

// The days each family has a session booked at a centre (booked_days, migration 0011), ids and
// dates only: the door is given the names of the families booked at the centre that day
// (decision 234's Left). A row is never deleted: a booking cancelled or moved keeps its day.

// NoteBookedDay adds the family's session booked at the centre on day to a unit of work;
// idempotent, so a second booking that day, or a redelivered event, changes nothing more.
func NoteBookedDay(uow *eventstore.UnitOfWork, family, centre uuid.UUID, day time.Time) {
	uow.Exec(`INSERT INTO booked_days (centre_id, session_on, family_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		centre, pgtype.Date{Time: day, Valid: true}, family)
}

// BookedOn are those of the families that had a session booked at the centre on day, as
// scheduling's events told referral (cancelled or moved since, or not).
func (r *Referrals) BookedOn(ctx context.Context, centre uuid.UUID, day time.Time, families []uuid.UUID) (map[uuid.UUID]bool, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT family_id FROM booked_days
		WHERE centre_id = $1 AND session_on = $2 AND family_id = ANY($3)`, centre, pgtype.Date{Time: day, Valid: true}, families)
	if err != nil {
		return nil, fmt.Errorf("read the families booked at the centre on the day: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("read the families booked at the centre on the day: %w", err)
	}
	booked := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		booked[id] = true
	}
	return booked, nil
}

// StaffRegister is the centre's staff register as far as referral has heard of it (staff.Kept):
// the door's names for a later day go only to a reader it clears that day too (decision 335).
func (r *Referrals) StaffRegister(ctx context.Context, centre uuid.UUID) (*staff.Register, error) {
	return staff.Kept(ctx, r.store.Pool(), centre)
}
