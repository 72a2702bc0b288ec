package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/familytime/familytime/tools/internal/devserver"
	"github.com/familytime/familytime/tools/internal/simulate"
)

func newDevCommand() *cobra.Command {
	var cfg devserver.Config
	var asJSON, seed bool
	var clockStart string
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Bring the platform up on this machine (embedded NATS, PostgreSQL, databases, streams)",
		Long: `dev starts everything the platform needs on this machine and keeps it running until Ctrl-C:

  - an in-process NATS server with JetStream (data in <data>/nats; a free port unless --nats-port)
  - PostgreSQL: the server in DATABASE_URL (an owner/superuser URL), or else a private cluster
    started from the installed PostgreSQL binaries (data in <data>/postgres; as root, when the
    user "nobody" that runs it cannot enter <data>, in /var/lib/familytime/postgres-<hash>)
  - one database per service (familytime_referral, _scheduling, _safeguarding, _reporting),
    migrated, with the runtime role familytime_app
  - the services' JetStream streams and the dead-letter stream
  - the four services (referral, scheduling, safeguarding, reporting), each with its real gRPC
    server, relay and consumers, on a free port; logs go to <data>/dev.log. All in this process,
    or with --processes each in an OS process of its own (this program again), with its own
    resident memory and /metrics, stopped with this one

  - a dev signing key, and an admin token signed with it
  - the services' clock: the real one, or with --clock simulated one that stands still until
    familytime clock advance (or familytime simulate) moves it. A new simulated clock stands at
    the start of today, UK time, or at --clock-start; while nothing is recorded it may be moved
    anywhere, then only forward. It is kept in <data>/clock from the start and resumes there on
    the next start, --clock simulated or not (a later --clock-start is for a new data folder);
    such a folder is refused the real clock while its simulated time is ahead of today, as its
    services would see time go back (decision 269). dev.log and the lines printed say which clock, and its time.
    With --seed the demo's eight weeks are recorded first on a clock of their own, then the
    services run on the real clock, or with --clock simulated on a simulated clock standing at
    the start of today (not with --clock-start)
A second start with the same --data reuses the data. The addresses are printed and written to
<data>/dev.json for other commands to find.`,
		Example: `  familytime dev
  familytime dev --data /tmp/ft-dev
  familytime dev --processes --clock simulated   # each service in its own process
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres familytime dev`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.DatabaseURL == "" {
				cfg.DatabaseURL = os.Getenv("DATABASE_URL")
			}
			if clockStart != "" {
				var err error
				if cfg.ClockStart, err = parseClockTime("--clock-start", clockStart); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			if seed {
				// Eight weeks of demo data, up to yesterday, recorded on a simulated clock.
				cfg.SeedFrom = time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -seedDays)
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "starting the Familytime dev platform in", cfg.DataDir, "...")
			p, err := devserver.Start(ctx, cfg)
			if err != nil {
				return err
			}
			if p.Info.Private && filepath.Dir(p.Info.PostgresDir) != p.Info.DataDir {
				fmt.Fprintf(cmd.ErrOrStderr(), "PostgreSQL runs as the user \"nobody\", who cannot reach %s: its data is kept in %s\n",
					p.Info.DataDir, p.Info.PostgresDir)
			}
			if pid := p.LeftoverPostgres(); pid != 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "A private PostgreSQL (PID %d) left running on this data folder by a dev server that was killed was stopped first.\n", pid)
			}
			if p.Info.ClockResumed && clockStart != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "The simulated clock resumes where this data folder left it, %s: --clock-start is for a new clock.\n", inWords(p.Info.ClockStart))
			}
			if aside := p.OrphanedPostgres(); aside != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "The cluster there belonged to a deleted data folder of the same path: it was moved to %s (remove it when it is not needed) and this one starts empty.\n", aside)
			}
			if seed {
				if err := seedDemo(cmd, p, cfg); err != nil {
					_ = p.Stop(context.WithoutCancel(ctx))
					return err
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(p.Info); err != nil {
					return err
				}
			} else {
				printInfo(cmd.OutOrStdout(), p.Info)
			}
			var failed error
			select {
			case <-ctx.Done():
			case failed = <-p.Failed():
				fmt.Fprintln(cmd.ErrOrStderr(), failed)
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "stopping ...")
			stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if err := p.Stop(stopCtx); err != nil {
				return fmt.Errorf("stop: %w", err)
			}
			if failed != nil {
				return fmt.Errorf("stopped because a service exited (see above; its logs are in %s)", p.Info.LogFile)
			}
			if p.Info.Private && filepath.Dir(p.Info.PostgresDir) != p.Info.DataDir {
				fmt.Fprintln(cmd.ErrOrStderr(), "stopped; data kept in", p.Info.DataDir, "and", p.Info.PostgresDir)
				return nil
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "stopped; data kept in", p.Info.DataDir)
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.DataDir, "data", defaultDataDir, "folder for the platform's data (reused on the next start)")
	cmd.Flags().IntVar(&cfg.NATSPort, "nats-port", 0, "NATS client port (0: a free port, since another NATS may hold 4222)")
	cmd.Flags().StringVar(&cfg.DatabaseURL, "database-url", "", "owner URL of an existing PostgreSQL (default: $DATABASE_URL, else a private cluster)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the addresses as JSON, for scripts")
	cmd.Flags().BoolVar(&seed, "seed", false, "on an empty platform, record demo data first: a few centres and families at every stage, over the last eight weeks, with their next sessions booked; then the real clock, or with --clock simulated a simulated one standing at the start of today")
	cmd.Flags().BoolVar(&cfg.Processes, "processes", false, "run each service in an OS process of its own (its PID and metrics URL in dev.json), to see each one's memory; not with --seed")
	cmd.Flags().StringVar(&cfg.Clock, "clock", "", "the services' clock: real, or simulated (moved forward by familytime clock advance and familytime simulate; dev only); default: the data folder's, simulated if it keeps a simulated clock, else real")
	cmd.Flags().StringVar(&clockStart, "clock-start", "", "where a new simulated clock stands: 2026-03-01 (its start, UK time), 2026-03-01T09:00 or an instant with its zone (default: the start of today, UK time)")
	return cmd
}

