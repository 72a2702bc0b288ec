package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 68: a place released by two unexplained no-shows and offered to the first waiting family
// is held for it (decisions 177, 181, 203), from bookings as well as from offers. In the same
// minute the coordinator booked a family never on the list and the family whose place was just
// released into it, and the family offered it, once ready, was refused ROOM_FULL. Now a booking
// of any other family that would leave the session fewer places than the offers standing is
// refused PLACE_ON_OFFER, saying when the offer lapses and the ways on, and nothing is appended;
// another room is booked freely, and the family offered the place is booked into it. In a shared
// room, other families are booked while a place is left for each offer.
func TestAPlaceOfferedIsHeldFromBookingsOfOtherFamilies(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 1, 2)
	garden, shared := rooms[0], rooms[1]
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	fams := g.ready(t, 3, supported)
	released, never, third := fams[0], fams[1], fams[2]
	c, v := g.client(t, auth.RoleCoordinator), g.door(t)
	bookIn := func(f uuid.UUID, room string, week int) (*schedulingv1.BookSessionResponse, error) {
		return book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: room})
	}
	var missed []string
	for week := range 3 {
		r, err := bookIn(released.id, garden, week)
		require.NoError(t, err)
		missed = append(missed, r.GetBooking().GetBookingId())
	}
	waiting, waitingRef := g.waitlist(t, g.centre, supported)
	g.clock.Set(london(2026, 1, 10, 10, 40))
	_, err := v.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: missed[0],
		Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 17, 11, 15))
	last, err := v.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: missed[1],
		Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, last.GetPlaceReleased())
	require.Equal(t, waiting.String(), last.GetOfferedToFamilyId())

	// The family never on the list, and the family whose place was released, are refused the
	// place held, in the session the release freed and in a later one; nothing is appended.
	events := g.count(t, "SELECT count(*) FROM events")
	for _, try := range []struct {
		family uuid.UUID
		week   int
	}{{never.id, 2}, {released.id, 3}, {never.id, 5}} {
		_, err := bookIn(try.family, garden, try.week)
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "PLACE_ON_OFFER", reason, err)
		require.ErrorContains(t, err, "held for 1 family offered it from the waiting list")
		require.ErrorContains(t, err, "the first lapses on 2026-01-24 at 11:15")
		require.ErrorContains(t, err, "book another room or session")
	}
	require.Equal(t, events, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	// Another room is booked freely.
	_, err = bookIn(never.id, shared, 2)
	require.NoError(t, err)

	// The family offered the place, accepted and made ready, is booked into it.
	g.accept(t, waiting, waitingRef, supported)
	g.referral.publish(t, "referral-"+waitingRef.String(), waiting, g.centre, &referralv1.FamilyReadyForContact{
		ReferralId: waitingRef.String(), FamilyId: waiting.String(), CentreId: g.centre.String(),
		Adults: []*referralv1.Attendee{
			{PersonId: uuid.NewString(), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, MayAttend: true, MayBring: true, MayCollect: true},
			{PersonId: uuid.NewString(), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, MayAttend: true},
		},
		Children:           []*referralv1.ChildParty{{PersonId: uuid.NewString(), BirthYear: 2019, BirthMonth: 4}},
		Arrangement:        &referralv1.Arrangement{ServiceType: supported, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60, Stagger: &referralv1.Stagger{}},
		EarliestBookableOn: date(saturday(0)),
	})
	g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND ready IS NOT NULL", waiting)
	_, err = bookIn(waiting, garden, 2)
	require.NoError(t, err, "the family offered it takes it")

	// A shared room of two, offered to one family: one other family is booked beside the place
	// held, a second is refused.
	second, _ := g.waitlist(t, g.centre, supported)
	offered, err := g.offerPlace(t, pattern, shared, "")
	require.NoError(t, err)
	require.Equal(t, second.String(), offered)
	_, err = bookIn(third.id, shared, 3)
	require.NoError(t, err, "a place is left for the offer")
	_, err = bookIn(never.id, shared, 3)
	_, reason := field(err)
	require.Equal(t, "PLACE_ON_OFFER", reason, err)
	require.NotContains(t, err.Error(), "ROOM_FULL")
}
