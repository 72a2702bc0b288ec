package eventstore_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
)

// Envelopes of a stream as the relay publishes them verify against the store's own hashes; a
// missing version, an altered payload or actor, and a reordered pair are each named.
func TestVerifyEnvelopesAgreesWithTheStore(t *testing.T) {
	store, _ := newStore(t)
	ctx := t.Context()
	family, centre := uuid.New(), uuid.New()
	var events []eventstore.Event
	for i := range 5 {
		e := counter(t, int64(i+1))
		e.FamilyID, e.CentreID = family, centre
		e.Metadata.RequestID, e.Metadata.Traceparent = "r", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
		events = append(events, e)
	}
	events[2].FamilyID = uuid.Nil // a centre-only event in the stream
	// The actor's role is chained where there is one; an event without one (a service's, or one
	// recorded before roles were) hashes as before.
	events[0].Metadata.ActorRole, events[3].Metadata.ActorRole = "coordinator", "volunteer"
	_, err := store.Append(ctx, "counter-v", eventstore.NoStream, events...)
	require.NoError(t, err)
	loaded, err := store.Load(ctx, "counter-v")
	require.NoError(t, err)
	envs := func() []*commonv1.EventEnvelope {
		var out []*commonv1.EventEnvelope
		for i := range loaded {
			// As it travels: the relay's bytes, decoded the way a consumer decodes them.
			env := &commonv1.EventEnvelope{}
			require.NoError(t, proto.Unmarshal(loaded[i].AppendEnvelope(nil), env))
			out = append(out, env)
		}
		return out
	}
	require.NoError(t, eventstore.VerifyEnvelopes(envs()))
	require.NoError(t, eventstore.VerifyEnvelopes(envs()[:3]), "a prefix verifies")

	var terr *eventstore.TamperError
	gap := envs()
	gap = append(gap[:1], gap[2:]...)
	require.ErrorAs(t, eventstore.VerifyEnvelopes(gap), &terr)
	require.Equal(t, eventstore.TamperError{Stream: "counter-v", Version: 2, Reason: "version is missing (next held is 3)"}, *terr)

	altered := envs()
	altered[3].Payload = append([]byte(nil), altered[3].Payload...)
	altered[3].Payload[len(altered[3].Payload)-1]++
	require.ErrorAs(t, eventstore.VerifyEnvelopes(altered), &terr)
	require.Equal(t, int64(4), terr.Version)

	actor := envs()
	actor[1].Metadata.Actor = "someone-else"
	require.ErrorAs(t, eventstore.VerifyEnvelopes(actor), &terr)
	require.Equal(t, int64(2), terr.Version)

	require.Equal(t, "volunteer", envs()[3].GetMetadata().GetActorRole(), "the role travels in the envelope")
	for _, change := range []struct {
		version int
		role    string
	}{{4, "admin"}, {4, ""}, {2, "coordinator"}} {
		role := envs()
		role[change.version-1].Metadata.ActorRole = change.role
		require.ErrorAs(t, eventstore.VerifyEnvelopes(role), &terr, "role %q at version %d", change.role, change.version)
		require.Equal(t, int64(change.version), terr.Version)
	}

	swapped := envs()
	swapped[1].StreamVersion, swapped[2].StreamVersion = 3, 2
	swapped[1], swapped[2] = swapped[2], swapped[1]
	require.ErrorAs(t, eventstore.VerifyEnvelopes(swapped), &terr)
	require.Equal(t, int64(2), terr.Version)
}
