package domain

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// Amend replaces the referral's details with corrected or updated ones. People keep their ids:
// an adult or child given with an id must already be on the referral, one without is new. The
// details follow a submission's rules, contradictions included (decision 148), against the
// referral's source. It returns no event when nothing changes.
//
// A change to the risk answers after screening voids the screening (and any acceptance): the
// referral goes back to received, because the centre decided on answers that no longer stand.
// Once the family is ready for contact, who may attend and the risk answers no longer change by
// amendment (ErrAttendeesFixed): scheduling admits the people FamilyReadyForContact named, and a
// new risk is safeguarding's to weigh. A case accepted or waitlisted for escorted contact keeps
// the answer that the children may leave the centre until it ends (ErrEscortedChildrenLeave);
// once the family is ready, a changed answer is announced (ChildrenLeavingChanged) for the door.
func (r *Referral) Amend(d Details, today time.Time, newID NewID) ([]proto.Message, error) {
	if err := CheckTransition(r.state, CmdAmend); err != nil {
		return nil, err
	}
	d = d.normalise()
	var v Invalid
	need := bothParents
	if r.state == AwaitingSecondParty {
		need = oneParent
	}
	d.validate(&v, "details.", need, today)
	d.checkInvolvement(&v, "details.", r.source)
	d.checkInjunction(&v, "details.", r.facts.contradictsInjunction())
	d.checkNamedOnce(&v, "details.", r.namedTwice)
	r.checkIDs(&v, d)
	r.keepPeople(&v, d)
	if r.state != AwaitingSecondParty && r.state != Received {
		r.keepParentsReachable(&v, d)
	}
	if r.source != commonv1.ReferralSource_REFERRAL_SOURCE_SELF && d.Referrer.Name == "" {
		v.add("details.referrer.name", "is required when a professional refers the family")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	adults, children := people(d, newID)
	facts, err := factsOf(adults, children, d)
	if err != nil {
		return nil, fmt.Errorf("amend referral: %w", err)
	}
	current, err := factsOf(r.adults, r.children, r.facts)
	if err != nil {
		return nil, fmt.Errorf("amend referral: %w", err)
	}
	if proto.Equal(facts, current) {
		return nil, nil
	}
	riskChanged := !proto.Equal(facts.GetRisk(), current.GetRisk())
	fixed := r.attendeesFixed()
	switch {
	case current.GetChildrenMayLeaveCentre() && !facts.GetChildrenMayLeaveCentre() && r.escorted():
		// Recorded, the case would go on taking the children out (decision 114).
		return nil, ErrEscortedChildrenLeave
	case fixed && (riskChanged || attendees(adults, children) != attendees(r.adults, r.children)):
		return nil, ErrAttendeesFixed
	case r.state == Suspended && riskChanged:
		// Voiding the screening would move a case under a hold; lift the hold first.
		return nil, ErrCaseSuspended
	}
	void := riskChanged && r.screened && slices.Contains([]State{Screened, Waitlisted, Accepted}, r.state)
	amended := []proto.Message{&referralv1.ReferralAmended{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), AmendedOn: dates.Proto(today), Facts: facts, ScreeningVoid: void}}
	if may := facts.GetChildrenMayLeaveCentre(); fixed && may != current.GetChildrenMayLeaveCentre() {
		// FamilyReadyForContact told scheduling the answer, and the door reads it on the day
		// sheet: an answer changed after it is announced, or the door goes on with the old one
		// (decision 117). Before the family is ready, FamilyReadyForContact carries the latest.
		amended = append(amended, &referralv1.ChildrenLeavingChanged{ReferralId: r.id.String(), FamilyId: r.family.String(),
			CentreId: r.centre.String(), ChangedOn: dates.Proto(today), ChildrenMayLeaveCentre: may})
	}
	events, err := r.record(amended...)
	if err != nil {
		return nil, err
	}
	// Dropping the last adult without a pre-visit can complete the family's intake.
	return r.readiness(events)
}

// escorted reports whether the case is accepted, or waiting, for escorted contact in the
// community, and not yet ended.
func (r *Referral) escorted() bool {
	escorted := commonv1.ServiceType_SERVICE_TYPE_ESCORTED
	switch r.state {
	case Waitlisted:
		return r.waitingFor == escorted
	case Accepted, ReadyForContact, InContact, Suspended:
		return r.service == escorted
	}
	return false
}

