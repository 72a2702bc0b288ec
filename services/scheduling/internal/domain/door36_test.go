package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A party came too late for contact when it was first seen at the door after its time, with less
// than a minute left before the children's time ended or the other party's recorded departure
// (review 36); a party at the door by its time, or one the other party did not wait for (it left
// before the contact was due), did not.
func TestWhoCameTooLateForContact(t *testing.T) {
	visit, kids := schedulingv1.Party_PARTY_VISITING, schedulingv1.Party_PARTY_CHILDREN
	type move struct {
		arrive bool
		party  schedulingv1.Party
		h, m   int
	}
	people := map[schedulingv1.Party][]uuid.UUID{visit: {visiting}, kids: {resident, child1, child2}}
	for _, c := range []struct {
		name  string
		moves []move
		late  schedulingv1.Party // the party that came too late; 0: none
		why   string
	}{
		{"the children taken home before the visiting parent came", []move{{true, kids, 10, 16}, {false, kids, 10, 50}, {true, visit, 10, 55}},
			visit, "the children left at 10:50, before the visiting parent came at 10:55"},
		{"the visiting parent after the children's time", []move{{true, kids, 10, 15}, {true, visit, 11, 20}},
			visit, "the children's time ended at 11:15, before the visiting parent came at 11:20"},
		{"a minute is still contact", []move{{true, kids, 10, 15}, {true, visit, 11, 14}}, 0, ""},
		{"the children after the visiting parent gave up", []move{{true, visit, 10, 0}, {false, visit, 10, 30}, {true, kids, 10, 40}},
			kids, "the visiting parent left at 10:30, before the children came at 10:40"},
		{"the visiting parent left before the contact was due", []move{{true, visit, 10, 0}, {false, visit, 10, 5}, {true, kids, 10, 20}}, 0, ""},
		{"the children early, gone before the visiting parent came on time", []move{{true, kids, 9, 40}, {false, kids, 9, 45}, {true, visit, 10, 0}}, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newRig(t)
			b := g.book(t, day(2026, 1, 10), g.shared, jan)
			for _, m := range c.moves {
				when := at(2026, 1, 10, m.h, m.m)
				var err error
				if m.arrive {
					_, _, err = g.family.Arrive(b.ID, m.party, when, people[m.party], when)
				} else {
					_, _, err = g.family.Depart(b.ID, m.party, when, people[m.party], false, when)
				}
				require.NoError(t, err)
			}
			for _, p := range []schedulingv1.Party{visit, kids} {
				late, why := b.CameTooLate(p)
				require.Equal(t, p == c.late, late, p)
				if late {
					require.Equal(t, c.why, why)
				}
			}
		})
	}
}

// The door is cautioned that the parents may meet when the other party left less than 10 minutes
// before, as when it came; at 10 minutes, not (review 36).
func TestTheDoorIsCautionedOfAPartyThatJustLeft(t *testing.T) {
	for _, c := range []struct {
		minute  int
		caution bool
	}{{59, true}, {0, false}} {
		g := newRig(t)
		b := g.book(t, day(2026, 1, 10), g.shared, jan)
		_, _, err := g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 16), []uuid.UUID{resident, child1, child2}, at(2026, 1, 10, 10, 16))
		require.NoError(t, err)
		_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 50), []uuid.UUID{resident, child1, child2}, false, at(2026, 1, 10, 10, 50))
		require.NoError(t, err)
		now := at(2026, 1, 10, 10, 0).Add(time.Duration(c.minute) * time.Minute)
		if c.minute == 0 {
			now = at(2026, 1, 10, 11, 0)
		}
		admitted, _, _, _, err := g.family.CheckIn(b.ID, visiting, now)
		require.NoError(t, err)
		require.True(t, admitted)
		cautions := g.family.DoorCautions(b.ID, visiting, now, false)
		if !c.caution {
			require.Empty(t, cautions, now)
			continue
		}
		require.Len(t, cautions, 1)
		require.Equal(t, domain.CautionParentsMayMeet, cautions[0].Code)
		require.Contains(t, cautions[0].Text, "left at 10:50, 9 minutes ago: they may still be outside")
	}
}

// Review 44: the resident parent and the children were admitted 2 minutes before the visiting
// parent was due, with no caution; it came only when the visiting parent reached the door. A party
// admitted while the other, not yet in, is due within 10 minutes (or due and within its grace) is
// cautioned now, while the door can still keep them apart.
func TestTheDoorIsCautionedOfAPartyAboutToArrive(t *testing.T) {
	for _, c := range []struct {
		name    string
		person  uuid.UUID
		before  time.Duration // before the other party's due time
		caution string
	}{
		{"children's party two minutes before the visiting parent is due", resident, 2 * time.Minute,
			"the visiting party (the visiting parent) is due at "},
		// However early: the stagger has the visiting parent inside first (review 45, decision 268).
		{"children's party long before", resident, 30 * time.Minute, "the visiting party (the visiting parent) is due at "},
		{"children's party after the visiting parent's time, the parent not in", resident, -5 * time.Minute,
			"the visiting party (the visiting parent) was due at "},
		{"visiting parent late, the children due in 7 minutes", visiting, 7 * time.Minute,
			"the children's party (the children and who brings them) is due at "},
		{"visiting parent on time, the stagger before the children", visiting, 15 * time.Minute, ""},
	} {
		g := newRig(t)
		b := g.book(t, day(2026, 1, 10), g.shared, jan)
		due := b.ChildrenArrive
		if c.person == resident {
			due = b.VisitingArrives
		}
		now := due.Add(-c.before)
		admitted, _, _, _, err := g.family.CheckIn(b.ID, c.person, now)
		require.NoError(t, err, c.name)
		require.True(t, admitted, c.name)
		cautions := g.family.DoorCautions(b.ID, c.person, now, false)
		if c.caution == "" {
			require.Empty(t, cautions, c.name)
			continue
		}
		require.Len(t, cautions, 1, c.name)
		require.Equal(t, domain.CautionParentsMayMeet, cautions[0].Code, c.name)
		require.Contains(t, cautions[0].Text, c.caution, c.name)
		require.Contains(t, cautions[0].Text, "is not in yet: the parents may meet at the door", c.name)
	}
}

// Review 45: the resident parent and the children came 25 minutes before the visiting parent was
// due; the visiting parent's admission later said nothing either. A visiting party admitted after
// the children's party came, and while it has not left, is cautioned, whenever it came (decision 268).
func TestTheDoorIsCautionedOfAReversedStagger(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	early := b.VisitingArrives.Add(-25 * time.Minute)
	admitted, _, _, _, err := g.family.CheckIn(b.ID, resident, early)
	require.NoError(t, err)
	require.True(t, admitted)
	require.Len(t, g.family.DoorCautions(b.ID, resident, early, false), 1, "told at once")

	now := b.VisitingArrives
	admitted, _, _, _, err = g.family.CheckIn(b.ID, visiting, now)
	require.NoError(t, err)
	require.True(t, admitted)
	cautions := g.family.DoorCautions(b.ID, visiting, now, false)
	require.Len(t, cautions, 1)
	require.Equal(t, domain.CautionParentsMayMeet, cautions[0].Code)
	require.Contains(t, cautions[0].Text, "came first, at ")
	require.Contains(t, cautions[0].Text, "before the visiting parent: the parents may meet")
}
