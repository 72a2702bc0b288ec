package ports_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/safeguarding/internal/ports"
)

// Every RPC of SafeguardingService has a policy rule: a new RPC without one fails here.
func TestPolicyCoversEveryRPC(t *testing.T) {
	require.NoError(t, auth.CheckComplete(ports.Policy, safeguardingv1.File_familytime_safeguarding_v1_safeguarding_proto.Services().ByName("SafeguardingService")))
}

// National analysts see counts only, through reporting: no RPC of safeguarding is open to them.
func TestNationalAnalystsReachNoSafeguardingRPC(t *testing.T) {
	for method, rule := range ports.Policy {
		require.NotContains(t, rule.Roles, auth.RoleNationalAnalyst, method)
	}
}
