// Package domain is the referral service's model: a family's referral from its receipt, through
// screening, the centre's decision, pre-visits and the arrangement, to contact, reviews and the
// case's end. It holds the rules, the state machine and the events that record what happened. No
// I/O: the caller passes today's date, new ids and the centre's service types as values.
//
// Events carry personal details in bytes fields named sealed_*. Commands fill them with the
// serialised details in clear; the application seals them (EachSealed) before the events leave
// the process, and opens them again before Rebuild.
package domain

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/proto/ageband"
	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// Referral is one family's referral to one centre and, once accepted, their case.
type Referral struct {
	id, family, centre uuid.UUID
	source             commonv1.ReferralSource
	requested          commonv1.ServiceType
	receivedOn         time.Time
	state              State
	// declined is why the centre declined the referral (Standing); unspecified unless declined.
	declined referralv1.DeclineReason
	// closedOn is the day the referral was declined or withdrawn, withdrawnBy who withdrew it,
	// and duplicateOf the referral a decline as a duplicate named: what a refusal of a command
	// on the closed referral says of it (closedRefusal, review 51). Zero while it is open.
	closedOn    time.Time
	withdrawnBy referralv1.WithdrawnBy
	duplicateOf string

	adults   []AdultRecord
	children []ChildRecord
	// childReferredOn is the day each child came on the referral: the day it was received, or the
	// day an amendment added them. A child is born by then (referredOn).
	childReferredOn map[uuid.UUID]time.Time
	facts           Details // the rest of the referral's facts; Adults and Children live above
	// secondPartyRiskNotes are the applying parent's own notes on a self-referral.
	secondPartyRiskNotes string
	// secondPartyChildren are what the applying parent said of the children (decision 337).
	secondPartyChildren []ChildAccount
	// daDisclosedOn is the day domestic abuse was first disclosed on the referral: in its risk
	// answers at receipt, in the second parent's application or by an amendment; zero if never.
	// A later answer "no" does not take it back (decision 191): the disclosure stands for Screen
	// as the answer "yes" does, and only the lead's screen, with a note, records no finding.
	daDisclosedOn time.Time
	// earlierDisclosures are the other referrals of a child on this one (matched as decision 173
	// matches children) whose disclosure of domestic abuse stood when it was noted here
	// (PossibleDuplicateFlagged.domestic_abuse_disclosed): it carries to this referral as its own
	// disclosure would (decision 194). daCleared is whether a screening since the referral's own
	// latest disclosure recorded no finding, which only the lead may do (Screen): its disclosure
	// then no longer carries to a later referral. A carried disclosure is never carried on
	// (decision 197). daWeighed is whether a safeguarding lead weighed the latest disclosure, own
	// or carried: a screen since it recorded no finding (the lead's alone), the lead's screen
	// since recorded a finding (ScreeningRecorded.screener_role), or the lead's risk assessment
	// was noted since; until then the family is not erased (Erase, decision 197).
	earlierDisclosures []uuid.UUID
	// earlierFindings are those of them whose screening's domestic-abuse finding was carried here
	// too (PossibleDuplicateFlagged.domestic_abuse_found): news after their disclosure (review 40).
	earlierFindings []uuid.UUID
	daCleared       bool
	daWeighed       bool
	// grave is what the referral remembers of its answers to the grave risk questions besides
	// domestic abuse (abduction risk, injunction, substance misuse): a later "no" does not take
	// their disclosure back either (decision 338).
	grave graveDisclosures
	// firstApplicationRisk and secondApplicationRisk are a self-referral's two applications' own
	// risk answers, secondApplied whether the second parent applied: whose "yes" each of the
	// referral's answers is (decision 338).
	firstApplicationRisk, secondApplicationRisk Risk
	secondApplied                               bool
	// applicantMatches are the second applicant's details that were the first applicant's
	// (SecondPartyApplicationReceived.matches_first_applicant), applicantsChecked whether a
	// screening recorded that the two applicants are two people (decision 192).
	applicantMatches  []referralv1.ApplicantDetail
	applicantsChecked bool

	screened bool
	rating   referralv1.RiskRating
	// daFinding is what the latest screening found. An amendment that voids the screening keeps
	// it: the finding stands, and is shown, until a screening clears it, which is the lead's
	// (Screen); see domesticAbuse.
	daFinding bool
	// leadAssessedOn is the date of the safeguarding lead's latest risk assessment that changed
	// whether domestic abuse is found, leadDAFinding what it found; zero while none did.
	leadAssessedOn time.Time
	leadDAFinding  bool
	service        commonv1.ServiceType // accepted for; unspecified until accepted
	waitingFor     commonv1.ServiceType // the kind of contact it was waitlisted for

	preVisits map[uuid.UUID]bool // adults with a pre-visit at which they signed the ground rules
	// visitedOn are each adult's pre-visit days, each with whether the ground rules were signed
	// at a visit that day: one visit a day of an adult is recorded (RecordPreVisit, review 51).
	visitedOn     map[uuid.UUID]map[string]bool // keyed by the day, YYYY-MM-DD
	preVisitDates []time.Time                   // every pre-visit day, sorted, without repeats
	arrangement   *Arrangement

	firstSession time.Time
	lastReview   time.Time // the latest review's date; zero before any
	reviewDue    time.Time
	holds        []uuid.UUID         // safeguarding holds in force
	beforeHold   State               // the state to return to when the last hold lifts
	duplicates   []PossibleDuplicate // other referrals whose children may be the same
	// notes are the notes recorded with the case's steps, oldest first (decision 207).
	notes []CaseNote
	// checkedNotTheFamily are the possible duplicates the lead checked are another family: when,
	// and what barred them then (decisions 205 and 216), the latest check of each.
	checkedNotTheFamily map[uuid.UUID]DuplicateCheck
	// sameChildren are the confirmations that a child on this referral is a child on a possible
	// duplicate (decision 260), in the order recorded.
	sameChildren []SameChild
	// findingsMade counts the times a domestic-abuse finding came to stand (FindingsMade).
	findingsMade int
	outcome      referralv1.CaseOutcome
	endedOn      time.Time // the day the case ended; zero unless it did
	// beforeEnd is the state the case was in when it ended, and endingVersion the version of its
	// CaseEnded in the stream: what a correction of the ending is checked against and points at,
	// and where a reopened case returns to (ending.go). Zero unless the case is ended.
	beforeEnd     State
	endingVersion int64
	// placeReleasedOn is when scheduling last released the family's regular place after
	// unexplained no-shows; zero while it never has (the outcome PLACE_RELEASED fits once it has).
	placeReleasedOn time.Time
	// attendedSinceRelease is the day of the first session the family attended after the place was
	// last released (FirstSessionAttended or SessionAttendedAfterRelease); zero while none was.
	// The release is past once it is set (decision 178).
	attendedSinceRelease time.Time
	erasedOn             time.Time                // the day the family's personal data was erased; zero unless it was
	erasedFor            referralv1.ErasureReason // why it was erased; unspecified unless it was

	version int64
}

