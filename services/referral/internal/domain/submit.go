package domain

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// NewID mints an id for a person the referral names for the first time. The application passes
// uuid.New; tests pass something predictable.
type NewID func() uuid.UUID

// Submission is a new referral for one centre. The application mints the referral and family ids.
type Submission struct {
	ReferralID           uuid.UUID
	FamilyID             uuid.UUID
	CentreID             uuid.UUID
	Source               commonv1.ReferralSource
	RequestedServiceType commonv1.ServiceType
	Details              Details
}

// Submit records a referral. A referral by a professional names both parents; a self-referral
// names the applying parent only and waits for the other's application. A parent given without
// contact details is accepted, but the referral cannot be screened until they are added. One that
// contradicts itself is refused (checkInvolvement, checkNamedOnce, decision 148; checkAttending,
// review 39), as is one whose reason, availability or other concerns say nothing (checkSaid,
// review 45). It returns the new referral and its ReferralReceived event, or an *Invalid naming
// every field at fault.
func Submit(s Submission, today time.Time, newID NewID) (*Referral, []proto.Message, error) {
	if s.ReferralID == uuid.Nil || s.FamilyID == uuid.Nil || s.CentreID == uuid.Nil {
		return nil, nil, errors.New("submit referral: referral, family and centre ids are required")
	}
	d := s.Details.normalise()
	var v Invalid
	if !known(commonv1.ReferralSource_name, int32(s.Source)) {
		v.add("source", "must be one of the referral sources")
	}
	if !serviceTypeKnown(s.RequestedServiceType) {
		v.add("requested_service_type", "must be a kind of contact")
	}
	self := s.Source == commonv1.ReferralSource_REFERRAL_SOURCE_SELF
	need := bothParents
	if self {
		need = oneParent
	}
	d.validate(&v, "details.", need, today)
	d.checkInvolvement(&v, "details.", s.Source, today)
	d.checkInjunction(&v, "details.", false, today)
	d.checkOrdersAfterBirth(&v, "details.", nil, today)
	d.checkSaid(&v, "details.", false)
	d.checkNamedOnce(&v, "details.", nil)
	d.checkAttending(&v, "details.", nil, s.RequestedServiceType, today)
	d.checkInjunctionDates(&v, "details.", nil, today)
	for i, a := range d.Adults {
		if a.ID != uuid.Nil {
			v.add(fmt.Sprintf("details.adults[%d].person_id", i), "is assigned by the service")
		}
	}
	for i, c := range d.Children {
		if c.ID != uuid.Nil {
			v.add(fmt.Sprintf("details.children[%d].person_id", i), "is assigned by the service")
		}
	}
	if !self && d.Referrer.Name == "" {
		v.add("details.referrer.name", "is required when a professional refers the family")
	}
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	adults, children := people(d, newID)
	facts, err := factsOf(adults, children, d)
	if err != nil {
		return nil, nil, fmt.Errorf("submit referral: %w", err)
	}
	ev := &referralv1.ReferralReceived{ReferralId: s.ReferralID.String(), FamilyId: s.FamilyID.String(),
		CentreId: s.CentreID.String(), Source: s.Source, RequestedServiceType: s.RequestedServiceType,
		ReceivedOn: dates.Proto(today), AwaitingSecondParty: self, Facts: facts}
	r := &Referral{id: s.ReferralID}
	events, err := r.record(ev)
	if err != nil {
		return nil, nil, err
	}
	return r, events, nil
}

// people turns validated details into records: known ids kept, new people given new ids, and the
// readable facts (contact details given, birth month) worked out now, while the details are open.
func people(d Details, newID NewID) ([]AdultRecord, []ChildRecord) {
	adults := make([]AdultRecord, len(d.Adults))
	for i, a := range d.Adults {
		if a.ID == uuid.Nil {
			a.ID = newID()
		}
		adults[i] = AdultRecord{Adult: a, ContactDetailsGiven: a.Contact.Given()}
	}
	children := make([]ChildRecord, len(d.Children))
	for i, c := range d.Children {
		if c.ID == uuid.Nil {
			c.ID = newID()
		}
		children[i] = ChildRecord{Child: c, BirthYear: c.DateOfBirth.Year(), BirthMonth: int(c.DateOfBirth.Month())}
	}
	return adults, children
}

// SecondPartyApplication is the other parent's application to a self-referral.
type SecondPartyApplication struct {
	Parent       Adult
	Risk         Risk
	RiskNotes    string
	ConsentGiven bool
	// Children are the family's children as the applicant names them (name and date of birth),
	// with each child's needs and language as the applicant gives them: kept as the applicant's,
	// beside the referral's words, never in place of them (decision 337).
	Children []Child
	// MustMatch means the applicant acts as a referrer, someone the centre has not met: the
	// application must name the family's children (NamesTheChildren). Children named by anyone
	// else (a coordinator entering a paper application) must match too: a mismatch is the sign of
	// a wrong applicant or a wrong referral, not something to drop.
	MustMatch bool
}

