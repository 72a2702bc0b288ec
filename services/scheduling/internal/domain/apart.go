package domain

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// Families kept apart (decision 330, review 59): two families of a centre that must never be at
// the centre at the same time. The same adult a parent in both (the stagger that keeps each
// family's parents apart is worked out per booking, and protects nobody when the visiting parent
// of one is the visiting parent of the other), an injunction one family's parent holds against an
// adult of the other, or the lead's advice. Scheduling knows people by id only and cannot see that
// two families share an adult: the centre records the pair, and booking keeps it.
//
// The pair is recorded in both families' streams (FamiliesKeptApart naming the other), so that
// each family's booking reads it with the family, a recording racing a booking of either fails
// the booking's version check, and each family's history shows it.

// KeptApart is the keeping apart of a family from another of the centre, as recorded.
type KeptApart struct {
	Centre uuid.UUID
	Reason schedulingv1.KeepApartReason
}

// ErrNotKeptApart refuses ending a keeping apart of two families that are not kept apart.
var ErrNotKeptApart = problem.Rule("NOT_KEPT_APART", "the two families are not kept apart at this centre: nothing to end")

// KeptApartFrom are the families of centre this family is kept apart from, in id order.
func (f *Family) KeptApartFrom(centre uuid.UUID) []uuid.UUID {
	var out []uuid.UUID
	for other, k := range f.apart {
		if k.Centre == centre {
			out = append(out, other)
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return out
}

// KeepApart records that family f and other, both known to scheduling at centre, are kept apart
// for reason, on day (the centre's date): one event for each family's stream. The same pair
// again is recorded already: no events, and the reason recorded then (already true). A family
// with itself is bad input; a family not known at centre is not found, whether unknown or of
// another centre (decisions.md 38).
func (f *Family) KeepApart(other *Family, centre uuid.UUID, reason schedulingv1.KeepApartReason, day time.Time) (mine, theirs proto.Message, recorded schedulingv1.KeepApartReason, already bool, err error) {
	if err := f.pairWith(other, centre); err != nil {
		return nil, nil, 0, false, err
	}
	if reason == schedulingv1.KeepApartReason_KEEP_APART_REASON_UNSPECIFIED {
		return nil, nil, 0, false, problem.Invalid("reason", "say why the families are kept apart")
	}
	if k, ok := f.apart[other.id]; ok && k.Centre == centre {
		return nil, nil, k.Reason, true, nil
	}
	kept := func(a, b uuid.UUID) *schedulingv1.FamiliesKeptApart {
		return &schedulingv1.FamiliesKeptApart{FamilyId: a.String(), OtherFamilyId: b.String(), CentreId: centre.String(),
			Reason: reason, KeptOn: dates.Proto(day)}
	}
	mine, theirs = kept(f.id, other.id), kept(other.id, f.id)
	f.mustApply(mine)
	other.mustApply(theirs)
	return mine, theirs, reason, false, nil
}

// CarryKeptApart keeps f apart from other at centre as earlier is kept apart from it, on day: f is
// earlier's family referred again, a child on f's referral confirmed as the child on earlier's
// (referral's SameChildConfirmed, decision 363). Review 69, finding 1: B was kept apart from A for
// an injunction, B's case ended for safety, the same parents were referred again as B', and B' was
// booked beside A and admitted at the door with no word, the pair being B's alone. One event for
// each stream, naming earlier as the family the pair was carried from; ok false, and nothing, when
// earlier is not kept apart from other at centre, other is f or earlier, or f is kept apart from
// other there already. f need not be known at centre yet: the confirmation can come before
// scheduling hears of f's referral, and the pair waits in f's stream for its first booking.
func (f *Family) CarryKeptApart(earlier, other *Family, centre uuid.UUID, day time.Time) (mine, theirs proto.Message, ok bool) {
	k, kept := earlier.keptApartAt(other.id, centre)
	if !kept || other.id == f.id || other.id == earlier.id || f.id == earlier.id {
		return nil, nil, false
	}
	if _, already := f.keptApartAt(other.id, centre); already {
		return nil, nil, false
	}
	carried := func(a, b uuid.UUID) *schedulingv1.FamiliesKeptApart {
		return &schedulingv1.FamiliesKeptApart{FamilyId: a.String(), OtherFamilyId: b.String(), CentreId: centre.String(),
			Reason: k.Reason, KeptOn: dates.Proto(day), CarriedFromFamilyId: earlier.id.String()}
	}
	mine, theirs = carried(f.id, other.id), carried(other.id, f.id)
	f.mustApply(mine)
	other.mustApply(theirs)
	return mine, theirs, true
}

// AlsoKeepApart is a pair the same adult may bring together, not kept apart at the centre:
// Family shares an adult with Through (kept apart for the same adult), and Through is kept apart
// from Other for Reason.
type AlsoKeepApart struct {
	Family, Other, Through uuid.UUID
	Reason                 schedulingv1.KeepApartReason
}

// AlsoKeepApart are the pairs that keeping f and other apart at centre (as recorded, already or
// now) leaves to one adult to bring together, in order: when f and other share an adult, each
// one's other pairs at the centre that the other family lacks; and for each third family that f
// or other shares an adult with, that family with the other of the two. Review 60, finding 4: F1
// and F3 shared the father, F1 was kept apart from F5 for an injunction, and F3 and F5 were booked
// at the same time with no word. They are answered, not recorded: the reason does not say which
// adult it concerns (an injunction against F1's mother keeps F5 from F1, not from F3, whose
// shared adult is the father), and scheduling knows no adult by name. One step only: a pair the
// coordinator records from these is answered in its turn.
func (f *Family) AlsoKeepApart(other *Family, centre uuid.UUID) []AlsoKeepApart {
	k, ok := f.keptApartAt(other.id, centre)
	if !ok {
		return nil
	}
	var out []AlsoKeepApart
	add := func(a AlsoKeepApart) {
		for _, x := range out {
			if x.Family == a.Family && x.Other == a.Other || x.Family == a.Other && x.Other == a.Family {
				return
			}
		}
		out = append(out, a)
	}
	for _, side := range [][2]*Family{{f, other}, {other, f}} {
		one, two := side[0], side[1]
		for _, third := range one.KeptApartFrom(centre) {
			if third == two.id {
				continue
			}
			if _, already := two.keptApartAt(third, centre); already {
				continue
			}
			via := one.apart[third].Reason
			switch {
			case k.Reason == schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT:
				// two shares an adult with one, which is kept apart from third.
				add(AlsoKeepApart{Family: two.id, Other: third, Through: one.id, Reason: via})
			case via == schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT:
				// third shares an adult with one, which is now kept apart from two.
				add(AlsoKeepApart{Family: third, Other: two.id, Through: one.id, Reason: k.Reason})
			}
		}
	}
	return out
}

// keptApartAt is the keeping apart of f from other at centre, if they are kept apart there.
func (f *Family) keptApartAt(other, centre uuid.UUID) (KeptApart, bool) {
	k, ok := f.apart[other]
	return k, ok && k.Centre == centre
}

// EndKeepingApart ends the keeping apart of f and other at centre, on day: one event for each
// family's stream, and the reason they had been kept apart. Refused ErrNotKeptApart when they
// are not.
func (f *Family) EndKeepingApart(other *Family, centre uuid.UUID, day time.Time) (mine, theirs proto.Message, was schedulingv1.KeepApartReason, err error) {
	if err := f.pairWith(other, centre); err != nil {
		return nil, nil, 0, err
	}
	k, ok := f.apart[other.id]
	if !ok || k.Centre != centre {
		return nil, nil, 0, ErrNotKeptApart
	}
	ended := func(a, b uuid.UUID) *schedulingv1.KeepingApartEnded {
		return &schedulingv1.KeepingApartEnded{FamilyId: a.String(), OtherFamilyId: b.String(), CentreId: centre.String(),
			Reason: k.Reason, EndedOn: dates.Proto(day)}
	}
	mine, theirs = ended(f.id, other.id), ended(other.id, f.id)
	f.mustApply(mine)
	other.mustApply(theirs)
	return mine, theirs, k.Reason, nil
}

// pairWith refuses a pair that is no pair of families known at centre.
func (f *Family) pairWith(other *Family, centre uuid.UUID) error {
	switch {
	case f.id == other.id:
		return problem.Invalid("other_family_id", "is the same family as family_id: name two families")
	case !f.KnownAt(centre):
		return problem.NotFound("family " + f.id.String() + " at this centre")
	case !other.KnownAt(centre):
		return problem.NotFound("family " + other.id.String() + " at this centre")
	}
	return nil
}

// Alongside are the family's bookings, still booked, at b's centre on b's day whose time at the
// centre comes within the door's window of b's (TooClose), in time order: a family kept apart from
// b's family is not booked so. Any room: the families share the centre's door and corridors,
// whichever room their contact is in.
func (f *Family) Alongside(b *Booking) []*Booking {
	var out []*Booking
	for _, o := range f.bookings {
		if o.ID != b.ID && o.Status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED && o.Centre == b.Centre &&
			o.Date.Equal(b.Date) && b.TimeAtCentre().TooClose(o.TimeAtCentre()) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(x, y *Booking) int { return x.VisitingArrives.Compare(y.VisitingArrives) })
	return out
}

// TimeAtCentre is a booking's time at the centre, from its first party's arrival to its last
// party's departure (the visiting parent's, on the usual stagger, which spans the children's), and
// how far apart at the door it is kept from another family's: DoorWindowMinutes, or the family's
// own stagger where it was agreed longer than the usual (KeepApartFor, decisions 317 and 329).
type TimeAtCentre struct {
	From, To time.Time
	Door     time.Duration
}

// TimeAtCentreFor is the time at the centre of a booking with these planned times. The day sheet's
// rows and the domain's bookings both use it.
func TimeAtCentreFor(visitingArrives, childrenArrive, childrenLeave, visitingLeaves time.Time) TimeAtCentre {
	from := visitingArrives
	if childrenArrive.Before(from) {
		from = childrenArrive
	}
	return TimeAtCentre{From: from, To: later(visitingLeaves, childrenLeave),
		Door: max(KeepApartFor(childrenArrive.Sub(visitingArrives)), KeepApartFor(visitingLeaves.Sub(childrenLeave)))}
}

// TimeAtCentre is b's time at the centre as booked.
func (b *Booking) TimeAtCentre() TimeAtCentre {
	return TimeAtCentreFor(b.VisitingArrives, b.ChildrenArrive, b.ChildrenLeave, b.VisitingLeaves)
}

// TooClose reports whether two families' times at the centre the same day overlap, or come
// within the door's window of each other (the larger of the two): one family's last party due
// out less than that before the other's first party is due in. Review 60, finding 3: one
// family's visiting parent was booked out at 11:45 and the other's, against whom an injunction
// was held, in at 11:45, so any late leaving put them face to face at the door. Within a family
// the parents are kept a stagger apart; two families kept apart, for a stronger reason, are kept
// at least as far.
func (x TimeAtCentre) TooClose(y TimeAtCentre) bool {
	gap := max(x.Door, y.Door)
	return x.From.Before(y.To.Add(gap)) && y.From.Before(x.To.Add(gap))
}

// Booked are the family's bookings still booked at centre whose session is still to come or
// under way at now (the visiting parent not yet due to leave), in time order.
func (f *Family) Booked(centre uuid.UUID, now time.Time) []*Booking {
	var out []*Booking
	for _, id := range f.order {
		if o := f.bookings[id]; o.Status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED && o.Centre == centre && o.VisitingLeaves.After(now) {
			out = append(out, o)
		}
	}
	return out
}

// KeptApartRefusal is the refusal of booking b of a family kept apart from the family whose
// booking o comes too close to it (Alongside): FAMILIES_KEPT_APART, naming o by id and its time at
// the centre, and the gap the two keep at the door, never the other family's people.
func KeptApartRefusal(b, o *Booking) error {
	mine, theirs := b.TimeAtCentre(), o.TimeAtCentre()
	gap := max(mine.Door, theirs.Door)
	return problem.Rule(ErrFamiliesKeptApart.Reason, fmt.Sprintf("the family is kept apart from a family booked at %s-%s on %s "+
		"(booking %s): the two are never at the centre at the same time, in any room, and are kept at least %d minutes apart at "+
		"the door (this family's time at the centre must end by %s or begin at %s or later). Book another time or day, or move "+
		"that booking (familytime schedule reschedule)", ClockAt(theirs.From, o.loc), ClockAt(theirs.To, o.loc),
		dates.String(o.Date), o.ID, int(gap/time.Minute), ClockAt(theirs.From.Add(-gap), o.loc), ClockAt(theirs.To.Add(gap), o.loc)))
}
