package domain

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/familytime/familytime/services/platform/inwords"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/text"
)

// ErrReferralNotFound means no referral has the given id.
var ErrReferralNotFound = problem.NotFound("referral")

// ErrFamilyNotFound means no family of the centre has the given id.
var ErrFamilyNotFound = problem.NotFound("family")

// ErrPersonNotFound means the person named is not on the referral.
var ErrPersonNotFound = problem.NotFound("person")

// Refused transitions: the command is not allowed in the referral's state (states.go). Each
// reason is a code clients can act on; messages name rules, never people.
var (
	// ErrReferralClosed: the referral was declined or withdrawn, or the case ended.
	ErrReferralClosed = problem.Rule("REFERRAL_CLOSED", "the referral is closed: it was declined or withdrawn, or the case ended")
	// ErrNotAwaitingSecondParty: only a self-referral waiting for the other parent takes an application.
	ErrNotAwaitingSecondParty = problem.Rule("NOT_AWAITING_SECOND_PARTY", "the referral is not waiting for a second parent's application")
	// ErrSecondPartyOutstanding: a self-referral cannot proceed before the other parent applies.
	ErrSecondPartyOutstanding = problem.Rule("SECOND_PARTY_OUTSTANDING", "the self-referral is waiting for the other parent's application")
	// ErrScreeningRequired: a referral is screened before the centre decides.
	ErrScreeningRequired = problem.Rule("SCREENING_REQUIRED", "the referral must be screened first")
	// ErrAlreadyDecided: the centre has already decided on the referral.
	ErrAlreadyDecided = problem.Rule("ALREADY_DECIDED", "the centre has already decided on the referral")
	// ErrAlreadyWaitlisted: the family is already on the waiting list.
	ErrAlreadyWaitlisted = problem.Rule("ALREADY_WAITLISTED", "the family is already on the waiting list")
	// ErrAlreadyAccepted: the referral is already accepted.
	ErrAlreadyAccepted = problem.Rule("ALREADY_ACCEPTED", "the referral is already accepted")
	// ErrNotAccepted: pre-visits, the arrangement and holds concern accepted referrals only.
	ErrNotAccepted = problem.Rule("NOT_ACCEPTED", "the referral has not been accepted")
	// ErrAlreadyReady: the family is ready for contact; intake is over.
	ErrAlreadyReady = problem.Rule("ALREADY_READY", "the family is already ready for contact")
	// ErrArrangementAgreed: the arrangement of a family ready for contact (or in contact) is
	// changed, not agreed again (decisions.md 90). The reason stays ALREADY_READY, as before.
	ErrArrangementAgreed = problem.Rule("ALREADY_READY",
		"the family is already ready for contact: change the agreed arrangement instead (ChangeArrangement); bookings already made keep their times")
	// ErrArrangementNotYetAgreed: until the family is ready for contact its arrangement is agreed
	// (and agreed again to correct it), not changed.
	ErrArrangementNotYetAgreed = problem.Rule("NOT_READY_FOR_CONTACT",
		"the family is not ready for contact yet: until it is, the arrangement is agreed (AgreeArrangement), and agreed again to correct it")
	// ErrNotReadyForContact: sessions happen only once the family is ready for contact.
	ErrNotReadyForContact = problem.Rule("NOT_READY_FOR_CONTACT", "the family is not ready for contact")
	// ErrReferralAccepted: an accepted referral is not declined; it continues until the case ends
	// or it is withdrawn (docs/decisions.md 77).
	ErrReferralAccepted = problem.Rule("REFERRAL_ACCEPTED",
		"the referral is accepted and is no longer declined: withdraw it, or end the case with an outcome once contact is arranged")
	// ErrContactArranged: once contact is arranged the case is ended with an outcome, not declined.
	ErrContactArranged = problem.Rule("CONTACT_ARRANGED", "contact is arranged: end the case with an outcome instead")
	// ErrContactStarted: once contact has begun the case is ended with an outcome, not withdrawn.
	ErrContactStarted = problem.Rule("CONTACT_STARTED", "contact has begun: end the case with the outcome withdrawn instead")
	// ErrContactNotStarted: reviews concern cases in contact.
	ErrContactNotStarted = problem.Rule("CONTACT_NOT_STARTED", "contact has not begun")
	// ErrContactNotArranged: a case ends with an outcome only once contact is arranged; before
	// that a referral is declined or withdrawn.
	ErrContactNotArranged = problem.Rule("CONTACT_NOT_ARRANGED", "contact is not arranged: decline or withdraw the referral instead")
	// ErrCaseSuspended: a safeguarding hold pauses the case.
	ErrCaseSuspended = problem.Rule("CASE_SUSPENDED", "the case is suspended by a safeguarding hold")
	// ErrNotSuspended: the case is not suspended.
	ErrNotSuspended = problem.Rule("NOT_SUSPENDED", "the case is not suspended")
	// ErrCaseOpen: a family is erased only once its case is closed (declined, withdrawn or ended);
	// Erase says what closes it from where it stands.
	ErrCaseOpen = problem.Rule("CASE_OPEN", "the family's case is still open: decline or withdraw the referral, or end the case, first")
	// ErrFamilyErased: the family's personal data was erased already; an erasure is recorded once.
	ErrFamilyErased = problem.Rule("FAMILY_ERASED", "the family's personal data was erased already")
	// ErrSafeguardingOpen: a family is not erased while safeguarding has a concern open or a hold
	// in force about it; SafeguardingOpen says how many.
	ErrSafeguardingOpen = problem.Rule("SAFEGUARDING_OPEN", "safeguarding has records about the family still in use: "+
		"close the family's open concerns and lift its holds first; safeguarding records are never deleted while in use")
	// ErrSafeguardingKept: a family is not erased at its request while it has safeguarding concerns
	// on record; SafeguardingKept says how many.
	ErrSafeguardingKept = problem.Rule("SAFEGUARDING_RECORDS_KEPT", "safeguarding keeps concerns about the family on record for "+
		"their retention period, which a request to erase does not end")
	// ErrDisclosureNotWeighed: a family is not erased while domestic abuse disclosed on its referral,
	// or carried to it from an earlier referral of its child, stands with no safeguarding lead
	// having weighed it (Referral.DisclosureUnweighed, review 28, decision 197): erased, it could
	// no longer be matched to a later referral of the child.
	ErrDisclosureNotWeighed = problem.Rule("DISCLOSURE_NOT_WEIGHED", "domestic abuse was disclosed on the family's referral (or on "+
		"another referral of its child) and no one has weighed it since (the safeguarding lead's screen, or a risk assessment "+
		"of the family): the safeguarding lead assesses the family's risk first (familytime safeguarding risk --family); once "+
		"erased, a later referral of the child could no longer be matched to it")
	// ErrDisclosureNotWeighedForContact: a case carrying a disclosure of domestic abuse that no
	// safeguarding lead has weighed (Referral.DisclosureUnweighed: its own, or one carried from an
	// earlier referral of its child by an amendment or a late match) goes on towards supervised
	// contact only until the lead weighs it (review 32, decision 217). It shares its reason with
	// erasure's refusal (ErrDisclosureNotWeighed): the state and the remedy, one act of the lead,
	// are the same.
	ErrDisclosureNotWeighedForContact = problem.Rule("DISCLOSURE_NOT_WEIGHED", "domestic abuse was disclosed on this referral or on "+
		"another referral of a child on it, and no one has weighed it since (the safeguarding lead's screen, or a risk assessment "+
		"of the family): until then the family goes on towards supervised contact only, and is not accepted, waitlisted, pre-visited "+
		"or given an arrangement for any other kind; the safeguarding lead assesses the family's risk first (familytime safeguarding "+
		"risk --family)")
	// ErrReportNotReleased: a family is not erased while one of its observation reports is not
	// released; ReportsNotReleased names them.
	ErrReportNotReleased = problem.Rule("REPORT_NOT_RELEASED", "an observation report of the family's supervised contact is not released yet: "+
		"release it to its distribution list first; erasing the family would destroy it before it reaches them")
	// ErrSameApplicant: the other parent's application is not made by the account that made the
	// first.
	ErrSameApplicant = problem.Rule("SAME_APPLICANT", "the other parent's application is made by the other parent, "+
		"not by the account that made the first application: ask them to apply themselves, or ask the centre to enter their paper application")
	// ErrSessionNotCompleted: a family is not erased while a session of an earlier day someone was
	// checked in for was neither completed nor called off (SessionNotCompleted names the day).
	ErrSessionNotCompleted = problem.Rule("SESSION_NOT_COMPLETED", "a session of the family's that someone was checked in for "+
		"was never recorded as completed")
	// ErrSessionUnderWay: a family is not erased while one of its sessions is under way.
	ErrSessionUnderWay = problem.Rule("SESSION_UNDER_WAY", "someone of the family was checked in at the centre today and "+
		"the session is not recorded as completed (a booking cancelled or a party's no-show leaves the others in the building): "+
		"staff need the family's names and who may collect the children until they have gone; erase from tomorrow "+
		"(or sooner, once a session still open is recorded as completed)")
)

