package cli

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// --as-of takes a date as the end of that day in the UK; today's is the history as it stands, and
// a later day's is refused: it has not happened yet (review 5).
func TestAsOfIsNeverInTheFuture(t *testing.T) {
	at, err := parseAsOf("2026-03-01")
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 3, 2, 0, 0, 0, 0, london).Add(-time.Microsecond), at)

	before := time.Now()
	at, err = parseAsOf(time.Now().In(london).Format(time.DateOnly))
	require.NoError(t, err)
	require.False(t, at.Before(before), "today: as it stands")
	require.False(t, at.After(time.Now()))

	_, err = parseAsOf(time.Now().In(london).AddDate(0, 0, 2).Format(time.DateOnly))
	require.ErrorContains(t, err, "is in the future")
	_, err = parseAsOf("yesterday")
	require.ErrorContains(t, err, "give a date")
}
