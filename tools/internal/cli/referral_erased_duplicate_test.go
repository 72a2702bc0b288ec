package cli

import (
	"bytes"
	"regexp"
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

// Review 64 finding 1: show said how an erased family's child matched the child kept on the
// flagged referral, which told the erased child's first name and date of birth. It says only that
// the family was erased; an erased family's own flag says how the children matched went with it
// (decision 348).
func TestShowSaysNothingOfHowAnErasedFamilysChildMatched(t *testing.T) {
	other := uuid.NewString()
	kept := &referralv1.Referral{CentreId: uuid.NewString(), PossibleDuplicateOf: []string{other},
		PossibleDuplicates: []*referralv1.PossibleDuplicate{{ReferralId: other, OtherFamilyErased: true, NoLongerStands: true}}}
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, kept))
	shown := strings.Join(strings.Fields(out.String()), " ")
	require.Contains(t, shown, other+" (a possible duplicate, of a family since erased; no longer stands: nothing of an erased family is matched any more)")
	require.NotContains(t, shown, "same name")

	erased := &referralv1.Referral{CentreId: uuid.NewString(), ErasedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 1},
		PossibleDuplicates: []*referralv1.PossibleDuplicate{{ReferralId: other}}}
	out.Reset()
	require.NoError(t, printReferral(&out, &output{}, erased))
	shown = strings.Join(strings.Fields(out.String()), " ")
	require.Contains(t, shown, other+" (a possible duplicate; how the children matched went with this family's erasure)")
	require.NotContains(t, shown, "same name")
}

// Review 64 finding 2: the erasure's NOT ERASED warning gave the erase command of an open
// referral's family, which is refused CASE_OPEN. An open one is said open, with the commands its
// centre closes it by from its state; a closed one keeps the erase command (decision 348).
func TestTheNotErasedWarningSaysAnOpenDuplicateIsClosedFirst(t *testing.T) {
	centre := uuid.NewString()
	for _, c := range []struct {
		state referralv1.ReferralState
		want  []string
	}{
		{referralv1.ReferralState_REFERRAL_STATE_RECEIVED, []string{"open (received), so it is not erased until its centre declines or withdraws it",
			"familytime referral decline %R --centre %C --reason REASON", "familytime referral withdraw %R --centre %C --by WHO"}},
		{referralv1.ReferralState_REFERRAL_STATE_ACCEPTED, []string{"open (accepted), so it is not erased until its centre withdraws it (familytime referral withdraw %R"}},
		{referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, []string{"withdraws it or ends its case",
			"familytime referral end %R --centre %C --outcome OUTCOME --note TEXT"}},
		{referralv1.ReferralState_REFERRAL_STATE_SUSPENDED, []string{"open (suspended), so it is not erased until its centre ends its case"}},
	} {
		ref, family := uuid.NewString(), uuid.NewString()
		text := notErasedText([]*referralv1.DuplicateNotErased{{ReferralId: ref, FamilyId: family, CentreId: centre, State: c.state}}, "requested")
		for _, w := range c.want {
			require.Contains(t, text, strings.NewReplacer("%R", ref, "%C", centre).Replace(w), c.state)
		}
		require.Contains(t, text, "; then familytime referral erase "+family+" --centre "+centre+" --reason requested", "once it is closed")
		require.NotContains(t, text, "): familytime referral erase", "no erase command offered for now")
	}
	ref, family := uuid.NewString(), uuid.NewString()
	text := notErasedText([]*referralv1.DuplicateNotErased{{ReferralId: ref, FamilyId: family, CentreId: centre,
		State: referralv1.ReferralState_REFERRAL_STATE_DECLINED}}, "requested")
	require.Contains(t, text, "referral "+ref+" (family "+family+", centre "+centre+"): familytime referral erase "+family+
		" --centre "+centre+" --reason requested", "a closed one is erased by the command given")
	require.NotContains(t, text, "open")
}

