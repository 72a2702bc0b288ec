package devserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	devv1 "github.com/familytime/familytime/proto/gen/go/familytime/dev/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/relay"
)

// Clock modes of the dev platform (Config.Clock, Info.Clock).
const (
	// ClockReal: the services run on the system clock, as in production.
	ClockReal = "real"
	// ClockSimulated: the services run on one simulated clock that DevClockService moves forward
	// (familytime simulate); it resumes from <data>/clock on the next start.
	ClockSimulated = "simulated"
	// ClockSeeding: the services run on a simulated clock while the demo data is recorded, then on
	// the real one (FollowRealTime).
	ClockSeeding = "seeding"
)

// simulatedEpoch is where a new simulated clock stands: before any date a simulation chooses.
var simulatedEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// ClockFile is where a simulated clock's time is kept between starts: it never goes back.
func ClockFile(dataDir string) string { return filepath.Join(dataDir, "clock") }

// chooseClock decides the services' clock before they start: the real one, a simulated one
// resumed from the data folder, or, to seed an empty platform, a simulated one at cfg.SeedFrom.
func (p *Platform) chooseClock(ctx context.Context, cfg Config) error {
	switch cfg.Clock {
	case "", ClockReal:
		p.Info.Clock = ClockReal
	case ClockSimulated:
		start := simulatedEpoch
		b, err := os.ReadFile(ClockFile(p.Info.DataDir))
		switch {
		case err == nil:
			if start, err = time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b))); err != nil {
				return fmt.Errorf("%s is not a time: %w (remove it to start the simulated clock afresh)", ClockFile(p.Info.DataDir), err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("read %s: %w", ClockFile(p.Info.DataDir), err)
		}
		p.clock, p.Info.Clock = clock.NewSimulated(start), ClockSimulated
	default:
		return fmt.Errorf("--clock %q: choose %s or %s", cfg.Clock, ClockReal, ClockSimulated)
	}
	if cfg.SeedFrom.IsZero() {
		return nil
	}
	if p.clock != nil {
		return errors.New("--seed runs on the real clock once the demo data is in: it cannot be combined with --clock simulated")
	}
	empty, err := p.empty(ctx)
	if err != nil {
		return err
	}
	if empty {
		p.clock, p.Info.Clock = clock.NewSimulated(cfg.SeedFrom), ClockSeeding
	}
	return nil
}

