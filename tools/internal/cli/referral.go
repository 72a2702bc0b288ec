package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	_ "time/tzdata" // the centres' local dates must not depend on the host's zone files
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/text"
)

// referralCommand holds what every referral command shares: the platform to talk to and the
// centre whose casework it is.
type referralCommand struct {
	conn   connection
	centre string
}

func newReferralCommand() *cobra.Command {
	r := &referralCommand{}
	cmd := &cobra.Command{
		Use:   "referral",
		Short: "A family's path at a centre: referrals, screening, decisions, pre-visits, arrangement, reviews, ending",
		Long: `referral works on a centre's referrals through the referral service, along a family's path:

  submit        a referral from a file (JSON or YAML; see docs/referral-example.yaml)
  second-party  the other parent's application to a self-referral, from a file
  amend         replace a referral's details with corrected ones, from a file (a closed
                referral's personal details only, with --reason)
  screen        record the red / amber / green screen
  accept        accept for a kind of contact the centre offers
  waitlist      put the family on the centre's waiting list
  decline       decline, with a reason
  withdraw      record that the referral was withdrawn
  previsit      record one adult's pre-visit and signing of the ground rules
  arrangement   record the agreed arrangement (service, frequency, length, stagger)
  change-arrangement
                change it once the family is ready for contact (new bookings only)
  review        record a review of a case in contact, with a note of what was decided
  end           end a case with its outcome
  list, show    a centre's referrals, one referral (no personal details)
  family        open a family's personal details, for a stated purpose (recorded)
  reviews       the cases whose review is due, when their contact began, and supported
                contact running beyond 6 or 12 months
  erase         erase a family's personal data for good, once its case is closed (administrators)
  standing      where a referral you submitted stands (its referrer, with a referrer's token)

Every command names the centre (--centre): the services check it against the centres your token
is for. Casework is a coordinator's: administrators see summaries only and cannot open families
(they alone erase one), so with familytime dev use a coordinator's token for the centre, for an
account on its staff register (familytime staff list --centre <centre id>; on the demo,
sim-coordinator-NNN, NNN the centre's number in its name):

  export FAMILYTIME_TOKEN="$(familytime token --role coordinator --centre <centre id> --subject <account>)"`,
		Example: `  familytime referral submit --centre $CENTRE --file docs/referral-example.yaml
  familytime referral screen $REFERRAL --centre $CENTRE --rating amber
  familytime referral show $REFERRAL --centre $CENTRE`,
	}
	r.conn.register(cmd)
	cmd.PersistentFlags().StringVar(&r.centre, "centre", "", "the centre (its id) whose referrals these are; your token must be for it")
	_ = cmd.MarkPersistentFlagRequired("centre")
	cmd.AddCommand(
		r.submitCommand(), r.secondPartyCommand(), r.amendCommand(),
		r.screenCommand(), r.acceptCommand(), r.waitlistCommand(), r.checkDuplicateCommand(), r.sameChildCommand(), r.declineCommand(), r.withdrawCommand(),
		r.previsitCommand(), r.arrangementCommand(), r.changeArrangementCommand(), r.reviewCommand(), r.endCommand(), r.correctEndingCommand(), r.reopenCommand(),
		r.listCommand(), r.showCommand(), r.familyCommand(), r.reviewsCommand(), r.eraseCommand(), r.standingCommand(),
	)
	for _, sub := range cmd.Commands() {
		run := sub.RunE
		sub.RunE = func(cmd *cobra.Command, args []string) error { return printableError(run(cmd, args)) }
	}
	return cmd
}

// centreID is the --centre flag, checked to be an id before anything is sent.
func (r *referralCommand) centreID() (string, error) {
	if _, err := uuid.Parse(r.centre); err != nil {
		return "", fmt.Errorf("--centre %q is not a centre id (a UUID)", r.centre)
	}
	return r.centre, nil
}

