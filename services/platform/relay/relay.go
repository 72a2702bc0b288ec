// Package relay is the transactional outbox of DESIGN.md: it publishes a service's events from its
// event log to JetStream, in commit order, so that no event is ever skipped or reordered.
//
// Commit order is not position order under concurrent writers, so the relay reads only rows whose
// transaction id is below the oldest transaction still running (pg_snapshot_xmin), ordered by
// (tx_id, position): a row it has not seen yet can then never appear behind its cursor.
//
// Each publish names the event before it as the stream's expected last message id. JetStream then
// refuses any message that would overtake one that failed (a timeout, a no-responders retry inside
// the client), and the relay starts again from its checkpoint; a re-published event that the stream
// already holds is dropped by its Nats-Msg-Id. PostgreSQL is the truth, the stream a copy: if
// JetStream loses its tail, the relay notices the stream's last message is behind its checkpoint
// and re-publishes from there (RepublishFrom does the same on demand).
package relay

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/internal/wait"
	"github.com/familytime/familytime/services/platform/leader"
)

const instrumentation = "github.com/familytime/familytime/services/platform/relay"

// Config configures a relay. Service is required; the rest have defaults.
type Config struct {
	// Service names the stream and the subjects' second token, e.g. "scheduling".
	Service string
	// Key is the platform's bus key (required): each message carries its MAC, without which no
	// consumer handles it (bus.Key).
	Key bus.Key
	// Log names the service's event log in its events' MACs (bus.Key.ForLog), which the relay
	// checks before it signs an event for the bus; default Service. Benchmarks that publish one
	// log under many stream names set it.
	Log string
	// BatchSize is how many events one read takes (default 1000).
	BatchSize int
	// MaxInFlight bounds publishes awaiting JetStream's acknowledgement (default 1000).
	MaxInFlight int
	// PollInterval is how often an idle relay looks for new events (default 20ms).
	PollInterval time.Duration
	// Wake, if set, ends an idle relay's wait at once: the service's own store signals its
	// commits on it (eventstore.Store.Committed), so its events go out without waiting for the
	// poll. Commits of other replicas are found by the poll.
	Wake <-chan struct{}
	// MaxBackoff caps the wait between attempts while NATS is unavailable (default 5s).
	MaxBackoff time.Duration
	// AckTimeout is how long a publish may wait for its acknowledgement (default 5s).
	AckTimeout time.Duration
	// StreamCheck is how often an idle relay checks that its stream still ends with the last
	// event it published (default 1 minute), as it does each time it starts leading: a stream
	// that lost its store is re-published without waiting for the service's next event
	// (checkStream, decisions.md 368).
	StreamCheck time.Duration
	// Stream configures the service's stream, which the relay creates or updates when it leads.
	Stream bus.StreamOptions
	// Appends, if set, is told to refuse every append while the stream holds events the log does
	// not (the database restored from a backup or failed over: Ready, decisions.md 370): the
	// service's own store (eventstore.Store), so no command or consumer gives a new event a stream
	// version the other services have handled from a lost one. Only a relay with Appends looks
	// for that: a service's own, which host wires. One without (the stand-in logs of tests, several
	// logs publishing on one stream) reads a signed message its log lacks as another log's, and
	// goes on as before decision 370.
	Appends AppendGate
	Logger  *slog.Logger
}

// AppendGate is what refuses a service's appends (eventstore.Store implements it).
type AppendGate interface {
	RefuseAppends(err error)
	AcceptAppends()
}

// Relay publishes one service's event log to its JetStream stream.
type Relay struct {
	cfg    Config
	pool   *pgxpool.Pool
	js     jetstream.JetStream
	stream string
	tracer trace.Tracer
	// published counts events acknowledged by JetStream.
	published metric.Int64Counter
	log       *slog.Logger
	// auth checks each event's hash and MAC before it is signed for the bus (decisions.md 157).
	auth *eventstore.Authenticator
	// ackedSeq is the stream sequence of the last event JetStream acknowledged to this relay
	// since it started leading (0 before one): a stream whose last message comes after it, but is
	// an older event, holds a copy someone else published (resync).
	ackedSeq uint64
	// behind is set while the stream holds events the log does not (Ready).
	behind atomic.Pointer[eventstore.BehindError]
}

