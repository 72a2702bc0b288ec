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
// After Shred, the old row version stays on disk as a dead tuple until VACUUM (pg_dump never sees
// it), and the wrapped key stays in the key store's write-ahead log, WAL archives and backups. Each
// copy is wrapped by the KEK of its day: an erasure is final once that KEK is retired and destroyed,
// which operations do on a schedule no longer than the key store's backup retention
// (docs/runbook.md, "When an erasure is final").
//
// Sealed format (version 2): 1 version byte (0x02) | 12-byte nonce | ciphertext and 16-byte GCM
// tag. The additional data binds the value to where it belongs: the version byte, the family id,
// the event id and the field's path (Binding), so a sealed value cannot be moved to another
// family, another event or another field. Version 1 values (family id only) are refused with
// ErrCorrupt: none were ever written outside tests (decision 29 in docs/decisions.md).
//
// Keys live in a key store of their own, apart from the events (decision 31): a backup of the
// events carries no key.
package seal

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/familytime/familytime/services/platform/migrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations create the key store: the family_keys table, its grants and its guard. They are the
// key store database's migrations, never the event database's.
func Migrations() migrate.Set {
	sub, _ := fs.Sub(migrations, "migrations")
	return migrate.Set{Component: "seal", FS: sub}
}

// ErrShredded means the family's key was destroyed: its personal data is erased.
var ErrShredded = errors.New("personal data erased: the family's key was destroyed")

// ErrNoKey means the family never had a key, so nothing was ever sealed for it.
var ErrNoKey = errors.New("no data key for this family")

// ErrCorrupt means a sealed value is malformed, tampered with, or sealed for another family,
// event or field.
var ErrCorrupt = errors.New("sealed value is corrupt or belongs to another family, event or field")

// ErrBinding means a Binding lacks its event id or field path.
var ErrBinding = errors.New("a sealed value needs its event id and field path")

const formatV2 = 0x02

// maxField bounds a field path, whose length is encoded in two bytes.
const maxField = 1<<16 - 1

// Binding says where a sealed value belongs, besides its family: the event that carries it and
// the field's path within the event's payload, for example "parents[0].address". A service
// that seals chooses the event's id itself before sealing (eventstore.Event.ID = uuid.NewV7())
// and names every field by a path that stays the same for as long as the event type exists.
type Binding struct {
	Event uuid.UUID
	Field string
}

// At is a Binding.
func At(event uuid.UUID, field string) Binding { return Binding{Event: event, Field: field} }

// aad is the additional data: version | family (16) | event (16) | len(field) (2, big-endian) |
// field. Every part but the last has a fixed or stated length, so two bindings never encode alike.
func (b Binding) aad(family uuid.UUID) ([]byte, error) {
	if b.Event == uuid.Nil || b.Field == "" || len(b.Field) > maxField {
		return nil, ErrBinding
	}
	out := make([]byte, 0, 1+16+16+2+len(b.Field))
	out = append(out, formatV2)
	out = append(out, family[:]...)
	out = append(out, b.Event[:]...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(b.Field)))
	return append(out, b.Field...), nil
}

// Sealer seals and opens personal fields with keys from a key store.
type Sealer struct {
	pool *pgxpool.Pool
	keks *KeyRing
}

// New returns a sealer on the key store's pool (its runtime role), with the service's KEKs.
func New(pool *pgxpool.Pool, keks *KeyRing) *Sealer { return &Sealer{pool: pool, keks: keks} }

// KeyRing is the sealer's ring of key-encryption keys.
func (s *Sealer) KeyRing() *KeyRing { return s.keks }

// Seal encrypts plaintext with the family's data key, bound to the family, the event and the
// field; it creates the family's key on first use.
func (s *Sealer) Seal(ctx context.Context, family uuid.UUID, at Binding, plaintext []byte) ([]byte, error) {
	k, err := s.Family(ctx, family, true)
	if err != nil {
		return nil, err
	}
	return k.Seal(at, plaintext)
}

// SealString seals a string.
func (s *Sealer) SealString(ctx context.Context, family uuid.UUID, at Binding, v string) ([]byte, error) {
	return s.Seal(ctx, family, at, []byte(v))
}

