package eventstore_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

// Review 19: anyone with write access to the database extends a chain, since its hash is a plain
// SHA-256 of what is stored. Each event now carries a MAC of its hash under the platform's key
// (decision 157): an event inserted with its hash recomputed, by a store without the key or with
// another key, follows the chain but is named by verification, and an authenticator (the relay's)
// refuses it. An event without a MAC is named wherever it lies in the log: one inserted below the
// first signed event passed as appended before MACs (review 21, decision 166).
func TestAnEventInsertedWithItsHashRecomputedIsFound(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	ctx := t.Context()
	keyless := eventstore.New(db.Pool(t)) // an attacker with write access, and the code, but not the key
	service := eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog("test"))
	genuine, err := service.Append(ctx, "signed", eventstore.NoStream, counter(t, 1), counter(t, 2))
	require.NoError(t, err)
	for _, r := range genuine {
		require.Len(t, r.MAC, 32)
	}
	loaded, err := service.Load(ctx, "signed")
	require.NoError(t, err)
	auth := eventstore.NewAuthenticator(testkit.BusKey.ForLog("test"))
	for i := range loaded {
		require.Equal(t, genuine[i].MAC, loaded[i].MAC, "stored as made")
		require.NoError(t, auth.Check(&loaded[i]))
	}
	unsigned, err := service.Unsigned(ctx)
	require.NoError(t, err)
	require.Zero(t, unsigned)
	broken, err := service.VerifyAll(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, broken)

	// The attacker extends a signed stream and starts a new one, with the chain's hashes
	// recomputed; inserts a stream at positions below the first signed event's, where events from
	// before MACs would lie; and extends another with a MAC of another key.
	_, err = keyless.Append(ctx, "signed", 2, counter(t, 3))
	require.NoError(t, err)
	_, err = keyless.Append(ctx, "made-up", eventstore.NoStream, counter(t, 1))
	require.NoError(t, err)
	below := insertBelow(t, db, genuine[0].Position)
	_, err = service.Append(ctx, "other-key", eventstore.NoStream, counter(t, 1))
	require.NoError(t, err)
	_, err = eventstore.New(db.Pool(t)).SignWith(bus.NewKey().ForLog("test")).Append(ctx, "other-key", 1, counter(t, 2))
	require.NoError(t, err)
	// A stream signed in another service's log and copied here (review 23, decision 176).
	_, err = eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog("referral")).Append(ctx, "other-log", eventstore.NoStream, counter(t, 1))
	require.NoError(t, err)

	broken, err = service.VerifyAll(ctx, nil)
	require.NoError(t, err)
	reasons := map[string]string{}
	for _, b := range broken {
		reasons[b.Stream] = b.Reason
	}
	require.Len(t, reasons, 5, "%v", broken)
	require.Contains(t, reasons["other-log"], "its MAC does not verify under the platform's key")
	for _, stream := range []string{"signed", "made-up", below} {
		require.Contains(t, reasons[stream], "it has no MAC: not appended by the service", stream)
	}
	require.Contains(t, reasons["other-key"], "its MAC does not verify under the platform's key")
	require.Equal(t, eventstore.ErrNotAppendedByTheService.Error(), "not appended by the service")
	for _, stream := range []string{"signed", "made-up", "other-key"} {
		events, err := service.Load(ctx, stream)
		require.NoError(t, err)
		last := events[len(events)-1]
		require.ErrorIs(t, auth.Check(&last), eventstore.ErrNotAppendedByTheService, stream)
	}
	var tamper *eventstore.TamperError
	require.ErrorAs(t, service.Verify(ctx, "signed"), &tamper)
	require.Equal(t, int64(3), tamper.Version)
	require.NoError(t, keyless.Verify(ctx, "signed"), "without the key, the chain alone cannot tell")
}

// insertBelow inserts a stream of one event, its chain recomputed, at a position below first, as a
// superuser who gets past the append-only trigger would, and returns the stream.
func insertBelow(t *testing.T, db *testkit.Database, first int64) string {
	t.Helper()
	stream := "below-" + uuid.NewString()
	_, err := eventstore.New(db.OwnerPool(t)).Append(t.Context(), stream, eventstore.NoStream, counter(t, 1))
	require.NoError(t, err)
	conn, err := db.OwnerPool(t).Acquire(t.Context())
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(t.Context(), `SET session_replication_role = replica`)
	require.NoError(t, err)
	defer conn.Exec(context.WithoutCancel(t.Context()), `RESET session_replication_role`) //nolint:errcheck // the test's pool
	// The position is the log's own (GENERATED ALWAYS): the row is moved.
	_, err = conn.Exec(t.Context(), `CREATE TEMP TABLE moved AS SELECT * FROM events WHERE stream_id = $1`, stream)
	require.NoError(t, err)
	_, err = conn.Exec(t.Context(), `DELETE FROM events WHERE stream_id = $1`, stream)
	require.NoError(t, err)
	_, err = conn.Exec(t.Context(), `UPDATE moved SET position = $1::bigint`, first-1_000_000)
	require.NoError(t, err)
	_, err = conn.Exec(t.Context(), `INSERT INTO events OVERRIDING SYSTEM VALUE SELECT * FROM moved`)
	require.NoError(t, err)
	_, err = conn.Exec(t.Context(), `DROP TABLE moved`)
	require.NoError(t, err)
	return stream
}

// A row copied into its own stream, by a superuser who dropped the unique constraint, repeats a
// version: it is named as a copy, not as a missing version (review 23 read "version 2 is missing
// (next stored is 1)").
func TestARowCopiedIntoItsStreamIsNamedAsACopy(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	ctx := t.Context()
	service := eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog("test"))
	_, err := service.Append(ctx, "copied", eventstore.NoStream, counter(t, 1), counter(t, 2))
	require.NoError(t, err)
	conn, err := db.OwnerPool(t).Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	for _, sql := range []string{
		`ALTER TABLE events DROP CONSTRAINT events_stream_id_version_key`,
		`CREATE TEMP TABLE copy AS SELECT * FROM events WHERE stream_id = 'copied' AND version = 1`,
		`UPDATE copy SET event_id = gen_random_uuid(), position = (SELECT max(position) + 1 FROM events)`,
		`INSERT INTO events OVERRIDING SYSTEM VALUE SELECT * FROM copy`,
	} {
		_, err = conn.Exec(ctx, sql)
		require.NoError(t, err, sql)
	}
	broken, err := service.VerifyAll(ctx, nil)
	require.NoError(t, err)
	require.Len(t, broken, 1)
	require.Equal(t, "version 1 is stored twice: a copy inserted behind the service's back", broken[0].Reason)
}
