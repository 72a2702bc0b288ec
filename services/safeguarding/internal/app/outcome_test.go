package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// A concern's close reads with its outcome; one closed before outcomes were recorded reads as not
// recorded, not as a blank (review 48).
func TestAClosedConcernsRecordSaysHowItEnded(t *testing.T) {
	require.Equal(t, "concern closed: no further action",
		summary(&safeguardingv1.ConcernClosed{Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION}))
	require.Equal(t, "concern closed: agency took no further action",
		summary(&safeguardingv1.ConcernClosed{Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_AGENCY_TOOK_NO_FURTHER_ACTION}))
	require.Equal(t, "concern closed: outcome not recorded", summary(&safeguardingv1.ConcernClosed{}))
}
