package app

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 49: each step was dated by when it was recorded. On a simulated clock that is the real
// day it was typed, and on the real clock a pre-visit entered with --on a past day, or the
// door's paper register typed in on Monday, is the day of typing too. A step whose event says the
// day it took place now says it, in its words (where they said none) and as its day (occurred_on);
// one whose event says none (a booking) has no day but its recording's.
func TestAStepSaysTheDayItTookPlace(t *testing.T) {
	day := &commonv1.Date{Year: 2027, Month: 1, Day: 10}
	for _, c := range []struct {
		msg   proto.Message
		words string
	}{
		{&referralv1.PreVisitCompleted{Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, VisitedOn: day, GroundRulesSigned: true},
			"Pre-visit on 2027-01-10 by the resident parent, ground rules signed"},
		{&referralv1.ReferralAccepted{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, AcceptedOn: day},
			"Referral accepted on 2027-01-10 for supported contact"},
		{&referralv1.ReferralWaitlisted{WaitlistedOn: day}, "Referral placed on the centre's waiting list on 2027-01-10"},
		{&referralv1.ArrangementAgreed{AgreedOn: day, Arrangement: &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY}}, "Contact arrangement agreed on 2027-01-10: supported, fortnightly"},
		{&referralv1.CaseEnded{EndedOn: day, Outcome: referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED}, "Case ended on 2027-01-10: self arranged"},
		{&referralv1.FamilyErased{ErasedOn: day}, "Family's personal details erased on 2027-01-10 at their request"},
		{&referralv1.FamilyErased{ErasedOn: day, Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED},
			"Family's personal details erased on 2027-01-10: their retention ended"},
	} {
		require.Equal(t, c.words, describe(c.msg, nil))
		require.Equal(t, day, occurred(c.msg), c.words)
	}
	// Steps whose words said their day already keep their words, and have it as their day.
	held := &referralv1.ReviewHeld{HeldOn: day}
	require.Equal(t, "Case reviewed on 2027-01-10", describe(held, nil))
	require.Equal(t, day, occurred(held))
	for _, msg := range []proto.Message{&referralv1.ReferralDeclined{DeclinedOn: day}, &referralv1.ScreeningRecorded{ScreenedOn: day},
		&schedulingv1.HoldNoted{PlacedOn: day}, &schedulingv1.SessionCompleted{SessionDate: day}, &safeguardingv1.HoldPlaced{PlacedOn: day},
		&safeguardingv1.ConcernRaised{RaisedOn: day}} {
		require.Equal(t, day, occurred(msg), "%T", msg)
	}
	// An arrival is on the UK day of its instant: 23:30 UTC on 15 July is the 16th in London.
	late := timestamppb.New(time.Date(2027, 7, 15, 23, 30, 0, 0, time.UTC))
	require.Equal(t, &commonv1.Date{Year: 2027, Month: 7, Day: 16}, occurred(&schedulingv1.PartyArrived{At: late}))
	require.Equal(t, &commonv1.Date{Year: 2027, Month: 7, Day: 16}, occurred(&schedulingv1.WaitingListLeft{LeftAt: late}))
	// A correction is of the day of the movement it corrects, whenever it is made.
	require.Equal(t, &commonv1.Date{Year: 2027, Month: 7, Day: 16}, occurred(&schedulingv1.MovementCorrected{WasAt: late}))
	// A booking is made when it is recorded: the session's day is not the booking's.
	require.Nil(t, occurred(&schedulingv1.SessionBooked{SessionDate: day}))
	require.Nil(t, occurred(&referralv1.FamilyDetailsOpened{DoorDay: day}))
	require.Nil(t, occurred(&schedulingv1.PartyArrived{}), "an arrival recorded without its time")
	require.Nil(t, occurred(&referralv1.PreVisitCompleted{}), "an event recorded without its day")
}

// Rows projected before decision 286 are described again from their envelopes when read, until a
// rebuild writes them (migration 0012 clears their descriptions): its list of event types is
// exactly those whose step has a day of its own, so that no stored description is left with old
// words, nor any row without its day. Event types that came after the migration have no row from
// before decision 286 to describe again, and an applied migration is never edited: they are listed
// here instead (decision 323).
var datedSinceMigration0012 = []string{"familytime.referral.v1.AdultKeptFromChildren", "familytime.scheduling.v1.AdultKeptFromChildrenNoted",
	"familytime.safeguarding.v1.ReportCopiesSent",
	"familytime.scheduling.v1.FamiliesKeptApart", "familytime.scheduling.v1.KeepingApartEnded", "familytime.safeguarding.v1.ConcernMoved",
	"familytime.referral.v1.ChildMatchedForFigures", "familytime.referral.v1.ChildUnmatchedForFigures"}

func TestTheMigrationRedescribesEveryDatedStep(t *testing.T) {
	sql, err := os.ReadFile("../../migrations/0012_history_occurred_on.sql")
	require.NoError(t, err)
	var listed []string
	for _, m := range regexp.MustCompile(`'(familytime\.[a-z]+\.v1\.[A-Za-z]+)'`).FindAllStringSubmatch(string(sql), -1) {
		listed = append(listed, m[1])
	}
	var dated []string
	for name := range occurredOn {
		if !slices.Contains(datedSinceMigration0012, name) {
			dated = append(dated, name)
		}
	}
	slices.Sort(listed)
	slices.Sort(dated)
	require.Equal(t, dated, listed)
}

