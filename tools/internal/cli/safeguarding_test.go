package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// The safeguarding commands as a centre's volunteer and its lead use them, against a running dev
// platform: a concern raised and read (the read recorded), a hold placed for it, listed and
// lifted, the lead's alerts, the family's record and the audit of who read what; a volunteer
// cannot read another's concern, and nothing is printed that the caller may not see.
func TestSafeguardingCommandsOnTheDevPlatform(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}
	// The centre's staff are on its register (the dev admin token adds them): safeguarding's records
	// are worked on by staff the register clears (decision 109).
	centre, as, family := staffedCentreWithAFamily(t, data, "Harbour Family Time Centre", map[string]string{"coordinator-1": "coordinator",
		"volunteer-1": "volunteer", "volunteer-2": "volunteer", "lead-1": "safeguarding-lead"})
	volunteer, other, lead := as("volunteer", "volunteer-1"), as("volunteer", "volunteer-2"), as("safeguarding_lead", "lead-1")

	var out string
	var err error
	raise := uuid.NewString()
	var concern safeguardingv1.RaiseConcernResponse
	require.Eventually(t, func() bool {
		out, err = run(t, append([]string{"safeguarding", "concern", "raise", "--family", family, "--category", "handover-conduct",
			"--description", "Raised voices at the door at handover", "--request-id", raise, "--json"}, volunteer...)...)
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "safeguarding learns of the family")
	require.NoError(t, protojson.Unmarshal([]byte(out), &concern))
	k := concern.GetConcernId()
	require.NotEmpty(t, k)

	out, err = run(t, append([]string{"safeguarding", "concern", "show", k, "--purpose", "checking what I wrote"}, volunteer...)...)
	require.NoError(t, err)
	require.Contains(t, out, "Raised voices at the door")
	_, err = run(t, append([]string{"safeguarding", "concern", "show", k, "--purpose", "curious"}, other...)...)
	require.Error(t, err, "a volunteer reads only the concerns they raised")
	require.NotContains(t, err.Error(), "Raised voices")

	out, err = run(t, append([]string{"safeguarding", "alerts"}, lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, k, "the lead is alerted")

	reviewBy := time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
	out, err = run(t, append([]string{"safeguarding", "hold", "--family", family, "--reason", "concern-under-investigation",
		"--review-by", reviewBy, "--concern", k, "--json"}, lead...)...)
	require.NoError(t, err)
	var hold safeguardingv1.Hold
	require.NoError(t, protojson.Unmarshal([]byte(out), &hold))
	out, err = run(t, append([]string{"safeguarding", "hold", "list"}, lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, hold.GetHoldId())
	_, err = run(t, append([]string{"safeguarding", "hold", "--family", family, "--reason", "conduct", "--review-by", reviewBy}, volunteer...)...)
	require.Error(t, err, "only the lead places holds")
	_, err = run(t, append([]string{"safeguarding", "hold", "--family", family, "--reason", "conduct", "--review-by", "2026-02-30"}, lead...)...)
	require.ErrorContains(t, err, "review-by", "a date that does not exist is refused before any call")
	_, err = run(t, append([]string{"safeguarding", "hold", "--family", family, "--reason", "conduct", "--review-by",
		time.Now().AddDate(10, 0, 0).Format(time.DateOnly)}, lead...)...)
	require.ErrorContains(t, err, "must be at most 3 months ahead, by ", "a hold is reviewed within 3 months")
	out, err = run(t, append([]string{"safeguarding", "alerts"}, lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, "Holds overdue for review:\nnone", "the lead's alerts list the holds overdue for review")
	require.Contains(t, out, "Risk due for a look today (familytime safeguarding reviews):", "and the risk to look at")
	out, err = run(t, append([]string{"safeguarding", "reviews", "--due-by", time.Now().AddDate(0, 6, 0).Format(time.DateOnly), "--json"}, lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, family, "the family's risk is due for a look within 6 months: screened, or assessed with a review date")
	out, err = run(t, append([]string{"safeguarding", "hold", "list", "--overdue"}, lead...)...)
	require.NoError(t, err)
	require.Equal(t, "no holds overdue for review\n", out)
	nextReview := time.Now().AddDate(0, 0, 40).Format(time.DateOnly)
	// The hold names its family: --family may be left out (decision 226's Left).
	reviewHold := []string{"safeguarding", "hold", "review", hold.GetHoldId(), "--next-review-by", nextReview}
	_, err = run(t, append(append(reviewHold, "--note", "Police still investigating"), volunteer...)...)
	require.Error(t, err, "only the lead reviews a hold")
	_, err = run(t, append(append(reviewHold, "--note", "..."), lead...)...)
	require.ErrorContains(t, err, "must say why the hold continues, in words", "a note with no words")
	_, err = run(t, append([]string{"safeguarding", "hold", "review", hold.GetHoldId(), "--family", family, "--next-review-by",
		time.Now().AddDate(1, 0, 0).Format(time.DateOnly), "--note", "Police still investigating"}, lead...)...)
	require.ErrorContains(t, err, "must be at most 3 months ahead, by ", "the next review is within 3 months too")
	out, err = run(t, append(append(reviewHold, "--note", "Police still investigating"), lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, nextReview, "the hold's review date moves")
	require.NotContains(t, out, "Police still investigating", "the note is sealed, not printed")
	out, err = run(t, append([]string{"safeguarding", "hold", "list"}, lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, "REVIEW BY")
	require.Contains(t, out, nextReview, "the list shows each hold's current review date")
	// The hold names its family: --family may be left out.
	_, err = run(t, append([]string{"safeguarding", "lift", hold.GetHoldId(), "--note", "Investigated"}, lead...)...)
	require.NoError(t, err)
	_, err = run(t, append(append(reviewHold, "--note", "Police still investigating"), lead...)...)
	require.ErrorContains(t, err, "not in force", "a lifted hold is not reviewed")

	out, err = run(t, append([]string{"safeguarding", "record", "--family", family, "--purpose", "case review"}, lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, "Raised voices at the door")
	out, err = run(t, append([]string{"audit", family, "--centre", centre}, lead[2:]...)...)
	require.NoError(t, err, "the family as history takes it (review 83)")
	for _, who := range []string{"volunteer-1", "lead-1", "checking what I wrote", "case review",
		"REFUSED NOT_THE_RAISER_OR_LEAD: nothing was given"} {
		require.Contains(t, out, who, "every read is in the audit: who, and why; and the read refused")
	}
	// Review 52: in UK time, as the CLI's other times, not ISO UTC.
	require.Contains(t, out, "WHEN (UK TIME)")
	require.NotRegexp(t, `\dT\d\d:\d\d:\d\dZ`, out)

	// The lists follow every page: 2 rows a page list what one page of 100 does, every row once,
	// in order. A page size outside 1 to 500 is refused before any call.
	for i := range 3 {
		_, err = run(t, append([]string{"safeguarding", "record", "--family", family, "--purpose", fmt.Sprintf("read %d", i+1)}, lead...)...)
		require.NoError(t, err)
	}
	for i := range 2 {
		_, err = run(t, append([]string{"safeguarding", "concern", "raise", "--family", family, "--category", "other",
			"--description", fmt.Sprintf("Another worry %d", i)}, volunteer...)...)
		require.NoError(t, err)
	}
	audit := func(size string) []*safeguardingv1.AccessRecord {
		out, err := run(t, append([]string{"audit", "--family", family, "--centre", centre, "--page-size", size, "--json"}, lead[2:]...)...)
		require.NoError(t, err)
		return listOf[safeguardingv1.AccessRecord](t, out)
	}
	var purposes, refused []string
	for _, r := range audit("2") {
		if r.GetRefused() != "" {
			refused = append(refused, r.GetRefused())
			continue
		}
		purposes = append(purposes, r.GetPurpose())
	}
	require.Equal(t, []string{"checking what I wrote", "case review", "read 1", "read 2", "read 3"}, purposes,
		"every read, oldest first, across three pages")
	// The other volunteer's refused read of the concern is on the audit too (decision 297).
	require.Equal(t, []string{"NOT_THE_RAISER_OR_LEAD"}, refused)
	require.Len(t, audit("100"), 6)
	ids := func(args ...string) []string { // the concern ids of a list of alerts or of concerns
		out, err := run(t, append(append(args, "--json"), lead...)...)
		require.NoError(t, err)
		var items []struct {
			ConcernID string `json:"concern_id"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &items), out)
		var got []string
		for _, a := range items {
			got = append(got, a.ConcernID)
		}
		return got
	}
	alerts := ids("safeguarding", "alerts", "--page-size", "2")
	require.Len(t, alerts, 3)
	require.Equal(t, k, alerts[2], "newest first: the first concern's alert last")
	require.Equal(t, ids("safeguarding", "alerts", "--page-size", "100"), alerts)
	require.Equal(t, ids("safeguarding", "concern", "list", "--page-size", "100"), ids("safeguarding", "concern", "list", "--page-size", "2"))
	require.Len(t, ids("safeguarding", "concern", "list", "--page-size", "2"), 3)
	for _, list := range [][]string{{"audit", "--family", family, "--centre", centre}, {"safeguarding", "alerts"},
		{"safeguarding", "concern", "list"}, {"safeguarding", "hold", "list"}, {"safeguarding", "report", "overdue"}, {"safeguarding", "reviews"}} {
		for _, size := range []string{"0", "501"} {
			args := append(append(slices.Clone(list), "--page-size", size), lead...)
			if list[0] == "audit" {
				args = append(append(slices.Clone(list), "--page-size", size), lead[2:]...)
			}
			_, err := run(t, args...)
			require.ErrorContains(t, err, "--page-size must be from 1 to 500, not "+size, list)
		}
	}

	// Giving a report to another writer says why, in words; the service answers for the rest.
	_, err = run(t, append([]string{"safeguarding", "report", "reassign", uuid.NewString(), "--to", "sup-2", "--reason", "-"}, lead...)...)
	require.ErrorContains(t, err, "--reason must say why the report is given to another writer")
	_, err = run(t, append([]string{"safeguarding", "report", "reassign", uuid.NewString(), "--to", "sup-2",
		"--reason", "The supervisor left before writing it"}, lead...)...)
	require.ErrorContains(t, err, "report not found", "the request reaches the service")
}

// safeguarding reviews takes a date, refused before any call when it is not one.
func TestRiskReviewsRefuseABadDateBeforeAnyCall(t *testing.T) {
	_, err := run(t, "safeguarding", "reviews", "--centre", uuid.NewString(), "--due-by", "end of March", "--data", t.TempDir())
	require.EqualError(t, err, `--due-by "end of March" is not a date written YYYY-MM-DD, e.g. 2026-12-19`)
}

// staffedCentreWithAFamily registers a centre on the dev platform, puts staff (account: role) on its
// register, and has its coordinator (coordinator-1, among staff) refer a family from exampleFile,
// once referral knows the centre. as gives a command's flags for someone at the centre.
func staffedCentreWithAFamily(t *testing.T, data []string, name string, staff map[string]string) (centre string, as func(role, subject string) []string, family string) {
	t.Helper()
	out, err := run(t, append([]string{"centre", "register", "--name", name, "--region", "south-west",
		"--service", "supported", "--status", "working-towards", "--json"}, data...)...)
	require.NoError(t, err)
	var c schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &c))
	centre = c.GetCentreId()
	as = func(role, subject string) []string {
		tok, err := run(t, append([]string{"token", "--role", role, "--centre", centre, "--subject", subject}, data...)...)
		require.NoError(t, err)
		return append([]string{"--centre", centre, "--token", strings.TrimSpace(tok)}, data...)
	}
	month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	for account, role := range staff {
		_, err := run(t, append([]string{"staff", "add", "--centre", centre, "--account", account, "--role", role,
			"--dbs-checked", month, "--trained", month}, data...)...)
		require.NoError(t, err, account)
	}
	submitted := uuid.NewString()
	require.Eventually(t, func() bool {
		out, err = run(t, append([]string{"referral", "submit", "--file", exampleFile, "--request-id", submitted, "--json"},
			as("coordinator", "coordinator-1")...)...)
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "referral learns of the centre")
	var ref referralv1.Referral
	require.NoError(t, protojson.Unmarshal([]byte(out), &ref))
	return centre, as, ref.GetFamilyId()
}

// Review 29, with the commands: a lead who has just rung the police escalates without a reference
// ("no reference given yet") and adds it when the police give it (escalate-reference: a new record
// pointing at the escalation); the volunteer who raised the concern is shown what they raised and
// that it was escalated and closed, the lead's records withheld (never the father's new address);
// and an escalation by a token with the lead's role for the register's volunteer is in the lead's
// alerts, as a hold would be.
func TestARaiserIsShownTheirConcernAndTheLeadEscalatesWithoutAReference(t *testing.T) {
	dir := startDevPlatform(t)
	data := []string{"--data", dir}
	_, as, family := staffedCentreWithAFamily(t, data, "Quay Family Time Centre", map[string]string{"coordinator-1": "coordinator",
		"volunteer-1": "volunteer", "volunteer-2": "volunteer", "lead-1": "safeguarding-lead"})
	volunteer, lead, deputy := as("volunteer", "volunteer-1"), as("safeguarding_lead", "lead-1"), as("safeguarding_lead", "volunteer-2")

	raise := func(description string) string {
		var out string
		var err error
		request := uuid.NewString()
		require.Eventually(t, func() bool {
			out, err = run(t, append([]string{"safeguarding", "concern", "raise", "--family", family, "--category", "handover-conduct",
				"--description", description, "--request-id", request, "--json"}, volunteer...)...)
			return err == nil
		}, 30*time.Second, 50*time.Millisecond, "safeguarding learns of the family")
		var concern safeguardingv1.RaiseConcernResponse
		require.NoError(t, protojson.Unmarshal([]byte(out), &concern))
		return concern.GetConcernId()
	}
	k := raise("The father shouted at the mother at handover")

	out, err := run(t, append([]string{"safeguarding", "escalate", k, "--to", "police"}, lead...)...)
	require.NoError(t, err, "an escalation waits for no reference")
	require.Contains(t, out, "true")
	out, err = run(t, append([]string{"safeguarding", "concern", "show", k, "--purpose", "add the reference", "--json"}, lead...)...)
	require.NoError(t, err)
	var read safeguardingv1.GetConcernResponse
	require.NoError(t, protojson.Unmarshal([]byte(out), &read))
	escalation := read.GetConcern().GetRecords()[2]
	require.Equal(t, "familytime.safeguarding.v1.ConcernEscalated", escalation.GetType())
	require.Equal(t, "no reference given yet", escalation.GetText())
	_, err = run(t, append([]string{"safeguarding", "escalate-reference", escalation.GetRecordId(), "--family", family,
		"--reference", "4512/23"}, lead...)...)
	require.NoError(t, err, "the police's reference, as they give it")
	_, err = run(t, append([]string{"safeguarding", "action", k, "--action", "Father now lives with new partner at 3 Elm Close"}, lead...)...)
	require.NoError(t, err)
	_, err = run(t, append([]string{"safeguarding", "close", k, "--note", "Mother told of father's new address"}, lead...)...)
	require.ErrorContains(t, err, "outcome", "a concern closes with its outcome (review 48)")
	closing := append([]string{"safeguarding", "close", k, "--outcome", "taken-on-by-agency", "--note", "Mother told of father's new address",
		"--request-id", uuid.NewString()}, lead...)
	out, said, err := runSaying(t, closing...)
	require.NoError(t, err)
	require.Contains(t, out, "taken-on-by-agency")
	require.NotContains(t, said, "already recorded")
	require.NotContains(t, said, "REFERENCE_NOT_GIVEN", "the reference was added before the close")
	// The same request again: the answer recorded then, said so (review 48, as referral's commands).
	out, said, err = runSaying(t, append(closing, "--json")...)
	require.NoError(t, err)
	require.Contains(t, said, "already recorded at ")
	var again struct {
		Closed     bool   `json:"closed"`
		Replayed   bool   `json:"replayed"`
		AnsweredAt string `json:"answered_at"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &again), out)
	require.True(t, again.Closed && again.Replayed && again.AnsweredAt != "", out)
	out, err = run(t, append([]string{"safeguarding", "concern", "show", k, "--purpose", "add the reference"}, lead...)...)
	require.NoError(t, err)
	for _, s := range []string{"no reference given yet", "4512/23", "3 Elm Close", "Mother told"} {
		require.Contains(t, out, s, "the lead reads every record")
	}

	out, err = run(t, append([]string{"safeguarding", "concern", "show", k, "--purpose", "check on my concern"}, volunteer...)...)
	require.NoError(t, err)
	require.Contains(t, out, "The father shouted at the mother at handover", "what they raised")
	require.Contains(t, out, "escalated: yes", "they are told it was acted on")
	require.Contains(t, out, "closed: yes")
	require.Contains(t, out, "withheld from you", "and that the lead's records are withheld, not that there are none")
	for _, s := range []string{"no reference given yet", "4512/23", "3 Elm Close", "Mother told", "police", "lead-1"} {
		require.NotContains(t, out, s, "the raiser is not given the lead's records")
	}

	k2 := raise("The child was collected by someone not named")
	_, err = run(t, append([]string{"safeguarding", "escalate", k2, "--to", "police", "--reference", "CAD 1187"}, deputy...)...)
	require.NoError(t, err, "protection never waits on the register")
	k3 := raise("The mother said the father followed her home")
	_, err = run(t, append([]string{"safeguarding", "escalate", k3, "--to", "police"}, lead...)...)
	require.NoError(t, err)
	out, said, err = runSaying(t, append([]string{"safeguarding", "close", k3, "--outcome", "taken-on-by-agency", "--note", "Police have it"}, lead...)...)
	require.NoError(t, err, "closed, and warned of the reference not given")
	require.Regexp(t, `closed:\s+true`, out)
	require.Contains(t, said, "WARNING REFERENCE_NOT_GIVEN")
	require.Contains(t, said, "familytime safeguarding escalate-reference ")
	out, err = run(t, append([]string{"safeguarding", "reviews"}, lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, "concern escalated on "+time.Now().Format(time.DateOnly), "the escalations put the family before the lead")
	require.Contains(t, out, ": assess the risk")
	out, err = run(t, append([]string{"safeguarding", "alerts"}, lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, "BY OTHERS")
	require.Contains(t, out, "escalated (volunteer)", "the lead is alerted of the escalation by the register's volunteer")
	require.Equal(t, 1, strings.Count(out, "escalated ("), "not of their own")
}

// runSaying runs the CLI as run does, and returns what it said on standard error too.
func runSaying(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := NewRoot()
	var out, said bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&said)
	root.SetArgs(args)
	err = root.ExecuteContext(t.Context())
	return out.String(), said.String(), err
}
