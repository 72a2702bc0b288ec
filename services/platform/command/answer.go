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
// answer is a retry's, in two fields of the response message: answered_at (a
// google.protobuf.Timestamp) and replayed (a bool). The answer decided is stamped with now (the
// service's clock) before it is recorded, so a retry is given that time; the recorded answer a
// retry is given is marked replayed, which is never recorded. A client can then tell a command
// carried out now from one carried out before ("already recorded at ...": review 47 found only
// referral's commands saying so, decision 287). A response without the two fields is an error of
// the service, refused before anything is decided.
func OnceSaying[R proto.Message](ctx context.Context, store *eventstore.Store, req Request, now func() time.Time, decide Decide[R]) (R, error) {
	var zero R
	at, replayed, err := answerFields(zero.ProtoReflect().Descriptor())
	if err != nil {
		return zero, err
	}
	var decided R
	resp, err := Once(ctx, store, req, func(ctx context.Context, md eventstore.Metadata) (R, *eventstore.UnitOfWork, error) {
		r, uow, err := decide(ctx, md)
		if err != nil {
			return r, uow, err
		}
		r.ProtoReflect().Set(at, protoreflect.ValueOfMessage(timestamppb.New(now()).ProtoReflect()))
		decided = r
		return r, uow, nil
	})
	// Not the answer decided here (a pointer of its own): the one recorded by the request's first
	// commit, read back, whether by this retry or by a copy of it that committed first.
	if err == nil && proto.Message(resp) != proto.Message(decided) {
		resp.ProtoReflect().Set(replayed, protoreflect.ValueOfBool(true))
	}
	return resp, err
}

// answerFields are a response's answered_at and replayed fields, or an error naming the response
// that lacks them.
func answerFields(m protoreflect.MessageDescriptor) (at, replayed protoreflect.FieldDescriptor, err error) {
	at, replayed = m.Fields().ByName(answeredAtField), m.Fields().ByName(replayedField)
	if at == nil || at.Message() == nil || at.Message().FullName() != "google.protobuf.Timestamp" || at.IsList() ||
		replayed == nil || replayed.Kind() != protoreflect.BoolKind || replayed.IsList() {
		return nil, nil, fmt.Errorf("%s has no answered_at (google.protobuf.Timestamp) and replayed (bool) fields to say when it was answered", m.FullName())
	}
	return at, replayed, nil
}
