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

// The staff on a past date are each as they were that day (review 39: `staff list --on` a past
// date showed today's checks beside that day's verdict): the latest DBS check and training on or
// before the day asked, and the training due date that followed from them.
func TestTheStaffOnAPastDateHaveTheirChecksOfThatDay(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	_, err := g.client(t, auth.RoleAdmin).AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{CentreId: g.centre.String(),
		AccountId: "vol-old", Role: schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, DbsCheckedOn: date(day(2024, 12, 1)),
		JoinedOn: date(day(2024, 12, 1)), RequestId: uuid.NewString()})
	require.NoError(t, err)
	for _, c := range []struct {
		check schedulingv1.StaffCheck
		on    time.Time
	}{
		{schedulingv1.StaffCheck_STAFF_CHECK_SAFEGUARDING_TRAINING, day(2024, 12, 10)},
		{schedulingv1.StaffCheck_STAFF_CHECK_SAFEGUARDING_TRAINING, day(2025, 12, 1)},
		{schedulingv1.StaffCheck_STAFF_CHECK_ENHANCED_DBS, day(2026, 1, 2)},
	} {
		_, err := g.client(t, auth.RoleAdmin).RecordStaffCheck(ctx, &schedulingv1.RecordStaffCheckRequest{CentreId: g.centre.String(),
			AccountId: "vol-old", Check: c.check, CheckedOn: date(c.on), RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	ymd := func(d *commonv1.Date) string {
		if d == nil {
			return "-"
		}
		return time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	for _, c := range []struct {
		on                time.Time
		dbs, trained, due string
		cleared           bool
	}{
		{day(2024, 12, 5), "2024-12-01", "-", "-", false},
		{day(2025, 6, 1), "2024-12-01", "2024-12-10", "2025-12-09", true},
		{day(2025, 12, 1), "2024-12-01", "2025-12-01", "2026-11-30", true},
		{day(2026, 1, 5), "2026-01-02", "2025-12-01", "2026-11-30", true},
	} {
		list, err := g.door(t).ListStaff(ctx, &schedulingv1.ListStaffRequest{CentreId: g.centre.String(), On: date(c.on)})
		require.NoError(t, err)
		var got *schedulingv1.StaffMember
		for _, m := range list.GetMembers() {
			if m.GetAccountId() == "vol-old" {
				got = m
			}
		}
		require.NotNil(t, got, c.on)
		require.Equal(t, []string{c.dbs, c.trained, c.due}, []string{ymd(got.GetDbsCheckedOn()), ymd(got.GetTrainedOn()),
			ymd(got.GetTrainingDueOn())}, "on %s", c.on.Format(time.DateOnly))
		require.Equal(t, c.cleared, got.GetCleared(), got.GetNotClearedBecause())
	}
}

// Anyone on the staff records their own leaving whatever their clearance (review 39: a volunteer
// whose training lapsed was refused NOT_CLEARED, told of the centre's sessions): refusing it
// protects no child. Anyone else's leaving, and the register's other calls, are refused to staff
// the register does not clear, in words about the register.
func TestAnyoneOnTheStaffRecordsTheirOwnLeavingWhateverTheirClearance(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	lapsed := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	g.addStaff(t, "vol-lapsed", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, lapsed, lapsed)
	g.addStaff(t, "vol-other", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, lapsed, lapsed)
	g.addStaff(t, "coord-lapsed", schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, lapsed, lapsed)
	staffEvents := func() int {
		return g.count(t, `SELECT count(*) FROM events WHERE stream_id = $1`, "staff-"+g.centre.String())
	}
	refusedOnTheRegister := func(err error) {
		t.Helper()
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "NOT_CLEARED", reason)
		msg := status.Convert(err).Message()
		require.Contains(t, msg, "you are not cleared to work on the centre's staff register on 2026-01-05: ")
		require.NotContains(t, msg, "sessions")
	}

	before := staffEvents()
	_, err := g.as(t, "vol-lapsed", auth.RoleVolunteer).RemoveStaffMember(ctx, &schedulingv1.RemoveStaffMemberRequest{
		CentreId: g.centre.String(), AccountId: "vol-other", RequestId: uuid.NewString()})
	refusedOnTheRegister(err)
	_, err = g.as(t, "coord-lapsed", auth.RoleCoordinator).RemoveStaffMember(ctx, &schedulingv1.RemoveStaffMemberRequest{
		CentreId: g.centre.String(), AccountId: "vol-other", RequestId: uuid.NewString()})
	refusedOnTheRegister(err)
	_, err = g.as(t, "coord-lapsed", auth.RoleCoordinator).AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{
		CentreId: g.centre.String(), AccountId: "vol-new", Role: schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER,
		DbsCheckedOn: date(lapsed), RequestId: uuid.NewString()})
	refusedOnTheRegister(err)
	_, err = g.as(t, "vol-lapsed", auth.RoleVolunteer).ListStaff(ctx, &schedulingv1.ListStaffRequest{CentreId: g.centre.String()})
	refusedOnTheRegister(err)
	_, err = g.as(t, "Vol-Lapsed", auth.RoleVolunteer).RemoveStaffMember(ctx, &schedulingv1.RemoveStaffMemberRequest{
		CentreId: g.centre.String(), AccountId: "vol-lapsed", RequestId: uuid.NewString()})
	refusedOnTheRegister(err) // another account, on no register: ids are case-sensitive
	require.Equal(t, before, staffEvents(), "nothing appended")

	left, err := g.as(t, "vol-lapsed", auth.RoleVolunteer).RemoveStaffMember(ctx, &schedulingv1.RemoveStaffMemberRequest{
		CentreId: g.centre.String(), AccountId: "vol-lapsed", RequestId: uuid.NewString()})
	require.NoError(t, err, "their own leaving")
	require.Equal(t, date(monday), left.GetMember().GetLeftOn())
	left, err = g.as(t, "coord-lapsed", auth.RoleCoordinator).RemoveStaffMember(ctx, &schedulingv1.RemoveStaffMemberRequest{
		CentreId: g.centre.String(), AccountId: "coord-lapsed", LeftOn: date(monday.AddDate(0, 0, 3)), RequestId: uuid.NewString()})
	require.NoError(t, err, "their own leaving, ahead")
	require.Equal(t, date(monday.AddDate(0, 0, 3)), left.GetMember().GetLeftOn())
	require.Equal(t, before+2, staffEvents())

	// Their own leaving's rules are unchanged: not into the past, and someone on no register has
	// no leaving to record.
	_, err = g.as(t, "vol-other", auth.RoleVolunteer).RemoveStaffMember(ctx, &schedulingv1.RemoveStaffMemberRequest{
		CentreId: g.centre.String(), AccountId: "vol-other", LeftOn: date(monday.AddDate(0, 0, -1)), RequestId: uuid.NewString()})
	code, _ := field(err)
	require.Equal(t, codes.InvalidArgument, code, err)
	_, err = g.as(t, "vol-nobody", auth.RoleVolunteer).RemoveStaffMember(ctx, &schedulingv1.RemoveStaffMemberRequest{
		CentreId: g.centre.String(), AccountId: "vol-nobody", RequestId: uuid.NewString()})
	_, reason := field(err)
	require.Equal(t, "NOT_ON_STAFF", reason, err)
	require.Equal(t, before+2, staffEvents())
}
