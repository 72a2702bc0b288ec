package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

func newStaffCommand() *cobra.Command {
	s := &schedule{}
	cmd := &cobra.Command{
		Use:   "staff",
		Short: "A centre's staff register: who works there, their DBS checks and safeguarding training",
		Long: `staff keeps a centre's register of staff and volunteers (scheduling's, decisions.md 82). People are
account ids, as their sign-in token names them, never names: printable ASCII without spaces
(letters, digits and ._@:+-), compared exactly, case included. Staff and volunteers need an enhanced
DBS check before starting and safeguarding training every year: someone is cleared on a day when
they are on the staff that day (their last day counts), DBS-checked on or before it, and trained
on or before it and less than a year before. A supervised session is completed only by its
supervisor, a contact supervisor or safeguarding lead cleared on the session's date, with their
own token (familytime schedule complete). The register is kept by the centre's coordinators who
are on it, cleared that day (NOT_REGISTER_KEEPER otherwise), and an administrator adds the first.
Nobody adds themselves or records their own checks (OWN_REGISTER_ENTRY): another coordinator of
the centre, or an administrator, does it.

Coordinators of the centre and administrators add, check, record leavers and withdraw a last day
recorded ahead (stay); everyone who works at the centre may list, and record their own leaving.
Who is the centre's safeguarding lead is changed by an administrator alone: a coordinator neither
adds a lead nor records the lead's leaving (LEAD_CHANGED_BY_ADMIN); the lead records their own.
Dates are YYYY-MM-DD, the centre's dates, none before 2000-01-01 and none in the future but a last
day, up to 3 months ahead.`,
	}
	s.conn.register(cmd)
	cmd.PersistentFlags().StringVar(&s.centre, "centre", "", "the centre's id (UUID)")
	cmd.AddCommand(s.staffAdd(), s.staffCheck(), s.staffLeave(), s.staffStay(), s.staffList())
	return cmd
}

func (s *schedule) staffAdd() *cobra.Command {
	var (
		out                                   output
		request                               requestID
		account, role, dbs, trained, joinedOn string
	)
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add someone to the centre's staff, with their enhanced DBS check and safeguarding training",
		Long: `add puts someone on the centre's staff in a role, from --joined (default today), with the date of
their enhanced DBS check (required, on or before the day they join) and of their latest
safeguarding training (optional: they are not cleared until it is recorded). Someone already on
the staff is not added again (ALREADY_ON_STAFF); someone who left may be added again from a day
after their last, as a new period on the staff, which starts from the checks on record: a DBS
check or training dated before the last of its kind recorded at the centre is refused, saying
what is on record (as staff check refuses it), and without --trained their latest training
recorded carries into the new period.`,
		Example: `  familytime staff add --centre $CENTRE --account sup-017 --role contact-supervisor \
    --dbs-checked 2025-09-01 --trained 2025-09-15 --joined 2025-10-01
  familytime staff add --centre $CENTRE --account vol-042 --role volunteer --dbs-checked 2026-01-05`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := &schedulingv1.AddStaffMemberRequest{CentreId: s.centre}
			var err error
			if req.AccountId, err = staffAccount(account); err != nil {
				return err
			}
			if req.Role, err = parseEnum[schedulingv1.StaffRole]("role", role, "STAFF_ROLE_", schedulingv1.StaffRole_value); err != nil {
				return err
			}
			if req.DbsCheckedOn, err = scheduleDate("dbs-checked", dbs); err != nil {
				return err
			}
			if req.TrainedOn, err = optionalDate("trained", trained); err != nil {
				return err
			}
			if req.JoinedOn, err = optionalDate("joined", joinedOn); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.AddStaffMember(cmd.Context(), req)
			if err != nil {
				return describe(err)
			}
			return printAnswer(cmd, &out, resp, resp.GetMember(), staffFields(resp.GetMember()))
		},
	}
	f := cmd.Flags()
	f.StringVar(&account, "account", "", "their account id, their sign-in token's subject (never a name): printable ASCII without "+
		"spaces, letters, digits and "+accountChars+", at most 200; case counts")
	f.StringVar(&role, "role", "", "volunteer, contact-supervisor, coordinator or safeguarding-lead")
	f.StringVar(&dbs, "dbs-checked", "", "when their enhanced DBS check was done (YYYY-MM-DD)")
	f.StringVar(&trained, "trained", "", "when they last completed safeguarding training (YYYY-MM-DD); none yet if not given")
	f.StringVar(&joinedOn, "joined", "", "their first day (YYYY-MM-DD); default today")
	for _, r := range []string{"account", "role", "dbs-checked"} {
		_ = cmd.MarkFlagRequired(r)
	}
	request.register(f)
	out.register(f)
	return cmd
}

