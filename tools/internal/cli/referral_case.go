package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/inwords"
	"github.com/familytime/familytime/services/referral"
)

// caseCommand builds a command that changes one referral: it takes the referral id, --request-id
// and --json; prepare reads and checks its own flags before anything is sent, and send makes the
// call with the request id, the referral and the centre.
func (r *referralCommand) caseCommand(cmd *cobra.Command, prepare func() error,
	send func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error)) *cobra.Command {
	var (
		out     output
		request requestID
	)
	cmd.Args = cobra.ExactArgs(1)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		referral, centre, err := r.target(args)
		if err != nil {
			return err
		}
		if err := prepare(); err != nil {
			return err
		}
		id, err := request.value()
		if err != nil {
			return err
		}
		return r.mutation(cmd, &out, func(c referralv1.ReferralServiceClient) (*referralv1.Referral, error) {
			return send(c, cmd, id, referral, centre)
		})
	}
	request.register(cmd.Flags())
	out.register(cmd.Flags())
	return cmd
}

func (r *referralCommand) screenCommand() *cobra.Command {
	var (
		ratingFlag, note string
		abuse, checked   bool
		rating           referralv1.RiskRating
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "screen REFERRAL_ID --rating green|amber|red",
		Short: "Record a person's red / amber / green screen of the referral's risk",
		Long: `screen records the screen a person made of the referral's risk answers: green (proceed as asked),
amber (proceed with measures agreed at the pre-visits) or red (weigh whether any contact the centre
offers is safe, or decline). --domestic-abuse records a finding of domestic abuse, which rules out
supported contact: a supported-only centre then declines (or redirects) the family; it goes with
amber or red, never green (decision 396). A referral is
screened once both parents are named with contact details; screening again replaces the screen
until the centre decides. A screen without --domestic-abuse where the latest screen found it, or
where the referral's risk answers disclose it, is the centre's safeguarding lead's (acting as the
lead), with a --note saying why in words (FINDING_CLEARED_BY_LEAD, NOTE_REQUIRED): an amendment
answering "no" after domestic abuse was disclosed does not take the disclosure back (decision 191),
and nor does referring the child again: a disclosure made on another referral of the child
(withdrawn, declined, ended, or at another centre, earlier or later) that no lead's screen there cleared needs the
lead's screen here too (referral show says so, without naming that referral's family or centre;
decision 194). Only a referral's own disclosure carries, not one carried to it (decision 197).
Likewise, while an abduction risk, an injunction or substance misuse disclosed on the referral (by
either parent's application, or any referrer) stands answered "no" by an amendment (referral show:
"risk answers taken back"), only the lead screens it, with a --note, whatever the rating
(RETRACTION_FOR_LEAD, NOTE_REQUIRED; decision 338); until then, after an abduction risk, the
children may not leave the centre.
Where the second parent's application gave some of the first applicant's details (referral show:
"second applicant matches"), the screen says the two applicants were checked to be two people
(--applicants-checked; APPLICANTS_NOT_CHECKED, decision 192). A note, when given, says something
in words (at least 3 letters or digits, one a letter).`,
		Example: `  familytime referral screen $REFERRAL --centre $CENTRE --rating amber \
    --note "Past non-molestation order, expired; stagger arrivals by 15 minutes"
  familytime referral screen $REFERRAL --centre $CENTRE --rating red --domestic-abuse
  # the lead's token: clearing that finding, saying why
  familytime referral screen $REFERRAL --centre $CENTRE --rating amber \
    --note "Allegation withdrawn; court found no abuse (order of 3 March)"`,
	}, func() (err error) {
		rating, err = parseEnum[referralv1.RiskRating]("rating", ratingFlag, "RISK_RATING_", referralv1.RiskRating_value)
		return err
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.RecordScreening(cmd.Context(), &referralv1.RecordScreeningRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, Rating: rating, DomesticAbuseFinding: abuse, Note: note, ApplicantsChecked: checked})
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&ratingFlag, "rating", "", "the screen: "+enumNames("RISK_RATING_", referralv1.RiskRating_name))
	f.BoolVar(&abuse, "domestic-abuse", false, "the screener found domestic abuse (leaves supervised contact only: rules out supported, handover, escorted, indirect and virtual)")
	f.StringVar(&note, "note", "", "the screener's note, in words; needed (and the lead's) to screen without a domestic-abuse finding the latest screen or the risk answers had")
	f.BoolVar(&checked, "applicants-checked", false, "the screener checked with each parent that a self-referral's two applicants are two people (needed where the second application matched the first's details)")
	_ = cmd.MarkFlagRequired("rating")
	complete(cmd, "rating", "RISK_RATING_", referralv1.RiskRating_name)
	return cmd
}

