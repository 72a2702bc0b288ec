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
	"google.golang.org/protobuf/proto"

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

// Payload decodes the event's payload into msg, which must be of the event's type. A payload that
// cannot be decoded will never be: the error is a Poison, which parks the event's stream.
func (d Delivery) Payload(msg proto.Message) error {
	if want := string(msg.ProtoReflect().Descriptor().FullName()); want != d.Envelope.GetEventType() {
		return Poison(fmt.Errorf("event %s is a %s, not a %s", d.EventID, d.Envelope.GetEventType(), want))
	}
	if err := proto.Unmarshal(d.Envelope.GetPayload(), msg); err != nil {
		return Poison(fmt.Errorf("decode %s %s: %w", d.Envelope.GetEventType(), d.EventID, err))
	}
	return nil
}

// Caused is the metadata of events a handler records in reaction to this event: actor (the
// service, e.g. "service:scheduling") caused them, this event directly, within the user action
// the event belongs to.
func (d Delivery) Caused(actor string) eventstore.Metadata {
	correlation := d.Envelope.GetMetadata().GetCorrelationId()
	if correlation == "" {
		correlation = d.EventID.String()
	}
	return eventstore.Metadata{Actor: actor, CorrelationID: correlation, CausationID: d.EventID.String()}
}

// Handler decides what one event changes. It must not write to the database itself: it records
// appends and projection writes on the unit of work, which the runner commits in one transaction
// together with the inbox row that makes a redelivery a no-op. An error it returns is classified
// (errors.go): a transient one is retried with backoff without limit; a poison (Poison) parks the
// event's stream until an operator releases it; anything else is retried MaxDeliver times and
// then treated as a poison.
type Handler func(ctx context.Context, d Delivery, uow *eventstore.UnitOfWork) error

// ConsumerConfig configures a consumer. Name, Stream and a handler are required.
type ConsumerConfig struct {
	// Name is the durable consumer's name and the inbox's consumer name, e.g. "reporting-scheduling".
	Name string
	// Stream is the stream consumed, e.g. "SCHEDULING".
	Stream string
	// Key is the platform's bus key (required): an event whose MAC does not verify under it is
	// not handled but dead-lettered, and logged as an error (Key).
	Key Key
	// FilterSubjects narrows the subjects consumed; empty means all of the stream.
	FilterSubjects []string
	// BatchSize is how many events are committed together at most (default 256).
	BatchSize int
	// MaxDeliver is how many attempts an event whose failure is neither transient nor a declared
	// poison gets before it is treated as a poison (default 5). Transient failures are retried
	// without limit.
	MaxDeliver int
	// Backoff is the wait after each failed attempt; the last one repeats (default 100ms, 500ms, 2s, 5s).
	Backoff []time.Duration
	// AckWait is how long JetStream waits for an acknowledgement before redelivering (default 30s).
	AckWait time.Duration
	// ReleaseCheck is how often the runner looks for parked streams an operator has released
	// (default 2s).
	ReleaseCheck time.Duration
	// DurableCheck is how often a leading runner checks that its durable consumer is still the one
	// it made (default 1m; durable.go).
	DurableCheck time.Duration
	// DeadLetterStream configures the DEADLETTER stream (replicas, dedupe window), which the
	// runner ensures when it leads.
	DeadLetterStream StreamOptions
	Logger           *slog.Logger
}

// Consumer runs a durable pull consumer: each event is handled exactly once in a PostgreSQL
// transaction, acknowledged after commit, and each source stream's events in their order, whatever
// a restart, a new leader or a redelivery does (see consume); with retries, parked streams and a
// dead-letter stream.
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
	retries metric.Int64Counter
	attrs   metric.MeasurementOption
	// parked are the source streams waiting for an operator (park.go); only the consuming
	// goroutine writes it, the parked gauge reads it.
	parked parkedSet
	// replayTo is, when the runner recreated a durable consumer it did not trust, the stream's
	// last sequence then: every delivery up to it is looked up in the inbox (alreadyHandled).
	// distrust makes the next lead distrust the durable consumer (checkDurable found it changed).
	// Only the consuming goroutine uses them.
	replayTo uint64
	distrust bool
}

