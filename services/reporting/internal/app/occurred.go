package app

import (
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// occurred is the day the step an event records took place, the centre's local date, where the
// event says it; nil where it says none (review 49, decision 286). A history dated its steps by
// when they were recorded only: on a simulated clock that is the real day they were typed, and on
// the real clock a pre-visit entered with its day, or the door's paper register typed in on
// Monday, is dated the day of typing too. The envelope's recorded_at stays the step's recording
// time beside it.
func occurred(msg proto.Message) *commonv1.Date {
	if msg == nil {
		return nil
	}
	day, ok := occurredOn[string(msg.ProtoReflect().Descriptor().FullName())]
	if !ok {
		return nil
	}
	if d := day(msg); d != nil && (d.GetYear() != 0 || d.GetMonth() != 0 || d.GetDay() != 0) {
		return d
	}
	return nil
}

// occurredDay is occurred of a payload as payload decoded it, as a domain date (the zero time for
// none, or a payload that cannot be read), as the history keeps it beside its description.
func occurredDay(msg proto.Message, err error) time.Time {
	if err != nil {
		return time.Time{}
	}
	return dates.Time(occurred(msg))
}

// occurredOn gives, by event type, the field that is the day its step took place. A type not
// here has none: a booking or a cancellation is made when it is recorded (the session's day is
// not the step's), a read of the family's details likewise, and a service's note of another's
// decision or assessment (scheduling's RiskAssessmentNoted, a ReportDue) carries the day of what
// it notes, which the words say where it matters, not the day of the note. A correction of a
// movement is of the day of the movement it corrects (what it says happened then), whenever it is
// made: a parent's copy gathers it with that day's door.
// Migration 0012 lists these types (TestTheMigrationRedescribesEveryDatedStep).
var occurredOn = map[string]func(proto.Message) *commonv1.Date{
	// Referral: the centre's local date of each step (the day given for a pre-visit or a review).
	"familytime.referral.v1.ReferralReceived":               on((*referralv1.ReferralReceived).GetReceivedOn),
	"familytime.referral.v1.SecondPartyApplicationReceived": on((*referralv1.SecondPartyApplicationReceived).GetReceivedOn),
	"familytime.referral.v1.ReferralAmended":                on((*referralv1.ReferralAmended).GetAmendedOn),
	"familytime.referral.v1.ScreeningRecorded":              on((*referralv1.ScreeningRecorded).GetScreenedOn),
	"familytime.referral.v1.ReferralAccepted":               on((*referralv1.ReferralAccepted).GetAcceptedOn),
	"familytime.referral.v1.ReferralWaitlisted":             on((*referralv1.ReferralWaitlisted).GetWaitlistedOn),
	"familytime.referral.v1.ReferralDeclined":               on((*referralv1.ReferralDeclined).GetDeclinedOn),
	"familytime.referral.v1.ReferralWithdrawn":              on((*referralv1.ReferralWithdrawn).GetWithdrawnOn),
	"familytime.referral.v1.PreVisitCompleted":              on((*referralv1.PreVisitCompleted).GetVisitedOn),
	"familytime.referral.v1.ArrangementAgreed":              on((*referralv1.ArrangementAgreed).GetAgreedOn),
	"familytime.referral.v1.ArrangementChanged":             on((*referralv1.ArrangementChanged).GetChangedOn),
	"familytime.referral.v1.ChildrenLeavingChanged":         on((*referralv1.ChildrenLeavingChanged).GetChangedOn),
	"familytime.referral.v1.AdultKeptFromChildren":          on((*referralv1.AdultKeptFromChildren).GetKeptOn),
	"familytime.referral.v1.ChildBirthMonthCorrected":       on((*referralv1.ChildBirthMonthCorrected).GetCorrectedOn),
	"familytime.referral.v1.FirstSessionAttended":           on((*referralv1.FirstSessionAttended).GetSessionOn),
	"familytime.referral.v1.ReviewHeld":                     on((*referralv1.ReviewHeld).GetHeldOn),
	"familytime.referral.v1.CaseEnded":                      on((*referralv1.CaseEnded).GetEndedOn),
	"familytime.referral.v1.CaseEndingCorrected":            on((*referralv1.CaseEndingCorrected).GetCorrectedOn),
	"familytime.referral.v1.CaseReopened":                   on((*referralv1.CaseReopened).GetReopenedOn),
	"familytime.referral.v1.PlaceReleasedNoted":             on((*referralv1.PlaceReleasedNoted).GetReleasedOn),
	"familytime.referral.v1.SessionAttendedAfterRelease":    on((*referralv1.SessionAttendedAfterRelease).GetSessionOn),
	"familytime.referral.v1.CaseSuspended":                  on((*referralv1.CaseSuspended).GetSuspendedOn),
	"familytime.referral.v1.CaseResumed":                    on((*referralv1.CaseResumed).GetResumedOn),
	"familytime.referral.v1.PossibleDuplicateFlagged":       on((*referralv1.PossibleDuplicateFlagged).GetFlaggedOn),
	"familytime.referral.v1.PossibleDuplicateChecked":       on((*referralv1.PossibleDuplicateChecked).GetCheckedOn),
	"familytime.referral.v1.SameChildConfirmed":             on((*referralv1.SameChildConfirmed).GetConfirmedOn),
	"familytime.referral.v1.ChildMatchedForFigures":         on((*referralv1.ChildMatchedForFigures).GetMatchedOn),
	"familytime.referral.v1.ChildUnmatchedForFigures":       on((*referralv1.ChildUnmatchedForFigures).GetUnmatchedOn),
	"familytime.referral.v1.FamilyErased":                   on((*referralv1.FamilyErased).GetErasedOn),

	// Scheduling: a note of referral's step on the day of that step (noted as it is recorded); the
	// door's steps on the UK day of their instant; a session's end and its no-shows on its day.
	"familytime.scheduling.v1.ArrangementChangeNoted":     on((*schedulingv1.ArrangementChangeNoted).GetChangedOn),
	"familytime.scheduling.v1.ChildrenLeavingNoted":       on((*schedulingv1.ChildrenLeavingNoted).GetChangedOn),
	"familytime.scheduling.v1.AdultKeptFromChildrenNoted": on((*schedulingv1.AdultKeptFromChildrenNoted).GetKeptOn),
	"familytime.scheduling.v1.ChildBirthMonthNoted":       on((*schedulingv1.ChildBirthMonthNoted).GetCorrectedOn),
	"familytime.scheduling.v1.HoldNoted":                  on((*schedulingv1.HoldNoted).GetPlacedOn),
	"familytime.scheduling.v1.ContactEnded":               on((*schedulingv1.ContactEnded).GetEndedOn),
	"familytime.scheduling.v1.ContactReopened":            on((*schedulingv1.ContactReopened).GetReopenedOn),
	"familytime.scheduling.v1.FamiliesKeptApart":          on((*schedulingv1.FamiliesKeptApart).GetKeptOn),
	"familytime.scheduling.v1.KeepingApartEnded":          on((*schedulingv1.KeepingApartEnded).GetEndedOn),
	"familytime.scheduling.v1.ReferralNoted":              on((*schedulingv1.ReferralNoted).GetDecidedOn),
	"familytime.scheduling.v1.PersonCheckedIn":            at((*schedulingv1.PersonCheckedIn).GetAt),
	"familytime.scheduling.v1.CheckInRefused":             at((*schedulingv1.CheckInRefused).GetAt),
	"familytime.scheduling.v1.PartyArrived":               at((*schedulingv1.PartyArrived).GetAt),
	"familytime.scheduling.v1.PartyDeparted":              at((*schedulingv1.PartyDeparted).GetAt),
	"familytime.scheduling.v1.MovementCorrected":          corrected,
	"familytime.scheduling.v1.SessionCalledOff":           on((*schedulingv1.SessionCalledOff).GetSessionDate),
	"familytime.scheduling.v1.SessionCompleted":           on((*schedulingv1.SessionCompleted).GetSessionDate),
	"familytime.scheduling.v1.NoShowRecorded":             on((*schedulingv1.NoShowRecorded).GetSessionDate),
	"familytime.scheduling.v1.NoShowWithdrawn":            on((*schedulingv1.NoShowWithdrawn).GetSessionDate),
	"familytime.scheduling.v1.PlaceReleased":              on((*schedulingv1.PlaceReleased).GetReleasedOn),
	"familytime.scheduling.v1.WaitingListJoined":          at((*schedulingv1.WaitingListJoined).GetJoinedAt),
	"familytime.scheduling.v1.PlaceOffered":               at((*schedulingv1.PlaceOffered).GetOfferedAt),
	"familytime.scheduling.v1.WaitingListLeft":            at((*schedulingv1.WaitingListLeft).GetLeftAt),

	// Safeguarding: the centre's local date of each step.
	"familytime.safeguarding.v1.RiskScreenedProvisionally":   on((*safeguardingv1.RiskScreenedProvisionally).GetScreenedOn),
	"familytime.safeguarding.v1.RiskAssessed":                on((*safeguardingv1.RiskAssessed).GetAssessedOn),
	"familytime.safeguarding.v1.ConcernRaised":               on((*safeguardingv1.ConcernRaised).GetRaisedOn),
	"familytime.safeguarding.v1.LeadAlerted":                 on((*safeguardingv1.LeadAlerted).GetAlertedOn),
	"familytime.safeguarding.v1.ConcernActionAdded":          on((*safeguardingv1.ConcernActionAdded).GetActionOn),
	"familytime.safeguarding.v1.ConcernEscalated":            on((*safeguardingv1.ConcernEscalated).GetEscalatedOn),
	"familytime.safeguarding.v1.ConcernClosed":               on((*safeguardingv1.ConcernClosed).GetClosedOn),
	"familytime.safeguarding.v1.ConcernMoved":                on((*safeguardingv1.ConcernMoved).GetMovedOn),
	"familytime.safeguarding.v1.RecordCorrected":             on((*safeguardingv1.RecordCorrected).GetCorrectedOn),
	"familytime.safeguarding.v1.HoldPlaced":                  on((*safeguardingv1.HoldPlaced).GetPlacedOn),
	"familytime.safeguarding.v1.LeadAlertedOfHold":           on((*safeguardingv1.LeadAlertedOfHold).GetAlertedOn),
	"familytime.safeguarding.v1.LeadAlertedOfDuplicateCheck": on((*safeguardingv1.LeadAlertedOfDuplicateCheck).GetAlertedOn),
	"familytime.safeguarding.v1.LeadAlertedOfFindingCheck":   on((*safeguardingv1.LeadAlertedOfFindingCheck).GetAlertedOn),
	"familytime.safeguarding.v1.HoldReviewed":                on((*safeguardingv1.HoldReviewed).GetReviewedOn),
	"familytime.safeguarding.v1.HoldLifted":                  on((*safeguardingv1.HoldLifted).GetLiftedOn),
	"familytime.safeguarding.v1.ReportDrafted":               on((*safeguardingv1.ReportDrafted).GetDraftedOn),
	"familytime.safeguarding.v1.ReportReassigned":            on((*safeguardingv1.ReportReassigned).GetReassignedOn),
	"familytime.safeguarding.v1.ReportSubmittedForCheck":     on((*safeguardingv1.ReportSubmittedForCheck).GetSubmittedOn),
	"familytime.safeguarding.v1.ReportChecked":               on((*safeguardingv1.ReportChecked).GetCheckedOn),
	"familytime.safeguarding.v1.ReportReleased":              on((*safeguardingv1.ReportReleased).GetReleasedOn),
	"familytime.safeguarding.v1.ReportCopiesSent":            on((*safeguardingv1.ReportCopiesSent).GetSentOn),
}

// on reads an event's day from its getter.
func on[M proto.Message](get func(M) *commonv1.Date) func(proto.Message) *commonv1.Date {
	return func(msg proto.Message) *commonv1.Date { return get(msg.(M)) }
}

// at reads an event's day as the UK date of its instant, the zone the history says a movement's
// clock time in (uk).
func at[M proto.Message](get func(M) *timestamppb.Timestamp) func(proto.Message) *commonv1.Date {
	return func(msg proto.Message) *commonv1.Date {
		t := get(msg.(M))
		if t == nil {
			return nil
		}
		return dates.Proto(dates.InUK(t.AsTime()))
	}
}

// corrected is the day of the movement a correction is of: the UK date of the time it is
// corrected to, or, for one withdrawn, of the time recorded (scheduling keeps both on the
// session's date).
func corrected(msg proto.Message) *commonv1.Date {
	ev := msg.(*schedulingv1.MovementCorrected)
	t := ev.GetAt()
	if t == nil {
		t = ev.GetWasAt()
	}
	if t == nil {
		return nil
	}
	return dates.Proto(dates.InUK(t.AsTime()))
}
