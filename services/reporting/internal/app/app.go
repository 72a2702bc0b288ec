// Package app holds reporting's use cases: projecting other services' events, and the queries
// the national body asks, one file each.
package app

import (
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// App is reporting's use cases.
type App struct {
	centres *adapters.Centres
}

// New returns the use cases over reporting's projections.
func New(centres *adapters.Centres) *App { return &App{centres: centres} }

// DefaultPageSize is the page size when the caller gives none.
const DefaultPageSize = 100
