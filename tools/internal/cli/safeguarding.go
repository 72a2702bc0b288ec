package cli

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// safeguardingCommand holds what every safeguarding subcommand shares: the connection and the
// centre the caller acts for (every safeguarding RPC is centre-scoped).
type safeguardingCommand struct {
	conn   connection
	centre string
}

func newSafeguardingCommand() *cobra.Command {
	s := &safeguardingCommand{}
	cmd := &cobra.Command{
		Use:   "safeguarding",
		Short: "Safeguarding: risk, concerns, holds, observation reports; every read of text is recorded",
		Long: `safeguarding talks to the safeguarding service. Records are never changed: a correction is a
new record pointing at the old one. Every command acts for one centre (--centre) and needs a token
with the right role, for example:

  export FAMILYTIME_TOKEN="$(familytime token --role safeguarding_lead --centre $CENTRE)"

Commands that show safeguarding text ask for --purpose: it is recorded with the read (familytime audit).`,
	}
	s.conn.register(cmd)
	cmd.PersistentFlags().StringVar(&s.centre, "centre", "", "the centre you act for (UUID)")
	_ = cmd.MarkPersistentFlagRequired("centre")
	cmd.AddCommand(s.risk(), s.riskReviews(), s.concern(), s.action(), s.escalate(), s.escalateReference(), s.correct(), s.close(),
		s.move(), s.hold(), s.lift(), s.report(), s.record(), s.alerts())
	return cmd
}

// call dials the safeguarding service and runs do with a client.
func (s *safeguardingCommand) call(cmd *cobra.Command, do func(safeguardingv1.SafeguardingServiceClient) error) error {
	cc, err := dial(&s.conn, "safeguarding")
	if err != nil {
		return err
	}
	defer cc.Close()
	if err := do(safeguardingv1.NewSafeguardingServiceClient(cc)); err != nil {
		return describe(err)
	}
	return nil
}

// pageFlag is a list command's --page-size: how many rows each request fetches. The command
// follows every page (everyPage), so it changes how many requests are made, never what is listed.
type pageFlag int32

func (p *pageFlag) register(flags interface {
	Int32Var(p *int32, name string, value int32, usage string)
}, rows string) {
	flags.Int32Var((*int32)(p), "page-size", 100, rows+" fetched per request (1-500); every page is listed")
}

// value is the page size, or an error before any call if it is outside 1 to 500.
func (p pageFlag) value() (int32, error) {
	if p < 1 || p > 500 {
		return 0, fmt.Errorf("--page-size must be from 1 to 500, not %d", int32(p))
	}
	return int32(p), nil
}

// everyPage calls list for the first page and then for each next page until the last: list
// returns its page's next_page_token, empty on the last page.
func everyPage(list func(token string) (next string, err error)) error {
	for token, more := "", true; more; more = token != "" {
		next, err := list(token)
		if err != nil {
			return err
		}
		token = next
	}
	return nil
}

// pagedTable is a list command's body: it reads every page of list at the --page-size given
// (everyPage) and prints the messages as a table with a row of each (row), or none when there
// are none.
func pagedTable[M proto.Message](s *safeguardingCommand, cmd *cobra.Command, out *output, page pageFlag, none string, header []string,
	list func(c safeguardingv1.SafeguardingServiceClient, size int32, token string) ([]M, string, error), row func(M) []string) error {
	size, err := page.value()
	if err != nil {
		return err
	}
	var msgs []proto.Message
	var rows [][]string
	if err := s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
		return everyPage(func(token string) (string, error) {
			items, next, err := list(c, size, token)
			for _, m := range items {
				msgs, rows = append(msgs, m), append(rows, row(m))
			}
			return next, err
		})
	}); err != nil {
		return err
	}
	if len(rows) == 0 && !out.json {
		_, err := fmt.Fprintln(cmd.OutOrStdout(), none)
		return err
	}
	return out.table(cmd.OutOrStdout(), msgs, header, rows)
}

func sgDate(flag, value string) (*commonv1.Date, error) { return dateFlag(flag, value) }

func sgDay(d *commonv1.Date) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}

// riskReviews lists the families whose risk a person must look at (decision 126).
func (s *safeguardingCommand) riskReviews() *cobra.Command {
	var (
		out   output
		page  pageFlag
		dueBy string
	)
	cmd := &cobra.Command{
		Use:   "reviews",
		Short: "The families whose risk is due for a person's look: screens not yet confirmed, assessments due for review, holds and escalations since",
		Long: `reviews lists the families at the centre whose risk a person must look at, the earliest due first:
a referral's provisional screen, amber or red, no person has assessed yet (due the day it was made),
and assessments whose review date is --due-by or earlier (default today). OVERDUE says the day in
DUE has passed: a provisional screen is due the day it was made and overdue from the next day.
Beside a provisional rating, SCREENS says what the referral's answers suggest and the latest screen
a person recorded at referral (referral screen), with its rating and date: a screen at referral
below the risk does not lower it (a risk assessment here does), so the two may differ, and the
row says so. A family put before you by a disclosure of domestic abuse carried to its referral from
another referral of its child (a name or date of birth corrected to match) says that in SCREENS
instead: "a disclosure of domestic abuse was carried to the family on DATE, after the risk
assessment of DATE: assess the risk" (--json: risk.disclosure_carried_on, risk.assessed_on). Its
supported contact waits for that assessment in scheduling; your next assessment, whatever it finds,
takes it off the list. A family on which a hold was placed, or a concern escalated, since its risk
was last assessed (or, never assessed, at all) is listed too, whatever its risk reads: SINCE
ASSESSED names each such step and its day ("hold placed on DATE; concern escalated on DATE: assess
the risk"; --json: steps_since_assessed), DUE is the first step's day when it came first, and it is
overdue from the next day, as a provisional screen. An assessment recorded after the steps takes the
family off the list. Cases declined, withdrawn or ended at referral, and families erased, are left
out.
Review one with familytime safeguarding risk. Safeguarding leads and coordinators.`,
		Example: `  familytime safeguarding reviews --centre $C
  familytime safeguarding reviews --centre $C --due-by 2026-12-31 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var due *commonv1.Date
			if dueBy != "" {
				var err error
				if due, err = sgDate("due-by", dueBy); err != nil {
					return err
				}
			}
			return s.riskReviewTable(cmd, &out, page, "no risk due for review", due)
		},
	}
	cmd.Flags().StringVar(&dueBy, "due-by", "", "list assessments due for review by this date (YYYY-MM-DD); default today")
	page.register(cmd.Flags(), "families")
	out.register(cmd.Flags())
	return cmd
}

// riskReviewTable prints the families whose risk is due for a look by due (nil: today).
func (s *safeguardingCommand) riskReviewTable(cmd *cobra.Command, out *output, page pageFlag, none string, due *commonv1.Date) error {
	return pagedTable(s, cmd, out, page, none, []string{"DUE", "FAMILY", "RATING", "PROVISIONAL", "OVERDUE", "SCREENS", "SINCE ASSESSED"},
		func(c safeguardingv1.SafeguardingServiceClient, size int32, token string) ([]*safeguardingv1.RiskReview, string, error) {
			resp, err := c.ListRiskReviews(cmd.Context(), &safeguardingv1.ListRiskReviewsRequest{CentreId: s.centre, DueBy: due,
				PageSize: size, PageToken: token})
			return resp.GetReviews(), resp.GetNextPageToken(), err
		},
		func(r *safeguardingv1.RiskReview) []string {
			return []string{riskReviewDue(r), r.GetRisk().GetFamilyId(), friendly("RISK_RATING_", r.GetRisk().GetRating().String()),
				yes(r.GetRisk().GetProvisional()), yes(r.GetOverdue()), riskReviewScreens(r), riskReviewSteps(r)}
		})
}

func (s *safeguardingCommand) risk() *cobra.Command {
	var (
		out                            output
		request                        requestID
		family, rating, reviewBy, note string
		factors                        []string
		da                             bool
	)
	cmd := &cobra.Command{
		Use:     "risk",
		Short:   "Assess a family's risk (confirms or changes the provisional screen)",
		Example: `  familytime safeguarding risk --centre $C --family $F --rating amber --factor domestic-abuse --domestic-abuse --review-by "$(date -d '+3 months' +%F)"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := &safeguardingv1.AssessRiskRequest{CentreId: s.centre, FamilyId: family, DomesticAbuseFinding: da, Note: note}
			var err error
			if req.Rating, err = parseEnum[safeguardingv1.RiskRating]("rating", rating, "RISK_RATING_", safeguardingv1.RiskRating_value); err != nil {
				return err
			}
			for _, f := range factors {
				v, err := parseEnum[safeguardingv1.RiskFactor]("factor", f, "RISK_FACTOR_", safeguardingv1.RiskFactor_value)
				if err != nil {
					return err
				}
				req.Factors = append(req.Factors, v)
			}
			if req.NextReviewOn, err = sgDate("review-by", reviewBy); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.AssessRisk(cmd.Context(), req)
				if err != nil {
					return err
				}
				r := resp.GetRisk()
				return printAnswer(cmd, &out, resp, r, [][2]string{{"family", r.GetFamilyId()},
					{"rating", friendly("RISK_RATING_", r.GetRating().String())}, {"provisional", fmt.Sprint(r.GetProvisional())},
					{"domestic abuse found", fmt.Sprint(r.GetDomesticAbuseFinding())}, {"review by", sgDay(r.GetNextReviewOn())}})
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&family, "family", "", "the family (UUID)")
	f.StringVar(&rating, "rating", "", "rating: "+enumNames("RISK_RATING_", safeguardingv1.RiskRating_name))
	f.StringSliceVar(&factors, "factor", nil, "risk factor(s): "+enumNames("RISK_FACTOR_", safeguardingv1.RiskFactor_name))
	f.BoolVar(&da, "domestic-abuse", false, "you found domestic abuse (leaves supervised contact only); goes with --factor domestic-abuse, "+
		"neither is given without the other")
	f.StringVar(&reviewBy, "review-by", "", "review the assessment by (YYYY-MM-DD, within 6 months)")
	f.StringVar(&note, "note", "", "a note (sealed); required, saying why in words, when clearing a standing domestic-abuse finding, "+
		"which only the safeguarding lead may do")
	request.register(f)
	out.register(f)
	for _, r := range []string{"family", "rating", "review-by"} {
		_ = cmd.MarkFlagRequired(r)
	}
	complete(cmd, "rating", "RISK_RATING_", safeguardingv1.RiskRating_name)
	complete(cmd, "factor", "RISK_FACTOR_", safeguardingv1.RiskFactor_name)
	return cmd
}

