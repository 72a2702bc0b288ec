package eventstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// UnitOfWork is everything one command or one consumed event changes, committed atomically:
// appends to one or more streams, the consumer's inbox rows, and inline projection writes.
//
// Commit always inserts the events first, in one statement: PostgreSQL gives a transaction its id
// at its first write, and the relay publishes in transaction-id order, so a projection write
// before the append could let a later version of a stream be published before an earlier one
// (DESIGN.md, "The event log"). Building the unit of work first and committing it in one go makes
// that rule impossible to break.
type UnitOfWork struct {
	appends     []streamAppend
	inbox       []inboxEntry
	answers     []answer
	statements  []statement
	projections []func(ctx context.Context, tx pgx.Tx) error
	guards      []guard
	// afterCommit run once the unit has committed (AfterCommit).
	afterCommit []func()
}

// guard is a stream the unit read and does not append to, which must still be at version when the
// unit commits (Guard): kept to validate it and to name it in a conflict; its statement does the
// check.
type guard struct {
	key     string
	stream  string
	version int64
}

type streamAppend struct {
	stream   string
	expected int64
	events   []Event
	// traceparent and tracestate are the trace context given to its events that carry none.
	traceparent, tracestate string
}

type inboxEntry struct {
	consumer string
	eventID  uuid.UUID
	// stream and version advance the consumer's cursor on the event's source stream; stream is
	// empty for an event that belongs to none.
	stream  string
	version int64
}

// answer is a command's request id, recorded with what the caller was answered.
type answer struct {
	request     uuid.UUID
	fingerprint []byte
	outcome     []byte
}

type statement struct {
	sql  string
	args []any
}

// NoStream is the expected version of a stream that must not exist yet.
const NoStream int64 = 0

// Append records events for a stream whose current version must be expected (NoStream for a new
// one). The unit keeps the events as given, without copying them (an append may carry thousands):
// they must not change until the unit is committed. Commit never changes them; the ids and trace
// context it fills in go to the recorded events it returns.
func (u *UnitOfWork) Append(stream string, expected int64, events ...Event) *UnitOfWork {
	u.appends = append(u.appends, streamAppend{stream: stream, expected: expected, events: events})
	return u
}

// StampTrace gives ctx's trace context to the unit's events that carry none yet, so events a
// consumer appends continue the trace of the event that caused them. Commit stamps the rest with
// its own context.
func (u *UnitOfWork) StampTrace(ctx context.Context) {
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	parent, state := carrier.Get("traceparent"), carrier.Get("tracestate")
	if parent == "" {
		return
	}
	for i := range u.appends {
		if a := &u.appends[i]; a.traceparent == "" {
			a.traceparent, a.tracestate = parent, state
		}
	}
}

// Exec queues a projection write (plain SQL, usually an upsert) to run after the append, in the
// same transaction and the same round trip.
func (u *UnitOfWork) Exec(sql string, args ...any) *UnitOfWork {
	u.statements = append(u.statements, statement{sql: sql, args: args})
	return u
}

// Project queues a projection function that needs to read inside the transaction. It runs after
// the append and the queued statements. Prefer Exec: Project costs extra round trips.
func (u *UnitOfWork) Project(fn func(ctx context.Context, tx pgx.Tx) error) *UnitOfWork {
	u.projections = append(u.projections, fn)
	return u
}

// MarkHandled records that a consumer has handled an event, version version of its source stream
// stream, in the same transaction. The consumer runner calls it. If the event was handled already,
// Commit fails with ErrAlreadyHandled; if the consumer has already handled a later version of the
// stream, Commit fails with an *OrderError: either way it changes nothing. An empty stream records
// the event in the inbox only.
func (u *UnitOfWork) MarkHandled(consumer string, eventID uuid.UUID, stream string, version int64) *UnitOfWork {
	u.inbox = append(u.inbox, inboxEntry{consumer: consumer, eventID: eventID, stream: stream, version: version})
	return u
}

// Answer records that this unit of work carries out the command with the given request id and
// fingerprint (what makes two requests the same), and the answer its caller is given. A second
// unit for the same request id fails with ErrRequestAnswered and changes nothing; Store.Answered
// then returns the first answer (package command does this for every mutating RPC).
func (u *UnitOfWork) Answer(request uuid.UUID, fingerprint, outcome []byte) *UnitOfWork {
	u.answers = append(u.answers, answer{request: request, fingerprint: fingerprint, outcome: outcome})
	return u
}

// EraseAnswers clears the recorded answers (Answer) of every request that appended an event about
// the family, when the unit commits: the service destroying the family's data key calls it in the
// same consumer's unit of work (decision 278). An answer was kept as it was given, outside the
// family's seal (a referral's summary carries its children's birth months), and would otherwise
// outlive the erasure. The request ids and fingerprints stay: a retry still appends nothing, and
// is told its answer was erased (ErrAnswerErased).
func (u *UnitOfWork) EraseAnswers(family uuid.UUID) *UnitOfWork {
	return u.Exec(eraseAnswers, family)
}

