package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// Progress is how far a rebuild is.
type Progress struct {
	Schema string
	Events int64
	// Total is the events in the streams when the rebuild began.
	Total int64
	// Skipped are events replayed and recorded nowhere: not published by the platform (their MAC
	// does not verify under the bus key), unreadable, or malformed (MalformedError), as the live
	// consumers dead-letter them. A rebuild whose key does not verify events the live consumers
	// handled is refused before its swap (BUS_KEY_MISMATCH, replay.keyCheck).
	Skipped int64
	PerSec  float64
	Swapped bool
}

// rebuildBatch is how many events a rebuild reads between two progress reports.
const rebuildBatch = 2000

// Rebuild replays every service's stream from its first message into a fresh copy of the
// projections (a new schema), catches up with what arrived meanwhile, and swaps the copy in
// (adapters.Rebuilds.Swap); the service answers from the old tables until then, and drops them
// after. progress is called every rebuildBatch events, at the swap and at the end. A failed or
// cancelled rebuild drops its copy and leaves the live tables as they were.
//
// The replay goes through app.Project like the live consumers, into an adapters.Fold
// (decisions.md 67): the history's rows stream into the new schema with one COPY while the
// streams are read, every other table is folded in memory and written once with COPY when the
// replay is done; what arrives after that is applied with the projections' SQL under the swap lock.
func (a *App) Rebuild(ctx context.Context, progress func(Progress)) (err error) {
	release, err := a.rebuilds.Exclusive(ctx)
	if errors.Is(err, adapters.ErrRebuildRunning) {
		return problem.Rule("REBUILD_RUNNING", "a rebuild is already running: its new tables are swapped in when it ends, and the service answers from the old ones until then")
	}
	if err != nil {
		return err
	}
	defer release()
	defer collectLess()()
	schema, err := a.rebuilds.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = a.rebuilds.Abandon(context.WithoutCancel(ctx), schema)
		}
	}()
	p := adapters.NewProjections(schema)
	if err := a.rebuilds.Prepare(ctx, p); err != nil {
		return err
	}
	history := a.rebuilds.CopyHistory(ctx, schema)
	defer func() {
		if err != nil {
			_ = history.Close(true)
		}
	}()
	fold := adapters.NewFold(p, history.Put)
	r := &replay{app: a, p: p, started: time.Now(), next: map[string]uint64{}, replayed: map[string]int64{},
		progress: progress, state: Progress{Schema: schema}, sink: fold.Sink(), fold: fold}
	ends := map[string]uint64{}
	for _, svc := range Services {
		info, err := a.streamInfo(ctx, svc)
		if err != nil {
			return err
		}
		ends[svc] = info.LastSeq
		r.state.Total += int64(info.Msgs)
		r.next[svc] = info.FirstSeq
	}
	if err := r.read(ctx, ends); err != nil {
		return err
	}
	// Catch up before the load until little is left, then the rest under the lock.
	for range 3 {
		if err := r.readToEnd(ctx); err != nil {
			return err
		}
	}
	if err := r.behindCheck(ctx); err != nil {
		return err
	}
	// The tables were loaded without their secondary indexes (and the history without its key);
	// each index is built once, before the catch-up under the lock and the swap. The history's
	// COPY ends while the other tables are written; its two indexes are then built while the
	// other tables are loaded and indexed, on three connections.
	var loaded, keyed error
	var wg sync.WaitGroup
	wg.Go(func() {
		if loaded = a.rebuilds.Load(ctx, fold); loaded == nil {
			loaded = a.rebuilds.Index(ctx, schema, adapters.OtherIndexes)
		}
	})
	if err = history.Close(false); err == nil {
		wg.Go(func() { keyed = a.rebuilds.Index(ctx, schema, adapters.HistoryKey) })
		err = a.rebuilds.Index(ctx, schema, adapters.HistoryOrder)
	}
	wg.Wait()
	if err = cmp.Or(err, loaded, keyed); err != nil {
		return err
	}
	r.fold, r.sink = nil, nil
	if err := a.rebuilds.Index(ctx, schema, adapters.Constraints); err != nil {
		return err
	}
	// The events whose MAC did not verify, checked against what the live consumers handled, now
	// that the rebuilt history holds every event that did; those of the catch-up in the swap's
	// transaction. None on a healthy rebuild: then nothing is asked.
	if err := r.keyCheck(ctx, nil); err != nil {
		return err
	}
	r.report()
	err = a.rebuilds.Swap(ctx, r.p, func(ctx context.Context, b *adapters.Batch) error {
		r.sink = b.Sink()
		return r.readToEnd(ctx)
	}, r.keyCheck)
	if err != nil {
		return err
	}
	r.state.Swapped = true
	r.report()
	// The new tables are live: the old ones go, even for a caller that left once told so.
	return a.rebuilds.DropRetired(context.WithoutCancel(ctx))
}

