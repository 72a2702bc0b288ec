package app

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/words"
)

// Describe says what an event means in plain words, from its readable fields only: categories,
// counts, dates, times and service types, never a sealed field and never a name.
func Describe(env *commonv1.EventEnvelope) string {
	msg, err := payload(env)
	return described(env, msg, err)
}

// payload is the event's payload decoded by its type's name; nil, nil when the type is unknown
// to reporting.
func payload(env *commonv1.EventEnvelope) (proto.Message, error) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(env.GetEventType()))
	if err != nil {
		return nil, nil
	}
	msg := mt.New().Interface()
	if err := proto.Unmarshal(env.GetPayload(), msg); err != nil {
		return nil, err
	}
	return msg, nil
}

// described is Describe of a payload already decoded (payload's results).
func described(env *commonv1.EventEnvelope, msg proto.Message, err error) string {
	if err != nil {
		return words.Event(env.GetEventType()) + " (unreadable)"
	}
	if msg != nil {
		if s := describe(msg, env.GetRecordedAt()); s != "" {
			return s
		}
	}
	return words.Event(env.GetEventType())
}

// describe is the words of one decoded event; recorded is when it was recorded (the step's own
// time), which a movement's words compare with when it happened.
func describe(msg proto.Message, recorded *timestamppb.Timestamp) string {
	switch ev := msg.(type) {
	case *referralv1.ReferralReceived:
		s := "Referral received from " + source(ev.GetSource())
		if ev.GetSource() == commonv1.ReferralSource_REFERRAL_SOURCE_SELF {
			s = "Self-referral received from a parent"
		}
		s += fmt.Sprintf(" for %s contact, %s", words.Enum(ev.GetRequestedServiceType()), children(len(ev.GetFacts().GetChildren())))
		if ev.GetFacts().GetCourtInvolved() {
			s += ", court involved"
		}
		if ev.GetFacts().GetCafcassInvolved() {
			s += ", Cafcass involved"
		}
		if ev.GetAwaitingSecondParty() {
			s += "; waiting for the other parent's application"
		}
		return s
	case *referralv1.SecondPartyApplicationReceived:
		return "The other parent's application received"
	case *referralv1.ReferralAmended:
		// A retraction is recorded and takes nothing back (decisions 191 and 338): the history says
		// so, in words only (reporting keeps no answers), naming what was answered no since.
		var taken []string
		if ev.GetDomesticAbuseRetracted() {
			taken = append(taken, "domestic abuse")
		}
		for _, q := range ev.GetRisksRetracted() {
			if q != referralv1.RiskQuestion_RISK_QUESTION_DOMESTIC_ABUSE || !ev.GetDomesticAbuseRetracted() {
				taken = append(taken, words.Enum(q))
			}
		}
		stands := "the disclosure made before stands"
		if len(taken) > 1 {
			stands = "the disclosures made before stand"
		}
		retracted := "; the risk answers no longer disclose " + strings.Join(taken, ", ") + ", but " + stands +
			" for the safeguarding lead to weigh"
		// A waitlisting or acceptance undone with the screening is said (review 80, decision 392).
		undone := ""
		if ev.GetDecisionVoid() {
			undone = ", and its waitlisting or acceptance is undone until it is decided again"
		}
		switch {
		case ev.GetScreeningVoid() && len(taken) > 0:
			return "Referral amended" + retracted + "; it is screened again" + undone
		case len(taken) > 0:
			return "Referral amended" + retracted
		case ev.GetScreeningVoid():
			return "Referral amended; risk answers changed, so it is screened again" + undone
		}
		if ev.GetCorrectionAfterClose() {
			return "Referral's personal details corrected after it closed (rectification; the case is unchanged)"
		}
		return "Referral amended"
	case *referralv1.ScreeningRecorded:
		s := "Referral screened: " + words.Enum(ev.GetRating())
		if ev.GetDomesticAbuseFinding() {
			s += ", domestic abuse found (no supported contact)"
		}
		return s
	case *referralv1.ReferralAccepted:
		return "Referral accepted" + onDay(ev.GetAcceptedOn()) + " for " + words.Enum(ev.GetServiceType()) + " contact" +
			notTheFamilyUnderHold(ev.GetCheckedNotTheFamilyUnderHold())
	case *referralv1.ReferralWaitlisted:
		return "Referral placed on the centre's waiting list" + onDay(ev.GetWaitlistedOn()) + notTheFamilyUnderHold(ev.GetCheckedNotTheFamilyUnderHold())
	case *referralv1.ReferralDeclined:
		return "Referral declined: " + words.Enum(ev.GetReason())
	case *referralv1.ReferralWithdrawn:
		return "Referral withdrawn by the " + words.Enum(ev.GetWithdrawnBy())
	case *referralv1.PreVisitCompleted:
		// The day visited (review 49): the two parents visit separately, on days of their own
		// (DOMAIN step 4), and a visit may be recorded days later (--on).
		s := "Pre-visit" + onDay(ev.GetVisitedOn()) + " by the " + words.Enum(ev.GetRole())
		if ev.GetGroundRulesSigned() {
			s += ", ground rules signed"
		}
		return s
	case *referralv1.ArrangementAgreed:
		return "Contact arrangement agreed" + onDay(ev.GetAgreedOn()) + ": " + words.Enum(ev.GetArrangement().GetServiceType()) + ", " + words.Enum(ev.GetArrangement().GetFrequency())
	case *referralv1.ArrangementChanged:
		return "Contact arrangement changed for sessions booked from now on: " + arrangement(ev.GetArrangement()) +
			" (was " + arrangement(ev.GetPreviousArrangement()) + ")"
	case *referralv1.FamilyReadyForContact:
		s := fmt.Sprintf("Family ready for contact: %s, %s", adults(ev.GetAdults()), children(len(ev.GetChildren())))
		if ev.GetChildrenMayLeaveCentre() {
			s += "; " + leaving(true)
		}
		return s
	case *referralv1.ChildrenLeavingChanged:
		return "Referral amended: " + leaving(ev.GetChildrenMayLeaveCentre())
	case *referralv1.AdultKeptFromChildren:
		// Decision 323: who, by person id only in the event, is not said here; the order's kind
		// and text are in no event.
		if ev.GetWithdrawn() {
			return "Referral amended: an adult named on the referral (not a parent) was taken off it; they may no longer attend, " +
				"bring or collect the children (decision 389)"
		}
		return "Referral amended: a court order in force keeps an adult named on the referral from the children; " +
			"they may no longer attend, bring or collect them"
	case *referralv1.ChildBirthMonthCorrected:
		// The birth month is in the event, as in FamilyReadyForContact, but the history says
		// neither it nor the age band it gives: it names no child and no age (decision 187).
		return "Referral amended: a child's date of birth corrected; sessions completed from now on record the child's age band by it"
	case *referralv1.FirstSessionAttended:
		return "First session attended: contact has begun"
	case *referralv1.ReviewHeld:
		// The day held, the day due and how late, and the decision (review 42); a review recorded
		// before the decision and due date were kept says the day it was held.
		s := "Case reviewed on " + date(ev.GetHeldOn())
		if due := ev.GetDueOn(); due != nil {
			s += " (due " + date(due)
			if held, by := dates.Time(ev.GetHeldOn()), dates.Time(due); !held.IsZero() && !by.IsZero() && held.After(by) {
				late := int(held.Sub(by).Hours() / 24)
				s += fmt.Sprintf(", %d %s late", late, plural(late, "day", "days"))
			}
			s += ")"
		}
		switch ev.GetDecision() {
		case referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE:
			s += ": continue as agreed"
		case referralv1.ReviewDecision_REVIEW_DECISION_CHANGE:
			s += ": change the arrangement"
		case referralv1.ReviewDecision_REVIEW_DECISION_MOVE_ON:
			s += ": move on, the end of the case planned"
		case referralv1.ReviewDecision_REVIEW_DECISION_REFER_BACK:
			s += ": refer back to the court or the referrer"
		}
		return s
	case *referralv1.CaseEnded:
		return "Case ended" + onDay(ev.GetEndedOn()) + ": " + words.Enum(ev.GetOutcome())
	case *referralv1.CaseEndingCorrected:
		return "Case ending corrected: outcome " + words.Enum(ev.GetOutcome()) + " (was " + words.Enum(ev.GetPreviousOutcome()) + ")"
	case *referralv1.CaseReopened:
		return "Case reopened: its ending on " + date(ev.GetEndedOn()) + " (" + words.Enum(ev.GetOutcome()) + ") was a mistake; the case is " +
			words.Enum(ev.GetState()) + " again"
	case *referralv1.PlaceReleasedNoted:
		return "Referral noted the place released: the case stays open for the coordinator to book the family again, put it back on the waiting list, or end it"
	case *referralv1.SessionAttendedAfterRelease:
		return "Family attended a session on " + date(ev.GetSessionOn()) + " after its place was released: the release is past"
	case *referralv1.CaseSuspended:
		return "Case suspended by a safeguarding hold"
	case *referralv1.FamilyErased:
		if ev.GetReason() == referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED {
			return "Family's personal details erased" + onDay(ev.GetErasedOn()) + ": their retention ended"
		}
		return "Family's personal details erased" + onDay(ev.GetErasedOn()) + " at their request"
	case *referralv1.RiskAssessmentNoted:
		// A coordinator or the lead records the assessment; the noted event carries neither, and
		// its envelope's actor is referral's consumer, so the words name no role (decision 92).
		if ev.GetDomesticAbuseFinding() {
			return "Referral noted safeguarding's risk assessment of " + date(ev.GetAssessedOn()) + ": domestic abuse found, supported contact ruled out"
		}
		return "Referral noted safeguarding's risk assessment of " + date(ev.GetAssessedOn()) + ": no domestic abuse found"
	case *referralv1.CaseResumed:
		if ev.GetHoldsInForce() == 0 {
			return "Safeguarding hold lifted; contact resumes"
		}
		return fmt.Sprintf("Safeguarding hold lifted; %d still in force", ev.GetHoldsInForce())
	case *referralv1.PossibleDuplicateFlagged:
		return "Possible duplicate referral flagged for a person to check"
	case *referralv1.PossibleDuplicateChecked:
		return "Safeguarding lead checked that a possible duplicate referral is another family"
	case *referralv1.SameChildConfirmed:
		// The other referral is named (review 63 finding 5); where it was and how its case ended
		// are not the event's, and FamilyHistory says them as the history stood (referredAgain).
		return sameChildWords(ev.GetOtherReferralId(), "")
	case *referralv1.ChildMatchedForFigures:
		// No family's step: the link is on a stream of its own, of no family (decision 411).
		return "A child matched, by exactly the same name and date of birth, with a child referred at another centre: " +
			"counted once in the national figures"
	case *referralv1.ChildUnmatchedForFigures:
		// The link's own stream, of no family, as the link (decision 413).
		return "A child matched for the national figures with a child referred at another centre no longer matches " +
			"(a corrected name or date of birth)"
	case *referralv1.FamilyDetailsOpened:
		if ev.GetAfterErasure() {
			// Recorded as asked, never as an opening: nothing was left to show (decision 235).
			who := "someone"
			if rs := ev.GetReaderRoles(); len(rs) == 1 {
				who = roleWords(rs[0], true)
			}
			return "Family's details asked for by " + who + " after they were erased: nothing was shown"
		}
		if ev.GetDoorDay() != nil && len(ev.GetReaderRoles()) == 1 {
			// For the door: once a reader, family and day (GetDoorNames); names only before
			// decision 325, with the languages and the children's needs since.
			what := "Names"
			if ev.GetDoorNeeds() {
				what = "Names, languages and the children's needs"
			}
			return what + " read for the door's day sheet of " + date(ev.GetDoorDay()) + " by " + roleWords(ev.GetReaderRoles()[0], true)
		}
		if rs := ev.GetReaderRoles(); len(rs) != 1 {
			words := make([]string, len(rs))
			for i, r := range rs {
				words[i] = roleWords(r, false)
			}
			return "Family's details opened by someone with the roles " + strings.Join(words, ", ")
		}
		return "Family's details opened by " + roleWords(ev.GetReaderRoles()[0], true)
	case *schedulingv1.FamilyReadyNoted:
		return "Scheduling noted the family may be booked (" + words.Enum(ev.GetServiceType()) + ")"
	case *schedulingv1.ArrangementChangeNoted:
		return fmt.Sprintf("Scheduling noted the changed arrangement: sessions booked from now on last %d minutes, the visiting parent "+
			"arriving %d minutes before the children and leaving %d after; bookings already made keep their times",
			ev.GetSessionMinutes(), ev.GetArrivalStaggerMinutes(), ev.GetDepartureStaggerMinutes())
	case *schedulingv1.ChildrenLeavingNoted:
		return "Scheduling noted the amendment: the day sheet says from now on that " + leaving(ev.GetChildrenMayLeaveCentre())
	case *schedulingv1.AdultKeptFromChildrenNoted:
		if ev.GetWithdrawn() {
			return "Scheduling noted the amendment: the door refuses the adult taken off the referral from now on (decision 389)"
		}
		return "Scheduling noted the court order: the door refuses the adult it keeps from the children from now on (decision 323)"
	case *schedulingv1.ChildBirthMonthNoted:
		return "Scheduling noted a child's corrected date of birth: sessions completed from now on record the child's age band by it; " +
			"those completed before keep the age band they were recorded with"
	case *schedulingv1.HoldNoted:
		return "Scheduling noted a safeguarding hold: future bookings cancelled, none taken"
	case *schedulingv1.HoldLiftNoted:
		return "Scheduling noted a hold lifted"
	case *schedulingv1.SupportedContactRuledOut:
		return "Supported contact ruled out by a domestic-abuse finding (risk assessed " + date(ev.GetAssessedOn()) +
			"): future supported bookings cancelled, none taken"
	case *schedulingv1.SupportedContactAllowed:
		return "Supported contact allowed again by a later risk assessment (" + date(ev.GetAssessedOn()) + ")"
	case *schedulingv1.DisclosureNoted:
		return "Scheduling noted a disclosure of domestic abuse carried to the referral on " + date(ev.GetFlaggedOn()) +
			": contact other than supervised stops until the safeguarding lead's risk assessment"
	case *schedulingv1.RiskAssessmentNoted:
		// Scheduling weighs a carried disclosure by the instants it was carried and the
		// assessment recorded (decision 249), and by their dates only when an event has no
		// instant (recorded before then): the words say the rule the event was weighed by.
		if ev.GetAssessedAt() != nil {
			return "Scheduling noted a risk assessment of " + date(ev.GetAssessedOn()) + ": it weighs any disclosure carried before it was recorded"
		}
		return "Scheduling noted a risk assessment of " + date(ev.GetAssessedOn()) + ": it weighs a disclosure noted on or before it"
	case *schedulingv1.ReviewDueNoted:
		// Decision 261: bookings of supported contact after the date are warned, and the day
		// sheet alerts them, until a review is recorded.
		if ev.GetReviewDueOn() == nil {
			return "Scheduling noted that no review is due"
		}
		return "Scheduling noted the review due by " + date(ev.GetReviewDueOn()) +
			": supported sessions after it are warned of and alerted until the review is recorded"
	case *schedulingv1.ContactEnded:
		return "Scheduling noted contact ended: future bookings cancelled"
	case *schedulingv1.ContactReopened:
		return "Scheduling noted the case reopened: the family may be booked again; bookings cancelled at the ending stay cancelled"
	case *schedulingv1.FamiliesKeptApart:
		// Decision 330: the other family by id only, never its people.
		said := "Kept apart from family " + ev.GetOtherFamilyId() + " at the centre from " + date(ev.GetKeptOn()) + " (" +
			words.Enum(ev.GetReason()) + "): the two are never booked at the same time there"
		if from := ev.GetCarriedFromFamilyId(); from != "" {
			// Decision 363: carried by the service from the family referred again, by id only.
			said += "; carried from family " + from + ", kept apart from it so, when a child was confirmed as the same child " +
				"referred again"
		}
		return said
	case *schedulingv1.KeepingApartEnded:
		return "No longer kept apart from family " + ev.GetOtherFamilyId() + " at the centre from " + date(ev.GetEndedOn()) +
			": the two may be booked at the same time again"
	case *schedulingv1.ReferralNoted:
		if ev.GetDecision() == schedulingv1.ReferralDecision_REFERRAL_DECISION_UNDONE {
			return "Scheduling noted the referral's decision undone: the family is offered no place until referral decides again"
		}
		return "Scheduling noted the referral " + words.Enum(ev.GetDecision())
	case *schedulingv1.SessionBooked:
		return "Session booked (" + words.Enum(ev.GetServiceType()) + ") for " + date(ev.GetSessionDate())
	case *schedulingv1.BookingCancelled:
		if why := ev.GetCallOffReason(); why != schedulingv1.CallOffReason_CALL_OFF_REASON_UNSPECIFIED &&
			ev.GetReason() == schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED {
			// The centre's call-off with its reason (decision 284): the centre's own cause, never a
			// party's request or late notice (review 50 read "requested (under 48 hours' notice)" of
			// a burst pipe), with the notice the family was given (decision 332).
			return "Booking for " + date(ev.GetSessionDate()) + " called off by the centre: " + words.Enum(why) +
				" (the family told " + noticeGiven(ev) + ")"
		}
		s := "Booking for " + date(ev.GetSessionDate()) + " cancelled by the " + words.Enum(ev.GetCancelledBy()) + ": " + words.Enum(ev.GetReason())
		// Notice is a family's, the centre's or the referrer's: how long before the party was due,
		// and late under 48 hours (review 58: "under 48 hours' notice" read the same of 20 minutes
		// and of 47 hours, and a court asks which; decision 332). A booking the platform called off
		// (a hold, a case's end, a released place), or the centre's stop at the door, was nobody's
		// notice: its reason says why, as the day sheet says it (decision 128).
		if by := ev.GetCancelledBy(); by != schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM && by != schedulingv1.CancelledBy_CANCELLED_BY_UNSPECIFIED &&
			ev.GetReason() != schedulingv1.CancellationReason_CANCELLATION_REASON_CONTACT_STOPPED {
			if ev.GetLate() {
				s += " (under 48 hours' notice: " + noticeGiven(ev) + ")"
			} else {
				s += " (notice: " + noticeGiven(ev) + ")"
			}
		}
		return s
	case *schedulingv1.PlaceTaken:
		return "Place taken in a room for " + date(ev.GetSessionDate())
	case *schedulingv1.PlaceFreed:
		return "Place freed in a room for " + date(ev.GetSessionDate())
	case *schedulingv1.PersonCheckedIn:
		return "A named person checked in"
	case *schedulingv1.CheckInRefused:
		switch ev.GetReason() {
		case "ON_HOLD":
			return "Check-in refused: a safeguarding hold suspends the family's contact"
		case "BOOKING_CANCELLED":
			return "Check-in refused: the booking was cancelled"
		case "ALREADY_LEFT":
			return "Check-in refused: the person's party had already left"
		case "DISCLOSURE_NOT_WEIGHED":
			// Decision 225: the person is named; the family's contact waits for the lead.
			return "Check-in refused: a disclosure of domestic abuse waits for the safeguarding lead's risk assessment"
		case "NOT_PERMITTED":
			// Decision 308: the person is named on the referral, but not to attend this contact.
			return "Check-in refused to a person named for the family but not to attend its contact"
		case "CASE_ENDED":
			// Decision 346: the person is named; the case ended before anyone came to the session.
			return "Check-in refused: the family's case had ended before anyone of the family came to the session"
		case "BOOKING_NO_SHOW":
			// Decision 359: the person is named; the session was recorded as a no-show.
			return "Check-in refused: the session had been recorded as a no-show"
		case "BOOKING_COMPLETED":
			// Decision 359: the person is named; the session had been recorded as completed.
			return "Check-in refused: the session had been recorded as completed"
		case "SESSION_OVER":
			// Decision 372: the person is named; they came once the door's record of the session closed.
			return "Check-in refused: the session was over (the door checks people in until an hour after the visiting parent is due to leave)"
		}
		return "Check-in refused to a person not named for the family"
	case *schedulingv1.CheckInRefusalWithdrawn:
		// Decision 301: the refusal stays in the log; this step says it was recorded by mistake.
		when := ""
		if at := ev.GetWasAt(); at != nil {
			when = " of " + at.AsTime().In(dates.UK()).Format("15:04")
		}
		return "Check-in refusal" + when + " withdrawn: recorded by mistake at the door"
	case *schedulingv1.PartyArrived:
		// The time the party came, not when it was typed in (the step's own time): a volunteer
		// may record the door's paper register later, with --at.
		who := partyWords(ev.GetParty())
		if ev.GetMoreChildren() {
			who = "more of the children (with whoever brings them)"
		}
		if by := rolesWords(ev.GetAdultRoles()); by != "" {
			who = movedBy(ev.GetParty(), by, "brought")
			if ev.GetMoreChildren() {
				who = "more of the children, brought by " + by
			}
		}
		if ev.GetAt() == nil {
			return "Arrived: " + who
		}
		return "Arrived at " + clock(ev.GetAt(), recorded) + " (UK time): " + who
	case *schedulingv1.PartyDeparted:
		who := leavingPartyWords(ev.GetParty())
		if ev.GetChildrenRemain() {
			who = "some of the children (with whoever collects them; the others stay)"
		}
		if by := rolesWords(ev.GetAdultRoles()); by != "" {
			who = movedBy(ev.GetParty(), by, "collected")
			if ev.GetChildrenRemain() {
				who = "some of the children, collected by " + by + " (the others stay)"
			}
		}
		if ev.GetAt() == nil {
			return "Left: " + who
		}
		return "Left at " + clock(ev.GetAt(), recorded) + " (UK time): " + who
	case *schedulingv1.MovementCorrected:
		return correction(ev, recorded)
	case *schedulingv1.SessionCalledOff:
		return "Session called off by a safeguarding hold with the family inside (" + words.Enum(ev.GetServiceType()) +
			"): its observation report is due"
	case *schedulingv1.SessionCompleted:
		s := "Session completed (" + words.Enum(ev.GetServiceType()) + "), " + children(len(ev.GetChildren()))
		if never := ev.GetNeverRecordedLeaving(); len(never) > 0 {
			// Completed after the hour the door records movements for, someone still recorded
			// inside (decision 188): a court reading the history must not take it that the
			// children were seen collected (review 27).
			kids := 0
			for _, c := range ev.GetChildren() {
				if slices.Contains(never, c.GetPersonId()) {
					kids++
				}
			}
			var who []string
			if kids > 0 {
				who = append(who, fmt.Sprintf("%s never recorded leaving (who collected them is not recorded)", children(kids)))
			}
			if len(never) > kids {
				who = append(who, "the visiting party never recorded leaving")
			}
			s += "; " + strings.Join(who, "; ")
		}
		return s
	case *schedulingv1.NoShowWithdrawn:
		return "No-show withdrawn, recorded by mistake: " + partyWords(ev.GetParty()) + " came after all"
	case *schedulingv1.NoShowRecorded:
		s := "No-show: " + partyWords(ev.GetParty()) + " did not come"
		if ev.GetExplained() {
			return s + " (explained)"
		}
		if kept := ev.GetPlaceKeptBySessionOn(); kept != nil {
			// Only then the session's day and why the place stands (decision 183): a no-show
			// recorded before says exactly what it said, as its stored description is compared
			// with this one (VerifyFamilyHistory).
			return "No-show on " + date(ev.GetSessionDate()) + ": " + partyWords(ev.GetParty()) + " did not come" +
				fmt.Sprintf(" (unexplained, %d since the place was last released; recorded after the family came on %s, so the place is kept)",
					ev.GetUnexplainedCount(), date(kept))
		}
		return s + fmt.Sprintf(" (unexplained, %d since the place was last released)", ev.GetUnexplainedCount())
	case *schedulingv1.PlaceReleased:
		return fmt.Sprintf("Place released after %d unexplained no-shows", len(ev.GetNoShowBookingIds()))
	case *schedulingv1.WaitingListJoined:
		if ev.GetOfferNotTaken() == schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_ON_HOLD {
			// Decision 384: the place offered went back when a hold was placed; the family keeps its place.
			return "Place offered withdrawn when a safeguarding hold was placed: back at its place on the centre's waiting list for " +
				words.Enum(ev.GetServiceType()) + " contact"
		}
		if ev.GetOfferNotTaken() == schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_PLACE_WITHDRAWN {
			// Decision 417: the pattern redefined left the place offered no session to be booked into.
			return "Place offered withdrawn when the centre changed its opening times and left it no session: back at its place on " +
				"the centre's waiting list for " + words.Enum(ev.GetServiceType()) + " contact"
		}
		return "Joined the centre's waiting list for " + words.Enum(ev.GetServiceType()) + " contact"
	case *schedulingv1.PlaceOffered:
		if n := ev.GetPassedOver(); n > 0 {
			// An offer out of turn says so, and why (decision 193); one in turn says what it
			// always said, as its stored description is compared with this one.
			return fmt.Sprintf("Place offered from the waiting list out of turn (%s): %d %s waiting longer passed over",
				words.Enum(ev.GetOutOfTurnReason()), n, plural(int(n), "family", "families"))
		}
		return "Place offered from the waiting list"
	case *schedulingv1.WaitingListLeft:
		if ev.GetReason() == schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_DECISION_UNDONE {
			// Not why: a parent's copy says of the amendment only "Referral amended" (review 81, H3).
			return "Left the centre's waiting list without an offer: the referral's decision was undone, so it is decided again"
		}
		return "Left the centre's waiting list without an offer: " + words.Enum(ev.GetReason())
	case *safeguardingv1.RiskScreenedProvisionally:
		switch {
		case ev.GetCarriedAfterAssessmentOn() != nil:
			return "Risk screened provisionally: " + words.Enum(ev.GetRating()) + ", a disclosure of domestic abuse carried to the family " +
				"after the risk assessment of " + date(ev.GetCarriedAfterAssessmentOn()) + ": for the safeguarding lead to assess again"
		case ev.GetDisclosureCarried():
			return "Risk screened provisionally from a disclosure of domestic abuse carried from another referral of the child: " +
				words.Enum(ev.GetRating())
		}
		return "Risk screened provisionally from the referral: " + words.Enum(ev.GetRating())
	case *safeguardingv1.RiskAssessed:
		return "Risk assessed: " + words.Enum(ev.GetRating())
	case *safeguardingv1.ConcernRaised:
		if ev.GetMovedBack() {
			// Decision 410: moved away from this family by mistake, and moved back.
			return "Safeguarding concern raised again: " + words.Enum(ev.GetCategory()) +
				" (moved back by the safeguarding lead: moving it away from this family was the mistake)"
		}
		if ev.GetMovedFromConcernId() != "" {
			// Decision 404: moved here from the family it was raised about by mistake, on the date
			// it was first raised.
			return "Safeguarding concern raised: " + words.Enum(ev.GetCategory()) +
				" (first recorded about another family by mistake, and moved here by the safeguarding lead)"
		}
		return "Safeguarding concern raised: " + words.Enum(ev.GetCategory())
	case *safeguardingv1.LeadAlerted:
		return "Safeguarding lead alerted"
	case *safeguardingv1.ConcernActionAdded:
		return "Action recorded on a safeguarding concern"
	case *safeguardingv1.ConcernEscalated:
		return "Safeguarding concern escalated to " + words.Enum(ev.GetAgency())
	case *safeguardingv1.ConcernClosed:
		if o := ev.GetOutcome(); o != safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_UNSPECIFIED {
			// Recorded since the outcome was (decision 287). One closed before says exactly what it
			// said, as its stored description is compared with this one (VerifyFamilyHistory).
			return "Safeguarding concern closed: " + words.Enum(o)
		}
		return "Safeguarding concern closed"
	case *safeguardingv1.ConcernMoved:
		return "Safeguarding concern moved: it was recorded about this family by mistake, and is about another family"
	case *safeguardingv1.RecordCorrected:
		return "A safeguarding record corrected (" + words.Event(ev.GetCorrectsEventType()) + ")"
	case *safeguardingv1.HoldPlaced:
		return "Hold placed: contact suspended (" + words.Enum(ev.GetReason()) + ")"
	case *safeguardingv1.LeadAlertedOfHold:
		if ev.GetPlacedInRole() == "" {
			return "Safeguarding lead alerted of the hold: placed by someone not on the centre's staff register that day"
		}
		return "Safeguarding lead alerted of the hold: placed by someone the staff register had as " +
			registerRole(ev.GetPlacedInRole()) + " that day"
	case *safeguardingv1.LeadAlertedOfDuplicateCheck:
		// Which centre and referral are the lead's alert's, not the history's words (decision 211).
		return "Safeguarding lead alerted of the hold: another centre's safeguarding lead checked on " + date(ev.GetCheckedOn()) +
			" that a family referred there is not this family"
	case *safeguardingv1.LeadAlertedOfFindingCheck:
		// As the hold's: which centre and referral are the lead's alert's (decision 226).
		return "Safeguarding lead alerted of the domestic-abuse finding of " + date(ev.GetFindingMadeOn()) +
			": another centre's safeguarding lead checked on " + date(ev.GetCheckedOn()) + " that a family referred there is not this family"
	case *safeguardingv1.HoldReviewed:
		// Why it continues is the sealed note, never read here (decision 94).
		return "Hold reviewed: it continues; next review by " + date(ev.GetNextReviewBy())
	case *safeguardingv1.HoldLifted:
		return "Hold lifted"
	case *safeguardingv1.ReportDue:
		return "Observation report due for the session of " + date(ev.GetSessionOn())
	case *safeguardingv1.ReportDrafted:
		return "Observation report drafted"
	case *safeguardingv1.ReportReassigned:
		return "Observation report given to another writer by the safeguarding lead"
	case *safeguardingv1.ReportSubmittedForCheck:
		return "Observation report submitted for a second person's check"
	case *safeguardingv1.ReportChecked:
		if ev.GetApproved() {
			return "Observation report checked and approved"
		}
		return "Observation report checked and returned"
	case *safeguardingv1.ReportReleased:
		return fmt.Sprintf("Observation report released to %d recipients", len(ev.GetRecipients()))
	case *safeguardingv1.ReportCopiesSent:
		// Whom by kind, never by person (decision 331): "the court, a parent".
		kinds := make([]string, len(ev.GetRecipients()))
		for i, r := range ev.GetRecipients() {
			kinds[i] = recipientKindWords(r.GetKind())
		}
		more := "1 more recipient"
		if n := len(kinds); n != 1 {
			more = fmt.Sprintf("%d more recipients", n)
		}
		words := "Observation report sent by the safeguarding lead, after its release, to " + more + ": " + strings.Join(kinds, ", ")
		if ev.GetDespiteCorrection() {
			// Decision 375: the text as released, which a correction had put right since.
			words += " (the text as released, corrected since: the lead tells them what changed)"
		}
		return words
	case *safeguardingv1.AccessRecorded:
		return "Safeguarding record read by " + roleWords(ev.GetRole(), true)
	case *safeguardingv1.AccessRefused:
		// A refused attempt is on the audit too (decision 297): said as a refusal, by the first
		// role the caller's token gave them there, with nothing of what was asked for.
		role, _, _ := strings.Cut(ev.GetRole(), ",")
		who := roleWords(strings.TrimSpace(role), true)
		switch ev.GetReason() {
		case "OUTSIDE_YOUR_CENTRES", "NOT_AT_THIS_CENTRE":
			// Review 74: another centre's lead read as this centre's own.
			who += " of another centre"
		case "NOT_THE_LEAD", "NOT_IN_ROLE":
			// Decision 373: on the centre's register, in another role than their token's.
			who += " (as their token said; the centre's staff register does not give them that role)"
		}
		// What was asked for, by kind (review 75 read a concern's refusal as the whole record's).
		what := "Safeguarding record"
		switch ev.GetKind() {
		case safeguardingv1.RecordKind_RECORD_KIND_CONCERN:
			what = "A concern"
		case safeguardingv1.RecordKind_RECORD_KIND_REPORT:
			what = "An observation report"
		case safeguardingv1.RecordKind_RECORD_KIND_SAFEGUARDING_RECORD:
			what = "The family's safeguarding record"
		}
		return what + " asked for by " + who + ": refused, nothing given"
	}
	return ""
}

