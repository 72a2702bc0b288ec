package scheduling

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 74 (decision 374): at a centre whose staff register cleared nobody to supervise contact,
// a supervised family was booked (warned NO_SUPERVISOR) and admitted at the door with no word;
// contact ran unwatched and could never be completed. The door is now cautioned NO_SUPERVISOR as it
// admits the family, with commands that run as printed; the person is admitted all the same. Once
// a supervisor cleared that day is on the register, the caution is gone.
func TestTheDoorIsCautionedWhenNobodyIsClearedToSuperviseTheFamilysContact(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	morning, rooms := g.timetable(t, saturday(0), true, 1, 1, 1)
	coordinator := g.client(t, auth.RoleCoordinator)
	fams := g.ready(t, 3, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	var bookings []string
	for i, f := range fams {
		booked, err := book(ctx, coordinator, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: morning, Date: date(saturday(0)), RoomId: rooms[i]})
		require.NoError(t, err, "a warning, never a refusal")
		require.Contains(t, booked.GetSupervisorWarning(), "NO_SUPERVISOR")
		bookings = append(bookings, booked.GetBooking().GetBookingId())
	}
	door := g.door(t)
	checkIn := func(booking string, person uuid.UUID) *schedulingv1.CheckInResponse {
		t.Helper()
		in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking, PersonId: person.String(),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.True(t, in.GetAdmitted(), "a caution, never a refusal")
		return in
	}
	caution := func(in *schedulingv1.CheckInResponse) string {
		i := slices.IndexFunc(in.GetCautions(), func(c *schedulingv1.CheckInCaution) bool { return c.GetCode() == "NO_SUPERVISOR" })
		if i < 0 {
			return ""
		}
		return in.GetCautions()[i].GetText()
	}

	g.clock.Set(london(2026, 1, 10, 10, 0))
	said := caution(checkIn(bookings[0], fams[0].visiting))
	require.Contains(t, said, "the centre's staff register clears nobody to supervise contact today")
	require.Contains(t, said, "this family's contact does not start unwatched")
	require.Contains(t, said, "familytime staff list --centre "+g.centre.String()+" --on 2026-01-10")
	require.Contains(t, said, "familytime schedule cancel "+bookings[0]+" --centre "+g.centre.String()+" --by centre --reason staffing")
	for _, id := range []uuid.UUID{fams[0].id, fams[0].visiting, fams[0].resident, fams[0].child} {
		require.NotContains(t, said, id.String(), "no family or person named")
	}
	require.Empty(t, caution(checkIn(bookings[0], fams[0].visiting)), "said once, as the family is first admitted")

	// A family recorded arriving with nobody checked in first is cautioned the same (374's Left),
	// at its first arrival only.
	arrive := func(party schedulingv1.Party, people ...uuid.UUID) *schedulingv1.RecordArrivalResponse {
		t.Helper()
		var ids []string
		for _, p := range people {
			ids = append(ids, p.String())
		}
		got, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[2],
			Party: party, PersonIds: ids, RequestId: uuid.NewString()})
		require.NoError(t, err)
		return got
	}
	first := arrive(schedulingv1.Party_PARTY_VISITING, fams[2].visiting)
	i := slices.IndexFunc(first.GetCautions(), func(c *schedulingv1.CheckInCaution) bool { return c.GetCode() == "NO_SUPERVISOR" })
	require.GreaterOrEqual(t, i, 0, "%v", first.GetCautions())
	require.Contains(t, first.GetCautions()[i].GetText(), "familytime schedule cancel "+bookings[2])
	g.clock.Set(london(2026, 1, 10, 10, 1))
	second := arrive(schedulingv1.Party_PARTY_CHILDREN, fams[2].resident, fams[2].child)
	require.False(t, slices.ContainsFunc(second.GetCautions(), func(c *schedulingv1.CheckInCaution) bool { return c.GetCode() == "NO_SUPERVISOR" }),
		"the family was seen already")

	// A supervisor cleared today is put on the register: the next family is admitted without it.
	g.addStaff(t, "sup-one", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR,
		time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC))
	g.clock.Set(london(2026, 1, 10, 10, 2))
	require.Empty(t, caution(checkIn(bookings[1], fams[1].visiting)))
}
