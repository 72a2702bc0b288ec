package devserver_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// TestMain also runs this test binary as a service of a dev platform with Config.Processes, when
// the platform starts it as one.
func TestMain(m *testing.M) {
	devserver.ServiceProcess()
	testkit.Main(m)
}

// The dev platform on a private PostgreSQL, as on a fresh machine without DATABASE_URL: it comes
// up with migrated databases and streams, refuses a second start on the same folder, and a
// restart keeps the data.
func TestDevPlatformStartsAndKeepsData(t *testing.T) {
	dir, err := os.MkdirTemp("", "ftdev-test-") // reachable by the unprivileged PostgreSQL user
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	ctx := t.Context()

	p, err := devserver.Start(ctx, devserver.Config{DataDir: dir})
	require.NoError(t, err)
	require.True(t, p.Info.Private)
	_, err = devserver.Start(ctx, devserver.Config{DataDir: dir})
	require.ErrorContains(t, err, "in use by another familytime dev")

	conn, err := pgx.Connect(ctx, p.Info.Databases["scheduling"])
	require.NoError(t, err, "the runtime role connects")
	_, err = conn.Exec(ctx, `INSERT INTO inbox (consumer, event_id) VALUES ('kept', gen_random_uuid())`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "DELETE FROM events")
	require.ErrorContains(t, err, "permission denied", "the runtime role cannot change the log")
	require.NoError(t, conn.Close(ctx))

	nc, err := nats.Connect(p.Info.NATSURL)
	require.NoError(t, err)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	for _, name := range []string{"REFERRAL", "SCHEDULING", "SAFEGUARDING", "DEADLETTER"} {
		s, err := js.Stream(ctx, name)
		require.NoError(t, err, name)
		require.True(t, s.CachedInfo().Config.DenyDelete)
	}
	nc.Close()
	require.FileExists(t, devserver.InfoFile(dir))
	require.NoError(t, p.Stop(context.Background()))
	require.NoFileExists(t, devserver.InfoFile(dir))

	again, err := devserver.Start(ctx, devserver.Config{DataDir: dir})
	require.NoError(t, err)
	t.Cleanup(func() { _ = again.Stop(context.Background()) })
	conn, err = pgx.Connect(ctx, again.Info.Databases["scheduling"])
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM inbox WHERE consumer = 'kept'").Scan(&n))
	require.Equal(t, 1, n, "a second start reuses the data")
}

// startOnServer starts the dev platform on the test server, with databases of its own that are
// dropped when the test ends.
func startOnServer(t *testing.T, cfg devserver.Config) *devserver.Platform {
	t.Helper()
	db := testkit.Postgres(t) // a server that answers; the dev platform creates its databases there
	cfg.DatabaseURL = db.OwnerURL
	cfg.DatabasePrefix = db.Name + "_"
	p, err := devserver.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = p.Stop(context.Background())
		conn, err := pgx.Connect(context.Background(), db.OwnerURL)
		if err != nil {
			t.Errorf("drop dev databases: %v", err)
			return
		}
		defer conn.Close(context.Background())
		for _, svc := range devserver.Services {
			for _, db := range []string{cfg.DatabasePrefix + svc, devserver.KeyStoreName(cfg.DatabasePrefix, svc)} {
				name := pgx.Identifier{db}.Sanitize()
				if _, err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
					t.Errorf("drop dev database: %v", err)
				}
			}
		}
	})
	return p
}

func TestDevPlatformUsesDatabaseURL(t *testing.T) {
	dir := t.TempDir()
	p := startOnServer(t, devserver.Config{DataDir: dir})
	require.False(t, p.Info.Private)
	require.NoDirExists(t, dir+"/postgres")
	_, err := devserver.Start(t.Context(), devserver.Config{DataDir: t.TempDir(), DatabaseURL: "::not a url"})
	require.ErrorContains(t, err, "DATABASE_URL is not a valid URL")
}

// Each thing that can go wrong at start says what it is and what to do, and nothing starts.
func TestStartProblemsAreExplained(t *testing.T) {
	_, err := devserver.Start(t.Context(), devserver.Config{DataDir: "/proc/familytime-dev"})
	require.ErrorContains(t, err, "data folder /proc/familytime-dev cannot be created")
	require.ErrorContains(t, err, "choose another with --data")

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port
	_, err = devserver.Start(t.Context(), devserver.Config{DataDir: t.TempDir(), NATSPort: port})
	require.ErrorContains(t, err, fmt.Sprintf("NATS port %d is taken", port))
	require.ErrorContains(t, err, "--nats-port")
}
