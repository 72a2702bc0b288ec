package adapters

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/eventstore"
)

// Erasing a family (FamilyErased): its data key is destroyed in the key store and its children's
// keyed hashes are forgotten. Both are idempotent, so a redelivered event changes nothing more.

// Shred destroys the family's data key in the key store, leaving a tombstone (seal.Sealer.Shred).
// The key store is a database of its own, so this cannot ride in a unit of work: it runs before
// the unit commits, and a delivery that fails after it shreds again, which changes nothing.
func (r *Referrals) Shred(ctx context.Context, family uuid.UUID) error {
	if err := r.sealer.Shred(ctx, family); err != nil {
		return fmt.Errorf("erase family %s: %w", family, err)
	}
	return nil
}

// ForgetMatches deletes the keyed hashes of the family's children, and of its adults' phones and
// emails (decision 350), from a unit of work. The matching key is the service's, not the family's,
// so shredding the family's key leaves them matchable: only deleting them stops a new referral for
// the erased child, or naming the erased adult's phone, being matched to them.
func ForgetMatches(uow *eventstore.UnitOfWork, family uuid.UUID) {
	uow.Exec(`DELETE FROM child_matches WHERE referral_id IN (SELECT referral_id FROM referrals WHERE family_id = $1)`, family)
	uow.Exec(`DELETE FROM adult_matches WHERE family_id = $1`, family)
}