func (s *safeguardingCommand) concern() *cobra.Command {
	cmd := &cobra.Command{Use: "concern", Short: "Raise, show and list concerns"}
	var (
		out                                    output
		request                                requestID
		family, category, description, booking string
		people                                 []string
	)
	raise := &cobra.Command{
		Use:   "raise",
		Short: "Raise a concern (any member of staff or volunteer); the centre's safeguarding lead is alerted",
		Long: `raise records a concern and alerts the centre's safeguarding lead. It is never refused because the
family's personal data was erased: the concern is then recorded and the lead alerted, but its
description is not kept (there is no key left to seal it with), and a WARNING TEXT_NOT_KEPT on
standard error tells you to tell the lead in person now what you saw.

At the door, give --booking alone, the BOOKING the day sheet prints (whole) on the family's row:
the concern is about that booking's family, which the answer names. The day sheet's FAMILY
column is short and is not taken for a family: give the whole family id with --family, for a
concern that arose outside a session. Given both, the booking must be the family's. A booking
made a moment ago may take a few seconds to be known to safeguarding (not found: try again).

Raised twice, a concern is recorded twice and the lead alerted twice: two people may report one
incident. If you raised a concern about the same booking, or the same family, earlier that day,
a WARNING RAISED_BEFORE on standard error names it, with its time and id: if it is the same
incident, tell the lead rather than raise it again (or correct your first one: familytime
safeguarding correct).`,
		Example: `  familytime safeguarding concern raise --centre $C --booking $BOOKING --category neglect --description "..."
  familytime safeguarding concern raise --centre $C --family $F --category neglect --description "..."`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := concernSubject(family, booking); err != nil {
				return err
			}
			req := &safeguardingv1.RaiseConcernRequest{CentreId: s.centre, FamilyId: family, BookingId: booking,
				Description: description, PersonIds: people}
			var err error
			if req.Category, err = parseEnum[safeguardingv1.ConcernCategory]("category", category, "CONCERN_CATEGORY_", safeguardingv1.ConcernCategory_value); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.RaiseConcern(cmd.Context(), req)
				if err != nil {
					return err
				}
				return printRaised(cmd, &out, resp)
			})
		},
	}
	f := raise.Flags()
	f.StringVar(&family, "family", "", "the family (its whole id); may be left out when --booking is given")
	f.StringVar(&category, "category", "", "category: "+enumNames("CONCERN_CATEGORY_", safeguardingv1.ConcernCategory_name))
	f.StringVar(&description, "description", "", "what happened (sealed)")
	f.StringVar(&booking, "booking", "", "the session's booking it arose in, as the day sheet's BOOKING prints it; "+
		"--booking alone names the family")
	f.StringSliceVar(&people, "person", nil, "person id(s) involved")
	request.register(f)
	out.register(f)
	for _, r := range []string{"category", "description"} {
		_ = raise.MarkFlagRequired(r)
	}
	complete(raise, "category", "CONCERN_CATEGORY_", safeguardingv1.ConcernCategory_name)

	var showOut output
	var purpose string
	show := &cobra.Command{
		Use:   "show CONCERN_ID",
		Short: "Show a concern with its records (its raiser and the lead only; the read is recorded)",
		Long: `show prints a concern: what it is about (its category, the family, the booking it arose in and
the people involved, by id), whether it is escalated and closed, and its records in order, each
correction under the record it corrects. The centre's safeguarding lead reads every record. Whoever raised it reads it as its raiser: they are given what they raised (their text, their
own corrections of it) and its state, and the lead's records (actions, escalations with the agency
and its reference, the closing note, the lead's corrections) are listed as withheld, without their
text: they were made, and are the lead's to read (decision 51). Once the family's personal data was
erased, each record that had text says "(text erased with the family's personal data on DATE
(REASON))" (--json: text_erased, and family_erasure). The read, with --purpose, is recorded before
anything is shown (familytime audit).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.GetConcern(cmd.Context(), &safeguardingv1.GetConcernRequest{CentreId: s.centre, ConcernId: args[0], Purpose: purpose})
				if err != nil {
					return err
				}
				if !showOut.json {
					printConcernState(cmd.OutOrStdout(), resp.GetConcern())
				}
				return printEntries(cmd.OutOrStdout(), &showOut, resp, resp.GetConcern().GetRecords(), resp.GetFamilyErasure(),
					resp.GetConcern().GetSummary().GetConcernId())
			})
		},
	}
	show.Flags().StringVar(&purpose, "purpose", "", "why you read it, in words (at least 3 letters or digits, one a letter; recorded)")
	_ = show.MarkFlagRequired("purpose")
	showOut.register(show.Flags())

	var (
		listOut  output
		listPage pageFlag
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List the centre's open concerns, oldest first, in the order raised (no text)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return pagedTable(s, cmd, &listOut, listPage, "no open concerns", []string{"CONCERN", "FAMILY", "CATEGORY", "RAISED", "BY", "ESCALATED"},
				func(c safeguardingv1.SafeguardingServiceClient, size int32, token string) ([]*safeguardingv1.ConcernSummary, string, error) {
					resp, err := c.ListOpenConcerns(cmd.Context(), &safeguardingv1.ListOpenConcernsRequest{CentreId: s.centre,
						PageSize: size, PageToken: token})
					return resp.GetConcerns(), resp.GetNextPageToken(), err
				},
				func(k *safeguardingv1.ConcernSummary) []string {
					return []string{k.GetConcernId(), k.GetFamilyId(), friendly("CONCERN_CATEGORY_", k.GetCategory().String()),
						sgDay(k.GetRaisedOn()), k.GetRaisedBy(), fmt.Sprint(k.GetEscalated())}
				})
		},
	}
	listPage.register(list.Flags(), "concerns")
	listOut.register(list.Flags())
	cmd.AddCommand(raise, show, list)
	return cmd
}

// concernAnswer is the answer of a lead's command on one concern: the concern as it left it.
type concernAnswer interface {
	commandAnswer
	GetConcern() *safeguardingv1.ConcernSummary
}

// concernChange is a lead's command on one concern (action, escalate, close). more are lines
// shown after the concern's own, from the answer.
func (s *safeguardingCommand) concernChange(use, short string, flags func(*cobra.Command),
	do func(c safeguardingv1.SafeguardingServiceClient, cmd *cobra.Command, id, request string) (concernAnswer, [][2]string, error)) *cobra.Command {
	var (
		out     output
		request requestID
	)
	cmd := &cobra.Command{
		Use:   use + " CONCERN_ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := request.value()
			if err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, more, err := do(c, cmd, args[0], id)
				if err != nil {
					return err
				}
				k := resp.GetConcern()
				fields := append([][2]string{{"concern", k.GetConcernId()}, {"escalated", fmt.Sprint(k.GetEscalated())},
					{"closed", fmt.Sprint(k.GetClosed())}}, more...)
				return printAnswer(cmd, &out, resp, k, append(fields, [2]string{"version", fmt.Sprint(k.GetVersion())}))
			})
		},
	}
	flags(cmd)
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

func (s *safeguardingCommand) action() *cobra.Command {
	var text string
	return s.concernChange("action", "Record an action taken on a concern (safeguarding lead)", func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&text, "action", "", "what was done (sealed)")
		_ = cmd.MarkFlagRequired("action")
	}, func(c safeguardingv1.SafeguardingServiceClient, cmd *cobra.Command, id, request string) (concernAnswer, [][2]string, error) {
		resp, err := c.AddConcernAction(cmd.Context(), &safeguardingv1.AddConcernActionRequest{RequestId: request, CentreId: s.centre, ConcernId: id, Action: text})
		return resp, nil, err
	})
}

func (s *safeguardingCommand) escalate() *cobra.Command {
	var agency, reference string
	cmd := s.concernChange("escalate", "Record that a concern went to children's services or the police (safeguarding lead)", func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&agency, "to", "", "agency: "+enumNames("AGENCY_", safeguardingv1.Agency_name))
		cmd.Flags().StringVar(&reference, "reference", "", "the agency's reference (sealed); leave it out when they have given none yet, "+
			"and add it with escalate-reference")
		_ = cmd.MarkFlagRequired("to")
		complete(cmd, "to", "AGENCY_", safeguardingv1.Agency_name)
	}, func(c safeguardingv1.SafeguardingServiceClient, cmd *cobra.Command, id, request string) (concernAnswer, [][2]string, error) {
		a, err := parseEnum[safeguardingv1.Agency]("to", agency, "AGENCY_", safeguardingv1.Agency_value)
		if err != nil {
			return nil, nil, err
		}
		resp, err := c.EscalateConcern(cmd.Context(), &safeguardingv1.EscalateConcernRequest{RequestId: request, CentreId: s.centre,
			ConcernId: id, Agency: a, Reference: strings.TrimSpace(reference)})
		if err == nil && strings.TrimSpace(reference) == "" {
			fmt.Fprintln(cmd.ErrOrStderr(), "Recorded with no reference given yet: when the agency gives one, add it with "+
				"familytime safeguarding escalate-reference ESCALATION_RECORD_ID --family F --reference REF "+
				"(the escalation's record id is in concern show)")
		}
		return resp, nil, err
	})
	cmd.Long = `escalate records that a concern went to the local authority's children's services or the police
(safeguarding lead). A lead who has just rung 999 has no reference yet: leave --reference out, and
the escalation is recorded with "no reference given yet"; when the agency gives its reference, add it with
escalate-reference, a new record pointing at the escalation (records are never changed).

Escalating is never refused for the staff register: protection never waits on paperwork. An
escalation by someone the register does not have as the centre's lead that day is recorded in the
role the register gives them, and the register's lead is alerted of it (familytime safeguarding
alerts).`
	cmd.Example = `  familytime safeguarding escalate $K --centre $C --to police
  familytime safeguarding escalate $K --centre $C --to local-authority-childrens-services --reference CS/2291`
	return cmd
}

// escalateReference adds the agency's reference to an escalation recorded without it, or corrects
// the one recorded: a correction of the escalation, a new record that points at it.
func (s *safeguardingCommand) escalateReference() *cobra.Command {
	var (
		out                       output
		request                   requestID
		family, reference, reason string
	)
	cmd := &cobra.Command{
		Use:   "escalate-reference ESCALATION_RECORD_ID",
		Short: "Add the agency's reference to an escalation recorded without one (safeguarding lead)",
		Long: `escalate-reference records the agency's reference for an escalation (its record id, in concern