// SubmitSecondParty records the other parent's application, which completes a self-referral: it
// is then received and may be screened. The applicant must be the parent the first application did
// not name. A yes to a risk question from either parent counts.
//
// An applicant acting as a referrer must name every child as the first parent gave them
// (NamesTheChildren); otherwise anyone with a referrer's token for the centre could join a family
// they do not belong to and learn of it. That is checked first, before the referral's state, and
// refused with one message whatever differs (ErrApplicationDoesNotMatch), so that a refusal says
// nothing about the family, not even whether it is still waiting (decision 97): a referral no
// longer waiting for a second parent (the other parent applied, or it closed or was suspended)
// refuses such an applicant with the same message, the specific reason being the coordinator's
// (decision 344). Nor is such an applicant refused for giving the first applicant's name, phone,
// email or role, which would tell them what the first applicant gave: the application is
// recorded with which of them matched (matches_first_applicant, the role recorded as the one the
// referral waited for), and the referral is screened once a person has checked that the two
// applicants are two people (ErrApplicantsNotChecked, decision 192). A coordinator entering the
// application is told.
// Before all of this, such an applicant to a referral that is not a self-referral is answered
// ErrReferralNotFound, as for an id that is no referral (decision 217).
func (r *Referral) SubmitSecondParty(a SecondPartyApplication, today time.Time, newID NewID) ([]proto.Message, error) {
	if a.MustMatch && r.source != commonv1.ReferralSource_REFERRAL_SOURCE_SELF {
		// Only a self-referral waits for a second parent: to any other, in any state, such an
		// application has nothing to apply to, and its applicant is answered exactly as for an
		// unknown referral, before the children or the state say anything. Review 32 named a
		// solicitor's declined referral's children and was told it was closed (decision 217).
		return nil, ErrReferralNotFound
	}
	if (a.MustMatch || len(a.Children) > 0) && !r.NamesTheChildren(a.Children) {
		if a.MustMatch {
			return nil, ErrApplicationDoesNotMatch
		}
		// A coordinator or lead entering a paper application may open the family's details
		// anyway: they are told which child differs, so that they can check it with the parent
		// (review 62 finding 3, decision 342).
		return nil, &ChildrenDoNotMatch{Violations: r.unmatchedChildren(a.Children)}
	}
	if err := CheckTransition(r.state, CmdSubmitSecondParty); err != nil {
		if a.MustMatch {
			// An applicant with a referrer's token is told the one message of any mismatch, and
			// nothing appended: NOT_AWAITING_SECOND_PARTY, REFERRAL_CLOSED or CASE_SUSPENDED told
			// whoever named the children that the other parent had applied, or that the
			// referral had moved on (decision 344). The coordinator keeps the reason.
			return nil, ErrApplicationDoesNotMatch
		}
		return nil, r.check(CmdSubmitSecondParty)
	}
	p := a.Parent.normalise()
	notes := strings.TrimSpace(a.RiskNotes)
	var v Invalid
	p.validate(&v, "parent.")
	if p.ID != uuid.Nil {
		v.add("parent.person_id", "is assigned by the service")
	}
	var matches []referralv1.ApplicantDetail
	switch want := r.missingParent(); {
	case p.Role == want:
	case !a.MustMatch:
		v.add("parent.role", "must be "+want.String()+": the parent the first application did not name")
	case p.Role == otherParent(want):
		// The first applicant's role: the referral waits for the other, and the coordinator
		// hears of it, but the applicant is not told what the first applicant said.
		matches, p.Role = append(matches, referralv1.ApplicantDetail_APPLICANT_DETAIL_ROLE), want
	default:
		v.add("parent.role", "must be the resident or the non-resident parent")
	}
	for _, first := range r.adults {
		if !first.Parent() {
			continue
		}
		if !a.MustMatch {
			// A coordinator may see both applicants' details, and is told which is the same.
			if field := sameAsOtherParent(p, first.Adult); field != "" {
				v.add("parent."+field, "must be this parent's own, not the first applicant's")
			}
			continue
		}
		// An applicant acting as a referrer is never told which of their details are the other
		// parent's: that would confirm a number or an address a parent changed to get away from
		// the other (decision 192). The match is recorded for the coordinator instead.
		for _, field := range sharedWith(p, first.Adult) {
			if d := applicantDetail[field]; !slices.Contains(matches, d) {
				matches = append(matches, d)
			}
		}
	}
	r.checkApplicant(&v, p, today)
	for i, c := range a.Children {
		// What the applicant says of each child is kept as theirs (decision 337), so it is held to
		// the referral's limits on a child's needs and language.
		f := fmt.Sprintf("children[%d].", i)
		v.text(f+"needs", strings.TrimSpace(c.Needs), MaxTextLength, false)
		v.line(f+"language", strings.TrimSpace(c.Language), MaxLanguageLength, false)
	}
	v.text("risk_notes", notes, MaxTextLength, false)
	if a.Risk.OtherConcerns {
		// The applicant's own notes describe their own yes (review 45, decision 270), as the
		// referral's describe the first parent's: an applicant cannot amend what the first wrote.
		describesConcerns(&v, "risk_notes", notes, "must describe the other concerns: the applicant answers that there are other concerns "+
			"(risk.other_concerns), which their risk notes describe for the screen to weigh")
	}
	if !a.ConsentGiven {
		v.add("consent_given", "must be given")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	p.ID = newID()
	var w inClear
	parent := adultOf(&w, AdultRecord{Adult: p, ContactDetailsGiven: p.Contact.Given()})
	children := r.childAccountsOf(&w, a.Children)
	sealedNotes, err := noteOf(notes)
	if err = errors.Join(w.err, err); err != nil {
		return nil, fmt.Errorf("second-party application: %w", err)
	}
	return r.record(&referralv1.SecondPartyApplicationReceived{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), ReceivedOn: dates.Proto(today), Parent: parent, Risk: riskOf(a.Risk),
		ConsentGiven: true, SealedRiskNotes: sealedNotes, MatchesFirstApplicant: matches, Children: children})
}

