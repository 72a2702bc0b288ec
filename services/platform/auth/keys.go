package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
)

// JWK is one key of a JSON Web Key Set.
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid,omitempty"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

var b64 = base64.RawURLEncoding

// PublicKey decodes the key: Ed25519 (OKP), RSA or EC P-256.
func (k JWK) PublicKey() (crypto.PublicKey, error) {
	switch k.Kty {
	case "OKP":
		x, err := b64.DecodeString(k.X)
		if err != nil || k.Crv != "Ed25519" || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("key %q: not an Ed25519 key", k.Kid)
		}
		return ed25519.PublicKey(x), nil
	case "RSA":
		n, err1 := b64.DecodeString(k.N)
		e, err2 := b64.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
			return nil, fmt.Errorf("key %q: malformed RSA key", k.Kid)
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if err := checkRSA(pub); err != nil {
			return nil, fmt.Errorf("key %q: %w", k.Kid, err)
		}
		return pub, nil
	case "EC":
		x, err1 := b64.DecodeString(k.X)
		y, err2 := b64.DecodeString(k.Y)
		if err1 != nil || err2 != nil || k.Crv != "P-256" {
			return nil, fmt.Errorf("key %q: only P-256 EC keys are accepted", k.Kid)
		}
		if len(x) != 32 || len(y) != 32 {
			return nil, fmt.Errorf("key %q: P-256 coordinates must be 32 bytes", k.Kid)
		}
		// ParseUncompressedPublicKey checks the point is on the curve: the key comes
		// from the network and is not trusted.
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fmt.Errorf("key %q: point is not on P-256", k.Kid)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("key %q: unsupported key type %q", k.Kid, k.Kty)
}

// KeyID is the kid of an Ed25519 public key: the first 8 bytes of its SHA-256, base64url.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return b64.EncodeToString(sum[:8])
}

// JWKSFor is the key set that verifies tokens minted with the key.
func JWKSFor(pub ed25519.PublicKey) JWKS {
	return JWKS{Keys: []JWK{{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(pub), Kid: KeyID(pub), Use: "sig", Alg: "EdDSA"}}}
}

// LoadOrCreateDevKey reads the dev signing key (PKCS#8 PEM) at path, creating it (0600) if missing.
// Dev only: production tokens come from the identity provider.
func LoadOrCreateDevKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("dev signing key: %w", err)
		}
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, fmt.Errorf("dev signing key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dev signing key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("dev signing key %s is not PEM", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("dev signing key %s: %w", path, err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("dev signing key %s is not an Ed25519 key", path)
	}
	return key, nil
}

// MinRSABits is the smallest RSA modulus trusted to verify a token (NIST SP 800-131A).
const MinRSABits = 2048

func checkRSA(pub *rsa.PublicKey) error {
	if bits := pub.N.BitLen(); bits < MinRSABits {
		return fmt.Errorf("RSA key of %d bits is too small (at least %d)", bits, MinRSABits)
	}
	if pub.E < 3 || pub.E%2 == 0 {
		return errors.New("RSA key has an invalid public exponent")
	}
	return nil
}

// checkPublicKey refuses a key a token could not safely be verified with: RSA under MinRSABits,
// an EC curve other than P-256, or any other kind of key.
func checkPublicKey(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return nil
	case *rsa.PublicKey:
		return checkRSA(k)
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return errors.New("only P-256 EC keys are accepted")
		}
		return nil
	}
	return fmt.Errorf("unsupported public key type %T", pub)
}

// verificationKey is a trusted key and, when its JWK names one, the only algorithm it verifies.
type verificationKey struct {
	pub crypto.PublicKey
	alg string
}

// parseKeyFile reads verification keys from a file: a JWKS (JSON) or a PEM public key.
func parseKeyFile(b []byte) (map[string]verificationKey, []string, error) {
	if block, _ := pem.Decode(b); block != nil {
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("public key: %w", err)
		}
		if err := checkPublicKey(pub); err != nil {
			return nil, nil, fmt.Errorf("public key: %w", err)
		}
		kid := ""
		if ed, ok := pub.(ed25519.PublicKey); ok {
			kid = KeyID(ed)
		}
		return map[string]verificationKey{kid: {pub: pub}}, nil, nil
	}
	return parseJWKS(b)
}

// parseJWKS reads a key set. A key that cannot be used (not for signing, an unknown type or
// curve, a small RSA modulus, malformed, a repeated kid) is skipped, and named in skipped, rather
// than failing the set: one odd key at the provider must not stop every login. A set with no
// usable key at all is an error.
func parseJWKS(b []byte) (keys map[string]verificationKey, skipped []string, err error) {
	var set JWKS
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, nil, fmt.Errorf("key set is neither PEM nor JWKS JSON: %w", err)
	}
	keys = map[string]verificationKey{}
	for _, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			skipped = append(skipped, fmt.Sprintf("key %q: use %q is not sig", k.Kid, k.Use))
			continue
		}
		if _, dup := keys[k.Kid]; dup {
			skipped = append(skipped, fmt.Sprintf("key %q: kid repeated in the set", k.Kid))
			continue
		}
		pub, err := k.PublicKey()
		if err != nil {
			skipped = append(skipped, err.Error())
			continue
		}
		keys[k.Kid] = verificationKey{pub: pub, alg: k.Alg}
	}
	if len(keys) == 0 {
		return nil, skipped, fmt.Errorf("key set holds no usable signing key (%d skipped)", len(skipped))
	}
	return keys, skipped, nil
}

// PublicKeyPEM encodes an Ed25519 public key as PEM, for a verifier's key file.
func PublicKeyPEM(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
