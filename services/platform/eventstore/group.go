package eventstore

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// Group commit. Units of work that need no projection function are committed together with
// whatever other such units are waiting at the same moment: one transaction, whose first
// statement inserts all their events (DESIGN.md's rule holds for the group as a whole), then
// their inbox rows and projection statements in arrival order. Sixteen commands recording one
// event each then cost PostgreSQL one statement and one commit instead of sixteen, the way
// PostgreSQL itself shares one WAL flush between concurrent committers.
//
// Each unit keeps its own outcome. A group never holds two units appending to the same stream;
// if anything in a group fails (a version conflict, a duplicate inbox row, a failing statement),
// nothing of the group is committed and every unit is committed again on its own, so each caller
// gets the error that is really its own and no caller fails for another's mistake.
//
// No unit waits for a group to fill: a flusher takes whatever is queued when it starts, so a lone
// commit goes at once, and under load units queue while the groups before them are in flight.

const (
	// groupFlushers is how many groups may be in flight at once: while one commits, the next
	// one's statement is already on its way.
	groupFlushers = 2
	// maxGroupUnits and maxGroupEvents bound one group's statement.
	maxGroupUnits  = 64
	maxGroupEvents = 2000
	// groupTimeout bounds one group's work; a caller whose unit was taken waits for its outcome.
	groupTimeout = 30 * time.Second
)

// aloneEvents: a unit of work with at least this many events is committed on its own, from its
// caller's goroutine. Its statement costs more than its commit, so sharing the commit gains
// little, while handing it to a flusher costs two goroutine switches and runs it on one of two
// connections instead of its own (measured: 100-event appends 5–10% faster alone).
const aloneEvents = 64

// commitAlone commits a large prepared unit of work by itself, with the same promise as a grouped
// one: a caller whose context has ended before the write starts gets the context's error and
// nothing is written; once the write has started its outcome is waited for (bounded by
// groupTimeout), so Commit never reports a failure for a unit that committed.
func (s *Store) commitAlone(ctx context.Context, uow *UnitOfWork, recorded []RecordedEvent) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), groupTimeout)
	defer cancel()
	return s.settle(ctx, s.writeOwn(wctx, uow, pointers(recorded)), uow, recorded)
}

// pendingCommit is a prepared unit of work waiting for its group.
type pendingCommit struct {
	uow      *UnitOfWork
	recorded []RecordedEvent
	taken    bool       // by a flusher; guarded by grouper.mu
	done     chan error // its outcome, buffered
}

// grouper queues units of work for group commit.
type grouper struct {
	mu       sync.Mutex
	queue    []*pendingCommit
	flushers int
}

// commitGrouped commits a prepared unit of work with the group it lands in and returns its own
// outcome. A caller whose context ends before its unit is taken leaves nothing behind; once taken,
// the unit's outcome is waited for, so Commit never reports a failure for a unit that committed.
func (s *Store) commitGrouped(ctx context.Context, uow *UnitOfWork, recorded []RecordedEvent) error {
	p := &pendingCommit{uow: uow, recorded: recorded, done: make(chan error, 1)}
	g := &s.group
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if g.flushers < groupFlushers {
		g.flushers++
		go s.flushGroups()
	}
	g.mu.Unlock()
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
	}
	g.mu.Lock()
	if !p.taken {
		g.queue = slices.DeleteFunc(g.queue, func(q *pendingCommit) bool { return q == p })
		g.mu.Unlock()
		return ctx.Err()
	}
	g.mu.Unlock()
	return <-p.done
}

// flushGroups commits groups until the queue is empty.
func (s *Store) flushGroups() {
	g := &s.group
	for {
		g.mu.Lock()
		group := g.take()
		if len(group) == 0 {
			g.flushers--
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		s.commitGroup(group)
	}
}

// take removes the next group from the queue, in arrival order: at most maxGroupUnits units and
// maxGroupEvents events (a larger unit goes alone), and never two units appending to the same
// stream, since the second could only fail the group on the (stream, version) key.
func (g *grouper) take() []*pendingCommit {
	var group []*pendingCommit
	streams := map[string]bool{}
	events := 0
	rest := g.queue[:0]
	for _, p := range g.queue {
		if len(group) >= maxGroupUnits || (len(group) > 0 && events+len(p.recorded) > maxGroupEvents) || p.appendsTo(streams) {
			rest = append(rest, p)
			continue
		}
		for _, a := range p.uow.appends {
			streams[a.stream] = true
		}
		p.taken = true
		group = append(group, p)
		events += len(p.recorded)
	}
	clear(g.queue[len(rest):]) // no pointers kept past the queue's end
	g.queue = rest
	return group
}

func (p *pendingCommit) appendsTo(streams map[string]bool) bool {
	for _, a := range p.uow.appends {
		if streams[a.stream] {
			return true
		}
	}
	return false
}

// commitGroup commits the group as one transaction or, if that fails, each unit on its own, and
// hands every unit its outcome. A group whose commit answer was lost is settled by asking the
// server (outcome.go) before anything is retried: retrying a group that did commit would turn
// every unit's success into a version conflict.
func (s *Store) commitGroup(group []*pendingCommit) {
	s.metrics.group(len(group))
	if len(group) > 1 {
		merged := new(UnitOfWork)
		var all []*RecordedEvent
		for _, p := range group {
			merged.Merge(p.uow)
			all = append(all, pointers(p.recorded)...)
		}
		ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
		err := s.writeOwn(ctx, merged, all)
		cancel()
		var u *unsure
		if errors.As(err, &u) {
			// The first unit's first event is evidence enough: the group is one transaction.
			err = s.resolve(context.Background(), u, group[0].uow, group[0].recorded)
			if err == nil || errors.Is(err, ErrOutcomeUnknown) {
				for _, p := range group {
					p.done <- err
				}
				return
			}
		}
		if err == nil {
			for _, p := range group {
				p.done <- nil
			}
			return
		}
	}
	for _, p := range group {
		// Each unit gets its own deadline: one slow unit must not leave the next none.
		ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
		err := s.writeOwn(ctx, p.uow, pointers(p.recorded))
		cancel()
		p.done <- s.settle(context.Background(), err, p.uow, p.recorded)
	}
}
