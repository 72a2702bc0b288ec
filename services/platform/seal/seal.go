// Package seal encrypts personal fields inside event payloads with a per-family data key
// (AES-256-GCM), itself wrapped by a key-encryption key, and erases a family's personal data by
// destroying its key (crypto-shredding): the log stays append-only and verifiable, while the sealed
// fields, in PostgreSQL and in JetStream, can no longer be read.
//
// The sealer uses its own pool and writes in its own short transactions, never inside an event
// store unit of work: the events insert must be a transaction's first write (decision 1 in
// docs/decisions.md). Seal personal fields first, then build and commit the unit of work.
//
// Unwrapped keys are never cached: a shredded key must not live on in another replica's memory.
//
// After Shred, the old row version stays on disk as a dead tuple until VACUUM; pg_dump never sees
// it. Autovacuum removes it; operations run VACUUM family_keys after erasures, and key-store
// backups keep a short retention so that an erasure reaches them too.
//
// Sealed format: 1 version byte (0x01) | 12-byte nonce | ciphertext and 16-byte GCM tag. The
// family id is the additional data, so a sealed value cannot be moved to another family.
package seal

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/familytime/familytime/services/platform/migrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations create the family_keys table.
func Migrations() migrate.Set {
	sub, _ := fs.Sub(migrations, "migrations")
	return migrate.Set{Component: "seal", FS: sub}
}

// ErrShredded means the family's key was destroyed: its personal data is erased.
var ErrShredded = errors.New("personal data erased: the family's key was destroyed")

// ErrNoKey means the family never had a key, so nothing was ever sealed for it.
var ErrNoKey = errors.New("no data key for this family")

// ErrCorrupt means a sealed value is malformed, tampered with, or sealed for another family.
var ErrCorrupt = errors.New("sealed value is corrupt or belongs to another family")

const formatV1 = 0x01

// Sealer seals and opens personal fields.
type Sealer struct {
	pool *pgxpool.Pool
	kek  KeyWrapper
}

// New returns a sealer on the key store's pool.
func New(pool *pgxpool.Pool, kek KeyWrapper) *Sealer { return &Sealer{pool: pool, kek: kek} }

// Seal encrypts plaintext with the family's data key, creating the key on first use.
func (s *Sealer) Seal(ctx context.Context, family uuid.UUID, plaintext []byte) ([]byte, error) {
	aead, err := s.key(ctx, family, true)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = formatV1
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	return aead.Seal(out, out[1:], plaintext, family[:]), nil
}

// SealString seals a string.
func (s *Sealer) SealString(ctx context.Context, family uuid.UUID, v string) ([]byte, error) {
	return s.Seal(ctx, family, []byte(v))
}

// Open decrypts a sealed value of the family.
func (s *Sealer) Open(ctx context.Context, family uuid.UUID, sealed []byte) ([]byte, error) {
	aead, err := s.key(ctx, family, false)
	if err != nil {
		return nil, err
	}
	n := aead.NonceSize()
	if len(sealed) < 1+n+aead.Overhead() || sealed[0] != formatV1 {
		return nil, ErrCorrupt
	}
	plain, err := aead.Open(nil, sealed[1:1+n], sealed[1+n:], family[:])
	if err != nil {
		return nil, ErrCorrupt
	}
	if plain == nil {
		plain = []byte{}
	}
	return plain, nil
}

// OpenString opens a sealed string.
func (s *Sealer) OpenString(ctx context.Context, family uuid.UUID, sealed []byte) (string, error) {
	b, err := s.Open(ctx, family, sealed)
	return string(b), err
}

// Shred destroys the family's key, keeping a tombstone so nothing is sealed for it again. It is
// idempotent, and works for a family that never had a key.
func (s *Sealer) Shred(ctx context.Context, family uuid.UUID) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO family_keys (family_id, wrapped_key, kek_id, shredded_at)
		VALUES ($1, NULL, $2, now())
		ON CONFLICT (family_id) DO UPDATE SET wrapped_key = NULL, shredded_at = coalesce(family_keys.shredded_at, now())`,
		family, s.kek.ID())
	if err != nil {
		return fmt.Errorf("shred family key: %w", err)
	}
	return nil
}

// Shredded reports whether the family's key was destroyed.
func (s *Sealer) Shredded(ctx context.Context, family uuid.UUID) (bool, error) {
	var shredded bool
	err := s.pool.QueryRow(ctx, "SELECT shredded_at IS NOT NULL FROM family_keys WHERE family_id = $1", family).Scan(&shredded)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read family key: %w", err)
	}
	return shredded, nil
}

// key returns the family's data key as an AEAD, creating it if asked and missing.
func (s *Sealer) key(ctx context.Context, family uuid.UUID, create bool) (cipher.AEAD, error) {
	wrapped, found, err := s.read(ctx, family)
	if err != nil {
		return nil, err
	}
	if !found {
		if !create {
			return nil, ErrNoKey
		}
		if wrapped, err = s.create(ctx, family); err != nil {
			return nil, err
		}
	}
	if wrapped == nil {
		return nil, ErrShredded
	}
	plain, err := s.kek.Unwrap(wrapped, family)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(plain)
	if err != nil {
		return nil, fmt.Errorf("family data key: %w", err)
	}
	return cipher.NewGCM(block)
}

func (s *Sealer) read(ctx context.Context, family uuid.UUID) (wrapped []byte, found bool, err error) {
	err = s.pool.QueryRow(ctx, "SELECT wrapped_key FROM family_keys WHERE family_id = $1", family).Scan(&wrapped)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read family key: %w", err)
	}
	return wrapped, true, nil
}

// create makes a key; two concurrent first seals agree on whichever row landed first.
func (s *Sealer) create(ctx context.Context, family uuid.UUID) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate family key: %w", err)
	}
	wrapped, err := s.kek.Wrap(key, family)
	if err != nil {
		return nil, fmt.Errorf("wrap family key: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO family_keys (family_id, wrapped_key, kek_id) VALUES ($1, $2, $3)
		ON CONFLICT (family_id) DO NOTHING`, family, wrapped, s.kek.ID()); err != nil {
		return nil, fmt.Errorf("store family key: %w", err)
	}
	stored, _, err := s.read(ctx, family)
	return stored, err
}
