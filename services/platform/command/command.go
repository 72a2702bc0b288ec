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
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

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
		resp, uow, err := decide(ctx, MetadataIn(ctx, store, id))
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

// AnswerErasedError is a retry of a request carried out before the family's erasure, whose
// recorded answer went with the family's personal details (decision 278): to its caller, the rule
// FAMILY_ERASED. A service whose request is the erasure itself answers its retry as the erasure
// done instead (review 90 L3: the retry was told of "a new referral of the family").
type AnswerErasedError struct{ Rule *problem.RuleError }

func (e *AnswerErasedError) Error() string { return e.Rule.Error() }

func (e *AnswerErasedError) Unwrap() error { return e.Rule }

func answered[R proto.Message](ctx context.Context, store *eventstore.Store, id uuid.UUID, fingerprint []byte) (R, bool, error) {
	var zero R
	outcome, found, err := store.Answered(ctx, id, fingerprint)
	if errors.Is(err, eventstore.ErrRequestReused) {
		return zero, false, problem.Invalid("request_id", "was already used for a different request: choose a new id for a new request")
	}
	if errors.Is(err, eventstore.ErrAnswerErased) {
		// Carried out before the family's erasure, whose personal details its answer held
		// (decision 278): nothing is done again. The request id stays taken, so a new request (the
		// same referral file sent again for the family, whose id the CLI makes from the file:
		// review 64 finding 3, decision 348) is made with a new one. No record is named: the
		// answer that named it is gone, and the id says nothing of the family.
		return zero, false, &AnswerErasedError{Rule: problem.Rule("FAMILY_ERASED", "this request was carried out before the family's personal details were erased, and its answer went with them: "+
			"it is not carried out again, and its request id answers nothing more; a new request (a new referral of the family, say) "+
			"is made with a new request id")}
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
		// In lower case: the same account spelt in another case is the same caller, as its
		// pseudonym and the same-applicant check (IsCaller) take it (review 46).
		subject = strings.ToLower(c.Subject)
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

// Metadata says who caused the events a command records (MetadataIn) for a log that has no key:
// a caller acting only as a referrer is then recorded by their role alone, never by their account.
func Metadata(ctx context.Context, request uuid.UUID) eventstore.Metadata {
	return MetadataIn(ctx, nil, request)
}

// MetadataIn says who caused the events a command records in store's log: the role the caller
// acted in, and who they are, and the request's id, which also correlates everything the request
// sets off. Staff, and the services, are named by their account id (decision 101: they are not the
// data subjects, and a court asks who). A caller who acts only as a referrer (no other role where
// they act) is named by a pseudonym of their account under the platform's key (Pseudonym): a
// parent referring themselves has a referrer's token, and its subject may be their e-mail address,
// which the actor carried in clear in the log and on the bus, outside the family's seal and past
// its erasure (review 45, decision 271).
func MetadataIn(ctx context.Context, store *eventstore.Store, request uuid.UUID) eventstore.Metadata {
	md := eventstore.Metadata{RequestID: request.String(), CorrelationID: request.String(), ActorRole: string(auth.ActingRoleFrom(ctx))}
	c, ok := auth.FromContext(ctx)
	switch {
	case !ok:
	case onlyReferrer(c):
		if names := pseudonyms(store, c.Subject); len(names) > 0 {
			md.Actor = names[0]
		}
	default:
		md.Actor = c.Subject
	}
	return md
}

// IsCaller reports whether actor, as an event records it, is the caller in ctx: their account (as
// staff are recorded, and every caller was before decision 271, whatever its case), or their
// pseudonym under any of the secrets of store's key, so that a referrer is still known as one
// across a rotation of the key while the old secret is kept (as it is while the streams hold events
// it signed).
func IsCaller(ctx context.Context, store *eventstore.Store, actor string) bool {
	c, ok := auth.FromContext(ctx)
	if !ok || actor == "" || c.Subject == "" {
		return false
	}
	return strings.EqualFold(actor, c.Subject) || slices.Contains(pseudonyms(store, c.Subject), actor)
}

// pseudonymPrefix begins a referrer's pseudonym, so that a history says in what capacity an
// unnamed account acted; pseudonymBytes of the HMAC follow in hex: 96 bits, so two accounts'
// pseudonyms do not collide among any number of referrers the platform will see.
const (
	pseudonymPrefix = "referrer-"
	pseudonymBytes  = 12
)

// pseudonymous is a log's key that makes accounts' pseudonyms (bus.LogKey).
type pseudonymous interface {
	Pseudonyms(account string) [][sha256.Size]byte
}

// pseudonyms are the account's pseudonyms under the secrets of store's key, newest first, or none
// when the store has no key. The account is taken in lower case: an identity provider may spell
// the same e-mail address differently, and decision 105 compared accounts regardless of case.
func pseudonyms(store *eventstore.Store, account string) []string {
	if store == nil {
		return nil
	}
	key, ok := store.Key().(pseudonymous)
	if !ok {
		return nil
	}
	macs := key.Pseudonyms(strings.ToLower(account))
	out := make([]string, len(macs))
	for i, m := range macs {
		out[i] = pseudonymPrefix + hex.EncodeToString(m[:pseudonymBytes])
	}
	return out
}

// onlyReferrer reports whether the caller holds no role but a referrer's where they act (the
// claims of a centre-scoped call are the caller at its centre, auth.Policy.Scope).
func onlyReferrer(c *auth.Claims) bool {
	return len(c.Roles) > 0 && !slices.ContainsFunc(c.Roles, func(r auth.Role) bool { return r != auth.RoleReferrer })
}
