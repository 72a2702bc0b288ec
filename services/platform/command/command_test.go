package command_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
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

// When someone else appends to the stream between a command's decision and its commit, the
// command decides again on the new state, as its client would with a new request id: it is
// answered, not told to try again, and appends once (decisions.md 118). It gives up, Aborted, when
// it loses every time; and a command whose client named the version it saw, which moved, is
// refused at once, never decided again.
func TestACommandThatLostTheRaceDecidesAgain(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t))
	ctx := caller("coordinator-1")
	var mu sync.Mutex
	runs := 0
	// racing is counterCommand, with a colleague's append landing after each of the first
	// `losses` decisions loaded the stream.
	racing := func(req *testingv1.IncrementCounterRequest, losses int) command.Decide[*testingv1.IncrementCounterResponse] {
		decide := counterCommand(store, req, &runs, &mu)
		return func(ctx context.Context, md eventstore.Metadata) (*testingv1.IncrementCounterResponse, *eventstore.UnitOfWork, error) {
			resp, uow, err := decide(ctx, md)
			if err == nil && losses > 0 {
				losses--
				e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: 100}, uuid.Nil, uuid.Nil, eventstore.Metadata{Actor: "colleague"})
				require.NoError(t, err)
				_, err = store.Append(ctx, req.GetCounter(), resp.GetVersion()-1, e)
				require.NoError(t, err)
			}
			return resp, uow, err
		}
	}

	req := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-race", By: 1}
	resp, err := command.Once(ctx, store, req, racing(req, 2))
	require.NoError(t, err, "decided a third time, on the colleague's two appends")
	require.Equal(t, int64(3), resp.GetVersion())
	require.Equal(t, 3, runs)
	loaded, err := store.Load(t.Context(), "counter-race")
	require.NoError(t, err)
	require.Len(t, loaded, 3, "the colleague's two, and this command's once")
	require.Equal(t, req.GetRequestId(), loaded[2].Metadata.RequestID)
	again, err := command.Once(ctx, store, req, racing(req, 0))
	require.NoError(t, err)
	require.Equal(t, resp.GetNonce(), again.GetNonce(), "a retry gets the answer it was given")

	runs = 0
	lost := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-busy", By: 1}
	_, err = command.Once(ctx, store, lost, racing(lost, 10))
	require.ErrorIs(t, err, eventstore.ErrVersionConflict, "a stream too busy: Aborted")
	require.Equal(t, 3, runs)
	loaded, err = store.Load(t.Context(), "counter-busy")
	require.NoError(t, err)
	require.Len(t, loaded, 3, "the colleague's only")

	runs = 0
	stale := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-race", By: 1}
	_, err = command.Once(ctx, store, stale, func(ctx context.Context, md eventstore.Metadata) (*testingv1.IncrementCounterResponse, *eventstore.UnitOfWork, error) {
		runs++
		return nil, nil, &eventstore.ConflictError{Stream: "counter-race", Expected: 1, Actual: 3} // the version the client saw moved
	})
	require.ErrorIs(t, err, eventstore.ErrVersionConflict)
	require.Equal(t, 1, runs, "a client's stale version is never decided again")
}

// Review 45 (decision 271): a caller acting only as a referrer (a parent referring themselves,
// whose account may be their e-mail address) is recorded by a pseudonym under the platform's key,
// never by their account; staff keep their account (decision 101), and a log without a key
// records such a caller by role alone. The caller is still known by the pseudonym, whatever the
// case of their account, after the key is rotated while its old secret is kept; once the secret
// is retired, not any more.
func TestAReferrerIsRecordedByAPseudonym(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	const emma = "emma.clarke@example.org"
	old := bus.NewKey()
	store := eventstore.New(db.Pool(t)).SignWith(old.ForLog("test"))
	as := func(subject string, roles ...auth.Role) context.Context {
		return auth.WithClaims(context.Background(), &auth.Claims{Subject: subject, Roles: roles})
	}
	parent := auth.WithActingRole(as(emma, auth.RoleReferrer), auth.RoleReferrer)
	req := &testingv1.IncrementCounterRequest{RequestId: uuid.NewString(), Counter: "counter-p", By: 1}
	var mu sync.Mutex
	runs := 0
	_, err := command.Once(parent, store, req, counterCommand(store, req, &runs, &mu))
	require.NoError(t, err)
	loaded, err := store.Load(t.Context(), "counter-p")
	require.NoError(t, err)
	actor := loaded[0].Metadata.Actor
	require.Regexp(t, `^referrer-[0-9a-f]{24}$`, actor)
	require.Equal(t, "referrer", loaded[0].Metadata.ActorRole)
	require.True(t, command.IsCaller(parent, store, actor))
	require.True(t, command.IsCaller(as("Emma.Clarke@Example.org", auth.RoleReferrer), store, actor), "the account whatever its case")
	require.False(t, command.IsCaller(as("jordan@example.org", auth.RoleReferrer), store, actor))
	require.True(t, command.IsCaller(parent, store, emma), "as the account was recorded before decision 271")

	id := uuid.New()
	require.Equal(t, "coordinator-1", command.MetadataIn(as("coordinator-1", auth.RoleReferrer, auth.RoleCoordinator), store, id).Actor,
		"staff are recorded by their account")
	require.Empty(t, command.MetadataIn(parent, eventstore.New(db.Pool(t)), id).Actor, "a log without a key: the role alone")
	require.Empty(t, command.Metadata(parent, id).Actor)

	rotated, err := bus.ParseKey(old.String() + "," + bus.NewKey().String())
	require.NoError(t, err)
	after := eventstore.New(db.Pool(t)).SignWith(rotated.ForLog("test"))
	renamed := command.MetadataIn(parent, after, id).Actor
	require.Regexp(t, `^referrer-[0-9a-f]{24}$`, renamed)
	require.NotEqual(t, actor, renamed, "the newest secret names the parent from the rotation on")
	require.True(t, command.IsCaller(parent, after, actor), "and the old secret still knows the old pseudonym")
	require.True(t, command.IsCaller(parent, after, renamed))
	retired, err := bus.ParseKey(strings.Split(rotated.String(), ",")[1])
	require.NoError(t, err)
	require.False(t, command.IsCaller(parent, eventstore.New(db.Pool(t)).SignWith(retired.ForLog("test")), actor),
		"once the old secret is retired, its pseudonyms name no one")
}

