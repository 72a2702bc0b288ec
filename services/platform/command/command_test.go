package command_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// counterCommand is a use case: it decides from the stream's state and returns the answer and the
// unit of work, without committing; runs counts how often it ran.
func counterCommand(store *eventstore.Store, req *testingv1.IncrementCounterRequest, runs *int, mu *sync.Mutex) command.Decide[*testingv1.IncrementCounterResponse] {
	return func(ctx context.Context, md eventstore.Metadata) (*testingv1.IncrementCounterResponse, *eventstore.UnitOfWork, error) {
		mu.Lock()
		*runs++
		mu.Unlock()
		loaded, err := store.Load(ctx, req.GetCounter())
		if err != nil {
			return nil, nil, err
		}
		e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: req.GetBy()}, uuid.Nil, uuid.Nil, md)
		if err != nil {
			return nil, nil, err
		}
		version := int64(len(loaded))
		uow := new(eventstore.UnitOfWork).Append(req.GetCounter(), version, e)
		return &testingv1.IncrementCounterResponse{Version: version + 1, Nonce: uuid.NewString()}, uow, nil
	}
}

func caller(subject string) context.Context {
	return auth.WithClaims(context.Background(), &auth.Claims{Subject: subject, Roles: []auth.Role{auth.RoleCoordinator}})
}

// Issue 7, item 4: a retried command, with the same request id, is answered with the first
// outcome and appends nothing: straight after, concurrently, and after a restart. The same id with
// another request, or from another caller, is refused.
func TestRetriedCommandAppendsOnce(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t))
	var mu sync.Mutex
	runs := 0
	ctx := caller("coordinator-1")
	req := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-a", By: 2}

	first, err := command.Once(ctx, store, req, counterCommand(store, req, &runs, &mu))
	require.NoError(t, err)
	require.Equal(t, int64(1), first.GetVersion())

	again, err := command.Once(ctx, store, req, counterCommand(store, req, &runs, &mu))
	require.NoError(t, err)
	require.Equal(t, first.GetNonce(), again.GetNonce(), "the first answer, not a new one")
	require.Equal(t, 1, runs, "the use case did not run again")

	// After a restart: a new store on the same database.
	restarted := eventstore.New(db.Pool(t))
	afterRestart, err := command.Once(ctx, restarted, req, counterCommand(restarted, req, &runs, &mu))
	require.NoError(t, err)
	require.Equal(t, first.GetNonce(), afterRestart.GetNonce())

	loaded, err := store.Load(t.Context(), "counter-a")
	require.NoError(t, err)
	require.Len(t, loaded, 1, "appended once")
	require.Equal(t, req.GetRequestId(), loaded[0].Metadata.RequestID)

	t.Run("the same id for another request is refused", func(t *testing.T) {
		other := &testingv1.IncrementCounterRequest{RequestId: req.GetRequestId(), Counter: "counter-a", By: 3}
		_, err := command.Once(ctx, store, other, counterCommand(store, other, &runs, &mu))
		var invalid *problem.InvalidError
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, "request_id", invalid.Violations[0].Field)
	})
	t.Run("another caller cannot use the id to read the answer", func(t *testing.T) {
		_, err := command.Once(caller("coordinator-2"), store, req, counterCommand(store, req, &runs, &mu))
		var invalid *problem.InvalidError
		require.ErrorAs(t, err, &invalid)
	})
	t.Run("a request id that is not a UUID is refused", func(t *testing.T) {
		bad := &testingv1.IncrementCounterRequest{RequestId: "again", Counter: "counter-a", By: 1}
		_, err := command.Once(ctx, store, bad, counterCommand(store, bad, &runs, &mu))
		var invalid *problem.InvalidError
		require.ErrorAs(t, err, &invalid)
	})
	loaded, err = store.Load(t.Context(), "counter-a")
	require.NoError(t, err)
	require.Len(t, loaded, 1, "refused requests append nothing")

	t.Run("concurrent copies append once and share one answer", func(t *testing.T) {
		req := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-b", By: 1}
		const copies = 8
		answers := make([]*testingv1.IncrementCounterResponse, copies)
		errs := make([]error, copies)
		var wg sync.WaitGroup
		for i := range copies {
			wg.Go(func() {
				answers[i], errs[i] = command.Once(ctx, store, req, counterCommand(store, req, &runs, &mu))
			})
		}
		wg.Wait()
		for i := range copies {
			require.NoError(t, errs[i])
			require.Equal(t, answers[0].GetNonce(), answers[i].GetNonce())
		}
		loaded, err := store.Load(t.Context(), "counter-b")
		require.NoError(t, err)
		require.Len(t, loaded, 1)
	})
}
