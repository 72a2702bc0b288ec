package host

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/familytime/familytime/services/platform/auth"
)

// notReady is a service with no RPC whose Ready says what the test sets.
type notReady struct{ why atomic.Pointer[error] }

func (*notReady) Register(grpc.ServiceRegistrar) {}
func (*notReady) Policy() auth.Policy            { return auth.Policy{} }
func (*notReady) Run(ctx context.Context)        { <-ctx.Done() }
func (s *notReady) Ready() error {
	if p := s.why.Load(); p != nil {
		return *p
	}
	return nil
}

type noTokens struct{}

func (noTokens) Verify(context.Context, string) (*auth.Claims, error) {
	return nil, errors.New("no token is valid here")
}

// Review 71 finding 2 (decision 370): a service whose database lost events its stream holds
// refuses every command that records; its health says so, for a probe or a load balancer to stop
// sending it requests, on the gRPC health service and on the admin port's /readyz.
func TestAServiceNotReadySaysSoOnItsHealthPorts(t *testing.T) {
	svc := &notReady{}
	behind := errors.New("the stream TEST holds 2 events this database does not have")
	svc.why.Store(&behind)
	running, err := Start(t.Context(), svc, noTokens{}, slog.New(slog.DiscardHandler), "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { running.Stop(context.Background()) })
	conn, err := grpc.NewClient(running.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	health := healthpb.NewHealthClient(conn)
	status := func() healthpb.HealthCheckResponse_ServingStatus {
		resp, err := health.Check(t.Context(), &healthpb.HealthCheckRequest{})
		require.NoError(t, err)
		return resp.GetStatus()
	}
	require.Eventually(t, func() bool { return status() == healthpb.HealthCheckResponse_NOT_SERVING }, 5*time.Second, 10*time.Millisecond)
	rec := httptest.NewRecorder()
	readyHandler(svc).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Contains(t, rec.Body.String(), "holds 2 events this database does not have")

	svc.why.Store(nil)
	require.Eventually(t, func() bool { return status() == healthpb.HealthCheckResponse_SERVING }, 5*time.Second, 10*time.Millisecond)
	rec = httptest.NewRecorder()
	readyHandler(svc).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	require.Equal(t, http.StatusOK, rec.Code)
}
