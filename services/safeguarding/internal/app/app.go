// Package app holds the safeguarding service's use cases. Commands load a stream, ask the domain
// to decide, seal the new events' text and return the unit of work for the caller to commit
// (package command for RPCs, the consumer runner for events). Reads of safeguarding text commit
// their access record before they return the text.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// App is the safeguarding service's use cases.
type App struct {
	records *adapters.Records
	// now is the service's clock: when a command was carried out (its answer's answered_at).
	now func() time.Time
	// today is the centres' date now, in the UK, as a domain date (midnight UTC); tests fix it.
	today func() time.Time
}

// New returns the use cases over the records repository.
func New(records *adapters.Records) *App {
	return (&App{records: records}).WithClock(time.Now)
}

// WithClock returns the use cases on the clock now (the platform's, simulated or real): the
// current instant, and today's date from it in the UK, where the centres are, as referral and
// scheduling date theirs (review 82: between midnight and one in the morning of British Summer
// Time a hold was dated the day before, so the parent's copy said contact was suspended a day
// early, and a concern raised at 00:30 on 1 July counted in the quarter before; decision 405).
func (a *App) WithClock(now func() time.Time) *App {
	b := *a
	b.now = now
	b.today = func() time.Time { return dates.InUK(now()) }
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

// KeyHold is a hold of a family's key lock, holding nothing yet (adapters.KeyHold).
func (a *App) KeyHold() *adapters.KeyHold { return a.records.KeyHold() }

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
	md := eventstore.Metadata{Actor: c.Subject, ActorRole: string(auth.ActingRoleFrom(ctx))}
	return a.audit(ctx, acc.Family, acc.Centre, md, msg, func(uow *eventstore.UnitOfWork, e eventstore.Event) {
		adapters.ProjectAccess(uow, e, msg.(*safeguardingv1.AccessRecorded), a.now())
	})
}

// audit commits msg to the family's audit stream at its head, with project's rows.
func (a *App) audit(ctx context.Context, family, centre uuid.UUID, md eventstore.Metadata, msg proto.Message,
	project func(*eventstore.UnitOfWork, eventstore.Event)) error {
	stream := domain.AccessStreamID(family)
	events, err := a.records.Seal(ctx, family, centre, md, []proto.Message{msg})
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		head, err := a.records.Head(ctx, stream)
		if err != nil {
			return err
		}
		uow := new(eventstore.UnitOfWork).Append(stream, head, events...)
		project(uow, events[0])
		_, err = a.Store().Commit(ctx, uow)
		if err == nil || !errors.Is(err, eventstore.ErrVersionConflict) || attempt == 4 {
			if err != nil {
				return fmt.Errorf("record access: %w", err)
			}
			return nil
		}
	}
}

// Refusal is a read of a family's safeguarding text refused to an authenticated caller: by the
// policy (the role, or a centre not theirs), or by the record (not its raiser, reader or lead; or
// at another centre than the one named, which the caller is told was not found).
type Refusal struct {
	// Subject is the caller's account; Role the roles their token gives them at AskedCentre, or
	// the role they acted in.
	Subject, Role string
	Kind          safeguardingv1.RecordKind
	// Record is the concern, the report, or the family (a whole record) asked for.
	Record      uuid.UUID
	AskedCentre uuid.UUID
	// Reason is the refusal's reason code.
	Reason string
}

// ReasonNotAtThisCentre is a refused read's reason when the record is at another centre than the
// one its request named: the caller is told it was not found (decision 55), and the record's
// centre's lead is shown the attempt.
const ReasonNotAtThisCentre = "NOT_AT_THIS_CENTRE"

