package adapters

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/seal"
)

// Keys seals the little free text scheduling keeps about a family (an explained no-show's
// explanation, review 42) with the family's data key, in the service's key store: a database
// apart from the events (KEYSTORE_URL), as referral's and safeguarding's. A sealed value is bound
// to its family, event and field. Everything else scheduling records is ids, dates, times and
// categories, so it runs without a key store too (nil Keys) and refuses only what must be sealed.
type Keys struct {
	sealer *seal.Sealer
}

// NewKeys returns the key store's sealer for scheduling; nil when the service has none.
func NewKeys(sealer *seal.Sealer) *Keys {
	if sealer == nil {
		return nil
	}
	return &Keys{sealer: sealer}
}

var (
	// ErrNoKeyStore refuses text that must be sealed when the service has no key store: it is
	// never kept in clear, and an explained no-show is not kept without its explanation.
	ErrNoKeyStore = problem.Rule("NO_KEY_STORE", "this scheduling service has no key store to keep the explanation sealed "+
		"(-keystore-url / KEYSTORE_URL, and KEKs): an explained no-show is recorded with its explanation, never without it "+
		"and never in clear; record it once the service has one")
	// ErrFamilyErased refuses new text about a family whose personal data was erased (its key
	// was destroyed): nothing is sealed for it again.
	ErrFamilyErased = problem.Rule("FAMILY_ERASED", "the family's personal data was erased: nothing written about it is kept any more")
)

// SealString seals text for the family, bound to the event and the field. A nil Keys refuses
// ErrNoKeyStore; an erased family ErrFamilyErased. Errors never repeat the text.
func (k *Keys) SealString(ctx context.Context, family, event uuid.UUID, field, text string) ([]byte, error) {
	if k == nil {
		return nil, ErrNoKeyStore
	}
	b, err := k.sealer.SealString(ctx, family, seal.At(event, field), text)
	if errors.Is(err, seal.ErrShredded) {
		return nil, ErrFamilyErased
	}
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", field, err)
	}
	return b, nil
}

// Shred destroys the family's data key in the key store, leaving a tombstone (seal.Sealer.Shred):
// what was sealed for the family no longer opens, and nothing is sealed for it again. Idempotent;
// a family never sealed for is tombstoned too. Without a key store there is nothing to destroy.
// The key store is a database of its own, so this runs outside the consumer's unit of work: a
// delivery that fails after it shreds again, which changes nothing.
func (k *Keys) Shred(ctx context.Context, family uuid.UUID) error {
	if k == nil {
		return nil
	}
	if err := k.sealer.Shred(ctx, family); err != nil {
		return fmt.Errorf("erase family %s: %w", family, err)
	}
	return nil
}

// Shredded reports whether the family's data key was destroyed (its personal data erased); false
// without a key store. It knows the erasures from before erased_families was kept (decision 363).
func (k *Keys) Shredded(ctx context.Context, family uuid.UUID) (bool, error) {
	if k == nil {
		return false, nil
	}
	return k.sealer.Shredded(ctx, family)
}
