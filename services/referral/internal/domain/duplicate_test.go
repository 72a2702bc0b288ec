package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

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
	h.ok(r.FlagPossibleDuplicate(child, other, today))
	require.Equal(t, []uuid.UUID{other}, r.PossibleDuplicates())
	require.Nil(t, h.ok(r.FlagPossibleDuplicate(child, other, today)), "flagged once")

	_, err := r.FlagPossibleDuplicate(uuid.New(), uuid.New(), today)
	var invalid *domain.Invalid
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "child_person_id", invalid.Violations[0].Field)
	_, err = r.FlagPossibleDuplicate(child, r.ID(), today)
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "other_referral_id", invalid.Violations[0].Field)

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, r.PossibleDuplicates(), rebuilt.PossibleDuplicates())
}
