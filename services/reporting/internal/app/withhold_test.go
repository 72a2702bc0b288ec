package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// A parent's copy of a history dates each step and gives no clock time of a movement (decision
// 190); it leaves out safeguarding's steps and what the risk was found to be, and gives the bare
// step where the words would say it (decision 196). Every other step's words are as they were.
func TestForAParent(t *testing.T) {
	summer := time.Date(2026, 7, 1, 22, 50, 7, 0, time.UTC) // 23:50:07 in London
	step := func(service, eventType, words string) Step {
		return Step{RecordedAt: summer, Service: service, Type: "familytime." + service + ".v1." + eventType, Description: words}
	}
	steps := ForAParent([]Step{
		step("scheduling", "PartyArrived", "Arrived at 23:50 (UK time): the visiting parent"),
		step("safeguarding", "ConcernRaised", "Safeguarding concern raised: emotional"),
		step("scheduling", "PartyDeparted", "Left at 12:00 on 2026-06-30 (UK time): the children (with whoever collects them)"),
		step("referral", "ScreeningRecorded", "Screened red: domestic abuse found"),
		step("scheduling", "PartyArrived", "Arrived: the visiting parent"),
		step("scheduling", "MovementCorrected", "Arrival corrected to 10:25 (UK time; recorded as 10:40): the children"),
		step("referral", "ReferralAmended", "Referral amended; the risk answers no longer disclose domestic abuse, but the disclosure made before stands"),
		step("referral", "ReferralDeclined", "Referral declined: domestic abuse at a supported-only centre"),
		step("scheduling", "BookingCancelled", "Booking for 2026-07-04 cancelled by the system: hold"),
		step("scheduling", "PlaceOffered", "Place offered from the waiting list out of turn (needs): 2 families waiting longer passed over"),
		step("scheduling", "SessionBooked", "Session booked (supported) for 2026-07-04"),
	})
	var words []string
	for _, s := range steps {
		require.Equal(t, time.Date(2026, 7, 1, 0, 0, 0, 0, dates.UK()), s.RecordedAt)
		words = append(words, s.Description)
	}
	require.Equal(t, []string{"Arrived: the visiting parent", "Arrived: the visiting parent",
		"Left on 2026-06-30: the children (with whoever collects them)", "A recorded arrival or departure corrected (its times are the centre's record)",
		"Referral amended", "Referral declined", "Booking for 2026-07-04 cancelled", "Place offered from the waiting list",
		"Session booked (supported) for 2026-07-04"}, words)
	for _, s := range steps {
		require.Empty(t, s.Stream, "a version's gap would tell a step was left out")
		require.Zero(t, s.Version)
	}
}

// Review 28 read from a parent's copy that the visiting parent came after the children (and so
// late, the stagger being known): the door's steps of a day come in one fixed order whatever the
// order they happened in, at the place of the day's first.
func TestAParentsCopyGivesTheDoorInAFixedOrder(t *testing.T) {
	day := time.Date(2026, 5, 16, 9, 0, 0, 0, time.UTC)
	step := func(minutes int, eventType, words string) Step {
		return Step{RecordedAt: day.Add(time.Duration(minutes) * time.Minute), Service: "scheduling", Type: "familytime.scheduling.v1." + eventType, Description: words}
	}
	booked := step(-60*24*7, "SessionBooked", "Session booked (supported) for 2026-05-16")
	childrenCame := step(60, "PartyArrived", "Arrived at 10:00 (UK time): the children (with whoever brings them)")
	visitingCame := step(80, "PartyArrived", "Arrived at 10:20 (UK time): the visiting parent")
	checkedIn := step(81, "PersonCheckedIn", "A named person checked in")
	childrenLeft := step(180, "PartyDeparted", "Left at 12:00 (UK time): the children (with whoever collects them)")
	visitingLeft := step(195, "PartyDeparted", "Left at 12:15 (UK time): the visiting parent")
	completed := step(200, "SessionCompleted", "Session completed (supported), 2 children")
	words := func(steps []Step) []string {
		var out []string
		for _, s := range ForAParent(steps) {
			out = append(out, s.Description)
		}
		return out
	}
	late := words([]Step{booked, childrenCame, visitingCame, checkedIn, childrenLeft, visitingLeft, completed})
	onTime := words([]Step{booked, visitingCame, checkedIn, childrenCame, childrenLeft, visitingLeft, completed})
	require.Equal(t, []string{"Session booked (supported) for 2026-05-16", "Arrived: the children (with whoever brings them)",
		"Arrived: the visiting parent", "A named person checked in", "Left: the children (with whoever collects them)",
		"Left: the visiting parent", "Session completed (supported), 2 children"}, late)
	require.Equal(t, late, onTime, "the same copy whoever came first")
}

// A session completed with people never recorded leaving says so (decisions 188, 196): the
// children by count, the visiting party as a party; one completed as before says what it said.
func TestASessionCompletedWithPeopleNeverRecordedLeavingSaysSo(t *testing.T) {
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	kids := []*schedulingv1.AttendingChild{{PersonId: "c1"}, {PersonId: "c2"}}
	require.Equal(t, "Session completed (supported), 2 children",
		describe(&schedulingv1.SessionCompleted{ServiceType: supported, Children: kids}, nil))
	require.Equal(t, "Session completed (supported), 2 children; 1 child never recorded leaving (who collected them is not recorded); "+
		"the visiting party never recorded leaving",
		describe(&schedulingv1.SessionCompleted{ServiceType: supported, Children: kids, NeverRecordedLeaving: []string{"c2", "v1"}}, nil))
	require.Equal(t, "Session completed (supported), 2 children; the visiting party never recorded leaving",
		describe(&schedulingv1.SessionCompleted{ServiceType: supported, Children: kids, NeverRecordedLeaving: []string{"v1"}}, nil))
}
