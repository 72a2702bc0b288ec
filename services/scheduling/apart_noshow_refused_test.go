package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// keptApartNoShowPair books families a and b of a new rig 10:15-11:45 on the first Saturday in
// rooms Garden and Red, then records them kept apart for an injunction (as review 65 did).
func keptApartNoShowPair(t *testing.T) (g *rig, door schedulingv1.SchedulingServiceClient, a, b family, aBooking, bBooking string) {
	t.Helper()
	g = newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	p, rooms := g.gardenAndRed(t)
	fams := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	a, b = fams[0], fams[1]
	bookAt := func(f family, room int) string {
		t.Helper()
		resp, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(), PatternId: p.GetPattern().GetPatternId(),
			Date: date(saturday(0)), RoomId: rooms[room], StartTime: &schedulingv1.LocalTime{Hour: 10, Minute: 30}})
		require.NoError(t, err)
		return resp.GetBooking().GetBookingId()
	}
	aBooking, bBooking = bookAt(a, 0), bookAt(b, 1)
	_, err := c.KeepFamiliesApart(ctx, &schedulingv1.KeepFamiliesApartRequest{CentreId: g.centre.String(), FamilyId: a.id.String(),
		OtherFamilyId: b.id.String(), Reason: schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION, RequestId: uuid.NewString()})
	require.NoError(t, err)
	return g, g.door(t), a, b, aBooking, bBooking
}

// Decision 359 (352's Left): a check-in on a booking recorded as a no-show was an error that
// recorded nothing, so the door of the family kept apart was never told that someone of it had
// just been turned away and may still be outside. a's children are recorded a no-show at 10:46
// with nobody of a come; a's resident parent comes to the door at 10:48 and is refused
// BOOKING_NO_SHOW, recorded; b's resident parent at 10:52 is cautioned of it for the gap, and b's
// child at 10:59, past it, is not.
func TestTheKeptApartFamilyIsCautionedOfSomeoneTurnedAwayFromANoShow(t *testing.T) {
	g, door, a, b, aBooking, bBooking := keptApartNoShowPair(t)
	ctx := t.Context()
	const code = "FAMILY_KEPT_APART_AT_CENTRE"
	checkIn := func(person uuid.UUID) *schedulingv1.CheckInResponse {
		t.Helper()
		in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bBooking, PersonId: person.String(),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.True(t, in.GetAdmitted(), "a caution, never a refusal")
		return in
	}

	g.clock.Set(london(2026, 1, 10, 10, 12))
	checkIn(b.visiting)
	g.clock.Set(london(2026, 1, 10, 10, 46))
	_, err := door.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: aBooking,
		Party: schedulingv1.Party_PARTY_CHILDREN, RequestId: uuid.NewString()})
	require.NoError(t, err)

	g.clock.Set(london(2026, 1, 10, 10, 48))
	events := g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = $2`, a.id, "familytime.scheduling.v1.CheckInRefused")
	turned := refuse(t, door, g.centre, aBooking, a.resident)
	require.Equal(t, "BOOKING_NO_SHOW", turned.GetRefusal())
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW, turned.GetBooking().GetStatus())
	require.Contains(t, textOf(turned.GetCautions(), "BOOKING_NO_SHOW"), "the booking was recorded as a no-show (the children were recorded as not coming)")
	require.Contains(t, textOf(turned.GetCautions(), "BOOKING_NO_SHOW"), "familytime schedule noshow "+aBooking+" --withdraw")
	require.Contains(t, textOf(turned.GetCautions(), code), "booking "+bBooking+"): someone of it is inside now")
	require.Equal(t, events+1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = $2`, a.id,
		"familytime.scheduling.v1.CheckInRefused"), "recorded as turned away at the door")
	require.Equal(t, 1, g.count(t, `SELECT refused_check_ins FROM bookings WHERE booking_id = $1`, uuid.MustParse(aBooking)))

	g.clock.Set(london(2026, 1, 10, 10, 52))
	told := textOf(checkIn(b.resident).GetCautions(), code)
	require.Contains(t, told, "a family the centre keeps apart from this one is booked at 10:15-11:45 in room Garden (booking "+aBooking+
		"): someone of it was turned away at the door at 10:48, 4 minutes ago, and may still be outside")
	require.Contains(t, told, "until 10:58")
	for _, id := range []uuid.UUID{a.id, a.resident, a.visiting, a.child} {
		require.NotContains(t, told, id.String(), "never the other family or its people")
	}
	require.NotContains(t, told, "injunction")

	g.clock.Set(london(2026, 1, 10, 10, 59))
	require.NotContains(t, codesOf(checkIn(b.child).GetCautions()), code, "turned away 11 minutes ago, past the gap")
}

// Decision 359, decision 339's rule on the no-show's own booking: a's visiting parent waits inside
// after the children's no-show; a's resident parent, turned away BOOKING_NO_SHOW at 10:48, is the
// children's party at the door, so the visiting parent's departure at 10:50 is cautioned
// PARENTS_MAY_MEET of them.
func TestTheVisitingPartyLeavingANoShowIsCautionedOfTheChildrensPartyTurnedAway(t *testing.T) {
	g, door, a, _, aBooking, _ := keptApartNoShowPair(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 10, 10))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: aBooking, PersonId: a.visiting.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted())
	g.clock.Set(london(2026, 1, 10, 10, 46))
	_, err = door.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: aBooking,
		Party: schedulingv1.Party_PARTY_CHILDREN, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 10, 10, 48))
	turned := refuse(t, door, g.centre, aBooking, a.resident)
	require.Equal(t, "BOOKING_NO_SHOW", turned.GetRefusal())
	require.Contains(t, textOf(turned.GetCautions(), "PARENTS_MAY_MEET"), "the visiting party (the visiting parent) is inside",
		"the refusal is cautioned of the visiting parent inside, as any refusal")

	g.clock.Set(london(2026, 1, 10, 10, 50))
	gone, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: aBooking,
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{a.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	mayMeet := textOf(gone.GetCautions(), "PARENTS_MAY_MEET")
	require.Contains(t, mayMeet, "came to the door at 10:48")
	require.Contains(t, mayMeet, "turned away")
}
