package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 49 (M4): a Cafcass officer referred a child again while the solicitor's referral of the
// child was open at the centre. The later referral was flagged as a possible duplicate of the
// first, but the first said nothing of it, and the administrator who then erased the first family
// at its request was not told of the other referral still holding the same parents' details. Now
// the first lists the referral that flagged it (at its own centre only, decision 173), and the
// erasure names the other referrals flagged either way, ids only, without erasing them (decision
// 281).
func TestTheReferralFlaggedAgainstIsToldAndItsErasureNamesTheOther(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, supported))
	first := a.submit(supported)
	again := a.submit(supported)
	require.Equal(t, []string{first.GetReferralId()}, again.GetPossibleDuplicateOf(), "the later referral is flagged")
	read := func(w *casework, id string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}
	want := &referralv1.DuplicateFlaggedOn{ReferralId: again.GetReferralId(), Match: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE}
	flagged := read(a, first.GetReferralId()).GetFlaggedAsDuplicateOn()
	require.Len(t, flagged, 1, "the first referral shows the one that flagged it")
	require.True(t, proto.Equal(want, flagged[0]), "%v", flagged[0])
	require.Empty(t, read(a, again.GetReferralId()).GetFlaggedAsDuplicateOn(), "the flag is listed once on each side")
	listed, err := a.c.ListReferrals(ctx, &referralv1.ListReferralsRequest{CentreId: a.centre.String()})
	require.NoError(t, err)
	for _, r := range listed.GetReferrals() {
		if r.GetReferralId() == first.GetReferralId() {
			require.Len(t, r.GetFlaggedAsDuplicateOn(), 1, "and so does the list")
		}
	}

	// Another centre's referral of the child, with nothing standing on it, is flagged on neither
	// side: that a child is known elsewhere is no other centre's business (decision 173).
	b := g.casework(t, g.centre(t, supported))
	there := b.submit(supported)
	require.Empty(t, there.GetPossibleDuplicateOf())
	require.Empty(t, read(b, there.GetReferralId()).GetFlaggedAsDuplicateOn())
	require.Len(t, read(a, first.GetReferralId()).GetFlaggedAsDuplicateOn(), 1)

	// The later one is declined; the first still shows it, as no longer standing.
	_, err = a.decline(again.GetReferralId(), referralv1.DeclineReason_DECLINE_REASON_CANNOT_MEET_NEEDS, "", "")
	require.NoError(t, err)
	flagged = read(a, first.GetReferralId()).GetFlaggedAsDuplicateOn()
	require.Len(t, flagged, 1)
	require.True(t, flagged[0].GetNoLongerStands(), "a closed referral at the centre asks nothing of this case now")

	// The first case closes, and its family is erased at its request: the answer names the
	// other referral, its family and centre (ids only), whose details are not erased.
	a.withdraw(first.GetReferralId())
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	erase := func(family string) *referralv1.EraseFamilyResponse {
		t.Helper()
		erased, err := admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: family,
			CentreId: a.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
		require.NoError(t, err)
		return erased
	}
	erased := erase(first.GetFamilyId())
	require.NotNil(t, erased.GetReferral().GetErasedOn())
	require.Len(t, erased.GetDuplicatesNotErased(), 1, "the erasure names the referral that flagged the family's")
	require.True(t, proto.Equal(&referralv1.DuplicateNotErased{ReferralId: again.GetReferralId(), FamilyId: again.GetFamilyId(),
		CentreId: a.centre.String(), State: referralv1.ReferralState_REFERRAL_STATE_DECLINED}, erased.GetDuplicatesNotErased()[0]),
		"%v", erased.GetDuplicatesNotErased()[0])
	opened, err := a.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: again.GetReferralId(), CentreId: a.centre.String(),
		Purpose: "check it was not erased"})
	require.NoError(t, err)
	require.NotEmpty(t, opened.GetFamily().GetAdults()[0].GetFullName(), "nothing is erased but the family asked for")
	require.Nil(t, opened.GetFamily().GetErasedOn())

	// Erased too, by the administrator's decision, the other names nothing: the first is gone.
	require.Empty(t, erase(again.GetFamilyId()).GetDuplicatesNotErased())
}