// rebuildGCPercent is the garbage collector's GOGC while a rebuild runs (decisions.md 74). A
// replay allocates about 5 KB an event (NATS's copy of each message and its headers, the decoded
// envelope and payload, the statements) while the fold's maps grow to hundreds of megabytes, so
// at the default 100 the collector marks the whole fold again every few thousand events. At 400
// it runs a quarter as often, for a heap up to five times the fold's at its peak; a GOMEMLIMIT the
// operator sets still bounds it.
const rebuildGCPercent = 400

var rebuildsRunning struct {
	sync.Mutex
	n      int
	before int // GOGC before the first of the running rebuilds
}

// collectLess raises GOGC to rebuildGCPercent (never lowers it) until the returned func is called;
// the last of overlapping rebuilds to end puts back what was there before the first.
func collectLess() (restore func()) {
	rebuildsRunning.Lock()
	defer rebuildsRunning.Unlock()
	if rebuildsRunning.n == 0 {
		rebuildsRunning.before = debug.SetGCPercent(rebuildGCPercent)
		if rebuildsRunning.before < 0 || rebuildsRunning.before > rebuildGCPercent {
			debug.SetGCPercent(rebuildsRunning.before) // off, or already higher: leave it
		}
	}
	rebuildsRunning.n++
	return func() {
		rebuildsRunning.Lock()
		defer rebuildsRunning.Unlock()
		if rebuildsRunning.n--; rebuildsRunning.n == 0 {
			debug.SetGCPercent(rebuildsRunning.before)
		}
	}
}

// replay reads the streams into one schema.
type replay struct {
	app *App
	p   *adapters.Projections
	// sink takes what is read: the fold's until it is loaded, then the swap's batch.
	sink     adapters.Sink
	fold     *adapters.Fold
	started  time.Time
	next     map[string]uint64 // the next stream sequence to read, per service
	replayed map[string]int64  // the messages read, per service
	progress func(Progress)
	state    Progress
	// unverified are the events read whose MAC did not verify, as their envelopes name them;
	// checked how many of them keyCheck has checked.
	unverified []adapters.Unverified
	checked    int
}

// keyCheck refuses the rebuild when its bus key does not verify events the live consumers
// handled (decisions.md 153): the services were given a key without the secret those events were
// signed with (a new secret without the old one, after a leak). Skipped, they would be missing
// from the rebuilt tables: a national year's events, every figure 0. Only the events not checked
// yet, and only when there are any: q is the swap's transaction, or nil for the pool.
func (r *replay) keyCheck(ctx context.Context, q adapters.Querier) error {
	evs := r.unverified[r.checked:]
	if len(evs) == 0 {
		return nil
	}
	n, first, err := r.app.rebuilds.HandledLive(ctx, q, r.p.Schema(), evs)
	if err != nil {
		return err
	}
	r.checked = len(r.unverified)
	if n > 0 {
		return problem.Rule("BUS_KEY_MISMATCH", fmt.Sprintf("the bus key does not verify %d events the live projections handled "+
			"(first: stream %s version %d): the services were given a key without the secret those events were signed with; "+
			"add the old secret back (docs/runbook.md, The bus key); the old tables stay in use", n, first.Stream, first.Version))
	}
	return nil
}

