// Package app holds the scheduling service's use cases, one file per command or query. It loads
// aggregates, asks the domain to decide, and saves what was decided.
package app

import (
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/services/platform/dates"
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
	// acted are the accounts' days at centres this process has seen committed to staff_acts
	// (noteAct), so that an account's later commands that day send nothing more.
	acted *actsNoted
	// keys seals the text kept about a family (an explained no-show's explanation); nil when the
	// service has no key store (WithKeys).
	keys *adapters.Keys
}

// WithKeys gives the use cases the service's key store (nil: none).
func (a *App) WithKeys(keys *adapters.Keys) *App {
	a.keys = keys
	return a
}

// Store is the event store the use cases' units of work commit to.
func (a *App) Store() *eventstore.Store { return a.centres.Store() }

// New returns the use cases over the repositories.
func New(centres *adapters.Centres, sessions *adapters.Sessions) *App {
	return (&App{centres: centres, sessions: sessions, acted: &actsNoted{}}).WithClock(time.Now)
}

// Now is the instant by the service's clock (WithClock): a command's answer says it was carried
// out then (command.OnceSaying, decision 287).
func (a *App) Now() time.Time { return a.now() }

// WithClock makes the use cases take the time from now: tests choose the date. Today is the
// date in the UK, where the centres are (decision 405).
func (a *App) WithClock(now func() time.Time) *App {
	a.now = now
	a.today = func() time.Time { return dates.InUK(now()) }
	return a
}

// append queues events on stream in uow (adapters.Append) and notes that md's actor recorded
// something at the centre today (noteAct). Every use case appends through it, so the day someone
// last recorded anything at a centre is known to the register's keeper (RemoveStaffMember).
func (a *App) append(uow *eventstore.UnitOfWork, stream string, expected int64, family, centre uuid.UUID, md eventstore.Metadata, events ...proto.Message) error {
	return a.appendAs(uow, stream, expected, family, centre, md, nil, events...)
}

// appendAs is append with the ids of the events carrying a sealed value (adapters.AppendAs).
func (a *App) appendAs(uow *eventstore.UnitOfWork, stream string, expected int64, family, centre uuid.UUID, md eventstore.Metadata,
	ids map[proto.Message]uuid.UUID, events ...proto.Message) error {
	if err := adapters.AppendAs(uow, stream, expected, family, centre, md, ids, events...); err != nil || len(events) == 0 {
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
//
// The day is written by an account's first command of it at the centre; this process then
// remembers it once committed (AfterCommit: a unit that failed wrote nothing, and the next command
// writes it), and sends nothing for the rest of the day: one statement less on nearly every
// command (the national simulation ran 6-9% slower with it on every one).
func (a *App) noteAct(uow *eventstore.UnitOfWork, centre uuid.UUID, md eventstore.Metadata) {
	if md.Actor == "" || centre == uuid.Nil || strings.HasPrefix(md.Actor, "service:") {
		return
	}
	act := actedOn{centre: centre, account: md.Actor, day: a.centreToday()}
	if a.acted.has(act) {
		return
	}
	adapters.NoteAct(uow, centre, md.Actor, act.day)
	uow.AfterCommit(func() { a.acted.add(act) })
}

// actedOn is an account's day at a centre, as staff_acts holds it.
type actedOn struct {
	centre  uuid.UUID
	account string
	day     time.Time
}

// actsNoted are the accounts' days at centres known to be in staff_acts: those of the latest day
// only (a day's acts are not written again once it is over), and a bounded number of them.
type actsNoted struct {
	mu   sync.Mutex
	day  time.Time
	seen map[actedOn]struct{}
}

// maxActsNoted bounds what a process remembers of a day: far more accounts than any service has
// acting in one day; past it, it starts again (the rows are written once more, harmlessly).
const maxActsNoted = 100_000

func (n *actsNoted) has(act actedOn) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	_, ok := n.seen[act]
	return ok
}

func (n *actsNoted) add(act actedOn) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if act.day.Before(n.day) {
		return // a command of yesterday committed after today's: today's are what is asked
	}
	if !act.day.Equal(n.day) || len(n.seen) >= maxActsNoted {
		n.day, n.seen = act.day, map[actedOn]struct{}{}
	}
	n.seen[act] = struct{}{}
}
