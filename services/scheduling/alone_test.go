package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// move records a party's arrival (arriving) or departure at the door, at the rig's time, or at
// the local time at when given (a movement recorded after it happened).
func (g *rig) move(t *testing.T, door schedulingv1.SchedulingServiceClient, booking string, arriving bool, party schedulingv1.Party,
	at *schedulingv1.LocalTime, people ...uuid.UUID) {
	t.Helper()
	var err error
	if arriving {
		_, err = door.RecordArrival(t.Context(), &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: booking,
			Party: party, PersonIds: ids(people), Time: at, RequestId: uuid.NewString()})
	} else {
		_, err = door.RecordDeparture(t.Context(), &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: booking,
			Party: party, PersonIds: ids(people), Time: at, RequestId: uuid.NewString()})
	}
	require.NoError(t, err)
}

// bookFirstSaturday books family f into room of pattern on the first Saturday.
func (g *rig) bookFirstSaturday(t *testing.T, pattern, room string, f family) string {
	t.Helper()
	r, err := book(t.Context(), g.client(t, auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: room})
	require.NoError(t, err)
	return r.GetBooking().GetBookingId()
}

// arriveOnTime records the visiting parent arriving at 10:00 and the children, brought by the
// resident parent, at 10:15 on the first Saturday, as booked.
func (g *rig) arriveOnTime(t *testing.T, door schedulingv1.SchedulingServiceClient, booking string, f family) {
	t.Helper()
	g.clock.Set(london(2026, 1, 10, 10, 0))
	g.move(t, door, booking, true, schedulingv1.Party_PARTY_VISITING, nil, f.visiting)
	g.clock.Set(london(2026, 1, 10, 10, 15))
	g.move(t, door, booking, true, schedulingv1.Party_PARTY_CHILDREN, nil, f.resident, f.child)
}

// Review 31: a supported session whose resident parent only brings and collects the children
// (may not attend). The visiting parent left at 10:50, and the children were collected at 11:05:
// both accepted, and the day sheet said nothing of the child left at the centre with none of
// their adults for a quarter of an hour, the volunteers minding them alone. The day sheet alerts
// it while the children are inside, and keeps it on the day's record once they have left, the
// session completed, and the day is past.
func TestChildrenLeftInsideWithNoneOfTheirAdultsAreAlerted(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	g.arriveOnTime(t, door, b, f)
	require.NotContains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT)

	g.clock.Set(london(2026, 1, 10, 10, 50))
	g.move(t, door, b, false, schedulingv1.Party_PARTY_VISITING, nil, f.visiting)
	g.clock.Set(london(2026, 1, 10, 10, 52))
	require.Contains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT,
		"the child is inside, the visiting parent left two minutes ago, the resident parent only brought them")

	g.clock.Set(london(2026, 1, 10, 11, 5))
	g.move(t, door, b, false, schedulingv1.Party_PARTY_CHILDREN, nil, f.resident, f.child)
	require.Contains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT,
		"collected a quarter of an hour after the visiting parent left: it stays on the day's record")

	_, err := door.CompleteSession(t.Context(), &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: b,
		RequestId: uuid.NewString()})
	require.NoError(t, err, "facts recorded at the door are recorded; the session held contact from 10:15 to 10:50")
	g.clock.Set(london(2026, 1, 12, 9, 0))
	require.Contains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT,
		"the day sheet of a past day says it too")
}

