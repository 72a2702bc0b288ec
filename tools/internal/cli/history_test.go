package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

// --as-of takes a date as the end of that day in the UK; today's is the history as it stands, and
// a later day's is refused: it has not happened yet (review 5).
func TestAsOfIsNeverInTheFuture(t *testing.T) {
	at, err := parseAsOf("2026-03-01")
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 3, 2, 0, 0, 0, 0, london).Add(-time.Microsecond), at)

	before := time.Now()
	at, err = parseAsOf(time.Now().In(london).Format(time.DateOnly))
	require.NoError(t, err)
	require.False(t, at.Before(before), "today: as it stands")
	require.False(t, at.After(time.Now()))

	_, err = parseAsOf(time.Now().In(london).AddDate(0, 0, 2).Format(time.DateOnly))
	require.ErrorContains(t, err, "is in the future")
	_, err = parseAsOf("yesterday")
	require.ErrorContains(t, err, "give a date")
}

// A parent's copy names no one for a step it gives bare, a booking cancelled or contact suspended
// (decision 202): the table says "the centre", not an account with no role.
func TestAStepAParentsCopyGivesBareIsTheCentres(t *testing.T) {
	require.Equal(t, "the centre", by(&reportingv1.HistoryEntry{Description: "Booking for 2026-07-04 cancelled"}))
	require.Equal(t, "coordinator", by(&reportingv1.HistoryEntry{Actor: "coordinator-1", ActorRole: "coordinator"}))
	require.Equal(t, "the scheduling service", by(&reportingv1.HistoryEntry{Actor: "service:scheduling"}))
}

// A parent's copy prints no account, whatever the service sends (review 41): an older reporting
// gave each step's actor, the subject of a token, which may be the other parent's e-mail address.
// The role stays; a step with none is the centre's.
func TestAParentsCopyPrintsNoAccount(t *testing.T) {
	h := &reportingv1.GetFamilyHistoryResponse{TimesWithheld: true, Entries: []*reportingv1.HistoryEntry{
		{Description: "Self-referral received from a parent for unspecified contact, 1 child", Actor: "wilma.hidden@example.org", ActorRole: "referrer"},
		{Description: "Session booked (supervised) for 2026-07-18", Actor: "sim-coordinator-002", ActorRole: "coordinator"},
		{Description: "Scheduling noted the referral accepted", Actor: "service:scheduling"},
		{Description: "A named person checked in", Actor: "fred.before.roles@example.org"},
	}}
	withoutAccounts(h)
	var doc bytes.Buffer
	require.NoError(t, printHistoryJSON(&doc, h, nil, true))
	for _, account := range []string{"wilma", "sim-coordinator", "service:", "fred", "@", `"actor"`} {
		require.NotContains(t, doc.String(), account)
	}
	var said []string
	for _, e := range h.GetEntries() {
		said = append(said, by(e))
	}
	require.Equal(t, []string{"referrer", "coordinator", "the centre", "the centre"}, said)
}