// New builds a relay on the service's pool (runtime role) and a NATS connection.
func New(pool *pgxpool.Pool, nc *nats.Conn, cfg Config) (*Relay, error) {
	if cfg.Service == "" {
		return nil, errors.New("relay: service is required")
	}
	if err := cfg.Key.Valid(); err != nil {
		return nil, fmt.Errorf("relay %s: %w", cfg.Service, err)
	}
	setDefaults(&cfg)
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(cfg.MaxInFlight),
		jetstream.WithPublishAsyncTimeout(cfg.AckTimeout))
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	r := &Relay{cfg: cfg, pool: pool, js: js, stream: bus.StreamName(cfg.Service),
		tracer: otel.Tracer(instrumentation), log: cfg.Logger.With("relay", cfg.Service), auth: eventstore.NewAuthenticator(cfg.Key.ForLog(cmp.Or(cfg.Log, cfg.Service)))}
	meter := otel.Meter(instrumentation)
	if r.published, err = meter.Int64Counter("ft.relay.published", metric.WithUnit("{event}"),
		metric.WithDescription("Events the relay published and JetStream acknowledged")); err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	_, err = meter.Int64ObservableGauge("ft.relay.lag", metric.WithUnit("{event}"),
		metric.WithDescription("Committed events not yet published (counted up to 1,000,000)"),
		metric.WithInt64Callback(func(ctx context.Context, o metric.Int64Observer) error {
			lag, err := r.Lag(ctx)
			if err != nil {
				return err
			}
			o.Observe(lag, metric.WithAttributes(attribute.String("service", cfg.Service)))
			return nil
		}))
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	return r, nil
}

func setDefaults(cfg *Config) {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 1000
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 1000
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 20 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Second
	}
	if cfg.AckTimeout <= 0 {
		cfg.AckTimeout = 5 * time.Second
	}
	if cfg.StreamCheck <= 0 {
		cfg.StreamCheck = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
}

// checkpoint is where the relay has published up to, in commit order.
type checkpoint struct {
	txID      uint64
	position  int64
	lastEvent uuid.UUID // uuid.Nil before the first publish
}

// Run publishes until ctx ends. Several replicas may run it: package leader makes one publish
// and the others stand by.
func (r *Relay) Run(ctx context.Context) {
	leader.Run(ctx, r.pool, "familytime.relay."+r.cfg.Service, r.log, r.publish)
}

// publish runs while this replica leads, until ctx ends or the database fails.
//
// Two batches move at once: while JetStream acknowledges one, the next is read and sent, so the
// database read, the envelopes and the acknowledgements overlap. That is safe because every
// message names the one sent before it as the stream's expected last: if a message of the first
// batch fails, every message after it, in either batch, is refused too. The relay then waits for
// everything still in flight and starts again from its checkpoint, which only ever moves past
// acknowledged events.
func (r *Relay) publish(ctx context.Context) error {
	err := r.publishing(ctx)
	if behind, ok := errors.AsType[*eventstore.BehindError](err); ok {
		return r.halt(ctx, behind)
	}
	return err
}

