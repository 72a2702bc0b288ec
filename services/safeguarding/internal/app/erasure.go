package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
)

// FamilyErased carries out a family's erasure, ordered in referral (referral's FamilyErased,
// docs/decisions.md 86): the family's data key is destroyed, so its concerns, risk assessments,
// reports and the purposes of its readers' access records keep their ids, dates and categories
// but no longer open, and any text recorded for the family later is kept empty. Nothing is
// recorded here: referral's event is the record, and safeguarding's read models hold ids only
// (and dates, and the ratings of a screen at referral, whose row the erasure removes).
// A family this service never heard of is shredded too, so nothing is ever sealed for it. The
// erasure's reason (referral's ErasureReason number) and date on are kept, with the day the key
// is destroyed (family_erasures): a record whose text went says when and why (review 35).
//
// While a concern about the family is open, a hold in force or an observation report not released
// (one recorded in the moment before referral heard of it: referral refuses the erasure
// otherwise), the erasure waits, noted on uow, and the key is destroyed when the last of them is
// brought to an end (RecordEnded): safeguarding records are never deleted while in use (decision
// 104), and a report must reach its distribution list, the court among them (hostile review 16).
//
// A request to erase (not the retention's end) of a family with a concern on record, open or
// closed, destroys nothing here: a request does not end the retention of safeguarding records
// (decision 279), which referral checks from the concerns its consumer has heard of. A concern
// raised in the moment before referral heard of it met no such check (review 78: the concern's
// description, the lead's action, the police's reference and the closing note all went with the
// key once the concern was closed). Safeguarding, which handles the concern and the erasure in
// the order they were recorded, decides it: the erasure is noted as ordered, so nothing new is
// recorded about the family, and its records keep their text (decisions.md 388).
//
// The check and the key's destruction run under the family's key hold (adapters.KeyHold), so a
// concern being raised in the same moment is either committed first, and counted, or raised after
// the key went, without its text and its raiser told (decision 400).
func (a *App) FamilyErased(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, reason int32, on time.Time) error {
	hold := a.records.KeyHold()
	if err := hold.Take(ctx, family); err != nil {
		return err
	}
	defer hold.Release()
	adapters.ForgetScreenAtReferral(uow, family)
	if referralv1.ErasureReason(reason) == referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED {
		kept, err := a.records.ConcernsOnRecord(ctx, family)
		if err != nil {
			return err
		}
		if kept > 0 {
			adapters.OrderErasure(uow, family, reason, on, false)
			return nil
		}
	}
	inUse, err := a.records.InUse(ctx, family)
	if err != nil {
		return err
	}
	adapters.OrderErasure(uow, family, reason, on, inUse == 0)
	if inUse > 0 {
		adapters.WaitErasure(uow, family)
		return nil
	}
	return a.shred(ctx, uow, family)
}

// shred destroys the family's data key, and clears on uow the answers recorded for its commands
// (a report's recipients, a record's summary), which would otherwise outlive the key (decision 278).
func (a *App) shred(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID) error {
	if err := a.records.Shred(ctx, family); err != nil {
		return err
	}
	uow.EraseAnswers(family)
	return nil
}

// ErasureOrdered refuses with refusal anything new about a family whose erasure referral ordered,
// carried out or waiting for its records in use: the referral's personal data is gone, with what
// matches its child to a new referral, and its case is closed (review 35: a hold placed on one
// was accepted and suspended nothing).
func (a *App) ErasureOrdered(ctx context.Context, family uuid.UUID, refusal func(uuid.UUID) error) error {
	e, err := a.records.Erasure(ctx, family)
	if err != nil {
		return err
	}
	if e.Ordered || e.Done { // Done: its key destroyed by an erasure whose record is not yet committed
		return refusal(family)
	}
	return nil
}

// Erasure is what safeguarding knows of the family's erasure.
func (a *App) Erasure(ctx context.Context, family uuid.UUID) (adapters.Erasure, error) {
	return a.records.Erasure(ctx, family)
}

// RecordEnded carries out the family's waiting erasure, if any, once a concern was closed, a hold
// lifted or a report released and nothing about the family is in use any more. The key's destruction is
// idempotent: a redelivered event destroys nothing twice. The records in use are counted under the
// family's key hold, as FamilyErased counts them: a concern raised in the same moment is counted,
// or raised after the key went (decision 400).
func (a *App) RecordEnded(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID) error {
	waiting, err := a.records.ErasureWaiting(ctx, family)
	if err != nil || !waiting {
		return err
	}
	hold := a.records.KeyHold()
	if err := hold.Take(ctx, family); err != nil {
		return err
	}
	defer hold.Release()
	inUse, err := a.records.InUse(ctx, family)
	if err != nil || inUse > 0 {
		return err
	}
	if err := a.shred(ctx, uow, family); err != nil {
		return err
	}
	adapters.ErasureDone(uow, family)
	adapters.ErasureCarriedOut(uow, family, a.today())
	return nil
}
