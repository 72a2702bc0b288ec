package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 82 (L1): a booking no longer booked was refused "the booking is cancelled, completed or
// a no-show", whichever it was. It says which, and the way on.
func TestABookingNoLongerBookedSaysHowItStands(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	_, _, err := g.family.Cancel(b.ID, schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, jan)
	require.NoError(t, err)
	_, _, err = g.family.Cancel(b.ID, schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, jan)
	rule(t, err, "BOOKING_NOT_ACTIVE")
	require.ErrorContains(t, err, "the booking is cancelled (")
	require.ErrorContains(t, err, "by the visiting parent): nothing more is recorded on it")

	n := g.book(t, day(2026, 1, 24), g.shared, jan)
	_, _, _, err = g.family.NoShow(n.ID, schedulingv1.Party_PARTY_VISITING, true, at(2026, 1, 24, 10, 5))
	require.NoError(t, err)
	_, _, err = g.family.Cancel(n.ID, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, at(2026, 1, 24, 10, 6))
	rule(t, err, "BOOKING_NOT_ACTIVE")
	require.ErrorContains(t, err, "the booking is recorded as a no-show (the visiting parent recorded as not coming): if they came "+
		"after all, it is withdrawn on the session's day (familytime schedule noshow "+n.ID.String()+" --withdraw)")
}
