package command

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/familytime/familytime/services/platform/eventstore"
)

// The fields of a response that says when its command was carried out and whether the answer is a
// retry's (OnceSaying): the names every service's command responses give them.
const (
	answeredAtField protoreflect.Name = "answered_at"
	replayedField   protoreflect.Name = "replayed"
)

// OnceSaying is Once for a command whose response says when it was carried out and whether the
// answer is a retry's, in two fields: answered_at (a google.protobuf.Timestamp) and replayed (a
// bool). They are the response's own (safeguarding's responses), or those of the one message the
// response answers with (referral's commands answer with their Referral, which carries them beside
// the accreditation warning, a message that does not). The answer decided is stamped with now (the
// service's clock) before it is recorded, so a retry is given that time; the recorded answer a
// retry is given is marked replayed, which is never recorded. A client can then tell a command
// carried out now from one carried out before ("already recorded at ...": review 47 found only
// referral's commands saying so, decision 287). An answer without the message that says so (none
// decided) is answered as it is: nothing is made up to carry the stamp. A response without the two
// fields, or with two messages that could carry them, is an error of the service, refused before
// anything is decided.
func OnceSaying[R proto.Message](ctx context.Context, store *eventstore.Store, req Request, now func() time.Time, decide Decide[R]) (R, error) {
	var zero R
	says, err := answerFields(zero.ProtoReflect().Descriptor())
	if err != nil {
		return zero, err
	}
	var decided R
	resp, err := Once(ctx, store, req, func(ctx context.Context, md eventstore.Metadata) (R, *eventstore.UnitOfWork, error) {
		r, uow, err := decide(ctx, md)
		if err != nil {
			return r, uow, err
		}
		if m, ok := says.in(r.ProtoReflect()); ok {
			m.Set(says.at, protoreflect.ValueOfMessage(timestamppb.New(now()).ProtoReflect()))
		}
		decided = r
		return r, uow, nil
	})
	// Not the answer decided here (a pointer of its own): the one recorded by the request's first
	// commit, read back, whether by this retry or by a copy of it that committed first.
	if err == nil && proto.Message(resp) != proto.Message(decided) {
		if m, ok := says.in(resp.ProtoReflect()); ok {
			m.Set(says.replayed, protoreflect.ValueOfBool(true))
		}
	}
	return resp, err
}

// saying is where a response says when it was answered and whether it was replayed: its own
// answered_at and replayed fields (within nil), or those of the message in its field within.
type saying struct {
	within, at, replayed protoreflect.FieldDescriptor
}

// in is the message of resp that carries the two fields, and false when resp answers without it.
func (s saying) in(resp protoreflect.Message) (protoreflect.Message, bool) {
	if s.within == nil {
		return resp, true
	}
	if !resp.Has(s.within) {
		return nil, false
	}
	return resp.Mutable(s.within).Message(), true
}

// answerFields says where a response says when it was answered: in its own fields, or else in
// the one singular message field whose message has them; or an error naming the response that
// cannot say so.
func answerFields(m protoreflect.MessageDescriptor) (saying, error) {
	if at, replayed, ok := ownAnswerFields(m); ok {
		return saying{at: at, replayed: replayed}, nil
	}
	var found []saying
	fields := m.Fields()
	for i := range fields.Len() {
		f := fields.Get(i)
		if f.Message() == nil || f.IsList() || f.IsMap() {
			continue
		}
		if at, replayed, ok := ownAnswerFields(f.Message()); ok {
			found = append(found, saying{within: f, at: at, replayed: replayed})
		}
	}
	if len(found) != 1 {
		return saying{}, fmt.Errorf("%s has no answered_at (google.protobuf.Timestamp) and replayed (bool) fields to say when it was answered, "+
			"of its own or of the one message it answers with", m.FullName())
	}
	return found[0], nil
}

// ownAnswerFields are a message's own answered_at and replayed fields, if it has both.
func ownAnswerFields(m protoreflect.MessageDescriptor) (at, replayed protoreflect.FieldDescriptor, ok bool) {
	at, replayed = m.Fields().ByName(answeredAtField), m.Fields().ByName(replayedField)
	if at == nil || at.Message() == nil || at.Message().FullName() != "google.protobuf.Timestamp" || at.IsList() ||
		replayed == nil || replayed.Kind() != protoreflect.BoolKind || replayed.IsList() {
		return nil, nil, false
	}
	return at, replayed, true
}
