package scheduling

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 87 M1 (decision 417): a place offered from the waiting list stood after its pattern was
// redefined with no session left for it, the family off the list for a week and refused any other
// place (OFFER_STANDS). A redefinition now withdraws, in its own unit, each offer it leaves with no
// session with a place: the room taken out of the pattern, or every session ended or closed. The
// family is back at its place in the queue, first again, and the answer names it; an offer whose
// place still has a session stands; a retry gives the same answer and appends nothing more.
func TestARedefinedPatternWithdrawsTheOffersItLeavesNoPlaceFor(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 1, 1)
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	first, _ := g.waitlist(t, g.centre, supported)
	g.clock.Set(g.clock.Now().Add(time.Hour))
	second, _ := g.waitlist(t, g.centre, supported)
	g.clock.Set(g.clock.Now().Add(time.Hour))
	third, _ := g.waitlist(t, g.centre, supported)
	for i, want := range []uuid.UUID{first, second} {
		got, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[i],
			RequestId: uuid.NewString()})
		require.NoError(t, err)
		require.Equal(t, want.String(), got.GetFamilyId())
	}
	withdrawnEvents := func() int {
		return g.count(t, `SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = 'familytime.scheduling.v1.WaitingListJoined'
			AND family_id = ANY($2)`, "waitinglist-"+g.centre.String(), []uuid.UUID{first, second})
	}
	require.Equal(t, 2, withdrawnEvents(), "each joined once")
	redefine := func(req *schedulingv1.DefineOpeningPatternRequest) *schedulingv1.DefineOpeningPatternResponse {
		t.Helper()
		resp, err := c.DefineOpeningPattern(ctx, req)
		require.NoError(t, err)
		return resp
	}
	spec := func(rooms []string, last time.Time, closed ...time.Time) *schedulingv1.DefineOpeningPatternRequest {
		req := &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(), PatternId: pattern,
			Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
			StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12}, FirstDate: date(saturday(0)),
			RoomIds: rooms, RequestId: uuid.NewString()}
		if !last.IsZero() {
			req.LastDate = date(last)
		}
		for _, d := range closed {
			req.ClosedDates = append(req.ClosedDates, date(d))
		}
		return req
	}
	// The families waiting, in turn.
	list := func() []string {
		t.Helper()
		l, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
		require.NoError(t, err)
		var out []string
		for _, f := range l.GetFamilies() {
			if !f.GetOffered() { // those holding an offer are listed after, at position 0
				out = append(out, f.GetFamilyId())
			}
		}
		return out
	}
	require.Equal(t, []string{third.String()}, list(), "the two offered are off the list while their offers stand")
	// Decision 418 (review 87 L2): each session still to come shows the place held on offer, in
	// both rooms, not as free.
	onOffer := func() map[string]int32 {
		t.Helper()
		got, err := c.ListOpeningSessions(ctx, &schedulingv1.ListOpeningSessionsRequest{CentreId: g.centre.String(), From: date(saturday(0)),
			To: date(saturday(0))})
		require.NoError(t, err)
		out := map[string]int32{}
		for _, ss := range got.GetSessions() {
			for _, r := range ss.GetRooms() {
				out[r.GetRoomId()] = r.GetOnOffer()
				require.Zero(t, r.GetBooked())
			}
		}
		return out
	}
	require.Equal(t, map[string]int32{rooms[0]: 1, rooms[1]: 1}, onOffer())

	// The first room taken out of the pattern: its offer goes, the other room's stands.
	resp := redefine(spec(rooms[1:], time.Time{}))
	require.Equal(t, []string{first.String()}, resp.GetOffersWithdrawn())
	require.Equal(t, []string{first.String(), third.String()}, list(), "back at its place, first")
	require.Equal(t, 3, withdrawnEvents())
	require.Equal(t, map[string]int32{rooms[1]: 1}, onOffer(), "the room taken out is no longer the session's")
	var payload []byte
	require.NoError(t, g.owner.QueryRow(ctx, `SELECT payload FROM events WHERE event_type = 'familytime.scheduling.v1.WaitingListJoined'
		AND family_id = $1 ORDER BY position DESC LIMIT 1`, first).Scan(&payload))
	var back schedulingv1.WaitingListJoined
	require.NoError(t, proto.Unmarshal(payload, &back))
	require.Equal(t, schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_PLACE_WITHDRAWN, back.GetOfferNotTaken())
	require.NotNil(t, back.GetQueuedFrom(), "at the place it kept")

	// Its only session closed and the pattern ended there: the second room's offer goes too. A
	// retry of the same request gives the same answer and appends nothing.
	req := spec(rooms[1:], saturday(1), saturday(0), saturday(1))
	resp = redefine(req)
	require.Equal(t, []string{second.String()}, resp.GetOffersWithdrawn())
	require.Equal(t, []string{first.String(), second.String(), third.String()}, list())
	require.Equal(t, 4, withdrawnEvents())
	again := redefine(req)
	require.True(t, again.GetReplayed())
	require.Equal(t, []string{second.String()}, again.GetOffersWithdrawn())
	require.Equal(t, 4, withdrawnEvents(), "nothing appended twice")

	// A redefinition leaving a place for every offer withdraws none.
	require.Empty(t, redefine(spec(rooms[1:], saturday(1), saturday(0), saturday(1))).GetOffersWithdrawn())

	// Decision 418 (review 87 L1): the pattern as defined now is read back whole, by the centre's
	// staff, a volunteer too: what the next redefinition gives again.
	month := g.clock.Now().AddDate(0, -1, 0)
	g.addStaff(t, "vol-1", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, month, month)
	listed, err := g.as(t, "vol-1", auth.RoleVolunteer).ListOpeningPatterns(ctx, &schedulingv1.ListOpeningPatternsRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, listed.GetPatterns(), 1)
	got := listed.GetPatterns()[0]
	require.Equal(t, pattern, got.GetPatternId())
	require.True(t, proto.Equal(date(saturday(0)), got.GetFirstDate()))
	require.True(t, proto.Equal(date(saturday(1)), got.GetLastDate()))
	require.Equal(t, rooms[1:], got.GetRoomIds())
	require.Len(t, got.GetClosedDates(), 2)
	require.Equal(t, schedulingv1.Weekday_WEEKDAY_SATURDAY, got.GetWeekday())
}