// recipientKindWords is a report's recipient by kind, in words: "a parent", "the court".
func recipientKindWords(k safeguardingv1.RecipientKind) string {
	switch k {
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT:
		return "a parent"
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_OTHER_PARENTAL_RESPONSIBILITY:
		return "an adult with parental responsibility"
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR:
		return "a party's solicitor"
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS:
		return "Cafcass"
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_LOCAL_AUTHORITY:
		return "the local authority"
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT:
		return "the court"
	}
	return "someone"
}

// roles are the roles a token names, in words, as the history says who acted (decision 83).
var roles = map[string]string{"referrer": "referrer", "coordinator": "coordinator", "volunteer": "volunteer",
	"supervisor": "contact supervisor", "safeguarding_lead": "safeguarding lead", "national_analyst": "national analyst",
	"admin": "administrator", "service": "service"}

// roleWords is a role in words, never its code: "safeguarding lead", or with its article "the
// safeguarding lead" (a centre has one), "a coordinator", "an administrator". A role not known
// here is its code with spaces; none is "someone".
func roleWords(role string, article bool) string {
	if role == "" {
		return "someone"
	}
	w, ok := roles[role]
	if !ok {
		w = strings.ReplaceAll(role, "_", " ")
	}
	switch {
	case !article:
		return w
	case role == "safeguarding_lead":
		return "the " + w
	case strings.ContainsAny(w[:1], "aeiou"):
		return "an " + w
	}
	return "a " + w
}

