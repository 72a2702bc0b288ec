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

// Decision 211 left it: another centre's safeguarding lead checked that a referral there, a
// possible duplicate of a family with a domestic-abuse finding made at this centre, is another
// family, so the finding no longer bars it (decisions 205, 216), and the lead here was told
// nothing. Now the centre whose assessment made the finding is alerted, as a hold's is: in the
// lead's alerts, with the finding's date, that centre and referral, and in the family's risk
// stream. A check that weighed no finding, of a family whose finding was cleared or never made,
// at the finding's own centre, or dated before the finding was made, alerts no one; a redelivery
// alerts once; the alert closes when the finding is cleared.
func TestTheLeadOfAFindingIsToldOfADuplicateCheckedElsewhere(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	f := g.families(t, 3)
	found, cleared, none := f[0], f[1], f[2]
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	da := []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}
	assess := func(family uuid.UUID, finding bool) {
		t.Helper()
		req := &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), FamilyId: family.String(),
			Rating: safeguardingv1.RiskRating_RISK_RATING_RED, Factors: da, DomesticAbuseFinding: true, NextReviewOn: review(90)}
		if !finding {
			req.Rating, req.Factors, req.DomesticAbuseFinding = safeguardingv1.RiskRating_RISK_RATING_GREEN, nil, false
			req.Note = "The court found the allegation unproven"
		}
		_, err := lead.AssessRisk(ctx, req)
		require.NoError(t, err)
	}
	assess(found, true)
	assess(cleared, true)
	assess(cleared, false)

	elsewhere, checked := uuid.New(), uuid.New()
	check := func(centre, referral uuid.UUID, other uuid.UUID, finding bool, on *commonv1.Date) *referralv1.PossibleDuplicateChecked {
		return &referralv1.PossibleDuplicateChecked{ReferralId: referral.String(), FamilyId: uuid.NewString(), CentreId: centre.String(),
			OtherReferralId: uuid.NewString(), CheckedOn: on, OtherFamilyId: other.String(), DomesticAbuseFinding: finding, FindingsMade: 1}
	}
	g.otherFamilies(t, "referral", []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()}, elsewhere,
		check(elsewhere, checked, found, true, review(0)),
		check(elsewhere, checked, found, true, review(0)),      // the same check again: one alert
		check(g.centre, uuid.New(), found, true, review(0)),    // at the finding's own centre
		check(elsewhere, uuid.New(), found, false, review(0)),  // it weighed no finding
		check(elsewhere, uuid.New(), found, true, review(-1)),  // before the finding was made
		check(elsewhere, uuid.New(), cleared, true, review(0)), // the finding no longer stands
		check(elsewhere, uuid.New(), none, true, review(0)),    // no finding here to tell of
	)

	var alert *safeguardingv1.Alert
	require.Eventually(t, func() bool {
		resp, err := lead.ListAlerts(ctx, &safeguardingv1.ListAlertsRequest{CentreId: g.centre.String()})
		require.NoError(t, err)
		for _, a := range resp.GetAlerts() {
			if a.GetDuplicateCheckedReferralId() != "" {
				alert = a
			}
		}
		return alert != nil
	}, 30*time.Second, 20*time.Millisecond, "the finding's lead is alerted")
	require.Equal(t, found.String(), alert.GetFamilyId())
	require.Empty(t, alert.GetHoldId(), "no hold: a finding")
	require.Equal(t, day(review(0)), day(alert.GetDuplicateCheckedFindingMadeOn()))
	require.Equal(t, elsewhere.String(), alert.GetDuplicateCheckedAtCentreId())
	require.Equal(t, checked.String(), alert.GetDuplicateCheckedReferralId())
	require.False(t, alert.GetClosed(), "the finding stands")

	// Every check handled (the last one published last), and only the one alert recorded.
	require.Eventually(t, func() bool {
		var handled int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, `SELECT count(*) FROM inbox WHERE consumer = 'safeguarding-referral'`).Scan(&handled))
		return handled >= 3+7 // three families received, seven checks
	}, 30*time.Second, 20*time.Millisecond, "every check handled")
	const typ = "familytime.safeguarding.v1.LeadAlertedOfFindingCheck"
	require.Equal(t, 1, g.eventsOfType(t, typ))
	var stream, centre string
	require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, `SELECT stream_id, centre_id::text FROM events WHERE event_type = $1`, typ).
		Scan(&stream, &centre))
	require.Equal(t, "risk-"+found.String(), stream, "in the stream where the finding lives")
	require.Equal(t, g.centre.String(), centre, "the finding's centre's record")

	// The family's record says so, ids and dates only.
	rec, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: g.centre.String(),
		FamilyId: found.String(), Purpose: "see the alert"})
	require.NoError(t, err)
	var said string
	for _, e := range rec.GetRecords() {
		if e.GetType() == typ {
			said = e.GetSummary()
		}
	}
	require.Equal(t, "safeguarding lead alerted of the domestic-abuse finding of "+day(review(0))+": the lead of centre "+elsewhere.String()+
		" checked on "+day(review(0))+" that its referral "+checked.String()+" is another family", said)

	// Cleared by the lead, the finding no longer bars anything: the alert is closed.
	assess(found, false)
	resp, err := lead.ListAlerts(ctx, &safeguardingv1.ListAlertsRequest{CentreId: g.centre.String(), OpenOnly: true})
	require.NoError(t, err)
	for _, a := range resp.GetAlerts() {
		require.Empty(t, a.GetDuplicateCheckedReferralId(), "closed with the finding")
	}
	resp, err = lead.ListAlerts(ctx, &safeguardingv1.ListAlertsRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	n := 0
	for _, a := range resp.GetAlerts() {
		if a.GetDuplicateCheckedReferralId() != "" {
			n++
			require.True(t, a.GetClosed())
		}
	}
	require.Equal(t, 1, n)
}
