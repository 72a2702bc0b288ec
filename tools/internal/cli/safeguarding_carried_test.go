package cli

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Review 37 #3: a family put before the lead again by a disclosure carried after its assessment
// says why, in the lead's list (reviews, and alerts' risk table) and in its record, where the
// record said "green, review by ..." and the list said what the referral's answers suggest.
func TestARiskBeforeTheLeadForACarriedDisclosureSaysWhy(t *testing.T) {
	assessed, carried := &commonv1.Date{Year: 2026, Month: 12, Day: 1}, &commonv1.Date{Year: 2026, Month: 12, Day: 2}
	red := safeguardingv1.RiskRating_RISK_RATING_RED
	again := &safeguardingv1.Risk{Rating: red, Provisional: true, DisclosureCarriedOn: carried, AssessedOn: assessed}
	row := &safeguardingv1.RiskReview{Risk: again, DueOn: carried, AnswersRating: red}
	why := "a disclosure of domestic abuse was carried to the family on 2026-12-02, after the risk assessment of 2026-12-01: assess the risk"
	require.Equal(t, why, riskReviewScreens(row))
	require.Equal(t, "risk: red (provisional: true), review by -\n"+why, riskLine(again))
	first := &safeguardingv1.Risk{Rating: red, Provisional: true, DisclosureCarriedOn: carried}
	require.Equal(t, "a disclosure of domestic abuse was carried to the family on 2026-12-02: assess the risk",
		riskReviewScreens(&safeguardingv1.RiskReview{Risk: first, DueOn: carried}), "never assessed")
	require.Equal(t, "risk: green (provisional: false), review by 2027-03-01", riskLine(&safeguardingv1.Risk{
		Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, NextReviewOn: &commonv1.Date{Year: 2027, Month: 3, Day: 1}, AssessedOn: assessed}))
}

// Review 37 #7: an alert that is no concern's says what it is in CATEGORY, where it said
// "unspecified" (for a domestic-abuse finding checked elsewhere, among others).
func TestAnAlertThatIsNoConcernsSaysWhatItIs(t *testing.T) {
	require.Equal(t, "duplicate check", alertCategory(&safeguardingv1.Alert{DuplicateCheckedAtCentreId: "C", DuplicateCheckedReferralId: "R",
		DuplicateCheckedFindingMadeOn: &commonv1.Date{Year: 2026, Month: 3, Day: 2}}))
	require.Equal(t, "duplicate check", alertCategory(&safeguardingv1.Alert{HoldId: "H", DuplicateCheckedAtCentreId: "C",
		DuplicateCheckedReferralId: "R"}))
	require.Equal(t, "hold", alertCategory(&safeguardingv1.Alert{HoldId: "H"}), "a hold that names no concern")
	require.Equal(t, "neglect", alertCategory(&safeguardingv1.Alert{ConcernId: "K", HoldId: "H",
		Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT}), "a hold for a concern: the concern's")
	require.Equal(t, "neglect", alertCategory(&safeguardingv1.Alert{ConcernId: "K", Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT}))
	require.Equal(t, "", alertConcern(&safeguardingv1.Alert{DuplicateCheckedReferralId: "R"}), "no concern: nothing in the column")
	require.Equal(t, "K", alertConcern(&safeguardingv1.Alert{ConcernId: "K"}))
}

// Decision 228, left: a concern's and the family record's entries of an erased family read as
// empty text; each whose text went says so, when and why, as report show does.
func TestAnErasedFamilysRecordsSayTheirTextWasErased(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC))
	entries := []*safeguardingv1.RecordEntry{
		{RecordId: "E1", Type: "familytime.safeguarding.v1.ConcernRaised", RecordedAt: at, Summary: "concern raised: neglect", TextErased: true},
		{RecordId: "E2", Type: "familytime.safeguarding.v1.LeadAlerted", RecordedAt: at, Summary: "safeguarding lead alerted"},
	}
	erasure := &safeguardingv1.FamilyErasure{ErasedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 1},
		Reason: safeguardingv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED}
	var b bytes.Buffer
	require.NoError(t, printEntries(&b, &output{}, nil, entries, erasure, ""))
	require.Equal(t, "2026-11-03T10:00:00Z  E1  ConcernRaised\n    concern raised: neglect\n"+
		"    (text erased with the family's personal data on 2026-12-01 (retention-ended))\n"+
		"2026-11-03T10:00:00Z  E2  LeadAlerted\n    safeguarding lead alerted\n", b.String(), "a record that had no text says nothing")
}
