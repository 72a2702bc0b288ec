package auth

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// tokenClaims is the JWT body: registered claims plus roles and centres. roles apply at every
// centre in centres; centre_roles, optional, adds roles held at one centre only (decision 106).
type tokenClaims struct {
	jwt.RegisteredClaims
	Roles       []string            `json:"roles"`
	Centres     []string            `json:"centres,omitempty"`
	CentreRoles map[string][]string `json:"centre_roles,omitempty"`
}

// MintOptions describe a token to mint.
type MintOptions struct {
	Issuer   string
	Audience string
	Subject  string
	// Roles are held at every centre of Centres (and everywhere, for a national role).
	Roles   []Role
	Centres []uuid.UUID
	// CentreRoles are roles held at one centre only.
	CentreRoles map[uuid.UUID][]Role
	TTL         time.Duration
}

// Mint signs a token with an Ed25519 key (the dev key, or a service's own key).
func Mint(key ed25519.PrivateKey, o MintOptions) (string, error) {
	if o.Subject == "" || (len(o.Roles) == 0 && len(o.CentreRoles) == 0) {
		return "", errors.New("mint: a token needs a subject and at least one role")
	}
	if strings.TrimSpace(o.Subject) != o.Subject || strings.ContainsFunc(o.Subject, unicode.IsControl) {
		return "", errors.New("mint: the subject is an account id: no surrounding spaces or control characters")
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
	for id, roles := range o.CentreRoles {
		if c.CentreRoles == nil {
			c.CentreRoles = map[string][]string{}
		}
		for _, r := range roles {
			c.CentreRoles[id.String()] = append(c.CentreRoles[id.String()], string(r))
		}
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
	// JWKSURL is the identity provider's key set: fetched on first use, when a token names an
	// unknown key id (at most once per MinRefetch), and every RefreshInterval.
	JWKSURL string
	// Leeway tolerates clock skew (default 30s).
	Leeway time.Duration
	// MinRefetch is the least time between two fetches caused by unknown key ids, so a flood of
	// tokens with made-up key ids cannot hammer the provider (default 30s).
	MinRefetch time.Duration
	// RefreshInterval is how often the JWKS is fetched again and replaces the keys held, so a
	// key the provider removed stops being trusted (default 10 minutes; negative: never).
	RefreshInterval time.Duration
	// HTTPClient fetches the JWKS (default: 5s timeout).
	HTTPClient *http.Client
	// Logger receives skipped keys and failed fetches (default slog.Default()).
	Logger *slog.Logger
}

// Verifier checks bearer tokens.
type Verifier struct {
	cfg VerifierConfig
	log *slog.Logger

	mu        sync.Mutex
	keys      map[string]verificationKey
	keySet    uint64     // counts the times keys was replaced: a verified token is kept only for the set that verified it
	fetchedAt time.Time  // when the last fetch started
	inflight  *fetchCall // the fetch running now, if any

	cancel  context.CancelFunc // stops the scheduled refresh
	stopped chan struct{}      // closed when it has stopped

	verified verifiedTokens
}

// verifiedTokens are the tokens verified lately, by their exact text. A client sends the same
// token with every call until it expires, and checking its signature again each time was 8-10%
// of a service's CPU (Ed25519, under the simulator). A kept token is used only while it has not
// expired (with Leeway, as at its check) and while the key set that verified it is still the one
// held: a refresh that replaces the keys (a key removed by the provider) forgets every token it
// verified. Only tokens that passed every check are kept; a refused token is checked afresh each
// time, as before.
type verifiedTokens struct {
	mu     sync.Mutex
	tokens map[string]verifiedToken
}

type verifiedToken struct {
	claims  Claims
	expires time.Time // exp plus Leeway: from then on the token is expired, as Verify would say
	keySet  uint64
}

// maxVerifiedTokens bounds the tokens kept (about 1 KB each): more than the people and services
// using one replica at once. When full, the expired go first, then all.
const maxVerifiedTokens = 4096

func (t *verifiedTokens) get(token string, keySet uint64, now time.Time) (*Claims, bool) {
	t.mu.Lock()
	vt, ok := t.tokens[token]
	t.mu.Unlock()
	if !ok || vt.keySet != keySet || !now.Before(vt.expires) {
		return nil, false
	}
	return vt.claims.clone(), true
}

func (t *verifiedTokens) put(token string, vt verifiedToken, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tokens == nil {
		t.tokens = make(map[string]verifiedToken)
	}
	if len(t.tokens) >= maxVerifiedTokens {
		for k, old := range t.tokens {
			if !now.Before(old.expires) || old.keySet != vt.keySet {
				delete(t.tokens, k)
			}
		}
		if len(t.tokens) >= maxVerifiedTokens {
			clear(t.tokens)
		}
	}
	t.tokens[token] = vt
}

// fetchCall is one fetch of the JWKS; done is closed when it has finished and err is set.
type fetchCall struct {
	done chan struct{}
	err  error
}

// fetchTimeout bounds one JWKS fetch, whatever the HTTP client's own timeout.
const fetchTimeout = 10 * time.Second

// maxJWKSBytes is the largest key set read.
const maxJWKSBytes = 1 << 20

// ErrUnauthenticated is a missing, malformed, expired or untrusted token. It never carries the token.
var ErrUnauthenticated = errors.New("unauthenticated")

var errUnknownKey = errors.New("unknown key id")

// NewVerifier builds a verifier; a key file is read now, a JWKS URL on first use. With a JWKS URL
// the keys are refreshed in the background until Close.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	return newVerifier(cfg, nil)
}

// newVerifier takes the ticks of the scheduled refresh from ticks when it is not nil (tests).
func newVerifier(cfg VerifierConfig, ticks <-chan time.Time) (*Verifier, error) {
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
		cfg.MinRefetch = 30 * time.Second
	}
	if cfg.RefreshInterval == 0 {
		cfg.RefreshInterval = 10 * time.Minute
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	ctx, cancel := context.WithCancel(context.Background())
	v := &Verifier{cfg: cfg, log: cfg.Logger, cancel: cancel, stopped: make(chan struct{})}
	if v.log == nil {
		v.log = slog.Default()
	}
	if cfg.KeyFile != "" {
		defer close(v.stopped)
		b, err := os.ReadFile(cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("verifier: %w", err)
		}
		keys, skipped, err := parseKeyFile(b)
		if err != nil {
			return nil, fmt.Errorf("verifier: %s: %w", cfg.KeyFile, err)
		}
		v.keys = keys
		v.logSkipped("key file", skipped)
		return v, nil
	}
	if ticks == nil && cfg.RefreshInterval < 0 {
		close(v.stopped)
		return v, nil
	}
	go v.refreshLoop(ctx, ticks)
	return v, nil
}

// Close stops the scheduled refresh. The verifier still verifies with the keys it holds.
func (v *Verifier) Close() {
	v.cancel()
	<-v.stopped
}

// refreshLoop refreshes the keys at every tick (every RefreshInterval unless ticks is given)
// until ctx ends.
func (v *Verifier) refreshLoop(ctx context.Context, ticks <-chan time.Time) {
	defer close(v.stopped)
	if ticks == nil {
		t := time.NewTicker(v.cfg.RefreshInterval)
		defer t.Stop()
		ticks = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			// A failed refresh keeps the keys held; the failure has been logged.
			_ = v.Refresh(ctx)
		}
	}
}

