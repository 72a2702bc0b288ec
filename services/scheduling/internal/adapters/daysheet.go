package adapters

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// BookingRow is a booking as the read model holds it, with its room's name and the family's
// named people and holds.
type BookingRow struct {
	ID, Centre, Family, Room, Pattern uuid.UUID
	Date, SessionOpens                time.Time
	ServiceType                       int32
	Zone                              string
	VisitingArrives, ChildrenArrive   time.Time
	ChildrenLeave, VisitingLeaves     time.Time
	Status, Reason, CancelledBy       int32
	Late                              bool
	NoticeMinutes                     int64
	// NoticeTo is the party whose due time the notice is counted to (0: the children's, before
	// review 42).
	NoticeTo int32
	// CallOffReason is why the centre called the session off (0: not recorded, or not the
	// centre's cancellation; decision 284).
	CallOffReason                      int32
	VisitingArrived, ChildrenArrived   *time.Time
	VisitingDeparted, ChildrenDeparted *time.Time
	// VisitingCheckedIn and ChildrenCheckedIn are each party's first check-in, if recorded.
	VisitingCheckedIn, ChildrenCheckedIn *time.Time
	CheckedIn                            []uuid.UUID
	Refused                              int32
	// RefusalsWithdrawn are refusals at the door withdrawn as recorded by mistake (review 51).
	RefusalsWithdrawn      int32
	RoomName               string
	Ready                  *schedulingv1.FamilyReadyNoted
	ChildrenMayLeaveCentre bool
	HoldsInForce           int32
	SupervisedBy           string
	// DisclosureFlaggedOn is the day a disclosure of domestic abuse the safeguarding lead has not
	// weighed was carried to the family's referral (DisclosureNoted); nil when none waits.
	DisclosureFlaggedOn *time.Time
	// ReviewDueOn is when the family's next review of supported contact is due (ReviewDueNoted);
	// nil when none is.
	ReviewDueOn *time.Time
}

// DaySheet reads a centre's bookings on a local date, in order of the first party due.
func (r *Sessions) DaySheet(ctx context.Context, centre uuid.UUID, day time.Time) ([]BookingRow, error) {
	rows, err := r.store.Pool().Query(ctx, `
		SELECT b.booking_id, b.centre_id, b.family_id, b.room_id, b.pattern_id, b.session_date, b.session_opens_at,
			b.service_type, b.time_zone, b.visiting_arrives_at, b.children_arrive_at, b.children_leave_at, b.visiting_leaves_at,
			b.status, b.cancellation_reason, b.cancelled_late, b.visiting_arrived_at, b.children_arrived_at,
			b.visiting_departed_at, b.children_departed_at, b.checked_in, b.refused_check_ins,
			coalesce(r.name, ''), f.ready, coalesce(f.holds_in_force, 0), coalesce(b.supervised_by, ''), b.cancelled_by, b.notice_minutes,
			b.children_may_leave_centre, b.visiting_checked_in_at, b.children_checked_in_at, f.disclosure_flagged_on, b.notice_to,
			f.review_due_on, b.call_off_reason, b.refusals_withdrawn, coalesce(f.kept_from_children, '{}')
		FROM bookings b
		LEFT JOIN rooms r ON r.room_id = b.room_id
		LEFT JOIN session_families f ON f.family_id = b.family_id
		WHERE b.centre_id = $1 AND b.session_date = $2
		ORDER BY b.visiting_arrives_at, r.name, b.booking_id`, centre, day)
	if err != nil {
		return nil, fmt.Errorf("day sheet: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (BookingRow, error) {
		var b BookingRow
		var ready []byte
		var kept []uuid.UUID
		if err := row.Scan(&b.ID, &b.Centre, &b.Family, &b.Room, &b.Pattern, &b.Date, &b.SessionOpens, &b.ServiceType, &b.Zone,
			&b.VisitingArrives, &b.ChildrenArrive, &b.ChildrenLeave, &b.VisitingLeaves, &b.Status, &b.Reason, &b.Late,
			&b.VisitingArrived, &b.ChildrenArrived, &b.VisitingDeparted, &b.ChildrenDeparted, &b.CheckedIn, &b.Refused,
			&b.RoomName, &ready, &b.HoldsInForce, &b.SupervisedBy, &b.CancelledBy, &b.NoticeMinutes, &b.ChildrenMayLeaveCentre,
			&b.VisitingCheckedIn, &b.ChildrenCheckedIn, &b.DisclosureFlaggedOn, &b.NoticeTo,
			&b.ReviewDueOn, &b.CallOffReason, &b.RefusalsWithdrawn, &kept); err != nil {
			return b, err
		}
		if ready != nil {
			b.Ready = &schedulingv1.FamilyReadyNoted{}
			if err := proto.Unmarshal(ready, b.Ready); err != nil {
				return b, err
			}
			keptFromChildren(b.Ready, kept)
		}
		return b, nil
	})
	if err != nil {
		return nil, fmt.Errorf("day sheet: %w", err)
	}
	return out, nil
}

// RoomSessionKey names one room in one opening session.
type RoomSessionKey struct {
	Room  uuid.UUID
	Opens time.Time
}

