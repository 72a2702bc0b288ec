package domain

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// ReviewEveryMonths is how often supported contact is reviewed: within six months of the first
// session, and every six months after.
const ReviewEveryMonths = 6

// Supported contact is short-term: a few sessions up to about six months, exceptionally twelve
// (decisions.md 90). A case in contact longer is flagged, never refused: moving the family on is a
// person's decision, taken at the review.
const (
	SupportedShortTermMonths   = 6
	SupportedExceptionalMonths = 12
)

// RecordSessionAttended notes a session the family attended, as scheduling reports it (its
// SessionCompleted). The first one starts contact and, for supported contact, the review clock;
// later ones record nothing, so a consumer can pass every completed session through.
//
// A case ended during its first session (the session under way, decision 168: ended withdrawn
// rather than withdrawn as a referral) records that session when it is completed, on or before
// the day the case ended, without opening the case again or starting a review clock: the family
// attended, and the figures must not count the case as never attended. Scheduling leaves a
// session under way at a case's end to be completed (decision 44), and cancels the others.
//
// A later session records something only when it is the first on a day after the place was last
// released (SessionAttendedAfterRelease, decision 178): the coordinator booked the family again
// and it came, so the release is past and the outcome PLACE_RELEASED no longer fits. A session on
// the release's own day does not count: it may be the one before the no-show that released the
// place. A case suspended while in contact records it too: a session under way when the hold was
// placed is completed, and the family did attend it.
func (r *Referral) RecordSessionAttended(on time.Time) ([]proto.Message, error) {
	if r.state == Ended && r.firstSession.IsZero() && !on.IsZero() && !on.After(r.endedOn) {
		return r.record(&referralv1.FirstSessionAttended{ReferralId: r.id.String(), FamilyId: r.family.String(),
			CentreId: r.centre.String(), SessionOn: dates.Proto(on)})
	}
	if r.state == Suspended && r.beforeHold == InContact && r.releasePassedBy(on) {
		return r.recordAttendedSinceRelease(on)
	}
	if err := r.check(CmdRecordSessionAttended); err != nil {
		return nil, err
	}
	if r.state == InContact {
		if r.releasePassedBy(on) {
			return r.recordAttendedSinceRelease(on)
		}
		return nil, nil
	}
	if on.IsZero() {
		return nil, &Invalid{Violations: []Violation{{Field: "session_on", Reason: "is required"}}}
	}
	return r.record(&referralv1.FirstSessionAttended{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), SessionOn: dates.Proto(on), ReviewDueOn: dates.Proto(r.nextReview(on))})
}

// releasePassedBy reports whether a session attended on the day on is the first after the place's
// latest release, which still stands.
func (r *Referral) releasePassedBy(on time.Time) bool {
	return !r.placeReleasedOn.IsZero() && r.attendedSinceRelease.IsZero() && on.After(r.placeReleasedOn)
}

// recordAttendedSinceRelease records the first session attended after the place was last released.
func (r *Referral) recordAttendedSinceRelease(on time.Time) ([]proto.Message, error) {
	return r.record(&referralv1.SessionAttendedAfterRelease{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), SessionOn: dates.Proto(on)})
}

// RecordReview records a review of a case in contact (also while suspended: the hold is often
// what it is about). For supported contact the next review is due six months after this one.
//
// The note says what was discussed and decided, in words (a review that records nothing is no
// review), and decision what was decided, as one of the decisions. The date is never before the
// case's last review, nor its first session: the next due date is counted from it, and a review
// back-dated before the last one would pull that date backwards (decisions.md 90). One review a
// day is recorded: a second on the day of the last is refused (AlreadyReviewed; review 42 recorded
// three the same day). The review records the date it was due, as it stood when it was held, so
// that a review held late says so.
func (r *Referral) RecordReview(on time.Time, decision referralv1.ReviewDecision, note string, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdRecordReview); err != nil {
		return nil, err
	}
	if r.firstSession.IsZero() {
		// Suspended before the first session: there is no contact to review yet.
		return nil, ErrContactNotStarted
	}
	note = strings.TrimSpace(note)
	var v Invalid
	switch {
	case on.IsZero():
		v.add("held_on", "is required")
	case on.After(today):
		v.add("held_on", "must not be in the future")
	case on.Before(r.lastReview):
		v.add("held_on", "must be on or after "+dates.String(r.lastReview)+
			", the day of the case's last review: a review dated before it would pull the next review's due date backwards")
	case on.Before(r.firstSession):
		v.add("held_on", "must be on or after "+dates.String(r.firstSession)+", the day of the first session, when contact began")
	}
	v.inWords("note", note, MaxTextLength, "must say what was discussed and decided")
	if !known(referralv1.ReviewDecision_name, int32(decision)) {
		v.add("decision", "must be one of the decisions: continue as agreed, change the arrangement, move on (end planned), refer back to the court or referrer")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if !r.lastReview.IsZero() && on.Equal(r.lastReview) {
		return nil, AlreadyReviewed(on)
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("record review: %w", err)
	}
	return r.record(&referralv1.ReviewHeld{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), HeldOn: dates.Proto(on), NextReviewDueOn: dates.Proto(r.nextReview(on)), SealedNote: sealed,
		Decision: decision, DueOn: dates.Proto(r.reviewDue)})
}

