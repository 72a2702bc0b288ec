package scheduling

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// arrive records party's arrival at booking now, naming people.
func (g *rig) arrive(t *testing.T, door schedulingv1.SchedulingServiceClient, booking string, party schedulingv1.Party,
	people ...uuid.UUID) *schedulingv1.RecordArrivalResponse {
	t.Helper()
	resp, err := door.RecordArrival(t.Context(), &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: booking,
		Party: party, PersonIds: ids(people), RequestId: uuid.NewString()})
	require.NoError(t, err)
	return resp
}

// depart records party's departure from booking now, naming people.
func (g *rig) depart(t *testing.T, door schedulingv1.SchedulingServiceClient, booking string, party schedulingv1.Party, people ...uuid.UUID) {
	t.Helper()
	_, err := door.RecordDeparture(t.Context(), &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: booking,
		Party: party, PersonIds: ids(people), RequestId: uuid.NewString()})
	require.NoError(t, err)
}

// wallClock is a recorded time as the door reads it, in UK time ("10:15").
func wallClock(ts interface{ AsTime() time.Time }) string {
	loc, _ := time.LoadLocation("Europe/London")
	return ts.AsTime().In(loc).Format("15:04")
}

// Review 36: the volunteer put right who collected the children at 12:33, without a time, and the
// children's departure, recorded at 12:16, moved to 12:33; correcting who brought them moved their
// arrival the same way. A correction of who keeps the time recorded; a time given still moves it.
func TestACorrectionOfWhoKeepsTheTimeRecorded(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	correct := func(movement schedulingv1.Movement, at *schedulingv1.LocalTime) *schedulingv1.Booking {
		t.Helper()
		resp, err := door.CorrectMovement(ctx, &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b,
			Party: schedulingv1.Party_PARTY_CHILDREN, Movement: movement, Time: at,
			PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
		require.NoError(t, err)
		return resp.GetBooking()
	}
	g.clock.Set(london(2026, 1, 10, 10, 0))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	g.clock.Set(london(2026, 1, 10, 10, 15))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident)
	g.clock.Set(london(2026, 1, 10, 10, 20))
	got := correct(schedulingv1.Movement_MOVEMENT_ARRIVAL, nil)
	require.Equal(t, "10:15", wallClock(got.GetChildren().GetArrivedAt()), "who brought them is corrected, not when")

	g.clock.Set(london(2026, 1, 10, 11, 14))
	g.depart(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	g.clock.Set(london(2026, 1, 10, 11, 16))
	g.depart(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	g.clock.Set(london(2026, 1, 10, 11, 33))
	// Naming the people recorded, without a time, restates the departure: nothing to correct
	// (review 38), and it stays at 11:14.
	_, err := door.CorrectMovement(ctx, &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, Movement: schedulingv1.Movement_MOVEMENT_DEPARTURE,
		PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
	_, reason := field(err)
	require.Equal(t, "NOTHING_TO_CORRECT", reason, err)
	e := g.entryOf(t, saturday(0), b)
	require.Equal(t, "11:14", wallClock(e.GetBooking().GetChildren().GetDepartedAt()), "the departure keeps its time")
	require.NotContains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_CHILDREN_WITHOUT_AN_ADULT, "no wait made up by the correction")

	got = correct(schedulingv1.Movement_MOVEMENT_DEPARTURE, &schedulingv1.LocalTime{Hour: 11, Minute: 12})
	require.Equal(t, "11:12", wallClock(got.GetChildren().GetDepartedAt()), "a time given is the time corrected to")
	require.Equal(t, 2, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.MovementCorrected'`))
}

// Review 36: on a session under way the children's arrival named the child, nobody checked in, and
// the day sheet showed the child IN no while they were in the room. IN is who is inside for a live
// booking too: the children who came and the visiting party, until each is recorded leaving; the
// resident parent who only brought them is listed, not in; CHECKED IN stays the check-ins, and no
// never-recorded-leaving is raised while the session runs.
func TestTheDaySheetShowsWhoIsInsideWhileTheSessionRuns(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	g.clock.Set(london(2026, 1, 10, 10, 0))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	g.clock.Set(london(2026, 1, 10, 10, 15))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)

	e := g.entryOf(t, saturday(0), b)
	in, checked := marks(e)
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): true, f.child.String(): true}, in)
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): false, f.child.String(): false}, checked)
	require.NotContains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING, "the session runs: nobody is missing yet")

	g.clock.Set(london(2026, 1, 10, 11, 15))
	g.depart(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	in, _ = marks(g.entryOf(t, saturday(0), b))
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): true, f.child.String(): false}, in)
}

