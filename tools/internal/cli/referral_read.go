package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/inwords"
)

func (r *referralCommand) listCommand() *cobra.Command {
	var (
		out       output
		stateFlag string
		pageSize  int32
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the centre's referrals, newest first (no personal details)",
		Long: `list lists the centre's referrals, newest first, without personal details: each with the date it
arrived, its state, source, kind of contact, screen, how many adults and children, pre-visits done
and its possible duplicates. A self-referral waiting for the second parent's application says how
many days it has waited, by the platform's clock (awaiting second party (23 days); --json:
awaiting_second_party_days); those waiting 28 days or more are named on standard error with what the
coordinator can do: ask the first parent (referral family), withdraw it (referral withdraw --by
--note) or decline it (referral decline --reason no-agreement).`,
		Example: `  familytime referral list --centre $CENTRE
  familytime referral list --centre $CENTRE --state ready-for-contact --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			centre, err := r.centreID()
			if err != nil {
				return err
			}
			st := referralv1.ReferralState_REFERRAL_STATE_UNSPECIFIED
			if stateFlag != "" {
				if st, err = parseEnum[referralv1.ReferralState]("state", stateFlag, "REFERRAL_STATE_", referralv1.ReferralState_value); err != nil {
					return err
				}
			}
			if pageSize < 1 || pageSize > 500 {
				return fmt.Errorf("--page-size must be from 1 to 500, not %d", pageSize)
			}
			var msgs []proto.Message
			var rows [][]string
			var chase []string // self-referrals waiting secondPartyChaseDays or more (decision 344)
			if err := r.call(cmd, func(c referralv1.ReferralServiceClient) error {
				for token, more := "", true; more; more = token != "" {
					resp, err := c.ListReferrals(cmd.Context(), &referralv1.ListReferralsRequest{CentreId: centre, State: st,
						PageSize: pageSize, PageToken: token})
					if err != nil {
						return err
					}
					for _, ref := range resp.GetReferrals() {
						msgs = append(msgs, ref)
						service := serviceName(ref.GetServiceType())
						if service == "-" {
							service = serviceName(ref.GetRequestedServiceType()) + " (asked)"
						}
						state := stateName(ref.GetState())
						if ref.GetState() == referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY {
							// By the service's clock: the platform's may be simulated (decision 344).
							state += " (" + daysText(ref.GetAwaitingSecondPartyDays()) + ")"
							if ref.GetAwaitingSecondPartyDays() >= secondPartyChaseDays {
								chase = append(chase, ref.GetReferralId())
							}
						}
						rows = append(rows, []string{ref.GetReferralId(), dateString(ref.GetReceivedOn()), state,
							friendly("REFERRAL_SOURCE_", ref.GetSource().String()), service, ratingName(ref.GetRating()),
							fmt.Sprint(len(ref.GetAdults())), fmt.Sprint(len(ref.GetChildren())), preVisits(ref.GetAdults()),
							possibleDuplicates(ref)})
					}
					token = resp.GetNextPageToken()
				}
				return nil
			}); err != nil {
				return err
			}
			if len(rows) == 0 && !out.json {
				_, err := fmt.Fprintln(stdout(cmd), "no referrals")
				return err
			}
			if err := out.table(stdout(cmd), msgs, []string{"REFERRAL", "RECEIVED", "STATE", "SOURCE", "SERVICE", "SCREEN", "ADULTS", "CHILDREN",
				"PRE-VISITS", "POSSIBLE DUPLICATE OF"}, rows); err != nil {
				return err
			}
			if note := chaseNote(chase, centre); note != "" {
				// On standard error, as other commands' notes are: the table (or --json) stays as scripts read it.
				fmt.Fprintln(escaped(cmd.ErrOrStderr()), note)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&stateFlag, "state", "", "only referrals in this state: "+enumNames("REFERRAL_STATE_", referralv1.ReferralState_name))
	f.Int32Var(&pageSize, "page-size", 100, "referrals fetched per request (1-500); every page is listed")
	out.register(f)
	complete(cmd, "state", "REFERRAL_STATE_", referralv1.ReferralState_name)
	return cmd
}

// chaseNote is what list says, on standard error, of the self-referrals that have waited
// secondPartyChaseDays or more for the second parent's application (decision 344); empty for none.
func chaseNote(referrals []string, centre string) string {
	if len(referrals) == 0 {
		return ""
	}
	return fmt.Sprintf("waiting %d days or more for the second parent's application: %s: %s", secondPartyChaseDays,
		strings.Join(referrals, ", "), chaseHint("REFERRAL_ID", centre, anyFirstParent))
}

// preVisits counts the adults whose pre-visit is done against those who need one.
func preVisits(adults []*referralv1.PersonSummary) string {
	done, needed := 0, 0
	for _, a := range adults {
		if a.GetPreVisitNeeded() || a.GetPreVisitDone() {
			needed++
		}
		if a.GetPreVisitDone() {
			done++
		}
	}
	return fmt.Sprintf("%d/%d", done, needed)
}

func (r *referralCommand) showCommand() *cobra.Command {
	var out output
	cmd := &cobra.Command{
		Use:   "show REFERRAL_ID",
		Short: "Show one referral: where it stands, its people and children (no personal details)",
		Long: `show prints a referral as staff see it without opening personal details: its state, screen and
arrangement, when contact began and, for supported contact, whether it has run beyond 6 months
(supported contact is short-term) or 12 (exceptional); for an ended case, its outcome and the date
it ended; for a self-referral waiting for the second parent's application, how many days it has
waited by the platform's clock ("waiting for the second parent's application: 23 days"; --json:
awaiting_second_party_days) and, from 28 days, what the coordinator can do: ask the first parent
(referral family gives their contact details), withdraw it (referral withdraw --by --note) or
decline it (referral decline --reason no-agreement); a table of its adults (role, person id, who
may attend, bring or collect, whether contact details were given, the pre-visit) and one of its
children (age band). Names and contact details are opened only by familytime referral family,
which records why.

` + sameAdultHelp,
		Example: `  familytime referral show $REFERRAL --centre $CENTRE
  familytime referral show $REFERRAL --centre $CENTRE --json | jq -r '.adults[] | select(.role == "ADULT_ROLE_RESIDENT_PARENT") | .person_id'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			referral, centre, err := r.target(args)
			if err != nil {
				return err
			}
			var got *referralv1.Referral
			if err := r.call(cmd, func(c referralv1.ReferralServiceClient) error {
				resp, err := c.GetReferral(cmd.Context(), &referralv1.GetReferralRequest{ReferralId: referral, CentreId: centre})
				got = resp.GetReferral()
				return err
			}); err != nil {
				return err
			}
			warnSameAdult(cmd, centre, got)
			return printReferral(stdout(cmd), &out, got)
		},
	}
	out.register(cmd.Flags())
	return cmd
}

