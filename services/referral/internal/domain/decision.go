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
	"github.com/familytime/familytime/services/platform/problem"
)

// Accept accepts a screened (or waitlisted) referral for a kind of contact. offered are the
// service types the centre offers, from the service's copy of the centre directory. The centre
// must offer the kind of contact (ErrServiceNotOffered), and a domestic-abuse finding leaves
// supervised contact only (FindingAllows): a centre without it then declines the referral or
// redirects the family to a centre that offers supervised contact.
//
// note says why the family is accepted for st, recorded sealed with the decision when given. It is
// required (noteNeeded) when a court is involved and st is not the kind the referral asks for.
func (r *Referral) Accept(st commonv1.ServiceType, offered []commonv1.ServiceType, note string, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdAccept); err != nil {
		return nil, err
	}
	if !serviceTypeKnown(st) {
		return nil, &Invalid{Violations: []Violation{{Field: "service_type", Reason: "must be a kind of contact"}}}
	}
	if err := r.mayHave(st, offered); err != nil {
		return nil, err
	}
	if err := r.childrenUnder18(today); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var v Invalid
	if r.noteNeeded(st) {
		v.note("note", note, true, fmt.Sprintf("must say why the family is accepted for %s contact when the referral asks for %s contact: "+
			"a court is involved with the family, and may have ordered the kind asked for", ServiceName(st), ServiceName(r.requested)))
	} else {
		v.note("note", note, false, "must say why the family is accepted for this kind of contact")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("accept referral: %w", err)
	}
	return r.record(&referralv1.ReferralAccepted{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), AcceptedOn: dates.Proto(today), ServiceType: st, SealedNote: sealed})
}

// noteNeeded reports whether accepting the family for st needs a note saying why: a court is
// involved (the flag, or a court's referral) and st is not the kind asked for (review 49: a
// referral for supervised contact was accepted for supported contact with nothing on the record,
// where a court may have ordered supervision). Supervised contact where domestic abuse, found or
// disclosed and not yet weighed, rules out the kind asked for is not: the finding or the
// disclosure is on the record and is why.
func (r *Referral) noteNeeded(st commonv1.ServiceType) bool {
	court := r.facts.CourtInvolved || r.source == commonv1.ReferralSource_REFERRAL_SOURCE_COURT
	if !court || st == r.requested {
		return false
	}
	ruledOut := r.findingRulesOut(r.requested) != nil || r.DisclosureRulesOut(r.requested) != nil
	return !(ruledOut && FindingAllows(st))
}

// mayHave is the rule on the kind of contact a family is accepted or waitlisted for: the
// screening must allow it (a domestic-abuse finding leaves supervised contact only), the centre
// must offer it, and escorted contact in the community needs children who may leave the centre.
func (r *Referral) mayHave(st commonv1.ServiceType, offered []commonv1.ServiceType) error {
	if err := r.findingRulesOut(st); err != nil {
		return err
	}
	if err := r.DisclosureRulesOut(st); err != nil {
		return err
	}
	if !slices.Contains(offered, st) {
		// Deciding a referral, the way on is the decision's (review 83: a supported-only centre
		// asked to take a family whose finding leaves supervised contact only was told only what it
		// offers).
		return notOffered(st, offered, fmt.Sprintf("decline the referral saying so, so the referrer takes the family to a "+
			"centre that offers %s contact (familytime referral decline %s --centre %s --reason ...), or decide it for a kind of "+
			"contact the centre offers, if the family's screening allows it", ServiceName(st), r.id, r.centre))
	}
	if st == commonv1.ServiceType_SERVICE_TYPE_ESCORTED && !r.facts.ChildrenMayLeaveCentre {
		return ErrChildrenStayInCentre
	}
	return nil
}

// FindingAllows reports whether a domestic-abuse finding leaves a kind of contact: supervised
// contact only (decision 168). DOMAIN.md: proven domestic abuse rules out supported contact, and
// routes the family to a supervised service or declines it; every other kind a centre offers
// protects less than supported contact does. Handover brings both parents to the centre's door to
// pass the child between them, with nobody watching; escorted contact takes the child into the
// community with an escort, not trained staff; indirect contact (letters, cards, gifts) and
// virtual contact (video calls) do not bring the parents together, but carry the parent's words
// into the child's home with nobody trained reading or watching, and nothing written about them,
// and a postmark or a call's background can show where the child lives. Only supervised contact
// has trained staff watching and a report checked by a second person.
func FindingAllows(st commonv1.ServiceType) bool {
	return st == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
}

