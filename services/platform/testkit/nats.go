package testkit

import (
	"time"

	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/natsembed"
)

// NATSServer is an embedded JetStream server for one test.
type NATSServer struct {
	*natsembed.Server
	dir   string
	port  int
	creds natsembed.Credentials
}

// BusKey is the bus key of a test binary: the relays and consumers its tests start share it, as
// a platform's services do (bus.Key).
var BusKey = bus.NewKey()

// NATS starts an embedded JetStream server on a free port, stopped when the test ends. It
// requires credentials of its own, as the dev platform's does (decisions.md 369): URL carries
// them.
func NATS(t testing.TB) *NATSServer {
	t.Helper()
	dir := t.TempDir()
	creds := natsembed.NewCredentials()
	srv, err := natsembed.Start(natsembed.Options{StoreDir: dir, Credentials: &creds})
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	n := &NATSServer{Server: srv, dir: dir, port: srv.Port(), creds: creds}
	t.Cleanup(func() { n.Stop() })
	return n
}

// Restart starts the server again after Stop, on the same port with the same storage, as an
// operator would bring a crashed server back.
func (n *NATSServer) Restart(t testing.TB) {
	t.Helper()
	srv, err := natsembed.Start(natsembed.Options{StoreDir: n.dir, Port: n.port, Credentials: &n.creds})
	if err != nil {
		t.Fatalf("testkit: restart NATS: %v", err)
	}
	n.Server = srv
}

// Connect opens a client connection that keeps reconnecting forever, closed when the test ends.
func (n *NATSServer) Connect(t testing.TB) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(n.URL(), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("testkit: connect to NATS: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("testkit: JetStream: %v", err)
	}
	return nc, js
}