// leaving says whether the children may leave the centre during contact (decision 117).
func leaving(may bool) string {
	if may {
		return "the children may leave the centre during contact"
	}
	return "the children stay in the centre during contact"
}

// arrangement says how often, how long and with what stagger contact runs, as the family agreed
// it: the kind of contact is said where the case was accepted, and never changes with it.
func arrangement(a *referralv1.Arrangement) string {
	return fmt.Sprintf("%s, %d-minute sessions, the visiting parent arriving %d minutes before the children and leaving %d after",
		words.Enum(a.GetFrequency()), a.GetSessionMinutes(), a.GetStagger().GetArrivalMinutes(), a.GetStagger().GetDepartureMinutes())
}

func children(n int) string {
	if n == 1 {
		return "1 child"
	}
	return strconv.Itoa(n) + " children"
}

// onDay is " on YYYY-MM-DD", the day a step took place, in the words of a step whose words said
// no day (review 49, decision 286); nothing for an event recorded without it.
func onDay(d *commonv1.Date) string {
	if d == nil || (d.GetYear() == 0 && d.GetMonth() == 0 && d.GetDay() == 0) {
		return ""
	}
	return " on " + date(d)
}

// date is YYYY-MM-DD (a rebuild describes every event: this is written without fmt).
func date(d *commonv1.Date) string {
	if d == nil {
		return "an unknown date"
	}
	y, m, dd := d.GetYear(), d.GetMonth(), d.GetDay()
	if y < 0 || y > 9999 || m < 0 || m > 99 || dd < 0 || dd > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", y, m, dd)
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + dd/10), byte('0' + dd%10)}
	return string(b[:])
}

