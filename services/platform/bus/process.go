package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/internal/wait"
)

// item is one event on its way through the runner.
type item struct {
	msg jetstream.Msg
	d   Delivery
	// key orders events: a family's events (or, for events of no family, a stream's) are handled
	// one after another, each seeing what the one before committed.
	key  string
	ctx  context.Context
	span trace.Span
	uow  *eventstore.UnitOfWork
	err  error // the handler's error on the fast path, if any
}

// process handles a batch in stream order. The fast path commits groups of events in one
// transaction; a group never holds two events of the same key, so every handler's reads see the
// committed effect of the key's earlier events. An event whose handler fails, or whose group fails
// to commit, and every later event of its key, take the slow path: one transaction each, retried
// with backoff, dead-lettered after MaxDeliver attempts.
func (c *Consumer) process(ctx context.Context, msgs []jetstream.Msg) error {
	items := make([]*item, 0, len(msgs))
	for _, m := range msgs {
		it, err := c.decode(ctx, m)
		if err != nil {
			// Poison by construction: no attempt can handle what cannot be read.
			c.deadLetter(ctx, m, err)
			continue
		}
		items = append(items, it)
	}
	defer func() {
		for _, it := range items {
			it.span.End()
		}
	}()
	handled, err := c.alreadyHandled(ctx, items)
	if err != nil {
		return err
	}
	slowKeys := map[string]bool{}
	var slow, group []*item
	inGroup := map[string]bool{}
	flush := func() {
		slow = append(slow, c.commitGroup(ctx, group, slowKeys)...)
		group, inGroup = group[:0], map[string]bool{}
	}
	for _, it := range items {
		if handled[it.d.EventID] {
			_ = it.msg.Ack() // a redelivery of an event already committed
			continue
		}
		if inGroup[it.key] {
			flush()
		}
		if slowKeys[it.key] {
			slow = append(slow, it)
			continue
		}
		it.uow = new(eventstore.UnitOfWork)
		if it.err = c.handle(it.ctx, it.d, it.uow); it.err != nil {
			slowKeys[it.key] = true
			slow = append(slow, it)
			continue
		}
		it.uow.StampTrace(it.ctx)
		group = append(group, it)
		inGroup[it.key] = true
	}
	flush()
	for _, it := range slow {
		if ctx.Err() != nil {
			return nil // unacknowledged events are redelivered to the next leader
		}
		c.handleOne(ctx, it)
	}
	return nil
}

// commitGroup commits a group in one transaction and acknowledges it; on failure it returns the
// group for the slow path.
func (c *Consumer) commitGroup(ctx context.Context, group []*item, slowKeys map[string]bool) []*item {
	if len(group) == 0 {
		return nil
	}
	merged := new(eventstore.UnitOfWork)
	for _, it := range group {
		merged.Merge(it.uow).MarkHandled(c.cfg.Name, it.d.EventID)
	}
	commitCtx := ctx
	if len(group) == 1 {
		commitCtx = group[0].ctx // the commit belongs to that event's trace
	}
	if _, err := c.store.Commit(commitCtx, merged); err != nil {
		failed := make([]*item, len(group))
		copy(failed, group)
		for _, it := range failed {
			slowKeys[it.key] = true
		}
		return failed
	}
	for _, it := range group {
		_ = it.msg.Ack() // committed: a lost ack only causes a redelivery, which the inbox ignores
	}
	c.handled.Add(ctx, int64(len(group)), metric.WithAttributes(attribute.String("consumer", c.cfg.Name)))
	return nil
}

// handleOne handles one event in its own transaction, retrying with backoff, and dead-letters it
// after MaxDeliver attempts.
func (c *Consumer) handleOne(ctx context.Context, it *item) {
	attempt := it.d.Attempt
	err := it.err
	for {
		if err != nil {
			if attempt >= c.cfg.MaxDeliver {
				it.span.SetStatus(codes.Error, "dead-lettered")
				c.deadLetter(ctx, it.msg, err)
				return
			}
			_ = it.msg.InProgress() // keep JetStream from redelivering while we wait
			if !wait.Sleep(ctx, c.backoff(attempt)) {
				return
			}
			attempt++
			it.d.Attempt = attempt
		}
		uow := new(eventstore.UnitOfWork)
		if err = c.handle(it.ctx, it.d, uow); err == nil {
			uow.StampTrace(it.ctx)
			_, err = c.store.Commit(it.ctx, uow.MarkHandled(c.cfg.Name, it.d.EventID))
		}
		if err != nil && !errors.Is(err, eventstore.ErrAlreadyHandled) && c.handledBefore(ctx, it) {
			// A copy of an event already committed: its appends conflict with the versions the
			// first copy wrote before the inbox row could say so (the append comes first).
			err = eventstore.ErrAlreadyHandled
		}
		if err == nil || errors.Is(err, eventstore.ErrAlreadyHandled) {
			_ = it.msg.Ack()
			c.handled.Add(ctx, 1, metric.WithAttributes(attribute.String("consumer", c.cfg.Name)))
			return
		}
		if ctx.Err() != nil {
			return
		}
		c.log.WarnContext(it.ctx, "event handling failed", "event_id", it.d.EventID, "event_type", it.d.Envelope.EventType,
			"attempt", attempt, "error", err)
	}
}