// publishing is publish until an error.
func (r *Relay) publishing(ctx context.Context) error {
	if _, err := bus.EnsureStream(ctx, r.js, r.cfg.Service, r.cfg.Stream); err != nil {
		return err
	}
	// What this replica knows of the stream starts with this lead, before the checkpoint is
	// loaded: a resync there must not take the last lead's acknowledgements, which may stop short
	// of what the stream holds, for this one's and call the stream's tail a copy.
	r.ackedSeq = 0
	cp, err := r.loadCheckpoint(ctx)
	if err != nil {
		return err
	}
	if cp, err = r.checkStream(ctx, cp); err != nil {
		return err
	}
	r.caughtUp(ctx)
	checked := time.Now() // when the stream was last checked against the checkpoint
	backoff := r.cfg.PollInterval
	var idling idleWait
	var inflight *batch // sent, not yet settled
	sentUpTo := cp      // the last event sent
	for ctx.Err() == nil {
		var next *batch
		var readErr error
		if inflight == nil || inflight.sendErr == nil {
			next, readErr = r.sendBatch(ctx, sentUpTo)
			if next != nil && len(next.events) > 0 {
				sentUpTo = next.end()
			}
		}
		var publishErr error
		if inflight != nil {
			acked, upTo, err := inflight.settle(ctx)
			if ctx.Err() != nil {
				return nil // stopping; what was acknowledged is published again harmlessly on restart
			}
			r.ackedSeq = max(r.ackedSeq, inflight.ackedSeq)
			if acked > 0 {
				r.published.Add(ctx, int64(acked), metric.WithAttributes(attribute.String("service", r.cfg.Service)))
				saved, saveErr := r.saveCheckpoint(ctx, cp, upTo)
				if saveErr != nil {
					return saveErr
				}
				if saved != upTo { // RepublishFrom moved it meanwhile: start again from there
					publishErr = errCheckpointMoved
				}
				cp = saved
			}
			if err != nil {
				publishErr = err
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if publishErr == nil && readErr == nil && next != nil && next.sendErr != nil && len(next.futures) == 0 {
			publishErr = next.sendErr // nothing of the new batch went out
		}
		if publishErr != nil || readErr != nil {
			// Nothing may still be in flight when publishing starts again from the checkpoint.
			if next != nil {
				_, _, _ = next.settle(ctx)
			}
			inflight, sentUpTo = nil, cp
			switch err := cmp.Or(publishErr, readErr); {
			case errors.Is(err, errCheckpointMoved):
			case errors.Is(err, errWrongLast):
				r.log.WarnContext(ctx, "stream's last message is not the relay's checkpoint; resynchronising")
				if cp, err = r.resync(ctx, cp); err != nil {
					return err
				}
				sentUpTo = cp
			default:
				r.log.WarnContext(ctx, "publish failed; retrying from checkpoint", "error", err, "backoff", backoff)
				// A stream deleted while the service has events to send fails every publish, and
				// only an idle relay checks its stream: review 90 saw a relay retry for minutes, a
				// safeguarding hold never reaching scheduling, until a restart. A missing stream
				// ends this lead; the next creates the stream (bus.EnsureStream) and publishes
				// again from where it stands (checkStream), as at start.
				if _, serr := r.js.Stream(ctx, r.stream); errors.Is(serr, jetstream.ErrStreamNotFound) {
					return fmt.Errorf("publish: the stream %s is missing (deleted, or JetStream lost its store): %w", r.stream, serr)
				}
				wait.Sleep(ctx, backoff)
				backoff = min(backoff*2, r.cfg.MaxBackoff)
			}
			continue
		}
		backoff = r.cfg.PollInterval
		idle := inflight == nil && (next == nil || len(next.events) == 0)
		inflight = nil
		if next != nil && len(next.events) > 0 {
			inflight = next
		}
		if idle {
			// Only an idle relay, nothing in flight and its checkpoint where it sent up to, checks
			// its stream: one stream info call a StreamCheck, none on the publishing path.
			if time.Since(checked) >= r.cfg.StreamCheck {
				checked = time.Now()
				if cp, err = r.checkStream(ctx, cp); err != nil {
					return err
				}
				sentUpTo = cp
				continue
			}
			idling.pause(ctx, r.cfg)
		} else {
			idling.found()
		}
	}
	return nil
}

// idleWait is how an idle relay waits: for the poll interval, a commit of the service's own
// store (Config.Wake), or the end of ctx. A woken relay may still read nothing: the commit's
// transaction is readable only once every older transaction has ended (readBatch's horizon),
// and that can take a moment; so after a wake that found nothing it looks again after 1 ms,
// 2 ms, 4 ms and so on, up to the poll interval, instead of waiting a whole poll.
type idleWait struct{ retry time.Duration }

// found is called when a read found events: the next wait is a full one again.
func (w *idleWait) found() { w.retry = 0 }

// pause waits after a read that found nothing.
func (w *idleWait) pause(ctx context.Context, cfg Config) {
	d := cfg.PollInterval
	if w.retry > 0 && w.retry < d {
		d = w.retry
		w.retry *= 2
	} else {
		w.retry = 0
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-cfg.Wake: // nil when not set: never ready
		w.retry = time.Millisecond
	}
}

var (
	errWrongLast       = errors.New("stream's last message id is not the expected one")
	errCheckpointMoved = errors.New("checkpoint moved by RepublishFrom")
)

// readBatch reads committed events after the checkpoint in commit order.
func (r *Relay) readBatch(ctx context.Context, q pgx.Tx, cp checkpoint) ([]eventstore.RecordedEvent, error) {
	rows, err := q.Query(ctx, eventstore.SelectColumns+`
		WHERE (tx_id, position) > ($1::xid8, $2)
		  AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
		ORDER BY tx_id, position LIMIT $3`, xid(cp.txID), cp.position, r.cfg.BatchSize)
	if err != nil {
		return nil, fmt.Errorf("read events after checkpoint: %w", err)
	}
	return pgx.CollectRows(rows, eventstore.Scan)
}

// batch is one read's events on their way to JetStream.
type batch struct {
	events []eventstore.RecordedEvent
	// futures are the sent events' acknowledgements; fewer than events if sendErr stopped it.
	futures []jetstream.PubAckFuture
	sendErr error
	// ackedSeq is the highest stream sequence acknowledged to the batch (settle).
	ackedSeq uint64
}

// end is the checkpoint after the batch's last event.
func (b *batch) end() checkpoint { return after(&b.events[len(b.events)-1]) }

// after is the checkpoint once e is published.
func after(e *eventstore.RecordedEvent) checkpoint {
	return checkpoint{txID: e.TxID, position: e.Position, lastEvent: e.ID}
}

// sendBatch reads the events after `after` and publishes them without waiting for
// acknowledgements. A read error returns no batch; a send error is kept in the batch.
func (r *Relay) sendBatch(ctx context.Context, after checkpoint) (*batch, error) {
	b := &batch{}
	// Read in a repeatable-read snapshot so the horizon and the rows agree.
	err := pgx.BeginTxFunc(ctx, r.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		b.events, err = r.readBatch(ctx, tx, after)
		return err
	})
	if err != nil {
		return nil, err
	}
	b.futures = make([]jetstream.PubAckFuture, 0, len(b.events))
	previous := ""
	if after.lastEvent != uuid.Nil {
		previous = after.lastEvent.String()
	}
	for i := range b.events {
		id := b.events[i].ID.String()
		msg := r.message(ctx, &b.events[i], id)
		opts := []jetstream.PublishOpt{jetstream.WithMsgID(id)}
		if previous != "" {
			opts = append(opts, jetstream.WithExpectLastMsgID(previous))
		}
		f, err := r.js.PublishMsgAsync(msg, opts...)
		if err != nil {
			b.sendErr = fmt.Errorf("publish: %w", err)
			break
		}
		b.futures = append(b.futures, f)
		previous = id
	}
	return b, nil
}

// settle waits for every acknowledgement of the batch, so nothing of it is still in flight
// afterwards, and returns how many events at its start were acknowledged, the checkpoint after
// them, and why the rest were not.
func (b *batch) settle(ctx context.Context) (int, checkpoint, error) {
	acked := 0
	var first error
	for _, f := range b.futures {
		select {
		case ack := <-f.Ok():
			if first == nil {
				acked++
				b.ackedSeq = max(b.ackedSeq, ack.Sequence)
			}
		case err := <-f.Err():
			if first == nil {
				first = fmt.Errorf("publish acknowledgement: %w", err)
				var apiErr *jetstream.APIError
				if errors.As(err, &apiErr) && apiErr.ErrorCode == errCodeWrongLastMsgID && acked == 0 {
					first = errWrongLast
				}
			}
		case <-ctx.Done():
			return acked, checkpoint{}, ctx.Err()
		}
	}
	if first == nil && acked < len(b.events) {
		first = b.sendErr
	}
	var upTo checkpoint
	if acked > 0 {
		upTo = after(&b.events[acked-1])
	}
	return acked, upTo, first
}

// errCodeWrongLastMsgID is JetStream's JSStreamWrongLastMsgIDErrF.
const errCodeWrongLastMsgID jetstream.ErrorCode = 10070

// envelopeOverhead is about what an envelope adds to its payload: ids, names, metadata, hash.
const envelopeOverhead = 512

// message builds the JetStream message of an event: the envelope as body, ids and trace context
// as headers, nothing personal anywhere outside the sealed payload. id is the event id's text.
func (r *Relay) message(ctx context.Context, e *eventstore.RecordedEvent, id string) *nats.Msg {
	msg := &nats.Msg{
		Subject: bus.Subject(r.cfg.Service, e.CentreID, e.Type),
		Data:    e.AppendEnvelope(make([]byte, 0, envelopeOverhead+len(e.Payload))),
		// The header names are canonical already, so the map is filled directly.
		Header: nats.Header{bus.HeaderEventID: {id}, bus.HeaderEventType: {e.Type}},
	}
	if e.FamilyID != uuid.Nil {
		msg.Header[bus.HeaderFamilyID] = []string{e.FamilyID.String()}
	}
	// Continue the trace of the command that recorded the event.
	parent := ctx
	if e.Metadata.Traceparent != "" {
		parent = propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{
			"traceparent": e.Metadata.Traceparent, "tracestate": e.Metadata.Tracestate})
	}
	spanCtx, span := r.tracer.Start(parent, "publish "+bus.EventName(e.Type), trace.WithSpanKind(trace.SpanKindProducer))
	if span.IsRecording() { // the attributes cost allocations every event; only a sampled span keeps them
		span.SetAttributes(attribute.String("messaging.system", "nats"),
			attribute.String("messaging.destination.name", msg.Subject),
			attribute.String("messaging.message.id", e.ID.String()))
	}
	propagation.TraceContext{}.Inject(spanCtx, bus.HeaderCarrier(msg.Header))
	span.End()
	if err := r.auth.Check(e); err != nil {
		// Someone with write access to the database put it there (or it predates event MACs):
		// it goes out without the bus MAC, so every consumer dead-letters it unhandled, and the
		// stream's later events wait behind it, which an operator sees as lag (decisions.md 157).
		r.log.Error("an event in the log was not appended by the service: published without the bus MAC, no consumer acts on it; "+
			"run familytime verify and treat it as a security incident (docs/runbook.md)", "stream", e.StreamID, "version", e.Version,
			"position", e.Position, "why", err.Error())
		return msg
	}
	r.cfg.Key.Sign(msg)
	return msg
}

func xid(n uint64) pgtype.Uint64 { return pgtype.Uint64{Uint64: n, Valid: true} }