func source(s commonv1.ReferralSource) string {
	switch s {
	case commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS:
		return "Cafcass"
	case commonv1.ReferralSource_REFERRAL_SOURCE_COURT:
		return "a court"
	case commonv1.ReferralSource_REFERRAL_SOURCE_OTHER:
		return "another referrer"
	case commonv1.ReferralSource_REFERRAL_SOURCE_MEDIATION:
		return "a mediator"
	case commonv1.ReferralSource_REFERRAL_SOURCE_LOCAL_AUTHORITY:
		return "a local authority"
	}
	return "a " + words.Enum(s)
}

// partyWords names a party of a session as a court would read it.
func partyWords(p schedulingv1.Party) string {
	switch p {
	case schedulingv1.Party_PARTY_VISITING:
		return "the visiting parent"
	case schedulingv1.Party_PARTY_CHILDREN:
		return "the children (with whoever brings them)"
	case schedulingv1.Party_PARTY_BOTH: // a no-show of the whole session (decision 406)
		return "both parties (the visiting parent, and the children with whoever brings them)"
	}
	return "a party"
}

// rolesWords names who came or left by their roles, as the event gives them (decision 391): "the
// resident parent", "a named escort and a named relative". Never a name: reporting holds no
// personal data. Empty for an event recorded before the roles were (the words then say "whoever").
func rolesWords(roles []schedulingv1.PersonRole) string {
	if len(roles) == 0 {
		return ""
	}
	said := make([]string, len(roles))
	for i, r := range roles {
		said[i] = adultRoleWords(r)
	}
	if len(said) == 1 {
		return said[0]
	}
	return strings.Join(said[:len(said)-1], ", ") + " and " + said[len(said)-1]
}

