package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// KeyWrapper wraps and unwraps family data keys with a key-encryption key. LocalKEK holds the KEK
// in configuration; production plugs in a KMS behind the same interface.
type KeyWrapper interface {
	// ID names the key-encryption key. It is stored with every wrapped key (family_keys.kek_id),
	// so the ring knows which KEK opens it. Ids are not secrets.
	ID() string
	Wrap(plain []byte, family uuid.UUID) ([]byte, error)
	Unwrap(wrapped []byte, family uuid.UUID) ([]byte, error)
}

// LocalKEK is an AES-256-GCM key-encryption key from configuration.
type LocalKEK struct {
	aead cipher.AEAD
	id   string
}

// ParseKEK reads a KEK from standard base64 of 32 bytes. Errors never repeat the key.
func ParseKEK(s string) (*LocalKEK, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("key-encryption key is not valid base64")
	}
	return NewLocalKEK(key)
}

// NewLocalKEK makes a KEK from 32 raw bytes.
func NewLocalKEK(key []byte) (*LocalKEK, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("key-encryption key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(key)
	return &LocalKEK{aead: aead, id: hex.EncodeToString(sum[:8])}, nil
}

// GenerateKEK returns a new random KEK as base64, for development.
func GenerateKEK() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand never fails on Linux
	return base64.StdEncoding.EncodeToString(key)
}

// ID is the first 8 bytes of the KEK's SHA-256, in hex: derived from the key, so an id can never
// be attached to the wrong key, and it reveals nothing usable about it.
func (k *LocalKEK) ID() string { return k.id }

// Wrap encrypts a data key; the family id is bound in as additional data, so a wrapped key cannot
// be moved to another family.
func (k *LocalKEK) Wrap(plain []byte, family uuid.UUID) ([]byte, error) {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return k.aead.Seal(nonce, nonce, plain, family[:]), nil
}

// Unwrap decrypts a data key wrapped for the family.
func (k *LocalKEK) Unwrap(wrapped []byte, family uuid.UUID) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(wrapped) < n {
		return nil, ErrCorrupt
	}
	plain, err := k.aead.Open(nil, wrapped[:n], wrapped[n:], family[:])
	if err != nil {
		return nil, fmt.Errorf("the family's data key does not unwrap with key-encryption key %s (wrong KEK?)", k.id)
	}
	return plain, nil
}

// ErrUnknownKEK means a family key was wrapped by a key-encryption key the ring does not hold.
var ErrUnknownKEK = errors.New("unknown key-encryption key")

// KeyRing holds a service's key-encryption keys by id. New family keys are wrapped with the
// primary (the newest, unless configuration names another); an existing key is unwrapped with
// the KEK named by its row's kek_id, so a rotation never has to touch every row at once. A ring
// read from a folder re-reads it when asked for an id it does not hold, and on Reload, so a KEK
// added to the folder (a mounted secret, or `familytime keys rotate`) is picked up without a
// restart.
type KeyRing struct {
	mu        sync.RWMutex
	byID      map[string]KeyWrapper
	order     []string // oldest first
	primary   KeyWrapper
	primaryID string // the configured primary, "" for the newest
	dir       string // the folder the ring is read from, "" for a fixed ring
}

// NewKeyRing makes a ring of KEKs given oldest first. The newest wraps new keys, unless primaryID
// names another of them (the first step of a rotation across several replicas: every replica
// learns the new KEK before any wraps with it).
func NewKeyRing(primaryID string, keks ...KeyWrapper) (*KeyRing, error) {
	r := &KeyRing{primaryID: primaryID}
	if err := r.set(keks); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *KeyRing) set(keks []KeyWrapper) error {
	if len(keks) == 0 {
		return errors.New("no key-encryption key configured")
	}
	byID := make(map[string]KeyWrapper, len(keks))
	order := make([]string, 0, len(keks))
	for _, k := range keks {
		if _, dup := byID[k.ID()]; dup {
			return fmt.Errorf("key-encryption key %s is configured twice", k.ID())
		}
		byID[k.ID()] = k
		order = append(order, k.ID())
	}
	primary := keks[len(keks)-1]
	if r.primaryID != "" {
		p, ok := byID[r.primaryID]
		if !ok {
			return fmt.Errorf("primary key-encryption key %s is not among the configured ones (%s)", r.primaryID, strings.Join(order, ", "))
		}
		primary = p
	}
	r.mu.Lock()
	r.byID, r.order, r.primary = byID, order, primary
	r.mu.Unlock()
	return nil
}

