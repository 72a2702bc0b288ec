package main

import (
	"context"
	"crypto/ed25519"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/health/grpc_health_v1"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func freeAddr(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer lis.Close()
	return lis.Addr().String()
}

// The service as its own process runs: it migrates its database, serves gRPC with the tokens of
// the configured issuer, and stops gracefully when its context ends (SIGTERM in main).
func TestRunServesAndStopsGracefully(t *testing.T) {
	db := testkit.Postgres(t)
	nats := testkit.NATS(t)
	key, err := auth.LoadOrCreateDevKey(filepath.Join(t.TempDir(), "signing.pem"))
	require.NoError(t, err)
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	keyFile := filepath.Join(t.TempDir(), "public.pem")
	require.NoError(t, os.WriteFile(keyFile, pub, 0o600))

	addr := freeAddr(t)
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-database-url", db.RuntimeURL, "-migrate-database-url", db.OwnerURL,
			"-nats-url", nats.URL(), "-grpc-addr", addr, "-admin-addr", "127.0.0.1:0",
			"-auth-issuer", "https://id.test", "-auth-key-file", keyFile, "-bus-key", testkit.BusKey.String()})
	}()

	token, err := auth.Mint(key, auth.MintOptions{Issuer: "https://id.test", Audience: "familytime",
		Subject: "admin-1", Roles: []auth.Role{auth.RoleAdmin}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(addr, token)
	require.NoError(t, err)
	defer conn.Close()
	require.Eventually(t, func() bool {
		resp, err := grpc_health_v1.NewHealthClient(conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{})
		return err == nil && resp.GetStatus() == grpc_health_v1.HealthCheckResponse_SERVING
	}, 30*time.Second, 50*time.Millisecond, "the service never became healthy")

	resp, err := schedulingv1.NewSchedulingServiceClient(conn).RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(),
		Details: &schedulingv1.CentreDetails{Name: "Harbour Family Time Centre", Region: commonv1.Region_REGION_SOUTH_WEST,
			ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
			AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}})
	require.NoError(t, err)
	require.Equal(t, int64(1), resp.GetCentre().GetVersion())

	stop()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
	_, err = net.DialTimeout("tcp", addr, time.Second)
	require.Error(t, err, "the gRPC port is closed after the stop")
}

func TestRunRefusesIncompleteConfiguration(t *testing.T) {
	err := run(t.Context(), []string{"-database-url", "postgres://familytime_app@127.0.0.1/x"})
	require.EqualError(t, err, "missing configuration: auth-issuer, auth-key-file or auth-jwks-url (see -help)")
}