// movedBy is a party that came or left with who (rolesWords): the children "brought by" or
// "collected by" them (verb), the visiting party who they are.
func movedBy(p schedulingv1.Party, who, verb string) string {
	if p == schedulingv1.Party_PARTY_CHILDREN {
		return "the children, " + verb + " by " + who
	}
	return who
}

// adultRoleWords names one adult of the family by role, as a court would read it.
func adultRoleWords(r schedulingv1.PersonRole) string {
	switch r {
	case schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT:
		return "the resident parent"
	case schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT:
		return "the visiting parent"
	case schedulingv1.PersonRole_PERSON_ROLE_OTHER_PARENTAL_RESPONSIBILITY:
		return "another adult with parental responsibility"
	case schedulingv1.PersonRole_PERSON_ROLE_NAMED_RELATIVE:
		return "a named relative"
	case schedulingv1.PersonRole_PERSON_ROLE_NAMED_ESCORT:
		return "a named escort"
	}
	return "an adult named for the family"
}

// leavingPartyWords names a party as it leaves: the children leave with whoever collects them,
// who may not be who brought them.
func leavingPartyWords(p schedulingv1.Party) string {
	if p == schedulingv1.Party_PARTY_CHILDREN {
		return "the children (with whoever collects them)"
	}
	return partyWords(p)
}