// eraseAnswers finds the family's events through family_streams (the streams holding events about
// it), and takes only the events about the family itself: a stream shared with other families (a
// centre's timetable) keeps their answers. Request ids are UUIDs (command.Once); the pattern keeps
// anything else recorded there from failing the cast.
const eraseAnswers = `UPDATE requests SET outcome = NULL
	WHERE outcome IS NOT NULL AND request_id IN (
		SELECT e.request_id::uuid FROM events e
		WHERE e.stream_id IN (SELECT stream_id FROM family_streams WHERE family_id = $1)
			AND e.family_id = $1
			AND e.request_id ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')`

// Guard makes the unit commit only if stream, which it read and does not append to, is still at
// version; otherwise Commit fails with a *ConflictError for stream and writes nothing. The check
// is a statement of the unit (so it is still group-committed), made under key's lock held to the
// commit: units that guard the same key commit one at a time, and each checks what the one before
// committed (migration 0005).
//
// An append's expected version only guards the stream appended to. Two decisions that each read
// one stream and append to another (a family's stream and its centre's waiting list, say) can
// both pass and break a rule between them; each guards the stream it only read, with the same
// key, and the later of the two decides again (decisions.md 75).
func (u *UnitOfWork) Guard(key, stream string, version int64) *UnitOfWork {
	return u.guard(key, stream, version, false)
}

// GuardShared is Guard with key's lock shared: units that guard a key shared never wait for each
// other, only for a transaction holding it alone (Lock). Many decisions made on one stream as read
// (bookings on a centre's timetable) guard it shared; a change that must see them all (a
// redefinition of an opening pattern) takes Lock and reads them (decisions.md 79).
func (u *UnitOfWork) GuardShared(key, stream string, version int64) *UnitOfWork {
	return u.guard(key, stream, version, true)
}

func (u *UnitOfWork) guard(key, stream string, version int64, shared bool) *UnitOfWork {
	u.guards = append(u.guards, guard{key: key, stream: stream, version: version})
	return u.Exec(`SELECT eventstore_guard($1, $2, $3, $4)`, key, stream, version, shared)
}

// AfterCommit runs fn once the unit has committed, after Commit wrote it and before it returns;
// never when the commit failed, or its outcome is unknown, nor for a unit with nothing to write. For what a process may remember only
// of what is in the database (a cache of rows written), never for work that must happen: the
// process may stop right after the commit.
func (u *UnitOfWork) AfterCommit(fn func()) *UnitOfWork {
	u.afterCommit = append(u.afterCommit, fn)
	return u
}

// Merge adds everything of other to u, after u's own work.
func (u *UnitOfWork) Merge(other *UnitOfWork) *UnitOfWork {
	u.appends = append(u.appends, other.appends...)
	u.inbox = append(u.inbox, other.inbox...)
	u.answers = append(u.answers, other.answers...)
	u.statements = append(u.statements, other.statements...)
	u.projections = append(u.projections, other.projections...)
	u.guards = append(u.guards, other.guards...)
	u.afterCommit = append(u.afterCommit, other.afterCommit...)
	return u
}

// events counts the events the unit appends.
func (u *UnitOfWork) events() int {
	n := 0
	for _, a := range u.appends {
		n += len(a.events)
	}
	return n
}

// Empty reports whether the unit of work changes nothing.
func (u *UnitOfWork) Empty() bool {
	return len(u.appends) == 0 && len(u.inbox) == 0 && len(u.answers) == 0 && len(u.statements) == 0 && len(u.projections) == 0
}

