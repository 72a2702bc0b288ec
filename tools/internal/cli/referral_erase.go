package cli

import (
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// erasureReasons are the --reason words of erase. ERASURE_REQUESTED reads "requested" here: the
// flag's name already says what was requested.
var erasureReasons = map[string]referralv1.ErasureReason{
	"retention-ended": referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED,
	"requested":       referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED,
}

func (r *referralCommand) eraseCommand() *cobra.Command {
	var (
		out        output
		request    requestID
		reasonFlag string
	)
	cmd := &cobra.Command{
		Use:   "erase FAMILY_ID --reason retention-ended|requested",
		Short: "Erase a family's personal data for good (administrators; cannot be undone)",
		Long: `erase erases a family's personal data: every service that holds the family's data key destroys it,
so the names, dates of birth, contact details and notes in the family's records, in the databases
and on the event bus alike, can never be read again, and a new referral is no longer matched
to the family's children. IT CANNOT BE UNDONE: no one, not even an administrator, can bring the
data back.

What stays: the family's ids, dates and categories, the hash chains of its history, the national
figures, and the record of the erasure itself (who erased the family, when, and why).

--reason says why, from a list and in no words of your own (they would outlive the erasure):
retention-ended (the retention period for the family's records ended) or requested (a person
asked for their data to be erased and the request was upheld). The retention is checked, not taken
on your word (decision 322): the records are kept 6 years after the case closed (the day it was
declined, withdrawn or ended) and, with a safeguarding concern about the family on record, until
the youngest child named on the referral is 25 (to the end of the birth month) if that is later;
retention-ended before then is refused RETENTION_NOT_ENDED, saying the last day they are kept and
why, and nothing is recorded. The family's case must be
closed first (declined, withdrawn or ended), safeguarding must have no concern open and no hold in
force about it (SAFEGUARDING_OPEN), every observation report of its supervised sessions must be
released to its distribution list (REPORT_NOT_RELEASED, naming the reports: familytime safeguarding
report open lists them), and none of its sessions may be under way (someone checked
in today and the session not completed, even if its booking was cancelled: SESSION_UNDER_WAY,
since the staff need the names of who may collect the children until they have gone; erase from
the next day). Domestic abuse disclosed on the family's referral, or carried to it from an earlier
referral of its child, must have been weighed: the safeguarding lead's screen without a finding,
or a risk assessment of the family (familytime safeguarding risk); until then DISCLOSURE_NOT_WEIGHED,
since once erased a later referral of the child could no longer be matched to it. A request
(--reason requested) does not end the retention of safeguarding records: a family with a
safeguarding concern on record, open or closed, is refused SAFEGUARDING_RECORDS_KEPT (saying how
many went to the local authority or the police, and the last day the records are kept); tell the
person who asked that those records are kept, why and until when. A family is erased once, with
one exception: a family erased at its request while safeguarding kept its records (a concern
raised in the same moment) is erased again with --reason retention-ended once those records'
retention ends, and safeguarding's records then go too (decision 408).
Only the family named is erased: the other referrals flagged as possible duplicates of its referral
(another referral of the same child, by another referrer) keep their families' details, and erase
names them on standard error (referral, family and centre ids), each closed one with the command
that erases its family, and each still open with the commands its centre closes it by first (an
open case's family is refused CASE_OPEN). Another family may be another
person's record (the other parent's): check with the centre's coordinator what the request covers,
and erase each family it covers too (decisions 281 and 348).
Erasing is for the national
body's administrators: with familytime dev, the default token is one.`,
		Example: `  familytime referral erase $FAMILY --centre $CENTRE --reason requested --request-id $REQUEST
  familytime referral erase $FAMILY --centre $CENTRE --reason retention-ended   # once the retention ended`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			centre, err := r.centreID()
			if err != nil {
				return err
			}
			family := args[0]
			if _, err := uuid.Parse(family); err != nil {
				return fmt.Errorf("family id %q is not a UUID", family)
			}
			reasonWord := strings.ToLower(strings.TrimSpace(reasonFlag))
			reason, ok := erasureReasons[reasonWord]
			if !ok {
				return fmt.Errorf("--reason %q is not one of: retention-ended, requested", reasonFlag)
			}
			id, err := request.value()
			if err != nil {
				return err
			}
			cc, err := dial(&r.conn, "referral")
			if err != nil {
				return err
			}
			defer cc.Close()
			resp, err := referralv1.NewReferralServiceClient(cc).EraseFamily(cmd.Context(), &referralv1.EraseFamilyRequest{
				RequestId: id, FamilyId: family, CentreId: centre, Reason: reason})
			if status.Code(err) == codes.PermissionDenied && !r.referrer() {
				return fmt.Errorf(`%w
(erasing a family is for the national body's administrators; with familytime dev:
  --token "$(familytime token --role admin)")`, describe(err))
			}
			if status.Code(err) == codes.NotFound {
				// Review 75: given the referral's id (which most referral commands take), it said
				// only "family not found".
				if rf, ok := r.describe(err).(*refusal); ok {
					// Review 78 (L6): a family of another centre is not found either; both are said.
					rf.text += "; referral erase takes the family's id (not the referral's) and the centre the family is " +
						"referred to (--centre): the family is on referral show REFERRAL --centre " + centre + " (family)"
					return rf
				}
			}
			if err != nil {
				return r.describe(err) // a referrer is told what a referrer does
			}
			// Said on standard error, as a warning is, so that --json stays the referral alone.
			fmt.Fprint(cmd.ErrOrStderr(), notErasedText(resp.GetDuplicatesNotErased(), reasonWord))
			w := stdout(cmd)
			if err := printReferral(w, &out, resp.GetReferral()); err != nil || out.json {
				return err
			}
			_, err = fmt.Fprintf(w, "\nThe family's personal data is erased (%s): its keys are being destroyed now, and it cannot be undone.\n",
				dateString(resp.GetReferral().GetErasedOn()))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&reasonFlag, "reason", "", "why: retention-ended, requested")
	_ = cmd.MarkFlagRequired("reason")
	_ = cmd.RegisterFlagCompletionFunc("reason", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"retention-ended", "requested"}, cobra.ShellCompDirectiveNoFileComp
	})
	request.register(f)
	out.register(f)
	return cmd
}