// Review 30 put a hold on one family and two on another and read each a parent's copy: the steps
// were the same (decision 202), but the check under them said "the family's 9 events ... each of
// the family's 2 referrals, concerns, holds and reports" of the one, "12 events ... 3" of the
// other, in --json too (verification.reason), and for a family with concerns "38 events in 11
// streams" under a copy of four steps that claimed no safeguarding step. A parent's copy now says
// only that the history verifies, in the same words for every family; of a history that does not,
// no copy is printed and the error names no stream, service or count. The centre's read keeps
// what was checked, and where a history is broken.
func TestAParentsCopySaysItVerifiesAndNothingOfWhatItLeavesOut(t *testing.T) {
	dir, db := startDevPlatformOn(t)
	data := []string{"--data", dir}
	staff := map[string]string{"coordinator-1": "coordinator", "volunteer-1": "volunteer", "lead-1": "safeguarding-lead"}
	type family struct {
		id                           string
		coordinator, lead, volunteer []string
	}
	count := func(out, words string) int { return strings.Count(out, `"description": "`+words) }
	// A family accepted for supported contact at a centre of its own: the same referral at one
	// centre would be a possible duplicate, and at another, one under a hold once the first has one.
	referred := func(name string) family {
		_, as, f := staffedCentreWithAFamily(t, data, name, staff)
		coordinator := as("coordinator", "coordinator-1")
		out, err := run(t, append([]string{"referral", "list", "--json"}, coordinator...)...)
		require.NoError(t, err)
		ref := referralsOf(t, out)[0].GetReferralId()
		_, err = run(t, append([]string{"referral", "screen", ref, "--rating", "amber", "--note", "Hostile communication"}, coordinator...)...)
		require.NoError(t, err)
		_, err = run(t, append([]string{"referral", "accept", ref, "--service", "supported"}, coordinator...)...)
		require.NoError(t, err)
		return family{f, coordinator, as("safeguarding_lead", "lead-1"), as("volunteer", "volunteer-1")}
	}
	once, twice := referred("Harbour Family Time Centre"), referred("Quay Family Time Centre")
	// Holds placed on the family and concerns raised, until reporting has every step.
	troubled := func(f family, holds, concerns int) {
		var err error
		for i := range concerns {
			request := uuid.NewString()
			require.Eventually(t, func() bool {
				_, err = run(t, append([]string{"safeguarding", "concern", "raise", "--family", f.id, "--category", "handover-conduct",
					"--description", fmt.Sprintf("Raised voices at the door, %d", i), "--request-id", request}, f.volunteer...)...)
				return err == nil
			}, 30*time.Second, 50*time.Millisecond, "safeguarding learns of the family")
		}
		reviewBy := time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
		for range holds {
			require.Eventually(t, func() bool {
				_, err = run(t, append([]string{"safeguarding", "hold", "--family", f.id, "--reason", "conduct", "--review-by", reviewBy}, f.lead...)...)
				return err == nil
			}, 30*time.Second, 50*time.Millisecond, "safeguarding learns of the family")
		}
		// Every step that reaches a parent's copy, in reporting: the centre's read shows them.
		require.Eventually(t, func() bool {
			out, err := run(t, append([]string{"history", f.id, "--purpose", "case-review", "--verify=false", "--json"}, f.coordinator...)...)
			require.NoError(t, err)
			return count(out, "Scheduling noted the referral accepted") == 1 && count(out, "Safeguarding concern raised") == concerns &&
				count(out, "Case suspended by a safeguarding hold") == holds && count(out, "Scheduling noted a safeguarding hold") == holds
		}, 30*time.Second, 100*time.Millisecond, "reporting learns of every step")
	}
	troubled(once, 1, 0)
	troubled(twice, 2, 3)

	type copied struct {
		History struct {
			Entries []struct {
				Description string `json:"description"`
			} `json:"entries"`
		} `json:"history"`
		Verification map[string]any `json:"verification"`
	}
	parents := func(f family) (footer string, doc copied) {
		out, err := run(t, append([]string{"history", f.id, "--purpose", "family-request"}, f.coordinator...)...)
		require.NoError(t, err)
		_, footer, ok := strings.Cut(out, "\n\n")
		require.True(t, ok, out)
		out, err = run(t, append([]string{"history", f.id, "--purpose", "family-request", "--json"}, f.coordinator...)...)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
		return footer, doc
	}
	// No account in a parent's copy (review 41): the role each step was taken in, printed and in
	// --json, and never the staff's accounts (the referral, its screening and acceptance were
	// coordinator-1's).
	for _, asJSON := range []bool{false, true} {
		out, err := run(t, append([]string{"history", once.id, "--purpose", "family-request", "--json=" + fmt.Sprint(asJSON)}, once.coordinator...)...)
		require.NoError(t, err)
		require.NotContains(t, out, "coordinator-1")
		require.NotContains(t, out, `"actor"`)
		require.NotContains(t, out, "the scheduling service", "a service's reaction is a service's, not an account's")
		if asJSON {
			require.Contains(t, out, `"actor_role": "coordinator"`)
		} else {
			require.Contains(t, out, "  coordinator\n")
		}
	}
	out, err := run(t, append([]string{"history", once.id, "--purpose", "case-review", "--verify=false", "--json"}, once.coordinator...)...)
	require.NoError(t, err)
	require.Contains(t, out, `"actor": "coordinator-1"`, "the centre's read keeps the accounts")

	onceFooter, onceDoc := parents(once)
	twiceFooter, twiceDoc := parents(twice)
	require.Equal(t, onceDoc.History, twiceDoc.History, "the same steps (decision 202)")
	require.Contains(t, onceFooter, "verified: ")
	require.Equal(t, onceFooter, twiceFooter, "one hold and two, three concerns and none: the same check")
	require.NotRegexp(t, `\d`, onceFooter, "no count of events, streams or records")
	require.Equal(t, onceDoc.Verification, twiceDoc.Verification)
	require.Equal(t, map[string]any{"verified": true, "reason": onceDoc.Verification["reason"]}, onceDoc.Verification,
		"whether it verified, and the words: no count, stream or service")
	require.NotRegexp(t, `\d`, onceDoc.Verification["reason"])

	// The centre's read keeps what was checked.
	out, err = run(t, append([]string{"history", twice.id, "--purpose", "case-review"}, twice.coordinator...)...)
	require.NoError(t, err)
	require.Regexp(t, `each of the family's \d+ referrals, concerns, holds and reports`, out)

	// The second hold's last event removed from reporting's history, behind its back: the history
	// does not verify. The centre's read says where; a parent's copy is not printed, and its error
	// names no stream, service or count.
	owner, err := url.Parse(db.OwnerURL)
	require.NoError(t, err)
	owner.Path = "/" + db.Name + "_reporting"
	conn, err := pgx.Connect(context.Background(), owner.String())
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(t.Context(), `SET session_replication_role = replica`) // past the append-only trigger
	require.NoError(t, err)
	tag, err := conn.Exec(t.Context(), `DELETE FROM reporting.history_events WHERE service = 'safeguarding' AND stream_id = $1
		AND version = (SELECT max(version) FROM reporting.history_events WHERE service = 'safeguarding' AND stream_id = $1)`, "hold-"+twice.id)
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected())
	_, err = run(t, append([]string{"history", twice.id, "--purpose", "case-review"}, twice.coordinator...)...)
	require.ErrorContains(t, err, "history NOT verified: safeguarding stream hold-"+twice.id)
	// Under --json the centre's read is one JSON document, whose verification says where, and the
	// exit status 1 (it printed the history, then the failure as a second document).
	root := NewRoot()
	var answer bytes.Buffer
	root.SetOut(&answer)
	root.SetErr(io.Discard)
	err = Execute(t.Context(), root, append([]string{"history", twice.id, "--purpose", "case-review", "--json"}, twice.coordinator...))
	var status interface{ ExitCode() int }
	require.ErrorAs(t, err, &status)
	require.Equal(t, 1, status.ExitCode())
	var read struct {
		Verification struct {
			Verified bool   `json:"verified"`
			StreamID string `json:"stream_id"`
		} `json:"verification"`
	}
	require.NoError(t, json.NewDecoder(strings.NewReader(answer.String())).Decode(&read))
	require.False(t, read.Verification.Verified)
	require.Equal(t, "hold-"+twice.id, read.Verification.StreamID)
	dec := json.NewDecoder(strings.NewReader(answer.String()))
	require.NoError(t, dec.Decode(&read))
	require.False(t, dec.More(), "one JSON document: %s", answer.String())
	for _, asJSON := range []bool{false, true} {
		out, err = run(t, append([]string{"history", twice.id, "--purpose", "family-request", "--json=" + fmt.Sprint(asJSON)}, twice.coordinator...)...)
		require.ErrorContains(t, err, "history NOT verified")
		require.Empty(t, out, "no parent's copy of a history that does not verify")
		for _, told := range []string{"hold", "safeguarding", twice.id} {
			require.NotContains(t, err.Error(), told)
		}
		require.NotRegexp(t, `\d`, err.Error())
	}
}

// Review 49: the history dated each step by when it was recorded. The table gives the day a step
// took place (ON, from occurred_on) beside when it was recorded; a step whose record says none (a
// booking) shows "-".
func TestTheTableSaysTheDayAStepTookPlace(t *testing.T) {
	require.Equal(t, "2027-01-07", tookPlace(&reportingv1.HistoryEntry{OccurredOn: &commonv1.Date{Year: 2027, Month: 1, Day: 7}}))
	require.Equal(t, "-", tookPlace(&reportingv1.HistoryEntry{Description: "Session booked (supported) for 2027-01-16"}))
}
