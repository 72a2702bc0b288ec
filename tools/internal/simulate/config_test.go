package simulate

import (
	"math"
	"testing"
	"time"

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

// Every flag of familytime simulate is checked before it looks for a platform, each with a
// message naming the flag.
func TestValidate(t *testing.T) {
	good := Config{Centres: 3, Scale: 0.1, Concurrency: 2, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, good.Validate())
	for _, c := range []struct {
		want   string
		change func(*Config)
	}{
		{"--centres must be at least 1", func(c *Config) { c.Centres = 0 }},
		{"--scale must be a positive share", func(c *Config) { c.Scale = 0 }},
		{"--scale must be a positive share", func(c *Config) { c.Scale = -1 }},
		{"--scale must be a positive share", func(c *Config) { c.Scale = math.NaN() }},
		{"--scale must be a positive share", func(c *Config) { c.Scale = math.Inf(1) }},
		{"--concurrency must be at least 1", func(c *Config) { c.Concurrency = 0 }},
		{"--to is before --from", func(c *Config) { c.To = c.From.AddDate(0, 0, -1) }},
		{"--concern-rate must be a share", func(c *Config) { c.ConcernRate = new(2.0) }},
	} {
		cfg := good
		c.change(&cfg)
		require.ErrorContains(t, cfg.Validate(), c.want)
	}
}