func (s *schedule) staffCheck() *cobra.Command {
	var (
		out                 output
		request             requestID
		account, check, day string
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Record a member of staff's new enhanced DBS check or safeguarding training",
		Long: `check records a check a member of staff had: a new enhanced DBS check (--check dbs) or their yearly
safeguarding training (--check training), done on --on. A check is recorded once
it is done, and never before one of its kind already recorded: records are not edited.`,
		Example: `  familytime staff check --centre $CENTRE --account sup-017 --check training --on 2026-09-10
  familytime staff check --centre $CENTRE --account vol-042 --check dbs --on 2026-02-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := &schedulingv1.RecordStaffCheckRequest{CentreId: s.centre}
			var err error
			if req.AccountId, err = staffAccount(account); err != nil {
				return err
			}
			if req.Check, err = parseStaffCheck(check); err != nil {
				return err
			}
			if req.CheckedOn, err = scheduleDate("on", day); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.RecordStaffCheck(cmd.Context(), req)
			if err != nil {
				return describe(err)
			}
			return printAnswer(cmd, &out, resp, resp.GetMember(), staffFields(resp.GetMember()))
		},
	}
	f := cmd.Flags()
	f.StringVar(&account, "account", "", "their account id")
	f.StringVar(&check, "check", "", "dbs (an enhanced DBS check) or training (safeguarding training)")
	f.StringVar(&day, "on", "", "when it was done (YYYY-MM-DD)")
	for _, r := range []string{"account", "check", "on"} {
		_ = cmd.MarkFlagRequired(r)
	}
	request.register(f)
	out.register(f)
	return cmd
}

func (s *schedule) staffLeave() *cobra.Command {
	var (
		out          output
		request      requestID
		account, day string
	)
	cmd := &cobra.Command{
		Use:   "leave",
		Short: "Record someone's last day on the centre's staff: past, today, or up to 3 months ahead",
		Long: `leave records a member of staff's last day, --on (default today; at most 3 months ahead, not
before they joined). They are on the staff, and may be cleared, up to and including their last
day. A last day is not before the last day they recorded anything at the centre in scheduling (a
booking, a check-in, an arrival or departure, a completion, a no-show, an offer, a change to the
staff register), which is refused ACTED_AFTER_LEAVING naming that day: give --on that day or
later. Nor is it before a session they supervised (SUPERVISED_AFTER_LEAVING). What they recorded
in referral or safeguarding (a screening, a concern raised) is not checked. A last day still to
come may be recorded again, earlier or later, until it has passed; the same day again changes
nothing. Anyone on the staff records their own leaving, with their own token, today or ahead,
whatever their clearance (training lapsed included), and
may bring their last day forward, to today at the earliest; anyone else's, a last day in the past,
and putting a last day off are for a coordinator of the centre or an administrator
(NOT_REGISTER_KEEPER otherwise), and nobody puts off their own (OWN_REGISTER_ENTRY). The
safeguarding lead's leaving is recorded by the lead or an administrator (LEAD_CHANGED_BY_ADMIN).
A last day ahead that will not happen is withdrawn with familytime staff stay. A contact
supervisor's leaving warns SUPERVISORS_SHORT (on standard error, recorded all the same) of the
days after it with supervised sessions booked that the register then clears too few people to
supervise, at once: record another supervisor by then, or move the sessions.`,
		Example: `  familytime staff leave --centre $CENTRE --account vol-042 --on 2026-03-31
  familytime staff leave --centre $CENTRE --account vol-042   # today is their last day`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := &schedulingv1.RemoveStaffMemberRequest{CentreId: s.centre}
			var err error
			if req.AccountId, err = staffAccount(account); err != nil {
				return err
			}
			if req.LeftOn, err = optionalDate("on", day); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.RemoveStaffMember(cmd.Context(), req)
			if err != nil {
				return describe(err)
			}
			warnOnStderr(cmd, resp.GetLeadWarning())
			warnOnStderr(cmd, resp.GetSupervisorsWarning())
			return printAnswer(cmd, &out, resp, resp.GetMember(), staffFields(resp.GetMember()))
		},
	}
	f := cmd.Flags()
	f.StringVar(&account, "account", "", "their account id")
	f.StringVar(&day, "on", "", "their last day (YYYY-MM-DD); default today; not before the last day they recorded anything at the centre")
	_ = cmd.MarkFlagRequired("account")
	request.register(f)
	out.register(f)
	return cmd
}