// target is the centre and the referral a command names, both checked before anything is sent.
func (r *referralCommand) target(args []string) (referral, centre string, err error) {
	if centre, err = r.centreID(); err != nil {
		return "", "", err
	}
	if _, err := uuid.Parse(args[0]); err != nil {
		// A day sheet's or a table's short id is the likeliest mistake (review 51): say where the
		// whole one is.
		return "", "", fmt.Errorf("referral id %q is not a UUID: give the whole id, 36 characters, as familytime referral list --centre C "+
			"prints it", args[0])
	}
	return args[0], centre, nil
}

// call dials the referral service and runs one call with its client.
func (r *referralCommand) call(cmd *cobra.Command, do func(referralv1.ReferralServiceClient) error) error {
	cc, err := dial(&r.conn, "referral")
	if err != nil {
		return err
	}
	defer cc.Close()
	if err := do(referralv1.NewReferralServiceClient(cc)); err != nil {
		return r.describe(err)
	}
	return nil
}

// describe explains a refusal; a permission refusal's hint, on what the caller's role does or
// the token that works, is every command's (refusalHint).
func (r *referralCommand) describe(err error) error {
	if _, ok := status.FromError(err); !ok {
		return err
	}
	return describe(err)
}

// referrer reports whether the token the command sends holds the referrer's role alone, at every
// centre it names: a solicitor's, Cafcass's or a parent's. The token's body is read, not verified,
// only to word a refusal; the services verify it.
func (r *referralCommand) referrer() bool {
	_, token, err := r.conn.resolve("referral")
	if err != nil {
		return false
	}
	return referrerToken(token)
}

