package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A relative who came in with the visiting party and was taken off the referral while inside is
// recorded leaving with it, by their role; the visiting party's departure was refused both with
// and without them (review 81, M1; decision 401). The next session's door refuses them
// NOT_PERMITTED, saying so, not as someone the family never named.
func TestARelativeTakenOffWhileInsideLeavesWithTheVisitingParty(t *testing.T) {
	grandmother := uuid.MustParse("a0000000-0000-0000-0000-000000000004")
	g := newRig(t, func(r *domain.Readiness) {
		r.Adults = append(r.Adults, domain.Adult{ID: grandmother, Role: schedulingv1.PersonRole_PERSON_ROLE_NAMED_RELATIVE, MayAttend: true})
	})
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	next := g.book(t, day(2026, 1, 24), g.shared, jan)
	now := at(2026, 1, 10, 11, 30)
	_, _, err := g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 0), []uuid.UUID{resident, child1, child2}, now)
	require.NoError(t, err)
	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 15), []uuid.UUID{visiting, grandmother}, now)
	require.NoError(t, err)
	require.NotNil(t, g.family.NoteAdultKept(domain.AdultKept{Centre: centre, Referral: g.readiness.Referral, Adult: grandmother,
		KeptOn: day(2026, 1, 10), Withdrawn: true}))

	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 11, 0), []uuid.UUID{visiting}, false, now)
	rule(t, err, "VISITING_PARTY_NOT_ACCOUNTED_FOR") // she is still inside until recorded leaving
	_, left, err := g.family.Depart(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 11, 0), []uuid.UUID{visiting, grandmother}, false, now)
	require.NoError(t, err, "who came in with the party leaves with it")
	require.Equal(t, []schedulingv1.PersonRole{schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT, schedulingv1.PersonRole_PERSON_ROLE_NAMED_RELATIVE},
		left.GetAdultRoles(), "the history says who left, by role")
	require.NotContains(t, b.InBuilding(), grandmother)

	_, _, err = g.family.Arrive(next.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 24, 10, 15), []uuid.UUID{visiting, grandmother}, at(2026, 1, 24, 10, 20))
	rule(t, err, "NOT_PERMITTED")
	_, _, err = g.family.Arrive(next.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 0), []uuid.UUID{child1, grandmother}, at(2026, 1, 24, 10, 20))
	rule(t, err, "NOT_PERMITTED")
}