func (r *referralCommand) acceptCommand() *cobra.Command {
	var (
		serviceFlag string
		service     commonv1.ServiceType
		notHeld     bool
		note        string
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "accept REFERRAL_ID --service KIND",
		Short: "Accept a screened referral for a kind of contact the centre offers",
		Long: `accept accepts a screened (or waitlisted) referral for a kind of contact the centre offers. A
domestic-abuse finding (the screening's, or the safeguarding lead's latest assessment) leaves
supervised contact only: supported (DOMESTIC_ABUSE_RULES_OUT_SUPPORTED), handover, escorted,
indirect and virtual contact (DOMESTIC_ABUSE_NEEDS_SUPERVISED) are refused; a centre without
supervised contact declines or redirects the family. While domestic abuse disclosed on the
referral, or on another referral of a child on it, has not been weighed by the safeguarding lead
(the lead's screen without a finding, or a risk assessment: familytime safeguarding risk), every
kind but supervised is refused too (DISCLOSURE_NOT_WEIGHED). Pre-visits and the arrangement come next. A centre whose accreditation is suspended or lapsed accepts no family; one whose three
years ran out with no renewal in the directory is warned of (on standard error). A referral
whose every child is 18 or over that day, counted from the first of the month they turn 18 as
sessions count them, is refused CHILDREN_OF_AGE (waitlist too): decline it (decisions 393, 402).

A referral a child of which may be a child of a family whose contact a safeguarding hold suspends
(a possible duplicate, referral show) is refused (DUPLICATE_UNDER_HOLD): a family referred again
must not get round a hold. If it is the same family, tell the safeguarding lead, and decline or
withdraw it; if it is not, the centre's safeguarding lead checks and records how (familytime
referral check-duplicate), and the referral is then accepted, the record saying so
(--not-the-family-under-hold says you know; without the lead's check it is refused,
LEAD_CHECK_NEEDED). So is one a child of which may be a child of a case that ended for safety,
here or at another centre, for any kind of contact (DUPLICATE_ENDED_FOR_SAFETY, decision 347),
until the centre's safeguarding lead weighs that ending with check-duplicate.

Where a court is involved, accepting the family for another kind of contact than the referral
asks for needs --note saying why (a court may have ordered the kind asked for): without it the
acceptance is refused at --note. Supervised contact where domestic abuse rules out the kind asked
for needs none: the finding is why. The note is kept, sealed, with the decision, and read with the
family's notes (familytime referral family).`,
		Example: `  familytime referral accept $REFERRAL --centre $CENTRE --service supported
  familytime referral accept $REFERRAL --centre $CENTRE --service supported \
      --note "Order of 3 March varied: supported contact from now on"`,
	}, func() (err error) {
		service, err = parseEnum[commonv1.ServiceType]("service", serviceFlag, "SERVICE_TYPE_", commonv1.ServiceType_value)
		return err
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.AcceptReferral(cmd.Context(), &referralv1.AcceptReferralRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, ServiceType: service, NotTheFamilyUnderHold: notHeld, Note: note})
		warnAccreditation(cmd, centre, resp.GetCentreAccreditationRanOutOn())
		return resp.GetReferral(), err
	})
	cmd.Flags().StringVar(&serviceFlag, "service", "", "the kind of contact: "+enumNames("SERVICE_TYPE_", commonv1.ServiceType_name))
	cmd.Flags().BoolVar(&notHeld, "not-the-family-under-hold", false, "you know the safeguarding lead checked that the family is not a possible duplicate's under a hold or with a finding (check-duplicate)")
	cmd.Flags().StringVar(&note, "note", "", "why the family is accepted for this kind of contact, in words; needed where a court is involved and the kind is not the one asked for")
	_ = cmd.MarkFlagRequired("service")
	complete(cmd, "service", "SERVICE_TYPE_", commonv1.ServiceType_name)
	return cmd
}

func (r *referralCommand) waitlistCommand() *cobra.Command {
	var (
		serviceFlag string
		service     commonv1.ServiceType
		notHeld     bool
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "waitlist REFERRAL_ID",
		Short: "Put a screened family on the centre's waiting list (the centre is full)",
		Long: `waitlist puts a screened family on the centre's waiting list: the centre would accept them but
has no place. That is all there is to do: scheduling puts the family on the centre's waiting list
by itself, for the kind of contact the referral asks for (supervised when a domestic-abuse finding
rules it out: the finding leaves supervised contact only), or the kind --service names, and a place is offered from there (familytime
schedule waitlist offer). The kind passes the same check as accept's: the centre must offer it and
the screening allow it, so a centre without supervised contact cannot waitlist a family whose
screening found domestic abuse (decline or redirect them). accept takes them off the list when a place is free;
decline or withdraw takes them off it too. A possible duplicate of a family under a safeguarding
hold is refused as for accept (DUPLICATE_UNDER_HOLD, until the lead's check-duplicate), and so is a
possible duplicate of a case that ended for safety (DUPLICATE_ENDED_FOR_SAFETY).`,
		Example: `  familytime referral waitlist $REFERRAL --centre $CENTRE
  familytime referral waitlist $REFERRAL --centre $CENTRE --service supported`,
	}, func() (err error) {
		if serviceFlag == "" {
			service = commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED
			return nil
		}
		service, err = parseEnum[commonv1.ServiceType]("service", serviceFlag, "SERVICE_TYPE_", commonv1.ServiceType_value)
		return err
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.WaitlistReferral(cmd.Context(), &referralv1.WaitlistReferralRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, ServiceType: service, NotTheFamilyUnderHold: notHeld})
		warnAccreditation(cmd, centre, resp.GetCentreAccreditationRanOutOn())
		return resp.GetReferral(), err
	})
	cmd.Flags().BoolVar(&notHeld, "not-the-family-under-hold", false, "you know the safeguarding lead checked that the family is not a possible duplicate's under a hold or with a finding (check-duplicate)")
	cmd.Flags().StringVar(&serviceFlag, "service", "", "the kind of contact the family waits for (default: the kind asked for, supervised after a domestic-abuse finding): "+
		enumNames("SERVICE_TYPE_", commonv1.ServiceType_name))
	complete(cmd, "service", "SERVICE_TYPE_", commonv1.ServiceType_name)
	return cmd
}

