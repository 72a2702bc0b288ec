package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Review 44: a return asked for before its quarter ended gave its figures so far, with a note;
// read again a week later, the two gave by subtraction the week's counts, which were not
// suppressed. A quarter is returned once it has ended (decision 264): before that the return is
// refused, saying when it ends and which quarter was published last, by the service's clock (a
// week after it ended, decision 282).
func TestReturnOfAQuarterNotEndedIsRefused(t *testing.T) {
	dir := startDevPlatform(t)
	now := time.Now().In(london)
	current := (int(now.Month())-1)/3 + 1
	// The last quarter published: a quarter is published from the 8th day after it ends
	// (decision 282), so in a quarter's first week the one before last.
	weekAgo := now.AddDate(0, 0, -7)
	lastYear, last := weekAgo.Year(), (int(weekAgo.Month())-1)/3
	if last == 0 {
		lastYear, last = weekAgo.Year()-1, 4
	}
	quarter, lastQuarter := fmt.Sprintf("%dQ%d", now.Year(), current), fmt.Sprintf("%dQ%d", lastYear, last)

	out, err := execute(t, "return", "--quarter", quarter, "--json", "--data", dir)
	require.Error(t, err)
	f := failureOf(t, out)
	require.Equal(t, "FailedPrecondition", f.Code)
	require.Equal(t, "PERIOD_NOT_ENDED", f.Reason)
	require.Contains(t, f.Message, quarter+" is under way")
	require.Contains(t, f.Message, "The last quarter published is "+lastQuarter)
	_, err = run(t, "return", "--quarter", quarter, "--data", dir)
	require.ErrorContains(t, err, "[PERIOD_NOT_ENDED]")
	// Review 73: this command has no --month; it says where months and figures so far are.
	require.ErrorContains(t, err, "This command returns published quarters only: a month published is on reporting's "+
		"/figures?period=month&year=YYYY&number=M")
	next := fmt.Sprintf("%dQ%d", now.Year()+1, current)
	_, err = run(t, "return", "--quarter", next, "--data", dir)
	require.ErrorContains(t, err, next+" has not begun")

	out, err = run(t, "return", "--quarter", lastQuarter, "--data", dir)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(out, "quarter,measure,scope,region,centre_id,breakdown,category,value,revised\n"), out)
	require.Contains(t, out, ",false\n", "first returned, not revised")
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

// Review 56 (finding 5): --centre 00000000-0000-0000-0000-000000000000 printed the national
// return, exit 0, where /figures refused the nil UUID. It is refused as /figures refuses it
// (decision 321): the national return is asked for by leaving --centre out.
func TestReturnRefusesTheNilCentre(t *testing.T) {
	dir := startDevPlatform(t)
	weekAgo := time.Now().In(london).AddDate(0, 0, -7)
	year, last := weekAgo.Year(), (int(weekAgo.Month())-1)/3
	if last == 0 {
		year, last = year-1, 4
	}
	_, err := run(t, "return", "--quarter", fmt.Sprintf("%dQ%d", year, last), "--centre", "00000000-0000-0000-0000-000000000000", "--data", dir)
	require.ErrorContains(t, err, "not a centre id: the nil UUID names no centre: leave the centre out for the national figures")
}