// reasonOf is the reason a service gave for refusing a call (its ErrorInfo); empty for anything
// else.
func reasonOf(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

// mutation runs a command that changes a referral and prints the referral it answers with.
func (r *referralCommand) mutation(cmd *cobra.Command, out *output, do func(referralv1.ReferralServiceClient) (*referralv1.Referral, error)) error {
	var got *referralv1.Referral
	if err := r.call(cmd, func(c referralv1.ReferralServiceClient) error {
		var err error
		got, err = do(c)
		return err
	}); err != nil {
		return err
	}
	if note := replayNote(got); note != "" {
		fmt.Fprintln(escaped(cmd.ErrOrStderr()), note)
	}
	return printReferral(stdout(cmd), out, got)
}

// replayNote is what the CLI says, on standard error, of an answer that is a retry's (the same
// --request-id): the outcome recorded the first time, and when, not the referral as it stands
// now; "" for a first answer. The referral's own read is pointed at where the caller may read it
// (a referrer's answer names no centre, and a referrer reads no referral).
func replayNote(r *referralv1.Referral) string {
	if !r.GetReplayed() {
		return ""
	}
	note := alreadyRecorded(r.GetAnsweredAt())
	if r.GetCentreId() != "" {
		note += ", not the referral as it stands now (familytime referral show " + r.GetReferralId() + " --centre " + r.GetCentreId() + ")"
	}
	return note
}

// warnComeOfAge warns, on standard error, that every child on the referral comes of age for
// contact on a day within the weeks a referral takes to reach a session (decision 416): the
// referral was recorded all the same.
func warnComeOfAge(cmd *cobra.Command, on *commonv1.Date, referral, centre string) {
	if on == nil {
		return
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "warning: every child on the referral is 18 for contact from %s (sessions count a child as 18 "+
		"from the first day of the month of their 18th birthday): from that day the family can be neither accepted nor "+
		"waitlisted, and no session booked. Screen and decide it before then, or tell the referrer; if that day has come, the "+
		"family cannot be taken into contact at all: decline the referral, saying so (familytime referral decline %s --centre %s "+
		"--reason other --note \"the child is 18\"%s), or the referrer withdraws it\n", dateString(on), referral, centre, dataFlag(cmd))
}

// warnAccreditation warns, on standard error, that the directory says the centre's accreditation
// ran out on a day with no renewal recorded: the service took the command all the same. It names
// the command that records the renewal or the lapse (review 59: it named none, and there was none).
func warnAccreditation(cmd *cobra.Command, centre string, ranOut *commonv1.Date) {
	if ranOut == nil {
		return
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "warning: the directory says the centre's accreditation ran out on %s (three years after it "+
		"began) and records no renewal; ask the national administrator to record its accreditation in the directory: "+
		"renewed (familytime centre update %s --status accredited --accredited-on <the renewal's first day>) or lapsed (--status lapsed)\n",
		dateString(ranOut), centre)
}

// printReferral shows a referral: its facts, then its people and children as tables; or, with
// --json, the Referral message.
func printReferral(w io.Writer, out *output, r *referralv1.Referral) error {
	w = escaped(w)
	if out.json {
		return out.one(w, r, nil)
	}
	if err := out.one(w, r, referralFields(r)); err != nil {
		return err
	}
	if r.GetCentreId() == "" {
		// A referrer's answer, or a second parent's (decision 97): empty tables of people and
		// children would read as "no one recorded" (review 39).
		_, err := fmt.Fprintln(w, "\nA referrer is answered the referral's id and state only: who is on it, and what the centre decides,\n"+
			"are the centre's. The centre's coordinator answers questions about the referral.")
		return err
	}
	fmt.Fprintln(w)
	if err := out.table(w, nil, []string{"ROLE", "PERSON ID", "ATTEND", "BRING", "COLLECT", "CONTACT GIVEN", "PRE-VISIT"}, peopleRows(r.GetAdults())); err != nil {
		return err
	}
	fmt.Fprintln(w)
	rows := make([][]string, len(r.GetChildren()))
	for i, c := range r.GetChildren() {
		born := fmt.Sprintf("%04d-%02d", c.GetBirthYear(), c.GetBirthMonth())
		if c.GetBirthMonth() == 0 {
			born = "-" // erased with the family's personal details (decision 194)
		}
		rows[i] = []string{c.GetPersonId(), born, strings.ReplaceAll(friendly("AGE_BAND_", c.GetAgeBand().String()), "-", " ")}
	}
	return out.table(w, nil, []string{"CHILD ID", "BORN", "AGE BAND"}, rows)
}

func referralFields(r *referralv1.Referral) [][2]string {
	if r.GetCentreId() == "" {
		// A second parent's answer (decision 97): the referral's id and state only; a summary's
		// other fields would print as blanks and "no" that mean nothing.
		return [][2]string{{"referral", r.GetReferralId()}, {"state", stateName(r.GetState())}}
	}
	dupes := "-"
	if len(r.GetPossibleDuplicateOf()) > 0 {
		dupes = strings.Join(r.GetPossibleDuplicateOf(), ", ")
	}
	if ds := r.GetPossibleDuplicates(); len(ds) > 0 {
		words := make([]string, len(ds))
		for i, d := range ds {
			words[i] = d.GetReferralId() + " (" + duplicateMatchWords(r, d)
			if on := d.GetCheckedNotTheFamilyOn(); on != nil {
				words[i] += "; the safeguarding lead checked on " + dateString(on) + " that it is another family"
			}
			if on := d.GetEndedForSafetyOn(); on != nil {
				// It stands while it does, at every centre, until the lead weighs it (decision 347).
				words[i] += "; its case ended for safety on " + dateString(on)
				if d.GetAtAnotherCentre() {
					words[i] += " at another centre"
				}
				if weighed := d.GetSafetyEndingWeighedOn(); weighed != nil {
					words[i] += ", which the safeguarding lead weighed on " + dateString(weighed)
				} else {
					words[i] += ": the safeguarding lead weighs it before the family is accepted or waitlisted (referral check-duplicate)"
				}
			}
			if on := d.GetConfirmedSameChildOn(); on != nil {
				// The figures count the two children as one (decision 260).
				words[i] += "; confirmed on " + dateString(on) + " as the same child (" + strings.Join(d.GetSameChildPersonIds(), ", ") +
					" on this referral): counted once in the national figures"
			}
			switch {
			case d.GetNoLongerStands() && d.GetOtherFamilyErased():
				words[i] += "; no longer stands: nothing of an erased family is matched any more"
			case d.GetNoLongerStands():
				// Kept on the record, but what made it a possible duplicate is gone (decision 173;
				// review 35 was still told of another centre's erased family).
				words[i] += "; no longer stands: no safeguarding hold, domestic-abuse finding or disclosure stands on it now, " +
					"and it is not open at this centre"
			}
			words[i] += ")"
		}
		dupes = strings.Join(words, ", ")
	}
	fields := [][2]string{
		{"referral", r.GetReferralId()},
		{"family", r.GetFamilyId()},
		{"centre", r.GetCentreId()},
		{"state", stateName(r.GetState())},
		{"source", friendly("REFERRAL_SOURCE_", r.GetSource().String())},
		{"service asked for", serviceName(r.GetRequestedServiceType())},
		{"service accepted for", serviceName(r.GetServiceType())},
		{"received on", dateString(r.GetReceivedOn())},
		{"screening", ratingName(r.GetRating())},
		{"domestic abuse finding", findingText(r)},
		{"arrangement", arrangementText(r.GetArrangement())},
		{"contact began on", dateString(r.GetFirstSessionOn())},
		{"review due on", reviewDueText(r)},
		{"possible duplicate of", dupes},
	}
	if waited := awaitingText(r); waited != "" {
		// Counted by the service's clock: the platform's may be simulated (decision 344).
		fields = append(fields, [2]string{"waiting for the second parent's application", waited})
	}
	if on := flaggedOnText(r); on != "" {
		// The flag is recorded on the other referral; this case's coordinator is told of it too
		// (review 49, decision 281).
		fields = append(fields, [2]string{"flagged as a possible duplicate on", on})
	}
	if back := retractionsText(r); back != "" {
		// A "no" that takes nothing back, as with domestic abuse (decision 338).
		fields = append(fields, [2]string{"risk answers taken back", back})
	}
	if m := r.GetSecondApplicantMatches(); len(m) > 0 {
		// The applicant was not told (decision 192); the coordinator checks before screening.
		var names []string
		for _, d := range m {
			names = append(names, strings.ReplaceAll(friendly("APPLICANT_DETAIL_", d.String()), "-", " "))
		}
		matched := strings.Join(names, ", ") + ": check with each parent that the two applicants are two people before screening (--applicants-checked)"
		if r.GetSecondApplicantChecked() {
			matched = strings.Join(names, ", ") + " (checked at screening: two people)"
		}
		fields = append(fields, [2]string{"second applicant matches the first's", matched})
	}
	if r.GetVersion() > 0 {
		// A referrer is not answered the version (decision 97).
		fields = append(fields, [2]string{"version", fmt.Sprint(r.GetVersion())})
	}
	if term := supportedTermText(r.GetSupportedContactTerm()); term != "" {
		// Said only of a case of supported contact in contact: supported contact is short-term.
		fields = append(fields, [2]string{"supported contact", term})
	}
	if r.GetState() == referralv1.ReferralState_REFERRAL_STATE_ENDED {
		// Said only of an ended case, as history says it (decision 168): how it ended and when.
		fields = append(fields, [2]string{"outcome", outcomeName(r.GetOutcome())}, [2]string{"ended on", dateString(r.GetEndedOn())})
	}
	if r.GetPlaceReleasedOn() != nil {
		// The case stays open after two no-shows: the coordinator decides what comes next
		// (decision 170), and is told here, not only in the history (review 23).
		released := dateString(r.GetPlaceReleasedOn())
		switch {
		case r.GetAttendedSinceReleaseOn() != nil:
			// Booked again and came: the release is past, and the coordinator is not told to act on
			// it, nor to end the case with an outcome that no longer fits (decision 178).
			released += " (past: the family attended a session on " + dateString(r.GetAttendedSinceReleaseOn()) + ")"
		case r.GetState() != referralv1.ReferralState_REFERRAL_STATE_ENDED:
			released += ": book the family again, put it back on the waiting list, or end the case (--outcome place-released)"
		}
		fields = append(fields, [2]string{"place released on", released})
	}
	if r.GetErasedOn() != nil {
		// Said only of an erased family: every other referral's summary reads as it did.
		fields = append(fields, [2]string{"personal data erased on", dateString(r.GetErasedOn())})
	}
	return fields
}

// peopleRows are the adults of a referral as a coordinator reads them: who may do what, and
// whether their pre-visit is done.
func peopleRows(adults []*referralv1.PersonSummary) [][]string {
	rows := make([][]string, len(adults))
	for i, a := range adults {
		visit := "not needed"
		switch {
		case a.GetPreVisitDone():
			visit = "done"
		case a.GetPreVisitNeeded():
			visit = "needed"
		}
		rows[i] = []string{adultRole(a.GetRole()), a.GetPersonId(), yesNo(a.GetMayAttend()), yesNo(a.GetMayBring()),
			yesNo(a.GetMayCollect()), yesNo(a.GetContactDetailsGiven()), visit}
	}
	return rows
}

// outcomeName is a case's outcome in the words of `referral end --outcome`; "-" when the
// summary does not say.
func outcomeName(o referralv1.CaseOutcome) string {
	if o == referralv1.CaseOutcome_CASE_OUTCOME_UNSPECIFIED {
		return "-"
	}
	return friendly("CASE_OUTCOME_", o.String())
}

func stateName(s referralv1.ReferralState) string {
	return strings.ReplaceAll(friendly("REFERRAL_STATE_", s.String()), "-", " ")
}

func adultRole(r referralv1.AdultRole) string {
	return strings.Replace(strings.ReplaceAll(friendly("ADULT_ROLE_", r.String()), "-", " "), "non resident", "non-resident", 1)
}

func ratingName(r referralv1.RiskRating) string {
	if r == referralv1.RiskRating_RISK_RATING_UNSPECIFIED {
		return "not screened"
	}
	return friendly("RISK_RATING_", r.String())
}

func serviceName(s commonv1.ServiceType) string {
	if s == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
		return "-"
	}
	return friendly("SERVICE_TYPE_", s.String())
}

