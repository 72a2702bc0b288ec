// Package pgcluster starts a private PostgreSQL cluster from the server binaries installed on the
// machine. The dev server uses it when DATABASE_URL is not set, and the test kit uses it when no
// server answers, so that a fresh machine with PostgreSQL installed but not running still works.
//
// The server is a child of the process that starts it and lives no longer than that process
// (Linux): a dev server killed with kill -9 does not leave it running. A server that was left
// running on the same data all the same (by an older build, which started it through pg_ctl, or
// one still shutting down) is stopped by the next Start, which then starts as usual.
package pgcluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoBinaries means no PostgreSQL server binaries (initdb, pg_ctl) were found.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries found: install PostgreSQL 15 or later (Debian: apt-get install postgresql) or set DATABASE_URL to a running server")

// Options configure a private cluster.
type Options struct {
	// Dir holds the cluster: data/ for the data directory, the socket and the server log.
	// A second start with the same Dir reuses the data.
	Dir string
	// Port to listen on at 127.0.0.1; 0 picks a free port.
	Port int
	// Durable keeps fsync on. Tests turn it off for speed; the dev server keeps it on.
	Durable bool
	// Relocate matters only as root, where the cluster runs as "nobody": if a folder above Dir
	// is closed to that user (a checkout in root's home folder), the cluster is kept in
	// RelocatedDir(Dir) instead of failing. Cluster.Dir says where it is.
	Relocate bool
}

// relocateBase holds relocated clusters: root-owned, traversable by every user, writable only by
// root, so nobody else can create or swap a cluster folder in it.
var relocateBase = "/var/lib/familytime"

// RelocatedDir is where Start keeps the cluster for dir when the user "nobody" cannot reach dir:
// /var/lib/familytime/postgres-<16 hex digits of the SHA-256 of dir's absolute path>. The name
// depends only on the path, so the next start with the same Dir finds the same data.
func RelocatedDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	sum := sha256.Sum256([]byte(filepath.Clean(dir)))
	return filepath.Join(relocateBase, "postgres-"+hex.EncodeToString(sum[:8]))
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	dir      string
	orphaned string
	port     int
	bindir   string
	cred     *syscall.Credential
	leftover int
	exited   chan struct{} // closed when the server process has exited
	exitErr  error         // how it exited, once exited is closed
}

// URL is the superuser connection string for the named database.
func (c *Cluster) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, database)
}

// Port is the TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

// Orphaned is where Start moved the relocated cluster of a deleted folder of the same name (so
// that this one started empty), or "".
func (c *Cluster) Orphaned() string { return c.orphaned }

// Leftover is the PID of a server that an earlier start left running on this cluster's data (its
// process was killed and could not stop it), which Start stopped before starting this one, or 0.
func (c *Cluster) Leftover() int { return c.leftover }

// Dir is the folder that holds the cluster: Options.Dir, or RelocatedDir(Options.Dir) when the
// cluster was relocated.
func (c *Cluster) Dir() string { return c.dir }

