package reporting_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

// Review 80 (decision 392): an amendment of the risk answers undid an acceptance (and, at another
// centre, a waitlisting) with its screening, and the return counted the referral accepted and
// declined, and waitlisted at the quarter's end though nothing was. A decision undone is no longer
// counted; the referral counts by the decision made again. The history says it was undone.
func TestADecisionUndoneIsNotCounted(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.centre(t, commonv1.Region_REGION_LONDON)
	cs, supported := a.String(), commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	received := func() (uuid.UUID, uuid.UUID, string) {
		f, r := uuid.New(), uuid.New()
		ref := "referral-" + r.String()
		g.emit(t, "referral", ref, &referralv1.ReferralReceived{ReferralId: r.String(), FamilyId: f.String(), CentreId: cs,
			Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, RequestedServiceType: supported, ReceivedOn: date(2026, 3, 2)}, f, a, "coordinator-a")
		return f, r, ref
	}
	undo := func(f, r uuid.UUID, ref string) {
		g.emit(t, "referral", ref, &referralv1.ReferralAmended{ReferralId: r.String(), FamilyId: f.String(), CentreId: cs,
			AmendedOn: date(2026, 3, 9), ScreeningVoid: true, DecisionVoid: true}, f, a, "coordinator-a")
	}
	// Accepted, undone, declined for domestic abuse.
	f1, r1, ref1 := received()
	g.emit(t, "referral", ref1, &referralv1.ReferralAccepted{ReferralId: r1.String(), FamilyId: f1.String(), CentreId: cs,
		AcceptedOn: date(2026, 3, 3), ServiceType: supported}, f1, a, "coordinator-a")
	undo(f1, r1, ref1)
	g.emit(t, "referral", ref1, &referralv1.ReferralDeclined{ReferralId: r1.String(), FamilyId: f1.String(), CentreId: cs,
		DeclinedOn: date(2026, 3, 10), Reason: referralv1.DeclineReason_DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY}, f1, a, "coordinator-a")
	// Waitlisted, undone, not decided again by the quarter's end.
	f2, r2, ref2 := received()
	g.emit(t, "referral", ref2, &referralv1.ReferralWaitlisted{ReferralId: r2.String(), FamilyId: f2.String(), CentreId: cs,
		WaitlistedOn: date(2026, 3, 3), ServiceType: supported}, f2, a, "coordinator-a")
	undo(f2, r2, ref2)
	// Accepted and kept: still counted.
	f3, r3, ref3 := received()
	g.emit(t, "referral", ref3, &referralv1.ReferralAccepted{ReferralId: r3.String(), FamilyId: f3.String(), CentreId: cs,
		AcceptedOn: date(2026, 3, 3), ServiceType: supported}, f3, a, "coordinator-a")
	g.settle(t)

	q1 := figures(t, g.analyst(t), reportingv1.PeriodKind_PERIOD_KIND_QUARTER, 2026, 1, "", false)
	national := "|national|REGION_UNSPECIFIED||"
	require.Equal(t, 1.0, q1["referrals_accepted"+national+"service_type|SERVICE_TYPE_SUPPORTED"].GetValue(), "the acceptance kept, not the one undone")
	require.Equal(t, 1.0, q1["referrals_declined"+national+"reason|DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY"].GetValue())
	require.Contains(t, q1, "referrals_waitlisted_at_end"+national+"|")
	require.Zero(t, q1["referrals_waitlisted_at_end"+national+"|"].GetValue(), "the waitlisting undone")

	h, err := g.coordinator(t, a).GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: f1.String(), CentreId: cs,
		Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
	require.NoError(t, err)
	var said []string
	for _, e := range h.GetEntries() {
		said = append(said, e.GetDescription())
	}
	require.Contains(t, said, "Referral amended; risk answers changed, so it is screened again, and its waitlisting or acceptance "+
		"is undone until it is decided again")
}
