package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/internal/wait"
)

// Parked streams. A poison event stops its source stream, not the consumer: the event and every
// later event of its stream are kept in the consumer's database (parked_streams, parked_events)
// and acknowledged, so JetStream's window of unacknowledged events never fills and other streams
// flow. Applying the stream's later events without it would be worse than waiting (a hold lifted
// that was never placed). An operator fixes the cause and releases the stream (Release, or the
// SQL in docs/runbook.md): "retry" hands the poison to the handler again, "skip" records it as
// handled without effect; then the stream's parked events are handled in order and the stream
// flows again. A restart changes nothing: the parked state lives in the database.

const (
	parkStream = `INSERT INTO parked_streams (consumer, stream_id, event_id, version, reason) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (consumer, stream_id) DO UPDATE SET event_id = EXCLUDED.event_id, version = EXCLUDED.version,
			reason = EXCLUDED.reason, parked_at = now(), release = NULL, released_at = NULL, released_by = NULL`
	parkEvent = `INSERT INTO parked_events (consumer, event_id, stream_id, version, subject, envelope)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consumer, event_id) DO NOTHING`
	markParkedHandled = `UPDATE parked_events SET handled_at = now() WHERE consumer = $1 AND event_id = $2`
)

// parkedSet is the set of parked source streams.
type parkedSet struct {
	mu      sync.Mutex
	streams map[string]bool
}

func (p *parkedSet) has(stream string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.streams[stream]
}

func (p *parkedSet) set(stream string, parked bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.streams == nil {
		p.streams = map[string]bool{}
	}
	if parked {
		p.streams[stream] = true
	} else {
		delete(p.streams, stream)
	}
}

func (p *parkedSet) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.streams)
}

// loadParked reads which streams are parked, and handles those an operator has released.
func (c *Consumer) loadParked(ctx context.Context) error {
	c.parked.mu.Lock()
	c.parked.streams = map[string]bool{}
	c.parked.mu.Unlock()
	return c.releaseParked(ctx)
}

// park stops the event's stream at the event: the event is kept in the database, the stream marked
// parked, and a copy goes to the dead-letter stream for operators. It returns false if ctx ended
// before the database took it.
func (c *Consumer) park(ctx context.Context, it *item, cause error, class failure, attempts int) bool {
	reason := cause.Error()
	if class == unclassified {
		reason = fmt.Sprintf("gave up after %d attempts: %s", attempts, reason)
	}
	if len(reason) > 512 {
		reason = reason[:512]
	}
	uow := new(eventstore.UnitOfWork).Exec(parkStream, c.cfg.Name, it.stream(), it.d.EventID, it.d.Envelope.GetStreamVersion(), reason)
	if !c.hold(ctx, it, uow) {
		return false
	}
	c.parked.set(it.stream(), true)
	headers := nats.Header{}
	var seq uint64
	if it.msg != nil {
		headers, seq = it.msg.Headers(), sequence(it.msg)
	} else {
		headers.Set(HeaderEventID, it.d.EventID.String())
	}
	c.deadLetter(ctx, it.raw, headers, it.d.Subject, seq, errors.New(reason)) // the database holds it either way
	c.log.ErrorContext(it.ctx, "stream parked at a poison event; its later events wait for an operator",
		"stream", it.stream(), "event_id", it.d.EventID, "version", it.d.Envelope.GetStreamVersion(), "reason", reason)
	return true
}

// hold keeps the event among its stream's parked events (with extra, in the same transaction),
// retrying until the database takes it; false if ctx ended first.
func (c *Consumer) hold(ctx context.Context, it *item, extra *eventstore.UnitOfWork) bool {
	if extra == nil {
		extra = new(eventstore.UnitOfWork)
	}
	extra.Exec(parkEvent, c.cfg.Name, it.d.EventID, it.stream(), it.d.Envelope.GetStreamVersion(), it.d.Subject, it.raw)
	return c.commitRetrying(ctx, extra) == nil
}

// commitRetrying commits a unit of the runner's own bookkeeping, retrying with backoff until it
// commits or ctx ends.
func (c *Consumer) commitRetrying(ctx context.Context, uow *eventstore.UnitOfWork) error {
	for attempt := 1; ; attempt++ {
		_, err := c.store.Commit(ctx, uow)
		if err == nil {
			return nil
		}
		c.log.WarnContext(ctx, "consumer bookkeeping failed; will retry", "attempt", attempt, "error", err)
		if !wait.Sleep(ctx, c.backoff(attempt)) {
			return ctx.Err()
		}
	}
}

// releaseParked refreshes which streams are parked and replays those an operator has released.
func (c *Consumer) releaseParked(ctx context.Context) error {
	rows, err := c.store.Pool().Query(ctx, `SELECT stream_id, event_id, coalesce(release, '') FROM parked_streams
		WHERE consumer = $1 AND released_at IS NULL`, c.cfg.Name)
	if err != nil {
		return fmt.Errorf("read parked streams: %w", err)
	}
	type parked struct {
		stream, release string
		poison          uuid.UUID
	}
	all, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (parked, error) {
		var p parked
		err := row.Scan(&p.stream, &p.poison, &p.release)
		return p, err
	})
	if err != nil {
		return fmt.Errorf("read parked streams: %w", err)
	}
	for _, p := range all {
		c.parked.set(p.stream, true)
	}
	for _, p := range all {
		if p.release == "" {
			continue
		}
		if err := c.replay(ctx, p.stream, p.poison, p.release == "skip"); err != nil {
			return err
		}
	}
	return nil
}