// Start initialises the cluster in opts.Dir if it has no data yet, and starts the server.
// initdb refuses to run as root, so as root the cluster runs as the unprivileged user "nobody"
// (and, with opts.Relocate, in RelocatedDir when that user cannot reach opts.Dir).
//
// The folder belongs to the caller (the dev server holds a lock on its data folder): a server
// already running on its data was left behind by an earlier start, and is stopped first
// (Cluster.Leftover, and a line in server.log). The server is stopped by Stop, or when the process
// that started it exits.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bindir, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("cluster folder %s: %w", opts.Dir, err)
	}
	c := &Cluster{dir: dir, bindir: bindir}
	if os.Geteuid() == 0 {
		if c.cred, err = unprivileged(); err != nil {
			return nil, err
		}
		if c.dir, err = reachableDir(dir, opts.Relocate, c.cred); err != nil {
			return nil, err
		}
		if c.dir != dir {
			if c.orphaned, err = claimRelocated(dir, c.dir); err != nil {
				return nil, err
			}
		}
	}
	// Folders created above the cluster's own are left traversable; the cluster's is private.
	if err := os.MkdirAll(filepath.Dir(c.dir), 0o755); err != nil {
		return nil, fmt.Errorf("create cluster folder %s: %w", c.dir, err)
	}
	if err := os.Mkdir(c.dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("create cluster folder %s: %w", c.dir, err)
	}
	if c.cred != nil {
		if err := chownTree(c.dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(c.dir, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		args := []string{"-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"}
		if !opts.Durable {
			args = append(args, "--no-sync")
		}
		if out, err := c.command(ctx, "initdb", args...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("initdb in %s: %w: %s", data, err, lastLines(out))
		}
	}
	c.port = opts.Port
	if c.port == 0 {
		if c.port, err = freePort(); err != nil {
			return nil, err
		}
	}
	if c.leftover, err = c.stopLeftover(ctx, data); err != nil {
		return nil, err
	}
	if err := c.startServer(ctx, data, opts.Durable); err != nil {
		return nil, err
	}
	return c, nil
}

// startTimeout is how long a start waits for the server to accept connections, as pg_ctl -t 60
// did: crash recovery after an immediate stop can take a while.
const startTimeout = 60 * time.Second

// startServer runs postgres itself, not through pg_ctl start: pg_ctl daemonises the server, which
// then outlived a dev server killed with kill -9 and blocked the next start on the same data. The
// server is this process's child, in a session of its own (Ctrl-C in a terminal reaches only the
// caller, which stops it in order, as with pg_ctl), and gets SIGINT, PostgreSQL's fast shutdown,
// when this process dies (Pdeathsig). It is ready when postmaster.pid says so, as pg_ctl -w waits.
func (c *Cluster) startServer(ctx context.Context, data string, durable bool) error {
	args := []string{"-D", data, "-p", strconv.Itoa(c.port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"}
	if !durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	logPath := filepath.Join(c.dir, "server.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("server log %s: %w", logPath, err)
	}
	defer logFile.Close() // the server has its own descriptor
	if c.cred != nil {
		if err := logFile.Chown(int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return fmt.Errorf("server log %s: %w", logPath, err)
		}
	}
	failed := func(err error) error {
		log, _ := os.ReadFile(logPath)
		return fmt.Errorf("start PostgreSQL on port %d: %w: %s", c.port, err, lastLines(log))
	}

	cmd := exec.Command(filepath.Join(c.bindir, "postgres"), args...)
	cmd.Dir, cmd.Env = c.dir, c.env()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Pdeathsig is set after the switch to c.cred, so the change of user does not clear it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Setsid: true, Pdeathsig: syscall.SIGINT}
	c.exited = make(chan struct{})
	started := make(chan error, 1)
	go func() {
		// Pdeathsig follows the thread that started the child, not the process: this goroutine
		// keeps its thread until the server has exited (Wait holds it anyway).
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.exitErr = cmd.Wait()
		close(c.exited)
	}()
	if err := <-started; err != nil {
		return failed(err)
	}

	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !serverReady(filepath.Join(data, "postmaster.pid"), cmd.Process.Pid) {
		var why error
		select {
		case <-tick.C:
			continue
		case <-c.exited:
			return failed(fmt.Errorf("the server exited (%v)", c.exitErr))
		case <-ctx.Done():
			why = ctx.Err()
		case <-deadline.C:
			why = fmt.Errorf("not ready within %s", startTimeout)
		}
		// Immediate shutdown, then kill: a server that did not come up is not left behind.
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-c.exited
		}
		return failed(why)
	}
	return nil
}

// serverReady reports whether postmaster.pid is the server pid's and says it accepts connections.
func serverReady(pidFile string, pid int) bool {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return false
	}
	lines := strings.Split(string(b), "\n")
	return len(lines) >= 8 && strings.TrimSpace(lines[0]) == strconv.Itoa(pid) && strings.TrimSpace(lines[7]) == "ready"
}