show): one recorded with "no reference given yet", or one whose reference was wrong. The escalation
stays as it was recorded; the reference is a new record pointing at it (a correction of it), which
concern show prints under it. The reference is written as the agency gives it, on one line
(4512/23). An escalation takes one such record: to change the reference again, give the record id
of the last one (ALREADY_CORRECTED names it).`,
		Example: `  familytime safeguarding escalate-reference $ESCALATION --centre $C --family $F --reference 4512/23`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return s.correctRecord(cmd, &out, &request, family, args[0], reference, reason, "reference", "escalation")
		},
	}
	f := cmd.Flags()
	f.StringVar(&family, "family", "", "the family (UUID)")
	f.StringVar(&reference, "reference", "", "the agency's reference (sealed)")
	f.StringVar(&reason, "reason", "the agency gave its reference after the escalation was recorded", "why (sealed)")
	for _, r := range []string{"family", "reference"} {
		_ = cmd.MarkFlagRequired(r)
	}
	request.register(f)
	out.register(f)
	return cmd
}

// correctRecord records a correction of record (CorrectRecord) and prints its id as newLabel and
// the record's as oldLabel: correct and escalate-reference are the same call, named for what they do.
func (s *safeguardingCommand) correctRecord(cmd *cobra.Command, out *output, request *requestID, family, record, text, reason,
	newLabel, oldLabel string) error {
	id, err := request.value()
	if err != nil {
		return err
	}
	return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
		resp, err := c.CorrectRecord(cmd.Context(), &safeguardingv1.CorrectRecordRequest{RequestId: id, CentreId: s.centre,
			FamilyId: family, RecordId: record, Text: text, Reason: reason})
		if err != nil {
			return err
		}
		if err := printAnswer(cmd, out, resp, resp, [][2]string{{newLabel, resp.GetRecordId()}, {oldLabel, record}}); err != nil {
			return err
		}
		if !out.json {
			fmt.Fprint(cmd.OutOrStdout(), toTell(resp.GetRecipientsToTell()))
		}
		// decision 319: on standard error in JSON too, as the other warnings are.
		warnOnStderr(cmd, correctionWarning(resp.GetRecipientsToTell()))
		return nil
	})
}

// toTell says whom to tell of a correction of a report's released text, numbered as the
// distribution list is, from 1 (review 48: a correction after release named nobody told), and
// the sections each one's copy withholds, numbered as report show numbers them (decision 319:
// review 57 was told to give every recipient "the text corrected", the other parent included,
// though the correction was of a section that parent's copy withholds); "" for a correction no
// recipient was given.
func toTell(list []*safeguardingv1.Recipient) string {
	if len(list) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\ntell the report's recipients of the correction (report show --recipient N is each one's copy):\n")
	for i, r := range list {
		fmt.Fprintf(&b, "  %d  %s: copy withholds %s\n", i+1, recipientWords(r), withheldWords(r.GetWithheldSections()))
	}
	if correctionWarning(list) == "" {
		b.WriteString("no copy withholds a section: each is given the text corrected\n")
	} else {
		b.WriteString("the correction's text as it stands is not for a recipient whose copy withholds a section: " +
			"see the WARNING on standard error\n")
	}
	return b.String()
}

// withheldWords is the sections a copy withholds, numbered from 1: "nothing", "section 2",
// "sections 2, 5" (decision 319).
func withheldWords(withheld []int32) string {
	if len(withheld) == 0 {
		return "nothing"
	}
	numbers := make([]string, len(withheld))
	for i, x := range withheld {
		numbers[i] = fmt.Sprint(sectionNumber(x))
	}
	if len(numbers) == 1 {
		return "section " + numbers[0]
	}
	return "sections " + strings.Join(numbers, ", ")
}

// correctionWarning warns, when any recipient's copy withholds a section, that the correction's
// text is not to be given as it stands to them: it is one text, not sections, and may be of a
// section their copy withholds (an address, a time); the lead writes them a version without
// what their copy withholds (decision 171 leaves a sectioned addendum as the whole answer;
// decision 319). "" when no copy withholds anything. It names recipients by number only.
func correctionWarning(list []*safeguardingv1.Recipient) string {
	var who []string
	for i, r := range list {
		if len(r.GetWithheldSections()) > 0 {
			who = append(who, fmt.Sprint(i+1))
		}
	}
	if len(who) == 0 {
		return ""
	}
	names := "recipient " + who[0]
	if len(who) > 1 {
		names = "recipients " + strings.Join(who[:len(who)-1], ", ") + " and " + who[len(who)-1]
	}
	return "CORRECTION_NOT_FOR_EVERY_COPY: do not give the correction's text as it stands to " + names +
		": their copy withholds a section, and the correction is one text, not sections, so it may hold what their copy " +
		"withholds (another party's address or contact details, arrival or departure times). Give them a version " +
		"without what their copy withholds, checked against their copy (report show --recipient N), or only that " +
		"their copy was corrected"
}

func (s *safeguardingCommand) close() *cobra.Command {
	var note, outcome string
	cmd := s.concernChange("close", "Close a concern with its outcome (safeguarding lead)", func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&outcome, "outcome", "", "how the concern ended: "+enumNames("CONCERN_OUTCOME_", safeguardingv1.ConcernOutcome_name)+
			" (see --help)")
		cmd.Flags().StringVar(&note, "note", "", "why it is closed, in words (sealed)")
		_ = cmd.MarkFlagRequired("outcome")
		_ = cmd.MarkFlagRequired("note")
		complete(cmd, "outcome", "CONCERN_OUTCOME_", safeguardingv1.ConcernOutcome_name)
	}, func(c safeguardingv1.SafeguardingServiceClient, cmd *cobra.Command, id, request string) (concernAnswer, [][2]string, error) {
		o, err := parseEnum[safeguardingv1.ConcernOutcome]("outcome", outcome, "CONCERN_OUTCOME_", safeguardingv1.ConcernOutcome_value)
		if err != nil {
			return nil, nil, err
		}
		resp, err := c.CloseConcern(cmd.Context(), &safeguardingv1.CloseConcernRequest{RequestId: request, CentreId: s.centre, ConcernId: id,
			Note: note, Outcome: o})
		if err != nil {
			return nil, nil, err
		}
		warnOnStderr(cmd, resp.GetHoldWarning())
		warnOnStderr(cmd, resp.GetReferenceWarning())
		warnOnStderr(cmd, resp.GetTextWarning())
		return resp, [][2]string{{"outcome", friendly("CONCERN_OUTCOME_", resp.GetOutcome().String())}}, nil
	})
	cmd.Long = `close closes a concern with how it ended (--outcome, required) and why (--note, in words, sealed):

  no-further-action              looked into at the centre: nothing more needed doing
  resolved-at-the-centre         dealt with at the centre: words with a parent, the ground rules
                                 restated, the arrangement or the stagger changed
  taken-on-by-agency             referred on: children's services or the police took it on
                                 (investigating, assessing, or it is theirs now)
  agency-took-no-further-action  referred on: the agency looked at it and took no further action

