package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 63 finding 3, through the CLI on a dev platform: submit's warning suggested declining a
// family referred again as the duplicate of a closed referral, or of another centre's, which the
// service refuses. It suggests that decline only for an open referral at the centre; for a closed
// one, or another centre's, it says the child was referred before and names referral same-child
// with its real arguments (decision 347).
func TestSubmitSuggestsTheDuplicateDeclineOnlyForAnOpenReferralAtTheCentre(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}
	centre := func(name string, services ...string) (string, []string) {
		args := []string{"centre", "register", "--name", name, "--region", "north-west", "--status", "accredited", "--accredited-on",
			"2025-03-01", "--json"}
		for _, s := range services {
			args = append(args, "--service", s)
		}
		out, err := run(t, append(args, data...)...)
		require.NoError(t, err)
		var c schedulingv1.Centre
		require.NoError(t, protojson.Unmarshal([]byte(out), &c))
		token, err := run(t, append([]string{"token", "--role", "coordinator", "--centre", c.GetCentreId()}, data...)...)
		require.NoError(t, err)
		month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
		_, err = run(t, append([]string{"staff", "add", "--centre", c.GetCentreId(), "--account", "dev-user", "--role", "coordinator",
			"--dbs-checked", month, "--trained", month}, data...)...)
		require.NoError(t, err)
		return c.GetCentreId(), append([]string{"--centre", c.GetCentreId(), "--token", strings.TrimSpace(token)}, data...)
	}
	a, asA := centre("Earlier Family Time Centre", "supported", "supervised")
	b, asB := centre("Later Family Time Centre", "supported")
	referral := func(as []string, args ...string) (string, string, error) {
		return runSaying(t, append(append([]string{"referral"}, args...), as...)...)
	}
	submitted := func(out string) *referralv1.Referral {
		var r referralv1.Referral
		require.NoError(t, protojson.Unmarshal([]byte(out), &r), out)
		return &r
	}

	// The referral service learns of the centres and their registers from scheduling's events.
	var out string
	var err error
	require.Eventually(t, func() bool {
		out, _, err = referral(asA, "submit", "--file", exampleFile, "--json")
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "%v", err)
	first := submitted(out).GetReferralId()
	_, _, err = referral(asA, "screen", first, "--rating", "red", "--domestic-abuse")
	require.NoError(t, err)
	_, _, err = referral(asA, "withdraw", first, "--by", "referrer", "--note", "The family moved away")
	require.NoError(t, err)

	// At the same centre, the earlier referral closed: no decline as a duplicate, but same-child.
	out, said, err := referral(asA, "submit", "--file", exampleFile, "--request-id", uuid.NewString(), "--json")
	require.NoError(t, err)
	again := submitted(out)
	require.Equal(t, []string{first}, again.GetPossibleDuplicateOf())
	said = strings.Join(strings.Fields(said), " ")
	require.NotContains(t, said, "--duplicate-of")
	require.Contains(t, said, "that one is withdrawn, so the child is referred again, not in duplicate")
	require.Contains(t, said, "familytime referral same-child "+again.GetReferralId()+" --centre "+a+" --child "+
		again.GetPossibleDuplicates()[0].GetChildPersonId()+" --other "+first)

	// At another centre (the finding stands there, so the child is flagged): the same.
	var there *referralv1.Referral
	require.Eventually(t, func() bool {
		out, said, err = referral(asB, "submit", "--file", exampleFile, "--json")
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "%v", err)
	there = submitted(out)
	require.Equal(t, []string{first}, there.GetPossibleDuplicateOf())
	said = strings.Join(strings.Fields(said), " ")
	require.NotContains(t, said, "--duplicate-of")
	require.Contains(t, said, "it is a referral at another centre, so this one is not declined as its duplicate")
	require.Contains(t, said, "familytime referral same-child "+there.GetReferralId()+" --centre "+b+" --child "+
		there.GetPossibleDuplicates()[0].GetChildPersonId()+" --other "+first)
}

// Decision 347: a possible duplicate whose case ended for safety is said to stand, when and where
// it ended, and whether the lead weighed it; submit's warning names the lead's command.
func TestACaseEndedForSafetyIsSaidOnThePossibleDuplicate(t *testing.T) {
	other := uuid.NewString()
	ended := &commonv1.Date{Year: 2026, Month: 12, Day: 19}
	r := &referralv1.Referral{ReferralId: uuid.NewString(), CentreId: uuid.NewString(), State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED,
		PossibleDuplicateOf: []string{other}, PossibleDuplicates: []*referralv1.PossibleDuplicate{{ReferralId: other,
			ChildPersonId: uuid.NewString(), Match: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE,
			EndedForSafetyOn: ended, AtAnotherCentre: true}}}
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, r))
	shown := strings.Join(strings.Fields(out.String()), " ")
	require.Contains(t, shown, other+" (a child with the same name and date of birth; its case ended for safety on 2026-12-19 at another "+
		"centre: the safeguarding lead weighs it before the family is accepted or waitlisted (referral check-duplicate))")
	require.Equal(t, short(other), possibleDuplicates(r), "it stands")

	note := submitNote(r, false, map[string]earlierReferral{other: {known: true}})
	require.Contains(t, note, "its case ended for safety on 2026-12-19: the centre's safeguarding lead weighs that ending before this "+
		"family is accepted or waitlisted (familytime referral check-duplicate "+r.GetReferralId()+" --centre "+r.GetCentreId()+
		" --other "+other+" --note ...)")
	require.NotContains(t, note, "--duplicate-of")

	r.PossibleDuplicates[0].SafetyEndingWeighedOn = &commonv1.Date{Year: 2026, Month: 12, Day: 20}
	out.Reset()
	require.NoError(t, printReferral(&out, &output{}, r))
	require.Contains(t, strings.Join(strings.Fields(out.String()), " "), "ended for safety on 2026-12-19 at another centre, which the "+
		"safeguarding lead weighed on 2026-12-20)")
	require.NotContains(t, submitNote(r, false, map[string]earlierReferral{other: {known: true}}), "check-duplicate", "weighed")
}
