package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// leaveAll records everyone still inside booking b leaving by now (the children with the
// resident parent, at their booked end at the latest; the visiting party at its own), as the door
// does before a session is completed (decisions.md 188).
func leaveAll(t *testing.T, g *rig, b *domain.Booking, now time.Time) {
	t.Helper()
	in := g.family.Inside(b)
	when := func(booked time.Time) time.Time {
		at := booked
		if now.Before(at) {
			at = now
		}
		for _, after := range []time.Time{b.PartlyLeftAt, b.LastBroughtAt, b.Arrived[schedulingv1.Party_PARTY_CHILDREN]} {
			if at.Before(after) {
				at = after
			}
		}
		return at
	}
	if len(in.Children) > 0 {
		_, _, err := g.family.Depart(b.ID, schedulingv1.Party_PARTY_CHILDREN, when(b.ChildrenLeave), append([]uuid.UUID{resident}, in.Children...), false, now)
		require.NoError(t, err)
	}
	if len(in.Visiting) > 0 {
		_, _, err := g.family.Depart(b.ID, schedulingv1.Party_PARTY_VISITING, when(b.VisitingLeaves), in.Visiting, false, now)
		require.NoError(t, err)
	}
}

// Review 26 completed a session at 12:16 with the children's arrival recorded and their leaving
// not: who collected them was never recorded, since a completed booking takes no departure. Now
// completion is refused while anyone recorded coming is recorded inside, naming them by role and
// id, and allowed once they are recorded leaving.
func TestASessionIsNotCompletedWithTheChildrenInside(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	_, _, err := g.family.Arrive(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 0), []uuid.UUID{visiting}, at(2026, 1, 10, 10, 0))
	require.NoError(t, err)
	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 15), []uuid.UUID{resident, child1, child2}, at(2026, 1, 10, 10, 15))
	require.NoError(t, err)
	before := g.family.Version()

	_, _, err = g.family.Complete(b.ID, "", "account-volunteer", false, at(2026, 1, 10, 11, 16))
	rule(t, err, "PEOPLE_INSIDE")
	require.ErrorContains(t, err, "the children "+child1.String()+", "+child2.String()+" are recorded inside")
	require.ErrorContains(t, err, "the visiting party "+visiting.String()+" is recorded inside")
	require.ErrorContains(t, err, "familytime schedule depart "+b.ID.String()+" --party children")
	require.ErrorContains(t, err, "completed after 12:30", "it says when the session is completed without them, as the check is: 12:30 itself is refused")
	require.Equal(t, before, g.family.Version(), "a refusal records nothing")

	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 11, 20), []uuid.UUID{resident, child1, child2}, false, at(2026, 1, 10, 11, 20))
	require.NoError(t, err)
	_, _, err = g.family.Complete(b.ID, "", "account-volunteer", false, at(2026, 1, 10, 11, 21))
	rule(t, err, "PEOPLE_INSIDE")
	require.NotContains(t, err.Error(), "the children", "the children are recorded leaving")
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 11, 30), []uuid.UUID{visiting}, false, at(2026, 1, 10, 11, 31))
	require.NoError(t, err)
	_, done, err := g.family.Complete(b.ID, "", "account-volunteer", false, at(2026, 1, 10, 11, 31))
	require.NoError(t, err)
	require.Empty(t, done.GetNeverRecordedLeaving())
	require.Equal(t, int32(60), done.GetMinutesHeld())
}

// Review 26's supervised session: one child collected at 11:45 while the other stayed, and the
// supervisor completed the session at 11:50. The child still inside is named, and the session is
// completed once the last child is recorded leaving.
func TestASessionIsNotCompletedWithAChildStillInsideAfterOthersLeft(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.supervised, jan)
	_, _, err := g.family.Arrive(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 0), []uuid.UUID{visiting}, at(2026, 1, 10, 10, 0))
	require.NoError(t, err)
	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 15), []uuid.UUID{resident, child1, child2}, at(2026, 1, 10, 10, 15))
	require.NoError(t, err)
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 11, 10), []uuid.UUID{resident, child1}, true, at(2026, 1, 10, 11, 10))
	require.NoError(t, err)
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 11, 30), []uuid.UUID{visiting}, false, at(2026, 1, 10, 11, 30))
	require.NoError(t, err)

	_, _, err = g.family.Complete(b.ID, "", "staff-7", true, at(2026, 1, 10, 11, 35))
	rule(t, err, "PEOPLE_INSIDE")
	require.ErrorContains(t, err, "the children "+child2.String()+" are recorded inside")
	require.NotContains(t, err.Error(), child1.String(), "the child collected is not named")
	require.NotContains(t, err.Error(), "visiting party", "the visiting party left")

	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 11, 36), []uuid.UUID{resident, child2}, false, at(2026, 1, 10, 11, 36))
	require.NoError(t, err)
	_, done, err := g.family.Complete(b.ID, "", "staff-7", true, at(2026, 1, 10, 11, 37))
	require.NoError(t, err)
	require.Empty(t, done.GetNeverRecordedLeaving())
}

