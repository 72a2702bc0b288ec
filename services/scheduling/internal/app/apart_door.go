package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// keptApartAtDoor are the door's FAMILY_KEPT_APART_AT_CENTRE cautions for someone of family f at
// the door of booking b at at (checked in, turned away, arriving or leaving): one for each booking
// of a family f is kept apart from at b's centre with a party inside, just gone or turned away, or
// due at the door within the two bookings' gap (domain.Family's NearTheDoor; decision 343). Decisions
// 330 and 334 left it: F1's father was checked in while F5's mother, who holds an injunction
// against him, was inside a session running late, and the door was told nothing.
//
// Check-in is the door's hot path: a family kept apart from nobody at the centre (nearly every
// family) reads nothing more than the family already read. Otherwise it reads the stream of each
// family it is kept apart from (as booking does, notAlongside), and the centre's timetable for the
// rooms' names only when there is something to say.
func (a *App) keptApartAtDoor(ctx context.Context, f *domain.Family, b *domain.Booking, at time.Time) ([]domain.Caution, error) {
	return a.keptApartCautions(ctx, f, b, at, false)
}

// keptApartCautions are keptApartAtDoor's cautions; notRecorded: nothing is recorded for the
// party at the door (notActiveAtDoor), and the cautions say so.
func (a *App) keptApartCautions(ctx context.Context, f *domain.Family, b *domain.Booking, at time.Time, notRecorded bool) ([]domain.Caution, error) {
	others := f.KeptApartFrom(b.Centre)
	if len(others) == 0 {
		return nil, nil
	}
	var near []domain.NearTheDoor
	for _, id := range others {
		o, err := a.sessions.Family(ctx, id)
		if err != nil {
			return nil, err
		}
		near = append(near, o.NearTheDoor(b, at)...)
	}
	if len(near) == 0 {
		return nil, nil
	}
	t, err := a.sessions.Timetable(ctx, b.Centre)
	if err != nil {
		return nil, err
	}
	rooms := map[uuid.UUID]string{}
	for _, r := range t.Rooms() {
		rooms[r.ID] = r.Name
	}
	out := make([]domain.Caution, 0, len(near))
	for _, n := range near {
		n.NotRecorded = notRecorded
		out = append(out, n.Caution(rooms[n.Booking.Room]))
	}
	return out, nil
}

// notActiveAtDoor is err, the BOOKING_NOT_ACTIVE answer to a check-in at booking of family f at
// at (a no-show, a completed session), with the FAMILY_KEPT_APART_AT_CENTRE cautions
// (keptApartAtDoor) added to its words: "CAUTION FAMILY_KEPT_APART_AT_CENTRE: ...", one for each
// booking. Review 65: the resident parent of a family whose children were recorded a no-show came
// to the door while the other family's resident parent and child were inside, and the door read
// only "withdraw the no-show first". Nobody is admitted and nothing is recorded, as before: the
// answer is still an error, whose reason the door and scripts read (decision 352).
func (a *App) notActiveAtDoor(ctx context.Context, f *domain.Family, booking uuid.UUID, at time.Time, err error) error {
	var rule *problem.RuleError
	b, berr := f.Booking(booking)
	if !errors.As(err, &rule) || berr != nil {
		return err
	}
	cautions, cerr := a.keptApartCautions(ctx, f, b, at, true)
	if cerr != nil {
		return cerr
	}
	if len(cautions) == 0 {
		return err
	}
	msg := rule.Message
	for _, c := range cautions {
		msg += ". CAUTION " + c.Code + ": " + c.Text
	}
	return problem.Rule(rule.Reason, msg)
}
