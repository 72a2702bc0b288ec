package host

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/bus"
)

// The configuration printed at start never shows a password.
func TestConfigPrintMasksSecrets(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://familytime_app:s3cret-runtime@db.internal:5432/scheduling")
	cfg := Config{Service: "scheduling"}
	fs := flag.NewFlagSet("scheduling", flag.ContinueOnError)
	cfg.Flags(fs)
	require.NoError(t, fs.Parse([]string{"-migrate-database-url", "postgres://owner:s3cret-owner@db.internal/scheduling",
		"-nats-url", "nats://svc:s3cret-nats@nats.internal:4222", "-auth-issuer", "https://id.test",
		"-bus-key", "czNjcmV0LWJ1cy1rZXktb2YtMzItYnl0ZXMtbG9uZyE="}))

	var out strings.Builder
	cfg.Print(&out)
	printed := out.String()
	require.NotContains(t, printed, "s3cret")
	require.Contains(t, printed, "postgres://familytime_app:xxxxx@db.internal:5432/scheduling", "from the environment")
	require.Contains(t, printed, "postgres://owner:xxxxx@db.internal/scheduling")
	require.Contains(t, printed, "nats://svc:xxxxx@nats.internal:4222")
	require.Contains(t, printed, "https://id.test")
	require.Contains(t, printed, "service-token-file")
	require.Regexp(t, `bus-key\s+\(set, not shown\)`, printed, "the bus key is a secret too")
	require.NotContains(t, printed, "czNjcmV0")

	for raw, want := range map[string]string{
		"host=db.internal user=app password=s3cret dbname=x":           "(set; not a URL, not shown)",
		"postgres://app@db.internal/x?password=s3cret&sslmode=require": "postgres://app@db.internal/x?password=xxxxx&sslmode=require",
		"": "(not set)",
	} {
		require.Equal(t, want, Redact(raw))
	}
}

// A service authenticates the events it publishes and consumes with the platform's bus key: one
// of BUS_KEY and BUS_KEY_FILE is required, and a key that is not 32 bytes of base64 is refused
// with a reason that never shows it.
func TestTheBusKeyIsRequired(t *testing.T) {
	parse := func(args ...string) Config {
		t.Helper()
		cfg := Config{Service: "scheduling"}
		fs := flag.NewFlagSet("scheduling", flag.ContinueOnError)
		cfg.Flags(fs)
		require.NoError(t, fs.Parse(args))
		return cfg
	}
	_, err := parse().BusKeyOf()
	require.ErrorContains(t, err, "BUS_KEY_FILE or BUS_KEY")
	_, err = parse("-bus-key", "not a key").BusKeyOf()
	require.ErrorContains(t, err, "not base64")
	require.NotContains(t, err.Error(), "not a key")
	_, err = parse("-bus-key", "c2hvcnQ=").BusKeyOf()
	require.ErrorContains(t, err, "32 bytes")
	_, err = parse("-bus-key", " , ").BusKeyOf()
	require.ErrorContains(t, err, "none is given")

	file := filepath.Join(t.TempDir(), "bus.key")
	want, err := bus.LoadOrCreateKeyFile(file)
	require.NoError(t, err)
	info, err := os.Stat(file)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "only its owner reads it")
	got, err := parse("-bus-key-file", file).BusKeyOf()
	require.NoError(t, err)
	require.Equal(t, want.String(), got.String())
	got, err = parse("-bus-key", want.String()).BusKeyOf()
	require.NoError(t, err)
	require.Equal(t, want.String(), got.String())
	_, err = parse("-bus-key", want.String(), "-bus-key-file", file).BusKeyOf()
	require.ErrorContains(t, err, "not both")
}

// -help prints each flag's default, never a secret the environment gives (review 19 read the
// bus key in a service's -help).
func TestHelpShowsNoSecret(t *testing.T) {
	key := bus.NewKey().String()
	t.Setenv("BUS_KEY", key)
	t.Setenv("KEKS", "a2VrLW9mLXRoZS1lbnZpcm9ubWVudC0zMi1ieXRlcyE=")
	cfg := Config{Service: "referral"}
	fs := flag.NewFlagSet("referral", flag.ContinueOnError)
	var help strings.Builder
	fs.SetOutput(&help)
	cfg.Flags(fs)
	require.ErrorIs(t, fs.Parse([]string{"-help"}), flag.ErrHelp)
	require.NotContains(t, help.String(), key)
	require.NotContains(t, help.String(), "a2VrLW9m")
	got, err := cfg.BusKeyOf()
	require.NoError(t, err, "the environment's key is used all the same")
	require.Equal(t, key, got.String())
}
