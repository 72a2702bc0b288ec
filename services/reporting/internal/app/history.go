package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// Step is one step of a family's history.
type Step = adapters.Step

// belongs checks that the family was referred to centre. Another centre's family is "not found",
// the same answer as a family that does not exist, so ids cannot be probed (decisions.md 38); a
// national role, not scoped to centres, still names the family's own centre.
func (a *App) belongs(ctx context.Context, family, centre uuid.UUID) error {
	at, err := a.history.CentreOf(ctx, family)
	if errors.Is(err, adapters.ErrNoFamily) || (err == nil && at != centre) {
		return problem.NotFound("family " + family.String())
	}
	return err
}

// FamilyHistory is every event about the family from every service, recorded at or before asOf,
// in the order recorded, if the family was referred to centre.
func (a *App) FamilyHistory(ctx context.Context, family, centre uuid.UUID, asOf time.Time) ([]Step, error) {
	// The family's centre and its history come in one round trip; the history is dropped unread
	// when the caller may not see it, with the same answer as belongs gives.
	at, steps, err := a.history.Family(ctx, family, asOf)
	if errors.Is(err, adapters.ErrNoFamily) || (err == nil && at != centre) {
		a.history.Release(steps)
		return nil, problem.NotFound("family " + family.String())
	}
	if err != nil {
		return nil, err
	}
	if err := a.describeOld(ctx, family, steps); err != nil {
		a.history.Release(steps)
		return nil, err
	}
	return steps, nil
}

// ReleaseHistory gives back the steps FamilyHistory returned, once nothing reads them any more
// (their texts may still be used): the next history read reuses their memory.
func (a *App) ReleaseHistory(steps []Step) { a.history.Release(steps) }

// describeOld describes, from their envelopes, the steps projected before descriptions were
// kept (migration 0003); a rebuild writes their descriptions.
func (a *App) describeOld(ctx context.Context, family uuid.UUID, steps []Step) error {
	var ids []uuid.UUID
	for _, st := range steps {
		if st.Undescribed {
			ids = append(ids, st.EventID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	envs, err := a.history.Envelopes(ctx, family, ids)
	if err != nil {
		return err
	}
	for i := range steps {
		if !steps[i].Undescribed {
			continue
		}
		env := &commonv1.EventEnvelope{}
		if err := proto.Unmarshal(envs[steps[i].EventID], env); err != nil {
			return fmt.Errorf("history of %s: event %s: %w", family, steps[i].EventID, err)
		}
		steps[i].Description, steps[i].Undescribed = Describe(env), false
	}
	return nil
}

// Verification is what checking a family's history found.
type Verification struct {
	Streams int
	Events  int64
	// FamilyEvents are the events checked that are the family's own (the history lists them);
	// the rest are other families' in streams this family shares.
	FamilyEvents int64
	// Broken is the first gap, bad link or changed description, nil when the history is complete
	// and untampered.
	Broken  *eventstore.TamperError
	Service string
	// Shared: the event Broken names is another family's, in a stream this family shares.
	Shared bool
}

// VerifyFamilyHistory checks every stream that holds the family's events, whole and from version
// 1, for continuity and its hash chain (eventstore.VerifyEnvelopes), and that the description the
// history shows of each of the family's events is the one its event gives (Describe): the words
// a court reads are not covered by the hashes, so they are checked against what is. It names the
// first stream, in (service, stream) order, with a gap, a bad link or a changed description.
func (a *App) VerifyFamilyHistory(ctx context.Context, family, centre uuid.UUID) (Verification, error) {
	if err := a.belongs(ctx, family, centre); err != nil {
		return Verification{}, err
	}
	streams, err := a.history.Streams(ctx, family)
	if err != nil {
		return Verification{}, err
	}
	refs := make([]adapters.StreamRef, 0, len(streams))
	for ref := range streams {
		refs = append(refs, ref)
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Service != refs[j].Service {
			return refs[i].Service < refs[j].Service
		}
		return refs[i].Stream < refs[j].Stream
	})
	var v Verification
	for _, ref := range refs {
		events := streams[ref]
		envs := make([]*commonv1.EventEnvelope, len(events))
		for i, ev := range events {
			envs[i] = &commonv1.EventEnvelope{}
			if err := proto.Unmarshal(ev.Envelope, envs[i]); err != nil {
				return Verification{}, fmt.Errorf("verify %s: %w", ref.Stream, err)
			}
			if ev.Family == family {
				v.FamilyEvents++
			}
		}
		v.Streams++
		v.Events += int64(len(envs))
		if v.Broken != nil {
			continue
		}
		var terr *eventstore.TamperError
		if err := eventstore.VerifyEnvelopes(envs); errors.As(err, &terr) {
			v.Broken, v.Service = terr, ref.Service
			for i, env := range envs {
				if env.GetStreamVersion() == terr.Version {
					v.Shared = events[i].Family != family
				}
			}
			continue
		} else if err != nil {
			return Verification{}, err
		}
		for i, ev := range events {
			if ev.Family == family && ev.Description != nil && *ev.Description != Describe(envs[i]) {
				v.Broken = &eventstore.TamperError{Stream: ref.Stream, Version: envs[i].GetStreamVersion(),
					Reason: "what the history says of this event does not follow from it: the projection was changed, or the descriptions changed since it was written (`familytime reporting rebuild` writes them again from the events)"}
				v.Service = ref.Service
				break
			}
		}
	}
	return v, nil
}