// Review 46: a retry from the same account spelt in another case was refused as a different
// request, though its pseudonym and the same-applicant check take it as the same caller.
func TestARequestsFingerprintTakesTheAccountInAnyCase(t *testing.T) {
	req := &testingv1.IncrementCounterRequest{Counter: "c", By: 1}
	as := func(subject string) []byte {
		ctx := auth.WithClaims(context.Background(), &auth.Claims{Subject: subject, Roles: []auth.Role{auth.RoleReferrer}})
		f, err := command.Fingerprint(ctx, req)
		require.NoError(t, err)
		return f
	}
	require.Equal(t, as("h.ward@example.org"), as("H.Ward@Example.org"))
	require.NotEqual(t, as("h.ward@example.org"), as("j.ward@example.org"), "another account is another request")
}

// familyCommand appends one CounterIncremented about family to the stream the request names.
func familyCommand(store *eventstore.Store, req *testingv1.IncrementCounterRequest, family uuid.UUID) command.Decide[*testingv1.IncrementCounterResponse] {
	return func(ctx context.Context, md eventstore.Metadata) (*testingv1.IncrementCounterResponse, *eventstore.UnitOfWork, error) {
		loaded, err := store.Load(ctx, req.GetCounter())
		if err != nil {
			return nil, nil, err
		}
		e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: req.GetBy()}, family, uuid.Nil, md)
		if err != nil {
			return nil, nil, err
		}
		version := int64(len(loaded))
		return &testingv1.IncrementCounterResponse{Version: version + 1, Nonce: uuid.NewString()},
			new(eventstore.UnitOfWork).Append(req.GetCounter(), version, e), nil
	}
}

// Decision 278: an answer recorded for a request about a family goes when the family's personal
// details are erased (EraseAnswers, in the unit of work of the service destroying its key). A
// retry still appends nothing, and is told why it gets no answer; the id still cannot be used for
// another request; another family's answers, on its own stream or on one the two share, stay.
func TestAnErasedFamilysAnswersGoAndTheirRetriesAppendNothing(t *testing.T) {
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	store := eventstore.New(db.Pool(t))
	ctx := caller("coordinator-1")
	erased, kept := uuid.New(), uuid.New()
	requests := map[string]*testingv1.IncrementCounterRequest{
		"erased's own":    {RequestId: uuid.NewString(), Counter: "family-" + erased.String(), By: 1},
		"erased's shared": {RequestId: uuid.NewString(), Counter: "timetable", By: 1},
		"kept's own":      {RequestId: uuid.NewString(), Counter: "family-" + kept.String(), By: 1},
		"kept's shared":   {RequestId: uuid.NewString(), Counter: "timetable", By: 2},
	}
	familyOf := func(name string) uuid.UUID {
		if strings.HasPrefix(name, "erased") {
			return erased
		}
		return kept
	}
	answers := map[string]*testingv1.IncrementCounterResponse{}
	for _, name := range []string{"erased's own", "erased's shared", "kept's own", "kept's shared"} {
		req := requests[name]
		answer, err := command.Once(ctx, store, req, familyCommand(store, req, familyOf(name)))
		require.NoError(t, err, name)
		answers[name] = answer
	}

	_, err := store.Commit(t.Context(), new(eventstore.UnitOfWork).EraseAnswers(erased))
	require.NoError(t, err, "the runtime role clears answers")

	for name, req := range requests {
		again, err := command.Once(ctx, store, req, familyCommand(store, req, familyOf(name)))
		if familyOf(name) == kept {
			require.NoError(t, err, name)
			require.Equal(t, answers[name].GetNonce(), again.GetNonce(), "%s: the first answer still", name)
			continue
		}
		var rule *problem.RuleError
		require.ErrorAs(t, err, &rule, name)
		require.Equal(t, "FAMILY_ERASED", rule.Reason, name)
		require.Contains(t, rule.Message, "not carried out again", name)
		require.Contains(t, rule.Message, "is made with a new request id", name) // decision 348
	}
	for stream, want := range map[string]int{"family-" + erased.String(): 1, "family-" + kept.String(): 1, "timetable": 2} {
		loaded, err := store.Load(t.Context(), stream)
		require.NoError(t, err)
		require.Len(t, loaded, want, "%s: no retry appended", stream)
	}

	other := &testingv1.IncrementCounterRequest{RequestId: requests["erased's own"].GetRequestId(), Counter: "elsewhere", By: 5}
	_, err = command.Once(ctx, store, other, familyCommand(store, other, erased))
	var invalid *problem.InvalidError
	require.ErrorAs(t, err, &invalid, "an erased answer's id is still not another request's")

	var stored int
	require.NoError(t, db.OwnerPool(t).QueryRow(t.Context(), "SELECT count(*) FROM requests WHERE outcome IS NOT NULL").Scan(&stored))
	require.Equal(t, 2, stored, "only the kept family's answers are kept")
}
