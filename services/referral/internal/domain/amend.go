package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/inwords"
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
// new risk is safeguarding's to weigh. A child's date of birth is not who may attend: once the
// family is ready it is corrected by amendment, with why (required), and a corrected birth year or
// month is announced (ChildBirthMonthCorrected) for the age bands scheduling records (decision
// 187). A case accepted or waitlisted for escorted contact keeps the answer that the children may
// leave the centre until it ends (ErrEscortedChildrenLeave); once the family is ready, a changed
// answer is announced (ChildrenLeavingChanged) for the door. Once the family is ready, an adult a
// court order in force newly keeps from the children is announced (AdultKeptFromChildren) for the
// door to refuse (decision 323); freeing one stays ErrAttendeesFixed.
//
// why says why the details change; recorded, sealed, when given. A closed referral (declined,
// withdrawn or ended) is corrected, not amended: see correct, which needs it.
func (r *Referral) Amend(d Details, why string, today time.Time, newID NewID) ([]proto.Message, error) {
	if Final(r.state) {
		return r.correct(d, why, today, newID)
	}
	if err := r.check(CmdAmend); err != nil {
		return nil, err
	}
	d = d.normalise()
	why = strings.TrimSpace(why)
	fixed := r.attendeesFixed()
	var v Invalid
	if fixed && r.birthDatesChange(d) {
		v.note("correction_reason", why, true, "must say why the details change: a child's date of birth is corrected on a case "+
			"ready for contact, and the age bands recorded from now on follow it")
	} else {
		v.note("correction_reason", why, false, "must say why the details change")
	}
	need := bothParents
	if r.state == AwaitingSecondParty {
		need = oneParent
	}
	d.validateAt(&v, "details.", need, today, r.referredOn(today))
	d.checkInvolvement(&v, "details.", r.source, today)
	d.checkInjunction(&v, "details.", r.facts.contradictsInjunction(today), today)
	d.checkOrdersAfterBirth(&v, "details.", r.facts.CourtOrders, today)
	d.checkSaid(&v, "details.", inwords.Says(r.secondPartyRiskNotes))
	d.checkNamedOnce(&v, "details.", r.namedTwice)
	held := r.contradictionsHeld(today)
	d.checkAttending(&v, "details.", held, r.contactKind(), today)
	// A "no" to an abduction risk disclosed on the referral lets no child leave until the lead
	// has weighed it (decision 338).
	refuseNew(&v, "details.", r.leavingUnweighed(d), held)
	d.checkInjunctionDates(&v, "details.", r.facts.CourtOrders, today)
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
	if fixed && r.childSwapped(d) {
		// The door admits this child's id: a new name and date of birth under it is another child
		// (review 27, decision 194).
		return nil, ErrChildIdentityFixed
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
	var (
		kept      []uuid.UUID
		withdrawn []uuid.UUID
	)
	if fixed {
		kept = r.newlyKept(d, today)
		withdrawn = r.permissionsWithdrawn(adults)
		if len(withdrawn) > 0 && why == "" {
			// Review 81: the door stops admitting them, and nothing said why (decision 389).
			return nil, &Invalid{Violations: []Violation{{Field: "correction_reason", Reason: "must say why the details change: " +
				"an adult is taken off the referral of a family ready for contact, and the door stops admitting them"}}}
		}
	}
	switch {
	case current.GetChildrenMayLeaveCentre() && !facts.GetChildrenMayLeaveCentre() && r.escorted():
		// Recorded, the case would go on taking the children out (decision 114).
		return nil, ErrEscortedChildrenLeave
	case fixed && (riskChanged || attendees(adults, children) != attendees(without(r.adults, withdrawn), r.children) ||
		attendees(recordsForContact(d, adults, today), children) !=
			attendees(without(keptAlready(recordsForContact(r.Details(), r.adults, today), kept), withdrawn), r.children)):
		// Who scheduling was told may come includes who an order keeps from the children (decision
		// 318): taking an adult out of an order in force would not reach the door either. An adult
		// newly kept from the children is announced below (decision 323), and is the only change
		// to who may come an amendment makes once the family is ready, with an adult other than a
		// parent taken off (decision 389): narrowing who may come needs no order.
		return nil, ErrAttendeesFixed
	case r.state == Suspended && riskChanged:
		// Voiding the screening would move a case under a hold; lift the hold first.
		return nil, ErrCaseSuspended
	}
	void := riskChanged && r.screened && slices.Contains([]State{Screened, Waitlisted, Accepted}, r.state)
	sealed, err := noteOf(why)
	if err != nil {
		return nil, fmt.Errorf("amend referral: %w", err)
	}
	amended := []proto.Message{&referralv1.ReferralAmended{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), AmendedOn: dates.Proto(today), Facts: facts, ScreeningVoid: void, SealedCorrectionNote: sealed,
		// The decision goes with the screening it was made on, and is said so: scheduling's
		// waiting list and the figures had kept it (review 80, decision 392).
		DecisionVoid: void && (r.state == Waitlisted || r.state == Accepted),
		// Recorded as said, and taken back by nothing: the disclosure stands (decision 191).
		DomesticAbuseRetracted: current.GetRisk().GetDomesticAbuse() && !facts.GetRisk().GetDomesticAbuse(),
		// Nor does a "no" to an abduction risk, an injunction or substance misuse (decision 338).
		RisksRetracted: retractedBy(r.facts.Risk, d.Risk)}}
	if may := facts.GetChildrenMayLeaveCentre(); fixed && may != current.GetChildrenMayLeaveCentre() {
		// FamilyReadyForContact told scheduling the answer, and the door reads it on the day
		// sheet: an answer changed after it is announced, or the door goes on with the old one
		// (decision 117). Before the family is ready, FamilyReadyForContact carries the latest.
		amended = append(amended, &referralv1.ChildrenLeavingChanged{ReferralId: r.id.String(), FamilyId: r.family.String(),
			CentreId: r.centre.String(), ChangedOn: dates.Proto(today), ChildrenMayLeaveCentre: may})
	}
	if fixed {
		// FamilyReadyForContact told scheduling each child's birth month, and scheduling bands the
		// child by it on every session it completes: a corrected month is announced, or the age
		// bands, and the national figures by age band, stay wrong until the case ends (decision
		// 187). The year and month only, as FamilyReadyForContact carries them.
		for _, c := range children {
			was := slices.IndexFunc(r.children, func(o ChildRecord) bool { return o.ID == c.ID })
			if was < 0 || (r.children[was].BirthYear == c.BirthYear && r.children[was].BirthMonth == c.BirthMonth) {
				continue // unreachable for a new child: who may attend is fixed (checked above)
			}
			amended = append(amended, &referralv1.ChildBirthMonthCorrected{ReferralId: r.id.String(), FamilyId: r.family.String(),
				CentreId: r.centre.String(), PersonId: c.ID.String(), BirthYear: int32(c.BirthYear), BirthMonth: int32(c.BirthMonth),
				CorrectedOn: dates.Proto(today)})
		}
	}
	for _, id := range kept {
		// FamilyReadyForContact told scheduling who may come, and the door admits them by it: an
		// adult a court order in force newly keeps from the children is announced, or the door
		// goes on admitting them (review 57). Ids and the date only. Decision 323.
		amended = append(amended, &referralv1.AdultKeptFromChildren{ReferralId: r.id.String(), FamilyId: r.family.String(),
			CentreId: r.centre.String(), PersonId: id.String(), KeptOn: dates.Proto(today)})
	}
	for _, id := range withdrawn {
		// The same announcement as an order's: the door admits whom the family was ready with
		// until scheduling hears otherwise (review 77, decision 389).
		amended = append(amended, &referralv1.AdultKeptFromChildren{ReferralId: r.id.String(), FamilyId: r.family.String(),
			CentreId: r.centre.String(), PersonId: id.String(), KeptOn: dates.Proto(today), Withdrawn: true})
	}
	events, err := r.record(amended...)
	if err != nil {
		return nil, err
	}
	// Dropping the last adult without a pre-visit can complete the family's intake.
	return r.readiness(events, today)
}