// notErasedText tells the administrator of the other referrals flagged as possible duplicates of
// the erased family's, whose families' details were not erased (review 49: a family erased at its
// request left the same parents' details on the Cafcass referral of its child, unsaid), with the
// command that erases each; empty for none. Nothing is erased for them: another family id may be
// another person's record, for a person to decide (decision 281).
func notErasedText(others []*referralv1.DuplicateNotErased, reason string) string {
	if len(others) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "warning: NOT ERASED: %d other referral(s) were flagged as possible duplicates of this family's (a child matched), "+
		"and their families' personal details are kept:\n", len(others))
	for _, o := range others {
		fmt.Fprintf(&b, "  referral %s (family %s, centre %s): ", o.GetReferralId(), o.GetFamilyId(), o.GetCentreId())
		if s := o.GetState(); s != referralv1.ReferralState_REFERRAL_STATE_UNSPECIFIED && openReferral(s) {
			// Erasing it now would be refused CASE_OPEN (review 64 finding 2, decision 348).
			fmt.Fprintf(&b, "open (%s), so it is not erased until its centre %s; then familytime referral erase %s --centre %s --reason %s\n",
				stateName(s), closeFirst(s, o.GetReferralId(), o.GetCentreId()), o.GetFamilyId(), o.GetCentreId(), reason)
			continue
		}
		fmt.Fprintf(&b, "familytime referral erase %s --centre %s --reason %s\n", o.GetFamilyId(), o.GetCentreId(), reason)
	}
	b.WriteString("Each may be the same people under another family id, or another person's record (the other parent's): " +
		"check with the centre's coordinator what the request covers, and erase each family it covers too.\n")
	return b.String()
}

// closeFirst is what the centre of an open referral in state s does before its family can be
// erased, with the commands, as the service's CASE_OPEN refusal says it (domain.caseOpen).
func closeFirst(s referralv1.ReferralState, referral, centre string) string {
	decline := "familytime referral decline " + referral + " --centre " + centre + " --reason REASON"
	withdraw := "familytime referral withdraw " + referral + " --centre " + centre + " --by WHO"
	end := "familytime referral end " + referral + " --centre " + centre + " --outcome OUTCOME --note TEXT"
	switch s {
	case referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY, referralv1.ReferralState_REFERRAL_STATE_RECEIVED,
		referralv1.ReferralState_REFERRAL_STATE_SCREENED, referralv1.ReferralState_REFERRAL_STATE_WAITLISTED:
		return "declines or withdraws it (" + decline + ", or " + withdraw + ")"
	case referralv1.ReferralState_REFERRAL_STATE_ACCEPTED:
		return "withdraws it (" + withdraw + ")"
	case referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT:
		return "withdraws it or ends its case (" + withdraw + ", or " + end + ")"
	default: // in contact, or suspended by a hold
		return "ends its case (" + end + ")"
	}
}
