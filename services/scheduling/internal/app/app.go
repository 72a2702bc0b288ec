// Package app holds the scheduling service's use cases, one file per command or query. It loads
// aggregates, asks the domain to decide, and saves what was decided.
package app

import (
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

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

// append queues events on stream in uow (adapters.Append) and notes that md's actor recorded
// something at the centre today (noteAct). Every use case appends through it, so the day someone
// last recorded anything at a centre is known to the register's keeper (RemoveStaffMember).
func (a *App) append(uow *eventstore.UnitOfWork, stream string, expected int64, family, centre uuid.UUID, md eventstore.Metadata, events ...proto.Message) error {
	if err := adapters.Append(uow, stream, expected, family, centre, md, events...); err != nil || len(events) == 0 {
		return err
	}
	a.noteAct(uow, centre, md)
	return nil
}

// noteAct records, in uow's transaction, that md's actor recorded something at the centre on the
// centre's date today: a last day on the staff register is not put before it (review 31). The
// date is the service's clock's, as every date on the register is, not the log's recorded_at,
// which stays real time under the dev platform's simulated clock (decision 70). A service's own
// reaction (its account "service:<name>", which no register holds) is not noted: a statement
// less in each reaction's transaction.
func (a *App) noteAct(uow *eventstore.UnitOfWork, centre uuid.UUID, md eventstore.Metadata) {
	if md.Actor == "" || centre == uuid.Nil || strings.HasPrefix(md.Actor, "service:") {
		return
	}
	adapters.NoteAct(uow, centre, md.Actor, a.centreToday())
}
