package domain

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// RefusalNoShow is CheckIn's refusal of anyone at the door of a booking recorded as a no-show,
// and RefusalCompleted of one completed. Recorded as the door's other refusals are (decision 359):
// the person came to the door and was turned away, and may still be outside. Before, the check-in
// was an error that recorded nothing (decision 352), so the door of a family kept apart from this
// one (NearTheDoor) and this booking's own other party (turnedAwayAt, decision 339) were never told
// that someone of it was turned away minutes before. The way on (withdraw the no-show, hand the
// children over, why the no-show stands) is the refusal's caution, CautionNoShow.
const (
	RefusalNoShow    = "BOOKING_NO_SHOW"
	RefusalCompleted = "BOOKING_COMPLETED"
)

// RefusalSessionOver is CheckIn's refusal of someone named for the family who comes once the door's
// record of the session closed (Latest), recorded as the refusals above are (decision 372): it was
// an error that recorded nothing, the last way of being turned away at the door that the family's
// record and the door of a family kept apart from it never heard of. Its caution, of the same code,
// gives the times (sessionOverCaution).
const (
	RefusalSessionOver = "SESSION_OVER"
	CautionSessionOver = RefusalSessionOver
)

// sessionOverCaution is the caution of a check-in refused SESSION_OVER at booking b at now: when the
// visiting parent was due to leave and when the door's record closed, and that nobody is checked in
// for it any more. ok is false for a check-in not refused so, and under a hold, whose refusal is the
// hold's.
func (f *Family) sessionOverCaution(b *Booking, person uuid.UUID, now time.Time) (Caution, bool) {
	_, named := f.role(person)
	if f.OnHold() || !named || !f.sessionOver(b, person, now) {
		return Caution{}, false
	}
	return Caution{CautionSessionOver, fmt.Sprintf("the session is over: the visiting parent was due to leave at %s, and the door "+
		"checks people in for it until %s, %d minutes after; nobody is checked in for it any more. Whoever of the family is still "+
		"inside leaves as usual", ClockAt(b.VisitingLeaves, b.loc), ClockAt(b.Latest(), b.loc), int(LateDeparture/time.Minute))}, true
}

// CautionNoShow and CautionCompleted: the refusal's way on (notActiveCaution).
const (
	CautionNoShow    = RefusalNoShow
	CautionCompleted = RefusalCompleted
)

// notActiveCaution is the caution of a check-in of person refused at booking b, at now, because b
// is recorded as a no-show (noShowWayOn's words) or as completed. ok is false for any other booking
// and under a hold, whose refusal is the hold's.
func (f *Family) notActiveCaution(b *Booking, person uuid.UUID, now time.Time) (Caution, bool) {
	if f.OnHold() {
		return Caution{}, false
	}
	switch b.Status {
	case schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW:
		return Caution{CautionNoShow, f.noShowWayOn(b, person, now)}, true
	case schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED:
		return Caution{CautionCompleted, "the session is recorded as completed, so nobody is checked in for it any more; whoever " +
			"of the family is still inside leaves as usual; if this is a mistake, tell the coordinator"}, true
	}
	return Caution{}, false
}
