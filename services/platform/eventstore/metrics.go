package eventstore

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// The store's metrics (ft.eventstore.*). Appends are the hot path, so recording is kept cheap:
// the instruments are made once per store, every attribute set is made once too (the database,
// and the outcome: ok, conflict, error), and the option slices are passed as they are, so a
// commit records without allocating (TestMetricsDoNotAllocate). Only a sampled trace costs more:
// the SDK keeps an exemplar of it.

// commitBuckets are the bounds of the commit latency histogram, in seconds: from a group commit
// on a fast disk to a commit stuck behind locks.
var commitBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// groupBuckets are the bounds of the group size histogram, in units of work (at most maxGroupUnits).
var groupBuckets = []float64{1, 2, 4, 8, 16, 32, 64}

// outcome is a commit's outcome as a metric attribute.
type outcome int

const (
	outcomeOK outcome = iota
	outcomeConflict
	outcomeError
	outcomes
)

var outcomeNames = [outcomes]string{"ok", "conflict", "error"}

type metrics struct {
	appends   metric.Int64Counter
	events    metric.Int64Counter
	duration  metric.Float64Histogram
	groupSize metric.Int64Histogram
	// byOutcome holds the attributes (database, outcome) of each outcome, made once.
	byOutcome [outcomes]struct {
		add    []metric.AddOption
		record []metric.RecordOption
	}
	// database holds the attributes (database) of figures that have no outcome.
	database struct {
		add    []metric.AddOption
		record []metric.RecordOption
	}
}

// newMetrics makes a store's instruments with provider, for the store's database. New passes the
// provider that is global then; a store made before telemetry is set up reports through the
// global provider's delegate once it is.
func newMetrics(provider metric.MeterProvider, database string) *metrics {
	meter := provider.Meter(instrumentation)
	m := &metrics{}
	var errs []error
	var err error
	m.appends, err = meter.Int64Counter("ft.eventstore.appends", metric.WithUnit("{unit}"),
		metric.WithDescription("Units of work that append events, by outcome (ok, conflict: a stream was not at the version expected, error)."))
	errs = append(errs, err)
	m.events, err = meter.Int64Counter("ft.eventstore.events.appended", metric.WithUnit("{event}"),
		metric.WithDescription("Events appended and committed."))
	errs = append(errs, err)
	m.duration, err = meter.Float64Histogram("ft.eventstore.commit.duration", metric.WithUnit("s"),
		metric.WithDescription("Time a unit of work took to commit (appends, inbox rows, projections), from Commit to its outcome, by outcome."),
		metric.WithExplicitBucketBoundaries(commitBuckets...))
	errs = append(errs, err)
	m.groupSize, err = meter.Int64Histogram("ft.eventstore.group.size", metric.WithUnit("{unit}"),
		metric.WithDescription("Units of work committed together in one transaction by the group commit."),
		metric.WithExplicitBucketBoundaries(groupBuckets...))
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		otel.Handle(err)
		np := noop.Meter{}
		m.appends, _ = np.Int64Counter("")
		m.events, _ = np.Int64Counter("")
		m.duration, _ = np.Float64Histogram("")
		m.groupSize, _ = np.Int64Histogram("")
	}
	db := attribute.String("pool.database", database)
	for o := range outcomes {
		set := metric.WithAttributeSet(attribute.NewSet(db, attribute.String("outcome", outcomeNames[o])))
		m.byOutcome[o].add = []metric.AddOption{set}
		m.byOutcome[o].record = []metric.RecordOption{set}
	}
	set := metric.WithAttributeSet(attribute.NewSet(db))
	m.database.add = []metric.AddOption{set}
	m.database.record = []metric.RecordOption{set}
	return m
}

// commit records a unit of work's commit, begun at start, that ended with err.
func (m *metrics) commit(ctx context.Context, start time.Time, uow *UnitOfWork, err error) {
	o := outcomeOK
	if err != nil {
		o = outcomeError
		if errors.Is(err, ErrVersionConflict) {
			o = outcomeConflict
		}
	}
	attrs := &m.byOutcome[o]
	m.duration.Record(ctx, time.Since(start).Seconds(), attrs.record...)
	if len(uow.appends) == 0 {
		return
	}
	m.appends.Add(ctx, 1, attrs.add...)
	if o == outcomeOK {
		m.events.Add(ctx, int64(uow.events()), m.database.add...)
	}
}

// group records the size of a group commit.
func (m *metrics) group(units int) {
	m.groupSize.Record(context.Background(), int64(units), m.database.record...)
}