func printInfo(w io.Writer, info devserver.Info) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Familytime dev platform is up.")
	fmt.Fprintf(tw, "  NATS (JetStream)\t%s  (user and password in %s; nats CLI: nats --server \"$(jq -r .nats_url %s)\" ...)\n",
		info.NATSAddress, info.NATSCredentialsFile, devserver.InfoFile(info.DataDir))
	pg := info.PostgresURL
	if info.Private {
		pg += "  (private cluster in " + info.PostgresDir + ")"
	}
	fmt.Fprintf(tw, "  PostgreSQL\t%s\n", pg)
	for _, svc := range devserver.Services {
		fmt.Fprintf(tw, "  database: %s\t%s\n", svc, info.Databases[svc])
	}
	fmt.Fprintf(tw, "  streams\t%s\n", strings.Join(info.Streams, ", "))
	for _, svc := range devserver.Services {
		if addr, ok := info.Services[svc]; ok {
			fmt.Fprintf(tw, "  gRPC: %s\t%s\n", svc, addr)
		}
	}
	for _, svc := range devserver.Services {
		if proc, ok := info.Processes[svc]; ok {
			fmt.Fprintf(tw, "  process: %s\tpid %d, metrics %s\n", svc, proc.PID, proc.MetricsURL)
		}
	}
	fmt.Fprintf(tw, "  metrics\t%s\n", info.MetricsURL)
	if info.DashboardURL != "" {
		fmt.Fprintf(tw, "  dashboard\t%s  (reporting's published figures: open it in a browser)\n", info.DashboardURL)
	}
	switch info.Clock {
	case devserver.ClockSimulated:
		resumed := ""
		if info.ClockResumed {
			resumed = ", resumed"
		}
		fmt.Fprintf(tw, "  clock\tsimulated%s: %s  (familytime clock advance moves it)\n", resumed, inWords(info.ClockStart))
	default:
		fmt.Fprintf(tw, "  clock\t%s\n", info.Clock)
	}
	fmt.Fprintf(tw, "  logs\t%s\n", info.LogFile)
	fmt.Fprintf(tw, "  details\t%s\n", devserver.InfoFile(info.DataDir))
	tw.Flush()
	fmt.Fprintf(w, "\nAdmin token (30 days):\n%s\n\n", info.AdminToken)
	data := ""
	if info.DataDir != defaultDataDir {
		// The command runs as printed from here (review 51: `familytime centre list` alone found
		// no platform beside one started with --data).
		data = " --data " + info.DataDir
	}
	fmt.Fprintf(w, "Try: familytime centre list%s   (other commands find this platform through the data folder)\n", data)
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}

