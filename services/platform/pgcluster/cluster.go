// Package pgcluster starts a private PostgreSQL cluster from the server binaries installed on the
// machine. The dev server uses it when DATABASE_URL is not set, and the test kit uses it when no
// server answers, so that a fresh machine with PostgreSQL installed but not running still works.
package pgcluster

import (
	"context"
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
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	dir    string
	port   int
	bindir string
	cred   *syscall.Credential
}

// URL is the superuser connection string for the named database.
func (c *Cluster) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, database)
}

// Port is the TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

// Start initialises the cluster in opts.Dir if it has no data yet, and starts the server.
// initdb refuses to run as root, so as root the cluster runs as the unprivileged user "nobody".
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bindir, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create cluster folder %s: %w", opts.Dir, err)
	}
	c := &Cluster{dir: opts.Dir, bindir: bindir}
	if os.Geteuid() == 0 {
		cred, err := unprivileged()
		if err != nil {
			return nil, err
		}
		c.cred = cred
		if err := chownTree(opts.Dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(opts.Dir, "data")
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
	serverOpts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=200", c.port, opts.Dir)
	if !opts.Durable {
		serverOpts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	logFile := filepath.Join(opts.Dir, "server.log")
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

func chownTree(dir string, uid, gid int) error {
	// The folders above dir must be traversable by the unprivileged user.
	for d := filepath.Dir(dir); d != "/" && d != "."; d = filepath.Dir(d) {
		if info, err := os.Stat(d); err == nil && info.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("folder %s is not reachable by the user \"nobody\" that PostgreSQL runs as (it refuses root): make it traversable (chmod o+x %s) or choose another data folder", d, d)
		}
	}
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
