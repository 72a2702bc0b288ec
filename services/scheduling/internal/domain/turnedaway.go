package domain

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/problem"
)

// ErrRefusedAtTheDoor means a no-show of a session whose family the door turned away because its
// contact was stopped (Booking.StoppedAtTheDoor), or a cancellation of such a session by anyone
// but the centre: the session did not take place by the centre's rule, not the family's doing.
var ErrRefusedAtTheDoor = problem.Rule("REFUSED_AT_THE_DOOR", "the family was turned away at the door because its contact is "+
	"stopped: the session did not take place, and it is not a no-show")

// DoorRefusal is someone named for the family turned away at the door of a booking for a reason
// that stops the family's contact (stopsContact): their party, the reason and when.
type DoorRefusal struct {
	Party  schedulingv1.Party
	Reason string
	At     time.Time
}

// stopsContact reports whether a check-in refused for reason turned the person away because the
// family's contact was stopped, by the centre's rule and not by anything the family did: a
// safeguarding hold in force (ON_HOLD), a disclosure of domestic abuse the safeguarding lead has
// not weighed (DISCLOSURE_NOT_WEIGHED, decision 225), or a finding of domestic abuse that rules the
// booking's kind out (SUPPORTED_CONTACT_RULED_OUT, decision 425). Not NOT_PERMITTED (someone named but not
// to come, NOT_NAMED as recorded before: no proof that the family came), nor ALREADY_LEFT (the
// party had come and gone), nor BOOKING_CANCELLED (the booking's cancellation already says why it
// did not take place, and a cancelled booking takes no no-show).
func stopsContact(reason string) bool {
	return reason == ErrOnHold.Reason || reason == ErrDisclosureNotWeighed.Reason || reason == ErrSupportedContactRuledOut.Reason
}

// noteTurnedAway keeps, on booking b, a refusal e of someone named for the family for a reason
// that stops its contact (stopsContact), with the party they came with.
func (f *Family) noteTurnedAway(b *Booking, e *schedulingv1.CheckInRefused) {
	person, err := uuid.Parse(e.GetPersonId())
	if err != nil || !stopsContact(e.GetReason()) {
		return
	}
	role, named := f.role(person)
	if !named {
		return
	}
	b.TurnedAway = append(b.TurnedAway, DoorRefusal{Party: f.partyOf(person, role), Reason: e.GetReason(), At: e.GetAt().AsTime()})
}

// StoppedAtTheDoor is the first time the door turned away someone named for the family because
// its contact was stopped (stopsContact), while contact could still have been held, and after which
// nobody of the family was let in: the session did not take place by the centre's rule (review 37:
// the visiting parent came and was refused DISCLOSURE_NOT_WEIGHED, then was recorded as an
// unexplained no-show, twice, which released the family's place). Neither party of it is a no-show
// (NoShow refuses ErrRefusedAtTheDoor); the centre calls it off (Cancel, reason contact stopped).
//   - In reach: from the refusal, or from the children's due time if later, a whole minute was
//     left before the end of the children's time, or the other party's recorded departure if
//     earlier (CameTooLate's rule). A party turned away only once contact was out of reach came
//     too late for it anyway (decision 230). A hold cancels the bookings whose session has not
//     ended, so a booking still booked under a hold is one whose contact was over when it was placed.
//   - Nobody let in after it: someone of the family checked in, or a party's arrival recorded,
//     after the refusal (the lead assessed in the meantime, say) means the session could go ahead,
//     and what happened next is recorded by the usual rules.
//   - Not both parties in: a session under way when the disclosure (or hold) came is not called
//     off (decision 225), and someone turned away once both parties were in does not stop it.
func (b *Booking) StoppedAtTheDoor() (DoorRefusal, bool) {
	var seen time.Time
	came := 0
	for _, p := range []schedulingv1.Party{schedulingv1.Party_PARTY_VISITING, schedulingv1.Party_PARTY_CHILDREN} {
		checkedIn, admitted := b.CheckedInAt[p]
		arrived, ok := b.Arrived[p]
		if admitted || ok {
			came++
		}
		seen = later(later(seen, checkedIn), arrived)
	}
	if came == 2 {
		return DoorRefusal{}, false
	}
	for _, r := range b.TurnedAway {
		if r.At.Before(seen) {
			continue
		}
		end := b.ChildrenLeave
		if gone, ok := b.Departed[otherParty(r.Party)]; ok && gone.Before(end) {
			end = gone
		}
		if end.Sub(later(b.ChildrenArrive, r.At)) >= time.Minute {
			return r, true
		}
	}
	return DoorRefusal{}, false
}

