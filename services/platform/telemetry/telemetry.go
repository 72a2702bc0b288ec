// Package telemetry sets up a service's traces, metrics and logs in one call: OpenTelemetry tracer
// and meter providers installed globally (the relay, the consumers and otelgrpc use the globals),
// W3C trace-context propagation, an OTLP exporter when OTEL_EXPORTER_OTLP_ENDPOINT is set, a
// Prometheus /metrics endpoint on an admin HTTP port always, and a JSON slog logger that puts the
// trace and span ids on every line.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelruntime "go.opentelemetry.io/contrib/instrumentation/runtime"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Config configures telemetry. ServiceName is required.
type Config struct {
	ServiceName    string
	ServiceVersion string
	// AdminAddr serves /metrics and /healthz; default 127.0.0.1:0 (a free port).
	AdminAddr string
	// OTLPEndpoint receives traces and metrics by OTLP/gRPC; default $OTEL_EXPORTER_OTLP_ENDPOINT,
	// and none when that is empty. The exporters also read the other OTEL_EXPORTER_OTLP_* variables.
	OTLPEndpoint string
	LogLevel     slog.Level
	// LogOutput receives the JSON log (default os.Stderr).
	LogOutput io.Writer
	// SampleRatio of traces kept (default 1: every trace; production lowers it).
	SampleRatio float64
	// SpanExporter, if set, also receives every span synchronously (tests use an in-memory one).
	SpanExporter sdktrace.SpanExporter
}

// Telemetry is what Setup started. It is a struct rather than a bare shutdown function because
// the caller also needs the logger and the admin address it picked.
type Telemetry struct {
	Logger *slog.Logger
	admin  net.Listener
	mux    *http.ServeMux
	server *http.Server
	once   sync.Once
	stop   []func(context.Context) error
}

// Setup installs the global providers and propagator, starts the admin server, and returns
// Telemetry whose Shutdown flushes and stops everything.
func Setup(ctx context.Context, cfg Config) (*Telemetry, error) {
	if cfg.ServiceName == "" {
		return nil, errors.New("telemetry: service name is required")
	}
	if cfg.AdminAddr == "" {
		cfg.AdminAddr = "127.0.0.1:0"
	}
	if cfg.OTLPEndpoint == "" {
		cfg.OTLPEndpoint = os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	if cfg.LogOutput == nil {
		cfg.LogOutput = os.Stderr
	}
	if cfg.SampleRatio == 0 {
		cfg.SampleRatio = 1
	}
	t := &Telemetry{Logger: NewLogger(cfg.LogOutput, cfg.LogLevel, cfg.ServiceName)}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		attribute.String("service.name", cfg.ServiceName), attribute.String("service.version", cfg.ServiceVersion)))
	if err != nil {
		return nil, fmt.Errorf("telemetry: resource: %w", err)
	}

	traceOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio)))}
	if cfg.SpanExporter != nil {
		traceOpts = append(traceOpts, sdktrace.WithSyncer(cfg.SpanExporter))
	}
	registry := prometheus.NewRegistry()
	// The process's resident memory, CPU time and open files (process_*), read from /proc when
	// scraped: what an operator watches a service's footprint by.
	registry.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The scheduler's latency histogram (go.schedule.duration) comes from the runtime as a
	// producer; the other Go runtime metrics are instruments, started below.
	promExporter, err := otelprom.New(otelprom.WithRegisterer(registry), otelprom.WithProducer(otelruntime.NewProducer()))
	if err != nil {
		return nil, fmt.Errorf("telemetry: prometheus exporter: %w", err)
	}
	meterOpts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithReader(promExporter)}
	if cfg.OTLPEndpoint != "" {
		spans, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(cfg.OTLPEndpoint))
		if err != nil {
			return nil, fmt.Errorf("telemetry: OTLP trace exporter: %w", err)
		}
		traceOpts = append(traceOpts, sdktrace.WithBatcher(spans))
		metrics, err := otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpointURL(cfg.OTLPEndpoint))
		if err != nil {
			return nil, fmt.Errorf("telemetry: OTLP metric exporter: %w", err)
		}
		meterOpts = append(meterOpts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metrics)))
	}
	tp := sdktrace.NewTracerProvider(traceOpts...)
	mp := sdkmetric.NewMeterProvider(meterOpts...)
	// Go runtime metrics (go.memory.used, go.goroutine.count, go.memory.gc.goal, ...).
	if err := otelruntime.Start(otelruntime.WithMeterProvider(mp)); err != nil {
		_ = tp.Shutdown(ctx)
		_ = mp.Shutdown(ctx)
		return nil, fmt.Errorf("telemetry: runtime metrics: %w", err)
	}
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	slog.SetDefault(t.Logger)
	t.stop = append(t.stop, tp.Shutdown, mp.Shutdown)

	t.admin, err = net.Listen("tcp", cfg.AdminAddr)
	if err != nil {
		_ = t.Shutdown(ctx)
		return nil, fmt.Errorf("telemetry: admin port %s is taken or unusable: %w", cfg.AdminAddr, err)
	}
	mux := http.NewServeMux()
	t.mux = mux
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	t.server = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = t.server.Serve(t.admin) }()
	t.stop = append([]func(context.Context) error{t.server.Shutdown}, t.stop...)
	return t, nil
}

// Handle adds a handler to the admin port (for example a service's JSON for dashboards), beside
// /metrics and /healthz; pattern is an http.ServeMux pattern.
func (t *Telemetry) Handle(pattern string, h http.Handler) { t.mux.Handle(pattern, h) }

// AdminAddr is where /metrics and /healthz are served.
func (t *Telemetry) AdminAddr() string { return t.admin.Addr().String() }

// Shutdown stops the admin server and flushes spans and metrics, within ctx. Safe to call twice.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var errs []error
	t.once.Do(func() {
		for _, stop := range t.stop {
			if err := stop(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		}
	})
	return errors.Join(errs...)
}
