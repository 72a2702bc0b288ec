package eventstore

import (
	"errors"
	"fmt"
)

// ErrBehindStream means the service's database holds fewer events than its own stream on the bus:
// it was restored from a backup or failed over to a standby that had not received its last
// transactions, and the events it lost were published before the loss. Appending now would give
// new events stream versions that the other services have already handled from the lost ones, so
// the store refuses every unit that appends until the events are back (RefuseAppends, decisions.md
// 370). gRPC ports map it to Unavailable, reason DATABASE_BEHIND_ITS_STREAM; a consumer's handler
// that meets it waits and retries.
var ErrBehindStream = errors.New("the service's database is behind its stream")

// BehindError is ErrBehindStream with how many events the stream holds that the log does not.
type BehindError struct {
	// Stream is the JetStream stream, e.g. SAFEGUARDING.
	Stream string
	// Missing counts the stream's events, from its tail back, whose ids the log does not hold
	// (counted up to a limit; AtLeast says it was reached).
	Missing int
	AtLeast bool
}

func (e *BehindError) Error() string {
	more := ""
	if e.AtLeast {
		more = " at least"
	}
	return fmt.Sprintf("the stream %s holds%s %d events this database does not have: was the database restored from a backup or failed over?",
		e.Stream, more, e.Missing)
}

// Is makes errors.Is(err, ErrBehindStream) hold.
func (e *BehindError) Is(target error) bool { return target == ErrBehindStream }

// RefuseAppends makes Commit refuse every unit that appends events with err (which should match
// ErrBehindStream) until AcceptAppends. Units that append nothing (an inbox row, a read model's
// statement) still commit: they reuse no stream version. The service's relay calls it when it
// finds its stream holding events the log does not (package relay).
func (s *Store) RefuseAppends(err error) { s.refused.Store(&err) }

// AcceptAppends ends RefuseAppends.
func (s *Store) AcceptAppends() { s.refused.Store(nil) }

// AppendsRefused is the error RefuseAppends set, nil while appends are accepted.
func (s *Store) AppendsRefused() error {
	if p := s.refused.Load(); p != nil {
		return *p
	}
	return nil
}
