package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/problem"
)

// A referral that contradicts itself is refused (review 18, decision 148): each service reads
// the part of it it needs, and two parts that disagree would have two services believe two things
// about one family.

// checkInvolvement refuses details that say no court, or no Cafcass, is involved where the
// referral shows one is: it comes from a court (or Cafcass), records a court order in force on today
// (the day of the submission or amendment), answers that an injunction is in force (review 45,
// decision 270: a non-molestation or occupation order is made by a court, listed or not), or names
// Cafcass among the other agencies. An order whose expiry has passed (CourtOrder.InForce) is the
// family's history, kept and read back as expired, not a court involved with it now (review 49: a
// referral whose orders had all expired still had to say a court was involved, decision 291). Reporting counted the flags
// alone and safeguarding the whole referral, so the national figures undercounted and the two
// services disagreed about a family. The reason says what shows it, never a detail of the family.
//
// An amendment is refused for what it keeps too, unlike checkInjunction's: the flags are not who
// may attend nor a risk answer, so they are amended in any state, and a referral recorded before
// the rule is put right by its next amendment. A second parent's answer that an injunction is in
// force is not refused for the first parent's "no court" (SubmitSecondParty): it stands, and the
// referral's next amendment must say the court is involved.
func (d Details) checkInvolvement(v *Invalid, prefix string, source commonv1.ReferralSource, today time.Time) {
	inForce := slices.IndexFunc(d.CourtOrders, func(o CourtOrder) bool { return o.InForce(today) })
	switch {
	case d.CourtInvolved:
	case source == commonv1.ReferralSource_REFERRAL_SOURCE_COURT:
		v.add(prefix+"court_involved", "must be true: the referral comes from a court")
	case inForce >= 0:
		v.add(prefix+"court_involved", fmt.Sprintf("must be true: the referral records a court order in force (%scourt_orders[%d]), "+
			"made by a court that is then involved with the family (an order whose expires_on has passed is history, and needs "+
			"no court involved)", prefix, inForce))
	case d.Risk.Injunction:
		v.add(prefix+"court_involved", "must be true: the referral answers that an injunction is in force ("+prefix+
			"risk.injunction), and an injunction (a non-molestation or occupation order) is made by a court that is then involved "+
			"with the family; if no injunction is in force, answer no to it")
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
// non-molestation or occupation order in force on today (review 20): the provisional screen reads
// the answer, so a family under a non-molestation order was screened green, its coordinator alone
// confirmed it, and it was accepted into a shared supported room. An order whose expiry has
// passed is not in force (CourtOrder.InForce, review 49), and is not refused. The reason names the
// order's path, never a detail of it. kept reports the same contradiction already on the
// referral: an amendment is not refused for what it keeps, since once the family is ready for
// contact its risk answers no longer change (ErrAttendeesFixed) and every amendment would be
// refused; safeguarding's screen counts the order as an injunction whatever the answer says.
func (d Details) checkInjunction(v *Invalid, prefix string, kept bool, today time.Time) {
	if d.Risk.Injunction || kept {
		return
	}
	for i, o := range d.CourtOrders {
		if injunction(o.Kind) && o.InForce(today) {
			v.add(prefix+"risk.injunction", fmt.Sprintf("must be true: the referral records an injunction in force (%scourt_orders[%d], "+
				"a non-molestation or occupation order), which the risk screen must weigh", prefix, i))
			return
		}
	}
}

// contradictsInjunction reports whether details list an injunction in force on today and answer
// that none is.
func (d Details) contradictsInjunction(today time.Time) bool {
	return !d.Risk.Injunction && slices.ContainsFunc(d.CourtOrders, func(o CourtOrder) bool { return injunction(o.Kind) && o.InForce(today) })
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
// born is refused only when made before them all (checkOrdersAfterBirth).
func checkOrderDate(v *Invalid, field string, o CourtOrder, today time.Time) {
	if endedWithChildhood(o, today) {
		v.add(field, fmt.Sprintf("must be less than %d years ago: an order of this kind is about a child and ends by their %dth birthday "+
			"at the latest, and the referral lists orders in force (leave the date out if it is not known)", OrderYears, OrderYears))
	}
}

// endedWithChildhood reports whether an order about a child was made OrderYears or more before
// today (checkOrderDate).
func endedWithChildhood(o CourtOrder, today time.Time) bool {
	return aboutAChild(o.Kind) && !o.MadeOn.IsZero() && !o.MadeOn.After(today.AddDate(-OrderYears, 0, 0))
}

// checkOrdersAfterBirth refuses an order about a child (aboutAChild: child arrangements,
// prohibited steps, specific issue) made before every child the details name was born: it cannot
// be about any of them (review 49 listed a child arrangements order made years before either
// child's birth, and it was accepted). One made before some of the children is about an older
// one. Injunctions and other orders are between the adults or about anything, and may predate
// the children. The reason names the order's path, never a date of the family. kept are the
// orders already on the referral: an amendment is not refused for one it keeps unchanged, as
// checkInjunction, so a referral recorded before the rule is amended still; one already refused
// by checkOrderDate is not refused twice.
func (d Details) checkOrdersAfterBirth(v *Invalid, prefix string, kept []CourtOrder, today time.Time) {
	for i, o := range d.CourtOrders {
		if !aboutAChild(o.Kind) || o.MadeOn.IsZero() || endedWithChildhood(o, today) || slices.ContainsFunc(kept, o.same) {
			continue
		}
		before := len(d.Children) > 0
		for _, c := range d.Children {
			if c.DateOfBirth.IsZero() || !c.DateOfBirth.After(o.MadeOn) {
				before = false
				break
			}
		}
		if before {
			v.add(fmt.Sprintf("%scourt_orders[%d].made_on", prefix, i), "must be on or after the birth of a child on the referral: "+
				"an order of this kind (child arrangements, prohibited steps or specific issue) is made about a child already born, "+
				"and this one is dated before every child the referral names was born (check the date, or leave it out if it is not known)")
		}
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

// contradiction is one way a referral contradicts itself about who comes to contact (review 39):
// the adult it names by index (-1 for the referral's own answer) and the field at fault there.
type contradiction struct {
	adult  int
	field  string
	reason string
}

// path is the contradiction's field under prefix ("details.", or "" for a referral's own).
func (c contradiction) path(prefix string) string {
	if c.adult < 0 {
		return prefix + c.field
	}
	return fmt.Sprintf("%sadults[%d].%s", prefix, c.adult, c.field)
}

// contradictions are the ways adults, the risk answers and the answer that the children may leave
// the centre contradict one another (review 39): a family in which no one may take part in contact
// (the resident parent brings and collects the children and is never of the visiting party; the
// visiting parent, or a relative named to attend, takes part), no one may bring the children, or
// no one may collect them, could be made ready for contact and booked but never admitted at the
// door; and a referral answering that a child is at risk of abduction and that the children may
// leave the centre has the door let them out (FamilyReadyForContact carries the answer) with no
// one having weighed it. Who attends, brings and collects is asked only once both parents are
// named: a self-referral waits for the other parent, who may be the one who does it. The reasons
// name fields and rules, never a detail of the family.
//
// What must be so depends on the kind of contact (review 40): a session at the centre (supported,
// supervised) or escorted contact needs someone of the visiting party; handover needs the children
// brought by one adult and collected by another, to whom they pass (review 53, decision 311),
// nobody to spend a session with them; indirect and virtual contact bring nobody to the centre. A kind not yet given is read as a session at the centre.
func contradictions(adults []Adult, risk Risk, mayLeave bool, service commonv1.ServiceType) []contradiction {
	comes := service != commonv1.ServiceType_SERVICE_TYPE_INDIRECT && service != commonv1.ServiceType_SERVICE_TYPE_VIRTUAL
	spends := comes && service != commonv1.ServiceType_SERVICE_TYPE_HANDOVER
	resident, nonResident := -1, -1
	var attend, bring, collect bool
	var bringers, collectors []int
	for i, a := range adults {
		switch a.Role {
		case referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT:
			resident = i
		case referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT:
			nonResident = i
		}
		attend = attend || (a.MayAttend && a.Role != referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT)
		bring, collect = bring || a.MayBring, collect || a.MayCollect
		if a.MayBring {
			bringers = append(bringers, i)
		}
		if a.MayCollect {
			collectors = append(collectors, i)
		}
	}
	var out []contradiction
	if resident >= 0 && nonResident >= 0 {
		if spends && !attend {
			out = append(out, contradiction{nonResident, "may_attend", "must be true, or another adult named who may attend: no one on the " +
				"referral may take part in contact (the resident parent does not take part), so the family could be booked but no one " +
				"admitted to spend the session with the children"})
		}
		if !comes {
			return appendAbduction(out, risk, mayLeave)
		}
		if !bring {
			out = append(out, contradiction{resident, "may_bring", "must be true, or an escort named who may bring the children: no one on " +
				"the referral may bring them to the centre"})
		}
		if !collect {
			out = append(out, contradiction{resident, "may_collect", "must be true, or an escort named who may collect the children: no one " +
				"on the referral may collect them from the centre"})
		}
		if service == commonv1.ServiceType_SERVICE_TYPE_HANDOVER && bring && collect && !handedOver(bringers, collectors) {
			// Review 53: only the resident parent might bring and collect, so the child could
			// never pass to anyone; the family was accepted, made ready and booked, and the other
			// parent was refused at the door.
			other := nonResident
			if bringers[0] == nonResident {
				other = resident
			}
			out = append(out, contradiction{other, "may_collect", "must be true, or another adult named who may collect the children: " +
				"handover passes the children from the adult who brings them to another who collects them (the other parent, or a " +
				"relative or escort of theirs), and on the referral only the one adult who may bring them may collect them"})
		}
	}
	return appendAbduction(out, risk, mayLeave)
}

// handedOver reports whether the children can pass from one adult to another at a handover: some
// adult may bring them (bringers, by index) and another adult may collect them (collectors).
func handedOver(bringers, collectors []int) bool {
	for _, b := range bringers {
		for _, c := range collectors {
			if b != c {
				return true
			}
		}
	}
	return false
}

// appendAbduction adds to out the contradiction of a child at risk of abduction who may leave the
// centre, if the answers make it.
func appendAbduction(out []contradiction, risk Risk, mayLeave bool) []contradiction {
	if risk.AbductionRisk && mayLeave {
		out = append(out, contradiction{-1, "children_may_leave_centre", "must be false: the referral answers that a child is at risk of " +
			"abduction (risk.abduction_risk), and a child at risk of abduction does not leave the centre during contact; if that risk has " +
			"passed, answer no to it and say why in the risk notes"})
	}
	return out
}

// contradictions are the details' own (contradictions), for the kind of contact service, with the
// adults as scheduling is told of them on today (ForContact): an adult a court order in force
// keeps from the children does not make up the visiting party, nor bring or collect, and a reason
// it leaves standing says so (decision 318).
func (d Details) contradictions(service commonv1.ServiceType, today time.Time) []contradiction {
	cs := contradictions(d.ForContact(today), d.Risk, d.ChildrenMayLeaveCentre, service)
	if note := d.keptNote(today); note != "" {
		for i := range cs {
			if cs[i].adult >= 0 {
				cs[i].reason += note
			}
		}
	}
	return cs
}

// contactKind is the kind of contact the referral's people are weighed for: the kind decided on
// once accepted, else the kind asked for.
func (r *Referral) contactKind() commonv1.ServiceType {
	if r.service != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
		return r.service
	}
	return r.requested
}

// checkAttending refuses details that contradict themselves about who comes to contact
// (contradictions), each at its field. kept are the contradictions already on the referral: an
// amendment is not refused for one it keeps, as checkInjunction, since once the family is ready
// for contact who may attend and the risk answers no longer change (ErrAttendeesFixed); a
// referral recorded before review 39 that holds one is not made ready while it stands
// (ContradictsItself). Nil for a new referral.
func (d Details) checkAttending(v *Invalid, prefix string, kept []contradiction, service commonv1.ServiceType, today time.Time) {
	refuseNew(v, prefix, d.contradictions(service, today), kept)
}

// refuseNew refuses each of the contradictions cs at its field, but for those kept: a field
// already at fault on the referral.
func refuseNew(v *Invalid, prefix string, cs, kept []contradiction) {
	for _, c := range cs {
		if !slices.ContainsFunc(kept, func(k contradiction) bool { return k.field == c.field }) {
			v.add(c.path(prefix), c.reason)
		}
	}
}

// ContradictsItself is the first way the referral as recorded contradicts itself about who comes
// to contact (contradictions), as a refusal naming its field in the referral's details; nil when
// it does not. A referral received before review 39 may: it is kept, screened and decided on, but
// its arrangement is not agreed, nor its family made ready for contact, until it is amended. So
// may one letting the children leave the centre after an abduction risk was answered no, until
// the lead's screen weighs that (leavingUnweighed, decision 338).
func (r *Referral) ContradictsItself(today time.Time) error {
	cs := r.contradictionsHeld(today)
	if len(cs) == 0 {
		return nil
	}
	return problem.Rule(ErrContradictsItself.Reason, fmt.Sprintf("the referral contradicts itself: %s %s; amend the referral first",
		cs[0].path("details."), cs[0].reason))
}

// checkApplicant refuses a second parent's application whose own answers leave no one to take
// part in contact, bring the children or collect them (contradictions), at the applicant's field.
// A contradiction in what the first application said is not the applicant's to put right: the
// referral is amended, and is not made ready until it is (ContradictsItself). Nor is the
// applicant's risk answer refused: an abduction risk disclosed by the second parent stands, and
// the answer that the children may leave the centre is amended instead.
func (r *Referral) checkApplicant(v *Invalid, p Adult, today time.Time) {
	d := r.Details()
	d.Adults = append(d.Adults, p)
	for _, c := range d.contradictions(r.contactKind(), today) {
		if c.adult == len(d.Adults)-1 {
			v.add("parent."+c.field, c.reason)
		}
	}
}

// ErrContradictsItself: the referral contradicts itself about who comes to contact
// (ContradictsItself says how); its family is not made ready for contact until it is amended.
var ErrContradictsItself = problem.Rule("REFERRAL_CONTRADICTS_ITSELF", "the referral contradicts itself about who comes to contact: amend it first")
