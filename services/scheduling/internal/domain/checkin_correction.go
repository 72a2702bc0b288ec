package domain

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/problem"
)

// ErrNotCheckedIn refuses the correction of a check-in the booking does not have standing.
var ErrNotCheckedIn = problem.Rule("NOT_CHECKED_IN", "the person is not recorded checked in for this booking: there is no check-in to correct")

// checkIn is one person's check-in at a booking: the party they came with and when.
type checkIn struct {
	person uuid.UUID
	party  schedulingv1.Party
	at     time.Time
}

// CorrectCheckIn withdraws person's check-in at booking id, recorded by mistake: a volunteer
// tapped the visiting parent of the wrong booking (review 50). Left standing, it kept them IN
// and CHECKED IN, refused their party's no-show (PARTY_ARRIVED), cautioned the other party that
// the parents may meet, and held the session as under way. Nothing is edited: the correction is a
// record of its own pointing at the check-in (the booking, the person and when it said), and the
// booking reads from it as if the person had not been checked in.
//
// It is taken until the session is completed (ErrSessionCompleted), as a movement's correction
// is, and not once a departure naming the person is recorded after it: the children's departure
// naming them (they would have left without coming), or the visiting party's departure for one
// of it (the booking keeps who came with it, not who left): that departure is corrected first.
// A person who left with some of the children and was checked in again has a departure in parts,
// which no correction restates (ErrDepartureInParts).
func (f *Family) CorrectCheckIn(id, person uuid.UUID, now time.Time) (*Booking, *schedulingv1.CheckInCorrected, error) {
	b, err := f.Booking(id)
	if err != nil {
		return nil, nil, err
	}
	if b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED {
		return nil, nil, problem.Rule(ErrSessionCompleted.Reason, "the session is completed and its attendance counted: its record stands, "+
			"check-ins with it. If someone was checked in by mistake, tell the coordinator, who notes it with the family's case")
	}
	var first checkIn
	times := 0
	for _, c := range b.checkIns {
		if c.person == person {
			if times == 0 {
				first = c
			}
			times++
		}
	}
	if times == 0 || !slices.Contains(b.CheckedIn, person) {
		return nil, nil, ErrNotCheckedIn
	}
	if err := b.leftSince(first, times); err != nil {
		return nil, nil, err
	}
	ev := &schedulingv1.CheckInCorrected{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(),
		PersonId: person.String(), Party: first.party, WasAt: timestamppb.New(first.at)}
	f.mustApply(ev)
	// Said with the correction, from the booking as it leaves it (apply reads neither): the day
	// sheet's first sight of the party, and whether anyone of the family came at all (referral
	// holds the family's erasure back for a session someone came to).
	if at, ok := b.CheckedInAt[first.party]; ok {
		ev.PartyCheckedInAt = timestamppb.New(at)
	}
	ev.NobodyCame = b.NobodyCame()
	return b, ev, nil
}

// leftSince refuses the correction of check-in c (the person's first; times of them in all)
// when a departure naming its person is recorded after it, saying what to do.
func (b *Booking) leftSince(c checkIn, times int) error {
	if times > 1 {
		return problem.Rule(ErrDepartureInParts.Reason, fmt.Sprintf("%s left with some of the children after this check-in and was checked in "+
			"again: the children's departure was recorded in parts, which no correction restates, so the check-in stands. Tell the "+
			"coordinator what happened, who notes it with the family's case", c.person))
	}
	if slices.Contains(b.TakenOut, c.person) {
		gone := b.Departed[schedulingv1.Party_PARTY_CHILDREN]
		if gone.IsZero() {
			gone = b.PartlyLeftAt
		}
		return problem.Rule(ErrDepartureRecorded.Reason, fmt.Sprintf("the children's departure recorded at %s names %s: they are not "+
			"withdrawn as never checked in while a departure says they left. If the departure named them by mistake, correct it first "+
			"(familytime schedule correct %s --departure --party children --person ... naming who really left, or --not-happened), "+
			"then this check-in", ClockAt(gone, b.loc), c.person, b.ID))
	}
	if gone, ok := b.Departed[c.party]; ok && c.party == schedulingv1.Party_PARTY_VISITING {
		return problem.Rule(ErrDepartureRecorded.Reason, fmt.Sprintf("the visiting party's departure is recorded at %s, after %s was "+
			"checked in with it at %s: if that departure was recorded by mistake too, correct it first (familytime schedule correct %s "+
			"--departure --party visiting --not-happened), then this check-in; if they came and left, the check-in stands",
			ClockAt(gone, b.loc), c.person, ClockAt(c.at, b.loc), b.ID))
	}
	return nil
}