The two outcomes of referral on need the concern escalated first (familytime safeguarding
escalate); a concern escalated may still close with another outcome, the note saying why. The
outcome is recorded with the close, read by the lead in concern show ("concern closed: ..."), and
kept in the family's history; a concern closed before outcomes were recorded reads "outcome not
recorded".

Closing is not refused for an escalation the agency has given no reference for yet: a WARNING
REFERENCE_NOT_GIVEN on standard error names each such escalation's record and the command that adds
its reference when the agency gives it (familytime safeguarding escalate-reference), which a closed
concern still takes. A hold placed for the concern stays in force until lifted (WARNING
HOLD_IN_FORCE). A concern about a family whose personal data was erased is closed with its outcome,
but its note cannot be kept: WARNING TEXT_NOT_KEPT says so (decision 390).`
	cmd.Example = `  familytime safeguarding close $K --centre $C --outcome resolved-at-the-centre \
      --note "Spoke to the father about arriving early; he agreed to the stagger"
  familytime safeguarding close $K --centre $C --outcome taken-on-by-agency --note "Police investigating (CAD 4512/23)"`
	return cmd
}

func (s *safeguardingCommand) move() *cobra.Command {
	var (
		out                     output
		request                 requestID
		family, booking, reason string
		people                  []string
	)
	cmd := &cobra.Command{
		Use:   "move CONCERN_ID",
		Short: "Move a concern raised about the wrong family to the family it is about (safeguarding lead)",
		Long: `move puts right a concern raised about the wrong family of the centre (a volunteer read the next
row of the day sheet): a new concern about the family it is about (--booking, that family's
session's BOOKING as the day sheet prints it, or --family, its whole id) carries its category and
description (as last corrected), on the date it was first raised and by its raiser; the first
concern is closed as moved, and says so on the first family's record with why (--reason, in
words, sealed). The first family's concern counts nowhere after: not in the figures, nor as a
concern on their record when they ask to be erased. The people involved named the other family's,
and are not carried: name the right family's with --person.

Only an open concern nothing was done on is moved: one with an action, an escalation, or a hold
placed for it is refused CONCERN_ACTED_ON (close it saying it was about the wrong family, lift the
hold, and raise the concern on the right family). The description read from the first family's
record stays there too (records are never edited): correct it there if it must not stand
(familytime safeguarding correct). If either family's personal data was erased, the description
cannot be carried: WARNING TEXT_NOT_KEPT says so.`,
		Example: `  familytime safeguarding move $K --centre $C --booking $RIGHT_BOOKING \
      --reason "Raised on the next row of the day sheet: it is about the Blue room family"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := concernSubject(family, booking); err != nil {
				return err
			}
			req := &safeguardingv1.MoveConcernRequest{CentreId: s.centre, ConcernId: args[0], FamilyId: family, BookingId: booking,
				PersonIds: people, Reason: reason}
			var err error
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.MoveConcern(cmd.Context(), req)
				if err != nil {
					return err
				}
				warnOnStderr(cmd, resp.GetTextWarning())
				return printAnswer(cmd, &out, resp, resp, [][2]string{{"concern", resp.GetConcernId()}, {"family", resp.GetFamilyId()},
					{"moved from", resp.GetMovedFromConcernId()}})
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&family, "family", "", "the family the concern is about (its whole id); may be left out when --booking is given")
	f.StringVar(&booking, "booking", "", "that family's session's booking it arose in, as the day sheet's BOOKING prints it; "+
		"--booking alone names the family")
	f.StringSliceVar(&people, "person", nil, "person id(s) of that family involved")
	f.StringVar(&reason, "reason", "", "why it is moved, in words (sealed)")
	_ = cmd.MarkFlagRequired("reason")
	request.register(f)
	out.register(f)
	return cmd
}

