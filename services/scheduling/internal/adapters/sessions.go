package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Sessions keeps a centre's sessions: the timetable, family, occupancy and waiting-list streams,
// and their read models (rooms, session_families, bookings), written in the append's transaction.
type Sessions struct {
	store *eventstore.Store
}

// NewSessions returns the sessions repository on the service's event store.
func NewSessions(store *eventstore.Store) *Sessions { return &Sessions{store: store} }

// load reads a stream's events as messages.
func (r *Sessions) load(ctx context.Context, stream string) ([]proto.Message, error) {
	recorded, err := r.store.Load(ctx, stream)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", stream, err)
	}
	out := make([]proto.Message, len(recorded))
	for i := range recorded {
		if out[i], err = recorded[i].Decode(); err != nil {
			return nil, fmt.Errorf("decode %s version %d: %w", stream, recorded[i].Version, err)
		}
	}
	return out, nil
}

// Timetable loads a centre's rooms and patterns.
func (r *Sessions) Timetable(ctx context.Context, centre uuid.UUID) (*domain.Timetable, error) {
	evs, err := r.load(ctx, domain.TimetableStream(centre))
	if err != nil {
		return nil, err
	}
	return domain.RebuildTimetable(centre, evs)
}

// Family loads what scheduling knows of a family.
func (r *Sessions) Family(ctx context.Context, id uuid.UUID) (*domain.Family, error) {
	evs, err := r.load(ctx, domain.FamilyStream(id))
	if err != nil {
		return nil, err
	}
	return domain.RebuildFamily(id, evs)
}

// Occupancy loads a room's occupancy in one opening session.
func (r *Sessions) Occupancy(ctx context.Context, stream string) (*domain.Occupancy, error) {
	evs, err := r.load(ctx, stream)
	if err != nil {
		return nil, err
	}
	return domain.RebuildOccupancy(stream, evs)
}

// WaitingList loads a centre's waiting list.
func (r *Sessions) WaitingList(ctx context.Context, centre uuid.UUID) (*domain.WaitingList, error) {
	evs, err := r.load(ctx, domain.WaitingListStream(centre))
	if err != nil {
		return nil, err
	}
	return domain.RebuildWaitingList(centre, evs)
}

// SupervisedMeanwhile finds another completed session, at any centre of scheduling's database,
// on day (or the day either side, for a centre in another time zone) that account was recorded
// supervising, whose children's contact as held (their recorded arrival and departure, else as
// planned; ending at the booked end at the latest, or, supervised contact that ran past its time,
// at the first of the two parties' departures, as domain.Booking's ContactHeld) overlaps
// from..to: one such booking, its centre, its kind of contact and its contact times, or found
// false. One at centre is found first, so a refusal there names what the centre's staff can see.
// A person cannot be in two centres' rooms at once any more than in two rooms of one (review 24
// completed a supported session at one centre and a supervised one at another at the same hour,
// one person named for both). A supervised session is compared with sessions of every kind (a
// supported session records who kept its room too); supervisedOnly leaves supported ones out, for
// a supported session, whose room one person may keep for several families at once.
func (r *Sessions) SupervisedMeanwhile(ctx context.Context, centre uuid.UUID, day time.Time, account string, except uuid.UUID,
	from, to time.Time, supervisedOnly bool) (booking, at uuid.UUID, st commonv1.ServiceType, start, end time.Time, found bool, err error) {
	var kind int32
	err = r.store.Pool().QueryRow(ctx, `SELECT booking_id, centre_id, service_type, held_from, held_to FROM (
			SELECT booking_id, centre_id, service_type, coalesce(children_arrived_at, children_arrive_at) AS held_from,
				CASE WHEN service_type = $6 AND children_arrived_at IS NOT NULL AND visiting_arrived_at IS NOT NULL
						AND least(children_departed_at, visiting_departed_at) >=
							greatest(children_leave_at, children_arrived_at, visiting_arrived_at) + interval '1 minute'
					THEN least(children_departed_at, visiting_departed_at) -- past its time (domain.LeftTimes' Overrun)
					ELSE least(coalesce(children_departed_at, children_leave_at), children_leave_at) END AS held_to
			FROM bookings
			WHERE session_date BETWEEN $2::date - 1 AND $2::date + 1 AND supervised_by = $3 AND booking_id <> $4 AND status = $5
				AND (service_type = $6 OR NOT $9)
		) held
		WHERE held_from < $8 AND $7 < held_to
		ORDER BY centre_id <> $1, held_from, booking_id LIMIT 1`,
		centre, pgtype.Date{Time: day, Valid: true}, account, except, int32(schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED),
		int32(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED), from, to, supervisedOnly).Scan(&booking, &at, &kind, &start, &end)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, uuid.Nil, 0, time.Time{}, time.Time{}, false, nil
	}
	if err != nil {
		return uuid.Nil, uuid.Nil, 0, time.Time{}, time.Time{}, false, fmt.Errorf("supervised meanwhile: %w", err)
	}
	return booking, at, commonv1.ServiceType(kind), start, end, true, nil
}

