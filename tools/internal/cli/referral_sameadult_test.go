package cli

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// An adult another family's open referral at the centre shares is a WARNING on standard error, by
// ids only, with the keep-apart command the scheduling service takes; submit's, amend's and show's
// --help say so (decisions 350, 357).
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

	for _, args := range [][]string{{"referral", "submit", "--help"}, {"referral", "amend", "--help"}, {"referral", "show", "--help"}} {
		help, err := run(t, args...)
		require.NoError(t, err)
		require.Contains(t, help, "same_adult_possible", args)
		require.Contains(t, help, "--reason same-adult", args)
	}
}

// Review 67 (1): an amendment's answer carries same_adult_possible, and the coordinator who
// amended the referral is warned as at submission, on a dev platform (decision 357).
func TestReferralAmendWarnsOfTheSameAdultInAnotherFamily(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}
	out, err := run(t, append([]string{"centre", "register", "--name", "Same Adult Family Time Centre", "--region", "north-west",
		"--service", "supported", "--service", "supervised", "--status", "accredited", "--accredited-on", "2025-03-01", "--json"}, data...)...)
	require.NoError(t, err)
	var c schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &c))
	centre := c.GetCentreId()
	token, err := run(t, append([]string{"token", "--role", "coordinator", "--centre", centre}, data...)...)
	require.NoError(t, err)
	month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	_, err = run(t, append([]string{"staff", "add", "--centre", centre, "--account", "dev-user", "--role", "coordinator",
		"--dbs-checked", month, "--trained", month}, data...)...)
	require.NoError(t, err)
	as := append([]string{"--centre", centre, "--token", strings.TrimSpace(token)}, data...)
	referral := func(args ...string) (string, string, error) {
		return runSaying(t, append(append([]string{"referral"}, args...), as...)...)
	}
	asReferral := func(out string) *referralv1.Referral {
		var r referralv1.Referral
		require.NoError(t, protojson.Unmarshal([]byte(out), &r), out)
		return &r
	}

	// The example twice, knowingly: two open referrals, two families, the same parents' phones.
	require.Eventually(t, func() bool {
		out, _, err = referral("submit", "--file", exampleFile, "--json")
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "%v", err)
	first := asReferral(out)
	out, _, err = referral("submit", "--file", exampleFile, "--request-id", uuid.NewString(), "--json")
	require.NoError(t, err)
	second := asReferral(out)
	require.NotEqual(t, first.GetFamilyId(), second.GetFamilyId())

	out, _, err = referral("family", first.GetReferralId(), "--purpose", "correct the availability", "--json")
	require.NoError(t, err)
	var opened referralv1.Family
	require.NoError(t, protojson.Unmarshal([]byte(out), &opened))
	details := opened.GetDetails()
	details.Availability = "Sunday afternoons"
	amendFile := writeMessage(t, t.TempDir(), "amend.yaml", &referralv1.AmendReferralRequest{Details: details})
	out, said, err := referral("amend", first.GetReferralId(), "--file", amendFile, "--expected-version",
		strconv.FormatInt(opened.GetVersion(), 10))
	require.NoError(t, err)
	require.Regexp(t, `state:\s+received`, out)
	require.Contains(t, said, "WARNING family "+second.GetFamilyId()+" (referral "+second.GetReferralId()+")", "the one who amended it is told")
	require.Contains(t, said, "familytime schedule keep-apart --centre "+centre+" --family "+first.GetFamilyId()+
		" --family "+second.GetFamilyId()+" --reason same-adult")
	require.NotContains(t, said, "Sunday", "ids only")

	// Review 88 L4: under --json the warning that every child comes of age for contact soon is
	// in the JSON too, beside the referral's fields, for a script; people read it on stderr.
	out, _, err = referral("family", second.GetReferralId(), "--purpose", "correct a date of birth", "--json")
	require.NoError(t, err)
	require.NoError(t, protojson.Unmarshal([]byte(out), &opened))
	details = opened.GetDetails()
	soon := time.Now().AddDate(-18, 3, 0)
	for _, c := range details.GetChildren() {
		c.DateOfBirth = &commonv1.Date{Year: int32(soon.Year()), Month: int32(soon.Month()), Day: 1}
	}
	amendFile = writeMessage(t, t.TempDir(), "amend.yaml", &referralv1.AmendReferralRequest{Details: details})
	out, said, err = referral("amend", second.GetReferralId(), "--file", amendFile, "--expected-version",
		strconv.FormatInt(opened.GetVersion(), 10), "--json")
	require.NoError(t, err)
	require.Contains(t, said, "warning: every child on the referral is 18 for contact from")
	var answer struct {
		ReferralID string `json:"referral_id"`
		ComeOfAge  struct {
			Year, Month, Day int
		} `json:"children_come_of_age_on"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &answer), out)
	require.Equal(t, second.GetReferralId(), answer.ReferralID, "the referral's fields are where they were")
	require.Equal(t, []int{soon.Year() + 18, int(soon.Month()), 1}, []int{answer.ComeOfAge.Year, answer.ComeOfAge.Month, answer.ComeOfAge.Day})
}
