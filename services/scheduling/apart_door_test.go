package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Decision 343 (decisions 330 and 334 left it): booking keeps two families kept apart at least the
// door's gap apart, but a session running late or an early arrival brings them together, and the
// door was told nothing: F1's father was checked in while F5's mother, who holds an injunction
// against him, was inside. Each check-in, refusal, arrival and departure at the door is cautioned
// FAMILY_KEPT_APART_AT_CENTRE when a family kept apart from this one has a party inside, just gone
// or turned away, or due at the door within the gap; it names the other booking, its room and
// times, never its family, people or why; and it records the check-in all the same.
func TestTheDoorIsCautionedOfAFamilyKeptApartAtTheCentre(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	p, rooms := g.gardenAndRed(t)
	fams := g.ready(t, 4, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	a, b, other, d := fams[0], fams[1], fams[2], fams[3]
	for _, pair := range []struct {
		with   family
		reason schedulingv1.KeepApartReason
	}{{b, schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION}, {d, schedulingv1.KeepApartReason_KEEP_APART_REASON_SAFETY}} {
		_, err := c.KeepFamiliesApart(ctx, &schedulingv1.KeepFamiliesApartRequest{CentreId: g.centre.String(), FamilyId: a.id.String(),
			OtherFamilyId: pair.with.id.String(), Reason: pair.reason, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	bookAt := func(f family, room, hour, minute int32) string {
		t.Helper()
		resp, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(), PatternId: p.GetPattern().GetPatternId(),
			Date: date(saturday(0)), RoomId: rooms[room], StartTime: &schedulingv1.LocalTime{Hour: hour, Minute: minute}})
		require.NoError(t, err)
		return resp.GetBooking().GetBookingId()
	}
	aBooking := bookAt(a, 0, 10, 30)         // 10:15-11:45, Garden
	bBooking := bookAt(b, 1, 12, 10)         // 11:55-13:25, Red: the door's 10 minutes after a's
	otherBooking := bookAt(other, 0, 12, 10) // kept apart from nobody
	dBooking := bookAt(d, 1, 14, 0)          // 13:45-15:15, Red

	door := g.door(t)
	checkIn := func(booking string, person uuid.UUID) *schedulingv1.CheckInResponse {
		t.Helper()
		in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking, PersonId: person.String(),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		return in
	}
	depart := func(booking string, party schedulingv1.Party, people ...uuid.UUID) *schedulingv1.RecordDepartureResponse {
		t.Helper()
		req := &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: booking, Party: party, RequestId: uuid.NewString()}
		for _, p := range people {
			req.PersonIds = append(req.PersonIds, p.String())
		}
		out, err := door.RecordDeparture(ctx, req)
		require.NoError(t, err)
		return out
	}
	arrive := func(booking string, party schedulingv1.Party, people ...uuid.UUID) *schedulingv1.RecordArrivalResponse {
		t.Helper()
		req := &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: booking, Party: party, RequestId: uuid.NewString()}
		for _, p := range people {
			req.PersonIds = append(req.PersonIds, p.String())
		}
		out, err := door.RecordArrival(ctx, req)
		require.NoError(t, err)
		return out
	}
	const code = "FAMILY_KEPT_APART_AT_CENTRE"
	cautioned := func(cs []*schedulingv1.CheckInCaution, want ...string) {
		t.Helper()
		require.Contains(t, codesOf(cs), code)
		text := textOf(cs, code)
		for _, w := range want {
			require.Contains(t, text, w)
		}
		for _, f := range []family{a, b, d} {
			for _, id := range []uuid.UUID{f.id, f.resident, f.visiting, f.child} {
				require.NotContains(t, text, id.String(), "never the other family or its people")
			}
		}
		require.NotContains(t, text, "injunction")
		require.NotContains(t, text, "safety")
	}
	notCautioned := func(cs []*schedulingv1.CheckInCaution, why string) {
		t.Helper()
		require.NotContains(t, codesOf(cs), code, why)
	}
	aIn := "booked at 10:15-11:45 in room Garden (booking " + aBooking + ")"

	// An early arrival: d's visiting parent comes hours early as a's is due.
	g.clock.Set(london(2026, 1, 10, 10, 7))
	early := checkIn(dBooking, d.visiting)
	require.True(t, early.GetAdmitted())
	cautioned(early.GetCautions(), aIn, "its visiting party is due at 10:15 and is not in yet")
	cautioned(arrive(dBooking, schedulingv1.Party_PARTY_VISITING, d.visiting).GetCautions(), aIn, "due at 10:15")
	g.clock.Set(london(2026, 1, 10, 10, 8))
	cautioned(depart(dBooking, schedulingv1.Party_PARTY_VISITING, d.visiting).GetCautions(), aIn, "due at 10:15")
	g.clock.Set(london(2026, 1, 10, 10, 15))
	cautioned(checkIn(aBooking, a.visiting).GetCautions(), "booked at 13:45-15:15 in room Red (booking "+dBooking+")",
		"its visiting party left at 10:08, 7 minutes ago", "until 10:18")
	arrive(aBooking, schedulingv1.Party_PARTY_VISITING, a.visiting)
	// Gone long enough ago: nothing.
	g.clock.Set(london(2026, 1, 10, 10, 19))
	notCautioned(checkIn(aBooking, a.resident).GetCautions(), "d's visiting party left 11 minutes ago")
	notCautioned(checkIn(aBooking, a.child).GetCautions(), "d's visiting party left 11 minutes ago")
	notCautioned(arrive(aBooking, schedulingv1.Party_PARTY_CHILDREN, a.resident, a.child).GetCautions(), "d's visiting party left 11 minutes ago")

	// a's session runs late: b's visiting parent, due at 11:55, is at the door with a's inside.
	g.clock.Set(london(2026, 1, 10, 11, 55))
	in := checkIn(bBooking, b.visiting)
	require.True(t, in.GetAdmitted(), "a caution, never a refusal")
	cautioned(in.GetCautions(), aIn, "someone of it is inside now (its visiting party came at 10:15 and its children's party came at 10:19)",
		"at least 10 minutes apart at the door")
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.PersonCheckedIn' AND family_id = $1`, b.id),
		"the check-in is recorded")
	cautioned(arrive(bBooking, schedulingv1.Party_PARTY_VISITING, b.visiting).GetCautions(), aIn, "someone of it is inside now")
	notCautioned(checkIn(otherBooking, other.visiting).GetCautions(), "a family kept apart from nobody")

	// a's parties leave with b's visiting parent inside, and a's visiting parent comes back to the door.
	bIn := "booked at 11:55-13:25 in room Red (booking " + bBooking + "): someone of it is inside now (its visiting party came at 11:55)"
	g.clock.Set(london(2026, 1, 10, 11, 57))
	cautioned(depart(aBooking, schedulingv1.Party_PARTY_CHILDREN, a.resident, a.child).GetCautions(), bIn)
	g.clock.Set(london(2026, 1, 10, 11, 58))
	cautioned(depart(aBooking, schedulingv1.Party_PARTY_VISITING, a.visiting).GetCautions(), bIn)
	g.clock.Set(london(2026, 1, 10, 11, 59))
	back := checkIn(aBooking, a.visiting)
	require.Equal(t, "ALREADY_LEFT", back.GetRefusal())
	cautioned(back.GetCautions(), bIn)

	// Half an hour on, a's people are long gone: b's children's party is told nothing of them.
	g.clock.Set(london(2026, 1, 10, 12, 30))
	notCautioned(checkIn(bBooking, b.resident).GetCautions(), "a's parties left half an hour ago")
}
