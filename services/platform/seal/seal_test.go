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
	db := newKeyStore(t)
	return seal.New(db.Pool(t), newRing(t)), db
}

// newKeyStore is a key store database of its own, as in production.
func newKeyStore(t *testing.T) *testkit.Database {
	t.Helper()
	db := testkit.Postgres(t)
	db.Migrate(t, seal.Migrations())
	return db
}

// newRing is a ring of one new KEK.
func newRing(t *testing.T) *seal.KeyRing {
	t.Helper()
	kek, err := seal.ParseKEK(seal.GenerateKEK())
	require.NoError(t, err)
	ring, err := seal.NewKeyRing("", kek)
	require.NoError(t, err)
	return ring
}

// at is a binding for a fresh event.
func at(field string) seal.Binding { return seal.At(uuid.New(), field) }

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
	where := at("parents[0].name")
	for _, tc := range []struct {
		name  string
		plain []byte
	}{
		{"a name", []byte("Amelia Jones")},
		{"empty", []byte{}},
		{"one mebibyte", bytes.Repeat([]byte{0xAB}, 1<<20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sealed, err := s.Seal(t.Context(), family, where, tc.plain)
			require.NoError(t, err)
			opened, err := s.Open(t.Context(), family, where, sealed)
			require.NoError(t, err)
			require.Equal(t, tc.plain, opened)
		})
	}
	_, err := s.Open(t.Context(), uuid.New(), where, []byte{1, 2, 3})
	require.ErrorIs(t, err, seal.ErrNoKey)
	_, err = s.Seal(t.Context(), family, seal.At(uuid.Nil, "name"), []byte("x"))
	require.ErrorIs(t, err, seal.ErrBinding, "the event id is required")
	_, err = s.Seal(t.Context(), family, seal.At(uuid.New(), ""), []byte("x"))
	require.ErrorIs(t, err, seal.ErrBinding, "the field path is required")
}

// Item 7 of the hardening issue: a sealed value is bound to its family, event and field, so it
// cannot be moved into another field (one parent's address shown as the other's), another event,
// or another family.
func TestSealedValuesDoNotTravel(t *testing.T) {
	s, _ := newSealer(t)
	ctx := t.Context()
	a, b := uuid.New(), uuid.New()
	event := uuid.New()
	where := seal.At(event, "parents[0].address")
	sealed, err := s.SealString(ctx, a, where, "12 Acacia Avenue")
	require.NoError(t, err)
	_, err = s.SealString(ctx, b, where, "other")
	require.NoError(t, err)
	got, err := s.OpenString(ctx, a, where, sealed)
	require.NoError(t, err)
	require.Equal(t, "12 Acacia Avenue", got)

	for name, tc := range map[string]struct {
		family uuid.UUID
		at     seal.Binding
	}{
		"another field":                  {a, seal.At(event, "parents[1].address")},
		"a field whose name is a prefix": {a, seal.At(event, "parents[0].addres")},
		"another event":                  {a, seal.At(uuid.New(), "parents[0].address")},
		"another family":                 {b, where},
	} {
		_, err = s.Open(ctx, tc.family, tc.at, sealed)
		require.ErrorIs(t, err, seal.ErrCorrupt, name)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	_, err = s.Open(ctx, a, where, tampered)
	require.ErrorIs(t, err, seal.ErrCorrupt)
	_, err = s.Open(ctx, a, where, sealed[:5])
	require.ErrorIs(t, err, seal.ErrCorrupt)
	v1 := bytes.Clone(sealed)
	v1[0] = 0x01
	_, err = s.Open(ctx, a, where, v1)
	require.ErrorIs(t, err, seal.ErrCorrupt, "version 1 values (family-only binding) are refused")
}

// Test 9 of the foundation issue, the PostgreSQL half (the JetStream half is in package relay).
func TestCanaryNowhereAndShredErases(t *testing.T) {
	s, db := newSealer(t)
	ctx := t.Context()
	family, other := uuid.New(), uuid.New()
	canary := "CANARY-" + uuid.NewString()
	name, otherName := at("name"), at("name")
	sealed, err := s.SealString(ctx, family, name, canary)
	require.NoError(t, err)
	require.NotContains(t, string(sealed), canary)
	otherSealed, err := s.SealString(ctx, other, otherName, "still here")
	require.NoError(t, err)
	require.NotContains(t, string(pgDump(t, db)), canary)

	var wrapped []byte
	require.NoError(t, db.OwnerPool(t).QueryRow(ctx, "SELECT wrapped_key FROM family_keys WHERE family_id = $1", family).Scan(&wrapped))
	require.Contains(t, string(pgDump(t, db)), hex.EncodeToString(wrapped), "before shredding the dump holds the wrapped key")

	require.NoError(t, s.Shred(ctx, family))
	require.NoError(t, s.Shred(ctx, family), "shredding twice is fine")
	_, err = s.Open(ctx, family, name, sealed)
	require.ErrorIs(t, err, seal.ErrShredded)
	_, err = s.SealString(ctx, family, at("name"), "new data")
	require.ErrorIs(t, err, seal.ErrShredded, "an erasure is not undone by a late seal")
	shredded, err := s.Shredded(ctx, family)
	require.NoError(t, err)
	require.True(t, shredded)
	got, err := s.OpenString(ctx, other, otherName, otherSealed)
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
	_, err = s.SealString(ctx, never, at("name"), "x")
	require.ErrorIs(t, err, seal.ErrShredded)
}

func TestConcurrentFirstSealsShareOneKey(t *testing.T) {
	s, db := newSealer(t)
	family := uuid.New()
	where := at("name")
	sealed := make([][]byte, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { sealed[i], errs[i] = s.SealString(t.Context(), family, where, "same") })
	}
	wg.Wait()
	for i := range 8 {
		require.NoError(t, errs[i])
		got, err := s.OpenString(t.Context(), family, where, sealed[i])
		require.NoError(t, err)
		require.Equal(t, "same", got)
	}
	var n int
	require.NoError(t, db.OwnerPool(t).QueryRow(t.Context(), "SELECT count(*) FROM family_keys").Scan(&n))
	require.Equal(t, 1, n)
}

