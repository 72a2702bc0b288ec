package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
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
