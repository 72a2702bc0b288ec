package pgpool

import (
	"context"
	"sync"
	"weak"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Pool statistics as OpenTelemetry observable instruments (ft.pgpool.*), read from
// pgxpool.Stat when metrics are collected (a scrape of /metrics), never on the query path.
//
// Every pool Open returns is watched, with its database and user as attributes, through a weak
// pointer: the registry never keeps a pool alive, and a pool that has been garbage collected
// drops out. Its cumulative counts (acquires, waits) are then kept in a retired total for its
// attributes, as last read, so the counters of a database never go backwards when one of its pools
// goes away. A closed pool still referenced reports its connections as zero.
//
// One callback serves all pools. It is registered with the meter provider that is global when a
// pool is opened, and moved when that provider changes (a process, or a test, that sets
// telemetry up again), so it is never registered twice.

const instrumentation = "github.com/familytime/familytime/services/platform/pgpool"

// watched is one pool being reported.
type watched struct {
	pool  weak.Pointer[pgxpool.Pool]
	attrs attribute.Set
	last  counts // as read at the last collection
}

// counts are a pool's cumulative figures.
type counts struct {
	acquires, waited, canceled, created int64
	acquireSeconds, waitSeconds         float64
}

func (c *counts) add(o counts) {
	c.acquires += o.acquires
	c.waited += o.waited
	c.canceled += o.canceled
	c.created += o.created
	c.acquireSeconds += o.acquireSeconds
	c.waitSeconds += o.waitSeconds
}

// gauges are a pool's current figures.
type gauges struct{ acquired, idle, total, constructing, max int64 }

var registry struct {
	mu       sync.Mutex
	pools    []*watched
	retired  map[attribute.Distinct]*retiredCounts
	provider metric.MeterProvider
	reg      metric.Registration
}

type retiredCounts struct {
	attrs attribute.Set
	counts
}

// watch reports pool's statistics from now on.
func watch(pool *pgxpool.Pool) {
	cfg := pool.Config().ConnConfig
	attrs := attribute.NewSet(attribute.String("pool.database", cfg.Database), attribute.String("pool.user", cfg.User))
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.pools = append(registry.pools, &watched{pool: weak.Make(pool), attrs: attrs})
	provider := otel.GetMeterProvider()
	if registry.provider == provider {
		return
	}
	if registry.reg != nil {
		_ = registry.reg.Unregister()
		registry.reg = nil
	}
	reg, err := register(provider.Meter(instrumentation))
	if err != nil {
		otel.Handle(err)
		return
	}
	registry.provider, registry.reg = provider, reg
}

// register creates the instruments on meter and the one callback that observes every pool.
func register(meter metric.Meter) (metric.Registration, error) {
	var errs []error
	gauge := func(name, desc string) metric.Int64ObservableGauge {
		g, err := meter.Int64ObservableGauge(name, metric.WithDescription(desc), metric.WithUnit("{connection}"))
		errs = append(errs, err)
		return g
	}
	counter := func(name, desc, unit string) metric.Int64ObservableCounter {
		c, err := meter.Int64ObservableCounter(name, metric.WithDescription(desc), metric.WithUnit(unit))
		errs = append(errs, err)
		return c
	}
	seconds := func(name, desc string) metric.Float64ObservableCounter {
		c, err := meter.Float64ObservableCounter(name, metric.WithDescription(desc), metric.WithUnit("s"))
		errs = append(errs, err)
		return c
	}
	acquired := gauge("ft.pgpool.connections.acquired", "Connections currently acquired from the pool (in use).")
	idle := gauge("ft.pgpool.connections.idle", "Idle connections in the pool.")
	total := gauge("ft.pgpool.connections.total", "Connections in the pool: acquired, idle and being opened.")
	constructing := gauge("ft.pgpool.connections.constructing", "Connections being opened.")
	maxConns := gauge("ft.pgpool.connections.max", "The most connections the pool may hold.")
	acquires := counter("ft.pgpool.acquires", "Successful acquires of a connection from the pool.", "{acquire}")
	waited := counter("ft.pgpool.acquires.waited", "Successful acquires that had to wait for a connection (none was idle).", "{acquire}")
	canceled := counter("ft.pgpool.acquires.canceled", "Acquires whose context ended while they waited.", "{acquire}")
	created := counter("ft.pgpool.connections.opened", "Connections the pool has opened.", "{connection}")
	acquireTime := seconds("ft.pgpool.acquire.duration", "Total time spent in successful acquires.")
	waitTime := seconds("ft.pgpool.acquire.wait", "Total time successful acquires spent waiting for a connection.")
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for attrs, c := range collect() {
			opt := metric.WithAttributeSet(attrs.set)
			o.ObserveInt64(acquired, attrs.gauges.acquired, opt)
			o.ObserveInt64(idle, attrs.gauges.idle, opt)
			o.ObserveInt64(total, attrs.gauges.total, opt)
			o.ObserveInt64(constructing, attrs.gauges.constructing, opt)
			o.ObserveInt64(maxConns, attrs.gauges.max, opt)
			o.ObserveInt64(acquires, c.acquires, opt)
			o.ObserveInt64(waited, c.waited, opt)
			o.ObserveInt64(canceled, c.canceled, opt)
			o.ObserveInt64(created, c.created, opt)
			o.ObserveFloat64(acquireTime, c.acquireSeconds, opt)
			o.ObserveFloat64(waitTime, c.waitSeconds, opt)
		}
		return nil
	}, acquired, idle, total, constructing, maxConns, acquires, waited, canceled, created, acquireTime, waitTime)
}

// observed is what one set of attributes reports: its pools' current gauges.
type observed struct {
	set    attribute.Set
	gauges gauges
}

// collect reads every live pool's statistics and sums them by attributes (pools of the same
// database and user are one series), with the retired counts of pools gone. Pools gone since the
// last collection are retired here.
func collect() map[*observed]counts {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.retired == nil {
		registry.retired = map[attribute.Distinct]*retiredCounts{}
	}
	byAttrs := map[attribute.Distinct]*observed{}
	sums := map[*observed]counts{}
	entry := func(set attribute.Set) *observed {
		o, ok := byAttrs[set.Equivalent()]
		if !ok {
			o = &observed{set: set}
			byAttrs[set.Equivalent()] = o
		}
		return o
	}
	live := registry.pools[:0]
	for _, w := range registry.pools {
		pool := w.pool.Value()
		if pool == nil {
			r, ok := registry.retired[w.attrs.Equivalent()]
			if !ok {
				r = &retiredCounts{attrs: w.attrs}
				registry.retired[w.attrs.Equivalent()] = r
			}
			r.add(w.last)
			continue
		}
		live = append(live, w)
		s := pool.Stat()
		w.last = counts{acquires: s.AcquireCount(), waited: s.EmptyAcquireCount(), canceled: s.CanceledAcquireCount(),
			created: s.NewConnsCount(), acquireSeconds: s.AcquireDuration().Seconds(), waitSeconds: s.EmptyAcquireWaitTime().Seconds()}
		o := entry(w.attrs)
		o.gauges.acquired += int64(s.AcquiredConns())
		o.gauges.idle += int64(s.IdleConns())
		o.gauges.total += int64(s.TotalConns())
		o.gauges.constructing += int64(s.ConstructingConns())
		o.gauges.max += int64(s.MaxConns())
		c := sums[o]
		c.add(w.last)
		sums[o] = c
	}
	clear(registry.pools[len(live):])
	registry.pools = live
	for _, r := range registry.retired {
		o := entry(r.attrs)
		c := sums[o]
		c.add(r.counts)
		sums[o] = c
	}
	return sums
}
