package scheduling

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// checkIn admits person at the door of booking now.
func (g *rig) checkIn(t *testing.T, door schedulingv1.SchedulingServiceClient, booking string, person uuid.UUID) {
	t.Helper()
	in, err := door.CheckIn(t.Context(), &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking,
		PersonId: person.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted(), in.GetRefusal())
}

// Review 38 (finding 3): IN was checked_in || in_building, and a check-in never clears, so every
// person checked in read IN yes after going home, a completed booking read 3/3 with everyone gone,
// and the resident parent who only dropped the children off read yes. in_building is now who is
// inside now, on every line: checked in or come with a recorded arrival, and not gone since;
// CHECKED IN stays the check-ins.
func TestInIsWhoIsInsideNow(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	in := func() map[string]bool {
		t.Helper()
		got, _ := marks(g.entryOf(t, saturday(0), b))
		return got
	}
	g.clock.Set(london(2026, 1, 10, 10, 0))
	g.checkIn(t, door, b, f.visiting)
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): true, f.child.String(): false}, in(),
		"checked in, no arrival recorded yet: inside")
	g.arrive(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)

	g.clock.Set(london(2026, 1, 10, 10, 15))
	g.checkIn(t, door, b, f.resident)
	g.checkIn(t, door, b, f.child)
	g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): true, f.child.String(): true}, in(),
		"the resident parent only brought the child (may not attend): not in")

	g.clock.Set(london(2026, 1, 10, 10, 40))
	g.depart(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): true, f.child.String(): false}, in(),
		"the child went home: not in")
	g.clock.Set(london(2026, 1, 10, 10, 45))
	g.depart(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): false, f.child.String(): false}, in())

	g.clock.Set(london(2026, 1, 10, 11, 20))
	_, err := door.CompleteSession(t.Context(), &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: b,
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	e := g.entryOf(t, saturday(0), b)
	got, checked := marks(e)
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): false, f.child.String(): false}, got,
		"a completed booking with everyone recorded leaving has nobody in")
	require.Equal(t, map[string]bool{f.resident.String(): true, f.visiting.String(): true, f.child.String(): true}, checked)
	require.NotContains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING)
}

// readyStaggered is a family as readyBringing's, whose visiting parent is due 10 minutes before the
// children: the children's time starts while the visiting parent's 15 minutes' grace still runs.
func (g *rig) readyStaggered(t *testing.T) family {
	t.Helper()
	f := family{id: uuid.New(), resident: uuid.New(), visiting: uuid.New(), child: uuid.New()}
	g.referral.publish(t, "referral-"+f.id.String(), f.id, g.centre, &referralv1.FamilyReadyForContact{
		ReferralId: uuid.NewString(), FamilyId: f.id.String(), CentreId: g.centre.String(),
		Adults: []*referralv1.Attendee{
			{PersonId: f.resident.String(), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, MayBring: true, MayCollect: true},
			{PersonId: f.visiting.String(), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, MayAttend: true},
		},
		Children: []*referralv1.ChildParty{{PersonId: f.child.String(), BirthYear: 2019, BirthMonth: 4}},
		Arrangement: &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60,
			Stagger: &referralv1.Stagger{ArrivalMinutes: 10, DepartureMinutes: 10}},
		EarliestBookableOn: date(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
	})
	g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND ready IS NOT NULL", f.id)
	return f
}