// Rules broken by a command that the state allows.
var (
	// ErrReferralIncomplete: a referral without both parents' contact details cannot be screened.
	ErrReferralIncomplete = problem.Rule("REFERRAL_INCOMPLETE", "both parents' contact details are needed before screening")
	// ErrFindingClearedByLead: a screening that finds no domestic abuse where the referral's latest
	// screening found it (or its risk answers disclose it) clears the finding, which brings
	// supported contact back: only the centre's safeguarding lead, acting as the lead, does that
	// (decision 92, as safeguarding's risk assessments; decision 97).
	ErrFindingClearedByLead = problem.Rule("FINDING_CLEARED_BY_LEAD", "the referral's latest screening found domestic abuse: "+
		"only the centre's safeguarding lead may record a screening that finds none")
	// ErrDisclosureClearedByLead: as ErrFindingClearedByLead, where the referral's own risk answers
	// say, or said, there is domestic abuse: an answer "no" after a "yes" is a retraction for the
	// lead to weigh (decision 191).
	ErrDisclosureClearedByLead = problem.Rule("FINDING_CLEARED_BY_LEAD", "the referral's risk answers disclose domestic abuse "+
		"(a later answer \"no\" does not take a disclosure back): only the centre's safeguarding lead may record a screening that finds none")
	// ErrEarlierDisclosureClearedByLead: as ErrDisclosureClearedByLead, where domestic abuse was
	// disclosed on an earlier referral of a child on this one and no lead's screen there cleared it
	// (decision 194). It names neither that referral's family nor its centre.
	ErrEarlierDisclosureClearedByLead = problem.Rule("FINDING_CLEARED_BY_LEAD", "domestic abuse was disclosed on another referral of "+
		"a child on this referral (a new referral does not take a disclosure back): only the centre's safeguarding lead may record a "+
		"screening that finds none")
	// ErrRetractionForLead: a risk answer besides domestic abuse (an abduction risk, an injunction,
	// substance misuse) was disclosed on the referral and an amendment answered it no since, which
	// no lead's screen has weighed: the referral is screened by the safeguarding lead, acting as the
	// lead, whatever the screen finds (decision 338).
	ErrRetractionForLead = problem.Rule("RETRACTION_FOR_LEAD", "the referral's risk answers disclosed a risk that an amendment "+
		"answered no since (referral show: risk answers taken back): a later \"no\" does not take a disclosure back, and only the "+
		"centre's safeguarding lead screens the referral until the lead has weighed it, with a note saying why")
	// ErrRetractionNoteRequired: the lead's screen weighing such a retraction says why, in words.
	ErrRetractionNoteRequired = problem.Rule("NOTE_REQUIRED", "a screening that weighs a risk answer disclosed on the referral "+
		"and answered no since must carry a note saying why, in words (at least 3 letters or digits, one a letter)")
	// ErrChildIdentityFixed: on a case ready for contact a child's name and date of birth are not
	// both changed by one amendment: that is another child, whom the door would admit under this
	// child's id (review 27, decision 194).
	ErrChildIdentityFixed = problem.Rule("CHILD_IDENTITY_FIXED", "the family is ready for contact: correct a child's name or "+
		"date of birth, one at a time, with a reason each; a different child needs a new referral")
	// ErrApplicantsNotChecked: a self-referral whose second application matched the first
	// applicant's details is screened once the screener has checked the two applicants are two
	// people (decision 192).
	ErrApplicantsNotChecked = problem.Rule("APPLICANTS_NOT_CHECKED", "the second parent's application gave some of the first "+
		"applicant's details (see the referral): check with each parent that the two applicants are two people, amend the details "+
		"if need be, and screen saying the applicants were checked")
	// ErrNoteRequired: a screening that finds no domestic abuse against a finding or a disclosure
	// says why, in words.
	ErrNoteRequired = problem.Rule("NOTE_REQUIRED", "a screening that finds no domestic abuse where the referral's latest screening "+
		"found it, or its risk answers disclose it, must carry a note saying why, in words (at least 3 letters or digits, one a letter)")
	// ErrLoweredScreenNoteRequired: a screening rated below the referral's latest one says why
	// (review 21: red, then green without a word, then accepted for supported contact).
	ErrLoweredScreenNoteRequired = problem.Rule("NOTE_REQUIRED", "a screening rated below the referral's latest screening must "+
		"carry a note saying why, in words (at least 3 letters or digits, one a letter)")
	// ErrApplicationDoesNotMatch: a second parent's application names the family's children as the
	// first parent gave them. One message whatever differs, so that the refusal teaches nothing about
	// the family (decision 97); an applicant acting as a referrer is told it too when the referral
	// no longer waits for a second parent, not why (decision 344).
	ErrApplicationDoesNotMatch = problem.Rule("APPLICATION_DOES_NOT_MATCH",
		"the application does not match the referral: name every child on it, each with their full name and date of birth as the first parent gave them")
	// ErrChildrenStayInCentre: escorted contact takes the children out of the centre, and the
	// referral says they may not leave it (decision 112).
	ErrChildrenStayInCentre = problem.Rule("CHILDREN_STAY_IN_CENTRE", "escorted contact takes the children out of the centre, and the referral says they may not leave it: "+
		"accept the family for contact at the centre, or amend the referral if that has changed")
	// ErrEscortedChildrenLeave: an amendment saying the children may no longer leave the centre,
	// on a case accepted or waitlisted for escorted contact, which takes them out of it (decision
	// 114). The case changes its kind of contact only by ending (decision 90).
	ErrEscortedChildrenLeave = problem.Rule("CHILDREN_STAY_IN_CENTRE", "the family's case is for escorted contact in the community, which takes the children out of the centre: "+
		"end the case or withdraw the referral, and refer the family again for contact at the centre, saying the children may not leave it "+
		"(where they are at risk now, the safeguarding lead places a hold at once)")
	// ErrServiceNotOffered: the centre does not offer the service type.
	ErrServiceNotOffered = problem.Rule("SERVICE_NOT_OFFERED", "the centre does not offer this kind of contact")
	// ErrDomesticAbuseRulesOutSupported: a domestic-abuse finding forbids supported contact, for
	// acceptance and the waiting list alike; a supported-only centre must decline or redirect the
	// family to supervised contact.
	ErrDomesticAbuseRulesOutSupported = problem.Rule("DOMESTIC_ABUSE_RULES_OUT_SUPPORTED",
		"domestic abuse is found (by the screening or the safeguarding lead's latest assessment), which rules out supported contact: accept or waitlist for supervised contact where the centre offers it, or decline or redirect the family")
	// ErrDomesticAbuseRulesOutStepDown: a case with a domestic-abuse finding does not end as stepped
	// down to supported contact, which the finding rules out (decision 133). The reason is
	// ErrDomesticAbuseRulesOutSupported's, which clients act on; the words are an ending's, not
	// acceptance's (review 53, finding 5: the ending was told to "accept or waitlist").
	ErrDomesticAbuseRulesOutStepDown = problem.Rule("DOMESTIC_ABUSE_RULES_OUT_SUPPORTED",
		"domestic abuse is found (by the screening or the safeguarding lead's latest assessment), which rules out supported contact: "+
			"the case does not end as stepped down to supported contact; choose the outcome that happened, or, if the finding no "+
			"longer stands, the safeguarding lead records a risk assessment of the family without it first (familytime safeguarding risk)")
	// ErrDomesticAbuseNeedsSupervised: a domestic-abuse finding leaves supervised contact only
	// (decision 168): handover brings the parents to the centre's door to pass the child between
	// them, escorted contact takes the child out with an escort rather than trained staff, and
	// indirect and virtual contact carry the parent's letters and calls into the child's home, with
	// nobody trained watching and nothing written about them. Supported contact has its own reason
	// (ErrDomesticAbuseRulesOutSupported), as before.
	ErrDomesticAbuseNeedsSupervised = problem.Rule("DOMESTIC_ABUSE_NEEDS_SUPERVISED",
		"domestic abuse is found (by the screening or the safeguarding lead's latest assessment), which leaves supervised contact only: "+
			"handover, escorted, indirect and virtual contact are ruled out as supported contact is; accept or waitlist for supervised "+
			"contact where the centre offers it, or decline or redirect the family")
	// ErrDomesticAbuseRulesOutHandover: a case with a domestic-abuse finding does not end as moved to
	// handover, which the finding rules out (decision 168): the figures would count as moved on a
	// family the centre could not have moved there.
	ErrDomesticAbuseRulesOutHandover = problem.Rule("DOMESTIC_ABUSE_NEEDS_SUPERVISED",
		"domestic abuse is found (by the screening or the safeguarding lead's latest assessment), which leaves supervised contact only: "+
			"the case does not end as moved to handover; choose the outcome that happened")
	// ErrAcceptedKindRuledOut: a case accepted for a kind of contact a domestic-abuse finding rules
	// out (the finding recorded after the acceptance, or the case accepted before decision 168) is
	// not made ready for it. Its kind changes only by a new referral (decision 90).
	ErrAcceptedKindRuledOut = problem.Rule("DOMESTIC_ABUSE_NEEDS_SUPERVISED",
		"domestic abuse is found (by the screening or the safeguarding lead's latest assessment), which leaves supervised contact only, "+
			"and the family was accepted for another kind: it is not made ready for it; withdraw the referral and refer the family again "+
			"for supervised contact, here if the centre offers it or at a supervised service elsewhere")
	// ErrDeclineForRiskUnscreened: a decline for risk (risk too high, domestic abuse at a
	// supported-only centre) rests on a person's screening; other reasons need none.
	ErrDeclineForRiskUnscreened = problem.Rule("SCREENING_REQUIRED",
		"a decline for risk rests on a screening: screen the referral first, or decline for a reason that needs none (such as other, with a note)")
	// ErrAttendeesFixed: once the family is ready for contact, who may attend and the risk answers
	// no longer change by amendment.
	ErrAttendeesFixed = problem.Rule("ATTENDEES_FIXED",
		"the family is ready for contact: who may attend and the risk answers change only by a new referral or through safeguarding "+
			"(an adult other than a parent may be taken off the referral: leave them out of the details)")
	// ErrServiceTypeFixed: changing the arrangement keeps the kind of contact the case was accepted
	// for (decisions.md 90).
	ErrServiceTypeFixed = problem.Rule("SERVICE_TYPE_FIXED",
		"the kind of contact does not change with the arrangement: stepping down from supervised to supported contact is a case outcome "+
			"(end the case as stepped down to supported, and refer the family for supported contact); any other kind needs a new referral")
	// ErrLeadCheckNeeded: a decision said a person checked that a possible duplicate under a hold
	// or with a finding is another family, but the centre's safeguarding lead recorded no such
	// check (decision 205): a coordinator's word alone let review 29 get round a hold.
	ErrLeadCheckNeeded = problem.Rule("LEAD_CHECK_NEEDED", "a possible duplicate's hold or domestic-abuse finding stands, and the centre's safeguarding lead has not recorded that it is another family")
	// ErrDuplicateUnderHold matches every refusal to accept or waitlist a referral a child of which
	// may be a child of a referral whose case a safeguarding hold suspends (decision 128): a
	// second referral of the same family would get round the hold.
	ErrDuplicateUnderHold = problem.Rule("DUPLICATE_UNDER_HOLD", "a child on this referral may be a child of a family whose contact a safeguarding hold suspends")
	// ErrDuplicateWithFinding matches every refusal of a kind of contact but supervised for a
	// referral a child of which may be a child of a referral where domestic abuse was found
	// (decisions 133 and 168): ending a case and referring the family again would get round the
	// finding.
	ErrDuplicateWithFinding = problem.Rule("DUPLICATE_DOMESTIC_ABUSE_FINDING",
		"a child on this referral may be a child of a family where domestic abuse was found, which leaves supervised contact only")
	// ErrHoldNotInForce: the hold being lifted is not one that suspends the case.
	ErrHoldNotInForce = problem.Rule("HOLD_NOT_IN_FORCE", "the hold is not in force on this case")
	// ErrNotSupervisedContact: only supervised contact steps down to supported contact.
	ErrNotSupervisedContact = problem.Rule("NOT_SUPERVISED_CONTACT",
		"only a case of supervised contact steps down to supported contact; choose the outcome that happened")
	// ErrAlreadyHandover: a case of handover-only contact does not move to handover.
	ErrAlreadyHandover = problem.Rule("ALREADY_HANDOVER",
		"the case is handover-only contact already, so it does not move to handover; choose the outcome that happened")
	// ErrOutcomeBeforeContact: a case whose contact never began (no session attended) does not end
	// with an outcome that says contact moved on (decision 168: a case that never had a session ended
	// as self-arranged, and the figures counted it both moved on and never attended).
	ErrOutcomeBeforeContact = problem.Rule("CONTACT_NOT_STARTED",
		"contact has not begun (no session of the family's is recorded as attended), so it did not move on: a case whose contact never "+
			"began ends referred back to the court, withdrawn or ended for safety, not self-arranged, moved to handover or "+
			"stepped down to supported")
	// ErrFirstSessionUnderWay: a referral is not withdrawn while a session of the family's is under
	// way before its first session is recorded (decision 168): contact has begun, and the session,
	// completed after the withdrawal, would be counted attended for a referral counted as never
	// started. The reason is CONTACT_STARTED's, whose remedy it shares.
	ErrFirstSessionUnderWay = problem.Rule("CONTACT_STARTED",
		"someone of the family was checked in at the centre for a session, today or earlier, neither recorded as completed nor called off: contact has begun, "+
			"so the referral is not withdrawn; end the case with the outcome withdrawn instead")
	// ErrOutcomeUnderHold: a case a safeguarding hold suspends does not end with an outcome that
	// says contact went well (decision 122).
	ErrOutcomeUnderHold = problem.Rule("OUTCOME_UNDER_HOLD",
		"a safeguarding hold suspends the case: it ends referred back to the court, withdrawn, or ended for safety, "+
			"not with an outcome that says contact went on well (self-arranged, handover, stepped down) while the hold stands; "+
			"the safeguarding lead lifts the hold first if the family did move on")
	// ErrCentreSuspended: the national association suspended the centre's accreditation; it takes
	// no new referrals and accepts or waitlists no family until the suspension is lifted.
	ErrCentreSuspended = problem.Rule("CENTRE_SUSPENDED",
		"the centre's accreditation is suspended: it takes no new referrals and accepts or waitlists no family until the suspension is lifted")
	// ErrCentreLapsed: the directory records that the centre's accreditation ran out and was not
	// renewed; it takes no new referrals and accepts or waitlists no family.
	ErrCentreLapsed = problem.Rule("CENTRE_ACCREDITATION_LAPSED",
		"the centre's accreditation lapsed and was not renewed: it takes no new referrals and accepts or waitlists no family until it is accredited again")
)

