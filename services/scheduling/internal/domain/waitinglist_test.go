package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A family accepted by referral while a place offered to it stands leaves the list but keeps the
// place held until the offer lapses (review 29), and is not back in the queue at the lapse; a
// family accepted after its offer lapsed (back in the queue) simply leaves, holding nothing. The
// list rebuilt from its events says the same.
func TestAnAcceptedFamilysOfferIsHeldUntilItLapses(t *testing.T) {
	w, err := domain.RebuildWaitingList(centre, nil)
	require.NoError(t, err)
	var events []proto.Message
	record := func(evs ...proto.Message) { events = append(events, evs...) }
	kind := commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	accepted := schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_ACCEPTED
	a, b := uuid.New(), uuid.New()
	for i, f := range []uuid.UUID{a, b} {
		_, evs, err := w.Join(f, kind, jan.Add(time.Duration(i)*time.Minute))
		require.NoError(t, err)
		record(evs...)
	}
	pattern, room := uuid.New(), uuid.New()
	offer := func(w *domain.WaitingList, now time.Time) uuid.UUID {
		t.Helper()
		to, ev, err := w.Offer(uuid.Nil, kind, pattern, room, uuid.Nil, domain.OutOfTurn{}, now)
		require.NoError(t, err)
		record(ev)
		return to
	}
	require.Equal(t, a, offer(w, jan))
	lapses := jan.Add(domain.OfferLapsesAfter)

	left := w.Leave(a, accepted, jan.Add(time.Hour))
	require.NotNil(t, left, "accepted, it leaves the list: the figures count it waiting no more")
	record(left)
	require.Nil(t, w.Leave(a, accepted, jan.Add(2*time.Hour)), "accepted again, nothing changes")

	check := func(w *domain.WaitingList) {
		t.Helper()
		before := lapses.Add(-time.Minute)
		require.True(t, w.Offered(a, before), "the place stays held for it")
		require.Len(t, w.OnOffer(pattern, room, before), 1)
		q := w.Queue(before)
		require.Len(t, q, 1)
		require.Equal(t, b, q[0].Family, "accepted, it waits no more")
		require.False(t, w.Offered(a, lapses))
		require.Empty(t, w.OnOffer(pattern, room, lapses), "lapsed, the place is free to offer")
		require.False(t, w.Waits(a, lapses), "accepted, it is not back in the queue at the lapse")
		_, ok := w.OfferedKind(a, lapses)
		require.False(t, ok, "and nothing is kept for it")
		require.Nil(t, w.Leave(a, schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_CASE_ENDED, lapses),
			"neither waiting nor holding an offer, its case's end changes nothing on the list")
	}
	check(w)
	rebuilt, err := domain.RebuildWaitingList(centre, events)
	require.NoError(t, err)
	check(rebuilt)

	// b is offered a place and does not answer: back in the queue at the lapse; accepted then, it
	// leaves it and holds nothing.
	require.Equal(t, b, offer(w, lapses))
	later := lapses.Add(domain.OfferLapsesAfter)
	require.True(t, w.Waits(b, later))
	record(w.Leave(b, accepted, later))
	rebuilt, err = domain.RebuildWaitingList(centre, events)
	require.NoError(t, err)
	for _, x := range []*domain.WaitingList{w, rebuilt} {
		require.False(t, x.Waits(b, later.Add(time.Hour)))
		require.False(t, x.Offered(b, later))
		_, ok := x.OfferedKind(b, later)
		require.False(t, ok)
	}
}