// replay handles a released stream's parked events in version order; with skip, the poison is
// recorded as handled without calling the handler. If an event is a poison again, the stream stays
// parked at it with the rest still waiting.
func (c *Consumer) replay(ctx context.Context, stream string, poison uuid.UUID, skip bool) error {
	rows, err := c.store.Pool().Query(ctx, `SELECT subject, envelope FROM parked_events
		WHERE consumer = $1 AND stream_id = $2 AND handled_at IS NULL ORDER BY version, parked_at`, c.cfg.Name, stream)
	if err != nil {
		return fmt.Errorf("read parked events: %w", err)
	}
	type parkedEvent struct {
		subject string
		raw     []byte
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (parkedEvent, error) {
		var e parkedEvent
		err := row.Scan(&e.subject, &e.raw)
		return e, err
	})
	if err != nil {
		return fmt.Errorf("read parked events: %w", err)
	}
	c.log.InfoContext(ctx, "parked stream released", "stream", stream, "events", len(events), "skip_poison", skip)
	c.parked.set(stream, false)
	for _, e := range events {
		it, err := c.decodeParked(ctx, e.subject, e.raw)
		if err != nil {
			return err
		}
		var ok bool
		if skip && it.d.EventID == poison {
			ok = c.commitRetrying(ctx, c.markHandled(new(eventstore.UnitOfWork), it)) == nil
			if ok {
				c.log.WarnContext(it.ctx, "poison event skipped by an operator", "stream", stream, "event_id", it.d.EventID)
			}
		} else {
			ok = c.handleOne(ctx, it)
		}
		it.span.End()
		if !ok {
			c.parked.set(stream, true)
			return ctx.Err()
		}
		if c.parked.has(stream) {
			return nil // parked again, at this event; the rest keep waiting
		}
	}
	_, err = c.store.Pool().Exec(ctx, `UPDATE parked_streams SET released_at = now()
		WHERE consumer = $1 AND stream_id = $2 AND released_at IS NULL AND release IS NOT NULL`, c.cfg.Name, stream)
	if err != nil {
		c.parked.set(stream, true) // everything parked is handled; the next check closes it
		return fmt.Errorf("close parked stream: %w", err)
	}
	return nil
}

// decodeParked rebuilds a parked event for the handler.
func (c *Consumer) decodeParked(ctx context.Context, subject string, raw []byte) (*item, error) {
	env := &commonv1.EventEnvelope{}
	if err := proto.Unmarshal(raw, env); err != nil {
		return nil, fmt.Errorf("parked event cannot be read: %w", err)
	}
	id, err := uuid.Parse(env.GetEventId())
	if err != nil {
		return nil, errors.New("parked event has no valid event id")
	}
	it := &item{raw: raw, replayed: true, d: Delivery{Envelope: env, EventID: id, Subject: subject, Attempt: 1}}
	if env.GetFamilyId() != "" {
		it.d.FamilyID, _ = uuid.Parse(env.GetFamilyId())
	}
	carrier := propagation.MapCarrier{"traceparent": env.GetMetadata().GetTraceparent(), "tracestate": env.GetMetadata().GetTracestate()}
	parent := propagation.TraceContext{}.Extract(ctx, carrier)
	it.ctx, it.span = c.tracer.Start(parent, "consume parked "+EventName(env.GetEventType()), trace.WithSpanKind(trace.SpanKindConsumer))
	return it, nil
}

// Release lets a consumer's parked stream flow again: action "retry" hands its poison event to the
// handler again (after the cause is fixed), "skip" records it as handled without effect. by names
// the operator, for the record. The running consumer acts within its ReleaseCheck interval.
func Release(ctx context.Context, pool *pgxpool.Pool, consumer, stream, action, by string) error {
	if action != "retry" && action != "skip" {
		return fmt.Errorf("release: action must be retry or skip, not %q", action)
	}
	tag, err := pool.Exec(ctx, `UPDATE parked_streams SET release = $3, released_by = $4
		WHERE consumer = $1 AND stream_id = $2 AND released_at IS NULL`, consumer, stream, action, by)
	if err != nil {
		return fmt.Errorf("release parked stream: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("release: consumer %s has no parked stream %s", consumer, stream)
	}
	return nil
}

// ParkedStream is a stream a consumer has stopped at.
type ParkedStream struct {
	Stream   string
	EventID  uuid.UUID
	Version  int64
	Reason   string
	ParkedAt time.Time
	// Waiting counts the stream's parked events not yet handled, the poison included.
	Waiting int
}

// Parked lists a consumer's parked streams.
func Parked(ctx context.Context, pool *pgxpool.Pool, consumer string) ([]ParkedStream, error) {
	rows, err := pool.Query(ctx, `SELECT s.stream_id, s.event_id, s.version, s.reason, s.parked_at,
			(SELECT count(*) FROM parked_events e WHERE e.consumer = s.consumer AND e.stream_id = s.stream_id AND e.handled_at IS NULL)
		FROM parked_streams s WHERE s.consumer = $1 AND s.released_at IS NULL ORDER BY s.parked_at`, consumer)
	if err != nil {
		return nil, fmt.Errorf("list parked streams: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ParkedStream, error) {
		var p ParkedStream
		err := row.Scan(&p.Stream, &p.EventID, &p.Version, &p.Reason, &p.ParkedAt, &p.Waiting)
		return p, err
	})
}
