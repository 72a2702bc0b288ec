package scheduling

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// A cancelled booking stays on the day sheet with its alerts, but its people are not expected:
// the sheet lists none of them, except whoever had checked in before a hold cancelled the
// session under way, who is at the centre (decisions.md 91).
func TestACancelledBookingsPeopleAreNotExpected(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	fams := g.ready(t, 3, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	coming, cancelled, held := fams[0], fams[1], fams[2]
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	bookings := map[uuid.UUID]string{}
	for _, f := range fams {
		b, err := c.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0], RequestId: uuid.NewString()})
		require.NoError(t, err)
		bookings[f.id] = b.GetBooking().GetBookingId()
	}
	_, err := c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: bookings[cancelled.id],
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)

	// On the morning the held family's visiting parent checks in; then a hold cancels its session.
	g.clock.Set(london(2026, 1, 10, 9, 58))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bookings[held.id],
		PersonId: held.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted())
	g.safeguarding.publish(t, "hold-"+held.id.String(), held.id, g.centre, &safeguardingv1.HoldPlaced{HoldId: uuid.NewString(),
		FamilyId: held.id.String(), CentreId: g.centre.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION,
		PlacedOn: date(saturday(0))})
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(bookings[held.id]),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED))

	sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
	require.NoError(t, err)
	require.Len(t, sheet.GetEntries(), 3, "cancelled bookings stay on the sheet")
	expected := map[string][]string{}
	for _, e := range sheet.GetEntries() {
		var people []string
		for _, p := range e.GetExpected() {
			people = append(people, p.GetPersonId())
		}
		expected[e.GetBooking().GetBookingId()] = people
		if e.GetBooking().GetBookingId() == bookings[held.id] {
			require.Contains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_ON_HOLD)
			require.True(t, e.GetExpected()[0].GetCheckedIn())
		}
	}
	require.ElementsMatch(t, []string{coming.resident.String(), coming.visiting.String(), coming.child.String()},
		expected[bookings[coming.id]], "a booking still on: everyone named")
	require.Empty(t, expected[bookings[cancelled.id]], "a cancelled booking: nobody expected")
	require.Equal(t, []string{held.visiting.String()}, expected[bookings[held.id]],
		"cancelled under way: only who is already in the building")

	// The door records who left the session the hold called off (decision 111); nothing else.
	g.clock.Set(london(2026, 1, 10, 10, 5))
	left, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: bookings[held.id],
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{held.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, left.GetBooking().GetStatus())
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[held.id],
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{held.resident.String(), held.child.String()}, RequestId: uuid.NewString()})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, "%v", err)
	require.Equal(t, "BOOKING_NOT_ACTIVE", reason)
	_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: bookings[cancelled.id],
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{cancelled.resident.String(), cancelled.child.String()}, RequestId: uuid.NewString()})
	code, reason = field(err)
	require.Equal(t, codes.FailedPrecondition, code, "%v", err)
	require.Equal(t, "BOOKING_NOT_ACTIVE", reason, "a booking cancelled before anyone came takes no departure")
}

