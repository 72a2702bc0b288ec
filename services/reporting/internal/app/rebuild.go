package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
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

// rebuildBatch is how many events a rebuild reads between two progress reports.
const rebuildBatch = 2000

// Rebuild replays every service's stream from its first message into a fresh copy of the
// projections (a new schema), catches up with what arrived meanwhile, and swaps the copy in
// (adapters.Rebuilds.Swap); the service answers from the old tables until then. progress is
// called every rebuildBatch events and at the end. A failed or cancelled rebuild drops its copy
// and leaves the live tables as they were.
//
// The replay goes through app.Project like the live consumers, into an adapters.Fold
// (decisions.md 67): the history's rows stream into the new schema with one COPY while the
// streams are read, every other table is folded in memory and written once with COPY when the
// replay is done; what arrives after that is applied with the projections' SQL under the swap lock.
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
	history := a.rebuilds.CopyHistory(ctx, schema)
	defer func() {
		if err != nil {
			_ = history.Close(true)
		}
	}()
	fold := adapters.NewFold(p, history.Put)
	r := &replay{app: a, p: p, started: time.Now(), next: map[string]uint64{},
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
	for _, svc := range Services {
		if err := r.read(ctx, svc, ends[svc]); err != nil {
			return err
		}
	}
	// Catch up before the load until little is left, then the rest under the lock.
	for range 3 {
		for _, svc := range Services {
			if err := r.readToEnd(ctx, svc); err != nil {
				return err
			}
		}
	}
	// The history's COPY ends while the other tables are written, on two connections.
	var loaded error
	var wg sync.WaitGroup
	wg.Go(func() { loaded = a.rebuilds.Load(ctx, fold) })
	err = history.Close(false)
	wg.Wait()
	if err = cmp.Or(err, loaded); err != nil {
		return err
	}
	r.fold, r.sink = nil, nil
	// The tables were loaded without their secondary indexes; each is built once, before the
	// catch-up under the lock and the swap.
	if err := a.rebuilds.Index(ctx, schema); err != nil {
		return err
	}
	r.report()
	err = a.rebuilds.Swap(ctx, r.p, func(ctx context.Context, b *adapters.Batch) error {
		r.sink = b.Sink()
		for _, svc := range Services {
			if err := r.readToEnd(ctx, svc); err != nil {
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

// replay reads the streams into one schema.
type replay struct {
	app *App
	p   *adapters.Projections
	// sink takes what is read: the fold's until it is loaded, then the swap's batch.
	sink     adapters.Sink
	fold     *adapters.Fold
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

func (r *replay) readToEnd(ctx context.Context, svc string) error {
	info, err := r.app.streamInfo(ctx, svc)
	if err != nil {
		return err
	}
	return r.read(ctx, svc, info.LastSeq)
}

// read replays svc's stream from r.next[svc] to end (inclusive) into r.sink.
func (r *replay) read(ctx context.Context, svc string, end uint64) error {
	if end == 0 || r.next[svc] > end {
		return nil
	}
	if r.next[svc] == 0 {
		r.next[svc] = 1
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
		if err := Project(r.p, r.sink, svc, env, msg.Data()); err != nil {
			return fmt.Errorf("replay %s sequence %d: %w", svc, meta.Sequence.Stream, err)
		}
		if r.fold != nil && r.fold.Err() != nil {
			return r.fold.Err()
		}
		r.state.Events++
		if r.state.Events%rebuildBatch == 0 {
			r.report()
		}
	}
	return nil
}
