package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

func newHistoryCommand() *cobra.Command {
	var (
		conn    connection
		out     output
		centre  string
		asOf    string
		verify  bool
		purpose string
		reads   bool
		page    pageFlag
	)
	cmd := &cobra.Command{
		Use:   "history FAMILY",
		Short: "A family's contact history from every service, in plain words, as it stands or as it stood on a date",
		Long: `history shows every step of a family's contact (referral, sessions, safeguarding) in the order
recorded, without personal data, and checks it is complete and untampered. ON is the day a step
took place, where its record says it (a pre-visit's day, a decision's, an arrival's), and RECORDED
when it was entered: they differ for a step entered later than it happened (a pre-visit with --on,
a paper register typed in), and on a simulated clock, whose days the steps carry while their
recording times are the real ones. A step with no day of its own (a booking) shows "-".
Readable by the coordinator of the family's centre only (not national roles). Each read is recorded with its
--purpose, and --reads lists who read the history, when and why (the centre's coordinators and
safeguarding leads).

It is the centre's record, for the centre and a court: each step's time is exact, arrivals,
departures and check-ins included, so it shows when each party came and left. For one of the
parents, read it with --purpose family-request: its steps with a day come in the order of their
days (the centre's read keeps the order recorded), each step then has its date only, the arrivals
and departures no clock time and no event id, as exact times could tell one parent where the
other is (DOMAIN.md); --as-of stands at the end of its day; and safeguarding's steps, and what
the family's risk was found or said to be, are left out, as what the other party disclosed is not
the parent's to be given: of the holds, it says only when contact was suspended and when it may
resume, and a step it gives bare (a booking cancelled, a decision) names neither why nor who; a
change of arrangement is said, without the minutes the visiting parent arrives before and leaves
after the children, which with the children's times would give that parent's door times.
No step of it names an account (a parent's own, which may be their e-mail address, or the
staff's): only the role it was taken in, "the centre" for a step given bare.
Its check says only that the centre's history is complete and untampered, with no count of
events, streams or records (they grow with the holds, concerns and reports the copy leaves
out); of a history that does not verify no parent's copy is printed, and the error does not
say where it is broken: read the history for another purpose to see that. Never hand a parent
a history read for another purpose.`,
		Example: `  familytime history 0b5c... --centre 3f2a... --purpose court --as-of 2026-03-01
  familytime history 0b5c... --centre 3f2a... --purpose case-review --as-of 2026-03-01T14:30:00Z --json
  familytime history 0b5c... --centre 3f2a... --reads`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reads {
				return listHistoryReads(cmd, &conn, &out, &page, args[0], centre)
			}
			if purpose == "" {
				return fmt.Errorf("give --purpose, one of: %s (the read is recorded with it)", enumNamesOf("HISTORY_READ_PURPOSE_", reportingv1.HistoryReadPurpose_value))
			}
			why, err := parseEnum[reportingv1.HistoryReadPurpose]("purpose", purpose, "HISTORY_READ_PURPOSE_", reportingv1.HistoryReadPurpose_value)
			if err != nil {
				return err
			}
			req := &reportingv1.GetFamilyHistoryRequest{FamilyId: args[0], CentreId: centre, Purpose: why}
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
			var v *reportingv1.VerifyFamilyHistoryResponse
			if verify {
				if v, err = client.VerifyFamilyHistory(cmd.Context(), &reportingv1.VerifyFamilyHistoryRequest{FamilyId: args[0], CentreId: centre}); err != nil {
					return describe(err)
				}
			}
			// A parent's copy: the check's counts, the stream and service at fault, and its words
			// all grow with what the copy leaves out (review 30 read how many holds a family had
			// from "the family's 9 events" and "12 events"), so it says only whether the history
			// verifies; and a history that does not is given no parent's copy at all.
			parent := why == reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_FAMILY_REQUEST || resp.GetTimesWithheld()
			if parent && v != nil && !v.GetVerified() {
				return errors.New(parentsCopyNotVerified)
			}
			if parent {
				// No account in a parent's copy (review 41), whatever the service sends: one from
				// before it did send them.
				withoutAccounts(resp)
			}
			if out.json {
				if err := printHistoryJSON(cmd.OutOrStdout(), resp, v, parent); err != nil {
					return err
				}
			} else {
				when := func(e *reportingv1.HistoryEntry) string { return e.GetRecordedAt().AsTime().Format(time.RFC3339) }
				if resp.GetTimesWithheld() {
					when = func(e *reportingv1.HistoryEntry) string {
						return e.GetRecordedAt().AsTime().In(london).Format(time.DateOnly)
					}
				}
				rows := make([][]string, len(resp.GetEntries()))
				for i, e := range resp.GetEntries() {
					rows[i] = []string{tookPlace(e), when(e), e.GetService(), e.GetDescription(), by(e)}
				}
				if err := out.table(cmd.OutOrStdout(), nil, []string{"ON", "RECORDED", "SERVICE", "WHAT HAPPENED", "BY (ROLE)"}, rows); err != nil {
					return err
				}
				if resp.GetTimesWithheld() {
					if _, err := fmt.Fprintln(cmd.OutOrStdout(), "\nRead for a parent's request: dates only, no clock times of arrivals and departures (they could tell one parent where the other is), no safeguarding steps, and of the holds only when contact was suspended and may resume; who took a step is said by role, never by account, and \"the centre\" took a step given bare. The steps come in the order of the days they took place (ON); a step with none, such as a booking, where it was recorded."); err != nil {
						return err
					}
				}
			}
			switch {
			case v == nil:
				return nil
			case !v.GetVerified():
				at := ""
				if v.GetInSharedStream() {
					at = " (another family's event, in a stream this family shares with others: a room's occupancy)"
				}
				failed := fmt.Sprintf("history NOT verified: %s stream %s version %d%s: %s", v.GetService(), v.GetStreamId(), v.GetStreamVersion(), at, v.GetReason())
				if out.json {
					// The failure is in the document printed (its verification), so nothing more
					// goes to standard output: one JSON document, and exit status 1, as verify
					// --json does (decision 175).
					return &answeredNo{why: failed, status: 1}
				}
				return errors.New(failed)
			case out.json:
				return nil
			}
			now := ""
			if asOf != "" {
				now = " (the history as it stands now, of which the steps above are those recorded by --as-of)"
			}
			if parent {
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "\nverified%s: %s.\n", now, parentsCopyVerified)
				return err
			}
			others := ""
			if n := v.GetEventsChecked() - v.GetFamilyEventsChecked(); n > 0 {
				others = fmt.Sprintf(" (and %d of other families in the room occupancy streams it shares)", n)
			}
			// "Complete" is said only of what was checked: the service says what that is, and what
			// it cannot know (review 18 deleted a concern's stream and was told "complete").
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "\nverified%s: the family's %d events%s in %d streams, untampered and described as they happened.\n%s\n",
				now, v.GetFamilyEventsChecked(), others, v.GetStreamsChecked(), v.GetReason())
			return err
		},
	}
	conn.register(cmd)
	out.register(cmd.Flags())
	cmd.Flags().StringVar(&centre, "centre", "", "the family's centre (UUID); required")
	cmd.Flags().StringVar(&asOf, "as-of", "", "the history as it stood then: a date (the end of that day, UK time) or an RFC 3339 instant")
	cmd.Flags().BoolVar(&verify, "verify", true, "check the history's hash chains and descriptions after printing it; a history that fails the check exits non-zero (with --json too), and a parent's copy of it is not printed")
	cmd.Flags().StringVar(&purpose, "purpose", "", "why you read it, recorded with the read: "+enumNamesOf("HISTORY_READ_PURPOSE_", reportingv1.HistoryReadPurpose_value)+"; required to read the history")
	cmd.Flags().BoolVar(&reads, "reads", false, "list who read the family's history, when, in which role and why, instead of the history")
	page.register(cmd.Flags(), "reads (--reads)")
	_ = cmd.MarkFlagRequired("centre")
	cmd.MarkFlagsMutuallyExclusive("reads", "purpose")
	cmd.MarkFlagsMutuallyExclusive("reads", "as-of")
	return cmd
}

