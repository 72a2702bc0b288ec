package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"

	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/tools/internal/devserver"
	"github.com/familytime/familytime/tools/internal/simulate"
)

func newSimulateCommand() *cobra.Command {
	var (
		dataDir     string
		cfg         simulate.Config
		from, to    string
		concernRate float64
	)
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run a realistic year of contact centres through the platform's APIs, and check reporting's figures",
		Long: `simulate registers centres over the regions (weighted by population; 60% supported only, 15%
supervised only, 25% both), with rooms and opening patterns as centres run them (supported:
alternate or every Saturday, 10:00-12:30; supervised: a weekday morning, one family to a room),
and drives families through the real gRPC APIs day by day: referrals from a realistic mix of
sources, self-referrals waiting for the second parent, screening, domestic-abuse findings routed
to supervised centres, declines, withdrawals, waiting lists where centres are full, pre-visits,
arrangements, fortnightly bookings, check-in, arrivals, departures, completion, late and early
cancellations, no-shows (the second releases the place, which scheduling offers to the first
family on its waiting list), and cases ending with their outcomes. Where a centre is full the
referral is waitlisted, which puts the family on scheduling's waiting list, and it is offered the
next place freed. Supported cases are
reviewed. Supervised sessions' observation reports are drafted by the supervisor, checked by the
safeguarding lead and released. In --concern-rate of the sessions attended someone raises a
safeguarding concern; the lead escalates some, places a hold on half of those (the platform
cancels the family's bookings until it is lifted) and closes them all.

It needs a dev platform on a simulated clock (familytime dev --clock simulated): it sets the
date it books and records by moving that clock forward, and never waits in real time; each move
first lets every event be published and consumed. The same --seed makes the same choices. The
platform must hold no centres (a new data folder, not started with --seed): the simulation's
ground truth is compared with the platform's national figures, so a platform already in use is
refused before anything is recorded. Where the platform cannot give a place as asked (a room held
for a family offered it from the waiting list, or no session left with room), the simulation
waits, as a coordinator would, and tries again the next day.

At the end it prints its own ground truth beside reporting's figures (GetFigures, exact) for
every quarter and year it covers, nationally, by region and by centre, and exits non-zero if any
cell differs.`,
		Example: `  familytime dev --clock simulated --data /tmp/ft-sim     # in one terminal
  familytime simulate --data /tmp/ft-sim --centres 300 --from 2026-01-01 --to 2026-12-31 --scale 0.1 --seed 42`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.From, err = time.Parse(time.DateOnly, from); err != nil {
				return fmt.Errorf("--from %q is not a date (YYYY-MM-DD)", from)
			}
			if cfg.To, err = time.Parse(time.DateOnly, to); err != nil {
				return fmt.Errorf("--to %q is not a date (YYYY-MM-DD)", to)
			}
			cfg.ConcernRate = &concernRate // always given here: 0 is no concerns, not the default
			if err := cfg.Validate(); err != nil {
				return err // before looking for a platform: a wrong flag is said first
			}
			p, err := devPlatform(dataDir)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			res, err := simulate.Run(ctx, cfg, p, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Simulated %d centres, %d referrals, %s to %s: %d commands in %s (%.0f commands/s)\n\n",
				res.Centres, res.Families, from, to, res.Commands, res.Elapsed.Round(time.Second),
				float64(res.Commands)/res.Elapsed.Seconds())
			cs, err := simulate.Compare(ctx, p, res.Truth, cfg.From, cfg.To)
			if err != nil {
				return err
			}
			simulate.Print(out, cs)
			for _, c := range cs {
				if len(c.Differ) > 0 {
					return errors.New("reporting's figures differ from the simulation's ground truth")
				}
			}
			fmt.Fprintln(out, "Reporting's figures agree with the ground truth.")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", defaultDataDir, "data folder of the running familytime dev (started with --clock simulated)")
	f.IntVar(&cfg.Centres, "centres", 300, "centres to register")
	f.StringVar(&from, "from", "2026-01-01", "first day simulated")
	f.StringVar(&to, "to", "2026-12-31", "last day simulated")
	f.Float64Var(&cfg.Scale, "scale", 0.1, "share of a national year's referrals (1.0: about 21,000 children served)")
	f.Uint64Var(&cfg.Seed, "seed", 42, "the simulation's choices: the same seed makes the same choices")
	f.IntVar(&cfg.Concurrency, "concurrency", 8, "centres acting at once")
	f.Float64Var(&concernRate, "concern-rate", simulate.DefaultConcernRate, "share of attended sessions in which a safeguarding concern is raised, from 0 (none) to 1")
	return cmd
}

// devPlatform is the running dev platform in dataDir, as the simulator reaches it: its services,
// its clock and its signing key.
func devPlatform(dataDir string) (simulate.Platform, error) {
	info, err := readDevInfo(dataDir)
	if err != nil {
		return simulate.Platform{}, err
	}
	if info.ClockAddr == "" {
		return simulate.Platform{}, refuse(codes.FailedPrecondition, ReasonClockNotSimulated, fmt.Sprintf(
			"the familytime dev in %s runs on the real clock: start it with --clock simulated (a simulation sets the dates itself)", dataDir))
	}
	if _, err := os.Stat(devserver.DevKeyFile(dataDir)); err != nil {
		return simulate.Platform{}, fmt.Errorf("the dev signing key: %w", err)
	}
	key, err := auth.LoadOrCreateDevKey(devserver.DevKeyFile(dataDir))
	if err != nil {
		return simulate.Platform{}, err
	}
	return simulate.Platform{Referral: info.Services["referral"], Scheduling: info.Services["scheduling"],
		Safeguarding: info.Services["safeguarding"], Reporting: info.Services["reporting"], Clock: info.ClockAddr,
		Key: key, Issuer: devserver.Issuer, Audience: devserver.Audience}, nil
}