// correct records a correction of the people's personal details on a closed referral: declined,
// withdrawn or its case ended. UK GDPR gives a person the right to have inaccurate personal data
// about them rectified for as long as it is kept, and a closed referral is kept until its
// retention ends (decision 178; decision 34 erases it then). So the names, dates of birth,
// contact details, languages and relationships of the people already on it, a child's needs, and
// the referrer's details are corrected, with why (required) and by whom (the event's actor). A
// parent's contact details are put right, not removed (keepCorrectedParentsReachable), and a
// child's date of birth stays on or before the day the child was referred (review 24).
//
// Nothing the centre decided on, and nothing that would change the case's path, changes
// (CorrectionOnly): who is on the referral (no one added or removed), each adult's role, parental
// responsibility and permissions, the risk answers and their notes, the court orders, the
// agencies, whether the court or Cafcass is involved, the reason for referral and availability as
// the referrer gave them, consent, and whether the children may leave the centre. The centre,
// service kind and outcome are not the referral's details at all. A record of what someone said
// at the time (the reason, the risk notes) is accurate as that record; a person who disputes it
// has their view recorded as the correction's reason instead. The state never changes: a
// correction does not reopen a referral, void its screening or make its family ready again.
// An erased family has nothing left to correct (ErrErasedNotCorrected).
func (r *Referral) correct(d Details, why string, today time.Time, newID NewID) ([]proto.Message, error) {
	if _, erased := r.ErasedOn(); erased {
		return nil, ErrErasedNotCorrected
	}
	d = d.normalise()
	why = strings.TrimSpace(why)
	var v Invalid
	need := bothParents
	if parentsOn(r.adults) < 2 {
		// A self-referral closed before the other parent applied names one parent.
		need = oneParent
	}
	d.validateAt(&v, "details.", need, today, r.referredOn(today))
	d.checkNamedOnce(&v, "details.", r.namedTwice)
	r.checkIDs(&v, d)
	for i, a := range d.Adults {
		if a.ID == uuid.Nil {
			v.add(fmt.Sprintf("details.adults[%d].person_id", i), "is required: the referral is closed, so no one is added to it; "+
				"give the person_id of the adult whose details are corrected")
		}
	}
	for i, c := range d.Children {
		if c.ID == uuid.Nil {
			v.add(fmt.Sprintf("details.children[%d].person_id", i), "is required: the referral is closed, so no one is added to it; "+
				"give the person_id of the child whose details are corrected")
		}
	}
	r.keepCorrectedParentsReachable(&v, d)
	if r.source != commonv1.ReferralSource_REFERRAL_SOURCE_SELF && d.Referrer.Name == "" {
		v.add("details.referrer.name", "is required when a professional refers the family")
	}
	v.note("correction_reason", why, true, "must say why the details are corrected: the referral is closed, and a correction "+
		"of its personal details records who made it and why")
	if err := v.err(); err != nil {
		return nil, err
	}
	if changed := r.decidedOn(d); len(changed) > 0 {
		return nil, CorrectionOnly(changed)
	}
	adults, children := people(d, newID)
	facts, err := factsOf(adults, children, d)
	if err != nil {
		return nil, fmt.Errorf("correct referral: %w", err)
	}
	current, err := factsOf(r.adults, r.children, r.facts)
	if err != nil {
		return nil, fmt.Errorf("correct referral: %w", err)
	}
	if proto.Equal(facts, current) {
		return nil, nil
	}
	sealed, err := noteOf(why)
	if err != nil {
		return nil, fmt.Errorf("correct referral: %w", err)
	}
	return r.record(&referralv1.ReferralAmended{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: r.centre.String(),
		AmendedOn: dates.Proto(today), Facts: facts, SealedCorrectionNote: sealed, CorrectionAfterClose: true})
}

