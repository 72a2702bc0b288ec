package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Review 44 (finding 1): a session under way, or past, that nobody of the family came to (nobody
// admitted at the door, no party's arrival recorded) is the centre's to call off, with no notice:
// a burst pipe at 10:05, the visiting parent due at 10:00. A family's or the referrer's
// cancellation of it stays refused, saying that not coming is a no-show; someone admitted, or an
// arrival recorded, is someone who came (decision 263).
func TestTheCentreCallsOffASessionNobodyCameTo(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan) // visiting parent 10:00, children 10:15
	closing := at(2026, 1, 10, 10, 5)
	before := g.family.Version()
	for _, by := range []schedulingv1.CancelledBy{schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT,
		schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, schedulingv1.CancelledBy_CANCELLED_BY_REFERRER} {
		_, _, err := g.family.Cancel(b.ID, by, closing)
		rule(t, err, "SESSION_STARTED")
		require.ErrorContains(t, err, "the visiting parent was due at 10:00")
		require.ErrorContains(t, err, "cancel "+b.ID.String()+" --by centre")
	}
	require.Equal(t, before, g.family.Version(), "a refusal records nothing")
	_, ev, err := g.family.Cancel(b.ID, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, closing)
	require.NoError(t, err)
	require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, ev.GetCancelledBy())
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, ev.GetReason())
	require.Zero(t, ev.GetNoticeMinutes())
	require.True(t, ev.GetLate())
	require.Empty(t, ev.GetReplacedBy())
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, b.Status)
	require.Zero(t, g.family.UnexplainedNoShows())

	// Someone refused at the door did not come in; an arrival corrected as not having happened
	// was never one: the centre calls those off too, a year on.
	refused := g.book(t, day(2026, 1, 24), g.shared, jan)
	g.checkIn(t, refused, stranger, at(2026, 1, 24, 9, 58), false)
	corrected := g.book(t, day(2026, 1, 31), g.shared, jan)
	_, _, err = g.family.Arrive(corrected.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 31, 10, 0), []uuid.UUID{visiting}, at(2026, 1, 31, 10, 0))
	require.NoError(t, err)
	_, _, err = g.family.Correct(corrected.ID, domain.Correction{Party: schedulingv1.Party_PARTY_VISITING,
		Movement: schedulingv1.Movement_MOVEMENT_ARRIVAL, NotHappened: true}, at(2026, 1, 31, 10, 1))
	require.NoError(t, err)
	for _, o := range []*domain.Booking{refused, corrected} {
		require.True(t, o.NobodyCame())
		_, _, err = g.family.Cancel(o.ID, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, at(2027, 1, 30, 9, 0))
		require.NoError(t, err)
	}

	// Someone of the family admitted, or a party's arrival recorded: they came, and the refusal
	// is as it was.
	admitted := g.book(t, day(2026, 2, 7), g.shared, jan)
	g.checkIn(t, admitted, escort, at(2026, 2, 7, 10, 10), true)
	arrived := g.book(t, day(2026, 2, 14), g.shared, jan)
	_, _, err = g.family.Arrive(arrived.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 2, 14, 10, 15), []uuid.UUID{resident, child1, child2}, at(2026, 2, 14, 10, 15))
	require.NoError(t, err)
	for _, o := range []*domain.Booking{admitted, arrived} {
		require.False(t, o.NobodyCame())
		before := g.family.Version()
		_, _, err = g.family.Cancel(o.ID, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, o.ChildrenArrive.Add(20*time.Minute))
		rule(t, err, "SESSION_STARTED")
		require.Equal(t, domain.ErrSessionStarted.Error(), err.Error())
		require.Equal(t, before, g.family.Version())
	}
}

// Review 44 (finding 2): every word that sends the coordinator to an explained no-show names
// --explanation with the family's reason; --explained alone is refused. A visiting parent who came
// at 10:55, the children gone at 10:50, the family with one unexplained no-show behind it.
func TestTheWayToAnExplainedNoShowIsTheFamilysReason(t *testing.T) {
	const way = `--explanation "<the family's reason>"`
	g := newRig(t)
	first := g.book(t, day(2026, 1, 10), g.shared, jan)
	_, _, _, err := g.family.NoShow(first.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 10, 10, 16))
	require.NoError(t, err)
	b := g.book(t, day(2026, 1, 24), g.shared, jan)
	kids := []uuid.UUID{resident, child1, child2}
	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 15), kids, at(2026, 1, 24, 10, 15))
	require.NoError(t, err)
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 50), kids, false, at(2026, 1, 24, 10, 50))
	require.NoError(t, err)
	came := at(2026, 1, 24, 10, 55)
	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_VISITING, came, []uuid.UUID{visiting}, came)
	require.NoError(t, err)

	cautions, noContact := g.family.ArrivalCautions(b, schedulingv1.Party_PARTY_VISITING, came, came)
	require.True(t, noContact)
	var said []string
	for _, c := range cautions {
		if c.Code == domain.CautionNoContactPossible {
			said = append(said, c.Text)
		}
	}
	require.Len(t, said, 1)
	_, _, err = g.family.Complete(b.ID, "", "coordinator", false, at(2026, 1, 24, 11, 0))
	rule(t, err, "NO_CONTACT_HELD")
	said = append(said, err.Error())
	_, _, _, err = g.family.NoShow(b.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 24, 11, 0))
	rule(t, err, "MAY_STILL_COME")
	said = append(said, err.Error())
	for _, s := range said {
		require.Contains(t, s, way)
		require.NotContains(t, s, "--explained")
	}
}
