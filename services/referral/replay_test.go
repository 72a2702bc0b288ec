package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
)

// A retried request (the same request id) is answered the outcome recorded the first time, and
// the answer says so: replayed, with the time the command was carried out by the service's clock,
// so that a coordinator retrying after the case moved on is not shown the old state as current.
// The first answer says when it was carried out and is not replayed; a referrer's answer says
// the same of their own request, and nothing more of the family.
func TestARetryIsAnsweredAsTheOutcomeRecordedThen(t *testing.T) {
	start := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Second)
	sim := clock.NewSimulated(start)
	g := newRigOn(t, sim)
	centre := g.centre(t, supported)
	w := g.casework(t, centre)
	ctx := t.Context()

	ref := w.submit(supported).GetReferralId()
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
	accept := &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: centre.String(), ServiceType: supported}
	first, err := w.c.AcceptReferral(ctx, accept)
	require.NoError(t, err)
	require.False(t, first.GetReferral().GetReplayed())
	require.True(t, start.Equal(first.GetReferral().GetAnsweredAt().AsTime()), "carried out at the service's time: %v", first.GetReferral().GetAnsweredAt())

	// The case moves on; the acceptance is retried an hour later.
	require.NoError(t, sim.Set(start.Add(time.Hour)))
	_, err = w.c.RecordPreVisit(ctx, &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: centre.String(),
		PersonId: personID(first.GetReferral(), referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT), GroundRulesSigned: true})
	require.NoError(t, err)
	before := g.eventTypes(t, ref)
	again, err := w.c.AcceptReferral(ctx, accept)
	require.NoError(t, err)
	require.Equal(t, before, g.eventTypes(t, ref), "a retry appends nothing")
	require.True(t, again.GetReferral().GetReplayed(), "the answer says it is the earlier outcome")
	require.True(t, start.Equal(again.GetReferral().GetAnsweredAt().AsTime()), "when it was recorded: %v", again.GetReferral().GetAnsweredAt())
	require.Equal(t, first.GetReferral().GetVersion(), again.GetReferral().GetVersion(), "the outcome as it was then")
	replayed := proto.Clone(again).(*referralv1.AcceptReferralResponse)
	replayed.Referral.Replayed = false
	require.True(t, proto.Equal(first, replayed), "the first answer, marked as replayed")

	// A referrer's retry: the id and state, when, and that it is a replay.
	referrer := g.client(t, "referrer-1", []auth.Role{auth.RoleReferrer}, centre)
	submit := submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident()))
	sub, err := referrer.SubmitReferral(ctx, submit)
	require.NoError(t, err)
	require.False(t, sub.GetReferral().GetReplayed())
	require.NotNil(t, sub.GetReferral().GetAnsweredAt())
	resub, err := referrer.SubmitReferral(ctx, submit)
	require.NoError(t, err)
	require.True(t, proto.Equal(&referralv1.Referral{ReferralId: sub.GetReferral().GetReferralId(), State: sub.GetReferral().GetState(),
		AnsweredAt: sub.GetReferral().GetAnsweredAt(), Replayed: true}, resub.GetReferral()), "%v", resub.GetReferral())
}

// apartFromTheRequest is a command's answer without what it says of the request (when it was
// carried out, which every answer says, and whether it is a retry's), for comparing what it says
// of the referral.
func apartFromTheRequest(t *testing.T, r *referralv1.Referral) *referralv1.Referral {
	t.Helper()
	require.NotNil(t, r.GetAnsweredAt(), "every command's answer says when it was carried out")
	r = proto.Clone(r).(*referralv1.Referral)
	r.AnsweredAt, r.Replayed = nil, false
	return r
}