// Violation is one field that breaks a rule.
type Violation struct {
	Field  string
	Reason string
}

// Invalid is input that breaks the referral's rules, field by field. Fields are named by their
// path in the gRPC request (for example "details.children[0].date_of_birth"), so ports pass them
// through unchanged.
type Invalid struct {
	Violations []Violation
}

func (v *Invalid) add(field, reason string) {
	v.Violations = append(v.Violations, Violation{Field: field, Reason: reason})
}

func (v *Invalid) err() error {
	if len(v.Violations) == 0 {
		return nil
	}
	return v
}

func (v *Invalid) Error() string {
	parts := make([]string, len(v.Violations))
	for i, f := range v.Violations {
		parts[i] = f.Field + " " + f.Reason
	}
	return "invalid referral input: " + strings.Join(parts, "; ")
}

// email checks an optional email address: text as for text, and, when given, one bare address
// (local@domain, the domain with a dot), not a name with an address or a list of them, so that a
// centre's message reaches the person it is meant for.
func (v *Invalid) email(field, s string, max int) {
	before := len(v.Violations)
	v.line(field, s, max, false)
	if s == "" || len(v.Violations) > before {
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		v.add(field, "must be one email address, such as name@example.org")
		return
	}
	if _, domain, _ := strings.Cut(a.Address, "@"); !strings.Contains(strings.Trim(domain, "."), ".") {
		v.add(field, "must be one email address, such as name@example.org")
	}
}

