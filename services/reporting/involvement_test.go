package reporting_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

// A court's or Cafcass's referral involves the court or Cafcass, as safeguarding counts it
// (decision 140): referrals received before referral refused one saying otherwise (decision 148)
// are counted by their source too, and the figures and safeguarding agree about them.
func TestInvolvementIsCountedAsSafeguardingCountsIt(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, commonv1.Region_REGION_LONDON)
	received := func(source commonv1.ReferralSource, facts *referralv1.ReferralFacts) string {
		id, family := uuid.New(), uuid.New()
		g.emit(t, "referral", "referral-"+id.String(), &referralv1.ReferralReceived{ReferralId: id.String(), FamilyId: family.String(),
			CentreId: centre.String(), Source: source, RequestedServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			ReceivedOn: date(2026, 5, 4), Facts: facts}, family, centre, "coordinator-1")
		return id.String()
	}
	received(commonv1.ReferralSource_REFERRAL_SOURCE_COURT, &referralv1.ReferralFacts{})   // court: by the source
	received(commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS, &referralv1.ReferralFacts{}) // Cafcass: by the source
	received(commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS, &referralv1.ReferralFacts{CourtInvolved: true, CafcassInvolved: true})
	received(commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, &referralv1.ReferralFacts{CourtInvolved: true})
	received(commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, &referralv1.ReferralFacts{})
	g.settle(t)

	q := figures(t, g.analyst(t), reportingv1.PeriodKind_PERIOD_KIND_QUARTER, 2026, 2, "", false)
	national := "|national|REGION_UNSPECIFIED|||"
	value := func(key string) float64 {
		f, ok := q[key]
		require.True(t, ok, key)
		return f.GetValue()
	}
	require.Equal(t, 5.0, value("referrals_received"+national))
	require.Equal(t, 3.0, value("referrals_court_involved"+national), "the court's, the Cafcass referral saying so, the solicitor's saying so")
	require.Equal(t, 2.0, value("referrals_cafcass_involved"+national), "Cafcass's two")
}