// seedDays is how far back the demo data begins.
const seedDays = 56

// seedDemo fills an empty platform with a small simulation (familytime simulate) over the last
// eight weeks, on a simulated clock, then hands the services over to the real clock (with --clock
// simulated, to a simulated clock standing at the start of today). A platform that already has
// data is left as it is.
func seedDemo(cmd *cobra.Command, p *devserver.Platform, cfg devserver.Config) error {
	w := cmd.ErrOrStderr()
	if !p.Seeding() {
		fmt.Fprintln(w, "the platform already has data: not seeding")
		return nil
	}
	fmt.Fprintln(w, "the data folder is empty: recording demo data (3 centres, the last eight weeks) ...")
	sp, err := devPlatform(p.Info.DataDir)
	if err != nil {
		return err
	}
	yesterday := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	// The demo's patterns stay open and its families are booked ahead before the real clock takes
	// over, so that today's day sheets show something and families can be booked (decision 272).
	res, err := simulate.Run(cmd.Context(), simulate.Config{Centres: 3, From: cfg.SeedFrom.AddDate(0, 0, 1), To: yesterday,
		Scale: 1.5, Seed: 1, Concurrency: 3, OpenAhead: true}, sp, w)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if err := p.EndSeeding(cmd.Context()); err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	clock := "on the real clock"
	if p.Info.Clock == devserver.ClockSimulated {
		clock = "on a simulated clock standing at " + inWords(p.Info.ClockStart) + " (familytime clock advance moves it)"
	}
	fmt.Fprintf(w, "demo data: %d centres, %d referrals (%d commands); the services now run %s\n",
		res.Centres, res.Families, res.Commands, clock)
	data := ""
	if cfg.DataDir != defaultDataDir {
		data = " --data " + cfg.DataDir
	}
	printNextSessions(w, res.Next, data, p.Info.Clock == devserver.ClockSimulated)
	return nil
}

// printNextSessions says each demo centre's next session day with families booked, and the
// command that reads its day sheet as the centre's staff, who read it.
// data is " --data D" for a platform started in another data folder than the default, so that the
// command runs as printed (review 46).
// simulated adds, for each, the command that moves a simulated clock to the session's morning.
func printNextSessions(w io.Writer, next []simulate.NextSession, data string, simulated bool) {
	fmt.Fprintln(w, "the demo's opening patterns stay open (no last date); next sessions with families booked:")
	for _, n := range next {
		if n.Date.IsZero() {
			fmt.Fprintf(w, "  %s: no family booked ahead\n", n.Name)
			continue
		}
		families := "families"
		if n.Families == 1 {
			families = "family"
		}
		fmt.Fprintf(w, "  %s at %s, %d %s booked:\n", n.Date.Format("Monday 2 January 2006"), n.Name, n.Families, families)
		if simulated {
			fmt.Fprintf(w, "    familytime clock advance --to %sT09:00%s\n", n.Date.Format(time.DateOnly), data)
		}
		fmt.Fprintf(w, "    familytime schedule daysheet --centre %s --date %s%s --token \"$(familytime token --role %s --centre %s --subject %s%s)\"\n",
			n.Centre, n.Date.Format(time.DateOnly), data, n.Role, n.Centre, n.Staff, data)
	}
}
