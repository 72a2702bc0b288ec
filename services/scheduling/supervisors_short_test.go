package scheduling

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 44 booked two supervised families at the same time (10:15 to 11:15, two supervised
// rooms) on a day the staff register cleared one person only to supervise contact: the booking
// warned only NO_SECOND_SUPERVISOR, the day sheet said "supervised" of both, the door let both
// in, one family's contact went unwatched, and its session could never be completed
// (SUPERVISOR_ELSEWHERE). Booking and moving such a session now warns SUPERVISORS_SHORT (and
// books it), the day sheet alerts every session of the short time, and the door is cautioned when
// it admits a supervised family while the sessions already under way take every cleared supervisor.
// A supported family at the same hour, and a supervised one in the afternoon, are none of it; a
// second supervisor on the register clears it, and a third family at once is short again.
func TestSupervisedSessionsAtOnceOutnumberingTheSupervisorsAreWarned(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	morning, rooms := g.timetable(t, saturday(0), true, 1, 1, 1)
	coordinator := g.client(t, auth.RoleCoordinator)
	afternoon, err := coordinator.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(),
		Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
		StartTime: &schedulingv1.LocalTime{Hour: 12}, EndTime: &schedulingv1.LocalTime{Hour: 14}, FirstDate: date(saturday(0)),
		RoomIds: rooms[:1], RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.addStaff(t, "sup-one", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR,
		time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC))
	fams := g.ready(t, 3, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	supported := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	bookIn := func(f family, pattern string, day time.Time, room string) *schedulingv1.BookSessionResponse {
		t.Helper()
		booked, err := book(ctx, coordinator, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(day), RoomId: room})
		require.NoError(t, err, "a warning, never a refusal")
		return booked
	}

	first := bookIn(fams[0], morning, saturday(0), rooms[0])
	require.Empty(t, first.GetSupervisorsShortWarning(), "one family, one supervisor")
	require.Contains(t, first.GetSupervisorWarning(), "NO_SECOND_SUPERVISOR", "the report's check is another matter")
	second := bookIn(fams[1], morning, saturday(0), rooms[1])
	warning := second.GetSupervisorsShortWarning()
	require.Contains(t, warning, "SUPERVISORS_SHORT: 2 supervised sessions of the centre are under way at once on 2026-01-10 from 10:15 to 11:15 "+
		"(this one counted), but its staff register clears 1 person only to supervise contact that day")
	require.Contains(t, warning, "one family at a time")
	require.Contains(t, warning, "familytime staff list --centre "+g.centre.String()+" --on 2026-01-10")
	for _, id := range []string{fams[0].id.String(), fams[1].id.String(), first.GetBooking().GetBookingId(), second.GetBooking().GetBookingId(), "sup-one"} {
		require.NotContains(t, warning, id, "the warning names no family, booking or person")
	}
	other := bookIn(supported, morning, saturday(0), rooms[2])
	require.Empty(t, other.GetSupervisorsShortWarning(), "supported contact's room is kept by the volunteers")
	later := bookIn(fams[2], afternoon.GetPattern().GetPatternId(), saturday(0), rooms[0])
	require.Empty(t, later.GetSupervisorsShortWarning(), "the afternoon's family is watched once the morning's contact is over")

	// Moved later in the morning, it still overlaps the first family's contact; the booking it
	// replaces is not counted against it.
	moved, err := coordinator.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(),
		BookingId: second.GetBooking().GetBookingId(), Date: date(saturday(0)), StartTime: &schedulingv1.LocalTime{Hour: 10, Minute: 30},
		RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Contains(t, moved.GetSupervisorsShortWarning(), "SUPERVISORS_SHORT: 2 supervised sessions of the centre are under way at once on "+
		"2026-01-10 from 10:30 to 11:15")

	short := schedulingv1.Alert_ALERT_SUPERVISORS_SHORT
	require.Contains(t, g.alertsOf(t, saturday(0), first.GetBooking().GetBookingId()), short)
	require.Contains(t, g.alertsOf(t, saturday(0), moved.GetBooking().GetBookingId()), short)
	require.NotContains(t, g.alertsOf(t, saturday(0), second.GetBooking().GetBookingId()), short, "moved: cancelled")
	require.NotContains(t, g.alertsOf(t, saturday(0), other.GetBooking().GetBookingId()), short)
	require.NotContains(t, g.alertsOf(t, saturday(0), later.GetBooking().GetBookingId()), short)
	require.NotContains(t, g.alertsOf(t, saturday(0), first.GetBooking().GetBookingId()), schedulingv1.Alert_ALERT_NO_CLEARED_SUPERVISOR)

	// On the day, the first family comes in; the second family's visiting parent is cautioned:
	// the one supervisor cleared is watching the first family.
	g.clock.Set(london(2026, 1, 10, 10, 0))
	door := g.door(t)
	checkIn := func(booking string, person uuid.UUID) []string {
		t.Helper()
		resp, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking,
			PersonId: person.String(), RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.True(t, resp.GetAdmitted(), resp.GetRefusal())
		var codes []string
		for _, c := range resp.GetCautions() {
			codes = append(codes, c.GetCode())
			if c.GetCode() == "SUPERVISORS_SHORT" {
				require.Contains(t, c.GetText(), "1 other supervised session")
				require.NotContains(t, c.GetText(), fams[0].id.String())
			}
		}
		return codes
	}
	require.NotContains(t, checkIn(first.GetBooking().GetBookingId(), fams[0].visiting), "SUPERVISORS_SHORT", "nobody else is under way")
	require.Contains(t, checkIn(moved.GetBooking().GetBookingId(), fams[1].visiting), "SUPERVISORS_SHORT")
	require.NotContains(t, checkIn(later.GetBooking().GetBookingId(), fams[2].visiting), "SUPERVISORS_SHORT",
		"the afternoon's contact overlaps nobody's")

	// The coordinator records a second supervisor: the day is no longer short.
	g.addStaff(t, "sup-two", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR,
		time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 9, 15, 0, 0, 0, 0, time.UTC))
	for _, b := range []string{first.GetBooking().GetBookingId(), moved.GetBooking().GetBookingId()} {
		require.NotContains(t, g.alertsOf(t, saturday(0), b), short)
	}
	require.NotContains(t, checkIn(moved.GetBooking().GetBookingId(), fams[1].resident), "SUPERVISORS_SHORT", "a second supervisor is free")

	// Next week, two families at once are watched by the two; a third is short again.
	for i := range 2 {
		require.Empty(t, bookIn(fams[i], morning, saturday(1), rooms[i]).GetSupervisorsShortWarning())
	}
	third := bookIn(fams[2], morning, saturday(1), rooms[2])
	require.Contains(t, third.GetSupervisorsShortWarning(), "SUPERVISORS_SHORT: 3 supervised sessions of the centre are under way at once on "+
		"2026-01-17 from 10:15 to 11:15 (this one counted), but its staff register clears 2 people only")
	sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(1))})
	require.NoError(t, err)
	require.Len(t, sheet.GetEntries(), 3)
	for _, e := range sheet.GetEntries() {
		require.True(t, slices.Contains(e.GetAlerts(), short), "every session of the short hour: %v", e.GetAlerts())
	}
}

