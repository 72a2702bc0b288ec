package relay_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/testkit"
)

// syncBuffer is a log sink the relay's goroutine writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runRelay runs a relay on g's database and NATS, refusing store's appends, checking its stream
// every 50 ms, until the test ends or the returned stop is called.
func runRelay(t *testing.T, g *rig, store *eventstore.Store, log *syncBuffer) (*relay.Relay, func()) {
	t.Helper()
	nc, _ := g.nats.Connect(t)
	r, err := relay.New(g.db.Pool(t), nc, relay.Config{Key: testkit.BusKey, Service: service, PollInterval: 5 * time.Millisecond,
		MaxBackoff: 200 * time.Millisecond, AckTimeout: time.Second, BatchSize: 100, StreamCheck: 50 * time.Millisecond,
		Appends: store, Logger: slog.New(slog.NewJSONHandler(log, nil))})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return r, stop
}

// restore puts the log and the relay's checkpoint back to what they were (a backup restored, or a
// failover to a standby that lagged): the events of stream after version keep are gone, as the
// checkpoint saved then. It returns the lost rows, for putting them back (recover).
func restore(t *testing.T, g *rig, stream string, keep int64, checkpoint []any) (recover func()) {
	t.Helper()
	ctx := t.Context()
	owner := g.db.OwnerPool(t)
	_, err := owner.Exec(ctx, `CREATE TABLE lost_events AS SELECT * FROM events WHERE stream_id = $1 AND version > $2`, stream, keep)
	require.NoError(t, err)
	for _, q := range []string{`ALTER TABLE events DISABLE TRIGGER events_no_update_delete`,
		`DELETE FROM events WHERE event_id IN (SELECT event_id FROM lost_events)`,
		`ALTER TABLE events ENABLE TRIGGER events_no_update_delete`} {
		_, err := owner.Exec(ctx, q)
		require.NoError(t, err)
	}
	_, err = owner.Exec(ctx, `UPDATE relay_checkpoints SET tx_id = $1::bigint::text::xid8, position = $2, last_event_id = $3::uuid`, checkpoint...)
	require.NoError(t, err)
	return func() {
		_, err := owner.Exec(ctx, `INSERT INTO events OVERRIDING SYSTEM VALUE SELECT * FROM lost_events`)
		require.NoError(t, err)
	}
}

// Review 71 finding 2: a service's database restored from a backup taken before its last events
// (or failed over to a standby that had not received them) while the stream holds them. The relay
// took the stream's last message for a stranger's and published on, and the service gave its next
// events the versions the other services had handled from the lost ones: they parked them, and a
// hold was lost. The relay now says what happened, stops publishing, and the store refuses
// appends until the events are back; then both go on.
func TestADatabaseBehindItsStreamRecordsNothingUntilItHasItsEventsBack(t *testing.T) {
	for _, tc := range []struct {
		name    string
		running bool // failed over under a running relay, not restored before it started
	}{{"restored before the service starts", false}, {"failed over under a running relay", true}} {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t)
			ctx := t.Context()
			var log syncBuffer
			store := eventstore.New(g.db.Pool(t)).SignWith(testkit.BusKey.ForLog(service))
			r, stop := runRelay(t, g, store, &log)
			for v := range int64(2) {
				_, err := store.Append(ctx, "hold-a", v, event(t, v))
				require.NoError(t, err)
			}
			caughtUp(t, r, g.js, 2)
			var txID, position int64
			var last string
			require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, `SELECT tx_id::text::bigint, position, last_event_id::text FROM relay_checkpoints`).Scan(&txID, &position, &last))
			_, err := store.Append(ctx, "hold-a", 2, event(t, 2), event(t, 3))
			require.NoError(t, err)
			caughtUp(t, r, g.js, 4)
			if !tc.running {
				stop()
			}
			recover := restore(t, g, "hold-a", 2, []any{txID, position, last})
			if !tc.running {
				// The service as it starts again on the restored database.
				store = eventstore.New(g.db.Pool(t)).SignWith(testkit.BusKey.ForLog(service))
				r, _ = runRelay(t, g, store, &log)
			}
			require.Eventually(t, func() bool { return errors.Is(r.Ready(), eventstore.ErrBehindStream) }, 10*time.Second, 10*time.Millisecond,
				"the relay finds the stream holding events its log does not")
			var behind *eventstore.BehindError
			require.ErrorAs(t, r.Ready(), &behind)
			require.Equal(t, 2, behind.Missing)
			require.Contains(t, log.String(), "the stream holds events this database does not have: was the database restored from a backup or failed over?")
			require.Contains(t, log.String(), `"missing_events":2`)
			require.NotContains(t, log.String(), "someone else is publishing")

			_, err = store.Append(ctx, "hold-a", 2, event(t, 9))
			require.ErrorIs(t, err, eventstore.ErrBehindStream, "no new event takes a version the stream holds")
			var n int
			require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&n))
			require.Equal(t, 2, n)
			require.EqualValues(t, 4, streamCount(t, g.js), "nothing more is published")

			recover() // the lost events back (a point-in-time recovery to the latest WAL)
			require.Eventually(t, func() bool { return r.Ready() == nil }, 10*time.Second, 10*time.Millisecond,
				"the relay finds its log holding the stream's events again")
			_, err = eventstore.New(g.db.Pool(t)).SignWith(testkit.BusKey.ForLog(service)).Append(ctx, "hold-a", 4, event(t, 4))
			require.NoError(t, err)
			_, err = store.Append(ctx, "hold-b", eventstore.NoStream, event(t, 1))
			require.NoError(t, err, "the store accepts appends again")
			caughtUp(t, r, g.js, 6)
			requireExactlyOnceInOrder(t, g)
		})
	}
}
