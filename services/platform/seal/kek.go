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
	"strings"

	"github.com/google/uuid"
)

// KeyWrapper wraps and unwraps family data keys with a key-encryption key. LocalKEK holds the KEK
// in configuration; production plugs in a KMS behind the same interface.
type KeyWrapper interface {
	// ID names the key-encryption key, so a rotation can tell which KEK wrapped a key.
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

// ID is the first 8 bytes of the KEK's SHA-256, in hex.
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
		return nil, errors.New("the family's data key does not unwrap with this key-encryption key (wrong KEK?)")
	}
	return plain, nil
}