// correction says which movement of which party a correction is of, what its record said, and
// what happened instead: the time it is corrected to, the same time with someone else named, or
// that it did not happen. Who came or left is said by no name (person ids only, never read here).
func correction(ev *schedulingv1.MovementCorrected, recorded *timestamppb.Timestamp) string {
	what, who, party := "Departure", "who left", leavingPartyWords(ev.GetParty())
	if ev.GetMovement() == schedulingv1.Movement_MOVEMENT_ARRIVAL {
		what, who, party = "Arrival", "who came", partyWords(ev.GetParty())
	}
	at, was := ev.GetAt(), ev.GetWasAt()
	switch {
	case at == nil && was == nil:
		return what + " withdrawn, it did not happen (recorded by mistake): " + party
	case at == nil:
		return what + " withdrawn, it did not happen (recorded by mistake at " + clock(was, recorded) + ", UK time): " + party
	case was == nil:
		return what + " corrected to " + clock(at, recorded) + " (UK time): " + party
	case at.AsTime().Equal(was.AsTime()):
		// Only who came or left can have changed: the event carries who now, not who before.
		return what + " corrected for " + who + ", at " + clock(at, recorded) + " as recorded (UK time): " + party
	}
	// Both times are on the session's date (scheduling refuses others): the date, when said, is
	// said once.
	return what + " corrected to " + clock(at, recorded) + " (UK time; recorded as " + uk(was).Format("15:04") + "): " + party
}

// uk is at in the zone a movement's clock time is said in, the centres' (dates.UK). Arrivals,
// departures and their corrections carry the instant only, not their booking's zone
// (SessionBooked does, an earlier event, and Describe reads one event alone, so that a rebuild and
// a verification say the same), so the words take the centres' time as referral's dates and the
// figures take it, and say "UK time": the clock of a centre whose rooms open in another zone
// (scheduling allows one) is then still read for what it is.
func uk(at *timestamppb.Timestamp) time.Time { return at.AsTime().In(dates.UK()) }

// clock is the UK clock time of at, "10:30", and its date after it ("10:30 on 2026-11-29") when
// it was recorded on another day: the history dates each step by when it was recorded, and a
// court must not read an arrival typed in the next morning as that morning's. An envelope that
// says nowhere when it was recorded is taken as recorded that day.
func clock(at, recorded *timestamppb.Timestamp) string {
	t := uk(at)
	s := t.Format("15:04")
	if recorded != nil && uk(recorded).Format(time.DateOnly) != t.Format(time.DateOnly) {
		s += " on " + t.Format(time.DateOnly)
	}
	return s
}

// ForAParent is the steps one of the parents may be given (a parent's request for their own
// record), in place of steps, whose memory it reuses: each step's time is the start of its day, UK
// time, and the words of a party's arrival, departure or a correction of either give no clock
// time (decision 190); the steps of safeguarding and what the family's risk was found or said to
// be are left out, and the words of steps that would say it are the bare step (decision 196). A
// parent is one party, and what the other disclosed, or what the lead weighed, is not theirs to be
// given by the centre's history; the centre's own reads keep everything: a court asks for it.
//
// The steps that have a day of their own (OccurredOn) come in the order of their days, where the
// centre's read keeps the order recorded (review 49, decision 286): a parent's copy says days
// only, and a step typed in later than it happened would read as out of its place. The door's
// steps of a day (arrivals, check-ins, departures and their corrections) come in a fixed order,
// at the place of the day's first, and no step says which stream or version it is: the order the
// parties came and left in, or a gap where a step was left out, would tell what the times no
// longer do (review 28).
//
// Of the holds, a parent's copy says "Contact suspended" when the first suspends the family's
// contact and "Contact may resume" when the last is lifted, and nothing of one placed or lifted
// while another stands, nor once the case is over: how many there were would tell that more
// than one safeguarding matter stood (review 29). A step it gives bare names no one (bareSteps),
// and no step names an account (parentsRole).
func ForAParent(steps []Step) []Step {
	taken := takenBack(steps)
	kept := steps[:0]
	var contact suspension
	for i, s := range steps {
		if taken[i] {
			continue
		}
		words, ok := contact.words(s)
		if ok {
			words, ok = parentsWords(s.Service, s.Type, words)
		}
		if !ok {
			continue
		}
		t := s.RecordedAt.In(dates.UK())
		s.RecordedAt = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, dates.UK())
		s.Description = withoutTimes(s.Type, words)
		s.Stream, s.Version = "", 0
		s.Actor, s.ActorRole = "", parentsRole(s)
		kept = append(kept, s)
	}
	inTheOrderOfTheirDays(kept)
	atTheDoorByDay(kept)
	return kept
}

// inTheOrderOfTheirDays puts the steps of a parent's copy that have a day of their own (the day
// they took place: a pre-visit's, a review's, an arrival's) in the order of their days, each at
// the place of one of them; a step with no day of its own (a booking, made when it was recorded)
// stays where it was recorded. Review 49 read an arrival of the 16th before a review of the 12th,
// both typed in on one day. The sort is stable: steps of one day keep the order recorded.
func inTheOrderOfTheirDays(steps []Step) {
	var at []int
	for i := range steps {
		if !steps[i].OccurredOn.IsZero() {
			at = append(at, i)
		}
	}
	dated := make([]Step, len(at))
	for j, i := range at {
		dated[j] = steps[i]
	}
	slices.SortStableFunc(dated, func(a, b Step) int { return a.OccurredOn.Compare(b.OccurredOn) })
	for j, i := range at {
		steps[i] = dated[j]
	}
}

// atTheDoorByDay gathers the door's steps of each day (the day they took place) at the place of
// that day's first, sorted by kind and words: the order the parties came and left in is not the
// copy's to tell (review 28). A door step whose event says no day (a check-in or an arrival
// recorded before their times were kept) is of the day of the door step before it, the session
// it was recorded with, or else of the day it was recorded.
func atTheDoorByDay(steps []Step) {
	day := make([]time.Time, len(steps))
	var last time.Time
	var days map[time.Time][]Step
	for i, s := range steps {
		if atTheDoor[s.Type] == 0 {
			continue
		}
		switch {
		case !s.OccurredOn.IsZero():
			day[i] = s.OccurredOn
		case !last.IsZero():
			day[i] = last
		default:
			day[i] = time.Date(s.RecordedAt.Year(), s.RecordedAt.Month(), s.RecordedAt.Day(), 0, 0, 0, 0, time.UTC) // its UK day (ForAParent)
		}
		last = day[i]
		if days == nil {
			days = map[time.Time][]Step{}
		}
		days[day[i]] = append(days[day[i]], s)
	}
	if days == nil {
		return
	}
	out := make([]Step, 0, len(steps))
	for i, s := range steps {
		if atTheDoor[s.Type] == 0 {
			out = append(out, s)
			continue
		}
		door, ok := days[day[i]]
		if !ok {
			continue // gathered at the day's first
		}
		slices.SortStableFunc(door, func(a, b Step) int {
			if c := cmp.Compare(atTheDoor[a.Type], atTheDoor[b.Type]); c != 0 {
				return c
			}
			return strings.Compare(a.Description, b.Description)
		})
		out = append(out, door...)
		delete(days, day[i])
	}
	copy(steps, out)
}

