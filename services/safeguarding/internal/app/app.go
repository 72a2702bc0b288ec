// Package app holds the safeguarding service's use cases. Commands load a stream, ask the domain
// to decide, seal the new events' text and return the unit of work for the caller to commit
// (package command for RPCs, the consumer runner for events). Reads of safeguarding text commit
// their access record before they return the text.
package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// App is the safeguarding service's use cases.
type App struct {
	records *adapters.Records
	// now is the service's clock: when a command was carried out (its answer's answered_at).
	now func() time.Time
	// today is the current date (midnight UTC); tests fix it.
	today func() time.Time
}

// New returns the use cases over the records repository.
func New(records *adapters.Records) *App {
	return (&App{records: records}).WithClock(time.Now)
}

// WithClock returns the use cases on the clock now (the platform's, simulated or real): the
// current instant, and today's date from it.
func (a *App) WithClock(now func() time.Time) *App {
	b := *a
	b.now = now
	b.today = func() time.Time { return now().UTC().Truncate(24 * time.Hour) }
	return &b
}

// Now is the service's clock now.
func (a *App) Now() time.Time { return a.now() }

// WithToday returns the use cases with a fixed date, for tests.
func (a *App) WithToday(today func() time.Time) *App {
	b := *a
	b.today = today
	return &b
}

// Store is the event store the use cases' units of work commit to.
func (a *App) Store() *eventstore.Store { return a.records.Store() }

// Records is the repository, for ports that read views.
func (a *App) Records() *adapters.Records { return a.records }

// append seals msgs and adds them to uow on stream at expected; it returns the events as sealed.
func (a *App) append(ctx context.Context, uow *eventstore.UnitOfWork, stream string, expected int64, family, centre uuid.UUID,
	md eventstore.Metadata, msgs []proto.Message) ([]eventstore.Event, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	events, err := a.records.Seal(ctx, family, centre, md, msgs)
	if err != nil {
		return nil, err
	}
	uow.Append(stream, expected, events...)
	return events, nil
}

// familyAt checks that the family was referred to centre. A family of another centre, or one this
// service has not heard of, is not found: the same answer either way, so a caller of one centre
// can neither act on nor probe another centre's families (decision 55).
func (a *App) familyAt(ctx context.Context, family, centre uuid.UUID) error {
	at, found, err := a.records.FamilyCentre(ctx, family)
	if err != nil {
		return err
	}
	if !found || at != centre {
		return domain.ErrFamilyNotFound
	}
	return nil
}

// recordAccess commits the access record of a read to the family's audit stream. A concurrent
// read of the same family moves the stream on: the record is retried at the new head, a few
// times, and the read fails rather than return text whose reading was not recorded.
func (a *App) recordAccess(ctx context.Context, c domain.Caller, acc domain.Access) error {
	msg, err := domain.RecordAccess(c, acc)
	if err != nil {
		return err
	}
	stream := domain.AccessStreamID(acc.Family)
	md := eventstore.Metadata{Actor: c.Subject, ActorRole: string(auth.ActingRoleFrom(ctx))}
	events, err := a.records.Seal(ctx, acc.Family, acc.Centre, md, []proto.Message{msg})
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		head, err := a.records.Head(ctx, stream)
		if err != nil {
			return err
		}
		uow := new(eventstore.UnitOfWork).Append(stream, head, events...)
		adapters.ProjectAccess(uow, events[0], msg.(*safeguardingv1.AccessRecorded))
		_, err = a.Store().Commit(ctx, uow)
		if err == nil || !errors.Is(err, eventstore.ErrVersionConflict) || attempt == 4 {
			if err != nil {
				return fmt.Errorf("record access: %w", err)
			}
			return nil
		}
	}
}
