package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Reactions to other services' events. Each records its decision in the referral's own stream,
// on the consumer's unit of work, so the family's history shows why the case changed. A rule the
// event does not meet (a hold on a referral not yet accepted, a session for a case already ended)
// means the event does not concern the case: nothing is recorded, and the event is not retried.

// CentreChanged keeps the service's copy of a centre, its service types and accreditation
// (scheduling's centre events).
func (a *App) CentreChanged(uow *eventstore.UnitOfWork, c domain.Centre, version int64) {
	adapters.ProjectCentre(uow, c, version)
}

// HoldPlaced suspends the family's case while a safeguarding hold of the family's own centre is
// in force. A hold from any other centre does not concern the case (decision 55).
func (a *App) HoldPlaced(ctx context.Context, uow *eventstore.UnitOfWork, family, centre, hold uuid.UUID, md eventstore.Metadata) error {
	if hold != uuid.Nil && family != uuid.Nil { // whatever the case's state: the family is not erased while it is in force
		adapters.NoteOpened(uow, adapters.OpenHold, hold, family)
	}
	adapters.LockHolds(uow, family) // an acceptance reading the family's holds commits before or after this, not beside it
	return a.react(ctx, uow, family, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		if r.CentreID() != centre {
			return nil, nil
		}
		return r.Suspend(hold, today)
	})
}

// HoldLifted resumes the case once no hold is in force.
func (a *App) HoldLifted(ctx context.Context, uow *eventstore.UnitOfWork, family, centre, hold uuid.UUID, md eventstore.Metadata) error {
	adapters.NoteClosed(uow, adapters.OpenHold, hold)
	adapters.LockHolds(uow, family)
	return a.react(ctx, uow, family, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		if r.CentreID() != centre && !slices.Contains(r.HoldsInForce(), hold) {
			// Another centre's hold, unless the case took it on at its acceptance (Accept
			// suspends it with every hold in force on its family).
			return nil, nil
		}
		return r.Resume(hold, today)
	})
}

// ConcernRaised notes a safeguarding concern open about the family (safeguarding's ConcernRaised),
// and ConcernClosed that it was closed: the family is not erased while one is open
// (docs/decisions.md 86). Nothing is recorded in the referral's stream.
// It is also kept for good, as one escalated is (ConcernEscalated): a requested erasure is refused
// while the family has any (decision 279).
func (a *App) ConcernRaised(uow *eventstore.UnitOfWork, family, concern uuid.UUID) {
	adapters.NoteOpened(uow, adapters.OpenConcern, concern, family)
	adapters.NoteConcernKept(uow, family, concern)
}

// ConcernEscalated notes that a concern about the family was referred to the local authority or
// the police (safeguarding's ConcernEscalated). Nothing is recorded in the referral's stream.
func (a *App) ConcernEscalated(uow *eventstore.UnitOfWork, family, concern uuid.UUID) {
	adapters.NoteConcernEscalated(uow, family, concern)
}

// SessionStarted notes that someone was checked in for one of the family's bookings at the
// instant at: its session is under way, and the family is not erased until it is over
// (docs/decisions.md 102). The session's day is the check-in's at the centre: the door admits
// people on the session's day only.
func (a *App) SessionStarted(uow *eventstore.UnitOfWork, booking, family uuid.UUID, at time.Time) {
	local := at.In(a.zone)
	adapters.NoteSessionStarted(uow, booking, family, time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC))
}

// SessionOver notes that a booking's session was completed. A booking cancelled with someone
// checked in (a case withdrawn, a hold) or one party's no-show leaves people in the building: it
// stays under way for the rest of its day (review 6, decision 102).
func (a *App) SessionOver(uow *eventstore.UnitOfWork, booking uuid.UUID) {
	adapters.NoteSessionOver(uow, booking)
}

// SessionNotStarted notes that nobody of the family came to a booking's session after all: the
// check-in or arrival that started it was corrected as not having happened (scheduling's
// CheckInCorrected or MovementCorrected with nobody_came), so it holds no erasure back and is no
// contact begun. A check-in recorded later starts it again.
func (a *App) SessionNotStarted(uow *eventstore.UnitOfWork, booking uuid.UUID) {
	adapters.NoteSessionOver(uow, booking)
}

// SessionCalledOff notes that a booking was cancelled or a party of it did not come (off), or that
// a no-show was withdrawn (!off): a session called off does not hold an erasure back after its
// day; one neither called off nor completed does (decision 170).
func (a *App) SessionCalledOff(uow *eventstore.UnitOfWork, booking uuid.UUID, off bool) {
	adapters.NoteSessionCalledOff(uow, booking, off)
}

// ConcernClosed notes that a concern about the family was closed (see ConcernRaised).
func (a *App) ConcernClosed(uow *eventstore.UnitOfWork, concern uuid.UUID) {
	adapters.NoteClosed(uow, adapters.OpenConcern, concern)
}

