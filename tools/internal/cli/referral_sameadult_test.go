package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// An adult another family's open referral at the centre shares is a WARNING on standard error, by
// ids only, with the keep-apart command the scheduling service takes; submit's and show's --help
// say so (decision 350).
func TestReferralWarnsOfTheSameAdultInAnotherFamily(t *testing.T) {
	centre, f1, f2, r2, person := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	var stderr bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetErr(&stderr)
	warnSameAdult(cmd, centre, &referralv1.Referral{FamilyId: f1, SameAdultPossible: []*referralv1.SameAdultPossible{
		{ReferralId: r2, FamilyId: f2, PersonId: person, SamePhone: true},
		{ReferralId: r2, FamilyId: f2, PersonId: person, SamePhone: true, SameEmail: true}}})
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	require.Len(t, lines, 2)
	require.True(t, strings.HasPrefix(lines[0], "WARNING family "+f2+" (referral "+r2+")"), lines[0])
	require.Contains(t, lines[0], "the same phone number as adult "+person)
	require.Contains(t, lines[0], "familytime schedule keep-apart --centre "+centre+" --family "+f1+" --family "+f2+" --reason same-adult")
	require.Contains(t, lines[1], "the same phone number and email address")

	stderr.Reset()
	warnSameAdult(cmd, centre, &referralv1.Referral{FamilyId: f1})
	require.Empty(t, stderr.String(), "nothing shared, nothing said")

	for _, args := range [][]string{{"referral", "submit", "--help"}, {"referral", "show", "--help"}} {
		help, err := run(t, args...)
		require.NoError(t, err)
		require.Contains(t, help, "same_adult_possible", args)
		require.Contains(t, help, "--reason same-adult", args)
	}
}
