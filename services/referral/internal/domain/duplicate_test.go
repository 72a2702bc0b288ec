package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

func TestNormaliseName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Zoë Smith", "zoe smith"},
		{"  ZOË   SMITH ", "zoe smith"},
		{"Zoe\tSmith", "zoe smith"},
		{"Zoë O'Brien-Smith", "zoe obrien smith"},
		{"Zoë O’Brien Smith", "zoe obrien smith"},
		{"Søren Æbeltoft", "soren aebeltoft"},
		{"Jürgen Groß", "jurgen gross"},
		{"Siân Ní Bhriain", "sian ni bhriain"},
		{"ﬁona", "fiona"},
		{"Jo\u200dhn Smith", "john smith"}, // a joiner kept inside a word matches nothing new
		{"", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			require.Equal(t, tc.want, domain.NormaliseName(tc.in))
		})
	}
}

func TestDuplicateKey(t *testing.T) {
	dob := date(2019, 4, 2)
	require.Equal(t, domain.DuplicateKey("Zoë Smith", dob), domain.DuplicateKey(" zoe  SMITH", dob))
	require.NotEqual(t, domain.DuplicateKey("Zoë Smith", dob), domain.DuplicateKey("Zoë Smith", dob.AddDate(0, 0, 1)))
	require.NotEqual(t, domain.DuplicateKey("Zoë Smith", dob), domain.DuplicateKey("Zoë Smyth", dob))
	require.NotEqual(t, domain.DuplicateKey("ab c", dob), domain.DuplicateKey("a bc", dob), "word breaks count")
}

func TestFlagPossibleDuplicate(t *testing.T) {
	r, h := inState(t, domain.Received)
	other := uuid.New()
	child := r.Children()[0].ID
	h.ok(r.FlagPossibleDuplicate(child, other, exact, today))
	require.Equal(t, []uuid.UUID{other}, r.PossibleDuplicates())
	require.Nil(t, h.ok(r.FlagPossibleDuplicate(child, other, exact, today)), "flagged once")

	_, err := r.FlagPossibleDuplicate(uuid.New(), uuid.New(), exact, today)
	var invalid *domain.Invalid
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "child_person_id", invalid.Violations[0].Field)
	_, err = r.FlagPossibleDuplicate(child, r.ID(), exact, today)
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "other_referral_id", invalid.Violations[0].Field)

	_, err = r.FlagPossibleDuplicate(child, uuid.New(), referralv1.ChildMatch_CHILD_MATCH_UNSPECIFIED, today)
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "match", invalid.Violations[0].Field)

	// A farther match of the same referral adds nothing; a closer one is recorded (decision 200).
	similar := uuid.New()
	h.ok(r.FlagPossibleDuplicate(child, similar, referralv1.ChildMatch_CHILD_MATCH_SAME_FAMILY_NAME_AND_BIRTH_DATE, today))
	require.Nil(t, h.ok(r.FlagPossibleDuplicate(child, similar, referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_YEAR, today)))
	require.Equal(t, referralv1.ChildMatch_CHILD_MATCH_SAME_FAMILY_NAME_AND_BIRTH_DATE, r.Duplicates()[1].Match)
	h.ok(r.FlagPossibleDuplicate(child, similar, exact, today))
	require.Equal(t, []domain.PossibleDuplicate{{Other: other, Child: child, Match: exact}, {Other: similar, Child: child, Match: exact}}, r.Duplicates())

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, r.Duplicates(), rebuilt.Duplicates())
}

// A flag recorded before decision 200 says nothing of its match: it matched the same name and
// date of birth.
func TestAFlagWithoutItsMatchIsTheSameNameAndBirthDate(t *testing.T) {
	r, h := inState(t, domain.Received)
	other := uuid.New()
	events := append(h.events, &referralv1.PossibleDuplicateFlagged{ReferralId: r.ID().String(), FamilyId: r.FamilyID().String(),
		CentreId: r.CentreID().String(), ChildPersonId: r.Children()[0].ID.String(), OtherReferralId: other.String()})
	rebuilt, err := domain.Rebuild(r.ID(), events)
	require.NoError(t, err)
	require.Equal(t, []domain.PossibleDuplicate{{Other: other, Child: r.Children()[0].ID, Match: exact}}, rebuilt.Duplicates())
}