// Nobody may know when people left once the hour the door records movements for is over
// (decision 167): completion is not refused for ever. From the booking's Latest the session is
// completed, and the event names who was never recorded leaving, for the day sheet to alert.
func TestASessionWhoseChildrenNobodySawLeaveIsCompletedAfterTheHourAndSaysSo(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	_, _, err := g.family.Arrive(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 0), []uuid.UUID{visiting}, at(2026, 1, 10, 10, 0))
	require.NoError(t, err)
	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 15), []uuid.UUID{resident, child1}, at(2026, 1, 10, 10, 15))
	require.NoError(t, err)
	require.True(t, b.Latest().Equal(at(2026, 1, 10, 12, 30)))
	_, _, err = g.family.Complete(b.ID, "", "account-volunteer", false, at(2026, 1, 10, 12, 30))
	rule(t, err, "PEOPLE_INSIDE")

	_, done, err := g.family.Complete(b.ID, "", "account-volunteer", false, at(2026, 1, 10, 12, 31))
	require.NoError(t, err)
	require.Equal(t, []string{child1.String(), visiting.String()}, done.GetNeverRecordedLeaving(),
		"the child who came (not the child who did not) and the visiting parent")
	require.Equal(t, int32(60), done.GetMinutesHeld(), "contact held as booked: never extended")
	in := g.family.Inside(b)
	require.Equal(t, []uuid.UUID{child1}, in.Children, "still recorded inside, for the day sheet")
}

// Review 26: a family with one unexplained no-show; the visiting parent was recorded as not
// coming at 10:16 of the next session, which released the place, and at 10:25 they came with most
// of the session to run and were turned away for good. The no-show that releases the place waits
// until the party can no longer come; one that does not is recorded at the door, and withdrawn if
// the party comes.
func TestANoShowThatReleasesThePlaceWaitsUntilThePartyCanNoLongerCome(t *testing.T) {
	g := newRig(t)
	first := g.book(t, day(2026, 1, 10), g.shared, jan)
	second := g.book(t, day(2026, 1, 24), g.shared, jan)
	third := g.book(t, day(2026, 1, 31), g.shared, jan)

	// The first unexplained no-show does not release the place: recorded 15 minutes late, and
	// withdrawn when the party comes after all.
	_, events, released, err := g.family.NoShow(first.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 10, 10, 16))
	require.NoError(t, err)
	require.Nil(t, released)
	require.Len(t, events, 1)
	_, _, err = g.family.WithdrawNoShow(first.ID, at(2026, 1, 10, 10, 25))
	require.NoError(t, err)
	_, _, err = g.family.Arrive(first.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 25), []uuid.UUID{visiting}, at(2026, 1, 10, 10, 25))
	require.NoError(t, err, "the late parent's arrival is recorded")
	// Another day they do not come: recorded, it stands, and counts.
	_, _, _, err = g.family.NoShow(third.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 31, 10, 16))
	require.NoError(t, err)
	require.Equal(t, 1, g.family.UnexplainedNoShows())

	// The session with one unexplained no-show behind it: the children came at 10:15.
	_, _, err = g.family.Arrive(second.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 15), []uuid.UUID{resident, child1}, at(2026, 1, 24, 10, 15))
	require.NoError(t, err)
	before := g.family.Version()
	_, _, _, err = g.family.NoShow(second.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 24, 10, 16))
	rule(t, err, "MAY_STILL_COME")
	require.ErrorContains(t, err, "the visiting parent may still come: a late start runs for the time left, until 11:15")
	require.ErrorContains(t, err, "recorded from 11:15")
	require.Equal(t, before, g.family.Version(), "a refusal records nothing")
	_, _, _, err = g.family.NoShow(second.ID, schedulingv1.Party_PARTY_VISITING, true, at(2026, 1, 24, 10, 16))
	require.NoError(t, err, "an explained no-show does not release the place: recorded now")
	_, _, err = g.family.WithdrawNoShow(second.ID, at(2026, 1, 24, 10, 25))
	require.NoError(t, err, "and is withdrawn when they come")
	_, ev, err := g.family.Arrive(second.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 24, 10, 25), []uuid.UUID{visiting}, at(2026, 1, 24, 10, 25))
	require.NoError(t, err, "the late start runs for the time left")
	require.True(t, ev.GetSessionEndsAt().AsTime().Equal(at(2026, 1, 24, 11, 15)))
}