// ParseKEKs reads a ring from a comma-separated list of base64 KEKs, oldest first (KEKS).
func ParseKEKs(list, primaryID string) (*KeyRing, error) {
	var keks []KeyWrapper
	for i, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		k, err := ParseKEK(s)
		if err != nil {
			return nil, fmt.Errorf("KEK list, item %d: %w", i+1, err)
		}
		keks = append(keks, k)
	}
	return NewKeyRing(primaryID, keks...)
}

// KEKFileSuffix names the files of a KEK folder.
const KEKFileSuffix = ".kek"

// OpenKEKDir reads a ring from a folder: every *.kek file holds one base64 KEK; sorted by name,
// the last is the newest. The ring re-reads the folder when asked for an id it does not hold.
func OpenKEKDir(dir, primaryID string) (*KeyRing, error) {
	r := &KeyRing{primaryID: primaryID, dir: dir}
	if err := r.Reload(); err != nil {
		return nil, err
	}
	return r, nil
}

// Reload re-reads the ring's folder; a fixed ring has nothing to reload.
func (r *KeyRing) Reload() error {
	if r.dir == "" {
		return nil
	}
	keks, err := readKEKDir(r.dir)
	if err != nil {
		return err
	}
	return r.set(keks)
}

func kekFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("KEK folder %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), KEKFileSuffix) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

func readKEKDir(dir string) ([]KeyWrapper, error) {
	names, err := kekFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("KEK folder %s holds no *%s file", dir, KEKFileSuffix)
	}
	keks := make([]KeyWrapper, 0, len(names))
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("KEK file: %w", err)
		}
		k, err := ParseKEK(string(b))
		if err != nil {
			return nil, fmt.Errorf("KEK file %s: %w", filepath.Join(dir, name), err)
		}
		keks = append(keks, k)
	}
	return keks, nil
}

// CreateKEKFile adds a new random KEK to a folder (created 0700 if missing), as a 0600 file named
// to sort after every existing one, so it becomes the newest. It returns the new KEK's id.
func CreateKEKFile(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("KEK folder %s: %w", dir, err)
	}
	names, err := kekFiles(dir)
	if err != nil {
		return "", err
	}
	next := 1
	if len(names) > 0 {
		var last int
		if _, err := fmt.Sscanf(names[len(names)-1], "kek-%d"+KEKFileSuffix, &last); err == nil {
			next = last + 1
		} else {
			next = len(names) + 1
		}
	}
	encoded := GenerateKEK()
	k, err := ParseKEK(encoded)
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("kek-%06d%s", next, KEKFileSuffix)
	if len(names) > 0 && name <= names[len(names)-1] {
		return "", fmt.Errorf("KEK folder %s: a new file would not sort after %s; name the new KEK's file yourself", dir, names[len(names)-1])
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("new KEK file: %w", err)
	}
	_, err = f.WriteString(encoded + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", fmt.Errorf("new KEK file: %w", err)
	}
	return k.ID(), nil
}

// LoadOrCreateKEKDir opens a KEK folder, first creating it with one KEK if it holds none (the dev
// platform's keys).
func LoadOrCreateKEKDir(dir string) (*KeyRing, error) {
	names, err := kekFiles(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if len(names) == 0 {
		if _, err := CreateKEKFile(dir); err != nil {
			return nil, err
		}
	}
	return OpenKEKDir(dir, "")
}

// Primary is the KEK that wraps new keys.
func (r *KeyRing) Primary() KeyWrapper {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.primary
}

// IDs are the ring's KEK ids, oldest first.
func (r *KeyRing) IDs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.order)
}

// Get returns the KEK with the id, re-reading a folder ring once if it does not hold it.
func (r *KeyRing) Get(id string) (KeyWrapper, error) {
	r.mu.RLock()
	k, ok := r.byID[id]
	r.mu.RUnlock()
	if ok {
		return k, nil
	}
	if r.dir != "" {
		if err := r.Reload(); err != nil {
			return nil, err
		}
		r.mu.RLock()
		k, ok = r.byID[id]
		r.mu.RUnlock()
		if ok {
			return k, nil
		}
	}
	return nil, fmt.Errorf("%w %s: the family key was wrapped by a KEK this service is not configured with (add it to -kek-dir or KEKS)", ErrUnknownKEK, id)
}