// OverdueDays is how many days past its due date a review not held is on today: 0 while it is
// not yet overdue (today is the due date or before), or when none is due (due is zero). Dates are
// the centre's local days, as dates.Time gives them.
func OverdueDays(due, today time.Time) int {
	if due.IsZero() || !today.After(due) {
		return 0
	}
	return int(today.Sub(due).Hours() / 24)
}

// nextReview is the date a review is due after a session or review on the date from: six months
// on for supported contact, none (zero) otherwise.
func (r *Referral) nextReview(from time.Time) time.Time {
	if r.contactType() != commonv1.ServiceType_SERVICE_TYPE_SUPPORTED {
		return time.Time{}
	}
	return addMonths(from, ReviewEveryMonths)
}

// contactType is the kind of contact the family has: the agreed arrangement's, which is the one
// the referral was accepted for.
func (r *Referral) contactType() commonv1.ServiceType {
	if r.arrangement != nil {
		return r.arrangement.ServiceType
	}
	return r.service
}

// LastReview is the local date of the case's latest review; zero before any.
func (r *Referral) LastReview() time.Time { return r.lastReview }

// SupportedContactTerm is how long a case of supported contact has been in contact on today,
// against the short-term guidance (SupportedContactTermOn); unspecified for any other case.
func (r *Referral) SupportedContactTerm(today time.Time) referralv1.SupportedContactTerm {
	live := r.state == InContact || (r.state == Suspended && r.beforeHold == InContact)
	if !live {
		return referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_UNSPECIFIED
	}
	return SupportedContactTermOn(r.contactType(), r.firstSession, today)
}

// SupportedContactTermOn is how long supported contact that began on firstSession has run on
// today: beyond six months (the short term), beyond twelve (exceptional), or within six.
// Unspecified for another kind of contact, or before contact began. Months count as the review
// clock counts them (addMonths): contact from 31 December is beyond six months from 1 July.
func SupportedContactTermOn(st commonv1.ServiceType, firstSession, today time.Time) referralv1.SupportedContactTerm {
	switch {
	case st != commonv1.ServiceType_SERVICE_TYPE_SUPPORTED || firstSession.IsZero():
		return referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_UNSPECIFIED
	case today.After(addMonths(firstSession, SupportedExceptionalMonths)):
		return referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_TWELVE_MONTHS
	case today.After(addMonths(firstSession, SupportedShortTermMonths)):
		return referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_SIX_MONTHS
	}
	return referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_WITHIN_SIX_MONTHS
}

// ReviewDue is the date by which the case's next review is due; ok is false when none is due (the
// case is not in contact, or not supported contact).
func (r *Referral) ReviewDue() (due time.Time, ok bool) {
	live := r.state == InContact || (r.state == Suspended && r.beforeHold == InContact)
	if !live || r.reviewDue.IsZero() {
		return time.Time{}, false
	}
	return r.reviewDue, true
}

// EndCase ends a case whose contact is arranged, with an outcome and a note saying why, in words.
// Final, but for a correction of its outcome or a reopening within ReopenWithinDays of a case
// ended by mistake (ending.go), each a record of its own. The outcome PLACE_RELEASED
// fits only a case whose place scheduling released (ReleasePlace noted it), and only while the
// release stands: once the family attended a session after it, it was booked again and came, and
// ending the case "place released" would count in the national figures a case that went on as
// one that ended on two no-shows (PlaceReleasePast, decision 178). A new release makes it fit
// again.
func (r *Referral) EndCase(outcome referralv1.CaseOutcome, note string, today time.Time) ([]proto.Message, error) {
	if Final(r.state) {
		// Sent again, or sent to "fix" the outcome: told which, and how to correct it (review 51).
		return nil, r.closedRefusal(CmdEndCase, outcome)
	}
	if err := r.check(CmdEndCase); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var v Invalid
	r.checkOutcome(&v, outcome)
	// Ending cancels the family's future bookings and takes it off the waiting list: it says why,
	// for every outcome (review 35 ended the wrong family's case with nothing said).
	v.note("note", note, true, "must say why the case ends")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := r.placeReleaseStands(outcome); err != nil {
		return nil, err
	}
	if err := r.outcomeFits(r.state, outcome); err != nil {
		return nil, err
	}
	return r.end(outcome, note, today)
}

