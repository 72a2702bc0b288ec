package referral_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Decision 347's Left (361): an acceptance of a referral of the same child that read the earlier
// case open, and committed after that case was ended for safety, was accepted past
// DUPLICATE_ENDED_FOR_SAFETY. The acceptance now guards every possible duplicate it read, and an
// ending commits under the same lock: the acceptance, held between its read and its commit (here
// by the family's holds lock, which it takes first), fails its guard once the ending has
// committed, is decided again, and is refused.
func TestAnAcceptanceThatReadTheCaseBeforeItsEndingForSafetyIsDecidedAgain(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, supported))
	first := a.ready(supported)
	again := a.submit(supported)
	require.Contains(t, again.GetPossibleDuplicateOf(), first)
	a.screen(again.GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)
	family := again.GetFamilyId()
	require.NotEmpty(t, family)
	before := g.eventTypes(t, again.GetReferralId())

	// Hold the new family's holds lock, so that the acceptance waits at its commit, after reading
	// the first case open.
	tx, err := g.owner.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SELECT eventstore_lock($1)`, "holds-of-family-"+family)
	require.NoError(t, err)
	accepted := make(chan error, 1)
	go func() {
		_, err := a.accept(again.GetReferralId(), supported)
		accepted <- err
	}()
	require.Eventually(t, func() bool {
		return g.count(t, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`) > 0
	}, 10*time.Second, 10*time.Millisecond, "the acceptance waits at its commit")

	_, err = a.end(first, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "Threats made at the door this morning")
	require.NoError(t, err, "the ending does not wait for the acceptance, which has not reached its guard")
	require.NoError(t, tx.Rollback(ctx))

	refused(t, <-accepted, codes.FailedPrecondition, "DUPLICATE_ENDED_FOR_SAFETY")
	require.Equal(t, before, g.eventTypes(t, again.GetReferralId()), "nothing appended")
}
