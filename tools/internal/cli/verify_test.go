package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

// familytime verify checks each service's own event log against its hash chains (review 18: a
// superuser changed a screening's rating and deleted a hold's event, and nothing ever said so).
func TestVerifyFindsTheLogChangedBehindTheServicesBacks(t *testing.T) {
	_, err := run(t, "verify", "--data", t.TempDir())
	require.ErrorContains(t, err, "no running familytime dev found")
	dir, db := startDevPlatformOn(t)
	data := []string{"--data", dir}
	_, err = run(t, append([]string{"verify", "--service", "billing"}, data...)...)
	require.ErrorContains(t, err, `--service "billing" is not one of referral, reporting, safeguarding, scheduling`)
	for _, name := range []string{"Riverside Family Time Centre", "Hillside Family Time Centre"} {
		_, err = run(t, append([]string{"centre", "register", "--name", name, "--region", "north-west", "--service", "supported", "--status", "accredited", "--accredited-on", "2025-03-01"}, data...)...)
		require.NoError(t, err)
	}

	var logs []verifiedLog
	require.Eventually(t, func() bool { // the relay has published the centres
		out, err := run(t, append([]string{"verify", "--service", "scheduling", "--json"}, data...)...)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal([]byte(out), &logs), out)
		return logs[0].Published == logs[0].Events
	}, 30*time.Second, 50*time.Millisecond)
	out, err := run(t, append([]string{"verify"}, data...)...)
	require.NoError(t, err)
	require.Regexp(t, `scheduling: \d+ events in \d+ streams: every chain intact, every MAC verified; \d+ events published to the bus compared`, out)
	require.Contains(t, out, "referral: ")
	require.Contains(t, out, "reporting: 0 events in 0 streams: every chain intact, every MAC verified (reporting records only the reads of families' histories, none yet", "no warning every run")
	require.NotRegexp(t, `reporting: [^\n]*NO EVENTS`, out)

	// A superuser gets past the append-only trigger; the chain still tells.
	owner, err := url.Parse(db.OwnerURL)
	require.NoError(t, err)
	owner.Path = "/" + db.Name + "_scheduling"
	conn, err := pgx.Connect(context.Background(), owner.String())
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(t.Context(), `SET session_replication_role = replica`)
	require.NoError(t, err)
	var changed, deleted string
	require.NoError(t, conn.QueryRow(t.Context(), `UPDATE events SET payload = payload || '\x00'::bytea
		WHERE position = (SELECT min(position) FROM events) RETURNING stream_id`).Scan(&changed))
	// A whole stream deleted leaves no chain to break: the bus's copy tells.
	require.NoError(t, conn.QueryRow(t.Context(), `DELETE FROM events
		WHERE stream_id = (SELECT stream_id FROM events WHERE stream_id LIKE 'centre-%' AND stream_id <> $1 ORDER BY position LIMIT 1)
		RETURNING stream_id`, changed).Scan(&deleted))

	// An event inserted with its hash recomputed (the code, write access, not the key) follows
	// its chain: its missing MAC tells (decision 157).
	ownerPool, err := pgxpool.New(t.Context(), owner.String())
	require.NoError(t, err)
	defer ownerPool.Close()
	forged, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: 1}, uuid.Nil, uuid.New(), eventstore.Metadata{Actor: "coordinator"})
	require.NoError(t, err)
	_, err = eventstore.New(ownerPool).Append(t.Context(), "made-up-"+uuid.NewString(), eventstore.NoStream, forged)
	require.NoError(t, err)

	out, err = run(t, append([]string{"verify", "--json"}, data...)...)
	require.ErrorContains(t, err, "3 stream(s) broken")
	require.NoError(t, json.Unmarshal([]byte(out), &logs), out)
	for _, v := range logs {
		require.True(t, v.MACsChecked, v.Service)
		if v.Service != "scheduling" {
			require.Empty(t, v.Broken, v.Service)
			continue
		}
		require.Len(t, v.Broken, 3)
		require.Equal(t, brokenStream{Stream: changed, Version: 1, Reason: "stored event does not match its hash"}, v.Broken[0])
		require.Contains(t, v.Broken[1].Stream, "made-up-")
		require.Contains(t, v.Broken[1].Reason, "it has no MAC: not appended by the service")
		require.Equal(t, brokenStream{Stream: deleted, Version: 1, Reason: "published to the bus but not in the log: deleted behind the service's back"}, v.Broken[2])
		require.Equal(t, int64(1), v.Unsigned)
	}
	out, err = run(t, append([]string{"verify", "--service", "scheduling"}, data...)...)
	require.Error(t, err)
	require.Contains(t, out, "scheduling: ")
	require.Contains(t, out, "3 stream(s) BROKEN")
	require.NotContains(t, out, "referral: ", "only the service asked for")

	// The relay published the inserted event without the bus MAC (decision 157): verify counts
	// it as the log's, not as a stranger publishing on NATS (review 23).
	require.Eventually(t, func() bool {
		out, _ := run(t, append([]string{"verify", "--service", "scheduling", "--json"}, data...)...)
		return json.Unmarshal([]byte(out), &logs) == nil && logs[0].Withheld == 1
	}, 30*time.Second, 100*time.Millisecond)
	require.Zero(t, logs[0].Foreign)
	out, _ = run(t, append([]string{"verify", "--service", "scheduling"}, data...)...)
	require.Contains(t, out, "1 events of the log the relay published without the bus MAC")
	require.NotContains(t, out, "not published by the platform")

	// Without the key, an event without a MAC is named all the same (review 23: verify given a
	// database alone said every chain was intact).
	out, err = run(t, "verify", "--service", "scheduling", "--database-url", owner.String())
	require.ErrorContains(t, err, "stream(s) broken")
	require.Contains(t, out, "1 events without a MAC; the others' MACs not checked: give --bus-key-file")
	require.Regexp(t, `stream made-up-[0-9a-f-]+ version 1: it has no MAC: not appended by the service`, out)

	// Under --json a broken log is the answer, one JSON document, and the exit status 1 (review 23
	// read the answer and then an error object).
	root := NewRoot()
	var answer bytes.Buffer
	root.SetOut(&answer)
	root.SetErr(io.Discard)
	err = Execute(t.Context(), root, append([]string{"verify", "--service", "scheduling", "--json"}, data...))
	var status interface{ ExitCode() int }
	require.ErrorAs(t, err, &status)
	require.Equal(t, 1, status.ExitCode())
	require.NoError(t, json.Unmarshal(answer.Bytes(), &logs), "one JSON document: %s", answer.String())
	require.Len(t, logs[0].Broken, 3)
}

