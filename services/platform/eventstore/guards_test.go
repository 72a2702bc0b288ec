package eventstore_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/eventstore"
)

// Issue 7, item 5: an event type that is not a registered protobuf message's full name would make a
// subject JetStream refuses and, the log being append-only, stop the relay at it for good. It is
// refused at append, and nothing is written.
func TestEventTypesAreCheckedWhenAppended(t *testing.T) {
	store, _ := newStore(t)
	for _, bad := range []string{
		"familytime.testing.v1.Counter Incremented", // a space
		"familytime.testing.v1.CounterIncremented.", // a trailing dot
		"familytime.testing.v1.CounterIncremented>", // a subject wildcard
		"familytime.testing.v1.NoSuchEvent",         // well formed, but nobody defined it
		".familytime.testing.v1.CounterIncremented",
	} {
		t.Run(bad, func(t *testing.T) {
			e := counter(t, 1)
			e.Type = bad
			_, err := store.Append(t.Context(), "typed", eventstore.NoStream, e)
			var invalid *eventstore.ValidationError
			require.ErrorAs(t, err, &invalid)
			require.Equal(t, "events[0].type", invalid.Field)
		})
	}
	loaded, err := store.Load(t.Context(), "typed")
	require.NoError(t, err)
	require.Empty(t, loaded)
	_, err = store.Append(t.Context(), "typed", eventstore.NoStream, counter(t, 1))
	require.NoError(t, err, "a registered type is appended")
}

// Issue 7, item 5: the runtime role inserts only the columns an append writes. It cannot choose a
// transaction id (which orders the relay) or a position.
func TestRuntimeRoleCannotChooseTxIDOrPosition(t *testing.T) {
	_, db := newStore(t)
	runtime := db.Pool(t)
	const columns = `stream_id, version, event_id, event_type, schema_version, payload, recorded_at, previous_hash, hash`
	const values = `'forged', 1, gen_random_uuid(), 'familytime.testing.v1.CounterIncremented', 1, '\x'::bytea, now(),
		decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex')`
	for name, sql := range map[string]string{
		"tx_id":    `INSERT INTO events (tx_id, ` + columns + `) VALUES ('1'::xid8, ` + values + `)`,
		"position": `INSERT INTO events (position, ` + columns + `) OVERRIDING SYSTEM VALUE VALUES (1, ` + values + `)`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := runtime.Exec(t.Context(), sql)
			require.ErrorContains(t, err, "permission denied")
		})
	}
	_, err := runtime.Exec(t.Context(), `INSERT INTO events (`+columns+`) VALUES (`+values+`)`)
	require.NoError(t, err, "the columns an append writes are granted")
}

// Issue 7, item 1: a consumer's cursor on a source stream only moves forward. Handling an event
// older than one already handled from the same stream is refused, and the whole unit with it.
func TestConsumerCursorRefusesAnOlderEvent(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	_, err := store.Commit(ctx, new(eventstore.UnitOfWork).MarkHandled("sink", uuid.New(), "hold-1", 5))
	require.NoError(t, err)
	_, err = store.Commit(ctx, new(eventstore.UnitOfWork).MarkHandled("sink", uuid.New(), "hold-1", 7))
	require.NoError(t, err, "versions may skip: a consumer sees only the event types it subscribes to")

	older := new(eventstore.UnitOfWork).Append("derived", eventstore.NoStream, counter(t, 1)).
		MarkHandled("sink", uuid.New(), "hold-1", 6)
	_, err = store.Commit(ctx, older)
	var order *eventstore.OrderError
	require.ErrorAs(t, err, &order)
	require.Equal(t, "hold-1", order.Stream)
	require.Equal(t, int64(6), order.Version)
	loaded, err := store.Load(ctx, "derived")
	require.NoError(t, err)
	require.Empty(t, loaded, "nothing of the refused unit is written")

	_, err = store.Commit(ctx, new(eventstore.UnitOfWork).MarkHandled("other", uuid.New(), "hold-1", 1))
	require.NoError(t, err, "each consumer has its own cursor")
	var version int64
	require.NoError(t, db.OwnerPool(t).QueryRow(ctx, "SELECT version FROM consumer_streams WHERE consumer = 'sink' AND stream_id = 'hold-1'").Scan(&version))
	require.Equal(t, int64(7), version)
}
