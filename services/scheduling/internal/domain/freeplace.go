package domain

import (
	"fmt"
	"time"

	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// ErrNoPlace means a place (a pattern's room) offered from the waiting list has no session still
// to come with a place free for the family (FirstFreePlace words it): the family would leave the
// list for a place it could never be booked into (review 49).
var ErrNoPlace = problem.Rule("NO_PLACE", "the room has no place free in any session of the pattern still to come")

// RoomUse is how a room is used in one opening session: how many families are booked into it
// (not cancelled), and whether one of them is there for supervised contact, which has the room
// to itself.
type RoomUse struct {
	Booked     int
	Supervised bool
}

// HasPlace reports whether a room so used has a place for one more family beside offered
// families holding an offer of it, as Occupancy.Take gives places: none beside supervised contact;
// for supervised contact (supervised), the room to itself; otherwise within its capacity.
func (u RoomUse) HasPlace(room Room, offered int, supervised bool) bool {
	switch {
	case u.Supervised:
		return false
	case supervised:
		return u.Booked == 0 && offered == 0
	default:
		return u.Booked+offered < room.Capacity
	}
}

// FirstFreePlace is the first session of pattern p, not begun at now and within BookAhead months
// (a session the family could be booked into: Family.Book), whose room has a place for a family
// (supervised: one waiting for supervised contact) beside offered families holding an offer of
// the place (RoomUse.HasPlace); use is the room's use in a session. ErrNoPlace, worded, when none
// has: the pattern has no session still to come, or the room is full in every one. A place is
// offered for the pattern's sessions to come, not a date, so one free session is enough: the
// family is booked into it, and the answer says which date (review 49 offered a room booked to
// capacity on every date, and a place on a pattern whose last session had passed).
func (t *Timetable) FirstFreePlace(p *Pattern, room Room, supervised bool, offered int, now time.Time, use func(Session) RoomUse) (Session, error) {
	latest := now.AddDate(0, BookAhead, 0)
	last := LocalDate(latest, p.loc)
	bookable := false
	for d := LocalDate(now, p.loc); !d.After(last); d = d.AddDate(0, 0, 1) {
		if !p.OpensOn(d) {
			continue
		}
		s, err := t.Session(p.ID, d)
		if err != nil || !s.Opens.After(now) || s.Opens.After(latest) {
			continue // a session begun, past, too far ahead, or with the clocks changing: not bookable
		}
		bookable = true
		if use(s).HasPlace(room, offered, supervised) {
			return s, nil
		}
	}
	if !bookable {
		ended := "the pattern has no session still to come that can be booked (up to " + dates.String(last) + ", " +
			fmt.Sprint(BookAhead) + " months ahead)"
		if !p.Last.IsZero() && p.Last.Before(LocalDate(now, p.loc)) {
			ended = "the pattern has no session still to come: its last date was " + dates.String(p.Last)
		}
		return Session{}, problem.Rule(ErrNoPlace.Reason, ended+"; offer a place in a pattern that still opens, "+
			"or define this one again with later dates (familytime schedule pattern --pattern-id); the families stay waiting")
	}
	full := "the room is full in every session still to come of the pattern, up to " + dates.String(last) +
		": each is booked to capacity, or its places left are offered already"
	if supervised {
		full = "the room is full in every session still to come of the pattern, up to " + dates.String(last) +
			", for supervised contact, which needs the room to itself: each has another family booked, or the place offered already"
	}
	return Session{}, problem.Rule(ErrNoPlace.Reason, full+"; offer a place in another room or pattern, or this one once "+
		"a booking in it is cancelled or moved (familytime schedule sessions shows each room's places); the families stay waiting")
}
