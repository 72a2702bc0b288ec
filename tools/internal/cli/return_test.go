package cli

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A return asked for before its quarter ends says so: a review found a future quarter's return, all
// zeros, given without a word.
func TestUnfinishedQuarter(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	require.Equal(t, "note: 2027Q1 has not begun (it runs 2027-01-01 to 2027-03-31): its figures count only what is booked so far",
		unfinishedQuarter(2027, 1, now))
	require.Equal(t, "note: 2026Q4 is under way (it ends on 2026-12-31): its figures are those so far, not the quarter's return",
		unfinishedQuarter(2026, 4, now))
	require.Empty(t, unfinishedQuarter(2026, 3, now), "an ended quarter's return needs no note")
	require.NotEmpty(t, unfinishedQuarter(2026, 4, time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)), "its last day is still under way")
	require.Empty(t, unfinishedQuarter(2026, 4, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)))
}

// --json is --format json, as every other command takes it; both at odds are refused before
// any call.
func TestReturnTakesJSONAsEveryCommandDoes(t *testing.T) {
	noDev := t.TempDir()
	_, err := run(t, "return", "--quarter", "2026Q3", "--json", "--format", "csv", "--data", noDev)
	require.EqualError(t, err, "--json and --format csv ask for two formats: give one")
	_, err = run(t, "return", "--quarter", "2026Q5", "--json", "--data", noDev)
	require.ErrorContains(t, err, `--quarter "2026Q5": give a year and quarter such as 2026Q3`)
	for _, args := range [][]string{{"--json"}, {"--json", "--format", "json"}} {
		_, err = run(t, append([]string{"return", "--quarter", "2026Q3", "--data", noDev}, args...)...)
		require.ErrorContains(t, err, "no running familytime dev found", "the format is taken and the platform is looked for")
	}
}
