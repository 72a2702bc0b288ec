package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// AddRoom adds a room to a registered centre.
func (a *App) AddRoom(ctx context.Context, centre uuid.UUID, name string, capacity int, supervised bool, md eventstore.Metadata) (domain.Room, *eventstore.UnitOfWork, error) {
	if _, err := a.centres.Get(ctx, centre); err != nil {
		return domain.Room{}, nil, err
	}
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return domain.Room{}, nil, err
	}
	expected := t.Version()
	room, ev, err := t.AddRoom(uuid.New(), name, capacity, supervised)
	if err != nil {
		return domain.Room{}, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	return room, uow, a.append(uow, domain.TimetableStream(centre), expected, uuid.Nil, centre, md, ev)
}

// DefineOpeningPattern defines or redefines when a registered centre opens. A pattern may not
// open a room at times another opens it, and a redefinition must keep the pattern's bookings
// still to come where they were booked (decisions.md 79). The bookings are read twice: before
// deciding, for the answer, and again in the unit's transaction under the timetable's lock, which
// every booking shares as it commits (guardTimetable), so a booking made on the old
// definition meanwhile is seen, or itself sees the new one and is decided again.
//
// A redefinition that leaves a family holding an offer of one of the pattern's places from the
// waiting list no session still to come with a place for it withdraws the offer, in the same unit:
// the family is back at its place in the queue (decision 417). It returns the families whose
// offers it withdrew.
func (a *App) DefineOpeningPattern(ctx context.Context, centre uuid.UUID, spec domain.PatternSpec, md eventstore.Metadata) (*domain.Pattern, []uuid.UUID, *eventstore.UnitOfWork, error) {
	if _, err := a.centres.Get(ctx, centre); err != nil {
		return nil, nil, nil, err
	}
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return nil, nil, nil, err
	}
	redefining := spec.ID != uuid.Nil
	if !redefining {
		spec.ID = uuid.New()
	} else if _, ok := t.Pattern(spec.ID); !ok {
		return nil, nil, nil, domain.ErrPatternNotFound
	}
	loc, err := domain.Zone(spec.Zone)
	if err != nil {
		return nil, nil, nil, err
	}
	now := a.now()
	var booked []domain.BookedPlace
	if redefining {
		if booked, err = a.sessions.PatternBookings(ctx, a.sessions.Pool(), centre, spec.ID, now); err != nil {
			return nil, nil, nil, err
		}
	}
	expected := t.Version()
	p, ev, err := t.DefinePattern(spec, domain.LocalDate(now, loc), booked)
	if err != nil {
		return nil, nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	if redefining {
		uow.Project(func(ctx context.Context, tx pgx.Tx) error {
			if err := eventstore.Lock(ctx, tx, domain.TimetableStream(centre)); err != nil {
				return err
			}
			booked, err := a.sessions.PatternBookings(ctx, tx, centre, p.ID, now)
			if err != nil {
				return err
			}
			return domain.KeepsBookings(p, booked)
		})
	}
	if err := a.append(uow, domain.TimetableStream(centre), expected, uuid.Nil, centre, md, ev); err != nil {
		return nil, nil, nil, err
	}
	var withdrawn []uuid.UUID
	if redefining {
		if withdrawn, err = a.withdrawOffersWithoutAPlace(ctx, uow, centre, t, p, md); err != nil {
			return nil, nil, nil, err
		}
	}
	return p, withdrawn, uow, nil
}

