package adapters

import (
	"bytes"
	"errors"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protowire"
)

// Shown are the fields of an event's envelope that a family's history shows, read from the
// envelope's bytes as they travelled, without decoding the rest: the payload is skipped, not
// copied, and nothing is allocated. The texts are parts of the envelope's bytes, valid as long as
// they are. The field numbers are those of familytime.common.v1.EventEnvelope; a field given more
// than once is read as protobuf reads it (the last value; an embedded message's fields merged).
type Shown struct {
	EventID, EventType, StreamID, FamilyID, CentreID, Actor, ActorRole []byte
	Version                                                            int64
	RecordedAt                                                         time.Time
}

var errEnvelope = errors.New("malformed envelope")

// ReadShown reads env's shown fields into s.
func ReadShown(env []byte, s *Shown) error {
	*s = Shown{}
	var seconds, nanos int64
	for len(env) > 0 {
		num, typ, n := protowire.ConsumeTag(env)
		if n < 0 {
			return errEnvelope
		}
		env = env[n:]
		switch {
		case typ == protowire.BytesType && (num == 1 || num == 2 || num == 4 || num == 7 || num == 8 || num == 10 || num == 11):
			v, n := protowire.ConsumeBytes(env)
			if n < 0 {
				return errEnvelope
			}
			env = env[n:]
			switch num {
			case 1:
				s.EventID = v
			case 2:
				s.EventType = v
			case 4:
				s.StreamID = v
			case 7:
				s.FamilyID = v
			case 8:
				s.CentreID = v
			case 10: // metadata: actor 1, actor_role 7
				if err := readFields(v, func(num protowire.Number, b []byte, _ uint64) {
					switch num {
					case 1:
						s.Actor = b
					case 7:
						s.ActorRole = b
					}
				}); err != nil {
					return err
				}
			case 11: // google.protobuf.Timestamp: seconds 1, nanos 2
				if err := readFields(v, func(num protowire.Number, _ []byte, x uint64) {
					switch num {
					case 1:
						seconds = int64(x)
					case 2:
						nanos = int64(int32(x))
					}
				}); err != nil {
					return err
				}
			}
		case typ == protowire.VarintType && num == 5:
			v, n := protowire.ConsumeVarint(env)
			if n < 0 {
				return errEnvelope
			}
			env = env[n:]
			s.Version = int64(v)
		default:
			n := protowire.ConsumeFieldValue(num, typ, env)
			if n < 0 {
				return errEnvelope
			}
			env = env[n:]
		}
	}
	s.RecordedAt = time.Unix(seconds, nanos).UTC()
	return nil
}

// readFields calls fn with each field of an embedded message: a length-delimited field's bytes,
// or a varint's value.
func readFields(b []byte, fn func(num protowire.Number, bytes []byte, varint uint64)) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errEnvelope
		}
		b = b[n:]
		switch typ {
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return errEnvelope
			}
			b = b[n:]
			fn(num, v, 0)
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return errEnvelope
			}
			b = b[n:]
			fn(num, nil, v)
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return errEnvelope
			}
			b = b[n:]
		}
	}
	return nil
}

// Services are the services whose streams reporting consumes, each wholly.
var Services = []string{"referral", "scheduling", "safeguarding"}

// ServiceOfType is the service an event type is of, by its package: "safeguarding" for
// "familytime.safeguarding.v1.ConcernRaised"; empty for a type of no package of Services. Each
// service publishes the events of its own package only, on its own subjects (ft.<service>.>), so
// the service the history names for such an event must be this one.
func ServiceOfType(eventType string) string { return string(serviceOfType([]byte(eventType))) }

// serviceOfType is ServiceOfType of bytes, as a part of them (nil for none).
func serviceOfType(eventType []byte) []byte {
	const prefix = "familytime."
	if len(eventType) <= len(prefix) || string(eventType[:len(prefix)]) != prefix {
		return nil
	}
	rest := eventType[len(prefix):]
	dot := bytes.IndexByte(rest, '.')
	if dot <= 0 || len(rest) < dot+3 || rest[dot+1] != 'v' {
		return nil
	}
	digits := 0
	for _, c := range rest[dot+2:] {
		if c == '.' {
			break
		}
		if c < '0' || c > '9' {
			return nil
		}
		digits++
	}
	if digits == 0 || len(rest) <= dot+2+digits+1 {
		return nil
	}
	for _, service := range Services {
		if string(rest[:dot]) == service {
			return rest[:dot]
		}
	}
	return nil
}

// sameID says whether an id as an envelope gives it (empty for none) is id (uuid.Nil for none,
// as the history keeps an id that is absent or nil).
func sameID(text []byte, id uuid.UUID) bool {
	if len(text) == 0 {
		return id == uuid.Nil
	}
	got, err := uuid.ParseBytes(text)
	return err == nil && got == id
}
