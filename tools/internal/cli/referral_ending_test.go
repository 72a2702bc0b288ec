package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 35 ended the wrong family's case with no note, and nothing said what ending does. `end`
// needs --note, and its help says that ending cancels the family's future bookings and takes it
// off the waiting list; `correct-ending` and `reopen` say what they do and do not undo, and a
// reopening's answer says that the cancelled bookings must be made again and the waiting list
// was not restored.
func TestEndingSaysWhatItDoesAndTheWayBack(t *testing.T) {
	help := func(command string) string {
		out, err := run(t, "referral", command, "--help")
		require.NoError(t, err)
		return strings.Join(strings.Fields(out), " ")
	}
	end := help("end")
	require.Contains(t, end, "cancels the family's future bookings")
	require.Contains(t, end, "takes the family off the waiting list")
	require.Contains(t, end, "familytime referral correct-ending")
	require.Contains(t, end, "familytime referral reopen")
	_, err := run(t, "referral", "end", "8b0c4fc7-0c63-4b8f-9d55-3e0a1c0e7a10", "--centre", "d44f0226-4e98-4a48-b135-2955f2354e0c",
		"--outcome", "withdrawn")
	require.ErrorContains(t, err, `required flag(s) "note" not set`)

	correct := help("correct-ending")
	require.Contains(t, correct, "a new record pointing at the ending")
	require.Contains(t, correct, "in the period the case ended")
	reopen := help("reopen")
	require.Contains(t, reopen, "within 28 days")
	require.Contains(t, reopen, "must be booked again")
	require.Contains(t, reopen, "not put back on the waiting list")
	for _, command := range []string{"correct-ending", "reopen"} {
		_, err := run(t, "referral", command, "8b0c4fc7-0c63-4b8f-9d55-3e0a1c0e7a10", "--centre", "d44f0226-4e98-4a48-b135-2955f2354e0c")
		require.ErrorContains(t, err, `"note"`, command)
	}

	r := &referralv1.Referral{ReferralId: "R", FamilyId: "F", CentreId: "C", State: referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT}
	require.Equal(t, "reopened: the bookings cancelled when the case ended stay cancelled and must be booked again "+
		"(familytime schedule book --centre C --family F ...); the family was not put back on the waiting list "+
		"(familytime schedule waitlist join --centre C --family F, if it should wait for a place)", reopenNote(r))
	r.State = referralv1.ReferralState_REFERRAL_STATE_SUSPENDED
	require.Contains(t, reopenNote(r), "a safeguarding hold in force suspends the case: nothing is booked until it is lifted")
}
