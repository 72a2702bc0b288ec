package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/eventstore"
)

// Units of work committed in one group keep their own outcomes: a conflict, a duplicate inbox
// row or a failing statement in one unit changes nothing of it and does not fail the others.
func TestGroupCommitKeepsEachUnitsOutcome(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	_, err := store.Append(ctx, "taken", eventstore.NoStream, counter(t, 1))
	require.NoError(t, err)
	handled := uuid.New()
	_, err = store.Commit(ctx, new(eventstore.UnitOfWork).MarkHandled("reporting", handled, "", 0))
	require.NoError(t, err)
	_, err = db.OwnerPool(t).Exec(ctx, "CREATE TABLE tally (name text PRIMARY KEY, n int NOT NULL); GRANT SELECT, INSERT, UPDATE ON tally TO familytime_app")
	require.NoError(t, err)

	fine := new(eventstore.UnitOfWork).Append("fine-1", eventstore.NoStream, counter(t, 1)).
		Exec("INSERT INTO tally VALUES ('fine-1', 1)")
	conflict := new(eventstore.UnitOfWork).Append("conflict", eventstore.NoStream, counter(t, 1))
	conflict.Append("taken", eventstore.NoStream, counter(t, 2)) // "taken" exists: a conflict the database finds
	redelivered := new(eventstore.UnitOfWork).Append("redelivered", eventstore.NoStream, counter(t, 1)).
		MarkHandled("reporting", handled, "", 0)
	badStatement := new(eventstore.UnitOfWork).Append("bad", eventstore.NoStream, counter(t, 1)).
		Exec("INSERT INTO tally VALUES ('bad', NULL)")
	alsoFine := new(eventstore.UnitOfWork).Append("fine-2", eventstore.NoStream, counter(t, 1), counter(t, 2)).
		Exec("INSERT INTO tally VALUES ('fine-2', 2)")

	errs := store.CommitTogether(ctx, fine, conflict, redelivered, badStatement, alsoFine)
	require.NoError(t, errs[0])
	require.ErrorIs(t, errs[1], eventstore.ErrVersionConflict)
	require.ErrorIs(t, errs[2], eventstore.ErrAlreadyHandled)
	require.ErrorContains(t, errs[3], "projection statement 1")
	require.NoError(t, errs[4])

	for stream, want := range map[string]int{"fine-1": 1, "fine-2": 2, "conflict": 0, "redelivered": 0, "bad": 0, "taken": 1} {
		events, err := store.Load(ctx, stream)
		require.NoError(t, err)
		require.Len(t, events, want, stream)
	}
	var names []string
	rows, err := db.OwnerPool(t).Query(ctx, "SELECT name FROM tally ORDER BY name")
	require.NoError(t, err)
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.Equal(t, []string{"fine-1", "fine-2"}, names)
	report, err := store.VerifyAll(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, report)
}

// Many writers at once: every append lands once, at the version its writer expected, and every
// stream's chain verifies, whichever groups the appends were committed in.
func TestConcurrentAppendsGroupCorrectly(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	const writers, appends = 24, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("writer-%d", w)
			for v := range int64(appends) {
				recorded, err := store.Append(ctx, stream, v, counter(t, v+1))
				if err != nil {
					errs <- err
					return
				}
				if recorded[0].Version != v+1 || recorded[0].Position == 0 {
					errs <- fmt.Errorf("%s: recorded version %d at position %d", stream, recorded[0].Version, recorded[0].Position)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	all, err := store.ReadAll(ctx, 0, writers*appends+1)
	require.NoError(t, err)
	require.Len(t, all, writers*appends)
	report, err := store.VerifyAll(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, report)
}

// A caller whose context ends while its commit waits gets either its commit or the context's
// error with nothing written: never a failure for a unit that committed. Small units are grouped,
// large ones committed alone; both keep the promise.
func TestCancelledCommitIsAllOrNothing(t *testing.T) {
	store, _ := newStore(t)
	var wg sync.WaitGroup
	type outcome struct {
		stream string
		events int
		err    error
	}
	outcomes := make(chan outcome, 200)
	for i := range 200 {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(t.Context())
			stream := fmt.Sprintf("maybe-%d", i)
			events := []eventstore.Event{counter(t, 1)}
			if i%2 == 1 {
				events = slices.Repeat(events, 100)
			}
			go cancel() // races the commit on purpose
			_, err := store.Append(ctx, stream, eventstore.NoStream, events...)
			outcomes <- outcome{stream, len(events), err}
		})
	}
	wg.Wait()
	close(outcomes)
	for o := range outcomes {
		events, err := store.Load(t.Context(), o.stream)
		require.NoError(t, err)
		switch {
		case o.err == nil:
			require.Len(t, events, o.events, "%s committed", o.stream)
		case errors.Is(o.err, context.Canceled):
			require.Empty(t, events, "%s reported cancelled but was written", o.stream)
		default:
			require.Contains(t, o.err.Error(), "context canceled", "%s", o.stream)
			require.Empty(t, events, "%s failed but was written", o.stream)
		}
	}
}
