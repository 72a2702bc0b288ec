package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Decision 359: a check-in on a completed session is refused BOOKING_COMPLETED and recorded, as
// any refusal at the door (it was an error that recorded nothing), with its caution.
func TestACheckInOnACompletedSessionIsARecordedRefusal(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	for p, who := range map[schedulingv1.Party][]uuid.UUID{schedulingv1.Party_PARTY_VISITING: {visiting}, schedulingv1.Party_PARTY_CHILDREN: {resident, child1}} {
		_, _, err := g.family.Arrive(b.ID, p, at(2026, 1, 10, 10, 15), who, at(2026, 1, 10, 10, 20))
		require.NoError(t, err)
	}
	leaveAll(t, g, b, at(2026, 1, 10, 11, 30))
	_, _, err := g.family.Complete(b.ID, "", "account-volunteer", false, at(2026, 1, 10, 11, 30))
	require.NoError(t, err)
	admitted, _, refusal, ev, err := g.family.CheckIn(b.ID, visiting, at(2026, 1, 10, 11, 35))
	require.NoError(t, err)
	require.False(t, admitted)
	require.Equal(t, domain.RefusalCompleted, refusal)
	require.Equal(t, domain.RefusalCompleted, ev.(*schedulingv1.CheckInRefused).GetReason())
	require.Equal(t, 1, b.Refusals)
	cs := g.family.RefusalCautions(b.ID, visiting, at(2026, 1, 10, 11, 35))
	require.NotEmpty(t, cs)
	require.Equal(t, domain.CautionCompleted, cs[0].Code)
	require.Contains(t, cs[0].Text, "recorded as completed")
}
