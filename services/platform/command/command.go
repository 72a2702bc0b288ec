// Package command carries out a service's mutating RPCs at most once per request id. Every such
// RPC carries a request_id the client chose; a retry with the same id (a lost reply, a client that
// timed out, a user pressing twice) gets the first answer and appends nothing, across restarts,
// and the same id sent with a different request is refused. Services get this by running their
// use case through Once: the request id and its answer are recorded in the same transaction as
// the use case's events (eventstore.UnitOfWork.Answer), so there is no window in which one is
// stored without the other.
package command

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
)

// Request is a mutating RPC's request message: it names its request id.
type Request interface {
	proto.Message
	GetRequestId() string
}

// Decide runs a use case: it decides with the domain and returns the RPC's answer and the unit of
// work that records the decision, without committing it. md is the metadata its events carry.
type Decide[R proto.Message] func(ctx context.Context, md eventstore.Metadata) (R, *eventstore.UnitOfWork, error)

// decideAttempts is how many times Once decides a command whose commit found that someone else
// appended first. A handful is plenty: each loss means another command committed on the same
// streams meanwhile, and a stream busier than that is better told Aborted than held up.
const decideAttempts = 3

// Once answers req. If a command with req's request id has already committed, its recorded answer
// is returned and decide is not run. Otherwise decide runs and its unit of work is committed with
// the request id and the answer; if a concurrent copy of the same request commits first, its
// answer is returned instead (and this one's unit of work is discarded). Refusals (invalid input,
// a broken rule, a version conflict) are not recorded: they append nothing, and a retry is
// decided afresh.
//
// When another command appends to a stream this one read between its decision and its commit,
// decide runs again on the new state, as the client would with a new request id (decisions.md
// 118): a coordinator accepting a referral while a colleague amends it is accepted, or refused
// for what the amendment changed, not told to try again. A client that named the version it saw
// is still refused when it moved, because decide checks that version against the state it loads.
// After decideAttempts the conflict is returned (gRPC Aborted).
func Once[R proto.Message](ctx context.Context, store *eventstore.Store, req Request, decide Decide[R]) (R, error) {
	var zero R
	id, err := uuid.Parse(req.GetRequestId())
	if err != nil || id == uuid.Nil {
		return zero, problem.Invalid("request_id", "must be a UUID the client chose for this request")
	}
	fingerprint, err := Fingerprint(ctx, req)
	if err != nil {
		return zero, err
	}
	if resp, found, err := answered[R](ctx, store, id, fingerprint); err != nil || found {
		return resp, err
	}
	for attempt := 1; ; attempt++ {
		resp, uow, err := decide(ctx, Metadata(ctx, id))
		if err != nil {
			return zero, err // a refusal, or a client's stale version: never decided again
		}
		outcome, err := proto.MarshalOptions{Deterministic: true}.Marshal(resp)
		if err != nil {
			return zero, fmt.Errorf("record the answer: %w", err)
		}
		if uow == nil {
			uow = new(eventstore.UnitOfWork)
		}
		_, err = store.Commit(ctx, uow.Answer(id, fingerprint, outcome))
		if err == nil {
			return resp, nil
		}
		if errors.Is(err, eventstore.ErrRequestAnswered) || errors.Is(err, eventstore.ErrVersionConflict) {
			// A copy of this request may have got there first (it then appended what this one would
			// have, so this one conflicts): its answer is this request's answer.
			if first, found, aerr := answered[R](ctx, store, id, fingerprint); aerr != nil || found {
				return first, aerr
			}
		}
		if !errors.Is(err, eventstore.ErrVersionConflict) || attempt == decideAttempts || ctx.Err() != nil {
			return zero, err
		}
	}
}

func answered[R proto.Message](ctx context.Context, store *eventstore.Store, id uuid.UUID, fingerprint []byte) (R, bool, error) {
	var zero R
	outcome, found, err := store.Answered(ctx, id, fingerprint)
	if errors.Is(err, eventstore.ErrRequestReused) {
		return zero, false, problem.Invalid("request_id", "was already used for a different request: choose a new id for a new request")
	}
	if err != nil || !found {
		return zero, false, err
	}
	resp := zero.ProtoReflect().New().Interface().(R)
	if err := proto.Unmarshal(outcome, resp); err != nil {
		return zero, false, fmt.Errorf("read the recorded answer: %w", err)
	}
	return resp, true, nil
}

// Fingerprint is what makes two requests the same request: the RPC, the caller, and the request
// message. Including the caller means a request id seen by someone else cannot be used to read
// the answer given to its owner.
func Fingerprint(ctx context.Context, req proto.Message) ([]byte, error) {
	body, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("fingerprint the request: %w", err)
	}
	h := sha256.New()
	method, _ := grpc.Method(ctx)
	subject := ""
	if c, ok := auth.FromContext(ctx); ok {
		subject = c.Subject
	}
	for _, part := range [][]byte{[]byte(method), []byte(subject), body} {
		var n [8]byte
		for i, l := 0, uint64(len(part)); i < 8; i++ {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write(part)
	}
	return h.Sum(nil), nil
}

// Metadata says who caused the events a command records: the caller's account id (never a name)
// and the role they acted in, and the request's id, which also correlates everything the request
// sets off.
func Metadata(ctx context.Context, request uuid.UUID) eventstore.Metadata {
	md := eventstore.Metadata{RequestID: request.String(), CorrelationID: request.String(), ActorRole: string(auth.ActingRoleFrom(ctx))}
	if c, ok := auth.FromContext(ctx); ok {
		md.Actor = c.Subject
	}
	return md
}
