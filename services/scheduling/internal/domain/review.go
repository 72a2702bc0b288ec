package domain

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// ReviewDue is what referral said when it set the date of a family's next review (its
// FirstSessionAttended's review_due_on, or ReviewHeld's next_review_due_on): supported contact is
// reviewed at least every 6 months (DOMAIN.md), and referral counts the months.
type ReviewDue struct {
	Centre, Referral uuid.UUID
	// DueOn is the date by which the next review is due; zero when none is (contact other than
	// supported).
	DueOn time.Time
	// SetOn is the day of what set it: the first session attended, or the review held.
	SetOn time.Time
}

// NoteReviewDue records referral's review due date for the family (decision 261, review 42: a
// coordinator booked session after session for a family whose review was months overdue, and the
// day sheet said nothing). From then on a booking of supported contact on a date after it is
// answered with ReviewWarning and the day sheet alerts it; neither refuses anything, since
// stopping a child's contact for a review not yet held would harm the child.
//
// A date that does not concern the family as scheduling knows it records nothing (nil): a family
// not made ready, or made ready at another centre or on another referral; so do the date it has (a
// redelivery the inbox did not catch), and one set by a session or review before the one that set
// the date it has (referral never dates a review before the last, so only a stale copy is older).
// Unlike NoteArrangementChanged, a family whose contact ended still takes it: these dates come by a
// consumer of their own (ports.ReviewConsumer), which may hear of a review held before an ending,
// or after a reopening, sooner or later than the ending or reopening is noted; an ended family has
// no booking to warn or alert, and a reopened one needs the date as referral has it.
func (f *Family) NoteReviewDue(r ReviewDue) proto.Message {
	ready := f.ready != nil && f.ready.Centre == r.Centre && (f.ready.Referral == uuid.Nil || f.ready.Referral == r.Referral)
	if !ready || f.reviewDue.Equal(r.DueOn) || r.SetOn.Before(f.reviewSetOn) {
		return nil
	}
	ev := &schedulingv1.ReviewDueNoted{FamilyId: f.id.String(), CentreId: r.Centre.String(), ReferralId: r.Referral.String(),
		ReviewDueOn: dates.Proto(r.DueOn), SetOn: dates.Proto(r.SetOn)}
	f.mustApply(ev)
	return ev
}

// ReviewDueOn is the date the family's next review is due, as referral last said it on the
// referral the family is ready on; zero when none is.
func (f *Family) ReviewDueOn() time.Time { return f.reviewDue }

// ReviewOverdueBy reports whether a session of kind st on day would be held with the family's
// review overdue: supported contact, on a day after the review was due. A session on the due date
// itself is not: referral calls a review overdue from the day after (OverdueDays).
func ReviewOverdueBy(st commonv1.ServiceType, due, day time.Time) bool {
	return st == commonv1.ServiceType_SERVICE_TYPE_SUPPORTED && !due.IsZero() && day.After(due)
}

// ReviewWarning is what booking b answers besides itself when its session is held with the
// family's review overdue (ReviewOverdueBy): REVIEW_OVERDUE, in words; "" otherwise. It names no
// one, and says what to do.
//
// today words it: a review whose date has passed "was due"; one still to come, before the session
// booked months ahead, "is due" (review 45: a booking ahead was told the review "was due by" a
// date not yet come).
func (f *Family) ReviewWarning(b *Booking, today time.Time) string {
	if !ReviewOverdueBy(b.ServiceType, f.reviewDue, b.Date) {
		return ""
	}
	due := fmt.Sprintf("was due by %s and has not been held", dates.String(f.reviewDue))
	if !today.After(f.reviewDue) {
		due = fmt.Sprintf("is due by %s, before this session", dates.String(f.reviewDue))
	}
	return fmt.Sprintf("REVIEW_OVERDUE: the family's review of its supported contact %s, and this "+
		"session is on %s: supported contact is reviewed at least every 6 months. The booking stands; hold the review with the family "+
		"and record it (familytime referral review): until then the day sheet alerts the family's sessions after %s (review-overdue)",
		due, dates.String(b.Date), dates.String(f.reviewDue))
}

// applyReviewDue is apply's for ReviewDueNoted.
func (f *Family) applyReviewDue(e *schedulingv1.ReviewDueNoted) {
	f.reviewDue, f.reviewSetOn = dates.Time(e.GetReviewDueOn()), dates.Time(e.GetSetOn())
}
