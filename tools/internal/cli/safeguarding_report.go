package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/inwords"
)

// listedState is a report's state in a list: a returned one waits for a new draft.
func listedState(r *safeguardingv1.ReportSummary) string {
	if r.GetReturned() {
		return "returned: draft again"
	}
	return friendly("REPORT_STATE_", r.GetState().String())
}

func reportFields(r *safeguardingv1.ReportSummary) [][2]string {
	state := friendly("REPORT_STATE_", r.GetState().String())
	if r.GetReturned() {
		state += " (returned with a note: report show gives it; draft it again before submitting)"
	}
	fields := [][2]string{{"report", r.GetReportId()}, {"family", r.GetFamilyId()}, {"session", sgDay(r.GetSessionOn())},
		{"state", state}, {"writer", orNone(r.GetWriter())}, {"author", orNone(r.GetAuthor())},
		{"checker", orNone(r.GetChecker())}}
	if r.GetVersion() > 0 { // a recipient's copy carries none (decision 165)
		fields = append(fields, [2]string{"version", fmt.Sprint(r.GetVersion())})
	}
	return fields
}

func (s *safeguardingCommand) report() *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "Observation reports: draft, submit, check, release, send-copy, show, overdue",
		Long: `A supervised session's observation report is drafted and submitted by its supervisor, checked by a
second person and released by the safeguarding lead. Each of the four is done only by someone on the
centre's staff register cleared that day (familytime staff list --centre C): otherwise it is
refused NOT_CLEARED, saying why (decision 96). The second person reads it (report show, which
records the read) before checking it: a check without a read since its submission is refused
REPORT_NOT_READ (decision 98). A report whose writer cannot write it (they left, their checks
lapsed, they are away) is given by the lead to another writer (report reassign, decision 99).

A report is changed before release by drafting it again, never by a correction: a correction
changes neither what the checker read nor the copies, which are made from the draft
(REPORT_NOT_RELEASED). While it waits for its check, the checker returns it (report check
--return --note); once approved, the centre's safeguarding lead returns it the same way; its
writer reads the note (report show lists the checks) and drafts it again, and a second person
checks it again: a returned report is not submitted again as it was (REPORT_RETURNED).`}
	cmd.AddCommand(s.reportDraft(), s.reportStep("submit", "Submit your draft for the second-person check (a returned report is drafted again first)"),
		s.reportStep("check", "Check a report you did not write, once you have read it (report show): --approve, or --return with a --note (the lead may return an approved one)"),
		s.reportRelease(), s.reportSendCopy(), s.reportReassign(), s.reportShow(), s.reportOverdue(), s.reportOpen())
	return cmd
}

