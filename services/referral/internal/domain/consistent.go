package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// A referral that contradicts itself is refused (review 18, decision 148): each service reads
// the part of it it needs, and two parts that disagree would have two services believe two things
// about one family.

// checkInvolvement refuses details that say no court, or no Cafcass, is involved where the
// referral shows one is: it comes from a court (or Cafcass), records a court order, or names
// Cafcass among the other agencies. Reporting counted the flags alone and safeguarding the whole
// referral, so the national figures undercounted and the two services disagreed about a family.
// The reason says what shows it, never a detail of the family.
func (d Details) checkInvolvement(v *Invalid, prefix string, source commonv1.ReferralSource) {
	switch {
	case d.CourtInvolved:
	case source == commonv1.ReferralSource_REFERRAL_SOURCE_COURT:
		v.add(prefix+"court_involved", "must be true: the referral comes from a court")
	case len(d.CourtOrders) > 0:
		v.add(prefix+"court_involved", "must be true: the referral records a court order or injunction in force ("+prefix+
			"court_orders), made by a court that is then involved with the family")
	}
	switch {
	case d.CafcassInvolved:
	case source == commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS:
		v.add(prefix+"cafcass_involved", "must be true: the referral comes from Cafcass")
	case slices.Contains(d.Agencies, referralv1.Agency_AGENCY_CAFCASS):
		v.add(prefix+"cafcass_involved", "must be true: Cafcass is among the other agencies involved ("+prefix+"other_agencies)")
	}
}

// injunction reports whether an order of the kind is an injunction: a non-molestation or an
// occupation order, which the risk question "an injunction is in force" asks about.
func injunction(k referralv1.CourtOrderKind) bool {
	return k == referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION || k == referralv1.CourtOrderKind_COURT_ORDER_KIND_OCCUPATION
}

// checkInjunction refuses details that answer "no injunction is in force" while listing a
// non-molestation or occupation order in force (review 20): the provisional screen reads the
// answer, so a family under a non-molestation order was screened green, its coordinator alone
// confirmed it, and it was accepted into a shared supported room. The reason names the order's
// path, never a detail of it. kept reports the same contradiction already on the referral: an
// amendment is not refused for what it keeps, since once the family is ready for contact its
// risk answers no longer change (ErrAttendeesFixed) and every amendment would be refused;
// safeguarding's screen counts the order as an injunction whatever the answer says.
func (d Details) checkInjunction(v *Invalid, prefix string, kept bool) {
	if d.Risk.Injunction || kept {
		return
	}
	for i, o := range d.CourtOrders {
		if injunction(o.Kind) {
			v.add(prefix+"risk.injunction", fmt.Sprintf("must be true: the referral records an injunction in force (%scourt_orders[%d], "+
				"a non-molestation or occupation order), which the risk screen must weigh", prefix, i))
			return
		}
	}
}

// contradictsInjunction reports whether details list an injunction in force and answer that none is.
func (d Details) contradictsInjunction() bool {
	return !d.Risk.Injunction && slices.ContainsFunc(d.CourtOrders, func(o CourtOrder) bool { return injunction(o.Kind) })
}

// OrderYears is how long an order about a child can be in force: a child arrangements, prohibited
// steps or specific issue order (section 8 of the Children Act 1989, and the orders like them in
// Scotland and Northern Ireland) is made about a child already born and ends by their 18th
// birthday at the latest.
const OrderYears = OldestChildAge + 1

// aboutAChild reports whether an order of the kind is about a child, and so ends when the child
// turns 18 (OrderYears). Injunctions (non-molestation, occupation) and other orders may last
// longer, and are not dated against it.
func aboutAChild(k referralv1.CourtOrderKind) bool {
	switch k {
	case referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, referralv1.CourtOrderKind_COURT_ORDER_KIND_PROHIBITED_STEPS,
		referralv1.CourtOrderKind_COURT_ORDER_KIND_SPECIFIC_ISSUE:
		return true
	}
	return false
}

// checkOrderDate refuses an order about a child made OrderYears or more before today: it has
// ended, and the referral lists orders in force. An order made before a child on the referral was
// born is not refused: it may be about an older brother or sister.
func checkOrderDate(v *Invalid, field string, o CourtOrder, today time.Time) {
	if aboutAChild(o.Kind) && !o.MadeOn.IsZero() && !o.MadeOn.After(today.AddDate(-OrderYears, 0, 0)) {
		v.add(field, fmt.Sprintf("must be less than %d years ago: an order of this kind is about a child and ends by their %dth birthday "+
			"at the latest, and the referral lists orders in force (leave the date out if it is not known)", OrderYears, OrderYears))
	}
}