// text checks a free-text field (a reason, needs, a note): valid UTF-8, at most max characters,
// not blank when required, and, as platform's text.Prose, no control characters but tabs and line
// breaks and no invisible formatting characters: a terminal escape code stored in a note would
// reach a coordinator's terminal, a text-direction mark would show it reordered. Reasons never
// quote the value: it may be personal.
func (v *Invalid) text(field, s string, max int, required bool) {
	v.check(field, s, max, required, text.Prose)
}

// MinWordsLength is the fewest letters or digits a note that must say something may have, as for
// the purpose of opening a family's details (CheckPurpose).
const MinWordsLength = inwords.MinLength

// inWords checks free text that must say something (a review's note): as text, required, at least
// MinWordsLength letters or digits, one of them a letter (platform's inwords). what says
// what the text must say; "." or "-" records nothing of it.
func (v *Invalid) inWords(field, s string, max int, what string) {
	before := len(v.Violations)
	s = strings.TrimSpace(s)
	v.text(field, s, max, false)
	switch {
	case len(v.Violations) > before:
	case !inwords.Says(s):
		v.add(field, fmt.Sprintf("%s, in words (at least %d letters or digits, one a letter)", what, MinWordsLength))
	}
}

// note checks a note a person writes (a decline's, a screening's, a withdrawal's, a pre-visit's,
// a case's end): optional unless required, but a note given says something in words, as inWords;
// "-" or "." records nothing.
func (v *Invalid) note(field, s string, required bool, what string) {
	if !required && strings.TrimSpace(s) == "" {
		v.text(field, s, MaxTextLength, false)
		return
	}
	v.inWords(field, s, MaxTextLength, what)
}

