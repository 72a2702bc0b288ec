package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 47: a submission replayed (the same request id) after the family's erasure answered the
// summary recorded then, the children's birth months with it, which `referral show` leaves out
// once the family is erased. The replay is told as a read would tell it now (decision 277).
func TestAReplayAfterTheErasureGivesNothingOfTheFamilyBack(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	ctx := t.Context()

	req := submitRequest(w.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident()))
	first, err := w.c.SubmitReferral(ctx, req)
	require.NoError(t, err)
	ref := first.GetReferral()
	require.NotZero(t, ref.GetChildren()[0].GetBirthMonth(), "the answer then gave the child's birth month")
	w.withdraw(ref.GetReferralId())
	_, err = admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: ref.GetFamilyId(),
		CentreId: w.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)

	again, err := w.c.SubmitReferral(ctx, req)
	require.NoError(t, err)
	replayed := again.GetReferral()
	require.True(t, replayed.GetReplayed())
	require.Equal(t, ref.GetReferralId(), replayed.GetReferralId(), "the answer recorded, not a new referral")
	require.NotNil(t, replayed.GetErasedOn(), "it says the family was erased")
	for _, c := range replayed.GetChildren() {
		require.Zero(t, c.GetBirthYear())
		require.Zero(t, c.GetBirthMonth())
	}
}
