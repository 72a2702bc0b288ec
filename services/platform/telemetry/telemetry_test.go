package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/familytime/familytime/services/platform/telemetry"
)

func TestLogLinesCarryTheTrace(t *testing.T) {
	var buf bytes.Buffer
	spans := tracetest.NewInMemoryExporter()
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "scheduling", LogOutput: &buf, SpanExporter: spans})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })

	ctx, span := otel.Tracer("test").Start(t.Context(), "RegisterCentre")
	tel.Logger.InfoContext(ctx, "centre registered", "centre_id", "c-1")
	span.End()
	tel.Logger.InfoContext(t.Context(), "outside any span")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2)
	var inside, outside map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &inside))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &outside))
	require.Equal(t, span.SpanContext().TraceID().String(), inside["trace_id"])
	require.Equal(t, span.SpanContext().SpanID().String(), inside["span_id"])
	require.Equal(t, "scheduling", inside["service"])
	require.NotContains(t, outside, "trace_id")
	require.Len(t, spans.GetSpans(), 1, "spans from the global tracer reach the exporter")
}

func TestMetricsAndHealthOnTheAdminPort(t *testing.T) {
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "relay-test", LogOutput: io.Discard})
	require.NoError(t, err)
	counter, err := otel.Meter("test").Int64Counter("ft.test.appends")
	require.NoError(t, err)
	counter.Add(t.Context(), 3)

	body := get(t, "http://"+tel.AdminAddr()+"/metrics")
	require.Contains(t, body, "ft_test_appends_total")
	require.Regexp(t, `ft_test_appends_total\{[^}]*\} 3`, body)
	require.Equal(t, "ok\n", get(t, "http://"+tel.AdminAddr()+"/healthz"))

	addr := tel.AdminAddr()
	require.NoError(t, tel.Shutdown(t.Context()))
	require.NoError(t, tel.Shutdown(t.Context()), "shutting down twice is safe")
	_, err = net.DialTimeout("tcp", addr, time.Second)
	require.Error(t, err, "the admin server is stopped")
}

func TestAdminPortTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	_, err = telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "x", AdminAddr: l.Addr().String(), LogOutput: io.Discard})
	require.ErrorContains(t, err, "admin port "+l.Addr().String()+" is taken")
}

func TestOTLPEndpointWithNothingListeningDoesNotHang(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "x", OTLPEndpoint: "http://" + addr, LogOutput: io.Discard})
	require.NoError(t, err)
	_, span := otel.Tracer("test").Start(t.Context(), "work")
	span.End()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { _ = tel.Shutdown(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown hung on an unreachable collector")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}