// line checks a one-line field of a person or their contact details (a name, an address line, a
// phone number, a language): as text, and, as platform's text.Line, no control characters at all,
// not even a tab or a line break (docs/decisions.md 77 and 91).
func (v *Invalid) line(field, s string, max int, required bool) {
	v.check(field, s, max, required, text.Line)
}

func (v *Invalid) check(field, s string, max int, required bool, kind text.Kind) {
	if reason := text.Check(s, kind); reason != "" {
		v.add(field, reason)
		return
	}
	switch {
	case required && strings.TrimSpace(s) == "":
		v.add(field, "must not be empty")
	case utf8.RuneCountInString(s) > max:
		v.add(field, fmt.Sprintf("must be at most %d characters", max))
	}
}

// phone checks an optional phone number, loosely as a UK number is written: digits, spaces,
// brackets, hyphens and a leading +, with 10 to 13 digits (07700 900123, 0161 496 0732,
// +44 (0)161 496 0732).
func (v *Invalid) phone(field, s string) {
	before := len(v.Violations)
	v.line(field, s, MaxPhoneLength, false)
	if s == "" || len(v.Violations) > before {
		return
	}
	digits, ok := 0, true
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			ok = false
		}
	}
	if !ok || digits < 10 || digits > 13 {
		v.add(field, "must be a phone number of 10 to 13 digits, written with digits, spaces, brackets, hyphens and a leading +, such as 07700 900123")
		return
	}
	if d := phoneDigits(s); strings.Count(d, d[:1]) == len(d) {
		// 0000000000 passes for "contact details given" and reaches nobody (review 15).
		v.add(field, "must be a number the person can be reached on, not one digit repeated")
	}
}

