package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// domainDate is a local date as the domain takes it (midnight UTC).
type domainDate = time.Time

func (a *App) loadHolds(ctx context.Context, family uuid.UUID) (*domain.Holds, error) {
	recs, _, err := a.records.Load(ctx, domain.HoldStreamID(family))
	if err != nil {
		return nil, err
	}
	msgs := make([]proto.Message, len(recs))
	for i := range recs {
		msgs[i] = recs[i].Event
	}
	return domain.RebuildHolds(family, msgs)
}

// PlaceHold suspends a family's contact. A concern named must be one of the centre's, about the
// family. It gives, beside the hold, the family's other holds in force when it was placed, oldest
// placed first, at this centre or another: lifting this one alone does not resume contact
// (decision 360).
//
// The erasure is read under the family's key hold, taken here and released by the caller once the
// hold is committed or refused (adapters.KeyHold, decision 400): an erasure handled in the same
// moment counts the hold in force and waits for it, or destroyed the key first and the hold is
// refused, never a hold whose note went with the key.
func (a *App) PlaceHold(ctx context.Context, family uuid.UUID, n domain.NewHold, md eventstore.Metadata, keyHold *adapters.KeyHold) (domain.Hold, []domain.Hold, *eventstore.UnitOfWork, error) {
	if n.Concern != uuid.Nil {
		k, _, err := a.loadConcern(ctx, n.Centre, n.Concern)
		if err != nil {
			return domain.Hold{}, nil, nil, err
		}
		if k.FamilyID() != family {
			return domain.Hold{}, nil, nil, domain.ErrConcernOfAnotherFamily
		}
	}
	h, err := a.loadHolds(ctx, family)
	if err != nil {
		return domain.Hold{}, nil, nil, err
	}
	if md, err = a.inRegisteredRole(ctx, n.Centre, md); err != nil {
		return domain.Hold{}, nil, nil, err
	}
	if md.ActorRole != string(auth.RoleSafeguardingLead) {
		n.AlertLead, n.PlacedInRole = true, md.ActorRole
	}
	expected, id, others := h.Version(), uuid.New(), h.InForce()
	msgs, err := h.Place(id, n, a.today())
	if err != nil {
		return domain.Hold{}, nil, nil, err
	}
	if err := a.familyAt(ctx, family, n.Centre); err != nil {
		return domain.Hold{}, nil, nil, err
	}
	if err := keyHold.Take(ctx, family); err != nil {
		return domain.Hold{}, nil, nil, err
	}
	// A hold on a family whose erasure was ordered suspends nothing: its case is closed, and what
	// matches its child to a new referral is gone (review 35).
	if err := a.ErasureOrdered(ctx, family, domain.HoldOnErasedFamily); err != nil {
		return domain.Hold{}, nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	if _, err := a.append(ctx, uow, domain.HoldStreamID(family), expected, family, n.Centre, md, msgs); err != nil {
		return domain.Hold{}, nil, nil, err
	}
	placed, _ := h.Get(id)
	adapters.ProjectHold(uow, placed)
	if n.AlertLead {
		adapters.ProjectHoldAlert(uow, placed, n.PlacedInRole)
	}
	return placed, others, uow, nil
}

// DuplicateCheckedElsewhere alerts the lead of every other centre whose hold on family is in
// force that the lead of checkingCentre checked referral, a possible duplicate of the family, is
// another family (referral's PossibleDuplicateChecked, decision 211), in uow, the consumer's.
func (a *App) DuplicateCheckedElsewhere(ctx context.Context, uow *eventstore.UnitOfWork, family, checkingCentre, referral uuid.UUID,
	checkedOn time.Time, md eventstore.Metadata) error {
	h, err := a.loadHolds(ctx, family)
	if err != nil {
		return err
	}
	expected := h.Version()
	msgs, err := h.DuplicateCheckedElsewhere(checkingCentre, referral, checkedOn, a.today())
	if err != nil || len(msgs) == 0 {
		return err
	}
	// Each alert is the holding centre's: recorded in its name, as its lead reads it.
	for _, msg := range msgs {
		alert := msg.(*safeguardingv1.LeadAlertedOfDuplicateCheck)
		centre := uuid.MustParse(alert.GetCentreId())
		if _, err := a.append(ctx, uow, domain.HoldStreamID(family), expected, family, centre, md, []proto.Message{msg}); err != nil {
			return err
		}
		expected++
		adapters.ProjectDuplicateCheckAlert(uow, alert)
	}
	return nil
}

// Lifted is a hold lifted, with what the lead is told of the family's other holds.
type Lifted struct {
	// Hold is the hold lifted.
	Hold domain.Hold
	// StillInForce are the family's holds still in force after the lift, oldest placed first, at
	// this centre or another: contact resumes only once none is (decision 345).
	StillInForce []domain.Hold
	// Suspension, when none is still in force, are the holds of the suspension this lift ended
	// (Holds.Suspension), this one among them: the bookings they cancelled are the sessions to
	// book again, an earlier suspension's not (decision 360). Empty otherwise.
	Suspension []domain.Hold
}

// LiftHold lifts one of the centre's holds. The hold names its family: family may be uuid.Nil,
// and one given that is not the hold's is refused (domain.HoldOfAnotherFamily), nothing lifted.
func (a *App) LiftHold(ctx context.Context, centre, family, id uuid.UUID, note string, md eventstore.Metadata) (Lifted, *eventstore.UnitOfWork, error) {
	family, err := a.holdsFamily(ctx, centre, family, id, domain.HoldOfAnotherFamily)
	if err != nil {
		return Lifted{}, nil, err
	}
	if err := a.familyAt(ctx, family, centre); err != nil {
		return Lifted{}, nil, err
	}
	h, err := a.loadHolds(ctx, family)
	if err != nil {
		return Lifted{}, nil, err
	}
	if x, ok := h.Get(id); !ok || x.Centre != centre {
		return Lifted{}, nil, domain.ErrHoldNotFound
	}
	expected := h.Version()
	msgs, err := h.Lift(id, note, a.today())
	if err != nil {
		return Lifted{}, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	if _, err := a.append(ctx, uow, domain.HoldStreamID(family), expected, family, centre, md, msgs); err != nil {
		return Lifted{}, nil, err
	}
	out := Lifted{StillInForce: h.InForce()}
	out.Hold, _ = h.Get(id)
	if len(out.StillInForce) == 0 {
		out.Suspension = h.Suspension()
	}
	adapters.ProjectHold(uow, out.Hold)
	return out, uow, nil
}

// StillInForceWarning is HOLD_STILL_IN_FORCE in words when a lift at centre leaves others in
// force on the family, or "" (decision 340's Left: lifting one of two holds said nothing of the
// other, and the lead may have told the family contact resumes). Each is named by its id, the
// day it was placed and its concern; one of another centre by its id, its centre and its day
// alone, that centre's lead's to lift: nothing the lead does not already read.
func StillInForceWarning(centre uuid.UUID, others []domain.Hold) string {
	if len(others) == 0 {
		return ""
	}
	which := "another hold on the family is still in force: " + holdNamed(centre, others[0])
	if len(others) > 1 {
		which = fmt.Sprintf("%d other holds on the family are still in force: %s", len(others), holdsNamed(centre, others))
	}
	return "HOLD_STILL_IN_FORCE: " + which + ". The family's contact stays suspended until every hold is lifted: nothing is " +
		"booked and the door refuses the family (ON_HOLD); do not tell the family contact resumes"
}

// AlreadyInForceWarning is OTHER_HOLD_IN_FORCE in words when a hold is placed at centre while
// others are in force on the family, or "" (decision 345's Left: the hold's answer did not say
// so, and the lead, lifting it later, might tell the family contact resumes). Each is named as
// StillInForceWarning names it.
func AlreadyInForceWarning(centre uuid.UUID, others []domain.Hold) string {
	if len(others) == 0 {
		return ""
	}
	which := "another hold on the family is in force already: " + holdNamed(centre, others[0])
	if len(others) > 1 {
		which = fmt.Sprintf("%d other holds on the family are in force already: %s", len(others), holdsNamed(centre, others))
	}
	return "OTHER_HOLD_IN_FORCE: " + which + ". Lifting this hold does not resume the family's contact: it stays suspended " +
		"(nothing booked, the door refusing the family ON_HOLD) until every hold is lifted, that one too"
}

// holdsNamed names each of others as holdNamed does, in their order.
func holdsNamed(centre uuid.UUID, others []domain.Hold) string {
	named := make([]string, len(others))
	for i, x := range others {
		named[i] = holdNamed(centre, x)
	}
	return strings.Join(named, "; ")
}

// holdNamed is a hold on the family as a lead at centre is told of it: one of this centre's by its
// id, the day it was placed, its concern and the command that lifts it; another centre's by its
// id, its centre and its day alone, that centre's lead's to lift. Ids and a date only.
func holdNamed(centre uuid.UUID, x domain.Hold) string {
	placed := x.PlacedOn.Format(time.DateOnly)
	// The command as it runs: lift requires --centre and --note (review 65 finding 4,
	// decision 353); the note is the lead's, why contact may resume.
	lift := " (familytime safeguarding lift " + x.ID.String() + " --centre " + centre.String() + " --note ...)"
	switch {
	case x.Centre != centre:
		return "hold " + x.ID.String() + ", placed on " + placed + " by another centre (" + x.Centre.String() + "), whose safeguarding lead lifts it"
	case x.Concern != uuid.Nil:
		return "hold " + x.ID.String() + ", placed on " + placed + " for concern " + x.Concern.String() + lift
	}
	return "hold " + x.ID.String() + ", placed on " + placed + " for no concern named" + lift
}

// ReviewHold records that one of the centre's holds in force on a family was reviewed and
// continues, to be reviewed again by next; the note says why. Contact stays suspended. The hold
// names its family: family may be uuid.Nil, and one given that is not the hold's is refused
// (domain.HoldToReviewOfAnotherFamily), nothing reviewed.
func (a *App) ReviewHold(ctx context.Context, centre, family, id uuid.UUID, next time.Time, note string, md eventstore.Metadata) (domain.Hold, *eventstore.UnitOfWork, error) {
	family, err := a.holdsFamily(ctx, centre, family, id, domain.HoldToReviewOfAnotherFamily)
	if err != nil {
		return domain.Hold{}, nil, err
	}
	if err := a.familyAt(ctx, family, centre); err != nil {
		return domain.Hold{}, nil, err
	}
	h, err := a.loadHolds(ctx, family)
	if err != nil {
		return domain.Hold{}, nil, err
	}
	if x, ok := h.Get(id); !ok || x.Centre != centre {
		return domain.Hold{}, nil, domain.ErrHoldNotFound
	}
	expected := h.Version()
	msgs, err := h.Review(id, next, note, a.today())
	if err != nil {
		return domain.Hold{}, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	if _, err := a.append(ctx, uow, domain.HoldStreamID(family), expected, family, centre, md, msgs); err != nil {
		return domain.Hold{}, nil, err
	}
	reviewed, _ := h.Get(id)
	adapters.ProjectHold(uow, reviewed)
	return reviewed, uow, nil
}

// Holds reads a page of a centre's holds, newest placed first (size 0: DefaultPageSize);
// overdue keeps only holds in force whose review date has passed, the lead's to review now.
func (a *App) Holds(ctx context.Context, centre, family uuid.UUID, withLifted, overdue bool, size int, token string) ([]domain.Hold, string, error) {
	var before time.Time
	if overdue {
		before = a.today()
	}
	return a.records.Holds(ctx, centre, family, withLifted, before, pageSize(size), token)
}

// inRegisteredRole is md with the role a protective action is recorded in: one the centre's staff
// register gives the caller that day. A hold or an escalation is decided on the token's role, the
// register not asked (decision 109: protection never waits on paperwork), but the record does not
// say "safeguarding lead" of someone the register has as a contact supervisor (review 14): it
// records the role the register gives them, or none when they are not on it that day.
func (a *App) inRegisteredRole(ctx context.Context, centre uuid.UUID, md eventstore.Metadata) (eventstore.Metadata, error) {
	if md.ActorRole != string(auth.RoleSafeguardingLead) {
		return md, nil
	}
	register, err := a.records.StaffRegister(ctx, centre)
	if err != nil {
		return md, err
	}
	today := a.today()
	if register.ActsAs(md.Actor, today, auth.RoleSafeguardingLead) == nil {
		return md, nil
	}
	role, _ := register.RoleOn(md.Actor, today)
	md.ActorRole = string(role)
	return md, nil
}

// HoldWarning is HOLD_IN_FORCE in words when a hold placed at centre for the family's concern
// stays in force, or "" (review 20: a concern was closed and its hold stayed in force, nothing
// said). Its commands run as printed: each names the hold and the --centre lift and review
// require (decision 360); --note ... and --next-review-by ... are the lead's to fill in.
func (a *App) HoldWarning(ctx context.Context, centre, family, concern uuid.UUID) (string, error) {
	h, err := a.loadHolds(ctx, family)
	if err != nil {
		return "", err
	}
	var ids []string
	for _, x := range h.InForce() {
		if x.Concern == concern && x.Centre == centre {
			ids = append(ids, x.ID.String())
		}
	}
	if len(ids) == 0 {
		return "", nil
	}
	// A concern has at most one hold in force (ErrConcernAlreadyHeld); the commands name each.
	var lift, review []string
	for _, id := range ids {
		lift = append(lift, "familytime safeguarding lift "+id+" --centre "+centre.String()+" --note ...")
		review = append(review, "familytime safeguarding hold review "+id+" --centre "+centre.String()+" --next-review-by ... --note ...")
	}
	return "HOLD_IN_FORCE: the hold placed for this concern (" + strings.Join(ids, ", ") + ") stays in force, and the family's " +
		"contact stays suspended: lift it if the concern no longer calls for it (" + strings.Join(lift, "; ") + "), or review it if it " +
		"continues for another reason (" + strings.Join(review, "; ") + ")", nil
}

// holdsFamily is the family the centre's hold id names; family, if given (not uuid.Nil), must be
// it, or the call is refused with mismatch (decision 226): a lift or a review needs no family.
func (a *App) holdsFamily(ctx context.Context, centre, family, id uuid.UUID, mismatch func(centre, hold, given, held uuid.UUID) error) (uuid.UUID, error) {
	held, found, err := a.records.HoldFamily(ctx, centre, id)
	switch {
	case err != nil:
		return uuid.Nil, err
	case !found:
		return uuid.Nil, domain.ErrHoldNotFound
	case family != uuid.Nil && family != held:
		return uuid.Nil, mismatch(centre, id, family, held)
	}
	return held, nil
}
