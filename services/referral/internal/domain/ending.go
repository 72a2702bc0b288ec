package domain

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// ReopenWithinDays is how long after its ending a case ended by mistake may be reopened. A
// mistake is found at the latest when the family comes, or is not booked, for its next session:
// contact is weekly, fortnightly or at most monthly, so four weeks covers the next session of
// every arrangement. Past that, the family's circumstances have moved on without the centre, the
// quarter's return may have gone, and the family is referred again, screened afresh.
const ReopenWithinDays = 28

var (
	// ErrCaseNotEnded: only a case ended with an outcome has its ending corrected or is reopened;
	// a referral declined or withdrawn is referred again.
	ErrCaseNotEnded = problem.Rule("CASE_NOT_ENDED",
		"the case has not ended with an outcome: only an ended case has its outcome corrected, or is reopened (a referral declined or withdrawn is referred again)")
	// ErrOutcomeUnchanged: a correction that names the outcome already recorded corrects nothing.
	ErrOutcomeUnchanged = problem.Rule("OUTCOME_UNCHANGED", "the case's ending already has that outcome: nothing to correct")
	// ErrReopenTooLate is the reason of ReopenTooLate.
	ErrReopenTooLate = problem.Rule("REOPEN_TOO_LATE", "the case ended too long ago to be reopened: refer the family again")
	// ErrReferredAgain is the reason of ReferredAgain.
	ErrReferredAgain = problem.Rule("REFERRED_AGAIN", "another referral of the family's children is open: the case is not reopened")
)

// ReopenTooLate refuses to reopen a case that ended on endedOn, more than ReopenWithinDays ago.
func ReopenTooLate(endedOn time.Time) error {
	return problem.Rule(ErrReopenTooLate.Reason, fmt.Sprintf("the case ended on %s, more than %d days ago: a case ended by mistake "+
		"is reopened within %d days of its ending; refer the family again (its outcome may still be corrected)",
		dates.String(endedOn), ReopenWithinDays, ReopenWithinDays))
}

// ReferredAgain refuses to reopen a case while another referral of the family's children, other,
// is open: the family was referred again, and that referral goes on; reopening too would count
// the same children twice. A referral at another centre (elsewhere) is that centre's, which the
// coordinator can neither open nor withdraw (decision 173): the refusal says so, names no centre,
// and gives its id only for an administrator, who sees every centre, as decision 173's refusals
// do (review 38, finding 7).
func ReferredAgain(other uuid.UUID, elsewhere bool) error {
	if elsewhere {
		return problem.Rule(ErrReferredAgain.Reason, "the family's children were referred again at another centre, and that "+
			"referral is open: the case is not reopened. That referral is the other centre's, and this centre cannot open or "+
			"withdraw it; if the family should come back here, an administrator, who sees every centre, takes it up with that "+
			"centre (its referral ID: "+other.String()+")")
	}
	return problem.Rule(ErrReferredAgain.Reason, "another referral of the family's children is open ("+other.String()+
		"): the case is not reopened; carry on with that referral, or withdraw it first if it was made in error")
}

// erasedEnding refuses to correct (what: "its ending is not corrected") or reopen an erased
// family's case, saying why and the way on (review 38, finding 8): nothing of the family is left
// to bring back, and a note could not be kept (the family's key is gone); a family that needs
// contact again is referred again.
func (r *Referral) erasedEnding(what string) error {
	return problem.Rule(ErrFamilyErased.Reason, fmt.Sprintf("the family's personal data was erased on %s: %s, because nothing "+
		"of the family is left to bring back (its people, children and notes are gone) and no note could be kept for it. The "+
		"case stays as recorded; if the family needs contact again, refer the family again (a new referral, screened afresh)",
		dates.String(r.erasedOn), what))
}