// takenBack are the steps a parent's copy leaves out because the centre took them back as
// recorded by mistake, with the step that took each back: a no-show withdrawn ("came after all"),
// and an arrival or departure withdrawn as not having happened. Review 31 read a parent's copy
// after a no-show tapped too early: "Left: the children" twice, a correction, "No-show: the
// visiting parent did not come", "No-show withdrawn", in the door's fixed order, which read as a
// parent who left before coming. What stands is what the copy gives; the centre's read keeps
// both.
//
// A withdrawal is paired with the one step it can only mean: in the same stream, of the same
// kind and party, recorded the same day (a no-show is withdrawn on its session's day, a movement
// before its session is completed), not already paired, and, for a movement withdrawn with the
// time it was recorded at, recorded at that time. The words name no booking, and a family's
// bookings share its stream: where two steps could be the one withdrawn (review 34 recorded a
// late no-show of last week's session between today's no-show and its withdrawal), none is left
// out, and the copy gives them all, as the centre's read does.
func takenBack(steps []Step) map[int]bool {
	var taken map[int]bool
	day := func(t time.Time) string { return t.In(dates.UK()).Format(time.DateOnly) }
	pair := func(j int, kind, prefix, suffix string) {
		match := -1
		for i := j - 1; i >= 0 && day(steps[i].RecordedAt) == day(steps[j].RecordedAt); i-- {
			s := steps[i]
			if taken[i] || s.Type != kind || s.Stream != steps[j].Stream || !strings.HasPrefix(s.Description, prefix) ||
				!strings.Contains(s.Description, suffix) {
				continue
			}
			if match >= 0 {
				return // two it could mean: neither is left out
			}
			match = i
		}
		if match < 0 {
			return
		}
		if taken == nil {
			taken = map[int]bool{}
		}
		taken[match], taken[j] = true, true
	}
	for j, s := range steps {
		switch s.Type {
		case "familytime.scheduling.v1.NoShowWithdrawn":
			// "No-show withdrawn, recorded by mistake: <party> came after all"
			if _, rest, ok := strings.Cut(s.Description, "recorded by mistake: "); ok {
				if party, ok := strings.CutSuffix(rest, " came after all"); ok {
					pair(j, "familytime.scheduling.v1.NoShowRecorded", "No-show", ": "+party+" did not come")
				}
			}
		case "familytime.scheduling.v1.MovementCorrected":
			// "Departure withdrawn, it did not happen (recorded by mistake[ at 10:16, UK time]): <party>"
			what, rest, ok := strings.Cut(s.Description, " withdrawn, it did not happen (")
			i := strings.LastIndex(rest, "): ")
			m, known := withdrawnMovement[what]
			if !ok || i < 0 || !known {
				continue
			}
			prefix := m.verb
			if _, at, ok := strings.Cut(rest[:i], "recorded by mistake at "); ok {
				// "Left at 10:16 (UK time): ..." is the one recorded at that time.
				prefix += " at " + strings.TrimSuffix(at, ", UK time") + " "
			}
			pair(j, m.kind, prefix, ": "+rest[i+3:])
		}
	}
	return taken
}

// withdrawnMovement is, by the word a movement's withdrawal begins with, the movement's event type
// and the word its own description begins with.
var withdrawnMovement = map[string]struct{ kind, verb string }{
	"Departure": {"familytime.scheduling.v1.PartyDeparted", "Left"},
	"Arrival":   {"familytime.scheduling.v1.PartyArrived", "Arrived"},
}

// atTheDoor ranks the door's steps in a parent's copy: arrivals, check-ins, departures, then
// corrections of either; 0 is not a door step.
var atTheDoor = map[string]int{
	"familytime.scheduling.v1.PartyArrived":      1,
	"familytime.scheduling.v1.PersonCheckedIn":   2,
	"familytime.scheduling.v1.PartyDeparted":     3,
	"familytime.scheduling.v1.MovementCorrected": 4,
}

// The steps by which referral and scheduling follow the family's holds, and those after which
// the family's case or contact is over.
const (
	caseSuspended = "familytime.referral.v1.CaseSuspended"
	caseResumed   = "familytime.referral.v1.CaseResumed"
	holdNoted     = "familytime.scheduling.v1.HoldNoted"
	holdLiftNoted = "familytime.scheduling.v1.HoldLiftNoted"
)

var caseOver = map[string]bool{"familytime.referral.v1.CaseEnded": true, "familytime.referral.v1.ReferralWithdrawn": true,
	"familytime.referral.v1.ReferralDeclined": true, "familytime.scheduling.v1.ContactEnded": true}

// caseReopened are the steps after which a case ended by mistake goes on: its holds are the
// parent's contact's again.
var caseReopened = map[string]bool{"familytime.referral.v1.CaseReopened": true, "familytime.scheduling.v1.ContactReopened": true}

// suspension follows, through a family's history, whether a safeguarding hold suspends its
// contact, as referral and scheduling each note the holds (each of them after safeguarding, in
// either order): suspended while either holds one in force.
type suspension struct {
	// inForce is the holds in force by the stream that notes them (referral's, a case's;
	// scheduling's, the family's), as its steps say.
	inForce map[string]int
	// said: the copy's last word of the holds is "Contact suspended".
	said bool
	// over: the case ended, or was withdrawn or declined; its holds are not the parent's contact.
	over bool
}

// words is what a parent's copy says of step s: its own words for a step that is not about a
// hold, and for one that is, "Contact suspended" where it is the first to say contact is
// suspended, "Contact may resume" where it is the first to say no hold is in force, and false
// for any other (a hold placed or lifted while another stands, or a second service noting it).
func (c *suspension) words(s Step) (string, bool) {
	switch s.Type {
	case caseSuspended, holdNoted, holdLiftNoted, caseResumed:
	default:
		c.over = (c.over || caseOver[s.Type]) && !caseReopened[s.Type]
		return s.Description, true
	}
	if c.inForce == nil {
		c.inForce = map[string]int{}
	}
	key := s.Service + " " + s.Stream
	switch s.Type {
	case caseSuspended, holdNoted:
		c.inForce[key]++
	case holdLiftNoted:
		c.inForce[key] = max(c.inForce[key]-1, 0)
	case caseResumed:
		c.inForce[key] = stillInForce(s.Description, max(c.inForce[key]-1, 0))
	}
	suspended := false
	for _, n := range c.inForce {
		suspended = suspended || n > 0
	}
	if c.over || suspended == c.said {
		return "", false
	}
	c.said = suspended
	if suspended {
		return "Contact suspended", true
	}
	return "Contact may resume", true
}

// stillInForce is how many holds the words of a CaseResumed say are still in force ("Safeguarding
// hold lifted; 1 still in force", or none where "contact resumes"); otherwise counted.
func stillInForce(words string, counted int) int {
	if strings.HasSuffix(words, "; contact resumes") {
		return 0
	}
	var n int
	if _, err := fmt.Sscanf(words[strings.LastIndex(words, "; ")+1:], " %d still in force", &n); err == nil && n >= 0 {
		return n
	}
	return counted
}

// bareSteps are the kinds of step a parent's copy gives bare of what their words would say
// more (parentsWords, suspension): such a step names no one either, as who took it can say
// what the words no longer do. A booking the platform cancelled (under a hold, or after a
// finding the copy leaves out) is told from one a coordinator cancelled at a parent's request
// by its actor alone (review 29).
var bareSteps = map[string]bool{
	"familytime.referral.v1.ReferralAmended": true, "familytime.referral.v1.ReferralDeclined": true,
	"familytime.referral.v1.ReferralAccepted": true, "familytime.referral.v1.ReferralWaitlisted": true,
	"familytime.referral.v1.CaseEnded": true, "familytime.referral.v1.CaseReopened": true, caseSuspended: true, caseResumed: true, holdNoted: true, holdLiftNoted: true,
	"familytime.scheduling.v1.SessionCalledOff": true, "familytime.scheduling.v1.BookingCancelled": true,
	"familytime.scheduling.v1.PlaceOffered": true,
}