// Review 49 read in a parent's copy "Arrived on 2027-01-16" before "Case reviewed on 2027-01-12":
// the door's steps were gathered at the place of the day's first by the day they were recorded,
// and the review and the session's register were both typed in on one day. A parent's copy gives
// the steps that have a day of their own in the order of their days, and gathers the door's steps
// by the day they took place; a step with no day of its own (a booking) stays where it was
// recorded.
func TestAParentsCopyIsInTheOrderOfTheDaysStepsTookPlace(t *testing.T) {
	typed := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // the real day everything was typed in
	on := func(d int) time.Time { return time.Date(2027, 1, d, 0, 0, 0, 0, time.UTC) }
	n := 0
	step := func(service, eventType, words string, day time.Time) Step {
		n++
		return Step{RecordedAt: typed.Add(time.Duration(n) * time.Minute), OccurredOn: day, Service: service,
			Type: "familytime." + service + ".v1." + eventType, Description: words}
	}
	steps := []Step{
		step("referral", "PreVisitCompleted", "Pre-visit on 2027-01-05 by the resident parent", on(5)),
		step("scheduling", "SessionBooked", "Session booked (supported) for 2027-01-16", time.Time{}),
		step("scheduling", "PartyArrived", "Arrived at 10:01 on 2027-01-16 (UK time): the children (with whoever brings them)", on(16)),
		step("referral", "ReviewHeld", "Case reviewed on 2027-01-12", on(12)),
		step("scheduling", "PartyArrived", "Arrived at 09:50 on 2027-01-16 (UK time): the visiting parent", on(16)),
		step("referral", "PreVisitCompleted", "Pre-visit on 2027-01-03 by the non-resident parent", on(3)),
	}
	type said struct{ On, Words string }
	var got []said
	for _, s := range ForAParent(steps) {
		d := ""
		if !s.OccurredOn.IsZero() {
			d = s.OccurredOn.Format(time.DateOnly)
		}
		got = append(got, said{d, s.Description})
	}
	require.Equal(t, []said{
		{"2027-01-03", "Pre-visit on 2027-01-03 by the non-resident parent"},
		{"", "Session booked (supported) for 2027-01-16"},
		{"2027-01-05", "Pre-visit on 2027-01-05 by the resident parent"},
		{"2027-01-12", "Case reviewed on 2027-01-12"},
		{"2027-01-16", "Arrived on 2027-01-16: the children (with whoever brings them)"},
		{"2027-01-16", "Arrived on 2027-01-16: the visiting parent"},
	}, got)
}

// Review 49 read a history that contradicted itself: "Place offered from the waiting list", the
// referral accepted, then "Left the centre's waiting list without an offer: accepted"; and another
// family's second leaving, "without an offer: booked", at its first booking after it had left on
// acceptance. Scheduling records both as WaitingListLeft: the first closes the family's wait while
// the place offered stays held for it (decision 203), the second closes the place held. The
// history says so, from the family's own steps before them; a family that left without an offer
// is told as before.
func TestAWaitingListLeavingAfterAnOfferSaysWhatBecameOfThePlace(t *testing.T) {
	step := func(eventType, words string) Step {
		return Step{Service: "scheduling", Stream: "waitinglist-c", Type: "familytime.scheduling.v1." + eventType, Description: words}
	}
	joined := step("WaitingListJoined", "Joined the centre's waiting list for supported contact")
	offered := step("PlaceOffered", "Place offered from the waiting list")
	accepted := Step{Service: "referral", Stream: "referral-r", Type: "familytime.referral.v1.ReferralAccepted",
		Description: "Referral accepted on 2027-01-10 for supported contact"}
	leftAccepted := step("WaitingListLeft", "Left the centre's waiting list without an offer: accepted")
	booked := Step{Service: "scheduling", Stream: "family-f", Type: "familytime.scheduling.v1.SessionBooked",
		Description: "Session booked (supported) for 2027-01-16"}
	leftBooked := step("WaitingListLeft", "Left the centre's waiting list without an offer: booked")
	leftEnded := step("WaitingListLeft", "Left the centre's waiting list without an offer: case ended")
	words := func(steps ...Step) []string {
		leavings(steps)
		var out []string
		for _, s := range steps {
			if s.Type == leftAccepted.Type {
				out = append(out, s.Description)
			}
		}
		return out
	}
	require.Equal(t, []string{
		"Left the centre's waiting list with the place offered from it: the referral was accepted, and the place stays held for the family until it is booked into it or the offer lapses",
		"The place offered from the waiting list is held for the family no more: it was booked",
	}, words(joined, offered, accepted, leftAccepted, booked, leftBooked))
	require.Equal(t, []string{"The place offered from the waiting list is held for the family no more: it was booked"},
		words(joined, offered, booked, leftBooked), "booked into the place before the acceptance was noted")
	require.Equal(t, []string{"The place offered from the waiting list is held for the family no more: case ended"},
		words(joined, offered, leftEnded))
	require.Equal(t, []string{"Left the centre's waiting list without an offer: accepted"}, words(joined, accepted, leftAccepted),
		"no offer: as before")
	// Joined again after the offer (declined, or another kind): the wait is a new one.
	require.Equal(t, []string{"Left the centre's waiting list without an offer: booked"},
		words(joined, offered, step("WaitingListJoined", "Joined the centre's waiting list for supported contact"), leftBooked))
	for _, s := range []Step{leftAccepted, leftBooked} {
		require.True(t, strings.HasPrefix(s.Description, "Left the centre's waiting list without an offer"), "the steps given are not changed")
	}
}
