package eventstore

import (
	"context"
	"sync/atomic"
	"time"
)

// CommitTogether commits the units as one group, as if their Commits had arrived at the same
// moment, and returns each unit's outcome as Commit would: group commit made deterministic.
func (s *Store) CommitTogether(ctx context.Context, uows ...*UnitOfWork) []error {
	errs := make([]error, len(uows))
	var group []*pendingCommit
	for i, uow := range uows {
		recorded, err := s.prepare(ctx, s.pool, uow)
		if err != nil {
			errs[i] = err
			continue
		}
		group = append(group, &pendingCommit{uow: uow, recorded: recorded, done: make(chan error, 1)})
	}
	s.commitGroup(group)
	j := 0
	for i := range uows {
		if errs[i] != nil {
			continue
		}
		if err := <-group[j].done; err != nil {
			errs[i] = translate(err, uows[i])
		}
		j++
	}
	return errs
}

// ChainHash is the hash the store gives r after previous, for tests that write rows themselves.
func ChainHash(previous []byte, r *RecordedEvent) []byte {
	var c chainHasher
	sum := c.sum(previous, r)
	return sum[:]
}

// SetResolveTimeout bounds how long the store asks about a commit whose answer was lost.
func (s *Store) SetResolveTimeout(d time.Duration) { s.resolveWithin = d }

// AfterHeadsRead runs f once, in the next prepare, between reading the heads of the streams a
// unit appends to and numbering its events; f may itself append. The hook is removed when the
// test ends.
func AfterHeadsRead(t interface{ Cleanup(func()) }, f func()) {
	var fired atomic.Bool
	testHookHeadsRead = func() {
		if fired.CompareAndSwap(false, true) {
			f()
		}
	}
	t.Cleanup(func() { testHookHeadsRead = nil })
}