// NewConsumer builds a consumer. Run starts it.
func NewConsumer(nc *nats.Conn, store *eventstore.Store, cfg ConsumerConfig, handle Handler) (*Consumer, error) {
	if cfg.Name == "" || cfg.Stream == "" || handle == nil {
		return nil, errors.New("consumer: name, stream and handler are required")
	}
	if err := cfg.Key.Valid(); err != nil {
		return nil, fmt.Errorf("consumer %s: %w", cfg.Name, err)
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
	if cfg.ReleaseCheck <= 0 {
		cfg.ReleaseCheck = 2 * time.Second
	}
	if cfg.DurableCheck <= 0 {
		cfg.DurableCheck = time.Minute
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
	c.attrs = attrs
	if c.handled, err = meter.Int64Counter("ft.consumer.handled", metric.WithUnit("{event}"),
		metric.WithDescription("Events a consumer handled and committed")); err != nil {
		return nil, err
	}
	if c.dead, err = meter.Int64Counter("ft.consumer.dead_letters", metric.WithUnit("{event}"),
		metric.WithDescription("Events a consumer gave up on and moved to the dead-letter stream; alert on any")); err != nil {
		return nil, err
	}
	if c.retries, err = meter.Int64Counter("ft.consumer.retries", metric.WithUnit("{attempt}"),
		metric.WithDescription("Failed attempts to handle an event that will be retried; alert when it keeps rising")); err != nil {
		return nil, err
	}
	if _, err = meter.Int64ObservableGauge("ft.consumer.parked", metric.WithUnit("{stream}"),
		metric.WithDescription("Source streams stopped at a poison event, waiting for an operator; alert on any"),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(c.parked.len()), attrs)
			return nil
		})); err != nil {
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

// consume runs while this replica leads, until ctx ends or something fails.
//
// Order by construction: JetStream hands a consumer's messages out in stream order, but messages
// that a stopped runner (a rolling deploy, a lost lock, an error) had pulled stay pending until
// AckWait while later ones go to the next runner at once, which could lift a hold before placing
// it. So every start recreates the durable consumer from its acknowledgement floor: everything not
// yet acknowledged is delivered again, in stream order, to this runner alone; what was handled
// already is a no-op (inbox). Within a run, a stream's events are handled one after another and
// an event is acknowledged only once it is committed or parked, never passed over; and the stream
// cursor (eventstore.OrderError) refuses an older event after a newer one in the database itself.
func (c *Consumer) consume(ctx context.Context) error {
	if _, err := EnsureDeadLetterStream(ctx, c.js, c.cfg.DeadLetterStream); err != nil {
		return err
	}
	if err := c.loadParked(ctx); err != nil {
		return err
	}
	cons, err := c.restartFromAckFloor(ctx)
	if err != nil {
		return err
	}
	msgs := make(chan jetstream.Msg, c.cfg.BatchSize*2)
	// gone says the durable consumer no longer answers: its stream was deleted (and with it the
	// consumer) or JetStream lost its store. The pull would wait for it for ever; this lead ends,
	// and the next recreates the consumer from its acknowledgement floor (decisions.md 368).
	gone := make(chan error, 1)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case msgs <- m:
		case <-ctx.Done():
			_ = m.Nak() // not handled here: the next runner has it at once
		}
	},
		jetstream.PullMaxMessages(c.cfg.BatchSize*2),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			c.log.DebugContext(ctx, "pull interrupted", "error", err)
			if errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, nats.ErrNoResponders) {
				select {
				case gone <- err:
				default:
				}
			}
		}))
	if err != nil {
		return fmt.Errorf("consumer %s: consume: %w", c.cfg.Name, err)
	}
	var unfinished []jetstream.Msg
	defer func() {
		// A stopping runner gives back what it pulled and did not finish.
		cc.Stop()
		for _, m := range unfinished {
			_ = m.Nak()
		}
		for {
			select {
			case m := <-msgs:
				_ = m.Nak()
			default:
				return
			}
		}
	}()
	release := time.NewTicker(c.cfg.ReleaseCheck)
	defer release.Stop()
	check := time.NewTicker(c.cfg.DurableCheck)
	defer check.Stop()
	batch := make([]jetstream.Msg, 0, c.cfg.BatchSize)
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			return nil
		case err := <-gone:
			return fmt.Errorf("consumer %s: its durable consumer is gone (the stream deleted, or JetStream lost its store): %w", c.cfg.Name, err)
		case <-release.C:
			if err := c.releaseParked(ctx); err != nil {
				return err
			}
			continue
		case <-check.C:
			if err := c.checkDurable(ctx, cons); err != nil {
				return err
			}
			continue
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
		if unfinished, err = c.process(ctx, batch); err != nil || len(unfinished) > 0 {
			return err
		}
	}
}

