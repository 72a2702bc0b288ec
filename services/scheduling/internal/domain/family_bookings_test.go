package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Review 53: ending a case cancelled the family's bookings still to come, and nothing said which.
// A family's bookings at its centre are listed in the order of their sessions, from a date or all;
// its ending, once applied, says when, on which referral, and the bookings it cancelled (not one a
// parent cancelled before, nor a session already past). Rebuilt from its events, the family reads
// the same; a reopening clears the ending, and the bookings it cancelled stay cancelled.
func TestAFamilysEndingSaysWhichBookingsItCancelled(t *testing.T) {
	g := newRig(t)
	fam, err := domain.RebuildFamily(g.family.ID(), nil)
	require.NoError(t, err)
	g.family = fam
	events := []proto.Message{fam.NoteReady(g.readiness)}
	bookOn := func(d time.Time) *domain.Booking {
		b, ev, err := fam.Book(uuid.New(), centre, g.session(t, d), g.shared.ID, nil, jan)
		require.NoError(t, err)
		events = append(events, ev)
		return b
	}
	// Booked out of date order: the list is in the order of the sessions.
	last, first, second := bookOn(day(2026, 1, 31)), bookOn(day(2026, 1, 10)), bookOn(day(2026, 1, 24))
	_, cancelled, err := fam.Cancel(second.ID, schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, jan)
	require.NoError(t, err)
	events = append(events, cancelled)

	ids := func(bs []*domain.Booking) []uuid.UUID {
		out := make([]uuid.UUID, len(bs))
		for i, b := range bs {
			out[i] = b.ID
		}
		return out
	}
	require.Equal(t, []uuid.UUID{first.ID, second.ID, last.ID}, ids(fam.Bookings(centre, time.Time{})))
	require.Equal(t, []uuid.UUID{second.ID, last.ID}, ids(fam.Bookings(centre, day(2026, 1, 24))), "from a date, included")
	require.Empty(t, fam.Bookings(uuid.New(), time.Time{}), "another centre's: none")
	require.Nil(t, fam.Ending(), "its contact goes on")

	// Ended on Monday 12 January: the 10th's session is past (it stays as it was), the 24th was
	// cancelled by a parent before; the 31st is the ending's.
	referral := g.readiness.Referral
	ended := fam.EndContact(centre, referral, day(2026, 1, 12), false, at(2026, 1, 12, 9, 0))
	events = append(events, ended...)
	want := &domain.Ending{Referral: referral, On: day(2026, 1, 12), Cancelled: []uuid.UUID{last.ID}}
	require.Equal(t, want, fam.Ending())
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, first.Status)

	rebuilt, err := domain.RebuildFamily(fam.ID(), events)
	require.NoError(t, err)
	require.Equal(t, want, rebuilt.Ending(), "rebuilt from its events")
	require.Equal(t, []uuid.UUID{first.ID, second.ID, last.ID}, ids(rebuilt.Bookings(centre, time.Time{})))

	require.NotEmpty(t, rebuilt.ReopenContact(centre, referral, day(2026, 1, 13), day(2026, 1, 12)))
	require.Nil(t, rebuilt.Ending(), "reopened: no ending")
	b, err := rebuilt.Booking(last.ID)
	require.NoError(t, err)
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED, b.Reason, "stays cancelled")
}