// empty reports whether no service has recorded an event yet.
func (p *Platform) empty(ctx context.Context) (bool, error) {
	for _, svc := range publishing {
		conn, err := pgx.Connect(ctx, p.Info.Databases[svc])
		if err != nil {
			return false, fmt.Errorf("%s database: %w", svc, err)
		}
		var any bool
		err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events)`).Scan(&any)
		conn.Close(context.WithoutCancel(ctx))
		if err != nil || any {
			return false, err
		}
	}
	return true, nil
}

// Seeding reports whether the platform is empty and runs on a simulated clock until the demo data
// is in (Config.SeedFrom).
func (p *Platform) Seeding() bool { return p.Info.Clock == ClockSeeding }

// Clock is the simulated clock the services run on; nil on the real clock.
func (p *Platform) Clock() *clock.Simulated { return p.clock }

// FollowRealTime ends seeding: the platform settles, and from then on the services run on the
// real clock.
func (p *Platform) FollowRealTime(ctx context.Context) error {
	if p.Info.Clock != ClockSeeding {
		return errors.New("the platform is not seeding")
	}
	if _, err := p.Settle(ctx); err != nil {
		return err
	}
	if err := p.clock.FollowReal(); err != nil {
		return err
	}
	p.Info.Clock = ClockReal
	return p.writeInfo()
}

// Settle waits until every committed event of every publishing service has been published, and
// every consumer of every stream has handled (acknowledged) all it was given, with nothing
// appended meanwhile. It returns how many times it found the platform busy.
//
// A round costs one query per publishing service (relays) and one consumer listing per stream,
// and runs every settlePoll while the platform is busy: the rounds compete for the 2 cores with
// the work they wait for, and a simulated year waits for about 1,500 settles.
func (p *Platform) Settle(ctx context.Context) (int64, error) {
	js, err := jetstream.New(p.nc)
	if err != nil {
		return 0, err
	}
	streams := make([]jetstream.Stream, len(p.Info.Streams))
	for i, name := range p.Info.Streams {
		if streams[i], err = js.Stream(ctx, name); err != nil {
			return 0, fmt.Errorf("stream %s: %w", name, err)
		}
	}
	var rounds int64
	for {
		before, busy, err := p.busy(ctx, streams)
		if err != nil {
			return rounds, err
		}
		if !busy {
			// Nothing was published since the first look (no checkpoint moved) and nothing waits
			// to be: nothing was appended while the consumers were looked at.
			after, pending, err := p.relays(ctx)
			if err != nil {
				return rounds, err
			}
			if after == before && !pending {
				return rounds, nil
			}
		}
		rounds++
		select {
		case <-ctx.Done():
			return rounds, fmt.Errorf("the platform did not settle: %w", ctx.Err())
		case <-time.After(settlePoll):
		}
	}
}

// settlePoll is how often Settle looks again at a busy platform.
const settlePoll = 5 * time.Millisecond

// busy reports whether a relay has events to publish or a consumer has messages to handle; it
// returns the relays' checkpoints read first.
func (p *Platform) busy(ctx context.Context, streams []jetstream.Stream) (string, bool, error) {
	checkpoints, pending, err := p.relays(ctx)
	if err != nil || pending {
		return checkpoints, pending, err
	}
	for _, stream := range streams {
		consumers := stream.ListConsumers(ctx)
		for info := range consumers.Info() {
			if info.NumPending > 0 || info.NumAckPending > 0 {
				return checkpoints, true, nil
			}
		}
		if err := consumers.Err(); err != nil {
			return "", false, fmt.Errorf("stream %s consumers: %w", stream.CachedInfo().Config.Name, err)
		}
	}
	return checkpoints, false, nil
}

// relays are the publishing services' relay checkpoints, as one comparable value, and whether a
// relay has committed events it has not published (relay.Progress).
func (p *Platform) relays(ctx context.Context) (string, bool, error) {
	var b strings.Builder
	pending := false
	for _, svc := range publishing {
		checkpoint, unpublished, err := relay.Progress(ctx, p.poolOf[svc], svc)
		if err != nil {
			return "", false, err
		}
		fmt.Fprintf(&b, "%s=%s;", svc, checkpoint)
		pending = pending || unpublished
	}
	return b.String(), pending, nil
}

// advance settles the platform, moves the simulated clock to t and keeps it in the data folder.
func (p *Platform) advance(ctx context.Context, t time.Time) (int64, error) {
	rounds, err := p.Settle(ctx)
	if err != nil {
		return rounds, err
	}
	if err := p.clock.Set(t); err != nil {
		return rounds, err
	}
	if p.Info.Clock == ClockSimulated {
		if err := os.WriteFile(ClockFile(p.Info.DataDir), []byte(t.UTC().Format(time.RFC3339Nano)+"\n"), 0o600); err != nil {
			return rounds, fmt.Errorf("keep the simulated time: %w", err)
		}
	}
	return rounds, nil
}

// clockService serves DevClockService to the admin role, on a simulated platform only.
type clockService struct {
	devv1.UnimplementedDevClockServiceServer
	p *Platform
}

var clockPolicy = auth.Policy{
	"/familytime.dev.v1.DevClockService/GetClock":     {Roles: []auth.Role{auth.RoleAdmin}},
	"/familytime.dev.v1.DevClockService/AdvanceClock": {Roles: []auth.Role{auth.RoleAdmin}},
}

func (s *clockService) Register(r grpc.ServiceRegistrar) { devv1.RegisterDevClockServiceServer(r, s) }
func (s *clockService) Policy() auth.Policy              { return clockPolicy }
func (s *clockService) Run(context.Context)              {}

func (s *clockService) GetClock(context.Context, *devv1.GetClockRequest) (*devv1.GetClockResponse, error) {
	return &devv1.GetClockResponse{Now: timestamppb.New(s.p.clock.Now())}, nil
}

func (s *clockService) AdvanceClock(ctx context.Context, req *devv1.AdvanceClockRequest) (*devv1.AdvanceClockResponse, error) {
	to := req.GetTo().AsTime()
	if to.Before(s.p.clock.Now()) {
		return nil, status.Errorf(codes.FailedPrecondition, "%s is before the simulated time %s: the clock only moves forward",
			to.Format(time.RFC3339), s.p.clock.Now().UTC().Format(time.RFC3339))
	}
	rounds, err := s.p.advance(ctx, to)
	if err != nil {
		if ctx.Err() != nil {
			return nil, status.FromContextError(ctx.Err()).Err()
		}
		return nil, status.Error(codes.Unavailable, err.Error())
	}
	return &devv1.AdvanceClockResponse{Now: timestamppb.New(s.p.clock.Now()), SettleRounds: rounds}, nil
}