func (s *safeguardingCommand) reportDraft() *cobra.Command {
	var (
		out      output
		request  requestID
		sections []string
	)
	cmd := &cobra.Command{
		Use:   "draft REPORT_ID",
		Short: "Write the draft of a due report (the session's supervisor)",
		Long: `Each --section is KIND=TEXT or KIND@PERSON_ID=TEXT. Kinds: observation, child-wellbeing,
arrival-departure and location-contact; the last two name the party they are about, and are
withheld from the other parties' copies.`,
		Example: `  familytime safeguarding report draft $R --centre $C --section "observation=Warm greeting" \
    --section "arrival-departure@$MOTHER=Arrived 10:00, left 11:20"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &safeguardingv1.DraftReportRequest{CentreId: s.centre, ReportId: args[0]}
			for _, sec := range sections {
				head, text, ok := strings.Cut(sec, "=")
				if !ok {
					return fmt.Errorf("--section %q is not KIND=TEXT or KIND@PERSON_ID=TEXT", sec)
				}
				kind, about, _ := strings.Cut(head, "@")
				k, err := parseEnum[safeguardingv1.ReportSectionKind]("section", kind, "REPORT_SECTION_KIND_", safeguardingv1.ReportSectionKind_value)
				if err != nil {
					return err
				}
				req.Sections = append(req.Sections, &safeguardingv1.ReportSectionInput{Kind: k, AboutPersonId: about, Text: text})
			}
			var err error
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.DraftReport(cmd.Context(), req)
				if err != nil {
					return err
				}
				return printAnswer(cmd, &out, resp, resp.GetReport(), reportFields(resp.GetReport()))
			})
		},
	}
	cmd.Flags().StringArrayVar(&sections, "section", nil, "a section: KIND=TEXT or KIND@PERSON_ID=TEXT (repeat, in order)")
	_ = cmd.MarkFlagRequired("section")
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

func (s *safeguardingCommand) reportStep(use, short string) *cobra.Command {
	var (
		out             output
		request         requestID
		approve, rework bool
		note            string
	)
	cmd := &cobra.Command{
		Use:   use + " REPORT_ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := request.value()
			if err != nil {
				return err
			}
			if use == "check" && approve == rework {
				return fmt.Errorf("say --approve or --return")
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				var resp interface {
					commandAnswer
					GetReport() *safeguardingv1.ReportSummary
				}
				var err error
				if use == "submit" {
					resp, err = c.SubmitReportForCheck(cmd.Context(), &safeguardingv1.SubmitReportForCheckRequest{RequestId: id, CentreId: s.centre, ReportId: args[0]})
				} else {
					resp, err = c.CheckReport(cmd.Context(), &safeguardingv1.CheckReportRequest{RequestId: id, CentreId: s.centre,
						ReportId: args[0], Approved: approve, Note: note})
				}
				if err != nil {
					return err
				}
				return printAnswer(cmd, &out, resp, resp.GetReport(), reportFields(resp.GetReport()))
			})
		},
	}
	if use == "check" {
		cmd.Flags().BoolVar(&approve, "approve", false, "approve it for release")
		cmd.Flags().BoolVar(&rework, "return", false, "return it to its author")
		cmd.Flags().StringVar(&note, "note", "", "a note to the author (sealed); required with --return")
	}
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

func (s *safeguardingCommand) reportReassign() *cobra.Command {
	var (
		out            output
		request        requestID
		writer, reason string
	)
	cmd := &cobra.Command{
		Use:   "reassign REPORT_ID",
		Short: "Give a report not yet submitted for its check to another writer, saying why (safeguarding lead)",
		Long: `A report is written by the supervisor of its session. When they cannot write it (they left,
their DBS check or training lapsed, they are away), the centre's safeguarding lead gives it to
another writer: a contact supervisor or the lead on the centre's staff register, cleared today
(otherwise WRITER_NOT_CLEARED, saying why). The report is due again, from the new writer, who may
read the earlier draft (report show) and drafts it whole; the earlier author no longer drafts,
submits or reads it. A report waiting for its check, approved or released keeps its writer
(REPORT_NOT_REASSIGNABLE); one its checker returned may be given to another writer. The reason is
sealed in the family's safeguarding record.`,
		Example: `  familytime safeguarding report reassign $R --centre $C --to sup-017 \
    --reason "The session's supervisor left the centre before writing it; sup-017 has their notes"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !inwords.Says(strings.TrimSpace(reason)) {
				return fmt.Errorf("--reason must say why the report is given to another writer, in words (at least %d letters or digits, one a letter)", inwords.MinLength)
			}
			id, err := request.value()
			if err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.ReassignReport(cmd.Context(), &safeguardingv1.ReassignReportRequest{RequestId: id, CentreId: s.centre,
					ReportId: args[0], Writer: writer, Reason: reason})
				if err != nil {
					return err
				}
				return printAnswer(cmd, &out, resp, resp.GetReport(), reportFields(resp.GetReport()))
			})
		},
	}
	cmd.Flags().StringVar(&writer, "to", "", "the new writer's account id, as their token names them")
	cmd.Flags().StringVar(&reason, "reason", "", "why the session's supervisor does not write it (sealed)")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.MarkFlagRequired("reason")
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

func (s *safeguardingCommand) reportRelease() *cobra.Command {
	var (
		out     output
		request requestID
		to      []string
	)
	cmd := &cobra.Command{
		Use:   "release REPORT_ID",
		Short: "Release an approved report to its distribution list (safeguarding lead)",
		Long: `Each --to is KIND, KIND=PERSON_ID (parent, other-parental-responsibility) or
solicitor=PERSON_ID (the party the solicitor acts for). Kinds: parent, other-parental-responsibility,
cafcass, local-authority, solicitor, court. Each person or body is on the list once, under one
kind (a parent is not listed again as having parental responsibility; one solicitor per party).
Each recipient's copy withholds the other parties'
arrival and departure times and address or contact details; the release records which, and says
under the list what each copy leaves out ("recipient 1 (parent P): copy leaves out section 3
(location and contact, about C)"), sections numbered as report show numbers them, from 1. A
section about someone no recipient is, or acts for (the child's school, given only to parents), goes
to no one: a WARNING says so on standard error. Release such a report to a body involved too (the
court, Cafcass, the local authority), or have the section taken out of the draft before releasing:
a release's text is final.
A body gets a copy only when the family's referral involves it: the court (court involved, a
court order, or a court referral), Cafcass (involved, or a Cafcass referral), the local authority
(children's services involved, or a local-authority referral); amend the referral first if it is.
Each body the referral involves that is not on the list is warned of on standard error
(BODY_INVOLVED_NOT_SENT, decision 331): the report is released all the same (the lead may leave a
body off on purpose), and the warning gives the command that sends that body a copy afterwards
(report send-copy). A report is released once: a second release is refused REPORT_RELEASED;
someone left off is sent a copy of the text released with report send-copy.`,
		Example: `  familytime safeguarding report release $R --centre $C --to parent=$MOTHER --to parent=$FATHER --to court --to cafcass`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &safeguardingv1.ReleaseReportRequest{CentreId: s.centre, ReportId: args[0]}
			var err error
			if req.Recipients, err = recipientInputs(to); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.ReleaseReport(cmd.Context(), req)
				if err != nil {
					return err
				}
				// The list is printed as it always was; a retry's answer is said so on standard
				// error, and its JSON carries no answered_at (the list is an array).
				noteReplay(cmd, resp)
				if err := printRecipients(cmd.OutOrStdout(), &out, resp.GetRecipients()); err != nil {
					return err
				}
				printLeftOut(cmd, cmd.OutOrStdout(), &out, resp.GetSections(), resp.GetRecipients())
				for _, w := range resp.GetBodyWarnings() {
					warnOnStderr(cmd, w)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringArrayVar(&to, "to", nil, "a recipient (repeat)")
	_ = cmd.MarkFlagRequired("to")
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

func (s *safeguardingCommand) reportSendCopy() *cobra.Command {
	var (
		out     output
		request requestID
		to      []string
		despite bool
	)
	cmd := &cobra.Command{
		Use:   "send-copy REPORT_ID",
		Short: "Send a copy of a released report to someone not on its distribution list (safeguarding lead)",
		Long: `send-copy sends the text released to further recipients (decision 331): the court or Cafcass left
off the release, a solicitor instructed since. Each --to is given as release's is (KIND,
KIND=PERSON_ID, solicitor=PERSON_ID), and checked as release checks its list: a party of the family
under the kind their role gives, a body the family's referral involves, each once. Someone on the
distribution list already is refused, naming their place on it (report show --recipient N gives
their copy). The text is the one released, never drafted again; each copy leaves out what a
release's copy would (the other parties' arrival and departure times, address and contact
details). A correction made since the release is not in the copy: the copy says it was corrected,
and the lead tells the recipient what changed, as for the others. So a report whose released text
was corrected is refused REPORT_CORRECTED_AFTER_RELEASE, naming the latest correction: read it
first; --despite-correction sends the copies all the same, knowing, and is recorded so (decision
375).

The recipients are added at the end of the distribution list, numbered on from it; the sending is
recorded on its own, with who sent them and when, and the family's history says so. It prints the
whole list, which recipients were added, what each copy leaves out, and a WARNING on standard
error for each body the referral involves still not on it (BODY_INVOLVED_NOT_SENT). A retry with
the same --request-id is given the first answer and sends nothing more.`,
		Example: `  familytime safeguarding report send-copy $R --centre $C --to court --to cafcass
  familytime safeguarding report send-copy $R --centre $C --to solicitor=$FATHER`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &safeguardingv1.SendReportCopiesRequest{CentreId: s.centre, ReportId: args[0], DespiteCorrection: despite}
			var err error
			if req.Recipients, err = recipientInputs(to); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.SendReportCopies(cmd.Context(), req)
				if err != nil {
					return err
				}
				noteReplay(cmd, resp)
				if err := printRecipients(cmd.OutOrStdout(), &out, resp.GetRecipients()); err != nil {
					return err
				}
				if !out.json {
					fmt.Fprintln(cmd.OutOrStdout(), "\n"+copiesSentWords(resp.GetSent(), resp.GetRecipients()))
				}
				printLeftOut(cmd, cmd.OutOrStdout(), &out, resp.GetSections(), resp.GetRecipients())
				for _, w := range resp.GetBodyWarnings() {
					warnOnStderr(cmd, w)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringArrayVar(&to, "to", nil, "a recipient to add (repeat)")
	cmd.Flags().BoolVar(&despite, "despite-correction", false, "send the text as released although it was corrected since "+
		"(you tell the recipients what changed)")
	_ = cmd.MarkFlagRequired("to")
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

// recipientInputs are --to values as a release's list: KIND, KIND=PERSON_ID, or
// solicitor=PERSON_ID (the party the solicitor acts for).
func recipientInputs(to []string) ([]*safeguardingv1.RecipientInput, error) {
	var out []*safeguardingv1.RecipientInput
	for _, r := range to {
		kind, person, _ := strings.Cut(r, "=")
		k, err := parseEnum[safeguardingv1.RecipientKind]("to", kind, "RECIPIENT_KIND_", safeguardingv1.RecipientKind_value)
		if err != nil {
			return nil, err
		}
		in := &safeguardingv1.RecipientInput{Kind: k}
		if k == safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR {
			in.ActingForPersonId = person
		} else {
			in.PersonId = person
		}
		out = append(out, in)
	}
	return out, nil
}

// copiesSentWords says which recipients a send-copy added, numbered as the list's # column:
// "copies sent now to: recipient 3 (court), recipient 4 (solicitor for <id>)".
func copiesSentWords(sent []int32, list []*safeguardingv1.Recipient) string {
	parts := make([]string, 0, len(sent))
	for _, i := range sent {
		if int(i) < len(list) {
			parts = append(parts, fmt.Sprintf("recipient %d (%s)", i+1, recipientWords(list[i])))
		}
	}
	return "copies of the text released sent now to: " + strings.Join(parts, ", ")
}

// printRecipients prints a release's distribution list: each recipient's kind and the id of the
// person (or of the party a solicitor acts for), never a name or an address, and the sections
// their copy withholds, numbered as report show numbers them, from 1 (review 35).
func printRecipients(w io.Writer, out *output, list []*safeguardingv1.Recipient) error {
	var msgs []proto.Message
	var rows [][]string
	for i, r := range list {
		msgs = append(msgs, r)
		numbers := make([]int, len(r.GetWithheldSections()))
		for n, x := range r.GetWithheldSections() {
			numbers[n] = sectionNumber(x)
		}
		// Numbered from 1, as people count (review 48: "recipient 0"); --recipient takes the number.
		rows = append(rows, []string{fmt.Sprint(i + 1), friendly("RECIPIENT_KIND_", r.GetKind().String()),
			orNone(r.GetPersonId() + r.GetActingForPersonId()), fmt.Sprint(numbers)})
	}
	return out.table(w, msgs, []string{"#", "RECIPIENT", "PERSON/FOR", "WITHHELD SECTIONS"}, rows)
}

// correctedBanner is the line heading a copy of a report corrected after its release, once
// however many corrections (review 32 printed one per correction): the day, or how many and the
// latest day. Empty when it was not corrected.
func correctedBanner(on []*commonv1.Date) string {
	const rest = ": this copy is not the whole record; the centre's safeguarding lead tells you what changed"
	switch len(on) {
	case 0:
		return ""
	case 1:
		return "CORRECTED after release on " + dateString(on[0]) + rest
	}
	return fmt.Sprintf("CORRECTED after release, %d times, latest on %s%s", len(on), dateString(on[len(on)-1]), rest)
}

// recipientWords is a recipient by kind and id: "parent <id>", "solicitor for <id>", "court".
func recipientWords(r *safeguardingv1.Recipient) string {
	kind := friendly("RECIPIENT_KIND_", r.GetKind().String())
	switch {
	case r.GetActingForPersonId() != "":
		return kind + " for " + r.GetActingForPersonId()
	case r.GetPersonId() != "":
		return kind + " " + r.GetPersonId()
	}
	return kind
}

func (s *safeguardingCommand) reportShow() *cobra.Command {
	var (
		out       output
		purpose   string
		recipient int32
	)
	cmd := &cobra.Command{
		Use:   "show REPORT_ID",
		Short: "Show a report, whole or as one recipient's copy (author, checker, lead; the read is recorded)",
		Long: `show prints the report, its distribution list once released (each recipient's kind and person
id, never a name or an address), its sections, and its checks with their notes (what a returned
report is drafted again from) and corrections; with --recipient N, the copy recipient N (numbered
from 1, as the distribution list's # column) was given, headed with whose copy it is: that recipient alone, without the staff's accounts or the
rest of the distribution list, its sections numbered as the copy has them. Sections are numbered
from 1 in the whole report and in a copy alike; the whole report says under its distribution list
what each copy leaves out, and warns of a section that went to no recipient. A report corrected
after its release says so on each copy, once ("CORRECTED after release on DATE", or "CORRECTED
after release, N times, latest on DATE"), without the correction's text, which is not divided
into sections and could hold what the copy withholds: the centre's safeguarding lead tells each
recipient what changed. Only a correction of the text released counts: a draft replaced before
the release and a check's note went to nobody.

Once released, the whole report (without --recipient) gives the record id of the text released
("released text"; released_record_id with --json) and the record a correction of it names now
("to correct it"; correct_record_id): the draft released, or its latest correction, since a
record is corrected once. A copy gives neither: it is what its recipient was given, and the
centre's record ids are the staff's. Once the family's personal data was erased, the report keeps
its sections without their text: each says "text erased with the family's personal data on DATE
(REASON)", and nothing can be corrected, so no correction is offered.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &safeguardingv1.GetReportRequest{CentreId: s.centre, ReportId: args[0], Purpose: purpose}
			if cmd.Flags().Changed("recipient") {
				// The list numbers recipients from 1 (the # column); the API's index is 0-based.
				if recipient < 1 {
					return fmt.Errorf("--recipient must be a recipient's number on the distribution list, from 1 (the # column "+
						"of report show and report release), not %d", recipient)
				}
				index := recipient - 1
				req.RecipientIndex = &index
			}
			err := s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.GetReport(cmd.Context(), req)
				if err != nil {
					return err
				}
				if out.json {
					return out.one(cmd.OutOrStdout(), resp, nil)
				}
				w := cmd.OutOrStdout()
				if req.RecipientIndex != nil {
					// A copy says whose it is, as its first line: it is what that recipient was given.
					// The service gives a copy's recipient alone.
					var whose string
					if len(resp.GetRecipients()) == 1 {
						whose = ": " + recipientWords(resp.GetRecipients()[0])
					}
					fmt.Fprintf(w, "Copy for recipient %d%s\n", recipient, whose)
					// A correction since release is not in the copy (its one text could hold what
					// the copy withholds): the copy says it is superseded (decision 171), once.
					if banner := correctedBanner(resp.GetCorrectedAfterReleaseOn()); banner != "" {
						fmt.Fprintln(w, banner)
					}
					fmt.Fprintln(w)
				}
				fields := reportFields(resp.GetReport())
				if req.RecipientIndex == nil {
					fields = wholeReportFields(resp)
				}
				if err := out.one(w, resp.GetReport(), fields); err != nil {
					return err
				}
				if len(resp.GetRecipients()) > 0 && req.RecipientIndex == nil {
					// A copy's heading says whose it is; the list is the whole report's.
					fmt.Fprintln(w, "\ndistribution list:")
					if err := printRecipients(w, &out, resp.GetRecipients()); err != nil {
						return err
					}
					headings := make([]*safeguardingv1.ReportSection, len(resp.GetSections()))
					for i, sec := range resp.GetSections() {
						headings[i] = &safeguardingv1.ReportSection{Kind: sec.GetKind(), AboutPersonId: sec.GetAboutPersonId()}
					}
					printLeftOut(cmd, w, &out, headings, resp.GetRecipients())
				}
				printSections(w, resp.GetSections(), resp.GetFamilyErasure())
				if len(resp.GetChecks()) > 0 {
					fmt.Fprintln(w, "\nchecks:")
					if err := printEntries(w, &out, resp, resp.GetChecks(), resp.GetFamilyErasure(), ""); err != nil {
						return err
					}
				}
				if len(resp.GetCorrections()) > 0 {
					fmt.Fprintln(w, "\ncorrections:")
					return printEntries(w, &out, resp, resp.GetCorrections(), resp.GetFamilyErasure(), "")
				}
				return nil
			})
			if req.RecipientIndex != nil {
				return noSuchRecipient(err, recipient)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&purpose, "purpose", "", "why you read it, in words (at least 3 letters or digits, one a letter; recorded)")
	cmd.Flags().Int32Var(&recipient, "recipient", 0, "show the copy recipient N of the distribution list was given, numbered from 1 as the list's # column")
	_ = cmd.MarkFlagRequired("purpose")
	out.register(cmd.Flags())
	return cmd
}

func (s *safeguardingCommand) reportOverdue() *cobra.Command {
	return s.reportList("overdue", "Reports not released more than 5 working days (Monday to Friday) after their session, oldest first",
		"no overdue reports", func(c safeguardingv1.SafeguardingServiceClient, cmd *cobra.Command, size int32, token string) ([]*safeguardingv1.ReportSummary, string, error) {
			resp, err := c.ListOverdueReports(cmd.Context(), &safeguardingv1.ListOverdueReportsRequest{CentreId: s.centre,
				PageSize: size, PageToken: token})
			return resp.GetReports(), resp.GetNextPageToken(), err
		})
}

func (s *safeguardingCommand) reportOpen() *cobra.Command {
	return s.reportList("open", "Reports not yet released, due or not: the one to draft for a session you supervised, or to check",
		"no open reports", func(c safeguardingv1.SafeguardingServiceClient, cmd *cobra.Command, size int32, token string) ([]*safeguardingv1.ReportSummary, string, error) {
			resp, err := c.ListOpenReports(cmd.Context(), &safeguardingv1.ListOpenReportsRequest{CentreId: s.centre,
				PageSize: size, PageToken: token})
			return resp.GetReports(), resp.GetNextPageToken(), err
		})
}

// reportList is a command that lists report summaries as a table, following the list to its last
// page (--page-size); list returns a page and the next page's token.
func (s *safeguardingCommand) reportList(use, short, none string,
	list func(c safeguardingv1.SafeguardingServiceClient, cmd *cobra.Command, size int32, token string) ([]*safeguardingv1.ReportSummary, string, error)) *cobra.Command {
	var (
		out  output
		page pageFlag = 100
	)
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return pagedTable(s, cmd, &out, page, none, []string{"REPORT", "FAMILY", "SESSION", "WORKING DAYS", "STATE", "WRITER"},
				func(c safeguardingv1.SafeguardingServiceClient, size int32, token string) ([]*safeguardingv1.ReportSummary, string, error) {
					return list(c, cmd, size, token)
				},
				func(r *safeguardingv1.ReportSummary) []string {
					return []string{r.GetReportId(), r.GetFamilyId(), sgDay(r.GetSessionOn()),
						fmt.Sprint(r.GetWorkingDaysSinceSession()), listedState(r), orNone(r.GetWriter())}
				})
		},
	}
	page.register(cmd.Flags(), "reports")
	out.register(cmd.Flags())
	return cmd
}