// findingRulesOut is the domestic-abuse rule on the kind of contact st: nil without a finding or
// for a kind it allows (FindingAllows), ErrDomesticAbuseRulesOutSupported for supported contact
// (the reason clients have acted on since decision 77), ErrDomesticAbuseNeedsSupervised for the
// other kinds.
func (r *Referral) findingRulesOut(st commonv1.ServiceType) error {
	switch {
	case !r.domesticAbuse() || FindingAllows(st):
		return nil
	case st == commonv1.ServiceType_SERVICE_TYPE_SUPPORTED:
		return ErrDomesticAbuseRulesOutSupported
	}
	return ErrDomesticAbuseNeedsSupervised
}

// DisclosureRulesOut is the rule on the kind of contact st while a disclosure of domestic abuse
// stands that no safeguarding lead has weighed (DisclosureUnweighed): nil for a kind a finding
// allows (FindingAllows: supervised), ErrDisclosureNotWeighedForContact for the others, until the
// lead weighs it. Review 32 renamed a child, on a case screened green and accepted for supported
// contact, to the child of an earlier referral that disclosed domestic abuse: the disclosure was
// carried, and the family was made ready for supported contact with no lead having weighed it.
// Screening is where a disclosure meets the lead (Screen); one carried after it, by an amendment
// or a late match, must meet the lead before the case goes on. A disclosure errs towards the
// child as a finding does (decision 97), so it leaves what a finding leaves: supervised contact,
// where trained staff watch and a second person checks each report, goes on while the lead
// weighs it. The lead weighs it by a risk assessment in every state (NoteRiskAssessment), or by a
// screen without a finding while the referral may still be screened.
func (r *Referral) DisclosureRulesOut(st commonv1.ServiceType) error {
	if r.DisclosureUnweighed() && !FindingAllows(st) {
		return ErrDisclosureNotWeighedForContact
	}
	return nil
}

// Waitlist puts a screened family on the centre's waiting list: the centre would take them but
// has no place now. Accept takes them off it. The event says which kind of contact the family
// waits for, and scheduling puts it on its list for that kind (decisions.md 73): st, or when st is
// unspecified the kind the referral asks for, supervised when a domestic-abuse finding rules out
// the kind asked for (any but supervised, decision 168). The kind passes the same check as Accept's (decisions.md 77):
// the screening must allow it and the centre offer it, so a centre without supervised contact
// cannot waitlist a family whose screening found domestic abuse.
func (r *Referral) Waitlist(st commonv1.ServiceType, offered []commonv1.ServiceType, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdWaitlist); err != nil {
		return nil, err
	}
	if err := r.childrenUnder18(today); err != nil {
		return nil, err
	}
	switch {
	case st == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED:
		st = r.WaitsFor()
		if st != r.requested && !slices.Contains(offered, st) {
			// Supervised, because domestic abuse ruled out the kind asked for, at a centre
			// without supervised contact: the finding is what stands in the way.
			return nil, r.findingRulesOut(r.requested)
		}
	case !serviceTypeKnown(st):
		return nil, &Invalid{Violations: []Violation{{Field: "service_type", Reason: "must be a kind of contact"}}}
	}
	if err := r.mayHave(st, offered); err != nil {
		return nil, err
	}
	return r.record(&referralv1.ReferralWaitlisted{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), WaitlistedOn: dates.Proto(today), ServiceType: st})
}

// WaitsFor is the kind of contact the family would wait for on the centre's waiting list when
// the coordinator names none: the kind asked for, or supervised when a domestic-abuse finding
// rules it out (FindingAllows).
func (r *Referral) WaitsFor() commonv1.ServiceType {
	if r.domesticAbuse() && !FindingAllows(r.requested) {
		return commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	}
	return r.requested
}