// AdultRecord is an adult on the referral with what the service knows about them beyond their
// details. ContactDetailsGiven is kept apart from Adult.Contact because it stays readable when the
// family's personal data is erased.
type AdultRecord struct {
	Adult
	ContactDetailsGiven bool
}

// ChildRecord is a child on the referral with their birth month, which stays readable when the
// family's personal data is erased (docs/decisions.md 34).
type ChildRecord struct {
	Child
	BirthYear  int
	BirthMonth int
}

// AgeBand is the child's age band on a date, by the rule every service shares (ageband.At), from
// the birth month alone.
func (c ChildRecord) AgeBand(on time.Time) commonv1.AgeBand {
	return ageband.At(c.BirthYear, c.BirthMonth, on)
}

// StreamID is the event stream of a referral.
func StreamID(id uuid.UUID) string { return "referral-" + id.String() }

// ID is the referral's id.
func (r *Referral) ID() uuid.UUID { return r.id }

// FamilyID is the id of the family the referral is about.
func (r *Referral) FamilyID() uuid.UUID { return r.family }

// CentreID is the centre the family is referred to.
func (r *Referral) CentreID() uuid.UUID { return r.centre }

// State is where the referral stands.
func (r *Referral) State() State { return r.state }

// Source is who referred the family.
func (r *Referral) Source() commonv1.ReferralSource { return r.source }

// RequestedServiceType is the kind of contact the referrer asked for.
func (r *Referral) RequestedServiceType() commonv1.ServiceType { return r.requested }