// Open decrypts a value sealed for the family, at the event and field it was sealed for.
func (s *Sealer) Open(ctx context.Context, family uuid.UUID, at Binding, sealed []byte) ([]byte, error) {
	k, err := s.Family(ctx, family, false)
	if err != nil {
		return nil, err
	}
	return k.Open(at, sealed)
}

// FamilyKey is one family's data key, unwrapped for the span of one piece of work (a command that
// seals several fields, a load that opens a stream's events), so the key store is read once for
// it, not once per field. Keep it no longer than that piece of work and never share it: a key
// kept in memory would outlive an erasure (decision 10).
type FamilyKey struct {
	family uuid.UUID
	aead   cipher.AEAD
}

// Family reads the family's data key from the key store, creating it if create is set and there
// is none: ErrShredded for an erased family, ErrNoKey for one that never had a key.
func (s *Sealer) Family(ctx context.Context, family uuid.UUID, create bool) (*FamilyKey, error) {
	aead, err := s.key(ctx, family, create)
	if err != nil {
		return nil, err
	}
	return &FamilyKey{family: family, aead: aead}, nil
}

// Seal encrypts plaintext with the family's key, bound to the family, the event and the field.
func (k *FamilyKey) Seal(at Binding, plaintext []byte) ([]byte, error) {
	ad, err := at.aad(k.family)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+k.aead.NonceSize(), 1+k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	out[0] = formatV2
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	return k.aead.Seal(out, out[1:], plaintext, ad), nil
}

// Open decrypts a value sealed for the family, at the event and field it was sealed for.
func (k *FamilyKey) Open(at Binding, sealed []byte) ([]byte, error) {
	ad, err := at.aad(k.family)
	if err != nil {
		return nil, err
	}
	n := k.aead.NonceSize()
	if len(sealed) < 1+n+k.aead.Overhead() || sealed[0] != formatV2 {
		return nil, ErrCorrupt
	}
	plain, err := k.aead.Open(nil, sealed[1:1+n], sealed[1+n:], ad)
	if err != nil {
		return nil, ErrCorrupt
	}
	if plain == nil {
		plain = []byte{}
	}
	return plain, nil
}

// OpenString opens a sealed string.
func (s *Sealer) OpenString(ctx context.Context, family uuid.UUID, at Binding, sealed []byte) (string, error) {
	b, err := s.Open(ctx, family, at, sealed)
	return string(b), err
}