// validate checks the appends before anything reaches the database, so bad input changes nothing.
func (u *UnitOfWork) validate() error {
	ids := map[uuid.UUID]bool{}
	for _, a := range u.appends {
		if a.stream == "" {
			return &ValidationError{Field: "stream", Reason: "stream id is empty"}
		}
		if reason := badText(a.stream); reason != "" {
			return &ValidationError{Field: "stream", Reason: "stream id " + reason}
		}
		if a.expected < 0 {
			return &ValidationError{Field: "expected_version", Reason: fmt.Sprintf("expected version %d is negative", a.expected)}
		}
		if len(a.events) == 0 {
			return &ValidationError{Field: "events", Reason: "an append needs at least one event"}
		}
		for i, e := range a.events {
			if e.Type == "" {
				return &ValidationError{Field: fmt.Sprintf("events[%d].type", i), Reason: "event type is empty"}
			}
			if reason := badType(e.Type); reason != "" {
				return &ValidationError{Field: fmt.Sprintf("events[%d].type", i), Reason: "event type " + reason}
			}
			for j, value := range e.Metadata.values() {
				if reason := badText(value); reason != "" {
					return &ValidationError{Field: fmt.Sprintf("events[%d].metadata.%s", i, metadataFields[j]), Reason: reason}
				}
			}
			if e.ID != uuid.Nil {
				if ids[e.ID] {
					return &ValidationError{Field: fmt.Sprintf("events[%d].id", i), Reason: "event id repeats within the unit of work"}
				}
				ids[e.ID] = true
			}
		}
	}
	streams := map[[2]string]bool{}
	for _, in := range u.inbox {
		if in.stream == "" {
			continue
		}
		if reason := badText(in.stream); reason != "" {
			return &ValidationError{Field: "inbox.stream", Reason: "source stream id " + reason}
		}
		if in.version <= 0 {
			return &ValidationError{Field: "inbox.version", Reason: "a source stream's version starts at 1"}
		}
		// One statement advances every cursor; it cannot move one twice.
		if streams[[2]string{in.consumer, in.stream}] {
			return &ValidationError{Field: "inbox.stream", Reason: "two events of one source stream in one unit of work"}
		}
		streams[[2]string{in.consumer, in.stream}] = true
	}
	for _, g := range u.guards {
		if g.key == "" || g.stream == "" {
			return &ValidationError{Field: "guard", Reason: "a guard needs a key and a stream"}
		}
		if reason := cmp.Or(badText(g.key), badText(g.stream)); reason != "" {
			return &ValidationError{Field: "guard", Reason: "key or stream " + reason}
		}
		if g.version < 0 {
			return &ValidationError{Field: "guard", Reason: fmt.Sprintf("expected version %d is negative", g.version)}
		}
		for _, a := range u.appends {
			if a.stream == g.stream {
				return &ValidationError{Field: "guard", Reason: "a stream the unit appends to is guarded by its append's expected version"}
			}
		}
	}
	for _, a := range u.answers {
		if a.request == uuid.Nil {
			return &ValidationError{Field: "request_id", Reason: "is empty"}
		}
		if len(a.fingerprint) != 32 {
			return &ValidationError{Field: "request_id", Reason: "a request's fingerprint is a SHA-256 sum"}
		}
	}
	return nil
}

// badType says what is wrong with an event type: it must be the full name of a protobuf message
// linked into this program. Anything else (a space, a trailing dot, a typo) would make a subject
// JetStream refuses, and, the log being append-only, stop the relay at that event for good.
func badType(t string) string {
	if reason := badText(t); reason != "" {
		return reason
	}
	name := protoreflect.FullName(t)
	if !name.IsValid() {
		return "is not a protobuf message's full name"
	}
	if _, err := protoregistry.GlobalTypes.FindMessageByName(name); err != nil {
		return "is not a registered protobuf message"
	}
	return ""
}

// badText says what is wrong with s as text PostgreSQL can store (valid UTF-8 without NUL
// characters), or "" when nothing is. The values are not repeated in the reason: they could be
// anything a caller sent.
func badText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL character"
	}
	return ""
}

// ValidationError is an append the store refuses before writing anything.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string { return "invalid append: " + e.Field + ": " + e.Reason }

// ErrVersionConflict means a stream was not at the expected version: someone else appended first.
// The caller reloads and decides again; gRPC ports map it to Aborted.
var ErrVersionConflict = errors.New("stream version conflict")

// ErrAlreadyHandled means a consumer's inbox already holds the event: a redelivery.
var ErrAlreadyHandled = errors.New("event already handled")

// ErrRequestAnswered means the unit of work's request id was already carried out, by another unit
// that committed first: Store.Answered has its answer.
var ErrRequestAnswered = errors.New("request already carried out")

// ErrAnswerErased means a request id was carried out, but its recorded answer was erased with its
// family's personal details (UnitOfWork.EraseAnswers): the request is not carried out again.
var ErrAnswerErased = errors.New("request carried out; its answer was erased with the family's personal details")

// ErrRequestReused means a request id was used before for a different request (another RPC, caller
// or request body). It is refused, never answered with the other request's outcome.
var ErrRequestReused = errors.New("request id already used for a different request")

// ErrOutcomeUnknown means the commit was sent but its answer was lost (the connection broke, or
// the deadline fired, while the server was committing) and the server could not be asked whether
// it committed. The unit may or may not be in the log: the caller retries with the same request
// id, which finds the first outcome if there was one. gRPC ports map it to Unavailable.
var ErrOutcomeUnknown = errors.New("the commit's outcome is unknown")

// OrderError means a consumer was handed an event older than one it has already handled from the
// same source stream. Handling it would apply the stream out of order, so it is refused.
type OrderError struct {
	Consumer string
	Stream   string
	Version  int64
}

func (e *OrderError) Error() string {
	return fmt.Sprintf("consumer %s has handled a later event of stream %s than version %d", e.Consumer, e.Stream, e.Version)
}

// ErrDuplicateEvent means an event with the same id is already in the log.
var ErrDuplicateEvent = errors.New("event id already recorded")

// ConflictError carries which stream conflicted; errors.Is(err, ErrVersionConflict) holds.
type ConflictError struct {
	Stream   string
	Expected int64
	Actual   int64 // -1 when not known (the conflict was caught by the database)
}

func (e *ConflictError) Error() string {
	if e.Actual < 0 {
		return fmt.Sprintf("stream %s: expected version %d, but another append got there first", e.Stream, e.Expected)
	}
	return fmt.Sprintf("stream %s: expected version %d, found %d", e.Stream, e.Expected, e.Actual)
}

// Unwrap makes errors.Is(err, ErrVersionConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrVersionConflict }
