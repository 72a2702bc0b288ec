package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// Services are the services whose streams reporting consumes, each wholly.
var Services = adapters.Services

// MalformedError is an event whose payload or ids cannot be read: it never will be.
type MalformedError struct{ Err error }

func (e *MalformedError) Error() string { return "malformed event: " + e.Err.Error() }
func (e *MalformedError) Unwrap() error { return e.Err }

// Project records one event of service, as it travelled (env; raw is its bytes when the caller
// has them), in the history and in every projection it feeds. It is the one path for the live
// consumers and for a rebuild, so the two cannot disagree. Reporting never opens a sealed field:
// it reads ids, dates, centres, categories and age bands only.
func Project(p *adapters.Projections, sink adapters.Sink, service string, env *commonv1.EventEnvelope, raw []byte) error {
	if raw == nil {
		var err error
		if raw, err = proto.Marshal(env); err != nil {
			return fmt.Errorf("envelope: %w", err)
		}
	}
	row := adapters.HistoryRow{Service: service, StreamID: env.GetStreamId(), Version: env.GetStreamVersion(),
		Type: env.GetEventType(), RecordedAt: env.GetRecordedAt().AsTime(), Actor: env.GetMetadata().GetActor(), ActorRole: env.GetMetadata().GetActorRole(), Envelope: raw}
	var err error
	if row.EventID, err = uuid.Parse(env.GetEventId()); err != nil {
		return &MalformedError{fmt.Errorf("event id: %w", err)}
	}
	if row.FamilyID, err = optionalID(env.GetFamilyId()); err != nil {
		return &MalformedError{fmt.Errorf("family id: %w", err)}
	}
	if row.CentreID, err = optionalID(env.GetCentreId()); err != nil {
		return &MalformedError{fmt.Errorf("centre id: %w", err)}
	}
	msg, err := payload(env)
	row.Description, row.OccurredOn = described(env, msg, err), occurredDay(msg, err)
	p.History(sink, row)
	if !projected[env.GetEventType()] {
		return nil
	}
	if err != nil {
		return &MalformedError{fmt.Errorf("decode %s %s: %w", env.GetEventType(), env.GetEventId(), err)}
	}
	f := facts{p: p, sink: sink, env: env, at: row.RecordedAt}
	f.apply(msg)
	if f.err != nil {
		return &MalformedError{fmt.Errorf("%s %s: %w", env.GetEventType(), env.GetEventId(), f.err)}
	}
	return nil
}

func optionalID(s string) (uuid.UUID, error) {
	if s == "" {
		return uuid.Nil, nil
	}
	return uuid.Parse(s)
}

// projected are the event types that feed a projection beyond the history, by full name.
var projected = map[string]bool{
	"familytime.referral.v1.ReferralReceived":         true,
	"familytime.referral.v1.ReferralAmended":          true,
	"familytime.referral.v1.ReferralAccepted":         true,
	"familytime.referral.v1.ReferralWaitlisted":       true,
	"familytime.referral.v1.ReferralDeclined":         true,
	"familytime.referral.v1.ReferralWithdrawn":        true,
	"familytime.referral.v1.FirstSessionAttended":     true,
	"familytime.referral.v1.CaseEnded":                true,
	"familytime.referral.v1.CaseEndingCorrected":      true,
	"familytime.referral.v1.CaseReopened":             true,
	"familytime.referral.v1.SameChildConfirmed":       true,
	"familytime.referral.v1.ChildMatchedForFigures":   true,
	"familytime.referral.v1.ChildUnmatchedForFigures": true,
	"familytime.scheduling.v1.CentreRegistered":       true,
	"familytime.scheduling.v1.CentreUpdated":          true,
	"familytime.scheduling.v1.RoomAdded":              true,
	"familytime.scheduling.v1.OpeningPatternDefined":  true,
	"familytime.scheduling.v1.SessionBooked":          true,
	"familytime.scheduling.v1.BookingCancelled":       true,
	"familytime.scheduling.v1.SessionCompleted":       true,
	"familytime.scheduling.v1.NoShowRecorded":         true,
	"familytime.scheduling.v1.NoShowWithdrawn":        true,
	"familytime.scheduling.v1.WaitingListJoined":      true,
	"familytime.scheduling.v1.PlaceOffered":           true,
	"familytime.scheduling.v1.WaitingListLeft":        true,
	"familytime.scheduling.v1.StaffMemberAdded":       true,
	"familytime.scheduling.v1.StaffMemberLeft":        true,
	"familytime.safeguarding.v1.ConcernRaised":        true,
	"familytime.safeguarding.v1.ConcernEscalated":     true,
	"familytime.safeguarding.v1.ConcernClosed":        true,
	"familytime.safeguarding.v1.ConcernMoved":         true,
	"familytime.safeguarding.v1.HoldPlaced":           true,
	"familytime.safeguarding.v1.HoldLifted":           true,
	"familytime.safeguarding.v1.ReportDue":            true,
	"familytime.safeguarding.v1.ReportReleased":       true,
}

