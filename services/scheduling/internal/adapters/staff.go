package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/staff"
)

// Staff loads a centre's staff register. It has no read model: a centre's staff are a few dozen
// events, read whole for a listing or a supervised session's completion.
func (r *Sessions) Staff(ctx context.Context, centre uuid.UUID) (*staff.Register, error) {
	evs, err := r.load(ctx, staff.Stream(centre))
	if err != nil {
		return nil, err
	}
	return staff.Rebuild(centre, evs)
}

// LastSupervised is the date of the last session at the centre that account supervised, in tx
// (zero if none): read under the staff register's lock by a leaving, it sees every completion
// committed before it.
func LastSupervised(ctx context.Context, tx pgx.Tx, centre uuid.UUID, account string) (time.Time, error) {
	var last *time.Time
	err := tx.QueryRow(ctx, `SELECT max(session_date) FROM bookings WHERE centre_id = $1 AND supervised_by = $2`, centre, account).Scan(&last)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, fmt.Errorf("sessions supervised: %w", err)
	}
	if last == nil {
		return time.Time{}, nil
	}
	return *last, nil
}

// NoteAct queues, in uow's transaction, that account recorded something at the centre on the
// centre's date on (staff_acts): a last day is not put before it (RemoveStaffMember). The day is
// inserted once; later acts that day find it and neither write nor wait.
func NoteAct(uow *eventstore.UnitOfWork, centre uuid.UUID, account string, on time.Time) {
	uow.Exec(`INSERT INTO staff_acts (centre_id, account, acted_on) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		centre, account, pgtype.Date{Time: on, Valid: true})
}

// LastActed is the last date account recorded anything at the centre in scheduling's log, in tx;
// zero when never.
func LastActed(ctx context.Context, tx pgx.Tx, centre uuid.UUID, account string) (time.Time, error) {
	var last pgtype.Date
	err := tx.QueryRow(ctx, `SELECT max(acted_on) FROM staff_acts WHERE centre_id = $1 AND account = $2`, centre, account).Scan(&last)
	if err != nil {
		return time.Time{}, fmt.Errorf("last act at the centre: %w", err)
	}
	if !last.Valid {
		return time.Time{}, nil
	}
	return last.Time, nil
}