func (r *referralCommand) declineCommand() *cobra.Command {
	var (
		reasonFlag, note, redirectedTo, duplicateOf string
		reason                                      referralv1.DeclineReason
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "decline REFERRAL_ID --reason REASON",
		Short: "Decline a referral, with the reason the national statistics count",
		Long: `decline declines a referral the centre has not accepted (an accepted one is withdrawn, or its case
ended). The reason is counted in the national statistics; the note explains it, and --reason other
needs one. A family passed to a centre offering the service they need is declined with --reason
redirected and --redirected-to naming that centre (one in the directory, not this one).

A referral the centre cannot proceed with (a parent's contact details never given, the other
parent's application never made) is declined without a screening, for a reason that needs none
(no-agreement, other with a note, ...). A decline for risk needs the screening: risk-too-high,
and domestic-abuse-supported-only (a screening that found domestic abuse, at a centre offering no
supervised contact).

The same family's request made twice (a Cafcass officer referring a child the solicitor already
referred here) is declined with --reason duplicate and --duplicate-of naming the open referral at
this centre that goes on: one of its possible duplicates, flagged on either referral (referral show:
"possible duplicate of", "flagged as a possible duplicate on"), that the safeguarding lead has not
checked to be another family. The national figures count the request once, as that referral: a
duplicate is neither a referral received nor one declined (decision 281).`,
		Example: `  familytime referral decline $REFERRAL --centre $CENTRE --reason domestic-abuse-supported-only \
    --note "Supported contact only here"
  familytime referral decline $REFERRAL --centre $CENTRE --reason redirected --redirected-to $OTHER_CENTRE
  familytime referral decline $REFERRAL --centre $CENTRE --reason duplicate --duplicate-of $FIRST_REFERRAL`,
	}, func() (err error) {
		if reason, err = parseEnum[referralv1.DeclineReason]("reason", reasonFlag, "DECLINE_REASON_", referralv1.DeclineReason_value); err != nil {
			return err
		}
		switch {
		case redirectedTo != "":
			if _, err := uuid.Parse(redirectedTo); err != nil {
				return fmt.Errorf("--redirected-to %q is not a centre id (a UUID)", redirectedTo)
			}
			if reason != referralv1.DeclineReason_DECLINE_REASON_REDIRECTED {
				return fmt.Errorf("--redirected-to is given only with --reason redirected")
			}
		case reason == referralv1.DeclineReason_DECLINE_REASON_REDIRECTED:
			return fmt.Errorf("--reason redirected needs --redirected-to: the centre (id) the family is passed to")
		}
		switch {
		case duplicateOf != "":
			if _, err := uuid.Parse(duplicateOf); err != nil {
				return fmt.Errorf("--duplicate-of %q is not a referral id (a UUID)", duplicateOf)
			}
			if reason != referralv1.DeclineReason_DECLINE_REASON_DUPLICATE {
				return fmt.Errorf("--duplicate-of is given only with --reason duplicate")
			}
		case reason == referralv1.DeclineReason_DECLINE_REASON_DUPLICATE:
			return fmt.Errorf("--reason duplicate needs --duplicate-of: the open referral (id) at this centre that it duplicates (referral show lists its possible duplicates)")
		}
		if reason == referralv1.DeclineReason_DECLINE_REASON_OTHER && strings.TrimSpace(note) == "" {
			return fmt.Errorf("--reason other needs --note saying why the referral is declined")
		}
		return nil
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.DeclineReferral(cmd.Context(), &referralv1.DeclineReferralRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, Reason: reason, Note: note, RedirectedToCentreId: redirectedTo, DuplicateOfReferralId: duplicateOf})
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&reasonFlag, "reason", "", "why: "+enumNames("DECLINE_REASON_", referralv1.DeclineReason_name))
	f.StringVar(&note, "note", "", "the explanation (required with --reason other)")
	f.StringVar(&redirectedTo, "redirected-to", "", "with --reason redirected: the centre (id) the family is passed to")
	f.StringVar(&duplicateOf, "duplicate-of", "", "with --reason duplicate: the open referral (id) at this centre it duplicates, one of its possible duplicates")
	_ = cmd.MarkFlagRequired("reason")
	complete(cmd, "reason", "DECLINE_REASON_", referralv1.DeclineReason_name)
	return cmd
}

func (r *referralCommand) checkDuplicateCommand() *cobra.Command {
	var other, note string
	cmd := r.caseCommand(&cobra.Command{
		Use:   "check-duplicate REFERRAL_ID --other OTHER_REFERRAL_ID --note TEXT",
		Short: "Record, as the safeguarding lead, that a possible duplicate under a hold is another family, or weigh a case ended for safety",
		Long: `check-duplicate records the centre's safeguarding lead's check that the family of a possible
duplicate (referral show names them, and so does the refusal to accept or waitlist:
DUPLICATE_UNDER_HOLD, DUPLICATE_DOMESTIC_ABUSE_FINDING) is not this referral's family: its
safeguarding hold or domestic-abuse finding then no longer bars accepting or waitlisting the
referral. Only the lead records it (a coordinator's word alone got round another centre's hold,
decision 205), before the referral is decided, with a note saying how they checked: with whom
(another centre's referral is checked with an administrator, who sees every centre, and that
centre's lead) and what showed it is another family. If it is the same family, do not: the hold
or finding stands for this referral too.

A possible duplicate whose case ended for safety, here or at another centre (referral show says
"its case ended for safety on D"; the refusal is DUPLICATE_ENDED_FOR_SAFETY), bars accepting or
waitlisting the referral for any kind of contact until the lead weighs that ending with this
command (decision 347). The note then says how the lead weighed it: that it is another family, or,
if it is the same family, why contact may go ahead now (a new court order, say). Such a check
says the lead weighed the ending, not that the family is another, so the child may still be
confirmed as the same child (referral same-child). A case ended for safety again since is weighed
again.`,
		Example: `  familytime referral check-duplicate $REFERRAL --centre $CENTRE --other $OTHER_REFERRAL \
      --note "Checked with the administrator and the other centre's lead: another child, other parents"`,
	}, func() error {
		if other == "" {
			return fmt.Errorf("--other is required: the possible duplicate's referral id")
		}
		return nil
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.CheckPossibleDuplicate(cmd.Context(), &referralv1.CheckPossibleDuplicateRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, OtherReferralId: other, Note: note})
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&other, "other", "", "the possible duplicate's referral id")
	f.StringVar(&note, "note", "", "how you checked that it is another family, in words")
	_ = cmd.MarkFlagRequired("other")
	_ = cmd.MarkFlagRequired("note")
	return cmd
}

