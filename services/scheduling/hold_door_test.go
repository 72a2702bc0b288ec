package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/status"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// heldAtTheDoor is a family booked on the first Saturday (visiting parent due 10:00, children
// 10:15 to 11:15), with check-in and departure at the door as helpers.
type heldAtTheDoor struct {
	g       *rig
	f       family
	booking string
	door    schedulingv1.SchedulingServiceClient
}

func (h heldAtTheDoor) checkIn(t *testing.T, person uuid.UUID) *schedulingv1.CheckInResponse {
	t.Helper()
	in, err := h.door.CheckIn(t.Context(), &schedulingv1.CheckInRequest{CentreId: h.g.centre.String(), BookingId: h.booking,
		PersonId: person.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	return in
}

func (h heldAtTheDoor) depart(t *testing.T, party schedulingv1.Party, people ...uuid.UUID) *schedulingv1.RecordDepartureResponse {
	t.Helper()
	req := &schedulingv1.RecordDepartureRequest{CentreId: h.g.centre.String(), BookingId: h.booking, Party: party, RequestId: uuid.NewString()}
	for _, p := range people {
		req.PersonIds = append(req.PersonIds, p.String())
	}
	out, err := h.door.RecordDeparture(t.Context(), req)
	require.NoError(t, err)
	return out
}

// placeHold places a hold on the family now and waits until it has called the booking off.
func (h heldAtTheDoor) placeHold(t *testing.T) {
	t.Helper()
	h.g.hold(t, h.f.id)
	h.g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(h.booking),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED))
}