// RoomSessionUse is how a room in one opening session is used.
type RoomSessionUse struct {
	Booked     int
	Supervised bool
	// NoOutcome is how many of the bookings ended by now with no outcome recorded (still booked
	// once the visiting party was due to leave: domain.NoOutcomeRecorded).
	NoOutcome int
}

// Booked counts the active bookings of each room-session of a centre between two local dates,
// and those of them ended by now with no outcome recorded.
func (r *Sessions) Booked(ctx context.Context, centre uuid.UUID, from, to, now time.Time) (map[RoomSessionKey]RoomSessionUse, error) {
	// The FILTER is domain.NoOutcomeRecorded, the day sheet's alert, in SQL.
	rows, err := r.store.Pool().Query(ctx, `
		SELECT room_id, session_opens_at, count(*), bool_or(service_type = 2),
			count(*) FILTER (WHERE status = $5 AND visiting_leaves_at <= $6)
		FROM bookings WHERE centre_id = $1 AND session_date BETWEEN $2 AND $3 AND status <> $4
		GROUP BY room_id, session_opens_at`, centre, from, to, int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED), now)
	if err != nil {
		return nil, fmt.Errorf("count bookings: %w", err)
	}
	out := map[RoomSessionKey]RoomSessionUse{}
	var k RoomSessionKey
	var u RoomSessionUse
	_, err = pgx.ForEachRow(rows, []any{&k.Room, &k.Opens, &u.Booked, &u.Supervised, &u.NoOutcome}, func() error {
		out[RoomSessionKey{Room: k.Room, Opens: k.Opens.UTC()}] = u
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count bookings: %w", err)
	}
	return out, nil
}

// Counts are a centre's bookings in a period by outcome.
type Counts struct {
	Booked, Attended, NoShows int
}

// Count counts a centre's bookings between two local dates.
func (r *Sessions) Count(ctx context.Context, centre uuid.UUID, from, to time.Time) (Counts, error) {
	var c Counts
	err := r.store.Pool().QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE status <> $4), count(*) FILTER (WHERE status = $5), count(*) FILTER (WHERE status = $6)
		FROM bookings WHERE centre_id = $1 AND session_date BETWEEN $2 AND $3`, centre, from, to,
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED), int32(schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW)).Scan(&c.Booked, &c.Attended, &c.NoShows)
	if err != nil {
		return c, fmt.Errorf("count bookings: %w", err)
	}
	return c, nil
}

// keptFromChildren takes from ready the permissions of the adults a court order amended in after
// readiness keeps from the children (AdultKeptFromChildrenNoted): the day sheet no longer expects
// them, as domain.Family no longer admits them. Decision 323.
func keptFromChildren(ready *schedulingv1.FamilyReadyNoted, kept []uuid.UUID) {
	for _, a := range ready.GetAdults() {
		if slices.ContainsFunc(kept, func(id uuid.UUID) bool { return id.String() == a.GetPersonId() }) {
			a.MayAttend, a.MayBring, a.MayCollect = proto.Bool(false), false, false
		}
	}
}

// StillBooked is how many bookings of a centre for a kind of contact are still booked on or after
// a local date, and the first of their dates (zero when none): what a centre that stops offering
// that kind of contact leaves booked (decision 377).
func (r *Sessions) StillBooked(ctx context.Context, centre uuid.UUID, st commonv1.ServiceType, from time.Time) (int, time.Time, error) {
	var (
		n     int
		first *time.Time
	)
	err := r.store.Pool().QueryRow(ctx, `SELECT count(*), min(session_date) FROM bookings
		WHERE centre_id = $1 AND service_type = $2 AND status = $3 AND session_date >= $4`,
		centre, int32(st), int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED), from).Scan(&n, &first)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count the bookings still to come: %w", err)
	}
	if first == nil {
		return n, time.Time{}, nil
	}
	return n, *first, nil
}

// SupervisedDays are the local dates, on or after from, on which a centre has supervised contact
// still booked, in order: the days a contact supervisor's leaving may leave short (decision 403).
func (r *Sessions) SupervisedDays(ctx context.Context, centre uuid.UUID, from time.Time) ([]time.Time, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT DISTINCT session_date FROM bookings
		WHERE centre_id = $1 AND service_type = $2 AND status = $3 AND session_date >= $4 ORDER BY session_date`,
		centre, int32(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED), int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED), from)
	if err != nil {
		return nil, fmt.Errorf("the days of supervised contact booked: %w", err)
	}
	days, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return nil, fmt.Errorf("the days of supervised contact booked: %w", err)
	}
	return days, nil
}

// ReadyAt are the families ready for contact at a centre, as referral said (FamilyReadyNoted):
// whose cases a centre that stops offering their kind of contact leaves with none (decision 377).
func (r *Sessions) ReadyAt(ctx context.Context, centre uuid.UUID) ([]uuid.UUID, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT family_id FROM session_families WHERE centre_id = $1 AND ready IS NOT NULL
		ORDER BY family_id`, centre)
	if err != nil {
		return nil, fmt.Errorf("families ready at the centre: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("families ready at the centre: %w", err)
	}
	return out, nil
}
