package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/weighing"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A session is stopped at the door when someone named for the family was turned away because its
// contact was stopped, while contact could still be held, and nobody of the family was let in after
// (review 37). Then neither party is a no-show, and the centre alone calls it off, with no late
// notice. A stranger turned away, a party turned away once contact was out of reach, or one let
// in after the lead's assessment is no stop: the no-show is recorded as before.
func TestWhoWasTurnedAwayAtTheDoor(t *testing.T) {
	visit, kids := schedulingv1.Party_PARTY_VISITING, schedulingv1.Party_PARTY_CHILDREN
	sat := func(h, m int) time.Time { return at(2026, 1, 10, h, m) }
	for _, c := range []struct {
		name    string
		door    func(g *rig, b *domain.Booking)
		stopped schedulingv1.Party // the party turned away; 0: no stop
		noShow  schedulingv1.Party // the party whose no-show is tried
		at      time.Time
		says    string
	}{
		{"the visiting parent turned away", func(g *rig, b *domain.Booking) { g.checkIn(t, b, visiting, sat(10, 5), false) },
			visit, visit, sat(10, 20), "the visiting parent came at 10:05 and was turned away at the door (a disclosure of domestic abuse " +
				"waits for the safeguarding lead's risk assessment): that is not a no-show"},
		{"the children's party turned away, the visiting parent not come", func(g *rig, b *domain.Booking) {
			g.checkIn(t, b, resident, sat(10, 10), false)
		}, kids, visit, sat(10, 20), "so the session could not take place whoever came: the visiting parent not coming is not a no-show"},
		{"turned away with a minute of contact left", func(g *rig, b *domain.Booking) { g.checkIn(t, b, visiting, sat(11, 14), false) },
			visit, visit, sat(11, 20), "came at 11:14"},
		{"turned away once the children's time was over", func(g *rig, b *domain.Booking) { g.checkIn(t, b, visiting, sat(11, 15), false) },
			0, visit, sat(11, 20), ""},
		{"a stranger turned away", func(g *rig, b *domain.Booking) { g.checkIn(t, b, stranger, sat(10, 5), false) },
			0, visit, sat(10, 20), ""},
		{"let in after the lead's assessment", func(g *rig, b *domain.Booking) {
			g.checkIn(t, b, visiting, sat(10, 5), false)
			require.NotEmpty(t, g.family.NoteRiskAssessed(centre, false, weighing.Moment{On: day(2026, 1, 10)}, sat(10, 10)))
			g.checkIn(t, b, visiting, sat(10, 12), true)
		}, 0, kids, sat(10, 31), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newRig(t)
			b := g.book(t, day(2026, 1, 10), g.shared, jan)
			require.NotNil(t, g.family.NoteDisclosure(centre, uuid.New(), weighing.Moment{On: day(2026, 1, 8)}))
			c.door(g, b)
			stop, stopped := b.StoppedAtTheDoor()
			require.Equal(t, c.stopped != 0, stopped)
			before := g.family.Version()
			_, events, _, err := g.family.NoShow(b.ID, c.noShow, false, c.at)
			if !stopped {
				require.NoError(t, err)
				require.Len(t, events, 1, "the no-show is recorded")
				return
			}
			require.Equal(t, c.stopped, stop.Party)
			rule(t, err, "REFUSED_AT_THE_DOOR")
			require.Contains(t, err.Error(), c.says)
			require.Contains(t, err.Error(), "familytime schedule cancel "+b.ID.String()+" --by centre")
			_, _, _, err = g.family.NoShow(b.ID, c.noShow, true, c.at)
			rule(t, err, "REFUSED_AT_THE_DOOR")
			require.Equal(t, before, g.family.Version(), "a refusal records nothing")

			_, _, err = g.family.Cancel(b.ID, schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, c.at)
			rule(t, err, "REFUSED_AT_THE_DOOR")
			_, ev, err := g.family.Cancel(b.ID, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, c.at)
			require.NoError(t, err)
			require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_CONTACT_STOPPED, ev.GetReason())
			require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, ev.GetCancelledBy())
			require.False(t, ev.GetLate(), "nobody's short notice")
			require.Zero(t, g.family.UnexplainedNoShows())
		})
	}
}

// checkIn checks person in at booking b at now, admitted or turned away as admitted says.
func (g *rig) checkIn(t *testing.T, b *domain.Booking, person uuid.UUID, now time.Time, admitted bool) {
	t.Helper()
	in, _, _, _, err := g.family.CheckIn(b.ID, person, now)
	require.NoError(t, err)
	require.Equal(t, admitted, in)
}

// A session under way when a disclosure is noted is not called off (decision 225): someone turned
// away at the door once both parties are in does not stop it, and it is completed as held, not
// called off as stopped at the door.
func TestASessionUnderWayIsNotStoppedAtTheDoor(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	_, _, err := g.family.Arrive(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 0), []uuid.UUID{visiting}, at(2026, 1, 10, 10, 0))
	require.NoError(t, err)
	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 15), []uuid.UUID{resident, child1, child2},
		at(2026, 1, 10, 10, 15))
	require.NoError(t, err)
	require.NotNil(t, g.family.NoteDisclosure(centre, uuid.New(), weighing.Moment{On: day(2026, 1, 10)}))
	g.checkIn(t, b, escort, at(2026, 1, 10, 10, 45), false)
	_, stopped := b.StoppedAtTheDoor()
	require.False(t, stopped, "both parties came")
	// Not stopped at the door: the centre's cancellation is an ordinary call-off, which needs its
	// reason (decision 284), not contact stopped.
	_, _, err = g.family.Cancel(b.ID, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, at(2026, 1, 10, 10, 50))
	invalid(t, err, "call_off_reason")
}