// stopLeftover stops a server left running on data by an earlier start whose process was killed
// (kill -9 of the dev server's process group did not reach a server that pg_ctl had daemonised):
// postmaster.pid names it, and the process with that PID runs the postgres binary in data (the
// server's working folder is its data directory). A process that merely reuses the PID is never
// touched, and a postmaster.pid whose process is gone is left to PostgreSQL, which replaces it.
// It stops the server as pg_ctl stop does, fast and else immediate, and returns its PID, or 0.
func (c *Cluster) stopLeftover(ctx context.Context, data string) (int, error) {
	pid := runningServer(data)
	if pid == 0 {
		return 0, nil
	}
	var tried []string
	for _, mode := range []string{"fast", "immediate"} {
		out, err := c.command(ctx, "pg_ctl", "stop", "-D", data, "-m", mode, "-w", "-t", "30").CombinedOutput()
		// pg_ctl also fails when the server finished a shutdown of its own (the dev server's
		// death stops it too) between the check above and the stop: gone is gone.
		if err == nil || runningServer(data) != pid {
			note := fmt.Sprintf("%s pgcluster: stopped PostgreSQL (PID %d, pg_ctl stop -m %s), left running on %s by an earlier start, before starting it again\n",
				time.Now().UTC().Format(time.RFC3339), pid, mode, data)
			if f, err := os.OpenFile(filepath.Join(c.dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
				_, _ = f.WriteString(note)
				_ = f.Close()
			}
			return pid, nil
		}
		tried = append(tried, fmt.Sprintf("-m %s: %v: %s", mode, err, lastLines(out)))
	}
	return 0, fmt.Errorf("PostgreSQL (PID %d) left running on %s by an earlier start would not stop (%s): stop it (kill %d) and start again",
		pid, data, strings.Join(tried, "; "), pid)
}

// runningServer is the PID in data's postmaster.pid if that process is a postgres running in
// data, or 0 (no postmaster.pid, its process is gone, or the PID now belongs to another process).
func runningServer(data string) int {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return 0
	}
	proc := filepath.Join("/proc", strconv.Itoa(pid))
	exe, err := os.Readlink(filepath.Join(proc, "exe"))
	if err != nil || filepath.Base(strings.TrimSuffix(exe, " (deleted)")) != "postgres" {
		return 0
	}
	cwd, err := os.Stat(filepath.Join(proc, "cwd"))
	if err != nil {
		return 0
	}
	dataInfo, err := os.Stat(data)
	if err != nil || !os.SameFile(cwd, dataInfo) {
		return 0
	}
	return pid
}

// Stop shuts the server down, waiting for it to finish.
func (c *Cluster) Stop(ctx context.Context) error {
	out, err := c.command(ctx, "pg_ctl", "stop", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w").CombinedOutput()
	if err != nil {
		return fmt.Errorf("stop PostgreSQL: %w: %s", err, lastLines(out))
	}
	if c.exited != nil {
		select {
		case <-c.exited:
		case <-ctx.Done():
			return fmt.Errorf("stop PostgreSQL: %w", ctx.Err())
		}
	}
	return nil
}

// debianBinaries is where Debian and Ubuntu install the server binaries of each major version.
var debianBinaries = "/usr/lib/postgresql/*/bin/initdb"

// FindBinaries returns the folder holding initdb and pg_ctl: from PATH, or the newest Debian-style
// /usr/lib/postgresql/<version>/bin.
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			resolved, err := filepath.EvalSymlinks(p)
			if err != nil {
				resolved = p
			}
			return filepath.Dir(resolved), nil
		}
	}
	matches, _ := filepath.Glob(debianBinaries)
	best, bestVersion := "", 0
	for _, m := range matches {
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(m))))
		if err == nil && v > bestVersion {
			best, bestVersion = filepath.Dir(m), v
		}
	}
	if best == "" {
		return "", ErrNoBinaries
	}
	return best, nil
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bindir, name), args...)
	cmd.Dir, cmd.Env = c.dir, c.env()
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
}

// env is kept small so that a caller's PG* variables do not redirect the tools or the server.
func (c *Cluster) env() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "LANG=C", "LC_ALL=C", "HOME=" + c.dir}
}

