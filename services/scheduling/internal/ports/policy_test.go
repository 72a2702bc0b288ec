package ports_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/scheduling/internal/ports"
)

// Every RPC of SchedulingService has a policy rule: a new RPC without one fails here.
func TestPolicyCoversEveryRPC(t *testing.T) {
	require.NoError(t, auth.CheckComplete(ports.Policy, schedulingv1.File_familytime_scheduling_v1_scheduling_proto.Services().ByName("SchedulingService")))
}

// A centre's staff register is kept by its coordinators and administrators, and read by everyone
// who works at the centre; nobody acts on another centre's (decisions.md 82).
func TestStaffRegisterPolicy(t *testing.T) {
	centre, other := uuid.New(), uuid.New()
	const service = "/familytime.scheduling.v1.SchedulingService/"
	commands := map[string]proto.Message{
		"AddStaffMember":    &schedulingv1.AddStaffMemberRequest{CentreId: centre.String()},
		"RecordStaffCheck":  &schedulingv1.RecordStaffCheckRequest{CentreId: centre.String()},
		"RemoveStaffMember": &schedulingv1.RemoveStaffMemberRequest{CentreId: centre.String()},
	}
	list := &schedulingv1.ListStaffRequest{CentreId: centre.String()}
	cases := []struct {
		role             auth.Role
		centre           uuid.UUID
		change, readList bool
	}{
		{auth.RoleCoordinator, centre, true, true},
		{auth.RoleAdmin, uuid.Nil, true, true},
		{auth.RoleVolunteer, centre, false, true},
		{auth.RoleSupervisor, centre, false, true},
		{auth.RoleSafeguardingLead, centre, false, true},
		{auth.RoleCoordinator, other, false, false},
		{auth.RoleVolunteer, other, false, false},
		{auth.RoleReferrer, centre, false, false},
		{auth.RoleNationalAnalyst, uuid.Nil, false, false},
	}
	allowed := func(ok bool) codes.Code {
		if ok {
			return codes.OK
		}
		return codes.PermissionDenied
	}
	for _, tc := range cases {
		t.Run(string(tc.role)+" of "+tc.centre.String(), func(t *testing.T) {
			c := &auth.Claims{Subject: "account-1", Roles: []auth.Role{tc.role}}
			if tc.centre != uuid.Nil {
				c.Centres = []uuid.UUID{tc.centre}
			}
			ctx := auth.WithClaims(t.Context(), c)
			for rpc, req := range commands {
				want := tc.change
				if rpc == "RemoveStaffMember" && tc.centre == centre && tc.role != auth.RoleReferrer {
					want = true // anyone on the staff records their own leaving; the domain refuses another's (decision 116)
				}
				require.Equal(t, allowed(want), status.Code(ports.Policy.Authorize(ctx, service+rpc, req)), rpc)
			}
			require.Equal(t, allowed(tc.readList), status.Code(ports.Policy.Authorize(ctx, service+"ListStaff", list)), "ListStaff")
		})
	}
}

// Casework on a family (booking, rescheduling, cancelling, the waiting list) is its centre
// coordinator's alone; an administrator sets a centre up (rooms, patterns) but acts on no family,
// and the day sheet, which names families and people with their door times, is read by those who
// run the centre's sessions, not by national roles (decisions.md 91). A family's bookings over time
// are read by its coordinator and the centre's safeguarding lead alone (review 53, decision 308).
func TestCaseworkIsTheCoordinatorsAlone(t *testing.T) {
	centre, other := uuid.New(), uuid.New()
	const service = "/familytime.scheduling.v1.SchedulingService/"
	c := centre.String()
	requests := map[string]proto.Message{
		"BookSession":          &schedulingv1.BookSessionRequest{CentreId: c},
		"RescheduleBooking":    &schedulingv1.RescheduleBookingRequest{CentreId: c},
		"CancelBooking":        &schedulingv1.CancelBookingRequest{CentreId: c},
		"JoinWaitingList":      &schedulingv1.JoinWaitingListRequest{CentreId: c},
		"OfferPlace":           &schedulingv1.OfferPlaceRequest{CentreId: c},
		"AddRoom":              &schedulingv1.AddRoomRequest{CentreId: c},
		"DefineOpeningPattern": &schedulingv1.DefineOpeningPatternRequest{CentreId: c},
		"ListRooms":            &schedulingv1.ListRoomsRequest{CentreId: c},
		"ListOpeningPatterns":  &schedulingv1.ListOpeningPatternsRequest{CentreId: c},
		"GetDaySheet":          &schedulingv1.GetDaySheetRequest{CentreId: c},
		"ListFamilyBookings":   &schedulingv1.ListFamilyBookingsRequest{CentreId: c},
	}
	casework := []string{"BookSession", "RescheduleBooking", "CancelBooking", "JoinWaitingList", "OfferPlace"}
	setUp := []string{"AddRoom", "DefineOpeningPattern"}
	cases := []struct {
		role    auth.Role
		centre  uuid.UUID
		allowed []string
	}{
		{auth.RoleCoordinator, centre, append(append([]string{"ListRooms", "ListOpeningPatterns", "GetDaySheet", "ListFamilyBookings"}, casework...), setUp...)},
		{auth.RoleAdmin, uuid.Nil, append([]string{"ListRooms", "ListOpeningPatterns"}, setUp...)},
		{auth.RoleService, uuid.Nil, []string{"ListRooms", "ListOpeningPatterns"}},
		{auth.RoleNationalAnalyst, uuid.Nil, nil},
		{auth.RoleVolunteer, centre, []string{"ListRooms", "ListOpeningPatterns", "GetDaySheet"}},
		{auth.RoleSupervisor, centre, []string{"ListRooms", "ListOpeningPatterns", "GetDaySheet"}},
		{auth.RoleSafeguardingLead, centre, []string{"ListRooms", "ListOpeningPatterns", "GetDaySheet", "ListFamilyBookings"}},
		{auth.RoleReferrer, centre, nil},
		{auth.RoleCoordinator, other, nil},
	}
	for _, tc := range cases {
		t.Run(string(tc.role)+" of "+tc.centre.String(), func(t *testing.T) {
			claims := &auth.Claims{Subject: "account-1", Roles: []auth.Role{tc.role}}
			if tc.centre != uuid.Nil {
				claims.Centres = []uuid.UUID{tc.centre}
			}
			ctx := auth.WithClaims(t.Context(), claims)
			for rpc, req := range requests {
				want := codes.PermissionDenied
				if slices.Contains(tc.allowed, rpc) {
					want = codes.OK
				}
				require.Equal(t, want, status.Code(ports.Policy.Authorize(ctx, service+rpc, req)), rpc)
			}
		})
	}
	// A coordinator who is also an administrator books as the coordinator: the family's history
	// never says an administrator booked it.
	both := &auth.Claims{Subject: "account-1", Roles: []auth.Role{auth.RoleAdmin, auth.RoleCoordinator}, Centres: []uuid.UUID{centre}}
	for _, rpc := range casework {
		require.Equal(t, auth.RoleCoordinator, ports.Policy.ActingRole(service+rpc, both), rpc)
	}
}
