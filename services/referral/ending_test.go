package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// attended has scheduling report a session of the referral's family today, of the kind st, and
// waits until referral has noted that contact began.
func (g *rig) attended(t *testing.T, w *casework, ref string, st commonv1.ServiceType) {
	t.Helper()
	got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	family := got.GetReferral().GetFamilyId()
	publish(t, g.scheduling, "family-"+family, &schedulingv1.SessionCompleted{BookingId: uuid.NewString(), FamilyId: family,
		CentreId: w.centre.String(), SessionDate: date(today()), ServiceType: st}, uuid.MustParse(family), w.centre)
	require.Eventually(t, func() bool {
		got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral().GetState() == referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT
	}, 30*time.Second, 10*time.Millisecond, "referral notes the first session")
}

// Review 22 screened a family red with domestic abuse found and accepted it for handover ("domestic
// abuse finding: yes"). A finding leaves supervised contact only (decision 168): handover is
// refused for acceptance and the waiting list, appending nothing, and a family waitlisted for no
// kind in particular waits for supervised contact.
func TestADomesticAbuseFindingLeavesOnlySupervisedContact(t *testing.T) {
	g := newRig(t)
	handover := commonv1.ServiceType_SERVICE_TYPE_HANDOVER
	w := g.casework(t, g.centre(t, supported, supervised, handover))
	ref := w.submit(handover, func(d *referralv1.ReferralDetails) {
		d.Risk.DomesticAbuse = true
		d.Adults[1].MayCollect = true // the children pass to the other parent at a handover (review 53)
	}).GetReferralId()
	w.screen(ref, referralv1.RiskRating_RISK_RATING_RED, true)

	before := g.events(t)
	_, err := w.accept(ref, handover)
	refused(t, err, codes.FailedPrecondition, "DOMESTIC_ABUSE_NEEDS_SUPERVISED")
	require.Contains(t, status.Convert(err).Message(), "leaves supervised contact only")
	_, err = w.waitlist(ref, handover)
	refused(t, err, codes.FailedPrecondition, "DOMESTIC_ABUSE_NEEDS_SUPERVISED")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	_, err = w.waitlist(ref, 0)
	require.NoError(t, err)
	require.Equal(t, supervised, waitlistedFor(t, g, ref), "the family waits for supervised contact, not the handover asked for")
	accepted, err := w.accept(ref, supervised)
	require.NoError(t, err)
	require.Equal(t, supervised, accepted.GetReferral().GetServiceType())
}

// Review 22 ended as self-arranged a case ready for contact that never had a session, and `referral
// show` said neither how nor when it ended. An outcome that says contact moved on needs contact to
// have begun (CONTACT_NOT_STARTED, naming the outcomes that fit), appending nothing; the summary of
// an ended case carries its outcome and end date (decision 168), and so does one stored before it
// carried them.
func TestACaseWhoseContactNeverBeganDoesNotEndAsMovingOn(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	w := g.casework(t, g.centre(t, supported, supervised))
	ref := w.ready(supported)
	end := func(outcome referralv1.CaseOutcome) (*referralv1.EndCaseResponse, error) {
		return w.c.EndCase(ctx, &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(),
			Outcome: outcome, Note: "Ended for the test"})
	}
	before := g.events(t)
	for _, outcome := range []referralv1.CaseOutcome{referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED,
		referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER, referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED} {
		_, err := end(outcome)
		refused(t, err, codes.FailedPrecondition, "CONTACT_NOT_STARTED")
		require.Contains(t, status.Convert(err).Message(), "ends referred back to the court, withdrawn or ended for safety")
	}
	require.Equal(t, before, g.events(t), "refusals append nothing")

	ended, err := end(referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT)
	require.NoError(t, err)
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, ended.GetReferral().GetOutcome())
	require.True(t, proto.Equal(date(today()), ended.GetReferral().GetEndedOn()), "%v", ended.GetReferral().GetEndedOn())
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, got.GetReferral().GetOutcome())
	require.True(t, proto.Equal(date(today()), got.GetReferral().GetEndedOn()))

	// A summary stored before it carried them reads them from the CaseEnded event.
	var raw []byte
	require.NoError(t, g.owner.QueryRow(ctx, "SELECT summary FROM referrals WHERE referral_id = $1", ref).Scan(&raw))
	var stored referralv1.Referral
	require.NoError(t, proto.Unmarshal(raw, &stored))
	stored.Outcome, stored.EndedOn = 0, nil
	raw, err = proto.Marshal(&stored)
	require.NoError(t, err)
	_, err = g.owner.Exec(ctx, "UPDATE referrals SET summary = $2 WHERE referral_id = $1", ref, raw)
	require.NoError(t, err)
	got, err = w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, got.GetReferral().GetOutcome())
	require.True(t, proto.Equal(date(today()), got.GetReferral().GetEndedOn()))
	listed, err := w.c.ListReferrals(ctx, &referralv1.ListReferralsRequest{CentreId: w.centre.String(), State: referralv1.ReferralState_REFERRAL_STATE_ENDED})
	require.NoError(t, err)
	require.Len(t, listed.GetReferrals(), 1)
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, listed.GetReferrals()[0].GetOutcome())
}

