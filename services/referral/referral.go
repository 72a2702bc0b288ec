// Package referral builds and runs the referral service: families and their path from a referral
// to a family ready for contact, and on to the case's outcome. Its own main and the all-in-one
// dev server both compose it from here.
package referral

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"slices"
	"sync"

	"github.com/google/uuid"
	"google.golang.org/grpc"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/app"
	"github.com/familytime/familytime/services/referral/internal/ports"
)

// Name is the service's name: its stream is REFERRAL, its subjects ft.referral.>.
const Name = "referral"

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the service database's migrations: the event log and the read models. The
// family keys live in a key store of their own (seal.Migrations, KEYSTORE_URL).
func Migrations() []migrate.Set {
	own, _ := fs.Sub(migrations, "migrations")
	return []migrate.Set{eventstore.Migrations(), {Component: Name, FS: own}, staff.Migrations()}
}

// RolesFor are the roles that may call one of the service's RPCs, named as its method is
// ("ChangeArrangement"); none for a method it does not have. A client that reads a referral before
// a change words a refusal of the read as the change's (the CLI's change-arrangement, review 35).
func RolesFor(method string) []auth.Role {
	return slices.Clone(ports.Policy["/"+referralv1.ReferralService_ServiceDesc.ServiceName+"/"+method].Roles)
}

// Service is the referral service.
type Service struct {
	api       *ports.Server
	gate      staff.Gate
	relay     *relay.Relay
	consumers []*bus.Consumer
	referrals *adapters.Referrals
	log       *slog.Logger
}

// New builds the service on its dependencies. It holds personal data, so it needs a key store.
func New(d host.Deps) (host.Service, error) {
	if d.Sealer == nil {
		return nil, errors.New("referral holds personal data and needs a key store: set KEYSTORE_URL and the KEKs (see -help)")
	}
	store := eventstore.New(d.Pool).SignWith(d.BusKey.ForLog(Name))
	referrals := adapters.NewReferrals(store, d.Sealer)
	a := app.New(referrals).WithClock(d.Now)
	r, err := relay.New(d.Pool, d.NATS, relay.Config{Service: Name, Key: d.BusKey, Wake: store.Committed(), Appends: store, Stream: d.Streams, Logger: d.Logger})
	if err != nil {
		return nil, err
	}
	s := &Service{api: ports.NewServer(a), relay: r, referrals: referrals, log: d.Logger, gate: staff.Gate{Policy: ports.Policy,
		Register: func(ctx context.Context, centre uuid.UUID) (*staff.Register, error) {
			return staff.Kept(ctx, d.Pool, centre)
		},
		Today: a.Today, Work: "on the centre's referrals and families"}}
	for _, c := range []struct {
		name, stream string
		subjects     []string
		handle       bus.Handler
	}{
		{ports.SchedulingConsumer, "scheduling", ports.SchedulingSubjects, ports.SchedulingEvents(a)},
		{ports.SafeguardingConsumer, "safeguarding", ports.SafeguardingSubjects, ports.SafeguardingEvents(a)},
		{ports.ReferralConsumer, Name, ports.ReferralSubjects, ports.ReferralEvents(a)},
		{ports.StaffConsumer, "scheduling", staff.Subjects, staff.KeepEvents(false)},
		{ports.BookingConsumer, "scheduling", ports.BookingSubjects, ports.BookingEvents(a)},
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

// Register adds ReferralService to the server.
func (s *Service) Register(r grpc.ServiceRegistrar) {
	referralv1.RegisterReferralServiceServer(r, s.api)
}

// Staff refuses a centre's staff the register does not clear today, in any call (decision 110):
// a coordinator who left opens no family's details with the token they kept.
func (s *Service) Staff(ctx context.Context, method string, centre uuid.UUID) (context.Context, error) {
	return s.gate.Staff(ctx, method, centre)
}

// Prepare gives the children of referrals made before decision 200 the close keys they are matched
// on, the adults of referrals made before decision 350 the keys of their phones and emails, and
// the links for the figures made before decision 413 their rows, before the service takes a
// referral that should find them.
func (s *Service) Prepare(ctx context.Context) error {
	n, err := s.referrals.CompleteMatches(ctx)
	if n > 0 && s.log != nil {
		s.log.InfoContext(ctx, "children of earlier referrals matched on close keys too (decision 200)", "referrals", n)
	}
	if err != nil {
		return err
	}
	n, err = s.referrals.CompleteAdultMatches(ctx)
	if n > 0 && s.log != nil {
		s.log.InfoContext(ctx, "adults of earlier referrals matched on their phones and emails (decision 350)", "referrals", n)
	}
	if err != nil {
		return err
	}
	n, err = s.referrals.CompleteFigureLinks(ctx)
	if n > 0 && s.log != nil {
		s.log.InfoContext(ctx, "links for the figures made before decision 413 recorded as they stand", "links", n)
	}
	return err
}

// Policy is the rule for every RPC of ReferralService.
func (s *Service) Policy() auth.Policy { return ports.Policy }

// Ready is nil while the service can record: not while its database has lost events its stream
// holds (relay.Relay.Ready, decisions.md 370).
func (s *Service) Ready() error { return s.relay.Ready() }

// Run publishes the service's events and consumes other services' until ctx ends.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.relay.Run(ctx) })
	for _, c := range s.consumers {
		wg.Go(func() { c.Run(ctx) })
	}
	wg.Wait()
}
