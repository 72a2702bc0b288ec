package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newStore(t *testing.T) (*eventstore.Store, *testkit.Database) {
	t.Helper()
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	return eventstore.New(db.Pool(t)), db
}

func counter(t *testing.T, n int64) eventstore.Event {
	t.Helper()
	e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: n}, uuid.Nil, uuid.Nil, eventstore.Metadata{Actor: "test"})
	require.NoError(t, err)
	return e
}

func TestAppendLoadAndReadAll(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	family := uuid.New()
	e1 := counter(t, 1)
	e1.FamilyID = family
	recorded, err := store.Append(ctx, "counter-a", eventstore.NoStream, e1, counter(t, 2))
	require.NoError(t, err)
	require.Len(t, recorded, 2)
	_, err = store.Append(ctx, "counter-a", 2, counter(t, 3))
	require.NoError(t, err)
	_, err = store.Append(ctx, "counter-b", eventstore.NoStream, counter(t, 1))
	require.NoError(t, err)

	loaded, err := store.Load(ctx, "counter-a")
	require.NoError(t, err)
	require.Len(t, loaded, 3)
	for i, e := range loaded {
		require.Equal(t, int64(i+1), e.Version)
		require.Equal(t, "familytime.testing.v1.CounterIncremented", e.Type)
		require.Equal(t, uint32(1), e.SchemaVersion)
		require.Equal(t, "test", e.Metadata.Actor)
		require.Len(t, e.Hash, 32)
		if i > 0 {
			require.Equal(t, loaded[i-1].Hash, e.PreviousHash, "version %d chains to the one before", e.Version)
			require.Greater(t, e.Position, loaded[i-1].Position)
		}
	}
	require.Equal(t, family, loaded[0].FamilyID)
	require.Equal(t, recorded[0].ID, loaded[0].ID)
	require.Equal(t, recorded[0].Hash, loaded[0].Hash)

	all, err := store.ReadAll(ctx, 0, 100)
	require.NoError(t, err)
	require.Len(t, all, 4)
	rest, err := store.ReadAll(ctx, all[1].Position, 100)
	require.NoError(t, err)
	require.Len(t, rest, 2)

	none, err := store.Load(ctx, "counter-missing")
	require.NoError(t, err)
	require.Empty(t, none)
	require.NoError(t, store.Verify(ctx, "counter-a"))
}

// Every metadata field is read back as written, escapes included, and still verifies.
func TestMetadataRoundTrips(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	// Characters JSON must escape, and some it need not, all come back as they went in.
	md := eventstore.Metadata{Actor: `account-"7"\x`, CorrelationID: "corr\t1\n\x01\x1f", CausationID: "cause-é-1 <&> \u2028 🙂",
		RequestID: "req-1", Traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Tracestate: "ft=1,other=2"}
	e := counter(t, 1)
	e.Metadata = md
	_, err := store.Append(ctx, "meta", eventstore.NoStream, e)
	require.NoError(t, err)
	loaded, err := store.Load(ctx, "meta")
	require.NoError(t, err)
	require.Equal(t, md, loaded[0].Metadata)
	all, err := store.ReadAll(ctx, 0, 10)
	require.NoError(t, err)
	require.Equal(t, md, all[0].Metadata)
	require.NoError(t, store.Verify(ctx, "meta"))
}

// An append that fails leaves a gap in positions: ReadAll reads across it, whatever the limit.
func TestReadAllAcrossGaps(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	taken := counter(t, 0)
	taken.ID = uuid.New()
	var written []int64
	appendTo := func(stream string, n int) {
		for i := range n {
			r, err := store.Append(ctx, stream, int64(i), counter(t, int64(i)))
			require.NoError(t, err)
			written = append(written, r[0].Position)
		}
	}
	_, err := store.Append(ctx, "taken", eventstore.NoStream, taken)
	require.NoError(t, err)
	written = []int64{}
	appendTo("before", 3)
	// 500 positions are handed out, then the COPY fails on its last row: a gap of 500.
	failing := make([]eventstore.Event, 500)
	for i := range failing {
		failing[i] = counter(t, int64(i))
	}
	failing[499] = taken
	_, err = store.Append(ctx, "gap", eventstore.NoStream, failing...)
	require.ErrorIs(t, err, eventstore.ErrDuplicateEvent)
	appendTo("after", 3)
	require.Greater(t, written[3]-written[2], int64(500))

	for _, limit := range []int{1, 2, 4, 100} {
		var got []int64
		after := written[0] - 1
		for {
			page, err := store.ReadAll(ctx, after, limit)
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), limit)
			if len(page) == 0 {
				break
			}
			for _, e := range page {
				got = append(got, e.Position)
			}
			after = page[len(page)-1].Position
		}
		require.Equal(t, written, got, "limit %d", limit)
	}
}

