package auth_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/auth"
)

// jwksServer serves whatever key set the test puts in it, counting fetches; while gate is set,
// each fetch announces itself on entered and waits for gate to be closed.
type jwksServer struct {
	*httptest.Server
	fetches atomic.Int32

	mu      sync.Mutex
	set     auth.JWKS
	raw     []byte
	gate    chan struct{}
	entered chan struct{}
}

func newJWKSServer(t *testing.T, keys ...auth.JWK) *jwksServer {
	s := &jwksServer{set: auth.JWKS{Keys: keys}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		gate, entered, set, raw := s.gate, s.entered, s.set, s.raw
		s.mu.Unlock()
		if gate != nil {
			entered <- struct{}{}
			<-gate
		}
		if raw != nil {
			_, _ = w.Write(raw)
			return
		}
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) serve(keys ...auth.JWK) {
	s.mu.Lock()
	s.set = auth.JWKS{Keys: keys}
	s.mu.Unlock()
}

// hold makes the next fetches wait: entered receives when one has begun, closing the returned
// channel lets them answer.
func (s *jwksServer) hold() (entered <-chan struct{}, release func()) {
	gate, in := make(chan struct{}), make(chan struct{}, 16)
	s.mu.Lock()
	s.gate, s.entered = gate, in
	s.mu.Unlock()
	var once sync.Once
	return in, func() {
		once.Do(func() {
			s.mu.Lock()
			s.gate = nil
			s.mu.Unlock()
			close(gate)
		})
	}
}

func edKey(t *testing.T) (ed25519.PrivateKey, auth.JWK) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return priv, auth.JWKSFor(pub).Keys[0]
}

func jwksVerifier(t *testing.T, url string, edit func(*auth.VerifierConfig)) *auth.Verifier {
	t.Helper()
	cfg := auth.VerifierConfig{Issuer: issuer, Audience: audience, JWKSURL: url}
	if edit != nil {
		edit(&cfg)
	}
	v, err := auth.NewVerifier(cfg)
	require.NoError(t, err)
	t.Cleanup(v.Close)
	return v
}

// notBlocked fails the test, instead of hanging it, if verification waits on something it
// should not wait on. The bound is only a guard against a hang, not a measurement.
func notBlocked(t *testing.T, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("%s is blocked behind the JWKS fetch", what)
		return nil
	}
}

// A JWKS endpoint that is slow to answer does not hold up tokens whose key is already known: the
// fetch runs outside the lock, and one fetch runs at a time however many tokens wait for it.
func TestSlowJWKSDoesNotBlockKnownKeys(t *testing.T) {
	oldKey, oldJWK := edKey(t)
	newKey, newJWK := edKey(t)
	srv := newJWKSServer(t, oldJWK)
	v := jwksVerifier(t, srv.URL, func(c *auth.VerifierConfig) { c.MinRefetch = time.Nanosecond })
	_, err := v.Verify(t.Context(), mint(t, oldKey, nil))
	require.NoError(t, err)

	// The provider rotates; its endpoint now hangs. Tokens with the new kid start a fetch and wait.
	srv.serve(oldJWK, newJWK)
	entered, release := srv.hold()
	defer release()
	const waiting = 8
	results := make(chan error, waiting)
	for range waiting {
		go func() {
			_, err := v.Verify(t.Context(), mint(t, newKey, nil))
			results <- err
		}()
	}
	<-entered // the fetch has begun and is stuck at the provider

	err = notBlocked(t, "a token with a known key", func() error {
		_, err := v.Verify(t.Context(), mint(t, oldKey, nil))
		return err
	})
	require.NoError(t, err)

	release()
	for range waiting {
		require.NoError(t, <-results)
	}
	require.Equal(t, int32(2), srv.fetches.Load(), "the waiting tokens shared one fetch")
}

// A caller whose context ends stops waiting for a slow fetch.
func TestWaitingForJWKSEndsWithTheCaller(t *testing.T) {
	_, first := edKey(t)
	key, _ := edKey(t)
	srv := newJWKSServer(t, first)
	entered, release := srv.hold()
	defer release()
	v := jwksVerifier(t, srv.URL, nil)
	ctx, cancel := context.WithCancel(t.Context())
	errs := make(chan error, 1)
	go func() {
		_, err := v.Verify(ctx, mint(t, key, nil))
		errs <- err
	}()
	<-entered
	cancel()
	require.ErrorIs(t, <-errs, auth.ErrUnauthenticated)
}