// behindCheck refuses the rebuild when a stream holds fewer events than reporting's live
// consumer of it has handled (decisions.md 368): JetStream lost events (its store, a stream
// recreated) and the service's relay has not published them again yet. Swapped in, the copy would
// lack them (review 71: every referral and hold gone, "family not found"), and the live consumers,
// finding them in their inbox, would skip them when the relay published them again. What the live
// consumers handled is counted first; the streams are then read to their end, so every event
// handled by then, if its stream still holds it, has been read.
func (r *replay) behindCheck(ctx context.Context) error {
	handled, err := r.app.rebuilds.Handled(ctx, Services)
	if err != nil {
		return err
	}
	if err := r.readToEnd(ctx); err != nil {
		return err
	}
	var behind []string
	for _, svc := range Services {
		if handled[svc] > r.replayed[svc] {
			behind = append(behind, fmt.Sprintf("%s holds %d, reporting has handled %d", bus.StreamName(svc), r.replayed[svc], handled[svc]))
		}
	}
	if len(behind) == 0 {
		return nil
	}
	return problem.Rule("STREAMS_BEHIND", fmt.Sprintf("a stream holds fewer events than reporting's live projections have handled (%s): "+
		"JetStream lost events, and a rebuild from it would lose them; each service's relay publishes its events again by itself "+
		"within a minute (restart the service for it to do so at once): rebuild once every stream holds at least what reporting has handled "+
		"(docs/runbook.md, JetStream lost events); the old tables stay in use", strings.Join(behind, "; ")))
}

func (r *replay) report() {
	if secs := time.Since(r.started).Seconds(); secs > 0 {
		r.state.PerSec = float64(r.state.Events) / secs
	}
	if r.progress != nil {
		r.progress(r.state)
	}
}

func (a *App) streamInfo(ctx context.Context, svc string) (jetstream.StreamState, error) {
	s, err := a.js.Stream(ctx, bus.StreamName(svc))
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return jetstream.StreamState{}, nil
	}
	if err != nil {
		return jetstream.StreamState{}, fmt.Errorf("stream %s: %w", svc, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return jetstream.StreamState{}, fmt.Errorf("stream %s: %w", svc, err)
	}
	return info.State, nil
}

// readToEnd replays every service's stream from r.next to its end now.
func (r *replay) readToEnd(ctx context.Context) error {
	ends := map[string]uint64{}
	for _, svc := range Services {
		info, err := r.app.streamInfo(ctx, svc)
		if err != nil {
			return err
		}
		ends[svc] = info.LastSeq
	}
	return r.read(ctx, ends)
}

// laneBatch is how many events a lane projects before it hands them over.
const laneBatch = 256

// laneRun is a run of one service's events, projected into statements by its lane.
type laneRun struct {
	svc     string
	stmts   *adapters.Batch
	events  int64
	skipped int64
	// unverified are the run's events whose MAC did not verify and whose envelope names them.
	unverified []adapters.Unverified
	next       uint64 // the stream sequence after the run's last event
}

