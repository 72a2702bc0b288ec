package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 28 (decision 197): domestic abuse disclosed on an earlier referral of a child, carried to
// a new referral (referral's PossibleDuplicateFlagged with domestic_abuse_disclosed), reached no
// one when it was found on a case past screening, and safeguarding's list for the lead did not show
// the new family at all (decision 194, left). It is screened as the family's disclosure: a family
// assessed green is put before a person again, and one never assessed is listed red, as a second
// parent's "yes" is (decision 155). A flag that carries no disclosure changes nothing.
func TestADisclosureCarriedToAReferralIsListedForTheLead(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	f := g.families(t, 3) // each screened green from its answers
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	_, err := lead.AssessRisk(ctx, &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: f[2].String(), Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, NextReviewOn: review(90),
		Note: "Spoke to both parents: no risk disclosed"})
	require.NoError(t, err)
	flag := func(family uuid.UUID, disclosed bool, on *commonv1.Date) *referralv1.PossibleDuplicateFlagged {
		return &referralv1.PossibleDuplicateFlagged{ReferralId: uuid.NewString(), FamilyId: family.String(), CentreId: g.centre.String(),
			ChildPersonId: personOf(family, 2), OtherReferralId: uuid.NewString(), FlaggedOn: on, DomesticAbuseDisclosed: disclosed}
	}
	// The assessed family's flag is dated after its assessment: one of the assessment's day is
	// weighed by it (decision 225's rule, review 37; TestADisclosureCarriedAfterTheAssessmentIsPutBeforeTheLeadAgain).
	g.otherFamilies(t, "referral", f, g.centre, flag(f[0], true, review(0)), flag(f[1], false, review(0)), flag(f[2], true, review(1)))

	var reviews []*safeguardingv1.RiskReview
	require.Eventually(t, func() bool {
		resp, err := lead.ListRiskReviews(ctx, &safeguardingv1.ListRiskReviewsRequest{CentreId: g.centre.String()})
		require.NoError(t, err)
		reviews = resp.GetReviews()
		return len(reviews) == 2
	}, 30*time.Second, 20*time.Millisecond, "both families with a carried disclosure are listed for the lead")
	for _, r := range reviews {
		require.NotEqual(t, f[1].String(), r.GetRisk().GetFamilyId(), "a flag without a disclosure is not one")
		require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_RED, r.GetRisk().GetRating())
		require.Contains(t, r.GetRisk().GetFactors(), safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE)
		require.True(t, r.GetRisk().GetProvisional())
		require.False(t, r.GetOverdue(), "due the day it was found, overdue from the next (decision 214)")
	}
}
