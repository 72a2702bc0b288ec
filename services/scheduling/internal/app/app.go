// Package app holds the scheduling service's use cases, one file per command or query. It loads
// aggregates, asks the domain to decide, and saves what was decided.
package app

import (
	"time"

	"github.com/familytime/familytime/services/scheduling/internal/adapters"
)

// App is the scheduling service's use cases.
type App struct {
	centres *adapters.Centres
	// today is the current date (midnight UTC); tests fix it.
	today func() time.Time
}

// New returns the use cases over the centre repository.
func New(centres *adapters.Centres) *App {
	return &App{centres: centres, today: func() time.Time {
		return time.Now().UTC().Truncate(24 * time.Hour)
	}}
}
