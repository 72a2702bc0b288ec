package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Review 82 (L3): the children were taken home before the visiting parent came, whose no-show
// would release the family's place; CONTACT_NOT_HELD sent the door to record it at once, and the
// no-show was refused MAY_STILL_COME until the contact's end. The caution says from when.
func TestContactNotHeldSaysWhenAReleasingNoShowIsRecorded(t *testing.T) {
	g := newRig(t)
	first := g.book(t, day(2026, 1, 10), g.shared, jan)
	_, _, _, err := g.family.NoShow(first.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 10, 10, 31))
	require.NoError(t, err)
	b := g.book(t, day(2026, 1, 24), g.shared, jan)
	now := at(2026, 1, 24, 10, 40)
	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 15), []uuid.UUID{resident, child1, child2}, now)
	require.NoError(t, err)
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 40), []uuid.UUID{resident, child1, child2}, false, now)
	require.NoError(t, err)
	var said string
	for _, c := range g.family.DepartureCautions(b, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 40), now) {
		if c.Code == domain.CautionContactNotHeld {
			said = c.Text
		}
	}
	require.Contains(t, said, "it would release the family's place (two unexplained no-shows since it was last released), so it is "+
		"recorded from 11:15, when the contact was due to end")
	_, _, _, err = g.family.NoShow(b.ID, schedulingv1.Party_PARTY_VISITING, false, now)
	rule(t, err, "MAY_STILL_COME") // as the caution said
}
