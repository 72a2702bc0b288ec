package domain

import (
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
	slices.SortFunc(out, func(a, b uuid.UUID) int { return compareIDs(a, b) })
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
// centre (the visiting parent's arrival to departure, which spans the children's) overlaps b's,
// in time order: a family kept apart from b's family is not booked so. Any room: the families
// share the centre's door and corridors, whichever room their contact is in.
func (f *Family) Alongside(b *Booking) []*Booking {
	var out []*Booking
	for _, o := range f.bookings {
		if o.ID != b.ID && o.Status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED && o.Centre == b.Centre &&
			o.Date.Equal(b.Date) && o.VisitingArrives.Before(b.VisitingLeaves) && b.VisitingArrives.Before(o.VisitingLeaves) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(x, y *Booking) int { return x.VisitingArrives.Compare(y.VisitingArrives) })
	return out
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
// booking o overlaps it (Alongside): FAMILIES_KEPT_APART, naming o by id and its times, never the
// other family's people.
func KeptApartRefusal(b, o *Booking) error {
	return problem.Rule(ErrFamiliesKeptApart.Reason, fmt.Sprintf("the family is kept apart from a family booked at %s-%s on %s "+
		"(booking %s): the two are never at the centre at the same time, in any room. Book another time or day, or move that "+
		"booking (familytime schedule reschedule)", ClockAt(o.VisitingArrives, o.loc), ClockAt(o.VisitingLeaves, o.loc),
		dates.String(o.Date), o.ID))
}

func compareIDs(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}
