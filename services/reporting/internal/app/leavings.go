package app

import "strings"

// The waiting list's steps, by type.
const (
	waitingListJoined = "familytime.scheduling.v1.WaitingListJoined"
	placeOffered      = "familytime.scheduling.v1.PlaceOffered"
	waitingListLeft   = "familytime.scheduling.v1.WaitingListLeft"
)

// leftWithoutAnOffer begins the words Describe gives a WaitingListLeft, which the event alone
// gives: scheduling's event says a family "left a centre's waiting list without a place offered".
const leftWithoutAnOffer = "Left the centre's waiting list without an offer: "

// leavings puts right, in a family's history, the words of each leaving of the waiting list that
// came while the family held a place offered from it (review 49, decision 286). Scheduling records
// two things as WaitingListLeft: a family leaving the list without an offer, and, for a family
// offered a place, the referral accepted while the place stays held for it (decision 203), and
// then the held place closed when the family is booked (or its case ends, or the referral is
// withdrawn). Described alone, the event said "without an offer: accepted" after "Place offered
// from the waiting list", and "without an offer: booked" after the family had already left: a
// history that contradicted itself. Which it is follows from the family's own steps before it in
// the waiting list's stream (an offer, and no joining again since), which Describe, reading one
// event, cannot see; so the words are put right here, over the steps read, and the stored words
// stay the event's alone (VerifyFamilyHistory holds them to it). One pass, and nothing allocated
// for a family never offered a place.
func leavings(steps []Step) {
	var held map[string]bool // by the waiting list's stream: the family holds a place offered from it
	for i := range steps {
		s := &steps[i]
		switch s.Type {
		case placeOffered:
			if held == nil {
				held = map[string]bool{}
			}
			held[s.Stream] = true
		case waitingListJoined:
			// Back on the list (the offer declined or lapsed, or another kind): a new wait.
			delete(held, s.Stream)
		case waitingListLeft:
			reason, ok := strings.CutPrefix(s.Description, leftWithoutAnOffer)
			if !ok || !held[s.Stream] {
				continue
			}
			switch reason {
			case "accepted":
				// It waits no more; the place stays held until it is booked into it or lapses.
				s.Description = "Left the centre's waiting list with the place offered from it: the referral was accepted, " +
					"and the place stays held for the family until it is booked into it or the offer lapses"
				continue
			case "booked":
				s.Description = "The place offered from the waiting list is held for the family no more: it was booked"
			default:
				s.Description = "The place offered from the waiting list is held for the family no more: " + reason
			}
			delete(held, s.Stream)
		}
	}
}
