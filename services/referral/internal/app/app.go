// Package app holds the referral service's use cases. Commands load a referral, ask the domain to
// decide, and return the unit of work that records the decision, for the port to commit (with the
// request id, through platform/command, or with the inbox row, through the consumer runner).
package app

import (
	"context"
	"time"
	_ "time/tzdata" // centres' local dates must not depend on the host's zone files

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// App is the referral service's use cases.
type App struct {
	referrals *adapters.Referrals
	// now is the current instant; tests fix it.
	now func() time.Time
	// zone is the centres' time zone: a referral's dates are the centre's local dates.
	zone *time.Location
}

// New returns the use cases over the referral repository. Centres keep UK time.
func New(referrals *adapters.Referrals) *App {
	zone, err := time.LoadLocation("Europe/London")
	if err != nil {
		zone = time.UTC // unreachable: the zone database is embedded
	}
	return &App{referrals: referrals, now: time.Now, zone: zone}
}

// WithClock makes the use cases take the time from now (the service's clock, host.Deps.Now).
func (a *App) WithClock(now func() time.Time) *App {
	a.now = now
	return a
}

// Store is the event store the use cases' units of work commit to.
func (a *App) Store() *eventstore.Store { return a.referrals.Store() }

// Now is the current instant by the service's clock.
func (a *App) Now() time.Time { return a.now() }

// Today is the centre's local date, as the domain counts dates: midnight UTC of that day.
func (a *App) Today() time.Time { return a.today() }

func (a *App) today() time.Time {
	t := a.now().In(a.zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Decision is a command's outcome: the referral as it now stands, and the unit of work that
// records it (nil when the command changed nothing).
type Decision struct {
	Referral *domain.Referral
	Work     *eventstore.UnitOfWork
	// AccreditationRanOut is a warning: the day the centre's accreditation ran out by date, with
	// no renewal recorded in the directory; zero when it did not (docs/decisions.md 77).
	AccreditationRanOut time.Time
	// DuplicatesNotErased are, for an erasure, the other referrals flagged as possible duplicates
	// of the erased family's, either way, whose families' details stay (decision 281).
	DuplicatesNotErased []adapters.FlaggedBy
	// SameAdult are, for a submission, a second parent's application or an amendment, the open
	// referrals of other families at the centre with an adult whose phone or email is the same as
	// one of this referral's adults' as recorded now (decision 350); AdultsMatched says they were
	// looked up, since the matches recorded with the decision are not yet committed to read.
	SameAdult     []adapters.SameAdult
	AdultsMatched bool
}

// load reads a referral that must belong to centre. A referral of another centre is reported as
// not found: a caller scoped to one centre learns nothing of another's referrals.
func (a *App) load(ctx context.Context, id, centre uuid.UUID) (*domain.Referral, error) {
	r, err := a.referrals.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.CentreID() != centre {
		return nil, domain.ErrReferralNotFound
	}
	return r, nil
}

// change runs a command on an existing referral: load it (at the version the caller saw, when
// expected > 0), let decide record events on it, and build the unit of work that appends them.
func (a *App) change(ctx context.Context, id, centre uuid.UUID, expected int64, md eventstore.Metadata,
	decide func(r *domain.Referral, today time.Time) ([]proto.Message, error)) (Decision, error) {
	r, err := a.load(ctx, id, centre)
	if err != nil {
		return Decision{}, err
	}
	version := r.Version()
	if expected > 0 && expected != version {
		return Decision{}, &eventstore.ConflictError{Stream: domain.StreamID(id), Expected: expected, Actual: version}
	}
	events, err := decide(r, a.today())
	if err != nil || len(events) == 0 {
		return Decision{Referral: r}, err
	}
	uow, err := a.referrals.Record(ctx, r, version, events, md)
	return Decision{Referral: r, Work: uow}, err
}