func (c *Consumer) backoff(attempt int) time.Duration {
	i := min(max(attempt-1, 0), len(c.cfg.Backoff)-1)
	return c.cfg.Backoff[i]
}

func (c *Consumer) decode(ctx context.Context, m jetstream.Msg) (*item, error) {
	env := &commonv1.EventEnvelope{}
	if err := proto.Unmarshal(m.Data(), env); err != nil {
		return nil, fmt.Errorf("undecodable event envelope: %w", err)
	}
	id, err := uuid.Parse(env.GetEventId())
	if err != nil {
		return nil, errors.New("event envelope has no valid event id")
	}
	it := &item{msg: m, d: Delivery{Envelope: env, EventID: id, Subject: m.Subject(), Attempt: 1}, key: "stream:" + env.GetStreamId()}
	if env.GetFamilyId() != "" {
		if it.d.FamilyID, err = uuid.Parse(env.GetFamilyId()); err != nil {
			return nil, errors.New("event envelope has an invalid family id")
		}
		it.key = "family:" + env.GetFamilyId()
	}
	if meta, err := m.Metadata(); err == nil {
		it.d.Attempt = int(meta.NumDelivered)
	}
	parent := propagation.TraceContext{}.Extract(ctx, HeaderCarrier(m.Headers()))
	it.ctx, it.span = c.tracer.Start(parent, "consume "+EventName(env.GetEventType()),
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("messaging.system", "nats"),
			attribute.String("messaging.consumer.group.name", c.cfg.Name),
			attribute.String("messaging.message.id", id.String())))
	return it, nil
}

// alreadyHandled reads which redelivered events of the batch the inbox holds, so they are
// acknowledged without calling the handler again. Events delivered for the first time are not
// looked up: the inbox's primary key refuses a duplicate at commit anyway (a re-published copy
// then takes the slow path and is acknowledged as ErrAlreadyHandled), and skipping the read keeps
// a consumer catching up on a backlog from paying a query per batch.
func (c *Consumer) alreadyHandled(ctx context.Context, items []*item) (map[uuid.UUID]bool, error) {
	var ids []pgtype.UUID
	for _, it := range items {
		if it.d.Attempt > 1 {
			ids = append(ids, pgtype.UUID{Bytes: it.d.EventID, Valid: true})
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	// A join on unnest, not "= ANY($2)": the prepared statement's generic plan would otherwise
	// filter every inbox row of the consumer.
	rows, err := c.store.Pool().Query(ctx, `SELECT i.event_id FROM unnest($2::uuid[]) AS batch(id)
		JOIN inbox i ON i.consumer = $1 AND i.event_id = batch.id`, c.cfg.Name, ids)
	if err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	defer rows.Close()
	handled := map[uuid.UUID]bool{}
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read inbox: %w", err)
		}
		handled[id] = true
	}
	return handled, rows.Err()
}

// handledBefore reports whether the inbox holds the event; a failed read counts as no.
func (c *Consumer) handledBefore(ctx context.Context, it *item) bool {
	var found bool
	err := c.store.Pool().QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2)",
		c.cfg.Name, pgtype.UUID{Bytes: it.d.EventID, Valid: true}).Scan(&found)
	return err == nil && found
}

// deadLetter moves an event to the dead-letter stream, then terminates it. If the dead-letter
// stream cannot take it, the event stays pending and comes back: nothing is lost.
func (c *Consumer) deadLetter(ctx context.Context, m jetstream.Msg, reason error) {
	dl := nats.NewMsg("ft.deadletter." + c.cfg.Name)
	dl.Data = m.Data()
	for k, v := range m.Headers() {
		if k != jetstream.MsgIDHeader && k != "Nats-Expected-Last-Msg-Id" {
			dl.Header[k] = v
		}
	}
	var seq uint64
	if meta, err := m.Metadata(); err == nil {
		seq = meta.Sequence.Stream
	}
	why := reason.Error()
	if len(why) > 512 {
		why = why[:512]
	}
	dl.Header.Set(HeaderDeadLetterConsumer, c.cfg.Name)
	dl.Header.Set(HeaderDeadLetterReason, why)
	dl.Header.Set(HeaderDeadLetterSubject, m.Subject())
	dl.Header.Set(HeaderDeadLetterSequence, strconv.FormatUint(seq, 10))
	msgID := c.cfg.Name + ":" + c.cfg.Stream + ":" + strconv.FormatUint(seq, 10)
	if _, err := c.js.PublishMsg(ctx, dl, jetstream.WithMsgID(msgID)); err != nil {
		c.log.ErrorContext(ctx, "dead-letter publish failed; event stays pending", "sequence", seq, "error", err)
		_ = m.NakWithDelay(c.cfg.Backoff[len(c.cfg.Backoff)-1])
		return
	}
	_ = m.Term()
	c.dead.Add(ctx, 1, metric.WithAttributes(attribute.String("consumer", c.cfg.Name)))
	c.log.ErrorContext(ctx, "event dead-lettered", "sequence", seq, "subject", m.Subject(), "reason", why)
}
