package cli

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 51 (2): without --request-id, submit made a new id on every run, so the same file sent
// twice was two referrals. The default id is made from the request (its centre in it) and the
// token's account: the same file is the same id, another centre, account or content another.
func TestSubmitsDefaultRequestIDIsTheFilesContent(t *testing.T) {
	var req referralv1.SubmitReferralRequest
	require.NoError(t, readRequestFile(nil, exampleFile, &req))
	req.CentreId = uuid.NewString()
	id, err := contentRequestID("coordinator-1", &req)
	require.NoError(t, err)
	_, err = uuid.Parse(id)
	require.NoError(t, err)
	again, err := contentRequestID("Coordinator-1", proto.Clone(&req).(*referralv1.SubmitReferralRequest))
	require.NoError(t, err)
	require.Equal(t, id, again, "the same file, centre and account (in any case)")

	for name, edit := range map[string]func(*referralv1.SubmitReferralRequest) string{
		"another centre": func(r *referralv1.SubmitReferralRequest) string {
			r.CentreId = uuid.NewString()
			return "coordinator-1"
		},
		"another account": func(*referralv1.SubmitReferralRequest) string { return "coordinator-2" },
		"another content": func(r *referralv1.SubmitReferralRequest) string {
			r.Details.Availability += "."
			return "coordinator-1"
		},
	} {
		other := proto.Clone(&req).(*referralv1.SubmitReferralRequest)
		subject := edit(other)
		got, err := contentRequestID(subject, other)
		require.NoError(t, err)
		require.NotEqual(t, id, got, name)
	}

	body := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"sim-coordinator-001","roles":["coordinator"]}`))
	require.Equal(t, "sim-coordinator-001", tokenSubject("e30."+body+".sig"))
	require.Empty(t, tokenSubject("not a token"))

	help, err := run(t, "referral", "submit", "--help")
	require.NoError(t, err)
	help = strings.Join(strings.Fields(help), " ")
	require.Contains(t, help, "Sending the same file again is a retry, not a second referral")
	require.Contains(t, help, "made from the file's content, the centre and your account")
	require.Contains(t, help, "give a new one for a second referral with the same content")
}

// Review 51, through the CLI on a dev platform: the same file submitted twice is one referral,
// said so on standard error; a second one sent knowingly (--request-id) is flagged, and the
// warning names the command that declines it as a duplicate. A pre-visit without the ground
// rules signed is warned of, and the same visit again refused naming the day. A closed referral's
// refusal says how and when it closed.
func TestTheCLIWarnsOfRepeatsAndSaysWhatClosedAReferral(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}
	out, err := run(t, append([]string{"centre", "register", "--name", "Retry Family Time Centre", "--region", "north-west",
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

	// The referral service learns of the centre and its register from scheduling's events: the
	// first tries may be refused, and each refusal records nothing, so the same id is tried again.
	var said string
	require.Eventually(t, func() bool {
		out, said, err = referral("submit", "--file", exampleFile, "--json")
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "%v", err)
	first := asReferral(out)
	require.False(t, first.GetReplayed())
	require.NotContains(t, said, "already recorded")

	out, said, err = referral("submit", "--file", exampleFile, "--json")
	require.NoError(t, err)
	require.Equal(t, first.GetReferralId(), asReferral(out).GetReferralId(), "the same file sent again is the same referral")
	require.Contains(t, said, "already recorded at")
	require.Contains(t, said, "the same file was sent before")
	// The advice carries a new request id made for it (decision 354), which sends a second referral.
	offered := regexp.MustCompile(`such as this one made now: --request-id ([0-9a-f-]{36})`).FindStringSubmatch(said)
	require.Len(t, offered, 2, said)
	_, err = uuid.Parse(offered[1])
	require.NoError(t, err)

	out, said, err = referral("submit", "--file", exampleFile, "--request-id", offered[1], "--json")
	require.NoError(t, err)
	second := asReferral(out).GetReferralId()
	require.NotEqual(t, first.GetReferralId(), second, "a new --request-id is a second referral")
	require.Contains(t, said, "familytime referral decline "+second+" --centre "+centre+" --reason duplicate --duplicate-of "+first.GetReferralId())

	// The pre-visits.
	id := first.GetReferralId()
	_, _, err = referral("screen", id, "--rating", "green")
	require.NoError(t, err)
	out, _, err = referral("accept", id, "--service", "supported", "--json")
	require.NoError(t, err)
	mother := personIn(t, asReferral(out), referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT)
	_, said, err = referral("previsit", id, "--person", mother)
	require.NoError(t, err)
	require.Contains(t, said, "recorded without the ground rules signed")
	require.Contains(t, said, "does not count towards the family being ready for contact")
	_, _, err = referral("previsit", id, "--person", mother)
	require.ErrorContains(t, err, "is already recorded, without the ground rules signed")
	require.ErrorContains(t, err, "PRE_VISIT_ALREADY_RECORDED")
	_, said, err = referral("previsit", id, "--person", mother, "--ground-rules-signed")
	require.NoError(t, err)
	require.NotContains(t, said, "without the ground rules signed")

	// The second referral, withdrawn, and withdrawn again.
	_, _, err = referral("withdraw", second, "--by", "referrer", "--note", "Sent twice by mistake")
	require.NoError(t, err)
	_, _, err = referral("withdraw", second, "--by", "referrer")
	require.ErrorContains(t, err, "it was withdrawn on ")
	require.ErrorContains(t, err, "by the referrer")
	require.ErrorContains(t, err, "REFERRAL_CLOSED")
	require.NotContains(t, err.Error(), "Sent twice", "never the note")
}

// Decision 416: a referral whose every child comes of age for contact soon is warned of, on
// standard error, with the day and what it stops; no day, no warning. The help says so.
func TestSubmitWarnsOfChildrenComingOfAge(t *testing.T) {
	var stderr strings.Builder
	cmd := &cobra.Command{}
	cmd.SetErr(&stderr)
	warnComeOfAge(cmd, nil, "r1", "c1")
	require.Empty(t, stderr.String())
	warnComeOfAge(cmd, &commonv1.Date{Year: 2027, Month: 3, Day: 1}, "r1", "c1")
	require.Contains(t, stderr.String(), "warning: every child on the referral is 18 for contact from 2027-03-01")
	require.Contains(t, stderr.String(), "neither accepted nor waitlisted, and no session booked")
	// Review 88 L1: the day may have come already; the way on then is a decline, ready to run.
	require.Contains(t, stderr.String(), `if that day has come, the family cannot be taken into contact at all: decline the referral, `+
		`saying so (familytime referral decline r1 --centre c1 --reason other --note "the child is 18")`)

	help, err := run(t, "referral", "submit", "--help")
	require.NoError(t, err)
	help = strings.Join(strings.Fields(help), " ")
	require.Contains(t, help, "every child comes of age for contact within 26 weeks")
}
