package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Decision 372 (352's Left): a check-in once the door's record of the session closed was an error
// (SESSION_OVER) that recorded nothing, so the door of a family kept apart, booked later the same
// day, was never told that someone of the first family had just been turned away and may still be
// outside. a is booked in the morning, b in the afternoon, kept apart for an injunction; a's
// visiting parent comes at 13:10, long after a's session, and is refused SESSION_OVER, recorded,
// the caution giving the times; b's resident parent at 13:14 is cautioned of it, with no id of a.
func TestTheKeptApartFamilyIsCautionedOfSomeoneTurnedAwayOnceTheSessionWasOver(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	p, rooms := g.gardenAndRed(t)
	fams := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	a, b := fams[0], fams[1]
	bookAt := func(f family, room int, hour int32) string {
		t.Helper()
		resp, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: p.GetPattern().GetPatternId(), Date: date(saturday(0)), RoomId: rooms[room],
			StartTime: &schedulingv1.LocalTime{Hour: hour, Minute: 30}})
		require.NoError(t, err)
		return resp.GetBooking().GetBookingId()
	}
	aBooking, bBooking := bookAt(a, 0, 10), bookAt(b, 1, 13)
	_, err := c.KeepFamiliesApart(ctx, &schedulingv1.KeepFamiliesApartRequest{CentreId: g.centre.String(), FamilyId: a.id.String(),
		OtherFamilyId: b.id.String(), Reason: schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION, RequestId: uuid.NewString()})
	require.NoError(t, err)

	refused := func() int {
		return g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = $2`, a.id, "familytime.scheduling.v1.CheckInRefused")
	}
	g.clock.Set(london(2026, 1, 10, 13, 10))
	before := refused()
	turned := refuse(t, door, g.centre, aBooking, a.visiting)
	require.Equal(t, "SESSION_OVER", turned.GetRefusal())
	over := textOf(turned.GetCautions(), "SESSION_OVER")
	require.Contains(t, over, "the session is over: the visiting parent was due to leave at")
	require.Contains(t, over, "nobody is checked in for it any more")
	require.Equal(t, before+1, refused(), "recorded as turned away at the door")
	require.Equal(t, 1, g.count(t, `SELECT refused_check_ins FROM bookings WHERE booking_id = $1`, uuid.MustParse(aBooking)))

	// Someone who is nobody of the family is still an error, recorded nowhere (review 51).
	_, err = door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: aBooking, PersonId: b.resident.String(),
		RequestId: uuid.NewString()})
	require.Error(t, err)
	require.Equal(t, before+1, refused())

	g.clock.Set(london(2026, 1, 10, 13, 14))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bBooking, PersonId: b.resident.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted(), "a caution, never a refusal")
	told := textOf(in.GetCautions(), "FAMILY_KEPT_APART_AT_CENTRE")
	require.Contains(t, told, "(booking "+aBooking+"): someone of it was turned away at the door at 13:10, 4 minutes ago, and may still be outside")
	for _, id := range []uuid.UUID{a.id, a.resident, a.visiting, a.child} {
		require.NotContains(t, told, id.String(), "never the other family or its people")
	}
}
