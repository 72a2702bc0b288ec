package bus

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/familytime/familytime/services/platform/eventstore"
)

// What a handler's failure means decides what the runner does with the event:
//   - transient (the database or a dependency is busy, down or slow): retried with backoff,
//     without limit; applying the stream's later events first would be worse than waiting;
//   - poison (it can never be handled: it cannot be decoded, the handler says so, or it would
//     apply its stream out of order): its stream is parked until an operator acts, other streams
//     flow;
//   - anything else (most likely a bug): retried MaxDeliver times, then treated as a poison.

// failure is the class of a handler's failure.
type failure int

const (
	unclassified failure = iota
	transient
	poison
)

func (f failure) String() string {
	return [...]string{"unclassified", "transient", "poison"}[f]
}

// Poison marks err as permanent: no retry can handle the event (for example its payload cannot be
// decoded). The runner parks the event's stream at it.
func Poison(err error) error { return &classified{err: err, class: poison} }

// Transient marks err as passing (a dependency is down, a lock timed out): the runner retries
// without limit. Database and gRPC failures of that kind are recognised without it.
func Transient(err error) error { return &classified{err: err, class: transient} }

type classified struct {
	err   error
	class failure
}

func (c *classified) Error() string { return c.err.Error() }
func (c *classified) Unwrap() error { return c.err }

// classify says what a handler's (or its commit's) failure means.
func classify(err error) failure {
	var c *classified
	if errors.As(err, &c) {
		return c.class
	}
	var order *eventstore.OrderError
	if errors.As(err, &order) {
		return poison
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "40001", // serialization_failure
			"40P01",                   // deadlock_detected
			"55P03",                   // lock_not_available (lock_timeout)
			"57014",                   // query_canceled (statement_timeout)
			"57P01", "57P02", "57P03", // the server is shutting down or starting
			"53300": // too_many_connections
			return transient
		}
		switch pgErr.Code[:min(2, len(pgErr.Code))] {
		case "08", // connection exceptions
			"53": // insufficient resources (disk, memory)
			return transient
		}
		return unclassified
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded) {
		return transient
	}
	if errors.Is(err, eventstore.ErrBehindStream) {
		// The service's database lost events its stream holds (decisions.md 370): the event waits,
		// and is handled once an operator has recovered the database.
		return transient
	}
	if errors.Is(err, eventstore.ErrOutcomeUnknown) || errors.Is(err, eventstore.ErrVersionConflict) {
		// A lost commit answer: the retry finds the inbox row if it committed. A version
		// conflict: another writer moved the stream; the retry decides again on what it wrote.
		return transient
	}
	if st, ok := status.FromError(err); ok {
		switch st.Code() {
		case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted:
			return transient
		}
	}
	return unclassified
}