// A hold placed while the children are in the room, their arrival recorded and nobody checked in
// (a review): on the session it called off, the day sheet still lists them, with who brought them
// and the visiting parent; their mother, come to collect them, is not turned away but answered
// CHILDREN_STILL_INSIDE (hand them over at the door, record the departure); a departure that
// names no child is refused. Once the children have left they are off the list, and she is
// refused ON_HOLD.
func TestAHoldWithTheChildrenInsideKeepsThemOnTheDaySheet(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 10, 20))
	for _, m := range []struct {
		party  schedulingv1.Party
		people []string
	}{{schedulingv1.Party_PARTY_VISITING, []string{f.visiting.String()}}, {schedulingv1.Party_PARTY_CHILDREN, []string{f.resident.String(), f.child.String()}}} {
		_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b, Party: m.party,
			PersonIds: m.people, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	g.safeguarding.publish(t, "hold-"+f.id.String(), f.id, g.centre, &safeguardingv1.HoldPlaced{HoldId: uuid.NewString(),
		FamilyId: f.id.String(), CentreId: g.centre.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION,
		PlacedOn: date(saturday(0))})
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(b),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED))

	inside := func() []string {
		t.Helper()
		sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
		require.NoError(t, err)
		require.Len(t, sheet.GetEntries(), 1)
		var people []string
		for _, p := range sheet.GetEntries()[0].GetExpected() {
			people = append(people, p.GetPersonId())
		}
		return people
	}
	checkIn := func(person uuid.UUID) *schedulingv1.CheckInResponse {
		t.Helper()
		in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: b, PersonId: person.String(),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.False(t, in.GetAdmitted(), "a hold suspends contact: nobody is admitted")
		return in
	}
	require.ElementsMatch(t, []string{f.resident.String(), f.visiting.String(), f.child.String()}, inside(),
		"arrived, not checked in, and still in the building")
	require.Equal(t, "CHILDREN_STILL_INSIDE", checkIn(f.resident).GetRefusal(), "come to collect the children: not turned away")
	require.Equal(t, "ON_HOLD", checkIn(f.visiting).GetRefusal())

	before := g.count(t, "SELECT count(*) FROM events")
	_, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String()}, RequestId: uuid.NewString()})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, "%v", err)
	require.Equal(t, "CHILD_NOT_ACCOUNTED_FOR", reason)
	require.Contains(t, err.Error(), f.child.String())
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
	_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{f.resident.String(), f.visiting.String(), f.child.String()}, inside(),
		"the children left with their mother, and stay on the line of the day (review 61)")
	in, _ := marks(g.entryOf(t, saturday(0), b))
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): true, f.child.String(): false}, in,
		"IN is who is inside now")
	require.Equal(t, "ON_HOLD", checkIn(f.resident).GetRefusal(), "nothing left to collect")
}

// changeChildrenLeaving publishes referral's ChildrenLeavingChanged for the family, as referral
// records it in the referral's stream, and waits until scheduling's consumer has handled it.
func (g *rig) changeChildrenLeaving(t *testing.T, f family, referral, centre uuid.UUID, may bool) {
	t.Helper()
	g.publishReferral(t, f, centre, &referralv1.ChildrenLeavingChanged{ReferralId: referral.String(), FamilyId: f.id.String(),
		CentreId: centre.String(), ChangedOn: date(g.clock.Now()), ChildrenMayLeaveCentre: may})
}

