package app

import (
	"context"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/weighing"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// The use cases below react to other services' events. Each decides with the domain and fills
// the consumer's unit of work (committed by the runner with the inbox row); none commits or has
// an effect outside it.

// NoteFamilyReady records referral's FamilyReadyForContact.
func (a *App) NoteFamilyReady(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, r domain.Readiness, md eventstore.Metadata) error {
	return a.noteOnFamily(ctx, uow, family, r.Centre, md, func(f *domain.Family) proto.Message { return f.NoteReady(r) })
}

// NoteArrangementChanged records referral's ArrangementChanged: new bookings take the new session
// length and stagger; bookings already made keep their times. A change that does not concern the
// family as scheduling knows it appends nothing.
func (a *App) NoteArrangementChanged(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, c domain.ArrangementChange, md eventstore.Metadata) error {
	return a.noteOnFamily(ctx, uow, family, c.Centre, md, func(f *domain.Family) proto.Message { return f.NoteArrangementChanged(c) })
}

// NoteChildrenLeaving records referral's ChildrenLeavingChanged: the day sheet says from now on
// whether the children may leave the centre. A change that does not concern the family as
// scheduling knows it, or the answer it has, appends nothing.
func (a *App) NoteChildrenLeaving(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, c domain.ChildrenLeaving, md eventstore.Metadata) error {
	return a.noteOnFamily(ctx, uow, family, c.Centre, md, func(f *domain.Family) proto.Message { return f.NoteChildrenLeaving(c) })
}

// NoteChildBirthMonth records referral's ChildBirthMonthCorrected: sessions completed from now on
// record the child's age band by the corrected birth month; those completed before keep theirs. A
// correction that does not concern the family as scheduling knows it, or the month it has,
// appends nothing.
func (a *App) NoteChildBirthMonth(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, c domain.BirthMonthCorrection, md eventstore.Metadata) error {
	return a.noteOnFamily(ctx, uow, family, c.Centre, md, func(f *domain.Family) proto.Message { return f.NoteChildBirthMonth(c) })
}

// NoteAdultKept records referral's AdultKeptFromChildren (decision 323): the adult may neither
// attend, bring nor collect the children from now on, so the door refuses them NOT_PERMITTED. An
// announcement that does not concern the family as scheduling knows it, or that it has noted,
// appends nothing.
func (a *App) NoteAdultKept(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, k domain.AdultKept, md eventstore.Metadata) error {
	return a.noteOnFamily(ctx, uow, family, k.Centre, md, func(f *domain.Family) proto.Message { return f.NoteAdultKept(k) })
}

// NoteReviewDue records referral's review due date for the family, from its FirstSessionAttended
// or ReviewHeld (domain.Family's NoteReviewDue, decision 261): bookings after it are warned and the
// day sheet alerts them. A date that does not concern the family as scheduling knows it, or the
// one it has, appends nothing.
func (a *App) NoteReviewDue(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, r domain.ReviewDue, md eventstore.Metadata) error {
	return a.noteOnFamily(ctx, uow, family, r.Centre, md, func(f *domain.Family) proto.Message { return f.NoteReviewDue(r) })
}

// NoteHold records safeguarding's HoldPlaced: the family's bookings whose session has not ended
// are cancelled (reason: hold) and their places freed, and bookings are refused until the hold is
// lifted. A booking that committed just before is among those cancelled; one that had not
// committed fails its family-stream version check and, retried, sees the hold.
func (a *App) NoteHold(ctx context.Context, uow *eventstore.UnitOfWork, family, centre, hold uuid.UUID, placedOn time.Time, md eventstore.Metadata) error {
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return err
	}
	expected := f.Version()
	events := f.NoteHold(centre, hold, placedOn, a.now())
	if err := a.recordReaction(ctx, uow, f, centre, expected, events, md); err != nil {
		return err
	}
	// A place offered to the family from the centre's waiting list goes back, as its bookings do;
	// the family keeps its place in the queue (decision 384).
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return err
	}
	wexpected := w.Version()
	ev, err := w.WithdrawOffer(family, schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_ON_HOLD, a.now())
	if err != nil || ev == nil {
		return err
	}
	return a.append(uow, domain.WaitingListStream(centre), wexpected, family, centre, md, ev)
}

// NoteHoldLifted records safeguarding's HoldLifted.
func (a *App) NoteHoldLifted(ctx context.Context, uow *eventstore.UnitOfWork, family, centre, hold uuid.UUID, md eventstore.Metadata) error {
	return a.noteOnFamily(ctx, uow, family, centre, md, func(f *domain.Family) proto.Message { return f.NoteHoldLifted(centre, hold) })
}

