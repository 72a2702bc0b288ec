// Package reporting builds and runs the reporting service: the read side, with its own
// projections of every other service's events. Its own main and the all-in-one dev server both
// compose it from here.
package reporting

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/host"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/staff"
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
	return []migrate.Set{eventstore.Migrations(), {Component: Name, FS: own}, staff.Migrations()}
}

// Service is the reporting service.
type Service struct {
	app       *app.App
	gate      staff.Gate
	api       *ports.Server
	consumers []*bus.Consumer
	relay     *relay.Relay
	// pool and consumerNames are what behind reads the parked streams with.
	pool          *pgxpool.Pool
	js            jetstream.JetStream
	consumerNames []string
	// consumerStreams are the streams the consumers read, by the same index.
	consumerStreams []string
}

// New builds the service on its dependencies: a consumer of every event of each service's
// stream (reporting-referral, reporting-scheduling, reporting-safeguarding), and a relay of its own
// log, which records the reads of families' histories (decision 180).
func New(d host.Deps) (host.Service, error) {
	store := eventstore.New(d.Pool).SignWith(d.BusKey.ForLog(Name))
	js, err := jetstream.New(d.NATS)
	if err != nil {
		return nil, err
	}
	// No service consumes reporting's stream: it is the copy of its log that `familytime verify`
	// compares the log with, as for every service's, so that a read deleted from the log behind
	// the service's back is found (each read is a stream of one event: no chain would miss it).
	r, err := relay.New(d.Pool, d.NATS, relay.Config{Service: Name, Key: d.BusKey, Wake: store.Committed(), Appends: store, Logger: d.Logger, Stream: d.Streams})
	if err != nil {
		return nil, err
	}
	a := app.New(app.Deps{Centres: adapters.NewCentres(store), History: adapters.NewHistory(d.Pool),
		Figures: adapters.NewFigures(d.Pool), Rebuilds: adapters.NewRebuilds(d.Pool), JS: js, BusKey: d.BusKey, Log: store,
		Today: func() time.Time { return dates.InUK(d.Now()) }, Now: d.Now})
	// The registers are kept with their accounts as pseudonyms: reporting holds no personal data,
	// and an account id may be an e-mail address.
	gate := staff.Gate{Policy: ports.Policy, Pseudonymous: true,
		Register: func(ctx context.Context, centre uuid.UUID) (*staff.Register, error) {
			return staff.Kept(ctx, d.Pool, centre)
		},
		Today: func() time.Time { return dates.InUK(d.Now()) }, Work: "on the centre's families' histories and figures"}
	s := &Service{app: a, api: ports.NewServer(a, gate.Staff), gate: gate, relay: r, pool: d.Pool, js: js}
	for _, svc := range app.Services {
		c, err := bus.NewConsumer(d.NATS, store, bus.ConsumerConfig{Key: d.BusKey, Name: ports.Consumer(svc), Stream: bus.StreamName(svc),
			FilterSubjects: ports.Subjects(svc), Logger: d.Logger, DeadLetterStream: d.Streams}, ports.Events(a, svc))
		if err != nil {
			return nil, err
		}
		s.consumers, s.consumerNames = append(s.consumers, c), append(s.consumerNames, ports.Consumer(svc))
		s.consumerStreams = append(s.consumerStreams, bus.StreamName(svc))
	}
	c, err := bus.NewConsumer(d.NATS, store, bus.ConsumerConfig{Key: d.BusKey, Name: ports.StaffConsumer, Stream: bus.StreamName("scheduling"),
		FilterSubjects: staff.Subjects, Logger: d.Logger, DeadLetterStream: d.Streams}, staff.KeepEvents(true))
	if err != nil {
		return nil, err
	}
	s.consumers, s.consumerNames = append(s.consumers, c), append(s.consumerNames, ports.StaffConsumer)
	s.consumerStreams = append(s.consumerStreams, bus.StreamName("scheduling"))
	a.WatchConsumers(s.behind)
	return s, nil
}

// published is how many events the service's stream holds; none when it is missing.
func (s *Service) published(ctx context.Context, stream string) (int64, error) {
	st, err := s.js.Stream(ctx, stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return int64(st.CachedInfo().State.Msgs), nil
}

// behind is how far the live consumers are from the services' streams (app.Behind): their
// unacknowledged events (bus.Consumer.Lag) and their parked source streams.
func (s *Service) behind(ctx context.Context) (app.Behind, error) {
	var b app.Behind
	for i, c := range s.consumers {
		lag, err := c.Lag(ctx)
		switch {
		case errors.Is(err, jetstream.ErrStreamNotFound):
			// Nothing published yet (a new platform), or the stream lost: its relay creates it
			// again and publishes (decision 423); nothing of it is before the consumer yet.
			lag = 0
		case errors.Is(err, jetstream.ErrConsumerNotFound):
			// The durable not made yet (the consumer starts), or gone with its stream: as far as
			// anyone can tell, every event of the stream is still ahead of it.
			if lag, err = s.published(ctx, s.consumerStreams[i]); err != nil {
				return b, err
			}
		case err != nil:
			return b, err
		}
		parked, err := bus.Parked(ctx, s.pool, s.consumerNames[i])
		if err != nil {
			return b, err
		}
		b.Events += lag
		b.Parked += len(parked)
	}
	return b, nil
}

// Register adds ReportingService to the server.
func (s *Service) Register(r grpc.ServiceRegistrar) {
	reportingv1.RegisterReportingServiceServer(r, s.api)
}

// Staff refuses a centre's coordinator the register does not clear today a family's history
// (decision 110): one who left keeps a token until it expires.
func (s *Service) Staff(ctx context.Context, method string, centre uuid.UUID) (context.Context, error) {
	return s.gate.Staff(ctx, method, centre)
}

// Policy is the rule for every RPC of ReportingService.
func (s *Service) Policy() auth.Policy { return ports.Policy }

// Ready is nil while the service can record: not while its database has lost events its stream
// holds (relay.Relay.Ready, decisions.md 370).
func (s *Service) Ready() error { return s.relay.Ready() }

// AdminHandlers serve, on the admin port, the published figures as JSON for dashboards
// (/figures), the centres' ids, names and regions from reporting's centres projection, which
// holds no personal data (/centres), and a page a person can open that shows those figures
// (/dashboard, its script and style sheet under /dashboard/). The page reads only /figures and
// /centres: it is as exposed as /figures, and the admin port is internal to the deployment.
func (s *Service) AdminHandlers() map[string]http.Handler {
	page := ports.DashboardPage(s.app)
	return map[string]http.Handler{"GET /figures": ports.Dashboard(s.app), "GET /centres": ports.Centres(s.app),
		"GET /dashboard": page, "GET /dashboard/": page}
}

// Run consumes the other services' events and publishes its own log until ctx ends.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, c := range s.consumers {
		wg.Go(func() { c.Run(ctx) })
	}
	s.relay.Run(ctx)
	wg.Wait()
}
