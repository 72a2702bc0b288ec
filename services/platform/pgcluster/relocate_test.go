package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// make run as root with the checkout in root's home folder: the cluster runs as "nobody", who
// cannot enter that folder. With Relocate the cluster is kept in a folder "nobody" can reach,
// named after the data folder so the next start finds the same data; without it, Start says what
// is wrong. As any other user the cluster runs as that user and stays in Dir.
func TestClusterInAFolderNobodyCannotReachIsRelocated(t *testing.T) {
	// A home folder only root can enter (os.MkdirTemp makes it 0700), holding a checkout.
	home, err := os.MkdirTemp("", "pgcluster-home-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(home) })
	require.NoError(t, os.Chmod(home, 0o700))
	dir := filepath.Join(home, "familytime", ".familytime", "postgres")

	base, err := os.MkdirTemp("", "pgcluster-relocated-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	require.NoError(t, os.Chmod(base, 0o755))
	saved := relocateBase
	relocateBase = filepath.Join(base, "familytime") // created by Start
	t.Cleanup(func() { relocateBase = saved })

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	root := os.Geteuid() == 0
	if root {
		_, err := Start(ctx, Options{Dir: dir})
		require.ErrorContains(t, err, `folder `+home+` is not reachable by the user "nobody"`)
	}

	c, err := Start(ctx, Options{Dir: dir, Relocate: true})
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = c.Stop(context.Background())
		}
	})
	want := dir
	if root {
		want = RelocatedDir(dir)
		require.True(t, strings.HasPrefix(want, relocateBase+"/postgres-"), want)
		info, err := os.Stat(want)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o700), info.Mode().Perm(), "the cluster's folder is private to its user")
		cred, err := unprivileged()
		require.NoError(t, err)
		require.Equal(t, cred.Uid, info.Sys().(*syscall.Stat_t).Uid)
		note, err := os.ReadFile(filepath.Join(dir, relocationNote))
		require.NoError(t, err, "the unreachable folder says where its cluster is")
		require.Contains(t, string(note), want)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, entries, 1, "nothing else is left in the unreachable folder")
	}
	require.Equal(t, want, c.Dir())

	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	require.NoError(t, c.Stop(ctx))
	stopped = true

	again, err := Start(ctx, Options{Dir: dir, Relocate: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = again.Stop(context.Background()) })
	require.Equal(t, want, again.Dir(), "the same folder on the next start")
	conn, err = pgx.Connect(ctx, again.URL("postgres"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT n FROM kept").Scan(&n))
	require.Equal(t, 7, n)
	require.Empty(t, again.Orphaned())
	if !root {
		return
	}

	// The data folder is deleted (rm -rf .familytime) and made again: its cluster starts empty,
	// and the one of the deleted folder is moved aside, not reused and not destroyed.
	require.NoError(t, conn.Close(ctx))
	require.NoError(t, again.Stop(ctx))
	require.NoError(t, os.RemoveAll(filepath.Dir(dir)))
	fresh, err := Start(ctx, Options{Dir: dir, Relocate: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = fresh.Stop(context.Background()) })
	require.Equal(t, want, fresh.Dir())
	require.True(t, strings.HasPrefix(fresh.Orphaned(), want+".orphaned-"), fresh.Orphaned())
	_, err = os.Stat(filepath.Join(fresh.Orphaned(), "data", "PG_VERSION"))
	require.NoError(t, err, "the orphaned cluster is kept where it was moved")
	conn, err = pgx.Connect(ctx, fresh.URL("postgres"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	err = conn.QueryRow(ctx, "SELECT n FROM kept").Scan(&n)
	require.ErrorContains(t, err, `relation "kept" does not exist`, "the new folder's cluster is new")
}

// The relocated folder depends on the data folder's absolute path alone.
func TestRelocatedDirIsStable(t *testing.T) {
	a := RelocatedDir("/root/familytime/.familytime/postgres")
	require.Equal(t, a, RelocatedDir("/root/familytime/.familytime/../.familytime/postgres/"))
	require.NotEqual(t, a, RelocatedDir("/root/other/.familytime/postgres"))
	require.Equal(t, relocateBase, filepath.Dir(a))
}

// A base folder that someone other than root could write to is not used.
func TestRelocationRefusesAWritableBase(t *testing.T) {
	home, err := os.MkdirTemp("", "pgcluster-home-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(home) })
	require.NoError(t, os.Chmod(home, 0o700))
	base, err := os.MkdirTemp("", "pgcluster-open-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	require.NoError(t, os.Chmod(base, 0o777))
	saved := relocateBase
	relocateBase = base
	t.Cleanup(func() { relocateBase = saved })
	cred, err := unprivileged()
	require.NoError(t, err)
	_, err = reachableDir(filepath.Join(home, "postgres"), true, cred)
	require.ErrorContains(t, err, "not a folder only root can write to")
}