// sameChildCommand records that a child on the referral is the child on one of its possible
// duplicates, for the figures to count them once (decision 260).
func (r *referralCommand) sameChildCommand() *cobra.Command {
	var child, other, note string
	cmd := r.caseCommand(&cobra.Command{
		Use:   "same-child REFERRAL_ID --child PERSON_ID --other OTHER_REFERRAL_ID [--note TEXT]",
		Short: "Confirm that a child on the referral is the child on one of its possible duplicates",
		Long: `same-child records, as the centre's coordinator or safeguarding lead, that a child on this
referral (--child, a person id: referral show lists the children) is the child on another referral
(--other): one of this referral's possible duplicates, as referral show lists them, for example a
case that ended stepped down to supported contact before the family was referred again. The
national figures know a child by the id their referral gave them: once confirmed, the two ids are
one child in "children served" (nationally, by region, centre, kind of contact and age band, in
every period, a quarter already reported included). Only a possible duplicate flagged on this
referral can be confirmed, never one the lead checked is another family, and each pair once
(SAME_CHILD_ALREADY_CONFIRMED). The service finds the child on the other referral from the match
(name and date of birth); if two children there match as closely it refuses (SAME_CHILD_AMBIGUOUS).
--note, if given, says how you know, in words.`,
		Example: `  familytime referral same-child $REFERRAL --centre $CENTRE --child $CHILD --other $OTHER_REFERRAL \
      --note "Stepped down from supervised contact here in March; same parents and court order"`,
	}, func() error {
		if child == "" {
			return fmt.Errorf("--child is required: the person id of the child on this referral")
		}
		if other == "" {
			return fmt.Errorf("--other is required: the possible duplicate's referral id")
		}
		return nil
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.ConfirmSameChild(cmd.Context(), &referralv1.ConfirmSameChildRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, ChildPersonId: child, OtherReferralId: other, Note: note})
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&child, "child", "", "the child on this referral (person id)")
	f.StringVar(&other, "other", "", "the possible duplicate's referral id")
	f.StringVar(&note, "note", "", "how you know it is the same child, in words (optional)")
	_ = cmd.MarkFlagRequired("child")
	_ = cmd.MarkFlagRequired("other")
	return cmd
}

func (r *referralCommand) withdrawCommand() *cobra.Command {
	var (
		byFlag, note string
		by           referralv1.WithdrawnBy
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "withdraw REFERRAL_ID --by WHO",
		Short: "Record that the referral was withdrawn before contact began",
		Long: `withdraw records that the referrer, a parent or the court withdrew the referral before contact
began. A case whose contact has begun is ended instead (familytime referral end --outcome withdrawn),
and so is one whose first session is under way (someone of the family was checked in today, and
the session is neither completed nor called off): withdraw is refused then (CONTACT_STARTED).

A self-referral still waiting for the second parent's application is withdrawn by the parent who
applied (referral show names them), not by the other, who never applied: --by that parent is
refused (withdrawn_by, naming who may); if the other parent does not respond, decline it
(familytime referral decline --reason no-agreement).

Withdrawing cancels the family's bookings still to come and takes it off the waiting list.
Scheduling does so once it hears of the withdrawal, moments after: withdraw waits for it (up to 10
seconds) and then lists, on standard error, the bookings it cancelled, the sessions to tell both
parents are off; if scheduling has not heard yet, it says so and gives the command that lists them
(familytime schedule bookings).`,
		Example: `  familytime referral withdraw $REFERRAL --centre $CENTRE --by resident-parent --note "Family reconciled"`,
	}, func() (err error) {
		by, err = parseEnum[referralv1.WithdrawnBy]("by", byFlag, "WITHDRAWN_BY_", referralv1.WithdrawnBy_value)
		return err
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.WithdrawReferral(cmd.Context(), &referralv1.WithdrawReferralRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, WithdrawnBy: by, Note: note})
		if err == nil && resp.GetReferral().GetArrangement() != nil {
			// A family with an arrangement (ready for contact) may have bookings: which ones the
			// withdrawal cancelled, as referral end says (decision 315). One withdrawn before
			// that has none, and nothing is said of them.
			fmt.Fprintln(escaped(cmd.ErrOrStderr()), endedBookingsNote(cmd.Context(), &r.conn, resp.GetReferral()))
		}
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&byFlag, "by", "", "who withdrew it: "+enumNames("WITHDRAWN_BY_", referralv1.WithdrawnBy_name))
	f.StringVar(&note, "note", "", "the explanation")
	_ = cmd.MarkFlagRequired("by")
	complete(cmd, "by", "WITHDRAWN_BY_", referralv1.WithdrawnBy_name)
	return cmd
}

func (r *referralCommand) previsitCommand() *cobra.Command {
	var (
		person, on, note string
		signed           bool
		visited          *commonv1.Date
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "previsit REFERRAL_ID --person PERSON_ID --ground-rules-signed",
		Short: "Record one adult's pre-visit to the centre and their signing of the ground rules",
		Long: `previsit records that one adult on an accepted referral visited the centre before contact (the
resident parent with the children, the visiting parent, and anyone else who may attend, bring or
collect, each separately) and whether they signed the ground rules. The person ids are in the
people table of familytime referral show. The family is ready for contact once every adult who
needs one has had a pre-visit with the ground rules signed and the arrangement is agreed; the
first session can be booked from the day after the last pre-visit.

A case accepted for any kind but supervised that carries a disclosure of domestic abuse nobody has
weighed (one found after acceptance, by an amendment of a child's name or date of birth: referral
show says "disclosed on another referral of this child") records no pre-visit and no arrangement
(DISCLOSURE_NOT_WEIGHED) until the safeguarding lead assesses the family's risk (familytime
safeguarding risk --family); record the visit then, with --on its day. An assessment finding none
makes a family whose intake was otherwise complete ready for contact (decision 217).

Without --on the visit is the centre's today as the platform's clock has it (on a simulated
platform, the simulated day), not this computer's: the service decides the day. --on is never in
the future nor before the referral was received.

A visit without --ground-rules-signed is recorded, and counts for nothing towards the family being
ready for contact: the command warns so on standard error. An adult's visit is recorded once a
day: the same visit sent again is refused naming the day (PRE_VISIT_ALREADY_RECORDED), except
one that adds the signing of the rules the adult would not sign earlier that day.`,
		Example: `  familytime referral previsit $REFERRAL --centre $CENTRE --person $MOTHER --ground-rules-signed
  familytime referral previsit $REFERRAL --centre $CENTRE --person $FATHER --on 2025-06-03 --ground-rules-signed \
    --note "Prefers Saturday mornings"`,
	}, func() (err error) {
		if _, err := uuid.Parse(person); err != nil {
			return fmt.Errorf("--person %q is not a person id (a UUID, from the people table of referral show)", person)
		}
		visited, err = parseDate("on", on)
		return err
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.RecordPreVisit(cmd.Context(), &referralv1.RecordPreVisitRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, PersonId: person, VisitedOn: visited, GroundRulesSigned: signed, Note: note})
		if err == nil && !signed {
			fmt.Fprintln(escaped(cmd.ErrOrStderr()), unsignedVisitNote(resp.GetReferral(), person))
		}
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&person, "person", "", "the adult who visited (person id)")
	f.StringVar(&on, "on", "", "the day of the visit, YYYY-MM-DD (default: the centre's today, by the platform's clock)")
	f.BoolVar(&signed, "ground-rules-signed", false, "the adult signed the centre's ground rules (a visit without is recorded, warned of, and counts for nothing)")
	f.StringVar(&note, "note", "", "the coordinator's note")
	_ = cmd.MarkFlagRequired("person")
	return cmd
}