// applyCheckInCorrected withdraws the person's check-ins at the booking: not checked in, not
// inside by them, and the party's first check-in the earliest still standing.
func (f *Family) applyCheckInCorrected(e *schedulingv1.CheckInCorrected) {
	b := f.bookings[uuid.MustParse(e.GetBookingId())]
	person := uuid.MustParse(e.GetPersonId())
	b.CheckedIn = slices.DeleteFunc(b.CheckedIn, func(p uuid.UUID) bool { return p == person })
	b.checkIns = slices.DeleteFunc(b.checkIns, func(c checkIn) bool { return c.person == person })
	party := e.GetParty()
	delete(b.CheckedInAt, party)
	for _, c := range b.checkIns {
		if first, ok := b.CheckedInAt[c.party]; c.party == party && (!ok || c.at.Before(first)) {
			b.CheckedInAt[party] = c.at
		}
	}
}

// doorRefusal is one refusal at the door standing on a booking: the id given, the reason and when;
// named: the person is named for the family to come (attend, bring or collect), who came with party.
type doorRefusal struct {
	person uuid.UUID
	reason string
	at     time.Time
	named  bool
	party  schedulingv1.Party
}

// ErrRefusalStands refuses the withdrawal of a refusal that turned the family away because its
// contact was stopped: it is what says the session did not take place (StoppedAtTheDoor).
var ErrRefusalStands = problem.Rule("REFUSAL_STANDS", "the refusal turned someone named for the family away because its "+
	"contact was stopped (a hold, or a disclosure waiting for the lead): it stands, and says why the session did not take place")

// WithdrawRefusal withdraws person's latest refusal at booking id still standing, recorded by
// mistake (review 51: a mistyped id, or another booking's row, was recorded as a stranger turned
// away, which the family's history then said for good). Nothing is edited: the withdrawal is a
// record of its own pointing at the refusal (the person, its reason and time), with the door's
// note. A refusal that turned someone named for the family away because its contact was stopped
// (ON_HOLD, DISCLOSURE_NOT_WEIGHED) stands: it decides that the session did not take place.
// Refused as CorrectCheckIn is once the session is completed, and NOT_CHECKED_IN when no refusal
// of the person stands.
func (f *Family) WithdrawRefusal(id, person uuid.UUID, now time.Time) (*Booking, *schedulingv1.CheckInRefusalWithdrawn, error) {
	b, err := f.Booking(id)
	if err != nil {
		return nil, nil, err
	}
	if b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED {
		return nil, nil, problem.Rule(ErrSessionCompleted.Reason, "the session is completed and its record stands, refusals at the "+
			"door with it. If a refusal was recorded by mistake, tell the coordinator, who notes it with the family's case")
	}
	var r doorRefusal
	for _, x := range b.refused {
		if x.person == person {
			r = x // the latest
		}
	}
	if r.person != person {
		return nil, nil, ErrNotCheckedIn
	}
	if _, named := f.role(person); named && stopsContact(r.reason) {
		return nil, nil, ErrRefusalStands
	}
	ev := &schedulingv1.CheckInRefusalWithdrawn{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(),
		PersonId: person.String(), Reason: r.reason, WasAt: timestamppb.New(r.at)}
	f.mustApply(ev)
	return b, ev, nil
}

// applyRefusalWithdrawn takes the person's refusal at the booking recorded at was_at off those
// standing.
func (f *Family) applyRefusalWithdrawn(e *schedulingv1.CheckInRefusalWithdrawn) {
	b := f.bookings[uuid.MustParse(e.GetBookingId())]
	person, at := uuid.MustParse(e.GetPersonId()), e.GetWasAt().AsTime()
	for i := len(b.refused) - 1; i >= 0; i-- {
		if r := b.refused[i]; r.person == person && r.at.Equal(at) {
			b.refused = slices.Delete(b.refused, i, i+1)
			b.Refusals--
			b.RefusalsWithdrawn++
			return
		}
	}
}