// BookingFamily finds which family a booking at centre belongs to; a booking of another centre
// is not found (the caller's centre scope was checked against centre).
func (r *Sessions) BookingFamily(ctx context.Context, centre, booking uuid.UUID) (uuid.UUID, error) {
	var family uuid.UUID
	err := r.store.Pool().QueryRow(ctx, `SELECT family_id FROM bookings WHERE booking_id = $1 AND centre_id = $2`, booking, centre).Scan(&family)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, domain.ErrBookingNotFound
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("find booking: %w", err)
	}
	return family, nil
}

// BookingPlace reads the opening pattern and room of a booking at centre; a booking of another
// centre is not found.
func (r *Sessions) BookingPlace(ctx context.Context, centre, booking uuid.UUID) (pattern, room uuid.UUID, err error) {
	err = r.store.Pool().QueryRow(ctx, `SELECT pattern_id, room_id FROM bookings WHERE booking_id = $1 AND centre_id = $2`,
		booking, centre).Scan(&pattern, &room)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, uuid.Nil, domain.ErrBookingNotFound
	}
	if err != nil {
		return uuid.Nil, uuid.Nil, fmt.Errorf("find booking: %w", err)
	}
	return pattern, room, nil
}

// FamilyOfPerson finds the family at centre, other than except, whose readiness names person (an
// adult or a child, by the id referral minted): found, with its booking on day when it has one
// (the first due; uuid.Nil when none). The door's check-in of such a person at another booking is
// the wrong row (review 51).
func (r *Sessions) FamilyOfPerson(ctx context.Context, centre, except, person uuid.UUID, day time.Time) (family, booking uuid.UUID, found bool, err error) {
	// The id is in the readiness as its text: a byte search narrows the rows, and decoding confirms
	// it is a person's id, not some other field's.
	rows, err := r.store.Pool().Query(ctx, `
		SELECT f.family_id, f.ready, (SELECT b.booking_id FROM bookings b WHERE b.family_id = f.family_id AND b.centre_id = $1
			AND b.session_date = $4 ORDER BY b.visiting_arrives_at, b.booking_id LIMIT 1)
		FROM session_families f
		WHERE f.centre_id = $1 AND f.family_id <> $2 AND f.ready IS NOT NULL AND position(convert_to($3, 'UTF8') in f.ready) > 0`,
		centre, except, person.String(), day)
	if err != nil {
		return uuid.Nil, uuid.Nil, false, fmt.Errorf("find person: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ready []byte
		var today *uuid.UUID
		if err := rows.Scan(&family, &ready, &today); err != nil {
			return uuid.Nil, uuid.Nil, false, fmt.Errorf("find person: %w", err)
		}
		ev := &schedulingv1.FamilyReadyNoted{}
		if err := proto.Unmarshal(ready, ev); err != nil {
			return uuid.Nil, uuid.Nil, false, fmt.Errorf("find person: %w", err)
		}
		if !names(ev, person.String()) {
			continue
		}
		if today != nil {
			booking = *today
		}
		return family, booking, true, nil
	}
	if err := rows.Err(); err != nil {
		return uuid.Nil, uuid.Nil, false, fmt.Errorf("find person: %w", err)
	}
	return uuid.Nil, uuid.Nil, false, nil
}

// names reports whether a readiness names person among its adults or children.
func names(ev *schedulingv1.FamilyReadyNoted, person string) bool {
	for _, a := range ev.GetAdults() {
		if a.GetPersonId() == person {
			return true
		}
	}
	for _, c := range ev.GetChildren() {
		if c.GetPersonId() == person {
			return true
		}
	}
	return false
}

// Append adds events to a stream in the unit of work, expecting the stream at expected, and
// projects each into the read models in the same transaction.
func Append(uow *eventstore.UnitOfWork, stream string, expected int64, family, centre uuid.UUID, md eventstore.Metadata, events ...proto.Message) error {
	return AppendAs(uow, stream, expected, family, centre, md, nil, events...)
}

// AppendAs is Append with the ids of the events that carry a sealed value, bound to the id it
// was sealed for (Keys.SealString): ids[msg] is msg's event id. Events not in ids get one at
// commit.
func AppendAs(uow *eventstore.UnitOfWork, stream string, expected int64, family, centre uuid.UUID, md eventstore.Metadata,
	ids map[proto.Message]uuid.UUID, events ...proto.Message) error {
	if len(events) == 0 {
		return nil
	}
	out := make([]eventstore.Event, len(events))
	for i, ev := range events {
		e, err := eventstore.NewEvent(ev, family, centre, md)
		if err != nil {
			return err
		}
		e.ID = ids[ev]
		out[i] = e
		if err := project(uow, ev); err != nil {
			return err
		}
	}
	uow.Append(stream, expected, out...)
	return nil
}

func ts(t interface{ AsTime() time.Time }) time.Time { return t.AsTime() }

func date(d interface {
	GetYear() int32
	GetMonth() int32
	GetDay() int32
}) pgtype.Date {
	return pgtype.Date{Time: time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC), Valid: true}
}