func arrangementText(a *referralv1.Arrangement) string {
	if a == nil {
		return "not agreed"
	}
	return fmt.Sprintf("%s, %s, %d minutes; visiting parent arrives %d min before, leaves %d min after",
		serviceName(a.GetServiceType()), friendly("CONTACT_FREQUENCY_", a.GetFrequency().String()), a.GetSessionMinutes(),
		a.GetStagger().GetArrivalMinutes(), a.GetStagger().GetDepartureMinutes())
}

// supportedTermText says how long supported contact has run against the short-term guidance (a
// few sessions up to about 6 months, exceptionally 12); empty when the case is not supported
// contact in contact.
// reviewDueText is when the case's next review is due, and whether it is overdue by the platform's
// today (review 42: one missed months before read as merely due).
func reviewDueText(r *referralv1.Referral) string {
	due := dateString(r.GetReviewDueOn())
	if r.GetReviewOverdue() {
		due += " (overdue: " + daysText(r.GetReviewOverdueDays()) + ")"
	}
	return due
}

// secondPartyChaseDays is how long a self-referral waits for the second parent's application
// before show and list say what the coordinator can do about it (decision 344). Nothing in the
// domain or the decisions before set a figure: four weeks gives the other parent a month's
// letters and calls, and a family left waiting longer is not being helped.
const secondPartyChaseDays = 28

