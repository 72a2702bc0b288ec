package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Review 31 (decision 214): the lead's row says what the answers suggest and what a person
// screened at referral, and that the risk stands above a lower screen; the day it fell due.
func TestTheRiskReviewRowSaysTheAnswersAndThePersonsScreen(t *testing.T) {
	day := &commonv1.Date{Year: 2026, Month: 3, Day: 2}
	green, amber, red := safeguardingv1.RiskRating_RISK_RATING_GREEN, safeguardingv1.RiskRating_RISK_RATING_AMBER,
		safeguardingv1.RiskRating_RISK_RATING_RED
	row := func(rating, answers safeguardingv1.RiskRating, s *safeguardingv1.ScreenAtReferral) *safeguardingv1.RiskReview {
		return &safeguardingv1.RiskReview{Risk: &safeguardingv1.Risk{Rating: rating, Provisional: true}, DueOn: day,
			AnswersRating: answers, ScreenedAtReferral: s}
	}
	lower := row(amber, amber, &safeguardingv1.ScreenAtReferral{ScreenedOn: day, Rating: green})
	require.Equal(t, "2026-03-02, screened, unconfirmed", riskReviewDue(lower))
	require.Equal(t, "answers suggest amber; screened green at referral on 2026-03-02: the risk stays amber until a risk assessment",
		riskReviewScreens(lower))
	require.Equal(t, "answers suggest amber; screened red at referral on 2026-03-02, domestic abuse found",
		riskReviewScreens(row(red, amber, &safeguardingv1.ScreenAtReferral{ScreenedOn: day, Rating: red, DomesticAbuseFinding: true})))
	require.Equal(t, "answers suggest amber; no person's screen at referral noted", riskReviewScreens(row(amber, amber, nil)))

	assessed := &safeguardingv1.RiskReview{Risk: &safeguardingv1.Risk{Rating: amber, NextReviewOn: day}, DueOn: day}
	require.Equal(t, "2026-03-02, review", riskReviewDue(assessed))
	require.Empty(t, riskReviewScreens(assessed))
}
