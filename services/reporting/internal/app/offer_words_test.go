package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// An offer out of turn says how many families it passed over and why; one in turn says what it
// always said (decision 193).
func TestAnOfferOutOfTurnSaysWhy(t *testing.T) {
	require.Equal(t, "Place offered from the waiting list", describe(&schedulingv1.PlaceOffered{}, nil))
	require.Equal(t, "Place offered from the waiting list out of turn (court timescale): 2 families waiting longer passed over",
		describe(&schedulingv1.PlaceOffered{PassedOver: 2, OutOfTurnReason: schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_COURT_TIMESCALE}, nil))
	require.Equal(t, "Place offered from the waiting list out of turn (availability): 1 family waiting longer passed over",
		describe(&schedulingv1.PlaceOffered{PassedOver: 1, OutOfTurnReason: schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_AVAILABILITY}, nil))
}