// ukPostcode is the standard pattern of a UK postcode (outward code, optional spaces, inward
// code), and GIR 0AA; case does not matter.
var ukPostcode = regexp.MustCompile(`(?i)^([A-Z]{1,2}[0-9][A-Z0-9]? *[0-9][A-Z]{2}|GIR *0AA)$`)

// postcode checks an optional postcode against the UK pattern.
func (v *Invalid) postcode(field, s string) {
	before := len(v.Violations)
	v.line(field, s, MaxPostcodeLength, false)
	if s == "" || len(v.Violations) > before {
		return
	}
	if !ukPostcode.MatchString(s) {
		v.add(field, "must be a UK postcode, such as M1 4BT (a postcode abroad goes in the address lines)")
	}
}

// SessionNotCompleted is ErrSessionNotCompleted for the session of day: complete it first, since a
// supervised session's observation report falls due on completion and could not be written once
// the family's personal data is erased.
func SessionNotCompleted(day time.Time) error {
	return problem.Rule(ErrSessionNotCompleted.Reason, fmt.Sprintf("the family's session of %s, which someone was checked in for, "+
		"was never recorded as completed: complete it first (familytime schedule complete; if nobody the staff register clears "+
		"supervised it, tell the centre's safeguarding lead, since the court hears of it before the family's record is erased); "+
		"a supervised session's observation report falls due on completion, and could not be written once the family is erased",
		day.Format(time.DateOnly)))
}

