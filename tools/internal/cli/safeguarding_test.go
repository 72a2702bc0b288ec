package cli

import (
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
	out, err := run(t, append([]string{"centre", "register", "--name", "Harbour Family Time Centre", "--region", "south-west",
		"--service", "supported", "--status", "working-towards", "--json"}, data...)...)
	require.NoError(t, err)
	var c schedulingv1.Centre
	require.NoError(t, protojson.Unmarshal([]byte(out), &c))
	centre := c.GetCentreId()
	as := func(role, subject string) []string {
		tok, err := run(t, append([]string{"token", "--role", role, "--centre", centre, "--subject", subject}, data...)...)
		require.NoError(t, err)
		return append([]string{"--centre", centre, "--token", strings.TrimSpace(tok)}, data...)
	}
	coordinator, volunteer, other, lead := as("coordinator", "coordinator-1"), as("volunteer", "volunteer-1"),
		as("volunteer", "volunteer-2"), as("safeguarding_lead", "lead-1")

	// A family referred to the centre: safeguarding learns of it from referral's events.
	submitted := uuid.NewString()
	require.Eventually(t, func() bool {
		out, err = run(t, append([]string{"referral", "submit", "--file", exampleFile, "--request-id", submitted, "--json"}, coordinator...)...)
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "referral learns of the centre")
	var ref referralv1.Referral
	require.NoError(t, protojson.Unmarshal([]byte(out), &ref))
	family := ref.GetFamilyId()

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
	_, err = run(t, append([]string{"safeguarding", "lift", hold.GetHoldId(), "--family", family, "--note", "Investigated"}, lead...)...)
	require.NoError(t, err)

	out, err = run(t, append([]string{"safeguarding", "record", "--family", family, "--purpose", "case review"}, lead...)...)
	require.NoError(t, err)
	require.Contains(t, out, "Raised voices at the door")
	out, err = run(t, append([]string{"audit", "--family", family, "--centre", centre}, lead[2:]...)...)
	require.NoError(t, err)
	for _, who := range []string{"volunteer-1", "lead-1", "checking what I wrote", "case review"} {
		require.Contains(t, out, who, "every read is in the audit: who, and why")
	}
}
