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
)

// readyBringing publishes referral's FamilyReadyForContact for a family whose resident parent
// brings and collects the children and does not take part in contact, and waits until
// scheduling has noted it.
func (g *rig) readyBringing(t *testing.T) family {
	t.Helper()
	f := family{id: uuid.New(), resident: uuid.New(), visiting: uuid.New(), child: uuid.New()}
	g.referral.publish(t, "referral-"+f.id.String(), f.id, g.centre, &referralv1.FamilyReadyForContact{
		ReferralId: uuid.NewString(), FamilyId: f.id.String(), CentreId: g.centre.String(),
		Adults: []*referralv1.Attendee{
			{PersonId: f.resident.String(), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, MayBring: true, MayCollect: true},
			{PersonId: f.visiting.String(), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, MayAttend: true},
		},
		Children:           []*referralv1.ChildParty{{PersonId: f.child.String(), BirthYear: 2019, BirthMonth: 4}},
		Arrangement:        &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60, Stagger: &referralv1.Stagger{}},
		EarliestBookableOn: date(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
	})
	g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND ready IS NOT NULL", f.id)
	return f
}

// bookedFirstSaturday is a family whose resident parent brings and collects the children, booked
// into the first Saturday's session (saturday(0)), and a client of a volunteer at the door.
func bookedFirstSaturday(t *testing.T) (g *rig, f family, booking string, door schedulingv1.SchedulingServiceClient) {
	t.Helper()
	g = newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f = g.readyBringing(t)
	door = g.door(t)
	booked, err := book(t.Context(), g.client(t, auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)
	return g, f, booked.GetBooking().GetBookingId(), door
}

// What the reviewer did at the door of a running centre: the resident parent recorded as the
// visiting party, the children brought and collected by nobody, an arrival at 00:01 for a
// session opening at 10:00. Each is refused, saying why, and appends nothing; the day sheet
// calls the resident parent who only brings and collects the resident parent.
func TestAttendanceRecordsTheRightPeopleAtPossibleTimes(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()

	g.clock.Set(london(2026, 1, 10, 10, 20))
	arrive := func(party schedulingv1.Party, at *schedulingv1.LocalTime, people ...uuid.UUID) error {
		req := &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b, Party: party, Time: at, RequestId: uuid.NewString()}
		for _, p := range people {
			req.PersonIds = append(req.PersonIds, p.String())
		}
		_, err := door.RecordArrival(ctx, req)
		return err
	}
	cases := []struct {
		name       string
		call       func() error
		code       codes.Code
		fieldOrWhy string
	}{
		{"the resident parent as the visiting party", func() error {
			return arrive(schedulingv1.Party_PARTY_VISITING, nil, f.resident)
		}, codes.FailedPrecondition, "NOT_OF_THE_VISITING_PARTY"},
		{"the visiting party naming nobody", func() error {
			return arrive(schedulingv1.Party_PARTY_VISITING, nil)
		}, codes.InvalidArgument, "person_ids"},
		{"the children brought by nobody", func() error {
			return arrive(schedulingv1.Party_PARTY_CHILDREN, nil)
		}, codes.InvalidArgument, "person_ids"},
		{"an arrival at 00:01 for a session opening at 10:00", func() error {
			return arrive(schedulingv1.Party_PARTY_VISITING, &schedulingv1.LocalTime{Minute: 1}, f.visiting)
		}, codes.InvalidArgument, "time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := g.count(t, "SELECT count(*) FROM events")
			code, got := field(tc.call())
			require.Equal(t, tc.code, code)
			require.Equal(t, tc.fieldOrWhy, got)
			require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
		})
	}

	require.NoError(t, arrive(schedulingv1.Party_PARTY_VISITING, &schedulingv1.LocalTime{Hour: 10}, f.visiting))
	require.NoError(t, arrive(schedulingv1.Party_PARTY_CHILDREN, nil, f.resident, f.child))
	_, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, RequestId: uuid.NewString()})
	code, got := field(err)
	require.Equal(t, codes.InvalidArgument, code)
	require.Equal(t, "person_ids", got)

	sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
	require.NoError(t, err)
	require.Len(t, sheet.GetEntries(), 1)
	roles := map[string]*schedulingv1.ExpectedPerson{}
	for _, p := range sheet.GetEntries()[0].GetExpected() {
		roles[p.GetPersonId()] = p
	}
	resident := roles[f.resident.String()]
	require.Equal(t, schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT, resident.GetRole())
	require.False(t, resident.GetMayAttend())
	require.True(t, resident.GetMayBring())
	require.True(t, roles[f.visiting.String()].GetMayAttend())
}

