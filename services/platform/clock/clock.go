// Package clock is where a service takes "now" from. Production always runs on the real clock
// (Real): nothing in a service's configuration can choose another. The all-in-one dev platform can
// run every service it hosts on one Simulated clock instead (familytime dev --clock simulated), so
// that familytime simulate books and records a year of sessions in minutes, each on its own day,
// without the services' rules about the past and the future being bent (decisions.md 70).
package clock

import (
	"fmt"
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the system clock.
type Real struct{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }

// Or is c, or the real clock when c is nil.
func Or(c Clock) Clock {
	if c == nil {
		return Real{}
	}
	return c
}

// Simulated is a clock that stands still until it is set: every service that reads it between
// two Sets sees the same instant. It only moves forward.
type Simulated struct {
	mu   sync.RWMutex
	now  time.Time
	real bool
}

// NewSimulated is a simulated clock standing at start.
func NewSimulated(start time.Time) *Simulated { return &Simulated{now: start} }

// Now is the instant the clock was last set to.
func (s *Simulated) Now() time.Time {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.real {
		return time.Now()
	}
	return s.now
}

// FollowReal hands over to the real clock: from now on Now is time.Now, and Set is refused. It is
// refused while the simulated time is ahead of the real one (time would go back).
func (s *Simulated) FollowReal() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := time.Now(); s.now.After(now) {
		return fmt.Errorf("clock: the simulated time %s is ahead of the real time %s", s.now.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	s.real = true
	return nil
}

// Set moves the clock to t; a t before the clock's time is refused (a service that has recorded
// "today" must never see yesterday again). Setting the current instant again is allowed.
func (s *Simulated) Set(t time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.real {
		return fmt.Errorf("clock: it follows the real time now and cannot be set")
	}
	if t.Before(s.now) {
		return fmt.Errorf("clock: %s is before the simulated time %s: the clock only moves forward",
			t.UTC().Format(time.RFC3339), s.now.UTC().Format(time.RFC3339))
	}
	s.now = t
	return nil
}
