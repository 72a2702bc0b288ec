// Package ports translates between reporting and the outside: events consumed from other
// services, and its gRPC API.
package ports

import (
	"context"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/reporting/internal/app"
)

// SchedulingConsumer is the durable consumer of the scheduling stream.
const SchedulingConsumer = "reporting-scheduling"

// SchedulingSubjects are the scheduling events reporting projects.
var SchedulingSubjects = []string{
	"ft.scheduling.*.CentreRegistered",
	"ft.scheduling.*.CentreUpdated",
}

// SchedulingEvents returns the handler of scheduling events.
func SchedulingEvents(a *app.App) bus.Handler {
	return func(_ context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		env := d.Envelope
		switch env.GetEventType() {
		case "familytime.scheduling.v1.CentreRegistered":
			ev := &schedulingv1.CentreRegistered{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return a.ProjectCentre(uow, ev, env.GetStreamVersion(), env.GetRecordedAt().AsTime())
		case "familytime.scheduling.v1.CentreUpdated":
			ev := &schedulingv1.CentreUpdated{}
			if err := d.Payload(ev); err != nil {
				return err
			}
			return a.ProjectCentre(uow, ev, env.GetStreamVersion(), env.GetRecordedAt().AsTime())
		}
		return nil // an event reporting does not project; the inbox still records it
	}
}