// ConcernMoved notes that a concern raised about the family by mistake was moved to the family it
// is about (safeguarding's ConcernMoved, decision 404): it is closed, and no concern of theirs on
// record, so a request to erase them is not refused for it. The family it is about hears of its
// own concern (ConcernRaised).
func (a *App) ConcernMoved(uow *eventstore.UnitOfWork, concern uuid.UUID) {
	adapters.NoteClosed(uow, adapters.OpenConcern, concern)
	adapters.NoteConcernMoved(uow, concern)
}

// ReportDue notes an observation report due for one of the family's supervised sessions
// (safeguarding's ReportDue), and ReportReleased that it went to its distribution list: the family
// is not erased while one is due, drafted, waiting for its check or approved, since erasing it
// would destroy the report before it reaches the court (hostile review 16). Nothing is recorded
// in the referral's stream.
func (a *App) ReportDue(uow *eventstore.UnitOfWork, family, report uuid.UUID) {
	adapters.NoteOpened(uow, adapters.OpenReport, report, family)
}

// ReportReleased notes that a report about the family was released (see ReportDue).
func (a *App) ReportReleased(uow *eventstore.UnitOfWork, report uuid.UUID) {
	adapters.NoteClosed(uow, adapters.OpenReport, report)
}

// RiskAssessed notes a safeguarding lead's risk assessment of the family at the centre
// (safeguarding's RiskAssessed): the lead's latest finding of domestic abuse, or of none, stands
// over the screening's (docs/decisions.md 80).
//
// A finding of domestic abuse the note records reaches the children's other open cases, at any
// centre, in the same unit of work, as a screening's finding does (carryToOpenCases, decisions 238
// and 246): the lead at one centre found it, and the child's supported contact at another went on
// as if nothing were known. The same assessment again records nothing, so carries nothing; a case
// told of the finding before is not told again; an assessment withdrawing it un-carries nothing
// (the other case's lead weighs what was carried).
func (a *App) RiskAssessed(ctx context.Context, uow *eventstore.UnitOfWork, family, centre uuid.UUID, found bool, assessedOn time.Time, md eventstore.Metadata) error {
	var finding []*domain.Referral
	err := a.react(ctx, uow, family, md, func(r *domain.Referral, _ time.Time) ([]proto.Message, error) {
		if r.CentreID() != centre {
			return nil, nil
		}
		events, err := r.NoteRiskAssessment(found, assessedOn)
		if err == nil && findingNoted(events) {
			finding = append(finding, r)
		}
		return events, err
	})
	if err != nil {
		return err
	}
	for _, r := range finding {
		matches, err := a.childMatches(ctx, r)
		if err != nil {
			return err
		}
		if err := a.carryToOpenCases(ctx, uow, r, matches, true, a.today(), md); err != nil {
			return err
		}
	}
	return nil
}

// findingNoted reports whether events note a lead's assessment finding domestic abuse.
func findingNoted(events []proto.Message) bool {
	return slices.ContainsFunc(events, func(e proto.Message) bool {
		n, ok := e.(*referralv1.RiskAssessmentNoted)
		return ok && n.GetDomesticAbuseFinding()
	})
}

// SessionAttended notes a session the family attended (scheduling's SessionCompleted): the first
// starts contact and the review clock.
func (a *App) SessionAttended(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, on time.Time, md eventstore.Metadata) error {
	return a.react(ctx, uow, family, md, func(r *domain.Referral, _ time.Time) ([]proto.Message, error) {
		return r.RecordSessionAttended(on)
	})
}

// PlaceReleased notes that the family's regular place was released after unexplained no-shows;
// the case stays open for the coordinator to decide (decisions.md 170).
func (a *App) PlaceReleased(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, md eventstore.Metadata) error {
	return a.react(ctx, uow, family, md, func(r *domain.Referral, today time.Time) ([]proto.Message, error) {
		return r.ReleasePlace(today)
	})
}

// react applies decide to each referral of the family and adds what it records to uow.
func (a *App) react(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, md eventstore.Metadata,
	decide func(r *domain.Referral, today time.Time) ([]proto.Message, error)) error {
	ids, err := a.referrals.ReferralsOfFamily(ctx, family)
	if err != nil {
		return err
	}
	for _, id := range ids {
		r, err := a.referrals.Load(ctx, id)
		if err != nil {
			return err
		}
		version := r.Version()
		events, err := decide(r, a.today())
		var rule *problem.RuleError
		if errors.As(err, &rule) {
			// The event does not concern this case as it stands: guarded as it stands, so that a
			// change committed meanwhile (a hold noted while the referral is accepted) makes the
			// reaction run again on the case as it is then (review 30).
			stream := domain.StreamID(id)
			uow.Guard(stream, stream, version)
			continue
		}
		if err != nil {
			return err
		}
		if len(events) == 0 {
			continue
		}
		work, err := a.referrals.Record(ctx, r, version, events, md)
		if err != nil {
			return err
		}
		uow.Merge(work)
	}
	return nil
}
