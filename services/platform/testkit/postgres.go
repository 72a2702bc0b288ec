// Package testkit gives tests real infrastructure: a fresh PostgreSQL database per test and an
// embedded JetStream server per test. No test is skipped for want of a server: where none
// answers, the kit starts a private PostgreSQL from the installed binaries, or fails with a
// message that says what to install.
package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/pgcluster"
	"github.com/familytime/familytime/services/platform/pgpool"
)

// RuntimeRole is the role tests connect as for the service's own work: INSERT and SELECT only
// on the event log, as in production.
const RuntimeRole = "familytime_app"

// DefaultServerURL is the server tests use unless FT_TEST_DATABASE_URL names another.
const DefaultServerURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Main runs a package's tests and then stops any private server the kit started. Call it from
// TestMain in every package that uses Postgres.
func Main(m *testing.M) {
	code := m.Run()
	if private != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_ = private.Stop(ctx) // the folder is temporary; a failed stop leaves nothing to lose
		cancel()
		_ = os.RemoveAll(privateDir)
	}
	os.Exit(code)
}

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
	private    *pgcluster.Cluster
	privateDir string
)

// server finds the PostgreSQL server for this test binary, starting a private one if needed.
func server() (string, error) {
	serverOnce.Do(func() {
		explicit := os.Getenv("FT_TEST_DATABASE_URL")
		serverURL = explicit
		if serverURL == "" {
			serverURL = DefaultServerURL
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, serverURL)
		if err == nil {
			conn.Close(ctx)
			return
		}
		if explicit != "" {
			serverErr = fmt.Errorf("FT_TEST_DATABASE_URL does not answer: %w", err)
			return
		}
		privateDir, serverErr = os.MkdirTemp("", "familytime-testpg-")
		if serverErr != nil {
			return
		}
		startCtx, cancelStart := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancelStart()
		private, serverErr = pgcluster.Start(startCtx, pgcluster.Options{Dir: privateDir})
		if serverErr != nil {
			serverErr = fmt.Errorf("no PostgreSQL at %s and a private one would not start: %w", serverURL, serverErr)
			return
		}
		serverURL = private.URL("postgres")
	})
	return serverURL, serverErr
}

// Database is a fresh database for one test, dropped when the test ends.
type Database struct {
	Name string
	// OwnerURL connects as the owner, who runs migrations (a superuser in tests).
	OwnerURL string
	// RuntimeURL connects as RuntimeRole.
	RuntimeURL string

	test      testing.TB // the test the database belongs to
	ownerOnce sync.Once
	owner     *pgxpool.Pool
	ownerErr  error
}

// Postgres creates a fresh database on the test server and drops it when the test ends.
func Postgres(t testing.TB) *Database {
	t.Helper()
	base, err := server()
	if err != nil {
		t.Fatalf("testkit: PostgreSQL: %v", err)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "ft_test_" + hex.EncodeToString(suffix)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("testkit: connect to %s: %v", host.Redact(base), err)
	}
	defer admin.Close(context.Background())
	if err := migrate.EnsureRole(ctx, admin, RuntimeRole); err != nil {
		t.Fatalf("testkit: %v", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("testkit: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("testkit: drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("testkit: drop database %s: %v", name, err)
		}
	})
	return &Database{Name: name, OwnerURL: withDatabase(base, name, ""), RuntimeURL: withDatabase(base, name, RuntimeRole), test: t}
}

// Migrate applies migration sets as the owner, granting the runtime role its privileges.
func (d *Database) Migrate(t testing.TB, sets ...migrate.Set) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, d.OwnerURL)
	if err != nil {
		t.Fatalf("testkit: connect as owner: %v", err)
	}
	defer conn.Close(context.Background())
	if err := migrate.Apply(ctx, conn, RuntimeRole, sets...); err != nil {
		t.Fatalf("testkit: %v", err)
	}
}

// Pool connects as the runtime role; closed when the test ends.
func (d *Database) Pool(t testing.TB) *pgxpool.Pool { return pool(t, d.RuntimeURL) }

// OwnerPool is the database's one pool connected as the owner, opened on first use and closed
// when the database's test ends. Tests use it to play an attacker with full rights, or to inspect
// what is stored, often inside require.Eventually: a pool per call there held a connection per
// poll until the test ended, and a slow consumer ran the server out of connections.
func (d *Database) OwnerPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	d.ownerOnce.Do(func() {
		d.owner, d.ownerErr = pgpool.Open(context.Background(), d.OwnerURL, 20)
		if d.ownerErr == nil {
			d.test.Cleanup(d.owner.Close)
		}
	})
	if d.ownerErr != nil {
		t.Fatalf("testkit: %v", d.ownerErr)
	}
	return d.owner
}

func pool(t testing.TB, dsn string) *pgxpool.Pool {
	t.Helper()
	p, err := pgpool.Open(context.Background(), dsn, 20)
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

func withDatabase(base, database, user string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + database
	if user != "" {
		u.User = url.User(user)
	}
	return u.String()
}
