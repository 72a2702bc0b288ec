package domain

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// Ending is the end of a family's case as scheduling applied it (ContactEnded): referral's
// CaseEnded, or the referral's withdrawal. Review 53: the coordinator who ended a case had to tell
// both parents which sessions were off, and nothing said which the ending had cancelled.
type Ending struct {
	// Referral is the referral whose case ended.
	Referral uuid.UUID
	// On is the local date it ended.
	On time.Time
	// Withdrawn: the referral was withdrawn, rather than the case ending with an outcome.
	Withdrawn bool
	// Cancelled are the bookings the ending cancelled (those whose session had not begun), in
	// the order it cancelled them.
	Cancelled []uuid.UUID
}

// Ending is the ending of the family's case once applied, with the bookings it cancelled; nil
// while its contact goes on, and once a reopening (or a new referral) has been applied. Its
// ending is asynchronous: referral's event reaches scheduling after the command that ended it.
func (f *Family) Ending() *Ending {
	if f.ending == nil {
		return nil
	}
	e := *f.ending
	e.Cancelled = slices.Clone(f.ending.Cancelled)
	return &e
}

// applyEnding starts the ending e records: the bookings it cancels follow it in its append
// (EndContact), and noteEndingCancelled adds them.
func (f *Family) applyEnding(e *schedulingv1.ContactEnded) {
	f.ending = &Ending{On: dates.Time(e.GetEndedOn()), Withdrawn: e.GetWithdrawn()}
	f.ending.Referral, _ = uuid.Parse(e.GetReferralId())
}

// noteEndingCancelled adds to the ending a booking cancelled for it: by the system, because the
// case ended. Only the ending cancels so (EndContact), in the append that records it; a
// booking cancelled so by an earlier ending, since reopened, is not this ending's.
func (f *Family) noteEndingCancelled(e *schedulingv1.BookingCancelled) {
	if f.ending == nil || e.GetReason() != schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED ||
		e.GetCancelledBy() != schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM {
		return
	}
	f.ending.Cancelled = append(f.ending.Cancelled, uuid.MustParse(e.GetBookingId()))
}

// Bookings are the family's bookings at centre whose session is on from or later (every one for
// a zero from), cancelled ones included, in the order of their sessions: by date, then the first
// party due.
func (f *Family) Bookings(centre uuid.UUID, from time.Time) []*Booking {
	var out []*Booking
	for _, id := range f.order {
		if b := f.bookings[id]; b.Centre == centre && !b.Date.Before(from) {
			out = append(out, b)
		}
	}
	slices.SortStableFunc(out, func(x, y *Booking) int {
		return cmp.Or(x.Date.Compare(y.Date), firstDue(x).Compare(firstDue(y)))
	})
	return out
}

// firstDue is when the first of a booking's parties is due at the door.
func firstDue(b *Booking) time.Time {
	if b.ChildrenArrive.Before(b.VisitingArrives) {
		return b.ChildrenArrive
	}
	return b.VisitingArrives
}
