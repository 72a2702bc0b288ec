package words_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/words"
)

func TestEnum(t *testing.T) {
	require.Equal(t, "local authority", words.Enum(commonv1.ReferralSource_REFERRAL_SOURCE_LOCAL_AUTHORITY))
	require.Equal(t, "local authority", words.Enum(commonv1.ReferralSource_REFERRAL_SOURCE_LOCAL_AUTHORITY)) // kept
	require.Equal(t, "unspecified", words.Enum(commonv1.ReferralSource_REFERRAL_SOURCE_UNSPECIFIED))
	require.Equal(t, "unspecified", words.Enum(commonv1.ReferralSource(999)), "a number this build does not know")
	require.Equal(t, "police", words.Enum(safeguardingv1.Agency_AGENCY_POLICE))
	require.Equal(t, "domestic abuse, substance misuse", words.Enums([]safeguardingv1.RiskFactor{
		safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE, safeguardingv1.RiskFactor_RISK_FACTOR_SUBSTANCE_MISUSE}))
	require.Empty(t, words.Enums([]safeguardingv1.RiskFactor(nil)))
	require.Equal(t, "non-resident parent", words.Enum(referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT))
	require.Equal(t, "non-resident parent", words.Enum(referralv1.WithdrawnBy_WITHDRAWN_BY_NON_RESIDENT_PARENT))
}

func TestEvent(t *testing.T) {
	require.Equal(t, "Concern raised", words.Event("familytime.safeguarding.v1.ConcernRaised"))
	require.Equal(t, "Centre registered", words.Event("CentreRegistered"))
}

func TestMinutesInDaysHoursAndMinutes(t *testing.T) {
	for n, want := range map[int64]string{
		-5: "0 minutes", 0: "0 minutes", 1: "1 minute", 20: "20 minutes", 60: "1 hour", 855: "14 hours 15 minutes",
		1500: "1 day 1 hour", 2 * 24 * 60: "2 days", 2*24*60 + 61: "2 days 1 hour 1 minute",
	} {
		require.Equal(t, want, words.Minutes(n), "%d", n)
	}
}