// decidedOn names, as the request's fields, what the details would change that a correction of a
// closed referral leaves as the case was decided (see correct); none when only personal details
// change. The details' ids are known to be on the referral (checkIDs).
func (r *Referral) decidedOn(d Details) []string {
	var changed []string
	given := map[uuid.UUID]bool{}
	for i, a := range d.Adults {
		given[a.ID] = true
		was := r.adults[slices.IndexFunc(r.adults, func(o AdultRecord) bool { return o.ID == a.ID })]
		if a.Role != was.Role || a.ParentalResponsibility != was.ParentalResponsibility || a.MayAttend != was.MayAttend ||
			a.MayBring != was.MayBring || a.MayCollect != was.MayCollect {
			changed = append(changed, fmt.Sprintf("details.adults[%d] (role, parental responsibility or who may attend, bring or collect)", i))
		}
	}
	for _, c := range d.Children {
		given[c.ID] = true
	}
	gone := slices.ContainsFunc(r.adults, func(a AdultRecord) bool { return !given[a.ID] }) ||
		slices.ContainsFunc(r.children, func(c ChildRecord) bool { return !given[c.ID] })
	if gone {
		changed = append(changed, "details.adults or details.children (someone on the referral is left out: no one is removed)")
	}
	was := r.facts
	for _, f := range []struct {
		field string
		same  bool
	}{
		{"details.court_orders", slices.EqualFunc(d.CourtOrders, was.CourtOrders, CourtOrder.same)},
		{"details.court_involved", d.CourtInvolved == was.CourtInvolved},
		{"details.cafcass_involved", d.CafcassInvolved == was.CafcassInvolved},
		{"details.other_agencies", slices.Equal(d.Agencies, was.Agencies)},
		{"details.agency_notes", d.AgencyNotes == was.AgencyNotes},
		{"details.reason", d.Reason == was.Reason},
		{"details.availability", d.Availability == was.Availability},
		{"details.children_may_leave_centre", d.ChildrenMayLeaveCentre == was.ChildrenMayLeaveCentre},
		{"details.risk", d.Risk == was.Risk},
		{"details.risk_notes", d.RiskNotes == was.RiskNotes},
		{"details.consent_given", d.ConsentGiven == was.ConsentGiven},
	} {
		if !f.same {
			changed = append(changed, f.field)
		}
	}
	return changed
}

