package devserver_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/tools/internal/devserver"
)

// The dev platform serves reporting's figures page and the JSON it reads on the admin port it
// names in dashboard_url (in one process, the dev process's, beside /metrics).
func TestDevPlatformServesTheDashboard(t *testing.T) {
	p := startOnServer(t, devserver.Config{DataDir: t.TempDir()})
	require.True(t, strings.HasSuffix(p.Info.DashboardURL, "/dashboard"), p.Info.DashboardURL)
	admin := strings.TrimSuffix(p.Info.DashboardURL, "/dashboard")
	require.Equal(t, strings.TrimSuffix(p.Info.MetricsURL, "/metrics"), admin)
	for path, contentType := range map[string]string{"/dashboard": "text/html; charset=utf-8",
		"/figures?period=quarter&year=2026&number=1": "application/json", "/centres": "application/json"} {
		resp, err := http.Get(admin + path)
		require.NoError(t, err, path)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err, path)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, body)
		require.Equal(t, contentType, resp.Header.Get("Content-Type"), path)
	}
}