// read replays each service's stream from r.next to its end in ends (inclusive) into r.sink.
//
// Each service has a lane, a goroutine that reads its stream in order, decodes each envelope and
// projects it (Project) into statements, a run of events at a time; this goroutine gives the
// runs to r.sink, each lane's in the order the lane made them. So a stream's events reach the
// projections in stream order, and the streams of different services interleave, as they do for
// the live consumers (one per stream, decisions.md 74): projections of different services'
// events commute. Reading and decoding, most of a rebuild's work, run on more than one core; the
// fold stays on one.
func (r *replay) read(ctx context.Context, ends map[string]uint64) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	runs := make(chan laneRun, 2*len(Services))
	free := make(chan *adapters.Batch, 4*len(Services))
	var lanes sync.WaitGroup
	for _, svc := range Services {
		start, end := max(r.next[svc], 1), ends[svc]
		if end == 0 || start > end {
			continue
		}
		lanes.Go(func() {
			if err := r.lane(ctx, svc, start, end, runs, free); err != nil {
				cancel(err)
			}
		})
	}
	go func() { lanes.Wait(); close(runs) }()
	for run := range runs {
		if ctx.Err() != nil {
			continue // draining: a lane failed, or the fold did
		}
		run.stmts.Replay(r.sink)
		select {
		case free <- run.stmts:
		default:
		}
		r.next[run.svc] = run.next
		r.replayed[run.svc] += run.events
		before := r.state.Events
		r.state.Events += run.events
		r.state.Skipped += run.skipped
		r.unverified = append(r.unverified, run.unverified...)
		if r.state.Events/rebuildBatch != before/rebuildBatch {
			r.report()
		}
		if r.fold != nil && r.fold.Err() != nil {
			cancel(r.fold.Err())
		}
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// lane reads svc's stream from start to end (inclusive) and sends its events, projected, on runs
// in runs of laneBatch; free gives back the statements of runs replayed.
func (r *replay) lane(ctx context.Context, svc string, start, end uint64, runs chan<- laneRun, free chan *adapters.Batch) error {
	cons, err := r.app.js.OrderedConsumer(ctx, bus.StreamName(svc), jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: start})
	if err != nil {
		return fmt.Errorf("read %s: %w", svc, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(rebuildBatch))
	if err != nil {
		return fmt.Errorf("read %s: %w", svc, err)
	}
	defer it.Stop()
	stop := context.AfterFunc(ctx, it.Stop) // Next waits for no context
	defer stop()
	run := laneRun{svc: svc}
	var sink adapters.Sink
	for next := start; next <= end; {
		if run.stmts == nil {
			select {
			case run.stmts = <-free:
			default:
				run.stmts = adapters.NewBatch(r.p)
			}
			sink = run.stmts.Sink()
		}
		msg, err := it.Next()
		if err != nil {
			return fmt.Errorf("read %s: %w", svc, cmp.Or(context.Cause(ctx), err))
		}
		meta, err := msg.Metadata()
		if err != nil {
			return fmt.Errorf("read %s: %w", svc, err)
		}
		next = meta.Sequence.Stream + 1
		run.next = next
		// What the live consumer dead-letters (not published by the platform, not an envelope,
		// or a MalformedError) is recorded nowhere here either. An event whose MAC does not
		// verify is kept by its envelope's names, for keyCheck: one the live consumers handled
		// says the key is wrong, not the event.
		mark := run.stmts.Len()
		env := &commonv1.EventEnvelope{}
		var malformed *MalformedError
		if err := r.app.busKey.Verify(msg.Subject(), msg.Data(), msg.Headers()); err != nil {
			run.skipped++
			if proto.Unmarshal(msg.Data(), env) == nil {
				if id, err := uuid.Parse(env.GetEventId()); err == nil {
					run.unverified = append(run.unverified, adapters.Unverified{Service: svc, Stream: env.GetStreamId(),
						Version: env.GetStreamVersion(), EventID: id})
				}
			}
		} else if err := proto.Unmarshal(msg.Data(), env); err != nil {
			run.skipped++
		} else if err := Project(r.p, sink, svc, env, msg.Data()); errors.As(err, &malformed) {
			run.stmts.Forget(mark)
			run.skipped++
		} else if err != nil {
			return fmt.Errorf("replay %s sequence %d: %w", svc, meta.Sequence.Stream, err)
		}
		run.events++
		if run.events == laneBatch || next > end {
			select {
			case runs <- run:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			run = laneRun{svc: svc}
		}
	}
	return nil
}
