package cli

import (
	"encoding/csv"
	"fmt"
	"regexp"
	"strconv"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

var quarterPattern = regexp.MustCompile(`^(\d{4})Q([1-4])$`)

func newReturnCommand() *cobra.Command {
	var (
		conn            connection
		quarter, centre string
		format          string
		asJSON          bool
	)
	cmd := &cobra.Command{
		Use:   "return",
		Short: "The national body's quarterly statistical return, from the data (small numbers suppressed)",
		Long: `return produces the quarterly return per centre, per region and nationally, with every count of 1
to 4 shown as "<5" and no suppressed figure derivable from a total. docs/return.md defines each field.
A quarter is returned from the 8th day after it ends, by the platform's clock: one under way, not
begun or ended less than a week ago is refused (PERIOD_NOT_ENDED), naming the last quarter
published, as its figures so far, read again a few days later, would give the counts of the days
between. A returned quarter counts its sessions as they were recorded by then: a later record for
its days changes no return. A correction recorded since (an ending corrected, two children
confirmed as one) does, and the return then says so: the column revised is true.`,
		Example: `  familytime return --quarter 2026Q3 --format csv > return-2026Q3.csv
  familytime return --quarter 2026Q3 --centre 3f2a... --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m := quarterPattern.FindStringSubmatch(quarter)
			if m == nil {
				return fmt.Errorf("--quarter %q: give a year and quarter such as 2026Q3", quarter)
			}
			year, _ := strconv.Atoi(m[1])
			q, _ := strconv.Atoi(m[2])
			if year < 2000 || year > 2200 {
				return fmt.Errorf("--quarter %q: the year must be from 2000 to 2200", quarter)
			}
			if format != "csv" && format != "json" {
				return fmt.Errorf("--format must be csv or json, not %q", format)
			}
			if asJSON { // --json, as every other command takes it
				if cmd.Flags().Changed("format") && format != "json" {
					return fmt.Errorf("--json and --format %s ask for two formats: give one", format)
				}
				format = "json"
			}
			cc, err := dial(&conn, "reporting")
			if err != nil {
				return err
			}
			defer cc.Close()
			resp, err := reportingv1.NewReportingServiceClient(cc).GetFigures(cmd.Context(), &reportingv1.GetFiguresRequest{
				Period:   &reportingv1.Period{Kind: reportingv1.PeriodKind_PERIOD_KIND_QUARTER, Year: int32(year), Number: int32(q)},
				CentreId: centre, Publication: true})
			if err != nil {
				// A quarter not published yet: PERIOD_NOT_ENDED, naming the last published (decisions
				// 264, 282). Its words are reporting's, for every reader of the figures; this command
				// returns quarters only, so it says where the months and the figures so far are
				// (review 73: it pointed at a --month this command does not have).
				if reasonOf(err) == "PERIOD_NOT_ENDED" {
					if r, ok := describe(err).(*refusal); ok {
						r.text += ". This command returns published quarters only: a month published is on reporting's " +
							"/figures?period=month&year=YYYY&number=M (the admin port of the dashboard's address that familytime dev " +
							"prints), and the exact figures so far are reporting's GetFigures with publication false (gRPC), to the " +
							"roles allowed them"
						return r
					}
				}
				return describe(err)
			}
			if format == "json" {
				b, err := protojson.MarshalOptions{UseProtoNames: true, Multiline: true}.Marshal(resp)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return err
			}
			w := csv.NewWriter(cmd.OutOrStdout())
			// revised: the quarter's figures differ from those it was first returned with, by a
			// correction recorded since (decision 282); the same on every row.
			_ = w.Write([]string{"quarter", "measure", "scope", "region", "centre_id", "breakdown", "category", "value", "revised"})
			revised := strconv.FormatBool(resp.GetRevised())
			for _, f := range resp.GetFigures() {
				region := ""
				if f.GetScope() != "national" {
					region = friendly("REGION_", f.GetRegion().String())
				}
				_ = w.Write([]string{quarter, f.GetMeasure(), f.GetScope(), region, f.GetCentreId(), f.GetBreakdown(), f.GetCategory(), f.GetShown(), revised})
			}
			w.Flush()
			return w.Error()
		},
	}
	conn.register(cmd)
	cmd.Flags().StringVar(&quarter, "quarter", "", "the quarter, such as 2026Q3; required")
	cmd.Flags().StringVar(&centre, "centre", "", "one centre's return (UUID); default every centre, region and the nation")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	cmd.Flags().BoolVar(&asJSON, "json", false, "the same as --format json")
	_ = cmd.MarkFlagRequired("quarter")
	return cmd
}
