package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 82 (M2; decision 406): nobody came; the visiting parent's no-show was recorded, and the
// children's was refused in words about explanations, so the family's history blamed one parent.
// The other party's no-show now says how to record that neither came; a no-show of both parties
// is checked for each (not before the children were due and their grace ran out, nor when either
// came) and counts once towards releasing the place.
func TestANoShowOfBothPartiesIsOneNoShow(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	both := schedulingv1.Party_PARTY_BOTH

	_, _, _, err := g.family.NoShow(b.ID, both, false, at(2026, 1, 10, 10, 20))
	rule(t, err, "NO_SHOW_TOO_EARLY") // the children were due at 10:15: still within their grace
	_, _, _, err = g.family.NoShow(b.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 10, 10, 31))
	require.NoError(t, err)
	_, _, _, err = g.family.NoShow(b.ID, schedulingv1.Party_PARTY_CHILDREN, false, at(2026, 1, 10, 10, 32))
	rule(t, err, "BOOKING_NOT_ACTIVE")
	require.ErrorContains(t, err, "(the visiting parent recorded as not coming)")
	require.ErrorContains(t, err, "if neither party came, withdraw it (familytime schedule noshow "+b.ID.String())
	require.ErrorContains(t, err, "--party both), which counts as one no-show")

	_, _, err = g.family.WithdrawNoShow(b.ID, at(2026, 1, 10, 10, 33))
	require.NoError(t, err)
	_, events, released, err := g.family.NoShow(b.ID, both, false, at(2026, 1, 10, 10, 34))
	require.NoError(t, err)
	require.Nil(t, released)
	recorded := events[0].(*schedulingv1.NoShowRecorded)
	require.Equal(t, both, recorded.GetParty())
	require.Equal(t, int32(1), recorded.GetUnexplainedCount(), "one no-show of the session")
	require.Equal(t, 1, g.family.UnexplainedNoShows())
	_, _, _, err = g.family.NoShow(b.ID, both, false, at(2026, 1, 10, 10, 35))
	rule(t, err, "BOOKING_NOT_ACTIVE")
	require.ErrorContains(t, err, "(both parties (the visiting parent and the children) recorded as not coming)")

	// One party came: not a no-show of both.
	next := g.book(t, day(2026, 1, 24), g.shared, jan)
	_, _, err = g.family.Arrive(next.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 15), []uuid.UUID{resident, child1, child2},
		at(2026, 1, 24, 10, 15))
	require.NoError(t, err)
	_, _, _, err = g.family.NoShow(next.ID, both, false, at(2026, 1, 24, 10, 40))
	rule(t, err, "PARTY_ARRIVED")
	require.ErrorContains(t, err, "not a no-show of both parties: the children came")
	require.ErrorContains(t, err, "record theirs alone (familytime schedule noshow "+next.ID.String()+" --party visiting)")
}