// unsignedVisitNote is what previsit says, on standard error, of a visit recorded without the
// ground rules signed (review 51: it was taken without a word, and counted for nothing): that it
// does not count, and how the signing is recorded; whether an earlier visit of the adult's with
// the rules signed still counts, from the answer's people table.
func unsignedVisitNote(r *referralv1.Referral, person string) string {
	note := "warning: the visit was recorded without the ground rules signed (no --ground-rules-signed): it does not count " +
		"towards the family being ready for contact. If the adult signed them, record the visit again with --ground-rules-signed"
	for _, a := range r.GetAdults() {
		if strings.EqualFold(a.GetPersonId(), person) && a.GetPreVisitDone() {
			note += "; an earlier visit of theirs with the rules signed still counts"
		}
	}
	return note
}

func (r *referralCommand) arrangementCommand() *cobra.Command {
	var (
		serviceFlag, frequencyFlag string
		minutes, arrive, leave     int32
		a                          *referralv1.Arrangement
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "arrangement REFERRAL_ID --service KIND --frequency HOW_OFTEN --minutes N",
		Short: "Record the contact arrangement agreed at the pre-visits",
		Long: `arrangement records what the centre and the family agreed for an accepted referral: the kind of
contact (one the centre offers), how often, how long each session lasts, and the stagger that keeps
the parents apart: the visiting parent arrives --arrive-before minutes before the children and
leaves --leave-after minutes after them (10 to 15 is usual). Until the family is ready for contact
it may be recorded again to correct it. For any kind but supervised it waits, as pre-visits do,
for the safeguarding lead to weigh a disclosure of domestic abuse nobody has weighed
(DISCLOSURE_NOT_WEIGHED, see familytime referral previsit --help).

Once the family is ready for contact (or in contact) the arrangement is changed with familytime
referral change-arrangement instead: sessions booked from then on take the new length and stagger,
and bookings already made keep their times.`,
		Example: `  familytime referral arrangement $REFERRAL --centre $CENTRE --service supported \
    --frequency fortnightly --minutes 120 --arrive-before 15 --leave-after 15`,
	}, func() (err error) {
		a = &referralv1.Arrangement{SessionMinutes: minutes, Stagger: &referralv1.Stagger{ArrivalMinutes: arrive, DepartureMinutes: leave}}
		if a.ServiceType, err = parseEnum[commonv1.ServiceType]("service", serviceFlag, "SERVICE_TYPE_", commonv1.ServiceType_value); err != nil {
			return err
		}
		if a.Frequency, err = parseEnum[referralv1.ContactFrequency]("frequency", frequencyFlag, "CONTACT_FREQUENCY_", referralv1.ContactFrequency_value); err != nil {
			return err
		}
		if minutes < 15 || minutes > 480 {
			return fmt.Errorf("--minutes must be from 15 to 480, not %d", minutes)
		}
		for _, s := range []struct {
			flag string
			v    int32
		}{{"arrive-before", arrive}, {"leave-after", leave}} {
			if s.v < 10 || s.v > 60 {
				return fmt.Errorf("--%s must be from 10 to 60 minutes (the parents are never due at the door within 10 minutes of each other), not %d", s.flag, s.v)
			}
		}
		return nil
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.AgreeArrangement(cmd.Context(), &referralv1.AgreeArrangementRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, Arrangement: a})
		if reasonOf(err) == "ALREADY_READY" {
			return nil, fmt.Errorf("%w\n(change the arrangement of a family ready for contact with: familytime referral change-arrangement %s --centre %s --minutes N ...)",
				describe(err), referral, centre)
		}
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&serviceFlag, "service", "", "the kind of contact: "+enumNames("SERVICE_TYPE_", commonv1.ServiceType_name))
	f.StringVar(&frequencyFlag, "frequency", "", frequencyUsage)
	f.Int32Var(&minutes, "minutes", 0, "how long each session lasts, in minutes (15-480)")
	f.Int32Var(&arrive, "arrive-before", 15, "minutes the visiting parent arrives before the children (10-60)")
	f.Int32Var(&leave, "leave-after", 15, "minutes the visiting parent leaves after the children (10-60)")
	for _, req := range []string{"service", "frequency", "minutes"} {
		_ = cmd.MarkFlagRequired(req)
	}
	complete(cmd, "service", "SERVICE_TYPE_", commonv1.ServiceType_name)
	complete(cmd, "frequency", "CONTACT_FREQUENCY_", referralv1.ContactFrequency_name)
	return cmd
}

// arrangementFlags are the flags that change an agreed arrangement, each optional: what is not given
// stays as agreed.
// frequencyUsage says what each frequency lets scheduling book (decision 422).
var frequencyUsage = "how often: " + enumNames("CONTACT_FREQUENCY_", referralv1.ContactFrequency_name) +
	" (sessions booked at least 7, 14 or 28 days apart; other: another pattern agreed with the family, no gap checked beyond one session a day)"

var arrangementFlags = []string{"service", "frequency", "minutes", "arrive-before", "leave-after"}

