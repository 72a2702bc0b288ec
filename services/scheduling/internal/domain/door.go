package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/problem"
)

// RefusalChildrenInside is CheckIn's answer to an adult who may collect the children, refused
// because the session was called off (a hold, or a cancellation) while the children are still in
// the building: not admitted to the session, but not turned away either. The door brings the
// children out, hands them over, and records who collected them (Depart, decision 111).
//
// Refused rather than admitted to collect, because that is the safer and the simpler: a hold
// suspends the family's contact for a reason the door is not told, which may concern this very
// adult, and admitting anyone while it stands would record them admitted to a session the hold
// called off and let them into a building where the other parent may still be. Staff bringing the
// children to the door keep the handover in their hands and the hold standing, and the departure
// already records who took the children home: nothing new is recorded or decided.
const RefusalChildrenInside = "CHILDREN_STILL_INSIDE"

// InBuilding are the booking's people at the centre, as far as the door recorded it: those
// checked in, and those named in a party's recorded arrival while that party's departure is not
// recorded. A party whose arrival was recorded without anyone checking in is inside too: a review
// placed a hold with the children in the room, and they vanished from the day sheet of the
// session it called off.
func (b *Booking) InBuilding() []uuid.UUID {
	out := slices.Clone(b.CheckedIn)
	for _, p := range []struct {
		party schedulingv1.Party
		named []uuid.UUID
	}{{schedulingv1.Party_PARTY_VISITING, b.CameIn}, {schedulingv1.Party_PARTY_CHILDREN, b.BroughtIn}} {
		_, came := b.Arrived[p.party]
		_, left := b.Departed[p.party]
		if !came || left {
			continue
		}
		for _, id := range p.named {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	// Children who left while others stay, and who collected them, are no longer inside.
	return slices.DeleteFunc(out, func(id uuid.UUID) bool { return slices.Contains(b.TakenOut, id) })
}

// childrenInside reports whether the booking's children are in the building: their party's
// arrival recorded or a child checked in, and their departure not recorded.
func (f *Family) childrenInside(b *Booking) bool {
	if _, left := b.Departed[schedulingv1.Party_PARTY_CHILDREN]; left {
		return false
	}
	if _, came := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]; came {
		return true
	}
	_, _, admitted := f.admittedFor(b, schedulingv1.Party_PARTY_CHILDREN)
	return admitted
}

// mayCollect reports whether person is an adult the family named to collect the children, as a
// children's departure takes them (checkPeople).
func (f *Family) mayCollect(person uuid.UUID) bool {
	a, ok := f.adult(person)
	return ok && a.MayCollect
}

// comesToCollect reports whether person, refused at the door for refusal, has come for the
// children: the session was called off, or stopped by a disclosure the lead has not weighed
// (there is nothing to admit them to), they may collect the children, and the children are still
// inside.
func (f *Family) comesToCollect(b *Booking, person uuid.UUID, refusal string) bool {
	return (refusal == "ON_HOLD" || refusal == "BOOKING_CANCELLED" || refusal == ErrDisclosureNotWeighed.Reason) &&
		f.mayCollect(person) && f.childrenInside(b)
}

// noShowAtTheDoor is why nobody is checked in (or recorded arriving) for a booking recorded as a
// no-show at now, with the way on: an error, not a recorded refusal, as for any booking that is
// no longer booked. The door read a bare BOOKING_NOT_ACTIVE for a parent who had come after all,
// late. One come for the children still inside is told to hand them over instead: withdrawing the
// other party's no-show would be the wrong way on. The door is sent to withdraw the no-show only
// when WithdrawNoShow would (review 26 was sent to withdraw one that had released the place, and
// was refused): otherwise it is told why the no-show stands.
func (f *Family) noShowAtTheDoor(b *Booking, person uuid.UUID, now time.Time) error {
	who := "the visiting parent was"
	if b.NoShow == schedulingv1.Party_PARTY_CHILDREN {
		who = "the children were"
	}
	if person != uuid.Nil && f.mayCollect(person) && f.childrenInside(b) {
		return problem.Rule(ErrBookingNotActive.Reason, fmt.Sprintf("the booking was recorded as a no-show (%s recorded as not coming), "+
			"so nobody is checked in for it; the children are still inside: bring them to the door, hand them over to %s, who may collect them, "+
			"and record who collected them (familytime schedule depart %s --party children --person %s, and each child)", who, person, b.ID, person))
	}
	if stands := f.noShowStands(b, now); stands != nil {
		return problem.Rule(ErrBookingNotActive.Reason, fmt.Sprintf("the booking was recorded as a no-show (%s recorded as not coming), "+
			"so nobody is checked in for it, and the no-show is not withdrawn (%s): %s", who, stands.Reason, stands.Message))
	}
	return problem.Rule(ErrBookingNotActive.Reason, fmt.Sprintf("the booking was recorded as a no-show (%s recorded as not coming), "+
		"so nobody is checked in for it: if they came after all, withdraw the no-show first, on the session's day before its contact "+
		"was due to end at %s (familytime schedule noshow %s --withdraw), then check them in", who, ClockAt(b.ChildrenLeave, b.loc), b.ID))
}

// accountedFor refuses a children's departure naming left that does not name every child who
// came with the party: named in its arrival (brought) or checked in at the door, as the children
// at a session are counted (attending). Otherwise who took a child home is never recorded: a
// review recorded two children arriving and one leaving with the resident parent. The children
// are named by id only: personal data never goes in an error.
func (f *Family) accountedFor(b *Booking, party schedulingv1.Party, brought, left []uuid.UUID) error {
	if party != schedulingv1.Party_PARTY_CHILDREN {
		return nil
	}
	missing := f.unaccounted(b, brought, left)
	if len(missing) == 0 {
		return nil
	}
	return problem.Rule(ErrChildNotAccountedFor.Reason, fmt.Sprintf("the children's departure does not name %s, who came with the children "+
		"(named in their arrival or checked in at the door): name every child who leaves and who collected them (each of them, if the "+
		"children left with different people), so that who took each child is recorded; a child named in the arrival by mistake is taken "+
		"off it first (familytime schedule correct %s --arrival --party children)", strings.Join(ids(missing), ", "), b.ID))
}

// correctedAccountedFor holds a correction to the same rule: a children's departure corrected to
// name its people names every child who came; a children's arrival corrected to name a child the
// recorded departure does not is refused until the departure is corrected, or the child would
// have come and never left.
func (f *Family) correctedAccountedFor(b *Booking, c Correction) error {
	if c.Movement == schedulingv1.Movement_MOVEMENT_DEPARTURE {
		return f.accountedFor(b, c.Party, b.BroughtIn, c.People)
	}
	if _, left := b.Departed[schedulingv1.Party_PARTY_CHILDREN]; c.Party != schedulingv1.Party_PARTY_CHILDREN || !left {
		return nil
	}
	missing := f.unaccounted(b, c.People, b.TakenOut)
	if len(missing) == 0 {
		return nil
	}
	return problem.Rule(ErrChildNotAccountedFor.Reason, fmt.Sprintf("the children's departure recorded does not name %s, whom this arrival names: "+
		"correct the departure first to name every child who left and who collected them (familytime schedule correct %s --departure --party children)",
		strings.Join(ids(missing), ", "), b.ID))
}

// unaccounted are the family's children who came with the children's party (named in brought, or
// checked in) and whom left does not name, in the family's order.
func (f *Family) unaccounted(b *Booking, brought, left []uuid.UUID) []uuid.UUID {
	var out []uuid.UUID
	for _, c := range f.ready.Children {
		came := slices.Contains(brought, c.ID) || slices.Contains(b.CheckedIn, c.ID)
		if came && !slices.Contains(left, c.ID) {
			out = append(out, c.ID)
		}
	}
	return out
}
