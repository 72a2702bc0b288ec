package eventstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/eventstore"
)

// A guarded stream that moved since the unit read it fails the commit, which writes nothing.
func TestGuardRefusesAUnitWhoseReadStreamMoved(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	_, err := store.Commit(ctx, new(eventstore.UnitOfWork).Append("a", eventstore.NoStream, counter(t, 1)).Guard("k", "b", 0))
	require.NoError(t, err, "b is where the unit read it (empty)")

	_, err = store.Append(ctx, "b", eventstore.NoStream, counter(t, 2))
	require.NoError(t, err)
	_, err = store.Commit(ctx, new(eventstore.UnitOfWork).Append("a", 1, counter(t, 3)).Guard("k", "b", 0))
	require.ErrorIs(t, err, eventstore.ErrVersionConflict)
	var conflict *eventstore.ConflictError
	require.ErrorAs(t, err, &conflict)
	require.Equal(t, eventstore.ConflictError{Stream: "b", Expected: 0, Actual: -1}, *conflict)
	loaded, err := store.Load(ctx, "a")
	require.NoError(t, err)
	require.Len(t, loaded, 1, "the refused unit appended nothing")
}

// Two units that each read the stream the other appends to (write skew): with the same guard key,
// whichever commits second finds the first's event and is refused. The lock is held from outside
// until both have appended and wait for it, so the race is the worst case every run.
func TestGuardedUnitsOfOneKeyCannotBothCommit(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	pool := db.Pool(t)
	for round := range 5 {
		x, y := "x-"+string(rune('a'+round)), "y-"+string(rune('a'+round))
		key := "family-" + x
		holder, err := pool.Acquire(ctx)
		require.NoError(t, err)
		_, err = holder.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext($2))`, int32(0x4654), key)
		require.NoError(t, err)

		errs := make([]error, 2)
		var wg sync.WaitGroup
		wg.Go(func() {
			_, errs[0] = store.Commit(ctx, new(eventstore.UnitOfWork).Append(x, eventstore.NoStream, counter(t, 1)).Guard(key, y, 0))
		})
		wg.Go(func() {
			_, errs[1] = eventstore.New(pool).Commit(ctx, new(eventstore.UnitOfWork).Append(y, eventstore.NoStream, counter(t, 2)).Guard(key, x, 0))
		})
		require.Eventually(t, func() bool {
			var waiting int
			require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting))
			return waiting == 2
		}, 10*time.Second, 5*time.Millisecond, "both units appended and wait for the guard's lock")
		_, err = holder.Exec(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, int32(0x4654), key)
		require.NoError(t, err)
		holder.Release()
		wg.Wait()

		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
				continue
			}
			require.ErrorIs(t, err, eventstore.ErrVersionConflict)
		}
		require.Equal(t, 1, wins, "round %d: one unit commits, the other decides again", round)
		var events int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE stream_id IN ($1, $2)`, x, y).Scan(&events))
		require.Equal(t, 1, events, "round %d", round)
	}
}

// Units guarding a key shared never wait for each other, and are still group-committed; a
// transaction holding the key alone (Lock) that moves the guarded stream sends the ones that
// read it before back to decide again.
func TestSharedGuardsWaitOnlyForTheLock(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	pool := db.Pool(t)
	_, err := store.Append(ctx, "timetable", eventstore.NoStream, counter(t, 0))
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = store.Commit(ctx, new(eventstore.UnitOfWork).
				Append(string(rune('a'+i)), eventstore.NoStream, counter(t, 1)).GuardShared("k", "timetable", 1))
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err, "shared guards of a stream that did not move all commit")
	}

	// A change holding the key alone moves the stream; a unit that read it before waits, then
	// finds it moved.
	locked, proceed, changed := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	letProceed := sync.OnceFunc(func() { close(proceed) })
	t.Cleanup(letProceed) // a failed check must not leave the transaction open, and the test hanging
	go func() {
		_, err := eventstore.New(pool).Commit(ctx, new(eventstore.UnitOfWork).Append("timetable", 1, counter(t, 3)).
			Project(func(ctx context.Context, tx pgx.Tx) error {
				if err := eventstore.Lock(ctx, tx, "k"); err != nil {
					return err
				}
				close(locked)
				<-proceed
				return nil
			}))
		changed <- err
	}()
	<-locked
	var late error
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, late = eventstore.New(pool).Commit(ctx, new(eventstore.UnitOfWork).
			Append("late", eventstore.NoStream, counter(t, 2)).GuardShared("k", "timetable", 1))
	}()
	require.Eventually(t, func() bool {
		var waiting int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting))
		return waiting == 1
	}, 10*time.Second, 5*time.Millisecond, "the shared guard waits for the lock's holder")
	letProceed()
	require.NoError(t, <-changed)
	<-done
	require.ErrorIs(t, late, eventstore.ErrVersionConflict, "it read the stream before the change")
}

func TestBadGuardsChangeNothing(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	for name, uow := range map[string]*eventstore.UnitOfWork{
		"no key":           new(eventstore.UnitOfWork).Append("a", 0, counter(t, 1)).Guard("", "b", 0),
		"no stream":        new(eventstore.UnitOfWork).Append("a", 0, counter(t, 1)).Guard("k", "", 0),
		"negative version": new(eventstore.UnitOfWork).Append("a", 0, counter(t, 1)).Guard("k", "b", -1),
		"its own append":   new(eventstore.UnitOfWork).Append("a", 0, counter(t, 1)).Guard("k", "a", 0),
		"not text":         new(eventstore.UnitOfWork).Append("a", 0, counter(t, 1)).Guard("k\x00", "b", 0),
	} {
		_, err := store.Commit(ctx, uow)
		var invalid *eventstore.ValidationError
		require.ErrorAs(t, err, &invalid, name)
		require.Equal(t, "guard", invalid.Field, name)
	}
	loaded, err := store.Load(ctx, "a")
	require.NoError(t, err)
	require.Empty(t, loaded)
}
