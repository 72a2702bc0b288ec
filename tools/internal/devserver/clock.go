package devserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	devv1 "github.com/familytime/familytime/proto/gen/go/familytime/dev/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/problem"
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
	// the real one, or a simulated one standing at today (EndSeeding).
	ClockSeeding = "seeding"
)

// ClockFile is where a simulated clock's time is kept between starts: it never goes back.
func ClockFile(dataDir string) string { return filepath.Join(dataDir, "clock") }

// StartOfToday is the start of the date in the UK (the centres' date) at now: where a new
// simulated clock stands unless told otherwise (Config.ClockStart), so that its dates look real.
func StartOfToday(now time.Time) time.Time {
	d := dates.InUK(now)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, dates.UK())
}

// chooseClock decides the services' clock before they start: the real one, a simulated one
// resumed from the data folder or new at cfg.ClockStart, or, to seed an empty platform, a
// simulated one at cfg.SeedFrom. cfg.Clock empty is the data folder's: simulated if it keeps a
// simulated clock, else real.
//
// The services never see time go back (review 45): a data folder kept on a simulated clock ahead of
// the real time is refused the real clock, and one behind it that goes over to the real clock
// forgets its simulated time, so that a later start does not resume it behind what was recorded.
func (p *Platform) chooseClock(ctx context.Context, cfg Config) error {
	kept, hasKept, err := keptClock(p.Info.DataDir)
	if err != nil {
		return err
	}
	mode := cfg.Clock
	if mode == "" {
		mode = ClockReal
		if hasKept {
			mode = ClockSimulated
		}
	}
	if !cfg.ClockStart.IsZero() && mode != ClockSimulated {
		return errors.New("--clock-start is where a simulated clock starts: give it with --clock simulated")
	}
	switch mode {
	case ClockReal:
		if hasKept && kept.After(time.Now()) {
			return fmt.Errorf("the services in %s recorded on a simulated clock up to %s, after today: on the real clock they would "+
				"see time go back. Start it with --clock simulated (the clock resumes there), or use another --data folder",
				p.Info.DataDir, kept.UTC().Format(time.RFC3339))
		}
		p.Info.Clock = ClockReal
	case ClockSimulated:
		start := cfg.ClockStart
		if start.IsZero() {
			start = StartOfToday(time.Now())
		}
		if hasKept {
			start, p.Info.ClockResumed = kept, true
		}
		p.clock, p.Info.Clock, p.Info.ClockStart = newSimClock(start), ClockSimulated, start.UTC()
	default:
		return fmt.Errorf("--clock %q: choose %s or %s", cfg.Clock, ClockReal, ClockSimulated)
	}
	if !cfg.SeedFrom.IsZero() && !hasKept {
		if !cfg.ClockStart.IsZero() {
			return errors.New("--seed records the demo's eight weeks up to today, and a seeded simulated clock stands at the start " +
				"of today: --clock-start cannot be combined with --seed (start without it, then familytime clock advance)")
		}
		empty, err := p.empty(ctx)
		if err != nil {
			return err
		}
		if empty {
			// Seeded on a clock of its own; EndSeeding then hands over to the real clock, or, with
			// --clock simulated, to a simulated one standing at the start of today (review 50:
			// every reviewer wanted the demo on a clock they could move to its Saturday).
			p.seedThenSimulate = mode == ClockSimulated
			p.clock, p.Info.Clock, p.Info.ClockStart = newSimClock(cfg.SeedFrom), ClockSeeding, cfg.SeedFrom.UTC()
		}
	}
	// Only once every check has passed (review 45: a start refused for --seed kept its clock, and
	// the next start ignored its own --clock-start).
	switch {
	case p.Info.Clock == ClockSimulated && !p.Info.ClockResumed:
		// Kept at once, not at its first move: the services record on it from now, and a
		// restart (with another --clock-start, or none, a later day) must not take them to
		// another time (review 43: a clock never moved started again at the new day).
		return keepClock(p.Info.DataDir, p.Info.ClockStart)
	case p.Info.Clock == ClockReal && hasKept:
		if err := os.Remove(ClockFile(p.Info.DataDir)); err != nil {
			return fmt.Errorf("forget the simulated time: %w", err)
		}
	}
	return nil
}

// keptClock is the simulated time the data folder keeps (ClockFile), if it keeps one.
func keptClock(dataDir string) (time.Time, bool, error) {
	b, err := os.ReadFile(ClockFile(dataDir))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, fmt.Errorf("read %s: %w", ClockFile(dataDir), err)
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b)))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%s is not a time: %w (remove it to start the simulated clock afresh)", ClockFile(dataDir), err)
	}
	return t, true, nil
}

// logClock says in dev.log which clock the services run on, and its time at the start.
func (p *Platform) logClock(ctx context.Context) {
	now := time.Now()
	if p.clock != nil {
		now = p.clock.Now()
	}
	p.telemetry.Logger.InfoContext(ctx, "dev platform clock", "clock", p.Info.Clock, "now", now.UTC().Format(time.RFC3339),
		"resumed", p.Info.ClockResumed)
}

// simClock is the dev platform's simulated clock: a clock.Simulated, which a move may also set
// back while nothing is recorded (AdvanceClock). A new clock stands at the start of today; a
// simulation or a tester then sets the day it begins on.
type simClock struct {
	mu sync.RWMutex
	s  *clock.Simulated
}

