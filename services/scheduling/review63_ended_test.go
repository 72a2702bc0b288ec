package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// staggered is a family ready for supported contact with the visiting parent due 15 minutes
// before the children and leaving 15 minutes after them: on the rig's Saturdays the visiting
// parent is due at 10:00 and leaves at 11:30, the children from 10:15 to 11:15.
func (g *rig) staggered(t *testing.T) family {
	t.Helper()
	return g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Arrangement.Stagger = &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}
	})[0]
}

// endCase publishes referral's CaseEnded for f, ended for safety on the first Saturday, and
// waits until scheduling has cancelled the second week's booking.
func (g *rig) endCase(t *testing.T, f family, later string) {
	t.Helper()
	g.referral.publish(t, "referral-"+f.id.String(), f.id, g.centre, &referralv1.CaseEnded{ReferralId: f.referral.String(),
		FamilyId: f.id.String(), CentreId: g.centre.String(), EndedOn: date(saturday(0)),
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY})
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2 AND cancellation_reason = $3", uuid.MustParse(later),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED), int32(schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED))
}

// Review 63 (finding 1): a case ended for safety at 10:02, two minutes after the visiting parent
// was due and before anyone came, kept that day's booking, and the door admitted the visiting
// parent at 10:05. The ending now cancels it with the sessions to come, by the system because the
// case ended, with no notice and nobody's no-show; the door refuses CASE_ENDED, recorded, and is
// told when the case ended; the day sheet reads the row as cancelled (decision 346).
func TestACaseEndedBeforeAnyoneCameCancelsTheSessionWhoseTimeHasBegun(t *testing.T) {
	g := newRig(t, monday)
	f := g.staggered(t)
	bookings := g.bookWeeks(t, f, 2)
	door, ctx := g.door(t), t.Context()

	g.clock.Set(london(2026, 1, 10, 10, 2))
	g.endCase(t, f, bookings[1])
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2 AND cancellation_reason = $3", uuid.MustParse(bookings[0]),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED), int32(schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED))

	sheet, err := door.GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
	require.NoError(t, err)
	require.Len(t, sheet.GetEntries(), 1)
	b := sheet.GetEntries()[0].GetBooking()
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, b.GetStatus())
	require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM, b.GetCancelledBy())
	require.Zero(t, b.GetNoticeMinutes(), "a session whose time had begun is called off with no notice")
	require.NotContains(t, sheet.GetEntries()[0].GetAlerts(), schedulingv1.Alert_ALERT_CANCELLED_LATE, "nobody's late notice")
	require.NotContains(t, sheet.GetEntries()[0].GetAlerts(), schedulingv1.Alert_ALERT_NO_SHOW)

	g.clock.Set(london(2026, 1, 10, 10, 5))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		PersonId: f.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.False(t, in.GetAdmitted())
	require.Equal(t, domain.RefusalCaseEnded, in.GetRefusal())
	require.Equal(t, domain.CautionCaseEnded, in.GetCautions()[0].GetCode())
	require.Contains(t, in.GetCautions()[0].GetText(), "the family's case ended on 2026-01-10, before anyone of the family came")
	require.NotContains(t, in.GetCautions()[0].GetText(), f.visiting.String(), "no personal data, no ids of people")
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.CheckInRefused' AND family_id = $1`, f.id),
		"the refusal is recorded")

	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, RequestId: uuid.NewString()})
	code, _ := field(err)
	require.Equal(t, codes.FailedPrecondition, code, "no arrival of a session called off")
}

// A session both parties came to before the case ended goes on: the visiting parent is inside and
// the resident parent checked in when the case ends at 10:20, the booking stays, the child is
// admitted (cautioned that the case ended and how contact is stopped if it must be), the departures
// are recorded, and the session is completed (decision 44, kept by decisions 346 and 351; one party
// alone is review65_ended_test.go's).
func TestASessionUnderWayWhenTheCaseEndsStillAdmitsItsPartiesAndTheirDepartures(t *testing.T) {
	g := newRig(t, monday)
	f := g.staggered(t)
	bookings := g.bookWeeks(t, f, 2)
	door, ctx := g.door(t), t.Context()

	g.clock.Set(london(2026, 1, 10, 9, 58))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		PersonId: f.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted())
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 10, 10, 14))
	g.checkIn(t, door, bookings[0], f.resident)

	g.clock.Set(london(2026, 1, 10, 10, 20))
	g.endCase(t, f, bookings[1])
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(bookings[0]),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED)), "the session under way is kept")

	g.clock.Set(london(2026, 1, 10, 10, 21))
	in, err = door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		PersonId: f.child.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted(), in.GetRefusal())
	require.Contains(t, cautionCodes(in.GetCautions()), domain.CautionCaseEnded)
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)

	g.clock.Set(london(2026, 1, 10, 11, 30))
	g.leave(t, door, bookings[0], f)
	done, err := door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED, done.GetBooking().GetStatus())
}

// Review 63: a case ended after its session's time (referred back to court, nobody came) left the
// booking booked, and at 12:31 the door admitted the visiting parent and the session was completed,
// a first session for an ended case. A session over before the end is left for its no-show or the
// centre's call-off, but nobody is checked in for it, no arrival is recorded and it is not
// completed (CASE_ENDED; decision 346).
func TestAPastSessionOfAnEndedCaseIsNeitherCheckedInNorCompleted(t *testing.T) {
	g := newRig(t, monday)
	f := g.staggered(t)
	bookings := g.bookWeeks(t, f, 2)
	door, ctx := g.door(t), t.Context()

	g.clock.Set(london(2026, 1, 10, 11, 45))
	g.endCase(t, f, bookings[1])
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(bookings[0]),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED)), "over before the end: left for what became of it")

	g.clock.Set(london(2026, 1, 10, 11, 50))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		PersonId: f.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.False(t, in.GetAdmitted())
	require.Equal(t, domain.RefusalCaseEnded, in.GetRefusal())
	require.Contains(t, in.GetCautions()[0].GetText(), "the family's case ended on 2026-01-10, and nobody of the family had come")

	before := g.count(t, "SELECT count(*) FROM events")
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, Time: &schedulingv1.LocalTime{Hour: 10},
		RequestId: uuid.NewString()})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, domain.RefusalCaseEnded, reason)
	_, err = door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		RequestId: uuid.NewString()})
	code, reason = field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, domain.RefusalCaseEnded, reason)
	require.Contains(t, err.Error(), "familytime schedule cancel "+bookings[0]+" --by centre")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
}