// parentsRole is who a parent's copy says took step s: the role it was taken in, never the
// account. An account id is the subject of its holder's token, which an identity provider may make
// an e-mail address: review 41 read, in the father's copy, the mother's own address as the actor
// of her self-referral, and every staff account of the centre as the actor of its steps. The
// centre's reads keep the account (a court asks who), as a report's recipient's copy keeps none
// (decisions 98, 99). A service's own reaction (actor "service:...", no role) is taken in the role
// "service"; a step given bare (bareSteps), and one recorded before roles were, name no one.
func parentsRole(s Step) string {
	switch {
	case bareSteps[s.Type]:
		return ""
	case s.ActorRole == "" && strings.HasPrefix(s.Actor, "service:"):
		return "service"
	}
	return s.ActorRole
}

// parentsWords is the words a parent's copy gives a step of service and eventType described as
// words, and false for a step it leaves out.
func parentsWords(service, eventType, words string) (string, bool) {
	if service == "safeguarding" {
		return "", false
	}
	switch eventType {
	case "familytime.referral.v1.ScreeningRecorded", "familytime.referral.v1.RiskAssessmentNoted",
		"familytime.referral.v1.PossibleDuplicateFlagged", "familytime.referral.v1.PossibleDuplicateChecked",
		"familytime.referral.v1.SameChildConfirmed", "familytime.referral.v1.ChildMatchedForFigures",
		"familytime.referral.v1.ChildUnmatchedForFigures",
		"familytime.referral.v1.FamilyDetailsOpened",
		"familytime.scheduling.v1.SupportedContactRuledOut", "familytime.scheduling.v1.SupportedContactAllowed",
		"familytime.scheduling.v1.DisclosureNoted", "familytime.scheduling.v1.RiskAssessmentNoted",
		"familytime.scheduling.v1.CheckInRefused", "familytime.scheduling.v1.CheckInRefusalWithdrawn",
		"familytime.scheduling.v1.PlaceTaken", "familytime.scheduling.v1.PlaceFreed",
		"familytime.scheduling.v1.FamiliesKeptApart", "familytime.scheduling.v1.KeepingApartEnded":
		// The risk found, who else the child may be, who opened the family's details, and the
		// room's other families. A pair of families kept apart names another family of the centre
		// and why (the same adult in both, an injunction): that the other parent has another
		// family there, or that someone holds an order against them, is not a parent's to be given
		// (review 60, decision 336).
		return "", false
	case "familytime.referral.v1.ReferralAmended":
		return "Referral amended", true // not whether the risk answers changed, or a disclosure was taken back
	case "familytime.referral.v1.ReferralDeclined":
		return "Referral declined", true // the reason may be a finding of domestic abuse
	case "familytime.referral.v1.ReferralAccepted", "familytime.referral.v1.ReferralWaitlisted":
		// Not that a person checked the family is not the one a possible duplicate's hold
		// suspends: a hold on a family like theirs (decision 128).
		decided, _, _ := strings.Cut(words, ", after a person checked")
		return decided, true
	case "familytime.referral.v1.CaseEnded":
		// Not the outcome: "ended for safety" tells what was found. The day it ended stays.
		ended, _, _ := strings.Cut(words, ": ")
		return ended, true
	case "familytime.referral.v1.ArrangementChanged":
		// Not the stagger: the resident parent knows the children's times, so the visiting parent's
		// minutes before and after give their door times (review 91); referral's view shows the
		// stagger to the visiting parent alone. Nor the rest: the parents were told it.
		return "Contact arrangement changed for sessions booked from now on", true
	case "familytime.scheduling.v1.ArrangementChangeNoted":
		return "Scheduling noted the changed arrangement; bookings already made keep their times", true
	case "familytime.referral.v1.CaseEndingCorrected":
		return "", false // the outcome, which the copy's "Case ended" leaves out, is all it corrects
	case "familytime.referral.v1.CaseReopened":
		return "Case reopened", true // not the outcome of the ending it undoes
	case "familytime.scheduling.v1.SessionCalledOff":
		return "Session called off", true
	case "familytime.scheduling.v1.BookingCancelled":
		// "Booking for 2026-03-10 cancelled by the resident parent: ..." names who and why; the
		// date and that it was cancelled are the parent's.
		if booking, _, ok := strings.Cut(words, " cancelled by "); ok {
			return booking + " cancelled", true
		}
		// "... called off by the centre: safeguarding" (decision 284): the centre's reason is the
		// centre's record, and safeguarding's may tell one parent of the other.
		if booking, _, ok := strings.Cut(words, " called off by the centre"); ok {
			return booking + " cancelled", true
		}
	case "familytime.scheduling.v1.PlaceOffered":
		return "Place offered from the waiting list", true // not how many other families it passed over
	}
	return words, true
}

// withoutTimes is the words describe gave an event of type eventType with its clock times left
// out; other events' words name no time of day.
func withoutTimes(eventType, words string) string {
	switch eventType {
	case "familytime.scheduling.v1.PartyArrived", "familytime.scheduling.v1.PartyDeparted":
		// "Arrived at 10:15 (UK time): the visiting parent" is "Arrived: the visiting parent", as
		// describe says a movement recorded without a time; the date it names when it was
		// recorded on another day stays ("Arrived on 2026-07-01: ...").
		if moved, who, ok := strings.Cut(words, " (UK time): "); ok {
			verb, when, _ := strings.Cut(moved, " at ")
			if _, day, ok := strings.Cut(when, " on "); ok {
				verb += " on " + day
			}
			return verb + ": " + who
		}
	case "familytime.scheduling.v1.MovementCorrected":
		return "A recorded arrival or departure corrected (its times are the centre's record)"
	}
	return words
}

// adults says who of the named adults may take part in contact, and who only brings or collects:
// a history read in court must not say someone may attend who may only hand the children over.
func adults(as []*referralv1.Attendee) string {
	attend, handOver := 0, 0
	for _, a := range as {
		switch {
		case a.GetMayAttend():
			attend++
		case a.GetMayBring() || a.GetMayCollect():
			handOver++
		}
	}
	s := fmt.Sprintf("%d %s may attend", attend, plural(attend, "adult", "adults"))
	if handOver > 0 {
		s += fmt.Sprintf(", %d may only bring or collect the children", handOver)
	}
	return s
}

// notTheFamilyUnderHold says a decision was taken after a person checked the family is not the
// one a possible duplicate's safeguarding hold suspends (decision 128).
func notTheFamilyUnderHold(checked bool) string {
	if !checked {
		return ""
	}
	return ", after a person checked the family is not the one a safeguarding hold suspends"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// registerRole is a role the staff register gives, in words: "supervisor" is a contact
// supervisor.
func registerRole(role string) string {
	if role == "supervisor" {
		return "contact supervisor"
	}
	return strings.ReplaceAll(role, "_", " ")
}

// noticeGiven is how long before the party it was counted to a cancellation was recorded:
// "14 hours 15 minutes before the children were due", or none once they were due.
func noticeGiven(ev *schedulingv1.BookingCancelled) string {
	who := "the children were due"
	if ev.GetNoticeTo() == schedulingv1.Party_PARTY_VISITING {
		who = "the visiting parent was due"
	}
	if ev.GetNoticeMinutes() <= 0 {
		return "none: once " + who + ", or after"
	}
	return words.Minutes(ev.GetNoticeMinutes()) + " before " + who
}
