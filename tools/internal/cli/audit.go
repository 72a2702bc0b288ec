package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

func newAuditCommand() *cobra.Command {
	var (
		conn           connection
		out            output
		page           pageFlag
		family, centre string
	)
	cmd := &cobra.Command{
		Use:   "audit [FAMILY]",
		Short: "Who read a family's safeguarding text, when, in which role, and why (safeguarding leads, administrators)",
		Long: `audit lists every read of a family's safeguarding text at the centre, oldest first: when, who, in
which role, what was read and the purpose they gave. Every page is fetched, so nothing is left out
however many reads there were. An administrator is not given the purposes, which are safeguarding
detail about the family: their PURPOSE column says a purpose was given and is not shown to a
national role (purpose_withheld in --json); a purpose lost with an erased family's data says not kept. A read
refused is listed once for each account, reason and UK day, with how many times it was refused
then, first and last (times_refused); an account refused more than 20 families' records in a day
has one line saying LOOK INTO THIS, with how many families more it was refused. The reads of the
family's history (reporting) are listed by familytime history FAMILY --centre C --reads.`,
		Example: `  familytime audit $F --centre $C
  familytime audit --family $F --centre $C --token "$(familytime token --role safeguarding_lead --centre $C)"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The family as history takes it, or --family (review 83: "audit FAMILY" was an unknown
			// command).
			switch {
			case len(args) == 1 && family != "" && family != args[0]:
				return fmt.Errorf("two families named: %s and --family %s: give one", args[0], family)
			case len(args) == 1:
				family = args[0]
			case family == "":
				return fmt.Errorf("name the family: familytime audit FAMILY --centre C (or --family FAMILY)")
			}
			size, err := page.value()
			if err != nil {
				return err
			}
			cc, err := dial(&conn, "safeguarding")
			if err != nil {
				return err
			}
			defer cc.Close()
			client := safeguardingv1.NewSafeguardingServiceClient(cc)
			var msgs []proto.Message
			var rows [][]string
			if err := everyPage(func(token string) (string, error) {
				resp, err := client.ListAccessRecords(cmd.Context(), &safeguardingv1.ListAccessRecordsRequest{CentreId: centre,
					FamilyId: family, PageSize: size, PageToken: token})
				for _, r := range resp.GetRecords() {
					msgs = append(msgs, r)
					rows = append(rows, []string{r.GetAccessedAt().AsTime().In(london).Format("2006-01-02 15:04:05"), r.GetSubject(), r.GetRole(),
						friendly("RECORD_KIND_", r.GetKind().String()), r.GetRecordId(), purposeOf(r)})
				}
				return resp.GetNextPageToken(), err
			}); err != nil {
				return describe(err)
			}
			if len(rows) == 0 && !out.json {
				_, err := cmd.OutOrStdout().Write([]byte("no reads recorded\n"))
				return err
			}
			return out.table(cmd.OutOrStdout(), msgs, []string{"WHEN (UK TIME)", "WHO", "ROLE", "WHAT", "RECORD", "PURPOSE"}, rows)
		},
	}
	conn.register(cmd)
	cmd.Flags().StringVar(&family, "family", "", "the family (UUID); or give it as the argument")
	cmd.Flags().StringVar(&centre, "centre", "", "the centre (UUID)")
	_ = cmd.MarkFlagRequired("centre")
	page.register(cmd.Flags(), "reads")
	out.register(cmd.Flags())
	return cmd
}

// purposeOf is what the audit's PURPOSE column says of a read: the purpose given, on one line; that
// one was given and is withheld from a national role (review 41); or that it was not kept (the
// family's personal data was erased); for a refused read, that it was refused and why.
func purposeOf(r *safeguardingv1.AccessRecord) string {
	switch {
	case r.GetRefused() != "":
		// A refused read (decision 297): nothing was given, and no purpose kept.
		s := "REFUSED " + r.GetRefused() + ": nothing was given"
		if r.GetAskedCentreId() != "" {
			s += " (asked as at centre " + r.GetAskedCentreId() + ")"
		}
		return s + repeatsOf(r)
	case r.GetPurposeWithheld():
		return "(purpose given, not shown to a national role)"
	case r.GetPurpose() == "":
		return "(purpose not kept: the family's data was erased)"
	}
	return oneLine(r.GetPurpose())
}

// repeatsOf is what a refused read's entry counts (decision 307): its repeats that UK day, which
// are not entries of their own; and, on the refusal that took the account past its daily limit of
// families, that limit and the families refused after it, for the lead to look into.
func repeatsOf(r *safeguardingv1.AccessRecord) string {
	s := ""
	first := r.GetAccessedAt().AsTime().In(london)
	if n := r.GetTimesRefused(); n > 1 {
		s += fmt.Sprintf("; refused %d times on %s, first at %s, last at %s", n, first.Format("2 January"), first.Format("15:04"),
			r.GetLastRefusedAt().AsTime().In(london).Format("15:04"))
	}
	if limit := r.GetDailyFamilyLimit(); limit > 0 {
		s += fmt.Sprintf("; LOOK INTO THIS: the account had been refused %d other families' records at this centre that day", limit)
		if more := r.GetFamiliesPastLimit(); more > 0 || r.GetTimesPastLimit() > 0 {
			s += fmt.Sprintf(", and after this was refused %d more families' records here (%s, the last at %s), not listed one by one",
				more, refusalTimes(r.GetTimesPastLimit()), r.GetLastPastLimitAt().AsTime().In(london).Format("15:04"))
		}
	}
	return s
}

// refusalTimes is a count of refusals in words: "1 time", "6 times".
func refusalTimes(n uint64) string {
	if n == 1 {
		return "1 time"
	}
	return fmt.Sprintf("%d times", n)
}
