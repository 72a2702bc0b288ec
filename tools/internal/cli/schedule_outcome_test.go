package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 49 (L2): sessions that passed with nothing recorded could not be found. schedule
// sessions shows each room's bookings with no outcome recorded beside its places, and
// --no-outcome keeps only those rooms and sessions.
func TestSessionsSayWhichBookingsHaveNoOutcome(t *testing.T) {
	session := func(day int32, rooms ...*schedulingv1.RoomPlaces) *schedulingv1.OpeningSession {
		return &schedulingv1.OpeningSession{PatternId: "pattern", Date: &commonv1.Date{Year: 2026, Month: 1, Day: day},
			StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12}, Rooms: rooms}
	}
	sessions := []*schedulingv1.OpeningSession{
		session(10, &schedulingv1.RoomPlaces{RoomId: "r1", Name: "Garden room", Capacity: 4, Booked: 3, NoOutcome: 2},
			&schedulingv1.RoomPlaces{RoomId: "r2", Name: "Blue room", Capacity: 1, Booked: 1, TakenBySupervised: true}),
		session(17, &schedulingv1.RoomPlaces{RoomId: "r1", Name: "Garden room", Capacity: 4, Booked: 1}),
	}
	msgs, rows := sessionRows(sessions, false)
	require.Len(t, msgs, 2)
	require.Equal(t, [][]string{
		{"2026-01-10", "10:00-12:00", "pattern", "Garden room", "r1", "3/4 (2 no outcome)"},
		{"2026-01-10", "10:00-12:00", "pattern", "Blue room", "r2", "1/1 (supervised)"},
		{"2026-01-17", "10:00-12:00", "pattern", "Garden room", "r1", "1/4"},
	}, rows)
	msgs, rows = sessionRows(sessions, true)
	require.Len(t, msgs, 1, "--json keeps the sessions with such a booking only")
	require.Equal(t, [][]string{{"2026-01-10", "10:00-12:00", "pattern", "Garden room", "r1", "3/4 (2 no outcome)"}}, rows)
}
