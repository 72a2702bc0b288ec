package ports_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/referral/internal/ports"
)

// Every RPC of ReferralService has a policy rule: a new RPC without one fails here.
func TestPolicyCoversEveryRPC(t *testing.T) {
	require.NoError(t, auth.CheckComplete(ports.Policy, referralv1.File_familytime_referral_v1_referral_proto.Services().ByName("ReferralService")))
}

// A family's erasure cannot be undone: it is ordered by the national body's administrators alone,
// never by a centre's staff.
func TestOnlyAdministratorsEraseAFamily(t *testing.T) {
	rule, ok := ports.Policy["/familytime.referral.v1.ReferralService/EraseFamily"]
	require.True(t, ok)
	require.Equal(t, []auth.Role{auth.RoleAdmin}, rule.Roles)
	require.True(t, rule.CentreScoped)
}
