package ports

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// A referral whose only court order had expired, court_involved false (decision 291), involved a
// court to safeguarding, so a report could go to a court no longer involved (decision 299).
func TestOnlyACourtOrderInForceInvolvesTheCourt(t *testing.T) {
	on := &commonv1.Date{Year: 2026, Month: 12, Day: 2}
	order := func(expires *commonv1.Date) *referralv1.ReferralFacts {
		return &referralv1.ReferralFacts{CourtOrders: []*referralv1.CourtOrderRecord{{ExpiresOn: expires}}}
	}
	self := commonv1.ReferralSource_REFERRAL_SOURCE_SELF
	require.False(t, bodiesOf(self, order(&commonv1.Date{Year: 2025, Month: 6, Day: 30}), on).Court, "expired before the day")
	require.True(t, bodiesOf(self, order(&commonv1.Date{Year: 2026, Month: 12, Day: 2}), on).Court, "expires that day")
	require.True(t, bodiesOf(self, order(&commonv1.Date{Year: 2027, Month: 1, Day: 1}), on).Court, "expires later")
	require.True(t, bodiesOf(self, order(nil), on).Court, "no expiry")
	require.True(t, bodiesOf(commonv1.ReferralSource_REFERRAL_SOURCE_COURT, order(&commonv1.Date{Year: 2025, Month: 6, Day: 30}), on).Court,
		"a court's referral involves the court whatever its orders")
	require.True(t, bodiesOf(self, &referralv1.ReferralFacts{CourtInvolved: true}, on).Court)
	require.False(t, bodiesOf(self, &referralv1.ReferralFacts{}, on).Court)
}
