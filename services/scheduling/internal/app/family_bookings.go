package app

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// FamilyBooking is one of a family's bookings, with its room's name, and whether the ending of
// the family's case cancelled it.
type FamilyBooking struct {
	Booking  *domain.Booking
	RoomName string
	ByEnding bool
}

// FamilyBookings are a family's bookings at centre whose session is on from or later (every one
// for a zero from), in the order of their sessions, and the ending of its case once scheduling has
// applied it (nil while its contact goes on). Read from the family's stream, the record itself,
// so that an ending applied shows with every booking it cancelled, never half of them. A family
// scheduling does not know at the centre, unknown or of another centre, is not found alike
// (decisions.md 38). Review 53: nothing listed a family's bookings, and the coordinator who
// ended a case read day sheets date by date to tell the parents which sessions were off.
func (a *App) FamilyBookings(ctx context.Context, centre, family uuid.UUID, from time.Time) ([]FamilyBooking, *domain.Ending, error) {
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return nil, nil, err
	}
	if !f.KnownAt(centre) {
		return nil, nil, domain.ErrNoFamilyHere
	}
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return nil, nil, err
	}
	rooms := map[uuid.UUID]string{}
	for _, r := range t.Rooms() {
		rooms[r.ID] = r.Name
	}
	ending := f.Ending()
	var out []FamilyBooking
	for _, b := range f.Bookings(centre, from) {
		out = append(out, FamilyBooking{Booking: b, RoomName: rooms[b.Room],
			ByEnding: ending != nil && slices.Contains(ending.Cancelled, b.ID)})
	}
	return out, ending, nil
}
