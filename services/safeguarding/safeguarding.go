// Package safeguarding builds and runs the safeguarding service: risk, concerns, holds and
// observation reports, never rewritten. Its own main and the all-in-one dev server both compose
// it from here.
package safeguarding

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"sync"

	"google.golang.org/grpc"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/app"
	"github.com/familytime/familytime/services/safeguarding/internal/ports"
)

// Name is the service's name: its stream is SAFEGUARDING, its subjects ft.safeguarding.>.
const Name = "safeguarding"

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the service database's migrations: the event log and the read models. Family
// keys live in the key store apart (KEYSTORE_URL, seal.Migrations()), never with the events.
func Migrations() []migrate.Set {
	own, _ := fs.Sub(migrations, "migrations")
	// The kept staff registers' set comes last: the service's own 0005 made its table first.
	return []migrate.Set{eventstore.Migrations(), {Component: Name, FS: own}, staff.Migrations()}
}

// Service is the safeguarding service.
type Service struct {
	api      *ports.Server
	policy   auth.Policy // Policy, its refused reads audited
	relay    *relay.Relay
	referral *bus.Consumer
	sessions *bus.Consumer
	staff    *bus.Consumer
	own      *bus.Consumer // its own stream: waiting erasures (decision 104)
}

// New builds the service on its dependencies. It seals every free text, so it needs a key store.
func New(d host.Deps) (host.Service, error) {
	if d.Sealer == nil {
		return nil, errors.New("safeguarding holds sealed records: a key store is required (-keystore-url / KEYSTORE_URL, and KEKs)")
	}
	store := eventstore.New(d.Pool).SignWith(d.BusKey.ForLog(Name))
	a := app.New(adapters.NewRecords(store, d.Sealer)).WithClock(d.Now)
	r, err := relay.New(d.Pool, d.NATS, relay.Config{Service: Name, Key: d.BusKey, Wake: store.Committed(), Appends: store, Logger: d.Logger, Stream: d.Streams})
	if err != nil {
		return nil, err
	}
	c, err := bus.NewConsumer(d.NATS, store, bus.ConsumerConfig{Key: d.BusKey, Name: ports.ReferralConsumer, Stream: bus.StreamName("referral"),
		FilterSubjects: ports.ReferralSubjects, Logger: d.Logger, DeadLetterStream: d.Streams}, ports.ReferralEvents(a))
	if err != nil {
		return nil, err
	}
	sc, err := bus.NewConsumer(d.NATS, store, bus.ConsumerConfig{Key: d.BusKey, Name: ports.SchedulingConsumer, Stream: bus.StreamName("scheduling"),
		FilterSubjects: ports.SchedulingSubjects, Logger: d.Logger, DeadLetterStream: d.Streams}, ports.SchedulingEvents(a))
	if err != nil {
		return nil, err
	}
	stc, err := bus.NewConsumer(d.NATS, store, bus.ConsumerConfig{Key: d.BusKey, Name: ports.StaffConsumer, Stream: bus.StreamName("scheduling"),
		FilterSubjects: staff.Subjects, Logger: d.Logger, DeadLetterStream: d.Streams}, staff.KeepEvents(false))
	if err != nil {
		return nil, err
	}
	own, err := bus.NewConsumer(d.NATS, store, bus.ConsumerConfig{Key: d.BusKey, Name: ports.OwnConsumer, Stream: bus.StreamName(Name),
		FilterSubjects: ports.OwnSubjects, Logger: d.Logger, DeadLetterStream: d.Streams}, ports.OwnEvents(a))
	if err != nil {
		return nil, err
	}
	return &Service{api: ports.NewServer(a), policy: ports.PolicyFor(a), relay: r, referral: c, sessions: sc, staff: stc, own: own}, nil
}

// Register adds SafeguardingService to the server.
func (s *Service) Register(r grpc.ServiceRegistrar) {
	safeguardingv1.RegisterSafeguardingServiceServer(r, s.api)
}

// Policy is the rule for every RPC of SafeguardingService.
func (s *Service) Policy() auth.Policy { return s.policy }

// Ready is nil while the service can record: not while its database has lost events its stream
// holds (relay.Relay.Ready, decisions.md 370).
func (s *Service) Ready() error { return s.relay.Ready() }

// Run publishes the service's events and consumes referral's and scheduling's (the sessions, and
// the centres' staff registers) until ctx ends.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.relay.Run(ctx) })
	wg.Go(func() { s.referral.Run(ctx) })
	wg.Go(func() { s.sessions.Run(ctx) })
	wg.Go(func() { s.staff.Run(ctx) })
	wg.Go(func() { s.own.Run(ctx) })
	wg.Wait()
}
