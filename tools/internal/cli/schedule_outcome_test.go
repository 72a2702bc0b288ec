package cli

import (
	"strings"
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
		session(17, &schedulingv1.RoomPlaces{RoomId: "r1", Name: "Garden room", Capacity: 4, Booked: 1, OnOffer: 1}),
	}
	msgs, rows := sessionRows(sessions, false)
	require.Len(t, msgs, 2)
	require.Equal(t, [][]string{
		{"2026-01-10", "10:00-12:00", "pattern", "Garden room", "r1", "3/4 (2 no outcome)"},
		{"2026-01-10", "10:00-12:00", "pattern", "Blue room", "r2", "1/1 (supervised)"},
		{"2026-01-17", "10:00-12:00", "pattern", "Garden room", "r1", "1/4 (1 on offer)"}, // decision 418
	}, rows)
	msgs, rows = sessionRows(sessions, true)
	require.Len(t, msgs, 1, "--json keeps the sessions with such a booking only")
	require.Equal(t, [][]string{{"2026-01-10", "10:00-12:00", "pattern", "Garden room", "r1", "3/4 (2 no outcome)"}}, rows)
}

// Decision 418 (review 87 L1): schedule patterns prints each pattern as the command that defines
// it again, every flag given, its closed and extra dates kept; the help says why.
func TestPatternsPrintTheRedefinitionAsItIs(t *testing.T) {
	p := &schedulingv1.OpeningPattern{PatternId: "p1", Recurrence: schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY,
		Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY, StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12, Minute: 30},
		FirstDate: &commonv1.Date{Year: 2026, Month: 10, Day: 17}, RoomIds: []string{"r1", "r2"}, TimeZone: "Europe/London",
		ClosedDates: []*commonv1.Date{{Year: 2026, Month: 12, Day: 26}}, ExtraDates: []*commonv1.Date{{Year: 2026, Month: 12, Day: 23}}}
	require.Equal(t, "familytime schedule pattern --centre c1 --pattern-id p1 --every fortnightly --weekday saturday --start 10:00 "+
		"--end 12:30 --from 2026-10-17 --room r1 --room r2 --closed 2026-12-26 --extra 2026-12-23", redefinition("c1", p))
	p.LastDate, p.TimeZone = &commonv1.Date{Year: 2027, Month: 3, Day: 27}, "Europe/Jersey"
	require.Contains(t, redefinition("c1", p), "--until 2027-03-27 --room r1")
	require.True(t, strings.HasSuffix(redefinition("c1", p), " --zone Europe/Jersey"))

	help, err := run(t, "schedule", "patterns", "--help")
	require.NoError(t, err)
	require.Contains(t, strings.Join(strings.Fields(help), " "), "a closed date left out of it opens again")
}
