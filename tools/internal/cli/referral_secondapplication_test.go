package cli

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 62, finding 1: what a self-referral's second parent said of the children was dropped. The
// family's details print it under the children, labelled as that parent's, beside the referral's
// words, and say the coordinator amends the referral to take it in (decision 337).
func TestReferralFamilyPrintsTheSecondParentsAccountOfTheChildren(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, printFamily(&out, &output{}, &referralv1.Family{FamilyId: "F", ReferralId: "R", Details: &referralv1.ReferralDetails{},
		Children: []*referralv1.Child{{PersonId: "C1", FullName: "Noah Mills", Needs: "Peanut allergy", Language: "English"},
			{PersonId: "C2", FullName: "Ava Mills"}},
		SecondApplicationChildren: []*referralv1.SecondApplicationChild{
			{PersonId: "C1", Needs: "Noah is diabetic:\ninsulin at 11:00", Language: "Polish"},
			{PersonId: "C2", Needs: "Deaf in one ear"}}}, ""))
	text := out.String()
	require.Regexp(t, `Noah Mills\s+-\s+English\s+Peanut allergy`, text, "the referral's words stay in the table")
	require.Contains(t, text, "The second parent's application says of the children")
	require.Contains(t, text, "until a coordinator amends the referral to take them in")
	require.Contains(t, text, "  Noah Mills (C1): needs (second parent's application): Noah is diabetic: insulin at 11:00; "+
		"language (second parent's application): Polish\n")
	require.Contains(t, text, "  Ava Mills (C2): needs (second parent's application): Deaf in one ear\n")

	out.Reset()
	require.NoError(t, printFamily(&out, &output{}, &referralv1.Family{FamilyId: "F", ReferralId: "R", Details: &referralv1.ReferralDetails{},
		Children: []*referralv1.Child{{PersonId: "C1", FullName: "Noah Mills"}}}, ""))
	require.NotContains(t, out.String(), "second parent's application")
}