// One key the verifier cannot use (an unknown type, a bad curve, small RSA, an encryption key,
// garbage) is skipped, not a reason to refuse the whole set: the good key still verifies.
func TestJWKSWithBadKeysStillTrustsTheGoodOne(t *testing.T) {
	key, good := edKey(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	b64 := base64.RawURLEncoding
	bad := []auth.JWK{
		{Kty: "oct", Kid: "symmetric"},
		{Kty: "EC", Kid: "p384", Crv: "P-384", X: "AAAA", Y: "AAAA"},
		{Kty: "RSA", Kid: "rsa-1024", N: b64.EncodeToString(small.N.Bytes()), E: "AQAB"},
		{Kty: "OKP", Kid: "enc", Crv: "Ed25519", X: good.X, Use: "enc"},
		{Kty: "OKP", Kid: "garbage", Crv: "Ed25519", X: "!!"},
	}
	srv := newJWKSServer(t, append(bad, good)...)
	var logs bytes.Buffer
	var logMu sync.Mutex
	v := jwksVerifier(t, srv.URL, func(c *auth.VerifierConfig) {
		c.Logger = slog.New(slog.NewTextHandler(&lockedBuffer{mu: &logMu, b: &logs}, nil))
	})
	_, err = v.Verify(t.Context(), mint(t, key, nil))
	require.NoError(t, err)
	logMu.Lock()
	defer logMu.Unlock()
	for _, k := range bad {
		require.Contains(t, logs.String(), k.Kid, "each skipped key is logged")
	}

	none := newJWKSServer(t, bad...)
	_, err = jwksVerifier(t, none.URL, nil).Verify(t.Context(), mint(t, key, nil))
	require.ErrorIs(t, err, auth.ErrUnauthenticated)
}

type lockedBuffer struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// The key set is fetched again on a schedule: a key the provider removed stops being trusted
// though no token ever named an unknown kid, and a failed fetch keeps the keys held.
func TestScheduledRefreshDropsRemovedKeys(t *testing.T) {
	keepKey, keep := edKey(t)
	goneKey, gone := edKey(t)
	srv := newJWKSServer(t, keep, gone)
	ticks := make(chan time.Time)
	v, err := auth.NewVerifierWithTicks(auth.VerifierConfig{Issuer: issuer, Audience: audience, JWKSURL: srv.URL}, ticks)
	require.NoError(t, err)
	t.Cleanup(v.Close)
	for _, k := range []ed25519.PrivateKey{keepKey, goneKey} {
		_, err = v.Verify(t.Context(), mint(t, k, nil))
		require.NoError(t, err)
	}
	// A token verified before its key is removed, and kept as verified, is refused after.
	verifiedEarlier := mint(t, goneKey, nil)
	_, err = v.Verify(t.Context(), verifiedEarlier)
	require.NoError(t, err)

	// The provider fails for a while: the keys held stay.
	srv.mu.Lock()
	srv.raw = []byte("<html>maintenance</html>")
	srv.mu.Unlock()
	ticks <- time.Now()
	ticks <- time.Now() // taken only once the first refresh has finished
	_, err = v.Verify(t.Context(), mint(t, goneKey, nil))
	require.NoError(t, err, "a failed refresh keeps the keys")

	srv.mu.Lock()
	srv.raw = nil
	srv.mu.Unlock()
	srv.serve(keep)
	ticks <- time.Now()
	ticks <- time.Now()
	_, err = v.Verify(t.Context(), mint(t, keepKey, nil))
	require.NoError(t, err)
	_, err = v.Verify(t.Context(), mint(t, goneKey, nil))
	require.ErrorIs(t, err, auth.ErrUnauthenticated, "a removed key is no longer trusted")
	require.Contains(t, err.Error(), "unknown key")
	_, err = v.Verify(t.Context(), verifiedEarlier)
	require.ErrorIs(t, err, auth.ErrUnauthenticated, "a token verified with a removed key is not trusted from memory")

	// Refresh is also callable directly, and Close stops the schedule.
	require.NoError(t, v.Refresh(t.Context()))
	v.Close()
}

// RSA keys under 2048 bits are refused, from a JWKS and from a PEM key file.
func TestSmallRSAKeysAreRefused(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	b64 := base64.RawURLEncoding
	_, err = auth.JWK{Kty: "RSA", Kid: "small", N: b64.EncodeToString(small.N.Bytes()), E: "AQAB"}.PublicKey()
	require.ErrorContains(t, err, "too small")

	der, err := x509.MarshalPKIXPublicKey(&small.PublicKey)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "small.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600))
	_, err = auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: audience, KeyFile: path})
	require.ErrorContains(t, err, "too small")

	// A token signed with a small key that a JWKS offers is not verified.
	srv := newJWKSServer(t, auth.JWK{Kty: "RSA", Kid: "small", Alg: "RS256", N: b64.EncodeToString(small.N.Bytes()), E: "AQAB"})
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.RegisteredClaims{Issuer: issuer, Subject: "user-1",
		Audience: jwt.ClaimStrings{audience}, IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))})
	tok.Header["kid"] = "small"
	signed, err := tok.SignedString(small)
	require.NoError(t, err)
	_, err = jwksVerifier(t, srv.URL, nil).Verify(t.Context(), signed)
	require.ErrorIs(t, err, auth.ErrUnauthenticated)

	// A 2048-bit key, and P-256, are fine.
	big2048, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	_, err = auth.JWK{Kty: "RSA", Kid: "ok", N: b64.EncodeToString(big2048.N.Bytes()), E: "AQAB"}.PublicKey()
	require.NoError(t, err)
	_, err = auth.JWK{Kty: "RSA", Kid: "even-e", N: b64.EncodeToString(big2048.N.Bytes()), E: b64.EncodeToString(big.NewInt(65536).Bytes())}.PublicKey()
	require.ErrorContains(t, err, "exponent")
	ec, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	der, err = x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600))
	_, err = auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: audience, KeyFile: path})
	require.ErrorContains(t, err, "P-256")
}