// ended checks that the case ended with an outcome and its family is not erased: the ending may
// then be corrected or undone.
func (r *Referral) ended(what string) error {
	switch {
	case r.state == Declined || r.state == Withdrawn:
		return problem.Rule(ErrCaseNotEnded.Reason, "the referral was "+r.howClosed()+", and its case never ended with an outcome: "+
			"only an ended case has its outcome corrected, or is reopened; a declined or withdrawn referral is not reopened, and "+
			"if the family needs the centre, it is referred again (familytime referral submit)")
	case r.state != Ended:
		return ErrCaseNotEnded
	case !r.erasedOn.IsZero():
		// The note could not be sealed (the family's key is gone), and an erased family's case
		// does not come back.
		return r.erasedEnding(what)
	}
	return nil
}

// CorrectEnding corrects the outcome the case ended with: a new record (CaseEndingCorrected)
// pointing at the ending, which is never edited; the case stays ended, on the day it ended. The
// outcome is checked as EndCase checks it, against the case as it stood when it ended (a hold
// suspending it, contact not begun) and as it stands (the kind of contact, a domestic-abuse
// finding, a place released). The note says why the recorded outcome was wrong, in words.
func (r *Referral) CorrectEnding(outcome referralv1.CaseOutcome, note string, today time.Time) ([]proto.Message, error) {
	// An erased family's outcome is still corrected: it is a category, not personal data, and the
	// national figures count it; only the note is not kept (review 78 was refused, and the figures
	// kept a wrong outcome for good; decision 395). Its case is not reopened (Reopen).
	if erasedEnded := r.state == Ended && !r.erasedOn.IsZero(); !erasedEnded {
		if err := r.ended("its outcome is not corrected"); err != nil {
			return nil, err
		}
	}
	note = strings.TrimSpace(note)
	var v Invalid
	r.checkOutcome(&v, outcome)
	v.note("note", note, true, "must say why the outcome recorded was wrong")
	if err := v.err(); err != nil {
		return nil, err
	}
	if outcome == r.outcome {
		return nil, ErrOutcomeUnchanged
	}
	if err := r.placeReleaseStands(outcome); err != nil {
		return nil, err
	}
	if err := r.outcomeFits(r.beforeEnd, outcome); err != nil {
		return nil, err
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("correct ending: %w", err)
	}
	return r.record(&referralv1.CaseEndingCorrected{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), CorrectedOn: dates.Proto(today), Outcome: outcome, PreviousOutcome: r.outcome,
		EndingVersion: r.endingVersion, EndedOn: dates.Proto(r.endedOn), SealedNote: sealed})
}

// Reopen reopens a case ended by mistake (CaseReopened), pointing at the ending it undoes: within
// ReopenWithinDays of the ending, with a note saying why, in words. The case returns to where it
// stood before it ended: in contact once a session was attended (also a first session completed
// after the ending), ready for contact, or where it stood before a hold that suspended it then
// (the holds in force now are the caller's to note, as at acceptance). Whether the family was
// referred again since is the caller's to check (ReferredAgain).
func (r *Referral) Reopen(note string, today time.Time) ([]proto.Message, error) {
	if err := r.ended("an erased family's case is not reopened"); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var v Invalid
	v.note("note", note, true, "must say why the ending was a mistake")
	if err := v.err(); err != nil {
		return nil, err
	}
	if today.After(r.endedOn.AddDate(0, 0, ReopenWithinDays)) {
		return nil, ReopenTooLate(r.endedOn)
	}
	back := r.beforeEnd
	if back == Suspended {
		back = r.beforeHold
	}
	if back == ReadyForContact && !r.firstSession.IsZero() {
		back = InContact
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("reopen case: %w", err)
	}
	return r.record(&referralv1.CaseReopened{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: r.centre.String(),
		ReopenedOn: dates.Proto(today), EndingVersion: r.endingVersion, EndedOn: dates.Proto(r.endedOn), Outcome: r.outcome,
		State: back, SealedNote: sealed})
}