// Shred destroys the family's key, keeping a tombstone so nothing is sealed for it again. It is
// idempotent, and works for a family that never had a key.
func (s *Sealer) Shred(ctx context.Context, family uuid.UUID) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO family_keys (family_id, wrapped_key, kek_id, shredded_at)
		VALUES ($1, NULL, $2, now())
		ON CONFLICT (family_id) DO UPDATE SET wrapped_key = NULL, shredded_at = coalesce(family_keys.shredded_at, now())`,
		family, s.keks.Primary().ID())
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
	plain, err := s.dataKey(ctx, family, create)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(plain)
	if err != nil {
		return nil, fmt.Errorf("family data key: %w", err)
	}
	return cipher.NewGCM(block)
}

// dataKey returns the family's data key unwrapped, creating it if asked and missing.
func (s *Sealer) dataKey(ctx context.Context, family uuid.UUID, create bool) ([]byte, error) {
	row, found, err := s.read(ctx, family)
	if err != nil {
		return nil, err
	}
	if !found {
		if !create {
			return nil, ErrNoKey
		}
		if row, err = s.create(ctx, family); err != nil {
			return nil, err
		}
	}
	if row.wrapped == nil {
		return nil, ErrShredded
	}
	return s.unwrap(row, family)
}

// matchingKeyID names the key-store row of the service's matching key: a name-based (v5) UUID,
// which no family id (v4 or v7) can ever be.
var matchingKeyID = uuid.NewSHA1(uuid.NameSpaceOID, []byte("familytime.seal.matching-key"))

// MatchingHash is a keyed hash (HMAC-SHA256) of data under the service's matching key, for finding
// records that describe the same person without keeping or comparing anything in clear (for
// example a child's normalised name and date of birth). The matching key is made on first use and
// kept in the key store like a family's key: wrapped by the KEKs, re-wrapped on rotation, and
// never in the events. Equal data gives equal hashes for as long as the key lives.
func (s *Sealer) MatchingHash(ctx context.Context, data []byte) ([]byte, error) {
	hashes, err := s.MatchingHashes(ctx, data)
	if err != nil {
		return nil, err
	}
	return hashes[0], nil
}

// MatchingHashes is MatchingHash of each of data, in order, with one read of the matching key: a
// child is matched on several keys at once (referral's decision 200).
func (s *Sealer) MatchingHashes(ctx context.Context, data ...[]byte) ([][]byte, error) {
	key, err := s.dataKey(ctx, matchingKeyID, true)
	if err != nil {
		return nil, fmt.Errorf("matching key: %w", err)
	}
	out := make([][]byte, len(data))
	for i, d := range data {
		mac := hmac.New(sha256.New, key)
		mac.Write(d)
		out[i] = mac.Sum(nil)
	}
	return out, nil
}

type keyRow struct {
	wrapped []byte
	kekID   string
}

func (s *Sealer) unwrap(row keyRow, family uuid.UUID) ([]byte, error) {
	kek, err := s.keks.Get(row.kekID)
	if err != nil {
		return nil, err
	}
	return kek.Unwrap(row.wrapped, family)
}

func (s *Sealer) read(ctx context.Context, family uuid.UUID) (row keyRow, found bool, err error) {
	err = s.pool.QueryRow(ctx, "SELECT wrapped_key, kek_id FROM family_keys WHERE family_id = $1", family).Scan(&row.wrapped, &row.kekID)
	if errors.Is(err, pgx.ErrNoRows) {
		return row, false, nil
	}
	if err != nil {
		return row, false, fmt.Errorf("read family key: %w", err)
	}
	return row, true, nil
}

// create makes a key, wrapped with the primary KEK; two concurrent first seals agree on whichever
// row landed first.
func (s *Sealer) create(ctx context.Context, family uuid.UUID) (keyRow, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return keyRow{}, fmt.Errorf("generate family key: %w", err)
	}
	kek := s.keks.Primary()
	wrapped, err := kek.Wrap(key, family)
	if err != nil {
		return keyRow{}, fmt.Errorf("wrap family key: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO family_keys (family_id, wrapped_key, kek_id) VALUES ($1, $2, $3)
		ON CONFLICT (family_id) DO NOTHING`, family, wrapped, kek.ID()); err != nil {
		return keyRow{}, fmt.Errorf("store family key: %w", err)
	}
	stored, _, err := s.read(ctx, family)
	return stored, err
}

// RewrapStats count a re-wrap's work.
type RewrapStats struct {
	// Rewrapped keys are now wrapped by the primary KEK.
	Rewrapped int `json:"rewrapped"`
	// Skipped keys were shredded or re-wrapped by someone else meanwhile.
	Skipped int `json:"skipped"`
	// Failed keys did not unwrap with the KEK their row names; they are left as they are.
	Failed int `json:"failed"`
}