// A token must say when it was issued, and not in the future beyond the leeway; a JWK that names
// its algorithm verifies only that algorithm.
func TestIssuedAtAndKeyAlgorithm(t *testing.T) {
	key, v := devVerifier(t)
	sign := func(claims jwt.RegisteredClaims) string {
		claims.Issuer, claims.Subject, claims.Audience = issuer, "user-1", jwt.ClaimStrings{audience}
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
		tok.Header["kid"] = auth.KeyID(key.Public().(ed25519.PublicKey))
		s, err := tok.SignedString(key)
		require.NoError(t, err)
		return s
	}
	exp := jwt.NewNumericDate(time.Now().Add(time.Hour))
	for name, tc := range map[string]struct {
		token, reason string
	}{
		"future iat": {sign(jwt.RegisteredClaims{IssuedAt: jwt.NewNumericDate(time.Now().Add(10 * time.Minute)), ExpiresAt: exp}), "issued in the future"},
		"no iat":     {sign(jwt.RegisteredClaims{ExpiresAt: exp}), "no issue time"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := v.Verify(t.Context(), tc.token)
			require.ErrorIs(t, err, auth.ErrUnauthenticated)
			require.ErrorContains(t, err, tc.reason)
		})
	}
	// Within the leeway (30s) a little clock skew is tolerated.
	_, err := v.Verify(t.Context(), sign(jwt.RegisteredClaims{IssuedAt: jwt.NewNumericDate(time.Now().Add(5 * time.Second)), ExpiresAt: exp}))
	require.NoError(t, err)

	edKeyPriv, jwk := edKey(t)
	jwk.Alg = "ES256" // the set says this key is for another algorithm
	srv := newJWKSServer(t, jwk)
	_, err = jwksVerifier(t, srv.URL, nil).Verify(t.Context(), mint(t, edKeyPriv, nil))
	require.ErrorIs(t, err, auth.ErrUnauthenticated)
}

// A key set larger than the limit is refused, not read without end.
func TestOversizedJWKSIsRefused(t *testing.T) {
	key, good := edKey(t)
	srv := newJWKSServer(t)
	b, err := json.Marshal(auth.JWKS{Keys: []auth.JWK{good}})
	require.NoError(t, err)
	srv.mu.Lock()
	srv.raw = append(b[:len(b)-1], append(bytes.Repeat([]byte(" "), 2<<20), '}')...)
	srv.mu.Unlock()
	_, err = jwksVerifier(t, srv.URL, nil).Verify(t.Context(), mint(t, key, nil))
	require.ErrorIs(t, err, auth.ErrUnauthenticated)
}
