package domain

import (
	"fmt"
	"slices"
	"time"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// CautionFamilyKeptApartAtCentre: someone of a family is at the door (checked in, turned away,
// arriving or leaving) while a family the centre keeps apart from it (decision 330) has a party
// inside, one that left or was turned away at the door less than the door's gap before, or one due
// at the door within that gap, the same day at the same centre (decision 343). Booking keeps the
// two families' times at the centre the gap apart (TooClose); a session running late, an early
// arrival, or a pair recorded after both were booked brings them together all the same. A caution,
// never a refusal: the door decides, as for PARENTS_MAY_MEET.
const CautionFamilyKeptApartAtCentre = "FAMILY_KEPT_APART_AT_CENTRE"

// NearTheDoor is a booking of a family kept apart from another with a party at the centre, or
// near its door, at a moment (Family.NearTheDoor): the booking, and what of it is there, in words
// that name its parties by role only.
type NearTheDoor struct {
	Booking *Booking
	// Gap is how far apart at the door the two families are kept: the larger of the two
	// bookings' door windows (TimeAtCentre.Door), as booking keeps them (TooClose).
	Gap time.Duration
	// Where is what of the booking is at the centre or near its door, in words.
	Where string
	// Until is when the door may let the two meet the door again: the gap after the other's party
	// left or was turned away; zero when it is inside or due.
	Until time.Time
	// NotRecorded: the party at the door is answered BOOKING_NOT_ACTIVE (a no-show, a completed
	// session), and nothing is recorded for them (decision 352); set by the caller.
	NotRecorded bool
}

// NearTheDoor are o's bookings at b's centre on b's day, other than b, with, at at:
//   - someone inside (InsideNow, the day sheet's IN), whatever the booking's state: still booked,
//     called off or recorded as a no-show (whose people the door still sees out), or completed with
//     someone never recorded leaving, who may still be inside (review 65: the children's party
//     recorded a no-show while the visiting parent was inside, and the other family's resident
//     parent and child were admitted with no caution; decision 352);
//   - else a party that left, or someone of it turned away at the door (any refusal standing,
//     whoever it was), or checked in and not recorded leaving (one who only brings or collects the
//     children, whom InsideNow takes to have left at the door; decision 358), less than the gap
//     before at: they may still be outside, or at the door;
//   - else, on a booking still booked, a party not yet come whose due time is less than the gap
//     after at, until the booking's time at the centre is over (a late party may still walk in),
//     saying too when someone of it checked in and was not recorded leaving (review 67 said "not in
//     yet" of a family whose bring-only parent had checked in).
//
// o is a family kept apart from b's at b's centre (Family.KeptApartFrom); the caller checks that.
// Decision 343.
func (o *Family) NearTheDoor(b *Booking, at time.Time) []NearTheDoor {
	var out []NearTheDoor
	for _, id := range o.order {
		ob := o.bookings[id]
		if ob.ID == b.ID || ob.Centre != b.Centre || !ob.Date.Equal(b.Date) {
			continue
		}
		gap := max(b.TimeAtCentre().Door, ob.TimeAtCentre().Door)
		if n, ok := o.nearTheDoor(ob, at, gap); ok {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(x, y NearTheDoor) int { return x.Booking.VisitingArrives.Compare(y.Booking.VisitingArrives) })
	return out
}

// nearTheDoor is what of ob is at the centre or near its door at at (NearTheDoor's rules).
func (o *Family) nearTheDoor(ob *Booking, at time.Time, gap time.Duration) (NearTheDoor, bool) {
	n := NearTheDoor{Booking: ob, Gap: gap}
	parties := []schedulingv1.Party{schedulingv1.Party_PARTY_VISITING, schedulingv1.Party_PARTY_CHILDREN}
	if len(o.InsideNow(ob)) > 0 {
		var in []string
		for _, p := range parties {
			seen := ob.firstSeen(p)
			if _, left := ob.Departed[p]; !seen.IsZero() && !left && !seen.After(at) {
				in = append(in, fmt.Sprintf("%s came at %s", keptApartParty(p), ClockAt(seen, ob.loc)))
			}
		}
		n.Where = "someone of it is inside now"
		if ob.Status == schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED {
			// Completed past its Latest with someone never recorded leaving (decision 198): when
			// they left is not known.
			n.Where = "someone of it was never recorded leaving (the session was completed without it) and may still be inside"
		}
		if len(in) > 0 {
			n.Where += " (" + joinWords(in) + ")"
		}
		if ended := ob.endedWords(); ended != "" && ob.Status != schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED {
			// A no-show or a call-off ends the session, not the door's watch: its people are
			// inside until recorded leaving (decision 352).
			n.Where += "; the booking " + ended + ", and its people are inside until the door records them leaving"
		}
		return n, true
	}
	// The latest of its parties' departures and its refusals at the door less than the gap ago.
	var last time.Time
	for _, p := range parties {
		if gone, ok := ob.Departed[p]; ok && !gone.After(at) && at.Sub(gone) < gap && gone.After(last) {
			last = gone
			n.Where = fmt.Sprintf("%s left at %s, %d minutes ago, and may still be outside", keptApartParty(p), ClockAt(gone, ob.loc),
				int(at.Sub(gone)/time.Minute))
		}
	}
	for _, r := range ob.refused {
		if !r.at.After(at) && at.Sub(r.at) < gap && r.at.After(last) {
			last = r.at
			n.Where = fmt.Sprintf("someone of it was turned away at the door at %s, %d minutes ago, and may still be outside",
				ClockAt(r.at, ob.loc), int(at.Sub(r.at)/time.Minute))
		}
	}
	checkedIn, seen := ob.checkedInNotLeft(at)
	if seen && at.Sub(checkedIn) < gap && checkedIn.After(last) {
		// Decision 358: nobody of it inside, yet someone checked in (one who only brings or
		// collects the children, whom InsideNow takes to have left at the door) and no departure
		// records them leaving: they may still be at the door.
		last = checkedIn
		n.Where = fmt.Sprintf("someone of it checked in at %s, %d minutes ago, and was not recorded leaving: they may still be at "+
			"the door or just outside", ClockAt(checkedIn, ob.loc), int(at.Sub(checkedIn)/time.Minute))
	}
	if !last.IsZero() {
		n.Until = last.Add(gap)
		return n, true
	}
	if ob.Status != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED || !at.Before(ob.TimeAtCentre().To) {
		return NearTheDoor{}, false
	}
	for _, p := range parties {
		if _, left := ob.Departed[p]; left || !ob.firstSeen(p).IsZero() {
			continue
		}
		if due := ob.due(p); !at.Before(due.Add(-gap)) {
			when := "is due at %s and is not in yet"
			if at.After(due) {
				when = "was due at %s and is not in yet: it may still come"
			}
			n.Where = keptApartParty(p) + " " + fmt.Sprintf(when, ClockAt(due, ob.loc))
			if seen {
				n.Where += fmt.Sprintf("; someone of it checked in at %s and was not recorded leaving", ClockAt(checkedIn, ob.loc))
			}
			return n, true
		}
	}
	return NearTheDoor{}, false
}

// checkedInNotLeft is the latest check-in standing of ob at or before at whose person no
// departure records leaving: not taken out, and their party's departure not recorded at or after
// the check-in. NearTheDoor reads it when nobody of ob is inside (InsideNow): it is then one who
// only brings or collects the children, whom InsideNow takes to have left at the door (decisions
// 162 and 188), or one back at the door after their party left (decision 358).
func (ob *Booking) checkedInNotLeft(at time.Time) (time.Time, bool) {
	var last time.Time
	for _, c := range ob.checkIns {
		if c.at.After(at) || !c.at.After(last) || slices.Contains(ob.TakenOut, c.person) {
			continue
		}
		if gone, left := ob.Departed[c.party]; left && !gone.Before(c.at) {
			continue
		}
		last = c.at
	}
	return last, !last.IsZero()
}

// keptApartParty names a party of the other family's booking, by role only.
func keptApartParty(p schedulingv1.Party) string {
	if p == schedulingv1.Party_PARTY_CHILDREN {
		return "its children's party"
	}
	return "its visiting party"
}

// joinWords joins two or more phrases with commas and "and".
func joinWords(w []string) string {
	switch len(w) {
	case 0:
		return ""
	case 1:
		return w[0]
	}
	out := w[0]
	for _, x := range w[1 : len(w)-1] {
		out += ", " + x
	}
	return out + " and " + w[len(w)-1]
}

// Caution is FAMILY_KEPT_APART_AT_CENTRE for n, the other booking in room (its name; empty when
// unknown): the other booking by id, room and its time at the centre, what of it is there, and
// what the door does. Never the other family, its people, nor why the two are kept apart: the
// door needs to keep them apart, not to know why, and the reason (an injunction, one adult in both
// families) read beside the door's names would say something of identifiable people that only
// the coordinator and the safeguarding lead, who recorded it, know (decisions 330 and 336).
func (n NearTheDoor) Caution(room string) Caution {
	ob := n.Booking
	t := ob.TimeAtCentre()
	in := ""
	if room != "" {
		in = " in room " + room
	}
	keep := fmt.Sprintf("keep this party and that booking's people apart, at the door and inside (see one through the door "+
		"and clear of it before the other comes in or goes out); the two are kept at least %d minutes apart at the door",
		int(n.Gap/time.Minute))
	if !n.Until.IsZero() {
		keep = fmt.Sprintf("keep this party inside, or away from the door, until %s, %d minutes after, if they have not gone",
			ClockAt(n.Until, ob.loc), int(n.Gap/time.Minute))
	}
	recorded := "This party is recorded as usual"
	if n.NotRecorded {
		recorded = "Nothing is recorded for this party (its booking takes no check-in)"
	}
	return Caution{CautionFamilyKeptApartAtCentre, fmt.Sprintf("a family the centre keeps apart from this one is booked at %s-%s%s "+
		"(booking %s): %s. The two families must not meet: %s. %s; if they meet, tell the "+
		"coordinator (the coordinator and the safeguarding lead know why the two are kept apart)",
		ClockAt(t.From, ob.loc), ClockAt(t.To, ob.loc), in, ob.ID, n.Where, keep, recorded)}
}
