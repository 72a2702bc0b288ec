package reporting_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

// Review 49 (L3): a referral declined as a duplicate of another open referral at the centre is
// the same family's request made twice, which goes on as the other: it is counted as neither a
// referral received (nor among those involving a court or Cafcass) nor one declined, in the
// quarter it was received and in the quarter it was declined, so the request counts once
// (decision 281). A referral declined for any other reason counts as before.
func TestADuplicateReferralIsCountedOnceAsTheReferralItDuplicates(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, commonv1.Region_REGION_LONDON)
	received := func(source commonv1.ReferralSource, facts *referralv1.ReferralFacts) (string, uuid.UUID) {
		id, family := uuid.New(), uuid.New()
		g.emit(t, "referral", "referral-"+id.String(), &referralv1.ReferralReceived{ReferralId: id.String(), FamilyId: family.String(),
			CentreId: centre.String(), Source: source, RequestedServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			ReceivedOn: date(2026, 5, 4), Facts: facts}, family, centre, "coordinator-1")
		return id.String(), family
	}
	declined := func(id string, family uuid.UUID, reason referralv1.DeclineReason, on *commonv1.Date, of string) {
		g.emit(t, "referral", "referral-"+id, &referralv1.ReferralDeclined{ReferralId: id, FamilyId: family.String(),
			CentreId: centre.String(), DeclinedOn: on, Reason: reason, DuplicateOfReferralId: of}, family, centre, "coordinator-1")
	}
	first, _ := received(commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, &referralv1.ReferralFacts{CourtInvolved: true})
	for range 5 {
		received(commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, &referralv1.ReferralFacts{})
	}
	other, otherFamily := received(commonv1.ReferralSource_REFERRAL_SOURCE_SELF, &referralv1.ReferralFacts{})
	declined(other, otherFamily, referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA, date(2026, 5, 20), "")
	// The Cafcass officer's referral of the same child, declined as a duplicate in the next quarter.
	again, family := received(commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS,
		&referralv1.ReferralFacts{CourtInvolved: true, CafcassInvolved: true})
	declined(again, family, referralv1.DeclineReason_DECLINE_REASON_DUPLICATE, date(2026, 7, 2), first)
	g.settle(t)

	national := "|national|REGION_UNSPECIFIED|||"
	q2 := figures(t, g.analyst(t), reportingv1.PeriodKind_PERIOD_KIND_QUARTER, 2026, 2, "", false)
	q3 := figures(t, g.analyst(t), reportingv1.PeriodKind_PERIOD_KIND_QUARTER, 2026, 3, "", false)
	value := func(q map[string]*reportingv1.Figure, key string) float64 {
		f, ok := q[key]
		if !ok {
			return 0
		}
		return f.GetValue()
	}
	require.Equal(t, 7.0, value(q2, "referrals_received"+national), "eight received, one a duplicate")
	require.Equal(t, 0.0, value(q2, "referrals_received"+national+"source|REFERRAL_SOURCE_CAFCASS"))
	require.Equal(t, 1.0, value(q2, "referrals_court_involved"+national), "the first, not its duplicate")
	require.Equal(t, 0.0, value(q2, "referrals_cafcass_involved"+national))
	require.Equal(t, 1.0, value(q2, "referrals_declined"+national), "out of area")
	require.Equal(t, 0.0, value(q3, "referrals_declined"+national), "a duplicate is no family turned away")
	require.NotContains(t, q3, "referrals_declined"+national+"reason|DECLINE_REASON_DUPLICATE")
}
