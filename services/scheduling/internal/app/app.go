// Package app holds the scheduling service's use cases, one file per command or query. It loads
// aggregates, asks the domain to decide, and saves what was decided.
package app

import (
	"time"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
)

// App is the scheduling service's use cases.
type App struct {
	centres  *adapters.Centres
	sessions *adapters.Sessions
	// today is the current date (midnight UTC); tests fix it.
	today func() time.Time
	// now is the current instant; tests fix it (WithClock).
	now func() time.Time
}

// Store is the event store the use cases' units of work commit to.
func (a *App) Store() *eventstore.Store { return a.centres.Store() }

// New returns the use cases over the repositories.
func New(centres *adapters.Centres, sessions *adapters.Sessions) *App {
	return &App{centres: centres, sessions: sessions, now: time.Now, today: func() time.Time {
		return time.Now().UTC().Truncate(24 * time.Hour)
	}}
}

// WithClock makes the use cases take the time from now: tests choose the date.
func (a *App) WithClock(now func() time.Time) *App {
	a.now = now
	a.today = func() time.Time { return now().UTC().Truncate(24 * time.Hour) }
	return a
}
