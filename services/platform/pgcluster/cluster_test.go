package pgcluster_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/pgcluster"
)

// A fresh machine has the PostgreSQL binaries but no running server: the dev server and the
// test kit start a private cluster, and a second start keeps the data.
func TestPrivateClusterStartsAndKeepsData(t *testing.T) {
	// Not t.TempDir: its parent folder is private to root, and the cluster runs as "nobody"
	// when the tests run as root.
	dir, err := os.MkdirTemp("", "pgcluster-test-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir})
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = c.Stop(context.Background())
		}
	})
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	require.NoError(t, c.Stop(ctx))
	stopped = true

	again, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Port: c.Port()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = again.Stop(context.Background()) })
	conn, err = pgx.Connect(ctx, again.URL("postgres"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT n FROM kept").Scan(&n))
	require.Equal(t, 42, n)
}

func TestStartReportsAnUnusableFolder(t *testing.T) {
	_, err := pgcluster.Start(t.Context(), pgcluster.Options{Dir: "/proc/familytime-cannot-create"})
	require.ErrorContains(t, err, "create cluster folder")
}
