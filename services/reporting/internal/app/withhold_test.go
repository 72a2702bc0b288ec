package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/dates"
)

// A history read for a parent dates each step and gives no clock time of a movement; every other
// step's words are as they were.
func TestWithholdTimes(t *testing.T) {
	summer := time.Date(2026, 7, 1, 22, 50, 7, 0, time.UTC) // 23:50:07 in London
	steps := []Step{
		{RecordedAt: summer, Type: "familytime.scheduling.v1.PartyArrived", Description: "Arrived at 23:50 (UK time): the visiting parent"},
		{RecordedAt: summer, Type: "familytime.scheduling.v1.PartyDeparted", Description: "Left at 12:00 on 2026-06-30 (UK time): the children (with whoever collects them)"},
		{RecordedAt: summer, Type: "familytime.scheduling.v1.PartyArrived", Description: "Arrived: the visiting parent"},
		{RecordedAt: summer, Type: "familytime.scheduling.v1.MovementCorrected", Description: "Arrival corrected to 10:25 (UK time; recorded as 10:40): the children"},
		{RecordedAt: summer, Type: "familytime.scheduling.v1.SessionBooked", Description: "Session booked (supported) for 2026-07-04"},
	}
	WithholdTimes(steps)
	for _, s := range steps {
		require.Equal(t, time.Date(2026, 7, 1, 0, 0, 0, 0, dates.UK()), s.RecordedAt)
	}
	require.Equal(t, []string{"Arrived: the visiting parent", "Left on 2026-06-30: the children (with whoever collects them)",
		"Arrived: the visiting parent", "A recorded arrival or departure corrected (its times are the centre's record)",
		"Session booked (supported) for 2026-07-04"},
		[]string{steps[0].Description, steps[1].Description, steps[2].Description, steps[3].Description, steps[4].Description})
}