// Refresh fetches the JWKS now (or joins the fetch already running) and, if it succeeds, replaces
// the keys held: a key no longer in the set stops verifying. A failure keeps the keys held.
func (v *Verifier) Refresh(ctx context.Context) error {
	if v.cfg.JWKSURL == "" {
		return nil
	}
	v.mu.Lock()
	call := v.startFetch(ctx)
	v.mu.Unlock()
	select {
	case <-call.done:
		return call.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (v *Verifier) logSkipped(source string, skipped []string) {
	for _, reason := range skipped {
		v.log.Warn("verification key skipped", "source", source, "reason", reason)
	}
}

// Verify checks a token's signature, issuer, audience and times, and returns its claims. A token
// that passed is trusted again from memory until it expires or the key set is replaced
// (verifiedTokens).
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	v.mu.Lock()
	keySet := v.keySet
	v.mu.Unlock()
	if c, ok := v.verified.get(token, keySet, time.Now()); ok {
		return c, nil
	}
	claims, expires, err := v.check(ctx, token)
	if err != nil {
		return nil, err
	}
	// keySet as read before the check: if a refresh replaced the keys meanwhile, the token is
	// kept under the old set and checked again on its next use.
	v.verified.put(token, verifiedToken{claims: *claims.clone(), expires: expires.Add(v.cfg.Leeway), keySet: keySet}, time.Now())
	return claims, nil
}

// check verifies a token's signature and claims (Verify), and returns when it expires.
func (v *Verifier) check(ctx context.Context, token string) (*Claims, time.Time, error) {
	var c tokenClaims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := v.key(ctx, kid)
		if err != nil {
			return nil, err
		}
		if k.alg != "" && k.alg != t.Method.Alg() {
			return nil, fmt.Errorf("%w: key is for %s", jwt.ErrTokenSignatureInvalid, k.alg)
		}
		return k.pub, nil
	}, jwt.WithIssuer(v.cfg.Issuer), jwt.WithAudience(v.cfg.Audience), jwt.WithLeeway(v.cfg.Leeway),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithValidMethods([]string{"EdDSA", "RS256", "ES256"}))
	if err != nil {
		return nil, time.Time{}, refused(err)
	}
	// Every token says when it was issued (OIDC requires iat; Mint sets it), and not in the
	// future (WithIssuedAt, within Leeway): a token from the future is forged or from a broken clock.
	if c.IssuedAt == nil {
		return nil, time.Time{}, fmt.Errorf("%w: token has no issue time", ErrUnauthenticated)
	}
	if c.Subject == "" {
		return nil, time.Time{}, fmt.Errorf("%w: token has no subject", ErrUnauthenticated)
	}
	if strings.TrimSpace(c.Subject) != c.Subject || strings.ContainsFunc(c.Subject, unicode.IsControl) {
		// An account id is compared as it is written (the register, a report's author, who made
		// a referral): " parent-1" is not another person (review 7).
		return nil, time.Time{}, fmt.Errorf("%w: token subject has surrounding spaces or control characters", ErrUnauthenticated)
	}
	claims := &Claims{Subject: c.Subject}
	for _, r := range c.Roles {
		role, err := ParseRole(r)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("%w: %v", ErrUnauthenticated, err)
		}
		claims.Roles = append(claims.Roles, role)
	}
	for _, s := range c.Centres {
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("%w: centre claim is not a UUID", ErrUnauthenticated)
		}
		claims.Centres = append(claims.Centres, id)
	}
	if err := claims.addCentreRoles(c.CentreRoles); err != nil {
		return nil, time.Time{}, fmt.Errorf("%w: %v", ErrUnauthenticated, err)
	}
	return claims, c.ExpiresAt.Time, nil
}

