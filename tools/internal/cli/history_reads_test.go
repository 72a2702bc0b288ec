package cli

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// A family's history is read for a purpose, and the read is recorded (decision 180): the
// coordinator reads it with --purpose, the lead lists the reads with --reads, and a read deleted
// from reporting's log behind the service's back is named by familytime verify, from the copy on
// reporting's stream (review 24 deleted one and verify said every chain was intact).
func TestHistoryReadsOnTheDevPlatform(t *testing.T) {
	dir, db := startDevPlatformOn(t)
	data := []string{"--data", dir}
	_, as, family := staffedCentreWithAFamily(t, data, "Quayside Family Time Centre",
		map[string]string{"coordinator-1": "coordinator", "lead-1": "safeguarding-lead"})
	coordinator, lead := as("coordinator", "coordinator-1"), as("safeguarding_lead", "lead-1")

	out, err := run(t, append([]string{"history", family}, coordinator...)...)
	require.ErrorContains(t, err, "give --purpose, one of: court, case-review, family-request, safeguarding, inspection")
	_, err = run(t, append([]string{"history", family, "--purpose", "curious"}, coordinator...)...)
	require.ErrorContains(t, err, `--purpose "curious" is not one of: court, case-review`)
	_, err = run(t, append([]string{"history", family, "--reads", "--purpose", "court"}, coordinator...)...)
	require.ErrorContains(t, err, "none of the others can be")
	require.Eventually(t, func() bool {
		out, err = run(t, append([]string{"history", family, "--reads"}, lead...)...)
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "reporting learns of the family")
	require.Equal(t, "no reads recorded\n", out, "refused reads are not reads")

	out, err = run(t, append([]string{"history", family, "--purpose", "court"}, coordinator...)...)
	require.NoError(t, err)
	require.Contains(t, out, "Referral received")
	out, err = run(t, append([]string{"history", family, "--reads"}, lead...)...)
	require.NoError(t, err)
	require.Regexp(t, `coordinator-1\s+coordinator\s+court\s+as it stood`, out)
	_, err = run(t, append([]string{"history", family, "--reads"}, as("volunteer", "volunteer-1")...)...)
	require.Error(t, err, "a volunteer does not list who read a family's history")

	// The reads go to reporting's stream, the copy verify compares reporting's log with.
	var logs []verifiedLog
	require.Eventually(t, func() bool {
		out, err := run(t, append([]string{"verify", "--service", "reporting", "--json"}, data...)...)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal([]byte(out), &logs), out)
		return logs[0].Events > 0 && logs[0].Published == logs[0].Events
	}, 30*time.Second, 50*time.Millisecond)
	owner, err := url.Parse(db.OwnerURL)
	require.NoError(t, err)
	owner.Path = "/" + db.Name + "_reporting"
	conn, err := pgx.Connect(context.Background(), owner.String())
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(t.Context(), `SET session_replication_role = replica`) // past the append-only trigger
	require.NoError(t, err)
	var deleted string
	require.NoError(t, conn.QueryRow(t.Context(), `DELETE FROM events WHERE event_type = 'familytime.reporting.v1.FamilyHistoryRead'
		RETURNING stream_id`).Scan(&deleted))
	out, err = run(t, append([]string{"verify", "--service", "reporting"}, data...)...)
	require.ErrorContains(t, err, "1 stream(s) broken")
	require.Contains(t, out, "stream "+deleted+" version 1: published to the bus but not in the log: deleted behind the service's back")

	// Read for one of the parents: each step's date only, and the history says so (review 26).
	out, err = run(t, append([]string{"history", family, "--purpose", "family-request"}, coordinator...)...)
	require.NoError(t, err)
	require.Contains(t, out, "Referral received")
	require.Contains(t, out, "Read for a parent's request: dates only")
	require.NotRegexp(t, `\dT\d{2}:\d{2}`, out, "no step is timed")
}