// Review 81 (M6; decision 403): a contact supervisor's leaving took one of the two people cleared
// to supervise the Saturdays on which two supervised families are booked at once, and said
// nothing; the day sheet alerted it only when someone read it. The leaving now warns
// SUPERVISORS_SHORT naming the days after the last day that are short, not those before it, and
// records the leaving all the same. A volunteer's leaving, or one leaving no day short, says nothing.
func TestAContactSupervisorsLeavingWarnsOfTheDaysItLeavesShort(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	morning, rooms := g.timetable(t, saturday(0), true, 1, 1)
	coordinator := g.client(t, auth.RoleCoordinator)
	for _, s := range []string{"sup-one", "sup-two", "sup-three"} {
		g.addStaff(t, s, schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR,
			time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC))
	}
	g.addStaff(t, "vol-one", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER,
		time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC))
	fams := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	var nextWeek string
	for week := range 3 {
		for i, f := range fams {
			booked, err := book(ctx, coordinator, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
				PatternId: morning, Date: date(saturday(week)), RoomId: rooms[i]})
			require.NoError(t, err)
			if week == 1 {
				nextWeek = booked.GetBooking().GetBookingId()
			}
		}
	}
	leave := func(account string, last time.Time) *schedulingv1.RemoveStaffMemberResponse {
		t.Helper()
		resp, err := coordinator.RemoveStaffMember(ctx, &schedulingv1.RemoveStaffMemberRequest{CentreId: g.centre.String(),
			AccountId: account, LeftOn: date(last), RequestId: uuid.NewString()})
		require.NoError(t, err, "a warning, never a refusal")
		return resp
	}

	require.Empty(t, leave("vol-one", saturday(0)).GetSupervisorsWarning(), "a volunteer supervises no contact")
	require.Empty(t, leave("sup-three", saturday(0)).GetSupervisorsWarning(), "two left cleared for two families at once")
	resp := leave("sup-two", saturday(0))
	require.True(t, proto.Equal(date(saturday(0)), resp.GetMember().GetLeftOn()), "recorded")
	warning := resp.GetSupervisorsWarning()
	require.Contains(t, warning, "SUPERVISORS_SHORT: sup-two was cleared to supervise contact on days after this last day")
	require.Contains(t, warning, saturday(1).Format(time.DateOnly)+" (2 at once, 1 cleared), "+saturday(2).Format(time.DateOnly)+" (2 at once, 1 cleared)")
	require.NotContains(t, warning, saturday(0).Format(time.DateOnly), "their last day they are still on the staff")
	for _, f := range fams {
		require.NotContains(t, warning, f.id.String(), "the warning names no family")
	}
	require.Contains(t, g.alertsOf(t, saturday(1), nextWeek), schedulingv1.Alert_ALERT_SUPERVISORS_SHORT, "as the day sheet says")
}
