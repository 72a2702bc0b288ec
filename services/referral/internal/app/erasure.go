package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// EraseFamily records that the family's personal data is erased, for a reason (FamilyErased, in
// the family's referral stream). It destroys nothing itself: the services holding the family's
// key destroy it when they see the event, this one included (FamilyErased below), so that the
// erasure is done at least once even if a service is down when it is ordered. A family of another
// centre is not found, as for referrals (docs/decisions.md 38). A family about which safeguarding
// has a concern open or a hold in force is not erased (SAFEGUARDING_OPEN), nor one with an
// observation report not yet released (REPORT_NOT_RELEASED), nor at its request one with a concern
// on record (SAFEGUARDING_RECORDS_KEPT, decision 279), nor because the retention ended before it
// has (RETENTION_NOT_ENDED, decision 322).
func (a *App) EraseFamily(ctx context.Context, family, centre uuid.UUID, reason referralv1.ErasureReason, md eventstore.Metadata) (Decision, error) {
	ids, err := a.referrals.ReferralsOfFamily(ctx, family)
	if err != nil {
		return Decision{}, err
	}
	if len(ids) == 0 {
		return Decision{}, domain.ErrFamilyNotFound
	}
	// Safeguarding's open concerns and holds in force, as its events told this service
	// (safeguarding_open): checked after the case's own rules, so a family of another centre is
	// still not found.
	concerns, holds, err := a.referrals.OpenSafeguarding(ctx, family)
	if err != nil {
		return Decision{}, err
	}
	// And its observation reports not yet released, known the same way (ReportDue, ReportReleased).
	reports, err := a.referrals.ReportsNotReleased(ctx, family)
	if err != nil {
		return Decision{}, err
	}
	// And the concerns ever raised about it, which a request to erase does not destroy (decision 279).
	kept, escalated, err := a.referrals.ConcernsKept(ctx, family)
	if err != nil {
		return Decision{}, err
	}
	// A family has one referral: its id is minted with the referral (docs/decisions.md 35).
	dec, err := a.change(ctx, ids[0], centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		var events []proto.Message
		var err error
		if _, erased := r.ErasedOn(); erased && kept > 0 && reason == referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED {
			// Erased at its request while safeguarding kept its records (decision 388): their
			// retention's end destroys safeguarding's key (decision 408), checked as any erasure
			// at the retention's end is, below.
			events, err = r.EndKeptRetention(today)
		} else {
			events, err = r.Erase(reason, today)
		}
		if err != nil {
			return nil, err
		}
		// A request is refused for the concerns on record first: closing the open ones, which
		// SAFEGUARDING_OPEN would ask, ends no retention, and it pressed staff to close a live
		// concern for nothing (review 78, decision 388).
		if err := domain.SafeguardingKept(reason, kept, escalated, r.RetentionOf(kept)); err != nil {
			return nil, err
		}
		if err := domain.SafeguardingOpen(concerns, holds); err != nil {
			return nil, err
		}
		if err := domain.ReportsNotReleased(reports); err != nil {
			return nil, err
		}
		// The retention's end is checked, not taken on the administrator's word: six years after
		// the case closed, and with concerns on record until the youngest child is 25 (decision 322).
		if err := r.RetentionNotEnded(reason, kept, today); err != nil {
			return nil, err
		}
		// The children may be in the building: their names and who may collect them are needed
		// until the session is over (docs/decisions.md 102).
		switch under, err := a.referrals.SessionUnderWay(ctx, family, today); {
		case err != nil:
			return nil, err
		case under:
			return nil, domain.ErrSessionUnderWay
		}
		// A session of an earlier day that was held and never completed: completing it makes a
		// supervised session's observation report fall due, which cannot be written once the
		// family's key is gone (review 22, decision 170).
		switch day, err := a.referrals.SessionNotCompleted(ctx, family, today); {
		case err != nil:
			return nil, err
		case !day.IsZero():
			return nil, domain.SessionNotCompleted(day)
		}
		return events, nil
	})
	if errors.Is(err, domain.ErrReferralNotFound) {
		return Decision{}, domain.ErrFamilyNotFound
	}
	if err != nil || dec.Work == nil {
		return dec, err
	}
	dec.DuplicatesNotErased, err = a.duplicatesNotErased(ctx, dec.Referral)
	return dec, err
}

// duplicatesNotErased are the other referrals flagged as possible duplicates of r, either way (its
// own flags, at any centre, and the referrals at every centre that flagged it), whose families are
// not erased. An erasure at a data subject's request erases their family's details only: review 49
// erased a family with no word of the Cafcass referral flagged as its child's duplicate, which
// still held the same parents' names, phones and addresses under another family id. That family
// may be another person's record (the other parent's), so the administrator, told of it, decides;
// nothing else is erased (decision 281). Ids only, and each one's state: an open one is not
// erased until its centre closes it (review 64 finding 2, decision 348). The administrator sees
// every centre.
func (a *App) duplicatesNotErased(ctx context.Context, r *domain.Referral) ([]adapters.FlaggedBy, error) {
	var out []adapters.FlaggedBy
	seen := map[uuid.UUID]bool{}
	for _, d := range r.Duplicates() {
		other, found, err := a.referrals.FamilyOf(ctx, d.Other)
		if err != nil {
			return nil, err
		}
		if found && !other.Erased && !seen[d.Other] {
			seen[d.Other] = true
			other.Match = d.Match
			out = append(out, other)
		}
	}
	flagged, err := a.referrals.FlaggedOn(ctx, []uuid.UUID{r.ID()}, false)
	if err != nil {
		return nil, err
	}
	for _, by := range flagged[r.ID()] {
		if !by.Erased && !seen[by.ID] {
			seen[by.ID] = true
			out = append(out, by)
		}
	}
	return out, nil
}

// FamilyErased carries out the erasure the service itself recorded: it destroys the family's
// data key, so that its names, contact details and notes in every event of the service (the
// referral and the records of who opened it) no longer open, and forgets its children's keyed
// hashes and the answers recorded for its commands on uow, so that a new referral is no longer
// matched to them and no answer gives its details back. Nothing is recorded in the log:
// FamilyErased is the record. Every step is idempotent.
func (a *App) FamilyErased(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID) error {
	if err := a.referrals.Shred(ctx, family); err != nil {
		return err
	}
	adapters.ForgetMatches(uow, family)
	// The answers recorded for the family's commands (a summary carries its children's birth
	// months) go with the key: kept, they would outlive the erasure (decision 278).
	uow.EraseAnswers(family)
	return nil
}