// Once the contact was due to end, the party can no longer come: the no-show that releases the
// place is recorded, and releases it.
func TestANoShowThatReleasesThePlaceIsRecordedOnceTheContactWasDueToEnd(t *testing.T) {
	g := newRig(t)
	first := g.book(t, day(2026, 1, 10), g.shared, jan)
	second := g.book(t, day(2026, 1, 24), g.shared, jan)
	later := g.book(t, day(2026, 1, 31), g.shared, jan)
	_, _, _, err := g.family.NoShow(first.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 10, 10, 16))
	require.NoError(t, err)
	_, _, _, err = g.family.NoShow(second.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 24, 11, 14))
	rule(t, err, "MAY_STILL_COME")
	_, events, released, err := g.family.NoShow(second.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 24, 11, 15))
	require.NoError(t, err)
	require.NotNil(t, released)
	require.Len(t, events, 3, "the no-show, the release, and the later booking cancelled")
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, later.Status)
	_, _, err = g.family.WithdrawNoShow(second.ID, at(2026, 1, 24, 11, 16))
	rule(t, err, "PLACE_RELEASED") // said first (review 76, decision 383)
	_, _, refusal, _, err := g.family.CheckIn(second.ID, visiting, at(2026, 1, 24, 11, 17))
	require.NoError(t, err)
	require.Equal(t, domain.RefusalNoShow, refusal)
	require.NotContains(t, noShowCaution(t, g.family.RefusalCautions(second.ID, visiting, at(2026, 1, 24, 11, 17))), "--withdraw",
		"the door is not sent down a path that is refused")
}

// Review 27: a family with one unexplained no-show. The children arrived, their departure was
// tapped by mistake a minute later, and the visiting parent's no-show was then recorded at once
// (the other party had "left"), releasing the place; the departure was then corrected as not
// having happened, and the late parent was turned away for good. The releasing no-show now waits
// until the children's contact was due to end, whatever is recorded before then: a recorded
// movement may still be corrected away, the clock may not (decisions.md 195).
func TestANoShowThatReleasesThePlaceDoesNotRestOnAMovementThatMayBeCorrected(t *testing.T) {
	g := newRig(t)
	first := g.book(t, day(2026, 1, 10), g.shared, jan)
	second := g.book(t, day(2026, 1, 24), g.shared, jan)
	_, _, _, err := g.family.NoShow(first.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 10, 10, 16))
	require.NoError(t, err)

	_, _, _, err = g.family.NoShow(second.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 24, 10, 16))
	rule(t, err, "MAY_STILL_COME")
	_, _, err = g.family.Arrive(second.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 15), []uuid.UUID{resident, child1, child2}, at(2026, 1, 24, 10, 17))
	require.NoError(t, err)
	_, _, err = g.family.Depart(second.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 24, 10, 18), []uuid.UUID{resident, child1, child2}, false, at(2026, 1, 24, 10, 18))
	require.NoError(t, err, "a mis-tap")
	before := g.family.Version()
	_, _, _, err = g.family.NoShow(second.ID, schedulingv1.Party_PARTY_VISITING, false, at(2026, 1, 24, 10, 19))
	rule(t, err, "MAY_STILL_COME")
	require.ErrorContains(t, err, "recorded from 11:15, when the contact was due to end")
	require.NotContains(t, err.Error(), "once the other party has left")
	require.Equal(t, before, g.family.Version(), "a refusal records nothing")

	_, _, err = g.family.Correct(second.ID, domain.Correction{Party: schedulingv1.Party_PARTY_CHILDREN,
		Movement: schedulingv1.Movement_MOVEMENT_DEPARTURE, NotHappened: true}, at(2026, 1, 24, 10, 20))
	require.NoError(t, err)
	_, _, err = g.family.Arrive(second.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 24, 10, 30), []uuid.UUID{visiting}, at(2026, 1, 24, 10, 30))
	require.NoError(t, err, "the late parent's contact runs for the time left")
	require.Equal(t, 1, g.family.UnexplainedNoShows())

	// The same for the children's no-show once the visiting parent is recorded leaving.
	third := g.book(t, day(2026, 1, 31), g.shared, jan)
	_, _, err = g.family.Arrive(third.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 31, 10, 0), []uuid.UUID{visiting}, at(2026, 1, 31, 10, 0))
	require.NoError(t, err)
	_, _, err = g.family.Depart(third.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 31, 10, 31), []uuid.UUID{visiting}, false, at(2026, 1, 31, 10, 31))
	require.NoError(t, err)
	_, _, _, err = g.family.NoShow(third.ID, schedulingv1.Party_PARTY_CHILDREN, false, at(2026, 1, 31, 10, 32))
	rule(t, err, "MAY_STILL_COME")
	_, _, released, err := g.family.NoShow(third.ID, schedulingv1.Party_PARTY_CHILDREN, false, at(2026, 1, 31, 11, 15))
	require.NoError(t, err, "once the contact was due to end")
	require.NotNil(t, released)
}