// ServiceType is the kind of contact the family was accepted for (unspecified before).
func (r *Referral) ServiceType() commonv1.ServiceType { return r.service }

// ReceivedOn is the centre's local date the referral arrived.
func (r *Referral) ReceivedOn() time.Time { return r.receivedOn }

// noteReferred records on as the day each child not yet noted came on the referral.
func (r *Referral) noteReferred(on time.Time) {
	if r.childReferredOn == nil {
		r.childReferredOn = map[uuid.UUID]time.Time{}
	}
	for _, c := range r.children {
		if _, ok := r.childReferredOn[c.ID]; !ok {
			r.childReferredOn[c.ID] = on
		}
	}
}

// referredOn is the day a child in an amendment was referred: the day they came on the referral,
// or today for a child the amendment adds.
func (r *Referral) referredOn(today time.Time) func(Child) time.Time {
	return func(c Child) time.Time {
		if on, ok := r.childReferredOn[c.ID]; ok && c.ID != uuid.Nil {
			return on
		}
		return today
	}
}

// Adults are the adults on the referral.
func (r *Referral) Adults() []AdultRecord {
	out := slices.Clone(r.adults)
	for i := range out {
		out[i].Contact.AddressLines = slices.Clone(out[i].Contact.AddressLines)
	}
	return out
}

// Children are the children on the referral.
func (r *Referral) Children() []ChildRecord { return slices.Clone(r.children) }

// Details are the referral's facts, with the adults and children, as a caller that may open
// personal data sees them.
func (r *Referral) Details() Details {
	d := r.facts
	d.CourtOrders, d.Agencies = slices.Clone(d.CourtOrders), slices.Clone(d.Agencies)
	d.Adults, d.Children = nil, nil
	for _, a := range r.Adults() {
		d.Adults = append(d.Adults, a.Adult)
	}
	for _, c := range r.children {
		d.Children = append(d.Children, c.Child)
	}
	return d
}

// Screening is the screening's result; ok is false before screening.
func (r *Referral) Screening() (rating referralv1.RiskRating, domesticAbuseFinding bool, ok bool) {
	return r.rating, r.daFinding, r.screened
}

// DomesticAbuseFinding is whether domestic abuse is found, ruling out supported contact: by the
// safeguarding lead's latest assessment (assessedOn its date) when one has decided it, which
// stands over the screening's finding, otherwise by the screening (assessedOn zero).
func (r *Referral) DomesticAbuseFinding() (found bool, assessedOn time.Time) {
	if !r.leadAssessedOn.IsZero() {
		return r.leadDAFinding, r.leadAssessedOn
	}
	return r.daFinding, time.Time{}
}

// FindingsMade counts the times a domestic-abuse finding came to stand on the referral (a finding
// cleared and made again is another): which finding a lead's duplicate check weighed (decision
// 216, review 33).
func (r *Referral) FindingsMade() int { return r.findingsMade }

// DomesticAbuseDisclosed is whether domestic abuse was ever disclosed on the referral (on the day
// it first was), and whether its risk answers still say so: a disclosure later answered "no" is a
// retraction, for the safeguarding lead to weigh, not a clearance (decision 191).
func (r *Referral) DomesticAbuseDisclosed() (disclosedOn time.Time, stillAnswered bool, ok bool) {
	return r.daDisclosedOn, r.facts.Risk.DomesticAbuse, !r.daDisclosedOn.IsZero()
}

// noteDisclosure records on as the day domestic abuse was first disclosed, if risk discloses it
// and nothing did before. Answers that disclose it where they did not before (was) are a new
// disclosure: a lead's earlier clearance no longer covers it.
func (r *Referral) noteDisclosure(was bool, risk Risk, on time.Time) {
	if risk.DomesticAbuse && r.daDisclosedOn.IsZero() {
		r.daDisclosedOn = on
	}
	if risk.DomesticAbuse && !was {
		r.daCleared, r.daWeighed = false, false
	}
}

// DisclosedEarlier is whether domestic abuse disclosed on an earlier referral of a child on this
// one, and not cleared there by a lead's screen, was noted here (decision 194): its screen
// without a finding is the lead's, with a note, as for a disclosure on the referral itself.
func (r *Referral) DisclosedEarlier() bool { return len(r.earlierDisclosures) > 0 }