// The alert is exact, not noise. The stagger (the visiting parent leaves after the children) raises
// nothing; a visiting departure tapped by mistake raises it only until it is corrected; departures
// recorded after the session, the visiting parent's first, are read by the times they give; a
// resident parent who may take part in contact and brought the children is with them.
func TestTheStaggerAndCorrectedMovementsDoNotAlertChildrenWithoutAnAdult(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f, staying := g.readyBringing(t), g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	b, other := g.bookFirstSaturday(t, pattern, rooms[0], f), g.bookFirstSaturday(t, pattern, rooms[0], staying)
	door := g.door(t)
	g.arriveOnTime(t, door, b, f)

	g.clock.Set(london(2026, 1, 10, 10, 50))
	g.move(t, door, b, false, schedulingv1.Party_PARTY_VISITING, nil, f.visiting)
	g.clock.Set(london(2026, 1, 10, 10, 52))
	require.Contains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT)
	_, err := door.CorrectMovement(ctx, &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_VISITING, Movement: schedulingv1.Movement_MOVEMENT_DEPARTURE, NotHappened: true, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.NotContains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT,
		"the visiting parent never left: the departure was tapped by mistake")

	// Recorded at 11:40, after the session: the visiting parent left at 11:30, the children at
	// 11:15, as staggered.
	g.clock.Set(london(2026, 1, 10, 11, 40))
	g.move(t, door, b, false, schedulingv1.Party_PARTY_VISITING, &schedulingv1.LocalTime{Hour: 11, Minute: 30}, f.visiting)
	g.move(t, door, b, false, schedulingv1.Party_PARTY_CHILDREN, &schedulingv1.LocalTime{Hour: 11, Minute: 15}, f.resident, f.child)
	require.NotContains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT,
		"the children left a quarter of an hour before the visiting parent")

	// Corrected the other way: the visiting parent left at 11:00 after all; then corrected back.
	g.clock.Set(london(2026, 1, 10, 11, 45))
	correct := func(h, m int32) {
		t.Helper()
		_, err := door.CorrectMovement(ctx, &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b,
			Party: schedulingv1.Party_PARTY_VISITING, Movement: schedulingv1.Movement_MOVEMENT_DEPARTURE,
			Time: &schedulingv1.LocalTime{Hour: h, Minute: m}, PersonIds: []string{f.visiting.String()}, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	correct(11, 0)
	require.Contains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT)
	correct(11, 30)
	require.NotContains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT)

	// A resident parent who may take part in contact brought the children: nothing records them
	// leaving apart from the children, so they are taken to be with them.
	g.arriveOnTime(t, door, other, staying)
	g.clock.Set(london(2026, 1, 10, 10, 50))
	g.move(t, door, other, false, schedulingv1.Party_PARTY_VISITING, nil, staying.visiting)
	g.clock.Set(london(2026, 1, 10, 11, 5))
	require.NotContains(t, g.alertsOf(t, saturday(0), other), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT)
	g.move(t, door, other, false, schedulingv1.Party_PARTY_CHILDREN, nil, staying.resident, staying.child)
	require.NotContains(t, g.alertsOf(t, saturday(0), other), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT)
}

// Supervised contact: the children's contact supervisor watches this family alone, and stays with
// the children when the visiting parent leaves early, until the children's time ends (11:15);
// after it, the supervisor may be watching the next family (Booking.ContactHeld), and children
// still waiting for whoever collects them are alerted.
func TestASupervisedFamilysChildrenAreWithTheirSupervisorUntilTheirTimeEnds(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), true, 1)
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, func(ev *referralv1.FamilyReadyForContact) {
		ev.GetAdults()[0].MayAttend = false // the resident parent brings and collects the children
	})[0]
	b := g.bookFirstSaturday(t, pattern, rooms[0], f)
	door := g.door(t)
	g.arriveOnTime(t, door, b, f)

	g.clock.Set(london(2026, 1, 10, 10, 50))
	g.move(t, door, b, false, schedulingv1.Party_PARTY_VISITING, nil, f.visiting)
	g.clock.Set(london(2026, 1, 10, 11, 10))
	require.NotContains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT,
		"their supervisor is with them until 11:15")
	g.clock.Set(london(2026, 1, 10, 11, 20))
	require.Contains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT,
		"five minutes past their time, still waiting to be collected")
	g.move(t, door, b, false, schedulingv1.Party_PARTY_CHILDREN, nil, f.resident, f.child)
	require.Contains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT)
}

// departCautions records a party's departure at the door at the rig's time, or at the local time
// at when given, and returns the codes of the cautions it answers, each with its words checked.
func (g *rig) departCautions(t *testing.T, door schedulingv1.SchedulingServiceClient, booking string, party schedulingv1.Party,
	at *schedulingv1.LocalTime, people ...uuid.UUID) []string {
	t.Helper()
	resp, err := door.RecordDeparture(t.Context(), &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: booking,
		Party: party, PersonIds: ids(people), Time: at, RequestId: uuid.NewString()})
	require.NoError(t, err)
	var out []string
	for _, c := range resp.GetCautions() {
		require.NotEmpty(t, c.GetText())
		out = append(out, c.GetCode())
	}
	return out
}

