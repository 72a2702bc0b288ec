package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A party is recorded arriving, and someone checked in, no later than an hour after the visiting
// parent is due to leave (11:30 here: the children 10:15-11:15), review 22 having recorded an
// evening's times. Who comes for the children still inside is let in later all the same, and the
// children's collection is recorded as it happened, later than that too (review 23 could not
// record a mother's collection at 13:45): contact is not extended by it (the minutes held end at
// 11:15). A departure recorded without its time after the bound is refused by the application
// (Booking.TimeNeeded), which alone knows the time was not given.
func TestMovementsAreNoLaterThanAnHourAfterTheSession(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	evening := at(2026, 1, 10, 23, 20)
	_, _, err := g.family.Arrive(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 0), []uuid.UUID{visiting}, evening)
	require.NoError(t, err)
	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 15), []uuid.UUID{resident, child1, child2}, evening)
	require.NoError(t, err)
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 11, 30), []uuid.UUID{visiting}, false, evening)
	require.NoError(t, err)

	before := g.family.Version()
	for _, late := range []time.Time{evening, at(2026, 1, 10, 12, 31)} {
		_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, late, []uuid.UUID{resident, child1}, evening)
		invalid(t, err, "time")
		require.Contains(t, err.Error(), "must not be after 12:30, 60 minutes after the visiting parent is due to leave at 11:30")
		_, _, err = g.family.Correct(b.ID, domain.Correction{Party: schedulingv1.Party_PARTY_CHILDREN, Movement: schedulingv1.Movement_MOVEMENT_ARRIVAL,
			At: late, People: []uuid.UUID{resident, child1, child2}}, evening)
		invalid(t, err, "time")
	}
	// Decision 372: turned away once the door's record closed, and recorded so, as any refusal at
	// the door; the caution gives the times.
	tooLate := at(2026, 1, 10, 12, 31)
	admittedLate, _, refusal, ev, err := g.family.CheckIn(b.ID, visiting, tooLate)
	require.NoError(t, err)
	require.False(t, admittedLate)
	require.Equal(t, domain.RefusalSessionOver, refusal)
	require.Equal(t, "SESSION_OVER", ev.(*schedulingv1.CheckInRefused).GetReason())
	require.Equal(t, before+1, g.family.Version(), "the refusal is recorded")
	cautions := g.family.RefusalCautions(b.ID, visiting, tooLate)
	require.NotEmpty(t, cautions)
	require.Equal(t, domain.CautionSessionOver, cautions[0].Code)
	require.Contains(t, cautions[0].Text, "due to leave at 11:30")
	require.Contains(t, cautions[0].Text, "until 12:30")
	require.Equal(t, 1, b.Refusals)
	_, _, _, _, err = g.family.CheckIn(b.ID, uuid.New(), tooLate)
	require.ErrorIs(t, err, domain.ErrNobodyOfTheFamily, "nobody of the family: an error, nothing recorded")
	require.Equal(t, before+1, g.family.Version())

	collected := at(2026, 1, 10, 13, 45)
	admitted, _, _, _, err := g.family.CheckIn(b.ID, resident, collected)
	require.NoError(t, err)
	require.True(t, admitted, "come to collect the children, late")
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_CHILDREN, collected, []uuid.UUID{resident, child1, child2}, false, evening)
	require.NoError(t, err, "collected late, recorded as it happened")
	require.True(t, collected.Equal(b.Departed[schedulingv1.Party_PARTY_CHILDREN]))
	from, to := b.ContactHeld()
	require.True(t, at(2026, 1, 10, 10, 15).Equal(from))
	require.True(t, at(2026, 1, 10, 11, 15).Equal(to), "contact ends at the booked end: the wait for collection is not supervised contact")
	_, done, err := g.family.Complete(b.ID, "", "account-volunteer", false, evening)
	require.NoError(t, err)
	require.Equal(t, int32(60), done.GetMinutesHeld())
	require.True(t, at(2026, 1, 10, 11, 15).Equal(done.GetEndedAt().AsTime()))
	invalid(t, b.TimeNeeded(), "time")
	require.Contains(t, b.TimeNeeded().Error(), "give the time it happened (--at HH:MM)")
}

// A departure recorded before the bound, hours after the session (23:20), holds the contact to
// the booked end, and is corrected to the time it happened while the session is not completed.
func TestADepartureRecordedHoursAfterTheSessionIsPutRight(t *testing.T) {
	g := newRig(t)
	family := uuid.New()
	f, err := domain.RebuildFamily(family, nil)
	require.NoError(t, err)
	evs := []proto.Message{f.NoteReady(g.readiness)}
	b, booked, err := f.Book(uuid.New(), centre, g.session(t, day(2026, 1, 10)), g.shared.ID, nil, jan)
	require.NoError(t, err)
	evs = append(evs, booked)
	evening := at(2026, 1, 10, 23, 20)
	for _, p := range []struct {
		party  schedulingv1.Party
		at     time.Time
		people []uuid.UUID
	}{
		{schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 0), []uuid.UUID{visiting}},
		{schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 16), []uuid.UUID{resident, child1, child2}},
	} {
		_, ev, err := f.Arrive(b.ID, p.party, p.at, p.people, evening)
		require.NoError(t, err)
		evs = append(evs, ev)
	}
	evs = append(evs, &schedulingv1.PartyDeparted{BookingId: b.ID.String(), FamilyId: family.String(), CentreId: centre.String(),
		Party: schedulingv1.Party_PARTY_CHILDREN, At: timestamppb.New(evening), PersonIds: []string{resident.String(), child1.String(), child2.String()}})
	f, err = domain.RebuildFamily(family, evs)
	require.NoError(t, err)
	b, err = f.Booking(b.ID)
	require.NoError(t, err)
	_, to := b.ContactHeld()
	require.True(t, at(2026, 1, 10, 11, 15).Equal(to), "its supervisor was not held there all evening")

	_, ev, err := f.Correct(b.ID, domain.Correction{Party: schedulingv1.Party_PARTY_CHILDREN, Movement: schedulingv1.Movement_MOVEMENT_DEPARTURE,
		At: at(2026, 1, 10, 11, 15), People: []uuid.UUID{resident, child1, child2}}, evening.Add(time.Hour))
	require.NoError(t, err)
	require.True(t, evening.Equal(ev.GetWasAt().AsTime()), "the correction points at the departure it corrects")
	require.True(t, at(2026, 1, 10, 11, 15).Equal(b.Departed[schedulingv1.Party_PARTY_CHILDREN]))
}
