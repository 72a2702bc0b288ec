package ports_test

import (
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
				require.Equal(t, allowed(tc.change), status.Code(ports.Policy.Authorize(ctx, service+rpc, req)), rpc)
			}
			require.Equal(t, allowed(tc.readList), status.Code(ports.Policy.Authorize(ctx, service+"ListStaff", list)), "ListStaff")
		})
	}
}
