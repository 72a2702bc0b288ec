package cli

import (
	"io"

	"github.com/spf13/cobra"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// standingCommand is the referrer's one read (review 49, decision 291): where a referral they
// submitted stands, and nothing of the family.
func (r *referralCommand) standingCommand() *cobra.Command {
	var out output
	cmd := &cobra.Command{
		Use:   "standing REFERRAL_ID",
		Short: "Where a referral you submitted stands (for its referrer: a solicitor, Cafcass, a parent)",
		Long: `standing tells the referrer who submitted a referral where it stands: waiting for the other
parent's application, received, accepted, on the waiting list, declined (with the category of its
reason) or withdrawn. It says nothing more: not the family's people, the children's ages, the risk,
the other parent's answers nor any note. What follows acceptance (pre-visits, contact, the case's
end) reads as accepted. A decline for risk, or for needs the centre cannot meet, reads as "not
suitable"; the centre's coordinator answers questions about it.

Only the account that submitted the referral is told, with a referrer's token for the centre
(familytime token --role referrer --centre <centre id> --subject <your account>); any other
referrer is answered "not found", as for an id that is not there. Staff read the referral itself (familytime referral show).`,
		Example: `  familytime referral standing $REFERRAL --centre $CENTRE
  familytime referral standing $REFERRAL --centre $CENTRE --json | jq -r .state`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			referral, centre, err := r.target(args)
			if err != nil {
				return err
			}
			var got *referralv1.ReferralStanding
			if err := r.call(cmd, func(c referralv1.ReferralServiceClient) error {
				resp, err := c.GetReferralStanding(cmd.Context(), &referralv1.GetReferralStandingRequest{ReferralId: referral, CentreId: centre})
				got = resp.GetStanding()
				return err
			}); err != nil {
				return err
			}
			return printStanding(stdout(cmd), &out, got)
		},
	}
	out.register(cmd.Flags())
	return cmd
}

// printStanding shows where a referral stands as its referrer is told; or, with --json, the
// ReferralStanding message.
func printStanding(w io.Writer, out *output, s *referralv1.ReferralStanding) error {
	return out.one(escaped(w), s, [][2]string{{"referral", s.GetReferralId()}, {"standing", standingWords(s)}})
}

// standingWords says where a referral stands, in a referrer's words.
func standingWords(s *referralv1.ReferralStanding) string {
	switch s.GetState() {
	case referralv1.StandingState_STANDING_STATE_WAITING_FOR_OTHER_PARENT:
		return "waiting for the other parent's application (give them the referral's id and the centre's)"
	case referralv1.StandingState_STANDING_STATE_RECEIVED:
		return "received by the centre, which has not yet decided on it"
	case referralv1.StandingState_STANDING_STATE_ACCEPTED:
		// An ended case reads as accepted too (decision 303: a parent referrer is not told contact
		// stopped): say where to ask, so nobody reads it as contact still going on (review 53).
		return "accepted by the centre (ask its coordinator how contact is going)"
	case referralv1.StandingState_STANDING_STATE_WAITLISTED:
		return "on the centre's waiting list: the centre would accept the family but is full"
	case referralv1.StandingState_STANDING_STATE_DECLINED:
		return "declined: " + declinedWords(s.GetDeclineReason())
	case referralv1.StandingState_STANDING_STATE_WITHDRAWN:
		return "withdrawn before contact began"
	}
	return "not known (" + s.GetState().String() + ")"
}

// declinedWords says why a referral was declined, as its referrer is told.
func declinedWords(d referralv1.StandingDeclineReason) string {
	switch d {
	case referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NOT_SUITABLE:
		return "not suitable: the centre cannot offer the contact the family needs"
	case referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_REDIRECTED:
		return "redirected: passed to another centre that offers what the family needs"
	case referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_OUT_OF_AREA:
		return "out of area: the family lives too far from the centre"
	case referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NO_AGREEMENT:
		return "no agreement: a party did not respond or would not agree the ground rules"
	}
	return "for another reason, which the centre's coordinator explains"
}