// A family's history spans its streams; LoadFamily returns it in recorded order, and nothing of
// another family.
func TestLoadFamily(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	family, other := uuid.New(), uuid.New()
	about := func(f uuid.UUID, v int64) eventstore.Event {
		e := counter(t, v)
		e.FamilyID = f
		return e
	}
	_, err := store.Append(ctx, "referral-1", eventstore.NoStream, about(family, 1))
	require.NoError(t, err)
	_, err = store.Append(ctx, "booking-1", eventstore.NoStream, about(family, 2), about(other, 9))
	require.NoError(t, err)
	// Another process, which has not seen the family's streams, records them again: no harm.
	_, err = eventstore.New(db.Pool(t)).Append(ctx, "referral-1", 1, about(family, 3))
	require.NoError(t, err)

	history, err := store.LoadFamily(ctx, family)
	require.NoError(t, err)
	var streams []string
	for i, e := range history {
		streams = append(streams, e.StreamID)
		require.Equal(t, family, e.FamilyID)
		if i > 0 {
			require.Greater(t, e.Position, history[i-1].Position)
		}
	}
	require.Equal(t, []string{"referral-1", "booking-1", "referral-1"}, streams)

	none, err := store.LoadFamily(ctx, uuid.New())
	require.NoError(t, err)
	require.Empty(t, none)
	_, err = store.LoadFamily(ctx, uuid.Nil)
	var invalid *eventstore.ValidationError
	require.ErrorAs(t, err, &invalid)
}

// Test 1 of the foundation issue: two appends at the same expected version race; exactly one wins.
func TestConcurrentAppendsAtSameVersion(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	for round := range 20 {
		stream := fmt.Sprintf("race-%d", round)
		_, err := store.Append(ctx, stream, eventstore.NoStream, counter(t, 0))
		require.NoError(t, err)
		// Two stores, as two replicas would be: neither knows what the other appended.
		stores := []*eventstore.Store{store, eventstore.New(db.Pool(t))}
		start := make(chan struct{})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				<-start
				_, errs[i] = stores[i].Append(ctx, stream, 1, counter(t, 1))
			})
		}
		close(start)
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
				continue
			}
			require.ErrorIs(t, err, eventstore.ErrVersionConflict)
			var conflict *eventstore.ConflictError
			require.ErrorAs(t, err, &conflict)
		}
		require.Equal(t, 1, wins, "round %d: exactly one append wins", round)
		loaded, err := store.Load(ctx, stream)
		require.NoError(t, err)
		require.Len(t, loaded, 2)
	}
}

func TestAppendAtWrongVersion(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	_, err := store.Append(ctx, "s", eventstore.NoStream, counter(t, 1), counter(t, 2))
	require.NoError(t, err)
	fresh := eventstore.New(db.Pool(t)) // no cached head: the conflict is found by reading
	for _, expected := range []int64{0, 1, 3, 7} {
		_, err = fresh.Append(ctx, "s", expected, counter(t, 9))
		require.ErrorIs(t, err, eventstore.ErrVersionConflict, "expected %d", expected)
	}
	var conflict *eventstore.ConflictError
	_, err = fresh.Append(ctx, "s", 7, counter(t, 9))
	require.ErrorAs(t, err, &conflict)
	require.Equal(t, int64(2), conflict.Actual)
	loaded, err := store.Load(ctx, "s")
	require.NoError(t, err)
	require.Len(t, loaded, 2, "no conflicting append changed anything")
}