func newSimClock(t time.Time) *simClock { return &simClock{s: clock.NewSimulated(t)} }

// Now is the simulated time (clock.Clock).
func (c *simClock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.s.Now()
}

// Set moves the clock forward to t (clock.Simulated.Set).
func (c *simClock) Set(t time.Time) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.s.Set(t)
}

// FollowReal hands over to the real clock (clock.Simulated.FollowReal).
func (c *simClock) FollowReal() error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.s.FollowReal()
}

// restart stands the clock at t, before its time too: while nothing is recorded only (mayGoBack).
func (c *simClock) restart(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s = clock.NewSimulated(t)
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
func (p *Platform) Clock() clock.Clock {
	if p.clock == nil {
		return nil
	}
	return p.clock
}

// EndSeeding ends seeding: the platform settles, and from then on the services run on the real
// clock, or, for a platform started with a simulated clock (Config.Clock), on a simulated clock
// standing at the start of today (UK time; later if seeding took the clock past it), kept in the
// data folder as any simulated clock is, so that familytime clock advance moves it to the demo's
// next session day.
func (p *Platform) EndSeeding(ctx context.Context) error {
	if p.Info.Clock != ClockSeeding {
		return errors.New("the platform is not seeding")
	}
	if _, err := p.Settle(ctx); err != nil {
		return err
	}
	if !p.seedThenSimulate {
		if err := p.clock.FollowReal(); err != nil {
			return err
		}
		p.Info.Clock = ClockReal
		return p.writeInfo()
	}
	at := StartOfToday(time.Now())
	if now := p.clock.Now(); now.After(at) {
		at = now
	}
	if err := p.clock.Set(at); err != nil {
		return err
	}
	if err := keepClock(p.Info.DataDir, at); err != nil {
		return err
	}
	p.Info.Clock, p.Info.ClockStart = ClockSimulated, at.UTC()
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

// advance settles the platform, moves the simulated clock to t (back only while nothing is
// recorded, which AdvanceClock checks) and keeps it in the data folder.
func (p *Platform) advance(ctx context.Context, t time.Time) (int64, error) {
	rounds, err := p.Settle(ctx)
	if err != nil {
		return rounds, err
	}
	if t.Before(p.clock.Now()) {
		p.clock.restart(t)
	} else if err := p.clock.Set(t); err != nil {
		return rounds, err
	}
	if p.Info.Clock == ClockSimulated {
		if err := keepClock(p.Info.DataDir, t); err != nil {
			return rounds, err
		}
	}
	return rounds, nil
}

// keepClock writes the simulated time to the data folder (ClockFile), where the next start
// resumes it.
func keepClock(dataDir string, t time.Time) error {
	if err := os.WriteFile(ClockFile(dataDir), []byte(t.UTC().Format(time.RFC3339Nano)+"\n"), 0o600); err != nil {
		return fmt.Errorf("keep the simulated time: %w", err)
	}
	return nil
}

// mayGoBack reports whether the simulated clock may still be set anywhere, back too: while no
// service has recorded anything, so that no service sees a day it has recorded come again.
func (p *Platform) mayGoBack(ctx context.Context) (bool, error) {
	if p.Info.Clock != ClockSimulated {
		return false, nil
	}
	return p.empty(ctx)
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

// ReasonForwardOnly is AdvanceClock's reason for refusing a move back.
const ReasonForwardOnly = "CLOCK_MOVES_FORWARD_ONLY"

// ReasonTooFar is AdvanceClock's reason for refusing a time more than MaxClockYears on.
const ReasonTooFar = "CLOCK_TOO_FAR"

// MaxClockYears is how far past the real time the simulated clock may go, in years: far enough for
// any retention period (a family's records are kept for years after its case ends), and short of
// the year 10000, where no service's dates can be written (review 43: --by 9000000d broke them).
const MaxClockYears = 100

func (s *clockService) AdvanceClock(ctx context.Context, req *devv1.AdvanceClockRequest) (*devv1.AdvanceClockResponse, error) {
	if req.GetTo() == nil {
		return nil, grpcx.Status(ctx, nil, problem.Invalid("to", "give the time the clock moves to"))
	}
	to := req.GetTo().AsTime()
	if limit := time.Now().AddDate(MaxClockYears, 0, 0); to.After(limit) {
		return nil, refusal(codes.InvalidArgument, ReasonTooFar, fmt.Sprintf(
			"that is more than 100 years from today: the simulated clock goes at most to %s", limit.UTC().Format(time.DateOnly)))
	}
	if err := req.GetTo().CheckValid(); err != nil {
		return nil, grpcx.Status(ctx, nil, problem.Invalid("to", "not a time a timestamp can hold"))
	}
	if now := s.p.clock.Now(); to.Before(now) {
		first, err := s.p.mayGoBack(ctx)
		if err != nil {
			return nil, status.Error(codes.Unavailable, err.Error())
		}
		if !first {
			return nil, refusal(codes.FailedPrecondition, ReasonForwardOnly, fmt.Sprintf(
				"%s is before the simulated time %s: the clock only moves forward (it may go back only while nothing is recorded)",
				to.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
		}
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

// refusal is a gRPC status with its reason, in the services' style (grpcx).
func refusal(code codes.Code, reason, message string) error {
	st, err := status.New(code, message).WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: grpcx.Domain})
	if err != nil {
		return status.Error(code, message)
	}
	return st.Err()
}
