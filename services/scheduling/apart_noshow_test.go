package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 65, finding 2 (decision 352, amending 343): family a's children were recorded a no-show
// while a's father, checked in, waited inside; b's mother holds an injunction against him. The
// door's FAMILY_KEPT_APART_AT_CENTRE looked for someone inside only on a booking still booked or
// called off, and IN counted a checked-in adult only there: b's resident parent and child were
// admitted with no caution, the day sheet read a's row IN 0/3 while he was inside, and a's resident
// parent at the door was answered BOOKING_NOT_ACTIVE with no word of b inside. Anyone of a booking
// who came and is not recorded leaving is inside, whatever the booking's state; the door's refusal
// of a no-show (BOOKING_NO_SHOW since decision 359, recorded) says the caution too.
func TestTheDoorIsCautionedOfAFamilyKeptApartInsideAfterANoShow(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	p, rooms := g.gardenAndRed(t)
	fams := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	a, b := fams[0], fams[1]
	bookAt := func(f family, room int) string {
		t.Helper()
		resp, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(), PatternId: p.GetPattern().GetPatternId(),
			Date: date(saturday(0)), RoomId: rooms[room], StartTime: &schedulingv1.LocalTime{Hour: 10, Minute: 30}})
		require.NoError(t, err)
		return resp.GetBooking().GetBookingId()
	}
	// Both booked 10:15-11:45 before the pair was recorded (the review's seeded families).
	aBooking, bBooking := bookAt(a, 0), bookAt(b, 1)
	_, err := c.KeepFamiliesApart(ctx, &schedulingv1.KeepFamiliesApartRequest{CentreId: g.centre.String(), FamilyId: a.id.String(),
		OtherFamilyId: b.id.String(), Reason: schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION, RequestId: uuid.NewString()})
	require.NoError(t, err)

	door := g.door(t)
	checkIn := func(booking string, person uuid.UUID) *schedulingv1.CheckInResponse {
		t.Helper()
		in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking, PersonId: person.String(),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.True(t, in.GetAdmitted(), "a caution, never a refusal")
		return in
	}
	const code = "FAMILY_KEPT_APART_AT_CENTRE"
	cautioned := func(cs []*schedulingv1.CheckInCaution, want ...string) {
		t.Helper()
		require.Contains(t, codesOf(cs), code)
		for _, w := range want {
			require.Contains(t, textOf(cs, code), w)
		}
	}
	aIn := "booked at 10:15-11:45 in room Garden (booking " + aBooking + "): "
	inA := func() map[string]bool {
		t.Helper()
		in, _ := marks(g.entryOf(t, saturday(0), aBooking))
		return in
	}

	g.clock.Set(london(2026, 1, 10, 10, 10))
	checkIn(aBooking, a.visiting)
	g.clock.Set(london(2026, 1, 10, 10, 12))
	cautioned(checkIn(bBooking, b.visiting).GetCautions(), aIn+"someone of it is inside now (its visiting party came at 10:10)")

	// a's children do not come: their no-show is recorded with a's father inside.
	g.clock.Set(london(2026, 1, 10, 10, 46))
	_, err = door.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: aBooking,
		Party: schedulingv1.Party_PARTY_CHILDREN, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, map[string]bool{a.visiting.String(): true, a.resident.String(): false, a.child.String(): false}, inA(),
		"the day sheet's IN counts a's father, inside after the children's no-show")

	g.clock.Set(london(2026, 1, 10, 10, 47))
	inside := aIn + "someone of it is inside now (its visiting party came at 10:10); the booking is recorded as a no-show"
	cautioned(checkIn(bBooking, b.resident).GetCautions(), inside, "This party is recorded as usual")
	cautioned(checkIn(bBooking, b.child).GetCautions(), inside)
	for _, r := range []*schedulingv1.RecordArrivalRequest{
		{Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{b.visiting.String()}},
		{Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{b.resident.String(), b.child.String()}},
	} {
		r.CentreId, r.BookingId, r.RequestId = g.centre.String(), bBooking, uuid.NewString()
		arrived, err := door.RecordArrival(ctx, r)
		require.NoError(t, err)
		cautioned(arrived.GetCautions(), inside)
	}

	// a's resident parent comes to the door: refused BOOKING_NO_SHOW, recorded as turned away
	// (decision 359; decision 352 answered an error and recorded nothing), the no-show's way on
	// kept, and told of b's people inside.
	refusedBefore := g.count(t, `SELECT count(*) FROM events WHERE family_id = $1`, a.id)
	turned := refuse(t, door, g.centre, aBooking, a.resident)
	require.Equal(t, "BOOKING_NO_SHOW", turned.GetRefusal())
	require.Contains(t, textOf(turned.GetCautions(), "BOOKING_NO_SHOW"), "recorded as a no-show", "the way on is kept")
	msg := textOf(turned.GetCautions(), code)
	require.Contains(t, msg, "a family the centre keeps apart from this one is booked at 10:15-11:45 in room Red (booking "+
		bBooking+"): someone of it is inside now (its visiting party came at 10:12 and its children's party came at 10:47)")
	require.Contains(t, msg, "This party is recorded as usual")
	for _, id := range []uuid.UUID{b.id, b.resident, b.visiting, b.child} {
		require.NotContains(t, msg, id.String(), "never the other family or its people")
	}
	require.NotContains(t, msg, "injunction")
	require.Equal(t, refusedBefore+1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1`, a.id), "the refusal recorded")

	// a's father leaves: IN clears; b's door is told he may still be outside for the gap, then nothing.
	g.clock.Set(london(2026, 1, 10, 10, 50))
	_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: aBooking,
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{a.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, map[string]bool{a.visiting.String(): false, a.resident.String(): false, a.child.String(): false}, inA(), "IN 0/3 once he left")
	g.clock.Set(london(2026, 1, 10, 10, 55))
	cautioned(checkIn(bBooking, b.child).GetCautions(), aIn+"its visiting party left at 10:50, 5 minutes ago, and may still be outside")
	g.clock.Set(london(2026, 1, 10, 11, 1))
	require.NotContains(t, codesOf(checkIn(bBooking, b.child).GetCautions()), code, "he left 11 minutes ago, past the gap")

	// b's people still inside: a's resident parent at the door is still told; once they have gone
	// and the gap passed, the BOOKING_NOT_ACTIVE answer says nothing of them.
	require.Contains(t, codesOf(refuse(t, door, g.centre, aBooking, a.resident).GetCautions()), code)
	g.clock.Set(london(2026, 1, 10, 11, 30))
	for _, d := range []*schedulingv1.RecordDepartureRequest{
		{Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{b.resident.String(), b.child.String()}},
		{Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{b.visiting.String()}},
	} {
		d.CentreId, d.BookingId, d.RequestId = g.centre.String(), bBooking, uuid.NewString()
		_, err = door.RecordDeparture(ctx, d)
		require.NoError(t, err)
	}
	g.clock.Set(london(2026, 1, 10, 11, 41))
	late := refuse(t, door, g.centre, aBooking, a.resident)
	require.Equal(t, "BOOKING_NO_SHOW", late.GetRefusal())
	require.NotContains(t, codesOf(late.GetCautions()), code)
}

// refuse checks person in at booking at the door, expecting a refusal answered (not an error).
func refuse(t *testing.T, door schedulingv1.SchedulingServiceClient, centre uuid.UUID, booking string, person uuid.UUID) *schedulingv1.CheckInResponse {
	t.Helper()
	resp, err := door.CheckIn(t.Context(), &schedulingv1.CheckInRequest{CentreId: centre.String(), BookingId: booking, PersonId: person.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.False(t, resp.GetAdmitted())
	return resp
}

// Decision 352: a no-show's people are inside until the door records them leaving, as a
// called-off session's are (decision 284): the visiting parent checked in and never recorded
// leaving after the children's no-show is IN, and once the session's time is over the day sheet
// alerts still-inside-after-session (no arrival was recorded, so never-recorded-leaving names
// nobody); recorded leaving, neither.
func TestANoShowsVisitingParentStillInsideIsOnTheDaySheet(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 10, 5))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: b, PersonId: f.visiting.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted())
	g.clock.Set(london(2026, 1, 10, 10, 45))
	_, err = door.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, RequestId: uuid.NewString()})
	require.NoError(t, err)
	e := g.entryOf(t, saturday(0), b)
	require.True(t, marksIn(e)[f.visiting.String()], "IN: inside after the children's no-show")
	require.NotContains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_STILL_INSIDE_AFTER_SESSION, "the session's time is not over")
	g.clock.Set(london(2026, 1, 10, 13, 0))
	require.Contains(t, g.entryOf(t, saturday(0), b).GetAlerts(), schedulingv1.Alert_ALERT_STILL_INSIDE_AFTER_SESSION)
	_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, Time: &schedulingv1.LocalTime{Hour: 10, Minute: 50},
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	e = g.entryOf(t, saturday(0), b)
	require.False(t, marksIn(e)[f.visiting.String()])
	require.NotContains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_STILL_INSIDE_AFTER_SESSION)
}

// marksIn is who the day sheet's line e shows IN.
func marksIn(e *schedulingv1.DaySheetEntry) map[string]bool {
	in, _ := marks(e)
	return in
}
