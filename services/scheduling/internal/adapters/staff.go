package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
