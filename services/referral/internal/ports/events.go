package ports

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/app"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Actor names the referral service as the cause of what its consumers record.
const Actor = "service:referral"

// The referral service's consumers, one per source stream: each subscribes only to the events it
// handles (docs/architecture.md lists who consumes what).
const (
	SchedulingConsumer   = "referral-scheduling"
	SafeguardingConsumer = "referral-safeguarding"
	// ReferralConsumer reads the service's own stream: an erasure it records is carried out when
	// the event arrives, as in every other service that holds the family's key.
	ReferralConsumer = "referral-referral"
	// StaffConsumer is the durable consumer of the centres' staff registers on the scheduling
	// stream, a consumer of its own so that it reads every register from the stream's start
	// (staff.KeepEvents, decision 110).
	StaffConsumer = "referral-staff"
	// BookingConsumer keeps the days families are booked at a centre (the door is given the names
	// of that day's families only), a consumer of its own so that it reads every booking from the
	// scheduling stream's start, on a deployment made before it too, where referral-scheduling
	// would resume after the bookings it was never subscribed to (decision 234 left the door
	// every family in contact, any day).
	BookingConsumer = "referral-bookings"
)

// SchedulingSubjects are the scheduling events referral acts on: the centre directory (which kinds
// of contact a centre offers, and its accreditation), the sessions a family attends (the first starts contact and the
// review clock), a released place (the case ends), and the sessions under way (someone checked in,
// and the session not completed: the family is not erased that day; a check-in or an arrival
// corrected as not having happened, leaving nobody come, takes it back).
var SchedulingSubjects = []string{
	"ft.scheduling.*.CentreRegistered",
	"ft.scheduling.*.CentreUpdated",
	"ft.scheduling.*.SessionCompleted",
	"ft.scheduling.*.PlaceReleased",
	"ft.scheduling.*.PersonCheckedIn",
	"ft.scheduling.*.PartyArrived",
	"ft.scheduling.*.BookingCancelled",
	"ft.scheduling.*.NoShowRecorded",
	"ft.scheduling.*.NoShowWithdrawn",
	"ft.scheduling.*.CheckInCorrected",
	"ft.scheduling.*.MovementCorrected",
}

// BookingSubjects are the scheduling events the bookings consumer acts on: a session booked (a
// rescheduled booking is a new one, with its own day).
var BookingSubjects = []string{
	"ft.scheduling.*.SessionBooked",
}

// SafeguardingSubjects are the safeguarding events referral acts on: holds suspend the case and
// their lifting resumes it; a lead's risk assessment decides whether domestic abuse is found; and
// a family is not erased while a concern is open, a hold in force (docs/decisions.md 86) or an
// observation report not released (hostile review 16), nor at its request while it has a concern
// on record (decision 279).
var SafeguardingSubjects = []string{
	"ft.safeguarding.*.HoldPlaced",
	"ft.safeguarding.*.HoldLifted",
	"ft.safeguarding.*.RiskAssessed",
	"ft.safeguarding.*.ConcernRaised",
	"ft.safeguarding.*.ConcernClosed",
	"ft.safeguarding.*.ConcernMoved",
	"ft.safeguarding.*.ConcernEscalated",
	"ft.safeguarding.*.ReportDue",
	"ft.safeguarding.*.ReportReleased",
}

// ReferralSubjects are referral's own events it acts on: a family's erasure destroys its key and
// its children's keyed hashes.
var ReferralSubjects = []string{
	"ft.referral.*.FamilyErased",
}

