package domain

import (
	"fmt"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// RefusalCaseEnded is CheckIn's refusal, once the family's case has ended (or its referral was
// withdrawn), of anyone for a booking whose contact had not begun when it ended (nobody of the
// family had come, or one party only: endedBefore, decision 351), whether the ending cancelled it or
// left it booked (its time over before the end): contact is over, and the door does not begin a
// session for it. Review 63 ended a case for safety at 10:02,
// two minutes after the visiting parent was due and before anyone came: the booking stayed booked
// (under way by the clock) and the door admitted the visiting parent at 10:05 with no word, and a
// case ended at 12:31 had its visiting parent admitted and the session completed, a first session
// for an ended case. A session both parties came to before the end goes on: its parties are
// checked in and out as before, with the caution CautionCaseEnded (decision 346, as 351 amends it).
const RefusalCaseEnded = "CASE_ENDED"

// CautionCaseEnded: the family's case has ended; said to the door with the refusal
// RefusalCaseEnded (when it ended), and to a person admitted to a session that was under way when
// it ended (that the session goes on, and how it is stopped if it must not).
const CautionCaseEnded = "CASE_ENDED"

// endedBefore reports whether the family's case has ended before contact began at booking b:
// the two parties had not both come (ContactBegun), and the door admits nobody more to it. Nobody
// may have come (NobodyCame); or one party only, as review 65 found: the resident parent brought the
// children at 10:13, the case was ended for safety at 10:16, and the visiting parent, who may be
// why it ended, was admitted at 10:20 and the session completed as the family's first, on a case
// that ended before contact began (decision 351, amending 346). Its ending cancelled it if its
// session had not ended (EndContact); one over before the case ended is left for a no-show or the
// centre's call-off.
func (f *Family) endedBefore(b *Booking) bool {
	return f.ended && !b.ContactBegun()
}

// ContactBegun reports whether both parties came to booking b: someone of the visiting party and
// someone of the children's party checked in at the door, or their party's arrival (or departure)
// recorded (came). Only then is contact under way, and a case ending keeps the session (decision
// 351); one party alone inside is not contact.
func (b *Booking) ContactBegun() bool {
	return b.came(schedulingv1.Party_PARTY_VISITING) && b.came(schedulingv1.Party_PARTY_CHILDREN)
}

// came reports whether party came to booking b: someone of it checked in (a check-in withdrawn is
// none), or its arrival or departure recorded.
func (b *Booking) came(party schedulingv1.Party) bool {
	_, in := b.CheckedInAt[party]
	_, arrived := b.Arrived[party]
	_, departed := b.Departed[party]
	return in || arrived || departed
}

// whoCame says, with no personal data, who of the family had come to booking b, whose contact had
// not begun (!ContactBegun): nobody, or one party.
func (b *Booking) whoCame() string {
	switch {
	case b.came(schedulingv1.Party_PARTY_VISITING):
		return "only the visiting party had come, not the children's"
	case b.came(schedulingv1.Party_PARTY_CHILDREN):
		return "only the children's party had come, not the visiting party"
	}
	return "nobody of the family had come"
}

// notCome is the party of booking b that had not come, when one only had (its no-show).
func (b *Booking) notCome() string {
	if b.came(schedulingv1.Party_PARTY_VISITING) {
		return "children"
	}
	return "visiting"
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
// case whose contact had not begun when it ended (endedBefore).
func (f *Family) caseEndedRefusal(b *Booking) error {
	noshow := fmt.Sprintf("familytime schedule noshow %s --party PARTY", b.ID)
	if !b.NobodyCame() {
		noshow = fmt.Sprintf("familytime schedule noshow %s --party %s", b.ID, b.notCome())
	}
	return problem.Rule(RefusalCaseEnded, fmt.Sprintf("%s before contact began at this session (%s; %s by then): it does "+
		"not take place, so no arrival is recorded for a party that had not come and it is not completed. If its time was over "+
		"before the case ended and the family did not come, record the no-show (%s); otherwise record that the centre called it off "+
		"(familytime schedule cancel %s --by centre --reason other --note \"the case ended\")",
		f.endingWords(), dates.String(b.Date), b.whoCame(), noshow, b.ID))
}

// caseEndedCaution is the door's caution about booking b once the family's case has ended: for a
// person refused (RefusalCaseEnded), when it ended and what to do; for one admitted to a session
// whose contact had begun before it ended (both parties came), that it goes on and how it is
// stopped. ok is false while the case goes on, and for a booking otherwise no longer booked (its
// status says why).
func (f *Family) caseEndedCaution(b *Booking, admitted bool) (Caution, bool) {
	if f.cancelledByEnding(b) && !admitted {
		if b.NobodyCame() {
			return Caution{CautionCaseEnded, f.endingWords() + ", before anyone of the family came to this session, and its ending " +
				"cancelled it: do not admit anyone to it. It is not a no-show, and nothing more is recorded for it"}, true
		}
		// Decision 351: one party had come, the other not; no contact was held.
		return Caution{CautionCaseEnded, f.endingWords() + " before contact began at this session (" + b.whoCame() + "), and its " +
			"ending cancelled it: do not admit anyone to it. Whoever of the family is inside leaves as they came, the children with " +
			"whoever brought them or another adult of theirs named to collect them, never with the party that had not come; record " +
			"each departure (familytime schedule depart " + b.ID.String() + " --party PARTY --person PERSON). It is not a no-show, " +
			"and no contact is recorded for it"}, true
	}
	if !f.ended || b.Status != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED {
		return Caution{}, false
	}
	if !admitted {
		if b.ContactBegun() {
			return Caution{}, false
		}
		if b.NobodyCame() {
			return Caution{CautionCaseEnded, f.endingWords() + ", and nobody of the family had come to this session: it does not " +
				"take place; do not admit anyone to it, and tell the coordinator, who records what became of it"}, true
		}
		return Caution{CautionCaseEnded, f.endingWords() + " before contact began at this session (" + b.whoCame() + "): it does " +
			"not take place; do not admit anyone to it, and tell the coordinator, who records what became of it"}, true
	}
	return Caution{CautionCaseEnded, f.endingWords() + " while this session was under way (both parties had come): it " +
		"goes on as booked, and the children are collected as usual. If contact must stop now, tell the coordinator, who calls " +
		"it off (familytime schedule cancel " + b.ID.String() + " --by centre --reason safeguarding), or the safeguarding lead " +
		"places a hold"}, true
}
