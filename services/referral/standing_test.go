package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 35 (finding 3): another centre's referral is a possible duplicate only while a hold
// suspends its family's contact or its domestic-abuse finding stands (decision 173), yet its flag
// was shown as before once the hold was lifted, the case ended and the family erased. The flag is
// kept (the events are never edited) and said to stand no longer, as it is read; a flag of an open
// referral at the same centre stands while that referral is open.
func TestAFlagWhoseReasonIsGoneNoLongerStands(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, supported))
	first := a.ready(supported)
	got, err := a.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: first, CentreId: a.centre.String()})
	require.NoError(t, err)
	family := uuid.MustParse(got.GetReferral().GetFamilyId())
	hold := uuid.New()
	publish(t, g.safeguarding, "hold-"+family.String(), &safeguardingv1.HoldPlaced{HoldId: hold.String(), FamilyId: family.String(),
		CentreId: a.centre.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION}, family, a.centre)
	state := func(want referralv1.ReferralState, msg string) {
		t.Helper()
		require.Eventually(t, func() bool {
			got, err := a.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: first, CentreId: a.centre.String()})
			return err == nil && got.GetReferral().GetState() == want
		}, 30*time.Second, 10*time.Millisecond, msg)
	}
	state(referralv1.ReferralState_REFERRAL_STATE_SUSPENDED, "the hold suspends the case")

	b := g.casework(t, g.centre(t, supported))
	elsewhere := b.submit(supported).GetReferralId()
	again := a.submit(supported).GetReferralId()
	flag := func(w *casework, ref string) *referralv1.PossibleDuplicate {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		require.Len(t, got.GetReferral().GetPossibleDuplicates(), 1)
		require.Equal(t, []string{first}, got.GetReferral().GetPossibleDuplicateOf(), "the flag stays recorded")
		listed, err := w.c.ListReferrals(ctx, &referralv1.ListReferralsRequest{CentreId: w.centre.String()})
		require.NoError(t, err)
		for _, l := range listed.GetReferrals() {
			if l.GetReferralId() == ref {
				require.Equal(t, got.GetReferral().GetPossibleDuplicates(), l.GetPossibleDuplicates(), "the list says as show does")
			}
		}
		d := got.GetReferral().GetPossibleDuplicates()[0]
		require.Equal(t, first, d.GetReferralId())
		return d
	}
	require.False(t, flag(b, elsewhere).GetNoLongerStands(), "another centre's referral under a hold")
	require.False(t, flag(a, again).GetNoLongerStands(), "an open referral at the centre")

	publish(t, g.safeguarding, "hold-"+family.String(), &safeguardingv1.HoldLifted{HoldId: hold.String(), FamilyId: family.String(),
		CentreId: a.centre.String()}, family, a.centre)
	state(referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, "the lifted hold resumes the case")
	require.True(t, flag(b, elsewhere).GetNoLongerStands(), "another centre's referral with no hold or finding")
	require.False(t, flag(a, again).GetNoLongerStands(), "an open referral at the centre still")

	_, err = a.end(first, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "The court is to decide contact again")
	require.NoError(t, err)
	require.True(t, flag(a, again).GetNoLongerStands(), "a closed referral at the centre with nothing standing")
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	before := g.events(t)
	_, err = admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: family.String(),
		CentreId: a.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)
	require.True(t, flag(b, elsewhere).GetNoLongerStands(), "an erased family's referral")
	require.True(t, flag(a, again).GetNoLongerStands())
	require.Equal(t, before+1, g.events(t), "reading the flags records nothing")
}

// Review 35 (finding 5): after erasure, opening the family said "No notes recorded with the
// case's steps" and its history gained "Family's details opened". The answer says when and why the
// family was erased, and the request is recorded as one made after the erasure.
func TestAnErasedFamilyIsAnsweredWhenItWasErased(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	w := g.casework(t, g.centre(t, supported))
	ref := w.ready(supported)
	opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: "before the erasure"})
	require.NoError(t, err)
	require.Nil(t, opened.GetFamily().GetErasedOn())
	require.Equal(t, referralv1.ErasureReason_ERASURE_REASON_UNSPECIFIED, opened.GetFamily().GetErasureReason())
	_, err = w.end(ref, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "The court is to decide contact again")
	require.NoError(t, err)
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	_, err = admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: opened.GetFamily().GetFamilyId(),
		CentreId: w.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)

	for _, forPerson := range []string{"", opened.GetFamily().GetAdults()[0].GetPersonId()} {
		after, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(),
			Purpose: "after the erasure", ForPersonId: forPerson})
		require.NoError(t, err)
		require.Equal(t, date(today()), after.GetFamily().GetErasedOn(), "when it was erased")
		require.Equal(t, referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, after.GetFamily().GetErasureReason(), "and why")
		require.Empty(t, after.GetFamily().GetNotes())
	}
	rows, err := g.owner.Query(ctx, `SELECT payload FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened'
		AND family_id = $1 ORDER BY position`, uuid.MustParse(opened.GetFamily().GetFamilyId()))
	require.NoError(t, err)
	var after []bool
	var ev referralv1.FamilyDetailsOpened
	for rows.Next() {
		var payload []byte
		require.NoError(t, rows.Scan(&payload))
		require.NoError(t, proto.Unmarshal(payload, &ev))
		after = append(after, ev.GetAfterErasure())
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []bool{false, true, true}, after, "each request is recorded; those after the erasure say so")
}

// Review 37 (finding 5): on a ready case the lead's check of a possible duplicate is refused, and
// the refusal did not say what to do instead: past the decision, the lead weighs the match by a
// risk assessment of the family.
func TestALeadsCheckPastTheDecisionSaysToAssessTheRisk(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	w := g.casework(t, g.centre(t, supported))
	ref := w.ready(supported)
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	g.onStaff(t, w.centre, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD)
	lead := g.client(t, "lead-1", []auth.Role{auth.RoleSafeguardingLead}, w.centre)
	before := g.events(t)
	_, err = lead.CheckPossibleDuplicate(ctx, &referralv1.CheckPossibleDuplicateRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), OtherReferralId: uuid.NewString(), Note: "Checked with the other centre: another child"})
	refused(t, err, codes.FailedPrecondition, "ALREADY_ACCEPTED")
	require.Contains(t, status.Convert(err).Message(), "familytime safeguarding risk --family "+got.GetReferral().GetFamilyId())
	require.Equal(t, before, g.events(t))
}