// turnedAwayWords is a door refusal in words: who came when, and why they were turned away.
func (b *Booking) turnedAwayWords(r DoorRefusal) string {
	who := "the visiting parent"
	if r.Party == schedulingv1.Party_PARTY_CHILDREN {
		who = "the children's party (the children, or who brings them)"
	}
	why := "a safeguarding hold suspends the family's contact"
	switch r.Reason {
	case ErrDisclosureNotWeighed.Reason:
		why = "a disclosure of domestic abuse waits for the safeguarding lead's risk assessment"
	case ErrSupportedContactRuledOut.Reason:
		why = "a risk assessment found domestic abuse, which rules out this kind of contact"
	}
	return fmt.Sprintf("%s came at %s and was turned away at the door (%s)", who, ClockAt(r.At, b.loc), why)
}

// callOffWay is how the coordinator records a session stopped at the door, and what follows.
func (b *Booking) callOffWay(r DoorRefusal) string {
	way := fmt.Sprintf("the session did not take place because the family's contact is stopped, and it never counts towards the "+
		"two unexplained no-shows that release the family's place. Record that the centre called it off (familytime schedule "+
		"cancel %s --by centre): it is recorded as cancelled by the centre because contact was stopped, with no late notice "+
		"against anyone, and the family's other sessions stand", b.ID)
	if r.Reason == ErrDisclosureNotWeighed.Reason {
		way += "; ask the centre's safeguarding lead for a risk assessment of the family (familytime safeguarding risk --family), " +
			"after which its booked sessions go ahead"
	}
	return way
}

// turnedAwayNoShow is NoShow's refusal of a no-show of party at booking b, stopped at the door
// (StoppedAtTheDoor): whichever party was turned away, nobody of the family would have been let in.
func (b *Booking) turnedAwayNoShow(party schedulingv1.Party) error {
	r, stopped := b.StoppedAtTheDoor()
	if !stopped {
		return nil
	}
	head := b.turnedAwayWords(r) + ": that is not a no-show"
	if r.Party != party {
		head = fmt.Sprintf("%s, so the session could not take place whoever came: %s not coming is not a no-show", b.turnedAwayWords(r),
			partyWords(party))
	}
	return problem.Rule(ErrRefusedAtTheDoor.Reason, head+"; "+b.callOffWay(r))
}

// callOffStopped is Cancel of booking b, stopped at the door (StoppedAtTheDoor) as r says, by by,
// at now: the centre's, for the centre stopped it; by anyone else it is refused, for the family did
// not call it off. Recorded with reason contact stopped and no late notice: nobody gave short
// notice of a session the centre's rule stopped on the day, as with a hold's (review 14). The
// centre's reason (why) is safeguarding when it gives none: the stop was safeguarding's (decision
// 284).
func (f *Family) callOffStopped(b *Booking, r DoorRefusal, by schedulingv1.CancelledBy, why schedulingv1.CallOffReason, now time.Time) (*Booking, *schedulingv1.BookingCancelled, error) {
	if by != schedulingv1.CancelledBy_CANCELLED_BY_CENTRE {
		return nil, nil, problem.Rule(ErrRefusedAtTheDoor.Reason, fmt.Sprintf("%s: nobody of the family called this session off, and "+
			"it is not a no-show either: the centre's rule stopped it; %s", b.turnedAwayWords(r), b.callOffWay(r)))
	}
	ev := f.cancellation(b, by, schedulingv1.CancellationReason_CANCELLATION_REASON_CONTACT_STOPPED, now)
	ev.Late = false
	ev.CallOffReason = why
	if why == schedulingv1.CallOffReason_CALL_OFF_REASON_UNSPECIFIED {
		ev.CallOffReason = schedulingv1.CallOffReason_CALL_OFF_REASON_SAFEGUARDING
	}
	f.mustApply(ev)
	return b, ev, nil
}