// listHistoryReads prints every recorded read of a family's history, oldest first, fetching every
// page.
func listHistoryReads(cmd *cobra.Command, conn *connection, out *output, page *pageFlag, family, centre string) error {
	size, err := page.value()
	if err != nil {
		return err
	}
	cc, err := dial(conn, "reporting")
	if err != nil {
		return err
	}
	defer cc.Close()
	client := reportingv1.NewReportingServiceClient(cc)
	var msgs []proto.Message
	var rows [][]string
	if err := everyPage(func(token string) (string, error) {
		resp, err := client.ListHistoryReads(cmd.Context(), &reportingv1.ListHistoryReadsRequest{CentreId: centre, FamilyId: family,
			PageSize: size, PageToken: token})
		for _, r := range resp.GetReads() {
			msgs = append(msgs, r)
			asOf := "as it stood"
			if r.GetAsOf() != nil {
				asOf = r.GetAsOf().AsTime().Format(time.RFC3339)
			}
			why := friendly("HISTORY_READ_PURPOSE_", r.GetPurpose().String())
			if r.GetCentreId() != centre {
				why += " (asked at another centre: refused)"
			}
			rows = append(rows, []string{r.GetReadAt().AsTime().Format(time.RFC3339), r.GetReader(), r.GetRole(), why, asOf})
		}
		return resp.GetNextPageToken(), err
	}); err != nil {
		return describe(err)
	}
	if len(rows) == 0 && !out.json {
		_, err := cmd.OutOrStdout().Write([]byte("no reads recorded\n"))
		return err
	}
	return out.table(cmd.OutOrStdout(), msgs, []string{"WHEN", "WHO", "ROLE", "PURPOSE", "AS OF"}, rows)
}