func (r *referralCommand) changeArrangementCommand() *cobra.Command {
	var (
		cmd                        *cobra.Command
		serviceFlag, frequencyFlag string
		minutes, arrive, leave     int32
		service                    commonv1.ServiceType
		frequency                  referralv1.ContactFrequency
	)
	cmd = r.caseCommand(&cobra.Command{
		Use:   "change-arrangement REFERRAL_ID [--frequency HOW_OFTEN] [--minutes N] [--arrive-before N] [--leave-after N]",
		Short: "Change the agreed arrangement of a family ready for contact or in contact (new bookings only)",
		Long: `change-arrangement changes the arrangement agreed for a family that is ready for contact or in
contact (also while a safeguarding hold suspends the case), as a review or the family's life changes
it: how often, how long each session lasts, and the stagger (the visiting parent arrives
--arrive-before minutes before the children and leaves --leave-after minutes after them, 10 to 60).
Give only what changes: the rest stays as agreed. The values are checked as when the arrangement
was first agreed (sessions of 15 to 480 minutes).

Sessions booked from now on take the new length and stagger. Bookings already made keep their
times: the family was told them; reschedule one (familytime schedule reschedule) to give it the new
times.

The kind of contact does not change this way: stepping down from supervised to supported contact is
a case outcome (familytime referral end --outcome stepped-down-to-supported), and the family is then
referred for supported contact. Before the family is ready for contact, record the arrangement again
with familytime referral arrangement.`,
		Example: `  familytime referral change-arrangement $REFERRAL --centre $CENTRE --minutes 90
  familytime referral change-arrangement $REFERRAL --centre $CENTRE --frequency fortnightly --arrive-before 20 --leave-after 15`,
	}, func() (err error) {
		f := cmd.Flags()
		if !slices.ContainsFunc(arrangementFlags, f.Changed) {
			return fmt.Errorf("give what changes: one or more of --frequency, --minutes, --arrive-before, --leave-after")
		}
		if f.Changed("service") {
			if service, err = parseEnum[commonv1.ServiceType]("service", serviceFlag, "SERVICE_TYPE_", commonv1.ServiceType_value); err != nil {
				return err
			}
		}
		if f.Changed("frequency") {
			if frequency, err = parseEnum[referralv1.ContactFrequency]("frequency", frequencyFlag, "CONTACT_FREQUENCY_", referralv1.ContactFrequency_value); err != nil {
				return err
			}
		}
		if f.Changed("minutes") && (minutes < 15 || minutes > 480) {
			return fmt.Errorf("--minutes must be from 15 to 480, not %d", minutes)
		}
		for _, s := range []struct {
			flag string
			v    int32
		}{{"arrive-before", arrive}, {"leave-after", leave}} {
			if f.Changed(s.flag) && (s.v < 10 || s.v > 60) {
				return fmt.Errorf("--%s must be from 10 to 60 minutes (the parents are never due at the door within 10 minutes of each other), not %d", s.flag, s.v)
			}
		}
		return nil
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		// What is not given stays as agreed: the change is made on the arrangement as read, at the
		// version read, so a change someone made meanwhile is not undone (the call is refused).
		got, err := c.GetReferral(cmd.Context(), &referralv1.GetReferralRequest{ReferralId: referral, CentreId: centre})
		if err != nil {
			return nil, changeRefusal(err, "ChangeArrangement")
		}
		current := got.GetReferral().GetArrangement()
		if current == nil {
			return nil, fmt.Errorf("the referral has no agreed arrangement to change (it is %s): record one with familytime referral arrangement",
				stateName(got.GetReferral().GetState()))
		}
		a := proto.CloneOf(current)
		f := cmd.Flags()
		if f.Changed("service") {
			a.ServiceType = service
		}
		if f.Changed("frequency") {
			a.Frequency = frequency
		}
		if f.Changed("minutes") {
			a.SessionMinutes = minutes
		}
		if a.Stagger == nil {
			a.Stagger = &referralv1.Stagger{}
		}
		if f.Changed("arrive-before") {
			a.Stagger.ArrivalMinutes = arrive
		}
		if f.Changed("leave-after") {
			a.Stagger.DepartureMinutes = leave
		}
		resp, err := c.ChangeArrangement(cmd.Context(), &referralv1.ChangeArrangementRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, ExpectedVersion: got.GetReferral().GetVersion(), Arrangement: a})
		switch {
		case err != nil:
		case resp.GetReferral().GetVersion() == got.GetReferral().GetVersion():
			fmt.Fprintln(cmd.ErrOrStderr(), "note: that is the arrangement agreed already; nothing changed")
		default:
			fmt.Fprintln(cmd.ErrOrStderr(), "note: sessions booked from now on take this arrangement's length and stagger; "+
				"bookings already made keep their times (reschedule one to give it the new times)")
		}
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&serviceFlag, "service", "", "the kind of contact, which must stay the one agreed (a step down is a case outcome): "+
		enumNames("SERVICE_TYPE_", commonv1.ServiceType_name))
	f.StringVar(&frequencyFlag, "frequency", "", frequencyUsage)
	f.Int32Var(&minutes, "minutes", 0, "how long each session lasts, in minutes (15-480)")
	f.Int32Var(&arrive, "arrive-before", 0, "minutes the visiting parent arrives before the children (10-60)")
	f.Int32Var(&leave, "leave-after", 0, "minutes the visiting parent leaves after the children (10-60)")
	complete(cmd, "service", "SERVICE_TYPE_", commonv1.ServiceType_name)
	complete(cmd, "frequency", "CONTACT_FREQUENCY_", referralv1.ContactFrequency_name)
	return cmd
}