// addCentreRoles adds a token's centre_roles to claims read from its flat roles and centres:
// each centre's roles are its own and the flat ones (which hold at every centre in centres), its
// centre joins Centres and its roles Roles. A national role is held everywhere, so it is refused
// for one centre. Without centre_roles, claims stay flat (CentreRoles nil).
func (claims *Claims) addCentreRoles(in map[string][]string) error {
	if len(in) == 0 {
		return nil
	}
	flat := slices.Clone(claims.Roles)
	claims.CentreRoles = map[uuid.UUID][]Role{}
	for _, id := range claims.Centres {
		claims.CentreRoles[id] = slices.Clone(flat)
	}
	for s, names := range in {
		id, err := uuid.Parse(s)
		if err != nil || id == uuid.Nil {
			return errors.New("centre_roles names a centre that is not a UUID")
		}
		if !slices.Contains(claims.Centres, id) {
			claims.Centres = append(claims.Centres, id)
		}
		for _, name := range names {
			role, err := ParseRole(name)
			if err != nil {
				return err
			}
			if slices.Contains(national, role) {
				return fmt.Errorf("centre_roles: %s is a national role, held at every centre: give it in roles", role)
			}
			if !slices.Contains(claims.CentreRoles[id], role) {
				claims.CentreRoles[id] = append(claims.CentreRoles[id], role)
			}
			if !slices.Contains(claims.Roles, role) {
				claims.Roles = append(claims.Roles, role)
			}
		}
	}
	return nil
}

// Reasons a token is refused, for a client to act on (decision 310): an expired token wants a new
// one, a malformed one a token pasted whole; anything else is a token this platform does not trust.
const (
	ReasonTokenRequired  = "TOKEN_REQUIRED"
	ReasonTokenExpired   = "TOKEN_EXPIRED"
	ReasonTokenNotYet    = "TOKEN_NOT_YET_VALID"
	ReasonTokenMalformed = "TOKEN_MALFORMED"
	ReasonTokenUntrusted = "TOKEN_UNTRUSTED"
)

// TokenError is a token refused: what was wrong in words, and its reason code. It is
// ErrUnauthenticated, and never carries the token.
type TokenError struct {
	Reason, Words string
}

func (e *TokenError) Error() string        { return ErrUnauthenticated.Error() + ": " + e.Words }
func (e *TokenError) Is(target error) bool { return target == ErrUnauthenticated }

// TokenReason is the reason code of a refused token (TokenError), ReasonTokenUntrusted for
// any other ErrUnauthenticated.
func TokenReason(err error) string {
	if te, ok := errors.AsType[*TokenError](err); ok {
		return te.Reason
	}
	return ReasonTokenUntrusted
}

