package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A family whose arrangement no opening session can hold is booked once referral changes it
// (decisions.md 90): new bookings take the new length and stagger, the booking made before keeps
// its times, and a rebuild gives the same family.
func TestAChangedArrangementBooksNewSessionsOnly(t *testing.T) {
	g := newRig(t)
	var events []proto.Message
	fam, err := domain.RebuildFamily(g.family.ID(), nil)
	require.NoError(t, err)
	events = append(events, fam.NoteReady(g.readiness))
	g.family = fam
	before, booked, err := fam.Book(uuid.New(), centre, g.session(t, day(2026, 1, 10)), g.shared.ID, nil, jan)
	require.NoError(t, err)
	events = append(events, booked)

	change := domain.ArrangementChange{Centre: centre, Referral: g.readiness.Referral, SessionMinutes: 90,
		Stagger: domain.Stagger{Arrival: 10, Departure: 20}, ChangedOn: day(2026, 1, 6)}
	ev := fam.NoteArrangementChanged(change)
	require.NotNil(t, ev)
	noted := ev.(*schedulingv1.ArrangementChangeNoted)
	require.Equal(t, int32(90), noted.GetSessionMinutes())
	require.Equal(t, int32(10), noted.GetArrivalStaggerMinutes())
	require.Equal(t, int32(20), noted.GetDepartureStaggerMinutes())
	events = append(events, ev)
	require.Nil(t, fam.NoteArrangementChanged(change), "the same change again records nothing")
	require.Equal(t, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, fam.Readiness().ServiceType, "the kind of contact stays")
	require.Equal(t, g.readiness.Adults, fam.Readiness().Adults, "who may come stays")

	after, booked, err := fam.Book(uuid.New(), centre, g.session(t, day(2026, 1, 24)), g.shared.ID, nil, jan)
	require.NoError(t, err)
	events = append(events, booked)
	clock := func(b *domain.Booking) []string {
		return []string{domain.ClockAt(b.VisitingArrives, london).String(), domain.ClockAt(b.ChildrenArrive, london).String(),
			domain.ClockAt(b.ChildrenLeave, london).String(), domain.ClockAt(b.VisitingLeaves, london).String()}
	}
	require.Equal(t, []string{"10:00", "10:10", "11:40", "12:00"}, clock(after), "90 minutes, 10 before and 20 after")
	require.Equal(t, []string{"10:00", "10:15", "11:15", "11:30"}, clock(before), "the booking made before keeps its times")

	rebuilt, err := domain.RebuildFamily(fam.ID(), events)
	require.NoError(t, err)
	require.Equal(t, fam.Readiness(), rebuilt.Readiness())
	require.Equal(t, fam.Version(), rebuilt.Version())
}

// A change scheduling cannot apply to the family as it knows it records nothing: another centre,
// another referral, a family never made ready, or one whose contact ended.
func TestAnArrangementChangeThatDoesNotConcernTheFamily(t *testing.T) {
	g := newRig(t)
	change := domain.ArrangementChange{Centre: centre, Referral: g.readiness.Referral, SessionMinutes: 90,
		Stagger: domain.Stagger{Arrival: 10, Departure: 20}}
	other := change
	other.Centre = uuid.New()
	require.Nil(t, g.family.NoteArrangementChanged(other), "another centre")
	other = change
	other.Referral = uuid.New()
	require.Nil(t, g.family.NoteArrangementChanged(other), "another referral")
	unknown, err := domain.RebuildFamily(uuid.New(), nil)
	require.NoError(t, err)
	require.Nil(t, unknown.NoteArrangementChanged(change), "a family never made ready")
	g.family.EndContact(centre, g.readiness.Referral, day(2026, 1, 6), false, jan)
	require.Nil(t, g.family.NoteArrangementChanged(change), "contact ended")
	require.Equal(t, 60, g.family.Readiness().SessionMinutes)
}
