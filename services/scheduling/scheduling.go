// Package scheduling builds and runs the scheduling service: centres, rooms, sessions and
// bookings. Its own main and the all-in-one dev server both compose it from here.
package scheduling

import (
	"context"
	"embed"
	"io/fs"
	"sync"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/app"
	"github.com/familytime/familytime/services/scheduling/internal/ports"
)

// Name is the service's name: its stream is SCHEDULING, its subjects ft.scheduling.>.
const Name = "scheduling"

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the service database's migrations: the event log and its read models. Scheduling
// keeps ids, dates, times and categories, and one free text: an explained no-show's explanation
// (review 42), sealed with the family's key in a key store apart (KEYSTORE_URL,
// seal.Migrations()), never with the events. Without a key store it runs all the same, and
// refuses explained no-shows (NO_KEY_STORE).
func Migrations() []migrate.Set {
	own, _ := fs.Sub(migrations, "migrations")
	return []migrate.Set{eventstore.Migrations(), {Component: Name, FS: own}}
}

// Service is the scheduling service.
type Service struct {
	api       *ports.Server
	gate      func(ctx context.Context, method string, centre uuid.UUID) (context.Context, error)
	relay     *relay.Relay
	consumers []*bus.Consumer
}

// New builds the service on its dependencies. d.Sealer is the service's key store, for the
// explanations of explained no-shows; nil refuses them (NO_KEY_STORE).
func New(d host.Deps) (host.Service, error) {
	return build(d, d.Now)
}

// build builds the service with a clock: tests choose the date.
func build(d host.Deps, now func() time.Time) (*Service, error) {
	store := eventstore.New(d.Pool).SignWith(d.BusKey.ForLog(Name))
	r, err := relay.New(d.Pool, d.NATS, relay.Config{Service: Name, Key: d.BusKey, Wake: store.Committed(), Appends: store, Logger: d.Logger, Stream: d.Streams})
	if err != nil {
		return nil, err
	}
	if d.Sealer == nil && d.Logger != nil {
		// Said at start, not first on a Saturday at the door (review 43).
		d.Logger.Warn("no key store (KEYSTORE_URL and KEKs): explained no-shows will be refused NO_KEY_STORE")
	}
	a := app.New(adapters.NewCentres(store), adapters.NewSessions(store)).WithClock(now).WithKeys(adapters.NewKeys(d.Sealer))
	s := &Service{api: ports.NewServer(a), relay: r, gate: ports.Gate(staff.Gate{Policy: ports.Policy, Register: a.StaffRegister,
		Today: a.Today})}
	for _, c := range []struct {
		name, stream string
		subjects     []string
		handle       bus.Handler
	}{
		{ports.ReferralConsumer, "referral", ports.ReferralSubjects, ports.ReferralEvents(a)},
		{ports.SafeguardingConsumer, "safeguarding", ports.SafeguardingSubjects, ports.SafeguardingEvents(a)},
		{ports.ReviewConsumer, "referral", ports.ReviewSubjects, ports.ReviewEvents(a)},
	} {
		consumer, err := bus.NewConsumer(d.NATS, store, bus.ConsumerConfig{Key: d.BusKey, Name: c.name, Stream: bus.StreamName(c.stream),
			FilterSubjects: c.subjects, DeadLetterStream: d.Streams, Logger: d.Logger}, c.handle)
		if err != nil {
			return nil, err
		}
		s.consumers = append(s.consumers, consumer)
	}
	return s, nil
}

// Register adds SchedulingService to the server.
func (s *Service) Register(r grpc.ServiceRegistrar) {
	schedulingv1.RegisterSchedulingServiceServer(r, s.api)
}

// Staff refuses a centre's staff the register does not clear today, in any of the centre's calls
// (decision 110): a coordinator who left books, moves and cancels no family's sessions, and
// keeps none of its rooms, patterns or register, with the token they kept. Their own leaving is
// recorded whatever their clearance (ports.Gate, review 39).
func (s *Service) Staff(ctx context.Context, method string, centre uuid.UUID) (context.Context, error) {
	return s.gate(ctx, method, centre)
}

// Policy is the rule for every RPC of SchedulingService.
func (s *Service) Policy() auth.Policy { return ports.Policy }

// Ready is nil while the service can record: not while its database has lost events its stream
// holds (relay.Relay.Ready, decisions.md 370).
func (s *Service) Ready() error { return s.relay.Ready() }

// Run publishes the service's events and consumes referral's and safeguarding's until ctx ends.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, c := range s.consumers {
		wg.Go(func() { c.Run(ctx) })
	}
	s.relay.Run(ctx)
	wg.Wait()
}
