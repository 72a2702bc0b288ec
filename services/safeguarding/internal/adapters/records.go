// Package adapters connects the safeguarding service to PostgreSQL (its event log, read models
// and the key store through the sealer).
package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// Records keeps safeguarding records: their streams in the event log, sealed with the family's
// data key, and the read models written in the same transactions.
type Records struct {
	store  *eventstore.Store
	sealer *seal.Sealer
	// keyHolds are the process's slots for family key holds (KeyHold).
	keyHolds chan struct{}
}

// NewRecords returns the repository on the service's event store and sealer.
func NewRecords(store *eventstore.Store, sealer *seal.Sealer) *Records {
	return &Records{store: store, sealer: sealer, keyHolds: make(chan struct{}, keyHoldSlots)}
}

// Store is the event store units of work commit to.
func (r *Records) Store() *eventstore.Store { return r.store }

// Load reads a stream's events, decoded, with their ids (sealed fields left sealed).
func (r *Records) Load(ctx context.Context, stream string) ([]domain.Recorded, []eventstore.RecordedEvent, error) {
	raw, err := r.store.Load(ctx, stream)
	if err != nil {
		return nil, nil, fmt.Errorf("load %s: %w", stream, err)
	}
	out, err := Decode(raw)
	return out, raw, err
}

// LoadFamily reads every event about a family across its streams, in log order.
func (r *Records) LoadFamily(ctx context.Context, family uuid.UUID) ([]eventstore.RecordedEvent, error) {
	raw, err := r.store.LoadFamily(ctx, family)
	if err != nil {
		return nil, fmt.Errorf("load family: %w", err)
	}
	return raw, nil
}

// Decode decodes recorded events for the domain.
func Decode(raw []eventstore.RecordedEvent) ([]domain.Recorded, error) {
	out := make([]domain.Recorded, len(raw))
	for i := range raw {
		msg, err := raw[i].Decode()
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", raw[i].Type, err)
		}
		out[i] = domain.Recorded{ID: raw[i].ID, Event: msg, At: raw[i].RecordedAt}
	}
	return out, nil
}

// Seal turns a command's events into events to append: each gets its id first, then every
// sealed_ field is sealed with the family's key, bound to that id and the field's name
// (decision 29). Sealing runs in its own short transaction on the key store, before the unit of
// work is built. It returns the events and their ids.
func (r *Records) Seal(ctx context.Context, family, centre uuid.UUID, md eventstore.Metadata, msgs []proto.Message) ([]eventstore.Event, error) {
	out := make([]eventstore.Event, len(msgs))
	for i, msg := range msgs {
		id, err := uuid.NewV7()
		if err != nil {
			return nil, err
		}
		err = domain.EachSealed(msg, func(field string, in []byte) ([]byte, error) {
			b, err := r.sealer.Seal(ctx, family, seal.At(id, field), in)
			if errors.Is(err, seal.ErrShredded) {
				// The family's personal data was erased: no new text is kept (there is no key,
				// and the family's data is gone). A read, a concern's closing and a hold's
				// lifting are recorded without it; anything else new about the family is
				// refused (decision 86).
				if domain.KeptWithoutText(msg) {
					return nil, nil
				}
				return nil, domain.ErrFamilyErased
			}
			return b, err
		})
		if err != nil {
			return nil, fmt.Errorf("seal: %w", err)
		}
		e, err := eventstore.NewEvent(msg, family, centre, md)
		if err != nil {
			return nil, err
		}
		e.ID = id
		out[i] = e
	}
	return out, nil
}

// Shred destroys the family's data key in the key store, leaving a tombstone (seal.Sealer.Shred):
// every sealed text of the family reads as empty from then on, and none is kept again. It is
// idempotent. The key store is a database of its own, so this runs outside the consumer's unit of
// work: a delivery that fails after it shreds again, which changes nothing.
func (r *Records) Shred(ctx context.Context, family uuid.UUID) error {
	if err := r.sealer.Shred(ctx, family); err != nil {
		return fmt.Errorf("erase family %s: %w", family, err)
	}
	return nil
}

