package command_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

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
