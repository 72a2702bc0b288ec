// Package pgcluster starts a private PostgreSQL cluster from the server binaries installed on the
// machine. The dev server uses it when DATABASE_URL is not set, and the test kit uses it when no
// server answers, so that a fresh machine with PostgreSQL installed but not running still works.
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

// Dir is the folder that holds the cluster: Options.Dir, or RelocatedDir(Options.Dir) when the
// cluster was relocated.
func (c *Cluster) Dir() string { return c.dir }

// Start initialises the cluster in opts.Dir if it has no data yet, and starts the server.
// initdb refuses to run as root, so as root the cluster runs as the unprivileged user "nobody"
// (and, with opts.Relocate, in RelocatedDir when that user cannot reach opts.Dir).
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
	serverOpts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=200", c.port, c.dir)
	if !opts.Durable {
		serverOpts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	logFile := filepath.Join(c.dir, "server.log")
	out, err := c.command(ctx, "pg_ctl", "start", "-D", data, "-w", "-t", "60", "-l", logFile, "-o", serverOpts).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(logFile)
		return nil, fmt.Errorf("start PostgreSQL on port %d: %w: %s %s", c.port, err, lastLines(out), lastLines(log))
	}
	return c, nil
}

// Stop shuts the server down, waiting for it to finish.
func (c *Cluster) Stop(ctx context.Context) error {
	out, err := c.command(ctx, "pg_ctl", "stop", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w").CombinedOutput()
	if err != nil {
		return fmt.Errorf("stop PostgreSQL: %w: %s", err, lastLines(out))
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
	cmd.Dir = c.dir
	// The server must outlive a cancelled start context only through pg_ctl's own detach; keep
	// the environment small so a caller's PG* variables do not redirect the tools.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LANG=C", "LC_ALL=C", "HOME=" + c.dir}
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
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
