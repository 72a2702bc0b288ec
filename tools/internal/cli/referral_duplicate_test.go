package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 49 (M4): the older referral of a child said "possible duplicate of: -" while a later one
// at the centre was flagged as its duplicate. show names the referrals that flagged it, and list
// has them in its column while they stand (decision 281).
func TestAReferralShowsTheReferralsThatFlaggedIt(t *testing.T) {
	open, closed := uuid.NewString(), uuid.NewString()
	r := &referralv1.Referral{CentreId: uuid.NewString(), State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED,
		FlaggedAsDuplicateOn: []*referralv1.DuplicateFlaggedOn{
			{ReferralId: open, Match: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE},
			{ReferralId: closed, Match: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_YEAR, NoLongerStands: true}}}
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, r))
	shown := strings.Join(strings.Fields(out.String()), " ")
	require.Contains(t, shown, "possible duplicate of: -")
	require.Contains(t, shown, "flagged as a possible duplicate on: "+open+" (a child with the same name and date of birth), "+
		closed+" (a child with the same name, born the same year on another date; no longer stands: it is closed, and no "+
		"safeguarding hold, domestic-abuse finding or disclosure stands on it now)")
	require.Equal(t, short(open), possibleDuplicates(r), "the list names the one standing")

	out.Reset()
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString()}))
	require.NotContains(t, out.String(), "flagged as a possible duplicate on", "said only when there is one")
}

// Review 49 (M4): an erasure at the family's request said nothing of the Cafcass referral flagged
// as its child's duplicate, which kept the same parents' details. erase names each such referral,
// its family and centre, and the command that erases it, on standard error (decision 281).
func TestAnErasureNamesTheDuplicatesItDidNotErase(t *testing.T) {
	require.Empty(t, notErasedText(nil, "requested"))
	ref, family, centre := uuid.NewString(), uuid.NewString(), uuid.NewString()
	text := notErasedText([]*referralv1.DuplicateNotErased{{ReferralId: ref, FamilyId: family, CentreId: centre}}, "requested")
	require.Contains(t, text, "NOT ERASED: 1 other referral(s) were flagged as possible duplicates of this family's")
	require.Contains(t, text, "referral "+ref+" (family "+family+", centre "+centre+"): familytime referral erase "+family+
		" --centre "+centre+" --reason requested")
	require.Contains(t, text, "another person's record")
}

// --reason duplicate names the referral it duplicates, and --duplicate-of goes with it only.
func TestDeclineAsADuplicateNamesTheReferral(t *testing.T) {
	noDev := t.TempDir()
	ref, centre := uuid.NewString(), uuid.NewString()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--reason", "duplicate"}, "--reason duplicate needs --duplicate-of"},
		{[]string{"--reason", "out-of-area", "--duplicate-of", uuid.NewString()}, "--duplicate-of is given only with --reason duplicate"},
		{[]string{"--reason", "duplicate", "--duplicate-of", "R1"}, `--duplicate-of "R1" is not a referral id (a UUID)`},
	} {
		_, err := run(t, append([]string{"referral", "decline", ref, "--centre", centre, "--data", noDev}, c.args...)...)
		require.ErrorContains(t, err, c.want)
		require.NotContains(t, err.Error(), "no running familytime dev found", "refused before looking for a platform")
	}
	help, err := run(t, "referral", "decline", "--help")
	require.NoError(t, err)
	require.Contains(t, help, "--duplicate-of")
	require.Contains(t, help, "duplicate")
}
