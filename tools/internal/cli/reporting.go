package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

func newReportingCommand() *cobra.Command {
	var conn connection
	cmd := &cobra.Command{
		Use:   "reporting",
		Short: "Administer the reporting service's projections",
	}
	conn.register(cmd)
	cmd.AddCommand(&cobra.Command{
		Use:   "rebuild",
		Short: "Replay every service's stream into fresh projections and swap them in (administrators only)",
		Long: `rebuild replays every event of referral, scheduling and safeguarding from the start of their
streams into a fresh copy of reporting's tables, catches up with what arrived meanwhile, and swaps
the copy in atomically; reporting keeps answering from the old tables until then. One rebuild
runs at a time; stopped (Ctrl-C) before its swap, it leaves reporting's tables as they were.
It is refused (STREAMS_BEHIND), changing nothing, while a stream holds fewer events than
reporting has handled from it: JetStream lost events, which the service's relay publishes
again by itself within a minute (docs/runbook.md, JetStream lost events).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cc, err := dial(&conn, "reporting")
			if err != nil {
				return err
			}
			defer cc.Close()
			stream, err := reportingv1.NewReportingServiceClient(cc).RebuildProjections(cmd.Context(), &reportingv1.RebuildProjectionsRequest{})
			if err != nil {
				return describe(err)
			}
			// The bar redraws one line with a carriage return: it goes to stderr, as the
			// simulator's does, not through the escaping of what the command prints.
			w, bar := cmd.OutOrStdout(), cmd.ErrOrStderr()
			swapped, drawn := false, false
			endBar := func() {
				if drawn {
					fmt.Fprintln(bar)
					drawn = false
				}
			}
			for {
				p, err := stream.Recv()
				switch {
				case err == io.EOF:
					return nil
				case err != nil && swapped:
					return fmt.Errorf("the new tables are in use, but the old ones were not dropped (the next rebuild drops them): %w", describe(err))
				case err != nil && cmd.Context().Err() != nil:
					endBar()
					return errors.New("rebuild stopped before its swap: reporting's tables are as they were, and the copy is dropped")
				case err != nil:
					endBar()
					return describe(err)
				}
				progressBar(bar, p)
				drawn = true
				if p.GetSwapped() && !swapped {
					swapped = true
					endBar()
					if _, err := fmt.Fprintf(w, "swapped in: %d events replayed at %.0f events/s\n", p.GetEvents(), p.GetEventsPerSecond()); err != nil {
						return err
					}
					if p.GetSkipped() > 0 {
						if _, err = fmt.Fprintf(w, "%d events were skipped and are recorded nowhere: not published by the platform, unreadable, or malformed, as the live consumers dead-letter them\n", p.GetSkipped()); err != nil {
							return err
						}
					}
				}
			}
		},
	})
	return cmd
}

// progressBar redraws one line: a bar of the events replayed against those there were at the start.
func progressBar(w io.Writer, p *reportingv1.RebuildProjectionsResponse) {
	const width = 30
	done := width
	if p.GetTotal() > 0 && p.GetEvents() < p.GetTotal() {
		done = int(int64(width) * p.GetEvents() / p.GetTotal())
	}
	fmt.Fprintf(w, "\r%s [%s%s] %d/%d events, %.0f events/s", p.GetSchema(), strings.Repeat("#", done), strings.Repeat(".", width-done),
		p.GetEvents(), p.GetTotal(), p.GetEventsPerSecond())
}
