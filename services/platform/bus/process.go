package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// msg is the JetStream message; nil for a parked event replayed from the database.
	msg jetstream.Msg
	// raw is the envelope as it came, kept if the event is parked.
	raw []byte
	d   Delivery
	// key orders events: a family's events (or, for events of no family, a stream's) are handled
	// one after another, each seeing what the one before committed.
	key  string
	ctx  context.Context
	span trace.Span
	uow  *eventstore.UnitOfWork
	err  error // the handler's error on the fast path, if any
	// replayed marks a parked event the runner handles after its stream was released.
	replayed bool
}

// stream is the event's source stream.
func (it *item) stream() string { return it.d.Envelope.GetStreamId() }

func (it *item) ack() {
	if it.msg != nil {
		_ = it.msg.Ack() // committed: a lost ack only causes a redelivery, which the inbox ignores
	}
}

// markHandled adds the inbox row and the stream cursor's move to a unit of work; a replayed
// parked event also leaves the parked events, in the same transaction.
func (c *Consumer) markHandled(uow *eventstore.UnitOfWork, it *item) *eventstore.UnitOfWork {
	uow.MarkHandled(c.cfg.Name, it.d.EventID, it.stream(), it.d.Envelope.GetStreamVersion())
	if it.replayed {
		uow.Exec(markParkedHandled, c.cfg.Name, it.d.EventID)
	}
	return uow
}

// process handles a batch in stream order and returns the messages it did not finish (ctx ended).
// The fast path commits groups of events in one transaction; a group never holds two events of
// the same key or the same stream, so every handler's reads see the committed effect of the key's
// earlier events. An event whose handler fails, or whose group fails to commit, every later event
// of its key, and every event of a parked stream, take the slow path: one at a time, in order.
func (c *Consumer) process(ctx context.Context, msgs []jetstream.Msg) (unfinished []jetstream.Msg, err error) {
	items := make([]*item, 0, len(msgs))
	for _, m := range msgs {
		it, err := c.decode(ctx, m)
		if err != nil {
			// Poison by construction, and of no stream anyone can park: no attempt can handle
			// what cannot be read. It is kept in the dead-letter stream.
			if c.deadLetter(ctx, m.Data(), m.Headers(), m.Subject(), sequence(m), err) {
				_ = m.Term()
			} else {
				unfinished = append(unfinished, m)
			}
			continue
		}
		items = append(items, it)
	}
	defer func() {
		for _, it := range items {
			it.span.End()
		}
	}()
	if len(unfinished) > 0 {
		// The dead-letter stream did not take an undecodable event: give the batch back and let
		// the leader loop back off (an error) rather than restart the consumer at once, again.
		return msgsOf(items, unfinished), errors.New("the dead-letter stream refused an undecodable event; retrying")
	}
	handled, err := c.alreadyHandled(ctx, items)
	if err != nil {
		return msgsOf(items, nil), err
	}
	slowKeys := map[string]bool{}
	var slow, group []*item
	inGroup, groupStreams := map[string]bool{}, map[string]bool{}
	flush := func() {
		slow = append(slow, c.commitGroup(ctx, group, slowKeys)...)
		group, inGroup, groupStreams = group[:0], map[string]bool{}, map[string]bool{}
	}
	for _, it := range items {
		if handled[it.d.EventID] {
			it.ack() // a redelivery of an event already committed
			continue
		}
		if inGroup[it.key] || groupStreams[it.stream()] {
			flush()
		}
		if slowKeys[it.key] || c.parked.has(it.stream()) {
			slowKeys[it.key] = true
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
		inGroup[it.key], groupStreams[it.stream()] = true, true
	}
	flush()
	for i, it := range slow {
		if !c.handleOne(ctx, it) {
			return msgsOf(slow[i:], nil), nil // unacknowledged: given back to be delivered again
		}
	}
	return nil, nil
}

// msgsOf lists the JetStream messages of items, after extra.
func msgsOf(items []*item, extra []jetstream.Msg) []jetstream.Msg {
	for _, it := range items {
		if it.msg != nil {
			extra = append(extra, it.msg)
		}
	}
	return extra
}

// commitGroup commits a group in one transaction and acknowledges it; on failure it returns the
// group for the slow path.
func (c *Consumer) commitGroup(ctx context.Context, group []*item, slowKeys map[string]bool) []*item {
	if len(group) == 0 {
		return nil
	}
	merged := new(eventstore.UnitOfWork)
	for _, it := range group {
		c.markHandled(merged.Merge(it.uow), it)
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
			it.err = nil // decided again on its own, with what committed before it
		}
		return failed
	}
	for _, it := range group {
		it.ack()
	}
	c.handled.Add(ctx, int64(len(group)), c.attrs)
	return nil
}

