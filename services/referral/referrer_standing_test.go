package referral_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 49: a referrer saw nothing of a referral after submitting it (decision 197 answers the
// id and state, at submission only). The account that submitted a referral may now ask where it
// stands, and is told that and nothing more; any other referrer is answered not found (review 52), a
// coordinator reads the referral itself, and the read appends nothing.
func TestAReferrerAsksWhereTheirReferralStands(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	centre := g.centre(t, supported)
	other := g.centre(t, supported)
	w := g.casework(t, centre)
	const sam, emma, jordan = "sam@law.example", "emma.clarke@example.org", "jordan.kestrel@example.org"
	solicitor := g.client(t, sam, []auth.Role{auth.RoleReferrer}, centre)
	parent := g.client(t, emma, []auth.Role{auth.RoleReferrer}, centre)
	otherParent := g.client(t, jordan, []auth.Role{auth.RoleReferrer}, centre)

	standing := func(c referralv1.ReferralServiceClient, ref string, at uuid.UUID) (*referralv1.ReferralStanding, error) {
		resp, err := c.GetReferralStanding(ctx, &referralv1.GetReferralStandingRequest{ReferralId: ref, CentreId: at.String()})
		return resp.GetStanding(), err
	}
	stands := func(c referralv1.ReferralServiceClient, ref string, want referralv1.StandingState, why referralv1.StandingDeclineReason) {
		t.Helper()
		got, err := standing(c, ref, centre)
		require.NoError(t, err)
		require.True(t, proto.Equal(&referralv1.ReferralStanding{ReferralId: ref, State: want, DeclineReason: why}, got),
			"the standing and nothing more: %v", got)
	}

	sub, err := solicitor.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported,
		details(resident(), nonResident())))
	require.NoError(t, err)
	ref := sub.GetReferral().GetReferralId()
	appended := g.events(t)
	stands(solicitor, ref, referralv1.StandingState_STANDING_STATE_RECEIVED, 0)
	// The same account as the identity provider may spell it another time.
	stands(g.client(t, strings.ToUpper(sam), []auth.Role{auth.RoleReferrer}, centre), ref, referralv1.StandingState_STANDING_STATE_RECEIVED, 0)

	// Any other referrer, a parent of the family included, is refused, and told nothing of it.
	for _, c := range []referralv1.ReferralServiceClient{parent, otherParent} {
		got, err := standing(c, ref, centre)
		require.Equal(t, codes.NotFound, status.Code(err), "as an unknown id: %v", err)
		require.Nil(t, got)
		require.NotContains(t, status.Convert(err).Message(), "RECEIVED")
	}
	// Staff read the referral itself; the standing is the referrer's.
	_, err = standing(w.c, ref, centre)
	require.Equal(t, codes.PermissionDenied, status.Code(err), "%v", err)
	// Another centre's scope, or a referral that is not there, finds nothing.
	_, err = standing(g.client(t, sam, []auth.Role{auth.RoleReferrer}, other), ref, other)
	require.Equal(t, codes.NotFound, status.Code(err), "%v", err)
	_, err = standing(solicitor, uuid.NewString(), centre)
	require.Equal(t, codes.NotFound, status.Code(err), "%v", err)
	require.Equal(t, appended, g.events(t), "reading the standing appends nothing")
	// Review 52: a referral typed in by the centre's staff has no referrer, whatever a referrer's
	// token names as its account.
	paper := w.submit(supported)
	_, err = standing(g.client(t, "coordinator-"+centre.String()[:8], []auth.Role{auth.RoleReferrer}, centre), paper.GetReferralId(), centre)
	require.Equal(t, codes.NotFound, status.Code(err), "%v", err)

	// Screened is still received to the referrer; declined for risk is "not suitable", never the
	// risk found.
	w.screen(ref, referralv1.RiskRating_RISK_RATING_RED, false)
	stands(solicitor, ref, referralv1.StandingState_STANDING_STATE_RECEIVED, 0)
	_, err = w.decline(ref, referralv1.DeclineReason_DECLINE_REASON_RISK_TOO_HIGH, "", "")
	require.NoError(t, err)
	stands(solicitor, ref, referralv1.StandingState_STANDING_STATE_DECLINED, referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NOT_SUITABLE)

	// A parent referring themselves: waiting for the other parent, then received, accepted and on
	// to contact, which still reads accepted. The other parent's own application does not make
	// the referral theirs.
	d := details(resident())
	d.Referrer = nil
	self, err := parent.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	mine := self.GetReferral().GetReferralId()
	stands(parent, mine, referralv1.StandingState_STANDING_STATE_WAITING_FOR_OTHER_PARENT, 0)
	_, err = otherParent.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: mine, CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
		Children: d.GetChildren()})
	require.NoError(t, err)
	stands(parent, mine, referralv1.StandingState_STANDING_STATE_RECEIVED, 0)
	_, err = standing(otherParent, mine, centre)
	require.Equal(t, codes.NotFound, status.Code(err), "as an unknown id: %v", err)
	w.screen(mine, referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err = w.waitlist(mine, supported)
	require.NoError(t, err)
	stands(parent, mine, referralv1.StandingState_STANDING_STATE_WAITLISTED, 0)
	_, err = w.accept(mine, supported)
	require.NoError(t, err)
	stands(parent, mine, referralv1.StandingState_STANDING_STATE_ACCEPTED, 0)
	w.withdraw(mine)
	stands(parent, mine, referralv1.StandingState_STANDING_STATE_WITHDRAWN, 0)
}
