package reporting_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 35: a wrong outcome stayed in the national return for good, and a case ended by mistake
// had no way back. A corrected ending counts in cases_ended by its corrected outcome, in the
// period of the ending (not of the correction); a reopened case's ending is no longer counted.
// The centre's history says what was corrected and that the case was reopened; a parent's copy
// says nothing of the correction beyond its bare "Case ended", and says the case was reopened.
func TestACorrectedEndingCountsItsOutcomeAndAReopenedOneNone(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.centre(t, commonv1.Region_REGION_LONDON)
	cs, supported := a.String(), commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	start := func() (uuid.UUID, uuid.UUID, string) {
		f, r := uuid.New(), uuid.New()
		ref := "referral-" + r.String()
		g.emit(t, "referral", ref, &referralv1.ReferralReceived{ReferralId: r.String(), FamilyId: f.String(), CentreId: cs,
			Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, RequestedServiceType: supported, ReceivedOn: date(2026, 3, 2)}, f, a, "coordinator-a")
		g.emit(t, "referral", ref, &referralv1.ReferralAccepted{ReferralId: r.String(), FamilyId: f.String(), CentreId: cs,
			AcceptedOn: date(2026, 3, 3), ServiceType: supported}, f, a, "coordinator-a")
		g.emit(t, "referral", ref, &referralv1.FirstSessionAttended{ReferralId: r.String(), FamilyId: f.String(), CentreId: cs,
			SessionOn: date(2026, 4, 4)}, f, a, "service:referral")
		return f, r, ref
	}
	// Ended self-arranged on 20 June (the second quarter), corrected on 2 July (the third).
	f1, r1, ref1 := start()
	g.emit(t, "referral", ref1, &referralv1.CaseEnded{ReferralId: r1.String(), FamilyId: f1.String(), CentreId: cs, EndedOn: date(2026, 6, 20),
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED}, f1, a, "coordinator-a")
	g.emit(t, "referral", ref1, &referralv1.CaseEndingCorrected{ReferralId: r1.String(), FamilyId: f1.String(), CentreId: cs,
		CorrectedOn: date(2026, 7, 2), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY,
		PreviousOutcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, EndingVersion: 4, EndedOn: date(2026, 6, 20)}, f1, a, "coordinator-a")
	// Ended withdrawn on 1 May by mistake, reopened on 10 May.
	f2, r2, ref2 := start()
	g.emit(t, "referral", ref2, &referralv1.CaseEnded{ReferralId: r2.String(), FamilyId: f2.String(), CentreId: cs, EndedOn: date(2026, 5, 1),
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN}, f2, a, "coordinator-a")
	fam2 := "family-" + f2.String()
	g.emit(t, "scheduling", fam2, &schedulingv1.ContactEnded{FamilyId: f2.String(), CentreId: cs, ReferralId: r2.String(), EndedOn: date(2026, 5, 1)}, f2, a, "service:scheduling")
	g.emit(t, "referral", ref2, &referralv1.CaseReopened{ReferralId: r2.String(), FamilyId: f2.String(), CentreId: cs, ReopenedOn: date(2026, 5, 10),
		EndingVersion: 4, EndedOn: date(2026, 5, 1), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN,
		State: referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT}, f2, a, "coordinator-a")
	g.emit(t, "scheduling", fam2, &schedulingv1.ContactReopened{FamilyId: f2.String(), CentreId: cs, ReferralId: r2.String(),
		ReopenedOn: date(2026, 5, 10), EndedOn: date(2026, 5, 1)}, f2, a, "service:scheduling")
	g.settle(t)

	an := g.analyst(t)
	quarter := reportingv1.PeriodKind_PERIOD_KIND_QUARTER
	q2, q3 := figures(t, an, quarter, 2026, 2, "", false), figures(t, an, quarter, 2026, 3, "", false)
	national := "cases_ended|national|REGION_UNSPECIFIED||outcome|"
	require.Equal(t, 1.0, q2[national+"CASE_OUTCOME_ENDED_FOR_SAFETY"].GetValue(), "counted by the corrected outcome")
	require.Zero(t, q2[national+"CASE_OUTCOME_SELF_ARRANGED"].GetValue(), "not by the outcome corrected")
	require.Zero(t, q2[national+"CASE_OUTCOME_WITHDRAWN"].GetValue(), "a reopened case's ending is not counted")
	for key, f := range q3 {
		if strings.HasPrefix(key, "cases_ended|") {
			require.Zero(t, f.GetValue(), "the correction's quarter counts no ending: %s", key)
		}
	}

	words := func(family uuid.UUID, purpose reportingv1.HistoryReadPurpose) []string {
		h, err := g.coordinator(t, a).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: family.String(), CentreId: cs, Purpose: purpose})
		require.NoError(t, err)
		var out []string
		for _, e := range h.GetEntries() {
			out = append(out, e.GetDescription())
		}
		return out
	}
	review, parent := reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW, reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST
	h1 := words(f1, review)
	require.Equal(t, []string{"Case ended on 2026-06-20: self arranged", "Case ending corrected: outcome ended for safety (was self arranged)"}, h1[len(h1)-2:])
	p1 := words(f1, parent)
	require.Equal(t, "Case ended on 2026-06-20", p1[len(p1)-1], "a parent's copy says nothing of the correction")
	require.Len(t, p1, len(h1)-1)
	h2 := words(f2, review)
	require.Equal(t, []string{
		"Case ended on 2026-05-01: withdrawn",
		"Scheduling noted contact ended: future bookings cancelled",
		"Case reopened: its ending on 2026-05-01 (withdrawn) was a mistake; the case is in contact again",
		"Scheduling noted the case reopened: the family may be booked again; bookings cancelled at the ending stay cancelled",
	}, h2[len(h2)-4:])
	p2 := words(f2, parent)
	require.Equal(t, []string{"Case ended on 2026-05-01", "Scheduling noted contact ended: future bookings cancelled", "Case reopened",
		"Scheduling noted the case reopened: the family may be booked again; bookings cancelled at the ending stay cancelled"}, p2[len(p2)-4:])
}
