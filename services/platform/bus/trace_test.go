package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
)

// One trace runs from the command that appends, through the relay's publish, to the consumer's
// handling, and on to the events the consumer appends.
func TestTraceRunsFromAppendThroughRelayToConsumer(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	// The relay and the runner take their tracers from the global provider; the rig builds them
	// after this line. Tests in this package that do not look at spans are unaffected.
	previous := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(previous) })

	var handlerSpan trace.SpanContext
	handled := make(chan struct{})
	g := newRig(t, bus.ConsumerConfig{}, func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		handlerSpan = trace.SpanContextFromContext(ctx)
		e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: 2}, d.FamilyID, uuid.Nil, eventstore.Metadata{})
		if err != nil {
			return err
		}
		uow.Append("derived", 0, e)
		close(handled)
		return nil
	})
	ctx, command := tp.Tracer("test").Start(t.Context(), "RegisterCentre")
	e, err := eventstore.NewEvent(&testingv1.CounterIncremented{Value: 1}, uuid.New(), uuid.Nil, eventstore.Metadata{})
	require.NoError(t, err)
	_, err = g.source.Append(ctx, "traced", 0, e)
	require.NoError(t, err)
	command.End()

	select {
	case <-handled:
	case <-time.After(30 * time.Second):
		t.Fatal("the consumer never handled the event")
	}
	g.waitCaughtUp(t, 1)
	traceID := command.SpanContext().TraceID()
	require.Equal(t, traceID, handlerSpan.TraceID(), "the handler runs in the command's trace")

	// The consumer ends its span after acknowledging, so the span may land a moment after the
	// consumer has caught up.
	names := map[string]bool{}
	require.Eventually(t, func() bool {
		for _, s := range spans.GetSpans() {
			if s.SpanContext.TraceID() == traceID {
				names[s.Name] = true
			}
		}
		return names["publish CounterIncremented"] && names["consume CounterIncremented"]
	}, 10*time.Second, 10*time.Millisecond, "the relay's publish and the consumer's spans are in the trace")

	derived, err := g.sink.Load(t.Context(), "derived")
	require.NoError(t, err)
	require.Len(t, derived, 1)
	require.Contains(t, derived[0].Metadata.Traceparent, traceID.String(), "events the consumer appends continue the trace")
}
