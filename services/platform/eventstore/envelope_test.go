package eventstore_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/services/platform/eventstore"
)

// AppendEnvelope writes exactly what proto.Marshal makes of Envelope, whichever fields are set.
func TestAppendEnvelopeMatchesMarshal(t *testing.T) {
	full := eventstore.RecordedEvent{
		Event: eventstore.Event{ID: uuid.New(), Type: "familytime.scheduling.v1.CentreRegistered", SchemaVersion: 3,
			FamilyID: uuid.New(), CentreID: uuid.New(), Payload: make([]byte, 300),
			Metadata: eventstore.Metadata{Actor: "account-1", CorrelationID: "c", CausationID: "é", RequestID: "r",
				Traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Tracestate: "a=1"}},
		StreamID: "referral-1", Version: 1 << 40, Position: 1<<62 + 5, TxID: 9,
		RecordedAt: time.Date(2026, 11, 26, 17, 40, 1, 123_456_000, time.UTC), PreviousHash: make([]byte, 32), Hash: make([]byte, 32),
	}
	full.Payload[299], full.Hash[0] = 1, 7
	bare := eventstore.RecordedEvent{Event: eventstore.Event{ID: uuid.New(), Type: "t"}, StreamID: "s", Version: 1,
		RecordedAt: time.Unix(0, 0)}
	old := full
	old.RecordedAt = time.Date(1960, 1, 1, 0, 0, 0, 5, time.UTC) // negative seconds
	old.Metadata = eventstore.Metadata{Tracestate: "only"}
	for name, r := range map[string]eventstore.RecordedEvent{"full": full, "bare": bare, "old": old} {
		want, err := proto.Marshal(r.Envelope())
		require.NoError(t, err)
		require.Equal(t, want, r.AppendEnvelope(nil), name)
	}
}