// parseAsOf reads a date (the end of that day in the UK, where the centres are) or an instant.
func parseAsOf(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--as-of %q: give a date (2026-03-01) or an instant (2026-03-01T14:30:00Z)", s)
	}
	end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, london).Add(-time.Microsecond)
	if now := time.Now(); end.After(now) {
		// Today's date is the history as it stands; a later one has not happened yet.
		if d.After(time.Date(now.In(london).Year(), now.In(london).Month(), now.In(london).Day(), 0, 0, 0, 0, time.UTC)) {
			return time.Time{}, fmt.Errorf("--as-of %s is in the future: a history stands as of today at the latest (leave --as-of out for the history as it stands)", s)
		}
		return now, nil
	}
	return end, nil
}

// What a parent's copy says of its check (decision 208): the same words for every family whose
// history verifies, and for every one whose history does not, naming no stream, service,
// version or count. The centre's read says what was checked, and where a history is broken.
const (
	parentsCopyVerified = "the centre's history of the family, of which this is a parent's copy, is complete and untampered: " +
		"none of it is missing or was changed after it was recorded, as far as the centre's records can show"
	parentsCopyNotVerified = "history NOT verified: the centre's history of the family is not complete and untampered as it stands, " +
		"so no parent's copy of it is printed; where it is broken is not said here, as that could tell what a parent's copy " +
		"leaves out: read the history for the centre (another --purpose) to see it, and give the parent their copy once it verifies"
)

// printHistoryJSON prints the history and, when checked, its verification as one JSON object, so
// that a script reads both. Of a parent's copy, the verification is whether it verified and the
// words that say so (parentsCopyVerified), no count, stream or service.
func printHistoryJSON(w io.Writer, h *reportingv1.GetFamilyHistoryResponse, v *reportingv1.VerifyFamilyHistoryResponse, parent bool) error {
	opts := protojson.MarshalOptions{UseProtoNames: true}
	var doc struct {
		History      json.RawMessage `json:"history"`
		Verification json.RawMessage `json:"verification,omitempty"`
	}
	var err error
	if doc.History, err = opts.Marshal(h); err != nil {
		return err
	}
	switch {
	case v != nil && parent:
		if doc.Verification, err = json.Marshal(struct {
			Verified bool   `json:"verified"`
			Reason   string `json:"reason"`
		}{v.GetVerified(), parentsCopyVerified}); err != nil {
			return err
		}
	case v != nil:
		if doc.Verification, err = (protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}).Marshal(v); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// withoutAccounts leaves out of a parent's copy the account of every step's actor: an account id
// is the subject of its holder's token, which may be an e-mail address, and review 41 read the
// mother's own in the father's copy as the actor of her self-referral. The role stays; reporting
// gives none already (decision 253), and this keeps a copy from a service before it the same.
func withoutAccounts(h *reportingv1.GetFamilyHistoryResponse) {
	for _, e := range h.GetEntries() {
		e.Actor = ""
	}
}

// tookPlace is the day a step took place (occurred_on), or "-" for a step whose record says none:
// it took place when it was recorded (decision 286).
func tookPlace(e *reportingv1.HistoryEntry) string {
	d := e.GetOccurredOn()
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}

// roleWords are the roles as a history says who acted.
var roleWords = map[string]string{"referrer": "referrer", "coordinator": "coordinator", "volunteer": "volunteer",
	"supervisor": "contact supervisor", "safeguarding_lead": "safeguarding lead", "national_analyst": "national analyst",
	"admin": "administrator", "service": "a service"}

// by is who took a step, by the role they acted in, never by their account id (which an identity
// provider may make an e-mail address): "the referral service" for a service's own reaction,
// and the account id only for an event recorded before roles were (--json has both). A step a
// parent's copy gives bare names no one (decision 202): "the centre". So does any step of a
// parent's copy with no role (a service's reaction from a service that did not yet say "service",
// a step recorded before roles were): its account is not in the copy, and an empty account is
// never printed as one.
func by(e *reportingv1.HistoryEntry) string {
	if e.GetActor() == "" && e.GetActorRole() == "" {
		return "the centre"
	}
	if w, ok := roleWords[e.GetActorRole()]; ok {
		return w
	}
	if name, ok := strings.CutPrefix(e.GetActor(), "service:"); ok {
		return "the " + name + " service"
	}
	if e.GetActorRole() != "" {
		return strings.ReplaceAll(e.GetActorRole(), "_", " ")
	}
	return "account " + e.GetActor() + " (role not recorded)"
}
