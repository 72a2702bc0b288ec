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
		step("referral", "PossibleDuplicateChecked", "Safeguarding lead checked that a possible duplicate referral is another family"),
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

// Review 29 read in a parent's copy "Contact suspended" twice and "Safeguarding hold lifted; 1
// still in force": a second hold, placed or lifted while another stands, told the parent that a
// second safeguarding matter stood (what the other party disclosed, decision 196). A parent's copy
// says contact was suspended when the first hold suspends it, whichever of referral and scheduling
// notes it first, and that it may resume when the last is lifted: two holds give the same copy as
// one. Once the case is over, the holds say nothing more to a parent.
func TestAParentsCopySaysContactWasSuspendedAndNotHowManyHolds(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 7, d, 9, 0, 0, 0, time.UTC) }
	step := func(d int, service, stream, eventType, words string) Step {
		return Step{RecordedAt: day(d), Service: service, Stream: stream, Type: "familytime." + service + ".v1." + eventType,
			Description: words, Actor: "service:" + service}
	}
	var (
		placed = func(d int) Step {
			return step(d, "safeguarding", "hold-f", "HoldPlaced", "Hold placed: contact suspended (conduct)")
		}
		lifted    = func(d int) Step { return step(d, "safeguarding", "hold-f", "HoldLifted", "Hold lifted") }
		suspended = func(d int) Step {
			return step(d, "referral", "referral-r", "CaseSuspended", "Case suspended by a safeguarding hold")
		}
		noted = func(d int) Step {
			return step(d, "scheduling", "family-f", "HoldNoted", "Scheduling noted a safeguarding hold: future bookings cancelled, none taken")
		}
		stillInForce = func(d int) Step {
			return step(d, "referral", "referral-r", "CaseResumed", "Safeguarding hold lifted; 1 still in force")
		}
		resumes = func(d int) Step {
			return step(d, "referral", "referral-r", "CaseResumed", "Safeguarding hold lifted; contact resumes")
		}
		liftNoted = func(d int) Step {
			return step(d, "scheduling", "family-f", "HoldLiftNoted", "Scheduling noted a hold lifted")
		}
		booked    = step(1, "scheduling", "family-f", "SessionBooked", "Session booked (supported) for 2026-07-11")
		cancelled = step(4, "scheduling", "family-f", "BookingCancelled", "Booking for 2026-07-11 cancelled by the system: hold")
	)
	type said struct{ On, Words, By string }
	copyOf := func(steps ...Step) []said {
		var out []said
		for _, s := range ForAParent(steps) {
			out = append(out, said{s.RecordedAt.Format(time.DateOnly), s.Description, s.Actor + s.ActorRole})
		}
		return out
	}
	want := []said{{"2026-07-01", "Session booked (supported) for 2026-07-11", "service"}, // the role, not the account (review 41)
		{"2026-07-04", "Contact suspended", ""}, {"2026-07-04", "Booking for 2026-07-11 cancelled", ""},
		{"2026-07-20", "Contact may resume", ""}}

	oneHold := copyOf(booked, placed(4), suspended(4), noted(4), cancelled, lifted(20), resumes(20), liftNoted(20))
	require.Equal(t, want, oneHold)
	// A second hold placed on the 9th, scheduling noting it before referral, and the first lifted
	// on the 15th while it stands: nothing of either.
	twoHolds := copyOf(booked, placed(4), suspended(4), noted(4), cancelled, placed(9), noted(9), suspended(9),
		lifted(15), stillInForce(15), liftNoted(15), lifted(20), liftNoted(20), resumes(20))
	require.Equal(t, want, twoHolds, "two holds give the copy one gives")
	// Scheduling noting the hold first, and referral last to note the lift.
	require.Equal(t, want, copyOf(booked, placed(4), noted(4), cancelled, suspended(4), lifted(20), liftNoted(20), resumes(20)))

	// A lift whose hold the history does not hold (projected before it kept such steps) says nothing.
	require.Empty(t, copyOf(liftNoted(20), resumes(20)))

	// A case ended under the hold (for safety): it ends; the hold lifted later, or another placed,
	// says nothing more (scheduling still notes them), and the outcome is not given.
	ended := step(12, "referral", "referral-r", "CaseEnded", "Case ended: ended for safety")
	require.Equal(t, []said{want[0], want[1], want[2], {"2026-07-12", "Case ended", ""}},
		copyOf(booked, placed(4), suspended(4), noted(4), cancelled, ended, placed(14), noted(14), lifted(20), liftNoted(20)))
}

// A parent's copy gives bare the steps whose words, or whose actor, would say more than the step
// (decision 196): a decision taken after a person checked the family is not the one a hold
// suspends tells of a hold on a family like theirs, and an outcome of "ended for safety" what was
// found. A bare step names no one: a booking the platform cancelled (a hold, a finding the copy
// leaves out) would be told from one cancelled at a parent's request by who cancelled it.
func TestAParentsCopyGivesTheBareStepAndNamesNoOneForIt(t *testing.T) {
	step := func(service, eventType, words, actor, role string) Step {
		return Step{RecordedAt: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC), Service: service, Type: "familytime." + service + ".v1." + eventType,
			Description: words, Actor: actor, ActorRole: role}
	}
	type said struct{ Words, Actor, Role string }
	var got []said
	for _, s := range ForAParent([]Step{
		step("referral", "ReferralAccepted", "Referral accepted for supervised contact, after a person checked the family is not the one a safeguarding hold suspends", "coordinator-1", "coordinator"),
		step("referral", "ReferralWaitlisted", "Referral placed on the centre's waiting list, after a person checked the family is not the one a safeguarding hold suspends", "coordinator-1", "coordinator"),
		step("scheduling", "BookingCancelled", "Booking for 2026-07-04 cancelled by the resident parent: requested", "coordinator-1", "coordinator"),
		step("scheduling", "BookingCancelled", "Booking for 2026-07-11 cancelled by the system: domestic abuse finding", "service:scheduling", ""),
		step("referral", "CaseEnded", "Case ended: ended for safety", "coordinator-1", "coordinator"),
		step("scheduling", "SessionBooked", "Session booked (supervised) for 2026-07-18", "coordinator-1", "coordinator"),
	}) {
		got = append(got, said{s.Description, s.Actor, s.ActorRole})
	}
	require.Equal(t, []said{{"Referral accepted for supervised contact", "", ""}, {"Referral placed on the centre's waiting list", "", ""},
		{"Booking for 2026-07-04 cancelled", "", ""}, {"Booking for 2026-07-11 cancelled", "", ""}, {"Case ended", "", ""},
		{"Session booked (supervised) for 2026-07-18", "", "coordinator"}}, got, "a step not given bare says the role, and no account (review 41)")
}