// Review 38 (finding 4): the visiting parent was due at 10:00 and came at 10:13, inside their 15
// minutes' grace; the children's time began at 10:10 and the resident parent took the child out at
// 10:11. The arrival told the door to record the visiting parent's no-show, and it was accepted as
// unexplained. The other party cut contact short: the arrival says the children were taken early,
// naming the time, and the late party's no-show is refused CONTACT_CUT_SHORT, nothing appended.
func TestAPartyWithinItsGraceIsNoNoShowWhenTheOtherLeftEarly(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f := g.readyStaggered(t)
	door := g.door(t)
	booked, err := book(t.Context(), g.client(t, auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)
	b := booked.GetBooking().GetBookingId()
	require.Equal(t, "10:00", wallClock(booked.GetBooking().GetVisiting().GetDueAt()))
	require.Equal(t, "10:10", wallClock(booked.GetBooking().GetChildren().GetDueAt()))

	g.clock.Set(london(2026, 1, 10, 10, 8))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	g.clock.Set(london(2026, 1, 10, 10, 11))
	g.depart(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	g.clock.Set(london(2026, 1, 10, 10, 13))
	came := g.arrive(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	codes_ := codesOf(came.GetCautions())
	require.NotContains(t, codes_, "NO_CONTACT_POSSIBLE", "no advice to record the late parent's no-show")
	require.Contains(t, codes_, "CHILDREN_TAKEN_EARLY")
	text := textOf(came.GetCautions(), "CHILDREN_TAKEN_EARLY")
	require.Contains(t, text, "10:11")
	require.NotContains(t, text, "noshow")
	require.True(t, came.GetNoContactPossible(), "no contact was possible all the same")

	for _, explained := range []bool{false, true} {
		_, err = door.RecordNoShow(t.Context(), &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: b,
			Party: schedulingv1.Party_PARTY_VISITING, Explained: explained, Explanation: explanationIf(explained), RequestId: uuid.NewString()})
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "CONTACT_CUT_SHORT", reason, err)
		require.ErrorContains(t, err, "10:11")
	}
	g.clock.Set(london(2026, 1, 10, 11, 30))
	_, err = g.visitingNoShow(t.Context(), door, b)
	_, reason := field(err)
	require.Equal(t, "CONTACT_CUT_SHORT", reason, "after the children's time too")
	require.Zero(t, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.NoShowRecorded'`))
	cancelled, err := g.client(t, auth.RoleCoordinator).CancelBooking(t.Context(), &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(),
		BookingId: b, CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err, "the centre records it as it decides: here, called off by the parent who took the child")
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, cancelled.GetBooking().GetStatus())
}

// A party that came after its grace, the other party having left after it, still came too late
// (decision 230 stands): the visiting parent due at 10:00 came at 10:20, the child taken out at
// 10:16.
func TestAPartyPastItsGraceIsStillTooLate(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f := g.readyStaggered(t)
	door := g.door(t)
	booked, err := book(t.Context(), g.client(t, auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)
	b := booked.GetBooking().GetBookingId()
	g.clock.Set(london(2026, 1, 10, 10, 8))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	g.clock.Set(london(2026, 1, 10, 10, 16))
	g.depart(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	g.clock.Set(london(2026, 1, 10, 10, 20))
	came := g.arrive(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	require.Contains(t, codesOf(came.GetCautions()), "NO_CONTACT_POSSIBLE")
	require.NotContains(t, codesOf(came.GetCautions()), "CHILDREN_TAKEN_EARLY")
	_, err = g.visitingNoShow(t.Context(), door, b)
	require.NoError(t, err)
}

// Review 38 (finding 8): a correction naming exactly the people recorded, with the time recorded,
// was recorded ("Departure corrected for who left"). It is refused NOTHING_TO_CORRECT, nothing
// appended; one that names someone else is still recorded.
func TestACorrectionThatChangesNothingIsRefused(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 10, 0))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	g.clock.Set(london(2026, 1, 10, 10, 15))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	g.clock.Set(london(2026, 1, 10, 11, 10))
	g.depart(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	correct := func(movement schedulingv1.Movement, at *schedulingv1.LocalTime, people ...uuid.UUID) error {
		_, err := door.CorrectMovement(ctx, &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b,
			Party: schedulingv1.Party_PARTY_CHILDREN, Movement: movement, Time: at, PersonIds: ids(people), RequestId: uuid.NewString()})
		return err
	}
	g.clock.Set(london(2026, 1, 10, 11, 20))
	for _, c := range []struct {
		movement schedulingv1.Movement
		at       *schedulingv1.LocalTime
		people   []uuid.UUID
	}{
		{schedulingv1.Movement_MOVEMENT_DEPARTURE, nil, []uuid.UUID{f.resident, f.child}},
		{schedulingv1.Movement_MOVEMENT_DEPARTURE, nil, []uuid.UUID{f.child, f.resident}},
		{schedulingv1.Movement_MOVEMENT_DEPARTURE, &schedulingv1.LocalTime{Hour: 11, Minute: 10}, []uuid.UUID{f.resident, f.child}},
		{schedulingv1.Movement_MOVEMENT_ARRIVAL, nil, []uuid.UUID{f.resident, f.child}},
	} {
		err := correct(c.movement, c.at, c.people...)
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "NOTHING_TO_CORRECT", reason, err)
	}
	require.Zero(t, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.MovementCorrected'`))
	require.NoError(t, correct(schedulingv1.Movement_MOVEMENT_DEPARTURE, &schedulingv1.LocalTime{Hour: 11, Minute: 9}, f.resident, f.child),
		"a new time is a correction")
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.MovementCorrected'`))
}
