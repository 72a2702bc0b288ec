package host

import (
	"flag"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/seal"
)

// The KEKs are never printed; a key store needs its KEKs, and KEKs need a key store.
func TestKeyStoreConfig(t *testing.T) {
	k1, k2 := seal.GenerateKEK(), seal.GenerateKEK()
	t.Setenv("KEKS", k1+","+k2)
	t.Setenv("KEYSTORE_URL", "postgres://familytime_app:s3cret-keys@keys.internal/referral_keys")
	cfg := Config{Service: "referral"}
	fs := flag.NewFlagSet("referral", flag.ContinueOnError)
	cfg.Flags(fs)
	require.NoError(t, fs.Parse(nil))
	var out strings.Builder
	cfg.Print(&out)
	printed := out.String()
	require.NotContains(t, printed, k1)
	require.NotContains(t, printed, k2)
	require.NotContains(t, printed, "s3cret")
	require.Contains(t, printed, "(set: 2 keys, not shown)")
	require.Contains(t, printed, "postgres://familytime_app:xxxxx@keys.internal/referral_keys")

	for name, tc := range map[string]struct {
		cfg  Config
		want string
	}{
		"a key store without KEKs": {Config{KeystoreURL: "postgres://x@y/z"}, "no key-encryption key"},
		"KEKs without a key store": {Config{KEKs: k1}, "no keystore-url"},
		"both kinds of KEK":        {Config{KeystoreURL: "postgres://x@y/z", KEKs: k1, KEKDir: t.TempDir()}, "not both"},
		"a primary that is absent": {Config{KeystoreURL: "postgres://x@y/z", KEKs: k1, KEKPrimary: "0011223344556677"}, "0011223344556677 is not among"},
	} {
		_, _, err := openKeyStore(t.Context(), tc.cfg)
		require.ErrorContains(t, err, tc.want, name)
		require.NotContains(t, err.Error(), k1, name)
	}
	sealer, pool, err := openKeyStore(t.Context(), Config{})
	require.NoError(t, err)
	require.Nil(t, sealer, "a service without personal data runs without a key store")
	require.Nil(t, pool)
}
