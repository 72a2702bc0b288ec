package domain

import (
	"fmt"
	"strings"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// check is CheckTransition for this referral, its refusal worded for it: a closed referral's
// says how it closed, on which day, and the way on (closedRefusal); a step taken before the one
// it waits for names that step's command (review 51: "[SCREENING_REQUIRED]" named no
// screen). The reasons are CheckTransition's; the messages name states, dates, categories and
// commands only, never a person or a note.
func (r *Referral) check(c Command) error {
	err := CheckTransition(r.state, c)
	switch {
	case err == nil:
		return nil
	case Final(r.state):
		return r.closedRefusal(c, 0)
	case err == ErrScreeningRequired:
		return problem.Rule(ErrScreeningRequired.Reason, fmt.Sprintf("the referral must be screened before the centre decides on it: "+
			"screen it first (familytime referral screen %s --centre %s --rating green|amber|red)", r.id, r.centre))
	case err == ErrSecondPartyOutstanding:
		return problem.Rule(ErrSecondPartyOutstanding.Reason, fmt.Sprintf("the self-referral is waiting for the other parent's "+
			"application, and nothing is screened or decided before it: record it when it comes (familytime referral second-party "+
			"%s --centre %s --file APPLICATION.yaml); if it never comes, decline or withdraw the referral", r.id, r.centre))
	}
	return err
}

// CheckTransition is the package's CheckTransition for this referral, worded as check words it.
func (r *Referral) CheckTransition(c Command) error { return r.check(c) }

// closedRefusal is ErrReferralClosed for this referral, refusing command c: declined on a day
// for a reason, withdrawn on a day by whom, or its case ended on a day with an outcome, and what
// may still be done. A repeated or corrected ending (c is CmdEndCase, outcome the one sent) is
// told whether the outcome is the one recorded and, if not, the command that corrects it
// (review 51: a second `referral end` and one "fixing" the outcome were told neither).
func (r *Referral) closedRefusal(c Command, outcome referralv1.CaseOutcome) error {
	msg := "the referral is closed: it was " + r.howClosed()
	if r.state == Ended {
		msg = "the referral is closed: its case " + r.howClosed()
	}
	at := fmt.Sprintf("%s --centre %s", r.id, r.centre)
	switch {
	case r.state != Ended:
		msg += ". A declined or withdrawn referral is not reopened and takes no further step; if the family needs the centre, " +
			"refer the family again (familytime referral submit)"
		if r.state == Declined && r.duplicateOf != "" {
			msg += ", or carry on with the referral it duplicates (" + r.duplicateOf + ")"
		}
	case !r.erasedOn.IsZero():
		msg += fmt.Sprintf(". The family's personal data was erased on %s: the case is neither corrected nor reopened; if the family "+
			"needs contact again, refer the family again (familytime referral submit)", dates.String(r.erasedOn))
	default:
		if c == CmdEndCase && outcome == r.outcome {
			msg = fmt.Sprintf("the referral is closed: the case already ended on %s with the outcome %s: nothing more to record",
				dates.String(r.endedOn), flagWord("CASE_OUTCOME_", r.outcome.String()))
		}
		correct := "familytime referral correct-ending " + at + " --outcome OUTCOME --note WHY"
		if c == CmdEndCase && outcome != r.outcome && outcome != referralv1.CaseOutcome_CASE_OUTCOME_UNSPECIFIED {
			correct = "familytime referral correct-ending " + at + " --outcome " + flagWord("CASE_OUTCOME_", outcome.String()) +
				" --note WHY"
		}
		msg += fmt.Sprintf(". If the outcome recorded is wrong, correct it (%s); if the case was ended by mistake, reopen it, "+
			"within %d days of its ending, by %s (familytime referral reopen %s --note WHY)",
			correct, ReopenWithinDays, dates.String(r.endedOn.AddDate(0, 0, ReopenWithinDays)), at)
	}
	return problem.Rule(ErrReferralClosed.Reason, msg)
}

// howClosed says how the closed referral closed, and on which day, after "it was" or "the
// referral was" ("its case" for an ended case): in categories, never in the words of its note.
func (r *Referral) howClosed() string {
	switch r.state {
	case Declined:
		return fmt.Sprintf("declined on %s (%s)", dayOrUnknown(r), flagWord("DECLINE_REASON_", r.declined.String()))
	case Withdrawn:
		if r.withdrawnBy == referralv1.WithdrawnBy_WITHDRAWN_BY_UNSPECIFIED {
			return "withdrawn on " + dayOrUnknown(r)
		}
		by := strings.ReplaceAll(flagWord("WITHDRAWN_BY_", r.withdrawnBy.String()), "-", " ")
		return "withdrawn on " + dayOrUnknown(r) + " by the " + strings.Replace(by, "non resident", "non-resident", 1)
	}
	return fmt.Sprintf("ended on %s with the outcome %s", dates.String(r.endedOn), flagWord("CASE_OUTCOME_", r.outcome.String()))
}

// dayOrUnknown is the day a referral was declined or withdrawn.
func dayOrUnknown(r *Referral) string {
	if r.closedOn.IsZero() {
		return "a day not recorded"
	}
	return dates.String(r.closedOn)
}

// flagWord is an enum value as the familytime CLI's flags spell it (CASE_OUTCOME_SELF_ARRANGED:
// self-arranged), so that a refusal names the value the coordinator types.
func flagWord(prefix, name string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(name, prefix)), "_", "-")
}