// DisclosureStands is whether a disclosure of domestic abuse made on this referral itself (its
// risk answers at receipt, the second parent's application, or an amendment) stands: no screening
// since recorded no finding (which only the lead may do, with a note). A later referral of the
// same child takes it on (decision 194), whatever this referral's state. A disclosure this
// referral carries from an earlier one is not carried on: it was disclosed on a referral of
// another child, or of another family, as often as of this child, and a later referral of the
// child it was disclosed about matches that earlier referral itself (decision 197).
func (r *Referral) DisclosureStands() bool {
	return !r.daDisclosedOn.IsZero() && !r.daCleared
}

// DisclosureUnweighed is whether domestic abuse was disclosed on this referral, or carried to it
// from an earlier referral of a child on it, and no safeguarding lead has weighed it since: no
// screen recorded no finding (the lead's alone), no screen by the lead recorded a finding, and no
// lead's risk assessment was noted. A family is not erased while it is (decision 197).
func (r *Referral) DisclosureUnweighed() bool {
	return (!r.daDisclosedOn.IsZero() || r.DisclosedEarlier()) && !r.daWeighed
}

// DisclosureWeighed is whether domestic abuse was disclosed on this referral, or carried to it,
// and a safeguarding lead has weighed the latest disclosure since (DisclosureUnweighed's other side).
func (r *Referral) DisclosureWeighed() bool {
	return (!r.daDisclosedOn.IsZero() || r.DisclosedEarlier()) && r.daWeighed
}

// SecondApplicantMatches are the second applicant's details that were the first applicant's, and
// whether a screening recorded that the two applicants were checked to be two people (decision 192).
func (r *Referral) SecondApplicantMatches() (details []referralv1.ApplicantDetail, checked bool) {
	return slices.Clone(r.applicantMatches), r.applicantsChecked
}

// domesticAbuse is DomesticAbuseFinding's answer.
func (r *Referral) domesticAbuse() bool {
	found, _ := r.DomesticAbuseFinding()
	return found
}

// NoteRiskAssessment notes a safeguarding lead's risk assessment of the family (safeguarding's
// RiskAssessed) when it changes whether domestic abuse is found (docs/decisions.md 80), in every
// state: a referral declined, withdrawn or ended keeps barring its child's later referrals with
// its finding (decisions 133 and 173), so its lead's assessment that the finding no longer stands
// is what lets such a referral be decided (review 53: a finding screened by the lead on a declined
// referral could be withdrawn by nobody, decision 311), and one that finds it newly bars them. An
// assessment that changes nothing is noted only while a disclosure on the referral stands that no
// lead has weighed (DisclosureUnweighed): it is then that weighing, recorded whatever it finds,
// and the family may be erased (decision 197). An erased family's referral notes nothing: its
// children are no longer matched, so it bars nothing.
//
// An accepted family whose intake waited only for the lead (IntakeComplete: a disclosure no lead
// had weighed, or a finding the assessment no longer finds) is made ready by it: nobody declares
// a family ready, the facts do, and no other step is left to record (decision 217).
func (r *Referral) NoteRiskAssessment(found bool, assessedOn time.Time) ([]proto.Message, error) {
	if _, erased := r.ErasedOn(); erased || (!r.DisclosureUnweighed() && r.domesticAbuse() == found) {
		return nil, nil
	}
	events, err := r.record(&referralv1.RiskAssessmentNoted{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), AssessedOn: dates.Proto(assessedOn), DomesticAbuseFinding: found})
	if err != nil {
		return nil, err
	}
	// The assessment's day stands for today: an order that expired since it still keeps its
	// adult from the children (decision 318), the safer side.
	return r.readiness(events, assessedOn)
}

// PreVisitDone reports whether the adult has had a pre-visit and signed the ground rules.
func (r *Referral) PreVisitDone(person uuid.UUID) bool { return r.preVisits[person] }

// PreVisitDates are the local dates of every pre-visit, in order.
func (r *Referral) PreVisitDates() []time.Time { return slices.Clone(r.preVisitDates) }

// Arrangement is the agreed arrangement; ok is false until one is agreed.
func (r *Referral) Arrangement() (a Arrangement, ok bool) {
	if r.arrangement == nil {
		return Arrangement{}, false
	}
	return *r.arrangement, true
}

