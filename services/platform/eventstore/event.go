package eventstore

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// Event is a fact to append. Payload is a serialised protobuf message whose full name is Type;
// personal fields inside it are already sealed (package seal).
type Event struct {
	// ID is the event's unique id; left zero, Commit assigns a random one.
	ID uuid.UUID
	// Type is the payload's protobuf full name.
	Type string
	// SchemaVersion of the payload message; left zero, it is 1.
	SchemaVersion uint32
	// FamilyID is the family the event concerns, uuid.Nil for none.
	FamilyID uuid.UUID
	// CentreID is the centre the event concerns, uuid.Nil for a national event.
	CentreID uuid.UUID
	Payload  []byte
	Metadata Metadata
}

// Metadata says who caused an event and how it connects to what came before. It never holds
// personal data: the actor is an account subject, not a name.
type Metadata struct {
	Actor         string
	CorrelationID string
	CausationID   string
	RequestID     string
	// Traceparent and Tracestate are the W3C trace context of the span that recorded the event;
	// Commit fills them from the context when they are empty.
	Traceparent string
	Tracestate  string
}

// NewEvent builds an Event from a protobuf message, serialised deterministically.
func NewEvent(msg proto.Message, familyID, centreID uuid.UUID, md Metadata) (Event, error) {
	payload, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		return Event{}, fmt.Errorf("marshal %s: %w", msg.ProtoReflect().Descriptor().FullName(), err)
	}
	return Event{
		Type:     string(msg.ProtoReflect().Descriptor().FullName()),
		FamilyID: familyID,
		CentreID: centreID,
		Payload:  payload,
		Metadata: md,
	}, nil
}

// RecordedEvent is an event as the log holds it.
type RecordedEvent struct {
	Event
	StreamID     string
	Version      int64
	Position     int64
	TxID         uint64
	RecordedAt   time.Time
	PreviousHash []byte
	Hash         []byte
}

// Envelope is the event as it travels on JetStream.
func (r *RecordedEvent) Envelope() *commonv1.EventEnvelope {
	env := &commonv1.EventEnvelope{
		EventId:       r.ID.String(),
		EventType:     r.Type,
		SchemaVersion: r.SchemaVersion,
		StreamId:      r.StreamID,
		StreamVersion: r.Version,
		Position:      r.Position,
		Payload:       r.Payload,
		Metadata: &commonv1.EventMetadata{
			Actor:         r.Metadata.Actor,
			CorrelationId: r.Metadata.CorrelationID,
			CausationId:   r.Metadata.CausationID,
			RequestId:     r.Metadata.RequestID,
			Traceparent:   r.Metadata.Traceparent,
			Tracestate:    r.Metadata.Tracestate,
		},
		RecordedAt: timestamppb.New(r.RecordedAt),
		Hash:       r.Hash,
	}
	if r.FamilyID != uuid.Nil {
		env.FamilyId = r.FamilyID.String()
	}
	if r.CentreID != uuid.Nil {
		env.CentreId = r.CentreID.String()
	}
	return env
}

// Decode returns the event's payload as its protobuf message, found by type name in the
// registry of generated types linked into the program.
func (r *RecordedEvent) Decode() (proto.Message, error) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(r.Type))
	if err != nil {
		return nil, fmt.Errorf("event %s of unknown type %s: %w", r.ID, r.Type, err)
	}
	msg := mt.New().Interface()
	if err := proto.Unmarshal(r.Payload, msg); err != nil {
		return nil, fmt.Errorf("decode event %s (%s): %w", r.ID, r.Type, err)
	}
	return msg, nil
}
