package app

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// Review 53: a waiting time's value carried float noise into the JSON (30.299999999999997 beside
// its shown 30.3); counts are whole and kept as they are.
func TestAWaitingTimesValueIsWhatItMeans(t *testing.T) {
	p90 := measures[slices.IndexFunc(measures, func(m measure) bool { return m.Name == "waiting_days_p90" })]
	figs := p90.figures(nil, []adapters.Cell{{Value: 30.299999999999997, Count: 7}})
	require.Equal(t, 30.3, figs[0].Value)
	require.Equal(t, "30.3", shown(figs[0]))
}
