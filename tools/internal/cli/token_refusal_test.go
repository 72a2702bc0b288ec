package cli

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
)

// Review 53 (decision 310): an expired token's refusal names its reason and what to do.
func TestAnExpiredTokenIsToldToSignInAgain(t *testing.T) {
	refusedFor := func(reason string) string {
		st, err := status.New(codes.Unauthenticated, "unauthenticated: token expired").
			WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: grpcx.Domain})
		require.NoError(t, err)
		return describe(st.Err()).Error()
	}
	require.Equal(t, "not signed in: unauthenticated: token expired [TOKEN_EXPIRED]; sign in again for a new token (on a dev platform: familytime token --help)",
		refusedFor(auth.ReasonTokenExpired))
	require.Contains(t, refusedFor(auth.ReasonTokenMalformed), "[TOKEN_MALFORMED]; give the whole token")
	require.NotContains(t, refusedFor(auth.ReasonTokenUntrusted), "sign in again")
}

// Review 73: `token --role service` minted the platform's own services' role, which reads every
// centre's holds, though --help lists no such role. It is refused, by --role and by --at.
func TestATokenForTheServicesRoleIsRefused(t *testing.T) {
	for _, args := range [][]string{{"--role", "service"}, {"--role", "coordinator,service"},
		{"--at", "6f1c0a52-3f0e-4c55-9a3e-0f8d2c1b7a10=service"}} {
		out, err := run(t, append([]string{"token", "--data", t.TempDir()}, args...)...)
		require.ErrorContains(t, err, "--role service is the platform's own services' role, which no person holds", args)
		require.Empty(t, out, "no token")
	}
	// Review 75: a role that is none is refused naming the roles a person may hold, not the services'.
	_, err := run(t, "token", "--data", t.TempDir(), "--role", "Service")
	require.ErrorContains(t, err, `unknown role "Service" (roles: referrer, coordinator, volunteer, supervisor, safeguarding_lead, national_analyst, admin)`)

	// Review 77: the staff register's spelling of a role is the token's too.
	_, err = run(t, "token", "--data", t.TempDir(), "--role", "safeguarding-lead")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "unknown role", "safeguarding-lead is the lead's role (this data folder has no dev key)")
	role, err := tokenRole("national-analyst")
	require.NoError(t, err)
	require.Equal(t, auth.RoleNationalAnalyst, role)
}