// Decline is a centre's decision not to take a referral.
type Decline struct {
	Reason referralv1.DeclineReason
	Note   string
	// RedirectedTo is the centre the family was passed to, required for the reason REDIRECTED
	// and given for no other.
	RedirectedTo uuid.UUID
	// DuplicateOf is the referral this one duplicates, required for the reason DUPLICATE and
	// given for no other; Duplicated is what the application found of it.
	DuplicateOf uuid.UUID
	Duplicated  Duplicated
}

// Duplicated is the referral a decline as a duplicate names, as the application found it.
type Duplicated struct {
	// Found: a referral at this referral's centre (another centre's is not found, decision 38).
	Found bool
	// FlaggedIt: the other referral flagged this one as a possible duplicate (the flag is recorded
	// there; this referral's own flags it reads itself).
	FlaggedIt bool
	// Open: the other referral is neither declined, withdrawn nor ended.
	Open bool
	// CheckedAnother is the day the safeguarding lead checked, on the other referral, that this
	// one's family is another; zero if never.
	CheckedAnother time.Time
}

// Decline declines the referral with a reason code and a note. Final. dir holds what the
// service's copy of the directory knows of this centre and of the centre redirected to (absent
// when the directory does not hold it).
//
// A referral is declined before it is accepted, screened or not: a centre may decline a referral
// it cannot proceed with (a parent's contact details never given, the other parent's application
// never made) for any reason that does not rest on a screening. A decline for risk does
// (ErrDeclineForRiskUnscreened): RISK_TOO_HIGH needs a screening, and
// DOMESTIC_ABUSE_SUPPORTED_ONLY one that found domestic abuse, at a centre offering no supervised
// contact. REDIRECTED names a centre of the directory other than this one, taking new families;
// OTHER says why in the note (docs/decisions.md 77).
func (r *Referral) Decline(d Decline, dir Directory, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdDecline); err != nil {
		return nil, err
	}
	note := strings.TrimSpace(d.Note)
	var v Invalid
	if !known(referralv1.DeclineReason_name, int32(d.Reason)) {
		v.add("reason", "must be one of the decline reasons")
	}
	switch {
	case d.Reason != referralv1.DeclineReason_DECLINE_REASON_REDIRECTED:
		if d.RedirectedTo != uuid.Nil {
			v.add("redirected_to_centre_id", "is given only when the family is redirected")
		}
	case d.RedirectedTo == uuid.Nil:
		v.add("redirected_to_centre_id", "is required when the family is redirected: the centre they are passed to")
	case d.RedirectedTo == r.centre:
		v.add("redirected_to_centre_id", "must be another centre")
	default:
		to, ok := dir[d.RedirectedTo]
		switch {
		case !ok:
			v.add("redirected_to_centre_id", "is not a centre in the directory")
		case to.TakesNewFamilies() != nil:
			v.add("redirected_to_centre_id", "is a centre that takes no new referrals: its accreditation is suspended or lapsed")
		case r.domesticAbuse() && !to.Offers(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED):
			v.add("redirected_to_centre_id", "is a centre without supervised contact, which the domestic-abuse finding needs")
		}
	}
	r.checkDuplicateOf(d, &v)
	if d.Reason == referralv1.DeclineReason_DECLINE_REASON_OTHER && note == "" {
		v.add("note", "is required when the reason is other: say why the referral is declined")
	} else {
		v.note("note", note, d.Reason == referralv1.DeclineReason_DECLINE_REASON_OTHER, "must say why the referral is declined")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	switch d.Reason {
	case referralv1.DeclineReason_DECLINE_REASON_RISK_TOO_HIGH:
		if !r.screened {
			return nil, ErrDeclineForRiskUnscreened
		}
	case referralv1.DeclineReason_DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY:
		switch {
		case !r.screened:
			return nil, ErrDeclineForRiskUnscreened
		case !r.domesticAbuse():
			return nil, &Invalid{Violations: []Violation{{Field: "reason",
				Reason: "is domestic abuse at a supported-only centre, but no domestic abuse is found (by the screening or the safeguarding lead's latest assessment)"}}}
		case dir[r.centre].Offers(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED):
			return nil, &Invalid{Violations: []Violation{{Field: "reason",
				Reason: "is domestic abuse at a supported-only centre, but this centre offers supervised contact: accept or waitlist for it, or decline for another reason"}}}
		}
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("decline referral: %w", err)
	}
	ev := &referralv1.ReferralDeclined{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), DeclinedOn: dates.Proto(today), Reason: d.Reason, SealedNote: sealed}
	if d.RedirectedTo != uuid.Nil {
		ev.RedirectedToCentreId = d.RedirectedTo.String()
	}
	if d.DuplicateOf != uuid.Nil {
		ev.DuplicateOfReferralId = d.DuplicateOf.String()
	}
	return r.record(ev)
}

