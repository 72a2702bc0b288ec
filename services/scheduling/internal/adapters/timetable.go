package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Querier reads: the pool, or a unit's transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Pool is the repository's pool, for reads outside a unit of work.
func (r *Sessions) Pool() Querier { return r.store.Pool() }

// PatternBookings are a centre's bookings in a pattern's sessions that are still booked and have
// not ended at now (read from q: the pool, or a unit's transaction).
func (r *Sessions) PatternBookings(ctx context.Context, q Querier, centre, pattern uuid.UUID, now time.Time) ([]domain.BookedPlace, error) {
	rows, err := q.Query(ctx, `
		SELECT booking_id, room_id, session_date, session_opens_at, visiting_leaves_at
		FROM bookings WHERE centre_id = $1 AND session_date >= $2 AND pattern_id = $3 AND status = $4 AND visiting_leaves_at > $5`,
		centre, now.UTC().AddDate(0, 0, -1).Truncate(24*time.Hour), pattern, int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED), now)
	if err != nil {
		return nil, fmt.Errorf("pattern bookings: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.BookedPlace, error) {
		var b domain.BookedPlace
		err := row.Scan(&b.Booking, &b.Room, &b.Date, &b.Opens, &b.Leaves)
		b.Date = b.Date.UTC()
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("pattern bookings: %w", err)
	}
	return out, nil
}

// LockTimetable takes the centre's timetable lock alone in tx, until it commits: bookings that
// share it (TimetableUnchanged) have committed, and those after it wait (migration 0003).
func LockTimetable(ctx context.Context, tx pgx.Tx, centre uuid.UUID) error {
	if _, err := tx.Exec(ctx, `SELECT timetable_lock($1)`, domain.TimetableStream(centre)); err != nil {
		return fmt.Errorf("lock the timetable: %w", err)
	}
	return nil
}

// TimetableUnchanged adds to a booking's unit the check that the centre's timetable is still at
// the version the booking was decided on, under the timetable's lock shared (migration 0003). A
// statement, so the unit is still group-committed.
func TimetableUnchanged(uow *eventstore.UnitOfWork, centre uuid.UUID, version int64) {
	uow.Exec(`SELECT timetable_unchanged($1, $2)`, domain.TimetableStream(centre), version)
}

// timetableMoved is the SQLSTATE timetable_unchanged fails with.
const timetableMoved = "FTTTB"

// TimetableMoved is err as a caller is told it: a booking whose timetable changed before it
// committed is a stale read like any other (*eventstore.ConflictError on the timetable, Aborted),
// to be decided again; any other error is itself.
func TimetableMoved(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == timetableMoved {
		return &eventstore.ConflictError{Stream: pg.Detail, Expected: -1, Actual: -1}
	}
	return err
}
