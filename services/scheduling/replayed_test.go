package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Every scheduling command (an RPC whose request carries a request_id) answers when it was
// carried out (answered_at) and whether the answer is a retry's (replayed), as safeguarding's do
// (decision 287): review 49 found scheduling's retries gave the first answer and said nothing.
func TestEverySchedulingCommandsAnswerCanSayWhetherItWasReplayed(t *testing.T) {
	methods := schedulingv1.File_familytime_scheduling_v1_scheduling_proto.Services().ByName("SchedulingService").Methods()
	commands := 0
	for i := range methods.Len() {
		m := methods.Get(i)
		if m.Input().Fields().ByName("request_id") == nil {
			continue
		}
		commands++
		at, replayed := m.Output().Fields().ByName("answered_at"), m.Output().Fields().ByName("replayed")
		require.NotNil(t, at, m.Output().FullName())
		require.Equal(t, protoreflect.FullName("google.protobuf.Timestamp"), at.Message().FullName(), m.Output().FullName())
		require.NotNil(t, replayed, m.Output().FullName())
		require.Equal(t, protoreflect.BoolKind, replayed.Kind(), m.Output().FullName())
	}
	require.Equal(t, 23, commands)
}

// A command retried with the same request id is given the answer recorded the first time, with
// the time it was carried out then, marked replayed; the first answer is not.
func TestARetriedSchedulingCommandSaysItWasReplayed(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	req := &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(), PatternId: pattern,
		Date: date(saturday(0)), RoomId: rooms[0], RequestId: uuid.NewString()}
	first, err := c.BookSession(ctx, req)
	require.NoError(t, err)
	require.False(t, first.GetReplayed())
	require.True(t, first.GetAnsweredAt().AsTime().Equal(monday), "answered by the service's clock: %v", first.GetAnsweredAt().AsTime())

	g.clock.Set(monday.Add(3600e9))
	again, err := c.BookSession(ctx, req)
	require.NoError(t, err)
	require.True(t, again.GetReplayed())
	require.True(t, again.GetAnsweredAt().AsTime().Equal(monday), "the time it was carried out, not the retry's")
	again.Replayed = false
	require.True(t, proto.Equal(first, again), "otherwise the answer given then")

	room := &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: "Quiet room", Capacity: 1, RequestId: uuid.NewString()}
	r1, err := c.AddRoom(ctx, room)
	require.NoError(t, err)
	r2, err := c.AddRoom(ctx, room)
	require.NoError(t, err)
	require.False(t, r1.GetReplayed())
	require.True(t, r2.GetReplayed())
	require.Equal(t, r1.GetRoom().GetRoomId(), r2.GetRoom().GetRoomId())
}
