package app

import (
	"context"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// CorrectCaseEnding corrects the outcome an ended case was recorded with (domain.CorrectEnding).
// Its unit commits under the referral's guard lock, as an ending's does (EndCase).
func (a *App) CorrectCaseEnding(ctx context.Context, id, centre uuid.UUID, outcome referralv1.CaseOutcome, note string, md eventstore.Metadata) (Decision, error) {
	dec, err := a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		return r.CorrectEnding(outcome, note, today)
	})
	if err == nil && dec.Work != nil {
		// A correction to an ending for safety bars a referral of the same child as the ending
		// does: under the same lock (adapters.LockEnding, decision 361).
		adapters.LockEnding(dec.Work, dec.Referral.ID())
	}
	return dec, err
}

// ReopenCase reopens a case ended by mistake (domain.Reopen), unless the family was referred
// again: another referral of the family, or of one of its children (matched as duplicates are,
// at any centre), is open (domain.ReferredAgain). A hold in force on the family now suspends the
// reopened case at once, as at acceptance, and the commit is guarded against the holds read.
func (a *App) ReopenCase(ctx context.Context, id, centre uuid.UUID, note string, md eventstore.Metadata) (Decision, error) {
	var hashes [][]byte
	var holds []uuid.UUID
	dec, err := a.change(ctx, id, centre, 0, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		events, err := r.Reopen(note, today)
		if err != nil {
			return nil, err
		}
		if err := a.notReferredAgain(ctx, r); err != nil {
			return nil, err
		}
		if hashes, err = a.referrals.MatchHashes(ctx, r.ID()); err != nil {
			return nil, err
		}
		var suspended []proto.Message
		if holds, suspended, err = a.suspendUnderHolds(ctx, r, today); err != nil {
			return nil, err
		}
		return append(events, suspended...), nil
	})
	if err == nil && dec.Work != nil {
		adapters.GuardHolds(dec.Work, dec.Referral.FamilyID(), holds)
		// After the holds lock, as every unit takes them: a referral of a child of the case
		// submitted meanwhile fails the reopening (deciding again refuses REFERRED_AGAIN), and one
		// submitted after waits and finds the case open.
		adapters.GuardNotReferredAgain(dec.Work, dec.Referral.ID(), hashes)
	}
	return dec, err
}

// notReferredAgain refuses (domain.ReferredAgain) while another referral of r's family, or of a
// child on it, is open: a child on it with the same name and date of birth, or one confirmed the
// same child (same-child, either way). A weaker likeness (the same first name and date of birth,
// say) is a possible duplicate for a person to weigh, not the child referred again: review 75's
// "Ava Mu" could not be reopened for "Ava Nu", another family's child at another centre, and was
// told to take it up with that centre (decision 380).
func (a *App) notReferredAgain(ctx context.Context, r *domain.Referral) error {
	others, err := a.referrals.ReferralsOfFamily(ctx, r.FamilyID())
	if err != nil {
		return err
	}
	matched, err := a.referrals.MatchesAnywhere(ctx, r.ID())
	if err != nil {
		return err
	}
	weak := map[uuid.UUID]bool{}
	for _, m := range matched {
		others = append(others, m.Other)
		if !sameChildBySight(m.Match) {
			weak[m.Other] = true
		}
	}
	for _, m := range matched { // a strong match with another child on the same referral outweighs
		if sameChildBySight(m.Match) {
			delete(weak, m.Other)
		}
	}
	for _, other := range others {
		if other == r.ID() {
			continue
		}
		o, err := a.referrals.Load(ctx, other)
		if err != nil {
			return err
		}
		if !adapters.Open(o.State()) {
			continue
		}
		if weak[other] && o.FamilyID() != r.FamilyID() && !confirmedSame(r, o) {
			continue
		}
		return domain.ReferredAgain(o.ID(), o.CentreID() != r.CentreID())
	}
	return nil
}

// sameChildBySight reports whether a match is of the same name and date of birth (or a flag
// recorded before decision 200, which matched those only): the child referred again, unless a
// person says otherwise, as submission's possible duplicates are read (decision 380).
func sameChildBySight(m referralv1.ChildMatch) bool {
	return m == referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE || m == referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED
}

// confirmedSame reports whether a child on r was confirmed the same child as one on o, or the
// other way round (same-child, decision 260).
func confirmedSame(r, o *domain.Referral) bool {
	for _, s := range r.SameChildren() {
		if s.Other == o.ID() {
			return true
		}
	}
	for _, s := range o.SameChildren() {
		if s.Other == r.ID() {
			return true
		}
	}
	return false
}
