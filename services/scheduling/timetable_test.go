package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// What the reviewer did to overfill a room: two patterns opening one room (capacity 1) at
// overlapping times on Sundays, and a pattern redefined to 20:05 under its two bookings (the
// session then showed 0/2 and took two more families). Both are refused, saying why, and append
// nothing; the room stays within its capacity. A redefinition that keeps the bookings (its last
// date) is allowed.
func TestPatternsCannotOverfillARoom(t *testing.T) {
	g := newRig(t, monday)
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	attic, err := c.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: "Attic", Capacity: 1,
		SupervisedSuitable: true, RequestId: uuid.NewString()})
	require.NoError(t, err)
	define := func(id string, start, end *schedulingv1.LocalTime, wd schedulingv1.Weekday, room string, last *commonv1.Date) (*schedulingv1.DefineOpeningPatternResponse, error) {
		return c.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(), PatternId: id,
			Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: wd, StartTime: start, EndTime: end,
			FirstDate: date(saturday(0)), LastDate: last, RoomIds: []string{room}, RequestId: uuid.NewString()})
	}
	refused := func(t *testing.T, err error, reason, says string) {
		t.Helper()
		code, got := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, reason, got)
		require.Contains(t, err.Error(), says)
	}

	allDay, err := define("", &schedulingv1.LocalTime{Hour: 7}, &schedulingv1.LocalTime{Hour: 22},
		schedulingv1.Weekday_WEEKDAY_SUNDAY, attic.GetRoom().GetRoomId(), nil)
	require.NoError(t, err)
	before := g.count(t, "SELECT count(*) FROM events")
	_, err = define("", &schedulingv1.LocalTime{Hour: 9}, &schedulingv1.LocalTime{Hour: 14}, schedulingv1.Weekday_WEEKDAY_SUNDAY,
		attic.GetRoom().GetRoomId(), nil)
	refused(t, err, "PATTERN_OVERLAPS", allDay.GetPattern().GetPatternId())
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	// Two families fill the Saturday garden room (capacity 2); the pattern moved to 20:05 under
	// them is refused.
	families := g.ready(t, 3, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	for _, f := range families[:2] {
		_, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
		require.NoError(t, err)
	}
	before = g.count(t, "SELECT count(*) FROM events")
	_, err = define(pattern, &schedulingv1.LocalTime{Hour: 20, Minute: 5}, &schedulingv1.LocalTime{Hour: 22},
		schedulingv1.Weekday_WEEKDAY_SATURDAY, rooms[0], nil)
	refused(t, err, "PATTERN_HAS_BOOKINGS", "2 bookings still to come")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	// Its last date moved keeps both bookings: allowed. The session still shows 2/2, and a third
	// family is told the room is full.
	_, err = define(pattern, &schedulingv1.LocalTime{Hour: 10}, &schedulingv1.LocalTime{Hour: 12}, schedulingv1.Weekday_WEEKDAY_SATURDAY,
		rooms[0], date(saturday(4)))
	require.NoError(t, err)
	listed, err := c.ListOpeningSessions(ctx, &schedulingv1.ListOpeningSessionsRequest{CentreId: g.centre.String(),
		From: date(saturday(0)), To: date(saturday(0))})
	require.NoError(t, err)
	require.Len(t, listed.GetSessions(), 1)
	require.Equal(t, int32(2), listed.GetSessions()[0].GetRooms()[0].GetBooked())
	_, err = book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: families[2].id.String(),
		PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	refused(t, err, "ROOM_FULL", "")
}

// Review 27 defined a Saturday 10:00-12:00 pattern in Pacific/Auckland for a UK centre with no
// other patterns (21:00 on Friday in the UK), and it was accepted. A pattern's zone is on UK time:
// another is refused at time_zone, naming it, and nothing is appended; a name for UK time is taken
// (decisions.md 195).
func TestAnOpeningPatternOffUKTimeIsRefused(t *testing.T) {
	g := newRig(t, monday)
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	room, err := c.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: "Hall", Capacity: 2,
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	define := func(zone string) (*schedulingv1.DefineOpeningPatternResponse, error) {
		return c.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(),
			Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
			StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12}, FirstDate: date(saturday(0)),
			RoomIds: []string{room.GetRoom().GetRoomId()}, TimeZone: zone, RequestId: uuid.NewString()})
	}
	before := g.count(t, "SELECT count(*) FROM events")
	_, err = define("Pacific/Auckland")
	code, f := field(err)
	require.Equal(t, codes.InvalidArgument, code, err)
	require.Equal(t, "time_zone", f)
	require.Contains(t, err.Error(), "must be Europe/London (UK time), not Pacific/Auckland")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
	p, err := define("GB")
	require.NoError(t, err, "another name for UK time")
	require.Equal(t, "GB", p.GetPattern().GetTimeZone())
}
