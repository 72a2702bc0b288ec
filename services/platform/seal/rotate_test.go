package seal_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/seal"
)

// Item 8 of the hardening issue: the KEK rotates. Families sealed before the rotation and after
// it both open; new keys are wrapped with the newest KEK; Rewrap moves the old keys to it, after
// which the old KEK can go.
func TestRotateKEKOldAndNewFamiliesOpen(t *testing.T) {
	db := newKeyStore(t)
	ctx := t.Context()
	dir := t.TempDir()
	ring, err := seal.LoadOrCreateKEKDir(dir)
	require.NoError(t, err)
	oldID := ring.Primary().ID()
	s := seal.New(db.Pool(t), ring)

	type sealed struct {
		family uuid.UUID
		at     seal.Binding
		value  []byte
	}
	seal3 := func() []sealed {
		var out []sealed
		for range 3 {
			f, where := uuid.New(), at("address")
			v, err := s.SealString(ctx, f, where, "address of "+f.String())
			require.NoError(t, err)
			out = append(out, sealed{f, where, v})
		}
		return out
	}
	openAll := func(s *seal.Sealer, all []sealed) {
		t.Helper()
		for _, v := range all {
			got, err := s.OpenString(ctx, v.family, v.at, v.value)
			require.NoError(t, err)
			require.Equal(t, "address of "+v.family.String(), got)
		}
	}
	before := seal3()
	shredded := uuid.New()
	_, err = s.SealString(ctx, shredded, at("name"), "gone")
	require.NoError(t, err)
	require.NoError(t, s.Shred(ctx, shredded))

	newID, err := seal.CreateKEKFile(dir)
	require.NoError(t, err)
	require.NotEqual(t, oldID, newID)
	info, err := os.Stat(filepath.Join(dir, "kek-000002.kek"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "a KEK file is for its owner only")

	// The running sealer picks the new KEK up on Reload (RewrapLoop does it each round).
	require.NoError(t, ring.Reload())
	require.Equal(t, newID, ring.Primary().ID())
	after := seal3()
	openAll(s, before)
	openAll(s, after)
	status, err := s.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, seal.Status{Live: map[string]int{oldID: 3, newID: 3}, Shredded: 1, Primary: newID}, status)

	// Another replica, started before the rotation with only the old KEK in its folder copy, meets
	// a key wrapped by the new one: the error names the id.
	stale, err := seal.NewKeyRing("", mustKEK(t, dir, "kek-000001.kek"))
	require.NoError(t, err)
	_, err = seal.New(db.Pool(t), stale).Open(ctx, after[0].family, after[0].at, after[0].value)
	require.ErrorIs(t, err, seal.ErrUnknownKEK)
	require.ErrorContains(t, err, newID)

	var progressed []seal.RewrapStats
	stats, err := s.Rewrap(ctx, 2, func(st seal.RewrapStats) { progressed = append(progressed, st) })
	require.NoError(t, err)
	require.Equal(t, seal.RewrapStats{Rewrapped: 3}, stats)
	require.Len(t, progressed, 2, "batches of two")
	stats, err = s.Rewrap(ctx, 2, nil)
	require.NoError(t, err)
	require.Zero(t, stats, "nothing left to re-wrap")
	status, err = s.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, seal.Status{Live: map[string]int{newID: 6}, Shredded: 1, Primary: newID}, status)
	shreddedNow, err := s.Shredded(ctx, shredded)
	require.NoError(t, err)
	require.True(t, shreddedNow, "a re-wrap does not touch a tombstone")

	// The old KEK can now be retired: a ring of the new one alone opens everything.
	require.NoError(t, os.Remove(filepath.Join(dir, "kek-000001.kek")))
	only, err := seal.OpenKEKDir(dir, "")
	require.NoError(t, err)
	require.Equal(t, []string{newID}, only.IDs())
	openAll(seal.New(db.Pool(t), only), append(before, after...))
}

// The first step of a rotation across replicas: every replica learns the new KEK while the old
// one still wraps new keys (KEK_PRIMARY), so no replica meets a key it cannot open.
func TestKeyRingPrimary(t *testing.T) {
	a, b := mustParse(t), mustParse(t)
	ring, err := seal.NewKeyRing("", a, b)
	require.NoError(t, err)
	require.Equal(t, b.ID(), ring.Primary().ID(), "the newest wraps by default")
	ring, err = seal.NewKeyRing(a.ID(), a, b)
	require.NoError(t, err)
	require.Equal(t, a.ID(), ring.Primary().ID())

	// A replica that still wraps with the old KEK leaves keys of the newer one alone, so replicas
	// in the middle of a roll-out never re-wrap each other's keys back and forth.
	db := newKeyStore(t)
	newest, err := seal.NewKeyRing("", a, b)
	require.NoError(t, err)
	family, where := uuid.New(), at("name")
	v, err := seal.New(db.Pool(t), newest).SealString(t.Context(), family, where, "x")
	require.NoError(t, err)
	old := seal.New(db.Pool(t), ring)
	stats, err := old.Rewrap(t.Context(), 10, nil)
	require.NoError(t, err)
	require.Zero(t, stats)
	got, err := old.OpenString(t.Context(), family, where, v)
	require.NoError(t, err)
	require.Equal(t, "x", got)
	_, err = seal.NewKeyRing("0123456789abcdef", a, b)
	require.ErrorContains(t, err, "primary key-encryption key 0123456789abcdef is not among")
	_, err = seal.NewKeyRing("", a, a)
	require.ErrorContains(t, err, "configured twice")
	_, err = seal.NewKeyRing("")
	require.ErrorContains(t, err, "no key-encryption key")

	k1, k2 := seal.GenerateKEK(), seal.GenerateKEK()
	ring, err = seal.ParseKEKs(k1+", "+k2, "")
	require.NoError(t, err)
	require.Len(t, ring.IDs(), 2)
	_, err = seal.ParseKEKs(k1+",c2hvcnQ=", "")
	require.ErrorContains(t, err, "item 2")
	require.NotContains(t, err.Error(), k1, "the key is never echoed")

	_, err = seal.OpenKEKDir(t.TempDir(), "")
	require.ErrorContains(t, err, "holds no *.kek file")

	named := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(named, "production-2026.kek"), []byte(k1), 0o600))
	_, err = seal.CreateKEKFile(named)
	require.ErrorContains(t, err, "would not sort after production-2026.kek", "a new KEK never silently sorts before the newest")
}

