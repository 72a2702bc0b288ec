package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/pgpool"
)

// verifiedLog is one service's event log as verify found it.
type verifiedLog struct {
	Service string         `json:"service"`
	Events  int64          `json:"events"`
	Streams int64          `json:"streams"`
	Broken  []brokenStream `json:"broken"`
}

// brokenStream is a stream's first broken version, and why.
type brokenStream struct {
	Stream  string `json:"stream"`
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

func newVerifyCommand() *cobra.Command {
	var (
		dataDir, databaseURL string
		services             []string
		asJSON               bool
	)
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check each service's own event log against its hash chains: nothing edited, inserted or deleted behind its back",
		Long: `verify reads every event of each service's own event log (referral, scheduling, safeguarding,
reporting) in stream order and checks each stream's hash chain: every event's hash must follow
from the one before and from the event's stored bytes, and no version may be missing. It names
the first broken version of each stream it finds, and why ("stored event does not match its hash",
"previous hash does not match", "version is missing"), and exits with status 1 when it finds any.

A finding means the database was changed behind the service's back (the append-only trigger stops
the services' own role, not a superuser): treat it as a security incident, keep the evidence, and
restore the stream's events from backup (docs/runbook.md, "Verifying the log"). Deleting a
stream's last events, or a whole stream, leaves a chain that is still whole: verify cannot see
that. familytime history --verify checks reporting's copy of one family's events instead.

On the dev platform it reads the databases named in <data>/dev.json; --database-url checks one
database (as a role that may read its events), named by the first --service.`,
		Example: `  familytime verify
  familytime verify --service safeguarding --json
  familytime verify --service referral --database-url "$REFERRAL_DATABASE_URL"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			targets, err := verifyTargets(dataDir, databaseURL, services)
			if err != nil {
				return err
			}
			var logs []verifiedLog
			for _, svc := range slices.Sorted(maps.Keys(targets)) {
				v, err := verifyLog(cmd.Context(), svc, targets[svc], cmd.ErrOrStderr())
				if err != nil {
					return err
				}
				logs = append(logs, v)
			}
			if asJSON {
				if err := writeJSON(cmd.OutOrStdout(), logs); err != nil {
					return err
				}
			} else {
				printVerified(cmd.OutOrStdout(), logs)
			}
			broken := 0
			for _, v := range logs {
				broken += len(v.Broken)
			}
			if broken > 0 {
				return fmt.Errorf("%d stream(s) broken: the log was changed behind the services' backs; treat it as a security incident (docs/runbook.md, \"Verifying the log\")", broken)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", ".familytime", "data folder of the running familytime dev")
	f.StringVar(&databaseURL, "database-url", "", "check this one database instead of the dev platform's (named by --service)")
	f.StringSliceVar(&services, "service", nil, "check only this service's log (repeat; default all four)")
	f.BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return cmd
}

// verifyTargets are the databases to check, by service.
func verifyTargets(dataDir, databaseURL string, services []string) (map[string]string, error) {
	known := []string{"referral", "reporting", "safeguarding", "scheduling"}
	for _, s := range services {
		if !slices.Contains(known, s) {
			return nil, fmt.Errorf("--service %q is not one of %s", s, strings.Join(known, ", "))
		}
	}
	if databaseURL != "" {
		if len(services) != 1 {
			return nil, errors.New("--database-url checks one database: name its service with one --service")
		}
		return map[string]string{services[0]: databaseURL}, nil
	}
	info, err := readDevInfo(dataDir)
	if err != nil {
		return nil, err
	}
	if len(services) == 0 {
		services = known
	}
	out := map[string]string{}
	for _, s := range services {
		if url := info.Databases[s]; url != "" {
			out[s] = url
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the running familytime dev in %s names no database for %s", dataDir, strings.Join(services, ", "))
	}
	return out, nil
}

// verifyLog checks one service's log, printing its progress on progress every 10,000 events.
func verifyLog(ctx context.Context, service, url string, progress io.Writer) (verifiedLog, error) {
	pool, err := pgpool.Open(ctx, url, 2)
	if err != nil {
		return verifiedLog{}, fmt.Errorf("%s database: %w", service, err)
	}
	defer pool.Close()
	v := verifiedLog{Service: service, Broken: []brokenStream{}}
	if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT stream_id) FROM events`).Scan(&v.Events, &v.Streams); err != nil {
		return verifiedLog{}, fmt.Errorf("%s: count the events: %w", service, err)
	}
	began := time.Now()
	broken, err := eventstore.New(pool).VerifyAll(ctx, func(checked int64) {
		rate := float64(checked) / max(time.Since(began).Seconds(), 0.001)
		fmt.Fprintf(progress, "\r%s: %s of %d events checked (%.0f/s)", service, bar(checked, v.Events), v.Events, rate)
	})
	if v.Events >= 10_000 {
		fmt.Fprintln(progress)
	}
	if err != nil {
		return verifiedLog{}, fmt.Errorf("%s: %w", service, err)
	}
	for _, b := range broken {
		v.Broken = append(v.Broken, brokenStream{Stream: b.Stream, Version: b.Version, Reason: b.Reason})
	}
	return v, nil
}

// bar is a progress bar of done out of total, with the count.
func bar(done, total int64) string {
	const width = 20
	n := 0
	if total > 0 {
		n = int(min(done*width/total, width))
	}
	return fmt.Sprintf("[%s%s] %d", strings.Repeat("#", n), strings.Repeat(".", width-n), done)
}

func printVerified(w io.Writer, logs []verifiedLog) {
	for _, v := range logs {
		if len(v.Broken) == 0 {
			fmt.Fprintf(w, "%s: %d events in %d streams: every chain intact\n", v.Service, v.Events, v.Streams)
			continue
		}
		fmt.Fprintf(w, "%s: %d events in %d streams: %d stream(s) BROKEN\n", v.Service, v.Events, v.Streams, len(v.Broken))
		for _, b := range v.Broken {
			fmt.Fprintf(w, "  stream %s version %d: %s\n", b.Stream, b.Version, b.Reason)
		}
	}
}
