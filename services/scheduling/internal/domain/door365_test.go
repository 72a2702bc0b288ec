package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// handoverRig is a handover family whose visiting parent only collects the children (review 68's H).
func handoverRig(t *testing.T, mutate ...func(*domain.Readiness)) *rig {
	return newRig(t, append([]func(*domain.Readiness){func(r *domain.Readiness) {
		r.ServiceType = commonv1.ServiceType_SERVICE_TYPE_HANDOVER
		r.Adults[1].MayAttend, r.Adults[1].MayCollect = false, true
	}}, mutate...)...)
}

// Review 68 (finding 2, decision 365): at a handover the collecting parent, inside since 10:00,
// walked out with the children at 10:17, two minutes after the resident parent brought them, whose
// leaving a handover never records: no caution, as every rule saw the children's party gone and
// nobody outside. The departure is cautioned PARENTS_MAY_MEET, keep them inside until the window
// after the children were brought, and recorded all the same; from the window on, children taken
// home by who brought them, all who brought them leaving with them, and supported contact are not.
func TestAHandoverCollectedJustAfterTheChildrenWereBroughtIsCautioned(t *testing.T) {
	kids := schedulingv1.Party_PARTY_CHILDREN
	handover := func(t *testing.T, g *rig, h, m int, brought, collected []uuid.UUID) []string {
		t.Helper()
		b := g.book(t, day(2026, 1, 10), g.shared, jan)
		admitted, _, _, _, err := g.family.CheckIn(b.ID, visiting, b.VisitingArrives)
		require.NoError(t, err)
		require.True(t, admitted)
		_, _, err = g.family.Arrive(b.ID, kids, b.ChildrenArrive, brought, b.ChildrenArrive)
		require.NoError(t, err)
		now := at(2026, 1, 10, h, m)
		_, _, err = g.family.Depart(b.ID, kids, now, collected, false, now)
		require.NoError(t, err, "a departure is never refused")
		return meetCautions(g.family.DepartureCautions(b, kids, now, now))
	}
	brought := []uuid.UUID{resident, child1, child2}
	collected := []uuid.UUID{visiting, child1, child2}

	meet := handover(t, handoverRig(t), 10, 17, brought, collected)
	require.Len(t, meet, 1)
	require.Contains(t, meet[0], "whoever brought the children came to the door at 10:15, 2 minutes before this departure")
	require.Contains(t, meet[0], "keep the children and who collected them inside until 10:25")
	require.Contains(t, meet[0], "do not tell them when or why the other parent came")
	// The correction it offers runs as printed (review 72): the centre, and who left, by id, as a
	// correction of the time needs them.
	require.Contains(t, meet[0], " --departure --party children --at HH:MM --person "+visiting.String()+" --person "+
		child1.String()+" --person "+child2.String()+")")
	require.Regexp(t, `familytime schedule correct [0-9a-f-]{36} --centre [0-9a-f-]{36} --departure`, meet[0])

	meet = handover(t, handoverRig(t), 10, 15, brought, collected)
	require.Len(t, meet, 1)
	require.Contains(t, meet[0], "in the same minute as this departure")

	require.Empty(t, handover(t, handoverRig(t), 10, 25, brought, collected), "the window over")
	require.Empty(t, handover(t, handoverRig(t), 10, 17, brought, brought), "not handed over: whoever brought them took them")
	require.Empty(t, handover(t, handoverRig(t), 10, 17, brought, append(collected, resident)), "who brought them left with them")
	require.Empty(t, handover(t, newRig(t), 10, 17, brought, []uuid.UUID{resident, child1, child2}) /* supported */, "not a handover")

	// A family that agreed a 30-minute arrival stagger is kept apart for it.
	stagger := func(r *domain.Readiness) { r.Stagger = domain.Stagger{Arrival: 30, Departure: 15} }
	g := handoverRig(t, stagger)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	require.Equal(t, 30*time.Minute, b.ChildrenArrive.Sub(b.VisitingArrives))
	_, _, err := g.family.Arrive(b.ID, kids, b.ChildrenArrive, brought, b.ChildrenArrive)
	require.NoError(t, err)
	now := b.ChildrenArrive.Add(20 * time.Minute)
	_, _, err = g.family.Depart(b.ID, kids, now, collected, false, now)
	require.NoError(t, err)
	meet = meetCautions(g.family.DepartureCautions(b, kids, now, now))
	require.Len(t, meet, 1)
	require.Contains(t, meet[0], "inside until "+domain.ClockAt(b.ChildrenArrive.Add(30*time.Minute), b.Location()).String())
	brought2, ok := b.HandedOverNearTheBringer()
	require.True(t, ok)
	require.Equal(t, b.ChildrenArrive, brought2)
}

// Review 77 (decision 394): a handover starts when the children are due, not at a visiting
// parent's door time it does not have. The parent due to collect cancels at 10:05 for children
// due at 10:15 (late, its notice counted to the children's time); once the children are due and
// nobody came, the refusal names the children's no-show and the centre's call-off, never the
// visiting party's no-show, which a handover refuses (NO_VISITING_PARTY).
func TestAHandoverStartsWhenTheChildrenAreDue(t *testing.T) {
	g := handoverRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	require.True(t, b.ChildrenArrive.After(b.VisitingArrives), "the rig's stagger puts a door time before the children's")
	_, ev, err := g.family.Cancel(b.ID, schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, b.ChildrenArrive.Add(-10*time.Minute))
	require.NoError(t, err, "before the children are due, the handover has not started")
	require.Equal(t, schedulingv1.Party_PARTY_CHILDREN, ev.GetNoticeTo())
	require.EqualValues(t, 10, ev.GetNoticeMinutes())
	require.True(t, ev.GetLate())

	b = g.book(t, day(2026, 1, 24), g.shared, jan)
	_, _, err = g.family.Cancel(b.ID, schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, b.ChildrenArrive.Add(time.Minute))
	rule(t, err, "SESSION_STARTED")
	require.Contains(t, err.Error(), "the handover has started")
	require.Contains(t, err.Error(), "--party children")
	require.NotContains(t, err.Error(), "--party visiting")
}
