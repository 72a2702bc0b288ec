package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A refusal of figures not published names the last period of the kind asked for that is
// (decisions 264 and 282): a period is published from the 8th day after it ends, across a year's
// turn too. On 10 January the last month published is December, the last quarter the previous
// year's fourth, and the last year the previous one; on 3 January, a week's grace not over, they
// are November, 2026Q3 and 2025.
func TestTheLastPeriodPublishedIsOfTheKindAskedFor(t *testing.T) {
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
		{time.Date(2027, 1, 8, 0, 0, 0, 0, time.UTC), "quarter", 1, "2026Q4", "2026-10-01", "2026-12-31"},
		{time.Date(2027, 1, 7, 0, 0, 0, 0, time.UTC), "month", 1, "November 2026", "2026-11-01", "2026-11-30"},
		{time.Date(2027, 1, 3, 0, 0, 0, 0, time.UTC), "quarter", 1, "2026Q3", "2026-07-01", "2026-09-30"},
		{time.Date(2027, 1, 3, 0, 0, 0, 0, time.UTC), "year", 0, "2025", "2025-01-01", "2025-12-31"},
		{time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), "quarter", 3, "2027Q1", "2027-01-01", "2027-03-31"},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), "month", 3, "January 2027", "2027-01-01", "2027-01-31"},
		{time.Date(2027, 3, 8, 0, 0, 0, 0, time.UTC), "month", 3, "February 2027", "2027-02-01", "2027-02-28"},
	} {
		asked, err := NewPeriod(c.kind, c.today.Year(), c.number)
		require.NoError(t, err)
		last := asked.LastPublished(c.today)
		require.Equal(t, c.want, last.String(), "%s on %s", c.kind, c.today.Format(time.DateOnly))
		require.Equal(t, c.wantFrom, last.From.Format(time.DateOnly))
		require.Equal(t, c.wantTo, last.To.Format(time.DateOnly))
		require.True(t, last.Published(c.today), "%s on %s", last, c.today.Format(time.DateOnly))
		require.False(t, containing(c.kind, last.To.AddDate(0, 0, 1)).Published(c.today), "the next %s is not", c.kind)
		require.Equal(t, c.kind, last.Kind())
	}
}