// A caller cannot cancel a session under way (the visiting parent due at 10:00, and at 10:05
// not seen): that would turn a no-show into a late cancellation. The case ending during a
// session both parties came to leaves it to be completed, and cancels the family's next one.
func TestASessionUnderWayIsNeitherCancelledNorEndedWithTheCase(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	ctx := t.Context()
	var bookings []string
	for week := range 2 {
		r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
		require.NoError(t, err)
		bookings = append(bookings, r.GetBooking().GetBookingId())
	}

	g.clock.Set(london(2026, 1, 10, 10, 5))
	before := g.count(t, "SELECT count(*) FROM events")
	_, err := c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, RequestId: uuid.NewString()})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "SESSION_STARTED", reason)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	for party, people := range map[schedulingv1.Party][]string{schedulingv1.Party_PARTY_VISITING: {f.visiting.String()},
		schedulingv1.Party_PARTY_CHILDREN: {f.resident.String(), f.child.String()}} {
		_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[0],
			Party: party, PersonIds: people, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	g.clock.Set(london(2026, 1, 10, 10, 30))
	g.referral.publish(t, "referral-"+f.id.String(), f.id, g.centre, &referralv1.CaseEnded{ReferralId: uuid.NewString(),
		FamilyId: f.id.String(), CentreId: g.centre.String(), EndedOn: date(saturday(0)),
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED})
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2 AND cancellation_reason = $3", bookings[1],
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED), int32(schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED))
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", bookings[0],
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED)), "the session under way is not cancelled")

	g.clock.Set(london(2026, 1, 10, 11, 20))
	g.leave(t, door, bookings[0], f)
	done, err := door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED, done.GetBooking().GetStatus())
}