// outcomeFits checks an outcome that says where the family moved from against the case's kind
// of contact (decisions.md 77): a case steps down from supervised to supported contact only if it
// is supervised (ErrNotSupervisedContact) and no domestic-abuse finding rules supported contact
// out (ErrDomesticAbuseRulesOutStepDown), and moves to handover only if it is not handover-only
// already (ErrAlreadyHandover) and no domestic-abuse finding rules handover out
// (ErrDomesticAbuseRulesOutHandover, decision 168). The other outcomes fit any kind of contact.
// A case a hold suspends moves on to none of them (ErrOutcomeUnderHold): the national body's
// figures count them as contact that went well (decision 122; review 12 ended a case under a hold
// as self-arranged). Nor does a case whose contact never began (ErrOutcomeBeforeContact,
// decision 168): it did not move on from contact it never had, and the figures would count it
// both moved on and never attended.
//
// state is the state the case ends from: its own, or for a correction of its ending the one it
// ended from (CorrectEnding).
func (r *Referral) outcomeFits(state State, outcome referralv1.CaseOutcome) error {
	progress := outcome == referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED || outcome == referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER ||
		outcome == referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED
	switch {
	case state == Suspended && progress:
		return ErrOutcomeUnderHold
	case r.firstSession.IsZero() && progress:
		return ErrOutcomeBeforeContact
	}
	switch st := r.contactType(); outcome {
	case referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED:
		if st != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
			return ErrNotSupervisedContact
		}
		if r.domesticAbuse() {
			// Proven domestic abuse rules out supported contact: a step down to it is an outcome
			// that cannot have happened, and would be counted as one (review 15).
			return ErrDomesticAbuseRulesOutStepDown
		}
	case referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER:
		if st == commonv1.ServiceType_SERVICE_TYPE_HANDOVER {
			return ErrAlreadyHandover
		}
		if r.domesticAbuse() {
			// Handover brings both parents to the door, which the finding rules out: a move to it
			// cannot have been the centre's, and would be counted as moving on.
			return ErrDomesticAbuseRulesOutHandover
		}
	}
	return nil
}

// ReleasePlace notes that scheduling released the family's regular place after two unexplained
// no-shows (its PlaceReleased). The case stays open (decisions.md 170): one of the no-shows may be
// the resident parent's, and a volunteer's record at the door is not a coordinator's decision to
// end a court-ordered case. The coordinator books the family again, puts it back on the waiting
// list, or ends the case (the outcome PLACE_RELEASED fits from now on).
func (r *Referral) ReleasePlace(today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdReleasePlace); err != nil {
		return nil, err
	}
	return r.record(&referralv1.PlaceReleasedNoted{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), ReleasedOn: dates.Proto(today)})
}

func (r *Referral) end(outcome referralv1.CaseOutcome, note string, today time.Time) ([]proto.Message, error) {
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("end case: %w", err)
	}
	return r.record(&referralv1.CaseEnded{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), EndedOn: dates.Proto(today), Outcome: outcome, SealedNote: sealed})
}

// checkOutcome adds to v an outcome that is none of the outcomes, or place released for a case
// whose place was never released: wrong whatever the case's state, ending it or correcting its
// ending.
func (r *Referral) checkOutcome(v *Invalid, outcome referralv1.CaseOutcome) {
	switch {
	case !known(referralv1.CaseOutcome_name, int32(outcome)):
		v.add("outcome", "must be one of the outcomes")
	case outcome == referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED && r.placeReleasedOn.IsZero():
		v.add("outcome", "fits only a case whose regular place was released after two unexplained no-shows")
	}
}

// placeReleaseStands refuses the outcome place released once the family attended a session after
// the release (PlaceReleasePast, decision 178).
func (r *Referral) placeReleaseStands(outcome referralv1.CaseOutcome) error {
	if attended, ok := r.AttendedSinceRelease(); ok && outcome == referralv1.CaseOutcome_CASE_OUTCOME_PLACE_RELEASED {
		return PlaceReleasePast(r.placeReleasedOn, attended)
	}
	return nil
}
