package eventstore

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func goldenEvent() *RecordedEvent {
	return &RecordedEvent{
		Event: Event{ID: uuid.MustParse("0b5c6a4e-7f3d-4b8e-9a21-3c4d5e6f7a8b"), Type: "familytime.scheduling.v1.SessionCompleted", SchemaVersion: 1,
			FamilyID: uuid.MustParse("1f02e103-f966-4ba1-a9b0-7296402d4ae1"), CentreID: uuid.MustParse("2a59f843-ade8-47e8-96be-9b7386f10b56"),
			Payload:  []byte{0x0a, 0x03, 'a', 'b', 'c'},
			Metadata: Metadata{Actor: "sim-staff-001", CorrelationID: "c", CausationID: "d", RequestID: "r", Traceparent: "tp", Tracestate: "ts"}},
		StreamID: "family-1f02e103-f966-4ba1-a9b0-7296402d4ae1", Version: 7,
		RecordedAt: time.Date(2026, 3, 14, 10, 30, 0, 123456000, time.UTC),
	}
}

// An event without an actor's role hashes as every event did before roles were recorded
// (decisions.md 83): the hash below was computed by the chain's code before the role was added,
// so the chains already in every service's log still verify. With a role, the hash differs.
func TestAChainWithoutRolesHashesAsBefore(t *testing.T) {
	var c chainHasher
	h := c.sum(genesis[:], goldenEvent())
	require.Equal(t, "49d5587ff3df6eefec3bc3b20ac32285a166e701f7f9290837d0472c353f0305", hex.EncodeToString(h[:]))
	withRole := goldenEvent()
	withRole.Metadata.ActorRole = "supervisor"
	require.NotEqual(t, h, c.sum(genesis[:], withRole))
}
