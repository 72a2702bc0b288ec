package eventstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/propagation"
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
	statements  []statement
	projections []func(ctx context.Context, tx pgx.Tx) error
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

// MarkHandled records that a consumer has handled an event, in the same transaction. The consumer
// runner calls it; if the event was handled already, Commit fails with ErrAlreadyHandled and
// changes nothing.
func (u *UnitOfWork) MarkHandled(consumer string, eventID uuid.UUID) *UnitOfWork {
	u.inbox = append(u.inbox, inboxEntry{consumer: consumer, eventID: eventID})
	return u
}

// Merge adds everything of other to u, after u's own work.
func (u *UnitOfWork) Merge(other *UnitOfWork) *UnitOfWork {
	u.appends = append(u.appends, other.appends...)
	u.inbox = append(u.inbox, other.inbox...)
	u.statements = append(u.statements, other.statements...)
	u.projections = append(u.projections, other.projections...)
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
	return len(u.appends) == 0 && len(u.inbox) == 0 && len(u.statements) == 0 && len(u.projections) == 0
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
			if reason := badText(e.Type); reason != "" {
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
	return nil
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