// FirstSession is the local date of the first session attended; zero before.
func (r *Referral) FirstSession() time.Time { return r.firstSession }

// HoldsInForce are the safeguarding holds that suspend the case.
func (r *Referral) HoldsInForce() []uuid.UUID { return slices.Clone(r.holds) }

// PossibleDuplicates are other open referrals at the centre whose children may be the same.
func (r *Referral) PossibleDuplicates() []uuid.UUID {
	ids := make([]uuid.UUID, len(r.duplicates))
	for i, d := range r.duplicates {
		ids[i] = d.Other
	}
	return ids
}

// A PossibleDuplicate is another referral (Other) with a child who may be Child on this one, and
// how close the first match found of them is (decision 200).
type PossibleDuplicate struct {
	Other, Child uuid.UUID
	Match        referralv1.ChildMatch
}

// Duplicates are the possible duplicates in the order they were flagged, each with its match.
func (r *Referral) Duplicates() []PossibleDuplicate { return slices.Clone(r.duplicates) }

// flaggedAsClose reports whether other is flagged as a possible duplicate as closely as match, or
// more.
func (r *Referral) flaggedAsClose(other uuid.UUID, match referralv1.ChildMatch) bool {
	return slices.ContainsFunc(r.duplicates, func(d PossibleDuplicate) bool { return d.Other == other && !Closer(match, d.Match) })
}

// Outcome is how the case ended; unspecified unless ended.
func (r *Referral) Outcome() referralv1.CaseOutcome { return r.outcome }

// EndedOn is the centre's local date the case ended; zero unless it did.
func (r *Referral) EndedOn() time.Time { return r.endedOn }

// PlaceReleasedOn is the day scheduling last released the family's regular place after
// unexplained no-shows; zero if it never did.
func (r *Referral) PlaceReleasedOn() time.Time { return r.placeReleasedOn }

// AttendedSinceRelease is the day of the first session the family attended after its place was
// last released; ok is false while none was (the release stands) or the place was never released.
func (r *Referral) AttendedSinceRelease() (on time.Time, ok bool) {
	return r.attendedSinceRelease, !r.attendedSinceRelease.IsZero()
}

// Version is the number of events recorded for the referral.
func (r *Referral) Version() int64 { return r.version }

