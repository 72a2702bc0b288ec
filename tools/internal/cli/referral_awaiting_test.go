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
	"github.com/familytime/familytime/tools/internal/devserver"
)

// show says how long a self-referral has waited for the second parent's application, as the
// service counted it, and from 28 days what the coordinator can do, with the commands; any other
// referral, and a referrer's answer, say nothing of it (decision 344).
func TestShowSaysHowLongASelfReferralHasWaited(t *testing.T) {
	awaiting := referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY
	centre := uuid.NewString()
	show := func(r *referralv1.Referral) string {
		t.Helper()
		var out bytes.Buffer
		require.NoError(t, printReferral(&out, &output{}, r))
		return strings.Join(strings.Fields(out.String()), " ")
	}
	require.Contains(t, show(&referralv1.Referral{ReferralId: "R", CentreId: centre, State: awaiting}),
		"waiting for the second parent's application: 0 days")
	got := show(&referralv1.Referral{ReferralId: "R", CentreId: centre, State: awaiting, AwaitingSecondPartyDays: 27})
	require.Contains(t, got, "waiting for the second parent's application: 27 days")
	require.NotContains(t, got, "ask the first parent", "no hint before 28 days")
	residentApplied := []*referralv1.PersonSummary{{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT},
		{Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT}}
	got = show(&referralv1.Referral{ReferralId: "R", CentreId: centre, State: awaiting, AwaitingSecondPartyDays: 28, Adults: residentApplied})
	require.Contains(t, got, "waiting for the second parent's application: 28 days (28 or more): ask the first parent "+
		"(the resident parent, who applied)")
	for _, command := range []string{"familytime referral family R --centre " + centre + " --purpose WHY",
		"familytime referral withdraw R --centre " + centre + " --by resident-parent --note WHY",
		"familytime referral decline R --centre " + centre + " --reason no-agreement"} {
		require.Contains(t, got, command)
	}
	// Review 65 finding 6 (decision 353): the withdrawal offered is the parent's who applied, not
	// the other's, who never did.
	require.NotContains(t, got, "non-resident-parent")
	got = show(&referralv1.Referral{ReferralId: "R", CentreId: centre, State: awaiting, AwaitingSecondPartyDays: 28,
		Adults: []*referralv1.PersonSummary{{Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT}}})
	require.Contains(t, got, "ask the first parent (the non-resident parent, who applied)")
	require.Contains(t, got, "familytime referral withdraw R --centre "+centre+" --by non-resident-parent --note WHY")
	require.NotContains(t, got, "--by resident-parent")
	require.Contains(t, chaseNote([]string{"R1", "R2"}, centre), "--by resident-parent|non-resident-parent --note WHY",
		"list names several referrals: the first parent's, whichever")
	require.NotContains(t, show(&referralv1.Referral{ReferralId: "R", CentreId: centre, State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED}),
		"waiting for the second parent")
	require.NotContains(t, show(&referralv1.Referral{ReferralId: "R", State: awaiting}), "waiting for the second parent",
		"a referrer's answer is the id and state only")
	require.Empty(t, chaseNote(nil, centre))
}

// On a dev platform whose clock is simulated, the days are the platform's, not the workstation's:
// a self-referral submitted today has waited 0 days, and 30 once the clock is moved on 30 days;
// show says so with what the coordinator can do, and list says it in the state, naming the
// referral on standard error (decision 344).
func TestASelfReferralsWaitIsCountedByThePlatformsClock(t *testing.T) {
	dir, _ := startDevPlatformWith(t, devserver.Config{Clock: devserver.ClockSimulated})
	data := []string{"--data", dir}
	out, err := run(t, append([]string{"centre", "register", "--name", "Riverside Family Time Centre", "--region", "north-west",
		"--service", "supported", "--status", "accredited", "--accredited-on", "2025-03-01", "--json"}, data...)...)
	require.NoError(t, err)
	var c schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &c))
	centre := c.GetCentreId()
	token, err := run(t, append([]string{"token", "--role", "coordinator", "--centre", centre}, data...)...)
	require.NoError(t, err)
	as := append([]string{"--centre", centre, "--token", strings.TrimSpace(token)}, data...)
	month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	_, err = run(t, append([]string{"staff", "add", "--centre", centre, "--account", "dev-user", "--role", "coordinator",
		"--dbs-checked", month, "--trained", month}, data...)...)
	require.NoError(t, err)

	var self referralv1.SubmitReferralRequest
	require.NoError(t, readRequestFile(nil, exampleFile, &self))
	self.Source = commonv1.ReferralSource_REFERRAL_SOURCE_SELF
	self.Details.Referrer = nil
	self.Details.Adults = self.Details.Adults[:1]
	selfFile := writeMessage(t, t.TempDir(), "self.json", &self)
	submitted := uuid.NewString()
	require.Eventually(t, func() bool {
		// The referral service hears of the centre and its register from scheduling's events.
		out, err = run(t, append([]string{"referral", "submit", "--file", selfFile, "--request-id", submitted, "--json"}, as...)...)
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "%v", err)
	var r referralv1.Referral
	require.NoError(t, protojson.Unmarshal([]byte(out), &r), out)
	id := r.GetReferralId()
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY, r.GetState())

	out, err = run(t, append([]string{"referral", "show", id}, as...)...)
	require.NoError(t, err)
	require.Regexp(t, `waiting for the second parent's application:\s+0 days\n`, out)
	_, said, err := runSaying(t, append([]string{"referral", "list"}, as...)...)
	require.NoError(t, err)
	require.Empty(t, said, "nothing to chase on the day it arrived")

	_, err = run(t, append([]string{"clock", "advance", "--by", "30d"}, data...)...)
	require.NoError(t, err)
	out, err = run(t, append([]string{"referral", "show", id}, as...)...)
	require.NoError(t, err)
	require.Regexp(t, `waiting for the second parent's application:\s+30 days \(28 or more\): ask the first parent`, out)
	require.Contains(t, out, "familytime referral withdraw "+id+" --centre "+centre+" --by resident-parent --note WHY")
	out, said, err = runSaying(t, append([]string{"referral", "list"}, as...)...)
	require.NoError(t, err)
	require.Contains(t, out, "awaiting second party (30 days)")
	require.Contains(t, said, "waiting 28 days or more for the second parent's application: "+id+": ask the first parent")
	require.Contains(t, said, "familytime referral decline REFERRAL_ID --centre "+centre+" --reason no-agreement")
	out, err = run(t, append([]string{"referral", "list", "--json"}, as...)...)
	require.NoError(t, err)
	require.Contains(t, out, `"awaiting_second_party_days": 30`)
}