// sameChild reports whether two entries name one child: the same name, normalised as possible
// duplicates are matched (NormaliseName: case, accents, spacing and punctuation aside), and the same
// date of birth. Twins share a date of birth, not a name.
func sameChild(a, b Child) bool {
	name := NormaliseName(a.Name)
	return name != "" && name == NormaliseName(b.Name) && !a.DateOfBirth.IsZero() && a.DateOfBirth.Equal(b.DateOfBirth)
}

// sameAdult says what shows that two entries name one adult, or "" when nothing does: the same
// name (as sameChild) and the same phone number or email address. A name alone is not enough (a
// grandfather and a father may share one), nor a phone alone (a household shares a landline).
func sameAdult(a, b Adult) string {
	name := NormaliseName(a.Name)
	switch {
	case name == "" || name != NormaliseName(b.Name):
		return ""
	case a.Contact.Phone != "" && b.Contact.Phone != "" && phoneDigits(a.Contact.Phone) == phoneDigits(b.Contact.Phone):
		return "phone number"
	case a.Contact.Email != "" && strings.EqualFold(a.Contact.Email, b.Contact.Email):
		return "email address"
	}
	return ""
}

// checkNamedOnce refuses details that name one child, or one adult, twice: two entries, two
// person ids, for one person, whose pre-visit, permissions and the possible-duplicate match then
// split between them (review 18 named the non-resident parent again as a relative who may bring
// and collect). The field is the later entry, the reason the earlier one's path and what matches,
// never the value. The two parents are compared by sameAsOtherParent, more strictly.
//
// kept reports whether two people already on the referral were recorded as one person twice
// before this rule; an amendment that keeps them both, by their ids, is not refused for it: once
// the family is ready for contact, dropping either would be refused (ErrAttendeesFixed), and
// every amendment with it. Nil for a new referral.
func (d Details) checkNamedOnce(v *Invalid, prefix string, kept func(a, b uuid.UUID) bool) {
	grandfathered := func(a, b uuid.UUID) bool {
		return kept != nil && a != uuid.Nil && b != uuid.Nil && kept(a, b)
	}
	for i, c := range d.Children {
		for j := range i {
			if sameChild(c, d.Children[j]) && !grandfathered(c.ID, d.Children[j].ID) {
				v.add(fmt.Sprintf("%schildren[%d]", prefix, i), fmt.Sprintf("is the same child as %schildren[%d] (the same name and date of birth): "+
					"name each child once", prefix, j))
				break
			}
		}
	}
	for i, a := range d.Adults {
		for j := range i {
			b := d.Adults[j]
			if a.Parent() && b.Parent() {
				continue
			}
			if what := sameAdult(a, b); what != "" && !grandfathered(a.ID, b.ID) {
				v.add(fmt.Sprintf("%sadults[%d]", prefix, i), fmt.Sprintf("is the same person as %sadults[%d] (the same name and %s): "+
					"name each person once, in one role, with everything they may do (attend, bring, collect); two people of one name "+
					"sharing a %s (a father and his son) are told apart in their names (Senior, Junior)", prefix, j, what, what))
				break
			}
		}
	}
}

// namedTwice reports whether a and b are people on the referral recorded as one person twice
// (sameChild, sameAdult): a referral received before decision 148 may hold them.
func (r *Referral) namedTwice(a, b uuid.UUID) bool {
	adult := func(id uuid.UUID) (Adult, bool) {
		i := slices.IndexFunc(r.adults, func(p AdultRecord) bool { return p.ID == id })
		if i < 0 {
			return Adult{}, false
		}
		return r.adults[i].Adult, true
	}
	child := func(id uuid.UUID) (Child, bool) {
		i := slices.IndexFunc(r.children, func(p ChildRecord) bool { return p.ID == id })
		if i < 0 {
			return Child{}, false
		}
		return r.children[i].Child, true
	}
	if x, ok := adult(a); ok {
		y, ok := adult(b)
		return ok && sameAdult(x, y) != ""
	}
	if x, ok := child(a); ok {
		y, ok := child(b)
		return ok && sameChild(x, y)
	}
	return false
}
