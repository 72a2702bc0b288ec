package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/familytime/familytime/services/platform/auth"
)

// Review 51: a token for "Jo.New" beside a register's "jo.new" was refused NOT_CLEARED with
// nothing to say why, and a safeguarding lead refused a family's history was told only to mint a
// coordinator's token, not of the record a lead reads.
func TestARefusalNamesTheTokensAccountAndTheLeadsOwnWay(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	centre := uuid.New()
	mint := func(subject string, role auth.Role) string {
		token, err := auth.Mint(key, auth.MintOptions{Issuer: "test", Audience: "test", Subject: subject,
			Roles: []auth.Role{role}, Centres: []uuid.UUID{centre}})
		require.NoError(t, err)
		return token
	}
	words := func(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

	st, err := status.New(codes.FailedPrecondition, "you are not cleared to work on the centre's referrals and families on 2026-12-02: "+
		"you are not on its staff register").WithDetails(&errdetails.ErrorInfo{Reason: "NOT_CLEARED", Domain: "familytime"})
	require.NoError(t, err)
	got := words(refusalHint(describe(st.Err()), "familytime referral list", mint("Jo.New", auth.RoleCoordinator), centre.String(), "data"))
	require.Contains(t, got, `your token is for the account "Jo.New"; the staff register compares accounts exactly, capitals included: `+
		"familytime staff list --centre "+centre.String()+" --data data shows the accounts on it")
	require.Equal(t, words(describe(st.Err())), words(refusalHint(describe(st.Err()), "familytime referral list", "not a token", centre.String(), "")),
		"with no account to name, the refusal is as the service gave it")

	refused := status.Error(codes.PermissionDenied, "GetFamilyHistory needs the role coordinator")
	lead := words(refusalHint(describe(refused), "familytime history", mint("sim-lead-001", auth.RoleSafeguardingLead), centre.String(), ""))
	require.Contains(t, lead, "familytime history is done by a coordinator: ask the centre's coordinator to do it; "+
		"a safeguarding lead reads the family's safeguarding record: familytime safeguarding record --family F")
	volunteer := words(refusalHint(describe(refused), "familytime history", mint("sim-staff-001", auth.RoleVolunteer), centre.String(), ""))
	require.NotContains(t, volunteer, "safeguarding record")

	// Review 52: a coordinator refused a referrer's read was told to ask "the centre's referrer".
	standing := words(refusalHint(describe(status.Error(codes.PermissionDenied, "GetReferralStanding needs the role referrer")),
		"familytime referral standing", mint("sim-coordinator-001", auth.RoleCoordinator), centre.String(), ""))
	require.Contains(t, standing, "familytime referral standing is done by a referrer: ask the referrer who submitted it to do it; "+
		"the centre's staff read the referral itself: familytime referral show R --centre C")
}

// Review 56 (finding 6): a volunteer or a lead refused `familytime return` (GetFigures needs one of
// the roles national_analyst, admin, coordinator) was told to ask "the centre's national analyst",
// whom a centre has not, and shown an administrator's dev token. A centre's staff ask the centre's
// coordinator, and the dev token is a coordinator's at the centre (decision 321, as decision 255
// says: the first staff role the refusal names, at the centre). A referrer's hint is unchanged.
func TestACentresStaffRefusedTheReturnAreToldTheCoordinator(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	centre := uuid.New()
	mint := func(subject string, role auth.Role) string {
		token, err := auth.Mint(key, auth.MintOptions{Issuer: "test", Audience: "test", Subject: subject,
			Roles: []auth.Role{role}, Centres: []uuid.UUID{centre}})
		require.NoError(t, err)
		return token
	}
	words := func(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
	refused := describe(status.Error(codes.PermissionDenied, "GetFigures needs one of the roles national_analyst, admin, coordinator"))
	for _, role := range []auth.Role{auth.RoleVolunteer, auth.RoleSafeguardingLead, auth.RoleSupervisor} {
		got := words(refusalHint(refused, "familytime return", mint("sim-staff-001", role), centre.String(), ""))
		require.Contains(t, got, "familytime return is done by a national analyst, an administrator or a coordinator: "+
			"ask the centre's coordinator to do it", role)
		require.Contains(t, got, `--token "$(familytime token --role coordinator --centre `+centre.String()+
			" --subject <an account on its staff register>)", role)
		require.NotContains(t, got, "national analyst to do it", role)
		require.NotContains(t, got, "--role admin", role)
	}
	referrer := words(refusalHint(refused, "familytime return", mint("solicitor", auth.RoleReferrer), centre.String(), ""))
	require.Contains(t, referrer, "your token is a referrer's")
	require.NotContains(t, referrer, "familytime token --role")
}
