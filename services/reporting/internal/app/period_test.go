package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A refusal of figures not ended names the last period of the kind asked for that has ended
// (decision 264), across a year's turn too: on 10 January the last month ended is December, the
// last quarter the previous year's fourth, and the last year the previous one.
func TestTheLastPeriodEndedIsOfTheKindAskedFor(t *testing.T) {
	for _, c := range []struct {
		today            time.Time
		kind             string
		number           int
		want             string
		wantFrom, wantTo string
	}{
		{time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC), "month", 1, "December 2026", "2026-12-01", "2026-12-31"},
		{time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC), "quarter", 1, "2026Q4", "2026-10-01", "2026-12-31"},
		{time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC), "year", 0, "2026", "2026-01-01", "2026-12-31"},
		{time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), "quarter", 3, "2027Q1", "2027-01-01", "2027-03-31"},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), "month", 3, "February 2027", "2027-02-01", "2027-02-28"},
	} {
		asked, err := NewPeriod(c.kind, c.today.Year(), c.number)
		require.NoError(t, err)
		last := asked.LastEnded(c.today)
		require.Equal(t, c.want, last.String(), "%s on %s", c.kind, c.today.Format(time.DateOnly))
		require.Equal(t, c.wantFrom, last.From.Format(time.DateOnly))
		require.Equal(t, c.wantTo, last.To.Format(time.DateOnly))
		require.Equal(t, PeriodEnded, last.Progress(c.today))
		require.Equal(t, c.kind, last.Kind())
	}
}