func (s *safeguardingCommand) correct() *cobra.Command {
	var (
		out                  output
		request              requestID
		family, text, reason string
	)
	cmd := &cobra.Command{
		Use:   "correct RECORD_ID",
		Short: "Correct a record (its author or the lead); the original stays readable",
		Long: `correct records a correction of a record (its author or the centre's safeguarding lead): a new
record that points at the original, which stays readable. A record is corrected once: to change
it again, correct its correction (ALREADY_CORRECTED names it), so one text stands at the end of
the chain. A report's draft is corrected only once the report is released, and then by the lead
only (REPORT_CHECKED); each recipient's copy then says it was corrected after release, and on
which day, without the correction's text (which could hold what a copy withholds), and the lead
tells each recipient what changed. The answer lists the recipients with the sections each one's
copy withholds; the correction's text as it stands is only for a copy that withholds nothing:
a WARNING CORRECTION_NOT_FOR_EVERY_COPY names the others, who are given a version without what
their copy withholds. Before release it is drafted again (REPORT_NOT_RELEASED: see
familytime safeguarding report --help). The record to correct is the text released, which
familytime safeguarding report show REPORT_ID --purpose ... gives ("to correct it"; the JSON's
correct_record_id): a draft replaced by a later one before the release went to nobody, and is not
corrected (DRAFT_SUPERSEDED, naming the record to correct instead).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return s.correctRecord(cmd, &out, &request, family, args[0], text, reason, "correction", "corrects")
		},
	}
	f := cmd.Flags()
	f.StringVar(&family, "family", "", "the family (UUID)")
	f.StringVar(&text, "text", "", "the corrected text (sealed)")
	f.StringVar(&reason, "reason", "", "why (sealed)")
	for _, r := range []string{"family", "text", "reason"} {
		_ = cmd.MarkFlagRequired(r)
	}
	request.register(f)
	out.register(f)
	return cmd
}

func holdFields(h *safeguardingv1.Hold) [][2]string {
	return [][2]string{{"hold", h.GetHoldId()}, {"family", h.GetFamilyId()}, {"reason", friendly("HOLD_REASON_", h.GetReason().String())},
		{"placed", sgDay(h.GetPlacedOn())}, {"review by", sgDay(h.GetReviewBy())}, {"reviewed", sgDay(h.GetReviewedOn())},
		{"lifted", sgDay(h.GetLiftedOn())},
		{"concern", orNone(h.GetConcernId())}}
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (s *safeguardingCommand) hold() *cobra.Command {
	var (
		out                                     output
		request                                 requestID
		family, reason, reviewBy, note, concern string
	)
	cmd := &cobra.Command{
		Use:   "hold",
		Short: "Place a hold that suspends a family's contact (safeguarding lead); `hold list` lists holds, `hold review` reviews one",
		Long: `hold places a hold on the family at the centre: its contact is suspended until every hold on it is
lifted. Scheduling, hearing of it, cancels the family's bookings whose session has not ended (the
session under way is called off), and while a hold is in force nothing is booked and the door
refuses the family (ON_HOLD). After the hold, standard error says so and lists the bookings it
cancels (date, door times, room, booking), read from scheduling, with the command that lists the
family's bookings (familytime schedule bookings --centre C --family F); when they cannot be read, it
gives that command for the centre's coordinator. A family scheduling has no record of at the centre
(its referral only received) has no booking there: it says the hold cancels none, and gives no
command. Lifting the hold restores none of them.

When another hold on the family is in force already (one for the whole family and one raised from
a concern, say, or another centre's), standard error says so, "WARNING OTHER_HOLD_IN_FORCE:",
naming each by its id, the day it was placed and its concern, with the command that lifts it
(another centre's by its centre alone): lifting this hold does not resume the family's contact
until every hold is lifted. This hold then cancels no booking (the one in force cancelled them).
--json carries them as holds_in_force and hold_warning.`,
		Example: `  familytime safeguarding hold --centre $C --family $F --reason concern-under-investigation --review-by "$(date -d '+14 days' +%F)" --concern $K`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := &safeguardingv1.PlaceHoldRequest{CentreId: s.centre, FamilyId: family, Note: note, ConcernId: concern}
			var err error
			if req.Reason, err = parseEnum[safeguardingv1.HoldReason]("reason", reason, "HOLD_REASON_", safeguardingv1.HoldReason_value); err != nil {
				return err
			}
			if req.ReviewBy, err = sgDate("review-by", reviewBy); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.PlaceHold(cmd.Context(), req)
				if err != nil {
					return err
				}
				warnOnStderr(cmd, resp.GetLeadWarning())
				more, err := inForceJSON(resp)
				if err != nil {
					return err
				}
				if err := printAnswerWith(cmd, &out, resp, resp.GetHold(), holdFields(resp.GetHold()), more...); err != nil {
					return err
				}
				// Another hold in force keeps contact suspended once this one is lifted (decision 360).
				warnOnStderr(cmd, resp.GetHoldWarning())
				// What the hold does to the family's bookings (review 61).
				fmt.Fprintln(escaped(cmd.ErrOrStderr()), s.holdBookingsNote(cmd.Context(), resp.GetHold(), answeredAt(resp), false, false, nil))
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&family, "family", "", "the family (UUID)")
	f.StringVar(&reason, "reason", "", "reason: "+enumNames("HOLD_REASON_", safeguardingv1.HoldReason_name))
	f.StringVar(&reviewBy, "review-by", "", "review the hold by (YYYY-MM-DD, after today and within 3 months)")
	f.StringVar(&note, "note", "", "a note (sealed); required for reason other")
	f.StringVar(&concern, "concern", "", "the concern that led to it (UUID)")
	request.register(f)
	out.register(f)
	complete(cmd, "reason", "HOLD_REASON_", safeguardingv1.HoldReason_name)

	var (
		listOut    output
		listPage   pageFlag
		listFamily string
		lifted     bool
		overdue    bool
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List the centre's holds in force, newest first, with their current review date (--lifted: all; --overdue: those past it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			none := "no holds"
			if overdue {
				none = "no holds overdue for review"
			}
			return s.holdTable(cmd, &listOut, listPage, none, &safeguardingv1.ListHoldsRequest{CentreId: s.centre, FamilyId: listFamily,
				IncludeLifted: lifted, ReviewOverdue: overdue})
		},
	}
	list.Flags().StringVar(&listFamily, "family", "", "only this family's holds")
	list.Flags().BoolVar(&lifted, "lifted", false, "include lifted holds")
	list.Flags().BoolVar(&overdue, "overdue", false, "only holds in force whose review date has passed")
	listPage.register(list.Flags(), "holds")
	listOut.register(list.Flags())
	cmd.AddCommand(list, s.holdReview())
	return cmd
}

// holdReview records a hold's review: it continues, to a new review date (decision 94).
func (s *safeguardingCommand) holdReview() *cobra.Command {
	var (
		out                output
		request            requestID
		family, next, note string
	)
	cmd := &cobra.Command{
		Use:   "review HOLD_ID",
		Short: "Record that a hold in force was reviewed and continues, to a new review date (safeguarding lead)",
		Long: `review records that the centre's safeguarding lead reviewed a hold in force and it continues: contact
stays suspended, bookings stay cancelled, and the hold's review date becomes --next-review-by (after
today and within 3 months), so it leaves the holds overdue for review. --note says why it continues,
in words (sealed; required). A lifted hold is not reviewed; to suspend contact again, place a new
hold. The hold names its family: --family may be left out. Given, it must be the hold's family
(HOLD_OF_ANOTHER_FAMILY otherwise, naming the hold's family; nothing is reviewed). Retrying with the
same --request-id records the review once.`,
		Example: `  familytime safeguarding hold review $HOLD --centre $C --next-review-by "$(date -d '+1 month' +%F)" \
      --note "Police investigation still open; contact stays suspended"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &safeguardingv1.ReviewHoldRequest{CentreId: s.centre, FamilyId: family, HoldId: args[0], Note: note}
			var err error
			if req.NextReviewBy, err = sgDate("next-review-by", next); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.ReviewHold(cmd.Context(), req)
				if err != nil {
					return err
				}
				return printAnswer(cmd, &out, resp, resp.GetHold(), holdFields(resp.GetHold()))
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&family, "family", "", "the family (UUID; optional: the hold names it, and one given must be the hold's)")
	f.StringVar(&next, "next-review-by", "", "review the hold again by (YYYY-MM-DD, after today and within 3 months)")
	f.StringVar(&note, "note", "", "why the hold continues, in words (sealed)")
	for _, name := range []string{"next-review-by", "note"} {
		_ = cmd.MarkFlagRequired(name)
	}
	request.register(f)
	out.register(f)
	return cmd
}

// holdTable lists every page of the holds req asks for.
func (s *safeguardingCommand) holdTable(cmd *cobra.Command, out *output, page pageFlag, none string, req *safeguardingv1.ListHoldsRequest) error {
	return pagedTable(s, cmd, out, page, none, []string{"HOLD", "FAMILY", "REASON", "PLACED", "REVIEW BY", "REVIEWED", "LIFTED"},
		func(c safeguardingv1.SafeguardingServiceClient, size int32, token string) ([]*safeguardingv1.Hold, string, error) {
			req.PageSize, req.PageToken = size, token
			resp, err := c.ListHolds(cmd.Context(), req)
			return resp.GetHolds(), resp.GetNextPageToken(), err
		},
		func(h *safeguardingv1.Hold) []string {
			return []string{h.GetHoldId(), h.GetFamilyId(), friendly("HOLD_REASON_", h.GetReason().String()),
				sgDay(h.GetPlacedOn()), sgDay(h.GetReviewBy()), sgDay(h.GetReviewedOn()), sgDay(h.GetLiftedOn())}
		})
}

func (s *safeguardingCommand) lift() *cobra.Command {
	var (
		out          output
		request      requestID
		family, note string
	)
	cmd := &cobra.Command{
		Use:   "lift HOLD_ID",
		Short: "Lift a hold (safeguarding lead); contact resumes once no hold is in force",
		Long: `lift lifts one of the centre's holds in force, saying why contact may resume (--note, sealed). The
hold names its family: --family may be left out. Given, it must be the hold's family
(HOLD_OF_ANOTHER_FAMILY otherwise, naming the hold's family; nothing is lifted). Contact resumes
once no hold on the family is in force.

When another hold on the family is still in force (one for the whole family and one raised from a
concern, say, or another centre's), standard error says so first, "WARNING HOLD_STILL_IN_FORCE:",
naming each by its id, the day it was placed and its concern (another centre's by its centre
alone): the family's contact stays suspended, nothing booked and the door refusing the family
(ON_HOLD), until every hold is lifted, so do not tell the family contact resumes. --json carries
them as holds_still_in_force and hold_warning.

The bookings the hold cancelled stay cancelled: lifting it restores none (their places may have gone
to another family), and the family must be booked again (familytime schedule book), once no hold
is in force. After the lift, standard error says so and lists the bookings still to come that this
hold cancelled (another hold's are that hold's), to tell both parents these sessions are off, with
the command that lists the family's bookings (familytime schedule bookings --centre C --family F);
when they cannot be read, it gives that command for the centre's coordinator. The lift that leaves
no hold in force, the one that lets contact resume, lists every booking still to come that any of
the holds of the suspension it ends cancelled (each hold placed since the family last had none in
force), an earlier hold's too: the sessions to book again, for the lead to tell the coordinator. A
booking cancelled for a hold lifted before that suspension began is an earlier suspension's, whose
last lift listed it: it is counted, not listed. Only a session not yet begun at the lift is listed
to book again (scheduling books no session that has begun): one under way, which the hold called
off, is counted as lost, for both parents to be told. Once the family's case has ended or its
referral was withdrawn (as scheduling has applied it), no lift lets contact resume: it says so, that
nothing is booked again (CONTACT_ENDED), and lists no session to book again. A family scheduling
has no record of at the centre (its referral only received) has no booking there: the lift says
none of its holds cancelled a booking still to come, and gives no command.`,
		Example: `  familytime safeguarding lift $HOLD --centre $C --note "Looked into with the family: contact may resume"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := request.value()
			if err != nil {
				return err
			}
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.LiftHold(cmd.Context(), &safeguardingv1.LiftHoldRequest{RequestId: id, CentreId: s.centre, FamilyId: family,
					HoldId: args[0], Note: note})
				if err != nil {
					return err
				}
				more, err := stillInForceJSON(resp)
				if err != nil {
					return err
				}
				if err := printAnswerWith(cmd, &out, resp, resp.GetHold(), holdFields(resp.GetHold()), more...); err != nil {
					return err
				}
				// Another hold still in force keeps contact suspended (decision 345).
				warnOnStderr(cmd, resp.GetHoldWarning())
				// The bookings the hold cancelled stay cancelled (review 61).
				fmt.Fprintln(escaped(cmd.ErrOrStderr()), s.holdBookingsNote(cmd.Context(), resp.GetHold(), answeredAt(resp), true,
					len(resp.GetHoldsStillInForce()) > 0, resp.GetSuspensionHoldIds()))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&family, "family", "", "the family (UUID; optional: the hold names it, and one given must be the hold's)")
	cmd.Flags().StringVar(&note, "note", "", "why contact may resume, in words (required; sealed)")
	_ = cmd.MarkFlagRequired("note")
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

func (s *safeguardingCommand) record() *cobra.Command {
	var (
		out             output
		family, purpose string
	)
	cmd := &cobra.Command{
		Use:   "record",
		Short: "Show a family's whole safeguarding record with its corrections (lead; the read is recorded)",
		Long: `record shows the family's risk, then every record at the centre in order, each correction under
the record it corrects. Each record of a concern (raised, alerted, action, escalated, reference,
closed, and their corrections) names the concern it is of: "concern ID: escalated to police"
(--json: concern_id), for familytime safeguarding concern show ID. An assessment whose review date
has passed, by the service's clock, says "(overdue: ...)" after it (--json: risk_review_overdue),
as familytime safeguarding reviews does. A risk before you again for a disclosure of domestic abuse carried to the
family's referral says so under the risk: "a disclosure of domestic abuse was carried to the family
on DATE, after the risk assessment of DATE: assess the risk", and so does one before the lead for a
hold placed or a concern escalated since the last assessment: "hold placed on DATE; concern
escalated on DATE: assess the risk" (--json: steps_since_assessed). Once the family's personal data was
erased, each record that had text says "(text erased with the family's personal data on DATE
(REASON))" (--json: text_erased, and family_erasure), as concern show and report show do.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return s.call(cmd, func(c safeguardingv1.SafeguardingServiceClient) error {
				resp, err := c.GetSafeguardingRecord(cmd.Context(), &safeguardingv1.GetSafeguardingRecordRequest{CentreId: s.centre,
					FamilyId: family, Purpose: purpose})
				if err != nil {
					return err
				}
				if r := resp.GetRisk(); r != nil && !out.json {
					fmt.Fprintf(cmd.OutOrStdout(), "%s\n", recordRiskLine(resp))
					// Steps since the last assessment put the risk before the lead again (review 48).
					if why := riskReviewSteps(&safeguardingv1.RiskReview{StepsSinceAssessed: resp.GetStepsSinceAssessed()}); why != "" {
						fmt.Fprintln(cmd.OutOrStdout(), why)
					}
					fmt.Fprintln(cmd.OutOrStdout())
				}
				return printEntries(cmd.OutOrStdout(), &out, resp, resp.GetRecords(), resp.GetFamilyErasure(), "")
			})
		},
	}
	cmd.Flags().StringVar(&family, "family", "", "the family (UUID)")
	cmd.Flags().StringVar(&purpose, "purpose", "", "why you read it, in words (at least 3 letters or digits, one a letter; recorded)")
	_ = cmd.MarkFlagRequired("family")
	_ = cmd.MarkFlagRequired("purpose")
	out.register(cmd.Flags())
	return cmd
}