// wholeReportFields are the whole report's fields: once released, which record went out and how
// it is corrected (review 32 found nothing that said so, decision 219); a copy carries no record
// id. An erased family's report says its text was erased, and gives no correction to make: it
// would be refused FAMILY_ERASED (review 35).
func wholeReportFields(resp *safeguardingv1.GetReportResponse) [][2]string {
	fields := reportFields(resp.GetReport())
	if id := resp.GetReleasedRecordId(); id != "" {
		fields = append(fields, [2]string{"released text", "record " + id})
	}
	if id := resp.GetCorrectRecordId(); id != "" {
		fields = append(fields, [2]string{"to correct it", fmt.Sprintf("familytime safeguarding correct %s --family %s --text ... --reason ... (the lead)",
			id, resp.GetReport().GetFamilyId())})
	}
	if e := resp.GetFamilyErasure(); e != nil {
		fields = append(fields, [2]string{"text", strings.TrimPrefix(erasedText(e), "text ") + ": nothing can be corrected"})
	}
	return fields
}

// erasedText says that a text went with the family's personal data, when and why: "text erased
// with the family's personal data on 2026-12-01 (retention-ended)"; without the day and reason
// for an erasure carried out before they were kept.
func erasedText(e *safeguardingv1.FamilyErasure) string {
	s := "text erased with the family's personal data"
	if e.GetErasedOn() != nil {
		s += " on " + dateString(e.GetErasedOn())
	}
	if e.GetReason() != safeguardingv1.ErasureReason_ERASURE_REASON_UNSPECIFIED {
		s += " (" + friendly("ERASURE_REASON_", e.GetReason().String()) + ")"
	}
	return s
}

