package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
)

// What was left of review 62 finding 3, and the refusal that told a second applicant the other
// parent had applied (decision 344).

// A self-referral waiting for the second parent's application says how many days it has waited,
// by the service's clock (the dev platform's may be simulated, so the CLI cannot count them),
// in GetReferral and ListReferrals alike; any other referral, and the self-referral once the
// second parent has applied, says none.
func TestASelfReferralSaysHowLongItHasWaitedForTheSecondParent(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	local := time.Now().In(london)
	// Forty days on from the workstation's today, at noon at the centre.
	start := time.Date(local.Year(), local.Month(), local.Day()+40, 12, 0, 0, 0, london)
	sim := clock.NewSimulated(start)
	g := newRigOn(t, sim)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()

	d := details(resident())
	d.Referrer = nil
	sub, err := w.c.SubmitReferral(ctx, submitRequest(w.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	self := sub.GetReferral().GetReferralId()
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY, sub.GetReferral().GetState())
	other := w.submit(supported).GetReferralId()

	get := func(id string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}
	listed := func(id string) *referralv1.Referral {
		t.Helper()
		list, err := w.c.ListReferrals(ctx, &referralv1.ListReferralsRequest{CentreId: w.centre.String(), PageSize: 100})
		require.NoError(t, err)
		for _, r := range list.GetReferrals() {
			if r.GetReferralId() == id {
				return r
			}
		}
		require.Failf(t, "not listed", "%s", id)
		return nil
	}
	require.Zero(t, get(self).GetAwaitingSecondPartyDays(), "the day it arrived")

	// Twenty-three days on by the service's clock: sixty-three by nobody's workstation.
	require.NoError(t, sim.Set(start.AddDate(0, 0, 23)))
	require.EqualValues(t, 23, get(self).GetAwaitingSecondPartyDays())
	require.EqualValues(t, 23, listed(self).GetAwaitingSecondPartyDays())
	require.Zero(t, get(other).GetAwaitingSecondPartyDays(), "a solicitor's referral waits for no second parent")
	require.Zero(t, listed(other).GetAwaitingSecondPartyDays())

	// The second parent applies (a coordinator enters the paper application): the wait is over.
	applied, err := w.c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: self, CentreId: w.centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_RECEIVED, applied.GetReferral().GetState())
	require.Zero(t, applied.GetReferral().GetAwaitingSecondPartyDays())
	require.Zero(t, get(self).GetAwaitingSecondPartyDays())
	require.Zero(t, listed(self).GetAwaitingSecondPartyDays())
}

// Whoever applies as a referrer to a self-referral that no longer waits for a second parent (the
// other parent applied, or it was declined or withdrawn) is refused exactly as for children that
// do not match (decision 97's one message, nothing appended), whether the second parent again,
// another referrer or the first parent: NOT_AWAITING_SECOND_PARTY told them the other parent had
// applied, REFERRAL_CLOSED that the referral had moved on. A coordinator is told the reason.
func TestAnApplicantIsNotToldThatTheReferralNoLongerWaits(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	w := g.casework(t, centre)
	referrer := []auth.Role{auth.RoleReferrer}
	first := g.client(t, "parent-1", referrer, centre)
	second := g.client(t, "parent-2", referrer, centre)
	another := g.client(t, "parent-3", referrer, centre)
	ctx := t.Context()

	d := details(resident())
	d.Referrer = nil
	children := d.GetChildren()
	submitSelf := func() string {
		t.Helper()
		sub, err := first.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
		require.NoError(t, err)
		return sub.GetReferral().GetReferralId()
	}
	apply := func(c referralv1.ReferralServiceClient, ref string, children ...*referralv1.Child) error {
		_, err := c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
			ReferralId: ref, CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
			Children: children})
		return err
	}

	waiting := submitSelf()
	stranger := &referralv1.Child{FullName: "Someone Else", DateOfBirth: date(today().AddDate(-5, 0, 0))}
	mismatch := apply(another, waiting, stranger)
	refused(t, mismatch, codes.FailedPrecondition, "APPLICATION_DOES_NOT_MATCH")
	oneMessage := status.Convert(mismatch).Proto()

	received := submitSelf()
	require.NoError(t, apply(second, received, children...))
	declined := submitSelf()
	_, err := w.decline(declined, referralv1.DeclineReason_DECLINE_REASON_NO_AGREEMENT, "", "")
	require.NoError(t, err)
	withdrawn := submitSelf()
	_, err = w.c.WithdrawReferral(ctx, &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: withdrawn,
		CentreId: centre.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_RESIDENT_PARENT})
	require.NoError(t, err)

	before := g.events(t)
	for name, ref := range map[string]string{"the other parent applied": received, "declined": declined, "withdrawn": withdrawn} {
		for who, c := range map[string]referralv1.ReferralServiceClient{"the second parent again": second,
			"another referrer": another, "the first parent": first} {
			got := status.Convert(apply(c, ref, children...)).Proto()
			require.True(t, proto.Equal(oneMessage, got), "%s, %s: %v, not decision 97's one message: %v", name, who, got, oneMessage)
		}
	}
	require.Equal(t, before, g.events(t), "refusals append nothing")

	// The coordinator, who may read the referral anyway, keeps the specific reason.
	refused(t, apply(w.c, received, children...), codes.FailedPrecondition, "NOT_AWAITING_SECOND_PARTY")
	refused(t, apply(w.c, received), codes.FailedPrecondition, "NOT_AWAITING_SECOND_PARTY")
	refused(t, apply(w.c, declined), codes.FailedPrecondition, "REFERRAL_CLOSED")
	refused(t, apply(w.c, withdrawn), codes.FailedPrecondition, "REFERRAL_CLOSED")
	require.Equal(t, before, g.events(t), "refusals append nothing")
}

// Review 65 finding 6 (decision 353): decision 344's hint offered withdrawing a self-referral still
// waiting for the second parent "by non-resident-parent", and the service recorded a withdrawal by
// a parent who never applied. That parent's withdrawal is refused, naming who may, and nothing is
// appended; the parent who applied withdraws it.
func TestASelfReferralIsNotWithdrawnByAParentWhoNeverApplied(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	d := details(resident())
	d.Referrer = nil
	sub, err := w.c.SubmitReferral(ctx, submitRequest(w.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	self := sub.GetReferral().GetReferralId()
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY, sub.GetReferral().GetState())

	withdraw := func(by referralv1.WithdrawnBy) (*referralv1.WithdrawReferralResponse, error) {
		return w.c.WithdrawReferral(ctx, &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: self,
			CentreId: w.centre.String(), WithdrawnBy: by, Note: "The other parent will not apply"})
	}
	before := g.eventTypes(t, self)
	_, err = withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_NON_RESIDENT_PARENT)
	refused(t, err, codes.InvalidArgument, "withdrawn_by")
	msg := violation(t, err, "withdrawn_by")
	require.Contains(t, msg, "is the parent who has not applied to this self-referral")
	require.Contains(t, msg, "the resident parent, who applied, withdraws it (--by resident-parent)")
	require.Contains(t, msg, "the centre declines it (familytime referral decline "+self+" --centre "+w.centre.String()+
		" --reason no-agreement)")
	require.Equal(t, before, g.eventTypes(t, self), "nothing appended")

	withdrawn, err := withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_RESIDENT_PARENT)
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_WITHDRAWN, withdrawn.GetReferral().GetState())
}
