package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 53, over gRPC with real PostgreSQL and JetStream: ending a case cancelled the family's
// bookings still to come, and nothing listed a family's bookings (the coordinator read day sheets
// date by date to tell both parents which sessions were off). ListFamilyBookings lists the
// family's bookings at the centre in the order of their sessions, each with its room and where it
// stands (a no-show, a parent's cancellation, booked), from a date or all; once scheduling has
// applied the ending, it says when and on which referral, and which bookings it cancelled (not
// the one a parent cancelled before, nor a session past). A reopening clears the ending; the
// bookings stay cancelled. Read by the coordinator and the safeguarding lead, refused to the
// door's volunteer and to national roles; an unknown family is not found, bad input names its
// field, and nothing is recorded by a read.
func TestAFamilysBookingsAreListedWithWhatItsEndingCancelled(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2, 2)
	fs := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	f, other := fs[0], fs[1]
	c := g.client(t, auth.RoleCoordinator)
	var booked []string
	for week := range 4 {
		r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
		require.NoError(t, err)
		booked = append(booked, r.GetBooking().GetBookingId())
	}
	_, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: other.id.String(),
		PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[1]})
	require.NoError(t, err)
	_, err = c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: booked[2],
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 10, 10, 40))
	_, err = g.door(t).RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: booked[0],
		Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 12, 9, 0)) // Monday

	list := func(c schedulingv1.SchedulingServiceClient, from *commonv1.Date) (*schedulingv1.ListFamilyBookingsResponse, error) {
		return c.ListFamilyBookings(ctx, &schedulingv1.ListFamilyBookingsRequest{CentreId: g.centre.String(), FamilyId: f.id.String(), From: from})
	}
	month := g.clock.Now().AddDate(0, -1, 0)
	g.addStaff(t, "account-safeguarding_lead", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, month, month)
	events := g.count(t, "SELECT count(*) FROM events")
	resp, err := list(c, nil)
	require.NoError(t, err)
	require.Nil(t, resp.GetEnding(), "its contact goes on")
	require.Len(t, resp.GetBookings(), 4, "the family's own, not the other family's")
	want := []schedulingv1.BookingStatus{schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED,
		schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED}
	for week, fb := range resp.GetBookings() {
		b := fb.GetBooking()
		require.Equal(t, booked[week], b.GetBookingId(), "in the order of the sessions")
		require.Equal(t, date(saturday(week)), b.GetDate())
		require.Equal(t, want[week], b.GetStatus(), "week %d", week)
		require.Equal(t, "Room A", fb.GetRoomName())
		require.NotNil(t, b.GetVisiting().GetDueTime())
		require.False(t, fb.GetCancelledByEnding())
	}
	require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, resp.GetBookings()[2].GetBooking().GetCancelledBy())
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, resp.GetBookings()[2].GetBooking().GetCancellationReason())
	resp, err = list(c, date(saturday(2)))
	require.NoError(t, err)
	require.Len(t, resp.GetBookings(), 2, "from a date, included")
	require.Equal(t, booked[2], resp.GetBookings()[0].GetBooking().GetBookingId())

	// The safeguarding lead reads it too; the door's volunteer, a national analyst and an
	// administrator do not.
	_, err = list(g.client(t, auth.RoleSafeguardingLead), nil)
	require.NoError(t, err)
	for _, refused := range []schedulingv1.SchedulingServiceClient{g.door(t), g.client(t, auth.RoleNationalAnalyst), g.client(t, auth.RoleAdmin)} {
		_, err = list(refused, nil)
		require.Equal(t, codes.PermissionDenied, status.Code(err), "%v", err)
	}

	// An unknown family is not found, and says nothing of it; bad input names its field.
	unknown := uuid.New()
	_, err = c.ListFamilyBookings(ctx, &schedulingv1.ListFamilyBookingsRequest{CentreId: g.centre.String(), FamilyId: unknown.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "%v", err)
	require.NotContains(t, err.Error(), unknown.String())
	_, err = c.ListFamilyBookings(ctx, &schedulingv1.ListFamilyBookingsRequest{CentreId: g.centre.String(), FamilyId: "42"})
	code, name := field(err)
	require.Equal(t, codes.InvalidArgument, code, "%v", err)
	require.Equal(t, "family_id", name)
	_, err = list(c, &commonv1.Date{Year: 2026, Month: 2, Day: 30})
	code, name = field(err)
	require.Equal(t, codes.InvalidArgument, code, "%v", err)
	require.Equal(t, "from", name)
	require.Equal(t, events, g.count(t, "SELECT count(*) FROM events"), "a read records nothing")

	// The case ends on Monday: the 17th's and the 31st's sessions are cancelled by it; the 10th's
	// no-show and the 24th's cancellation by the visiting parent stand as they were.
	g.publishReferral(t, f, g.centre, &referralv1.CaseEnded{ReferralId: f.referral.String(), FamilyId: f.id.String(),
		CentreId: g.centre.String(), EndedOn: date(monday), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED})
	resp, err = list(c, nil)
	require.NoError(t, err)
	require.Equal(t, f.referral.String(), resp.GetEnding().GetReferralId())
	require.Equal(t, date(monday), resp.GetEnding().GetEndedOn())
	require.False(t, resp.GetEnding().GetWithdrawn())
	for week, fb := range resp.GetBookings() {
		byEnding := week == 1 || week == 3
		require.Equal(t, byEnding, fb.GetCancelledByEnding(), "week %d", week)
		if byEnding {
			b := fb.GetBooking()
			require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, b.GetStatus())
			require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM, b.GetCancelledBy())
			require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED, b.GetCancellationReason())
		}
	}
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW, resp.GetBookings()[0].GetBooking().GetStatus())
	require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, resp.GetBookings()[2].GetBooking().GetCancelledBy())

	// Reopened: no ending; what it cancelled stays cancelled.
	g.publishReferral(t, f, g.centre, &referralv1.CaseReopened{ReferralId: f.referral.String(), FamilyId: f.id.String(),
		CentreId: g.centre.String(), ReopenedOn: date(monday), EndedOn: date(monday), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED,
		State: referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT})
	resp, err = list(c, nil)
	require.NoError(t, err)
	require.Nil(t, resp.GetEnding())
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED, resp.GetBookings()[1].GetBooking().GetCancellationReason())
	require.False(t, resp.GetBookings()[1].GetCancelledByEnding())
}

