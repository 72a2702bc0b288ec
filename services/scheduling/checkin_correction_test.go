package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 50, over gRPC with real PostgreSQL and JetStream: a volunteer checked in the visiting
// parent of the wrong booking at 09:58. Correcting their arrival said NOT_ARRIVED, their no-show
// was refused PARTY_ARRIVED, and the day sheet kept them IN and CHECKED IN. The check-in is now
// withdrawn as not having happened (a record of its own, pointing at it), after which the day
// sheet reads as if it had not been and the visiting party's no-show is taken. A correction
// without not_happened, of a person not checked in, or by a caller not at the door is refused and
// records nothing.
func TestACheckInRecordedByMistakeIsCorrectedAsNotHappened(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 9, 58))
	resp, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: b, PersonId: f.visiting.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, resp.GetAdmitted())
	require.Equal(t, b, resp.GetBooking().GetBookingId(), "the answer carries the booking")
	in, checked := marks(g.entryOf(t, saturday(0), b))
	require.True(t, in[f.visiting.String()])
	require.True(t, checked[f.visiting.String()])

	g.clock.Set(london(2026, 1, 10, 10, 16))
	correct := func(c schedulingv1.SchedulingServiceClient, person uuid.UUID, notHappened bool) (*schedulingv1.CorrectCheckInResponse, error) {
		return c.CorrectCheckIn(ctx, &schedulingv1.CorrectCheckInRequest{CentreId: g.centre.String(), BookingId: b,
			PersonId: person.String(), NotHappened: notHappened, RequestId: uuid.NewString()})
	}
	_, err = correct(door, f.visiting, false)
	code, _ := field(err)
	require.Equal(t, codes.InvalidArgument, code, err)
	_, err = correct(door, f.resident, true)
	_, reason := field(err)
	require.Equal(t, "NOT_CHECKED_IN", reason, err)
	_, err = correct(g.client(t, auth.RoleReferrer), f.visiting, true)
	code, _ = field(err)
	require.Equal(t, codes.PermissionDenied, code, err)
	require.Zero(t, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.CheckInCorrected'`))

	got, err := correct(door, f.visiting, true)
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, got.GetBooking().GetStatus())
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.CheckInCorrected'`))
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.PersonCheckedIn'`),
		"the check-in stays in the log")
	in, checked = marks(g.entryOf(t, saturday(0), b))
	require.False(t, in[f.visiting.String()], "not inside")
	require.False(t, checked[f.visiting.String()], "not checked in")

	_, err = door.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
	require.NoError(t, err, "the visiting parent did not come: a no-show")
}

// Review 48 over gRPC: the children were collected at 11:15 and the visiting parent let out at
// 11:17; the departure is recorded and its answer says to keep the visiting parent inside until
// 11:25. The stagger's departure at 11:30 answers no caution.
func TestTheDepartureAfterTheOtherPartyLeftCautionsThatTheParentsMayMeet(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	g.arriveOnTime(t, door, b, f)
	g.clock.Set(london(2026, 1, 10, 11, 15))
	require.Empty(t, g.departCautions(t, door, b, schedulingv1.Party_PARTY_CHILDREN, nil, f.resident, f.child), "the stagger")
	g.clock.Set(london(2026, 1, 10, 11, 17))
	resp, err := door.RecordDeparture(t.Context(), &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: ids([]uuid.UUID{f.visiting}), RequestId: uuid.NewString()})
	require.NoError(t, err, "a caution, not a refusal")
	require.Equal(t, "11:17", wallClock(resp.GetBooking().GetVisiting().GetDepartedAt()), "recorded as it happened")
	require.Equal(t, []string{"PARENTS_MAY_MEET"}, codesOf(resp.GetCautions()))
	require.Contains(t, textOf(resp.GetCautions(), "PARENTS_MAY_MEET"), "keep the visiting party (the visiting parent) inside until 11:25")
}