// checkDuplicateOf adds to v what is wrong with a decline's duplicate_of_referral_id. DUPLICATE
// says the family's request was made twice and goes on as the other referral, so the national
// figures count it once, as that one (decision 281): the other must be a possible duplicate of
// this referral at its centre, flagged either way (a person checks a match; a guess would take a
// family's request out of the figures), still open (a referral made once the other closed is the
// family's new request, not a duplicate), and not checked by the lead to be another family.
func (r *Referral) checkDuplicateOf(d Decline, v *Invalid) {
	const field = "duplicate_of_referral_id"
	if d.Reason != referralv1.DeclineReason_DECLINE_REASON_DUPLICATE {
		if d.DuplicateOf != uuid.Nil {
			v.add(field, "is given only when the referral is declined as a duplicate")
		}
		return
	}
	flaggedHere := slices.ContainsFunc(r.duplicates, func(p PossibleDuplicate) bool { return p.Other == d.DuplicateOf })
	checked, checkedHere := r.CheckedNotTheFamily(d.DuplicateOf)
	if !checkedHere {
		checked = d.Duplicated.CheckedAnother
	}
	switch {
	case d.DuplicateOf == uuid.Nil:
		v.add(field, "is required when the referral is declined as a duplicate: the referral it duplicates, one of its possible duplicates (referral show)")
	case d.DuplicateOf == r.id:
		v.add(field, "must be another referral")
	case !flaggedHere && !(d.Duplicated.Found && d.Duplicated.FlaggedIt):
		v.add(field, "is not a possible duplicate of this referral: a referral is declined as a duplicate only of one flagged as its possible duplicate (referral show lists them)")
	case !d.Duplicated.Found:
		v.add(field, "is a referral at another centre: a referral duplicates only another at its own centre; decline it for another reason")
	case !checked.IsZero():
		v.add(field, fmt.Sprintf("is another family: the safeguarding lead checked so on %s", checked.Format(time.DateOnly)))
	case !d.Duplicated.Open:
		v.add(field, "is closed: a referral made once the other is declined, withdrawn or ended is the family's new request, not a duplicate; decline it for another reason")
	}
}

// notApplied says why by may not withdraw a self-referral still waiting for the second parent's
// application when by is that parent, who has not applied: the history would read "withdrawn by"
// a person the centre has no record of or contact with (review 65 finding 6, decision 353). The
// parent who applied withdraws it, or, if the other parent does not respond, the centre declines
// it (the decline command in full, with the referral's id and centre, review 66 finding 5); ""
// otherwise.
func (r *Referral) notApplied(by referralv1.WithdrawnBy) string {
	if r.state != AwaitingSecondParty {
		return ""
	}
	applied, flag := "non-resident parent", "non-resident-parent"
	missing := referralv1.WithdrawnBy_WITHDRAWN_BY_RESIDENT_PARENT
	if r.missingParent() == referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT {
		applied, flag = "resident parent", "resident-parent"
		missing = referralv1.WithdrawnBy_WITHDRAWN_BY_NON_RESIDENT_PARENT
	}
	if by != missing {
		return ""
	}
	return "is the parent who has not applied to this self-referral, still waiting for their application: the " + applied +
		", who applied, withdraws it (--by " + flag + "), or, if the other parent does not respond, the centre declines it " +
		"(familytime referral decline " + r.id.String() + " --centre " + r.centre.String() + " --reason no-agreement); nothing was withdrawn"
}

