package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/adapters"
)

// Possibly the same adult in two families (review 59, decision 350): the same adult was the
// visiting parent of two families at one centre and nothing told the coordinator, who keeps such
// families apart (scheduling's KeepFamiliesApart, decision 330) only if told. Each adult's phone
// and email are matched, as keyed hashes, with the adults of the centre's other open referrals;
// what is found is a warning for the coordinator, never a flag, an event or a refusal: the same
// phone may be a shared landline or a refuge's, and only the coordinator, who opens both families,
// can say it is one adult.

// matchAdults records the keyed hashes of r's adults in uow, as its details stand after the
// decision, and sets on dec the open referrals of other families at r's centre with an adult of
// the same phone or email. A closed referral is kept apart from nobody: its hashes are recorded
// (a reopened case is matched again) and nothing is looked up.
func (a *App) matchAdults(ctx context.Context, dec *Decision) error {
	r := dec.Referral
	matches, err := a.referrals.AdultMatches(ctx, r)
	if err != nil {
		return err
	}
	adapters.RecordAdultMatches(dec.Work, r, matches)
	dec.AdultsMatched, dec.SameAdult = true, nil
	if !adapters.Open(r.State()) {
		return nil
	}
	dec.SameAdult, err = a.referrals.SameAdultsAt(ctx, r.CentreID(), r.FamilyID(), r.ID(), matches)
	return err
}

// WithSameAdult says on the referral s which open referrals of other families at its centre name
// an adult with the same phone or email as one of its adults (Referral.same_adult_possible): as
// dec found them, for a command that matched the adults (its matches are not yet committed), or
// as the matches stand now. A closed referral lists none, and an erased family's none (its
// matches are forgotten). Only staff are answered it: a referrer's answer is a whitelist
// (ports.forReferrer) that leaves it out.
func (a *App) WithSameAdult(ctx context.Context, s *referralv1.Referral, dec *Decision) error {
	s.SameAdultPossible = nil
	var found []adapters.SameAdult
	switch {
	case dec != nil && dec.AdultsMatched:
		found = dec.SameAdult
	case s.GetErasedOn() != nil || !adapters.Open(s.GetState()):
		return nil
	default:
		id, err := uuid.Parse(s.GetReferralId())
		if err != nil {
			return fmt.Errorf("the same adult as on referral %q: %w", s.GetReferralId(), err)
		}
		if found, err = a.referrals.SameAdultsOf(ctx, id); err != nil {
			return err
		}
	}
	for _, f := range found {
		s.SameAdultPossible = append(s.SameAdultPossible, &referralv1.SameAdultPossible{ReferralId: f.Referral.String(),
			FamilyId: f.Family.String(), PersonId: f.Person.String(), SamePhone: f.Phone, SameEmail: f.Email})
	}
	return nil
}

// recordAdults matches the adults of a command's decision (matchAdults) when it has work to commit.
func (a *App) recordAdults(ctx context.Context, dec Decision) (Decision, error) {
	if dec.Work == nil {
		return dec, nil
	}
	if err := a.matchAdults(ctx, &dec); err != nil {
		return Decision{}, err
	}
	return dec, nil
}