func TestRuntimeRoleCannotDeleteKeys(t *testing.T) {
	s, db := newSealer(t)
	_, err := s.SealString(t.Context(), uuid.New(), at("name"), "x")
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
	where := at("name")
	sealed, err := s.SealString(t.Context(), family, where, "x")
	require.NoError(t, err)
	_, err = seal.New(db.Pool(t), newRing(t)).Open(t.Context(), family, where, sealed)
	require.ErrorIs(t, err, seal.ErrUnknownKEK)
	require.ErrorContains(t, err, s.KeyRing().Primary().ID(), "the error names the missing KEK's id")

	// A row that names a KEK the ring holds but does not unwrap with it says so.
	other := newRing(t)
	_, err = db.OwnerPool(t).Exec(t.Context(), "UPDATE family_keys SET kek_id = $1 WHERE family_id = $2", other.Primary().ID(), family)
	require.NoError(t, err)
	_, err = seal.New(db.Pool(t), other).Open(t.Context(), family, where, sealed)
	require.ErrorContains(t, err, "wrong KEK")
}

// A matching hash is the same for the same data and differs for other data; it survives a KEK
// rotation.
func TestMatchingHashIsKeyedAndStable(t *testing.T) {
	db := newKeyStore(t)
	ctx := t.Context()
	dir := t.TempDir()
	ring, err := seal.LoadOrCreateKEKDir(dir)
	require.NoError(t, err)
	sealer := seal.New(db.Pool(t), ring)
	a, err := sealer.MatchingHash(ctx, []byte("amelia smith|2019-06-02"))
	require.NoError(t, err)
	again, err := sealer.MatchingHash(ctx, []byte("amelia smith|2019-06-02"))
	require.NoError(t, err)
	other, err := sealer.MatchingHash(ctx, []byte("amelia smith|2019-06-03"))
	require.NoError(t, err)
	require.Equal(t, a, again)
	require.NotEqual(t, a, other)
	require.Len(t, a, 32)
	both, err := sealer.MatchingHashes(ctx, []byte("amelia smith|2019-06-02"), []byte("amelia smith|2019-06-03"))
	require.NoError(t, err)
	require.Equal(t, [][]byte{a, other}, both, "the same hashes, in order, with one read of the key")
	elsewhere, err := seal.New(newKeyStore(t).Pool(t), ring).MatchingHash(ctx, []byte("amelia smith|2019-06-02"))
	require.NoError(t, err)
	require.NotEqual(t, a, elsewhere, "another key store has another matching key")

	_, err = seal.CreateKEKFile(dir)
	require.NoError(t, err)
	rotated, err := seal.OpenKEKDir(dir, "")
	require.NoError(t, err)
	after := seal.New(db.Pool(t), rotated)
	stats, err := after.Rewrap(ctx, 100, nil)
	require.NoError(t, err)
	require.Equal(t, 1, stats.Rewrapped, "the matching key is re-wrapped like a family's")
	b, err := after.MatchingHash(ctx, []byte("amelia smith|2019-06-02"))
	require.NoError(t, err)
	require.Equal(t, a, b, "a rotation re-wraps the matching key, it does not change it")
}
