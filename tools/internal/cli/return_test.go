package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
)

// A return asked for before its quarter ends says so: a review found a future quarter's return, all
// zeros, given without a word. How far the quarter has run is the service's to say (its clock,
// simulated on a simulated platform), not the workstation's.
func TestUnfinishedQuarter(t *testing.T) {
	q4 := func(progress reportingv1.PeriodProgress) *reportingv1.GetFiguresResponse {
		return &reportingv1.GetFiguresResponse{From: &commonv1.Date{Year: 2026, Month: 10, Day: 1},
			To: &commonv1.Date{Year: 2026, Month: 12, Day: 31}, Progress: progress, AsOf: &commonv1.Date{Year: 2026, Month: 9, Day: 30}}
	}
	require.Equal(t, "note: 2026Q4 has not begun (it runs 2026-10-01 to 2026-12-31; today is 2026-09-30): its figures count only what is booked so far",
		unfinishedQuarter("2026Q4", q4(reportingv1.PeriodProgress_PERIOD_PROGRESS_NOT_BEGUN)))
	underWay := q4(reportingv1.PeriodProgress_PERIOD_PROGRESS_UNDER_WAY)
	underWay.AsOf = &commonv1.Date{Year: 2026, Month: 11, Day: 29}
	require.Equal(t, "note: 2026Q4 is under way (it ends on 2026-12-31; today is 2026-11-29): its figures are those so far, not the quarter's return",
		unfinishedQuarter("2026Q4", underWay))
	require.Empty(t, unfinishedQuarter("2026Q4", q4(reportingv1.PeriodProgress_PERIOD_PROGRESS_ENDED)), "an ended quarter's return needs no note")
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