func (r *referralCommand) familyCommand() *cobra.Command {
	var (
		out           output
		purpose, forP string
	)
	cmd := &cobra.Command{
		Use:   "family REFERRAL_ID --purpose WHY",
		Short: "Open a family's personal details, for a stated purpose (every opening is recorded)",
		Long: `family opens the personal details of a referral's family: names, contact details, children, court
orders, the reason for referral and the risk notes, and the notes recorded with the case's steps
(screening, pre-visits, reviews, the decision, the ending). These are sealed where they are stored, and
every opening is recorded before anything is shown: who opened them, with which role, when, and
why. --purpose is that why, and is required: say what you need the details for ("phone the
resident parent to book the pre-visit"), as you would to the family, in at least 3 letters or digits, one a letter
("." or "x" records nothing of why, and is refused).

--for PERSON_ID opens only what that adult may be shown, for a letter or an export to them: their
own contact details and never the other parent's (whose address could reveal where they live),
the other adults by name and role only (not their relationship in words, nor their language), and
the children without their needs, which the referrer wrote, often from one parent's side (the
copy says they are held by the centre; --json: childrens_needs_withheld). An empty --for is
refused, not taken as none.

Court orders show when each was made and, where the referral gives it, its last day in force
(EXPIRES ON): "expired on D" once that day has passed by the centre's today as the service
reckons it (--json: expires_on, expired). An expired order is no longer in force. KEEPS FROM
CHILDREN names the adults the order forbids contact with the children (role, person id, name;
--json: keeps_from_children): while it is in force the door is told they may not come, and
refuses them NOT_PERMITTED. An order is linked to an adult by amendment (keeps_from_children:
their person id), before the family is ready for contact (decision 318).

Coordinators and the centre's safeguarding lead may open families; administrators may not.`,
		Example: `  familytime referral family $REFERRAL --centre $CENTRE --purpose "arrange the pre-visits"
  familytime referral family $REFERRAL --centre $CENTRE --purpose "letter confirming the arrangement" --for $FATHER`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			referral, centre, err := r.target(args)
			if err != nil {
				return err
			}
			purpose = strings.TrimSpace(purpose)
			if !inwords.Says(purpose) {
				return fmt.Errorf("--purpose must say why the family's details are opened, in words (at least 3 letters or digits, one a letter): every opening is recorded")
			}
			if n := utf8.RuneCountInString(purpose); n > 500 {
				return fmt.Errorf("--purpose is %d characters; at most 500", n)
			}
			if cmd.Flags().Changed("for") && forP == "" {
				// Review 91: --for "$FATHER" with the variable unset opened the whole family, the
				// other parent's address with it, as if --for were not given.
				return fmt.Errorf("--for is empty: give the person id of the adult the copy is for (from the people table of " +
					"referral show), or leave --for out for the centre's whole view; an empty --for is not taken as none")
			}
			if forP != "" {
				if _, err := uuid.Parse(forP); err != nil {
					return fmt.Errorf("--for %q is not a person id (a UUID, from the people table of referral show)", forP)
				}
			}
			var family *referralv1.Family
			if err := r.call(cmd, func(c referralv1.ReferralServiceClient) error {
				resp, err := c.GetFamily(cmd.Context(), &referralv1.GetFamilyRequest{ReferralId: referral, CentreId: centre,
					Purpose: purpose, ForPersonId: forP})
				family = resp.GetFamily()
				return err
			}); err != nil {
				if r, ok := err.(*refusal); ok && r.status.Code() == codes.NotFound {
					if strings.HasPrefix(r.status.Message(), "person") {
						// Review 85 L1: the referral was right, the --for person not of it.
						r.text += "; --for takes an adult named on this referral (a person id from the people table of " +
							"familytime referral show " + referral + " --centre " + centre + "): a child has no copy of their own, " +
							"and another family's adult is not on this referral"
					} else {
						// Review 73: given the family's id (which history, bookings and the safeguarding
						// record take), it said only "referral not found".
						r.text += "; referral family takes the referral's id, not the family's: a family's referral is the one " +
							"whose family_id it is in familytime referral list --centre " + centre + " --json"
					}
				}
				return err
			}
			if out.json {
				return out.one(stdout(cmd), family, nil)
			}
			return printFamily(stdout(cmd), &out, family, forP)
		},
	}
	f := cmd.Flags()
	f.StringVar(&purpose, "purpose", "", "why you open the details, in words (3-500 characters); recorded with the opening")
	f.StringVar(&forP, "for", "", "only what this adult (person id) may be shown: their own details, not the other party's")
	out.register(f)
	_ = cmd.MarkFlagRequired("purpose")
	return cmd
}

