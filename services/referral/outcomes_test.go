package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// An outcome that says where the family moved from fits the case's kind of contact: only a
// supervised case steps down to supported contact. Both cases had a session: an outcome that says
// contact moved on needs contact to have begun (decision 168).
func TestOutcomeFitsTheKindOfContact(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	supportedCase, supervisedCase := w.ready(supported), w.ready(supervised)
	g.attended(t, w, supportedCase, supported)
	g.attended(t, w, supervisedCase, supervised)
	end := func(ref string, outcome referralv1.CaseOutcome) (*referralv1.EndCaseResponse, error) {
		return w.c.EndCase(t.Context(), &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(),
			Outcome: outcome, Note: "Ended for the test"})
	}
	before := g.events(t)
	_, err := end(supportedCase, referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED)
	refused(t, err, codes.FailedPrecondition, "NOT_SUPERVISED_CONTACT")
	require.Equal(t, before, g.events(t), "nothing appended")
	ended, err := end(supportedCase, referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER)
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ENDED, ended.GetReferral().GetState())
	_, err = end(supervisedCase, referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED)
	require.NoError(t, err)
}