// Children stay in the centre unless their referral says they may leave it; the day sheet tells
// the door of the exception, on bookings made before an amended answer too, and not on a session
// called off. A change for another centre or referral, or the answer scheduling has, appends
// nothing (decision 117).
func TestTheDaySheetSaysWhenChildrenMayLeaveTheCentre(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	stay := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	out := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(e *referralv1.FamilyReadyForContact) { e.ChildrenMayLeaveCentre = true })[0]
	c := g.client(t, auth.RoleCoordinator)
	bookings := map[uuid.UUID]string{}
	for _, f := range []family{stay, out} {
		b, err := c.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0], RequestId: uuid.NewString()})
		require.NoError(t, err)
		bookings[f.id] = b.GetBooking().GetBookingId()
	}
	mayLeave := func() map[uuid.UUID]bool {
		t.Helper()
		sheet, err := g.door(t).GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
		require.NoError(t, err)
		got := map[uuid.UUID]bool{}
		for _, e := range sheet.GetEntries() {
			for f, b := range bookings {
				if e.GetBooking().GetBookingId() == b {
					got[f] = slices.Contains(e.GetAlerts(), schedulingv1.Alert_ALERT_CHILDREN_MAY_LEAVE_CENTRE)
				}
			}
		}
		require.Len(t, got, len(bookings))
		return got
	}
	require.Equal(t, map[uuid.UUID]bool{stay.id: false, out.id: true}, mayLeave(), "as FamilyReadyForContact said")

	// An amendment after the family was ready: the door hears of it on the bookings made before.
	g.changeChildrenLeaving(t, out, out.referral, g.centre, false)
	g.changeChildrenLeaving(t, stay, stay.referral, g.centre, true)
	require.Equal(t, map[uuid.UUID]bool{stay.id: true, out.id: false}, mayLeave(), "as the amendments said")

	noted := func() int {
		return g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.ChildrenLeavingNoted'`)
	}
	require.Equal(t, 2, noted())
	g.changeChildrenLeaving(t, stay, stay.referral, g.centre, true)                // the answer scheduling has
	g.changeChildrenLeaving(t, out, out.referral, uuid.New(), true)                // another centre's
	g.changeChildrenLeaving(t, out, uuid.New(), g.centre, true)                    // another referral's
	g.changeChildrenLeaving(t, family{id: uuid.New()}, uuid.New(), g.centre, true) // a family scheduling does not know
	require.Equal(t, 2, noted(), "nothing appended")
	require.Equal(t, map[uuid.UUID]bool{stay.id: true, out.id: false}, mayLeave())

	_, err := c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: bookings[stay.id],
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, map[uuid.UUID]bool{stay.id: false, out.id: false}, mayLeave(), "a session called off has no contact to leave for")

	// A change reaches the sessions from the day it was recorded. The day sheet of a past date
	// says what the door was told that day, not what the referral says now (review 13); a
	// booking made afterwards takes the new answer.
	alerted := func(day time.Time, booking string) bool {
		t.Helper()
		sheet, err := c.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(day)})
		require.NoError(t, err)
		for _, e := range sheet.GetEntries() {
			if e.GetBooking().GetBookingId() == booking {
				return slices.Contains(e.GetAlerts(), schedulingv1.Alert_ALERT_CHILDREN_MAY_LEAVE_CENTRE)
			}
		}
		t.Fatalf("booking %s is not on the day sheet of %s", booking, day.Format(time.DateOnly))
		return false
	}
	next, err := c.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: out.id.String(),
		PatternId: pattern, Date: date(saturday(1)), RoomId: rooms[0], RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 12, 9, 0)) // the Monday after the first Saturday
	g.changeChildrenLeaving(t, out, out.referral, g.centre, true)
	require.False(t, alerted(saturday(0), bookings[out.id]), "that Saturday, the children stayed in the centre")
	require.True(t, alerted(saturday(1), next.GetBooking().GetBookingId()), "from the change on, they may leave")
	later, err := c.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: out.id.String(),
		PatternId: pattern, Date: date(saturday(2)), RoomId: rooms[0], RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, alerted(saturday(2), later.GetBooking().GetBookingId()), "a booking takes the answer as it stands")
}

// Children brought early are at the door when the visiting parent is due: the day sheet warns the
// door as they come in, before the visiting parent walks in on them (review 14), and a visiting
// parent leaving early near the children's collection likewise. Children on time, or a party
// not yet come, raise nothing: the booked stagger keeps the parents apart.
func TestTheDoorIsWarnedWhenTheParentsMayMeet(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 3)
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	three := g.bookFamiliesBringing(t, c, pattern, rooms[0], 3)
	onTime, early, leavingEarly := three[0], three[1], three[2]
	local := func(ts time.Time) *schedulingv1.LocalTime {
		l := ts.In(london(2026, 1, 10, 0, 0).Location())
		return &schedulingv1.LocalTime{Hour: int32(l.Hour()), Minute: int32(l.Minute())}
	}
	arrive := func(bk bookedFamily, party schedulingv1.Party, at time.Time, people ...uuid.UUID) {
		t.Helper()
		req := &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bk.id, Party: party, Time: local(at), RequestId: uuid.NewString()}
		for _, p := range people {
			req.PersonIds = append(req.PersonIds, p.String())
		}
		_, err := door.RecordArrival(ctx, req)
		require.NoError(t, err)
	}
	alerted := func() map[string]bool { return g.atDoorTogether(t, door, saturday(0)) }
	visitingDue := early.b.GetVisiting().GetDueAt().AsTime()
	childrenDue := early.b.GetChildren().GetDueAt().AsTime()
	require.GreaterOrEqual(t, childrenDue.Sub(visitingDue), 10*time.Minute, "the booked stagger keeps the parents apart")

	// Three minutes after the visiting parents are due, none has come yet. One family's
	// children are brought already: the resident parent is at the door as its visiting parent
	// may walk in.
	g.clock.Set(visitingDue.Add(3 * time.Minute))
	require.Equal(t, map[string]bool{onTime.id: false, early.id: false, leavingEarly.id: false}, alerted(), "nobody has come: no alert")
	arrive(early, schedulingv1.Party_PARTY_CHILDREN, g.clock.Now(), early.f.resident, early.f.child)
	require.True(t, alerted()[early.id], "the children came early, before their visiting parent: the door is warned now")

	// The others come as booked: no alert, before and after the children.
	arrive(onTime, schedulingv1.Party_PARTY_VISITING, g.clock.Now(), onTime.f.visiting)
	arrive(leavingEarly, schedulingv1.Party_PARTY_VISITING, g.clock.Now(), leavingEarly.f.visiting)
	g.clock.Set(childrenDue)
	arrive(onTime, schedulingv1.Party_PARTY_CHILDREN, childrenDue, onTime.f.resident, onTime.f.child)
	arrive(leavingEarly, schedulingv1.Party_PARTY_CHILDREN, childrenDue, leavingEarly.f.resident, leavingEarly.f.child)
	got := alerted()
	require.False(t, got[onTime.id], "on time, the stagger keeps them apart")
	require.False(t, got[leavingEarly.id])

	// A visiting parent leaving just before the children are collected, while the resident
	// parent is due at the door: warned as they leave.
	collected := leavingEarly.b.GetChildren().GetLeavesAt().AsTime()
	g.clock.Set(collected.Add(-4 * time.Minute))
	_, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: leavingEarly.id,
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{leavingEarly.f.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	got = alerted()
	require.True(t, got[leavingEarly.id], "the visiting parent left as the children are due to be collected")
	require.False(t, got[onTime.id])
}

