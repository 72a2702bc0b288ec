package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Review 48: the resident parent collected the children at 11:45 and the visiting parent was let
// out at 11:47 with no caution, though check-in and arrival caution PARENTS_MAY_MEET; under a hold
// both parties were recorded leaving in the same minute, and only the day sheet said so, after. A
// departure recorded as it happens now says, as an arrival does, until when to keep whom inside;
// the departure is recorded all the same. The stagger (the children at 11:15, the visiting parent
// at 11:30) raises none, nor a departure recorded after the fact.
func TestTheDoorIsCautionedWhenTheParentsMayMeetOnTheWayOut(t *testing.T) {
	visit, kids := schedulingv1.Party_PARTY_VISITING, schedulingv1.Party_PARTY_CHILDREN
	people := map[schedulingv1.Party][]uuid.UUID{visit: {visiting}, kids: {resident, child1, child2}}
	type move struct {
		party schedulingv1.Party
		h, m  int
	}
	for _, c := range []struct {
		name    string
		leave   []move // in order; the last one's cautions are read
		now     time.Time
		hold    bool // a hold calls the session off at 10:30, before anyone leaves
		caution string
	}{
		{"the visiting parent two minutes after the children", []move{{kids, 11, 15}, {visit, 11, 17}}, time.Time{}, false,
			"the children's party (the children and who collected them) left at 11:15, 2 minutes before this departure, and may still be " +
				"outside: the parents may meet; keep the visiting party (the visiting parent) inside until 11:25, if not gone yet"},
		{"the stagger", []move{{kids, 11, 15}, {visit, 11, 30}}, time.Time{}, false, ""},
		{"the children collected at the stagger", []move{{kids, 11, 15}}, time.Time{}, false, ""},
		{"the children collected late, the visiting parent due out soon", []move{{kids, 11, 25}}, time.Time{}, false,
			"the visiting party (the visiting parent) is still inside and due to leave at 11:30: the parents may meet on the way out; " +
				"keep the visiting party (the visiting parent) inside until 11:35, 10 minutes after this party left"},
		{"the visiting parent leaving early, the children due out soon", []move{{visit, 11, 8}}, time.Time{}, false,
			"the children's party (the children, and whoever is with them) is still inside and due to leave at 11:15"},
		{"under a hold, the children first", []move{{kids, 10, 35}}, time.Time{}, true,
			"the session is called off and the visiting party (the visiting parent) is still inside, to leave too: the parents may meet " +
				"on the way out; keep the visiting party (the visiting parent) inside until 10:45"},
		{"under a hold, the visiting parent in the same minute", []move{{kids, 10, 35}, {visit, 10, 35}}, time.Time{}, true,
			"the children's party (the children and who collected them) left at 10:35, in the same minute as this departure, and may " +
				"still be outside: the parents may meet; keep the visiting party (the visiting parent) inside until 10:45"},
		{"recorded after the fact", []move{{kids, 11, 15}, {visit, 11, 17}}, at(2026, 1, 10, 11, 40), false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newRig(t)
			b := g.book(t, day(2026, 1, 10), g.shared, jan)
			for _, p := range []schedulingv1.Party{visit, kids} {
				when := b.VisitingArrives
				if p == kids {
					when = b.ChildrenArrive
				}
				_, _, err := g.family.Arrive(b.ID, p, when, people[p], when)
				require.NoError(t, err)
			}
			if c.hold {
				g.family.NoteHold(centre, uuid.New(), day(2026, 1, 10), at(2026, 1, 10, 10, 30))
			}
			var cautions []domain.Caution
			for _, m := range c.leave {
				when := at(2026, 1, 10, m.h, m.m)
				now := when
				if !c.now.IsZero() {
					now = c.now
				}
				before := g.family.Version()
				b, ev, err := g.family.Depart(b.ID, m.party, when, people[m.party], false, now)
				require.NoError(t, err, "a caution, never a refusal")
				require.NotNil(t, ev)
				require.Equal(t, before+1, g.family.Version(), "the departure is recorded")
				cautions = g.family.DepartureCautions(b, m.party, when, now)
			}
			var meet []string
			for _, k := range cautions {
				if k.Code == domain.CautionParentsMayMeet {
					meet = append(meet, k.Text)
				}
			}
			if c.caution == "" {
				require.Empty(t, meet)
				return
			}
			require.Len(t, meet, 1)
			require.Contains(t, meet[0], c.caution)
		})
	}
}
