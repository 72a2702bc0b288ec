package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

func (r *referralCommand) submitCommand() *cobra.Command {
	var (
		out     output
		request requestID
		file    string
	)
	cmd := &cobra.Command{
		Use:   "submit --file REFERRAL.yaml",
		Short: "Submit a referral for the centre from a JSON or YAML file",
		Long: `submit sends a referral to the centre: the parents and their contact details, the children,
court orders, the reason, the answers to the risk questions and consent. The file is the API's own
SubmitReferralRequest (familytime.referral.v1), in JSON or YAML, with the .proto field names and
enum value names in full (REFERRAL_SOURCE_SOLICITOR); docs/referral-example.yaml is a commented
example to copy. --centre fills its centre_id (a centre_id in the file must be the same one).

Referrers and coordinators may submit, each for the centres their token names. The centre must be
in the directory (registered with familytime centre register), and its accreditation neither
suspended nor lapsed; one whose three years ran out with no renewal recorded is warned of (on
standard error). So is a referral whose every child comes of age for contact within 26 weeks (from
the first day of the month of the youngest's 18th birthday no session can be booked, and the
family can no longer be accepted or waitlisted): it is recorded all the same. Under --json
these two warnings are also in the JSON, beside the referral's fields, as the answer names them:
centre_accreditation_ran_out_on and children_come_of_age_on (a date), present only when given. Names, addresses, phones and other details of people hold no control characters;
phones are 10 to 13 digits (07700 900123, +44 161 496 0732) and postcodes UK ones (M1 4BT). A self-referral
(source REFERRAL_SOURCE_SELF) names one parent and waits for the other's application
(familytime referral second-party). The centre must offer the kind of contact asked for
(requested_service_type): one it does not is refused (SERVICE_NOT_OFFERED), naming what it offers.

A court order may give expires_on, its last day in force (a non-molestation order made for 12
months), in the same form as made_on, not before it: once that day has passed (by the centre's
today) the order has expired, is no longer in force, and calls neither for risk.injunction nor
for court_involved: it is kept as the family's history (an order in force, or a court's referral,
still needs court_involved: true). An order about the children (child arrangements, prohibited steps, specific issue) dated before
every child on the referral was born is refused at its made_on. A non-molestation or occupation
order (Family Law Act 1996 Part IV) is made on or after 1997-10-01 and expires within 10 years.
An order's keeps_from_children lists the person ids of adults on the referral it forbids contact
with the children: while it is in force the door refuses them (NOT_PERMITTED). Adults have ids
only once the referral is recorded (familytime referral show), so an order is linked to them by
amendment (familytime referral amend). Linked after the family is ready for contact, the order
is announced to scheduling: the door refuses the adult from then on (someone already inside is
not put out), and the day sheet no longer expects them (decisions 318, 323).

Sending the same file again is a retry, not a second referral: without --request-id (or a
request_id in the file) the request id is made from the file's content, the centre and the
account your token names, so a second run with the same file is answered the referral recorded
the first time ("already recorded at ...", on standard error). A second referral with the same
content, meant as one, is sent with --request-id and a new UUID; so is the same file sent again
after the family it made was erased, which is otherwise refused FAMILY_ERASED (the first
request's answer went with the erasure). The note that says so gives a new UUID, made for it,
ready to copy (--request-id 6f1c...); an empty --request-id (--request-id "$(uuidgen)" where
uuidgen is not installed) is refused, not taken as not given. A referral a child of
which may be a child on another referral is warned of, on standard error: for an open referral
at the centre, with the command that declines it as that one's duplicate if it is the same
family; for a closed one (how it ended, and when) or one at another centre, which a referral is
not declined as the duplicate of, with the command that confirms the same child (referral
same-child), so the national figures count the child once. A replayed answer's possible
duplicate whose family was erased since is said to be so, with nothing to do about it.

` + sameAdultHelp,
		Example: `  familytime referral submit --centre $CENTRE --file docs/referral-example.yaml
  familytime referral submit --centre $CENTRE --file referral.json --json | jq -r .referral_id
  cat referral.yaml | familytime referral submit --centre $CENTRE --file -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			centre, err := r.centreID()
			if err != nil {
				return err
			}
			req := &referralv1.SubmitReferralRequest{}
			if err := readRequestFile(cmd.InOrStdin(), file, req); err != nil {
				return err
			}
			if req.CentreId != "" && !strings.EqualFold(req.CentreId, centre) {
				return fmt.Errorf("%s names centre %s but --centre is %s", file, req.CentreId, centre)
			}
			req.CentreId = centre
			derived := request.id == "" && req.RequestId == ""
			if derived {
				// Review 51: a new id on every run made the same file sent twice two referrals.
				_, token, _ := r.conn.resolve("referral")
				if req.RequestId, err = contentRequestID(tokenSubject(token), req); err != nil {
					return err
				}
			} else if req.RequestId, err = fileRequestID(&request, req.RequestId, file); err != nil {
				return err
			}
			var got *referralv1.Referral
			var earlier map[string]earlierReferral
			erasedRetry := false
			if err := r.mutation(cmd, &out, func(c referralv1.ReferralServiceClient) (*referralv1.Referral, error) {
				resp, err := c.SubmitReferral(cmd.Context(), req)
				warnAccreditation(cmd, centre, resp.GetCentreAccreditationRanOutOn())
				warnComeOfAge(cmd, resp.GetChildrenComeOfAgeOn(), resp.GetReferral().GetReferralId(), centre)
				out.beside("centre_accreditation_ran_out_on", resp.GetCentreAccreditationRanOutOn())
				out.beside("children_come_of_age_on", resp.GetChildrenComeOfAgeOn())
				got = resp.GetReferral()
				if err == nil {
					earlier = readEarlier(cmd.Context(), c, got)
				}
				erasedRetry = reasonOf(err) == "FAMILY_ERASED"
				return got, err
			}); err != nil {
				if erasedRetry && derived {
					return fmt.Errorf("%w\n%s", err, erasedRetryNote(uuid.NewString()))
				}
				return err
			}
			if note := submitNote(got, derived, earlier); note != "" {
				fmt.Fprintln(escaped(cmd.ErrOrStderr()), note)
			}
			warnSameAdult(cmd, centre, got)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&file, "file", "f", "", "the referral: a JSON or YAML SubmitReferralRequest (- reads standard input)")
	request.register(f)
	f.Lookup("request-id").Usage = "a UUID naming this request; repeat it to retry safely (default: the file's request_id, else one " +
		"made from the file's content, the centre and your account, so the same file sent again is a retry; give a new one for a " +
		"second referral with the same content)"
	out.register(f)
	_ = cmd.MarkFlagRequired("file")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml", "json")
	return cmd
}

func (r *referralCommand) secondPartyCommand() *cobra.Command {
	var (
		out     output
		request requestID
		file    string
	)
	cmd := &cobra.Command{
		Use:   "second-party REFERRAL_ID --file APPLICATION.yaml",
		Short: "Record the other parent's application to a self-referral, from a JSON or YAML file",
		Long: `second-party records the second parent's application to a self-referral, which until then
waits and cannot be screened. The file is the API's SubmitSecondPartyApplicationRequest in JSON or
YAML: the applying parent (an adult, as in docs/referral-example.yaml, with contact details), their
own risk answers, risk_notes, consent_given and the family's children, each with their full_name
and date_of_birth as the first parent gave them, and, if the applying parent wants the centre to
know them, the child's needs and language as they give them: kept as this parent's, shown to the
coordinator and the lead beside the referral's (referral family), and told to the door's day sheet
(decision 337). An applicant with a referrer's token must name
every child (case, accents and punctuation aside), or the application is refused
(APPLICATION_DOES_NOT_MATCH, without saying what differs), and is answered the referral's id and
state only; a self-referral no longer waiting for a second parent (the other parent applied, or it
was declined or withdrawn) refuses them with the same message, and only a coordinator is told why
(NOT_AWAITING_SECOND_PARTY, REFERRAL_CLOSED; decision 344); a referral that is not a self-referral is answered to them as not found, as an unknown
id is (decision 217). Such an applicant is never told which of their details (name, phone, email, role) are
the first applicant's: the application is recorded, the match is shown to the coordinator
(referral show), and the referral is screened with --applicants-checked (decision 192). A
coordinator entering the application is refused naming the detail that is the first applicant's,
and, when the children they give do not match, told which (APPLICATION_DOES_NOT_MATCH with
children[i]: no child on the referral has this name and date of birth, and how many the referral
names; decision 342). The referral and centre come from the command line. The applying parent's
phone and email are matched as submit matches the adults': a coordinator is warned of an open
referral of another family at the centre naming an adult with the same (decision 350). As at
submission, a referral whose every child comes of age for contact within 26 weeks is warned of on
standard error (and under --json beside the referral's fields, as children_come_of_age_on): its
screening starts only now (decision 421).`,
		Example: `  familytime referral second-party $REFERRAL --centre $CENTRE --file second-parent.yaml

  # second-parent.yaml
  parent:
    role: ADULT_ROLE_NON_RESIDENT_PARENT
    full_name: Daniel Hughes
    parental_responsibility: true
    may_attend: true
    contact: {address_lines: ["4 Kestrel Court", "Salford"], postcode: M6 5AB, phone: "07700 900456"}
  risk: {domestic_abuse: false}
  consent_given: true
  children:
    - {full_name: Lily Hughes, date_of_birth: {year: 2019, month: 4, day: 12}}`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			referral, centre, err := r.target(args)
			if err != nil {
				return err
			}
			req := &referralv1.SubmitSecondPartyApplicationRequest{}
			if err := readRequestFile(cmd.InOrStdin(), file, req); err != nil {
				return err
			}
			if err := sameTarget(file, req.ReferralId, referral, req.CentreId, centre); err != nil {
				return err
			}
			req.ReferralId, req.CentreId = referral, centre
			if req.RequestId, err = fileRequestID(&request, req.RequestId, file); err != nil {
				return err
			}
			return r.mutation(cmd, &out, func(c referralv1.ReferralServiceClient) (*referralv1.Referral, error) {
				resp, err := c.SubmitSecondPartyApplication(cmd.Context(), req)
				warnSameAdult(cmd, centre, resp.GetReferral())
				warnComeOfAge(cmd, resp.GetChildrenComeOfAgeOn(), referral, centre)
				out.beside("children_come_of_age_on", resp.GetChildrenComeOfAgeOn())
				return resp.GetReferral(), err
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&file, "file", "f", "", "the application: a JSON or YAML SubmitSecondPartyApplicationRequest (- reads standard input)")
	request.register(f)
	out.register(f)
	_ = cmd.MarkFlagRequired("file")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml", "json")
	return cmd
}

func (r *referralCommand) amendCommand() *cobra.Command {
	var (
		out      output
		request  requestID
		file     string
		expected int64
		current  bool
		why      string
	)
	cmd := &cobra.Command{
		Use:   "amend REFERRAL_ID --file AMENDMENT.yaml",
		Short: "Replace a referral's details with corrected ones, from a JSON or YAML file",
		Long: `amend replaces the referral's details whole. The file is the API's AmendReferralRequest in JSON
or YAML: its details are laid out as in docs/referral-example.yaml (under "details:"), with each
adult and child already on the referral keeping its person_id (from familytime referral family
--json); an adult or child without one is added as someone new. Say which version of the referral
the file was made from, --expected-version (the version familytime referral family printed with
the details the file was made from; referral show prints it too) or the file's expected_version:
the amendment is refused if someone changed the referral since, so their change is not undone by
details read before it. --whatever-is-current amends the referral as it now
stands.

A change to the risk answers after screening undoes the screening: the referral is received
again, to be screened and decided again. A waitlisting or acceptance goes with it (decision 392):
the family leaves the centre's waiting list (a place offered to it is freed for the next family),
the figures no longer count the decision, and the history says so.

Once the family is ready for contact, who may attend and the risk answers no longer change
(ATTENDEES_FIXED), but for an adult other than a parent taken off the referral (left out of the
file, with --reason): the family no longer agrees to them coming. That needs no court order: it is
announced to scheduling, and from then on the door refuses them NOT_PERMITTED and the day sheet no
longer expects them (decision 389). Adding someone, or naming them to do more or less than before
short of taking them off, needs a new referral. A child's date of birth typed wrongly is still corrected, the child keeping
its person_id, with --reason (required then): sessions completed from then on record the
child's age band by the corrected date; those completed before keep theirs. A child's name and
date of birth are corrected one at a time, each with its reason: both at once is another child,
who needs a new referral (CHILD_IDENTITY_FIXED). A child whose name or date of birth changes is
matched again, as at submission, and a possible duplicate is flagged (decision 194). A case accepted or
waitlisted for escorted contact keeps "the children may leave the centre"
(CHILDREN_STAY_IN_CENTRE): end it or withdraw the referral, and refer the family again for
contact at the centre with the new answer. Otherwise a changed answer reaches the day sheet's
children-may-leave-centre alert, on the sessions already booked too.

A closed referral (declined, withdrawn, or its case ended) is corrected, not amended: a person may
have inaccurate personal data about them put right for as long as the record is kept. Only the
personal details of the people already on it change (names, dates of birth, contact details,
languages, relationships, a child's needs, the referrer's details), and --reason says why; the
correction is recorded with who made it. Nothing the centre decided on changes, and the referral
stays closed: who is on it, roles and permissions, the risk answers and notes, court orders,
agencies, the reason for referral and availability as given, consent and whether the children may
leave the centre are refused (CORRECTION_ONLY, naming the fields); if the family needs the centre
again, refer it again. An erased family has nothing left to correct (FAMILY_ERASED).

An open referral whose every child, as amended, comes of age for contact within 26 weeks is warned
of on standard error, as at submission (decision 416): from the first day of the month of the
youngest's 18th birthday no session can be booked. Under --json it is also in the JSON, beside
the referral's fields, as children_come_of_age_on (a date), present only when given.

The amended referral's adults are matched again, as at submission (decision 357):

` + sameAdultHelp,
		Example: `  familytime referral amend $REFERRAL --centre $CENTRE --file amended.yaml --expected-version 3
  familytime referral amend $REFERRAL --centre $CENTRE --file corrected.yaml --expected-version 7 \
    --reason "The resident parent's surname was misspelt"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			referral, centre, err := r.target(args)
			if err != nil {
				return err
			}
			if expected < 0 {
				return fmt.Errorf("--expected-version must be 0 or more, not %d", expected)
			}
			req := &referralv1.AmendReferralRequest{}
			if err := readRequestFile(cmd.InOrStdin(), file, req); err != nil {
				return err
			}
			if err := sameTarget(file, req.ReferralId, referral, req.CentreId, centre); err != nil {
				return err
			}
			req.ReferralId, req.CentreId = referral, centre
			if cmd.Flags().Changed("expected-version") {
				if current {
					return fmt.Errorf("--expected-version and --whatever-is-current say opposite things: give one")
				}
				req.ExpectedVersion = expected
			}
			if current {
				req.ExpectedVersion = 0 // the file's version too: amend as it now stands, knowingly (review 19)
			}
			if req.ExpectedVersion == 0 && !current {
				// An amendment replaces the details whole: made on a copy read before a colleague's
				// change, it silently undoes that change (review 16). The version read says so.
				return fmt.Errorf("say which version of the referral the file was made from: --expected-version N " +
					"(familytime referral family prints it with the details), so that a change made since is refused, not undone; " +
					"--whatever-is-current amends the referral as it now stands")
			}
			if cmd.Flags().Changed("reason") {
				req.CorrectionReason = why
			}
			if req.RequestId, err = fileRequestID(&request, req.RequestId, file); err != nil {
				return err
			}
			return r.mutation(cmd, &out, func(c referralv1.ReferralServiceClient) (*referralv1.Referral, error) {
				resp, err := c.AmendReferral(cmd.Context(), req)
				warnSameAdult(cmd, centre, resp.GetReferral()) // review 67: the one who typed the number in is told
				warnComeOfAge(cmd, resp.GetChildrenComeOfAgeOn(), referral, centre)
				out.beside("children_come_of_age_on", resp.GetChildrenComeOfAgeOn())
				return resp.GetReferral(), err
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&file, "file", "f", "", "the amendment: a JSON or YAML AmendReferralRequest (- reads standard input)")
	f.Int64Var(&expected, "expected-version", 0, "the referral's version the file was made from (from show); default: the file's expected_version")
	f.BoolVar(&current, "whatever-is-current", false, "amend the referral as it now stands, whatever changed since the file was made")
	f.StringVar(&why, "reason", "", "why the details change; needed to correct a closed referral's personal details (default: the file's correction_reason)")
	request.register(f)
	out.register(f)
	_ = cmd.MarkFlagRequired("file")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml", "json")
	return cmd
}

// sameTarget refuses a file that names another referral or centre than the command line.
func sameTarget(file, fileReferral, referral, fileCentre, centre string) error {
	if fileReferral != "" && !strings.EqualFold(fileReferral, referral) {
		return fmt.Errorf("%s names referral %s but the command names %s", file, fileReferral, referral)
	}
	if fileCentre != "" && !strings.EqualFold(fileCentre, centre) {
		return fmt.Errorf("%s names centre %s but --centre is %s", file, fileCentre, centre)
	}
	return nil
}

// fileRequestID is the request id to send: --request-id, else the file's request_id (so sending
// the same file again is a safe retry), else a new one.
func fileRequestID(flag *requestID, inFile, file string) (string, error) {
	if flag.id != "" && inFile != "" && !strings.EqualFold(flag.id, inFile) {
		return "", fmt.Errorf("%s has request_id %s but --request-id is %s", file, inFile, flag.id)
	}
	if flag.id == "" && inFile != "" {
		flag.id = inFile
	}
	return flag.value()
}

// submitNamespace is the namespace of the request ids submit makes from a file's content.
var submitNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://familytime.invalid/cli/referral/submit"))

// contentRequestID is the request id of a referral sent without one: a name-based UUID of the
// request (its centre in it) and the account that sends it, in lower case as the services take it
// (platform/command's fingerprint). The same file sent again by the same account to the same centre
// is then the same request, answered what was recorded the first time, while another account
// sending the same file is not refused for reusing someone else's id. The request is marshalled
// deterministically, without a request id.
func contentRequestID(subject string, req *referralv1.SubmitReferralRequest) (string, error) {
	without := proto.Clone(req).(*referralv1.SubmitReferralRequest)
	without.RequestId = ""
	body, err := proto.MarshalOptions{Deterministic: true}.Marshal(without)
	if err != nil {
		return "", fmt.Errorf("read the referral: %w", err)
	}
	var name []byte
	for _, part := range [][]byte{[]byte(strings.ToLower(subject)), body} {
		name = binary.BigEndian.AppendUint64(name, uint64(len(part)))
		name = append(name, part...)
	}
	return uuid.NewSHA1(submitNamespace, name).String(), nil
}

// earlierReferral is what the centre may read of a possible duplicate of a referral just
// submitted, for submitNote: whether it is the centre's (another centre's is not found from here,
// decision 38), and, if so, where it stands. known is false when it could not be read (a
// referrer's token reads no referral).
type earlierReferral struct {
	known, here bool
	referral    *referralv1.Referral
}

// readEarlier reads each possible duplicate of r at r's centre (review 63 finding 3: the decline
// as a duplicate the warning named is refused for a closed referral or another centre's).
func readEarlier(ctx context.Context, c referralv1.ReferralServiceClient, r *referralv1.Referral) map[string]earlierReferral {
	out := map[string]earlierReferral{}
	for _, old := range r.GetPossibleDuplicateOf() {
		got, err := c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: old, CentreId: r.GetCentreId()})
		switch {
		case err == nil:
			out[old] = earlierReferral{known: true, here: true, referral: got.GetReferral()}
		case status.Code(err) == codes.NotFound:
			out[old] = earlierReferral{known: true}
		}
	}
	return out
}

// openReferral reports whether a referral in state s is open: not declined, withdrawn or ended.
func openReferral(s referralv1.ReferralState) bool {
	switch s {
	case referralv1.ReferralState_REFERRAL_STATE_DECLINED, referralv1.ReferralState_REFERRAL_STATE_WITHDRAWN,
		referralv1.ReferralState_REFERRAL_STATE_ENDED:
		return false
	}
	return true
}

// erasedRetryNote is what submit adds to FAMILY_ERASED when the request id was made from the file:
// the same file was sent before, as the family's referral, and that family was erased since, so
// this run is that request's retry and is answered nothing (review 64 finding 3, decision 348).
// The way on is a new request id, fresh, given ready to copy: "$(uuidgen)" gave an empty one
// where uuidgen is not installed, and the same request again (review 66 finding 2, decision 354).
func erasedRetryNote(fresh string) string {
	return "the same file was sent before: its request id is made from the file's content, the centre and your account, " +
		"so this is that earlier request, carried out then; the family it made was erased since, and that request's answer with it. " +
		"To refer the family again as a new referral, send it with a new request id, such as this one made now: --request-id " + fresh
}

// submitNote is what submit says, on standard error, beyond a retry's note: that an answer
// replayed for a request id made from the file is the referral the same file made before, and
// how to send a second one; and, for each possible duplicate (review 51: the flag was in the
// answer, and nothing said what to do with it), what to do if it is the same family: for an open
// referral at the centre, the command that declines this one as its duplicate; for a closed one,
// or one at another centre, which the service refuses to decline a referral as the duplicate of
// (review 63 finding 3), that the child was referred before (how the case stands or ended, for
// the centre's own) and the command that confirms the same child (referral same-child, decision
// 260). earlier is what the centre read of each (readEarlier); one it could not read is named
// with the command that shows it. One whose family was erased since (a replayed answer's,
// other_family_erased) is said to be so, with no command: nothing of an erased family is matched
// any more, and same-child is refused FAMILY_ERASED (review 66 finding 1, decision 354). Referral
// and person ids, the centre's, dates, states and commands only.
func submitNote(r *referralv1.Referral, derived bool, earlier map[string]earlierReferral) string {
	var lines []string
	if r.GetReplayed() && derived {
		lines = append(lines, "the same file was sent before: its request id is made from the file's content, the centre and your "+
			"account, so this is the referral recorded then, not a new one; to submit a second referral with the same content, "+
			"send it with a new request id, such as this one made now: --request-id "+uuid.NewString())
	}
	id, centre := r.GetReferralId(), r.GetCentreId()
	for _, old := range r.GetPossibleDuplicateOf() {
		if erasedSince(r, old) {
			lines = append(lines, fmt.Sprintf("referral %s was flagged as a possible duplicate of referral %s, of a family since erased: "+
				"nothing of an erased family is matched any more, and there is nothing to do about it", id, old))
			continue
		}
		line := fmt.Sprintf("warning: referral %s may duplicate referral %s (a child on it may be a child on that one): ", id, old)
		e := earlier[old]
		confirm := func() string {
			child := "CHILD_PERSON_ID"
			for _, d := range r.GetPossibleDuplicates() {
				if d.GetReferralId() == old && d.GetChildPersonId() != "" {
					child = d.GetChildPersonId()
					break
				}
			}
			return fmt.Sprintf("if it is the same child, confirm it (the national figures then count the child once): "+
				"familytime referral same-child %s --centre %s --child %s --other %s", id, centre, child, old)
		}
		switch {
		case !e.known:
			line += fmt.Sprintf("check them (familytime referral show %s --centre %s)", id, centre)
		case !e.here:
			line += "it is a referral at another centre, so this one is not declined as its duplicate (see familytime referral show " +
				id + " --centre " + centre + " for why it is flagged); " + confirm()
		case openReferral(e.referral.GetState()):
			line += fmt.Sprintf("check them (familytime referral show %s --centre %s); if it is the same family referred again, decline it "+
				"as that one's duplicate: familytime referral decline %s --centre %s --reason duplicate --duplicate-of %s",
				id, centre, id, centre, old)
		default:
			was := stateName(e.referral.GetState())
			if o := e.referral.GetOutcome(); o != referralv1.CaseOutcome_CASE_OUTCOME_UNSPECIFIED {
				was = "ended (" + outcomeName(o) + ")"
				if on := e.referral.GetEndedOn(); on != nil {
					was += " on " + dateString(on)
				}
			}
			line += fmt.Sprintf("that one is %s, so the child is referred again, not in duplicate (check them: familytime referral show "+
				"%s --centre %s); %s", was, old, centre, confirm())
		}
		for _, d := range r.GetPossibleDuplicates() {
			if d.GetReferralId() == old && d.GetEndedForSafetyOn() != nil && d.GetSafetyEndingWeighedOn() == nil {
				// Decision 347: the lead weighs it before the family is accepted or waitlisted.
				line += fmt.Sprintf("; its case ended for safety on %s: the centre's safeguarding lead weighs that ending before this "+
					"family is accepted or waitlisted (familytime referral check-duplicate %s --centre %s --other %s --note ...)",
					dateString(d.GetEndedForSafetyOn()), id, centre, old)
				break
			}
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// erasedSince reports whether r's possible duplicate old is of a family erased since it was
// flagged (PossibleDuplicate.other_family_erased, decision 348).
func erasedSince(r *referralv1.Referral, old string) bool {
	for _, d := range r.GetPossibleDuplicates() {
		if d.GetReferralId() == old && d.GetOtherFamilyErased() {
			return true
		}
	}
	return false
}

// readRequestFile reads a request message from a JSON or YAML file (- is standard input). JSON
// is read by protojson, so the file's format is the API's: .proto field names (or their JSON
// names) and enum value names. YAML is the same document written as YAML. Unknown fields are
// refused, so a misspelt field is not silently dropped. Its refusals are of --file (flagFault).
func readRequestFile(stdin io.Reader, path string, m proto.Message) (err error) {
	defer func() {
		if err != nil {
			err = &flagFault{flag: "--file", reason: ReasonFileInvalid, err: err}
		}
	}()
	in := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("read the request file: %w", err)
		}
		defer f.Close()
		in = f
	}
	// Read no more than the platform takes: a file the size of a disk is refused, not loaded.
	b, err := io.ReadAll(io.LimitReader(in, maxRequestFile+1))
	if err != nil {
		return fmt.Errorf("read the request file: %w", err)
	}
	if len(b) > maxRequestFile {
		return fmt.Errorf("%s is larger than %d MiB: a request is far smaller (its longest texts are 4,000 characters)", path, maxRequestFile>>20)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return fmt.Errorf("%s is empty", path)
	}
	isJSON := strings.EqualFold(filepath.Ext(path), ".json") || (path == "-" && bytes.TrimSpace(b)[0] == '{')
	if !isJSON {
		if b, err = yamlToJSON(b); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := protojson.Unmarshal(b, m); err != nil {
		msg := strings.TrimSpace(strings.TrimPrefix(err.Error(), "proto:"))
		if !isJSON { // positions are in the JSON made from the YAML, not in the file
			msg = strings.TrimPrefix(jsonPosition.ReplaceAllString(msg, ": "), ": ")
		}
		msg = withoutValues(strings.TrimSpace(strings.ReplaceAll(msg, "\u00a0", " ")))
		if strings.Contains(msg, "invalid value for enum") {
			msg += " (enum values are written in full, as in the .proto: REFERRAL_SOURCE_SOLICITOR, ADULT_ROLE_RESIDENT_PARENT)"
		}
		return fmt.Errorf("%s is not a valid %s: %s", path, m.ProtoReflect().Descriptor().Name(), msg)
	}
	return nil
}

// withoutValues takes out of protojson's words the value it quotes: a request file holds people's
// names, phones and addresses, and a value written in the wrong kind (a phone left unquoted in
// YAML is a number) would otherwise be repeated on the screen and in whatever collects the
// command's output. The field's name says where to look; punctuation out of place is kept, as
// it is no one's data.
func withoutValues(msg string) string {
	if m := protojsonValue.FindStringSubmatchIndex(msg); m != nil {
		return msg[:m[3]] + ": the value is not of that kind (in YAML a phone number or other digits meant as text go in quotes)"
	}
	if m := protojsonToken.FindStringSubmatch(msg); m != nil && !strings.ContainsAny(m[1][:1], "[]{},:") {
		return strings.TrimSuffix(msg, m[0]) + "unexpected value (is a comma, quote or bracket missing before it?)"
	}
	for _, prefix := range []string{"duplicate map key ", "invalid value "} {
		if i := strings.Index(msg, prefix); i >= 0 {
			return msg[:i] + strings.TrimSpace(prefix)
		}
	}
	return msg
}

var (
	protojsonValue = regexp.MustCompile(`(invalid value for [^:]+?): .*$`)
	protojsonToken = regexp.MustCompile(`unexpected token (.+)$`)
)

// maxRequestFile is the largest request file read: the platform's gRPC servers take messages of
// up to 4 MiB.
const maxRequestFile = 4 << 20

var jsonPosition = regexp.MustCompile(`\s*\(line \d+:\d+\):?\s*`)

// yamlToJSON turns a YAML document into the JSON document it stands for.
func yamlToJSON(b []byte) ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	if doc == nil {
		return nil, errors.New("holds no document")
	}
	v, err := jsonValue(doc, "")
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// jsonValue converts what yaml decodes into what encoding/json encodes: maps keyed by text.
func jsonValue(v any, path string) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			c, err := jsonValue(e, path+"."+k)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			key, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("%s: the key %v is not a field name", strings.TrimPrefix(path, "."), k)
			}
			c, err := jsonValue(e, path+"."+key)
			if err != nil {
				return nil, err
			}
			out[key] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			c, err := jsonValue(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case time.Time:
		return v.Format(time.RFC3339), nil
	default:
		return v, nil
	}
}