// Review 20: the visiting and the resident parent admitted at the door in the same minute raised
// nothing, since only recorded arrivals counted. Now the second of them admitted is answered with a
// caution, and the day sheet alerts, from the check-ins alone; parents checked in as booked, the
// stagger apart, raise neither.
func TestTheDoorIsCautionedWhenTheParentsCheckInTogether(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 3)
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	three := g.bookFamiliesBringing(t, c, pattern, rooms[0], 3)
	together, reversed, apart := three[0], three[1], three[2]
	checkIn := func(bk bookedFamily, person uuid.UUID) *schedulingv1.CheckInResponse {
		t.Helper()
		resp, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bk.id, PersonId: person.String(),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.True(t, resp.GetAdmitted())
		return resp
	}
	alerted := func() map[string]bool { return g.atDoorTogether(t, door, saturday(0)) }
	visitingDue := together.b.GetVisiting().GetDueAt().AsTime()
	childrenDue := together.b.GetChildren().GetDueAt().AsTime()

	g.clock.Set(visitingDue.Add(-25 * time.Minute)) // early, well before anyone is due
	require.Empty(t, cautions(checkIn(together, together.f.visiting)), "the first to come")
	require.Empty(t, cautions(checkIn(apart, apart.f.visiting)))
	require.Equal(t, []string{"PARENTS_MAY_MEET"}, cautions(checkIn(reversed, reversed.f.resident)),
		"the children's party before the visiting parent is in, however early (decision 268)")
	require.Equal(t, map[string]bool{together.id: false, reversed.id: false, apart.id: false}, alerted(),
		"one party each, far from the other's time: nothing yet")

	g.clock.Set(visitingDue.Add(-24 * time.Minute))
	resp := checkIn(together, together.f.resident)
	require.Equal(t, []string{"PARENTS_MAY_MEET"}, cautions(resp))
	require.Contains(t, resp.GetCautions()[0].GetText(), "the visiting party (the visiting parent) came to the door at ")
	require.Contains(t, resp.GetCautions()[0].GetText(), "1 minutes ago: the parents may meet; keep them apart")
	require.Equal(t, []string{"PARENTS_MAY_MEET"}, cautions(checkIn(together, together.f.child)), "each of the party admitted")
	again := checkIn(together, together.f.resident)
	require.True(t, again.GetAlreadyCheckedIn())
	require.Empty(t, again.GetCautions(), "again: nothing new recorded, nothing new to say")
	resp = checkIn(reversed, reversed.f.visiting)
	require.Equal(t, []string{"PARENTS_MAY_MEET"}, cautions(resp))
	require.Contains(t, resp.GetCautions()[0].GetText(), "the children's party (the children and who brings them) came to the door at ")
	got := alerted()
	require.True(t, got[together.id], "both parents at the door within minutes")
	require.True(t, got[reversed.id])
	require.False(t, got[apart.id])

	g.clock.Set(childrenDue)
	require.Empty(t, cautions(checkIn(apart, apart.f.resident)), "the children brought as booked")
	require.False(t, alerted()[apart.id], "checked in the stagger apart")
}

