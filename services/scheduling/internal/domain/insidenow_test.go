package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 38: who is inside now (the day sheet's IN) is whoever came, checked in or named in a
// recorded arrival, and is not gone since: a child taken out with the others staying, and who took
// them; a party recorded leaving; never the escort who only brought the children. A check-in
// does not keep anyone inside. Once the booking has ended, it is who was never recorded leaving.
func TestWhoIsInsideNow(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	kids := schedulingv1.Party_PARTY_CHILDREN
	checkIn := func(h, m int, people ...uuid.UUID) {
		t.Helper()
		for _, p := range people {
			admitted, _, refusal, _, err := g.family.CheckIn(b.ID, p, at(2026, 1, 10, h, m))
			require.NoError(t, err)
			require.True(t, admitted, refusal)
		}
	}
	checkIn(10, 0, visiting)
	require.ElementsMatch(t, []uuid.UUID{visiting}, g.family.InsideNow(b), "checked in, no arrival recorded")
	_, _, err := g.family.Arrive(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 0), []uuid.UUID{visiting}, at(2026, 1, 10, 10, 1))
	require.NoError(t, err)
	checkIn(10, 15, escort, child1, child2)
	_, _, err = g.family.Arrive(b.ID, kids, at(2026, 1, 10, 10, 15), []uuid.UUID{escort, child1, child2}, at(2026, 1, 10, 10, 15))
	require.NoError(t, err)
	require.ElementsMatch(t, []uuid.UUID{visiting, child1, child2}, g.family.InsideNow(b), "the escort only brought them")

	_, _, err = g.family.Depart(b.ID, kids, at(2026, 1, 10, 11, 0), []uuid.UUID{resident, child1}, true, at(2026, 1, 10, 11, 0))
	require.NoError(t, err)
	require.ElementsMatch(t, []uuid.UUID{visiting, child2}, g.family.InsideNow(b), "the child taken out with the others staying")
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 11, 10), []uuid.UUID{visiting}, false, at(2026, 1, 10, 11, 10))
	require.NoError(t, err)
	require.ElementsMatch(t, []uuid.UUID{child2}, g.family.InsideNow(b), "checked in, and gone with their party")

	checkIn(11, 12, resident)
	require.ElementsMatch(t, []uuid.UUID{child2, resident}, g.family.InsideNow(b), "back for the other child, and may take part")
	_, _, err = g.family.Depart(b.ID, kids, at(2026, 1, 10, 11, 20), []uuid.UUID{resident, child2}, false, at(2026, 1, 10, 11, 20))
	require.NoError(t, err)
	require.Empty(t, g.family.InsideNow(b))
	_, _, err = g.family.Complete(b.ID, "", "account-volunteer", false, at(2026, 1, 10, 11, 40))
	require.NoError(t, err)
	require.Empty(t, g.family.InsideNow(b), "completed with everyone recorded leaving")
}