// facts turns one decoded event into projection statements; the first unreadable id stops it.
type facts struct {
	p    *adapters.Projections
	sink adapters.Sink
	env  *commonv1.EventEnvelope
	at   time.Time
	err  error
}

func (f *facts) id(s string) uuid.UUID {
	id, err := uuid.Parse(s)
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("id %q: %w", s, err)
	}
	return id
}

// room is an optional room id: NULL when the event names none.
func (f *facts) room(s string) any {
	if s == "" {
		return nil
	}
	return f.id(s)
}

func (f *facts) stmt(name string, args ...any) {
	if f.err == nil {
		f.p.Stmt(f.sink, name, args...)
	}
}

// day is a protobuf date as a date column (NULL when unset).
func day(d *commonv1.Date) any {
	if d == nil {
		return adapters.Date(time.Time{})
	}
	return adapters.Date(time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC))
}

func (f *facts) apply(msg proto.Message) {
	switch ev := msg.(type) {
	case *referralv1.ReferralReceived:
		facts := ev.GetFacts()
		f.stmt("referral", f.id(ev.GetReferralId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), int32(ev.GetSource()),
			int32(ev.GetRequestedServiceType()), facts.GetCourtInvolved(), facts.GetCafcassInvolved(), day(ev.GetReceivedOn()), f.at)
	case *referralv1.ReferralAmended:
		f.stmt("involvement", f.id(ev.GetReferralId()), ev.GetFacts().GetCourtInvolved(), ev.GetFacts().GetCafcassInvolved())
		if ev.GetDecisionVoid() {
			// The waitlisting or acceptance was undone with its screening: it is not counted, and
			// the referral is counted by the decision made again (review 80, decision 392).
			f.stmt("decision_undone", f.id(ev.GetReferralId()))
		}
	case *referralv1.ReferralAccepted:
		f.stmt("accepted", f.id(ev.GetReferralId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), day(ev.GetAcceptedOn()), int32(ev.GetServiceType()))
	case *referralv1.ReferralWaitlisted:
		f.stmt("waitlisted", f.id(ev.GetReferralId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), day(ev.GetWaitlistedOn()))
	case *referralv1.ReferralDeclined:
		f.stmt("declined", f.id(ev.GetReferralId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), day(ev.GetDeclinedOn()), int32(ev.GetReason()))
	case *referralv1.ReferralWithdrawn:
		f.stmt("withdrawn", f.id(ev.GetReferralId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), day(ev.GetWithdrawnOn()))
	case *referralv1.FirstSessionAttended:
		f.stmt("first_session", f.id(ev.GetReferralId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), day(ev.GetSessionOn()))
	case *referralv1.CaseEnded:
		f.stmt("ended", f.id(ev.GetReferralId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), day(ev.GetEndedOn()), int32(ev.GetOutcome()))
	case *referralv1.CaseEndingCorrected:
		// Counted by the corrected outcome, in the period of the ending it corrects.
		f.stmt("ending_corrected", f.id(ev.GetReferralId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), int32(ev.GetOutcome()))
	case *referralv1.CaseReopened:
		// Ended by mistake: the ending is not counted; a later ending is (ended, again).
		f.stmt("reopened", f.id(ev.GetReferralId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()))
	case *referralv1.SameChildConfirmed:
		// Two person ids that a person confirmed are one child (decision 260): counted once.
		f.stmt("same_child", f.id(ev.GetChildPersonId()), f.id(ev.GetOtherChildPersonId()), day(ev.GetConfirmedOn()),
			f.id(ev.GetReferralId()), f.id(ev.GetOtherReferralId()))
	case *referralv1.ChildMatchedForFigures:
		// Two person ids of exactly the same name and date of birth at two centres, which
		// nothing asked a person to confirm (decision 411): counted once, as a confirmed pair,
		// while the link stands (decision 414).
		f.stmt("figure_link", f.id(ev.GetLinkId()), f.id(ev.GetChildPersonId()), f.id(ev.GetOtherChildPersonId()), day(ev.GetMatchedOn()),
			f.id(ev.GetReferralId()), f.id(ev.GetOtherReferralId()))
	case *referralv1.ChildUnmatchedForFigures:
		// A correction left the two children no longer alike (decision 413): counted apart again.
		f.stmt("figure_unlinked", f.id(ev.GetLinkId()), day(ev.GetUnmatchedOn()))
	case *schedulingv1.CentreRegistered:
		f.centre(ev)
	case *schedulingv1.CentreUpdated:
		f.centre(ev)
	case *schedulingv1.RoomAdded:
		f.stmt("room", f.id(ev.GetRoomId()), f.id(ev.GetCentreId()), ev.GetCapacity(), ev.GetSupervisedSuitable())
	case *schedulingv1.OpeningPatternDefined:
		pattern, err := proto.MarshalOptions{Deterministic: true}.Marshal(ev.GetPattern())
		if err != nil {
			f.err = err
			return
		}
		f.stmt("pattern", f.id(ev.GetPattern().GetPatternId()), f.id(ev.GetCentreId()), pattern, f.env.GetStreamVersion())
	case *schedulingv1.SessionBooked:
		f.stmt("booked", f.id(ev.GetBookingId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), f.room(ev.GetRoomId()),
			day(ev.GetSessionDate()), int32(ev.GetServiceType()))
	case *schedulingv1.BookingCancelled:
		// A booking moved to another session (rescheduled: replaced_by) is not a session
		// cancelled: the family still has it, on another day (review 26 moved one three times
		// and the figure counted three cancellations; decisions.md 189).
		state := "cancelled"
		if ev.GetReplacedBy() != "" {
			state = "rescheduled"
		}
		f.stmt("session_state", f.id(ev.GetBookingId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), f.room(ev.GetRoomId()),
			day(ev.GetSessionDate()), int32(ev.GetServiceType()), state)
	case *schedulingv1.SessionCompleted:
		booking, family, centre := f.id(ev.GetBookingId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId())
		f.stmt("session_state", booking, family, centre, f.room(ev.GetRoomId()), day(ev.GetSessionDate()), int32(ev.GetServiceType()), "attended")
		for _, c := range ev.GetChildren() {
			f.stmt("attended", booking, f.id(c.GetPersonId()), family, centre, day(ev.GetSessionDate()), int32(ev.GetServiceType()), int32(c.GetAgeBand()))
		}
	case *schedulingv1.NoShowRecorded:
		f.stmt("session_state", f.id(ev.GetBookingId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), nil,
			day(ev.GetSessionDate()), int32(ev.GetServiceType()), "no_show")
	case *schedulingv1.NoShowWithdrawn: // the party came after all: booked again (decision 127)
		f.stmt("session_state", f.id(ev.GetBookingId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), nil,
			day(ev.GetSessionDate()), int32(ev.GetServiceType()), "booked")
	case *schedulingv1.WaitingListJoined:
		if ev.GetOfferNotTaken() == schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_LAPSED {
			// Put back after its offer lapsed: it has been waiting since the lapse (the return
			// waiting_offered kept), and neither joins again nor starts another wait (review 27).
			break
		}
		f.stmt("waiting_joined", f.id(ev.GetCentreId()), f.id(ev.GetFamilyId()), ev.GetJoinedAt().AsTime())
	case *schedulingv1.PlaceOffered:
		// The family leaves the list for the place; if it does not answer, it is back on it when
		// the offer lapses (lapses_at; an offer from before offers lapsed has none).
		var lapses any
		if ev.GetLapsesAt() != nil {
			lapses = ev.GetLapsesAt().AsTime()
		}
		f.stmt("waiting_offered", f.id(ev.GetCentreId()), f.id(ev.GetFamilyId()), ev.GetOfferedAt().AsTime(), lapses)
	case *schedulingv1.WaitingListLeft:
		f.stmt("waiting_left", f.id(ev.GetCentreId()), f.id(ev.GetFamilyId()), ev.GetLeftAt().AsTime())
	case *schedulingv1.StaffMemberAdded:
		centre := f.id(ev.GetCentreId())
		f.stmt("staff_added", centre, member(centre, ev.GetAccountId()), int32(ev.GetRole()), day(ev.GetJoinedOn()))
	case *schedulingv1.StaffMemberLeft:
		centre := f.id(ev.GetCentreId())
		if ev.GetWithdrawnLeftOn() != nil { // a last day recorded ahead, withdrawn (decision 123)
			f.stmt("staff_stays", centre, member(centre, ev.GetAccountId()))
			break
		}
		f.stmt("staff_left", centre, member(centre, ev.GetAccountId()), day(ev.GetLeftOn()))
	case *safeguardingv1.ConcernRaised:
		f.stmt("concern", f.id(ev.GetConcernId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), int32(ev.GetCategory()), day(ev.GetRaisedOn()))
	case *safeguardingv1.ConcernEscalated:
		f.stmt("concern_escalated", f.id(ev.GetConcernId()), day(ev.GetEscalatedOn()))
	case *safeguardingv1.ConcernClosed:
		f.stmt("concern_closed", f.id(ev.GetConcernId()), day(ev.GetClosedOn()))
	case *safeguardingv1.ConcernMoved:
		// Raised about the wrong family by mistake: counted as the concern raised about the right
		// one (its ConcernRaised, on the same date), never twice (decision 404).
		f.stmt("concern_moved", f.id(ev.GetConcernId()))
	case *safeguardingv1.HoldPlaced:
		f.stmt("hold_placed", f.id(ev.GetHoldId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), int32(ev.GetReason()), day(ev.GetPlacedOn()))
	case *safeguardingv1.HoldLifted:
		f.stmt("hold_lifted", f.id(ev.GetHoldId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), day(ev.GetLiftedOn()))
	case *safeguardingv1.ReportDue:
		f.stmt("report_due", f.id(ev.GetReportId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), day(ev.GetSessionOn()))
	case *safeguardingv1.ReportReleased:
		f.stmt("report_released", f.id(ev.GetReportId()), f.id(ev.GetFamilyId()), f.id(ev.GetCentreId()), day(ev.GetReleasedOn()))
	}
}

