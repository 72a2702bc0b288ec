package eventstore

import (
	"bytes"
	"fmt"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// VerifyEnvelopes checks one stream's hash chain from its events as they travelled on JetStream,
// for a reader that holds copies of another service's events and not its database (reporting).
// envs must be the stream's events in version order from version 1. The hash of each is recomputed
// from the envelope's fields exactly as the store computes it on append (decision 4), chained from
// the genesis hash; an envelope carries its own hash but not the previous one, so each link is
// checked against the hash recomputed for the event before it. It returns a *TamperError naming
// the first missing version or the first event that does not follow from the one before, or nil.
// A missing last event cannot be seen: nothing comes after it.
func VerifyEnvelopes(envs []*commonv1.EventEnvelope) error {
	var c chainHasher
	previous := genesis[:]
	for i, env := range envs {
		want := int64(i + 1)
		if env.GetStreamVersion() != want {
			return &TamperError{Stream: env.GetStreamId(), Version: want,
				Reason: fmt.Sprintf("version is missing (next held is %d)", env.GetStreamVersion())}
		}
		if i > 0 && env.GetStreamId() != envs[0].GetStreamId() {
			return &TamperError{Stream: envs[0].GetStreamId(), Version: want, Reason: "event of another stream " + env.GetStreamId()}
		}
		r, err := fromEnvelope(env)
		if err != nil {
			return &TamperError{Stream: env.GetStreamId(), Version: want, Reason: err.Error()}
		}
		sum := c.sum(previous, &r)
		if !bytes.Equal(sum[:], env.GetHash()) {
			return &TamperError{Stream: env.GetStreamId(), Version: want, Reason: "event does not follow from the one before it (hash does not match)"}
		}
		previous = env.GetHash()
	}
	return nil
}

// fromEnvelope is the recorded event an envelope carries, as far as the hash covers it.
func fromEnvelope(env *commonv1.EventEnvelope) (RecordedEvent, error) {
	r := RecordedEvent{StreamID: env.GetStreamId(), Version: env.GetStreamVersion(), Position: env.GetPosition(),
		RecordedAt: env.GetRecordedAt().AsTime(), Hash: env.GetHash()}
	r.Type, r.SchemaVersion, r.Payload = env.GetEventType(), env.GetSchemaVersion(), env.GetPayload()
	var err error
	if r.ID, err = uuid.Parse(env.GetEventId()); err != nil {
		return r, fmt.Errorf("event id: %w", err)
	}
	for _, f := range []struct {
		text string
		id   *uuid.UUID
		name string
	}{{env.GetFamilyId(), &r.FamilyID, "family id"}, {env.GetCentreId(), &r.CentreID, "centre id"}} {
		if f.text == "" {
			continue
		}
		if *f.id, err = uuid.Parse(f.text); err != nil {
			return r, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	md := env.GetMetadata()
	r.Metadata = Metadata{Actor: md.GetActor(), CorrelationID: md.GetCorrelationId(), CausationID: md.GetCausationId(),
		RequestID: md.GetRequestId(), Traceparent: md.GetTraceparent(), Tracestate: md.GetTracestate(), ActorRole: md.GetActorRole()}
	return r, nil
}
