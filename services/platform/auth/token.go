package auth

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// tokenClaims is the JWT body: registered claims plus roles and centres.
type tokenClaims struct {
	jwt.RegisteredClaims
	Roles   []string `json:"roles"`
	Centres []string `json:"centres,omitempty"`
}

// MintOptions describe a token to mint.
type MintOptions struct {
	Issuer   string
	Audience string
	Subject  string
	Roles    []Role
	Centres  []uuid.UUID
	TTL      time.Duration
}

// Mint signs a token with an Ed25519 key (the dev key, or a service's own key).
func Mint(key ed25519.PrivateKey, o MintOptions) (string, error) {
	if o.Subject == "" || len(o.Roles) == 0 {
		return "", errors.New("mint: a token needs a subject and at least one role")
	}
	now := time.Now()
	c := tokenClaims{RegisteredClaims: jwt.RegisteredClaims{Issuer: o.Issuer, Subject: o.Subject,
		Audience: jwt.ClaimStrings{o.Audience}, IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(o.TTL)), ID: uuid.NewString()}}
	for _, r := range o.Roles {
		c.Roles = append(c.Roles, string(r))
	}
	for _, id := range o.Centres {
		c.Centres = append(c.Centres, id.String())
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = KeyID(key.Public().(ed25519.PublicKey))
	return t.SignedString(key)
}

// VerifierConfig says which tokens to trust.
type VerifierConfig struct {
	Issuer   string
	Audience string
	// KeyFile is a PEM public key or a JWKS JSON file.
	KeyFile string
	// JWKSURL is the identity provider's key set; fetched on demand and when an unknown key id appears.
	JWKSURL string
	// Leeway tolerates clock skew (default 30s).
	Leeway time.Duration
	// MinRefetch is the least time between two fetches of the JWKS, so a flood of tokens with
	// unknown key ids cannot hammer the provider (default 5s).
	MinRefetch time.Duration
	// HTTPClient fetches the JWKS (default: 5s timeout).
	HTTPClient *http.Client
}

// Verifier checks bearer tokens.
type Verifier struct {
	cfg VerifierConfig

	mu        sync.Mutex
	keys      map[string]crypto.PublicKey
	fetchedAt time.Time
}

// ErrUnauthenticated is a missing, malformed, expired or untrusted token. It never carries the token.
var ErrUnauthenticated = errors.New("unauthenticated")

// NewVerifier builds a verifier; a key file is read now, a JWKS URL on first use.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("verifier: issuer and audience are required")
	}
	if (cfg.KeyFile == "") == (cfg.JWKSURL == "") {
		return nil, errors.New("verifier: give exactly one of a key file or a JWKS URL")
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = 30 * time.Second
	}
	if cfg.MinRefetch == 0 {
		cfg.MinRefetch = 5 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	v := &Verifier{cfg: cfg}
	if cfg.KeyFile != "" {
		b, err := os.ReadFile(cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("verifier: %w", err)
		}
		if v.keys, err = parseKeyFile(b); err != nil {
			return nil, fmt.Errorf("verifier: %s: %w", cfg.KeyFile, err)
		}
	}
	return v, nil
}

// Verify checks a token's signature, issuer, audience and times, and returns its claims.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	var c tokenClaims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return v.key(ctx, kid)
	}, jwt.WithIssuer(v.cfg.Issuer), jwt.WithAudience(v.cfg.Audience), jwt.WithLeeway(v.cfg.Leeway),
		jwt.WithExpirationRequired(), jwt.WithValidMethods([]string{"EdDSA", "RS256", "ES256"}))
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrUnauthenticated, reason(err))
	}
	if c.Subject == "" {
		return nil, fmt.Errorf("%w: token has no subject", ErrUnauthenticated)
	}
	claims := &Claims{Subject: c.Subject}
	for _, r := range c.Roles {
		role, err := ParseRole(r)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnauthenticated, err)
		}
		claims.Roles = append(claims.Roles, role)
	}
	for _, s := range c.Centres {
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("%w: centre claim is not a UUID", ErrUnauthenticated)
		}
		claims.Centres = append(claims.Centres, id)
	}
	return claims, nil
}

// reason names what was wrong with a token without echoing it.
func reason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "token not valid yet"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "token from an untrusted issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "token for another audience"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "token signature invalid"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "token malformed"
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return "token signed with an unknown key"
	}
	return "token invalid"
}

// key finds the verification key; with a JWKS URL an unknown kid triggers a refetch (at most one
// per MinRefetch), so the provider's key rotation works without a restart.
func (v *Verifier) key(ctx context.Context, kid string) (crypto.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.lookup(kid); ok {
		return k, nil
	}
	if v.cfg.JWKSURL == "" || time.Since(v.fetchedAt) < v.cfg.MinRefetch {
		return nil, errors.New("unknown key id")
	}
	v.fetchedAt = time.Now()
	keys, err := v.fetch(ctx)
	if err != nil {
		return nil, err
	}
	v.keys = keys
	if k, ok := v.lookup(kid); ok {
		return k, nil
	}
	return nil, errors.New("unknown key id")
}

func (v *Verifier) lookup(kid string) (crypto.PublicKey, bool) {
	if k, ok := v.keys[kid]; ok {
		return k, true
	}
	if len(v.keys) == 1 && kid == "" {
		for _, k := range v.keys {
			return k, true
		}
	}
	return nil, false
}

func (v *Verifier) fetch(ctx context.Context) (map[string]crypto.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.cfg.JWKSURL, nil)
	if err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	resp, err := v.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("JWKS: %s answered %s", v.cfg.JWKSURL, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	return parseJWKS(b)
}
