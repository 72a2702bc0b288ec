package domain

import (
	"fmt"
	"time"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/words"
)

// ErrTooSoonForFrequency refuses a booking closer to another of the family's sessions than the
// frequency its arrangement agreed allows (tooSoon words it).
var ErrTooSoonForFrequency = problem.Rule("TOO_SOON_FOR_FREQUENCY", "the session is closer to another of the family's sessions than its arrangement's frequency allows")

// DaysApart is the fewest days between two of a family's sessions that frequency allows: 7 for
// weekly, 14 for fortnightly, 28 for monthly (every four weeks, or once a calendar month: the
// first Saturday of two months is 28 or 35 days apart). 0 for unspecified (not known, or another
// pattern agreed with the family), where only one session a day is checked.
func DaysApart(frequency schedulingv1.SessionFrequency) int {
	switch frequency {
	case schedulingv1.SessionFrequency_SESSION_FREQUENCY_WEEKLY:
		return 7
	case schedulingv1.SessionFrequency_SESSION_FREQUENCY_FORTNIGHTLY:
		return 14
	case schedulingv1.SessionFrequency_SESSION_FREQUENCY_MONTHLY:
		return 28
	default:
		return 0
	}
}

// daysBetween is how many days apart two local dates are, whichever comes first.
func daysBetween(a, b time.Time) int {
	if b.Before(a) {
		a, b = b, a
	}
	return int(b.Sub(a).Hours()+12) / 24 // rounded to whole days, whatever the dates' zone
}

// tooSoon refuses booking b, not yet applied, when another of the family's sessions that is not
// cancelled (booked, held, or a no-show: a session the family had or will have) is fewer days
// from it than the arrangement's frequency allows (DaysApart), whether before or after it (review
// 49 booked a fortnightly family every week). A cancelled session leaves its days free, so a
// session called off is made up, and a reschedule is checked without the booking it replaces.
// The arrangement is what both parents agreed at the pre-visits; an extra session is agreed by
// changing it on the referral, which scheduling then notes (NoteArrangementChanged).
func (f *Family) tooSoon(b *Booking) error {
	apart := DaysApart(f.ready.Frequency)
	if apart == 0 {
		return nil
	}
	var near *Booking
	for _, o := range f.bookings {
		if o.Status == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED || o.ID == b.ID || daysBetween(o.Date, b.Date) >= apart {
			continue
		}
		if near == nil || daysBetween(o.Date, b.Date) < daysBetween(near.Date, b.Date) {
			near = o
		}
	}
	if near == nil {
		return nil
	}
	return problem.Rule(ErrTooSoonForFrequency.Reason, fmt.Sprintf("the family's arrangement is %s, so its sessions are at least %d days "+
		"apart, and it has a session on %s (booking %s, %s), %d days from %s: book it on or after %s, or on or before %s; if the family and the "+
		"centre agreed to meet more often, change the arrangement on the referral first (familytime referral change-arrangement --frequency)",
		words.Enum(f.ready.Frequency), apart, dates.String(near.Date), near.ID, words.Enum(near.Status), daysBetween(near.Date, b.Date),
		dates.String(b.Date), dates.String(near.Date.AddDate(0, 0, apart)), dates.String(near.Date.AddDate(0, 0, -apart))))
}
