package reporting_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/clock"
)

// Review 70 (decision 366). A centre's 7 cases ended in December in self-arranged contact were
// published on 8 January; one was then reopened and another's ending corrected to a handover, and
// the next publication showed 5, marked revised: a reader of both subtracted and learnt that
// exactly 2 families were corrected. A published figure a correction moves by 1 to 4 is withheld,
// in the month, the quarter and the year, at the centre, its region and the nation. The year,
// first published with December but asked for only after the corrections, says it was revised as
// its month and quarter do (its first publication's digest is recorded when it is first
// published, whichever period was asked for).
func TestAPublishedFigureACorrectionMovesByAFewIsWithheld(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2027, 1, 8, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	an := g.analyst(t)
	north := commonv1.Region_REGION_NORTH_EAST
	a := g.centre(t, north)
	ca := a.String()
	type referral struct{ id, family uuid.UUID }
	var ended []referral
	for i := range 7 {
		r := referral{uuid.New(), uuid.New()}
		stream := "referral-" + r.id.String()
		g.emit(t, "referral", stream, &referralv1.ReferralReceived{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: ca,
			Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, ReceivedOn: date(2026, 6, 1+i)}, r.family, a, "coordinator-a")
		g.emit(t, "referral", stream, &referralv1.CaseEnded{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: ca,
			EndedOn: date(2026, 12, 10+i), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED}, r.family, a, "coordinator-a")
		ended = append(ended, r)
	}
	g.settle(t)
	ask := func(kind reportingv1.PeriodKind, number int32) *reportingv1.GetFiguresResponse {
		t.Helper()
		resp, err := an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: true,
			Period: &reportingv1.Period{Kind: kind, Year: 2026, Number: number}})
		require.NoError(t, err)
		return resp
	}
	selfArranged := func(resp *reportingv1.GetFiguresResponse) map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, f := range resp.GetFigures() {
			if f.GetMeasure() == "cases_ended" && f.GetCategory() == "CASE_OUTCOME_SELF_ARRANGED" {
				out[f.GetScope()] = f.GetShown()
			}
		}
		return out
	}
	month, quarter, year := reportingv1.PeriodKind_PERIOD_KIND_MONTH, reportingv1.PeriodKind_PERIOD_KIND_QUARTER, reportingv1.PeriodKind_PERIOD_KIND_YEAR
	seven := map[string]string{"national": "7", "region": "7", "centre": "7"}
	first := ask(month, 12) // December's first publication records 2026Q4 and 2026 too
	require.False(t, first.GetRevised())
	require.Equal(t, seven, selfArranged(first))

	// One ending reopened, another corrected to a handover.
	g.emit(t, "referral", "referral-"+ended[0].id.String(), &referralv1.CaseReopened{ReferralId: ended[0].id.String(),
		FamilyId: ended[0].family.String(), CentreId: ca, ReopenedOn: date(2027, 1, 8), EndingVersion: 2, EndedOn: date(2026, 12, 10),
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED}, ended[0].family, a, "coordinator-a")
	g.emit(t, "referral", "referral-"+ended[1].id.String(), &referralv1.CaseEndingCorrected{ReferralId: ended[1].id.String(),
		FamilyId: ended[1].family.String(), CentreId: ca, CorrectedOn: date(2027, 1, 8), EndingVersion: 2, EndedOn: date(2026, 12, 11),
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER, PreviousOutcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED},
		ended[1].family, a, "coordinator-a")
	g.settle(t)
	// Exact, the figures count the corrections.
	exact, err := an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Period: &reportingv1.Period{Kind: month, Year: 2026, Number: 12}})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"national": "5", "region": "5", "centre": "5"}, selfArranged(exact))

	withheld := map[string]string{"national": "*", "region": "*", "centre": "*"}
	for _, p := range []struct {
		kind   reportingv1.PeriodKind
		number int32
	}{{year, 0}, {month, 12}, {quarter, 4}} {
		resp := ask(p.kind, p.number)
		require.True(t, resp.GetRevised(), "%v %d: its figures differ from those it was first published with", p.kind, p.number)
		require.Equal(t, withheld, selfArranged(resp), "%v %d: 7 first published, 5 shown would give the 2 corrected", p.kind, p.number)
		for _, f := range resp.GetFigures() {
			if f.GetMeasure() == "cases_ended" && f.GetBreakdown() == "" {
				require.NotEqual(t, "6", f.GetShown(), "%v %d: the total, 7 first, would give the 1 reopened", p.kind, p.number)
			}
		}
	}
}

// Review 70 (decision 366): a period in which no one attended a first session published a
// national waiting time "*" (read as 1 to 4 referrals), and the exact figures gave it as 0.0 days.
// A waiting time over no referrals has no row (docs/return.md); the counts keep their 0.
func TestAPeriodWithNoFirstSessionHasNoWaitingTime(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2027, 1, 8, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	an := g.analyst(t)
	a := g.centre(t, commonv1.Region_REGION_NORTH_WEST)
	r, family := uuid.New(), uuid.New()
	g.emit(t, "referral", "referral-"+r.String(), &referralv1.ReferralReceived{ReferralId: r.String(), FamilyId: family.String(), CentreId: a.String(),
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, ReceivedOn: date(2026, 12, 2)}, family, a, "coordinator-a")
	g.settle(t)
	for _, publish := range []bool{true, false} {
		for _, p := range []*reportingv1.Period{
			{Kind: reportingv1.PeriodKind_PERIOD_KIND_MONTH, Year: 2026, Number: 12},
			{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: 2026, Number: 3},
			{Kind: reportingv1.PeriodKind_PERIOD_KIND_YEAR, Year: 2025},
		} {
			resp, err := an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: publish, Period: p})
			require.NoError(t, err)
			received := false
			for _, f := range resp.GetFigures() {
				require.NotContains(t, []string{"waiting_days_median", "waiting_days_p90"}, f.GetMeasure(),
					"%v (published %v): no first session, no waiting time; %s %s %s", p, publish, f.GetMeasure(), f.GetScope(), f.GetShown())
				received = received || (f.GetMeasure() == "referrals_received" && f.GetScope() == "national" && f.GetBreakdown() == "")
			}
			require.True(t, received, "%v (published %v): the counts keep their national row", p, publish)
		}
	}
}