// Rewrap re-wraps, with the primary KEK, every live key that an older KEK of the ring wrapped, in
// batches of batch rows, one short statement per key: a row is rewritten only if it still holds
// the key that was read (same KEK, not shredded), so a concurrent Shred always wins. Keys wrapped
// by a KEK the ring does not hold, or by one newer than the primary (KEK_PRIMARY during a roll-out),
// are left alone, so replicas configured differently for a while never undo each other's work.
// progress, if not nil, is called after each batch. Several replicas may rewrap at once.
func (s *Sealer) Rewrap(ctx context.Context, batch int, progress func(RewrapStats)) (RewrapStats, error) {
	var stats RewrapStats
	if batch <= 0 {
		batch = 100
	}
	primary := s.keks.Primary()
	var older []string
	for _, id := range s.keks.IDs() {
		if id == primary.ID() {
			break
		}
		older = append(older, id)
	}
	if len(older) == 0 {
		return stats, nil
	}
	var failed []error
	after := uuid.Nil
	for {
		rows, err := s.pool.Query(ctx, `SELECT family_id, wrapped_key, kek_id FROM family_keys
			WHERE kek_id = ANY($1) AND wrapped_key IS NOT NULL AND family_id > $2
			ORDER BY family_id LIMIT $3`, older, after, batch)
		if err != nil {
			return stats, fmt.Errorf("read keys to re-wrap: %w", err)
		}
		type item struct {
			family uuid.UUID
			row    keyRow
		}
		items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (item, error) {
			var it item
			return it, r.Scan(&it.family, &it.row.wrapped, &it.row.kekID)
		})
		if err != nil {
			return stats, fmt.Errorf("read keys to re-wrap: %w", err)
		}
		if len(items) == 0 {
			break
		}
		for _, it := range items {
			after = it.family
			plain, err := s.unwrap(it.row, it.family)
			if err != nil {
				stats.Failed++
				failed = append(failed, fmt.Errorf("family %s: %w", it.family, err))
				continue
			}
			wrapped, err := primary.Wrap(plain, it.family)
			clear(plain)
			if err != nil {
				return stats, fmt.Errorf("re-wrap family key: %w", err)
			}
			tag, err := s.pool.Exec(ctx, `UPDATE family_keys SET wrapped_key = $1, kek_id = $2
				WHERE family_id = $3 AND kek_id = $4 AND wrapped_key IS NOT NULL`, wrapped, primary.ID(), it.family, it.row.kekID)
			if err != nil {
				return stats, fmt.Errorf("store re-wrapped family key: %w", err)
			}
			if tag.RowsAffected() == 1 {
				stats.Rewrapped++
			} else {
				stats.Skipped++
			}
		}
		if progress != nil {
			progress(stats)
		}
	}
	if len(failed) > 0 {
		return stats, fmt.Errorf("%d family keys did not re-wrap: %w", len(failed), errors.Join(failed...))
	}
	return stats, nil
}

// RewrapEvery is how often RewrapLoop looks for keys to re-wrap.
const RewrapEvery = 10 * time.Minute

// RewrapLoop re-wraps keys in the background until ctx ends: at once, then every interval
// (RewrapEvery if zero), re-reading a folder ring first so a KEK added meanwhile is used.
func (s *Sealer) RewrapLoop(ctx context.Context, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		every = RewrapEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.keks.Reload(); err != nil {
			log.ErrorContext(ctx, "re-read the key-encryption keys", "error", err)
		}
		stats, err := s.Rewrap(ctx, 100, nil)
		if err != nil && ctx.Err() == nil {
			log.ErrorContext(ctx, "re-wrap family keys", "error", err, "rewrapped", stats.Rewrapped, "failed", stats.Failed)
		} else if stats.Rewrapped > 0 {
			log.InfoContext(ctx, "re-wrapped family keys", "rewrapped", stats.Rewrapped, "kek_id", s.keks.Primary().ID())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Status is what a key store holds, by KEK, without any key.
type Status struct {
	// Live counts the keys that can open data, by the id of the KEK that wraps them.
	Live map[string]int `json:"live"`
	// Shredded counts tombstones.
	Shredded int `json:"shredded"`
	// Primary is the id of the KEK that wraps new keys.
	Primary string `json:"primary"`
}

// Status counts the key store's keys by KEK, and its tombstones.
func (s *Sealer) Status(ctx context.Context) (Status, error) {
	st := Status{Live: map[string]int{}, Primary: s.keks.Primary().ID()}
	rows, err := s.pool.Query(ctx, `SELECT kek_id, count(*) FILTER (WHERE wrapped_key IS NOT NULL),
		count(*) FILTER (WHERE wrapped_key IS NULL) FROM family_keys GROUP BY kek_id`)
	if err != nil {
		return st, fmt.Errorf("count family keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var live, shredded int
		if err := rows.Scan(&id, &live, &shredded); err != nil {
			return st, fmt.Errorf("count family keys: %w", err)
		}
		if live > 0 {
			st.Live[id] = live
		}
		st.Shredded += shredded
	}
	return st, rows.Err()
}
