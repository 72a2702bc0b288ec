package ports

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// Decision 345: a lift's holds still in force give one of another centre by its id, family,
// centre and the day it was placed alone; one of the caller's centre as ListHolds does.
func TestAHoldStillInForceOfAnotherCentreCarriesNoMore(t *testing.T) {
	here, there := uuid.New(), uuid.New()
	h := domain.Hold{ID: uuid.New(), Family: uuid.New(), Centre: there, Concern: uuid.New(),
		Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT, PlacedOn: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC),
		ReviewBy: time.Date(2026, 2, 5, 0, 0, 0, 0, time.UTC)}
	got := holdStillInForce(here, h)
	require.Equal(t, there.String(), got.GetCentreId())
	require.Equal(t, h.ID.String(), got.GetHoldId())
	require.Equal(t, int32(5), got.GetPlacedOn().GetDay())
	require.Empty(t, got.GetConcernId())
	require.Zero(t, got.GetReason())
	require.Nil(t, got.GetReviewBy())
	h.Centre = here
	got = holdStillInForce(here, h)
	require.Equal(t, h.Concern.String(), got.GetConcernId())
	require.Empty(t, got.GetCentreId())
}