// cautions are the codes of a check-in's cautions.
func cautions(resp *schedulingv1.CheckInResponse) []string {
	var out []string
	for _, c := range resp.GetCautions() {
		out = append(out, c.GetCode())
	}
	return out
}

// Review 20: an adult named to bring the children, not to collect them, checked in at collection
// time read "ADMITTED", and the door handed the children over; the departure was refused only
// once they had gone. Admitted after the children were brought in, they are answered with a
// caution; at drop-off, and an adult who may collect, are not (one who may only collect is told
// COLLECT_ONLY, decision 316).
func TestTheDoorIsCautionedNotToHandTheChildrenToWhoMayNotCollect(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 3)
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	escort, gran := uuid.New(), uuid.New()
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Adults = append(ev.Adults,
			&referralv1.Attendee{PersonId: escort.String(), Role: referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT, MayBring: true},
			&referralv1.Attendee{PersonId: gran.String(), Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, MayCollect: true})
	})[0]
	booked, err := c.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
		PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0], RequestId: uuid.NewString()})
	require.NoError(t, err)
	id := booked.GetBooking().GetBookingId()
	checkIn := func(person uuid.UUID) *schedulingv1.CheckInResponse {
		t.Helper()
		resp, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: id, PersonId: person.String(),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.True(t, resp.GetAdmitted())
		return resp
	}
	g.clock.Set(booked.GetBooking().GetVisiting().GetDueAt().AsTime())
	checkIn(f.visiting)
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: id,
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(booked.GetBooking().GetChildren().GetDueAt().AsTime())
	require.Empty(t, cautions(checkIn(f.child)), "the children brought as booked")
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: id,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)

	g.clock.Set(booked.GetBooking().GetChildren().GetLeavesAt().AsTime())
	resp := checkIn(escort)
	require.Equal(t, []string{"BRING_ONLY", "MAY_NOT_COLLECT"}, cautions(resp), "come at collection time (review 50: and named only to bring them)")
	require.Contains(t, resp.GetCautions()[1].GetText(), "do not hand the children over to them")
	again := checkIn(escort)
	require.True(t, again.GetAlreadyCheckedIn())
	require.Equal(t, []string{"MAY_NOT_COLLECT"}, cautions(again), "checked in before (at drop-off, say): cautioned again (review 21)")
	// decision 316: named only to collect, she is told COLLECT_ONLY (review 55), never MAY_NOT_COLLECT.
	require.Equal(t, []string{"COLLECT_ONLY"}, cautions(checkIn(gran)), "who may collect them")
}