// refused is a token refused for why (its words and reason code), without echoing it.
func refused(why error) *TokenError {
	switch {
	case errors.Is(why, jwt.ErrTokenExpired):
		return &TokenError{ReasonTokenExpired, "token expired"}
	case errors.Is(why, jwt.ErrTokenNotValidYet):
		return &TokenError{ReasonTokenNotYet, "token not valid yet"}
	case errors.Is(why, jwt.ErrTokenUsedBeforeIssued):
		return &TokenError{ReasonTokenNotYet, "token issued in the future"}
	case errors.Is(why, jwt.ErrTokenInvalidIssuer):
		return &TokenError{ReasonTokenUntrusted, "token from an untrusted issuer"}
	case errors.Is(why, jwt.ErrTokenInvalidAudience):
		return &TokenError{ReasonTokenUntrusted, "token for another audience"}
	case errors.Is(why, jwt.ErrTokenSignatureInvalid):
		return &TokenError{ReasonTokenUntrusted, "token signature invalid"}
	case errors.Is(why, jwt.ErrTokenMalformed):
		return &TokenError{ReasonTokenMalformed, "token malformed"}
	case errors.Is(why, jwt.ErrTokenUnverifiable):
		return &TokenError{ReasonTokenUntrusted, "token signed with an unknown key"}
	}
	return &TokenError{ReasonTokenUntrusted, "token invalid"}
}

// key finds the verification key. Tokens whose key is held are verified with it at once, even
// while a fetch is running. With a JWKS URL an unknown kid waits for the fetch that is running, or
// starts one if none ran for MinRefetch, so the provider's key rotation works without a restart;
// one fetch runs at a time and none runs under the lock.
func (v *Verifier) key(ctx context.Context, kid string) (verificationKey, error) {
	v.mu.Lock()
	if k, ok := v.lookup(kid); ok {
		v.mu.Unlock()
		return k, nil
	}
	if v.cfg.JWKSURL == "" {
		v.mu.Unlock()
		return verificationKey{}, errUnknownKey
	}
	call := v.inflight
	if call == nil {
		if !v.fetchedAt.IsZero() && time.Since(v.fetchedAt) < v.cfg.MinRefetch {
			v.mu.Unlock()
			return verificationKey{}, errUnknownKey
		}
		call = v.startFetch(ctx)
	}
	v.mu.Unlock()
	select {
	case <-call.done:
	case <-ctx.Done():
		return verificationKey{}, ctx.Err()
	}
	v.mu.Lock()
	k, ok := v.lookup(kid)
	v.mu.Unlock()
	if ok {
		return k, nil
	}
	if call.err != nil {
		return verificationKey{}, call.err
	}
	return verificationKey{}, errUnknownKey
}

// startFetch starts a fetch of the JWKS unless one is running, and returns the running one. The
// fetch outlives the caller's cancellation (others may be waiting for it) but not fetchTimeout.
// v.mu must be held.
func (v *Verifier) startFetch(ctx context.Context) *fetchCall {
	if v.inflight != nil {
		return v.inflight
	}
	call := &fetchCall{done: make(chan struct{})}
	v.inflight, v.fetchedAt = call, time.Now()
	fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	go func() {
		defer cancel()
		keys, skipped, err := v.fetch(fetchCtx)
		if err != nil {
			v.log.WarnContext(fetchCtx, "JWKS fetch failed; keeping the keys held", "error", err)
		} else {
			v.logSkipped("JWKS", skipped)
		}
		v.mu.Lock()
		if err == nil {
			v.keys = keys
			v.keySet++
		}
		v.inflight = nil
		call.err = err
		v.mu.Unlock()
		close(call.done)
	}()
	return call
}

func (v *Verifier) lookup(kid string) (verificationKey, bool) {
	if k, ok := v.keys[kid]; ok {
		return k, true
	}
	if len(v.keys) == 1 && kid == "" {
		for _, k := range v.keys {
			return k, true
		}
	}
	return verificationKey{}, false
}

func (v *Verifier) fetch(ctx context.Context) (map[string]verificationKey, []string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.cfg.JWKSURL, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("JWKS: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("JWKS: %s answered %s", req.URL.Redacted(), resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("JWKS: %w", err)
	}
	if len(b) > maxJWKSBytes {
		return nil, nil, fmt.Errorf("JWKS: the key set is larger than %d bytes", maxJWKSBytes)
	}
	return parseJWKS(b)
}
