package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/pgpool"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/tools/internal/devserver"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// run runs the familytime command with args and returns its standard output.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := NewRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(t.Context())
	return out.String(), err
}

// Item 8 of the hardening issue, end to end: `familytime keys rotate` on a running dev platform
// adds a KEK and re-wraps the key stores; families sealed before and after both open.
func TestKeysRotateOnTheDevPlatform(t *testing.T) {
	_, err := run(t, "keys", "rotate", "--data", t.TempDir())
	require.ErrorContains(t, err, "no running familytime dev found", "refuses clearly without a dev platform")

	dir := t.TempDir()
	db := testkit.Postgres(t)
	prefix := db.Name + "_"
	p, err := devserver.Start(t.Context(), devserver.Config{DataDir: dir, DatabaseURL: db.OwnerURL, DatabasePrefix: prefix})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = p.Stop(context.Background())
		conn, err := pgx.Connect(context.Background(), db.OwnerURL)
		require.NoError(t, err)
		defer conn.Close(context.Background())
		for _, svc := range devserver.Services {
			for _, name := range []string{prefix + svc, devserver.KeyStoreName(prefix, svc)} {
				_, err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
				require.NoError(t, err)
			}
		}
	})
	require.Equal(t, devserver.Sealing, sortedKeys(p.Info.KeyStores), "a key store for each service with personal data")

	ctx := t.Context()
	ring, err := seal.OpenKEKDir(p.Info.KEKDir, "")
	require.NoError(t, err)
	oldID := ring.Primary().ID()
	pool, err := pgpool.Open(ctx, p.Info.KeyStores["referral"], 2)
	require.NoError(t, err)
	defer pool.Close()
	sealer := seal.New(pool, ring)
	oldFamily, where := uuid.New(), seal.At(uuid.New(), "children[0].name")
	oldSealed, err := sealer.SealString(ctx, oldFamily, where, "before")
	require.NoError(t, err)

	out, err := run(t, "keys", "rotate", "--data", dir, "--json")
	require.NoError(t, err)
	var rotated keysRotation
	require.NoError(t, json.Unmarshal([]byte(out), &rotated))
	require.NotEqual(t, oldID, rotated.KEKID)
	require.Equal(t, seal.RewrapStats{Rewrapped: 1}, rotated.Services["referral"])

	// The running sealer takes the new KEK up (it re-reads the folder for an id it lacks).
	got, err := sealer.OpenString(ctx, oldFamily, where, oldSealed)
	require.NoError(t, err)
	require.Equal(t, "before", got)
	fresh, err := seal.OpenKEKDir(p.Info.KEKDir, "")
	require.NoError(t, err)
	require.Equal(t, rotated.KEKID, fresh.Primary().ID())
	after := seal.New(pool, fresh)
	newFamily := uuid.New()
	newSealed, err := after.SealString(ctx, newFamily, where, "after")
	require.NoError(t, err)
	for family, sealed := range map[uuid.UUID][]byte{oldFamily: oldSealed, newFamily: newSealed} {
		_, err := after.OpenString(ctx, family, where, sealed)
		require.NoError(t, err)
	}

	out, err = run(t, "keys", "status", "--data", dir, "--json")
	require.NoError(t, err)
	var statuses []keyStoreStatus
	require.NoError(t, json.Unmarshal([]byte(out), &statuses))
	require.Len(t, statuses, len(devserver.Sealing))
	require.Equal(t, keyStoreStatus{Service: "referral", Status: seal.Status{Live: map[string]int{rotated.KEKID: 2}, Primary: rotated.KEKID}}, statuses[0])
	out, err = run(t, "keys", "status", "--data", dir)
	require.NoError(t, err)
	require.Contains(t, out, rotated.KEKID)
	require.NotContains(t, out, oldID, "no key is left under the old KEK")
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
