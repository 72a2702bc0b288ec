package scheduling

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
)

// Review 59, finding 2, decision 330: the same adult the visiting parent of two families (or an
// injunction between them) and both booked into the centre's shared room at the same time, with
// nothing to record that they must be kept apart. The centre records the pair (ids and a reason
// only); booking or moving either into a session overlapping the other's booking the same day at
// the centre is refused FAMILIES_KEPT_APART, naming that booking; a pair recorded once both are
// booked alongside is answered with the bookings, and the day sheet alerts both.
func TestFamiliesKeptApartAreNeverBookedAtTheSameTime(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	morning, rooms := g.timetable(t, saturday(0), false, 2, 2)
	c := g.client(t, auth.RoleCoordinator)
	afternoon, err := c.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(),
		Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
		StartTime: &schedulingv1.LocalTime{Hour: 13}, EndTime: &schedulingv1.LocalTime{Hour: 15}, FirstDate: date(saturday(0)),
		RoomIds: rooms, RequestId: uuid.NewString()})
	require.NoError(t, err)
	fams := g.ready(t, 4, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	a, b, x, y := fams[0], fams[1], fams[2], fams[3]
	kept := func() int {
		t.Helper()
		return g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.FamiliesKeptApart'`)
	}
	keep := func(c schedulingv1.SchedulingServiceClient, one, other uuid.UUID, reason schedulingv1.KeepApartReason) (*schedulingv1.KeepFamiliesApartResponse, error) {
		return c.KeepFamiliesApart(ctx, &schedulingv1.KeepFamiliesApartRequest{CentreId: g.centre.String(), FamilyId: one.String(),
			OtherFamilyId: other.String(), Reason: reason, RequestId: uuid.NewString()})
	}
	slot := func(f family, pattern string, week, room int) *schedulingv1.BookSessionRequest {
		return &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(), PatternId: pattern,
			Date: date(saturday(week)), RoomId: rooms[room]}
	}

	// Bad input changes nothing: a family with itself, an unknown family, no reason.
	_, err = keep(c, a.id, a.id, schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = keep(c, a.id, uuid.New(), schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT)
	require.Equal(t, codes.NotFound, status.Code(err))
	_, err = keep(c, a.id, b.id, schedulingv1.KeepApartReason_KEEP_APART_REASON_UNSPECIFIED)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	// A volunteer does not record it.
	_, err = keep(g.door(t), a.id, b.id, schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT)
	require.Equal(t, codes.PermissionDenied, status.Code(err))
	require.Zero(t, kept())

	recorded, err := keep(c, a.id, b.id, schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT)
	require.NoError(t, err)
	require.False(t, recorded.GetAlreadyRecorded())
	require.Empty(t, recorded.GetBookedAlongside())
	require.Equal(t, 2, kept(), "one in each family's stream")
	// The same pair again, either way round: recorded already, nothing appended.
	again, err := keep(c, b.id, a.id, schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION)
	require.NoError(t, err)
	require.True(t, again.GetAlreadyRecorded())
	require.Equal(t, schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT, again.GetReason(), "the reason recorded")
	require.Equal(t, 2, kept())

	// Booking the other into the same session, in another room, is refused, naming the booking.
	booked, err := book(ctx, c, slot(a, morning, 0, 0))
	require.NoError(t, err)
	aMorning := booked.GetBooking().GetBookingId()
	_, err = book(ctx, c, slot(b, morning, 0, 1))
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code)
	require.Equal(t, "FAMILIES_KEPT_APART", reason)
	require.Contains(t, status.Convert(err).Message(), aMorning)
	require.NotContains(t, status.Convert(err).Message(), a.id.String(), "the other booking, never the other family")
	require.Zero(t, g.count(t, `SELECT count(*) FROM bookings WHERE family_id = $1`, b.id))
	// Another family is booked alongside as before; the kept-apart family the same day in the
	// afternoon, when the other is gone.
	_, err = book(ctx, c, slot(x, morning, 0, 1))
	require.NoError(t, err)
	booked, err = book(ctx, c, slot(b, afternoon.GetPattern().GetPatternId(), 0, 1))
	require.NoError(t, err)
	bAfternoon := booked.GetBooking().GetBookingId()

	// Moving it into the morning is refused, and leaves the afternoon booking as it was.
	_, err = c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(), BookingId: bAfternoon,
		PatternId: morning, Date: date(saturday(0)), RoomId: rooms[1], RequestId: uuid.NewString(),
		RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE})
	code, reason = field(err)
	require.Equal(t, codes.FailedPrecondition, code)
	require.Equal(t, "FAMILIES_KEPT_APART", reason)
	require.Contains(t, status.Convert(err).Message(), aMorning)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, g.entryOf(t, saturday(0), bAfternoon).GetBooking().GetStatus())

	// Two families booked alongside, then recorded kept apart: recorded, answered with the
	// bookings, and both alerted on the day sheet; the others are not.
	booked, err = book(ctx, c, slot(y, morning, 0, 0))
	require.NoError(t, err)
	yMorning := booked.GetBooking().GetBookingId()
	xMorning := ""
	for _, e := range g.sheet(t, saturday(0)) {
		if e.GetBooking().GetFamilyId() == x.id.String() {
			xMorning = e.GetBooking().GetBookingId()
		}
	}
	require.NotEmpty(t, xMorning)
	alongside, err := keep(c, x.id, y.id, schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION)
	require.NoError(t, err)
	require.False(t, alongside.GetAlreadyRecorded())
	require.Len(t, alongside.GetBookedAlongside(), 1)
	require.Equal(t, xMorning, alongside.GetBookedAlongside()[0].GetBookingId())
	require.Equal(t, yMorning, alongside.GetBookedAlongside()[0].GetAlongsideBookingId())
	alert := schedulingv1.Alert_ALERT_FAMILY_KEPT_APART_BOOKED_ALONGSIDE
	require.Contains(t, g.entryOf(t, saturday(0), xMorning).GetAlerts(), alert)
	require.Contains(t, g.entryOf(t, saturday(0), yMorning).GetAlerts(), alert)
	require.NotContains(t, g.entryOf(t, saturday(0), aMorning).GetAlerts(), alert)
	require.NotContains(t, g.entryOf(t, saturday(0), bAfternoon).GetAlerts(), alert)

	// The centre's safeguarding lead ends it: the family may be moved alongside again.
	month := g.clock.Now().AddDate(0, -1, 0)
	g.addStaff(t, "account-safeguarding_lead", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, month, month)
	lead := g.client(t, auth.RoleSafeguardingLead)
	end := func() (*schedulingv1.EndKeepingApartResponse, error) {
		return lead.EndKeepingApart(ctx, &schedulingv1.EndKeepingApartRequest{CentreId: g.centre.String(), FamilyId: b.id.String(),
			OtherFamilyId: a.id.String(), RequestId: uuid.NewString()})
	}
	ended, err := end()
	require.NoError(t, err)
	require.Equal(t, schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT, ended.GetReason())
	_, err = end()
	_, reason = field(err)
	require.Equal(t, "NOT_KEPT_APART", reason)
	_, err = c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(), BookingId: bAfternoon,
		PatternId: morning, Date: date(saturday(0)), RoomId: rooms[1], RequestId: uuid.NewString(),
		RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE})
	require.NoError(t, err)
}

