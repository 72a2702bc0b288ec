package app

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// MoveConcern moves a concern raised about the wrong family of the centre to the family it is
// about (decision 404; review 78, finding M1: a volunteer read the next row of the day sheet, the
// lead was alerted about a family who had done nothing, and nothing could put it right). to names
// the right family (or its booking alone), the booking and the people of that family; the
// category and the description (as last corrected) are carried, and the raising's date and raiser.
// The first concern is closed as moved (ConcernMoved, its reason sealed with the first family's
// key); the new one is raised about the right family under its key hold (adapters.KeyHold), as any
// concern is. Only an open concern nothing was done on is moved (domain.Concern.Move).
//
// The description read from the first family's record stays there too: records are never edited,
// and the first family's record says it was moved and why; the lead corrects it if it must not
// stand there (CorrectRecord).
func (a *App) MoveConcern(ctx context.Context, c domain.Caller, centre, id uuid.UUID, to domain.NewConcern, why string,
	md eventstore.Metadata, hold *adapters.KeyHold) (*domain.Concern, *domain.Concern, *eventstore.UnitOfWork, error) {
	first, raw, err := a.loadConcern(ctx, centre, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if md, err = a.inRegisteredRole(ctx, centre, md); err != nil {
		return nil, nil, nil, err
	}
	if to.Family == uuid.Nil && to.Booking != uuid.Nil {
		if to.Family, err = a.bookingFamily(ctx, to.Booking, centre); err != nil {
			return nil, nil, nil, err
		}
	}
	switch {
	case to.Family == uuid.Nil:
		return nil, nil, nil, problem.Invalid("family_id", "is required: the family the concern is about (or give booking_id alone, "+
			"the session's booking of that family, as the day sheet prints it)")
	case to.Family == first.FamilyID():
		return nil, nil, nil, problem.Invalid("family_id", "is the family the concern was raised about: name the other family of "+
			"the centre it is about")
	}
	if err := a.familyAt(ctx, to.Family, centre); err != nil {
		return nil, nil, nil, err
	}
	holds, err := a.loadHolds(ctx, first.FamilyID())
	if err != nil {
		return nil, nil, nil, err
	}
	held := false
	for _, h := range holds.All() {
		held = held || h.Concern == id
	}
	next, expected := uuid.New(), first.Version()
	moved, err := first.Move(c, next, why, held, a.today())
	if err != nil {
		return nil, nil, nil, err
	}
	description, err := a.description(ctx, first.FamilyID(), raw)
	if err != nil {
		return nil, nil, nil, err
	}
	to.Centre, to.Category, to.Description, to.Moved = centre, first.Category(), description, first
	if from := first.MovedFrom(); from != uuid.Nil {
		// Moved back to the family it was moved away from: the first move was the mistake, and the
		// histories say so (review 84, decision 410).
		if before, _, err := a.loadConcern(ctx, centre, from); err == nil && before.FamilyID() == to.Family {
			to.MovedBack = true
		} else if err != nil && !errors.Is(err, domain.ErrConcernNotFound) {
			return nil, nil, nil, err
		}
	}
	if err := a.ofTheFamily(ctx, to); err != nil {
		return nil, nil, nil, err
	}
	if err := hold.Take(ctx, to.Family); err != nil {
		return nil, nil, nil, err
	}
	erasure, err := a.records.Erasure(ctx, to.Family)
	if err != nil {
		return nil, nil, nil, err
	}
	to.TextNotKept = description == "" || erasure.Done
	k, raised, err := domain.RaiseConcern(next, to, c, a.today())
	if err != nil {
		return nil, nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	if _, err := a.append(ctx, uow, domain.ConcernStreamID(id), expected, first.FamilyID(), centre, md, moved); err != nil {
		return nil, nil, nil, err
	}
	if _, err := a.append(ctx, uow, domain.ConcernStreamID(next), eventstore.NoStream, to.Family, centre, md, raised); err != nil {
		return nil, nil, nil, err
	}
	adapters.ProjectConcern(uow, first)
	adapters.ProjectConcern(uow, k)
	adapters.ProjectConcernRaised(uow, k, a.now())
	adapters.ProjectAlert(uow, k)
	return first, k, uow, nil
}

// description is a concern's description as it stands, from its events raw: the raising's text, or
// the last correction of its chain (a correction is corrected in its turn), as GetConcern gives
// it (entries); "" when it was not kept, or the family's key is destroyed.
func (a *App) description(ctx context.Context, family uuid.UUID, raw []eventstore.RecordedEvent) (string, error) {
	entries, err := a.entries(ctx, family, raw, nil)
	if err != nil || len(entries) == 0 {
		return "", err
	}
	index := make(map[uuid.UUID]int, len(entries))
	for i, e := range entries {
		index[e.ID] = i
	}
	e := entries[0] // the raising
	for len(e.CorrectedBy) > 0 {
		e = entries[index[e.CorrectedBy[len(e.CorrectedBy)-1]]]
	}
	return e.Text, nil
}