// awaitingText is how long a self-referral has waited for the second parent's application, by the
// service's clock (awaiting_second_party_days; the platform's may be simulated, so the CLI does
// not count from its own), with, from secondPartyChaseDays on, what the coordinator can do; empty
// in any other state, and for a referrer's answer, which names no centre.
func awaitingText(r *referralv1.Referral) string {
	if r.GetState() != referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY || r.GetCentreId() == "" {
		return ""
	}
	text := daysText(r.GetAwaitingSecondPartyDays())
	if r.GetAwaitingSecondPartyDays() >= secondPartyChaseDays {
		text += fmt.Sprintf(" (%d or more): ", secondPartyChaseDays) + chaseHint(r.GetReferralId(), r.GetCentreId(), firstParent(r))
	}
	return text
}

// anyFirstParent is chaseHint's --by when the referral, and so the parent who applied, is not
// one (list's note names several).
const anyFirstParent = "resident-parent|non-resident-parent"

// firstParent is the --by of the parent who applied to a self-referral still waiting for the
// other (the one parent it names), or anyFirstParent if it names neither.
func firstParent(r *referralv1.Referral) string {
	for _, a := range r.GetAdults() {
		switch a.GetRole() {
		case referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT:
			return "resident-parent"
		case referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT:
			return "non-resident-parent"
		}
	}
	return anyFirstParent
}