// weighed clears the family's disclosure waiting for the lead (DisclosureNoted) once a risk
// assessment that weighs it is noted, as domain.Family's DisclosureUnweighed reads it
// (weighing.Weighs): recorded at or after the instant it was carried where both have one, else
// dated on or after the day it was flagged.
func weighed(uow *eventstore.UnitOfWork, family string, assessedOn interface {
	GetYear() int32
	GetMonth() int32
	GetDay() int32
}, assessedAt *timestamppb.Timestamp) {
	var at pgtype.Timestamptz
	if assessedAt != nil {
		at = pgtype.Timestamptz{Time: assessedAt.AsTime(), Valid: true}
	}
	uow.Exec(`UPDATE session_families SET disclosure_flagged_on = NULL, disclosure_flagged_at = NULL WHERE family_id = $1 AND
		CASE WHEN disclosure_flagged_at IS NOT NULL AND $3::timestamptz IS NOT NULL THEN disclosure_flagged_at <= $3
			ELSE disclosure_flagged_on <= $2 END`,
		family, date(assessedOn), at)
}

// project queues the read-model writes of one event.
func project(uow *eventstore.UnitOfWork, ev proto.Message) error {
	switch e := ev.(type) {
	case *schedulingv1.RoomAdded:
		uow.Exec(`INSERT INTO rooms (room_id, centre_id, name, capacity, supervised_suitable) VALUES ($1, $2, $3, $4, $5)`,
			e.GetRoomId(), e.GetCentreId(), e.GetName(), e.GetCapacity(), e.GetSupervisedSuitable())
	case *schedulingv1.FamilyReadyNoted:
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(e)
		if err != nil {
			return err
		}
		uow.Exec(`INSERT INTO session_families (family_id, centre_id, ready, children_may_leave_centre) VALUES ($1, $2, $3, $4)
			ON CONFLICT (family_id) DO UPDATE SET centre_id = EXCLUDED.centre_id, ready = EXCLUDED.ready,
				children_may_leave_centre = EXCLUDED.children_may_leave_centre, review_due_on = NULL, kept_from_children = '{}'`,
			e.GetFamilyId(), e.GetCentreId(), b, e.GetChildrenMayLeaveCentre())
	case *schedulingv1.AdultKeptFromChildrenNoted:
		// The day sheet takes the adult's permissions away from the readiness it reads (decision 323).
		uow.Exec(`UPDATE session_families SET kept_from_children = array_append(kept_from_children, $2::uuid)
			WHERE family_id = $1 AND NOT ($2::uuid = ANY (kept_from_children))`, e.GetFamilyId(), e.GetPersonId())
	case *schedulingv1.FamiliesKeptApart:
		// The day sheet alerts two families kept apart booked at overlapping times (decision 330).
		uow.Exec(`INSERT INTO families_apart (family_id, other_family_id, centre_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			e.GetFamilyId(), e.GetOtherFamilyId(), e.GetCentreId())
	case *schedulingv1.KeepingApartEnded:
		uow.Exec(`DELETE FROM families_apart WHERE family_id = $1 AND other_family_id = $2`, e.GetFamilyId(), e.GetOtherFamilyId())
	case *schedulingv1.ChildrenLeavingNoted:
		uow.Exec(`UPDATE session_families SET children_may_leave_centre = $2 WHERE family_id = $1`,
			e.GetFamilyId(), e.GetChildrenMayLeaveCentre())
		// From the day it was recorded: a past session's day sheet keeps what the door was told.
		uow.Exec(`UPDATE bookings SET children_may_leave_centre = $2 WHERE family_id = $1 AND session_date >= $3`,
			e.GetFamilyId(), e.GetChildrenMayLeaveCentre(), date(e.GetChangedOn()))
	case *schedulingv1.ReviewDueNoted:
		// A new readiness (above) clears it, as domain.Family's apply does: a new referral's review
		// clock starts at its own first session.
		var due pgtype.Date
		if e.GetReviewDueOn() != nil {
			due = date(e.GetReviewDueOn())
		}
		uow.Exec(`UPDATE session_families SET review_due_on = $2 WHERE family_id = $1`, e.GetFamilyId(), due)
	case *schedulingv1.HoldNoted:
		uow.Exec(`INSERT INTO session_families (family_id, holds_in_force) VALUES ($1, 1)
			ON CONFLICT (family_id) DO UPDATE SET holds_in_force = session_families.holds_in_force + 1`, e.GetFamilyId())
	case *schedulingv1.DisclosureNoted:
		// The domain records a DisclosureNoted only when it is later than any noted (Moment.After).
		var at pgtype.Timestamptz
		if e.GetFlaggedAt() != nil {
			at = pgtype.Timestamptz{Time: e.GetFlaggedAt().AsTime(), Valid: true}
		}
		uow.Exec(`INSERT INTO session_families (family_id, disclosure_flagged_on, disclosure_flagged_at) VALUES ($1, $2, $3)
			ON CONFLICT (family_id) DO UPDATE SET disclosure_flagged_on = greatest(session_families.disclosure_flagged_on, EXCLUDED.disclosure_flagged_on),
				disclosure_flagged_at = EXCLUDED.disclosure_flagged_at`,
			e.GetFamilyId(), date(e.GetFlaggedOn()), at)
	case *schedulingv1.SupportedContactRuledOut:
		weighed(uow, e.GetFamilyId(), e.GetAssessedOn(), e.GetAssessedAt())
	case *schedulingv1.SupportedContactAllowed:
		weighed(uow, e.GetFamilyId(), e.GetAssessedOn(), e.GetAssessedAt())
	case *schedulingv1.RiskAssessmentNoted:
		weighed(uow, e.GetFamilyId(), e.GetAssessedOn(), e.GetAssessedAt())
	case *schedulingv1.HoldLiftNoted:
		uow.Exec(`UPDATE session_families SET holds_in_force = $2 WHERE family_id = $1`, e.GetFamilyId(), e.GetHoldsInForce())
	case *schedulingv1.SessionBooked:
		uow.Exec(`INSERT INTO bookings (booking_id, centre_id, family_id, room_id, pattern_id, session_date, session_opens_at,
				service_type, time_zone, visiting_arrives_at, children_arrive_at, children_leave_at, visiting_leaves_at, status,
				children_may_leave_centre)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
				coalesce((SELECT children_may_leave_centre FROM session_families WHERE family_id = $3), false))`,
			e.GetBookingId(), e.GetCentreId(), e.GetFamilyId(), e.GetRoomId(), e.GetPatternId(), date(e.GetSessionDate()),
			ts(e.GetSessionOpensAt()), int32(e.GetServiceType()), e.GetTimeZone(), ts(e.GetVisitingArrivesAt()),
			ts(e.GetChildrenArriveAt()), ts(e.GetChildrenLeaveAt()), ts(e.GetVisitingLeavesAt()),
			int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED))
	case *schedulingv1.BookingCancelled:
		uow.Exec(`UPDATE bookings SET status = $2, cancellation_reason = $3, cancelled_late = $4, cancelled_by = $5, notice_minutes = $6,
				notice_to = $7, call_off_reason = $8
			WHERE booking_id = $1`, e.GetBookingId(), int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED), int32(e.GetReason()), e.GetLate(),
			int32(e.GetCancelledBy()), e.GetNoticeMinutes(), int32(e.GetNoticeTo()), int32(e.GetCallOffReason()))
	case *schedulingv1.PersonCheckedIn:
		switch e.GetParty() {
		case schedulingv1.Party_PARTY_VISITING:
			uow.Exec(`UPDATE bookings SET checked_in = array_append(checked_in, $2::uuid),
				visiting_checked_in_at = coalesce(visiting_checked_in_at, $3) WHERE booking_id = $1`, e.GetBookingId(), e.GetPersonId(), ts(e.GetAt()))
		case schedulingv1.Party_PARTY_CHILDREN:
			uow.Exec(`UPDATE bookings SET checked_in = array_append(checked_in, $2::uuid),
				children_checked_in_at = coalesce(children_checked_in_at, $3) WHERE booking_id = $1`, e.GetBookingId(), e.GetPersonId(), ts(e.GetAt()))
		default: // recorded before the party was
			uow.Exec(`UPDATE bookings SET checked_in = array_append(checked_in, $2::uuid) WHERE booking_id = $1`, e.GetBookingId(), e.GetPersonId())
		}
	case *schedulingv1.CheckInCorrected:
		// The check-in did not happen: the person is not checked in, and the party's first sight
		// at the door is its first check-in still standing, as the correction says (NULL: none).
		col := "children_checked_in_at"
		if e.GetParty() == schedulingv1.Party_PARTY_VISITING {
			col = "visiting_checked_in_at"
		}
		var first any
		if e.GetPartyCheckedInAt() != nil {
			first = ts(e.GetPartyCheckedInAt())
		}
		uow.Exec(`UPDATE bookings SET checked_in = array_remove(checked_in, $2::uuid), `+col+` = $3 WHERE booking_id = $1`,
			e.GetBookingId(), e.GetPersonId(), first)
	case *schedulingv1.CheckInRefused:
		uow.Exec(`UPDATE bookings SET refused_check_ins = refused_check_ins + 1 WHERE booking_id = $1`, e.GetBookingId())
	case *schedulingv1.CheckInRefusalWithdrawn:
		uow.Exec(`UPDATE bookings SET refused_check_ins = greatest(refused_check_ins - 1, 0), refusals_withdrawn = refusals_withdrawn + 1
			WHERE booking_id = $1`, e.GetBookingId())
	case *schedulingv1.PartyArrived:
		if e.GetMoreChildren() {
			break // the party's arrival stays its first
		}
		col := "children_arrived_at"
		if e.GetParty() == schedulingv1.Party_PARTY_VISITING {
			col = "visiting_arrived_at"
		}
		uow.Exec(`UPDATE bookings SET `+col+` = $2 WHERE booking_id = $1`, e.GetBookingId(), ts(e.GetAt()))
	case *schedulingv1.PartyDeparted:
		if e.GetChildrenRemain() {
			// The children's party has left once the last of them has; those who left now are no
			// longer in (the day sheet's head count, review 21), until they are checked in again.
			uow.Exec(`UPDATE bookings SET checked_in = ARRAY(SELECT unnest(checked_in) EXCEPT SELECT unnest($2::uuid[]))
				WHERE booking_id = $1`, e.GetBookingId(), e.GetPersonIds())
			break
		}
		col := "children_departed_at"
		if e.GetParty() == schedulingv1.Party_PARTY_VISITING {
			col = "visiting_departed_at"
		}
		uow.Exec(`UPDATE bookings SET `+col+` = $2 WHERE booking_id = $1`, e.GetBookingId(), ts(e.GetAt()))
	case *schedulingv1.MovementCorrected:
		side, movement := "children", "departed_at"
		if e.GetParty() == schedulingv1.Party_PARTY_VISITING {
			side = "visiting"
		}
		if e.GetMovement() == schedulingv1.Movement_MOVEMENT_ARRIVAL {
			movement = "arrived_at"
		}
		col := side + "_" + movement
		var at any // NULL: it has not happened
		if e.GetAt() != nil {
			at = ts(e.GetAt())
		}
		uow.Exec(`UPDATE bookings SET `+col+` = $2 WHERE booking_id = $1`, e.GetBookingId(), at)
	case *schedulingv1.SessionCompleted:
		uow.Exec(`UPDATE bookings SET status = $2, supervised_by = nullif($3, '') WHERE booking_id = $1`, e.GetBookingId(),
			int32(schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED), e.GetSupervisedBy())
	case *schedulingv1.NoShowRecorded:
		uow.Exec(`UPDATE bookings SET status = $2 WHERE booking_id = $1`, e.GetBookingId(), int32(schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW))
	case *schedulingv1.NoShowWithdrawn:
		uow.Exec(`UPDATE bookings SET status = $2 WHERE booking_id = $1`, e.GetBookingId(), int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED))
	}
	return nil
}
