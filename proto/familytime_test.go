package proto_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	testingv1 "github.com/familytime/familytime/proto/gen/go/familytime/testing/v1"
)

// The events table stores the protobuf full name as the event type, so a rename of the envelope or
// its package is a breaking change to every stored row, not a refactoring.
func TestEventEnvelopeFullName(t *testing.T) {
	got := (&commonv1.EventEnvelope{}).ProtoReflect().Descriptor().FullName()
	require.Equal(t, protoreflect.FullName("familytime.common.v1.EventEnvelope"), got)
}

// An envelope must survive the wire unchanged, and a consumer must be able to turn its payload
// back into the event it names by event_type alone, through the global registry.
func TestEventEnvelopeRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		payload proto.Message
	}{
		{
			name:    "counter incremented",
			payload: &testingv1.CounterIncremented{Value: 42, Padding: []byte{0xde, 0xad, 0xbe, 0xef}},
		},
		{
			name: "person noted",
			payload: &testingv1.PersonNoted{
				FamilyId:   "0b5f5a4e-4c1e-4f0e-9a59-0f1b9e0c2a11",
				SealedName: []byte("sealed bytes, not a name"),
				AgeBand:    "AGE_BAND_5_TO_10",
				CentreId:   "7d0c7a52-9f55-4d7e-8a3c-5b8e2f6c1d22",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			payload, err := proto.Marshal(tt.payload)
			require.NoError(t, err)
			sent := &commonv1.EventEnvelope{
				EventId:       "5e1b2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
				EventType:     string(tt.payload.ProtoReflect().Descriptor().FullName()),
				SchemaVersion: 1,
				StreamId:      "counter-1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
				StreamVersion: 7,
				Position:      1234,
				FamilyId:      "0b5f5a4e-4c1e-4f0e-9a59-0f1b9e0c2a11",
				CentreId:      "7d0c7a52-9f55-4d7e-8a3c-5b8e2f6c1d22",
				Payload:       payload,
				Metadata: &commonv1.EventMetadata{
					Actor:         "svc-scheduling",
					CorrelationId: "c0ffee00-0000-4000-8000-000000000001",
					CausationId:   "c0ffee00-0000-4000-8000-000000000002",
					RequestId:     "req-3",
					Traceparent:   "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
					Tracestate:    "congo=t61rcWkgMzE",
				},
				RecordedAt: timestamppb.New(time.Date(2026, 3, 14, 9, 30, 0, 123456789, time.UTC)),
				Hash:       []byte{0x01, 0x02, 0x03},
			}

			wire, err := proto.Marshal(sent)
			require.NoError(t, err)
			received := &commonv1.EventEnvelope{}
			require.NoError(t, proto.Unmarshal(wire, received))
			require.Truef(t, proto.Equal(sent, received), "envelope changed on the wire:\nsent     %v\nreceived %v", sent, received)

			eventType, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(received.GetEventType()))
			require.NoError(t, err, "event type %q is not registered", received.GetEventType())
			event := eventType.New().Interface()
			require.NoError(t, proto.Unmarshal(received.GetPayload(), event))
			require.Truef(t, proto.Equal(tt.payload, event), "payload changed on the wire:\nsent     %v\nreceived %v", tt.payload, event)
		})
	}
}
