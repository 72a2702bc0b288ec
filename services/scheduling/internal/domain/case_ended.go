package domain

import (
	"fmt"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// RefusalCaseEnded is CheckIn's refusal, once the family's case has ended (or its referral was
// withdrawn), of anyone for a booking nobody of the family had come to when it ended, whether the
// ending cancelled it or left it booked (its time over before the end): contact is over, and the
// door does not begin a session for it. Review 63 ended a case for safety at 10:02,
// two minutes after the visiting parent was due and before anyone came: the booking stayed booked
// (under way by the clock) and the door admitted the visiting parent at 10:05 with no word, and a
// case ended at 12:31 had its visiting parent admitted and the session completed, a first session
// for an ended case. A session someone of the family came to before the end goes on: its parties
// are checked in and out as before, with the caution CautionCaseEnded (decision 346).
const RefusalCaseEnded = "CASE_ENDED"

// CautionCaseEnded: the family's case has ended; said to the door with the refusal
// RefusalCaseEnded (when it ended), and to a person admitted to a session that was under way when
// it ended (that the session goes on, and how it is stopped if it must not).
const CautionCaseEnded = "CASE_ENDED"

// endedBefore reports whether the family's case has ended and nobody of the family had come to
// booking b (NobodyCame): nobody is checked in for it, its parties' arrivals are not recorded, and
// it is not completed. Its ending cancelled it if its session had not ended (EndContact); one over
// before the case ended is left for a no-show or the centre's call-off.
func (f *Family) endedBefore(b *Booking) bool {
	return f.ended && b.NobodyCame()
}

// cancelledByEnding reports whether booking b was cancelled, by the system, because the family's
// case ended, and the case stands ended.
func (f *Family) cancelledByEnding(b *Booking) bool {
	return f.ended && b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED &&
		b.CancelledBy == schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM && b.Reason == schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED
}

// endingWords say when and how the family's case ended, with no personal data: "the family's case
// ended on D" or "the family's referral was withdrawn on D".
func (f *Family) endingWords() string {
	if f.ending == nil {
		return "the family's case has ended"
	}
	if f.ending.Withdrawn {
		return "the family's referral was withdrawn on " + dates.String(f.ending.On)
	}
	return "the family's case ended on " + dates.String(f.ending.On)
}

// caseEndedRefusal is the refusal of an arrival or a completion recorded for booking b of an ended
// case that nobody of the family came to before it ended (endedBefore).
func (f *Family) caseEndedRefusal(b *Booking) error {
	return problem.Rule(RefusalCaseEnded, fmt.Sprintf("%s, and nobody of the family had come to this session (%s) by then: it does "+
		"not take place, so no arrival is recorded and it is not completed. If its time was over before the case ended and the "+
		"family did not come, record the no-show (familytime schedule noshow %s); otherwise record that the centre called it off "+
		"(familytime schedule cancel %s --by centre --reason other --note \"the case ended\")",
		f.endingWords(), dates.String(b.Date), b.ID, b.ID))
}

// caseEndedCaution is the door's caution about booking b once the family's case has ended: for a
// person refused (RefusalCaseEnded), when it ended and what to do; for one admitted to a session
// someone of the family came to before it ended, that it goes on and how it is stopped. ok is
// false while the case goes on, and for a booking otherwise no longer booked (its status says why).
func (f *Family) caseEndedCaution(b *Booking, admitted bool) (Caution, bool) {
	if f.cancelledByEnding(b) && !admitted {
		return Caution{CautionCaseEnded, f.endingWords() + ", before anyone of the family came to this session, and its ending " +
			"cancelled it: do not admit anyone to it. It is not a no-show, and nothing more is recorded for it"}, true
	}
	if !f.ended || b.Status != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED {
		return Caution{}, false
	}
	if !admitted {
		if !b.NobodyCame() {
			return Caution{}, false
		}
		return Caution{CautionCaseEnded, f.endingWords() + ", and nobody of the family had come to this session: it does not " +
			"take place; do not admit anyone to it, and tell the coordinator, who records what became of it"}, true
	}
	return Caution{CautionCaseEnded, f.endingWords() + " while this session was under way (someone of the family had come): it " +
		"goes on as booked, and the children are collected as usual. If contact must stop now, tell the coordinator, who calls " +
		"it off (familytime schedule cancel " + b.ID.String() + " --by centre --reason safeguarding), or the safeguarding lead " +
		"places a hold"}, true
}
