// Package scheduling builds and runs the scheduling service: centres, rooms, sessions and
// bookings. Its own main and the all-in-one dev server both compose it from here.
package scheduling

import (
	"context"
	"embed"
	"io/fs"

	"google.golang.org/grpc"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/app"
	"github.com/familytime/familytime/services/scheduling/internal/ports"
)

// Name is the service's name: its stream is SCHEDULING, its subjects ft.scheduling.>.
const Name = "scheduling"

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the service database's migrations: the event log and its read models. Scheduling
// holds no personal data, so it has no key store (family keys never live with the events).
func Migrations() []migrate.Set {
	own, _ := fs.Sub(migrations, "migrations")
	return []migrate.Set{eventstore.Migrations(), {Component: Name, FS: own}}
}

// Service is the scheduling service.
type Service struct {
	api   *ports.Server
	relay *relay.Relay
}

// New builds the service on its dependencies.
func New(d host.Deps) (host.Service, error) {
	store := eventstore.New(d.Pool)
	r, err := relay.New(d.Pool, d.NATS, relay.Config{Service: Name, Logger: d.Logger, Stream: d.Streams})
	if err != nil {
		return nil, err
	}
	return &Service{api: ports.NewServer(app.New(adapters.NewCentres(store))), relay: r}, nil
}

// Register adds SchedulingService to the server.
func (s *Service) Register(r grpc.ServiceRegistrar) {
	schedulingv1.RegisterSchedulingServiceServer(r, s.api)
}

// Policy is the rule for every RPC of SchedulingService.
func (s *Service) Policy() auth.Policy { return ports.Policy }

// Run publishes the service's events until ctx ends.
func (s *Service) Run(ctx context.Context) { s.relay.Run(ctx) }
