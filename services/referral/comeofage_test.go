package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Decision 416 (decision 393's Left): a referral whose every child comes of age for contact
// within 26 weeks is recorded, and its submitter warned of the day: from the first of the month
// of the youngest child's 18th birthday the family can be neither accepted nor waitlisted. A
// retry is warned as the first answer was; a younger sibling, or a birthday further off, warns of
// nothing; a child whose birthday is later this month is of age for contact already, and warned.
// An open referral's amendment is warned the same; a closed referral's correction is not.
func TestASubmissionWarnsWhenEveryChildComesOfAgeSoon(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	now := today()
	// The child's 18th birthday falls on the 15th, months from now.
	bornFor18In := func(months int) time.Time {
		return time.Date(now.Year()-18, now.Month()+time.Month(months), 15, 0, 0, 0, 0, time.UTC)
	}
	submit := func(req *referralv1.SubmitReferralRequest) *referralv1.SubmitReferralResponse {
		t.Helper()
		resp, err := c.SubmitReferral(t.Context(), req)
		require.NoError(t, err)
		return resp
	}
	// Each referral's children are new ones, not possible duplicates of another's.
	names := []string{"Amelia Kestrel", "Rowan Birch", "Ivy Marsh", "Tobias Reed", "Nell Hawthorn", "Otto Fenwick", "Wren Ashby", "Florence Tate", "Jasper Lowe"}
	withChildren := func(born ...time.Time) *referralv1.SubmitReferralRequest {
		d := details(resident(), nonResident())
		d.Children = nil
		for _, b := range born {
			d.Children = append(d.Children, &referralv1.Child{FullName: names[0], DateOfBirth: date(b)})
			names = names[1:]
		}
		return submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d)
	}

	req := withChildren(bornFor18In(3))
	first := submit(req)
	in3 := time.Date(now.Year(), now.Month()+3, 1, 0, 0, 0, 0, time.UTC)
	want := &commonv1.Date{Year: int32(in3.Year()), Month: int32(in3.Month()), Day: 1}
	require.True(t, proto.Equal(want, first.GetChildrenComeOfAgeOn()), "warned of the first of the birthday's month: %v", first.GetChildrenComeOfAgeOn())
	require.NotEmpty(t, first.GetReferral().GetReferralId(), "recorded all the same")
	again := submit(req)
	require.Equal(t, first.GetReferral().GetReferralId(), again.GetReferral().GetReferralId(), "the retry appends nothing")
	require.True(t, proto.Equal(want, again.GetChildrenComeOfAgeOn()), "a retry is warned as the first answer was")

	sibling := withChildren(bornFor18In(3), now.AddDate(-6, 0, 0))
	withSibling := submit(sibling)
	require.Nil(t, withSibling.GetChildrenComeOfAgeOn(), "a younger child: the family comes for them")

	// An open referral amended is warned as at submission; a younger child's, not; a closed
	// referral's correction, not (it takes no family into contact).
	amend := func(ref, reason string) *referralv1.AmendReferralResponse {
		t.Helper()
		opened, err := c.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: centre.String(), Purpose: "amend the details"})
		require.NoError(t, err)
		d := opened.GetFamily().GetDetails()
		d.Children[0].Needs = "needs glasses to read"
		resp, err := c.AmendReferral(t.Context(), &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: centre.String(), Details: d, CorrectionReason: reason})
		require.NoError(t, err)
		return resp
	}
	ref := first.GetReferral().GetReferralId()
	require.True(t, proto.Equal(want, amend(ref, "").GetChildrenComeOfAgeOn()), "an open referral amended")
	require.Nil(t, amend(withSibling.GetReferral().GetReferralId(), "").GetChildrenComeOfAgeOn())
	_, err := c.WithdrawReferral(t.Context(), &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: centre.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER})
	require.NoError(t, err)
	require.Nil(t, amend(ref, "The child's needs were left out").GetChildrenComeOfAgeOn(), "a closed referral corrected")
	require.Nil(t, submit(withChildren(bornFor18In(8))).GetChildrenComeOfAgeOn(), "18 more than 26 weeks away")

	// A self-referral's screening starts with the second parent's application, which is warned
	// of too, from the referral's children: a coordinator enters a paper application without
	// them (decision 421). Its retry is warned as the first answer was.
	selfDetails := withChildren(bornFor18In(3)).GetDetails()
	selfDetails.Adults, selfDetails.Referrer = selfDetails.Adults[:1], nil
	self := submit(submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, selfDetails))
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY, self.GetReferral().GetState())
	require.True(t, proto.Equal(want, self.GetChildrenComeOfAgeOn()), "the first parent's submission")
	application := &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(), ReferralId: self.GetReferral().GetReferralId(),
		CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true}
	for _, what := range []string{"the application", "its retry"} {
		applied, err := c.SubmitSecondPartyApplication(t.Context(), application)
		require.NoError(t, err)
		require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_RECEIVED, applied.GetReferral().GetState())
		require.True(t, proto.Equal(want, applied.GetChildrenComeOfAgeOn()), "%s: %v", what, applied.GetChildrenComeOfAgeOn())
	}
	youngDetails := withChildren(now.AddDate(-6, 0, 0)).GetDetails()
	youngDetails.Adults, youngDetails.Referrer = youngDetails.Adults[:1], nil
	young := submit(submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, youngDetails))
	applied, err := c.SubmitSecondPartyApplication(t.Context(), &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: young.GetReferral().GetReferralId(), CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true})
	require.NoError(t, err)
	require.Nil(t, applied.GetChildrenComeOfAgeOn(), "a six-year-old's family comes for years")

	// Born 18 years ago later this month: under 18 when referred, of age for the sessions now.
	later := time.Date(now.Year()-18, now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	if later.Month() == now.Month() {
		thisMonth := &commonv1.Date{Year: int32(now.Year()), Month: int32(now.Month()), Day: 1}
		require.True(t, proto.Equal(thisMonth, submit(withChildren(later)).GetChildrenComeOfAgeOn()))
	}
}
