package simulate

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// A simulation that gives no concern rate raises concerns at the default rate; one that gives 0
// raises none (familytime simulate --concern-rate 0); anything that is not a share is refused.
func TestConcernRate(t *testing.T) {
	for _, c := range []struct {
		name string
		rate *float64
		want float64
	}{
		{"not given", nil, DefaultConcernRate},
		{"none", new(0.0), 0},
		{"half", new(0.5), 0.5},
		{"every session", new(1.0), 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Config{ConcernRate: c.rate}.concernRate()
			require.NoError(t, err)
			require.Equal(t, c.want, got)
		})
	}
	for _, rate := range []float64{-0.1, 1.5, math.NaN(), math.Inf(1)} {
		_, err := Config{ConcernRate: &rate}.concernRate()
		require.ErrorContains(t, err, "--concern-rate must be a share of sessions, from 0 (no concerns) to 1", "rate %v", rate)
	}
}