// parentsOn counts the parents among adults.
func parentsOn(adults []AdultRecord) int {
	n := 0
	for _, a := range adults {
		if a.Parent() {
			n++
		}
	}
	return n
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

// keepCorrectedParentsReachable refuses a correction of a closed referral that leaves a parent who
// could be reached without a way to be reached (review 24), as keepParentsReachable does on an open
// referral past screening. A correction puts personal data right; it does not remove it: the
// family's personal data is removed by an erasure, with its own command and checks (decision 34).
// A parent the referral never had a way to reach (one withdrawn before screening, which needs it)
// has nothing to keep. The field named is the parent's; the reason names no one.
func (r *Referral) keepCorrectedParentsReachable(v *Invalid, d Details) {
	for i, a := range d.Adults {
		was := slices.IndexFunc(r.adults, func(o AdultRecord) bool { return o.ID == a.ID })
		if was < 0 || !r.adults[was].Parent() || !r.adults[was].ContactDetailsGiven || a.Contact.Given() {
			continue
		}
		v.add(fmt.Sprintf("details.adults[%d].contact", i), "must give a way to reach this parent (an address with its postcode, "+
			"a phone or an email): a correction puts a parent's contact details right and does not remove them; "+
			"a family's personal data is removed by erasing it (EraseFamily)")
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

// attendees is who FamilyReadyForContact says may come, as a comparable value: ids, roles and
// permissions of the adults, ids of the children, in id order. A child's birth month, which it
// also carries, is not who the child is: a corrected one is announced (ChildBirthMonthCorrected,
// decision 187); decision 184 found it refused here as if the child had changed.
// permissionsWithdrawn are the adults on the referral, other than the two parents, with something
// they may do (attend, bring or collect), whom adults (the amended referral's) no longer name.
// Once the family is ready, taking such an adult off is announced (AdultKeptFromChildren
// withdrawn), so that the door stops admitting them: review 77's resident parent no longer agreed
// to the grandmother coming, and the door went on admitting her, as nothing short of a court order,
// a hold or a new referral could change who may come (decision 389). Who may come widens only by
// referral, and an adult named to do less but not nothing is not narrowed yet (ErrAttendeesFixed).
func (r *Referral) permissionsWithdrawn(adults []AdultRecord) []uuid.UUID {
	var out []uuid.UUID
	for _, was := range r.adults {
		parent := was.Role == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT || was.Role == referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT
		named := slices.ContainsFunc(adults, func(a AdultRecord) bool { return a.ID == was.ID })
		if !named && !parent && (was.MayAttend || was.MayBring || was.MayCollect) {
			out = append(out, was.ID)
		}
	}
	return out
}

// without are adults but those taken off (withdrawn): who scheduling will have with a say in who
// comes once their withdrawal is announced, beside the amended referral's adults, which no longer
// name them.
func without(adults []AdultRecord, withdrawn []uuid.UUID) []AdultRecord {
	return slices.DeleteFunc(slices.Clone(adults), func(a AdultRecord) bool { return slices.Contains(withdrawn, a.ID) })
}

func attendees(adults []AdultRecord, children []ChildRecord) string {
	var keys []string
	for _, a := range adults {
		keys = append(keys, fmt.Sprintf("%s/%d/%t/%t/%t", a.ID, a.Role, a.MayAttend, a.MayBring, a.MayCollect))
	}
	for _, c := range children {
		keys = append(keys, c.ID.String())
	}
	slices.Sort(keys)
	return fmt.Sprint(keys)
}

// birthDatesChange reports whether the details give a child already on the referral (by id)
// another date of birth.
func (r *Referral) birthDatesChange(d Details) bool {
	for _, c := range d.Children {
		was := slices.IndexFunc(r.children, func(o ChildRecord) bool { return o.ID == c.ID })
		if c.ID != uuid.Nil && was >= 0 && !r.children[was].DateOfBirth.Equal(c.DateOfBirth) {
			return true
		}
	}
	return false
}

// childSwapped reports whether the details give a child already on the referral (by id) both
// another name (NormaliseName: case, spacing and accents aside) and another date of birth: what
// matches a child (DuplicateKey) all changed at once, which is another child, not a correction.
func (r *Referral) childSwapped(d Details) bool {
	for _, c := range d.Children {
		was := slices.IndexFunc(r.children, func(o ChildRecord) bool { return o.ID == c.ID })
		if c.ID != uuid.Nil && was >= 0 && NormaliseName(r.children[was].Name) != NormaliseName(c.Name) &&
			!r.children[was].DateOfBirth.Equal(c.DateOfBirth) {
			return true
		}
	}
	return false
}

// RematchedChildren are the children whose keyed match (DuplicateKey: normalised name and date of
// birth) differs between before and after, the same referral's children before and after an
// amendment: each is looked up again as submission looks children up (decision 194).
func RematchedChildren(before, after []ChildRecord) []ChildRecord {
	var out []ChildRecord
	for _, c := range after {
		was := slices.IndexFunc(before, func(o ChildRecord) bool { return o.ID == c.ID })
		if was < 0 || NormaliseName(before[was].Name) != NormaliseName(c.Name) || !before[was].DateOfBirth.Equal(c.DateOfBirth) {
			out = append(out, c)
		}
	}
	return out
}