// printSections prints a report's sections, numbered as a reader counts them, from 1, in the
// whole report and in a copy alike (review 35 found the whole report's [0] a copy's [1]): a copy's
// indexes are the copy's own, so nothing shows where others' sections were left out. A section
// whose text went with the family's personal data says so (erasure set), where it read as blank.
func printSections(w io.Writer, sections []*safeguardingv1.ReportSectionView, erasure *safeguardingv1.FamilyErasure) {
	for _, sec := range sections {
		about := ""
		if sec.GetAboutPersonId() != "" {
			about = " about " + sec.GetAboutPersonId()
		}
		text := sec.GetText()
		if text == "" && erasure != nil {
			text = "(" + erasedText(erasure) + ")"
		}
		fmt.Fprintf(w, "\n[%d] %s%s\n%s\n", sectionNumber(sec.GetIndex()), friendly("REPORT_SECTION_KIND_", sec.GetKind().String()), about, text)
	}
}

// sectionNumber is a section's number as a reader counts, from 1: the API's indexes are 0-based.
func sectionNumber(index int32) int { return int(index) + 1 }

// sectionKindWords is a section's kind in words: "location and contact".
func sectionKindWords(k safeguardingv1.ReportSectionKind) string {
	switch k {
	case safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE:
		return "arrival and departure"
	case safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_LOCATION_CONTACT:
		return "location and contact"
	}
	return strings.ReplaceAll(friendly("REPORT_SECTION_KIND_", k.String()), "-", " ")
}

