package domain

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Decision 353's Left (decision 360): the holds of a suspension of contact are those placed since
// the family last had none in force, told apart by the stream's order, not by dates: a hold lifted
// and another placed the same day begin a second suspension, and the first's hold is not in it.
func TestASuspensionIsTheHoldsPlacedSinceNoneWasInForce(t *testing.T) {
	family, centre, there := uuid.New(), uuid.New(), uuid.New()
	h, err := RebuildHolds(family, nil)
	require.NoError(t, err)
	require.Empty(t, h.Suspension())
	var log []proto.Message
	place := func(id, at uuid.UUID) {
		t.Helper()
		evs, err := h.Place(id, NewHold{Centre: at, ReviewBy: monday.AddDate(0, 0, 14), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT}, monday)
		require.NoError(t, err)
		log = append(log, evs...)
	}
	lift := func(id uuid.UUID) {
		t.Helper()
		evs, err := h.Lift(id, "Looked into: contact may resume", monday)
		require.NoError(t, err)
		log = append(log, evs...)
	}
	ids := func(hs []Hold) []uuid.UUID {
		var out []uuid.UUID
		for _, x := range hs {
			out = append(out, x.ID)
		}
		return out
	}

	early, first, second, third := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	place(early, centre)
	lift(early)
	require.Equal(t, []uuid.UUID{early}, ids(h.Suspension()), "the suspension the lift ended")

	// The same day: a new suspension, of two holds overlapping, one another centre's.
	place(first, centre)
	require.Equal(t, []uuid.UUID{first}, ids(h.Suspension()), "the early hold's is over")
	place(second, there)
	lift(first)
	place(third, centre)
	require.Equal(t, []uuid.UUID{first, second, third}, ids(h.Suspension()), "a hold placed while another is in force joins it")
	lift(second)
	lift(third)
	require.Equal(t, []uuid.UUID{first, second, third}, ids(h.Suspension()))
	x := h.Suspension()[2]
	require.False(t, x.InForce(), "each as it stands")

	again, err := RebuildHolds(family, log)
	require.NoError(t, err)
	require.Equal(t, ids(h.Suspension()), ids(again.Suspension()), "rebuilt from the stream alike")
}