// The keys a child is matched on (decision 200): each close kind finds the child given another way,
// and no other child.
func TestMatchKeys(t *testing.T) {
	dob := date(2019, 4, 2)
	keys := func(name string, dob time.Time) map[referralv1.ChildMatch]string {
		out := map[referralv1.ChildMatch]string{}
		for _, k := range domain.MatchKeys(name, dob) {
			_, dup := out[k.Kind]
			require.False(t, dup, "one key of each kind")
			out[k.Kind] = string(k.Input)
		}
		return out
	}
	zoe := keys("Zoë Ann Smith", dob)
	require.Len(t, zoe, 5)
	require.Equal(t, string(domain.DuplicateKey("Zoë Ann Smith", dob)), zoe[exact], "the exact key is as before, so recorded hashes still match")
	same := func(a, b map[referralv1.ChildMatch]string) (kinds []referralv1.ChildMatch) {
		for k, v := range a {
			if b[k] == v {
				kinds = append(kinds, k)
			}
		}
		slices.Sort(kinds)
		return kinds
	}
	first := referralv1.ChildMatch_CHILD_MATCH_SAME_FIRST_NAME_AND_BIRTH_DATE
	family := referralv1.ChildMatch_CHILD_MATCH_SAME_FAMILY_NAME_AND_BIRTH_DATE
	year := referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_YEAR
	birthday := referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTHDAY
	for _, tc := range []struct {
		name string
		dob  time.Time
		want []referralv1.ChildMatch
	}{
		{"zoe ann SMITH", dob, []referralv1.ChildMatch{exact, first, family, year, birthday}},
		{"Zoë", dob, []referralv1.ChildMatch{first}},                           // the first name alone
		{"Zoë Jones", dob, []referralv1.ChildMatch{first}},                     // the other parent's surname
		{"Zoey Smith", dob, []referralv1.ChildMatch{family}},                   // another spelling
		{"Zoë Ann Smith", date(2019, 2, 4), []referralv1.ChildMatch{year}},     // day and month swapped
		{"Zoë Ann Smith", date(2018, 4, 2), []referralv1.ChildMatch{birthday}}, // the year mistyped
		{"Zoë Ann Smith", date(2018, 4, 3), nil},                               // another year and day
		{"Ann Smith-Zoë", dob, nil},                                            // words that only share letters
		{"Zoe Smith", date(2019, 4, 3), nil},                                   // another day and another name
		{"Amy Brown", dob, nil},                                                // another child born the same day
	} {
		require.Equal(t, tc.want, same(zoe, keys(tc.name, tc.dob)), tc.name)
	}
	// A name of one word is matched on the same name, or first name, and date of birth: a first
	// name with a year, or a day and month, would match too many children.
	require.Len(t, keys("Zoë", dob), 2)
	// No key of one kind is another kind's, even for a name chosen to make it so.
	odd := keys("CHILD_MATCH_SAME_FIRST_NAME_AND_BIRTH_DATE 2019", dob)
	for k, v := range odd {
		for k2, v2 := range odd {
			require.True(t, k == k2 || v != v2)
		}
	}
}

// Review 33 (decision 216): a finding cleared and made again was covered by a lead's check that
// weighed the first. A check weighs which finding stood (FindingsMade): one made again since is
// another, as a new hold is.
func TestALeadsCheckWeighsTheFindingThatStood(t *testing.T) {
	other, oh := screenedFor(t, supervisd, true)
	require.Equal(t, 1, other.FindingsMade(), "found at screening")
	r, h := inState(t, domain.Received)
	h.ok(r.FlagPossibleDuplicate(r.Children()[0].ID, other.ID(), exact, today))
	weighed := domain.Finding{Stands: true, Made: other.FindingsMade()}
	h.ok(r.CheckPossibleDuplicate(other.ID(), other.FamilyID(), nil, weighed, time.Time{}, "Checked with the other centre's lead: another family", today))
	require.True(t, r.CheckCovers(other.ID(), nil, weighed, time.Time{}))

	oh.ok(other.NoteRiskAssessment(false, today))
	require.Equal(t, 1, other.FindingsMade(), "cleared: no finding made")
	oh.ok(other.NoteRiskAssessment(true, today))
	require.Equal(t, 2, other.FindingsMade(), "made again")
	require.False(t, r.CheckCovers(other.ID(), nil, domain.Finding{Stands: true, Made: other.FindingsMade()}, time.Time{}), "not the finding weighed")
	require.True(t, r.CheckCovers(other.ID(), nil, domain.Finding{}, time.Time{}), "nothing bars")
	require.False(t, r.CheckCovers(other.ID(), nil, domain.Finding{}, today), "a case ended for safety since is not weighed (decision 347)")
}

// A check weighs the other case's ending for safety, that one and no later one (decision 347);
// a check of the ending alone is not one that the family is another, so a child confirmed as the
// same child is still weighed, and may be confirmed after it.
func TestALeadsCheckWeighsACaseEndedForSafety(t *testing.T) {
	r, h := inState(t, domain.Received)
	other := uuid.New()
	h.ok(r.FlagPossibleDuplicate(r.Children()[0].ID, other, exact, today))
	ended := today.AddDate(0, 0, -3)
	require.False(t, r.CheckCovers(other, nil, domain.Finding{}, ended), "not weighed yet")
	h.ok(r.CheckPossibleDuplicate(other, uuid.New(), nil, domain.Finding{}, ended, "The same family; the new court order allows contact", today))
	require.True(t, r.CheckCovers(other, nil, domain.Finding{}, ended))
	require.False(t, r.CheckCovers(other, nil, domain.Finding{}, today), "ended for safety again since: not weighed")
	c, ok := r.LatestCheck(other)
	require.True(t, ok)
	require.True(t, c.EndingOnly())
	h.ok(r.ConfirmSameChild(r.Children()[0].ID, other, uuid.New(), uuid.New(), referralv1.ConfirmerRole_CONFIRMER_ROLE_COORDINATOR, "", today))
}
