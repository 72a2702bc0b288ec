// Package ports translates between reporting and the outside: events consumed from other
// services, its gRPC API and its JSON figures for dashboards.
package ports

import (
	"context"
	"errors"

	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
	"github.com/familytime/familytime/services/reporting/internal/app"
)

// Consumer is the name of reporting's durable consumer of a service's stream: reporting-referral,
// reporting-scheduling, reporting-safeguarding.
func Consumer(service string) string { return adapters.ConsumerPrefix + service }

// StaffConsumer keeps the centres' staff registers, their accounts as pseudonyms, from the
// scheduling stream: a consumer of its own, so that it reads every register from the stream's
// start, and whose table a rebuild of the projections leaves alone (staff.KeepEvents, decision 110).
const StaffConsumer = "reporting-staff"

// Subjects are every event of a service: reporting keeps each one in the families' histories and
// feeds its figures from some of them (app.Project).
func Subjects(service string) []string { return []string{"ft." + service + ".>"} }

// Events returns the handler of one service's events: one use case, app.Project, into the live
// projections, after taking the swap lock shared so that a rebuild's swap never interleaves.
func Events(a *app.App, service string) bus.Handler {
	return func(_ context.Context, d bus.Delivery, uow *eventstore.UnitOfWork) error {
		sink := func(sql string, args ...any) { uow.Exec(sql, args...) }
		adapters.SwapShared(sink)
		err := app.Project(a.Live(), sink, service, d.Envelope, nil)
		var malformed *app.MalformedError
		if errors.As(err, &malformed) {
			return bus.Poison(err)
		}
		return err
	}
}