// Decision 213 left the door to learn of children left inside with none of their adults from the
// day sheet alone: the departure's answer said nothing. The visiting parent's departure that
// leaves them so answers the caution at once, by the day sheet's rule, saying what to do; the
// children's later departure answers that they were (the day's record). The stagger, a resident
// parent who may take part in contact and brought the children, and a supervised family within the
// children's time answer none.
func TestTheDepartureThatLeavesChildrenWithoutAnAdultSaysSo(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 4, 4)
	f, door := g.readyBringing(t), g.door(t)
	staying, later := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0], g.readyBringing(t)
	b, other := g.bookFirstSaturday(t, pattern, rooms[0], f), g.bookFirstSaturday(t, pattern, rooms[0], staying)
	third := g.bookFirstSaturday(t, pattern, rooms[1], later)
	g.arriveOnTime(t, door, b, f)
	g.clock.Set(london(2026, 1, 10, 10, 50))
	require.Equal(t, []string{"CHILDREN_WITHOUT_AN_ADULT"}, g.departCautions(t, door, b, schedulingv1.Party_PARTY_VISITING, nil, f.visiting),
		"the resident parent only brought the child: the child is inside with none of their adults")
	resp, err := door.RecordDeparture(t.Context(), &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: ids([]uuid.UUID{f.resident, f.child}), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.NotContains(t, codesOf(resp.GetCautions()), "CHILDREN_WITHOUT_AN_ADULT", "collected within the minute: seconds are not alerted")
	require.Equal(t, []string{"PARENTS_MAY_MEET"}, codesOf(resp.GetCautions()),
		"the visiting parent walked out the same minute: the parents may meet outside (review 48)")

	// The stagger, and a resident parent who stays, answer none.
	g.arriveOnTime(t, door, other, staying)
	g.clock.Set(london(2026, 1, 10, 10, 50))
	require.Empty(t, g.departCautions(t, door, other, schedulingv1.Party_PARTY_VISITING, nil, staying.visiting))
	g.clock.Set(london(2026, 1, 10, 11, 5))
	require.Empty(t, g.departCautions(t, door, other, schedulingv1.Party_PARTY_CHILDREN, nil, staying.resident, staying.child))

	// Recorded after the fact: the visiting parent at 11:00, the children at 11:20; the children's
	// departure answers what the day sheet alerts.
	g.arriveOnTime(t, door, third, later)
	g.clock.Set(london(2026, 1, 10, 11, 30))
	require.Equal(t, []string{"CHILDREN_WITHOUT_AN_ADULT"}, g.departCautions(t, door, third, schedulingv1.Party_PARTY_VISITING,
		&schedulingv1.LocalTime{Hour: 11}, later.visiting), "the children are still recorded inside")
	require.Equal(t, []string{"CHILDREN_WITHOUT_AN_ADULT"}, g.departCautions(t, door, third, schedulingv1.Party_PARTY_CHILDREN,
		&schedulingv1.LocalTime{Hour: 11, Minute: 20}, later.resident, later.child), "they were without an adult for twenty minutes")
	require.Contains(t, g.alertsOf(t, saturday(0), third), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT, "the same rule")
}

// A supervised family's children are with their supervisor until their time ends: the visiting
// parent's early departure answers no caution; the day sheet alerts a wait after their time.
func TestASupervisedFamilysEarlyDepartureAnswersNoCaution(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), true, 1)
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, func(ev *referralv1.FamilyReadyForContact) {
		ev.GetAdults()[0].MayAttend = false
	})[0]
	b := g.bookFirstSaturday(t, pattern, rooms[0], f)
	door := g.door(t)
	g.arriveOnTime(t, door, b, f)
	g.clock.Set(london(2026, 1, 10, 10, 50))
	require.Empty(t, g.departCautions(t, door, b, schedulingv1.Party_PARTY_VISITING, nil, f.visiting), "their supervisor is with them")
}