// Review 49 (L3): a duplicate referral had to be declined "other", and the figures counted it as
// a referral received and declined. DUPLICATE names the open referral at the centre it duplicates,
// one flagged as its possible duplicate either way, and nothing else (decision 281).
func TestAReferralIsDeclinedAsADuplicateOfAnOpenReferralFlaggedWithIt(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, supported))
	first := a.submit(supported).GetReferralId()
	again := a.submit(supported).GetReferralId()
	unrelated := a.submit(supported, child("Somebody Else")).GetReferralId()
	b := g.casework(t, g.centre(t, supported))
	elsewhere := b.submit(supported).GetReferralId()
	decline := func(ref, of string, reason referralv1.DeclineReason, note string) (*referralv1.DeclineReferralResponse, error) {
		return a.c.DeclineReferral(ctx, &referralv1.DeclineReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: a.centre.String(), Reason: reason, Note: note, DuplicateOfReferralId: of})
	}
	duplicate := referralv1.DeclineReason_DECLINE_REASON_DUPLICATE
	before := g.events(t)
	for name, call := range map[string]struct {
		ref, of string
		reason  referralv1.DeclineReason
		note    string
		why     string
	}{
		"no referral duplicated":            {again, "", duplicate, "", "is required"},
		"another reason naming one":         {again, first, referralv1.DeclineReason_DECLINE_REASON_OTHER, "Asked twice", "only when"},
		"itself":                            {again, again, duplicate, "", "another referral"},
		"a referral not flagged":            {again, unrelated, duplicate, "", "is not a possible duplicate"},
		"one that does not exist":           {again, uuid.NewString(), duplicate, "", "is not a possible duplicate"},
		"another centre's, of the child":    {again, elsewhere, duplicate, "", "is not a possible duplicate"},
		"a referral not flagged, the other": {unrelated, first, duplicate, "", "is not a possible duplicate"},
	} {
		_, err := decline(call.ref, call.of, call.reason, call.note)
		refused(t, err, codes.InvalidArgument, "duplicate_of_referral_id")
		require.Contains(t, err.Error(), call.why, name)
	}
	require.Equal(t, before, g.events(t), "a refused decline appends nothing")

	declined, err := decline(again, first, duplicate, "")
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_DECLINED, declined.GetReferral().GetState())
	var payload []byte
	require.NoError(t, g.owner.QueryRow(ctx, `SELECT payload FROM events WHERE stream_id = $1
		AND event_type = 'familytime.referral.v1.ReferralDeclined'`, "referral-"+again).Scan(&payload))
	ev := &referralv1.ReferralDeclined{}
	require.NoError(t, proto.Unmarshal(payload, ev))
	require.Equal(t, duplicate, ev.GetReason())
	require.Equal(t, first, ev.GetDuplicateOfReferralId(), "the record names the referral that goes on")

	// A third referral of the child: the declined one is closed, so not what it duplicates; the
	// first, still open, is. The first may also be declined as a duplicate of the third, which
	// flagged it (the flag is recorded on the third).
	third := a.submit(supported).GetReferralId()
	_, err = decline(third, again, duplicate, "")
	refused(t, err, codes.InvalidArgument, "duplicate_of_referral_id")
	require.Contains(t, err.Error(), "is closed")
	_, err = decline(first, third, duplicate, "")
	require.NoError(t, err, "a referral that flagged this one is a possible duplicate of it too")
	_, err = decline(third, first, duplicate, "")
	refused(t, err, codes.InvalidArgument, "duplicate_of_referral_id")
	require.Contains(t, err.Error(), "is closed", "two referrals do not both go as each other's duplicate")
}
