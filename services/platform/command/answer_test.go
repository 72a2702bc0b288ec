package command_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

// OnceSaying needs a response that can say when it was answered and that it was replayed: one
// that cannot is the service's error, refused before anything is decided or recorded (the
// answers that can are tested in the services that use it: safeguarding's
// TestARetriedCommandSaysItWasReplayed).
func TestOnceSayingRefusesAnAnswerThatCannotSaySo(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t))
	req := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-a", By: 1}
	ran := false
	_, err := command.OnceSaying(caller("coordinator-1"), store, req, time.Now,
		func(context.Context, eventstore.Metadata) (*testingv1.IncrementCounterResponse, *eventstore.UnitOfWork, error) {
			ran = true
			return &testingv1.IncrementCounterResponse{}, nil, nil
		})
	require.ErrorContains(t, err, "has no answered_at (google.protobuf.Timestamp) and replayed (bool) fields")
	require.False(t, ran)
}

// increment is counterCommand's decision, answered as wrap puts it.
func increment[R proto.Message](store *eventstore.Store, req *testingv1.IncrementCounterRequest, wrap func(*testingv1.IncrementCounterResponse) R) command.Decide[R] {
	var mu sync.Mutex
	runs := 0
	decide := counterCommand(store, req, &runs, &mu)
	return func(ctx context.Context, md eventstore.Metadata) (R, *eventstore.UnitOfWork, error) {
		r, uow, err := decide(ctx, md)
		if err != nil {
			var zero R
			return zero, nil, err
		}
		return wrap(r), uow, nil
	}
}

// A response that says when it was answered in its own fields is stamped there, and its retry is
// marked replayed there (decision 287's behaviour, kept).
func TestOnceSayingStampsTheResponsesOwnFields(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t))
	req := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-said", By: 1}
	at := time.Date(2027, 4, 2, 9, 30, 0, 0, time.UTC)
	decide := increment(store, req, func(r *testingv1.IncrementCounterResponse) *testingv1.SaidIncrementResponse {
		return &testingv1.SaidIncrementResponse{Version: r.GetVersion(), Nonce: r.GetNonce()}
	})
	first, err := command.OnceSaying(caller("coordinator-1"), store, req, func() time.Time { return at }, decide)
	require.NoError(t, err)
	require.True(t, first.GetAnsweredAt().AsTime().Equal(at))
	require.False(t, first.GetReplayed())

	again, err := command.OnceSaying(caller("coordinator-1"), store, req, func() time.Time { return at.Add(time.Hour) }, decide)
	require.NoError(t, err)
	require.True(t, again.GetReplayed())
	require.True(t, again.GetAnsweredAt().AsTime().Equal(at), "a retry is told when the request was carried out")
	require.Equal(t, first.GetNonce(), again.GetNonce())
}

// A response that answers with one message saying when it was answered (as referral's commands
// answer with their Referral) is stamped in that message, and its retry is marked replayed there;
// a message beside it that cannot say so is left alone, and an answer without the message gets
// nothing made up for it.
func TestOnceSayingStampsTheMessageItAnswersWith(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t))
	req := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-answered", By: 1}
	at := time.Date(2027, 4, 2, 9, 30, 0, 0, time.UTC)
	decide := increment(store, req, func(r *testingv1.IncrementCounterResponse) *testingv1.CounterAnsweredResponse {
		return &testingv1.CounterAnsweredResponse{Counter: &testingv1.CounterAnswer{Version: r.GetVersion(), Nonce: r.GetNonce()},
			Beside: &testingv1.IncrementCounterResponse{Version: 7}}
	})
	first, err := command.OnceSaying(caller("coordinator-1"), store, req, func() time.Time { return at }, decide)
	require.NoError(t, err)
	require.True(t, first.GetCounter().GetAnsweredAt().AsTime().Equal(at))
	require.False(t, first.GetCounter().GetReplayed())
	require.EqualValues(t, 7, first.GetBeside().GetVersion())

	again, err := command.OnceSaying(caller("coordinator-1"), store, req, func() time.Time { return at.Add(time.Hour) }, decide)
	require.NoError(t, err)
	require.True(t, again.GetCounter().GetReplayed())
	require.True(t, again.GetCounter().GetAnsweredAt().AsTime().Equal(at), "a retry is told when the request was carried out")
	require.Equal(t, first.GetCounter().GetNonce(), again.GetCounter().GetNonce())

	none := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-unanswered", By: 1}
	empty, err := command.OnceSaying(caller("coordinator-1"), store, none, func() time.Time { return at },
		increment(store, none, func(*testingv1.IncrementCounterResponse) *testingv1.CounterAnsweredResponse {
			return &testingv1.CounterAnsweredResponse{}
		}))
	require.NoError(t, err)
	require.Nil(t, empty.GetCounter(), "no counter is made up to carry the stamp")
}

// Two messages that could each say when the answer was given: which one does is not guessed, and
// the response is refused as one without the fields is, before anything is decided.
func TestOnceSayingRefusesAnAnswerWithTwoMessagesThatCouldSaySo(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t))
	req := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-two", By: 1}
	ran := false
	_, err := command.OnceSaying(caller("coordinator-1"), store, req, time.Now,
		func(context.Context, eventstore.Metadata) (*testingv1.TwoCountersResponse, *eventstore.UnitOfWork, error) {
			ran = true
			return &testingv1.TwoCountersResponse{}, nil, nil
		})
	require.ErrorContains(t, err, "has no answered_at (google.protobuf.Timestamp) and replayed (bool) fields")
	require.False(t, ran)
}
