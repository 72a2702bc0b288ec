package eventstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Recording a commit's metrics allocates nothing (outside a sampled trace), with the SDK behind
// the instruments, whatever the outcome; and what is recorded is what happened.
func TestMetricsDoNotAllocate(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = provider.Shutdown(context.Background()) }()
	m := newMetrics(provider, "familytime_test")
	ctx := context.Background()
	uow := new(UnitOfWork).Append("family-1", NoStream, Event{Type: "t"}, Event{Type: "t"})
	inboxOnly := &UnitOfWork{inbox: []inboxEntry{{consumer: "c"}}}
	conflict := fmt.Errorf("append: %w", ErrVersionConflict)
	start := time.Now()
	allocs := testing.AllocsPerRun(1000, func() {
		m.commit(ctx, start, uow, nil)
		m.commit(ctx, start, uow, conflict)
		m.commit(ctx, start, inboxOnly, nil)
		m.group(3)
	})
	require.Zero(t, allocs, "allocations per commit recorded")

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(ctx, &rm))
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, metric := range sm.Metrics {
			switch data := metric.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range data.DataPoints {
					o, _ := p.Attributes.Value("outcome")
					got[metric.Name+"/"+o.AsString()] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range data.DataPoints {
					o, _ := p.Attributes.Value("outcome")
					got[metric.Name+"/"+o.AsString()] += int64(p.Count)
				}
			case metricdata.Histogram[int64]:
				for _, p := range data.DataPoints {
					got[metric.Name] += int64(p.Count)
					got[metric.Name+"/sum"] += p.Sum
				}
			}
		}
	}
	runs := int64(1001) // AllocsPerRun runs the function once more, to warm up
	require.Equal(t, map[string]int64{
		"ft.eventstore.appends/ok":               runs,
		"ft.eventstore.appends/conflict":         runs,
		"ft.eventstore.events.appended/":         2 * runs,
		"ft.eventstore.commit.duration/ok":       2 * runs,
		"ft.eventstore.commit.duration/conflict": runs,
		"ft.eventstore.group.size":               runs,
		"ft.eventstore.group.size/sum":           3 * runs,
	}, got)
}
