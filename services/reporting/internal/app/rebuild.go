package app

import (
	"context"
	"errors"
	"fmt"
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
	r := &replay{app: a, p: adapters.NewProjections(schema), started: time.Now(), next: map[string]uint64{},
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
	for _, svc := range Services {
		var b adapters.Batch
		if err := r.read(ctx, svc, ends[svc], &b, true); err != nil {
			return err
		}
	}
	// Catch up outside the lock until little is left, then the rest under it.
	for range 3 {
		var b adapters.Batch
		for _, svc := range Services {
			if err := r.readToEnd(ctx, svc, &b, true); err != nil {
				return err
			}
		}
	}
	err = a.rebuilds.Swap(ctx, schema, func(ctx context.Context, b *adapters.Batch) error {
		for _, svc := range Services {
			if err := r.readToEnd(ctx, svc, b, false); err != nil {
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
	app      *App
	p        *adapters.Projections
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

func (r *replay) readToEnd(ctx context.Context, svc string, b *adapters.Batch, commit bool) error {
	info, err := r.app.streamInfo(ctx, svc)
	if err != nil {
		return err
	}
	return r.read(ctx, svc, info.LastSeq, b, commit)
}

// read replays svc's stream from r.next[svc] to end (inclusive) into b; commit applies b in
// batches as it goes (otherwise the caller applies it).
func (r *replay) read(ctx context.Context, svc string, end uint64, b *adapters.Batch, commit bool) error {
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
	sink := b.Sink()
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
		if err := Project(r.p, sink, svc, env, msg.Data()); err != nil {
			return fmt.Errorf("replay %s sequence %d: %w", svc, meta.Sequence.Stream, err)
		}
		r.state.Events++
		if commit && r.state.Events%rebuildBatch == 0 {
			if err := r.app.rebuilds.Apply(ctx, b); err != nil {
				return err
			}
			r.report()
		}
	}
	if commit {
		if err := r.app.rebuilds.Apply(ctx, b); err != nil {
			return err
		}
		r.report()
	}
	return nil
}
