package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Review 50: a volunteer checked in the visiting parent of the wrong booking; correcting the
// arrival said NOT_ARRIVED, the no-show was refused PARTY_ARRIVED, and the mistaken admission stayed
// IN and CHECKED IN and cautioned the other party. A check-in withdrawn as not having happened is a
// record of its own, after which the booking reads as if it had not been: not inside, no sign that
// the party came, no caution, and the no-show is taken. The family rebuilt from its events reads
// the same.
func TestACheckInRecordedByMistakeIsWithdrawn(t *testing.T) {
	g := newRig(t)
	fam, err := domain.RebuildFamily(g.family.ID(), nil)
	require.NoError(t, err)
	g.family = fam
	events := []proto.Message{fam.NoteReady(g.readiness)}
	b, booked, err := fam.Book(uuid.New(), centre, g.session(t, day(2026, 1, 10)), g.shared.ID, nil, jan)
	require.NoError(t, err)
	events = append(events, booked)
	tapped := at(2026, 1, 10, 9, 58)
	admitted, _, _, in, err := g.family.CheckIn(b.ID, visiting, tapped)
	require.NoError(t, err)
	require.True(t, admitted)
	events = append(events, in)
	require.Contains(t, g.family.InsideNow(b), visiting)

	now := at(2026, 1, 10, 10, 16)
	_, _, _, err = g.family.NoShow(b.ID, schedulingv1.Party_PARTY_VISITING, false, now)
	rule(t, err, "PARTY_ARRIVED")

	_, _, err = g.family.CorrectCheckIn(b.ID, resident, now)
	rule(t, err, "NOT_CHECKED_IN")
	before := g.family.Version()
	got, ev, err := g.family.CorrectCheckIn(b.ID, visiting, now)
	require.NoError(t, err)
	require.Equal(t, before+1, g.family.Version())
	require.Equal(t, visiting.String(), ev.GetPersonId())
	require.Equal(t, schedulingv1.Party_PARTY_VISITING, ev.GetParty())
	require.True(t, ev.GetWasAt().AsTime().Equal(tapped), "it points at the check-in it corrects")
	require.Nil(t, ev.GetPartyCheckedInAt(), "no other check-in of the party stands")
	require.True(t, ev.GetNobodyCame())
	events = append(events, ev)
	require.Empty(t, got.CheckedIn)
	require.NotContains(t, g.family.InsideNow(got), visiting)
	require.True(t, got.NobodyCame())
	_, _, err = g.family.CorrectCheckIn(b.ID, visiting, now)
	rule(t, err, "NOT_CHECKED_IN")

	// The children's party coming now is not told the visiting parent came to the door at 09:58.
	admitted, _, _, in, err = g.family.CheckIn(b.ID, resident, now)
	require.NoError(t, err)
	require.True(t, admitted)
	events = append(events, in)
	for _, c := range g.family.DoorCautions(b.ID, resident, now, false) {
		require.NotContains(t, c.Text, "09:58")
	}

	// Rebuilt from the log, the booking reads the same; the party's no-show is taken.
	rebuilt, err := domain.RebuildFamily(g.family.ID(), events)
	require.NoError(t, err)
	rb, err := rebuilt.Booking(b.ID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{resident}, rb.CheckedIn)
	_, visitingSeen := rb.CheckedInAt[schedulingv1.Party_PARTY_VISITING]
	require.False(t, visitingSeen)
	_, _, _, err = rebuilt.NoShow(b.ID, schedulingv1.Party_PARTY_VISITING, false, now)
	require.NoError(t, err, "the visiting parent did not come: a no-show")
}