// orderExpiry is a court order's last day in force as family shows it: "-" when none is known,
// and "expired on D" once it has passed by the centre's today, as the service reckons it (review
// 49): an expired order is no longer in force.
func orderExpiry(o *referralv1.CourtOrder) string {
	if o.GetExpired() {
		return "expired on " + dateString(o.GetExpiresOn())
	}
	return dateString(o.GetExpiresOn())
}

// keptFromChildren names the adults a court order keeps from the children (decision 318): each by
// role and person id, with the name the family's adults table shows; an id that table does not
// show (a party's copy) is given by id alone.
func keptFromChildren(f *referralv1.Family, o *referralv1.CourtOrder) string {
	var out []string
	for _, id := range o.GetKeepsFromChildren() {
		i := slices.IndexFunc(f.GetAdults(), func(a *referralv1.Adult) bool { return a.GetPersonId() == id })
		if i < 0 {
			out = append(out, "person "+id)
			continue
		}
		a := f.GetAdults()[i]
		out = append(out, fmt.Sprintf("%s %s (%s)", adultRole(a.GetRole()), id, oneLine(a.GetFullName())))
	}
	return strings.Join(out, "; ")
}

// printSecondApplication prints what a self-referral's second parent said of each child, under
// the children's table whose NEEDS and LANGUAGE are the referral's (decision 337): the two accounts
// side by side, for the coordinator to amend the referral to take in what should be its own.
func printSecondApplication(w io.Writer, f *referralv1.Family) {
	if len(f.GetSecondApplicationChildren()) == 0 {
		return
	}
	fmt.Fprintln(w, "\nThe second parent's application says of the children (kept as theirs: not the referral's needs and language above "+
		"until a coordinator amends the referral to take them in; the door's day sheet is told them meanwhile):")
	for _, c := range f.GetSecondApplicationChildren() {
		name := "child " + c.GetPersonId()
		if i := slices.IndexFunc(f.GetChildren(), func(k *referralv1.Child) bool { return k.GetPersonId() == c.GetPersonId() }); i >= 0 {
			name = fmt.Sprintf("%s (%s)", oneLine(f.GetChildren()[i].GetFullName()), c.GetPersonId())
		}
		var said []string
		if needs := oneLine(c.GetNeeds()); needs != "" {
			said = append(said, "needs (second parent's application): "+needs)
		}
		if lang := oneLine(c.GetLanguage()); lang != "" {
			said = append(said, "language (second parent's application): "+lang)
		}
		fmt.Fprintf(w, "  %s: %s\n", name, strings.Join(said, "; "))
	}
}