// ErrPlaceReleasePast: the outcome PLACE_RELEASED does not fit a case whose family attended a
// session after its place was last released (decision 178); PlaceReleasePast names the days.
var ErrPlaceReleasePast = problem.Rule("PLACE_RELEASE_PAST",
	"the family attended a session after its place was released, so the place is no longer released: end the case with the outcome that fits")

// PlaceReleasePast is ErrPlaceReleasePast for a place released on released and a session attended
// on attended: the coordinator booked the family again and it came, so ending the case "place
// released" would count in the national figures a case that went on as one that ended on two
// unexplained no-shows.
func PlaceReleasePast(released, attended time.Time) error {
	return problem.Rule(ErrPlaceReleasePast.Reason, fmt.Sprintf("the family's place was released on %s, but the family was booked "+
		"again and attended a session on %s: the release is past, and the outcome place released no longer fits. End the case with "+
		"the outcome that fits how it ends now (self-arranged, moved to handover, stepped down to supported, referred back to the "+
		"court, withdrawn or ended for safety); place released fits again only if scheduling releases the place again",
		released.Format(time.DateOnly), attended.Format(time.DateOnly)))
}

// ErrAlreadyReviewed: a review of the case is already recorded on the day given. A second one
// the same day was accepted as often as it was sent (review 42); the reason is the code, the
// message (AlreadyReviewed) names the day.
var ErrAlreadyReviewed = problem.Rule("ALREADY_REVIEWED", "a review of the case is already recorded on that day: one review a day is recorded")

