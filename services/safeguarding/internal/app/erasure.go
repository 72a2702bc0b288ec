package app

import (
	"context"

	"github.com/google/uuid"
)

// FamilyErased carries out a family's erasure, ordered in referral (referral's FamilyErased,
// docs/decisions.md 86): the family's data key is destroyed, so its concerns, risk assessments,
// reports and the purposes of its readers' access records keep their ids, dates and categories
// but no longer open, and any text recorded for the family later is kept empty. Nothing is
// recorded here: referral's event is the record, and safeguarding's read models hold ids only.
// A family this service never heard of is shredded too, so nothing is ever sealed for it.
func (a *App) FamilyErased(ctx context.Context, family uuid.UUID) error {
	return a.records.Shred(ctx, family)
}