// handleOne handles one event in its own transaction, retrying as its failure's class says
// (errors.go), until it is committed, found handled already, or parked. It returns false if ctx
// ended first: the event is then left to the next runner.
func (c *Consumer) handleOne(ctx context.Context, it *item) bool {
	attempt := it.d.Attempt
	err := it.err
	for {
		if c.parked.has(it.stream()) {
			// Its stream waits for an operator: it waits with it, in the database.
			if !c.hold(ctx, it, nil) {
				return false
			}
			it.ack()
			return true
		}
		if err == nil {
			err = c.try(it)
		}
		if err == nil || errors.Is(err, eventstore.ErrAlreadyHandled) {
			if err != nil && it.replayed {
				err = c.commitRetrying(ctx, new(eventstore.UnitOfWork).Exec(markParkedHandled, c.cfg.Name, it.d.EventID))
				if err != nil {
					return false
				}
			}
			it.ack()
			c.handled.Add(ctx, 1, c.attrs)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		class := classify(err)
		if class == poison || (class == unclassified && attempt >= c.cfg.MaxDeliver) {
			it.span.SetStatus(codes.Error, "parked")
			if !c.park(ctx, it, err, class, attempt) {
				return false
			}
			it.ack()
			return true
		}
		c.retries.Add(ctx, 1, metric.WithAttributes(attribute.String("consumer", c.cfg.Name), attribute.String("class", class.String())))
		level := slog.LevelWarn
		if attempt >= c.cfg.MaxDeliver {
			level = slog.LevelError // a transient failure that will not pass: someone should look
		}
		c.log.Log(it.ctx, level, "event handling failed; will retry", "event_id", it.d.EventID,
			"event_type", it.d.Envelope.GetEventType(), "stream", it.stream(), "attempt", attempt, "class", class.String(), "error", err)
		if it.msg != nil {
			_ = it.msg.InProgress() // keep JetStream from redelivering while we wait
		}
		if !wait.Sleep(ctx, c.backoff(attempt)) {
			return false
		}
		attempt++
		it.d.Attempt = attempt
		err = nil
	}
}

// try runs the handler and commits its unit of work with the inbox row, alone.
func (c *Consumer) try(it *item) error {
	uow := new(eventstore.UnitOfWork)
	err := c.handle(it.ctx, it.d, uow)
	if err == nil {
		uow.StampTrace(it.ctx)
		_, err = c.store.Commit(it.ctx, c.markHandled(uow, it))
	}
	if err != nil && !errors.Is(err, eventstore.ErrAlreadyHandled) && c.handledBefore(it.ctx, it) {
		// A copy of an event already committed: its appends conflict with the versions the
		// first copy wrote before the inbox row could say so (the append comes first).
		err = eventstore.ErrAlreadyHandled
	}
	return err
}

func (c *Consumer) backoff(attempt int) time.Duration {
	i := min(max(attempt-1, 0), len(c.cfg.Backoff)-1)
	return c.cfg.Backoff[i]
}

func (c *Consumer) decode(ctx context.Context, m jetstream.Msg) (*item, error) {
	if err := c.cfg.Key.Verify(m.Subject(), m.Data(), m.Headers()); err != nil {
		// Someone who can reach NATS published it, not a relay of the platform (or it was
		// changed since): it is never handled, whatever version it claims, so the stream's real
		// event of that version is handled when it comes (review 18 lifted a hold this way). The
		// dead letter is logged as an error and counted (ft.consumer.dead_letters).
		return nil, err
	}
	env := &commonv1.EventEnvelope{}
	if err := proto.Unmarshal(m.Data(), env); err != nil {
		return nil, fmt.Errorf("undecodable event envelope: %w", err)
	}
	id, err := uuid.Parse(env.GetEventId())
	if err != nil {
		return nil, errors.New("event envelope has no valid event id")
	}
	it := &item{msg: m, raw: m.Data(), d: Delivery{Envelope: env, EventID: id, Subject: m.Subject(), Attempt: 1}, key: "stream:" + env.GetStreamId()}
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
		// A durable consumer recreated from the start of its stream (restartFromAckFloor)
		// delivers again, each for the first time, events the inbox may hold.
		if it.d.Attempt > 1 || (c.replayTo > 0 && sequence(it.msg) <= c.replayTo) {
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

// deadLetter copies an event to the dead-letter stream, where operators see it and its reason,
// and reports whether the stream took it.
func (c *Consumer) deadLetter(ctx context.Context, data []byte, headers nats.Header, subject string, seq uint64, reason error) bool {
	dl := nats.NewMsg("ft.deadletter." + c.cfg.Name)
	dl.Data = data
	for k, v := range headers {
		if k != jetstream.MsgIDHeader && k != "Nats-Expected-Last-Msg-Id" {
			dl.Header[k] = v
		}
	}
	why := reason.Error()
	if len(why) > 512 {
		why = why[:512]
	}
	dl.Header.Set(HeaderDeadLetterConsumer, c.cfg.Name)
	dl.Header.Set(HeaderDeadLetterReason, why)
	dl.Header.Set(HeaderDeadLetterSubject, subject)
	dl.Header.Set(HeaderDeadLetterSequence, strconv.FormatUint(seq, 10))
	msgID := c.cfg.Name + ":" + c.cfg.Stream + ":" + strconv.FormatUint(seq, 10)
	if seq == 0 { // a replayed parked event: its id names it
		msgID = c.cfg.Name + ":" + headers.Get(HeaderEventID) + ":" + strconv.Itoa(len(why))
	}
	if _, err := c.js.PublishMsg(ctx, dl, jetstream.WithMsgID(msgID)); err != nil {
		c.log.ErrorContext(ctx, "dead-letter publish failed", "sequence", seq, "error", err)
		return false
	}
	c.dead.Add(ctx, 1, c.attrs)
	c.log.ErrorContext(ctx, "event dead-lettered", "sequence", seq, "subject", subject, "reason", why)
	return true
}

// sequence is a message's position in its JetStream stream, 0 if unknown.
func sequence(m jetstream.Msg) uint64 {
	if meta, err := m.Metadata(); err == nil {
		return meta.Sequence.Stream
	}
	return 0
}
