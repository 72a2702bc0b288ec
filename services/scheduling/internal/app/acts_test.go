package app

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// A process remembers the accounts' days it saw committed to staff_acts, today's only: a later
// day starts again, and a late commit of an earlier day does not bring it back.
func TestActsNotedAreTodaysOnly(t *testing.T) {
	var n actsNoted
	centre := uuid.New()
	monday := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	act := func(account string, day time.Time) actedOn {
		return actedOn{centre: centre, account: account, day: day}
	}
	require.False(t, n.has(act("coord-1", monday)))
	n.add(act("coord-1", monday))
	require.True(t, n.has(act("coord-1", monday)))
	require.False(t, n.has(act("coord-2", monday)), "another account")
	require.False(t, n.has(actedOn{centre: uuid.New(), account: "coord-1", day: monday}), "another centre")

	tuesday := monday.AddDate(0, 0, 1)
	require.False(t, n.has(act("coord-1", tuesday)), "another day is written again")
	n.add(act("coord-1", tuesday))
	require.False(t, n.has(act("coord-1", monday)), "yesterday's are forgotten")
	n.add(act("coord-2", monday))
	require.False(t, n.has(act("coord-2", monday)), "a late commit of yesterday is not remembered")
	require.True(t, n.has(act("coord-1", tuesday)))
}
