package ports_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/scheduling/internal/ports"
)

// Every RPC of SchedulingService has a policy rule: a new RPC without one fails here.
func TestPolicyCoversEveryRPC(t *testing.T) {
	require.NoError(t, auth.CheckComplete(ports.Policy, schedulingv1.File_familytime_scheduling_v1_scheduling_proto.Services().ByName("SchedulingService")))
}
