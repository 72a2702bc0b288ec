// Package adapters connects the referral service to PostgreSQL (its event log and read models)
// and to its key store: personal details are sealed with the family's key before an event is
// appended and opened after it is loaded, so nothing personal is ever stored or published in clear.
package adapters

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Referrals keeps referrals: their event streams, sealed, and the read models updated in the same
// transaction as each append.
type Referrals struct {
	store  *eventstore.Store
	sealer *seal.Sealer
}

// NewReferrals returns the referral repository on the service's event store and key store.
func NewReferrals(store *eventstore.Store, sealer *seal.Sealer) *Referrals {
	return &Referrals{store: store, sealer: sealer}
}

// Store is the event store the referrals live in; commands commit their units of work to it.
func (r *Referrals) Store() *eventstore.Store { return r.store }

// Load rebuilds a referral from its events, their sealed details opened. A family whose personal
// data was erased rebuilds without names and contact details (seal.ErrShredded).
func (r *Referrals) Load(ctx context.Context, id uuid.UUID) (*domain.Referral, error) {
	recorded, err := r.store.Load(ctx, domain.StreamID(id))
	if err != nil {
		return nil, err
	}
	if len(recorded) == 0 {
		return nil, domain.ErrReferralNotFound
	}
	// One family, one key read for the whole stream. An erased family (no key) rebuilds without
	// its personal details.
	key, err := r.sealer.Family(ctx, recorded[0].FamilyID, false)
	if err != nil && !errors.Is(err, seal.ErrShredded) && !errors.Is(err, seal.ErrNoKey) {
		return nil, fmt.Errorf("open referral %s: %w", id, err)
	}
	events := make([]proto.Message, len(recorded))
	for i := range recorded {
		rec := &recorded[i]
		if events[i], err = rec.Decode(); err != nil {
			return nil, err
		}
		if err := open(key, rec.ID, events[i]); err != nil {
			return nil, fmt.Errorf("open referral %s version %d: %w", id, rec.Version, err)
		}
	}
	return domain.Rebuild(id, events)
}

// open opens the sealed fields of one recorded event in place; with no key (an erased family)
// it empties them.
func open(key *seal.FamilyKey, event uuid.UUID, msg proto.Message) error {
	return domain.EachSealed(msg, func(path string, in []byte) ([]byte, error) {
		if key == nil {
			return nil, nil
		}
		return key.Open(seal.At(event, path), in)
	})
}

// events turns a command's events into events to append: each is given its id first, and its
// sealed fields are sealed for that id, that field and the family (decision 29). The domain's
// messages are left in clear; the appended ones are copies. A family whose personal data was
// erased keeps no new text: its sealed fields are left empty (there is no key to seal them with,
// and the family's data is gone), so a read of its record is still recorded and a note still
// closes its case, without the words.
func (r *Referrals) events(ctx context.Context, family, centre uuid.UUID, msgs []proto.Message, md eventstore.Metadata) ([]eventstore.Event, error) {
	var key *seal.FamilyKey // read when the first sealed field needs it: many events seal nothing
	erased := false
	out := make([]eventstore.Event, len(msgs))
	for i, msg := range msgs {
		id, err := uuid.NewV7()
		if err != nil {
			return nil, err
		}
		sealed := proto.Clone(msg)
		if err := domain.EachSealed(sealed, func(path string, in []byte) ([]byte, error) {
			if key == nil && !erased {
				key, err = r.sealer.Family(ctx, family, true)
				if errors.Is(err, seal.ErrShredded) {
					erased = true
				} else if err != nil {
					return nil, err
				}
			}
			if erased {
				return []byte{}, nil
			}
			return key.Seal(seal.At(id, path), in)
		}); err != nil {
			return nil, fmt.Errorf("seal %s: %w", msg.ProtoReflect().Descriptor().Name(), err)
		}
		if out[i], err = eventstore.NewEvent(sealed, family, centre, md); err != nil {
			return nil, err
		}
		out[i].ID = id
	}
	return out, nil
}

// Record builds the unit of work that appends a referral's new events, expecting its stream at
// expected, and brings the read models up to date in the same transaction. The caller commits it.
func (r *Referrals) Record(ctx context.Context, ref *domain.Referral, expected int64, msgs []proto.Message, md eventstore.Metadata) (*eventstore.UnitOfWork, error) {
	events, err := r.events(ctx, ref.FamilyID(), ref.CentreID(), msgs, md)
	if err != nil {
		return nil, err
	}
	summary, err := proto.MarshalOptions{Deterministic: true}.Marshal(Summary(ref))
	if err != nil {
		return nil, err
	}
	due, hasDue := ref.ReviewDue()
	uow := new(eventstore.UnitOfWork).Append(domain.StreamID(ref.ID()), expected, events...).
		Exec(`INSERT INTO referrals (referral_id, family_id, centre_id, state, received_on, review_due_on, summary, version, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
			ON CONFLICT (referral_id) DO UPDATE SET state = EXCLUDED.state, review_due_on = EXCLUDED.review_due_on,
				summary = EXCLUDED.summary, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
			ref.ID(), ref.FamilyID(), ref.CentreID(), int32(ref.State()), ref.ReceivedOn(), nullDate(due, hasDue), summary, ref.Version()).
		Exec(`UPDATE child_matches SET open = $2 WHERE referral_id = $1`, ref.ID(), Open(ref.State())).
		Exec(`UPDATE adult_matches SET open = $2 WHERE referral_id = $1`, ref.ID(), Open(ref.State()))
	return uow, nil
}

// Open reports whether a referral in the state is an open case, one a new referral for the same
// child is flagged against.
func Open(s domain.State) bool {
	return s != domain.Declined && s != domain.Withdrawn && s != domain.Ended
}

// Submitter is who made the referral: the actor of its stream's first event, an account or, for a
// referrer, a pseudonym of one (command.IsCaller compares it with a caller, decision 271).
func (r *Referrals) Submitter(ctx context.Context, id uuid.UUID) (string, error) {
	// Only a referral submitted in a referrer's role has a referrer: one typed in by the centre's
	// staff (a paper referral) has none, whatever the account's name (review 52).
	var actor string
	err := r.store.Pool().QueryRow(ctx, `SELECT CASE WHEN actor_role = 'referrer' THEN coalesce(actor, '') ELSE '' END
		FROM events WHERE stream_id = $1 AND version = 1`, domain.StreamID(id)).Scan(&actor)
	if err != nil {
		return "", fmt.Errorf("read who made referral %s: %w", id, err)
	}
	return actor, nil
}
