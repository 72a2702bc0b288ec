package eventstore

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protowire"
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
	// ActorRole is the role the actor acted in (auth.ActingRole); empty for a service reacting to
	// an event. It is hashed only when set, so the chains recorded before it verify as they did.
	ActorRole string
}

// metadataFields names the metadata's fields in their one order, which the events table's
// columns, EventMetadata's field numbers (1 to 6) and the hash chain all follow.
var metadataFields = [...]string{"actor", "correlation_id", "causation_id", "request_id", "traceparent", "tracestate", "actor_role"}

// values are the metadata's fields in the order of metadataFields.
func (m *Metadata) values() [len(metadataFields)]string {
	return [...]string{m.Actor, m.CorrelationID, m.CausationID, m.RequestID, m.Traceparent, m.Tracestate, m.ActorRole}
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
	// MAC is the service's keyed hash of Hash (EventKey), made as it appended the event; nil for
	// an event appended before event MACs, or by a store without a key.
	MAC []byte
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
			ActorRole:     r.Metadata.ActorRole,
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

// AppendEnvelope appends the event's envelope in protobuf's wire format: the bytes
// proto.Marshal(r.Envelope()) gives, without building the message first. The relay does this for
// every event it publishes, and building the message cost it more than writing the bytes
// (field numbers: proto/familytime/common/v1/envelope.proto; a test holds the two equal).
func (r *RecordedEvent) AppendEnvelope(b []byte) []byte {
	b = appendUUIDField(b, 1, r.ID)
	b = appendStringField(b, 2, r.Type)
	b = appendVarintField(b, 3, uint64(r.SchemaVersion))
	b = appendStringField(b, 4, r.StreamID)
	b = appendVarintField(b, 5, uint64(r.Version))
	b = appendVarintField(b, 6, uint64(r.Position))
	if r.FamilyID != uuid.Nil {
		b = appendUUIDField(b, 7, r.FamilyID)
	}
	if r.CentreID != uuid.Nil {
		b = appendUUIDField(b, 8, r.CentreID)
	}
	b = appendBytesField(b, 9, r.Payload)
	fields := r.Metadata.values()
	size := 0
	for i, f := range fields {
		if f != "" {
			size += protowire.SizeTag(protowire.Number(i+1)) + protowire.SizeBytes(len(f))
		}
	}
	b = protowire.AppendTag(b, 10, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(size))
	for i, f := range fields {
		b = appendStringField(b, protowire.Number(i+1), f)
	}
	seconds, nanos := r.RecordedAt.Unix(), r.RecordedAt.Nanosecond()
	size = 0
	if seconds != 0 {
		size += 1 + protowire.SizeVarint(uint64(seconds))
	}
	if nanos != 0 {
		size += 1 + protowire.SizeVarint(uint64(nanos))
	}
	b = protowire.AppendTag(b, 11, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(size))
	b = appendVarintField(b, 1, uint64(seconds))
	b = appendVarintField(b, 2, uint64(nanos))
	return appendBytesField(b, 12, r.Hash)
}

// The append helpers leave out a field at its zero value, as proto3 does.

func appendVarintField(b []byte, n protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, n, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendStringField(b []byte, n protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, n, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytesField(b []byte, n protowire.Number, v []byte) []byte {
	if len(v) == 0 {
		return b
	}
	b = protowire.AppendTag(b, n, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

// appendUUIDField appends id as a string field in its canonical text form, without allocating it.
func appendUUIDField(b []byte, n protowire.Number, id uuid.UUID) []byte {
	b = protowire.AppendTag(b, n, protowire.BytesType)
	b = protowire.AppendVarint(b, 36)
	var text [36]byte
	hex.Encode(text[0:8], id[0:4])
	text[8] = '-'
	hex.Encode(text[9:13], id[4:6])
	text[13] = '-'
	hex.Encode(text[14:18], id[6:8])
	text[18] = '-'
	hex.Encode(text[19:23], id[8:10])
	text[23] = '-'
	hex.Encode(text[24:], id[10:])
	return append(b, text[:]...)
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
