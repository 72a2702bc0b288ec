// Package host runs a service: its gRPC server (built by grpcx, with the service's policy) and its
// background work (relay, consumers), with a graceful stop. A service's own main (Main) and the
// all-in-one dev server (Start, several services in one process) both use it, so a service runs
// the same way in both.
package host

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/seal"
)

// Deps are what a service is built from.
type Deps struct {
	// Pool connects to the service's own database as its runtime role.
	Pool *pgxpool.Pool
	NATS *nats.Conn
	// BusKey authenticates the events the service publishes and those it consumes (bus.Key).
	BusKey bus.Key
	Logger *slog.Logger
	// ServiceCredentials put the service's own token on its calls to other services
	// (grpcx.DialAs); nil when none is configured.
	ServiceCredentials credentials.PerRPCCredentials
	// Sealer seals and opens personal fields with the family keys in the service's key store
	// (KEYSTORE_URL, a database apart from the events); nil for a service without personal data.
	Sealer *seal.Sealer
	// Streams configure the streams the service's relay and consumers create (replicas, dedupe
	// window); the zero value is one replica and the default window.
	Streams bus.StreamOptions
	// Clock is where the service's use cases take "now" from; nil is the real clock. Main never
	// sets it: only the dev platform runs services on a simulated clock (decisions.md 70).
	Clock clock.Clock
}

// Now is the time by the service's clock (the real one unless Clock is set); pass d.Now to the
// use cases as their "now".
func (d Deps) Now() time.Time { return clock.Or(d.Clock).Now() }

// Service is a service as the host runs it.
type Service interface {
	// Register adds the service's gRPC services to the server.
	Register(grpc.ServiceRegistrar)
	// Policy is the rule for every RPC the service serves.
	Policy() auth.Policy
	// Run does the service's background work (relay, consumers) until ctx ends.
	Run(ctx context.Context)
}

// Preparer is a Service with work to finish before it serves, such as completing a read model a
// migration could not (it needs the service's keys): Start runs Prepare first, and starts
// nothing if it fails.
type Preparer interface {
	Prepare(ctx context.Context) error
}

// StaffGated is a Service whose centre-scoped calls by a centre's staff are made only while the
// centre's staff register clears them (grpcx.ServerConfig.Staff, staff.Gate).
type StaffGated interface {
	Staff(ctx context.Context, method string, centre uuid.UUID) (context.Context, error)
}

// Readier is a Service that can be unable to serve while running: its Ready is nil while it can,
// and says why not otherwise (relay.Relay.Ready: its database lost events its stream holds,
// decisions.md 370). Start reports it on the gRPC health service, Main on the admin port's /readyz.
type Readier interface {
	Ready() error
}

// readyEvery is how often Start asks a Readier.
const readyEvery = time.Second

// AdminHandlers is a Service that also serves HTTP on the admin port (beside /metrics and
// /healthz), by http.ServeMux pattern; Main adds them.
type AdminHandlers interface {
	AdminHandlers() map[string]http.Handler
}

// Running is a started service.
type Running struct {
	// Addr is where its gRPC server listens.
	Addr   string
	server *grpcx.Server
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// Start listens on addr, serves the service's gRPC API and starts its background work.
func Start(ctx context.Context, svc Service, authn grpcx.Authenticator, log *slog.Logger, addr string) (*Running, error) {
	if p, ok := svc.(Preparer); ok {
		if err := p.Prepare(ctx); err != nil {
			return nil, fmt.Errorf("prepare the service: %w", err)
		}
	}
	cfg := grpcx.ServerConfig{Logger: log, Authenticator: authn, Policy: svc.Policy()}
	if g, ok := svc.(StaffGated); ok {
		cfg.Staff = g.Staff
	}
	srv, err := grpcx.NewServer(cfg)
	if err != nil {
		return nil, err
	}
	svc.Register(srv)
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("gRPC address %s is taken or unusable: %w", addr, err)
	}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &Running{Addr: lis.Addr().String(), server: srv, cancel: cancel}
	r.done.Go(func() {
		if err := srv.Serve(lis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			log.ErrorContext(bg, "gRPC server stopped", "error", err)
		}
	})
	r.done.Go(func() { svc.Run(bg) })
	if rd, ok := svc.(Readier); ok {
		r.done.Go(func() { reportReady(bg, srv, rd) })
	}
	return r, nil
}

// reportReady keeps the gRPC health service's status to what rd says, until ctx ends: a load
// balancer or an orchestrator's probe then stops sending the service requests it would refuse.
func reportReady(ctx context.Context, srv *grpcx.Server, rd Readier) {
	t := time.NewTicker(readyEvery)
	defer t.Stop()
	for {
		status := healthpb.HealthCheckResponse_SERVING
		if rd.Ready() != nil {
			status = healthpb.HealthCheckResponse_NOT_SERVING
		}
		srv.Health.SetServingStatus("", status)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Stop drains: health says NOT_SERVING, in-flight calls finish (or are cut at the deadline), the
// background work stops.
func (r *Running) Stop(ctx context.Context) {
	r.server.Health.Shutdown() // NOT_SERVING, and reportReady can no longer say otherwise
	stopped := make(chan struct{})
	go func() { r.server.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-ctx.Done():
		r.server.Stop()
	}
	r.cancel()
	r.done.Wait()
}

// waitStop is how long Stop may take in Main.
const waitStop = 20 * time.Second

// RewrapInBackground re-wraps the key store's family keys with the newest key-encryption key
// until stop is called (seal.Sealer.RewrapLoop); stop waits for it. A nil sealer does nothing.
func RewrapInBackground(ctx context.Context, s *seal.Sealer, log *slog.Logger) (stop func()) {
	if s == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { s.RewrapLoop(ctx, 0, log) })
	return func() { cancel(); wg.Wait() }
}