// Open opens one sealed field of an event. A family whose personal data was erased reads as
// empty, never as an error: the record is still there, without its text.
func (r *Records) Open(ctx context.Context, family, event uuid.UUID, field string, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	b, err := r.sealer.Open(ctx, family, seal.At(event, field), sealed)
	if errors.Is(err, seal.ErrShredded) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", field, err)
	}
	return b, nil
}

// Head is a stream's current version (0 when it has no events).
func (r *Records) Head(ctx context.Context, stream string) (int64, error) {
	var v int64
	err := r.store.Pool().QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1`, stream).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("stream head: %w", err)
	}
	return v, nil
}

// ProjectFamily records the centre a family was referred to; the first referral stands.
func ProjectFamily(uow *eventstore.UnitOfWork, family, centre uuid.UUID) {
	uow.Exec(`INSERT INTO families (family_id, centre_id) VALUES ($1, $2) ON CONFLICT (family_id) DO NOTHING`, family, centre)
}

// CloseCase records that the family's case closed at referral on the centre's date on (declined,
// withdrawn, ended) or its data was erased; the first closing stands.
func CloseCase(uow *eventstore.UnitOfWork, family uuid.UUID, on time.Time) {
	uow.Exec(`INSERT INTO closed_cases (family_id, closed_on) VALUES ($1, $2) ON CONFLICT (family_id) DO NOTHING`, family, on)
}

// ReopenCase records that the family's case, ended by mistake, was reopened: it is open again.
func ReopenCase(uow *eventstore.UnitOfWork, family uuid.UUID) {
	uow.Exec(`DELETE FROM closed_cases WHERE family_id = $1`, family)
}

// OpenFamilies are the families referred to the centre whose case has not closed, in id order.
func (r *Records) OpenFamilies(ctx context.Context, centre uuid.UUID) ([]uuid.UUID, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT family_id FROM families f WHERE centre_id = $1
		AND NOT EXISTS (SELECT 1 FROM closed_cases c WHERE c.family_id = f.family_id) ORDER BY family_id`, centre)
	if err != nil {
		return nil, fmt.Errorf("open families: %w", err)
	}
	families, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("open families: %w", err)
	}
	return families, nil
}

// ProjectPeople records people a referral names for a family (ids only), with whether each is a
// party (a parent, or an adult with parental responsibility) and a parent (resident or not) as the
// referral now says.
func ProjectPeople(uow *eventstore.UnitOfWork, family uuid.UUID, people []uuid.UUID, party, parent []bool) {
	if len(people) == 0 {
		return
	}
	uow.Exec(`INSERT INTO family_people (family_id, person_id, party, parent)
		SELECT $1, * FROM unnest($2::uuid[], $3::boolean[], $4::boolean[])
		ON CONFLICT (family_id, person_id) DO UPDATE SET party = EXCLUDED.party, parent = EXCLUDED.parent`, family, people, party, parent)
}

// ProjectBodies records the bodies a family's referral involves, as received from source.
func ProjectBodies(uow *eventstore.UnitOfWork, family uuid.UUID, source commonv1.ReferralSource, b domain.Bodies) {
	uow.Exec(`INSERT INTO family_bodies (family_id, source, court, cafcass, local_authority) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (family_id) DO UPDATE SET source = EXCLUDED.source, court = EXCLUDED.court, cafcass = EXCLUDED.cafcass,
			local_authority = EXCLUDED.local_authority`, family, int32(source), b.Court, b.Cafcass, b.LocalAuthority)
}

// ProjectAmendedBodies records the bodies an amended referral involves: its facts as amended
// (b, made without a source), and the body that referred the family, which an amendment does not
// change. A family with no row (referred before the table was made) is left without one.
func ProjectAmendedBodies(uow *eventstore.UnitOfWork, family uuid.UUID, b domain.Bodies) {
	uow.Exec(`UPDATE family_bodies SET court = $2 OR source = $5, cafcass = $3 OR source = $6, local_authority = $4 OR source = $7
		WHERE family_id = $1`, family, b.Court, b.Cafcass, b.LocalAuthority, int32(commonv1.ReferralSource_REFERRAL_SOURCE_COURT),
		int32(commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS), int32(commonv1.ReferralSource_REFERRAL_SOURCE_LOCAL_AUTHORITY))
}