// SchedulingEvents handles scheduling's events.
func SchedulingEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		switch d.Envelope.GetEventType() {
		case "familytime.scheduling.v1.CentreRegistered":
			ev := &schedulingv1.CentreRegistered{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			a.CentreChanged(uow, centreOf(ev), d.Envelope.GetStreamVersion())
		case "familytime.scheduling.v1.CentreUpdated":
			ev := &schedulingv1.CentreUpdated{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			a.CentreChanged(uow, centreOf(ev), d.Envelope.GetStreamVersion())
		case "familytime.scheduling.v1.SessionCompleted":
			ev := &schedulingv1.SessionCompleted{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			a.SessionOver(uow, id(ev.GetBookingId()))
			return a.SessionAttended(ctx, uow, id(ev.GetFamilyId()), dates.Time(ev.GetSessionDate()), d.Caused(Actor))
		case "familytime.scheduling.v1.PersonCheckedIn", "familytime.scheduling.v1.PartyArrived":
			// Someone checked in starts the session, and so does a party's arrival recorded with
			// nobody checked in (review 17 erased a family between its supervised contact and its
			// completion, and the court's report could never be written).
			var ev sessionStart = &schedulingv1.PersonCheckedIn{}
			if d.Envelope.GetEventType() == "familytime.scheduling.v1.PartyArrived" {
				ev = &schedulingv1.PartyArrived{}
			}
			if err := d.Payload(ev); err != nil {
				return err
			}
			a.SessionStarted(uow, id(ev.GetBookingId()), id(ev.GetFamilyId()), ev.GetAt().AsTime())
		case "familytime.scheduling.v1.CheckInCorrected", "familytime.scheduling.v1.MovementCorrected":
			// A check-in (or an arrival) recorded by mistake and corrected as not having happened,
			// after which nobody of the family is recorded coming: the session never started, and
			// holds no erasure back (review 50).
			var ev interface {
				proto.Message
				GetBookingId() string
				GetNobodyCame() bool
			} = &schedulingv1.CheckInCorrected{}
			if d.Envelope.GetEventType() == "familytime.scheduling.v1.MovementCorrected" {
				ev = &schedulingv1.MovementCorrected{}
			}
			if err := d.Payload(ev); err != nil {
				return err
			}
			if ev.GetNobodyCame() {
				a.SessionNotStarted(uow, id(ev.GetBookingId()))
			}
		case "familytime.scheduling.v1.BookingCancelled", "familytime.scheduling.v1.NoShowRecorded", "familytime.scheduling.v1.NoShowWithdrawn":
			// Whether a session someone was checked in for was called off: one neither called off
			// nor completed holds the family's erasure back on later days too (decision 170).
			var ev interface {
				proto.Message
				GetBookingId() string
			}
			switch d.Envelope.GetEventType() {
			case "familytime.scheduling.v1.BookingCancelled":
				ev = &schedulingv1.BookingCancelled{}
			case "familytime.scheduling.v1.NoShowRecorded":
				ev = &schedulingv1.NoShowRecorded{}
			default:
				ev = &schedulingv1.NoShowWithdrawn{}
			}
			if err := d.Payload(ev); err != nil {
				return err
			}
			a.SessionCalledOff(uow, id(ev.GetBookingId()), d.Envelope.GetEventType() != "familytime.scheduling.v1.NoShowWithdrawn")
		case "familytime.scheduling.v1.PlaceReleased":
			ev := &schedulingv1.PlaceReleased{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return a.PlaceReleased(ctx, uow, id(ev.GetFamilyId()), d.Caused(Actor))
		}
		return nil
	}
}

// BookingEvents handles scheduling's SessionBooked: the family is expected at the centre on the
// session's day, and the door is given its names for that day.
func BookingEvents(a *app.App) bus.Handler {
	return func(_ context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		if d.Envelope.GetEventType() != "familytime.scheduling.v1.SessionBooked" {
			return nil
		}
		ev := &schedulingv1.SessionBooked{}
		if err := d.Payload(ev); err != nil {
			return err
		}
		family, centre, day := id(ev.GetFamilyId()), id(ev.GetCentreId()), dates.Time(ev.GetSessionDate())
		if family == uuid.Nil || centre == uuid.Nil || day.IsZero() {
			return bus.Poison(fmt.Errorf("session booked %s: no family, centre or session date", d.EventID))
		}
		a.SessionBooked(uow, family, centre, day)
		return nil
	}
}

// sessionStart is what PersonCheckedIn and PartyArrived both carry: a session of the family's
// began.
type sessionStart interface {
	proto.Message
	GetBookingId() string
	GetFamilyId() string
	GetAt() *timestamppb.Timestamp
}

// centreEvent is what CentreRegistered and CentreUpdated both carry.
type centreEvent interface {
	GetCentreId() string
	GetServiceTypes() []commonv1.ServiceType
	GetAccreditationStatus() commonv1.AccreditationStatus
	GetAccreditationDate() *commonv1.Date
}

// centreOf is a centre as its directory event describes it.
func centreOf(ev centreEvent) domain.Centre {
	return domain.Centre{ID: id(ev.GetCentreId()), Services: ev.GetServiceTypes(), Accreditation: ev.GetAccreditationStatus(),
		AccreditedOn: dates.Time(ev.GetAccreditationDate())}
}

// SafeguardingEvents handles safeguarding's hold, risk, concern and report events.
func SafeguardingEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		switch d.Envelope.GetEventType() {
		case "familytime.safeguarding.v1.HoldPlaced":
			ev := &safeguardingv1.HoldPlaced{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return a.HoldPlaced(ctx, uow, id(ev.GetFamilyId()), id(ev.GetCentreId()), id(ev.GetHoldId()), d.Caused(Actor))
		case "familytime.safeguarding.v1.HoldLifted":
			ev := &safeguardingv1.HoldLifted{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return a.HoldLifted(ctx, uow, id(ev.GetFamilyId()), id(ev.GetCentreId()), id(ev.GetHoldId()), d.Caused(Actor))
		case "familytime.safeguarding.v1.RiskAssessed":
			ev := &safeguardingv1.RiskAssessed{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return a.RiskAssessed(ctx, uow, id(ev.GetFamilyId()), id(ev.GetCentreId()), ev.GetDomesticAbuseFinding(),
				dates.Time(ev.GetAssessedOn()), d.Caused(Actor))
		case "familytime.safeguarding.v1.ConcernRaised":
			ev := &safeguardingv1.ConcernRaised{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			family, concern, err := familyAndRecord(d, ev.GetFamilyId(), ev.GetConcernId())
			if err != nil {
				return err
			}
			a.ConcernRaised(uow, family, concern)
		case "familytime.safeguarding.v1.ConcernClosed":
			ev := &safeguardingv1.ConcernClosed{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			_, concern, err := familyAndRecord(d, ev.GetFamilyId(), ev.GetConcernId())
			if err != nil {
				return err
			}
			a.ConcernClosed(uow, concern)
		case "familytime.safeguarding.v1.ConcernMoved":
			ev := &safeguardingv1.ConcernMoved{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			_, concern, err := familyAndRecord(d, ev.GetFamilyId(), ev.GetConcernId())
			if err != nil {
				return err
			}
			a.ConcernMoved(uow, concern)
		case "familytime.safeguarding.v1.ConcernEscalated":
			ev := &safeguardingv1.ConcernEscalated{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			family, concern, err := familyAndRecord(d, ev.GetFamilyId(), ev.GetConcernId())
			if err != nil {
				return err
			}
			a.ConcernEscalated(uow, family, concern)
		case "familytime.safeguarding.v1.ReportDue":
			ev := &safeguardingv1.ReportDue{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			family, report, err := familyAndRecord(d, ev.GetFamilyId(), ev.GetReportId())
			if err != nil {
				return err
			}
			a.ReportDue(uow, family, report)
		case "familytime.safeguarding.v1.ReportReleased":
			ev := &safeguardingv1.ReportReleased{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			_, report, err := familyAndRecord(d, ev.GetFamilyId(), ev.GetReportId())
			if err != nil {
				return err
			}
			a.ReportReleased(uow, report)
		}
		return nil
	}
}

// ReferralEvents handles the service's own FamilyErased: the family's key is destroyed and its
// children are no longer matched.
func ReferralEvents(a *app.App) bus.Handler {
	return func(ctx context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		if d.Envelope.GetEventType() != "familytime.referral.v1.FamilyErased" {
			return nil
		}
		ev := &referralv1.FamilyErased{}
		if err := d.Payload(ev); err != nil {
			return err
		}
		family, err := uuid.Parse(ev.GetFamilyId())
		if err != nil || family == uuid.Nil {
			return bus.Poison(fmt.Errorf("family erased %s: the family id is not a UUID", d.EventID))
		}
		return a.FamilyErased(ctx, uow, family)
	}
}

// familyAndRecord parses a safeguarding event's family and record ids; an event without them is
// poison (it can never be handled).
func familyAndRecord(d bus.Delivery, family, record string) (uuid.UUID, uuid.UUID, error) {
	f, err := uuid.Parse(family)
	if err != nil || f == uuid.Nil {
		return uuid.Nil, uuid.Nil, bus.Poison(fmt.Errorf("%s %s: the family id is not a UUID", d.Envelope.GetEventType(), d.EventID))
	}
	r, err := uuid.Parse(record)
	if err != nil || r == uuid.Nil {
		return uuid.Nil, uuid.Nil, bus.Poison(fmt.Errorf("%s %s: the record id is not a UUID", d.Envelope.GetEventType(), d.EventID))
	}
	return f, r, nil
}