// keepParentsReachable refuses an amendment that leaves a parent without contact details once the
// referral has passed screening, which needs both (ErrReferralIncomplete): DOMAIN.md, a referral
// without both parents' contact details cannot proceed, so a screened, accepted or waitlisted
// family, or one ready for or in contact, keeps a way to reach each parent (decision 97). The
// field named is the parent's; the reason names no one.
func (r *Referral) keepParentsReachable(v *Invalid, d Details) {
	for i, a := range d.Adults {
		parent := a.Role == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT || a.Role == referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT
		if parent && !a.Contact.Given() {
			v.add(fmt.Sprintf("details.adults[%d].contact", i), "must give a way to reach this parent (an address with its postcode, "+
				"a phone or an email): the referral is past screening, and a referral without both parents' contact details cannot proceed")
		}
	}
}

// checkIDs refuses ids that are not on the referral, or that an amendment gives twice.
func (r *Referral) checkIDs(v *Invalid, d Details) {
	seen := map[uuid.UUID]bool{}
	for i, a := range d.Adults {
		switch {
		case a.ID == uuid.Nil:
		case seen[a.ID]:
			v.add(fmt.Sprintf("details.adults[%d].person_id", i), "is given twice")
		case !slices.ContainsFunc(r.adults, func(o AdultRecord) bool { return o.ID == a.ID }):
			v.add(fmt.Sprintf("details.adults[%d].person_id", i), "is not an adult on this referral")
		}
		seen[a.ID] = true
	}
	for i, c := range d.Children {
		switch {
		case c.ID == uuid.Nil:
		case seen[c.ID]:
			v.add(fmt.Sprintf("details.children[%d].person_id", i), "is given twice")
		case !slices.ContainsFunc(r.children, func(o ChildRecord) bool { return o.ID == c.ID }):
			v.add(fmt.Sprintf("details.children[%d].person_id", i), "is not a child on this referral")
		}
		seen[c.ID] = true
	}
}

// keepPeople refuses an adult or child given without a person_id who is already on the referral,
// by name (NormaliseName: case, spacing and accents aside), under an id the amendment does not give
// (decision 115). The whole file sent again without its ids gave everyone new ids: their
// pre-visits, and what other records say of them by id, stayed with people no longer on it. The
// name alone matches: a corrected role or date of birth sent without the id is the same mistake
// (review 11). The reason names the id to give, never the person.
func (r *Referral) keepPeople(v *Invalid, d Details) {
	given := map[uuid.UUID]bool{}
	for _, a := range d.Adults {
		given[a.ID] = true
	}
	for _, c := range d.Children {
		given[c.ID] = true
	}
	type person struct {
		id   uuid.UUID
		name string
	}
	var adults, children []person
	for _, a := range r.adults {
		adults = append(adults, person{a.ID, a.Name})
	}
	for _, c := range r.children {
		children = append(children, person{c.ID, c.Name})
	}
	// already is the id of someone among people whose id is not given and who has the name; the
	// id is then taken, so two of the same name are matched once each.
	already := func(name string, people []person) (uuid.UUID, bool) {
		for _, p := range people {
			if !given[p.id] && NormaliseName(p.name) == NormaliseName(name) {
				given[p.id] = true
				return p.id, true
			}
		}
		return uuid.Nil, false
	}
	missing := func(field string, id uuid.UUID) {
		v.add(field, fmt.Sprintf("is missing: the referral already has this person as %s; give that person_id to keep their record "+
			"(without it they are added as someone new, and their pre-visit and other records stay with the old id)", id))
	}
	for i, a := range d.Adults {
		if a.ID != uuid.Nil {
			continue
		}
		if id, ok := already(a.Name, adults); ok {
			missing(fmt.Sprintf("details.adults[%d].person_id", i), id)
		}
	}
	for i, c := range d.Children {
		if c.ID != uuid.Nil {
			continue
		}
		if id, ok := already(c.Name, children); ok {
			missing(fmt.Sprintf("details.children[%d].person_id", i), id)
		}
	}
}

// attendeesFixed reports whether FamilyReadyForContact has named who may attend.
func (r *Referral) attendeesFixed() bool {
	s := r.state
	if s == Suspended {
		s = r.beforeHold
	}
	return s == ReadyForContact || s == InContact
}

// attendees is what FamilyReadyForContact says about the people, as a comparable value: ids,
// roles and permissions of the adults, ids and birth months of the children, in id order.
func attendees(adults []AdultRecord, children []ChildRecord) string {
	var keys []string
	for _, a := range adults {
		keys = append(keys, fmt.Sprintf("%s/%d/%t/%t/%t", a.ID, a.Role, a.MayAttend, a.MayBring, a.MayCollect))
	}
	for _, c := range children {
		keys = append(keys, fmt.Sprintf("%s/%d-%d", c.ID, c.BirthYear, c.BirthMonth))
	}
	slices.Sort(keys)
	return fmt.Sprint(keys)
}
