package reporting_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

// Review 63 finding 5: after a person confirmed that the child on a new referral is the child of
// an earlier case that stepped down, the new family's history said only that "a child on a
// possible duplicate referral" was the same child, and the earlier family's history said nothing
// of the family being referred again. Now the new family's step names the earlier referral, its
// centre and how its case ended, as the history stood at each moment read; the earlier family's
// history says it was referred again; neither is in a parent's copy; both histories verify; and a
// rebuild says the same (decision 349).
func TestBothFamiliesHistoriesLinkAChildReferredAgain(t *testing.T) {
	g := newRig(t)
	earlierCentre, laterCentre := g.centre(t, commonv1.Region_REGION_LONDON), g.centre(t, commonv1.Region_REGION_LONDON)
	type referral struct{ id, family, centre uuid.UUID }
	received := func(centre uuid.UUID) referral {
		r := referral{uuid.New(), uuid.New(), centre}
		g.emit(t, "referral", "referral-"+r.id.String(), &referralv1.ReferralReceived{ReferralId: r.id.String(), FamilyId: r.family.String(),
			CentreId: centre.String(), Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR,
			RequestedServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, ReceivedOn: date(2026, 1, 5)}, r.family, centre, "referrer-1")
		return r
	}
	earlier, later, elsewhere := received(earlierCentre), received(laterCentre), received(earlierCentre)
	g.emit(t, "referral", "referral-"+later.id.String(), &referralv1.SameChildConfirmed{ReferralId: later.id.String(), FamilyId: later.family.String(),
		CentreId: laterCentre.String(), ChildPersonId: uuid.NewString(), OtherReferralId: earlier.id.String(), OtherChildPersonId: uuid.NewString(),
		ConfirmedOn: date(2026, 3, 10), ConfirmerRole: referralv1.ConfirmerRole_CONFIRMER_ROLE_COORDINATOR}, later.family, laterCentre, "coordinator-b")
	// A confirmation against another referral of the earlier centre is not the earlier family's.
	g.emit(t, "referral", "referral-"+later.id.String(), &referralv1.SameChildConfirmed{ReferralId: later.id.String(), FamilyId: later.family.String(),
		CentreId: laterCentre.String(), ChildPersonId: uuid.NewString(), OtherReferralId: elsewhere.id.String(), OtherChildPersonId: uuid.NewString(),
		ConfirmedOn: date(2026, 3, 11), ConfirmerRole: referralv1.ConfirmerRole_CONFIRMER_ROLE_COORDINATOR}, later.family, laterCentre, "coordinator-b")
	g.settle(t)
	read := func(r referral, purpose reportingv1.HistoryReadPurpose, asOf *timestamppb.Timestamp) []*reportingv1.HistoryEntry {
		t.Helper()
		h, err := g.coordinator(t, r.centre).GetFamilyHistory(t.Context(), &reportingv1.GetFamilyHistoryRequest{FamilyId: r.family.String(),
			CentreId: r.centre.String(), Purpose: purpose, AsOf: asOf})
		require.NoError(t, err)
		return h.GetEntries()
	}
	courts := reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_COURT
	linked := func(entries []*reportingv1.HistoryEntry) []string {
		var out []string
		for _, e := range entries {
			if e.GetEventType() == "familytime.referral.v1.SameChildConfirmed" {
				out = append(out, e.GetDescription())
			}
		}
		return out
	}
	laterSteps := read(later, courts, nil)
	confirmedAt, bothConfirmedAt := laterSteps[1].GetRecordedAt(), laterSteps[2].GetRecordedAt()
	confirmedOfEarlier := "Confirmed that a child on this referral, a possible duplicate, is the same child as on referral " + earlier.id.String() +
		" (at centre " + earlierCentre.String() + ")"
	confirmedOfElsewhere := "Confirmed that a child on this referral, a possible duplicate, is the same child as on referral " + elsewhere.id.String() +
		" (at centre " + earlierCentre.String() + ")"
	require.Equal(t, []string{confirmedOfEarlier, confirmedOfElsewhere}, linked(read(later, courts, nil)), "before the earlier case ended")

	// The earlier case ends, stepped down, and its ending is corrected.
	g.emit(t, "referral", "referral-"+earlier.id.String(), &referralv1.CaseEnded{ReferralId: earlier.id.String(), FamilyId: earlier.family.String(),
		CentreId: earlierCentre.String(), EndedOn: date(2026, 3, 20), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER}, earlier.family, earlierCentre, "coordinator-a")
	g.emit(t, "referral", "referral-"+earlier.id.String(), &referralv1.CaseEndingCorrected{ReferralId: earlier.id.String(), FamilyId: earlier.family.String(),
		CentreId: earlierCentre.String(), CorrectedOn: date(2026, 3, 21), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED,
		PreviousOutcome: referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER, EndingVersion: 2, EndedOn: date(2026, 3, 20)}, earlier.family, earlierCentre, "coordinator-a")
	g.settle(t)

	later_ := []string{confirmedOfEarlier + ", whose case ended on 2026-03-20: stepped down to supported", confirmedOfElsewhere}
	require.Equal(t, later_, linked(read(later, courts, nil)), "the later family's history names the earlier referral, its centre and its ending")
	require.Equal(t, []string{confirmedOfEarlier, confirmedOfElsewhere}, linked(read(later, courts, bothConfirmedAt)),
		"as it stood when the child was confirmed, the earlier case had not ended")

	referredAgain := "Referred again: referral " + later.id.String() + " (at centre " + laterCentre.String() + ") confirmed on 2026-03-10 as having " +
		"the same child as this family's referral " + earlier.id.String()
	earlier_ := read(earlier, courts, nil)
	require.Equal(t, []string{referredAgain}, linked(earlier_), "the earlier family's history says it was referred again")
	var types []string
	for _, e := range earlier_ {
		types = append(types, e.GetEventType())
	}
	require.Equal(t, []string{"familytime.referral.v1.ReferralReceived", "familytime.referral.v1.SameChildConfirmed",
		"familytime.referral.v1.CaseEnded", "familytime.referral.v1.CaseEndingCorrected"}, types, "in the order recorded")
	require.Equal(t, "referral-"+later.id.String(), earlier_[1].GetStreamId(), "the step is the later referral's event")
	require.Equal(t, laterCentre.String(), earlier_[1].GetCentreId())
	require.Equal(t, "coordinator", earlier_[1].GetActorRole())
	require.Empty(t, earlier_[1].GetActor(), "another centre's account is not named")
	require.Equal(t, int32(10), earlier_[1].GetOccurredOn().GetDay())
	require.Empty(t, linked(read(earlier, courts, timestamppb.New(confirmedAt.AsTime().Add(-1)))), "not before it was confirmed")
	require.Len(t, linked(read(elsewhere, courts, nil)), 1, "the other referral's family has its own")

	// A parent's copy of either family says nothing of the other (decision 260).
	for _, r := range []referral{earlier, later} {
		for _, e := range read(r, reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST, nil) {
			require.NotContains(t, e.GetDescription(), "referral "+earlier.id.String()[:8])
			require.NotContains(t, e.GetDescription(), later.id.String()[:8])
			require.False(t, strings.Contains(e.GetDescription(), "same child") || strings.Contains(e.GetDescription(), "Referred again"), e.GetDescription())
		}
	}
	// Both histories verify: the earlier family's step is not a row of its own.
	for _, r := range []referral{earlier, later, elsewhere} {
		v, err := g.coordinator(t, r.centre).VerifyFamilyHistory(t.Context(), &reportingv1.VerifyFamilyHistoryRequest{FamilyId: r.family.String(),
			CentreId: r.centre.String()})
		require.NoError(t, err)
		require.True(t, v.GetVerified(), v.GetReason())
	}
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM reporting.same_children WHERE referral_id = $1 AND other_referral_id = $2", later.id, earlier.id))

	// A rebuild gives the same.
	rebuilt := g.rebuilt(t)
	require.True(t, rebuilt.GetSwapped())
	require.Zero(t, rebuilt.GetSkipped())
	require.Equal(t, later_, linked(read(later, courts, nil)), "after a rebuild")
	require.Equal(t, []string{referredAgain}, linked(read(earlier, courts, nil)), "after a rebuild")
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM reporting.same_children WHERE referral_id = $1 AND other_referral_id = $2", later.id, earlier.id))
}
