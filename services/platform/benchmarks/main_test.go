package benchmarks_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// payloadSize is the size of every event's payload, and of every baseline row's payload: about
// what a real event of ids, dates and a sealed field or two weighs.
const payloadSize = 256

// payload is a serialised CounterIncremented padded to exactly payloadSize bytes. The padding is
// random, so nothing downstream can compress it away.
func payload(b *testing.B) []byte {
	b.Helper()
	padding := make([]byte, payloadSize-5) // 2 bytes of value, 3 of tag and length
	_, _ = rand.Read(padding)
	p, err := proto.Marshal(&testingv1.CounterIncremented{Value: 1, Padding: padding})
	require.NoError(b, err)
	require.Len(b, p, payloadSize)
	return p
}

var eventType = string((&testingv1.CounterIncremented{}).ProtoReflect().Descriptor().FullName())

// event is an event as a command would record it: a family, a centre, who did it and why.
func event(p []byte, family, centre uuid.UUID) eventstore.Event {
	return eventstore.Event{Type: eventType, FamilyID: family, CentreID: centre, Payload: p,
		Metadata: eventstore.Metadata{Actor: "account-0042", CorrelationID: family.String()}}
}

// centres are the centres events are spread over, so subjects differ as in a real service.
var centres = func() []uuid.UUID {
	c := make([]uuid.UUID, 8)
	for i := range c {
		c[i] = uuid.New()
	}
	return c
}()

// database is a fresh, migrated database with the event log, and the runtime role's pool (20
// connections, enough for 16 writers).
func database(b *testing.B) (*testkit.Database, *pgxpool.Pool) {
	b.Helper()
	db := testkit.Postgres(b)
	db.Migrate(b, eventstore.Migrations())
	pool := db.Pool(b)
	warm(b, pool, 16)
	logSettings(b, pool)
	return db, pool
}

// warm opens n connections before the clock starts, so no benchmark pays for connecting.
func warm(b *testing.B, pool *pgxpool.Pool, n int) {
	b.Helper()
	conns := make([]*pgxpool.Conn, 0, n)
	defer func() { // also when an Acquire fails: a connection never released keeps the pool from closing
		for _, c := range conns {
			c.Release()
		}
	}()
	for range n {
		c, err := pool.Acquire(b.Context())
		require.NoError(b, err)
		conns = append(conns, c)
	}
}

var settingsOnce sync.Once

// logSettings records, once per run, the server settings that decide what a commit costs;
// tools/benchreport copies the line into its report.
func logSettings(b *testing.B, pool *pgxpool.Pool) {
	settingsOnce.Do(func() {
		line := "postgres settings:"
		for _, name := range []string{"server_version", "fsync", "synchronous_commit", "wal_sync_method",
			"full_page_writes", "shared_buffers"} {
			var v string
			if err := pool.QueryRow(b.Context(), "SELECT current_setting($1)", name).Scan(&v); err != nil {
				v = "unknown"
			}
			line += fmt.Sprintf(" %s=%s", name, v)
		}
		b.Log(line)
	})
}

// writers runs ops operations spread over n goroutines and returns how long they took. Each
// goroutine calls op with its own number and its own count of operations so far, so it can keep
// state of its own (its streams) without locks.
func writers(b *testing.B, n, ops int, op func(ctx context.Context, writer, i int) error) time.Duration {
	b.Helper()
	ctx := b.Context()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := time.Now()
	for w := range n {
		wg.Go(func() {
			for i := 0; next.Add(1) <= int64(ops); i++ {
				if err := op(ctx, w, i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return elapsed
}

// reportRate reports events per second of wall-clock time.
func reportRate(b *testing.B, events int, elapsed time.Duration) {
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
}

// poll calls done every interval until it reports true, failing the benchmark after a minute. A
// poll is a request to a server and costs the machine a little CPU; the interval is the error it
// adds to a drain's time, so it is chosen at under 1% of the drain.
func poll(b *testing.B, what string, every time.Duration, done func(ctx context.Context) bool) {
	b.Helper()
	ctx := b.Context()
	tick := time.NewTicker(every)
	defer tick.Stop()
	deadline := time.NewTimer(time.Minute)
	defer deadline.Stop()
	for !done(ctx) {
		select {
		case <-tick.C:
		case <-deadline.C:
			b.Fatalf("%s: not done after a minute", what)
		}
	}
}