func TestBadAppendsChangeNothing(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	dup := counter(t, 1)
	dup.ID = uuid.New()
	noType := counter(t, 1)
	noType.Type = ""
	badType := counter(t, 1)
	badType.Type = "familytime.\xff"
	nulActor := counter(t, 1)
	nulActor.Metadata.Actor = "account\x00"
	cases := []struct {
		name  string
		uow   *eventstore.UnitOfWork
		field string
	}{
		{"empty stream id", new(eventstore.UnitOfWork).Append("", 0, counter(t, 1)), "stream"},
		{"negative version", new(eventstore.UnitOfWork).Append("s", -1, counter(t, 1)), "expected_version"},
		{"no events", new(eventstore.UnitOfWork).Append("s", 0), "events"},
		{"no event type", new(eventstore.UnitOfWork).Append("s", 0, noType), "events[0].type"},
		{"repeated event id", new(eventstore.UnitOfWork).Append("s", 0, dup).Append("t", 0, dup), "events[0].id"},
		{"stream id not UTF-8", new(eventstore.UnitOfWork).Append("s\xc3", 0, counter(t, 1)), "stream"},
		{"event type not UTF-8", new(eventstore.UnitOfWork).Append("s", 0, badType), "events[0].type"},
		{"NUL in metadata", new(eventstore.UnitOfWork).Append("s", 0, counter(t, 1), nulActor), "events[1].metadata.actor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := store.Commit(ctx, tc.uow)
			var invalid *eventstore.ValidationError
			require.ErrorAs(t, err, &invalid)
			require.Equal(t, tc.field, invalid.Field)
		})
	}
	all, err := store.ReadAll(ctx, 0, 10)
	require.NoError(t, err)
	require.Empty(t, all)
}

func TestDuplicateEventID(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	e := counter(t, 1)
	e.ID = uuid.New()
	_, err := store.Append(ctx, "a", eventstore.NoStream, e)
	require.NoError(t, err)
	_, err = store.Append(ctx, "b", eventstore.NoStream, e)
	require.ErrorIs(t, err, eventstore.ErrDuplicateEvent)
}

func TestUnitOfWorkIsAtomic(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	owner := db.OwnerPool(t)
	_, err := owner.Exec(ctx, `CREATE TABLE tally (name text PRIMARY KEY, n int NOT NULL CHECK (n < 3));
		GRANT SELECT, INSERT, UPDATE ON tally TO `+testkit.RuntimeRole)
	require.NoError(t, err)
	upsert := "INSERT INTO tally VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = tally.n + 1"

	t.Run("append, statements and projections commit together", func(t *testing.T) {
		var seen int
		uow := new(eventstore.UnitOfWork).Append("x", 0, counter(t, 1)).Append("y", 0, counter(t, 1)).
			Exec(upsert, "x").
			Project(func(ctx context.Context, tx pgx.Tx) error {
				return tx.QueryRow(ctx, "SELECT n FROM tally WHERE name = 'x'").Scan(&seen)
			})
		recorded, err := store.Commit(ctx, uow)
		require.NoError(t, err)
		require.Len(t, recorded, 2)
		require.Equal(t, recorded[0].TxID, recorded[1].TxID, "one transaction")
		require.Equal(t, 1, seen, "the projection function sees the statement's write")
	})
	for _, tc := range []struct {
		name string
		uow  *eventstore.UnitOfWork
	}{
		{"a failing statement", new(eventstore.UnitOfWork).Append("z", 0, counter(t, 1)).Exec(upsert, "x").Exec(upsert, "x")},
		{"a failing projection", new(eventstore.UnitOfWork).Append("z", 0, counter(t, 1)).Exec(upsert, "w").
			Project(func(context.Context, pgx.Tx) error { return errors.New("refused") })},
		{"an inbox repeat", new(eventstore.UnitOfWork).Append("z", 0, counter(t, 1)).MarkHandled("c", uuid.Nil, "", 0).MarkHandled("c", uuid.Nil, "", 0)},
	} {
		t.Run(tc.name+" undoes the append", func(t *testing.T) {
			_, err := store.Commit(ctx, tc.uow)
			require.Error(t, err)
			loaded, err := store.Load(ctx, "z")
			require.NoError(t, err)
			require.Empty(t, loaded)
			var n int
			require.NoError(t, owner.QueryRow(ctx, "SELECT n FROM tally WHERE name = 'x'").Scan(&n))
			require.Equal(t, 1, n)
			require.NoError(t, owner.QueryRow(ctx, "SELECT count(*) FROM tally WHERE name = 'w'").Scan(&n))
			require.Zero(t, n)
		})
	}
}

