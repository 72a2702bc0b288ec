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
)

// Review 64 finding 1: once a family was erased, another referral's possible-duplicate flag of it
// still said how the children matched ("the same first name and date of birth"); with that
// referral's own child, kept, it gave the erased child's first name and date of birth. The flag
// stays listed, says its family was erased and no longer says how they matched; an erased
// family's own flags say it of none either. Finding 2: the erasure's answer says whether each
// duplicate it leaves is open, which is not erased until its centre closes it (decision 348).
func TestAnErasedFamilysChildIsNotToldByTheMatchOfAFlagLeft(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, supported))
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	sameFirst := referralv1.ChildMatch_CHILD_MATCH_SAME_FIRST_NAME_AND_BIRTH_DATE

	erased := a.submit(supported) // "Amelia Kestrel Junior"
	d := details(resident(), nonResident())
	child("Amelia Jones")(d)
	req := submitRequest(a.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d)
	sub, err := a.c.SubmitReferral(ctx, req)
	require.NoError(t, err)
	kept := sub.GetReferral()
	require.Equal(t, sameFirst, kept.GetPossibleDuplicates()[0].GetMatch(), "flagged as the same first name and date of birth")

	read := func(id string) *referralv1.Referral {
		t.Helper()
		got, err := a.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: a.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}
	erase := func(family string) *referralv1.EraseFamilyResponse {
		t.Helper()
		resp, err := admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: family,
			CentreId: a.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
		require.NoError(t, err)
		return resp
	}
	require.Equal(t, sameFirst, read(kept.GetReferralId()).GetPossibleDuplicates()[0].GetMatch(), "said while the family is not erased")

	a.withdraw(erased.GetReferralId())
	left := erase(erased.GetFamilyId()).GetDuplicatesNotErased()
	require.Len(t, left, 1)
	require.True(t, proto.Equal(&referralv1.DuplicateNotErased{ReferralId: kept.GetReferralId(), FamilyId: kept.GetFamilyId(),
		CentreId: a.centre.String(), State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED}, left[0]),
		"the duplicate left is named open: erasing it now is refused CASE_OPEN: %v", left[0])

	withheld := func(what string, d *referralv1.PossibleDuplicate) {
		t.Helper()
		require.Equal(t, erased.GetReferralId(), d.GetReferralId(), "%s: the flag is still listed", what)
		require.Equal(t, referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED, d.GetMatch(), "%s: how the children matched is not said", what)
		require.True(t, d.GetOtherFamilyErased(), "%s: it says the family was erased", what)
	}
	got := read(kept.GetReferralId())
	require.Equal(t, []string{erased.GetReferralId()}, got.GetPossibleDuplicateOf())
	withheld("read", got.GetPossibleDuplicates()[0])
	require.True(t, got.GetPossibleDuplicates()[0].GetNoLongerStands())
	listed, err := a.c.ListReferrals(ctx, &referralv1.ListReferralsRequest{CentreId: a.centre.String()})
	require.NoError(t, err)
	found := false
	for _, r := range listed.GetReferrals() {
		if r.GetReferralId() == kept.GetReferralId() {
			withheld("listed", r.GetPossibleDuplicates()[0])
			found = true
		}
	}
	require.True(t, found)
	// The kept referral's own answer, recorded before the erasure, is replayed without it too.
	again, err := a.c.SubmitReferral(ctx, req)
	require.NoError(t, err)
	require.True(t, again.GetReferral().GetReplayed())
	withheld("replayed", again.GetReferral().GetPossibleDuplicates()[0])
	// A command's answer is a read now.
	a.screen(kept.GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)
	withheld("after a command", read(kept.GetReferralId()).GetPossibleDuplicates()[0])

	// The other way round: a family erased whose own referral flagged one kept. Its flag no
	// longer says how its child matched the child on the other, kept, referral.
	// Once referral's consumer has forgotten the erased family's keyed hashes, nothing new is
	// matched to it.
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM child_matches WHERE referral_id = $1", erased.GetReferralId()) == 0
	}, 30*time.Second, 10*time.Millisecond)
	third := a.submit(supported, child("Amelia Smith"))
	require.Equal(t, []string{kept.GetReferralId()}, third.GetPossibleDuplicateOf())
	require.Equal(t, sameFirst, third.GetPossibleDuplicates()[0].GetMatch())
	a.withdraw(third.GetReferralId())
	left = erase(third.GetFamilyId()).GetDuplicatesNotErased()
	require.Len(t, left, 1)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_SCREENED, left[0].GetState())
	own := read(third.GetReferralId()).GetPossibleDuplicates()
	require.Len(t, own, 1)
	require.Equal(t, kept.GetReferralId(), own[0].GetReferralId())
	require.Equal(t, referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED, own[0].GetMatch(), "the erased family's own flag says no match")
	require.False(t, own[0].GetOtherFamilyErased(), "the other family is not erased")

	// Both erased, neither says it.
	a.withdraw(kept.GetReferralId())
	erase(kept.GetFamilyId())
	withheld("both erased", read(kept.GetReferralId()).GetPossibleDuplicates()[0])
}
