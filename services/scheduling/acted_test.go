package scheduling

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 31: a coordinator booked a family on a day, and another coordinator then recorded their
// last day as the day before: the register said the coordinator was not on the staff the day the
// family's history has them booking. A last day is not put before the last day someone recorded
// anything at the centre in scheduling's log: a booking, a change to the staff register, an
// arrival at the door. The refusal names that day, says to give it or a later one, and appends
// nothing; that day itself is accepted, and someone who recorded nothing is backdated as before.
func TestALastDayIsNotBeforeTheirLastRecordedAct(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 1)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	month := monday.AddDate(0, -1, 0)
	g.addStaff(t, "coord-2", schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, month, month)
	g.addStaff(t, "vol-2", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, month, month)
	g.addStaff(t, "vol-idle", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, month, month)

	// Tuesday: coord-2 books the family (its family stream).
	g.clock.Set(london(2026, 1, 6, 9, 0))
	booked, err := book(ctx, g.as(t, "coord-2", auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)
	b := booked.GetBooking().GetBookingId()
	// Wednesday: coord-2 records vol-2's training (the staff register's stream).
	g.clock.Set(london(2026, 1, 7, 9, 0))
	_, err = g.as(t, "coord-2", auth.RoleCoordinator).RecordStaffCheck(ctx, &schedulingv1.RecordStaffCheckRequest{CentreId: g.centre.String(),
		AccountId: "vol-2", Check: schedulingv1.StaffCheck_STAFF_CHECK_SAFEGUARDING_TRAINING,
		CheckedOn: date(time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)), RequestId: uuid.NewString()})
	require.NoError(t, err)
	// Saturday: vol-2 records the visiting parent's arrival at the door.
	g.clock.Set(london(2026, 1, 10, 10, 5))
	_, err = g.as(t, "vol-2", auth.RoleVolunteer).RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(),
		BookingId: b, Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)

	g.clock.Set(london(2026, 1, 12, 9, 0))
	keeper := g.client(t, auth.RoleCoordinator)
	leave := func(account string, on time.Time) error {
		_, err := keeper.RemoveStaffMember(ctx, &schedulingv1.RemoveStaffMemberRequest{CentreId: g.centre.String(), AccountId: account,
			LeftOn: date(on), RequestId: uuid.NewString()})
		return err
	}
	for _, tc := range []struct {
		account          string
		refused, lastAct time.Time
	}{
		// Before the booking, and between it and the register change: the latest act is named.
		{"coord-2", time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)},
		{"coord-2", time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)},
		{"vol-2", time.Date(2026, 1, 9, 0, 0, 0, 0, time.UTC), saturday(0)},
	} {
		before := g.count(t, "SELECT count(*) FROM events")
		err := leave(tc.account, tc.refused)
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "ACTED_AFTER_LEAVING", reason)
		last := tc.lastAct.Format(time.DateOnly)
		require.Contains(t, status.Convert(err).Message(), tc.account+" last recorded something at the centre on "+last)
		require.Contains(t, status.Convert(err).Message(), "--on "+last+" or later")
		require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
	}
	list, err := keeper.ListStaff(ctx, &schedulingv1.ListStaffRequest{CentreId: g.centre.String(), On: date(time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	var on []string
	for _, m := range list.GetMembers() {
		on = append(on, m.GetAccountId())
	}
	require.Contains(t, on, "coord-2", "the register still has coord-2 on the staff the day they recorded something")

	require.NoError(t, leave("coord-2", time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)), "the day of their last act is theirs")
	require.NoError(t, leave("vol-2", saturday(0)))
	require.NoError(t, leave("vol-idle", monday), "someone who recorded nothing is backdated as before")

	// A last day recorded ahead and brought forward is held to the same day.
	g.addStaff(t, "vol-3", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, month, month)
	require.NoError(t, leave("vol-3", time.Date(2026, 2, 27, 0, 0, 0, 0, time.UTC)))
	f2 := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	booked, err = book(ctx, keeper, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: f2.id.String(), PatternId: pattern, Date: date(saturday(1)), RoomId: rooms[0]})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 16, 9, 0))
	_, err = g.as(t, "vol-3", auth.RoleVolunteer).ListStaff(ctx, &schedulingv1.ListStaffRequest{CentreId: g.centre.String()})
	require.NoError(t, err, "a read records nothing")
	g.clock.Set(london(2026, 1, 17, 10, 5))
	_, err = g.as(t, "vol-3", auth.RoleVolunteer).RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(),
		BookingId: booked.GetBooking().GetBookingId(), Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f2.visiting.String()},
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 19, 9, 0))
	_, reason := field(leave("vol-3", time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, "ACTED_AFTER_LEAVING", reason)
	require.NoError(t, leave("vol-3", saturday(1)))
}
