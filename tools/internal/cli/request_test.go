package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 66 finding 2: an empty --request-id (--request-id "$(uuidgen)" where uuidgen is not
// installed) was taken as not given, so submit made the same id from the file again and was
// refused FAMILY_ERASED with the same advice. Every command's --request-id refuses an empty
// value, FLAG_INVALID, before looking for a platform.
func TestAnEmptyRequestIDIsRefused(t *testing.T) {
	noDev := t.TempDir()
	centre, ref := uuid.NewString(), uuid.NewString()
	var with []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if f := c.Flags().Lookup("request-id"); f != nil {
			_, shared := f.Value.(*requestID)
			require.True(t, shared, "%s: --request-id is the shared requestID", c.CommandPath())
			require.Equal(t, "string", f.Value.Type())
			with = append(with, c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRoot())
	require.Greater(t, len(with), 20, "the mutating commands: %v", with)

	for _, args := range [][]string{
		{"referral", "submit", "--centre", centre, "--file", exampleFile, "--request-id", ""},
		{"referral", "submit", "--centre", centre, "--file", exampleFile, "--request-id="},
		{"referral", "waitlist", ref, "--centre", centre, "--request-id", ""},
		{"referral", "erase", ref, "--centre", centre, "--reason", "requested", "--request-id="},
		{"centre", "update", centre, "--status", "suspended", "--request-id", ""},
	} {
		out, err := execute(t, append(args, "--json", "--data", noDev)...)
		require.ErrorContains(t, err, "--request-id is empty: give a UUID", "%v", args)
		require.NotContains(t, err.Error(), "no running familytime dev found", "refused before looking for a platform")
		f := failureOf(t, out)
		require.Equal(t, "InvalidArgument", f.Code, "%v", args)
		require.Equal(t, ReasonFlagInvalid, f.Reason, "%v", args)
		require.Len(t, f.Fields, 1)
		require.Equal(t, "--request-id", f.Fields[0].Field)
	}

	var r requestID
	require.NoError(t, r.Set("5e0f3f4e-5a39-4f1e-9f55-0c2f1b6c3d11"))
	id, err := r.value()
	require.NoError(t, err)
	require.Equal(t, "5e0f3f4e-5a39-4f1e-9f55-0c2f1b6c3d11", id)
	id, err = (&requestID{}).value()
	require.NoError(t, err)
	require.NotEmpty(t, id, "not given: a new one")
}

// Review 66 finding 2: the way on after a replayed or erased request is a new request id the
// CLI makes, ready to copy, not "$(uuidgen)", which needs a tool not every machine has; and a new
// one each time.
func TestSubmitsAdviceGivesANewRequestIDReadyToCopy(t *testing.T) {
	fresh := regexp.MustCompile(`--request-id ([0-9a-f-]{36})$`)
	note := erasedRetryNote(uuid.NewString())
	require.NotContains(t, note, "uuidgen")
	require.Regexp(t, fresh, note)

	r := &referralv1.Referral{ReferralId: uuid.NewString(), CentreId: uuid.NewString(), Replayed: true}
	first, second := submitNote(r, true, nil), submitNote(r, true, nil)
	require.NotContains(t, first, "uuidgen")
	m := fresh.FindStringSubmatch(first)
	require.NotNil(t, m, first)
	_, err := uuid.Parse(m[1])
	require.NoError(t, err)
	require.NotEqual(t, first, second, "a new id each time")
	require.Empty(t, submitNote(r, false, nil), "an id given is not the file's: no note")
}

// Review 66 finding 1: a replayed submit whose possible duplicate's family was erased since
// (other_family_erased) said to confirm the same child, which is refused FAMILY_ERASED. It says
// the family was erased and gives no command, while a duplicate whose family stands is unchanged.
func TestSubmitsWarningGivesNoCommandForADuplicateOfAnErasedFamily(t *testing.T) {
	erased, kept := uuid.NewString(), uuid.NewString()
	r := &referralv1.Referral{ReferralId: uuid.NewString(), CentreId: uuid.NewString(), Replayed: true,
		PossibleDuplicateOf: []string{erased, kept}, PossibleDuplicates: []*referralv1.PossibleDuplicate{
			{ReferralId: erased, ChildPersonId: uuid.NewString(), OtherFamilyErased: true},
			{ReferralId: kept, ChildPersonId: uuid.NewString(), Match: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE},
		}}
	closed := earlierReferral{known: true, here: true, referral: &referralv1.Referral{State: referralv1.ReferralState_REFERRAL_STATE_WITHDRAWN}}
	note := submitNote(r, false, map[string]earlierReferral{erased: closed, kept: closed})
	lines := strings.Split(note, "\n")
	require.Len(t, lines, 2, note)
	require.Equal(t, "referral "+r.GetReferralId()+" was flagged as a possible duplicate of referral "+erased+", of a family since erased: "+
		"nothing of an erased family is matched any more, and there is nothing to do about it", lines[0])
	require.NotContains(t, lines[0], "familytime")
	require.Contains(t, lines[1], "warning: referral "+r.GetReferralId()+" may duplicate referral "+kept)
	require.Contains(t, lines[1], "familytime referral same-child "+r.GetReferralId()+" --centre "+r.GetCentreId()+" --child "+
		r.GetPossibleDuplicates()[1].GetChildPersonId()+" --other "+kept)
}