// Review 61, finding 1: a hold called off the session with the children's party inside; the
// visiting parent who came five minutes later was refused ON_HOLD with no word of the children
// inside, the children were let out two minutes after with no PARENTS_MAY_MEET, and
// CONTACT_NOT_HELD said the visiting party never came and sent the door to record a no-show or a
// cancellation, both refused BOOKING_NOT_ACTIVE. A party turned away at the door is at the door.
func TestUnderAHoldThePartyTurnedAwayIsKeptApartFromTheChildrenInside(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	h := heldAtTheDoor{g, f, b, door}
	g.clock.Set(london(2026, 1, 10, 10, 15))
	require.True(t, h.checkIn(t, f.resident).GetAdmitted())
	require.True(t, h.checkIn(t, f.child).GetAdmitted())
	g.clock.Set(london(2026, 1, 10, 10, 20))
	h.placeHold(t)

	g.clock.Set(london(2026, 1, 10, 10, 25))
	refused := h.checkIn(t, f.visiting)
	require.Equal(t, "ON_HOLD", refused.GetRefusal())
	require.Equal(t, []string{"PARENTS_MAY_MEET"}, codesOf(refused.GetCautions()), "the children's party is inside")
	require.Contains(t, textOf(refused.GetCautions(), "PARENTS_MAY_MEET"), "the children's party (the children, and whoever is with them) is inside")
	require.Contains(t, textOf(refused.GetCautions(), "PARENTS_MAY_MEET"), "keep this party apart until the other has gone")

	g.clock.Set(london(2026, 1, 10, 10, 27))
	left := h.depart(t, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	may := textOf(left.GetCautions(), "PARENTS_MAY_MEET")
	require.Contains(t, may, "the visiting party (the visiting parent) came to the door at 10:25, 2 minutes before this departure, and was turned away")
	require.Contains(t, may, "keep the children's party (the children and who brings them) inside until 10:35")
	notHeld := textOf(left.GetCautions(), "CONTACT_NOT_HELD")
	require.Contains(t, notHeld, "it came to the door at 10:25 and was turned away")
	require.Contains(t, notHeld, "was called off by a safeguarding hold: nothing more is recorded for it")
	require.NotContains(t, notHeld, "noshow", "a no-show of a called-off session is refused BOOKING_NOT_ACTIVE")
	require.NotContains(t, notHeld, "schedule cancel")
	require.NotContains(t, notHeld, "before the visiting party came")

	// Past the window, nothing more.
	g.clock.Set(london(2026, 1, 10, 10, 36))
	require.Empty(t, h.checkIn(t, f.resident).GetCautions(), "the visiting parent was turned away 11 minutes ago; the children are gone")
}

// The mirror: the visiting parent inside, a hold, the resident parent and the child turned away at
// 10:14, the visiting parent let out at 10:15.
func TestUnderAHoldTheChildrenTurnedAwayAreKeptApartFromTheVisitingParent(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	h := heldAtTheDoor{g, f, b, door}
	g.clock.Set(london(2026, 1, 10, 10, 1))
	require.True(t, h.checkIn(t, f.visiting).GetAdmitted())
	g.clock.Set(london(2026, 1, 10, 10, 5))
	h.placeHold(t)

	g.clock.Set(london(2026, 1, 10, 10, 14))
	refused := h.checkIn(t, f.resident)
	require.Equal(t, "ON_HOLD", refused.GetRefusal())
	require.Contains(t, textOf(refused.GetCautions(), "PARENTS_MAY_MEET"), "the visiting party (the visiting parent) is inside")
	require.Contains(t, textOf(refused.GetCautions(), "PARENTS_MAY_MEET"), "keep the other inside until 10:24")

	g.clock.Set(london(2026, 1, 10, 10, 15))
	left := h.depart(t, schedulingv1.Party_PARTY_VISITING, f.visiting)
	require.Contains(t, textOf(left.GetCautions(), "PARENTS_MAY_MEET"), "the children's party (the children and who brings them) came "+
		"to the door at 10:14, 1 minutes before this departure, and was turned away: they may still be outside; the parents may "+
		"meet; keep the visiting party (the visiting parent) inside until 10:24")
}

// Review 61, finding 4: booking a family on hold named `familytime safeguarding hold lift HOLD_ID`,
// which is no command; the lead lifts a hold with `familytime safeguarding lift HOLD_ID`.
func TestABookingRefusedOnHoldNamesTheLiftCommand(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f := g.readyBringing(t)
	g.hold(t, f.id)
	_, err := book(t.Context(), g.client(t, auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	_, reason := field(err)
	require.Equal(t, "ON_HOLD", reason, err)
	require.Contains(t, status.Convert(err).Message(), "(familytime safeguarding lift HOLD_ID)")
	require.NotContains(t, status.Convert(err).Message(), "hold lift")
}

// Review 61, finding 5: the day sheet of a session a hold called off read CHECKED IN 3/3 while
// the family was inside and 1/1 once both parties left (only the visiting parent, checked in and
// never "taken out", stayed listed); a family whose children's party checked in and left read 0/0.
// Everyone who checked in or came stays on the line; IN says who is inside now.
func TestTheDaySheetOfASessionAHoldCalledOffKeepsWhoCame(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	h := heldAtTheDoor{g, f, b, door}
	g.clock.Set(london(2026, 1, 10, 10, 15))
	for _, p := range []uuid.UUID{f.visiting, f.resident, f.child} {
		require.True(t, h.checkIn(t, p).GetAdmitted())
	}
	g.clock.Set(london(2026, 1, 10, 10, 30))
	h.placeHold(t)
	all := map[string]bool{f.visiting.String(): true, f.resident.String(): true, f.child.String(): true}
	in, checked := marks(g.entryOf(t, saturday(0), b))
	require.Equal(t, all, checked)
	require.Equal(t, map[string]bool{f.visiting.String(): true, f.resident.String(): false, f.child.String(): true}, in,
		"the resident parent who brought the child is not counted in (decision 188)")

	h.depart(t, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	h.depart(t, schedulingv1.Party_PARTY_VISITING, f.visiting)
	in, checked = marks(g.entryOf(t, saturday(0), b))
	require.Equal(t, all, checked, "CHECKED IN 3/3 stays: check-ins never clear")
	require.Equal(t, map[string]bool{f.visiting.String(): false, f.resident.String(): false, f.child.String(): false}, in, "IN 0/3")
}

// The children's party checked in, a hold, the children taken home: 2 checked in, none inside.
func TestTheDaySheetOfASessionAHoldCalledOffKeepsTheChildrensPartyThatLeft(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	h := heldAtTheDoor{g, f, b, door}
	g.clock.Set(london(2026, 1, 10, 10, 15))
	require.True(t, h.checkIn(t, f.resident).GetAdmitted())
	require.True(t, h.checkIn(t, f.child).GetAdmitted())
	g.clock.Set(london(2026, 1, 10, 10, 20))
	h.placeHold(t)
	g.clock.Set(london(2026, 1, 10, 10, 27))
	h.depart(t, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	in, checked := marks(g.entryOf(t, saturday(0), b))
	require.Equal(t, map[string]bool{f.resident.String(): true, f.child.String(): true}, checked)
	require.Equal(t, map[string]bool{f.resident.String(): false, f.child.String(): false}, in)
}
