package pgpool_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/familytime/familytime/services/platform/pgpool"
	"github.com/familytime/familytime/services/platform/testkit"
)

// A pool's statistics are reported under its database and user; when the pool is closed and
// gone, its connections count no more and its acquires still do.
func TestPoolMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	previous := otel.GetMeterProvider()
	otel.SetMeterProvider(provider)
	t.Cleanup(func() {
		otel.SetMeterProvider(previous)
		_ = provider.Shutdown(context.Background())
	})
	db := testkit.Postgres(t)
	ctx := t.Context()
	pool, err := pgpool.Open(ctx, db.RuntimeURL, 5)
	require.NoError(t, err)
	for range 3 {
		c, err := pool.Acquire(ctx)
		require.NoError(t, err)
		c.Release()
	}
	held, err := pool.Acquire(ctx)
	require.NoError(t, err)

	figures := collect(t, reader, db.Name)
	require.EqualValues(t, 5, figures["ft.pgpool.connections.max"])
	require.EqualValues(t, 1, figures["ft.pgpool.connections.acquired"])
	require.EqualValues(t, 1, figures["ft.pgpool.connections.total"])
	require.EqualValues(t, 0, figures["ft.pgpool.connections.idle"])
	require.EqualValues(t, 4, figures["ft.pgpool.acquires"])
	require.EqualValues(t, 1, figures["ft.pgpool.connections.opened"])
	require.Positive(t, figures["ft.pgpool.acquire.duration"])

	held.Release()
	pool.Close()
	pool = nil // the pool must be unreachable for the GC
	for range 3 {
		runtime.GC()
	}
	figures = collect(t, reader, db.Name)
	require.EqualValues(t, 0, figures["ft.pgpool.connections.total"], "a pool gone holds no connections")
	require.EqualValues(t, 4, figures["ft.pgpool.acquires"], "its acquires still count")
}

// collect reads the figures reported for database, by instrument name.
func collect(t *testing.T, reader *sdkmetric.ManualReader, database string) map[string]float64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(t.Context(), &rm))
	out := map[string]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch data := m.Data.(type) {
			case metricdata.Gauge[int64]:
				for _, p := range data.DataPoints {
					if v, _ := p.Attributes.Value("pool.database"); v.AsString() == database {
						out[m.Name] += float64(p.Value)
					}
				}
			case metricdata.Sum[int64]:
				for _, p := range data.DataPoints {
					if v, _ := p.Attributes.Value("pool.database"); v.AsString() == database {
						out[m.Name] += float64(p.Value)
					}
				}
			case metricdata.Sum[float64]:
				for _, p := range data.DataPoints {
					if v, _ := p.Attributes.Value("pool.database"); v.AsString() == database {
						out[m.Name] += p.Value
					}
				}
			}
		}
	}
	return out
}
