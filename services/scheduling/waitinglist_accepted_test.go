package scheduling

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// accept publishes referral's ReferralAccepted for a family waitlisted with g.waitlist and waits
// until scheduling has noted it.
func (g *rig) accept(t *testing.T, family, referral uuid.UUID, st commonv1.ServiceType) {
	t.Helper()
	g.referral.publish(t, "referral-"+referral.String(), family, g.centre, &referralv1.ReferralAccepted{
		ReferralId: referral.String(), FamilyId: family.String(), CentreId: g.centre.String(),
		AcceptedOn: date(g.clock.Now()), ServiceType: st})
	g.waitFor(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.ReferralNoted'
		AND version > 1`, family)
}

// listEvents are the events the centre's waiting list recorded about family, in order.
func (g *rig) listEvents(t *testing.T, family uuid.UUID) []proto.Message {
	t.Helper()
	recorded, err := eventstore.New(g.owner).Load(t.Context(), "waitinglist-"+g.centre.String())
	require.NoError(t, err)
	var out []proto.Message
	for _, r := range recorded {
		if r.FamilyID != family {
			continue
		}
		msg, err := r.Decode()
		require.NoError(t, err)
		out = append(out, msg)
	}
	return out
}

// waiting are the families waiting on the rig's centre's list, as ListWaitingList gives them,
// first first (not those holding an offer).
func (g *rig) waiting(t *testing.T) []string {
	t.Helper()
	resp, err := g.client(t, auth.RoleCoordinator).ListWaitingList(t.Context(), &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	var ids []string
	for _, w := range resp.GetFamilies() {
		if !w.GetOffered() {
			ids = append(ids, w.GetFamilyId())
		}
	}
	return ids
}

// Review 29: a waitlisted family was offered a supervised room's place; the coordinator accepted
// it in referral, as a family must be accepted before it can be booked; the next offer of the same
// place went to the next family, and two families believed they had one place. Accepting the
// family takes it off the waiting list (it waits no more, and the figures stop counting it) but
// the place offered stays held for it for the offer's week: the place is not offered again, nor
// a second place to it, and the list shows the offer. At the lapse the accepted family is not
// back on the list as if waitlisted (it is accepted, not waiting): the place is free to offer, and
// a family put on the list afterwards joins at the end, as any accepted family put on it.
func TestAFamilyAcceptedKeepsThePlaceOfferedToIt(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	pattern, rooms := g.timetable(t, saturday(0), true, 1)
	supervised := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	a, aRef := g.waitlist(t, g.centre, supervised)
	b, _ := g.waitlist(t, g.centre, supervised)

	offered, err := g.offerPlace(t, pattern, rooms[0], "")
	require.NoError(t, err)
	require.Equal(t, a.String(), offered)
	g.clock.Set(london(2026, 1, 6, 11, 0)) // accepted the next day
	g.accept(t, a, aRef, supervised)

	// It leaves the waiting list: the figures count it waiting no more (reporting closes its wait,
	// and the return it would have had at the lapse, on this leaving).
	events := g.listEvents(t, a)
	require.Len(t, events, 3, "joined, offered, left: %v", events)
	left, ok := events[2].(*schedulingv1.WaitingListLeft)
	require.True(t, ok, "accepted, it left the list: %v", events[2])
	require.Equal(t, schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_ACCEPTED, left.GetReason())
	ids, _ := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{b}, ids)

	// The place is held for it: not offered to the next family, unnamed or named; no second
	// place is offered to it; nothing is appended.
	before := g.count(t, "SELECT count(*) FROM events")
	for _, family := range []string{"", b.String()} {
		_, err = g.offerPlace(t, pattern, rooms[0], family)
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "PLACE_ON_OFFER", reason, "the place is held for the accepted family: %v", err)
		require.Contains(t, status.Convert(err).Message(), "the first lapses on 2026-01-12 at 09:00")
	}
	_, err = g.offerPlace(t, pattern, rooms[0], a.String())
	_, reason := field(err)
	require.Equal(t, "OFFER_STANDS", reason)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	// The list shows the next family waiting, then the offer the accepted family holds.
	list, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, list.GetFamilies(), 2)
	require.Equal(t, b.String(), list.GetFamilies()[0].GetFamilyId())
	require.EqualValues(t, 1, list.GetFamilies()[0].GetPosition())
	held := list.GetFamilies()[1]
	require.Equal(t, a.String(), held.GetFamilyId())
	require.True(t, held.GetOffered())
	require.Zero(t, held.GetPosition())
	require.Equal(t, monday.Add(domain.OfferLapsesAfter).UTC(), held.GetLapsesAt().AsTime())
	require.Equal(t, pattern, held.GetOfferedPatternId())
	require.Equal(t, rooms[0], held.GetOfferedRoomId())

	// The week is over: the accepted family is not back on the list, nothing is recorded about
	// it, and the place goes to the next family.
	g.clock.Set(monday.Add(domain.OfferLapsesAfter))
	list, err = c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, list.GetFamilies(), 1, "accepted, the family is not back on the list at the lapse")
	require.Equal(t, b.String(), list.GetFamilies()[0].GetFamilyId())
	offered, err = g.offerPlace(t, pattern, rooms[0], "")
	require.NoError(t, err)
	require.Equal(t, b.String(), offered)
	require.Len(t, g.listEvents(t, a), 3, "nothing recorded about the accepted family")

	// Put on the list afterwards (no place free when it is ready), it joins at the end, afresh.
	cFam, _ := g.waitlist(t, g.centre, supervised)
	back, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: a.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.EqualValues(t, 2, back.GetPosition(), "behind the family waiting")
	events = g.listEvents(t, a)
	joined := events[len(events)-1].(*schedulingv1.WaitingListJoined)
	require.Nil(t, joined.GetQueuedFrom(), "a new join")
	require.Equal(t, schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_UNSPECIFIED, joined.GetOfferNotTaken(),
		"not a return after a lapse: it was accepted, not waiting, from the acceptance")
	require.Equal(t, supervised, joined.GetServiceType(), "the kind it was accepted for")
	require.Equal(t, []string{cFam.String(), a.String()}, g.waiting(t))
}

// An accepted family holding a place offered gives it up by declining it (put back with join,
// it goes back to its place in the queue, as decision 177 puts back a family that declines), or
// takes it by being booked: the booking closes the offer it held (WaitingListLeft, booked), and
// the place may be offered again.
func TestAnAcceptedFamilysHeldOfferIsDeclinedOrBooked(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	pattern, rooms := g.timetable(t, saturday(0), true, 1, 1)
	supervised := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	a, aRef := g.waitlist(t, g.centre, supervised)
	g.clock.Set(monday.Add(time.Minute)) // waitlisted a minute apart, first first
	b, bRef := g.waitlist(t, g.centre, supervised)
	g.clock.Set(monday.Add(2 * time.Minute))
	later, _ := g.waitlist(t, g.centre, supervised)

	// The first family, offered the first room and accepted, declines it: back at its place.
	offered, err := g.offerPlace(t, pattern, rooms[0], "")
	require.NoError(t, err)
	require.Equal(t, a.String(), offered)
	g.accept(t, a, aRef, supervised)
	back, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: a.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.EqualValues(t, 1, back.GetPosition(), "back at its place, not at the end")
	events := g.listEvents(t, a)
	joined := events[len(events)-1].(*schedulingv1.WaitingListJoined)
	require.Equal(t, schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_DECLINED, joined.GetOfferNotTaken())
	require.NotNil(t, joined.GetQueuedFrom())
	require.Equal(t, []string{a.String(), b.String(), later.String()}, g.waiting(t))

	// The second family, offered the second room by name and accepted, is made ready and booked
	// into it: the booking closes the offer it held, and the room may be offered again.
	resp, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[1],
		FamilyId: b.String(), OutOfTurnReason: schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_AVAILABILITY, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, b.String(), resp.GetFamilyId())
	g.accept(t, b, bRef, supervised)
	g.referral.publish(t, "referral-"+bRef.String(), b, g.centre, &referralv1.FamilyReadyForContact{
		ReferralId: bRef.String(), FamilyId: b.String(), CentreId: g.centre.String(),
		Adults: []*referralv1.Attendee{
			{PersonId: uuid.NewString(), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, MayAttend: true, MayBring: true, MayCollect: true},
			{PersonId: uuid.NewString(), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, MayAttend: true},
		},
		Children:           []*referralv1.ChildParty{{PersonId: uuid.NewString(), BirthYear: 2019, BirthMonth: 4}},
		Arrangement:        &referralv1.Arrangement{ServiceType: supervised, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60, Stagger: &referralv1.Stagger{}},
		EarliestBookableOn: date(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
	})
	g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND ready IS NOT NULL", b)
	_, err = g.offerPlace(t, pattern, rooms[1], "")
	_, reason := field(err)
	require.Equal(t, "PLACE_ON_OFFER", reason, "held while the family is made ready: %v", err)
	_, err = book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: b.String(),
		PatternId: pattern, Date: date(saturday(1)), RoomId: rooms[1]})
	require.NoError(t, err)
	events = g.listEvents(t, b)
	left, ok := events[len(events)-1].(*schedulingv1.WaitingListLeft)
	require.True(t, ok, "the booking closes the offer it held: %v", events[len(events)-1])
	require.Equal(t, schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_BOOKED, left.GetReason())
	list, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	for _, w := range list.GetFamilies() {
		require.NotEqual(t, b.String(), w.GetFamilyId(), "booked, it holds no offer")
	}
	offered, err = g.offerPlace(t, pattern, rooms[1], "")
	require.NoError(t, err)
	require.Equal(t, a.String(), offered, "the room is offered again, to the first waiting")
}
