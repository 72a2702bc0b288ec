package cli

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 39 (L4): every refusal a referrer (a solicitor, Cafcass, a parent) was given told them to
// mint a coordinator's token. A referrer's token is told what a referrer does and who answers
// questions about the referral; any other token keeps the hint on the token that works.
func TestARefusedReferrerIsToldWhatAReferrerDoes(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	centre := uuid.New()
	mint := func(o auth.MintOptions) string {
		o.Issuer, o.Audience, o.Subject = "test", "test", "someone"
		token, err := auth.Mint(key, o)
		require.NoError(t, err)
		return token
	}
	refused := status.Error(codes.PermissionDenied, "GetReferral needs one of the roles coordinator, safeguarding_lead, admin")
	told := func(token string) string {
		r := &referralCommand{conn: connection{addr: "127.0.0.1:1", token: token}, centre: centre.String()}
		return strings.Join(strings.Fields(r.describe(refused).Error()), " ")
	}

	for _, token := range []string{
		mint(auth.MintOptions{Roles: []auth.Role{auth.RoleReferrer}, Centres: []uuid.UUID{centre}}),
		mint(auth.MintOptions{CentreRoles: map[uuid.UUID][]auth.Role{centre: {auth.RoleReferrer}}}),
	} {
		got := told(token)
		require.Contains(t, got, "your token is a referrer's: a referrer submits a referral (referral submit), or a second parent's "+
			"application to a self-referral (referral second-party)")
		require.Contains(t, got, "The centre's coordinator answers questions about the referral.")
		require.NotContains(t, got, "familytime token --role coordinator")
	}
	for _, token := range []string{
		mint(auth.MintOptions{Roles: []auth.Role{auth.RoleVolunteer}, Centres: []uuid.UUID{centre}}),
		mint(auth.MintOptions{Roles: []auth.Role{auth.RoleReferrer, auth.RoleVolunteer}, Centres: []uuid.UUID{centre}}),
		"not a token",
	} {
		got := told(token)
		require.Contains(t, got, "familytime token --role coordinator --centre "+centre.String())
		require.NotContains(t, got, "a referrer's")
	}
}

// Review 39 (L4): a referrer's submission, answered the referral's id and state only, printed
// empty tables of people and children, read as "no one recorded". It says what a referrer is
// answered instead.
func TestAReferrersAnswerPrintsNoEmptyTables(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{ReferralId: "R",
		State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED}))
	shown := strings.Join(strings.Fields(out.String()), " ")
	require.Contains(t, shown, "A referrer is answered the referral's id and state only")
	require.Contains(t, shown, "The centre's coordinator answers questions about the referral.")
	require.NotContains(t, shown, "PERSON ID")
	require.NotContains(t, shown, "CHILD ID")
}
