package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// Progress is how far a rebuild is.
type Progress struct {
	Schema string
	Events int64
	// Total is the events in the streams when the rebuild began.
	Total   int64
	PerSec  float64
	Swapped bool
}

// rebuildBatch is how many events a rebuild commits at once.
const rebuildBatch = 2000

// Rebuild replays every service's stream from its first message into a fresh copy of the
// projections (a new schema), catches up with what arrived meanwhile, and swaps the copy in
// (adapters.Rebuilds.Swap); the service answers from the old tables until then. progress is
// called after each batch and at the end. A failed or cancelled rebuild drops its copy and leaves
// the live tables as they were.
func (a *App) Rebuild(ctx context.Context, progress func(Progress)) (err error) {
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
	r := &replay{app: a, p: p, started: time.Now(), next: map[string]uint64{},
		progress: progress, state: Progress{Schema: schema}}
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
	// A writer applies each full batch while the next is read and projected.
	w := newWriter(ctx, a.rebuilds)
	r.w = w
	for _, svc := range Services {
		if err := r.read(ctx, svc, ends[svc], true); err != nil {
			return cmp.Or(w.close(), err)
		}
	}
	// Catch up outside the lock until little is left, then the rest under it.
	for range 3 {
		for _, svc := range Services {
			if err := r.readToEnd(ctx, svc, true); err != nil {
				return cmp.Or(w.close(), err)
			}
		}
	}
	if err := w.close(); err != nil {
		return err
	}
	// The tables were loaded without their secondary indexes; each is built once, before the
	// catch-up under the lock and the swap.
	if err := a.rebuilds.Index(ctx, schema); err != nil {
		return err
	}
	r.report()
	err = a.rebuilds.Swap(ctx, r.p, func(ctx context.Context, b *adapters.Batch) error {
		r.batch = b
		for _, svc := range Services {
			if err := r.readToEnd(ctx, svc, false); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.state.Swapped = true
	r.report()
	return nil
}

// writer applies a rebuild's batches one after another, in order, beside the reading.
type writer struct {
	batches chan *adapters.Batch
	free    chan *adapters.Batch
	done    chan error
	failed  atomic.Bool // a batch failed: the reader stops
}

func newWriter(ctx context.Context, rebuilds *adapters.Rebuilds) *writer {
	w := &writer{batches: make(chan *adapters.Batch), free: make(chan *adapters.Batch, 2), done: make(chan error, 1)}
	go func() {
		var err error
		for b := range w.batches {
			if err == nil {
				if err = rebuilds.Apply(ctx, b); err != nil {
					w.failed.Store(true)
				}
			}
			w.free <- b
		}
		w.done <- err
	}()
	return w
}

// close waits for every batch sent and returns the first error.
func (w *writer) close() error {
	if w.batches == nil {
		return nil
	}
	close(w.batches)
	w.batches = nil
	return <-w.done
}

// replay reads the streams into one schema.
type replay struct {
	app *App
	p   *adapters.Projections
	// batch collects what is read; w applies it when full (nil under the swap lock, where the
	// caller applies batch).
	batch    *adapters.Batch
	w        *writer
	started  time.Time
	next     map[string]uint64 // the next stream sequence to read, per service
	progress func(Progress)
	state    Progress
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

func (r *replay) readToEnd(ctx context.Context, svc string, commit bool) error {
	info, err := r.app.streamInfo(ctx, svc)
	if err != nil {
		return err
	}
	return r.read(ctx, svc, info.LastSeq, commit)
}

// errWriter stops the reading when a batch failed; the writer's close returns why.
var errWriter = errors.New("a rebuild batch failed")

// flush hands the batch to the writer and takes an empty one.
func (r *replay) flush() error {
	if r.w.failed.Load() {
		return errWriter
	}
	if r.batch == nil || r.batch.Len() == 0 {
		return nil
	}
	r.w.batches <- r.batch
	select {
	case r.batch = <-r.w.free:
	default:
		r.batch = adapters.NewBatch(r.p)
	}
	r.report()
	return nil
}

// read replays svc's stream from r.next[svc] to end (inclusive) into r.batch; commit has the
// writer apply it in batches as it goes (otherwise the caller applies it).
func (r *replay) read(ctx context.Context, svc string, end uint64, commit bool) error {
	if end == 0 || r.next[svc] > end {
		return nil
	}
	if r.next[svc] == 0 {
		r.next[svc] = 1
	}
	if r.batch == nil {
		r.batch = adapters.NewBatch(r.p)
	}
	cons, err := r.app.js.OrderedConsumer(ctx, bus.StreamName(svc), jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: r.next[svc]})
	if err != nil {
		return fmt.Errorf("read %s: %w", svc, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(rebuildBatch))
	if err != nil {
		return fmt.Errorf("read %s: %w", svc, err)
	}
	defer it.Stop()
	for r.next[svc] <= end {
		msg, err := it.Next()
		if err != nil {
			return fmt.Errorf("read %s: %w", svc, err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			return fmt.Errorf("read %s: %w", svc, err)
		}
		r.next[svc] = meta.Sequence.Stream + 1
		env := &commonv1.EventEnvelope{}
		if err := proto.Unmarshal(msg.Data(), env); err != nil {
			continue // not an envelope: the live consumer dead-letters it too, and records nothing
		}
		if err := Project(r.p, r.batch.Sink(), svc, env, msg.Data()); err != nil {
			return fmt.Errorf("replay %s sequence %d: %w", svc, meta.Sequence.Stream, err)
		}
		r.state.Events++
		if commit && r.state.Events%rebuildBatch == 0 {
			if err := r.flush(); err != nil {
				return err
			}
		}
	}
	if commit {
		return r.flush()
	}
	return nil
}
