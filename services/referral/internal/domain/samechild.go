package domain

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/inwords"
	"github.com/familytime/familytime/services/platform/problem"
)

// SameChild is a person's confirmation that Child, on this referral, is OtherChild on the
// referral Other (decision 260), and the day it was recorded.
type SameChild struct {
	Child, Other, OtherChild uuid.UUID
	On                       time.Time
}

// ErrSameChildConfirmed: the child on this referral was confirmed already as the child on the
// other referral; a pair is confirmed once (decision 260).
var ErrSameChildConfirmed = problem.Rule("SAME_CHILD_ALREADY_CONFIRMED", "the child was confirmed already as the child on the other referral")

// ErrOtherChildTaken: the child on the other referral was confirmed already as another child on
// this referral (decision 267).
var ErrOtherChildTaken = problem.Rule("OTHER_CHILD_ALREADY_CONFIRMED", "the child on the other referral was confirmed already as another child on this referral")

// ErrCheckedNotTheFamily: the safeguarding lead recorded that the other referral's family is
// another family, so its child is not this referral's child (decision 260).
var ErrCheckedNotTheFamily = problem.Rule("CHECKED_NOT_THE_FAMILY", "the safeguarding lead recorded that the other referral's family is another family")

// ErrConfirmedSameChild: the lead's check that a possible duplicate is another family, after a
// child on it was confirmed as a child on this referral (decision 260).
var ErrConfirmedSameChild = problem.Rule("SAME_CHILD_CONFIRMED", "a child on this referral was confirmed as a child on the other referral")

// ConfirmSameChild records that child, on this referral, is the child otherChild on the referral
// other (decision 260): the national figures know a child by the person id their referral gave
// them, and count a child referred again (after stepping down from supervised to supported
// contact, or to two centres) once only when a person has said the two are one (decisions 37
// and 98). other must be a possible duplicate of this referral, flagged here (so nobody can link,
// or probe, a child of a referral the centre was never told of) and not checked by the lead as
// another family. otherChild is the child on other whose keyed hashes match child's, as the
// application found them; uuid.Nil when none does. A flag that no longer stands for
// safeguarding (the other case ended) still says the children matched, which is what is
// confirmed, so the confirmation is taken in any state of either referral. otherFamily is other's
// family (uuid.Nil when not read), which the event names so that scheduling keeps this family
// apart from the families the centre keeps that one apart from (decision 363). role is the
// confirmer's; note, if given, says how in words.
func (r *Referral) ConfirmSameChild(child, other, otherChild, otherFamily uuid.UUID, role referralv1.ConfirmerRole, note string, today time.Time) ([]proto.Message, error) {
	if _, erased := r.ErasedOn(); erased {
		return nil, ErrFamilyErased
	}
	var v Invalid
	onReferral := slices.ContainsFunc(r.children, func(c ChildRecord) bool { return c.ID == child })
	if !onReferral {
		v.add("child_person_id", "is not a child on this referral")
	}
	flagged := slices.ContainsFunc(r.duplicates, func(d PossibleDuplicate) bool { return d.Other == other })
	if !flagged {
		v.add("other_referral_id", "is not a possible duplicate of this referral: only a referral flagged as one may be confirmed "+
			"(familytime referral show lists them)")
	}
	if onReferral && flagged && otherChild == uuid.Nil {
		v.add("child_person_id", "does not match a child on the other referral (by name and date of birth, as possible duplicates "+
			"are matched): name the child on this referral who matched")
	}
	if note != "" && !inwords.Says(note) {
		v.add("note", "must say how you confirmed that it is the same child, in words")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if c, ok := r.checkedNotTheFamily[other]; ok && !c.EndingOnly() {
		// A check that weighed only the other case's ending for safety does not say the family is
		// another (decision 347).
		return nil, problem.Rule(ErrCheckedNotTheFamily.Reason, fmt.Sprintf("the safeguarding lead recorded on %s that the family of "+
			"referral %s is another family, so its child is not this referral's child; if that check was wrong, tell the lead",
			c.On.Format(time.DateOnly), other))
	}
	if i := slices.IndexFunc(r.sameChildren, func(s SameChild) bool { return s.Child == child && s.Other == other }); i >= 0 {
		return nil, problem.Rule(ErrSameChildConfirmed.Reason, fmt.Sprintf("the child was confirmed on %s as the child on referral %s: "+
			"a pair is confirmed once", r.sameChildren[i].On.Format(time.DateOnly), other))
	}
	if i := slices.IndexFunc(r.sameChildren, func(s SameChild) bool { return s.Other == other && s.OtherChild == otherChild }); i >= 0 {
		// Twins match each other by family name and date of birth: the child on the other
		// referral is one child, already confirmed as another child here (review 45: two twins
		// confirmed as the one child on an earlier referral were counted as one child).
		return nil, problem.Rule(ErrOtherChildTaken.Reason, fmt.Sprintf("the child on referral %s was confirmed on %s as another "+
			"child on this referral, %s: one child is confirmed as one child; twins or siblings who match each other are not "+
			"the same child", other, r.sameChildren[i].On.Format(time.DateOnly), r.sameChildren[i].Child))
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("confirm same child: %w", err)
	}
	return r.record(&referralv1.SameChildConfirmed{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: r.centre.String(),
		ChildPersonId: child.String(), OtherReferralId: other.String(), OtherChildPersonId: otherChild.String(),
		ConfirmedOn: dates.Proto(today), ConfirmerRole: role, SealedNote: sealed,
		OtherFamilyId: idOrEmpty(otherFamily)})
}

// SameChildren are the confirmations that a child on this referral is a child on another, in the
// order recorded.
func (r *Referral) SameChildren() []SameChild { return slices.Clone(r.sameChildren) }

// ConfirmedSameChild reports whether a child on this referral was confirmed as a child on other,
// and on what day (the first confirmation): a possible duplicate so confirmed is the same family,
// and a refusal for its hold or finding does not offer the lead's check that it is another
// (decision 311, review 53).
func (r *Referral) ConfirmedSameChild(other uuid.UUID) (time.Time, bool) {
	c, ok := r.confirmedSameChild(other)
	return c.On, ok
}

// confirmedSameChild is the first confirmation that a child on this referral is a child on other.
func (r *Referral) confirmedSameChild(other uuid.UUID) (SameChild, bool) {
	i := slices.IndexFunc(r.sameChildren, func(s SameChild) bool { return s.Other == other })
	if i < 0 {
		return SameChild{}, false
	}
	return r.sameChildren[i], true
}