// sectionWords is a section by number, kind and whom it is about: "section 3 (location and
// contact, about <person id>)".
func sectionWords(i int32, s *safeguardingv1.ReportSection) string {
	about := ""
	if s.GetAboutPersonId() != "" {
		about = ", about " + s.GetAboutPersonId()
	}
	return fmt.Sprintf("section %d (%s%s)", sectionNumber(i), sectionKindWords(s.GetKind()), about)
}

// leftOut says, for each recipient whose copy leaves sections out, which, by number, kind and whom
// each is about (decision 226's Left: a section about the child's whereabouts was withheld from
// both parents' copies without a word to the lead); and warns of each section no copy has.
func leftOut(sections []*safeguardingv1.ReportSection, list []*safeguardingv1.Recipient) (lines, warnings []string) {
	heading := func(i int32) string {
		if int(i) < len(sections) {
			return sectionWords(i, sections[i])
		}
		return fmt.Sprintf("section %d", sectionNumber(i))
	}
	withheldFrom := map[int32]int{}
	for n, r := range list {
		var words []string
		for _, i := range r.GetWithheldSections() {
			words = append(words, heading(i))
			withheldFrom[i]++
		}
		if len(words) > 0 {
			lines = append(lines, fmt.Sprintf("recipient %d (%s): copy leaves out %s", n+1, recipientWords(r), strings.Join(words, ", ")))
		}
	}
	for i := range sections {
		if len(list) > 0 && withheldFrom[int32(i)] == len(list) {
			about := sections[i].GetAboutPersonId()
			warnings = append(warnings, fmt.Sprintf("%s goes to no recipient: every copy leaves it out, as it is about where %s "+
				"can be found or comes and goes, which goes only to %s, a solicitor acting for them and the bodies (the court, Cafcass, "+
				"the local authority), and none of them is on the list; the release is final, and the section stays in the record",
				heading(int32(i)), about, about))
		}
	}
	return lines, warnings
}

