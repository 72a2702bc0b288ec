package app

import (
	"time"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/adapters"
)

// SessionBooked notes that scheduling booked a session of the family at the centre on day (the
// session's local date): the door is given the family's names for that day's sheet (DoorNames).
// The day is kept whatever becomes of the booking: a family whose session was cancelled, moved
// or called off may still come to the door that day, and must be recognised and turned away.
// Nothing is recorded in the family's stream.
func (a *App) SessionBooked(uow *eventstore.UnitOfWork, family, centre uuid.UUID, day time.Time) {
	adapters.NoteBookedDay(uow, family, centre, day)
}