// codesOf are the cautions' codes.
func codesOf(cs []*schedulingv1.CheckInCaution) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.GetCode())
	}
	return out
}

// textOf is the text of the caution with code, or "".
func textOf(cs []*schedulingv1.CheckInCaution, code string) string {
	for _, c := range cs {
		if c.GetCode() == code {
			return c.GetText()
		}
	}
	return ""
}

// Review 36: the resident parent brought the children at 10:16 and took them home at 10:50, the
// visiting parent not having come; at 10:55 the visiting parent was admitted with no caution, their
// arrival answered "minutes lost: 40", completion was refused NO_CONTACT_HELD and the no-show
// PARTY_ARRIVED, so the only record left was a cancellation, which never counts towards the two
// unexplained no-shows that release the place. The check-in and the arrival are cautioned that the
// other party left 5 minutes ago; the arrival, recorded as it happened, says that no contact is
// possible; and the visiting party is recorded as the no-show it is.
func TestAVisitingParentComingAfterTheChildrenWentHomeIsANoShow(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 10, 16))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	g.clock.Set(london(2026, 1, 10, 10, 50))
	g.depart(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)

	g.clock.Set(london(2026, 1, 10, 10, 55))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: b, PersonId: f.visiting.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted())
	require.Contains(t, textOf(in.GetCautions(), "PARENTS_MAY_MEET"), "left at 10:50, 5 minutes ago", in.GetCautions())

	came := g.arrive(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	require.True(t, came.GetNoContactPossible())
	require.ElementsMatch(t, []string{"PARENTS_MAY_MEET", "NO_CONTACT_POSSIBLE"}, codesOf(came.GetCautions()))
	require.Contains(t, textOf(came.GetCautions(), "NO_CONTACT_POSSIBLE"), "noshow "+b+" --party visiting")
	require.EqualValues(t, 60, came.GetMinutesLost(), "every minute of the children's time is lost")
	require.Equal(t, "10:55", wallClock(came.GetBooking().GetVisiting().GetArrivedAt()), "the arrival is recorded as it happened")

	g.clock.Set(london(2026, 1, 10, 10, 57))
	noShow, err := g.visitingNoShow(ctx, door, b)
	require.NoError(t, err, "a party that came after the other had gone did not come in time")
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW, noShow.GetBooking().GetStatus())
	require.EqualValues(t, 1, noShow.GetUnexplainedNoShows(), "it counts towards the two that release the place")
	e := g.entryOf(t, saturday(0), b)
	require.Contains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING, "the visiting parent is inside")
	g.clock.Set(london(2026, 1, 10, 11, 0))
	g.depart(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	require.NotContains(t, g.entryOf(t, saturday(0), b).GetAlerts(), schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING)
}

// A party that came in time for contact is still no no-show, and an arrival in time answers no
// caution: the stagger keeps the parents 15 minutes apart.
func TestAPartyThatCameInTimeIsNoNoShow(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	g.clock.Set(london(2026, 1, 10, 10, 0))
	came := g.arrive(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	require.Empty(t, came.GetCautions())
	require.False(t, came.GetNoContactPossible())
	g.clock.Set(london(2026, 1, 10, 10, 15))
	came = g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	require.Empty(t, came.GetCautions())
	g.clock.Set(london(2026, 1, 10, 10, 40))
	g.depart(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	_, err := g.visitingNoShow(t.Context(), door, b)
	_, reason := field(err)
	require.Equal(t, "PARTY_ARRIVED", reason, err)
}

// Review 36: schedule daysheet without --date showed the workstation's today, a week behind the
// simulated platform. A date left out is the centre's today by the service's clock, for the day
// sheet and the opening sessions; the sheet says which day it is of.
func TestADateLeftOutIsTheCentresTodayByTheServicesClock(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 9, 30))
	sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, sheet.GetEntries(), 1)
	require.Equal(t, b, sheet.GetEntries()[0].GetBooking().GetBookingId())
	require.Equal(t, f.id.String(), sheet.GetEntries()[0].GetBooking().GetFamilyId())
	require.Equal(t, date(saturday(0)).String(), sheet.GetDate().String())
	sheet, err = door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(1))})
	require.NoError(t, err)
	require.Empty(t, sheet.GetEntries())
	require.Equal(t, date(saturday(1)).String(), sheet.GetDate().String(), "a date given is the date")

	sessions, err := g.client(t, auth.RoleCoordinator).ListOpeningSessions(ctx, &schedulingv1.ListOpeningSessionsRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	var days []string
	for _, s := range sessions.GetSessions() {
		days = append(days, s.GetDate().String())
	}
	require.Equal(t, []string{date(saturday(0)).String(), date(saturday(1)).String(), date(saturday(2)).String(), date(saturday(3)).String()}, days,
		"from the centre's today, four weeks")
}

