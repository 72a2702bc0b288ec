package host

import (
	"flag"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The configuration printed at start never shows a password.
func TestConfigPrintMasksSecrets(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://familytime_app:s3cret-runtime@db.internal:5432/scheduling")
	cfg := Config{Service: "scheduling"}
	fs := flag.NewFlagSet("scheduling", flag.ContinueOnError)
	cfg.Flags(fs)
	require.NoError(t, fs.Parse([]string{"-migrate-database-url", "postgres://owner:s3cret-owner@db.internal/scheduling",
		"-nats-url", "nats://svc:s3cret-nats@nats.internal:4222", "-auth-issuer", "https://id.test"}))

	var out strings.Builder
	cfg.Print(&out)
	printed := out.String()
	require.NotContains(t, printed, "s3cret")
	require.Contains(t, printed, "postgres://familytime_app:xxxxx@db.internal:5432/scheduling", "from the environment")
	require.Contains(t, printed, "postgres://owner:xxxxx@db.internal/scheduling")
	require.Contains(t, printed, "nats://svc:xxxxx@nats.internal:4222")
	require.Contains(t, printed, "https://id.test")
	require.Contains(t, printed, "service-token-file")

	for raw, want := range map[string]string{
		"host=db.internal user=app password=s3cret dbname=x":           "(set; not a URL, not shown)",
		"postgres://app@db.internal/x?password=s3cret&sslmode=require": "postgres://app@db.internal/x?password=xxxxx&sslmode=require",
		"": "(not set)",
	} {
		require.Equal(t, want, Redact(raw))
	}
}