// ReadRefused records a refused read on the audit of the family whose record was asked for
// (domain AccessRefused), so that its centre's lead and an administrator see probing (review 48:
// only the reads given were recorded). Nothing is recorded for a record this service does not
// have: no family is named. The refusal stands whatever this does; a failure to record it is
// returned for the caller to log.
//
// A repeat is counted, not appended (review 52, decision 307): only the first refusal of the
// account about the family, for the reason, on the UK day (the service's clock) is an entry; the
// rest are counted on it. An account past domain.RefusedFamiliesADay families that day has one
// entry saying so, and the families after it are counted on that entry.
func (a *App) ReadRefused(ctx context.Context, r Refusal) error {
	family, centre, found, err := a.records.RecordAt(ctx, r.Kind, r.Record)
	if err != nil || !found || (r.Reason == ReasonNotAtThisCentre && centre == r.AskedCentre) {
		return err // no family named, or none at another centre
	}
	at := a.now()
	key := adapters.RefusalKey{Subject: r.Subject, Day: dates.InUK(at), Family: family, Reason: r.Reason, Kind: r.Kind, Centre: centre}
	// A pass fails when another refusal by the account committed first: the same one (a repeat
	// now), or one that moved the account on to the next way of keeping it (the ways only move
	// on); or when refusals flooding one family's audit moved its stream on. The next pass weighs
	// it again, and a few always settle it: a repeat is counted without appending.
	for attempt := 0; ; attempt++ {
		err := a.keepRefusal(ctx, r, key, at)
		moved := errors.Is(err, adapters.ErrRefusalDayMoved) || errors.Is(err, eventstore.ErrVersionConflict)
		if !moved || attempt == 4 {
			return err
		}
	}
}

// keepRefusal counts the refusal r on its key's entry, or makes the entry; ErrRefusalDayMoved
// when another refusal by the account committed first and changed how this one is kept.
func (a *App) keepRefusal(ctx context.Context, r Refusal, key adapters.RefusalKey, at time.Time) error {
	family, centre := key.Family, key.Centre
	counted, err := a.records.CountRepeatedRefusal(ctx, key, at)
	if err != nil || counted {
		return err
	}
	day, err := a.records.RefusalDayOf(ctx, key)
	if err != nil {
		return err
	}
	kept := day.Kept()
	if kept == domain.RefusalPastLimit {
		return a.records.TallyPastLimit(ctx, key, day.PastLimit, at)
	}
	asked := ""
	if r.AskedCentre != centre && r.AskedCentre != uuid.Nil {
		asked = r.AskedCentre.String()
	}
	msg := &safeguardingv1.AccessRefused{FamilyId: family.String(), CentreId: centre.String(), Subject: r.Subject, Role: r.Role,
		Kind: r.Kind, RecordId: r.Record.String(), AskedCentreId: asked, Reason: r.Reason}
	if kept == domain.RefusalPassesLimit {
		msg.DailyFamilyLimit = domain.RefusedFamiliesADay
	}
	// A read refused before the caller acted in any role names no acting role: the role their
	// token gave them is the one they asked in (review 75's history said "role not recorded").
	role, _, _ := strings.Cut(r.Role, ",")
	md := eventstore.Metadata{Actor: r.Subject, ActorRole: cmp.Or(string(auth.ActingRoleFrom(ctx)), strings.TrimSpace(role))}
	return a.audit(ctx, family, centre, md, msg, func(uow *eventstore.UnitOfWork, e eventstore.Event) {
		adapters.ProjectRefusal(uow, e, msg, at)
		adapters.TallyFirstRefusal(uow, key, e.ID, kept, at)
	})
}

// refused records, beside err, a read of kind record refused to c asking at centre, when err is
// a refusal of the record (Forbidden), its not being found at the centre while this service has
// it elsewhere, or the staff register's refusal of someone on it acting in a role it does not give
// them (NOT_THE_LEAD, NOT_IN_ROLE: review 73, a volunteer holding a lead's token, which is the
// attempt the lead most needs to see; decision 373); err is returned as it was, whatever the
// recording does. Someone not on the register at all is not recorded (decision 297).
func (a *App) refused(ctx context.Context, c domain.Caller, centre uuid.UUID, kind safeguardingv1.RecordKind, record uuid.UUID, err error) error {
	reason := ""
	var f *domain.Forbidden
	switch {
	case errors.As(err, &f):
		reason = f.Code
	case errors.Is(err, staff.ErrNotTheLead):
		reason = staff.ErrNotTheLead.Reason
	case errors.Is(err, staff.ErrNotInRole):
		reason = staff.ErrNotInRole.Reason
	case errors.Is(err, domain.ErrConcernNotFound), errors.Is(err, domain.ErrReportNotFound), errors.Is(err, domain.ErrFamilyNotFound):
		reason = ReasonNotAtThisCentre
	default:
		return err
	}
	if rerr := a.ReadRefused(ctx, Refusal{Subject: c.Subject, Role: c.Role, Kind: kind, Record: record, AskedCentre: centre,
		Reason: reason}); rerr != nil {
		slog.WarnContext(ctx, "refused read not recorded", "kind", kind.String(), "error", rerr)
	}
	return err
}