// NoteDisclosure records referral's PossibleDuplicateFlagged with domestic_abuse_disclosed: a
// disclosure of domestic abuse carried to the family's referral (flagged: its date, and the
// instant referral recorded it) stops its contact other than supervised until a risk assessment
// that weighs it (weighing.Weighs; domain.Family's NoteDisclosure). The bookings stand: the door
// refuses them and the day sheet alerts them, as for a hold, without cancelling what the lead may
// clear the same week.
func (a *App) NoteDisclosure(ctx context.Context, uow *eventstore.UnitOfWork, family, centre, referral uuid.UUID, flagged weighing.Moment, md eventstore.Metadata) error {
	return a.noteOnFamily(ctx, uow, family, centre, md, func(f *domain.Family) proto.Message { return f.NoteDisclosure(centre, referral, flagged) })
}

// noteOnFamily records in the family's stream the one event note decides, if any: a reaction to
// another service's event that changes nothing appends nothing.
func (a *App) noteOnFamily(ctx context.Context, uow *eventstore.UnitOfWork, family, centre uuid.UUID, md eventstore.Metadata,
	note func(*domain.Family) proto.Message) error {
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return err
	}
	expected := f.Version()
	ev := note(f)
	if ev == nil {
		return nil
	}
	return a.append(uow, domain.FamilyStream(family), expected, family, centre, md, ev)
}

// NoteRiskAssessed records safeguarding's RiskAssessed (decisions.md 80): an assessment that
// finds domestic abuse rules out supported contact, and the family's supported bookings not yet
// under way are cancelled (reason: domestic-abuse finding, by the system) and their places freed
// in the same unit; a later assessment without the finding allows it again. An assessment that
// changes nothing, or of a family scheduling does not know at the centre, appends nothing.
// assessed is the assessment's date and the instant safeguarding recorded it (weighing.Weighs).
func (a *App) NoteRiskAssessed(ctx context.Context, uow *eventstore.UnitOfWork, family, centre uuid.UUID, finding bool, assessed weighing.Moment, md eventstore.Metadata) error {
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return err
	}
	expected := f.Version()
	events := f.NoteRiskAssessed(centre, finding, assessed, a.now())
	return a.recordReaction(ctx, uow, f, centre, expected, events, md)
}

// EndContact records referral's CaseEnded or ReferralWithdrawn: future bookings are cancelled
// and their places freed, and a family still on the centre's waiting list leaves it
// (WaitingListLeft), so it is neither offered a place nor counted as waiting. Already ended
// changes nothing.
func (a *App) EndContact(ctx context.Context, uow *eventstore.UnitOfWork, family, centre, referral uuid.UUID, endedOn time.Time, withdrawn bool, md eventstore.Metadata) error {
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return err
	}
	expected := f.Version()
	events := f.EndContact(centre, referral, endedOn, withdrawn, a.now())
	if err := a.recordReaction(ctx, uow, f, centre, expected, events, md); err != nil || len(events) == 0 {
		return err
	}
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return err
	}
	wexpected := w.Version()
	reason := schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_CASE_ENDED
	if withdrawn {
		reason = schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_WITHDRAWN
	}
	ev := w.Leave(family, reason, a.now())
	if ev == nil {
		// Not on the list as read: a JoinWaitingList deciding meanwhile must not leave an ended
		// family on it. It guards the family's stream with this key; this guards the list.
		uow.Guard(domain.FamilyStream(family), domain.WaitingListStream(centre), wexpected)
		return nil
	}
	return a.append(uow, domain.WaitingListStream(centre), wexpected, family, centre, md, ev)
}

func (a *App) recordReaction(ctx context.Context, uow *eventstore.UnitOfWork, f *domain.Family, centre uuid.UUID, expected int64, events []proto.Message, md eventstore.Metadata) error {
	if len(events) == 0 {
		return nil
	}
	// The family's stream first: the unit's appends are one COPY either way, but reading the
	// family's events in the log shows the hold before the freed places.
	if err := a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, events...); err != nil {
		return err
	}
	return a.freePlaces(ctx, uow, f, events, md)
}

// ReopenContact records referral's CaseReopened (domain.Family.ReopenContact): the family may be
// booked again. Nothing else is undone: the bookings the ending cancelled, and the family's place
// on the waiting list, are the coordinator's to make again.
func (a *App) ReopenContact(ctx context.Context, uow *eventstore.UnitOfWork, family, centre, referral uuid.UUID, reopenedOn, endedOn time.Time, md eventstore.Metadata) error {
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return err
	}
	expected := f.Version()
	return a.recordReaction(ctx, uow, f, centre, expected, f.ReopenContact(centre, referral, reopenedOn, endedOn), md)
}