// A check-in is withdrawn until the session is completed, and not once a departure naming the
// person is recorded after it: that departure is corrected first (the refusal says how). Another
// check-in of the same party keeps the party's first sight at the door.
func TestACheckInIsWithdrawnOnlyWhileNoDepartureNamesThePerson(t *testing.T) {
	g := newRig(t, withRelatives)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	for _, p := range []struct {
		person uuid.UUID
		h, m   int
	}{{visiting, 9, 59}, {grandmother, 10, 2}, {resident, 10, 14}, {child1, 10, 14}, {child2, 10, 14}} {
		admitted, _, _, _, err := g.family.CheckIn(b.ID, p.person, at(2026, 1, 10, p.h, p.m))
		require.NoError(t, err)
		require.True(t, admitted)
	}
	_, ev, err := g.family.CorrectCheckIn(b.ID, visiting, at(2026, 1, 10, 10, 20))
	require.NoError(t, err)
	require.Equal(t, "10:02", domain.ClockAt(ev.GetPartyCheckedInAt().AsTime(), london).String(), "the grandmother's check-in stands")
	require.False(t, ev.GetNobodyCame())

	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 10, 15), []uuid.UUID{resident, child1, child2}, at(2026, 1, 10, 10, 20))
	require.NoError(t, err)
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_CHILDREN, at(2026, 1, 10, 11, 15), []uuid.UUID{resident, child1, child2}, false, at(2026, 1, 10, 11, 15))
	require.NoError(t, err)
	before := g.family.Version()
	_, _, err = g.family.CorrectCheckIn(b.ID, child1, at(2026, 1, 10, 11, 16))
	rule(t, err, "DEPARTURE_RECORDED")
	require.Contains(t, err.Error(), "familytime schedule correct "+b.ID.String()+" --departure --party children")
	require.Equal(t, before, g.family.Version(), "a refusal records nothing")

	_, _, err = g.family.Arrive(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 10, 2), []uuid.UUID{grandmother}, at(2026, 1, 10, 11, 16))
	require.NoError(t, err)
	_, _, err = g.family.Depart(b.ID, schedulingv1.Party_PARTY_VISITING, at(2026, 1, 10, 11, 30), []uuid.UUID{grandmother}, false, at(2026, 1, 10, 11, 30))
	require.NoError(t, err)
	_, _, err = g.family.CorrectCheckIn(b.ID, grandmother, at(2026, 1, 10, 11, 31))
	rule(t, err, "DEPARTURE_RECORDED")
	require.Contains(t, err.Error(), "--departure --party visiting --not-happened")

	_, _, err = g.family.Complete(b.ID, "", "volunteer-1", false, at(2026, 1, 10, 11, 35))
	require.NoError(t, err)
	_, _, err = g.family.CorrectCheckIn(b.ID, resident, at(2026, 1, 10, 11, 40))
	rule(t, err, "SESSION_COMPLETED")
}

// Review 50: a person named only to bring the children was answered "ADMITTED as named-escort",
// with nothing telling the door they leave once the children are handed over. Newly admitted,
// they are cautioned BRING_ONLY; an adult who may take part in contact is not, and one named only
// to collect is cautioned COLLECT_ONLY (decision 316).
func TestTheDoorIsToldThatABringOnlyAdultLeaves(t *testing.T) {
	g := newRig(t, withRelatives)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	now := b.ChildrenArrive
	codes := func(person uuid.UUID, again bool) []string {
		var out []string
		for _, c := range g.family.DoorCautions(b.ID, person, now, again) {
			if c.Code != domain.CautionParentsMayMeet {
				out = append(out, c.Code)
			}
		}
		return out
	}
	admitted, _, _, _, err := g.family.CheckIn(b.ID, escort, now)
	require.NoError(t, err)
	require.True(t, admitted)
	require.Equal(t, []string{domain.CautionBringOnly}, codes(escort, false))
	for _, c := range g.family.DoorCautions(b.ID, escort, now, false) {
		if c.Code == domain.CautionBringOnly {
			require.Contains(t, c.Text, "hand the children over at the door and leave")
		}
	}
	require.Empty(t, codes(escort, true), "checked in before: nothing new to say")
	admitted, _, _, _, err = g.family.CheckIn(b.ID, grandmother, now)
	require.NoError(t, err)
	require.True(t, admitted)
	require.Empty(t, codes(grandmother, false))
	// decision 316: an adult named only to collect is cautioned likewise, COLLECT_ONLY (review 55).
	admitted, _, _, _, err = g.family.CheckIn(b.ID, uncle, now)
	require.NoError(t, err)
	require.True(t, admitted)
	require.Equal(t, []string{domain.CautionCollectOnly}, codes(uncle, false))
	require.Empty(t, codes(uncle, true), "checked in before: nothing new to say")
}
