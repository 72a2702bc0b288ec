package pgcluster

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// clusterFolder is a temporary cluster folder (not t.TempDir: its parent is private to root, and
// the cluster runs as "nobody" when the tests run as root). Whatever server still runs on it when
// the test ends is stopped (immediate) before the folder is removed.
func clusterFolder(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgcluster-leftover-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); err != nil {
			return
		}
		c, err := tools(dir)
		if err == nil {
			_ = c.command(context.Background(), "pg_ctl", "stop", "-D", filepath.Join(dir, "data"), "-m", "immediate", "-w").Run()
		}
	})
	return dir
}

// tools runs pg_ctl on dir as the cluster's user, without a server of its own.
func tools(dir string) (*Cluster, error) {
	bindir, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bindir: bindir}
	if os.Geteuid() == 0 {
		c.cred, err = unprivileged()
	}
	return c, err
}

func postmasterPID(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	require.NoError(t, err)
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	require.NoError(t, err)
	return pid
}

// gone reports whether pid no longer runs a program (it exited; a zombie runs nothing).
func gone(pid int) bool {
	_, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	return err != nil
}

// kill -9 of familytime dev left its PostgreSQL running on the data folder, and the next start
// failed with "pg_ctl: another server might be running": the next start now stops that server
// (fast shutdown), says so, and starts on the same data. Both ways a server can be left: started
// by this package and never stopped, and started by pg_ctl (as older builds did), which outlives
// any process.
func TestStartStopsAServerLeftRunningOnItsData(t *testing.T) {
	dir := clusterFolder(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()

	first, err := Start(ctx, Options{Dir: dir})
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, first.URL("postgres"))
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	left := postmasterPID(t, dir)
	// first is dropped without Stop, as a killed dev server drops it.

	again, err := Start(ctx, Options{Dir: dir})
	require.NoError(t, err, "a start on data a server was left running on")
	require.Equal(t, left, again.Leftover())
	require.Eventually(t, func() bool { return gone(left) }, 10*time.Second, 50*time.Millisecond, "the server left running is stopped")
	require.NotEqual(t, left, postmasterPID(t, dir))
	log, err := os.ReadFile(filepath.Join(dir, "server.log"))
	require.NoError(t, err)
	require.Contains(t, string(log), fmt.Sprintf("pgcluster: stopped PostgreSQL (PID %d, pg_ctl stop -m fast)", left))
	conn, err = pgx.Connect(ctx, again.URL("postgres"))
	require.NoError(t, err)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT n FROM kept").Scan(&n))
	require.Equal(t, 42, n, "the data is kept")
	require.NoError(t, conn.Close(ctx))
	require.NoError(t, again.Stop(ctx))

	// A server daemonised by pg_ctl start, as older builds left it.
	pgctl, err := tools(dir)
	require.NoError(t, err)
	port, err := freePort()
	require.NoError(t, err)
	out, err := pgctl.command(ctx, "pg_ctl", "start", "-D", filepath.Join(dir, "data"), "-w", "-l", filepath.Join(dir, "server.log"),
		"-o", fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s", port, dir)).CombinedOutput()
	require.NoError(t, err, "%s", out)
	left = postmasterPID(t, dir)

	third, err := Start(ctx, Options{Dir: dir})
	require.NoError(t, err, "a start on data pg_ctl left a server running on")
	require.Equal(t, left, third.Leftover())
	require.Eventually(t, func() bool { return gone(left) }, 10*time.Second, 50*time.Millisecond, "the server left running is stopped")
	conn, err = pgx.Connect(ctx, third.URL("postgres"))
	require.NoError(t, err)
	require.NoError(t, conn.QueryRow(ctx, "SELECT n FROM kept").Scan(&n))
	require.NoError(t, conn.Close(ctx))
	require.NoError(t, third.Stop(ctx))
	require.NoFileExists(t, filepath.Join(dir, "data", "postmaster.pid"))
}

// A postmaster.pid whose PID now belongs to another program (after a reboot, say) is left to
// PostgreSQL: the program is not stopped in its place.
func TestStartLeavesAProcessThatReusedThePIDAlone(t *testing.T) {
	dir := clusterFolder(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx, Options{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, c.Stop(ctx))

	other := exec.Command("sleep", "120")
	require.NoError(t, other.Start())
	exited := make(chan struct{})
	go func() { _ = other.Wait(); close(exited) }()
	t.Cleanup(func() { _ = other.Process.Kill(); <-exited })
	data := filepath.Join(dir, "data")
	require.NoError(t, os.WriteFile(filepath.Join(data, "postmaster.pid"), fmt.Appendf(nil, "%d\n%s\n", other.Process.Pid, data), 0o600))
	if c.cred != nil {
		require.NoError(t, os.Chown(filepath.Join(data, "postmaster.pid"), int(c.cred.Uid), int(c.cred.Gid)))
	}

	again, err := Start(ctx, Options{Dir: dir})
	if err == nil {
		// As root the server runs as "nobody", may not signal the program, and so takes it
		// for gone, as PostgreSQL does.
		require.Zero(t, again.Leftover())
		require.NoError(t, again.Stop(ctx))
	} else {
		require.ErrorContains(t, err, "postmaster.pid")
	}
	select {
	case <-exited:
		t.Fatal("the program that has the PID of postmaster.pid was stopped")
	case <-time.After(200 * time.Millisecond):
	}
}

// The server lives no longer than the process that started it: kill -9 of that process stops it
// (fast shutdown), and the data folder is free for the next start.
func TestServerStopsWhenTheProcessThatStartedItIsKilled(t *testing.T) {
	dir := clusterFolder(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	child := exec.CommandContext(ctx, os.Args[0]) // TestMain's helper
	child.Env = append(os.Environ(), "PGCLUSTER_HELPER_DIR="+dir)
	child.Stderr = os.Stderr
	stdout, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	var port int
	for lines := bufio.NewScanner(stdout); lines.Scan(); {
		if p, ok := strings.CutPrefix(lines.Text(), "pgcluster helper: ready on port "); ok {
			port, err = strconv.Atoi(p)
			require.NoError(t, err)
			break
		}
	}
	require.NotZero(t, port, "the helper process did not start its cluster")
	server := postmasterPID(t, dir)

	require.NoError(t, child.Process.Signal(syscall.SIGKILL))
	require.Eventually(t, func() bool { return gone(server) }, 30*time.Second, 100*time.Millisecond,
		"the server outlived the process that started it")
	require.NoFileExists(t, filepath.Join(dir, "data", "postmaster.pid"), "the server shut down cleanly")

	again, err := Start(ctx, Options{Dir: dir, Port: port})
	require.NoError(t, err)
	require.Zero(t, again.Leftover())
	require.NoError(t, again.Stop(ctx))
}

// TestMain runs the tests, or, in the process TestServerStopsWhenTheProcessThatStartedItIsKilled
// starts (PGCLUSTER_HELPER_DIR set), starts a cluster there and blocks until that test kills it.
func TestMain(m *testing.M) {
	if dir := os.Getenv("PGCLUSTER_HELPER_DIR"); dir != "" {
		c, err := Start(context.Background(), Options{Dir: dir})
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgcluster helper:", err)
			os.Exit(1)
		}
		fmt.Printf("pgcluster helper: ready on port %d\n", c.Port())
		select {} // until killed
	}
	os.Exit(m.Run())
}