func (s *schedule) staffStay() *cobra.Command {
	var (
		out     output
		request requestID
		account string
	)
	cmd := &cobra.Command{
		Use:   "stay",
		Short: "Withdraw someone's last day recorded ahead: they stay on the centre's staff",
		Long: `stay withdraws a member of staff's last day recorded ahead (familytime staff leave --on), before it
has passed (on the day itself too): they stay on the staff as before it was recorded, cleared as
their checks allow, and the checks recorded meanwhile are kept. A last day that has passed stands:
someone who comes back is added again (familytime staff add). With no last day ahead there is
nothing to withdraw (NO_LEAVING_AHEAD). A coordinator of the centre or an administrator does it,
never for themselves (OWN_REGISTER_ENTRY).`,
		Example: `  familytime staff stay --centre $CENTRE --account vol-042`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := &schedulingv1.WithdrawStaffLeavingRequest{CentreId: s.centre}
			var err error
			if req.AccountId, err = staffAccount(account); err != nil {
				return err
			}
			if req.RequestId, err = request.value(); err != nil {
				return err
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.WithdrawStaffLeaving(cmd.Context(), req)
			if err != nil {
				return describe(err)
			}
			return printAnswer(cmd, &out, resp, resp.GetMember(), staffFields(resp.GetMember()))
		},
	}
	f := cmd.Flags()
	f.StringVar(&account, "account", "", "their account id")
	_ = cmd.MarkFlagRequired("account")
	request.register(f)
	out.register(f)
	return cmd
}

func (s *schedule) staffList() *cobra.Command {
	var (
		out         output
		day         string
		includeLeft bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the centre's staff, with whether each is cleared to work on a date and why not",
		Long: `list gives each person on the centre's staff register in their period on the staff covering --on
(default today), cleared or not that day and why not: someone who left and came back is shown as
they were that day (or in their latest period, if none covers it), with their checks as they
stood that day: the latest DBS check and safeguarding training on or before --on, and the
training due date that followed from them (- where none was done by then). Those on the staff that day
are listed though they have left since; others who have left only with --include-left. A long
account id is cut with an ellipsis in the table; --json gives it whole.`,
		Example: `  familytime staff list --centre $CENTRE
  familytime staff list --centre $CENTRE --on 2026-01-10 --include-left`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Unset, the service's today: on a simulated clock it is not this machine's.
			req := &schedulingv1.ListStaffRequest{CentreId: s.centre, IncludeLeft: includeLeft}
			when := "TODAY"
			if day != "" {
				var err error
				if req.On, err = scheduleDate("on", day); err != nil {
					return err
				}
				when = "ON " + day
			}
			c, done, err := s.client(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.ListStaff(cmd.Context(), req)
			if err != nil {
				return describe(err)
			}
			if len(resp.GetMembers()) == 0 && !out.json {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), "no staff")
				return err
			}
			return printStaffTable(cmd.OutOrStdout(), &out, when, resp.GetMembers())
		},
	}
	cmd.Flags().StringVar(&day, "on", "", "the date each member's clearance is given for (YYYY-MM-DD); default today")
	cmd.Flags().BoolVar(&includeLeft, "include-left", false, "those who have left too")
	out.register(cmd.Flags())
	return cmd
}