// Item 9 of the hardening issue: connected as the runtime role, a service can create, re-wrap and
// tombstone keys, but no SQL it can send brings a shredded key back, moves a key to another
// family, clears an erasure, or deletes a key.
func TestRuntimeRoleCannotUndoAnErasure(t *testing.T) {
	db := newKeyStore(t)
	ctx := t.Context()
	s := seal.New(db.Pool(t), newRing(t))
	family, live := uuid.New(), uuid.New()
	_, err := s.SealString(ctx, family, at("name"), "x")
	require.NoError(t, err)
	_, err = s.SealString(ctx, live, at("name"), "y")
	require.NoError(t, err)
	var wrapped []byte
	var kekID string
	require.NoError(t, db.Pool(t).QueryRow(ctx, "SELECT wrapped_key, kek_id FROM family_keys WHERE family_id = $1", family).Scan(&wrapped, &kekID))
	require.NoError(t, s.Shred(ctx, family))

	app := db.Pool(t) // the runtime role
	for name, sql := range map[string]string{
		"restore the key":            "UPDATE family_keys SET wrapped_key = $1, shredded_at = NULL WHERE family_id = $2",
		"restore it through upsert":  "INSERT INTO family_keys (family_id, wrapped_key, kek_id) VALUES ($2, $1, 'x') ON CONFLICT (family_id) DO UPDATE SET wrapped_key = EXCLUDED.wrapped_key, shredded_at = NULL",
		"clear the erasure":          "UPDATE family_keys SET shredded_at = NULL WHERE family_id = $2 AND $1::bytea IS NOT NULL",
		"move the erasure's time":    "UPDATE family_keys SET shredded_at = now() + interval '1 day' WHERE family_id = $2 AND $1::bytea IS NOT NULL",
		"move a live key over it":    "UPDATE family_keys SET family_id = $2 WHERE family_id <> $2 AND $1::bytea IS NOT NULL",
		"delete the tombstone":       "DELETE FROM family_keys WHERE family_id = $2 AND $1::bytea IS NOT NULL",
		"empty the table":            "TRUNCATE family_keys",
		"change when a key was made": "UPDATE family_keys SET created_at = now() WHERE $1::bytea IS NOT NULL AND family_id <> $2",
	} {
		args := []any{wrapped, family}
		if strings.HasPrefix(sql, "TRUNCATE") {
			args = nil
		}
		_, err := app.Exec(ctx, sql, args...)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr, name)
		require.Contains(t, []string{"42501", "23001"}, pgErr.Code, "%s: refused by a grant or by the guard", name)
	}
	shredded, err := s.Shredded(ctx, family)
	require.NoError(t, err)
	require.True(t, shredded)
	_, err = s.SealString(ctx, family, at("name"), "late")
	require.ErrorIs(t, err, seal.ErrShredded)

	// Even the owner, who may do anything a grant allows, meets the guard.
	_, err = db.OwnerPool(t).Exec(ctx, "UPDATE family_keys SET wrapped_key = $1, shredded_at = NULL WHERE family_id = $2", wrapped, family)
	require.ErrorContains(t, err, "an erasure cannot be undone")

	// What the runtime role must still do: re-wrap a live key, and tombstone one.
	tag, err := app.Exec(ctx, "UPDATE family_keys SET wrapped_key = wrapped_key, kek_id = kek_id WHERE family_id = $1", live)
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected())
	require.NoError(t, s.Shred(ctx, live))
	require.NoError(t, s.Shred(ctx, live), "shredding twice is still fine")
}

func mustParse(t *testing.T) *seal.LocalKEK {
	t.Helper()
	k, err := seal.ParseKEK(seal.GenerateKEK())
	require.NoError(t, err)
	return k
}

func mustKEK(t *testing.T, dir, name string) *seal.LocalKEK {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	_, err = base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	require.NoError(t, err, "a KEK file holds base64")
	k, err := seal.ParseKEK(string(b))
	require.NoError(t, err)
	return k
}
