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
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// The service as its own process: it migrates its database and its key store, opens the key store
// with the KEKs of its folder, serves gRPC to tokens of the configured issuer, and stops
// gracefully when its context ends (SIGTERM in main).
func TestRunServesAndStopsGracefully(t *testing.T) {
	db, keys := testkit.Postgres(t), testkit.Postgres(t)
	nats := testkit.NATS(t)
	kekDir := t.TempDir()
	_, err := seal.LoadOrCreateKEKDir(kekDir)
	require.NoError(t, err)
	key, err := auth.LoadOrCreateDevKey(filepath.Join(t.TempDir(), "signing.pem"))
	require.NoError(t, err)
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	keyFile := filepath.Join(t.TempDir(), "public.pem")
	require.NoError(t, os.WriteFile(keyFile, pub, 0o600))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close())

	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-database-url", db.RuntimeURL, "-migrate-database-url", db.OwnerURL,
			"-keystore-url", keys.RuntimeURL, "-keystore-migrate-url", keys.OwnerURL, "-kek-dir", kekDir,
			"-nats-url", nats.URL(), "-nats-replicas", "1", "-grpc-addr", addr, "-admin-addr", "127.0.0.1:0",
			"-auth-issuer", "https://id.test", "-auth-key-file", keyFile, "-bus-key", testkit.BusKey.String()})
	}()
	centre := uuid.New()
	token, err := auth.Mint(key, auth.MintOptions{Issuer: "https://id.test", Audience: "familytime",
		// An administrator: a coordinator would need the centre's staff register (decision 110).
		Subject: "admin-1", Roles: []auth.Role{auth.RoleAdmin}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(addr, token)
	require.NoError(t, err)
	defer conn.Close()
	require.Eventually(t, func() bool {
		resp, err := grpc_health_v1.NewHealthClient(conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{})
		return err == nil && resp.GetStatus() == grpc_health_v1.HealthCheckResponse_SERVING
	}, 30*time.Second, 50*time.Millisecond, "the service never became healthy")

	_, err = referralv1.NewReferralServiceClient(conn).ListReferrals(ctx, &referralv1.ListReferralsRequest{CentreId: centre.String()})
	require.NoError(t, err)
	_, err = referralv1.NewReferralServiceClient(conn).GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: uuid.NewString(), CentreId: centre.String()})
	require.Equal(t, codes.NotFound, status.Code(err))

	stop()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
}

// Without a key store the service refuses to start: it holds personal data.
func TestRunRefusesToStartWithoutAKeyStore(t *testing.T) {
	db := testkit.Postgres(t)
	nats := testkit.NATS(t)
	keyFile := filepath.Join(t.TempDir(), "public.pem")
	key, err := auth.LoadOrCreateDevKey(filepath.Join(t.TempDir(), "signing.pem"))
	require.NoError(t, err)
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(keyFile, pub, 0o600))
	err = run(t.Context(), []string{"-database-url", db.RuntimeURL, "-migrate-database-url", db.OwnerURL,
		"-nats-url", nats.URL(), "-nats-replicas", "1", "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-auth-issuer", "https://id.test", "-auth-key-file", keyFile, "-bus-key", testkit.BusKey.String()})
	require.ErrorContains(t, err, "needs a key store")
}
