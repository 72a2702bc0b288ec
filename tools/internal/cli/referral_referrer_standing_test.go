package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 49: a referrer was told nothing of their referral after submitting it. referral standing
// says where it stands in a referrer's words, and --json gives the message.
func TestAReferrerIsShownWhereTheirReferralStands(t *testing.T) {
	ref := uuid.NewString()
	shown := func(s *referralv1.ReferralStanding, json bool) string {
		var out bytes.Buffer
		require.NoError(t, printStanding(&out, &output{json: json}, s))
		return strings.Join(strings.Fields(out.String()), " ")
	}
	for state, want := range map[referralv1.StandingState]string{
		referralv1.StandingState_STANDING_STATE_WAITING_FOR_OTHER_PARENT: "waiting for the other parent's application",
		referralv1.StandingState_STANDING_STATE_RECEIVED:                 "received by the centre, which has not yet decided on it",
		referralv1.StandingState_STANDING_STATE_ACCEPTED:                 "accepted by the centre (ask its coordinator how contact is going)",
		referralv1.StandingState_STANDING_STATE_WAITLISTED:               "on the centre's waiting list",
		referralv1.StandingState_STANDING_STATE_WITHDRAWN:                "withdrawn before contact began",
	} {
		got := shown(&referralv1.ReferralStanding{ReferralId: ref, State: state}, false)
		require.Contains(t, got, "referral: "+ref)
		require.Contains(t, got, "standing: "+want)
	}
	require.Contains(t, shown(&referralv1.ReferralStanding{ReferralId: ref, State: referralv1.StandingState_STANDING_STATE_DECLINED,
		DeclineReason: referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NOT_SUITABLE}, false),
		"standing: declined: not suitable: the centre cannot offer the contact the family needs")
	require.Contains(t, shown(&referralv1.ReferralStanding{ReferralId: ref, State: referralv1.StandingState_STANDING_STATE_DECLINED,
		DeclineReason: referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_OTHER}, false),
		"standing: declined: for another reason, which the centre's coordinator explains")

	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(shown(&referralv1.ReferralStanding{ReferralId: ref,
		State: referralv1.StandingState_STANDING_STATE_DECLINED, DeclineReason: referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_OUT_OF_AREA}, true)), &got))
	require.Equal(t, map[string]any{"referral_id": ref, "state": "STANDING_STATE_DECLINED", "decline_reason": "STANDING_DECLINE_REASON_OUT_OF_AREA"}, got)

	help := newReferralCommand()
	help.SetArgs([]string{"standing", "--help"})
	var out bytes.Buffer
	help.SetOut(&out)
	require.NoError(t, help.Execute())
	require.Contains(t, out.String(), `referrer is answered "not found"`)
}
