package safeguarding_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 49: a referral listing a non-molestation order that had expired before it was received
// (decision 288's expires_on), answered "no injunction", was screened red for an injunction. It is
// screened on its other answers, and the lead's record says which order was not counted and why;
// a family whose order is still in force is screened red as before.
func TestAnExpiredInjunctionOnAReferralIsNotScreenedAsInForce(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	expired, inForce := uuid.New(), uuid.New()
	received := func(family uuid.UUID, order *referralv1.CourtOrderRecord) *referralv1.ReferralReceived {
		return &referralv1.ReferralReceived{ReferralId: uuid.NewString(), FamilyId: family.String(), CentreId: g.centre.String(),
			ReceivedOn: review(0), Facts: &referralv1.ReferralFacts{Risk: &referralv1.RiskAnswers{}, CourtInvolved: true,
				CourtOrders: []*referralv1.CourtOrderRecord{order},
				Adults: []*referralv1.AdultParty{{PersonId: personOf(family, 0), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT},
					{PersonId: personOf(family, 1), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT}},
				Children: []*referralv1.ChildParty{{PersonId: personOf(family, 2), BirthYear: 2018, BirthMonth: 4}}}}
	}
	nmo := referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION
	g.otherFamilies(t, "referral", []uuid.UUID{expired, inForce}, g.centre,
		received(expired, &referralv1.CourtOrderRecord{Kind: nmo, MadeOn: review(-400), ExpiresOn: review(-35)}),
		received(inForce, &referralv1.CourtOrderRecord{Kind: nmo, MadeOn: review(-100), ExpiresOn: review(265)}))
	require.Eventually(t, func() bool {
		var n int
		err := g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM events WHERE event_type = $1",
			"familytime.safeguarding.v1.RiskScreenedProvisionally").Scan(&n)
		return err == nil && n == 2
	}, 30*time.Second, 20*time.Millisecond, "both referrals screened")

	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	record := func(family uuid.UUID) *safeguardingv1.GetSafeguardingRecordResponse {
		t.Helper()
		got, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: g.centre.String(),
			FamilyId: family.String(), Purpose: "weigh the screen"})
		require.NoError(t, err)
		return got
	}
	got := record(expired)
	require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_GREEN, got.GetRisk().GetRating(), "an expired order is no injunction in force")
	require.Empty(t, got.GetRisk().GetFactors())
	require.Len(t, got.GetRisk().GetExpiredInjunctions(), 1, "the lead is shown what the screen left out")
	left := got.GetRisk().GetExpiredInjunctions()[0]
	require.Equal(t, safeguardingv1.InjunctionKind_INJUNCTION_KIND_NON_MOLESTATION, left.GetKind())
	require.Equal(t, review(-35).String(), left.GetExpiresOn().String())
	var summary string
	for _, e := range got.GetRecords() {
		if e.GetType() == "familytime.safeguarding.v1.RiskScreenedProvisionally" {
			summary = e.GetSummary()
		}
	}
	require.True(t, strings.HasPrefix(summary, "provisional screen: green; not counted as an injunction in force: a non-molestation order"), summary)
	require.Contains(t, summary, "before the screen of")

	got = record(inForce)
	require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_RED, got.GetRisk().GetRating(), "an order in force still counts")
	require.Equal(t, []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_INJUNCTION}, got.GetRisk().GetFactors())
	require.Empty(t, got.GetRisk().GetExpiredInjunctions())
}
