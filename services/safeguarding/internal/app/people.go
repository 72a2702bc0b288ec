package app

import (
	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
)

// NotePeople records, in a consumer's unit, people a referral names for the family (ids only), so
// that a concern about the family can name them and no one else (decision 78).
func (a *App) NotePeople(uow *eventstore.UnitOfWork, family uuid.UUID, people []uuid.UUID) {
	adapters.ProjectPeople(uow, family, people)
}

// NoteBooking records, in a consumer's unit, a booking of the family, so that a concern about the
// family can name that session and no other family's.
func (a *App) NoteBooking(uow *eventstore.UnitOfWork, booking, family uuid.UUID) {
	adapters.ProjectBooking(uow, booking, family)
}
