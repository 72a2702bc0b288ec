package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	devv1 "github.com/familytime/familytime/proto/gen/go/familytime/dev/v1"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/tools/internal/devserver"
)

// newClockCommand is `familytime clock`: the dev platform's simulated clock, shown and moved
// (review 42: moving it took a gRPC client of DevClockService).
func newClockCommand() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Show or move the simulated clock of a familytime dev started with --clock simulated",
		Long: `clock shows the time the services of a running familytime dev take as "now", and on a dev
platform started with --clock simulated moves it forward, so that days, weeks or months pass for a
tester in a moment: reviews fall due, bookings come and go, quarters end.

A new simulated clock stands at the start of today (UK time), or at dev's --clock-start; a data
folder's clock resumes where it was left, moved or not. While no service has recorded anything it
may be moved to any time, earlier too (the day a tester's story or a simulation begins); after
that only forward, and never more than 100 years past today. Each move first lets every event be published and handled, as familytime
simulate's do. It uses the dev platform's admin token, from the data folder.`,
		Example: `  familytime dev --clock simulated --data /tmp/ft-try     # in one terminal
  familytime clock show --data /tmp/ft-try
  familytime clock advance --by 30d --data /tmp/ft-try
  familytime clock advance --to 2027-03-01T10:00 --data /tmp/ft-try --json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return fmt.Errorf("clock needs a subcommand: show or advance (familytime clock --help)")
		},
	}
	cmd.PersistentFlags().StringVar(&dataDir, "data", defaultDataDir, "data folder of the running familytime dev")
	cmd.AddCommand(clockShowCommand(&dataDir), clockAdvanceCommand(&dataDir))
	return cmd
}

func clockShowCommand(dataDir *string) *cobra.Command {
	var out output
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the services' clock: which one, and its time",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info, err := readDevInfo(*dataDir)
			if err != nil {
				return err
			}
			if info.ClockAddr == "" || info.Clock == devserver.ClockReal {
				return printClock(cmd.OutOrStdout(), out.json, clockAnswer{Clock: devserver.ClockReal, Now: time.Now()})
			}
			client, done, err := clockClient(info)
			if err != nil {
				return err
			}
			defer done()
			resp, err := client.GetClock(cmd.Context(), &devv1.GetClockRequest{})
			if err != nil {
				return describe(err)
			}
			return printClock(cmd.OutOrStdout(), out.json, clockAnswer{Clock: info.Clock, Now: resp.GetNow().AsTime()})
		},
	}
	out.register(cmd.Flags())
	return cmd
}

func clockAdvanceCommand(dataDir *string) *cobra.Command {
	var (
		out    output
		to, by string
	)
	cmd := &cobra.Command{
		Use:   "advance (--to TIME | --by DURATION)",
		Short: "Move the simulated clock forward, once everything recorded so far has had its effects",
		Long: `advance moves the simulated clock of a familytime dev to --to, or on by --by, and prints where
it stood and where it stands. It waits first until every event recorded is published and handled.

--to is a date (2027-03-01: its start, UK time), a UK time (2027-03-01T10:00) or an instant with
its zone (2027-03-01T10:00:00Z). --by is a duration as Go writes it (90m, 72h) or whole days
(30d: the same UK time 30 days on).

