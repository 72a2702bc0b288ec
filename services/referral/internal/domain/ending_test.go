package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Review 22 ended as self-arranged a case ready for contact that never had a session, and the
// figures counted it both moved on and never attended. An outcome that says contact moved on needs
// contact to have begun (decision 168); a case whose contact never began ends referred back to
// court, withdrawn or for safety.
func TestAnOutcomeThatSaysContactMovedOnNeedsContactToHaveBegun(t *testing.T) {
	for _, outcome := range []referralv1.CaseOutcome{referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED,
		referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER, referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED} {
		r, _ := inState(t, domain.ReadyForContact)
		version := r.Version()
		events, err := r.EndCase(outcome, "Ended for the test", today)
		require.ErrorIs(t, err, domain.ErrOutcomeBeforeContact, outcome.String())
		require.Nil(t, events)
		require.Equal(t, version, r.Version(), "nothing recorded")
		require.Equal(t, domain.ReadyForContact, r.State())
	}
	for _, outcome := range []referralv1.CaseOutcome{referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT,
		referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY} {
		r, _ := inState(t, domain.ReadyForContact)
		_, err := r.EndCase(outcome, "Ended for the test", today)
		require.NoError(t, err, outcome.String())
		require.Equal(t, domain.Ended, r.State())
	}
	// Once a session is attended, the family may move on.
	r, _ := inState(t, domain.InContact)
	_, err := r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "Ended for the test", today)
	require.NoError(t, err)
}

// Review 22 withdrew a referral while the family was at its first session; the session was then
// completed. A withdrawal then is refused (the application reads the sessions under way) and the
// case is ended withdrawn instead; the session, completed after the end, is recorded as the first
// one attended, so the figures do not count the case as never attended, and the case stays ended
// (decision 168).
func TestACaseEndedDuringItsFirstSessionRecordsIt(t *testing.T) {
	r, h := inState(t, domain.ReadyForContact)
	h.ok(r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, "Mother withdrew at the session", today))
	require.Equal(t, today, r.EndedOn())

	events := h.ok(r.RecordSessionAttended(today))
	first := events[0].(*referralv1.FirstSessionAttended)
	require.Nil(t, first.GetReviewDueOn(), "an ended case has no review clock")
	require.Equal(t, domain.Ended, r.State(), "the case stays ended")
	require.Equal(t, today, r.FirstSession())
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, r.Outcome())
	_, ok := r.ReviewDue()
	require.False(t, ok)

	_, err := r.RecordSessionAttended(today)
	require.ErrorIs(t, err, domain.ErrReferralClosed, "a second session records nothing")
	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, domain.Ended, rebuilt.State())
	require.Equal(t, today, rebuilt.FirstSession())

	// A session dated after the case ended was not under way when it ended: it is not the case's.
	r, _ = inState(t, domain.ReadyForContact)
	_, err = r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "Ended for the test", today)
	require.NoError(t, err)
	_, err = r.RecordSessionAttended(today.AddDate(0, 0, 1))
	require.ErrorIs(t, err, domain.ErrReferralClosed)
	require.True(t, r.FirstSession().IsZero())
}