// Review 20, over gRPC: a child leaves first with the resident parent while the other stays; the
// resident parent is let back in for the second child (not ALREADY_LEFT), and the day sheet's
// children leave when the last of them does.
func TestOneChildLeavesFirstAndTheOtherIsCollectedLater(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 3)
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	second := uuid.New()
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Children = append(ev.Children, &referralv1.ChildParty{PersonId: second.String(), BirthYear: 2011, BirthMonth: 2})
	})[0]
	booked, err := c.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
		PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0], RequestId: uuid.NewString()})
	require.NoError(t, err)
	id := booked.GetBooking().GetBookingId()
	move := func(party schedulingv1.Party, arriving, othersStay bool, people ...uuid.UUID) error {
		t.Helper()
		var ids []string
		for _, p := range people {
			ids = append(ids, p.String())
		}
		var err error
		if arriving {
			_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: id, Party: party,
				PersonIds: ids, RequestId: uuid.NewString()})
		} else {
			_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: id, Party: party,
				PersonIds: ids, RequestId: uuid.NewString(), OthersStay: othersStay})
		}
		return err
	}
	g.clock.Set(booked.GetBooking().GetVisiting().GetDueAt().AsTime())
	require.NoError(t, move(schedulingv1.Party_PARTY_VISITING, true, false, f.visiting))
	g.clock.Set(booked.GetBooking().GetChildren().GetDueAt().AsTime())
	for _, p := range []uuid.UUID{f.resident, f.child, second} {
		_, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: id, PersonId: p.String(),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	require.NoError(t, move(schedulingv1.Party_PARTY_CHILDREN, true, false, f.resident, f.child, second))

	g.clock.Set(booked.GetBooking().GetChildren().GetDueAt().AsTime().Add(20 * time.Minute))
	_, why := field(move(schedulingv1.Party_PARTY_CHILDREN, false, false, f.resident, second))
	require.Equal(t, "CHILD_NOT_ACCOUNTED_FOR", why, "without --others-stay, no child is left behind by accident")
	require.NoError(t, move(schedulingv1.Party_PARTY_CHILDREN, false, true, f.resident, second))
	in := func() map[string]bool {
		t.Helper()
		s, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
		require.NoError(t, err)
		out := map[string]bool{}
		for _, p := range s.GetEntries()[0].GetExpected() {
			out[p.GetPersonId()] = p.GetCheckedIn()
		}
		return out
	}
	inside := in()
	require.False(t, inside[second.String()], "the older child left: not in (review 21)")
	require.False(t, inside[f.resident.String()], "nor who took them")
	require.True(t, inside[f.child.String()], "the younger one is")
	again, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: id, PersonId: f.resident.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, again.GetAdmitted(), "back for the other child: %s", again.GetRefusal())
	require.True(t, in()[f.resident.String()], "checked in again: in")
	sheet := func() *schedulingv1.DaySheetEntry {
		t.Helper()
		s, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
		require.NoError(t, err)
		require.Len(t, s.GetEntries(), 1)
		return s.GetEntries()[0]
	}
	require.Nil(t, sheet().GetBooking().GetChildren().GetDepartedAt(), "one child is still inside")

	last := booked.GetBooking().GetChildren().GetLeavesAt().AsTime()
	g.clock.Set(last)
	require.NoError(t, move(schedulingv1.Party_PARTY_CHILDREN, false, false, f.resident, f.child))
	require.True(t, last.Equal(sheet().GetBooking().GetChildren().GetDepartedAt().AsTime()), "the children left with the last of them")
}

// bookedFamily is a family ready for contact (readyBringing) and its booking.
type bookedFamily struct {
	f  family
	id string
	b  *schedulingv1.Booking
}

// bookFamiliesBringing books n families ready for contact into the room's session of the first
// Saturday, each with its resident parent bringing the children.
func (g *rig) bookFamiliesBringing(t *testing.T, c schedulingv1.SchedulingServiceClient, pattern, room string, n int) []bookedFamily {
	t.Helper()
	out := make([]bookedFamily, n)
	for i := range out {
		out[i].f = g.readyBringing(t)
		resp, err := c.BookSession(t.Context(), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: out[i].f.id.String(),
			PatternId: pattern, Date: date(saturday(0)), RoomId: room, RequestId: uuid.NewString()})
		require.NoError(t, err)
		out[i].id, out[i].b = resp.GetBooking().GetBookingId(), resp.GetBooking()
	}
	return out
}

// atDoorTogether says, for each booking on the day's sheet, whether it alerts that the parents may
// be at the door together.
func (g *rig) atDoorTogether(t *testing.T, door schedulingv1.SchedulingServiceClient, day time.Time) map[string]bool {
	t.Helper()
	sheet, err := door.GetDaySheet(t.Context(), &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(day)})
	require.NoError(t, err)
	out := map[string]bool{}
	for _, e := range sheet.GetEntries() {
		out[e.GetBooking().GetBookingId()] = slices.Contains(e.GetAlerts(), schedulingv1.Alert_ALERT_PARENTS_AT_DOOR_TOGETHER)
	}
	return out
}
