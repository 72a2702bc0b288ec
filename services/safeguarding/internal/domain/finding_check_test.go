package domain

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// The finding a check elsewhere weighed is the one standing since the assessment that made it,
// on or before the check's date, at another centre; its lead is told of each referral once, and a
// finding cleared and made again is another, told again (decision 211's alert, for a finding).
func TestTheFindingsLeadIsToldOnceOfEachReferralCheckedElsewhere(t *testing.T) {
	family, here, elsewhere := uuid.New(), uuid.New(), uuid.New()
	day := func(n int) time.Time { return time.Date(2026, 3, n, 0, 0, 0, 0, time.UTC) }
	lead := Caller{Subject: "lead-1", Role: "safeguarding_lead", Lead: true}
	r, _ := RebuildRisk(family, nil)
	assess := func(found bool, on time.Time) {
		t.Helper()
		a := Assessment{Centre: here, Rating: safeguardingv1.RiskRating_RISK_RATING_RED, NextReview: on.AddDate(0, 1, 0),
			Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}, DomesticAbuseFinding: true}
		if !found {
			a = Assessment{Centre: here, Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, NextReview: on.AddDate(0, 1, 0),
				Note: "The court found it unproven"}
		}
		_, err := r.Assess(lead, a, on)
		require.NoError(t, err)
	}
	told := func(referral uuid.UUID, at uuid.UUID, checked time.Time) []proto.Message {
		t.Helper()
		msgs, err := r.FindingCheckedElsewhere(at, referral, checked, day(20))
		require.NoError(t, err)
		return msgs
	}
	first := uuid.New()
	require.Empty(t, told(first, elsewhere, day(1)), "no finding stands")
	assess(true, day(2))
	assess(true, day(3)) // found again: the same finding
	require.Empty(t, told(first, elsewhere, day(1)), "checked before it was made")
	require.Empty(t, told(first, here, day(4)), "checked at its own centre")
	msgs := told(first, elsewhere, day(4))
	require.Len(t, msgs, 1)
	alert := msgs[0].(*safeguardingv1.LeadAlertedOfFindingCheck)
	require.Equal(t, here.String(), alert.GetCentreId())
	require.Equal(t, int32(2), alert.GetFindingMadeOn().GetDay(), "the finding of the day it was made")
	require.Equal(t, elsewhere.String(), alert.GetCheckedAtCentreId())
	require.Equal(t, first.String(), alert.GetCheckedReferralId())
	require.Empty(t, told(first, elsewhere, day(4)), "told of the referral once")

	assess(false, day(5))
	require.Empty(t, told(uuid.New(), elsewhere, day(5)), "cleared")
	assess(true, day(6))
	require.Len(t, told(first, elsewhere, day(7)), 1, "made again: another finding, told again")
}
