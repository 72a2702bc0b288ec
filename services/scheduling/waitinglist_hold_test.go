package scheduling

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// hold publishes safeguarding's HoldPlaced for family and waits until scheduling has noted it;
// it returns the hold's id.
func (g *rig) hold(t *testing.T, family uuid.UUID) uuid.UUID {
	t.Helper()
	id := uuid.New()
	g.safeguarding.publish(t, "hold-"+id.String(), family, g.centre, &safeguardingv1.HoldPlaced{HoldId: id.String(),
		FamilyId: family.String(), CentreId: g.centre.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION,
		PlacedOn: date(g.clock.Now())})
	g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND holds_in_force > 0", family)
	return id
}

// A family under a safeguarding hold may wait for a place (joining, or keeping its place in the
// queue), but is offered none until the hold is lifted: named, the offer is refused (ON_HOLD);
// the first family waiting is the first no hold suspends, by hand or when no-shows release a
// place; with only held families waiting, nobody is offered it. Refusals append nothing.
func TestAFamilyOnHoldWaitsButIsOfferedNoPlace(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	held, _ := g.waitlist(t, g.centre, supported)
	next, _ := g.waitlist(t, g.centre, supported)
	hold := g.hold(t, held)

	offer := func(family uuid.UUID) (*schedulingv1.OfferPlaceResponse, error) {
		req := &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0], RequestId: uuid.NewString()}
		if family != uuid.Nil {
			req.FamilyId = family.String()
		}
		return c.OfferPlace(ctx, req)
	}
	refused := func(t *testing.T, err error, reason string) {
		t.Helper()
		code, got := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, reason, got)
	}
	// The coordinator sees the list in order, and who an offer passes over and why (review 14).
	list, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, list.GetFamilies(), 2)
	for i, want := range []struct {
		family     uuid.UUID
		passedOver string
	}{{held, "ON_HOLD"}, {next, ""}} {
		w := list.GetFamilies()[i]
		require.Equal(t, want.family.String(), w.GetFamilyId())
		require.Equal(t, int32(i+1), w.GetPosition())
		require.Equal(t, supported, w.GetServiceType())
		require.NotNil(t, w.GetJoinedOn())
		require.Equal(t, want.passedOver, w.GetPassedOver())
	}
	_, err = g.door(t).ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "casework: the coordinator's")

	before := g.count(t, "SELECT count(*) FROM events")
	_, err = offer(held)
	refused(t, err, "ON_HOLD")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	got, err := offer(uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, next.String(), got.GetFamilyId(), "the held family is passed over")
	ids, _ := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{held}, ids, "and keeps its place")

	before = g.count(t, "SELECT count(*) FROM events")
	_, err = offer(uuid.Nil)
	refused(t, err, "WAITING_LIST_EMPTY")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	// A hold on the family holding the offer puts it back at its place (decision 384): the coordinator
	// does not; and joining during a hold is allowed: the family waits, and the hold is honoured at
	// the offer.
	g.hold(t, next)
	require.Eventually(t, func() bool {
		list, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
		return err == nil && len(list.GetFamilies()) == 2 && list.GetFamilies()[1].GetFamilyId() == next.String()
	}, 30*time.Second, 20*time.Millisecond)
	_, err = c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: next.String(),
		ServiceType: supported, RequestId: uuid.NewString()})
	refused(t, err, "ALREADY_WAITING")

	// Lifted, the first family waiting is offered the place again.
	g.safeguarding.publish(t, "hold-"+hold.String(), held, g.centre, &safeguardingv1.HoldLifted{HoldId: hold.String(),
		FamilyId: held.String(), CentreId: g.centre.String(), LiftedOn: date(g.clock.Now())})
	g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND holds_in_force = 0", held)
	got, err = offer(uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, held.String(), got.GetFamilyId())

	// A place released by two no-shows goes to the first family waiting that no hold suspends:
	// not the held family first on the list, but the one after it.
	free, _ := g.waitlist(t, g.centre, supported)
	f := g.ready(t, 1, supported)[0]
	var bookings []string
	for week := range 2 {
		r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
		require.NoError(t, err)
		bookings = append(bookings, r.GetBooking().GetBookingId())
	}
	var last *schedulingv1.RecordNoShowResponse
	door := g.door(t)
	for week := range 2 {
		// The second releases the place: recorded once the contact was due to end (decisions.md 188).
		g.clock.Set(london(2026, 1, 10+7*week, 10+week, 40-25*week))
		last, err = door.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(),
			BookingId: bookings[week], Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	require.True(t, last.GetPlaceReleased())
	require.Equal(t, free.String(), last.GetOfferedToFamilyId())
	ids, _ = g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{next}, ids)

	// A family under a hold may join the list: it waits, and the hold is honoured at the offer.
	other := g.ready(t, 1, supported)[0]
	g.hold(t, other.id)
	joined, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: other.id.String(),
		ServiceType: supported, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Positive(t, joined.GetPosition(), "on the list, at the end")
}

// Review 76 (decision 384): a hold placed on a family holding an offer left the offer standing
// until it lapsed, after the next session began, and every other family was refused the place
// (PLACE_ON_OFFER). The hold now withdraws the offer as it cancels bookings: the family is back at
// its place in the queue (first, passed over while on hold), and the place is offered to the next.
func TestAHoldWithdrawsThePlaceOfferedToTheFamily(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 1)
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	offered, _ := g.waitlist(t, g.centre, supported)
	g.clock.Set(g.clock.Now().Add(time.Hour)) // waiting an hour less
	next, _ := g.waitlist(t, g.centre, supported)
	offer := func() (*schedulingv1.OfferPlaceResponse, error) {
		return c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
			RequestId: uuid.NewString()})
	}
	got, err := offer()
	require.NoError(t, err)
	require.Equal(t, offered.String(), got.GetFamilyId())
	_, err = offer()
	_, reason := field(err)
	require.Equal(t, "PLACE_ON_OFFER", reason, "held for the family offered it")

	g.hold(t, offered)
	joined := func() int {
		return g.count(t, `SELECT count(*) FROM events WHERE stream_id = $1 AND family_id = $2
			AND event_type = 'familytime.scheduling.v1.WaitingListJoined'`, "waitinglist-"+g.centre.String(), offered)
	}
	require.Eventually(t, func() bool { return joined() == 2 }, 30*time.Second, 20*time.Millisecond, "put back by the hold")
	list, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, list.GetFamilies(), 2)
	require.Equal(t, offered.String(), list.GetFamilies()[0].GetFamilyId(), "back at its place, first")
	require.Equal(t, "ON_HOLD", list.GetFamilies()[0].GetPassedOver())
	require.Equal(t, next.String(), list.GetFamilies()[1].GetFamilyId())
	got, err = offer()
	require.NoError(t, err)
	require.Equal(t, next.String(), got.GetFamilyId(), "the place goes to the next family, the held one passed over")
}