// What a review recorded as a session held: the children brought and collected before the
// visiting parent came (both parties "arrived", no minute together). Completing it is refused
// NO_CONTACT_HELD, saying the times, and appends nothing; the session is cancelled on the day
// instead, with no notice. A supported session's completion records who supervised: the caller
// by default, a colleague cleared that day if named, and never an account the register does not
// know (decisions.md 89).
func TestASessionWithoutContactIsCancelledNotCompleted(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	ctx := t.Context()
	var bookings []string
	for week := range 4 {
		r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
		require.NoError(t, err)
		bookings = append(bookings, r.GetBooking().GetBookingId())
	}
	move := func(booking string, arrive bool, party schedulingv1.Party, hour, minute int32, people ...uuid.UUID) {
		t.Helper()
		var ids []string
		for _, p := range people {
			ids = append(ids, p.String())
		}
		at := &schedulingv1.LocalTime{Hour: hour, Minute: minute}
		var err error
		if arrive {
			_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: booking,
				Party: party, Time: at, PersonIds: ids, RequestId: uuid.NewString()})
		} else {
			_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: booking,
				Party: party, Time: at, PersonIds: ids, RequestId: uuid.NewString()})
		}
		require.NoError(t, err)
	}
	complete := func(booking, by string) (*schedulingv1.CompleteSessionResponse, error) {
		return door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: booking,
			SupervisedBy: by, RequestId: uuid.NewString()})
	}

	g.clock.Set(london(2026, 1, 10, 10, 5))
	move(bookings[0], true, schedulingv1.Party_PARTY_CHILDREN, 9, 40, f.resident, f.child)
	move(bookings[0], false, schedulingv1.Party_PARTY_CHILDREN, 9, 45, f.resident, f.child)
	move(bookings[0], true, schedulingv1.Party_PARTY_VISITING, 10, 0, f.visiting)
	g.clock.Set(london(2026, 1, 10, 11, 30))
	before := g.count(t, "SELECT count(*) FROM events")
	_, err := complete(bookings[0], "")
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "NO_CONTACT_HELD", reason)
	require.Contains(t, status.Convert(err).Message(), "not at the session together between 10:15 and")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	cancelled, err := c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, cancelled.GetBooking().GetStatus())
	require.Zero(t, cancelled.GetNoticeMinutes())
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.BookingCancelled'
		AND payload IS NOT NULL AND stream_id = $1`, "family-"+f.id.String()))

	// The next week, a session held: a name the register does not know is refused; the caller
	// is who supervised when nobody is named.
	g.clock.Set(london(2026, 1, 17, 10, 20))
	move(bookings[1], true, schedulingv1.Party_PARTY_VISITING, 10, 0, f.visiting)
	move(bookings[1], true, schedulingv1.Party_PARTY_CHILDREN, 10, 15, f.resident, f.child)
	g.clock.Set(london(2026, 1, 17, 11, 30))
	g.leave(t, door, bookings[1], f)
	before = g.count(t, "SELECT count(*) FROM events")
	_, err = complete(bookings[1], "vol-nobody")
	code, reason = field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "NOT_CLEARED", reason)
	require.Contains(t, status.Convert(err).Message(), "supervised_by vol-nobody is not cleared to work at the centre's sessions on 2026-01-17")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
	done, err := complete(bookings[1], "")
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED, done.GetBooking().GetStatus())
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.SessionCompleted'
		AND actor = 'account-volunteer'`))
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM bookings WHERE booking_id = $1 AND supervised_by = 'account-volunteer'`, bookings[1]))
	require.Equal(t, "account-volunteer", done.GetBooking().GetSupervisedBy(), "the completion says who supervised")
	sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(1))})
	require.NoError(t, err)
	require.Len(t, sheet.GetEntries(), 1)
	require.Equal(t, "account-volunteer", sheet.GetEntries()[0].GetBooking().GetSupervisedBy(), "so does the day sheet")

	// The third week, the second review's times: the visiting parent in and out before the
	// children came, the children in and out after. Not held; cancelled with no notice though
	// the children were not yet due when it was called off.
	g.clock.Set(london(2026, 1, 24, 10, 12))
	move(bookings[2], true, schedulingv1.Party_PARTY_VISITING, 10, 0, f.visiting)
	move(bookings[2], false, schedulingv1.Party_PARTY_VISITING, 10, 5, f.visiting)
	g.clock.Set(london(2026, 1, 24, 10, 25))
	move(bookings[2], true, schedulingv1.Party_PARTY_CHILDREN, 10, 10, f.resident, f.child)
	move(bookings[2], false, schedulingv1.Party_PARTY_CHILDREN, 10, 20, f.resident, f.child)
	_, err = complete(bookings[2], "")
	_, reason = field(err)
	require.Equal(t, "NO_CONTACT_HELD", reason, err)
	third, err := c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: bookings[2],
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Zero(t, third.GetNoticeMinutes())
	require.Equal(t, 2, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.BookingCancelled'
		AND stream_id = $1`, "family-"+f.id.String()))
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM bookings WHERE booking_id = $1 AND cancelled_late`, bookings[2]))

	// The fourth week, the children brought and taken away at 10:05, ten minutes before they
	// were due: called off at 10:08, with no notice, not seven minutes' notice.
	g.clock.Set(london(2026, 1, 31, 10, 8))
	move(bookings[3], true, schedulingv1.Party_PARTY_CHILDREN, 10, 5, f.resident, f.child)
	move(bookings[3], false, schedulingv1.Party_PARTY_CHILDREN, 10, 6, f.resident, f.child)
	fourth, err := c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: bookings[3],
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Zero(t, fourth.GetNoticeMinutes())
	require.True(t, fourth.GetBooking().GetCancelledLate())
}

// A volunteer taps the children's departure while they are still in the room: it is withdrawn at
// the door, and the day sheet no longer says they left; a retry records nothing twice. The
// correction stays in the family's stream beside the record it corrects. A bad correction is
// refused and appends nothing.
func TestATappedDepartureIsWithdrawnAtTheDoor(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 10, 20))
	_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 10, 10, 30))
	_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	children := func() *schedulingv1.PartyTimes {
		t.Helper()
		sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
		require.NoError(t, err)
		require.Len(t, sheet.GetEntries(), 1)
		return sheet.GetEntries()[0].GetBooking().GetChildren()
	}
	require.NotNil(t, children().GetDepartedAt())

	events := func() int {
		return g.count(t, "SELECT count(*) FROM events WHERE stream_id = $1", "family-"+f.id.String())
	}
	before := events()
	withdraw := &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b, Party: schedulingv1.Party_PARTY_CHILDREN,
		Movement: schedulingv1.Movement_MOVEMENT_DEPARTURE, NotHappened: true, RequestId: uuid.NewString()}
	for _, bad := range []struct {
		name  string
		req   *schedulingv1.CorrectMovementRequest
		code  codes.Code
		field string
	}{
		{"a time with not_happened", &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b, Party: schedulingv1.Party_PARTY_CHILDREN,
			Movement: schedulingv1.Movement_MOVEMENT_DEPARTURE, NotHappened: true, Time: &schedulingv1.LocalTime{Hour: 10, Minute: 30}, RequestId: uuid.NewString()},
			codes.InvalidArgument, "time"},
		{"no movement", &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b, Party: schedulingv1.Party_PARTY_CHILDREN,
			NotHappened: true, RequestId: uuid.NewString()}, codes.InvalidArgument, "movement"},
		{"the arrival while the departure stands", &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b, Party: schedulingv1.Party_PARTY_CHILDREN,
			Movement: schedulingv1.Movement_MOVEMENT_ARRIVAL, NotHappened: true, RequestId: uuid.NewString()}, codes.FailedPrecondition, "DEPARTURE_RECORDED"},
		{"the visiting parent's departure, not recorded", &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b, Party: schedulingv1.Party_PARTY_VISITING,
			Movement: schedulingv1.Movement_MOVEMENT_DEPARTURE, NotHappened: true, RequestId: uuid.NewString()}, codes.FailedPrecondition, "NOT_DEPARTED"},
	} {
		_, err := door.CorrectMovement(ctx, bad.req)
		code, got := field(err)
		require.Equal(t, bad.code, code, "%s: %v", bad.name, err)
		require.Equal(t, bad.field, got, bad.name)
	}
	require.Equal(t, before, events(), "refusals append nothing")

	for range 2 { // a retry of the same request records nothing twice
		corrected, err := door.CorrectMovement(ctx, withdraw)
		require.NoError(t, err)
		require.Nil(t, corrected.GetBooking().GetChildren().GetDepartedAt())
	}
	require.Equal(t, before+1, events())
	require.Nil(t, children().GetDepartedAt(), "the day sheet no longer says they left")
	require.NotNil(t, children().GetArrivedAt())
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = $2", "family-"+f.id.String(),
		"familytime.scheduling.v1.PartyDeparted"), "the record corrected stays")
}

// The door records the visiting parent as a no-show at 10:20 and they walk in at 10:25: checking
// them in is refused, saying the no-show is withdrawn first and how; the no-show is withdrawn,
// the booking is booked again on the day sheet, their arrival is recorded, and a retry records
// nothing twice (decision 127).
func TestANoShowIsWithdrawnWhenThePartyComesAfterAll(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 10, 20))
	noShow, err := door.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, int32(1), noShow.GetUnexplainedNoShows())

	g.clock.Set(london(2026, 1, 10, 10, 25))
	before := g.count(t, "SELECT count(*) FROM events")
	refused, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: b, PersonId: f.visiting.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.False(t, refused.GetAdmitted())
	require.Equal(t, "BOOKING_NO_SHOW", refused.GetRefusal())
	way := textOf(refused.GetCautions(), "BOOKING_NO_SHOW")
	require.Contains(t, way, "recorded as a no-show (the visiting parent was recorded as not coming)")
	require.Contains(t, way, "withdraw the no-show first, on the session's day before its contact was due to end at 11:15 "+
		"(familytime schedule noshow "+b+" --withdraw)")
	require.Equal(t, before+1, g.count(t, "SELECT count(*) FROM events"), "the refusal is recorded, as any refusal at the door (decision 359)")

	withdraw := &schedulingv1.WithdrawNoShowRequest{CentreId: g.centre.String(), BookingId: b, RequestId: uuid.NewString()}
	for range 2 {
		resp, err := door.WithdrawNoShow(ctx, withdraw)
		require.NoError(t, err)
		require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, resp.GetBooking().GetStatus())
		require.Zero(t, resp.GetUnexplainedNoShows())
	}
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM events WHERE event_type = $1", "familytime.scheduling.v1.NoShowWithdrawn"))
	sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, sheet.GetEntries()[0].GetBooking().GetStatus())
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err, "their arrival is recorded")
	for i, again := range []bool{false, true} { // a repeat check-in says so (review 14)
		in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: b, PersonId: f.visiting.String(),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.True(t, in.GetAdmitted(), i)
		require.Equal(t, again, in.GetAlreadyCheckedIn(), i)
	}
	_, err = door.WithdrawNoShow(ctx, &schedulingv1.WithdrawNoShowRequest{CentreId: g.centre.String(), BookingId: b, RequestId: uuid.NewString()})
	code, why := field(err)
	require.Equal(t, codes.FailedPrecondition, code)
	require.Equal(t, "NOT_A_NO_SHOW", why)
}