// chaseHint is what a coordinator can do about a self-referral that has waited
// secondPartyChaseDays or more, with the commands that do it. A withdrawal is the first parent's,
// by, the parent who applied: the other never applied, and the service refuses it as theirs
// (review 65 finding 6, decision 353).
func chaseHint(referral, centre, by string) string {
	who := "the first parent"
	switch by {
	case "resident-parent":
		who = "the first parent (the resident parent, who applied)"
	case "non-resident-parent":
		who = "the first parent (the non-resident parent, who applied)"
	}
	return fmt.Sprintf("ask %s whether the other parent will apply (familytime referral family %s --centre %s "+
		"--purpose WHY gives their contact details); if the first parent is not going ahead, withdraw it as their withdrawal, "+
		"saying why (familytime referral withdraw %s --centre %s --by %s --note WHY), or, if the other parent does not respond, "+
		"decline it (familytime referral decline %s --centre %s --reason no-agreement)",
		who, referral, centre, referral, centre, by, referral, centre)
}

func supportedTermText(t referralv1.SupportedContactTerm) string {
	switch t {
	case referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_WITHIN_SIX_MONTHS:
		return "within 6 months"
	case referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_SIX_MONTHS:
		return "beyond 6 months: supported contact is short-term"
	case referralv1.SupportedContactTerm_SUPPORTED_CONTACT_TERM_BEYOND_TWELVE_MONTHS:
		return "beyond 12 months: exceptional"
	}
	return ""
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// findingText says whether domestic abuse is found, and that safeguarding's risk assessment (a
// coordinator's or the lead's), not the screening, decides it when it does.
//
// A disclosure later answered "no" is said as well, whatever the finding: it stands for the lead
// to weigh (decision 191); so is one on another referral of the child, earlier or later (decision 194).
// Once the lead has weighed it, it says so (review 43: "for the lead to weigh" stayed after the
// lead's screen or assessment, decision 256).
func findingText(r *referralv1.Referral) string {
	var text string
	weighed := r.GetDisclosureWeighed()
	switch {
	case r.GetLeadAssessedOn() != nil:
		text = yesNo(r.GetDomesticAbuseFinding()) + " (safeguarding's risk assessment of " + dateString(r.GetLeadAssessedOn()) + ")"
	case !r.GetDomesticAbuseFinding() && r.GetRiskAnswersDiscloseDomesticAbuse():
		if weighed {
			// Weighed with no finding and no assessment: the lead's screen recorded none.
			return "no (the safeguarding lead's screen), though the risk answers disclose domestic abuse"
		}
		// Not screened yet, or screened without it by the lead: the answers still say it.
		return "no finding recorded, but the risk answers disclose domestic abuse " + whoWeighs(r)
	case !r.GetDomesticAbuseFinding() && (r.GetDomesticAbuseDisclosedOn() != nil || r.GetDomesticAbuseDisclosedEarlier()):
		if weighed {
			text = "no (the safeguarding lead's screen)"
		} else {
			text = "no finding recorded " + whoWeighs(r)
		}
	default:
		text = yesNo(r.GetDomesticAbuseFinding())
	}
	standing := ": for the lead to weigh"
	if weighed {
		standing = ": weighed by the safeguarding lead"
	}
	if on := r.GetDomesticAbuseDisclosedOn(); on != nil && !r.GetRiskAnswersDiscloseDomesticAbuse() {
		text += "; domestic abuse disclosed on " + dateString(on) + ", later answered no" + standing
	}
	if r.GetDomesticAbuseDisclosedEarlier() {
		// Neither that referral's family nor its centre: it may be another centre's (decision 194).
		// "Another", not "an earlier": an amendment matches the child to a referral made since
		// (review 37).
		text += "; domestic abuse disclosed on another referral of this child" + standing
	}
	return text
}

// retractionsText says each risk answer besides domestic abuse (an abduction risk, an injunction,
// substance misuse) that was answered yes on the referral and no since, with when, and whether the
// lead has weighed it: until then only the lead screens the referral, and after an abduction risk
// the children may not leave the centre (decision 338). Empty when there is none.
func retractionsText(r *referralv1.Referral) string {
	var out []string
	for _, x := range r.GetRiskRetractions() {
		text := riskQuestionName(x.GetQuestion()) + " disclosed on " + dateString(x.GetDisclosedOn()) + ", answered no on " +
			dateString(x.GetRetractedOn())
		if x.GetWeighed() {
			text += ": weighed by the safeguarding lead"
		} else {
			text += ": for the lead to weigh (only the safeguarding lead screens the referral, with a note)"
		}
		out = append(out, text)
	}
	return strings.Join(out, "; ")
}

// riskQuestionName is a risk question in words: "abduction risk", "substance misuse".
func riskQuestionName(q referralv1.RiskQuestion) string {
	return strings.ReplaceAll(friendly("RISK_QUESTION_", q.String()), "-", " ")
}

// whoWeighs says, beside a disclosure with no finding recorded, who weighs it and how from where the
// referral stands: the lead's screen while it may be screened; past screening (accepted, ready,
// closed: a disclosure carried by a corrected date of birth, decision 187) a screen is refused, and
// the lead weighs it by a risk assessment in safeguarding, which stands over the screening
// (review 28, decision 197).
func whoWeighs(r *referralv1.Referral) string {
	switch r.GetState() {
	case referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY, referralv1.ReferralState_REFERRAL_STATE_RECEIVED,
		referralv1.ReferralState_REFERRAL_STATE_SCREENED:
		return "(only the safeguarding lead screens it without a finding)"
	}
	return "(past screening: the safeguarding lead weighs it by a risk assessment, familytime safeguarding risk --family " +
		orDash(r.GetFamilyId()) + ")"
}

func dateString(d *commonv1.Date) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}

