package cli

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// The family's details say whose "yes" each risk answer is on a self-referral both parents
// applied to, and a "yes" answered no since; show says a risk answer taken back, for the lead to
// weigh, and once weighed (review 62, decision 338).
func TestWhoseRiskAnswersAndWhatWasTakenBack(t *testing.T) {
	apps := &referralv1.ApplicationRiskAnswers{FirstApplication: &referralv1.RiskAnswers{OtherConcerns: true},
		SecondApplication: &referralv1.RiskAnswers{AbductionRisk: true, OtherConcerns: true}}
	require.Equal(t, "substance misuse (by an amendment), other concerns (both applications); answered yes by an application and "+
		"no since: abduction risk (second parent's application)",
		riskAnswersText(&referralv1.RiskAnswers{OtherConcerns: true, SubstanceMisuse: true}, apps))
	require.Equal(t, "abduction risk (second parent's application), other concerns (both applications)",
		riskAnswersText(&referralv1.RiskAnswers{AbductionRisk: true, OtherConcerns: true}, apps))
	require.Equal(t, "injunction, abduction risk", riskAnswersText(&referralv1.RiskAnswers{AbductionRisk: true, Injunction: true}, nil),
		"a professional's referral: one set of answers")
	require.Equal(t, "-", riskAnswersText(&referralv1.RiskAnswers{}, nil))

	retraction := &referralv1.RiskRetraction{Question: referralv1.RiskQuestion_RISK_QUESTION_ABDUCTION_RISK,
		DisclosedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 3}, RetractedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 4}}
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(),
		State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED, RiskRetractions: []*referralv1.RiskRetraction{retraction}}))
	require.Regexp(t, `risk answers taken back:\s+abduction risk disclosed on 2026-12-03, answered no on 2026-12-04: for the lead to weigh `+
		`\(only the safeguarding lead screens the referral, with a note\)`, out.String())
	retraction.Weighed = true
	out.Reset()
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(),
		State: referralv1.ReferralState_REFERRAL_STATE_SCREENED, RiskRetractions: []*referralv1.RiskRetraction{retraction}}))
	require.Regexp(t, `risk answers taken back:\s+abduction risk disclosed on 2026-12-03, answered no on 2026-12-04: weighed by the `+
		`safeguarding lead`, out.String())
	out.Reset()
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(), State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED}))
	require.NotContains(t, out.String(), "taken back")
}
