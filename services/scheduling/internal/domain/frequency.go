package domain

import (
	"fmt"
	"time"

	"github.com/google/uuid"

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
// first Saturday of two months is 28 or 35 days apart). 0 for another pattern agreed with the
// family ("other") or none known, where only one session a day is checked.
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
// The refusal is a *TooSoonError: the application names the dates that would be allowed
// (Family.SayAllowedDates), which need the room's places, read outside the family.
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
	e := &TooSoonError{Booking: b, frequency: f.ready.Frequency, apart: apart, near: near}
	e.Rule = problem.Rule(ErrTooSoonForFrequency.Reason, e.why()+"; "+agreeMore)
	return e
}

// agreeMore is the way to closer sessions that a TOO_SOON_FOR_FREQUENCY refusal ends with.
const agreeMore = "if the family and the centre agreed to meet more often, change the arrangement on the referral first " +
	"(familytime referral change-arrangement --frequency)"

// TooSoonError is tooSoon's refusal of Booking (not applied), worded in Rule, which it unwraps to:
// the service answers it as the rule it is (FailedPrecondition, TOO_SOON_FOR_FREQUENCY).
type TooSoonError struct {
	Rule    *problem.RuleError
	Booking *Booking
	// frequency and apart are the arrangement's and its least gap in days; near is the family's
	// session closest to Booking.
	frequency schedulingv1.SessionFrequency
	apart     int
	near      *Booking
}

func (e *TooSoonError) Error() string { return e.Rule.Error() }

// Unwrap is the rule, so errors.Is(err, ErrTooSoonForFrequency) holds and the service maps it.
func (e *TooSoonError) Unwrap() error { return e.Rule }

// why is the refusal's first part: the gap, and the session too near.
func (e *TooSoonError) why() string {
	return fmt.Sprintf("the family's arrangement is %s, so its sessions are at least %d days apart, and it has a session on %s "+
		"(booking %s, %s), %d days from %s", words.Enum(e.frequency), e.apart, dates.String(e.near.Date), e.near.ID,
		words.Enum(e.near.Status), daysBetween(e.near.Date, e.Booking.Date), dates.String(e.Booking.Date))
}

// AllowedHorizon is how far after the date asked, in days, SayAllowedDates looks for a date the
// frequency allows: the pattern's next 26 weeks, about the time to the family's next review.
const AllowedHorizon = 26 * 7

// SayAllowedDates words refusal e, made by this family's Book (or by a copy of it deciding a move
// of booking moving; uuid.Nil when booking), with the nearest dates the coordinator could book
// instead, before and after the date asked: the refusal once named the near session's date give
// or take the gap, which could be a date the family had already, one too near another of its
// sessions, or one with the room full, and following it was refused again (review 52).
// A date allowed (allowedOn) is a session of the same opening pattern still to come and within
// BookAhead, one Book would take: on or after the family's earliest date, not a pre-visit day,
// with a child under 18; not a day the family has a session standing (moving's included: moving
// it there is no move); at least the gap from every session of the family standing but moving,
// which is the one the move replaces; and with a place free in the room (free, read by the caller).
// Dates after the one asked are looked for up to AllowedHorizon days on, BookAhead, or the
// pattern's end, whichever comes first; dates before it back to today. With none on either
// side, the refusal says so and up to when, and names no date.
func (f *Family) SayAllowedDates(e *TooSoonError, t *Timetable, moving uuid.UUID, now time.Time, free func(Session) bool) error {
	p, ok := t.Pattern(e.Booking.Pattern)
	if !ok {
		return e
	}
	asked := e.Booking.Date
	today := LocalDate(now, p.loc)
	end := asked.AddDate(0, 0, AllowedHorizon)
	why := fmt.Sprintf("up to %s, %d weeks after it", dates.String(end), AllowedHorizon/7)
	if ahead := LocalDate(now.AddDate(0, BookAhead, 0), p.loc); ahead.Before(end) {
		end, why = ahead, fmt.Sprintf("up to %s, as far ahead as a session may be booked", dates.String(ahead))
	}
	if last := p.lastDate(); !last.IsZero() && !last.After(end) {
		end, why = last, "before the pattern ends on "+dates.String(last)
	}
	var before, after time.Time
	for d := asked.AddDate(0, 0, -1); !d.Before(today) && before.IsZero(); d = d.AddDate(0, 0, -1) {
		if f.allowedOn(t, p, d, e.apart, moving, now, free) {
			before = d
		}
	}
	for d := asked.AddDate(0, 0, 1); !d.After(end) && after.IsZero(); d = d.AddDate(0, 0, 1) {
		if f.allowedOn(t, p, d, e.apart, moving, now, free) {
			after = d
		}
	}
	allowed := fmt.Sprintf("a date allowed is a session of the same pattern with a place free in the room, "+
		"at least %d days from each of the family's sessions", e.apart)
	var say string
	switch {
	case before.IsZero() && after.IsZero():
		say = fmt.Sprintf("from today, there is no date allowed %s (%s): book another pattern or room, or ", why, allowed) + agreeMore
	default:
		sayBefore := "no date is allowed before it from today"
		if !before.IsZero() {
			sayBefore = "the nearest date allowed before it is " + dates.String(before)
		}
		sayAfter := "no date is allowed after it " + why
		if !after.IsZero() {
			sayAfter = "the nearest date allowed after it is " + dates.String(after)
		}
		say = fmt.Sprintf("%s, and %s (%s); ", sayBefore, sayAfter, allowed) + agreeMore
	}
	return &TooSoonError{Rule: problem.Rule(ErrTooSoonForFrequency.Reason, e.why()+": "+say), Booking: e.Booking,
		frequency: e.frequency, apart: e.apart, near: e.near}
}

// allowedOn reports whether the family could be booked on date d of pattern p, as
// SayAllowedDates says.
func (f *Family) allowedOn(t *Timetable, p *Pattern, d time.Time, apart int, moving uuid.UUID, now time.Time, free func(Session) bool) bool {
	if !p.OpensOn(d) {
		return false
	}
	s, err := t.Session(p.ID, d)
	if err != nil || !s.Opens.After(now) || s.Opens.After(now.AddDate(0, BookAhead, 0)) {
		return false // the clocks change in it, it has begun, or it is too far ahead to book
	}
	if r := f.ready; r == nil || d.Before(r.Earliest) || r.PreVisits[d] || f.noChildOn(d) != nil {
		return false
	}
	for _, o := range f.bookings {
		switch {
		case o.Status == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED:
			// A session cancelled leaves its day free, as tooSoon has it.
		case o.Date.Equal(d):
			return false
		case o.ID != moving && daysBetween(o.Date, d) < apart:
			return false
		}
	}
	return free(s)
}

// lastDate is the pattern's last session date: its last date, or a later extra date; zero when
// it has no end.
func (p *Pattern) lastDate() time.Time {
	if p.Last.IsZero() {
		return time.Time{}
	}
	last := p.Last
	for d := range p.Extra {
		if d.After(last) {
			last = d
		}
	}
	return last
}