A move back is refused (CLOCK_MOVES_FORWARD_ONLY), but while nothing is recorded; a move past 100
years from today too (CLOCK_TOO_FAR); on the real clock there is nothing to move
(CLOCK_NOT_SIMULATED).`,
		Example: `  familytime clock advance --by 30d
  familytime clock advance --by 36h
  familytime clock advance --to 2027-03-01
  familytime clock advance --to 2027-03-01T10:00 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var at time.Time
			var days int
			var step time.Duration
			var err error
			switch {
			case to == "" && by == "":
				return fmt.Errorf("give where the clock moves: --to TIME or --by DURATION")
			case to != "" && by != "":
				return fmt.Errorf("--to and --by say two moves: give one")
			case to != "":
				if at, err = parseClockTime("--to", to); err != nil {
					return err
				}
			default:
				if days, step, err = parseClockStep(by); err != nil {
					return err
				}
			}
			info, err := readDevInfo(*dataDir)
			if err != nil {
				return err
			}
			if info.ClockAddr == "" || info.Clock != devserver.ClockSimulated {
				kind := "the real clock"
				if info.Clock == devserver.ClockSeeding {
					kind = "a clock recording its demo data"
				}
				return refuse(codes.FailedPrecondition, ReasonClockNotSimulated, fmt.Sprintf(
					"the familytime dev in %s runs on %s, which nothing moves: start one with --clock simulated", *dataDir, kind))
			}
			client, done, err := clockClient(info)
			if err != nil {
				return err
			}
			defer done()
			was, err := client.GetClock(cmd.Context(), &devv1.GetClockRequest{})
			if err != nil {
				return describe(err)
			}
			if to == "" {
				at = was.GetNow().AsTime().In(london).AddDate(0, 0, days).Add(step)
			}
			moved, err := client.AdvanceClock(cmd.Context(), &devv1.AdvanceClockRequest{To: timestamppb.New(at)})
			if err != nil {
				return describe(err)
			}
			return printClock(cmd.OutOrStdout(), out.json, clockAnswer{Clock: info.Clock, Was: was.GetNow().AsTime(), Now: moved.GetNow().AsTime()})
		},
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "the time to move to: 2027-03-01, 2027-03-01T10:00 (UK time) or 2027-03-01T10:00:00Z")
	f.StringVar(&by, "by", "", "how far to move: 90m, 72h, 30d")
	out.register(f)
	return cmd
}

// clockClient dials the dev platform's clock with its admin token.
func clockClient(info devserver.Info) (devv1.DevClockServiceClient, func(), error) {
	cc, err := grpcx.Dial(info.ClockAddr, info.AdminToken)
	if err != nil {
		return nil, nil, err
	}
	return devv1.NewDevClockServiceClient(cc), func() { cc.Close() }, nil
}

// clockAnswer is what familytime clock prints: the services' clock (real or simulated), its time
// now, and where it stood before a move.
type clockAnswer struct {
	Clock string    `json:"clock"`
	Now   time.Time `json:"now"`
	Was   time.Time `json:"was,omitzero"`
}

func printClock(w io.Writer, asJSON bool, a clockAnswer) error {
	a.Now, a.Was = a.Now.UTC(), a.Was.UTC()
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "clock:\t%s\n", a.Clock)
	if !a.Was.IsZero() {
		fmt.Fprintf(tw, "was:\t%s\n", inWords(a.Was))
	}
	fmt.Fprintf(tw, "now:\t%s\n", inWords(a.Now))
	return tw.Flush()
}

// inWords is an instant as a person at a centre reads it, with the instant itself.
func inWords(t time.Time) string {
	return t.In(london).Format("Monday 2 January 2006, 15:04") + " UK time (" + t.UTC().Format(time.RFC3339) + ")"
}

// parseClockTime reads a time for the simulated clock: a date (its start in the UK), a UK time, or
// an instant with its zone.
func parseClockTime(flag, value string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, value); err == nil {
		return t, nil
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, value, london); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q is not a time: give 2026-03-01, 2026-03-01T14:30 (UK time) or 2026-03-01T14:30:00Z", flag, value)
}

// maxClockDays is more days than 100 years have: --by refuses more before any call, and the dev
// platform refuses a time past 100 years from today exactly.
const maxClockDays = 100*366 + 1

// parseClockStep reads --by: whole days (30d, the same UK time that many days on), or a duration
// Go reads (90m, 72h); forward only.
func parseClockStep(value string) (days int, step time.Duration, err error) {
	if n, ok := strings.CutSuffix(value, "d"); ok {
		days, err = strconv.Atoi(n)
	} else {
		step, err = time.ParseDuration(value)
	}
	switch {
	case err != nil:
		return 0, 0, fmt.Errorf("--by %q is not a duration such as 90m, 72h or 30d", value)
	case days < 0 || step < 0 || (days == 0 && step == 0):
		return 0, 0, fmt.Errorf("--by %q does not move the clock forward: give a positive duration such as 72h or 30d", value)
	case days > maxClockDays:
		// The dev platform refuses a time more than 100 years on (devserver.MaxClockYears), to
		// the day; a number of days far past it would not even make a date.
		return 0, 0, fmt.Errorf("--by %q goes more than 100 years on: the simulated clock goes no further", value)
	}
	return days, step, nil
}
