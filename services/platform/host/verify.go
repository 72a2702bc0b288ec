package host

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"

	"github.com/familytime/familytime/services/platform/eventstore"
)

// VerifyLog checks the service's whole event log against its hash chains (eventstore.VerifyAll)
// first after a while, then every interval, until ctx ends. Each broken stream is logged as an
// error, and the gauge ft.eventstore.broken_streams holds how many the last check found (-1
// until one has finished): the append-only trigger stops the service's own role, not a
// superuser, and a change made behind the service's back was otherwise never noticed (review 18
// changed a screening's rating and deleted a hold's event; the services carried on, their views
// disagreeing with their logs). familytime verify runs the same check on demand.
func VerifyLog(ctx context.Context, store *eventstore.Store, first, interval time.Duration, log *slog.Logger) error {
	var broken atomic.Int64
	broken.Store(-1)
	_, err := otel.Meter("github.com/familytime/familytime/services/platform/host").Int64ObservableGauge("ft.eventstore.broken_streams",
		metric.WithUnit("{stream}"),
		metric.WithDescription("Streams whose hash chain the last check of the log found broken (-1 before the first check); alert on any above 0"),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(broken.Load())
			return nil
		}))
	if err != nil {
		return err
	}
	go func() {
		wait := time.NewTimer(first)
		defer wait.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-wait.C:
			}
			began := time.Now()
			found, err := store.VerifyAll(ctx, nil)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				log.ErrorContext(ctx, "the check of the event log could not finish; it is tried again at the next interval", "error", err)
			default:
				broken.Store(int64(len(found)))
				for _, f := range found {
					log.ErrorContext(ctx, "the event log was changed behind the service's back: a stream's hash chain is broken (docs/runbook.md, Verifying the log)",
						"stream", f.Stream, "version", f.Version, "reason", f.Reason)
				}
				log.InfoContext(ctx, "event log checked", "broken_streams", len(found), "took", time.Since(began).Round(time.Millisecond).String())
			}
			wait.Reset(interval)
		}
	}()
	return nil
}