// Review 53: at the door, the non-resident parent of a handover family, named on the referral but
// not to attend, bring or collect the children, was refused NOT_NAMED, which was false: he is
// named. He is refused NOT_PERMITTED, recorded on the family's booking as before (the day sheet
// alerts check-in-refused, and it is withdrawn if recorded by mistake); the resident parent who
// brings the children is admitted, and an id that is nobody at the centre is still bad input,
// recorded nowhere.
func TestSomeoneNamedButNotToComeIsRefusedNotPermitted(t *testing.T) {
	g := newKeptRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		// The non-resident parent may neither attend, bring nor collect.
		ev.Adults[1].MayAttend = false
	})[0]
	ctx := t.Context()
	resp, err := book(ctx, g.client(t, auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)
	booking := resp.GetBooking().GetBookingId()
	door := g.door(t)
	g.clock.Set(london(2026, 1, 10, 9, 58))
	checkIn := func(person string) (*schedulingv1.CheckInResponse, error) {
		return door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booking, PersonId: person,
			RequestId: uuid.NewString()})
	}
	refused, err := checkIn(f.visiting.String())
	require.NoError(t, err)
	require.False(t, refused.GetAdmitted())
	require.Equal(t, "NOT_PERMITTED", refused.GetRefusal())
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.CheckInRefused'`))
	require.Contains(t, g.entryOf(t, saturday(0), booking).GetAlerts(), schedulingv1.Alert_ALERT_CHECK_IN_REFUSED)

	admitted, err := checkIn(f.resident.String())
	require.NoError(t, err)
	require.True(t, admitted.GetAdmitted(), admitted.GetRefusal())
	_, err = checkIn(uuid.NewString())
	code, name := field(err)
	require.Equal(t, codes.InvalidArgument, code, "%v", err)
	require.Equal(t, "person_id", name)

	got, err := door.CorrectCheckIn(ctx, &schedulingv1.CorrectCheckInRequest{CentreId: g.centre.String(), BookingId: booking,
		PersonId: f.visiting.String(), NotHappened: true, Note: "tapped the wrong row", RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, "NOT_PERMITTED", got.GetRefusalWithdrawn())
}