func TestInboxMakesRedeliveryANoOp(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	id := uuid.New()
	_, err := store.Commit(ctx, new(eventstore.UnitOfWork).Append("h", 0, counter(t, 1)).MarkHandled("reporting", id, "", 0))
	require.NoError(t, err)
	_, err = store.Commit(ctx, new(eventstore.UnitOfWork).Append("h", 1, counter(t, 2)).MarkHandled("reporting", id, "", 0))
	require.ErrorIs(t, err, eventstore.ErrAlreadyHandled)
	_, err = store.Commit(ctx, new(eventstore.UnitOfWork).MarkHandled("scheduling", id, "", 0))
	require.NoError(t, err, "another consumer's inbox is its own")
	loaded, err := store.Load(ctx, "h")
	require.NoError(t, err)
	require.Len(t, loaded, 1)
}

func TestTraceContextIsStored(t *testing.T) {
	store, _ := newStore(t)
	tp := sdktrace.NewTracerProvider()
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	ctx, span := tp.Tracer("test").Start(t.Context(), "command")
	recorded, err := store.Append(ctx, "traced", 0, counter(t, 1))
	span.End()
	require.NoError(t, err)
	loaded, err := store.Load(t.Context(), "traced")
	require.NoError(t, err)
	require.Contains(t, loaded[0].Metadata.Traceparent, span.SpanContext().TraceID().String())
	require.Equal(t, recorded[0].Metadata.Traceparent, loaded[0].Metadata.Traceparent)
	require.NoError(t, store.Verify(t.Context(), "traced"), "the hash covers the stored trace context")
}

// Test 8 of the foundation issue: the runtime role cannot change the log, and a change made by a
// superuser behind the service's back is found by Verify at the right stream and version.
func TestAppendOnlyAndTamperDetection(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	for _, stream := range []string{"family-1", "family-2"} {
		_, err := store.Append(ctx, stream, 0, counter(t, 1), counter(t, 2), counter(t, 3))
		require.NoError(t, err)
	}
	runtime := db.Pool(t)
	for _, sql := range []string{
		"UPDATE events SET payload = '\\x00' WHERE stream_id = 'family-1'",
		"DELETE FROM events WHERE stream_id = 'family-1'",
		"TRUNCATE events",
	} {
		_, err := runtime.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr, sql)
		require.Equal(t, "42501", pgErr.Code, "%s: permission denied for the runtime role", sql)
	}
	owner := db.OwnerPool(t)
	for _, sql := range []string{
		"UPDATE events SET payload = '\\x00' WHERE stream_id = 'family-1'",
		"DELETE FROM events WHERE stream_id = 'family-1'",
		"TRUNCATE events",
	} {
		_, err := owner.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr, sql)
		require.Equal(t, "23001", pgErr.Code, "%s: the trigger refuses even the owner", sql)
	}
	require.NoError(t, store.Verify(ctx, "family-1"))
	loaded, err := store.Load(ctx, "family-1") // kept by the store: Verify must still read the rows
	require.NoError(t, err)
	require.Len(t, loaded, 3)

	// A superuser who switches triggers off can still edit; the hash chain tells.
	conn, err := owner.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, "SET session_replication_role = replica")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "UPDATE events SET payload = '\\x0805' WHERE stream_id = 'family-1' AND version = 2")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "RESET session_replication_role")
	require.NoError(t, err)

	var tamper *eventstore.TamperError
	require.ErrorAs(t, store.Verify(ctx, "family-1"), &tamper)
	require.Equal(t, "family-1", tamper.Stream)
	require.Equal(t, int64(2), tamper.Version)
	require.NoError(t, store.Verify(ctx, "family-2"))

	_, err = conn.Exec(ctx, "SET session_replication_role = replica; DELETE FROM events WHERE stream_id = 'family-2' AND version = 1; RESET session_replication_role")
	require.NoError(t, err)
	found, err := store.VerifyAll(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, []eventstore.TamperError{
		{Stream: "family-1", Version: 2, Reason: "stored event does not match its hash"},
		{Stream: "family-2", Version: 1, Reason: "version is missing (next stored is 2)"},
	}, found)
}