// Rebuild replays a referral's events. Their sealed fields must hold the opened details, or be
// empty where the family's personal data was erased: the referral is then rebuilt without names
// and contact details, and every rule that needs only ids, dates and flags still holds.
func Rebuild(id uuid.UUID, events []proto.Message) (*Referral, error) {
	if len(events) == 0 {
		return nil, ErrReferralNotFound
	}
	r := &Referral{id: id}
	for _, ev := range events {
		if err := r.apply(ev); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// record applies the events a command decided and returns them for the caller to append.
func (r *Referral) record(events ...proto.Message) ([]proto.Message, error) {
	for _, ev := range events {
		if err := r.apply(ev); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// apply is the one place an event changes a referral.
func (r *Referral) apply(ev proto.Message) error {
	if on, sealed := caseNote(ev); len(sealed) > 0 && r.erasedOn.IsZero() {
		text, err := noteFrom(sealed)
		if err != nil {
			return fmt.Errorf("referral %s: apply %s: %w", r.id, ev.ProtoReflect().Descriptor().Name(), err)
		}
		r.notes = append(r.notes, CaseNote{Step: string(ev.ProtoReflect().Descriptor().FullName()), On: dates.Time(on), Text: text})
	}
	wasFound, _ := r.DomesticAbuseFinding()
	var err error
	switch e := ev.(type) {
	case *referralv1.ReferralReceived:
		r.family, r.centre = parseID(e.GetFamilyId()), parseID(e.GetCentreId())
		r.source, r.requested, r.receivedOn = e.GetSource(), e.GetRequestedServiceType(), dates.Time(e.GetReceivedOn())
		r.state = Received
		if e.GetAwaitingSecondParty() {
			r.state = AwaitingSecondParty
		}
		r.preVisits = map[uuid.UUID]bool{}
		err = r.applyFacts(e.GetFacts())
		r.noteReferred(r.receivedOn)
		r.noteDisclosure(false, r.facts.Risk, r.receivedOn)
		r.grave.answered(Risk{}, r.facts.Risk, r.receivedOn)
		r.firstApplicationRisk = r.facts.Risk
	case *referralv1.SecondPartyApplicationReceived:
		var a AdultRecord
		if a, err = adultFrom(e.GetParent()); err == nil {
			r.adults = append(r.adults, a)
			was := r.facts.Risk.DomesticAbuse
			r.facts.Risk = r.facts.Risk.or(riskFrom(e.GetRisk()))
			r.noteDisclosure(was, r.facts.Risk, dates.Time(e.GetReceivedOn()))
			r.grave.answered(r.facts.Risk, r.facts.Risk, dates.Time(e.GetReceivedOn()))
			r.secondApplicationRisk, r.secondApplied = riskFrom(e.GetRisk()), true
			r.applicantMatches = slices.Clone(e.GetMatchesFirstApplicant())
			r.secondPartyRiskNotes, err = noteFrom(e.GetSealedRiskNotes())
			if err == nil {
				r.secondPartyChildren, err = childAccountsFrom(e.GetChildren())
			}
			r.state = Received
		}
	case *referralv1.ReferralAmended:
		was, answered := r.facts.Risk.DomesticAbuse, r.facts.Risk
		err = r.applyFacts(e.GetFacts())
		r.noteReferred(dates.Time(e.GetAmendedOn()))
		r.noteDisclosure(was, r.facts.Risk, dates.Time(e.GetAmendedOn()))
		r.grave.answered(answered, r.facts.Risk, dates.Time(e.GetAmendedOn()))
		if e.GetScreeningVoid() {
			r.screened, r.rating, r.service = false, 0, 0
			r.state = Received
		}
	case *referralv1.ScreeningRecorded:
		r.screened, r.rating, r.daFinding = true, e.GetRating(), e.GetDomesticAbuseFinding()
		// After a disclosure, a screen with no finding is the lead's (Screen): it clears it.
		r.daCleared = !e.GetDomesticAbuseFinding() && !r.daDisclosedOn.IsZero()
		// The lead's screen weighs a disclosure, with or without a finding; a screen recorded
		// before the event named the screener's role weighs it only without one.
		byLead := e.GetScreenerRole() == referralv1.ScreenerRole_SCREENER_ROLE_SAFEGUARDING_LEAD
		r.daWeighed = r.daWeighed || ((!e.GetDomesticAbuseFinding() || byLead) && (!r.daDisclosedOn.IsZero() || r.DisclosedEarlier()))
		if byLead {
			// Whatever it finds: the lead has weighed the answers taken back (decision 338).
			r.grave.weighedByLead()
		}
		r.applicantsChecked = r.applicantsChecked || e.GetApplicantsChecked()
		r.state = Screened
	case *referralv1.RiskAssessmentNoted:
		r.leadAssessedOn, r.leadDAFinding = dates.Time(e.GetAssessedOn()), e.GetDomesticAbuseFinding()
		r.daWeighed = true
	case *referralv1.ReferralAccepted:
		r.service, r.state = e.GetServiceType(), Accepted
	case *referralv1.ReferralWaitlisted:
		r.state, r.waitingFor = Waitlisted, e.GetServiceType()
	case *referralv1.ReferralDeclined:
		r.state, r.declined = Declined, e.GetReason()
		r.closedOn, r.duplicateOf = dates.Time(e.GetDeclinedOn()), e.GetDuplicateOfReferralId()
	case *referralv1.ReferralWithdrawn:
		r.state = Withdrawn
		r.closedOn, r.withdrawnBy = dates.Time(e.GetWithdrawnOn()), e.GetWithdrawnBy()
	case *referralv1.PreVisitCompleted:
		person, on := parseID(e.GetPersonId()), dates.String(dates.Time(e.GetVisitedOn()))
		if e.GetGroundRulesSigned() {
			r.preVisits[person] = true
		}
		if r.visitedOn == nil {
			r.visitedOn = map[uuid.UUID]map[string]bool{}
		}
		if r.visitedOn[person] == nil {
			r.visitedOn[person] = map[string]bool{}
		}
		r.visitedOn[person][on] = r.visitedOn[person][on] || e.GetGroundRulesSigned()
		r.preVisitDates = addDate(r.preVisitDates, dates.Time(e.GetVisitedOn()))
	case *referralv1.ArrangementAgreed:
		a := arrangementFrom(e.GetArrangement())
		r.arrangement = &a
	case *referralv1.ArrangementChanged:
		a := arrangementFrom(e.GetArrangement())
		r.arrangement = &a
	case *referralv1.FamilyReadyForContact:
		r.state = ReadyForContact
	case *referralv1.ChildrenLeavingChanged, *referralv1.ChildBirthMonthCorrected, *referralv1.AdultKeptFromChildren:
		// The announcement of what ReferralAmended already recorded: nothing more changes
		// (AdultKeptFromChildren: decision 323).
	case *referralv1.FirstSessionAttended:
		r.firstSession, r.reviewDue = dates.Time(e.GetSessionOn()), dates.Time(e.GetReviewDueOn())
		if !r.placeReleasedOn.IsZero() && r.firstSession.After(r.placeReleasedOn) {
			// Released before contact began, booked again, and the family came (decision 178).
			r.attendedSinceRelease = r.firstSession
		}
		if r.state != Ended {
			// A case ended during its first session records it on completion and stays ended.
			r.state = InContact
		}
	case *referralv1.ReviewHeld:
		r.reviewDue = dates.Time(e.GetNextReviewDueOn())
		if on := dates.Time(e.GetHeldOn()); on.After(r.lastReview) {
			// A review recorded before back-dating was refused (decisions.md 90) may be dated
			// before an earlier one: the latest date is the last review.
			r.lastReview = on
		}
	case *referralv1.CaseEnded:
		r.beforeEnd, r.endingVersion = r.state, r.version+1
		r.outcome, r.state, r.endedOn = e.GetOutcome(), Ended, dates.Time(e.GetEndedOn())
	case *referralv1.CaseEndingCorrected:
		r.outcome = e.GetOutcome()
	case *referralv1.CaseReopened:
		// The case is where it stood before it ended; the holds in force now are noted after
		// this event (ReopenCase suspends it with each), not the ones it ended with.
		r.state, r.outcome, r.endedOn, r.beforeEnd, r.endingVersion = e.GetState(), 0, time.Time{}, 0, 0
		r.holds = nil
	case *referralv1.PlaceReleasedNoted:
		// A new release makes the place released again, whatever was attended since the last one.
		r.placeReleasedOn, r.attendedSinceRelease = dates.Time(e.GetReleasedOn()), time.Time{}
	case *referralv1.SessionAttendedAfterRelease:
		r.attendedSinceRelease = dates.Time(e.GetSessionOn())
	case *referralv1.CaseSuspended:
		if len(r.holds) == 0 {
			r.beforeHold = r.state
		}
		r.holds = append(r.holds, parseID(e.GetHoldId()))
		r.state = Suspended
	case *referralv1.CaseResumed:
		hold := parseID(e.GetHoldId())
		r.holds = slices.DeleteFunc(r.holds, func(h uuid.UUID) bool { return h == hold })
		if len(r.holds) == 0 {
			r.state = r.beforeHold
		}
	case *referralv1.PossibleDuplicateFlagged:
		other := parseID(e.GetOtherReferralId())
		match := e.GetMatch()
		if match == referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED {
			match = referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE // flagged before decision 200
		}
		d := PossibleDuplicate{Other: other, Child: parseID(e.GetChildPersonId()), Match: match}
		switch i := slices.IndexFunc(r.duplicates, func(d PossibleDuplicate) bool { return d.Other == other }); {
		case i < 0:
			r.duplicates = append(r.duplicates, d)
		case Closer(match, r.duplicates[i].Match):
			r.duplicates[i] = d
		}
		if e.GetDomesticAbuseDisclosed() && !slices.Contains(r.earlierDisclosures, other) {
			// A disclosure newly carried here is one no screen of this referral has weighed.
			r.earlierDisclosures, r.daWeighed = append(r.earlierDisclosures, other), false
		}
		if e.GetDomesticAbuseFound() && !slices.Contains(r.earlierFindings, other) {
			// So is a finding carried here, after the disclosure it may follow (review 40).
			r.earlierFindings, r.daWeighed = append(r.earlierFindings, other), false
		}
	case *referralv1.PossibleDuplicateChecked:
		if r.checkedNotTheFamily == nil {
			r.checkedNotTheFamily = map[uuid.UUID]DuplicateCheck{}
		}
		c := DuplicateCheck{On: dates.Time(e.GetCheckedOn()), Finding: e.GetDomesticAbuseFinding(), FindingsMade: int(e.GetFindingsMade()),
			EndedForSafetyOn: dates.Time(e.GetEndedForSafetyOn())}
		for _, h := range e.GetHoldIds() {
			c.Holds = append(c.Holds, parseID(h))
		}
		r.checkedNotTheFamily[parseID(e.GetOtherReferralId())] = c
	case *referralv1.SameChildConfirmed:
		r.sameChildren = append(r.sameChildren, SameChild{Child: parseID(e.GetChildPersonId()), Other: parseID(e.GetOtherReferralId()),
			OtherChild: parseID(e.GetOtherChildPersonId()), On: dates.Time(e.GetConfirmedOn())})
	case *referralv1.FamilyErased:
		// The notes go at once, not only once referral's consumer has destroyed the key.
		r.erasedOn, r.erasedFor, r.notes = dates.Time(e.GetErasedOn()), e.GetReason(), nil
		r.secondPartyChildren = nil
	default:
		return fmt.Errorf("referral %s: unexpected event %s", r.id, ev.ProtoReflect().Descriptor().FullName())
	}
	if err != nil {
		return fmt.Errorf("referral %s: apply %s: %w", r.id, ev.ProtoReflect().Descriptor().Name(), err)
	}
	if found, _ := r.DomesticAbuseFinding(); found && !wasFound {
		r.findingsMade++
	}
	r.version++
	return nil
}

func parseID(s string) uuid.UUID {
	id, _ := uuid.Parse(s)
	return id
}

// addDate adds a day to a sorted list of days, once.
func addDate(days []time.Time, d time.Time) []time.Time {
	i, found := slices.BinarySearchFunc(days, d, func(a, b time.Time) int { return a.Compare(b) })
	if found {
		return days
	}
	return slices.Insert(days, i, d)
}

// A CaseNote is the note recorded with a step of the case: its event type, its date and its words.
type CaseNote struct {
	Step string
	On   time.Time
	Text string
}

// Notes are the notes recorded with the case's steps, oldest first; none once the family is
// erased (the notes were sealed with its key). Read with the family's personal details, never
// in a summary (decision 207).
func (r *Referral) Notes() []CaseNote { return slices.Clone(r.notes) }

// caseNote is the date of the step ev records and the note recorded with it (serialised), if any:
// every event of a step a person records with a note.
func caseNote(ev proto.Message) (*commonv1.Date, []byte) {
	switch e := ev.(type) {
	case *referralv1.ReferralAmended:
		return e.GetAmendedOn(), e.GetSealedCorrectionNote()
	case *referralv1.ScreeningRecorded:
		return e.GetScreenedOn(), e.GetSealedNote()
	case *referralv1.ReferralAccepted:
		return e.GetAcceptedOn(), e.GetSealedNote()
	case *referralv1.ReferralDeclined:
		return e.GetDeclinedOn(), e.GetSealedNote()
	case *referralv1.ReferralWithdrawn:
		return e.GetWithdrawnOn(), e.GetSealedNote()
	case *referralv1.PreVisitCompleted:
		return e.GetVisitedOn(), e.GetSealedNote()
	case *referralv1.ReviewHeld:
		return e.GetHeldOn(), e.GetSealedNote()
	case *referralv1.CaseEnded:
		return e.GetEndedOn(), e.GetSealedNote()
	case *referralv1.CaseEndingCorrected:
		return e.GetCorrectedOn(), e.GetSealedNote()
	case *referralv1.CaseReopened:
		return e.GetReopenedOn(), e.GetSealedNote()
	case *referralv1.PossibleDuplicateChecked:
		return e.GetCheckedOn(), e.GetSealedNote()
	case *referralv1.SameChildConfirmed:
		return e.GetConfirmedOn(), e.GetSealedNote()
	case *referralv1.SecondPartyApplicationReceived:
		// The second parent's own notes on the risk questions, for the screener to read with the
		// family's details (decision 274: recorded, and shown to no one).
		return e.GetReceivedOn(), e.GetSealedRiskNotes()
	}
	return nil, nil
}
