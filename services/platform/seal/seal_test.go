package seal_test

import (
	"bytes"
	"encoding/hex"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/pgcluster"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newSealer(t *testing.T) (*seal.Sealer, *testkit.Database) {
	t.Helper()
	db := testkit.Postgres(t)
	db.Migrate(t, seal.Migrations())
	kek, err := seal.ParseKEK(seal.GenerateKEK())
	require.NoError(t, err)
	return seal.New(db.Pool(t), kek), db
}

// pgDump returns a data-only dump of the test database.
func pgDump(t *testing.T, db *testkit.Database) []byte {
	t.Helper()
	bin, err := pgcluster.FindBinaries()
	require.NoError(t, err)
	out, err := exec.CommandContext(t.Context(), filepath.Join(bin, "pg_dump"), "--data-only", "--dbname", db.OwnerURL).Output()
	require.NoError(t, err)
	require.Contains(t, string(out), "family_keys", "the dump holds the key table")
	return out
}

func TestSealOpenRoundTrip(t *testing.T) {
	s, _ := newSealer(t)
	family := uuid.New()
	for _, tc := range []struct {
		name  string
		plain []byte
	}{
		{"a name", []byte("Amelia Jones")},
		{"empty", []byte{}},
		{"one mebibyte", bytes.Repeat([]byte{0xAB}, 1<<20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sealed, err := s.Seal(t.Context(), family, tc.plain)
			require.NoError(t, err)
			opened, err := s.Open(t.Context(), family, sealed)
			require.NoError(t, err)
			require.Equal(t, tc.plain, opened)
		})
	}
	_, err := s.Open(t.Context(), uuid.New(), []byte{1, 2, 3})
	require.ErrorIs(t, err, seal.ErrNoKey)
}

func TestSealedValuesDoNotTravel(t *testing.T) {
	s, _ := newSealer(t)
	a, b := uuid.New(), uuid.New()
	sealed, err := s.SealString(t.Context(), a, "12 Acacia Avenue")
	require.NoError(t, err)
	_, err = s.SealString(t.Context(), b, "other")
	require.NoError(t, err)
	_, err = s.Open(t.Context(), b, sealed)
	require.ErrorIs(t, err, seal.ErrCorrupt, "sealed for another family")
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	_, err = s.Open(t.Context(), a, tampered)
	require.ErrorIs(t, err, seal.ErrCorrupt)
	_, err = s.Open(t.Context(), a, sealed[:5])
	require.ErrorIs(t, err, seal.ErrCorrupt)
}

// Test 9 of the foundation issue, the PostgreSQL half (the JetStream half is in package relay).
func TestCanaryNowhereAndShredErases(t *testing.T) {
	s, db := newSealer(t)
	ctx := t.Context()
	family, other := uuid.New(), uuid.New()
	canary := "CANARY-" + uuid.NewString()
	sealed, err := s.SealString(ctx, family, canary)
	require.NoError(t, err)
	require.NotContains(t, string(sealed), canary)
	otherSealed, err := s.SealString(ctx, other, "still here")
	require.NoError(t, err)
	require.NotContains(t, string(pgDump(t, db)), canary)

	var wrapped []byte
	require.NoError(t, db.OwnerPool(t).QueryRow(ctx, "SELECT wrapped_key FROM family_keys WHERE family_id = $1", family).Scan(&wrapped))
	require.Contains(t, string(pgDump(t, db)), hex.EncodeToString(wrapped), "before shredding the dump holds the wrapped key")

	require.NoError(t, s.Shred(ctx, family))
	require.NoError(t, s.Shred(ctx, family), "shredding twice is fine")
	_, err = s.Open(ctx, family, sealed)
	require.ErrorIs(t, err, seal.ErrShredded)
	_, err = s.SealString(ctx, family, "new data")
	require.ErrorIs(t, err, seal.ErrShredded, "an erasure is not undone by a late seal")
	shredded, err := s.Shredded(ctx, family)
	require.NoError(t, err)
	require.True(t, shredded)
	got, err := s.OpenString(ctx, other, otherSealed)
	require.NoError(t, err)
	require.Equal(t, "still here", got, "another family's data still opens")

	dump := string(pgDump(t, db))
	require.NotContains(t, dump, hex.EncodeToString(wrapped), "after shredding the dump holds no key for the family")
	var tombstone bool
	require.NoError(t, db.OwnerPool(t).QueryRow(ctx,
		"SELECT wrapped_key IS NULL AND shredded_at IS NOT NULL FROM family_keys WHERE family_id = $1", family).Scan(&tombstone))
	require.True(t, tombstone)

	never := uuid.New()
	require.NoError(t, s.Shred(ctx, never), "a family with no key can be shredded")
	_, err = s.SealString(ctx, never, "x")
	require.ErrorIs(t, err, seal.ErrShredded)
}

func TestConcurrentFirstSealsShareOneKey(t *testing.T) {
	s, db := newSealer(t)
	family := uuid.New()
	sealed := make([][]byte, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { sealed[i], errs[i] = s.SealString(t.Context(), family, "same") })
	}
	wg.Wait()
	for i := range 8 {
		require.NoError(t, errs[i])
		got, err := s.OpenString(t.Context(), family, sealed[i])
		require.NoError(t, err)
		require.Equal(t, "same", got)
	}
	var n int
	require.NoError(t, db.OwnerPool(t).QueryRow(t.Context(), "SELECT count(*) FROM family_keys").Scan(&n))
	require.Equal(t, 1, n)
}

func TestRuntimeRoleCannotDeleteKeys(t *testing.T) {
	s, db := newSealer(t)
	_, err := s.SealString(t.Context(), uuid.New(), "x")
	require.NoError(t, err)
	_, err = db.Pool(t).Exec(t.Context(), "DELETE FROM family_keys")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "42501", pgErr.Code)
}

func TestKEK(t *testing.T) {
	_, err := seal.ParseKEK("not base64!")
	require.ErrorContains(t, err, "not valid base64")
	_, err = seal.ParseKEK("c2hvcnQ=")
	require.ErrorContains(t, err, "must be 32 bytes")
	require.NotContains(t, err.Error(), "c2hvcnQ", "the key is never echoed")

	s, db := newSealer(t)
	family := uuid.New()
	sealed, err := s.SealString(t.Context(), family, "x")
	require.NoError(t, err)
	otherKEK, err := seal.ParseKEK(seal.GenerateKEK())
	require.NoError(t, err)
	_, err = seal.New(db.Pool(t), otherKEK).Open(t.Context(), family, sealed)
	require.ErrorContains(t, err, "wrong KEK")
}
