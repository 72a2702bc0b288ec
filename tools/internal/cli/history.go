package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

func newHistoryCommand() *cobra.Command {
	var (
		conn   connection
		out    output
		centre string
		asOf   string
		verify bool
	)
	cmd := &cobra.Command{
		Use:   "history FAMILY",
		Short: "A family's contact history from every service, in plain words, as it stands or as it stood on a date",
		Long: `history shows every step of a family's contact (referral, sessions, safeguarding) in the order
recorded, without personal data, and checks it is complete and untampered. Readable by the
coordinator of the family's centre only (not national roles).`,
		Example: `  familytime history 0b5c... --centre 3f2a... --as-of 2026-03-01
  familytime history 0b5c... --centre 3f2a... --as-of 2026-03-01T14:30:00Z --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &reportingv1.GetFamilyHistoryRequest{FamilyId: args[0], CentreId: centre}
			if asOf != "" {
				at, err := parseAsOf(asOf)
				if err != nil {
					return err
				}
				req.AsOf = timestamppb.New(at)
			}
			cc, err := dial(&conn, "reporting")
			if err != nil {
				return err
			}
			defer cc.Close()
			client := reportingv1.NewReportingServiceClient(cc)
			resp, err := client.GetFamilyHistory(cmd.Context(), req)
			if err != nil {
				return describe(err)
			}
			msgs := make([]proto.Message, len(resp.GetEntries()))
			rows := make([][]string, len(resp.GetEntries()))
			for i, e := range resp.GetEntries() {
				msgs[i] = e
				rows[i] = []string{e.GetRecordedAt().AsTime().Format(time.RFC3339), e.GetService(), e.GetDescription(), e.GetActor()}
			}
			if err := out.table(cmd.OutOrStdout(), msgs, []string{"WHEN", "SERVICE", "WHAT HAPPENED", "BY"}, rows); err != nil {
				return err
			}
			if !verify || out.json {
				return nil
			}
			v, err := client.VerifyFamilyHistory(cmd.Context(), &reportingv1.VerifyFamilyHistoryRequest{FamilyId: args[0], CentreId: centre})
			if err != nil {
				return describe(err)
			}
			if v.GetVerified() {
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "\nverified: %d events in %d streams, complete and untampered\n", v.GetEventsChecked(), v.GetStreamsChecked())
				return err
			}
			return fmt.Errorf("history NOT verified: %s stream %s version %d: %s", v.GetService(), v.GetStreamId(), v.GetStreamVersion(), v.GetReason())
		},
	}
	conn.register(cmd)
	out.register(cmd.Flags())
	cmd.Flags().StringVar(&centre, "centre", "", "the family's centre (UUID); required")
	cmd.Flags().StringVar(&asOf, "as-of", "", "the history as it stood then: a date (end of that day, UTC) or an RFC 3339 instant")
	cmd.Flags().BoolVar(&verify, "verify", true, "check the history's hash chains after printing it")
	_ = cmd.MarkFlagRequired("centre")
	return cmd
}

// parseAsOf reads a date (the end of that day) or an instant.
func parseAsOf(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--as-of %q: give a date (2026-03-01) or an instant (2026-03-01T14:30:00Z)", s)
	}
	return d.Add(24*time.Hour - time.Microsecond), nil
}
