package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Decision 378 (317's Left): the children came at 10:16 and were taken home at 10:50; the door
// typed the visiting parent's arrival as 10:40, and the coordinator corrects it at 11:10 to 10:55,
// when it happened: after the children had gone. The correction is answered NO_CONTACT_POSSIBLE,
// with the no-show as the way on, as the arrival recorded at 10:55 would have been; the answer of
// a departure's correction carries none, and nor does a time within contact.
func TestACorrectedArrivalIsAnsweredItsCautions(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 10, 16))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)
	g.clock.Set(london(2026, 1, 10, 10, 40))
	g.arrive(t, door, b, schedulingv1.Party_PARTY_VISITING, f.visiting)
	g.clock.Set(london(2026, 1, 10, 10, 50))
	g.depart(t, door, b, schedulingv1.Party_PARTY_CHILDREN, f.resident, f.child)

	g.clock.Set(london(2026, 1, 10, 11, 10))
	correct := func(movement schedulingv1.Movement, party schedulingv1.Party, hour, minute int32, people ...uuid.UUID) *schedulingv1.CorrectMovementResponse {
		t.Helper()
		got, err := door.CorrectMovement(ctx, &schedulingv1.CorrectMovementRequest{CentreId: g.centre.String(), BookingId: b,
			Party: party, Movement: movement, Time: &schedulingv1.LocalTime{Hour: hour, Minute: minute}, PersonIds: ids(people),
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		return got
	}
	late := correct(schedulingv1.Movement_MOVEMENT_ARRIVAL, schedulingv1.Party_PARTY_VISITING, 10, 55, f.visiting)
	require.Contains(t, codesOf(late.GetCautions()), "NO_CONTACT_POSSIBLE", late.GetCautions())
	require.Contains(t, textOf(late.GetCautions(), "NO_CONTACT_POSSIBLE"), "noshow "+b+" --party visiting")
	require.NotContains(t, codesOf(late.GetCautions()), "PARENTS_MAY_MEET", "said of a time within the door's window of now only")

	inTime := correct(schedulingv1.Movement_MOVEMENT_ARRIVAL, schedulingv1.Party_PARTY_VISITING, 10, 5, f.visiting)
	require.Empty(t, inTime.GetCautions(), "as corrected, the visiting parent came in time")
	gone := correct(schedulingv1.Movement_MOVEMENT_DEPARTURE, schedulingv1.Party_PARTY_CHILDREN, 10, 52, f.resident, f.child)
	require.Empty(t, gone.GetCautions(), "a departure's correction answers none")
}