// Review 35/36: a booking a hold called off kept the on-hold alert after the hold was lifted and
// the case ended. on-hold is a hold in force on the family; the booking's status says a hold called
// it off.
func TestOnHoldIsAHoldInForce(t *testing.T) {
	g, f, b, _ := bookedFirstSaturday(t)
	hold := g.hold(t, f.id)
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(b),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED))
	e := g.entryOf(t, saturday(0), b)
	require.Contains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_ON_HOLD)
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, e.GetBooking().GetCancellationReason())
	g.safeguarding.publish(t, "hold-"+hold.String(), f.id, g.centre, &safeguardingv1.HoldLifted{HoldId: hold.String(),
		FamilyId: f.id.String(), CentreId: g.centre.String(), LiftedOn: date(monday)})
	g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND holds_in_force = 0", f.id)
	e = g.entryOf(t, saturday(0), b)
	require.NotContains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_ON_HOLD, "the hold is lifted")
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, e.GetBooking().GetCancellationReason(),
		"the booking still says why it was called off")
}

// A supervised booking at a centre offering supported contact only was accepted (decision 226,
// left): a booking, and a reschedule, is refused SERVICE_NOT_OFFERED, as the waiting list is
// (decision 183), and appends nothing.
func TestABookingIsForAKindOfContactTheCentreOffers(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	// Two families ready for supervised contact: f, booked, and one with no session booked ahead.
	f := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)[0]
	pattern, rooms := g.timetable(t, saturday(0), true, 1)
	c := g.client(t, auth.RoleCoordinator)
	booked, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
		PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)

	admin := g.client(t, auth.RoleAdmin)
	got, err := admin.GetCentre(ctx, &schedulingv1.GetCentreRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	centre := got.GetCentre()
	// Review 74 (decision 377): families waiting for supervised contact and a supervised booking
	// still to come are told of as the centre stops offering it; a supported family waiting is not.
	g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	require.NotContains(t, g.alertsOf(t, saturday(0), booked.GetBooking().GetBookingId()), schedulingv1.Alert_ALERT_SERVICE_WITHDRAWN,
		"offered while it is")
	updated, err := admin.UpdateCentre(ctx, &schedulingv1.UpdateCentreRequest{CentreId: g.centre.String(), ExpectedVersion: centre.GetVersion(),
		Details: &schedulingv1.CentreDetails{Name: centre.GetName(), Region: centre.GetRegion(),
			ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
			AccreditationStatus: centre.GetAccreditationStatus(), AccreditationDate: centre.GetAccreditationDate()},
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Len(t, updated.GetServiceWithdrawnWarnings(), 1)
	warned := updated.GetServiceWithdrawnWarnings()[0]
	require.Contains(t, warned, "SERVICE_WITHDRAWN: the centre no longer offers supervised contact, but it has 2 families ready for "+
		"or in supervised contact, their cases open (familytime referral list --centre "+g.centre.String()+" --state in-contact")
	require.Contains(t, warned, "1 supervised session still booked from 2026-01-10 (familytime schedule sessions --centre "+
		g.centre.String()+" --from 2026-01-10")
	require.Contains(t, warned, "and 2 families waiting for it on the waiting list or offered a place")
	require.Contains(t, warned, "refused SERVICE_NOT_OFFERED")
	require.NotContains(t, warned, f.id.String(), "no family named")
	require.Equal(t, []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED}, updated.GetCentre().GetServiceTypes(), "recorded")
	// On the day, the booking left booked is alerted on the day sheet (decision 386).
	require.Contains(t, g.alertsOf(t, saturday(0), booked.GetBooking().GetBookingId()), schedulingv1.Alert_ALERT_SERVICE_WITHDRAWN)

	before := g.count(t, "SELECT count(*) FROM events")
	_, err = book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
		PatternId: pattern, Date: date(saturday(1)), RoomId: rooms[0]})
	notOffered(t, err)
	_, err = c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(),
		BookingId: booked.GetBooking().GetBookingId(), Date: date(saturday(2)), RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE,
		RequestId: uuid.NewString()})
	notOffered(t, err)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
}

func notOffered(t *testing.T, err error) {
	t.Helper()
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "SERVICE_NOT_OFFERED", reason)
	require.True(t, strings.Contains(status.Convert(err).Message(), "it offers supported contact"), status.Convert(err).Message())
}