// restartFromAckFloor recreates the durable consumer so that it delivers, in stream order, every
// message after the last one acknowledged in sequence (see consume). It trusts that floor only in
// a durable consumer the service made (durable.go, decisions.md 369): one missing after the
// consumer had handled events, or made otherwise (a start past an event, other filters, a limit on
// deliveries), is logged as an error and recreated delivering the whole stream, and the events of
// it the inbox holds are acknowledged without being handled again (replayTo).
func (c *Consumer) restartFromAckFloor(ctx context.Context) (jetstream.Consumer, error) {
	cfg := c.durableConfig()
	c.replayTo = 0
	distrust := c.distrust
	old, err := c.js.Consumer(ctx, c.cfg.Stream, c.cfg.Name)
	switch {
	case errors.Is(err, jetstream.ErrConsumerNotFound):
		handled, err := c.handledAny(ctx)
		if err != nil {
			return nil, err
		}
		if handled {
			c.log.ErrorContext(ctx, "durable consumer missing though this consumer has handled events (its stream deleted, JetStream's store lost, or deleted by someone on the bus): recreated from the start of the stream; events already handled are skipped",
				"stream", c.cfg.Stream)
			distrust = true
		}
	case err != nil:
		return nil, fmt.Errorf("consumer %s: read its state: %w", c.cfg.Name, err)
	default:
		info := old.CachedInfo()
		if diff := c.foreign(info.Config); len(diff) > 0 || distrust {
			c.log.ErrorContext(ctx, "durable consumer is not the one this service made (changed or recreated by someone on the bus, or by an older version of the service): its acknowledgement floor is not trusted; recreated from the start of the stream; events already handled are skipped",
				"stream", c.cfg.Stream, "differs", diff, "changed_while_leading", c.distrust, "ack_floor", info.AckFloor.Stream)
			distrust = true
		} else if floor := info.AckFloor.Stream; floor > 0 {
			cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, floor+1
		}
		if err := c.js.DeleteConsumer(ctx, c.cfg.Stream, c.cfg.Name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			return nil, fmt.Errorf("consumer %s: restart from its acknowledgement floor: %w", c.cfg.Name, err)
		}
	}
	if distrust {
		// Every event up to the stream's end now is delivered again: the inbox is read for each
		// of them (alreadyHandled), so what was handled is acknowledged without its handler.
		stream, err := c.js.Stream(ctx, c.cfg.Stream)
		if err != nil {
			return nil, fmt.Errorf("consumer %s: read its stream: %w", c.cfg.Name, err)
		}
		c.replayTo = stream.CachedInfo().State.LastSeq
	}
	if cfg.DeliverPolicy == jetstream.DeliverByStartSequencePolicy {
		c.cfg.Key.signStart(c.cfg.Stream, &cfg)
	}
	cons, err := c.js.CreateOrUpdateConsumer(ctx, c.cfg.Stream, cfg)
	if err != nil {
		return nil, fmt.Errorf("consumer %s: create: %w", c.cfg.Name, err)
	}
	c.distrust = false
	return cons, nil
}

// checkDurable reads the durable consumer while the runner leads: one changed since (its filters,
// its limit on deliveries; what JetStream lets anyone update in place) may have passed over
// events, so the lead ends and the next one distrusts it (restartFromAckFloor). A consumer deleted
// ends the lead on its own (consume).
func (c *Consumer) checkDurable(ctx context.Context, cons jetstream.Consumer) error {
	info, err := cons.Info(ctx)
	if err != nil {
		return nil // deleted (consume sees it) or NATS unreachable: the next check tries again
	}
	if diff := c.foreign(info.Config); len(diff) > 0 {
		c.distrust = true
		return fmt.Errorf("consumer %s: its durable consumer was changed while this runner led (%v): restarting from the start of the stream", c.cfg.Name, diff)
	}
	return nil
}