func (r *referralCommand) reviewCommand() *cobra.Command {
	var (
		on, note, decisionFlag string
		held                   *commonv1.Date
		decision               referralv1.ReviewDecision
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "review REFERRAL_ID --decision DECISION --note WHAT_WAS_DECIDED",
		Short: "Record a review of a case in contact, with its decision",
		Long: `review records a review of a case whose contact has begun (supported cases are reviewed within 6
months of the first session and every 6 months after; familytime referral reviews lists those due,
overdue first). --decision is what the review decided: continue (as agreed), change (the
arrangement), move-on (the end of the case is planned) or refer-back (to the court or the
referrer). --note says what was discussed and decided, in words (at least 3 letters or digits, one a letter): a review that records
nothing is no review. --on is never before the case's last review nor its first session: the next
review is due 6 months after this one, and a review dated earlier would pull that date backwards
(the refusal names the earliest day allowed). One review a day is recorded: a second held on the
same day is refused (ALREADY_REVIEWED). Without --on the review is the centre's today as the
platform's clock has it (on a simulated platform, the simulated day), not this computer's. The
review records the day it was due, and the case's history says whether it was held late. The
answer shows when the next review is due.

Supported contact is short-term (a few sessions up to about 6 months, exceptionally 12): referral
show and referral reviews flag a case beyond 6 and 12 months. A review that changes how contact
runs records the change with familytime referral change-arrangement.`,
		Example: `  familytime referral review $REFERRAL --centre $CENTRE --on 2025-09-01 --decision continue \
    --note "Going well; parents discussing handover at school"`,
	}, func() (err error) {
		n := strings.TrimSpace(note)
		if !inwords.Says(n) {
			return fmt.Errorf("--note must say what was discussed and decided, in words (at least 3 letters or digits, one a letter): a review that records nothing is no review")
		}
		if held, err = parseDate("on", on); err != nil {
			return err
		}
		if strings.TrimSpace(decisionFlag) == "" {
			// Checked here, after the note and the day, rather than by cobra: a review names its
			// decision (review 42 kept none).
			return fmt.Errorf("give what the review decided: --decision %s", enumNames("REVIEW_DECISION_", referralv1.ReviewDecision_name))
		}
		decision, err = parseEnum[referralv1.ReviewDecision]("decision", decisionFlag, "REVIEW_DECISION_", referralv1.ReviewDecision_value)
		return err
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.RecordReview(cmd.Context(), &referralv1.RecordReviewRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, HeldOn: held, Note: note, Decision: decision})
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&on, "on", "", "the day of the review, YYYY-MM-DD (default: the centre's today, by the platform's clock)")
	f.StringVar(&decisionFlag, "decision", "", "what the review decided (required): "+enumNames("REVIEW_DECISION_", referralv1.ReviewDecision_name))
	f.StringVar(&note, "note", "", "what was discussed and decided, in words (at least 3 letters or digits, one a letter)")
	_ = cmd.MarkFlagRequired("note")
	complete(cmd, "decision", "REVIEW_DECISION_", referralv1.ReviewDecision_name)
	return cmd
}

func (r *referralCommand) endCommand() *cobra.Command {
	var (
		outcomeFlag, note string
		outcome           referralv1.CaseOutcome
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "end REFERRAL_ID --outcome OUTCOME --note TEXT",
		Short: "End a case with its outcome and why (cancels the family's future bookings)",
		Long: `end ends a case that was ready for contact, in contact or suspended, with the outcome the national
statistics count, and a note saying why, in words. Ending a case cancels the family's future bookings,
and today's whose time has begun if its contact has not begun, both parties come (nobody of the
family has come, or one party only: whoever is inside leaves as they came, the children with their
own party, and their departures are recorded; decision 351). A session both parties came to is left
to be completed, and its parties are still checked in and out; the door refuses anyone for a
session whose contact had not begun, CASE_ENDED. Ending also takes the family off the waiting list: check the
referral (familytime referral show) and the family's bookings (familytime schedule bookings --centre
CENTRE --family FAMILY) before you end it. Scheduling cancels the bookings once it hears of the
ending, moments after: end waits for it (up to 10 seconds) and then lists, on standard error, the
bookings the ending cancelled, the sessions to tell both parents are off; if it has not heard yet,
end says so and gives the command that lists them (familytime schedule bookings, which marks the
bookings the ending cancelled). A wrong outcome
is corrected afterwards (familytime referral correct-ending), and a case ended by mistake is
reopened within 28 days (familytime referral reopen), but its cancelled bookings are not restored.

The outcomes: the family moved on to contact they arrange themselves, moved to handover,
stepped down to supported contact, was referred back to court, withdrew, or the case ended for
safety. Only a case of supervised contact steps down to supported, and a handover-only case does
not move to handover; a case with a domestic-abuse finding does neither, as the finding leaves
supervised contact only. A case whose contact never began (no session attended) did not move on:
it ends referred back to court, withdrawn or for safety (CONTACT_NOT_STARTED otherwise). A case
a safeguarding hold suspends ends referred back to court, withdrawn or for safety
(OUTCOME_UNDER_HOLD otherwise): the lead lifts the hold first if the family did move on.
Two unexplained no-shows release the family's place but leave the case open: book the
family again, put it back on the waiting list, or end the case, with the outcome place-released
(which fits only a case whose place was released) or another.`,
		Example: `  familytime referral end $REFERRAL --centre $CENTRE --outcome self-arranged \
    --note "Parents now arrange contact themselves"`,
	}, func() (err error) {
		outcome, err = parseEnum[referralv1.CaseOutcome]("outcome", outcomeFlag, "CASE_OUTCOME_", referralv1.CaseOutcome_value)
		return err
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.EndCase(cmd.Context(), &referralv1.EndCaseRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, Outcome: outcome, Note: note})
		if err == nil && resp.GetReferral().GetFamilyId() != "" {
			// Which bookings the ending cancelled (review 53: the answer said nothing of them).
			fmt.Fprintln(escaped(cmd.ErrOrStderr()), endedBookingsNote(cmd.Context(), &r.conn, resp.GetReferral()))
		}
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&outcomeFlag, "outcome", "", "how the case ended: "+enumNames("CASE_OUTCOME_", referralv1.CaseOutcome_name))
	f.StringVar(&note, "note", "", "why the case ends, in words (at least 3 letters or digits, one a letter)")
	_ = cmd.MarkFlagRequired("outcome")
	_ = cmd.MarkFlagRequired("note")
	complete(cmd, "outcome", "CASE_OUTCOME_", referralv1.CaseOutcome_name)
	return cmd
}

