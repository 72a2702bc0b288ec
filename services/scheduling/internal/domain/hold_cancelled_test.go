package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Decision 345: each booking a hold cancelled names the hold, so that its lift lists its own.
// A second hold placed while the first is in force cancels nothing, and lifting one of two
// leaves the family on hold (ON_HOLD). A hold's cancellation recorded before decision 345 names
// no hold: the HoldNoted just before it in the stream does.
func TestEachBookingAHoldCancelledNamesTheHold(t *testing.T) {
	g := newRig(t)
	var stream []proto.Message
	fam, err := domain.RebuildFamily(uuid.New(), nil)
	require.NoError(t, err)
	stream = append(stream, fam.NoteReady(g.readiness))
	booked := map[uuid.UUID]bool{}
	for _, d := range []int{24, 31} {
		b, ev, err := fam.Book(uuid.New(), centre, g.session(t, day(2026, 1, d)), g.shared.ID, nil, jan)
		require.NoError(t, err)
		stream, booked[b.ID] = append(stream, ev), true
	}
	first, second := uuid.New(), uuid.New()
	placed := fam.NoteHold(centre, first, day(2026, 1, 12), at(2026, 1, 12, 9, 0))
	require.Len(t, placed, 3)
	for _, ev := range placed[1:] {
		c := ev.(*schedulingv1.BookingCancelled)
		require.Equal(t, first.String(), c.GetHoldId())
		b, err := fam.Booking(uuid.MustParse(c.GetBookingId()))
		require.NoError(t, err)
		require.Equal(t, first, b.CancelledForHold)
	}
	require.Len(t, fam.NoteHold(centre, second, day(2026, 1, 13), at(2026, 1, 13, 9, 0)), 1, "the second hold cancels nothing")
	require.Equal(t, int32(1), fam.NoteHoldLifted(centre, first).(*schedulingv1.HoldLiftNoted).GetHoldsInForce())
	require.True(t, fam.OnHold())
	_, _, err = fam.Book(uuid.New(), centre, g.session(t, day(2026, 2, 7)), g.shared.ID, nil, at(2026, 1, 13, 9, 0))
	rule(t, err, "ON_HOLD")

	// As recorded before decision 345: the cancellations name no hold.
	for _, ev := range placed {
		ev = proto.Clone(ev)
		if c, ok := ev.(*schedulingv1.BookingCancelled); ok {
			c.HoldId = ""
		}
		stream = append(stream, ev)
	}
	old, err := domain.RebuildFamily(uuid.New(), stream)
	require.NoError(t, err)
	for id := range booked {
		b, err := old.Booking(id)
		require.NoError(t, err)
		require.Equal(t, first, b.CancelledForHold)
	}
}