// parseDate reads a YYYY-MM-DD flag. Empty is no date (nil): the service takes the centre's today
// by its own clock. The workstation's date is another day on a simulated platform (familytime dev
// --clock simulated) and, near midnight, in another time zone.
func parseDate(flag, value string) (*commonv1.Date, error) {
	if value == "" {
		return nil, nil
	}
	return dateFlag(flag, value)
}

// london is the zone of the centres' local dates (the services use it too).
var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC // unreachable: time/tzdata is linked in
	}
	return l
}()

// oneLine keeps free text on one table line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Personal details come from whoever filled in a referral: the service refuses control characters
// in them now (decisions.md 77), but a record made before, or a server that does not, must never
// reach the coordinator's terminal raw. Everything the familytime commands print goes through
// escaping (the root command's PersistentPreRun; the referral commands also wrap their own
// writer), and their errors through printableError.

// printable escapes what a terminal acts on, or what hides or reorders text, instead of showing
// it: what platform's text check refuses to store (control characters, the marks that reorder
// text, zero-width and other invisible formatting characters; decisions.md 77 and 91) as \u
// escapes, which JSON reads back as the same characters; invalid UTF-8 as \x escapes. A line
// break is kept only when breaks is true (the lines of a table, of JSON).
func printable(s string, breaks bool) string {
	if strings.IndexFunc(s, func(r rune) bool { return hidden(r, breaks) }) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], string(utf8.RuneError)):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case hidden(r, breaks) && r > 0xffff: // a tag character: JSON's \u takes a UTF-16 surrogate pair
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
		case hidden(r, breaks):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hidden reports whether a terminal would act on the character, or show something other than