func (r *referralCommand) correctEndingCommand() *cobra.Command {
	var (
		outcomeFlag, note string
		outcome           referralv1.CaseOutcome
	)
	cmd := r.caseCommand(&cobra.Command{
		Use:   "correct-ending REFERRAL_ID --outcome OUTCOME --note TEXT",
		Short: "Correct the outcome an ended case was recorded with",
		Long: `correct-ending corrects the outcome an ended case was recorded with: a new record pointing at the
ending, which itself is never changed; the note says why the recorded outcome was wrong, in words.
The case stays ended, on the day it ended, and the national figures count it by the corrected
outcome in the period the case ended. The outcome is checked as end checks it, against the case as
it stood when it ended: a case a hold suspended then, or whose contact never began, does not
become one that moved on (OUTCOME_UNDER_HOLD, CONTACT_NOT_STARTED), and a domestic-abuse finding
rules out stepped-down-to-supported and moved-to-handover. The centre's coordinator corrects it.
An erased family's outcome is corrected too (it is a category the figures count, not personal
data), but its note cannot be kept: WARNING TEXT_NOT_KEPT says so (decision 395); its case is not
reopened.`,
		Example: `  familytime referral correct-ending $REFERRAL --centre $CENTRE --outcome ended-for-safety \
    --note "Contact stopped after a threat at handover; recorded as self-arranged by mistake"`,
	}, func() (err error) {
		outcome, err = parseEnum[referralv1.CaseOutcome]("outcome", outcomeFlag, "CASE_OUTCOME_", referralv1.CaseOutcome_value)
		return err
	}, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.CorrectCaseEnding(cmd.Context(), &referralv1.CorrectCaseEndingRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, Outcome: outcome, Note: note})
		if err == nil {
			warnOnStderr(cmd, resp.GetTextWarning())
		}
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&outcomeFlag, "outcome", "", "the outcome the case ended with, in truth: "+enumNames("CASE_OUTCOME_", referralv1.CaseOutcome_name))
	f.StringVar(&note, "note", "", "why the outcome recorded was wrong, in words (at least 3 letters or digits, one a letter)")
	_ = cmd.MarkFlagRequired("outcome")
	_ = cmd.MarkFlagRequired("note")
	complete(cmd, "outcome", "CASE_OUTCOME_", referralv1.CaseOutcome_name)
	return cmd
}

func (r *referralCommand) reopenCommand() *cobra.Command {
	var note string
	cmd := r.caseCommand(&cobra.Command{
		Use:   "reopen REFERRAL_ID --note TEXT",
		Short: "Reopen a case ended by mistake (within 28 days of its ending)",
		Long: `reopen reopens a case ended by mistake (the wrong family, say): a new record pointing at the
ending, which itself is never changed; the note says why the ending was a mistake, in words. It is
allowed within 28 days of the ending (REOPEN_TOO_LATE after: refer the family again), not once the
family's data is erased (FAMILY_ERASED: nothing of the family is left; if it needs contact again,
refer it again), and not while another referral of the family's children is open (REFERRED_AGAIN:
the family's own, one of a child with the same name and date of birth, or one confirmed the same
child with referral same-child; a child with only the same first name and date of birth, say, is
another family's until a person confirms it; decision 380. Carry on with that one; one at another centre is that centre's, which this centre cannot open or
withdraw, and an administrator takes it up with that centre). The case returns to where it stood:
in contact, or ready for contact, and suspended again if a safeguarding hold is in force. The
national figures no longer count the ending.

What the ending did is not undone: the bookings it cancelled stay cancelled and must be booked again
(familytime schedule book), and the family is not put back on the waiting list (familytime schedule
waitlist join, if it should wait for a place).`,
		Example: `  familytime referral reopen $REFERRAL --centre $CENTRE \
    --note "Ended by mistake: the coordinator meant another family"`,
	}, func() error { return nil }, func(c referralv1.ReferralServiceClient, cmd *cobra.Command, request, referral, centre string) (*referralv1.Referral, error) {
		resp, err := c.ReopenCase(cmd.Context(), &referralv1.ReopenCaseRequest{RequestId: request, ReferralId: referral,
			CentreId: centre, Note: note})
		if err == nil {
			fmt.Fprintln(escaped(cmd.ErrOrStderr()), reopenNote(resp.GetReferral()))
		}
		return resp.GetReferral(), err
	})
	f := cmd.Flags()
	f.StringVar(&note, "note", "", "why the ending was a mistake, in words (at least 3 letters or digits, one a letter)")
	_ = cmd.MarkFlagRequired("note")
	return cmd
}

// reopenNote is what the CLI says, on standard error, of a reopened case: what the ending did that
// the reopening does not undo, and the commands that make it again.
func reopenNote(r *referralv1.Referral) string {
	centre, family := r.GetCentreId(), r.GetFamilyId()
	note := "reopened: the bookings cancelled when the case ended stay cancelled and must be booked again " +
		"(familytime schedule book --centre " + centre + " --family " + family + " ...); the family was not put back on the waiting list " +
		"(familytime schedule waitlist join --centre " + centre + " --family " + family + ", if it should wait for a place)"
	if r.GetState() == referralv1.ReferralState_REFERRAL_STATE_SUSPENDED {
		note += "; a safeguarding hold in force suspends the case: nothing is booked until it is lifted"
	}
	return note
}

// changeRefusal words a refusal of the read a change makes first (GetReferral) as the change's own
// (method, for example "ChangeArrangement"): whoever may make the change may read the referral
// (casework's roles are among the readers'), so a caller refused the read is refused the change,
// and is told who makes it, not who reads (review 35: a volunteer was told "GetReferral needs one
// of the roles coordinator, safeguarding_lead, admin" and led to think a lead may change it). The
// roles are the service's own (referral.RolesFor). Any other error is returned as it is. The
// refusal keeps the read's details, its reason (ROLE_REQUIRED, OUTSIDE_YOUR_CENTRES) above all:
// rebuilt from its words alone, it lost them, and --json and the text's tag said no reason where
// review and end say one (review 63 finding 4, decision 346).
func changeRefusal(err error, method string) error {
	st := status.Convert(err)
	read := "GetReferral"
	if st.Code() != codes.PermissionDenied || !strings.HasPrefix(st.Message(), read) {
		return err
	}
	rest := strings.TrimPrefix(st.Message(), read)
	if _, _, at, ok := auth.RolesNeeded(st.Message()); ok {
		rest = " " + auth.NeedsRoles(referral.RolesFor(method))
		if at != "" {
			rest += " at centre " + at
		}
	}
	kept := st.Proto()
	kept.Message = method + rest
	return status.FromProto(kept).Err()
}
