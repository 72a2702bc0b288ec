package scheduling

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// A centre's rooms are listed by name, case aside, to everyone who works there and to
// administrators; an unknown centre is not found (decisions.md 91).
func TestRoomsAreListedByName(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	coordinator := g.client(t, auth.RoleCoordinator)
	empty, err := coordinator.ListRooms(ctx, &schedulingv1.ListRoomsRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Empty(t, empty.GetRooms())
	for _, r := range []struct {
		name       string
		capacity   int32
		supervised bool
	}{{"garden room", 4, false}, {"Blue room", 1, true}, {"Attic", 2, false}} {
		_, err := coordinator.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: r.name, Capacity: r.capacity,
			SupervisedSuitable: r.supervised, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	// Each of the centre's staff on its register (decision 110), and an administrator.
	month := g.clock.Now().AddDate(0, -1, 0)
	readers := map[auth.Role]schedulingv1.SchedulingServiceClient{auth.RoleCoordinator: coordinator, auth.RoleAdmin: g.client(t, auth.RoleAdmin)}
	for role, onRegister := range map[auth.Role]schedulingv1.StaffRole{auth.RoleVolunteer: schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER,
		auth.RoleSupervisor: schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, auth.RoleSafeguardingLead: schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD} {
		account := "reader-" + strings.ReplaceAll(string(role), "_", "-")
		g.addStaff(t, account, onRegister, month, month)
		readers[role] = g.as(t, account, role)
	}
	for role, c := range readers {
		resp, err := c.ListRooms(ctx, &schedulingv1.ListRoomsRequest{CentreId: g.centre.String()})
		require.NoError(t, err, role)
		var names []string
		for _, r := range resp.GetRooms() {
			names = append(names, r.GetName())
			require.Equal(t, g.centre.String(), r.GetCentreId())
		}
		require.Equal(t, []string{"Attic", "Blue room", "garden room"}, names, role)
		require.Equal(t, int32(1), resp.GetRooms()[1].GetCapacity())
		require.True(t, resp.GetRooms()[1].GetSupervisedSuitable())
	}
	_, err = g.client(t, auth.RoleReferrer).ListRooms(ctx, &schedulingv1.ListRoomsRequest{CentreId: g.centre.String()})
	require.Equal(t, codes.PermissionDenied, codeOf(err))
	_, err = g.client(t, auth.RoleAdmin).ListRooms(ctx, &schedulingv1.ListRoomsRequest{CentreId: uuid.NewString()})
	require.Equal(t, codes.NotFound, codeOf(err))
}

// A reschedule that names no pattern or no room keeps the old booking's (decisions.md 91).
func TestRescheduleKeepsThePatternAndRoomLeftOut(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 4, 4)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	c := g.client(t, auth.RoleCoordinator)
	booked, err := c.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
		PatternId: pattern, Date: date(saturday(1)), RoomId: rooms[1], RequestId: uuid.NewString()})
	require.NoError(t, err)

	moved, err := c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(),
		BookingId: booked.GetBooking().GetBookingId(), Date: date(saturday(2)),
		RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, pattern, moved.GetBooking().GetPatternId())
	require.Equal(t, rooms[1], moved.GetBooking().GetRoomId(), "the old booking's room")
	require.Equal(t, date(saturday(2)), moved.GetBooking().GetDate())

	// Naming the room only moves it to that room, in the old booking's pattern.
	again, err := c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(),
		BookingId: moved.GetBooking().GetBookingId(), Date: date(saturday(2)), RoomId: rooms[0],
		RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, pattern, again.GetBooking().GetPatternId())
	require.Equal(t, rooms[0], again.GetBooking().GetRoomId())

	// An unknown booking is not found, and nothing is appended.
	before := g.count(t, "SELECT count(*) FROM events")
	_, err = c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(), BookingId: uuid.NewString(),
		Date: date(saturday(3)), RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, RequestId: uuid.NewString()})
	require.Equal(t, codes.NotFound, codeOf(err))
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"))
}

func codeOf(err error) codes.Code {
	code, _ := field(err)
	return code
}
