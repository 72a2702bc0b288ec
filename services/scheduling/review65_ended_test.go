package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Review 65 (finding 1): the resident parent brought the child at 10:13, the case was ended for
// safety at 10:16, and the visiting parent (perhaps why it ended) was admitted at 10:20; the session
// was completed as the family's first, on a case that ended before contact began. One party alone
// is not contact begun: the ending cancels the session, by the system because the case ended; the
// visiting parent is refused CASE_ENDED, recorded, told who had come; the day sheet still shows the
// child inside until the children's party leaves, its departure recorded; no arrival of the
// visiting party and no completion are recorded (decision 351, amending 346).
func TestACaseEndedWithOnlyTheChildrensPartyInsideTurnsTheVisitingParentAway(t *testing.T) {
	g := newRig(t, monday)
	f := g.staggered(t)
	bookings := g.bookWeeks(t, f, 2)
	door, ctx := g.door(t), t.Context()

	g.clock.Set(london(2026, 1, 10, 10, 13))
	g.checkIn(t, door, bookings[0], f.resident)
	g.checkIn(t, door, bookings[0], f.child)

	g.clock.Set(london(2026, 1, 10, 10, 16))
	g.endCase(t, f, bookings[1])
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2 AND cancellation_reason = $3", uuid.MustParse(bookings[0]),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED), int32(schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED))

	g.clock.Set(london(2026, 1, 10, 10, 20))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		PersonId: f.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.False(t, in.GetAdmitted())
	require.Equal(t, domain.RefusalCaseEnded, in.GetRefusal())
	require.Equal(t, domain.CautionCaseEnded, in.GetCautions()[0].GetCode())
	require.Contains(t, in.GetCautions()[0].GetText(), "the family's case ended on 2026-01-10 before contact began at this session "+
		"(only the children's party had come, not the visiting party)")
	require.NotContains(t, in.GetCautions()[0].GetText(), f.visiting.String(), "no ids of people")
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.CheckInRefused' AND family_id = $1`, f.id),
		"the refusal is recorded")

	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, RequestId: uuid.NewString()})
	code, _ := field(err)
	require.Equal(t, codes.FailedPrecondition, code, "no arrival of the party that had not come")

	e := g.entryOf(t, saturday(0), bookings[0])
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, e.GetBooking().GetStatus())
	inside, _ := marks(e)
	require.True(t, inside[f.child.String()], "the child is shown inside the cancelled session until recorded leaving")
	require.False(t, inside[f.visiting.String()])

	g.clock.Set(london(2026, 1, 10, 10, 25))
	g.depart(t, door, bookings[0], schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	inside, _ = marks(g.entryOf(t, saturday(0), bookings[0]))
	require.False(t, inside[f.child.String()], "gone home with who brought them")

	g.clock.Set(london(2026, 1, 10, 11, 30))
	_, err = door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: bookings[0],
		RequestId: uuid.NewString()})
	code, _ = field(err)
	require.Equal(t, codes.FailedPrecondition, code, "a session that held no contact is not completed")
	require.Zero(t, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.SessionCompleted' AND family_id = $1`, f.id),
		"no session completed: referral and reporting hear of no first session")
}