func unprivileged() (*syscall.Credential, error) {
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("running as root, and PostgreSQL refuses root: no user 'nobody' to run it as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// reachableDir is dir if the unprivileged user can reach it; otherwise, with relocate, the folder
// RelocatedDir(dir), which that user can reach; otherwise an error that says what to do.
func reachableDir(dir string, relocate bool, cred *syscall.Credential) (string, error) {
	blocked := unreachable(dir, cred)
	if blocked == "" {
		return dir, nil
	}
	if !relocate {
		return "", fmt.Errorf("folder %s is not reachable by the user \"nobody\" that PostgreSQL runs as (it refuses root): make it traversable (chmod o+x %s) or choose another data folder", blocked, blocked)
	}
	moved := RelocatedDir(dir)
	if err := os.MkdirAll(relocateBase, 0o755); err != nil {
		return "", fmt.Errorf("folder %s is not reachable by the user \"nobody\" that PostgreSQL runs as, and the cluster cannot be kept in %s instead: %w", blocked, relocateBase, err)
	}
	// Only root may create or replace a folder in the base: the cluster's folder is chowned and
	// written by root before the server starts.
	if info, err := os.Lstat(relocateBase); err != nil || !info.IsDir() || info.Mode().Perm()&0o022 != 0 || !ownedByRoot(info) {
		return "", fmt.Errorf("folder %s is not reachable by the user \"nobody\" that PostgreSQL runs as, and %s is not a folder only root can write to, so the cluster is not kept there", blocked, relocateBase)
	}
	if b := unreachable(moved, cred); b != "" {
		return "", fmt.Errorf("folder %s is not reachable by the user \"nobody\" that PostgreSQL runs as, nor is %s: make one traversable (chmod o+x)", blocked, b)
	}
	return moved, nil
}

// relocationNote is the file left in Options.Dir when the cluster is kept elsewhere: it says
// where, and it ties the relocated cluster to this folder. A relocated cluster whose folder has no
// note belongs to a folder that was deleted (rm -rf of a dev data folder): the folder is new, and
// its cluster must be too.
const relocationNote = "RELOCATED"

// claimRelocated makes moved the cluster of dir: a cluster already in moved is kept when dir has
// its note, and otherwise moved aside (renamed, never deleted) so that the new folder starts
// empty; then the note is written. It returns where an orphaned cluster was moved to, or "".
func claimRelocated(dir, moved string) (string, error) {
	var aside string
	_, noted := os.Stat(filepath.Join(dir, relocationNote))
	if _, err := os.Stat(moved); err == nil && errors.Is(noted, os.ErrNotExist) {
		aside = fmt.Sprintf("%s.orphaned-%s", moved, time.Now().UTC().Format("20060102T150405"))
		if err := os.Rename(moved, aside); err != nil {
			return "", fmt.Errorf("move aside the cluster of a deleted folder of the same name: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create cluster folder %s: %w", dir, err)
	}
	note := fmt.Sprintf("This folder's PostgreSQL cluster is kept in %s, where the user \"nobody\" that runs it\n"+
		"can reach it. Deleting this folder orphans that cluster: the next start moves it aside.\n", moved)
	if err := os.WriteFile(filepath.Join(dir, relocationNote), []byte(note), 0o600); err != nil {
		return "", fmt.Errorf("note where the cluster is: %w", err)
	}
	return aside, nil
}

// unreachable names the first existing folder above dir that the user cannot pass through, or "".
// Folders that do not exist yet are created traversable.
func unreachable(dir string, cred *syscall.Credential) string {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err == nil && !traversable(info, cred) {
			return d
		}
		if d == "/" || d == "." {
			return ""
		}
	}
}

// traversable reports whether the user may pass through the folder: the owner's, the group's or
// everyone else's execute bit, whichever applies to the user.
func traversable(info os.FileInfo, cred *syscall.Credential) bool {
	perm := info.Mode().Perm()
	st, ok := info.Sys().(*syscall.Stat_t)
	switch {
	case !ok:
		return perm&0o001 != 0
	case st.Uid == cred.Uid:
		return perm&0o100 != 0
	case st.Gid == cred.Gid:
		return perm&0o010 != 0
	}
	return perm&0o001 != 0
}

func ownedByRoot(info os.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && st.Uid == 0
}

func chownTree(dir string, uid, gid int) error {
	return filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}