// applicantDetail is the detail sharedWith names by its field.
var applicantDetail = map[string]referralv1.ApplicantDetail{
	"full_name":     referralv1.ApplicantDetail_APPLICANT_DETAIL_FULL_NAME,
	"contact.phone": referralv1.ApplicantDetail_APPLICANT_DETAIL_PHONE,
	"contact.email": referralv1.ApplicantDetail_APPLICANT_DETAIL_EMAIL,
}

// otherParent is the parent role that is not role.
func otherParent(role referralv1.AdultRole) referralv1.AdultRole {
	if role == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT {
		return referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT
	}
	return referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT
}

// NamesTheChildren reports whether children are exactly the referral's children, each once, matched
// as possible duplicates are (DuplicateKey: the name normalised, the date of birth): case, accents,
// spacing and punctuation do not matter, a missing, extra or different child does. A referral
// whose family was erased has no names left and matches nothing.
func (r *Referral) NamesTheChildren(children []Child) bool {
	if len(children) != len(r.children) {
		return false
	}
	want := map[string]int{}
	for _, c := range r.children {
		if c.Name == "" {
			return false
		}
		want[string(DuplicateKey(c.Name, c.DateOfBirth))]++
	}
	for _, c := range children {
		k := string(DuplicateKey(c.Name, c.DateOfBirth))
		if want[k] == 0 {
			return false
		}
		want[k]--
	}
	return true
}

// unmatchedChildren says, for a person at the centre, how children differ from the referral's
// (NamesTheChildren false): how many each names, and each child given that matches none of the
// referral's (by DuplicateKey, as NamesTheChildren) or names one already given, by its index.
// Field paths and counts only: no name or date of birth goes into a refusal.
func (r *Referral) unmatchedChildren(children []Child) []Violation {
	named := fmt.Sprintf("the referral names %d children; the application names %d", len(r.children), len(children))
	if len(r.children) == 1 {
		named = fmt.Sprintf("the referral names 1 child; the application names %d", len(children))
	}
	v := []Violation{{Field: "children", Reason: named}}
	want := map[string]int{}
	for _, c := range r.children {
		if c.Name != "" {
			want[string(DuplicateKey(c.Name, c.DateOfBirth))]++
		}
	}
	given := map[string]int{}
	for i, c := range children {
		k := string(DuplicateKey(c.Name, c.DateOfBirth))
		f := fmt.Sprintf("children[%d]", i)
		first, seen := given[k]
		switch {
		case want[k] > 0:
			want[k]--
		case seen:
			v = append(v, Violation{Field: f, Reason: fmt.Sprintf("names the same child as children[%d]", first)})
		default:
			v = append(v, Violation{Field: f, Reason: "no child on the referral has this name and date of birth"})
		}
		if !seen {
			given[k] = i
		}
	}
	return v
}

// missingParent is the role of the parent a self-referral still waits for.
func (r *Referral) missingParent() referralv1.AdultRole {
	for _, a := range r.adults {
		if a.Role == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT {
			return referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT
		}
	}
	return referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT
}
