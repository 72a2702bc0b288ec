// Package app holds reporting's use cases: projecting other services' events, and the queries
// the national body and the centres ask, one file each.
package app

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// App is reporting's use cases.
type App struct {
	centres  *adapters.Centres
	history  *adapters.History
	figures  *adapters.Figures
	rebuilds *adapters.Rebuilds
	live     *adapters.Projections
	js       jetstream.JetStream
	busKey   bus.Key
	log      *eventstore.Store
	today    func() time.Time
	now      func() time.Time
	// behind says how far the live consumers are from the services' streams (WatchConsumers);
	// nil: not known, taken as caught up.
	behind func(context.Context) (Behind, error)
}

// Behind is how far reporting's live consumers are from the services' streams: events published
// and not yet handled, and source streams parked at a poison event until an operator releases
// them (docs/runbook.md, "A parked stream").
type Behind struct {
	Events int64
	Parked int
}

// WatchConsumers gives the app what says how far its live consumers are behind, once they exist
// (they are made after it): a month is closed for publication only once they have caught up.
func (a *App) WatchConsumers(behind func(context.Context) (Behind, error)) { a.behind = behind }

// Deps are what the use cases work on.
type Deps struct {
	Centres  *adapters.Centres
	History  *adapters.History
	Figures  *adapters.Figures
	Rebuilds *adapters.Rebuilds
	// JS reads the services' streams for a rebuild.
	JS jetstream.JetStream
	// BusKey authenticates the events a rebuild reads, as the live consumers do.
	BusKey bus.Key
	// Log is reporting's own event log, which records the reads of families' histories.
	Log *eventstore.Store
	// Today is the service's date in the UK (its clock: simulated on a simulated platform), which
	// says how far a period of figures has run.
	Today func() time.Time
	// Now is the service's time (its clock), which a month's closing is recorded at; the real
	// time when nil.
	Now func() time.Time
}

// New returns the use cases over reporting's projections.
func New(d Deps) *App {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &App{now: d.Now, centres: d.Centres, history: d.History, figures: d.Figures, rebuilds: d.Rebuilds,
		live: adapters.NewProjections(adapters.Live), js: d.JS, busKey: d.BusKey, log: d.Log, today: d.Today}
}

// Today is the service's date in the UK.
func (a *App) Today() time.Time { return a.today() }

// Live writes the projections the service answers from.
func (a *App) Live() *adapters.Projections { return a.live }

// DefaultPageSize is the page size when the caller gives none.
const DefaultPageSize = 100
