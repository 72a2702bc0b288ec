package devserver_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// Item 9 of the hardening issue: family keys live in a key store database of their own, so a
// backup of a service's events carries none; the dev KEKs are files for their owner only.
func TestKeysLiveApartFromTheEvents(t *testing.T) {
	dir := t.TempDir()
	p := startOnServer(t, devserver.Config{DataDir: dir})
	ctx := t.Context()
	hasKeyTable := func(url string) bool {
		t.Helper()
		conn, err := pgx.Connect(ctx, url)
		require.NoError(t, err)
		defer conn.Close(ctx)
		var found bool
		require.NoError(t, conn.QueryRow(ctx, "SELECT to_regclass('family_keys') IS NOT NULL").Scan(&found))
		return found
	}
	for _, svc := range devserver.Services {
		require.False(t, hasKeyTable(p.Info.Databases[svc]), "%s: no key table among the events", svc)
	}
	require.Len(t, p.Info.KeyStores, len(devserver.Sealing))
	for _, svc := range devserver.Sealing {
		require.True(t, hasKeyTable(p.Info.KeyStores[svc]), "%s has a key store", svc)
	}

	require.Equal(t, devserver.KEKDir(dir), p.Info.KEKDir)
	info, err := os.Stat(p.Info.KEKDir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), info.Mode().Perm())
	files, err := filepath.Glob(filepath.Join(p.Info.KEKDir, "*"+seal.KEKFileSuffix))
	require.NoError(t, err)
	require.Len(t, files, 1, "one KEK, generated at the first start")
	info, err = os.Stat(files[0])
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}
