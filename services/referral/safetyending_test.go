package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 63 finding 2: a case ended for safety, with no hold and no finding, and the family
// referred again was not flagged at another centre, and was accepted there for supported
// contact; at the same centre the flag said it no longer stood. An earlier case ended for safety
// keeps the flag standing at every centre, says so, and bars accepting or waitlisting the family
// for any kind of contact until the centre's safeguarding lead weighs it (decision 347).
func TestACaseEndedForSafetyIsWeighedBeforeTheFamilyIsReferredAgain(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	supervised := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	a := g.casework(t, g.centre(t, supported, supervised))
	read := func(w *casework, id string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}
	duplicate := func(r *referralv1.Referral, other string) *referralv1.PossibleDuplicate {
		t.Helper()
		for _, d := range r.GetPossibleDuplicates() {
			if d.GetReferralId() == other {
				return d
			}
		}
		t.Fatalf("referral %s is not flagged as a possible duplicate of %s", r.GetReferralId(), other)
		return nil
	}

	first := a.ready(supported)
	ended, err := a.end(first, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "Threats made by the visiting parent this morning")
	require.NoError(t, err)
	endedOn := ended.GetReferral().GetEndedOn()
	require.NotNil(t, endedOn)

	// At another centre, the child is flagged, said to stand and why, by the other referral's id.
	b := g.casework(t, g.centre(t, supported))
	there := b.submit(supported)
	require.Equal(t, []string{first}, there.GetPossibleDuplicateOf(), "a case ended for safety at another centre is a possible duplicate")
	d := duplicate(read(b, there.GetReferralId()), first)
	require.False(t, d.GetNoLongerStands())
	require.Equal(t, endedOn.String(), d.GetEndedForSafetyOn().String())
	require.True(t, d.GetAtAnotherCentre())
	require.Nil(t, d.GetSafetyEndingWeighedOn())
	b.screen(there.GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)
	before := g.eventTypes(t, there.GetReferralId())
	_, err = b.accept(there.GetReferralId(), supported)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_ENDED_FOR_SAFETY")
	msg := status.Convert(err).Message()
	require.Contains(t, msg, "a family at another centre (its referral "+first)
	require.Contains(t, msg, "ended for safety on ")
	// The command as it runs: check-duplicate requires --centre, the lead's, this referral's
	// (review 65 finding 4, decision 353).
	require.Contains(t, msg, "familytime referral check-duplicate "+there.GetReferralId()+" --other "+first+" --centre "+
		b.centre.String()+" --note ...)")
	_, err = b.waitlist(there.GetReferralId(), supported)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_ENDED_FOR_SAFETY")
	require.Equal(t, before, g.eventTypes(t, there.GetReferralId()), "nothing appended")

	// The lead weighs it: the check says so, not that the family is another, and the family may
	// be accepted.
	checked := g.leadChecks(t, b.centre, there.GetReferralId(), first)
	d = duplicate(checked, first)
	require.NotNil(t, d.GetSafetyEndingWeighedOn())
	require.Nil(t, d.GetCheckedNotTheFamilyOn(), "a check of the ending alone does not say it is another family")
	_, err = b.accept(there.GetReferralId(), supported)
	require.NoError(t, err)

	// At the same centre the flag stands and says why; supervised contact waits for the lead too.
	again := a.submit(supported)
	require.Contains(t, again.GetPossibleDuplicateOf(), first)
	d = duplicate(read(a, again.GetReferralId()), first)
	require.False(t, d.GetNoLongerStands())
	require.False(t, d.GetAtAnotherCentre())
	require.Equal(t, endedOn.String(), d.GetEndedForSafetyOn().String())
	a.screen(again.GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err = a.accept(again.GetReferralId(), supervised)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_ENDED_FOR_SAFETY")
	require.Contains(t, status.Convert(err).Message(), "referral "+first+", whose case ended for safety on")
	// It is the same child: the coordinator confirms it, and the lead still weighs the ending
	// (it is the same family whose contact may go ahead now), which the confirmation does not
	// refuse as it refuses a check that a held family is another.
	child := again.GetChildren()[0].GetPersonId()
	_, err = a.c.ConfirmSameChild(ctx, &referralv1.ConfirmSameChildRequest{RequestId: uuid.NewString(), ReferralId: again.GetReferralId(),
		CentreId: a.centre.String(), ChildPersonId: child, OtherReferralId: first})
	require.NoError(t, err)
	g.leadChecks(t, a.centre, again.GetReferralId(), first)
	_, err = a.accept(again.GetReferralId(), supervised)
	require.NoError(t, err)

	// An ending corrected to another outcome no longer stands, at another centre.
	_, err = a.correct(first, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "Recorded as the wrong outcome: the court decides")
	require.NoError(t, err)
	require.True(t, duplicate(read(b, there.GetReferralId()), first).GetNoLongerStands())
	c := g.casework(t, g.centre(t, supported))
	require.NotContains(t, c.submit(supported).GetPossibleDuplicateOf(), first, "a case referred back to court is no other centre's business")
}