// whyLeftOut ends the lines of what each copy leaves out.
const whyLeftOut = "(a section on one person's arrival and departure, or location and contact, goes only to that person, " +
	"a solicitor acting for them and the bodies: never to another party)"

// printLeftOut prints leftOut's lines under the distribution list, and its warnings on standard
// error, so that they reach the lead whatever --json does with standard output.
func printLeftOut(cmd *cobra.Command, w io.Writer, out *output, sections []*safeguardingv1.ReportSection, list []*safeguardingv1.Recipient) {
	lines, warnings := leftOut(sections, list)
	if len(lines) > 0 && !out.json {
		fmt.Fprintln(w, "\nwhat each copy leaves out:")
		for _, l := range lines {
			fmt.Fprintln(w, "  "+l)
		}
		fmt.Fprintln(w, "  "+whyLeftOut)
	}
	for _, warning := range warnings {
		warnOnStderr(cmd, warning)
	}
}

// noSuchRecipient says, of a refusal naming no recipient at the number --recipient gave, where the
// numbers are read (review 89 L4: "recipient not found" alone left the reader guessing them).
func noSuchRecipient(err error, recipient int32) error {
	if r, ok := err.(*refusal); ok && r.status.Code() == codes.NotFound && strings.HasPrefix(r.status.Message(), "recipient") {
		r.text += fmt.Sprintf("; the distribution list has no recipient %d: the whole report (the same command without "+
			"--recipient) lists them, numbered in its # column", recipient)
	}
	return err
}
