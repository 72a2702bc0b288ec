package cli

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 42: a review missed six months before still read "review due on: 2027-08-06". show says
// it is overdue, and by how long; a review not yet due reads as before.
func TestReferralShowSaysAReviewIsOverdue(t *testing.T) {
	due := &commonv1.Date{Year: 2027, Month: 8, Day: 6}
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(),
		State: referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT, ReviewDueOn: due, ReviewOverdue: true, ReviewOverdueDays: 184}))
	require.Regexp(t, `review due on:\s+2027-08-06 \(overdue: 184 days\)`, out.String())

	out.Reset()
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(),
		State: referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT, ReviewDueOn: due}))
	require.Regexp(t, `review due on:\s+2027-08-06\n`, out.String())
	require.NotContains(t, out.String(), "overdue")
}

// The reviews table says which reviews are overdue, and by how long (the service lists them first).
func TestReferralReviewsSayWhichAreOverdue(t *testing.T) {
	require.Equal(t, []string{"2027-08-06", "184 days", "R", "F", "2027-02-06", "beyond 6 months: supported contact is short-term"},
		reviewRow(&referralv1.ReviewDue{ReferralId: "R", FamilyId: "F", DueOn: &commonv1.Date{Year: 2027, Month: 8, Day: 6},
			FirstSessionOn: &commonv1.Date{Year: 2027, Month: 2, Day: 6}, Overdue: true, OverdueDays: 184,
			SupportedContactTerm: referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_SIX_MONTHS}))
	require.Equal(t, []string{"2028-01-06", "-", "R", "F", "2027-07-06", "within 6 months"},
		reviewRow(&referralv1.ReviewDue{ReferralId: "R", FamilyId: "F", DueOn: &commonv1.Date{Year: 2028, Month: 1, Day: 6},
			FirstSessionOn:       &commonv1.Date{Year: 2027, Month: 7, Day: 6},
			SupportedContactTerm: referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_WITHIN_SIX_MONTHS}))
	require.Equal(t, []string{"2027-08-07", "1 day", "R", "F", "2027-02-07", "-"},
		reviewRow(&referralv1.ReviewDue{ReferralId: "R", FamilyId: "F", DueOn: &commonv1.Date{Year: 2027, Month: 8, Day: 7},
			FirstSessionOn: &commonv1.Date{Year: 2027, Month: 2, Day: 7}, Overdue: true, OverdueDays: 1}))
}

// Review 41: a party's copy (--for) printed each child's needs, written by the referrer, often
// from the resident parent's side. The service leaves them out, and the copy says so rather than
// printing "-", which reads as no needs; the staff's view prints them.
func TestReferralFamilyForAPartySaysTheNeedsAreHeldByTheCentre(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, printFamily(&out, &output{}, &referralv1.Family{FamilyId: "F", ReferralId: "R", ChildrensNeedsWithheld: true,
		Children: []*referralv1.Child{{PersonId: "C", FullName: "Lily Clarke"}}}, "P"))
	require.Contains(t, out.String(), "needs: held by the centre, not given in a party's copy")
	require.Regexp(t, `Lily Clarke\s+-\s+-\s+held by the centre`, out.String())

	out.Reset()
	require.NoError(t, printFamily(&out, &output{}, &referralv1.Family{FamilyId: "F", ReferralId: "R", Details: &referralv1.ReferralDetails{},
		Children: []*referralv1.Child{{PersonId: "C", FullName: "Lily Clarke", Needs: "asthma inhaler"}}}, ""))
	require.Regexp(t, `Lily Clarke\s+-\s+-\s+asthma inhaler`, out.String())
	require.NotContains(t, out.String(), "held by the centre")
}