func (s *safeguardingCommand) alerts() *cobra.Command {
	var (
		out  output
		page pageFlag
		open bool
	)
	cmd := &cobra.Command{
		Use:   "alerts",
		Short: "The alerts to the centre's safeguarding lead, newest first, then the holds and risk overdue for review",
		Long: `alerts lists the concerns raised at the centre, newest first, with the holds placed and the
escalations made by someone the staff register does not have as the centre's lead that day (a
deputy signed in with the lead's role, a lead whose registration lapsed: such a hold or escalation
is never refused, and the lead is told of it): BY OTHERS names the hold, or says "escalated", with
the role the register gives who did it (with --json: hold_id or escalation_record_id, and
placed_in_role, empty when they were not on the register). A hold of the centre's in force when
another centre's lead checked that a referral there, a possible duplicate of the family, is
another family is alerted too: BY OTHERS says "checked elsewhere" with that centre and referral
(--json: duplicate_checked_at_centre_id, duplicate_checked_referral_id), to question with an
administrator if it may be the family you suspended. So is a domestic-abuse finding the centre's
risk assessment made, still standing, that another centre's lead checked past the same way: BY
OTHERS says "finding of DATE: checked elsewhere" (DATE: the assessment that made it; --json:
duplicate_checked_finding_made_on, no hold_id). CATEGORY is the concern's, or says what
an alert that is no concern's is: "duplicate check" (checked elsewhere) or "hold" (a hold that names
no concern, whose CONCERN is then empty); a concern raised after the family's personal data was
erased says "(family erased: text not kept, take the account from the raiser in person)" after its
category (--json: text_not_kept). CLOSED is the concern closed, the hold lifted, or
the finding cleared; CORRECTED says a concern's record was corrected since the
lead last read it: concern show by the lead clears it. Then (in the table, not with
--json) the holds in force whose review date has passed: a hold suspends a child's contact and is
reviewed by its date (hold list --overdue --json gives them to scripts); and the families whose
risk is due for a look today (reviews --json gives them to scripts).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.concernAlerts(cmd, &out, page, open); err != nil || out.json {
				return err
			}
			if _, err := fmt.Fprintln(cmd.OutOrStdout(), "\nHolds overdue for review:"); err != nil {
				return err
			}
			if err := s.holdTable(cmd, &out, page, "none", &safeguardingv1.ListHoldsRequest{CentreId: s.centre, ReviewOverdue: true}); err != nil {
				return err
			}
			if _, err := fmt.Fprintln(cmd.OutOrStdout(), "\nRisk due for a look today (familytime safeguarding reviews):"); err != nil {
				return err
			}
			return s.riskReviewTable(cmd, &out, page, "none", nil)
		},
	}
	cmd.Flags().BoolVar(&open, "open", false, "only alerts of concerns still open (and their escalations), of holds in force and of findings standing")
	page.register(cmd.Flags(), "alerts")
	out.register(cmd.Flags())
	return cmd
}

// concernAlerts lists the alerts to the lead, newest first: of concerns raised at the centre, and
// of holds placed and escalations made by someone the register does not have as the lead.
func (s *safeguardingCommand) concernAlerts(cmd *cobra.Command, out *output, page pageFlag, open bool) error {
	return pagedTable(s, cmd, out, page, "no alerts", []string{"ALERTED", "CONCERN", "FAMILY", "CATEGORY", "CLOSED", "CORRECTED", "BY OTHERS"},
		func(c safeguardingv1.SafeguardingServiceClient, size int32, token string) ([]*safeguardingv1.Alert, string, error) {
			resp, err := c.ListAlerts(cmd.Context(), &safeguardingv1.ListAlertsRequest{CentreId: s.centre, OpenOnly: open,
				PageSize: size, PageToken: token})
			return resp.GetAlerts(), resp.GetNextPageToken(), err
		},
		func(a *safeguardingv1.Alert) []string {
			return []string{sgDay(a.GetAlertedOn()), alertConcern(a), a.GetFamilyId(), alertCategory(a), fmt.Sprint(a.GetClosed()),
				fmt.Sprint(a.GetCorrected()), byOthers(a)}
		})
}

// alertConcern is an alert's CONCERN: the concern's id; nothing for an alert that names none (a
// hold placed without one, a hold or finding checked elsewhere).
func alertConcern(a *safeguardingv1.Alert) string { return a.GetConcernId() }

// alertCategory is an alert's CATEGORY: what it is in words. A concern's category for a concern's
// alert (and for a hold's or an escalation's that names one); "duplicate check" for a hold or a
// domestic-abuse finding another centre's lead checked past, and "hold" for a hold that names no
// concern, where it said "unspecified" (review 37); a concern raised after the family's personal
// data was erased says its text was not kept (review 38).
func alertCategory(a *safeguardingv1.Alert) string {
	switch {
	case a.GetDuplicateCheckedReferralId() != "":
		return "duplicate check"
	case a.GetConcernId() == "" && a.GetHoldId() != "":
		return "hold"
	}
	category := friendly("CONCERN_CATEGORY_", a.GetCategory().String())
	if a.GetTextNotKept() {
		// Raised after the family's erasure: recorded without its description (review 38).
		category += " (family erased: text not kept, take the account from the raiser in person)"
	}
	return category
}

// byOthers is what an alert says was done by someone the register does not have as the lead: the
// hold placed, or the concern escalated, and the role the register gives them; or by another
// centre's lead: a referral there checked as another family than the one under the hold
// (decision 211), or than the one with the centre's domestic-abuse finding, named by the day it
// was made; "" for a concern's own alert.
func byOthers(a *safeguardingv1.Alert) string {
	if a.GetDuplicateCheckedReferralId() != "" {
		what := "hold " + a.GetHoldId()
		if on := a.GetDuplicateCheckedFindingMadeOn(); on != nil {
			what = "finding of " + sgDay(on)
		}
		return what + ": checked elsewhere as another family (centre " + a.GetDuplicateCheckedAtCentreId() +
			", referral " + a.GetDuplicateCheckedReferralId() + ")"
	}
	role := a.GetPlacedInRole()
	if role == "" {
		role = "not on the register"
	}
	switch {
	case a.GetHoldId() != "":
		return "hold " + a.GetHoldId() + " (" + role + ")"
	case a.GetEscalationRecordId() != "":
		return "escalated (" + role + ")"
	}
	return ""
}

// printConcernState prints what a concern is about and where it stands, before its records: its
// raiser, given only what they raised, learns from it that it was acted on. What it is about is
// the family, the booking it arose in and the people involved, by id as the record names them
// (review 61: the table said "2 people involved" and not which, where --json had them).
func printConcernState(w io.Writer, k *safeguardingv1.Concern) {
	sum := k.GetSummary()
	booking := k.GetBookingId()
	if booking == "" {
		booking = "- (raised outside a session)"
	}
	people := "none named"
	if ids := k.GetPersonIds(); len(ids) > 0 {
		people = strings.Join(ids, ", ")
	}
	fmt.Fprintf(w, "concern %s: %s, raised %s by %s\nfamily: %s\nbooking: %s\npeople involved: %s\nescalated: %s, closed: %s\n\n",
		sum.GetConcernId(), friendly("CONCERN_CATEGORY_", sum.GetCategory().String()), sgDay(sum.GetRaisedOn()), sum.GetRaisedBy(),
		sum.GetFamilyId(), booking, people, yes(sum.GetEscalated()), yes(sum.GetClosed()))
}

// recordRiskLine is the family's risk as its record shows it first (riskLine), its review date
// said to be overdue once it has passed by the service's clock, as the risk reviews say (review
// 61: the record read "review by" a date gone, with nothing to say so).
func recordRiskLine(resp *safeguardingv1.GetSafeguardingRecordResponse) string {
	line := riskLine(resp.GetRisk())
	if !resp.GetRiskReviewOverdue() {
		return line
	}
	first, rest, more := strings.Cut(line, "\n")
	first += " (overdue: assess it again with familytime safeguarding risk)"
	if more {
		first += "\n" + rest
	}
	return first
}

// riskLine is the family's risk as its record shows it first: the rating and review, and, when a
// disclosure carried to the family put it before the lead again, why (review 37: the record said
// "green, review by ..." while the family's contact waited for the lead).
func riskLine(r *safeguardingv1.Risk) string {
	s := fmt.Sprintf("risk: %s (provisional: %t), review by %s", friendly("RISK_RATING_", r.GetRating().String()), r.GetProvisional(),
		sgDay(r.GetNextReviewOn()))
	if why := carriedDisclosure(r); why != "" {
		s += "\n" + why
	}
	if left := expiredInjunctions(r); left != "" {
		s += "\n" + left
	}
	return s
}

// expiredInjunctions says which injunctions the referral lists the provisional screen did not
// count, and why (review 49: an order that had expired was weighed as in force): "not counted as
// an injunction in force: a non-molestation order that expired on D, before the screen of D2 (...)";
// "" when none.
func expiredInjunctions(r *safeguardingv1.Risk) string {
	if len(r.GetExpiredInjunctions()) == 0 || !r.GetProvisional() {
		return ""
	}
	var parts []string
	for _, o := range r.GetExpiredInjunctions() {
		kind := "a non-molestation order"
		if o.GetKind() == safeguardingv1.InjunctionKind_INJUNCTION_KIND_OCCUPATION {
			kind = "an occupation order"
		}
		parts = append(parts, fmt.Sprintf("%s that expired on %s, before the screen of %s", kind, sgDay(o.GetExpiresOn()), sgDay(o.GetScreenedOn())))
	}
	return "not counted as an injunction in force: " + strings.Join(parts, "; ") +
		" (an answer that an injunction is in force still counts: assess the risk with the order in mind)"
}

// carriedDisclosure says why a provisional risk is before the lead for a disclosure of domestic
// abuse carried to the family's referral: "a disclosure of domestic abuse was carried to the
// family on D, after the risk assessment of D2: assess the risk" (without the assessment when the
// risk was never assessed); "" when it is not.
func carriedDisclosure(r *safeguardingv1.Risk) string {
	on := r.GetDisclosureCarriedOn()
	if on == nil || !r.GetProvisional() {
		return ""
	}
	s := "a disclosure of domestic abuse was carried to the family on " + sgDay(on)
	if r.GetAssessedOn() != nil {
		s += ", after the risk assessment of " + sgDay(r.GetAssessedOn())
	}
	return s + ": assess the risk"
}

// printEntries prints records in order, each correction under the record it corrects. A record
// whose text went with the family's personal data says so, when and why (erasure), where it read
// as a record with no text (decision 228, left). A concern's record names its concern ("concern
// ID: escalated to police"), unless it is of shown, the concern the whole answer is: a family's
// record lists several concerns' records together, and nothing said which concern went to the
// police (review 61).
func printEntries(w io.Writer, out *output, whole proto.Message, entries []*safeguardingv1.RecordEntry, erasure *safeguardingv1.FamilyErasure,
	shown string) error {
	if out.json {
		return out.one(w, whole, nil)
	}
	for _, e := range entries {
		by := ""
		if e.GetRecordedBy() != "" { // withheld from a concern's raiser with the rest of the lead's record
			by = "  by " + e.GetRecordedBy()
		}
		fmt.Fprintf(w, "%s  %s  %s%s\n", e.GetRecordedAt().AsTime().Format(time.RFC3339), e.GetRecordId(),
			strings.TrimPrefix(e.GetType(), "familytime.safeguarding.v1."), by)
		if line := entryLine(e, shown); line != "" {
			fmt.Fprintf(w, "    %s\n", line)
		}
		if e.GetText() != "" {
			fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(e.GetText(), "\n", "\n    "))
		} else if e.GetTextErased() {
			fmt.Fprintf(w, "    (%s)\n", erasedText(erasure))
		}
		if e.GetReason() != "" {
			fmt.Fprintf(w, "    reason: %s\n", e.GetReason())
		}
		if ids := e.GetCorrectedByRecordIds(); len(ids) > 0 {
			fmt.Fprintf(w, "    corrected by %s\n", strings.Join(ids, ", "))
		}
	}
	return nil
}

// entryLine is a record's summary line, after the concern it is of when that is not shown.
func entryLine(e *safeguardingv1.RecordEntry, shown string) string {
	k := e.GetConcernId()
	if k == "" || k == shown {
		return e.GetSummary()
	}
	if e.GetSummary() == "" {
		return "concern " + k
	}
	return "concern " + k + ": " + e.GetSummary()
}

// warnOnStderr prints a warning of an answer (NO_LEAD: the centre has no safeguarding lead
// cleared; HOLD_IN_FORCE: a closed concern's hold stays) on standard error, so that it reaches the
// person whatever --json does with standard output.
// concernSubject refuses, before any call, a concern that names neither its family nor its
// booking, and ids that are not whole (review 51: the day sheet's FAMILY column is 8 characters,
// and the service refused it as not a UUID, which told a volunteer at the door nothing). A short
// family id is never looked up: the booking on the same row names the family without a guess.
func concernSubject(family, booking string) error {
	if family == "" && booking == "" {
		return errors.New("give --booking (the day sheet's BOOKING on the family's row, whole) or --family (the family's whole id): " +
			"with --booking alone, the concern is about the booking's family")
	}
	if family != "" {
		if _, err := uuid.Parse(family); err != nil {
			if shortID.MatchString(family) {
				return fmt.Errorf("--family %q is the day sheet's short family id, not the whole: give --booking with the row's BOOKING "+
					"(printed whole) and leave --family out, or the family's whole id (36 characters)", family)
			}
			return fmt.Errorf("--family %q is not a family id: give its whole id (36 characters), or --booking alone", family)
		}
	}
	if booking != "" {
		if _, err := uuid.Parse(booking); err != nil {
			return fmt.Errorf("--booking %q is not a booking id: give it whole, as the day sheet's BOOKING prints it (36 characters)", booking)
		}
	}
	return nil
}

// shortID is an id's first block, as tables print it short (schedule's short).
var shortID = regexp.MustCompile(`^[0-9a-fA-F]{8}$`)

// printRaised prints a raised concern's answer, with the family it is about (the booking's, when
// the booking alone was given), its warnings on standard error: no lead, the text not kept, and
// the raiser's own concern about the same booking or family earlier that day (RAISED_BEFORE).
func printRaised(cmd *cobra.Command, out *output, resp *safeguardingv1.RaiseConcernResponse) error {
	warnOnStderr(cmd, resp.GetLeadWarning())
	warnOnStderr(cmd, resp.GetTextWarning())
	warnOnStderr(cmd, resp.GetRepeatWarning())
	fields := [][2]string{{"concern", resp.GetConcernId()}}
	if resp.GetFamilyId() != "" {
		fields = append(fields, [2]string{"family", resp.GetFamilyId()})
	}
	return printAnswer(cmd, out, resp, resp, fields)
}

func warnOnStderr(cmd *cobra.Command, warning string) {
	if warning != "" {
		fmt.Fprintln(cmd.ErrOrStderr(), "WARNING "+warning)
	}
}