// A pair is kept apart at the centre that recorded it: a family of the pair made ready at another
// centre is booked there at any time, and the other family is booked at the first centre at the
// same time, since the two are not at one centre's door.
func TestFamiliesKeptApartAtOneCentreAreNotKeptApartAtAnother(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	fams := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	a, b := fams[0], fams[1]
	c := g.client(t, auth.RoleCoordinator)
	_, err := c.KeepFamiliesApart(ctx, &schedulingv1.KeepFamiliesApartRequest{CentreId: g.centre.String(), FamilyId: a.id.String(),
		OtherFamilyId: b.id.String(), Reason: schedulingv1.KeepApartReason_KEEP_APART_REASON_SAFETY, RequestId: uuid.NewString()})
	require.NoError(t, err)

	// Another centre, its own room and Saturday morning, and family a made ready there.
	other, err := g.client(t, auth.RoleAdmin).RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(),
		Details: &schedulingv1.CentreDetails{Name: "Quay Family Time Centre", Region: commonv1.Region_REGION_SOUTH_WEST,
			ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
			AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}})
	require.NoError(t, err)
	centre2 := uuid.MustParse(other.GetCentre().GetCentreId())
	month := g.clock.Now().AddDate(0, -1, 0)
	_, err = g.clientAt(t, centre2, auth.RoleAdmin).AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{CentreId: centre2.String(),
		AccountId: "account-coordinator", Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, DbsCheckedOn: date(month),
		TrainedOn: date(month), RequestId: uuid.NewString()})
	require.NoError(t, err)
	c2 := g.clientAt(t, centre2, auth.RoleCoordinator)
	room, err := c2.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: centre2.String(), Name: "Hall", Capacity: 2, RequestId: uuid.NewString()})
	require.NoError(t, err)
	p2, err := c2.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{CentreId: centre2.String(),
		Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
		StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12}, FirstDate: date(saturday(0)),
		RoomIds: []string{room.GetRoom().GetRoomId()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.referral.publish(t, "referral-"+a.id.String(), a.id, centre2, &referralv1.FamilyReadyForContact{
		ReferralId: uuid.NewString(), FamilyId: a.id.String(), CentreId: centre2.String(),
		Adults: []*referralv1.Attendee{
			{PersonId: a.resident.String(), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, MayAttend: true, MayBring: true, MayCollect: true},
			{PersonId: a.visiting.String(), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, MayAttend: true},
		},
		Children: []*referralv1.ChildParty{{PersonId: a.child.String(), BirthYear: 2019, BirthMonth: 4}},
		Arrangement: &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60, Stagger: &referralv1.Stagger{}},
		EarliestBookableOn: date(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
	})
	g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND centre_id = $2", a.id, centre2)

	_, err = book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: b.id.String(), PatternId: pattern,
		Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)
	_, err = book(ctx, c2, &schedulingv1.BookSessionRequest{CentreId: centre2.String(), FamilyId: a.id.String(),
		PatternId: p2.GetPattern().GetPatternId(), Date: date(saturday(0)), RoomId: room.GetRoom().GetRoomId()})
	require.NoError(t, err, "another centre's door")
}

// sheet is the rig centre's day sheet of day, read by the door.
func (g *rig) sheet(t *testing.T, day time.Time) []*schedulingv1.DaySheetEntry {
	t.Helper()
	resp, err := g.door(t).GetDaySheet(t.Context(), &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(day)})
	require.NoError(t, err)
	return resp.GetEntries()
}

// clientAt calls as someone with role at centre (not the rig's): its register is the test's to keep.
func (g *rig) clientAt(t *testing.T, centre uuid.UUID, role auth.Role) schedulingv1.SchedulingServiceClient {
	t.Helper()
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: audience, Subject: "account-" + string(role),
		Roles: []auth.Role{role}, Centres: []uuid.UUID{centre}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return schedulingv1.NewSchedulingServiceClient(conn)
}