// Review 64, on a dev platform: the same file sent twice with a new request id is flagged; the
// first family is withdrawn and erased, and the warning says the other is open and how its centre
// closes it; show of the other no longer says how the children matched; and the same file sent
// again without --request-id, the erased request's retry, is refused FAMILY_ERASED saying to
// send a new referral with a new --request-id (findings 1 to 3, decision 348).
func TestAfterAnErasureTheCLISaysWhatIsLeftAndTheWayOn(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}
	out, err := run(t, append([]string{"centre", "register", "--name", "Erasure Family Time Centre", "--region", "north-west",
		"--service", "supported", "--status", "accredited", "--accredited-on", "2025-03-01", "--json"}, data...)...)
	require.NoError(t, err)
	var c schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &c))
	centre := c.GetCentreId()
	token, err := run(t, append([]string{"token", "--role", "coordinator", "--centre", centre}, data...)...)
	require.NoError(t, err)
	adminToken, err := run(t, append([]string{"token", "--role", "admin"}, data...)...)
	require.NoError(t, err)
	month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	_, err = run(t, append([]string{"staff", "add", "--centre", centre, "--account", "dev-user", "--role", "coordinator",
		"--dbs-checked", month, "--trained", month}, data...)...)
	require.NoError(t, err)
	referralAs := func(tok string, args ...string) (string, string, error) {
		return runSaying(t, append(append([]string{"referral"}, args...), append([]string{"--centre", centre, "--token", strings.TrimSpace(tok)}, data...)...)...)
	}
	referral := func(args ...string) (string, string, error) { return referralAs(token, args...) }
	asReferral := func(out string) *referralv1.Referral {
		var r referralv1.Referral
		require.NoError(t, protojson.Unmarshal([]byte(out), &r), out)
		return &r
	}

	require.Eventually(t, func() bool {
		out, _, err = referral("submit", "--file", exampleFile, "--json")
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "%v", err)
	first := asReferral(out)
	out, _, err = referral("submit", "--file", exampleFile, "--request-id", uuid.NewString(), "--json")
	require.NoError(t, err)
	second := asReferral(out).GetReferralId()
	shown, _, err := referral("show", second)
	require.NoError(t, err)
	require.Contains(t, shown, "a child with the same name and date of birth", "said while neither family is erased")

	_, _, err = referral("withdraw", first.GetReferralId(), "--by", "referrer")
	require.NoError(t, err)
	// Review 75: given the referral's id, erase says it takes the family's.
	_, _, err = referralAs(adminToken, "erase", first.GetReferralId(), "--reason", "requested")
	require.ErrorContains(t, err, "referral erase takes the family's id (not the referral's) and the centre the family is referred to (--centre)")
	_, said, err := referralAs(adminToken, "erase", first.GetFamilyId(), "--reason", "requested")
	require.NoError(t, err)
	said = strings.Join(strings.Fields(said), " ")
	require.Contains(t, said, "NOT ERASED: 1 other referral(s)")
	require.Contains(t, said, "referral "+second+" (family ")
	require.Contains(t, said, "open (received), so it is not erased until its centre declines or withdraws it (familytime referral decline "+
		second+" --centre "+centre+" --reason REASON, or familytime referral withdraw "+second+" --centre "+centre+" --by WHO)")

	shown, _, err = referral("show", second)
	require.NoError(t, err)
	shown = strings.Join(strings.Fields(shown), " ")
	require.Contains(t, shown, first.GetReferralId()+" (a possible duplicate, of a family since erased; no longer stands")
	require.NotContains(t, shown, "same name and date of birth")
	out, _, err = referral("show", second, "--json")
	require.NoError(t, err)
	d := asReferral(out).GetPossibleDuplicates()[0]
	require.True(t, d.GetOtherFamilyErased())
	require.Equal(t, referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED, d.GetMatch())

	// The erased request's answer goes with the key moments after the erasure; until then a retry
	// is masked (decision 277).
	require.Eventually(t, func() bool {
		_, _, err = referral("submit", "--file", exampleFile)
		return err != nil
	}, 30*time.Second, 100*time.Millisecond)
	require.ErrorContains(t, err, "FAMILY_ERASED")
	require.ErrorContains(t, err, "is made with a new request id")
	require.ErrorContains(t, err, "the same file was sent before")
	// Decision 354: the way on is a new id made for it, ready to copy, not "$(uuidgen)".
	require.NotContains(t, err.Error(), "uuidgen")
	fresh := regexp.MustCompile(`--request-id ([0-9a-f-]{36})$`).FindStringSubmatch(err.Error())
	require.NotNil(t, fresh, err.Error())
	out, _, err = referral("submit", "--file", exampleFile, "--request-id", fresh[1], "--json")
	require.NoError(t, err, "a new request id is a new referral of the family")
	require.NotEqual(t, first.GetReferralId(), asReferral(out).GetReferralId())
}
