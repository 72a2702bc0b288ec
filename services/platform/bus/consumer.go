package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/leader"
)

const instrumentation = "github.com/familytime/familytime/services/platform/bus"

// Delivery is one event handed to a handler.
type Delivery struct {
	Envelope *commonv1.EventEnvelope
	EventID  uuid.UUID
	// FamilyID is uuid.Nil for events that concern no family.
	FamilyID uuid.UUID
	Subject  string
	// Attempt counts deliveries of this event to this consumer, from 1.
	Attempt int
}

// Handler decides what one event changes. It must not write to the database itself: it records
// appends and projection writes on the unit of work, which the runner commits in one transaction
// together with the inbox row that makes a redelivery a no-op. Returning an error retries the
// event with backoff; after MaxDeliver attempts it goes to the dead-letter stream.
type Handler func(ctx context.Context, d Delivery, uow *eventstore.UnitOfWork) error

// ConsumerConfig configures a consumer. Name, Stream and a handler are required.
type ConsumerConfig struct {
	// Name is the durable consumer's name and the inbox's consumer name, e.g. "reporting-scheduling".
	Name string
	// Stream is the stream consumed, e.g. "SCHEDULING".
	Stream string
	// FilterSubjects narrows the subjects consumed; empty means all of the stream.
	FilterSubjects []string
	// BatchSize is how many events are committed together at most (default 256).
	BatchSize int
	// MaxDeliver is how many attempts an event gets before it is dead-lettered (default 5).
	MaxDeliver int
	// Backoff is the wait after each failed attempt; the last one repeats (default 100ms, 500ms, 2s, 5s).
	Backoff []time.Duration
	// AckWait is how long JetStream waits for an acknowledgement before redelivering (default 30s).
	AckWait time.Duration
	Logger  *slog.Logger
}

// Consumer runs a durable pull consumer: each event is handled exactly once in a PostgreSQL
// transaction, acknowledged after commit, in stream order (so per family in order), with retries,
// backoff and a dead-letter stream.
type Consumer struct {
	cfg     ConsumerConfig
	nc      *nats.Conn
	js      jetstream.JetStream
	store   *eventstore.Store
	handle  Handler
	log     *slog.Logger
	tracer  trace.Tracer
	handled metric.Int64Counter
	dead    metric.Int64Counter
	cons    jetstream.Consumer
}

// NewConsumer builds a consumer. Run starts it.
func NewConsumer(nc *nats.Conn, store *eventstore.Store, cfg ConsumerConfig, handle Handler) (*Consumer, error) {
	if cfg.Name == "" || cfg.Stream == "" || handle == nil {
		return nil, errors.New("consumer: name, stream and handler are required")
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 256
	}
	if cfg.MaxDeliver <= 0 {
		cfg.MaxDeliver = 5
	}
	if len(cfg.Backoff) == 0 {
		cfg.Backoff = []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second, 5 * time.Second}
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("consumer %s: %w", cfg.Name, err)
	}
	c := &Consumer{cfg: cfg, nc: nc, js: js, store: store, handle: handle,
		log: cfg.Logger.With("consumer", cfg.Name), tracer: otel.Tracer(instrumentation)}
	meter := otel.Meter(instrumentation)
	attrs := metric.WithAttributes(attribute.String("consumer", cfg.Name))
	if c.handled, err = meter.Int64Counter("ft.consumer.handled", metric.WithUnit("{event}"),
		metric.WithDescription("Events a consumer handled and committed")); err != nil {
		return nil, err
	}
	if c.dead, err = meter.Int64Counter("ft.consumer.dead_letters", metric.WithUnit("{event}"),
		metric.WithDescription("Events a consumer gave up on and moved to the dead-letter stream; alert on any")); err != nil {
		return nil, err
	}
	_, err = meter.Int64ObservableGauge("ft.consumer.lag", metric.WithUnit("{event}"),
		metric.WithDescription("Events in the stream the consumer has not yet acknowledged"),
		metric.WithInt64Callback(func(ctx context.Context, o metric.Int64Observer) error {
			lag, err := c.Lag(ctx)
			if err != nil {
				return err
			}
			o.Observe(lag, attrs)
			return nil
		}))
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Lag is the number of events the consumer has not yet acknowledged.
func (c *Consumer) Lag(ctx context.Context) (int64, error) {
	cons, err := c.js.Consumer(ctx, c.cfg.Stream, c.cfg.Name)
	if err != nil {
		return 0, fmt.Errorf("consumer lag: %w", err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("consumer lag: %w", err)
	}
	return int64(info.NumPending) + int64(info.NumAckPending), nil
}

// Run consumes until ctx ends. Several replicas may run it: package leader makes one consume at a
// time, which is what keeps each family's events in order.
func (c *Consumer) Run(ctx context.Context) {
	leader.Run(ctx, c.store.Pool(), "familytime.consumer."+c.cfg.Name, c.log, c.consume)
}

func (c *Consumer) consume(ctx context.Context) error {
	if _, err := EnsureDeadLetterStream(ctx, c.js, StreamOptions{}); err != nil {
		return err
	}
	cons, err := c.js.CreateOrUpdateConsumer(ctx, c.cfg.Stream, jetstream.ConsumerConfig{
		Durable:        c.cfg.Name,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        c.cfg.AckWait,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		FilterSubjects: c.cfg.FilterSubjects,
		// The runner counts attempts and dead-letters itself; JetStream never drops an event
		// silently at its own MaxDeliver.
		MaxDeliver:    -1,
		MaxAckPending: c.cfg.BatchSize * 4,
	})
	if err != nil {
		return fmt.Errorf("consumer %s: create: %w", c.cfg.Name, err)
	}
	c.cons = cons
	msgs := make(chan jetstream.Msg, c.cfg.BatchSize*2)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case msgs <- m:
		case <-ctx.Done(): // unacknowledged: JetStream redelivers it to the next leader
		}
	},
		jetstream.PullMaxMessages(c.cfg.BatchSize*2),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			c.log.DebugContext(ctx, "pull interrupted", "error", err)
		}))
	if err != nil {
		return fmt.Errorf("consumer %s: consume: %w", c.cfg.Name, err)
	}
	defer cc.Stop()
	batch := make([]jetstream.Msg, 0, c.cfg.BatchSize)
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			return nil
		case m := <-msgs:
			batch = append(batch, m)
		}
	fill:
		for len(batch) < c.cfg.BatchSize {
			select {
			case m := <-msgs:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		if err := c.process(ctx, batch); err != nil {
			return err
		}
	}
}