// Review 31 read a parent's copy after a no-show recorded too early and the children's departure
// tapped by mistake: two departures of the children, a correction, and a no-show and its
// withdrawal after them, which read as a parent who left before they came. What the centre took
// back as recorded by mistake, and its taking back, are left out of a parent's copy; the centre's
// read keeps them.
func TestAParentsCopyLeavesOutWhatTheCentreTookBack(t *testing.T) {
	day := time.Date(2026, 5, 16, 9, 0, 0, 0, time.UTC)
	step := func(minutes int, eventType, words string) Step {
		return Step{RecordedAt: day.Add(time.Duration(minutes) * time.Minute), Service: "scheduling", Stream: "family-1",
			Type: "familytime.scheduling.v1." + eventType, Description: words}
	}
	steps := []Step{
		step(-60*24*7, "SessionBooked", "Session booked (supported) for 2026-05-16"),
		step(72, "PartyArrived", "Arrived at 10:12 (UK time): the children (with whoever brings them)"),
		step(76, "NoShowRecorded", "No-show: the visiting parent did not come (unexplained, 1 since the place was last released)"),
		step(77, "PartyDeparted", "Left at 10:17 (UK time): the children (with whoever collects them)"),
		step(80, "NoShowWithdrawn", "No-show withdrawn, recorded by mistake: the visiting parent came after all"),
		step(85, "PersonCheckedIn", "A named person checked in"),
		step(85, "PartyArrived", "Arrived at 10:25 (UK time): the visiting parent"),
		step(86, "MovementCorrected", "Departure withdrawn, it did not happen (recorded by mistake at 10:17, UK time): the children (with whoever collects them)"),
		step(132, "PartyDeparted", "Left at 11:12 (UK time): the children (with whoever collects them)"),
		step(133, "PartyDeparted", "Left at 11:13 (UK time): the visiting parent"),
		step(140, "SessionCompleted", "Session completed (supported), 1 child"),
		// A no-show that stands, on another day, stays.
		step(60*24*14, "NoShowRecorded", "No-show: the visiting parent did not come (explained)"),
	}
	var words []string
	for _, s := range ForAParent(steps) {
		words = append(words, s.Description)
	}
	require.Equal(t, []string{"Session booked (supported) for 2026-05-16", "Arrived: the children (with whoever brings them)",
		"Arrived: the visiting parent", "A named person checked in", "Left: the children (with whoever collects them)",
		"Left: the visiting parent", "Session completed (supported), 1 child", "No-show: the visiting parent did not come (explained)"}, words)
}

// Review 34: a late no-show of last week's session, recorded between today's no-show and its
// withdrawal, was left out in its place (the words name no booking), and today's withdrawn one
// was given. Where a withdrawal could mean two steps, none is left out; a movement withdrawn with
// the time it was recorded at is the one recorded then.
func TestAParentsCopyLeavesOutOnlyWhatAWithdrawalCanOnlyMean(t *testing.T) {
	day := time.Date(2026, 12, 9, 10, 0, 0, 0, time.UTC)
	step := func(minutes int, eventType, words string) Step {
		return Step{RecordedAt: day.Add(time.Duration(minutes) * time.Minute), Service: "scheduling", Stream: "family-1",
			Type: "familytime.scheduling.v1." + eventType, Description: words}
	}
	words := func(steps []Step) []string {
		var out []string
		for _, s := range ForAParent(steps) {
			out = append(out, s.Description)
		}
		return out
	}
	require.Equal(t, []string{"No-show: the visiting parent did not come (unexplained, 1 since the place was last released)",
		"No-show: the visiting parent did not come (explained)", "No-show withdrawn, recorded by mistake: the visiting parent came after all"},
		words([]Step{
			step(16, "NoShowRecorded", "No-show: the visiting parent did not come (unexplained, 1 since the place was last released)"),
			step(17, "NoShowRecorded", "No-show: the visiting parent did not come (explained)"),
			step(18, "NoShowWithdrawn", "No-show withdrawn, recorded by mistake: the visiting parent came after all"),
		}), "two it could mean: all given")

	require.Equal(t, []string{"Left: the children (with whoever collects them)"}, words([]Step{
		step(20, "PartyDeparted", "Left at 10:20 (UK time): the children (with whoever collects them)"),
		step(25, "PartyDeparted", "Left at 10:25 (UK time): the children (with whoever collects them)"),
		step(26, "MovementCorrected", "Departure withdrawn, it did not happen (recorded by mistake at 10:25, UK time): the children (with whoever collects them)"),
	}), "the departure recorded at 10:25 is the one withdrawn")
}
