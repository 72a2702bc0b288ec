package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// A concern's close says how it ended (review 48); one closed before the outcome was recorded says
// exactly what it said, as VerifyFamilyHistory compares the stored description with Describe.
func TestAConcernsCloseSaysItsOutcome(t *testing.T) {
	require.Equal(t, "Safeguarding concern closed: taken on by agency", Describe(envelopeOf(t,
		&safeguardingv1.ConcernClosed{Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_TAKEN_ON_BY_AGENCY})))
	require.Equal(t, "Safeguarding concern closed: resolved at the centre", Describe(envelopeOf(t,
		&safeguardingv1.ConcernClosed{Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_RESOLVED_AT_THE_CENTRE})))
	require.Equal(t, "Safeguarding concern closed", Describe(envelopeOf(t, &safeguardingv1.ConcernClosed{})))
}
