package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/problem"
)

// HeldFrom are the offers among standing (a place's, OnOffer) that hold it from family: every
// one made to another family. A family holding an offer of the place takes it as any booking
// does; the offers to others still count against it.
func HeldFrom(standing []Offer, family uuid.UUID) []Offer {
	return slices.DeleteFunc(slices.Clone(standing), func(o Offer) bool { return o.Family == family })
}

// Use is the room's use in the session as the occupancy stands: how many families are booked,
// and whether supervised contact has the room to itself.
func (o *Occupancy) Use() RoomUse {
	u := RoomUse{Booked: len(o.places)}
	for _, sup := range o.places {
		u.Supervised = u.Supervised || sup
	}
	return u
}

// KeepsPlacesOffered refuses a booking that leaves the room, used as use once it is taken, with
// fewer places in the session than held, the offers of the place (the pattern's room) standing
// to other families (HeldFrom; review 68: a place released by two no-shows and offered to the
// first waiting family was booked for two others in the same minute, and the family offered it
// was then refused ROOM_FULL). A place offered is held for the family until it is booked, declines
// or its case ends, or the offer lapses (decisions.md 177, 181, 203): holding it from other offers
// only let a booking jump the queue. supervisedHeld: a family holding one of the offers waits for
// supervised contact, which needs the room to itself, so no booking leaves it a place. The refusal
// is PLACE_ON_OFFER; it says when the first offer lapses (in loc) and the ways on, and names the
// families holding the offers by id only (the coordinator sees them in waitlist list).
func KeepsPlacesOffered(room Room, use RoomUse, held []Offer, supervisedHeld bool, loc *time.Location) error {
	if len(held) == 0 {
		return nil
	}
	free := 0
	if !use.Supervised && !supervisedHeld {
		free = max(room.Capacity-use.Booked, 0)
	}
	if free >= len(held) {
		return nil
	}
	first := held[0]
	ids := make([]string, len(held))
	for i, o := range held {
		if o.Lapses.Before(first.Lapses) {
			first = o
		}
		ids[i] = o.Family.String()
	}
	return problem.Rule(ErrPlaceOnOffer.Reason, fmt.Sprintf("this room's place in the pattern is held for %d %s offered it "+
		"from the waiting list (%s), and this booking would leave fewer places in the session than the offers standing: "+
		"the first lapses on %s at %s; book another room or session, or this one once the offer is declined (put the "+
		"family back with waitlist join) or lapses, or book the family offered it",
		len(held), plural(len(held), "family", "families"), plural(len(held), "family ", "families ")+strings.Join(ids, ", "),
		LocalDate(first.Lapses, loc).Format(time.DateOnly), ClockAt(first.Lapses, loc)))
}