// Bodies are the bodies the family's referral involves; found false for a family referred before
// they were recorded.
func (r *Records) Bodies(ctx context.Context, family uuid.UUID) (b domain.Bodies, found bool, err error) {
	err = r.store.Pool().QueryRow(ctx, `SELECT court, cafcass, local_authority FROM family_bodies WHERE family_id = $1`, family).
		Scan(&b.Court, &b.Cafcass, &b.LocalAuthority)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Bodies{}, false, nil
	}
	if err != nil {
		return domain.Bodies{}, false, fmt.Errorf("family's bodies: %w", err)
	}
	return b, true, nil
}

// Party is one of a family's parties (ProjectPeople), and whether its referral names them a parent
// (resident or not); Parent is nil for someone noted before that was kept (migration 0020).
type Party struct {
	Person uuid.UUID
	Parent *bool
}

// Parties are those of people that are parties of the family (ProjectPeople).
func (r *Records) Parties(ctx context.Context, family uuid.UUID, people []uuid.UUID) ([]Party, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT person_id, parent FROM family_people WHERE family_id = $1 AND person_id = ANY($2) AND party`,
		family, people)
	if err != nil {
		return nil, fmt.Errorf("family's parties: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Party])
}

// ProjectBooking records a booking of a family.
func ProjectBooking(uow *eventstore.UnitOfWork, booking, family uuid.UUID) {
	uow.Exec(`INSERT INTO family_bookings (booking_id, family_id) VALUES ($1, $2) ON CONFLICT (booking_id) DO NOTHING`, booking, family)
}

// Strangers are those of people a referral never named for the family, in the order given.
func (r *Records) Strangers(ctx context.Context, family uuid.UUID, people []uuid.UUID) ([]uuid.UUID, error) {
	if len(people) == 0 {
		return nil, nil
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT p FROM unnest($2::uuid[]) WITH ORDINALITY AS given(p, n)
		WHERE NOT EXISTS (SELECT 1 FROM family_people WHERE family_id = $1 AND person_id = given.p) ORDER BY n`, family, people)
	if err != nil {
		return nil, fmt.Errorf("family's people: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// BookingFamily is the family a booking is for; found is false for a booking this service has not
// heard of.
func (r *Records) BookingFamily(ctx context.Context, booking uuid.UUID) (family uuid.UUID, found bool, err error) {
	err = r.store.Pool().QueryRow(ctx, "SELECT family_id FROM family_bookings WHERE booking_id = $1", booking).Scan(&family)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("booking's family: %w", err)
	}
	return family, true, nil
}

// FamilyCentre is the centre a family was referred to; found is false for a family this service
// has not heard of.
func (r *Records) FamilyCentre(ctx context.Context, family uuid.UUID) (centre uuid.UUID, found bool, err error) {
	err = r.store.Pool().QueryRow(ctx, "SELECT centre_id FROM families WHERE family_id = $1", family).Scan(&centre)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("family's centre: %w", err)
	}
	return centre, true, nil
}

// HoldFamily is the family of the centre's hold id, as the holds' read model has it (written with
// the hold's placing): found is false for a hold of another centre, or none.
func (r *Records) HoldFamily(ctx context.Context, centre, hold uuid.UUID) (family uuid.UUID, found bool, err error) {
	err = r.store.Pool().QueryRow(ctx, "SELECT family_id FROM holds WHERE hold_id = $1 AND centre_id = $2", hold, centre).Scan(&family)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("hold's family: %w", err)
	}
	return family, true, nil
}