// AlreadyReviewed is ErrAlreadyReviewed naming the day.
func AlreadyReviewed(on time.Time) error {
	return problem.Rule(ErrAlreadyReviewed.Reason, fmt.Sprintf("a review of the case held on %s is already recorded: one review a day is "+
		"recorded, with what it decided; a later meeting is recorded on its own day", on.Format(time.DateOnly)))
}

// ErrErasedNotCorrected: an erased family's referral keeps no personal details to correct.
var ErrErasedNotCorrected = problem.Rule("FAMILY_ERASED",
	"the family's personal data was erased: nothing is left to correct, and nothing erased is recorded again")

// ErrCorrectionOnly: a closed referral (declined, withdrawn or ended) takes a correction of the
// people's personal details only (decision 178); CorrectionOnly names what else would change.
var ErrCorrectionOnly = problem.Rule("CORRECTION_ONLY",
	"the referral is closed: only the personal details of the people on it are corrected")

// CorrectionOnly is ErrCorrectionOnly naming the request's fields that would change what the
// centre decided on or the case's path. Field paths only: the message names no one.
func CorrectionOnly(fields []string) error {
	return problem.Rule(ErrCorrectionOnly.Reason, "the referral is closed (declined, withdrawn or its case ended): only the personal "+
		"details of the people on it are corrected (names, dates of birth, contact details, languages, relationships, a child's "+
		"needs, the referrer's details), with the reason why; what the centre decided on stays as it was. Give these as they "+
		"are on the referral: "+strings.Join(fields, "; ")+". If the family needs the centre again, refer it again")
}

// ChildrenDoNotMatch is ErrApplicationDoesNotMatch as a coordinator or lead entering a second
// parent's application is told it: which children given match none on the referral, by their
// index, and how many the referral names (decision 342). An applicant acting as a referrer is
// told ErrApplicationDoesNotMatch alone, whatever differs (decision 97). errors.Is matches it.
type ChildrenDoNotMatch struct {
	Violations []Violation
}

func (e *ChildrenDoNotMatch) Error() string { return ErrApplicationDoesNotMatch.Message }

// Unwrap is the rule it breaks, for errors.Is and errors.As.
func (e *ChildrenDoNotMatch) Unwrap() error { return ErrApplicationDoesNotMatch }

// ErrChildrenOfAge refuses accepting or waitlisting a referral whose every child is 18 or over on
// the day: contact centres serve children (decision 393).
var ErrChildrenOfAge = problem.Rule("CHILDREN_OF_AGE", "every child on the referral is 18 or over")
