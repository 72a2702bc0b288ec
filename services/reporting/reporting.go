// Package reporting builds and runs the reporting service: the read side, with its own
// projections of every other service's events. Its own main and the all-in-one dev server both
// compose it from here.
package reporting

import (
	"context"
	"embed"
	"io/fs"

	"google.golang.org/grpc"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
	"github.com/familytime/familytime/services/reporting/internal/app"
	"github.com/familytime/familytime/services/reporting/internal/ports"
)

// Name is the service's name.
const Name = "reporting"

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are reporting's database: the event log tables (for its inbox) and its projections.
func Migrations() []migrate.Set {
	own, _ := fs.Sub(migrations, "migrations")
	return []migrate.Set{eventstore.Migrations(), {Component: Name, FS: own}}
}

// Service is the reporting service.
type Service struct {
	api        *ports.Server
	scheduling *bus.Consumer
}

// New builds the service on its dependencies.
func New(d host.Deps) (host.Service, error) {
	store := eventstore.New(d.Pool)
	a := app.New(adapters.NewCentres(store))
	c, err := bus.NewConsumer(d.NATS, store, bus.ConsumerConfig{Name: ports.SchedulingConsumer,
		Stream: bus.StreamName("scheduling"), FilterSubjects: ports.SchedulingSubjects, Logger: d.Logger,
		DeadLetterStream: d.Streams}, ports.SchedulingEvents(a))
	if err != nil {
		return nil, err
	}
	return &Service{api: ports.NewServer(a), scheduling: c}, nil
}

// Register adds ReportingService to the server.
func (s *Service) Register(r grpc.ServiceRegistrar) {
	reportingv1.RegisterReportingServiceServer(r, s.api)
}

// Policy is the rule for every RPC of ReportingService.
func (s *Service) Policy() auth.Policy { return ports.Policy }

// Run consumes the other services' events until ctx ends.
func (s *Service) Run(ctx context.Context) { s.scheduling.Run(ctx) }