// InUse counts the family's safeguarding records in use: concerns not closed, holds not lifted
// and observation reports not released (due, drafted, waiting for their check or approved: a
// report reaches the court and the family's distribution list only once released), as the read
// models hold them.
func (r *Records) InUse(ctx context.Context, family uuid.UUID) (int, error) {
	var n int
	err := r.store.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM concerns WHERE family_id = $1 AND NOT closed)
		+ (SELECT count(*) FROM holds WHERE family_id = $1 AND lifted_on IS NULL)
		+ (SELECT count(*) FROM reports WHERE family_id = $1 AND state <> $2)`,
		family, int32(safeguardingv1.ReportState_REPORT_STATE_RELEASED)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the family's records in use: %w", err)
	}
	return n, nil
}

// ConcernsOnRecord counts the concerns ever raised about the family here, open or closed, but
// those raised about them by mistake and moved to the family they are about (decision 404).
func (r *Records) ConcernsOnRecord(ctx context.Context, family uuid.UUID) (int, error) {
	var n int
	if err := r.store.Pool().QueryRow(ctx, `SELECT count(*) FROM concerns WHERE family_id = $1 AND NOT moved`, family).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the family's concerns: %w", err)
	}
	return n, nil
}

// WaitErasure notes on uow that the family's erasure waits for its records in use to be brought to
// an end (erasures_waiting, migration 0007).
func WaitErasure(uow *eventstore.UnitOfWork, family uuid.UUID) {
	uow.Exec(`INSERT INTO erasures_waiting (family_id) VALUES ($1) ON CONFLICT (family_id) DO NOTHING`, family)
}

// ErasureDone notes on uow that the family's waiting erasure was carried out.
func ErasureDone(uow *eventstore.UnitOfWork, family uuid.UUID) {
	uow.Exec(`DELETE FROM erasures_waiting WHERE family_id = $1`, family)
}

// ErasureWaiting reports whether the family's erasure waits.
func (r *Records) ErasureWaiting(ctx context.Context, family uuid.UUID) (bool, error) {
	var waiting bool
	err := r.store.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM erasures_waiting WHERE family_id = $1)`, family).Scan(&waiting)
	if err != nil {
		return false, fmt.Errorf("read the family's waiting erasure: %w", err)
	}
	return waiting, nil
}

// OrderErasure notes on uow the family's erasure as referral ordered it, for reason (referral's
// ErasureReason number) on the centre's date on; carried out says its key is destroyed now, on
// that date (family_erasures, migration 0017). A redelivery changes nothing.
func OrderErasure(uow *eventstore.UnitOfWork, family uuid.UUID, reason int32, on time.Time, carriedOut bool) {
	var erasedOn *time.Time
	if carriedOut {
		erasedOn = &on
	}
	// A request to erase a family with a concern on record was noted and not carried out (decision
	// 388); the retention's end, ordered later, supersedes it (decision 408). One carried out stands.
	uow.Exec(`INSERT INTO family_erasures (family_id, reason, ordered_on, erased_on) VALUES ($1, $2, $3, $4)
		ON CONFLICT (family_id) DO UPDATE SET reason = EXCLUDED.reason, ordered_on = EXCLUDED.ordered_on, erased_on = EXCLUDED.erased_on
		WHERE family_erasures.erased_on IS NULL`, family, reason, on, erasedOn)
}

// ErasureCarriedOut notes on uow that the family's waiting erasure was carried out on date on.
func ErasureCarriedOut(uow *eventstore.UnitOfWork, family uuid.UUID, on time.Time) {
	uow.Exec(`UPDATE family_erasures SET erased_on = $2 WHERE family_id = $1 AND erased_on IS NULL`, family, on)
}

// Erasure is what safeguarding knows of a family's erasure.
type Erasure struct {
	// Ordered says referral erased the family: carried out here, or waiting for its records in use.
	Ordered bool
	// Done says its key was destroyed: its safeguarding text is gone.
	Done bool
	// On is the day the key was destroyed, and Reason referral's ErasureReason number; zero for
	// an erasure carried out before they were kept (migration 0017).
	On     time.Time
	Reason int32
}

// Erasure reads the family's erasure: the key store says whether its key was destroyed.
func (r *Records) Erasure(ctx context.Context, family uuid.UUID) (Erasure, error) {
	var (
		e  Erasure
		on *time.Time
	)
	err := r.store.Pool().QueryRow(ctx, `SELECT reason, erased_on FROM family_erasures WHERE family_id = $1`, family).Scan(&e.Reason, &on)
	switch {
	case err == nil:
		e.Ordered = true
		if on != nil {
			e.On = *on
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return Erasure{}, fmt.Errorf("read the family's erasure: %w", err)
	}
	if e.Done, err = r.sealer.Shredded(ctx, family); err != nil {
		return Erasure{}, err
	}
	if !e.Ordered && !e.Done {
		if e.Ordered, err = r.ErasureWaiting(ctx, family); err != nil {
			return Erasure{}, err
		}
	}
	e.Ordered = e.Ordered || e.Done
	return e, nil
}
