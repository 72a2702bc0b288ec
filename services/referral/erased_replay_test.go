package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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
	erase := &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: ref.GetFamilyId(),
		CentreId: w.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED}
	_, err = admin.EraseFamily(ctx, erase)
	require.NoError(t, err)

	// Until referral's consumer carries the erasure out, the answer kept is masked as a read would
	// be now (decision 277); once it has, the answer is gone with the key (decision 278).
	again, err := w.c.SubmitReferral(ctx, req)
	if err == nil {
		replayed := again.GetReferral()
		require.True(t, replayed.GetReplayed())
		require.Equal(t, ref.GetReferralId(), replayed.GetReferralId(), "the answer recorded, not a new referral")
		require.NotNil(t, replayed.GetErasedOn(), "it says the family was erased")
		for _, c := range replayed.GetChildren() {
			require.Zero(t, c.GetBirthYear())
			require.Zero(t, c.GetBirthMonth())
		}
	} else {
		refused(t, err, codes.FailedPrecondition, "FAMILY_ERASED")
	}

	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM requests WHERE request_id = $1 AND outcome IS NULL", req.GetRequestId()) == 1
	}, 30*time.Second, 10*time.Millisecond, "the erasure clears the answer kept for the submission")
	_, err = w.c.SubmitReferral(ctx, req)
	refused(t, err, codes.FailedPrecondition, "FAMILY_ERASED")
	require.Contains(t, status.Convert(err).Message(), "not carried out again")
	require.Contains(t, status.Convert(err).Message(), "a new referral of the family, say) is made with a new request id",
		"the way on: no record is named, the answer that named it went with the erasure (decision 348)")
	require.Zero(t, g.count(t, `SELECT count(*) FROM requests WHERE outcome IS NOT NULL AND request_id IN
		(SELECT request_id::uuid FROM events WHERE family_id = $1)`, ref.GetFamilyId()), "no answer about the family is kept")
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM events WHERE event_type LIKE '%ReferralReceived' AND family_id = $1", ref.GetFamilyId()),
		"the retry appended nothing")

	// Review 90 L3: the erasure retried with its own request id (after OUTCOME_UNKNOWN, as the
	// runbook says) is the same erasure, done: answered as a read gives the referral now, not
	// told of "a new referral of the family". Another request id is told it was erased already.
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM requests WHERE request_id = $1 AND outcome IS NULL", erase.GetRequestId()),
		"the erasure's own answer went with the details it erased")
	events := g.count(t, "SELECT count(*) FROM events")
	retried, err := admin.EraseFamily(ctx, erase)
	require.NoError(t, err)
	require.True(t, retried.GetReferral().GetReplayed())
	require.Equal(t, ref.GetReferralId(), retried.GetReferral().GetReferralId())
	require.NotNil(t, retried.GetReferral().GetErasedOn(), "it says the family was erased, and when")
	require.Equal(t, events, g.count(t, "SELECT count(*) FROM events"), "the retry appended nothing")
	erase.RequestId = uuid.NewString()
	_, err = admin.EraseFamily(ctx, erase)
	refused(t, err, codes.FailedPrecondition, "FAMILY_ERASED")
	require.Contains(t, status.Convert(err).Message(), "erased already")
}