// staffAccount refuses, before any call, an --account the service would (accountFlag).
func staffAccount(account string) (string, error) {
	if account == "" {
		return "", fmt.Errorf("--account is required: the person's account id, as their sign-in token names them")
	}
	return account, accountFlag("account", account)
}

// accountChars are the characters of an account id besides ASCII letters and digits, as
// scheduling takes them (decisions.md 82).
const accountChars = "._@:+-"

// accountFlag refuses, before any call, an account id the service would: more than 200
// characters, or anything but printable ASCII letters, digits and ._@:+- (a name typed where an
// account id belongs, a look-alike letter or dash, an invisible character).
func accountFlag(flag, account string) error {
	if len(account) > 200 {
		return fmt.Errorf("--%s is %d characters: an account id is at most 200", flag, len(account))
	}
	for _, c := range []byte(account) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(accountChars, c) >= 0) {
			return fmt.Errorf("--%s %q is not an account id as a sign-in token names it (never a name): printable ASCII without spaces, "+
				"letters, digits and %s only", flag, account, accountChars)
		}
	}
	return nil
}

// tableAccountWidth is the most of an account id the staff table shows: a longer one is cut with
// an ellipsis (--json gives it whole).
const tableAccountWidth = 40

// tableAccount is account as the staff table shows it.
func tableAccount(account string) string {
	if len(account) <= tableAccountWidth {
		return account
	}
	return account[:tableAccountWidth-1] + "…"
}

// parseStaffCheck reads --check: dbs or training, or the checks' full names.
func parseStaffCheck(v string) (schedulingv1.StaffCheck, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "dbs":
		return schedulingv1.StaffCheck_STAFF_CHECK_ENHANCED_DBS, nil
	case "training":
		return schedulingv1.StaffCheck_STAFF_CHECK_SAFEGUARDING_TRAINING, nil
	}
	c, err := parseEnum[schedulingv1.StaffCheck]("check", v, "STAFF_CHECK_", schedulingv1.StaffCheck_value)
	if err != nil {
		return 0, fmt.Errorf("--check %q is not dbs or training", v)
	}
	return c, nil
}

// cleared is a member's clearance in words.
func cleared(m *schedulingv1.StaffMember) string {
	if m.GetCleared() {
		return "yes"
	}
	return "no: " + m.GetNotClearedBecause()
}

// staffFields are a member's fields as printStaffMember prints them.
func staffFields(m *schedulingv1.StaffMember) [][2]string {
	return [][2]string{{"account", m.GetAccountId()}, {"role", friendly("STAFF_ROLE_", m.GetRole().String())},
		{"joined", ymd(m.GetJoinedOn())}, {"dbs checked", ymd(m.GetDbsCheckedOn())}, {"trained", ymd(m.GetTrainedOn())},
		{"training due", ymd(m.GetTrainingDueOn())}, {"left", ymd(m.GetLeftOn())}, {"cleared today", cleared(m)}}
}

// printStaffTable prints members, cleared or not when (TODAY, or ON a date).
func printStaffTable(w io.Writer, out *output, when string, members []*schedulingv1.StaffMember) error {
	msgs := make([]proto.Message, len(members))
	rows := make([][]string, len(members))
	for i, m := range members {
		msgs[i] = m
		rows[i] = []string{tableAccount(m.GetAccountId()), friendly("STAFF_ROLE_", m.GetRole().String()), ymd(m.GetJoinedOn()), ymd(m.GetDbsCheckedOn()),
			ymd(m.GetTrainedOn()), ymd(m.GetTrainingDueOn()), ymd(m.GetLeftOn()), cleared(m)}
	}
	return out.table(w, msgs, []string{"ACCOUNT", "ROLE", "JOINED", "DBS CHECKED", "TRAINED", "TRAINING DUE", "LEFT", "CLEARED " + when}, rows)
}
