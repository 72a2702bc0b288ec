package auth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/auth"
)

// An identity provider's key set comes over the network: a P-256 key is accepted only when its
// point is on the curve, and every malformed key is refused with its kid named.
func TestJWKPublicKey(t *testing.T) {
	b64 := base64.RawURLEncoding
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	raw, err := priv.PublicKey.Bytes() // 0x04 || X || Y
	require.NoError(t, err)
	x, y := raw[1:33], raw[33:]

	good := auth.JWK{Kty: "EC", Kid: "ec-1", Crv: "P-256", X: b64.EncodeToString(x), Y: b64.EncodeToString(y)}
	pub, err := good.PublicKey()
	require.NoError(t, err)
	require.True(t, priv.PublicKey.Equal(pub))

	offCurve := append([]byte(nil), y...)
	offCurve[31] ^= 1
	cases := map[string]auth.JWK{
		"point is not on P-256":           {Kty: "EC", Kid: "ec-2", Crv: "P-256", X: good.X, Y: b64.EncodeToString(offCurve)},
		"only P-256 EC keys are accepted": {Kty: "EC", Kid: "ec-3", Crv: "P-384", X: good.X, Y: good.Y},
		"coordinates must be 32 bytes":    {Kty: "EC", Kid: "ec-4", Crv: "P-256", X: good.X[:10], Y: good.Y},
		"malformed RSA key":               {Kty: "RSA", Kid: "rsa-1", N: "!!", E: "AQAB"},
		"not an Ed25519 key":              {Kty: "OKP", Kid: "ed-1", Crv: "Ed25519", X: "AAAA"},
		"unsupported key type":            {Kty: "oct", Kid: "sym-1"},
	}
	for want, k := range cases {
		_, err := k.PublicKey()
		require.ErrorContains(t, err, want)
		require.ErrorContains(t, err, k.Kid)
	}
}