// what is stored, rather than show it.
func hidden(r rune, breaks bool) bool {
	if r == '\n' {
		return !breaks
	}
	return text.Refused(r, text.Line)
}

// stdout is where a referral command prints: the command's output, escaped.
func stdout(cmd *cobra.Command) io.Writer { return escaped(cmd.OutOrStdout()) }

// escaped is w, escaping what is written to it.
func escaped(w io.Writer) io.Writer {
	if _, ok := w.(*escaping); ok {
		return w
	}
	return &escaping{w: w}
}

// escaping writes what is written to it through printable, line breaks kept. Each write is whole
// (a table flushed, a line printed), so no character is split between two writes; one that is
// would be escaped as the bytes of invalid UTF-8, never passed through raw.
type escaping struct{ w io.Writer }

func (e *escaping) Write(p []byte) (int, error) {
	if _, err := io.WriteString(e.w, printable(string(p), true)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// printableError is err with its message escaped, or err itself when nothing needs escaping (so
// that errors.Is and errors.As still see it).
func printableError(err error) error {
	if err == nil {
		return nil
	}
	if msg := err.Error(); printable(msg, true) != msg {
		return errors.New(printable(msg, true))
	}
	return err
}

// flaggedOnText says which other referrals at the centre were flagged as possible duplicates of
// this one (the flag is recorded there, Referral.flagged_as_duplicate_on), how their child matches
// and whether the flag still stands; empty for none.
func flaggedOnText(r *referralv1.Referral) string {
	words := make([]string, len(r.GetFlaggedAsDuplicateOn()))
	for i, d := range r.GetFlaggedAsDuplicateOn() {
		words[i] = d.GetReferralId() + " (" + childMatchWords(d.GetMatch())
		if d.GetNoLongerStands() {
			words[i] += "; no longer stands: it is closed, and no safeguarding hold, domestic-abuse finding or disclosure stands on it now"
		}
		words[i] += ")"
	}
	return strings.Join(words, ", ")
}

// duplicateMatchWords says how the possible duplicate d's child matches one on the referral r; once
// either family is erased, only that it was flagged: how they matched, with the child kept on the
// other referral, would tell the erased child's name or date of birth (review 64, decision 348).
func duplicateMatchWords(r *referralv1.Referral, d *referralv1.PossibleDuplicate) string {
	switch {
	case d.GetOtherFamilyErased():
		return "a possible duplicate, of a family since erased"
	case r.GetErasedOn() != nil:
		return "a possible duplicate; how the children matched went with this family's erasure"
	}
	return childMatchWords(d.GetMatch())
}

// childMatchWords says how a possible duplicate's child matches one on the referral (decision 200).
func childMatchWords(m referralv1.ChildMatch) string {
	switch m {
	case referralv1.ChildMatch_CHILD_MATCH_SAME_FIRST_NAME_AND_BIRTH_DATE:
		return "a child with the same first name and date of birth; the rest of the name is not the same"
	case referralv1.ChildMatch_CHILD_MATCH_SAME_FAMILY_NAME_AND_BIRTH_DATE:
		return "a child with the same family name and date of birth; the rest of the name is not the same"
	case referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_YEAR:
		return "a child with the same name, born the same year on another date"
	case referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTHDAY:
		return "a child with the same name, born on the same day and month of another year"
	default:
		return "a child with the same name and date of birth"
	}
}