// member names a member of a centre's staff in reporting's projections: a name-based UUID (SHA-1)
// of their account id in the centre's namespace, never the account id itself. The figures need
// only counts; an account id is an identity provider's subject, which may be an e-mail address
// (decisions.md 83), and a name made per centre does not link someone across centres
// (decisions.md 84).
func member(centre uuid.UUID, account string) uuid.UUID { return uuid.NewSHA1(centre, []byte(account)) }

// centreFacts is what CentreRegistered and CentreUpdated both carry: the centre's whole state.
type centreFacts interface {
	GetCentreId() string
	GetName() string
	GetRegion() commonv1.Region
	GetServiceTypes() []commonv1.ServiceType
	GetAccreditationStatus() commonv1.AccreditationStatus
	GetAccreditationDate() *commonv1.Date
}

func (f *facts) centre(ev centreFacts) {
	types := make([]int32, len(ev.GetServiceTypes()))
	for i, st := range ev.GetServiceTypes() {
		types[i] = int32(st)
	}
	f.stmt("centre", f.id(ev.GetCentreId()), ev.GetName(), int32(ev.GetRegion()), types, int32(ev.GetAccreditationStatus()),
		day(ev.GetAccreditationDate()), f.env.GetStreamVersion(), f.at)
}

// ServiceOf is the service a subject ft.<service>.<centre>.<Event> belongs to.
func ServiceOf(subject string) string {
	parts := strings.SplitN(subject, ".", 3)
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}