// Withdraw records that the referral was withdrawn before contact began. Final. Once contact has
// begun the case is ended with the outcome withdrawn instead (ErrContactStarted), so the
// statistics count it as a case that ended, not a referral that never started. Contact has begun
// too once the family's first session is under way, before its completion starts contact here:
// the application refuses that withdrawal (ErrFirstSessionUnderWay, decision 168), since only it
// reads the sessions under way.
func (r *Referral) Withdraw(by referralv1.WithdrawnBy, note string, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdWithdraw); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var v Invalid
	if !known(referralv1.WithdrawnBy_name, int32(by)) {
		v.add("withdrawn_by", "must say who withdrew the referral")
	} else if reason := r.notApplied(by); reason != "" {
		v.add("withdrawn_by", reason)
	}
	v.note("note", note, false, "must say something when given")
	if err := v.err(); err != nil {
		return nil, err
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("withdraw referral: %w", err)
	}
	return r.record(&referralv1.ReferralWithdrawn{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), WithdrawnOn: dates.Proto(today), WithdrawnBy: by, SealedNote: sealed})
}

// ComeOfAgeWarningWeeks is how far ahead a submission warns that every child comes of age for
// contact (decision 416): screening takes weeks and a centre's waiting list months, so a family
// whose children are all 18 within half a year may never reach a session.
const ComeOfAgeWarningWeeks = 26

// ComeOfAgeSoon is the day every child of children comes of age for contact
// (ChildrenComeOfAgeOn) when it is no later than ComeOfAgeWarningWeeks from today; zero otherwise.
// It may be today or before: a child whose 18th birthday is later this month is referred under
// 18, by the law's rule, and is already of age for the sessions.
func ComeOfAgeSoon(children []Child, today time.Time) time.Time {
	on := ChildrenComeOfAgeOn(children)
	if on.IsZero() || on.After(today.AddDate(0, 0, 7*ComeOfAgeWarningWeeks)) {
		return time.Time{}
	}
	return on
}

// ChildrenComeOfAgeOn is the day from which no child of children is under 18 for contact: the
// first day of the month of the youngest child's 18th birthday, as scheduling and the figures count
// them (decision 402). Zero when there are no children, or a child's date of birth is not known.
func ChildrenComeOfAgeOn(children []Child) time.Time {
	var last time.Time
	for _, c := range children {
		if c.DateOfBirth.IsZero() {
			return time.Time{}
		}
		// From the birth month, not the date: 29 February plus 18 years is 1 March, and review 88
		// found the child counted 18 a month after scheduling counts them, from February.
		born := c.DateOfBirth
		if first := time.Date(born.Year()+OldestChildAge+1, born.Month(), 1, 0, 0, 0, 0, time.UTC); first.After(last) {
			last = first
		}
	}
	return last
}

// childrenUnder18 refuses a decision that would take the family into contact when no child on the
// referral is under 18 that day (ErrChildrenOfAge): each was under 18 when referred, but review 80
// accepted a referral whose only child turned 18 the day after it was received, counted accepted
// and never bookable. One child under 18 is enough: the family comes for them. A child is counted
// 18 from the first day of the month of their 18th birthday, as scheduling and the figures count
// them (they hold the birth month, not the date: scheduling's Child.ComeOfAgeOn): review 81
// accepted a child whose 18th birthday was later in the month, and the family was ready with no
// session it could book (decision 402).
func (r *Referral) childrenUnder18(today time.Time) error {
	children := make([]Child, len(r.children))
	for i, c := range r.children {
		children[i] = c.Child
	}
	ofAge := ChildrenComeOfAgeOn(children)
	if ofAge.IsZero() || today.Before(ofAge) {
		return nil
	}
	thisMonth := false
	for _, c := range r.children {
		thisMonth = thisMonth || today.Before(c.DateOfBirth.AddDate(OldestChildAge+1, 0, 0))
	}
	why := ErrChildrenOfAge.Message
	if thisMonth {
		why += " (or turns 18 this month: sessions count a child as 18 from the first day of the month of their 18th birthday, " +
			"so none could be booked)"
	}
	return problem.Rule(ErrChildrenOfAge.Reason, fmt.Sprintf("%s on %s: a contact centre is for children, so the family is not "+
		"taken into contact; decline the referral, saying so (familytime referral decline %s --centre %s --reason other --note "+
		"\"the child is 18\"), or the referrer withdraws it", why, today.Format(time.DateOnly), r.id, r.centre))
}