// Review 22 withdrew a referral while the family was checked in at its first supervised session;
// the session was then completed, and the figures had the referral withdrawn and never attended
// with its session attended. A withdrawal while the first session is under way (someone checked in
// today, as scheduling's events tell referral) is refused, CONTACT_STARTED, saying to end the case
// withdrawn; the session completed after the end is recorded as the case's first, and the case
// stays ended (decision 168).
func TestAWithdrawalDuringTheFirstSessionEndsTheCaseInstead(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	w := g.casework(t, g.centre(t, supervised))
	ref := w.ready(supervised)
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	family := got.GetReferral().GetFamilyId()
	f := uuid.MustParse(family)
	// The first session was held yesterday and is not yet recorded as completed: contact began all
	// the same (review 23 withdrew the day after).
	booking, held := uuid.NewString(), today().AddDate(0, 0, -1)
	publish(t, g.scheduling, "family-"+family, &schedulingv1.PersonCheckedIn{BookingId: booking, FamilyId: family, CentreId: w.centre.String(),
		PersonId: uuid.NewString(), Role: schedulingv1.PersonRole_PERSON_ROLE_CHILD, At: timestamppb.New(time.Now().AddDate(0, 0, -1))}, f, w.centre)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM sessions_under_way WHERE family_id = $1", f) == 1
	}, 30*time.Second, 10*time.Millisecond, "referral learns the session is under way")

	before := g.events(t)
	_, err = w.c.WithdrawReferral(ctx, &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(),
		WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_RESIDENT_PARENT})
	refused(t, err, codes.FailedPrecondition, "CONTACT_STARTED")
	require.Contains(t, status.Convert(err).Message(), "end the case with the outcome withdrawn")
	require.Equal(t, before, g.events(t), "a refused withdrawal appends nothing")

	_, err = w.c.EndCase(ctx, &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(),
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, Note: "The mother withdrew during the first session"})
	require.NoError(t, err)
	publish(t, g.scheduling, "family-"+family, &schedulingv1.SessionCompleted{BookingId: booking, FamilyId: family, CentreId: w.centre.String(),
		SessionDate: date(held), ServiceType: supervised}, f, w.centre)
	require.Eventually(t, func() bool {
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral().GetFirstSessionOn() != nil
	}, 30*time.Second, 10*time.Millisecond, "the session completed after the end is the case's first")
	got, err = w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ENDED, got.GetReferral().GetState())
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, got.GetReferral().GetOutcome())
	require.True(t, proto.Equal(date(held), got.GetReferral().GetFirstSessionOn()))
	require.Equal(t, []string{"CaseEnded", "FirstSessionAttended"}, g.eventTypes(t, ref)[len(g.eventTypes(t, ref))-2:])

	// A family ready for contact is withdrawn as before when no session is under way, or when
	// today's was called off (here the visiting parent did not come, after the child was checked in).
	other := w.ready(supervised)
	got, err = w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: other, CentreId: w.centre.String()})
	require.NoError(t, err)
	otherFamily := got.GetReferral().GetFamilyId()
	of, missed := uuid.MustParse(otherFamily), uuid.NewString()
	publish(t, g.scheduling, "family-"+otherFamily, &schedulingv1.PersonCheckedIn{BookingId: missed, FamilyId: otherFamily, CentreId: w.centre.String(),
		PersonId: uuid.NewString(), Role: schedulingv1.PersonRole_PERSON_ROLE_CHILD, At: timestamppb.Now()}, of, w.centre)
	publish(t, g.scheduling, "family-"+otherFamily, &schedulingv1.NoShowRecorded{BookingId: missed, FamilyId: otherFamily, CentreId: w.centre.String(),
		SessionDate: date(today())}, of, w.centre)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM sessions_under_way WHERE family_id = $1 AND called_off", of) == 1
	}, 30*time.Second, 10*time.Millisecond, "referral learns the session was called off")
	_, err = w.c.WithdrawReferral(ctx, &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: other, CentreId: w.centre.String(),
		WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER})
	require.NoError(t, err)
}
