package ports

import (
	"context"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/bus"
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
)

// SchedulingSubjects are the scheduling events referral acts on: the centre directory (which kinds
// of contact a centre offers, and its accreditation), the sessions a family attends (the first starts contact and the
// review clock) and a released place (the case ends).
var SchedulingSubjects = []string{
	"ft.scheduling.*.CentreRegistered",
	"ft.scheduling.*.CentreUpdated",
	"ft.scheduling.*.SessionCompleted",
	"ft.scheduling.*.PlaceReleased",
}

// SafeguardingSubjects are the safeguarding events referral acts on: holds suspend the case and
// their lifting resumes it; a lead's risk assessment decides whether domestic abuse is found.
var SafeguardingSubjects = []string{
	"ft.safeguarding.*.HoldPlaced",
	"ft.safeguarding.*.HoldLifted",
	"ft.safeguarding.*.RiskAssessed",
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
			return a.SessionAttended(ctx, uow, id(ev.GetFamilyId()), domain.FromDate(ev.GetSessionDate()), d.Caused(Actor))
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
		AccreditedOn: domain.FromDate(ev.GetAccreditationDate())}
}

// SafeguardingEvents handles safeguarding's hold events.
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
				domain.FromDate(ev.GetAssessedOn()), d.Caused(Actor))
		}
		return nil
	}
}