// withdrawOffersWithoutAPlace withdraws, on uow, each offer of a place of p (t's pattern as just
// redefined) standing on the centre's waiting list that has no session still to come with a place
// for the family: its room is no longer the pattern's, or every session of the room up to the
// months bookable ahead has gone or is full (firstFreePlace's rule, which the offer met when made,
// decision 283), the earlier offers of the room holding their places first. The family is back at
// its place in the queue (OFFER_NOT_TAKEN_PLACE_WITHDRAWN, decision 417), as after a hold (384).
// An offer held for a family referral accepted since is left to lapse: it waits no more.
func (a *App) withdrawOffersWithoutAPlace(ctx context.Context, uow *eventstore.UnitOfWork, centre uuid.UUID, t *domain.Timetable,
	p *domain.Pattern, md eventstore.Metadata) ([]uuid.UUID, error) {
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return nil, err
	}
	expected, now := w.Version(), a.now()
	held := map[uuid.UUID]int{} // by room: the offers ahead that keep a place
	var withdrawn []uuid.UUID
	for _, o := range w.Offers(now) {
		if o.Pattern != p.ID {
			continue
		}
		if room, ok := t.Room(o.Room); ok && containsRoom(p.Rooms, o.Room) {
			supervised, err := a.waitsForSupervised(ctx, o.Waiting)
			if err != nil {
				return nil, err
			}
			_, err = a.freePlace(ctx, centre, t, p, room, supervised, held[o.Room], nil)
			if err == nil {
				held[o.Room]++
				continue
			}
			if !errors.Is(err, domain.ErrNoPlace) {
				return nil, err
			}
		}
		ev, err := w.WithdrawOffer(o.Family, schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_PLACE_WITHDRAWN, now)
		if err != nil {
			return nil, err
		}
		if ev == nil {
			continue
		}
		if err := a.append(uow, domain.WaitingListStream(centre), expected, o.Family, centre, md, ev); err != nil {
			return nil, err
		}
		expected++
		withdrawn = append(withdrawn, o.Family)
	}
	if len(withdrawn) > 0 {
		// An offer or booking deciding meanwhile on the list as it was is decided again (review 68).
		lockWaitingList(uow, centre)
	}
	return withdrawn, nil
}

// guardTimetable makes a booking's unit commit only if the centre's timetable is still at the
// version the booking was decided on, under the timetable's lock shared with every booking and
// taken alone by a redefinition (eventstore.Lock above); a booking that finds it moved is a
// version conflict, decided again on the timetable as it is now (decisions.md 79, 118).
func guardTimetable(uow *eventstore.UnitOfWork, centre uuid.UUID, version int64) {
	stream := domain.TimetableStream(centre)
	uow.GuardShared(stream, stream, version)
}

// SessionView is an opening session with each room's use.
type SessionView struct {
	domain.Session
	Use map[uuid.UUID]adapters.RoomSessionUse
	// OnOffer is, by room, how many places the offers standing from the waiting list hold in a
	// session not yet begun (decision 418).
	OnOffer map[uuid.UUID]int
}

// ListOpeningSessions lists a centre's sessions between two local dates with each room's use:
// its bookings, and those ended with no outcome recorded, which the coordinator records
// (decisions.md 283).
func (a *App) ListOpeningSessions(ctx context.Context, centre uuid.UUID, from, to time.Time) ([]SessionView, error) {
	if err := domain.CheckRange(from, to); err != nil {
		return nil, err
	}
	if _, err := a.centres.Get(ctx, centre); err != nil {
		return nil, err
	}
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return nil, err
	}
	booked, err := a.sessions.Booked(ctx, centre, from, to, a.now())
	if err != nil {
		return nil, err
	}
	// A place offered is held in every session of the pattern's room still to come while the
	// offer stands (decision 362): shown, so a coordinator does not read it as free (review 87).
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return nil, err
	}
	now := a.now()
	var out []SessionView
	for _, s := range t.Sessions(from, to) {
		v := SessionView{Session: s, Use: map[uuid.UUID]adapters.RoomSessionUse{}, OnOffer: map[uuid.UUID]int{}}
		for _, r := range s.Rooms {
			v.Use[r.ID] = booked[adapters.RoomSessionKey{Room: r.ID, Opens: s.Opens.UTC()}]
			if s.Opens.After(now) {
				v.OnOffer[r.ID] = len(w.OnOffer(s.Pattern.ID, r.ID, now))
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// GetCapacity counts a centre's sessions and places between two local dates.
func (a *App) GetCapacity(ctx context.Context, centre uuid.UUID, from, to time.Time) (*schedulingv1.CentreCapacity, error) {
	if err := domain.CheckRange(from, to); err != nil {
		return nil, err
	}
	if _, err := a.centres.Get(ctx, centre); err != nil {
		return nil, err
	}
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return nil, err
	}
	c := &schedulingv1.CentreCapacity{}
	for _, s := range t.Sessions(from, to) {
		c.Sessions++
		for _, r := range s.Rooms {
			c.RoomSessions++
			c.PlacesAvailable += int32(r.Capacity)
		}
	}
	n, err := a.sessions.Count(ctx, centre, from, to)
	if err != nil {
		return nil, err
	}
	c.PlacesBooked, c.PlacesAttended, c.NoShows = int32(n.Booked), int32(n.Attended), int32(n.NoShows)
	return c, nil
}
