package cli

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
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

// A parent's copy names no one for a step it gives bare, a booking cancelled or contact suspended
// (decision 202): the table says "the centre", not an account with no role.
func TestAStepAParentsCopyGivesBareIsTheCentres(t *testing.T) {
	require.Equal(t, "the centre", by(&reportingv1.HistoryEntry{Description: "Booking for 2026-07-04 cancelled"}))
	require.Equal(t, "coordinator", by(&reportingv1.HistoryEntry{Actor: "coordinator-1", ActorRole: "coordinator"}))
	require.Equal(t, "the scheduling service", by(&reportingv1.HistoryEntry{Actor: "service:scheduling"}))
}
