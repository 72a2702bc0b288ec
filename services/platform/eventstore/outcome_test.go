package eventstore_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/pgpool"
	"github.com/familytime/familytime/services/platform/testkit"
)

// commitCutter is a TCP proxy in front of PostgreSQL that, once armed, lets the server's answer to
// a COMMIT go no further: the server commits, the client's connection breaks before it hears so.
// With refuseAfter, it also refuses every connection after the cut, so nobody can ask the server.
type commitCutter struct {
	lis         net.Listener
	target      string
	armed       atomic.Bool
	cut         atomic.Bool
	refuseAfter bool
	mu          sync.Mutex
	conns       []net.Conn
}

func newCommitCutter(t *testing.T, target string, refuseAfter bool) *commitCutter {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &commitCutter{lis: lis, target: target, refuseAfter: refuseAfter}
	go p.serve()
	t.Cleanup(func() {
		lis.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.conns {
			c.Close()
		}
	})
	return p
}

func (p *commitCutter) serve() {
	for {
		client, err := p.lis.Accept()
		if err != nil {
			return
		}
		if p.refuseAfter && p.cut.Load() {
			client.Close()
			continue
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(server, client); server.Close() }()
		go p.answers(server, client)
	}
}

// answers forwards the server's messages to the client, message by message, until an armed proxy
// sees CommandComplete("COMMIT"): then both connections close, the message unsent.
func (p *commitCutter) answers(server, client net.Conn) {
	defer client.Close()
	defer server.Close()
	header := make([]byte, 5)
	for {
		if _, err := io.ReadFull(server, header); err != nil {
			return
		}
		body := make([]byte, int(binary.BigEndian.Uint32(header[1:]))-4)
		if _, err := io.ReadFull(server, body); err != nil {
			return
		}
		if header[0] == 'C' && string(body) == "COMMIT\x00" && p.armed.Load() && p.cut.CompareAndSwap(false, true) {
			return
		}
		if _, err := client.Write(append(header, body...)); err != nil {
			return
		}
	}
}

// through returns the runtime URL of db with its host and port replaced by the proxy's.
func (p *commitCutter) through(t *testing.T, db *testkit.Database) string {
	u, err := url.Parse(db.RuntimeURL)
	require.NoError(t, err)
	u.Host = p.lis.Addr().String()
	return u.String()
}

func proxiedStore(t *testing.T, refuseAfter bool) (*eventstore.Store, *commitCutter, *testkit.Database) {
	t.Helper()
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	u, err := url.Parse(db.RuntimeURL)
	require.NoError(t, err)
	p := newCommitCutter(t, u.Host, refuseAfter)
	pool, err := pgpool.Open(t.Context(), p.through(t, db), 4)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return eventstore.New(pool), p, db
}

func countEvents(t *testing.T, db *testkit.Database, stream string) int {
	t.Helper()
	var n int
	require.NoError(t, db.OwnerPool(t).QueryRow(context.Background(), "SELECT count(*) FROM events WHERE stream_id = $1", stream).Scan(&n))
	return n
}

// Issue 7, item 3: when the connection breaks after COMMIT was sent, the store asks the server
// what happened and reports the truth: the unit committed, so Commit succeeds, once; it is never
// retried into a conflict or reported as failed.
func TestLostCommitReplyReportsTheTruth(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events int
		uow    func(*eventstore.UnitOfWork) *eventstore.UnitOfWork
	}{
		{"a grouped unit", 1, nil},
		{"a large unit committed alone", 100, nil},
		{"a unit with a projection function", 1, func(u *eventstore.UnitOfWork) *eventstore.UnitOfWork {
			return u.Project(func(context.Context, pgx.Tx) error { return nil })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, proxy, db := proxiedStore(t, false)
			events := make([]eventstore.Event, tc.events)
			for i := range events {
				events[i] = counter(t, int64(i))
			}
			uow := new(eventstore.UnitOfWork).Append("lost-answer", eventstore.NoStream, events...)
			if tc.uow != nil {
				uow = tc.uow(uow)
			}
			proxy.armed.Store(true)
			recorded, err := store.Commit(t.Context(), uow)
			require.True(t, proxy.cut.Load(), "the proxy cut the commit's answer")
			require.NoError(t, err, "the server committed: that is the outcome")
			require.Len(t, recorded, tc.events)
			require.Equal(t, tc.events, countEvents(t, db, "lost-answer"), "appended once")

			// The store goes on working, and knows where the stream stands.
			_, err = store.Append(t.Context(), "lost-answer", int64(tc.events), counter(t, 99))
			require.NoError(t, err)
		})
	}
}

// A group of units whose one commit loses its answer: every unit committed, every caller hears so.
func TestLostGroupCommitReplyReportsTheTruth(t *testing.T) {
	store, proxy, db := proxiedStore(t, false)
	proxy.armed.Store(true)
	errs := store.CommitTogether(t.Context(),
		new(eventstore.UnitOfWork).Append("group-a", eventstore.NoStream, counter(t, 1)),
		new(eventstore.UnitOfWork).Append("group-b", eventstore.NoStream, counter(t, 2)))
	require.True(t, proxy.cut.Load())
	require.Equal(t, []error{nil, nil}, errs, "no unit retried into a conflict")
	require.Equal(t, 1, countEvents(t, db, "group-a"))
	require.Equal(t, 1, countEvents(t, db, "group-b"))
}

// When nobody can say whether the commit happened, the caller hears exactly that: the outcome is
// unknown (gRPC Unavailable), not a failure it might "fix" by doing the work again.
func TestLostCommitReplyWithTheServerUnreachableIsUnknown(t *testing.T) {
	store, proxy, db := proxiedStore(t, true)
	store.SetResolveTimeout(2 * time.Second)
	proxy.armed.Store(true)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := store.Append(ctx, "unknown", eventstore.NoStream, counter(t, 1))
	require.True(t, proxy.cut.Load())
	require.ErrorIs(t, err, eventstore.ErrOutcomeUnknown)
	require.False(t, errors.Is(err, eventstore.ErrVersionConflict))
	require.Equal(t, 1, countEvents(t, db, "unknown"), "it did commit, once")
}