// printFamily shows a family's opened details as tables and lines a coordinator reads.
func printFamily(w io.Writer, out *output, f *referralv1.Family, forPerson string) error {
	w = escaped(w)
	fields := [][2]string{{"family", f.GetFamilyId()}, {"referral", f.GetReferralId()}, {"version", strconv.FormatInt(f.GetVersion(), 10)}}
	if forPerson != "" {
		fields = append(fields, [2]string{"view for", forPerson + " (their own details only)"})
	}
	if err := out.one(w, f, fields); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if on := f.GetErasedOn(); on != nil {
		// Blanks and "No notes recorded" would read as details never given and notes never
		// written (review 35): they were, and were erased.
		_, err := fmt.Fprintf(w, "Personal details and notes erased on %s (%s): nothing of the family is left to show.\n",
			dateString(on), strings.ReplaceAll(friendly("ERASURE_REASON_", f.GetErasureReason().String()), "-", " "))
		return err
	}
	adults := make([][]string, len(f.GetAdults()))
	for i, a := range f.GetAdults() {
		c := a.GetContact()
		address := joinGiven(append(append([]string{}, c.GetAddressLines()...), c.GetPostcode())...)
		adults[i] = []string{adultRole(a.GetRole()), a.GetPersonId(), oneLine(a.GetFullName()), yesNo(a.GetParentalResponsibility()),
			yesNo(a.GetMayAttend()), yesNo(a.GetMayBring()), yesNo(a.GetMayCollect()), orDash(oneLine(c.GetPhone())), orDash(oneLine(c.GetEmail())),
			orDash(oneLine(address)), orDash(oneLine(a.GetLanguage()))}
	}
	if err := out.table(w, nil, []string{"ROLE", "PERSON ID", "NAME", "PR", "ATTEND", "BRING", "COLLECT", "PHONE", "EMAIL", "ADDRESS", "LANGUAGE"}, adults); err != nil {
		return err
	}
	fmt.Fprintln(w)
	children := make([][]string, len(f.GetChildren()))
	for i, c := range f.GetChildren() {
		needs := orDash(oneLine(c.GetNeeds()))
		if f.GetChildrensNeedsWithheld() {
			// "-" would read as no needs (review 41: a party's copy printed them).
			needs = "held by the centre"
		}
		children[i] = []string{c.GetPersonId(), oneLine(c.GetFullName()), dateString(c.GetDateOfBirth()), orDash(oneLine(c.GetLanguage())), needs}
	}
	if err := out.table(w, nil, []string{"CHILD ID", "NAME", "BORN", "LANGUAGE", "NEEDS"}, children); err != nil {
		return err
	}
	if f.GetChildrensNeedsWithheld() {
		fmt.Fprintln(w, "\nChildren's needs: held by the centre, not given in a party's copy (the referrer wrote them, often from one parent's side).")
	}
	printSecondApplication(w, f)
	d := f.GetDetails()
	if d == nil {
		return nil
	}
	fmt.Fprintln(w)
	if len(d.GetCourtOrders()) > 0 {
		orders := make([][]string, len(d.GetCourtOrders()))
		for i, o := range d.GetCourtOrders() {
			orders[i] = []string{strings.ReplaceAll(friendly("COURT_ORDER_KIND_", o.GetKind().String()), "-", " "), dateString(o.GetMadeOn()),
				orderExpiry(o), orDash(keptFromChildren(f, o)), orDash(oneLine(o.GetDescription()))}
		}
		if err := out.table(w, nil, []string{"COURT ORDER", "MADE ON", "EXPIRES ON", "KEEPS FROM CHILDREN", "DETAILS"}, orders); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	agencies := make([]string, len(d.GetOtherAgencies()))
	for i, a := range d.GetOtherAgencies() {
		agencies[i] = strings.ReplaceAll(friendly("AGENCY_", a.String()), "-", " ")
	}
	ref := d.GetReferrer()
	referrer := joinGiven(ref.GetName(), ref.GetOrganisation(), ref.GetPhone(), ref.GetEmail())
	if err := out.one(w, f, [][2]string{
		{"reason", orDash(oneLine(d.GetReason()))},
		{"referrer", orDash(oneLine(referrer))},
		{"court involved", yesNo(d.GetCourtInvolved())},
		{"Cafcass involved", yesNo(d.GetCafcassInvolved())},
		{"other agencies", orDash(strings.Join(agencies, ", "))},
		{"agency notes", orDash(oneLine(d.GetAgencyNotes()))},
		{"risks answered yes", riskAnswersText(d.GetRisk(), f.GetApplicationRiskAnswers())},
		{"risk notes", orDash(oneLine(d.GetRiskNotes()))},
		{"children may leave centre", yesNo(d.GetChildrenMayLeaveCentre())},
		{"availability", orDash(oneLine(d.GetAvailability()))},
		{"consent given", yesNo(d.GetConsentGiven())},
	}); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if len(f.GetNotes()) == 0 {
		_, err := fmt.Fprintln(w, "No notes recorded with the case's steps.")
		return err
	}
	notes := make([][]string, len(f.GetNotes()))
	for i, n := range f.GetNotes() {
		notes[i] = []string{dateString(n.GetOn()), caseStep(n.GetStep()), oneLine(n.GetText())}
	}
	return out.table(w, nil, []string{"DATE", "STEP", "NOTE"}, notes)
}

// caseStep names in words the step a case note was recorded with.
func caseStep(eventType string) string {
	switch strings.TrimPrefix(eventType, "familytime.referral.v1.") {
	case "ReferralAmended":
		return "correction"
	case "ScreeningRecorded":
		return "screening"
	case "ReferralDeclined":
		return "declined"
	case "ReferralWithdrawn":
		return "withdrawn"
	case "PreVisitCompleted":
		return "pre-visit"
	case "ReviewHeld":
		return "review"
	case "CaseEnded":
		return "case ended"
	case "CaseEndingCorrected":
		return "case ending corrected"
	case "CaseReopened":
		return "case reopened"
	case "PossibleDuplicateChecked":
		return "lead's check of a possible duplicate"
	case "SameChildConfirmed":
		return "same child confirmed"
	case "SecondPartyApplicationReceived":
		return "second parent's risk notes"
	}
	return eventType
}

// joinGiven joins the parts that are not empty.
func joinGiven(parts ...string) string {
	var given []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			given = append(given, p)
		}
	}
	return strings.Join(given, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (r *referralCommand) reviewsCommand() *cobra.Command {
	var (
		out      output
		dueBy    string
		pageSize int32
	)
	cmd := &cobra.Command{
		Use:   "reviews",
		Short: "List the centre's cases whose review is due, overdue first",
		Long: `reviews lists the centre's cases in contact whose review is due on or before a day (default
the centre's today as the platform's clock has it, not this computer's): supported cases are reviewed within 6 months of their first session and every 6 months
after. The list is soonest first, so a review overdue (its due day passed, by the platform's today,
and not held) comes first, and OVERDUE says by how many days (--json: overdue, overdue_days). Each says when contact began (the first session) and, since supported contact is short-term
(a few sessions up to about 6 months, exceptionally 12), flags a case in contact beyond 6 months
("beyond 6 months: supported contact is short-term") and beyond 12 ("beyond 12 months:
exceptional"), counted to today. Record a review with familytime referral review.`,
		Example: `  familytime referral reviews --centre $CENTRE
  familytime referral reviews --centre $CENTRE --due-by 2025-12-31 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			centre, err := r.centreID()
			if err != nil {
				return err
			}
			by, err := parseDate("due-by", dueBy)
			if err != nil {
				return err
			}
			if pageSize < 1 || pageSize > 500 {
				return fmt.Errorf("--page-size must be from 1 to 500, not %d", pageSize)
			}
			var msgs []proto.Message
			var rows [][]string
			if err := r.call(cmd, func(c referralv1.ReferralServiceClient) error {
				for token, more := "", true; more; more = token != "" {
					resp, err := c.ListReviewsDue(cmd.Context(), &referralv1.ListReviewsDueRequest{CentreId: centre, DueBy: by,
						PageSize: pageSize, PageToken: token})
					if err != nil {
						return err
					}
					for _, rv := range resp.GetReviews() {
						msgs = append(msgs, rv)
						rows = append(rows, reviewRow(rv))
					}
					token = resp.GetNextPageToken()
				}
				return nil
			}); err != nil {
				return err
			}
			if len(rows) == 0 && !out.json {
				day := "today"
				if by != nil {
					day = dateString(by)
				}
				_, err := fmt.Fprintf(stdout(cmd), "no reviews due by %s\n", day)
				return err
			}
			return out.table(stdout(cmd), msgs, []string{"DUE ON", "OVERDUE", "REFERRAL", "FAMILY", "CONTACT BEGAN", "SUPPORTED CONTACT"}, rows)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dueBy, "due-by", "", "reviews due on or before this day, YYYY-MM-DD (default: the centre's today, by the platform's clock)")
	f.Int32Var(&pageSize, "page-size", 100, "reviews fetched per request (1-500); every page is listed")
	out.register(f)
	return cmd
}

// reviewRow is a review due as the reviews table lists it: overdue ones (the service lists them
// first) say by how many days (review 42).
func reviewRow(rv *referralv1.ReviewDue) []string {
	overdue := "-"
	if rv.GetOverdue() {
		overdue = daysText(rv.GetOverdueDays())
	}
	return []string{dateString(rv.GetDueOn()), overdue, rv.GetReferralId(), rv.GetFamilyId(),
		dateString(rv.GetFirstSessionOn()), orDash(supportedTermText(rv.GetSupportedContactTerm()))}
}

// daysText is a count of days in words: "1 day", "184 days".
func daysText(n int32) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// possibleDuplicates is the list's column of the referrals a child on this one may also be on
// (decision 37: a person checks), shortened ids; "-" for none: those flagged on this referral, then
// those at the centre that flagged it (review 49, decision 281). A flag that no longer stands
// (no_longer_stands: review 35) is left out; show says it is recorded and why it no longer stands.
func possibleDuplicates(r *referralv1.Referral) string {
	ids := r.GetPossibleDuplicateOf()
	if ds := r.GetPossibleDuplicates(); len(ds) > 0 {
		ids = nil
		for _, d := range ds {
			if !d.GetNoLongerStands() {
				ids = append(ids, d.GetReferralId())
			}
		}
	}
	for _, d := range r.GetFlaggedAsDuplicateOn() {
		if !d.GetNoLongerStands() && !slices.Contains(ids, d.GetReferralId()) {
			ids = append(ids, d.GetReferralId())
		}
	}
	if len(ids) == 0 {
		return "-"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = short(id)
	}
	return strings.Join(out, ", ")
}
