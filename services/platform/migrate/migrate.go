// Package migrate applies versioned SQL migrations embedded in each component. Migrations run as
// the database owner; the service itself runs as a runtime role with only the privileges the
// migrations grant it (INSERT and SELECT on the event log). A migration file is never edited after
// it lands: a change is a new file.
package migrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Set is one component's migrations: files named <version>_<description>.sql at the root of FS.
type Set struct {
	// Component names the owner of the migrations, for example "eventstore" or "scheduling".
	Component string
	FS        fs.FS
}

// RoleSetting is the session setting that carries the runtime role's name into migrations, which
// grant privileges with: EXECUTE format('GRANT ... TO %I', current_setting('familytime.runtime_role')).
const RoleSetting = "familytime.runtime_role"

// lockKey serialises concurrent migrators (several replicas starting at once).
const lockKey = 7_246_190_118

// Apply applies every migration of the sets that the database has not recorded yet, each in its
// own transaction, in version order per set. runtimeRole must exist.
func Apply(ctx context.Context, conn *pgx.Conn, runtimeRole string, sets ...Set) error {
	if runtimeRole == "" {
		return errors.New("apply migrations: runtime role is required")
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return fmt.Errorf("take migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey) //nolint:errcheck // released with the session anyway
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		component  text        NOT NULL,
		version    integer     NOT NULL,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now(),
		PRIMARY KEY (component, version))`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	if _, err := conn.Exec(ctx, "SELECT set_config($1, $2, false)", RoleSetting, runtimeRole); err != nil {
		return fmt.Errorf("set runtime role: %w", err)
	}
	for _, set := range sets {
		if err := apply(ctx, conn, set); err != nil {
			return err
		}
	}
	return nil
}

type migration struct {
	version int
	name    string
}

func apply(ctx context.Context, conn *pgx.Conn, set Set) error {
	files, err := list(set)
	if err != nil {
		return err
	}
	for _, m := range files {
		var done bool
		err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE component = $1 AND version = $2)",
			set.Component, m.version).Scan(&done)
		if err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		if done {
			continue
		}
		sql, err := fs.ReadFile(set.FS, m.name)
		if err != nil {
			return fmt.Errorf("read migration %s/%s: %w", set.Component, m.name, err)
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// Simple protocol: a migration file holds several statements.
			if _, err := tx.Exec(ctx, string(sql), pgx.QueryExecModeSimpleProtocol); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)",
				set.Component, m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s/%s: %w", set.Component, m.name, err)
		}
	}
	return nil
}

func list(set Set) ([]migration, error) {
	entries, err := fs.ReadDir(set.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("list migrations of %s: %w", set.Component, err)
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		prefix, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s/%s: name must start with a positive version and an underscore", set.Component, e.Name())
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s/%s and %s share version %d", set.Component, other, e.Name(), v)
		}
		seen[v] = e.Name()
		out = append(out, migration{version: v, name: e.Name()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// EnsureRole creates a login role if it does not exist yet. Development and tests use it; in
// production the role is created by the deployment with its own credentials.
func EnsureRole(ctx context.Context, conn *pgx.Conn, role string) error {
	_, err := conn.Exec(ctx, "CREATE ROLE "+pgx.Identifier{role}.Sanitize()+" LOGIN")
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "42710" || pgErr.Code == "23505") {
		// 42710: it exists; 23505: another session created it at the same moment.
		return nil
	}
	if err != nil {
		return fmt.Errorf("create role %s: %w", role, err)
	}
	return nil
}