// Review 23 moved the relay's checkpoint past an event not yet published, and verify, comparing
// from the bus to the log only, said nothing. It now looks from the log to the bus too: an event on
// or before the checkpoint that is not on the bus names its stream; one after it is the relay's
// lag, counted.
func TestVerifyNamesAnEventTheRelayWasMovedPast(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t))
	var published []uuid.UUID
	record := func(stream string) eventstore.RecordedEvent {
		e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: 1}, uuid.Nil, uuid.New(), eventstore.Metadata{})
		require.NoError(t, err)
		recorded, err := store.Append(t.Context(), stream, eventstore.NoStream, e)
		require.NoError(t, err)
		return recorded[0]
	}
	first, skipped, last := record("counter-first"), record("counter-skipped"), record("counter-last")
	after := record("counter-after")
	published = append(published, first.ID, last.ID) // what the bus holds: "skipped" never went out
	relayed := checkpointText{found: true}
	require.NoError(t, db.OwnerPool(t).QueryRow(t.Context(), `SELECT tx_id::text, position FROM events WHERE event_id = $1`,
		last.ID).Scan(&relayed.tx, &relayed.position))

	var v verifiedLog
	require.NoError(t, onTheBus(t.Context(), db.OwnerPool(t), relayed, published, &v))
	require.Equal(t, []brokenStream{{Stream: skipped.StreamID, Version: 1,
		Reason: "in the log but never published: the relay's checkpoint was moved past it behind the relay's back"}}, v.Broken)
	require.Equal(t, int64(1), v.Unpublished, "%s is the relay's lag", after.StreamID)

	v = verifiedLog{}
	require.NoError(t, onTheBus(t.Context(), db.OwnerPool(t), checkpointText{tx: "0"}, nil, &v))
	require.Empty(t, v.Broken, "before the relay's first checkpoint nothing is missing")
	require.Equal(t, int64(4), v.Unpublished)

	// Review 90: a bus stream deleted was passed over, and verify said all was well. Missing (or
	// empty) with the checkpoint past three events, it is one finding, naming the bus stream.
	v = verifiedLog{}
	require.NoError(t, lostStream(t.Context(), db.OwnerPool(t), relayed, "SCHEDULING", "missing", &v))
	require.Len(t, v.Broken, 1)
	require.Equal(t, "SCHEDULING", v.Broken[0].Stream)
	require.Contains(t, v.Broken[0].Reason, "the bus stream is missing, though the relay published 3 events of the log to it: JetStream lost them")
	require.Equal(t, int64(1), v.Unpublished, "%s is the relay's lag", after.StreamID)
	var printed strings.Builder
	printVerified(&printed, []verifiedLog{{Service: "scheduling", Events: 4, Streams: 4, Broken: v.Broken}})
	require.Contains(t, printed.String(), "  stream SCHEDULING: the bus stream is missing")
	v = verifiedLog{}
	require.NoError(t, lostStream(t.Context(), db.OwnerPool(t), checkpointText{tx: "0"}, "SCHEDULING", "missing", &v))
	require.Empty(t, v.Broken, "a relay that never published lost nothing")
}