// A store keeps the streams it loaded and reads only what was appended since, also by another
// replica (another store on the same database): each load equals a fresh store's load of the
// whole stream, and what one caller does to the events it got does not reach the next.
func TestLoadReadsWhatWasAppendedSince(t *testing.T) {
	store, db := newStore(t)
	ctx := t.Context()
	replica := eventstore.New(db.Pool(t))
	_, err := store.Append(ctx, "family-1", eventstore.NoStream, counter(t, 1), counter(t, 2))
	require.NoError(t, err)
	first, err := store.Load(ctx, "family-1")
	require.NoError(t, err)
	require.Len(t, first, 2)
	first[0].Version, first[0].Payload = 99, nil // a caller's own copy

	_, err = replica.Append(ctx, "family-1", 2, counter(t, 3))
	require.NoError(t, err)
	_, err = store.Append(ctx, "family-1", 3, counter(t, 4), counter(t, 5))
	require.NoError(t, err)
	again, err := store.Load(ctx, "family-1")
	require.NoError(t, err)
	fresh, err := eventstore.New(db.Pool(t)).Load(ctx, "family-1")
	require.NoError(t, err)
	require.Len(t, fresh, 5)
	require.Equal(t, fresh, again)
	for i, e := range again {
		require.Equal(t, int64(i+1), e.Version)
	}
}

// Two writers in one process read a stream at version 1 and each decide an append on it. The
// second commits while the first is between reading the head and numbering its event, and its
// head is cached. The first must still be numbered 2, and so refused, never numbered 3 after an
// event its decision never saw (the race a hold's reaction once lost to a booking).
func TestAnAppendLandsAtTheVersionItWasDecidedOnOrNotAtAll(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	_, err := store.Append(ctx, "contended", eventstore.NoStream, counter(t, 0))
	require.NoError(t, err)
	var second error
	eventstore.AfterHeadsRead(t, func() { _, second = store.Append(ctx, "contended", 1, counter(t, 2)) })
	_, first := store.Append(ctx, "contended", 1, counter(t, 1))
	require.NoError(t, second, "the second writer commits first")
	require.ErrorIs(t, first, eventstore.ErrVersionConflict, "the first was decided on version 1, which is gone")
	loaded, err := store.Load(ctx, "contended")
	require.NoError(t, err)
	require.Len(t, loaded, 2)
	m, err := loaded[1].Decode()
	require.NoError(t, err)
	require.Equal(t, int64(2), m.(*testingv1.CounterIncremented).GetValue())
}

// AfterCommit's functions run once the unit has committed, in the order given, merged units'
// too; never when the commit failed (a process may remember only what the database holds).
func TestAfterCommitRunsOnlyOnceCommitted(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	var ran []string
	note := func(s string) func() { return func() { ran = append(ran, s) } }

	other := new(eventstore.UnitOfWork).Append("counter-b", eventstore.NoStream, counter(t, 1)).AfterCommit(note("merged"))
	uow := new(eventstore.UnitOfWork).Append("counter-a", eventstore.NoStream, counter(t, 1)).AfterCommit(note("first")).Merge(other)
	require.Empty(t, ran, "not before the commit")
	_, err := store.Commit(ctx, uow)
	require.NoError(t, err)
	require.Equal(t, []string{"first", "merged"}, ran)

	ran = nil
	_, err = store.Commit(ctx, new(eventstore.UnitOfWork).Append("counter-a", eventstore.NoStream, counter(t, 2)).AfterCommit(note("conflict")))
	var conflict *eventstore.ConflictError
	require.ErrorAs(t, err, &conflict)
	require.Empty(t, ran, "a failed commit runs nothing")
	_, err = store.Commit(ctx, new(eventstore.UnitOfWork).Exec(`SELECT 1/0`).AfterCommit(note("refused")))
	require.Error(t, err)
	require.Empty(t, ran)
}
