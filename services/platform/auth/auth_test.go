package auth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

const issuer, audience = "https://id.familytime.test", "familytime"

func devVerifier(t *testing.T) (ed25519.PrivateKey, *auth.Verifier) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dev.pem")
	key, err := auth.LoadOrCreateDevKey(path)
	require.NoError(t, err)
	again, err := auth.LoadOrCreateDevKey(path)
	require.NoError(t, err)
	require.Equal(t, key, again, "the dev key is kept")
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	pubPath := filepath.Join(t.TempDir(), "pub.pem")
	require.NoError(t, os.WriteFile(pubPath, pub, 0o600))
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: audience, KeyFile: pubPath})
	require.NoError(t, err)
	return key, v
}

func mint(t *testing.T, key ed25519.PrivateKey, edit func(*auth.MintOptions)) string {
	o := auth.MintOptions{Issuer: issuer, Audience: audience, Subject: "user-1", Roles: []auth.Role{auth.RoleCoordinator},
		Centres: []uuid.UUID{uuid.MustParse("11111111-1111-1111-1111-111111111111")}, TTL: time.Hour}
	if edit != nil {
		edit(&o)
	}
	tok, err := auth.Mint(key, o)
	require.NoError(t, err)
	return tok
}

func TestVerify(t *testing.T) {
	key, v := devVerifier(t)
	claims, err := v.Verify(t.Context(), mint(t, key, nil))
	require.NoError(t, err)
	require.Equal(t, "user-1", claims.Subject)
	require.True(t, claims.Has(auth.RoleCoordinator))
	require.True(t, claims.InCentre(uuid.MustParse("11111111-1111-1111-1111-111111111111")))
	require.False(t, claims.InCentre(uuid.New()))

	_, otherKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	good := mint(t, key, nil)
	parts := strings.Split(good, ".")
	for _, tc := range []struct {
		name, token, reason string
	}{
		{"expired", mint(t, key, func(o *auth.MintOptions) { o.TTL = -time.Hour }), "expired"},
		{"wrong issuer", mint(t, key, func(o *auth.MintOptions) { o.Issuer = "https://evil.test" }), "issuer"},
		{"wrong audience", mint(t, key, func(o *auth.MintOptions) { o.Audience = "another-app" }), "audience"},
		{"another key", mint(t, otherKey, nil), "unknown key"},
		{"tampered", parts[0] + "." + parts[1] + "x." + parts[2], "malformed"},
		{"not a token", "hello", "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(t.Context(), tc.token)
			require.ErrorIs(t, err, auth.ErrUnauthenticated)
			require.Contains(t, err.Error(), tc.reason)
			require.NotContains(t, err.Error(), tc.token, "the token is never echoed")
		})
	}
}

// A token verified once is trusted again from memory until it expires, not after; what the caller
// does with the claims it was given does not change the next caller's.
func TestVerifiedTokenKeptUntilItExpires(t *testing.T) {
	key, _ := devVerifier(t)
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	pubPath := filepath.Join(t.TempDir(), "pub.pem")
	require.NoError(t, os.WriteFile(pubPath, pub, 0o600))
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: audience, KeyFile: pubPath, Leeway: time.Millisecond})
	require.NoError(t, err)
	// Token times are whole seconds: a two-second token expires one to two seconds from now.
	tok := mint(t, key, func(o *auth.MintOptions) { o.TTL = 2 * time.Second })
	first, err := v.Verify(t.Context(), tok)
	require.NoError(t, err)
	first.Roles[0], first.Centres[0] = auth.RoleAdmin, uuid.New()
	again, err := v.Verify(t.Context(), tok)
	require.NoError(t, err)
	require.Equal(t, []auth.Role{auth.RoleCoordinator}, again.Roles)
	require.Equal(t, []uuid.UUID{uuid.MustParse("11111111-1111-1111-1111-111111111111")}, again.Centres)

	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, err := v.Verify(t.Context(), tok)
		if assert.ErrorIs(c, err, auth.ErrUnauthenticated) {
			assert.Contains(c, err.Error(), "expired")
		}
	}, 5*time.Second, 50*time.Millisecond, "a kept token expires as it would unkept")
}

func TestUnknownRoleIsRefused(t *testing.T) {
	key, v := devVerifier(t)
	tok := mint(t, key, func(o *auth.MintOptions) { o.Roles = []auth.Role{"superuser"} })
	_, err := v.Verify(t.Context(), tok)
	require.ErrorIs(t, err, auth.ErrUnauthenticated)
	require.Contains(t, err.Error(), "unknown role")
}

func TestJWKSURLWithKeyRotation(t *testing.T) {
	_, first, _ := ed25519.GenerateKey(rand.Reader)
	_, second, _ := ed25519.GenerateKey(rand.Reader)
	var current atomic.Pointer[ed25519.PrivateKey]
	current.Store(&first)
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		_ = json.NewEncoder(w).Encode(auth.JWKSFor((*current.Load()).Public().(ed25519.PublicKey)))
	}))
	t.Cleanup(srv.Close)
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: audience, JWKSURL: srv.URL, MinRefetch: time.Nanosecond})
	require.NoError(t, err)
	_, err = v.Verify(t.Context(), mint(t, first, nil))
	require.NoError(t, err)
	_, err = v.Verify(t.Context(), mint(t, first, nil))
	require.NoError(t, err)
	require.Equal(t, int32(1), fetches.Load(), "keys are cached")

	// The provider rotates to a new key: a token with the new kid makes the verifier refetch.
	current.Store(&second)
	_, err = v.Verify(t.Context(), mint(t, second, nil))
	require.NoError(t, err)
	require.Equal(t, int32(2), fetches.Load())

	limited, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: audience, JWKSURL: srv.URL})
	require.NoError(t, err)
	_, err = limited.Verify(t.Context(), mint(t, second, nil))
	require.NoError(t, err)
	for range 5 {
		_, err = limited.Verify(t.Context(), mint(t, first, nil))
		require.ErrorIs(t, err, auth.ErrUnauthenticated)
	}
	require.Equal(t, int32(3), fetches.Load(), "unknown key ids refetch at most once per MinRefetch")
}

func TestPolicy(t *testing.T) {
	centre := uuid.MustParse("11111111-1111-1111-1111-111111111111")
	policy := auth.Policy{
		"/s/Admin":  {Roles: []auth.Role{auth.RoleAdmin}},
		"/s/Centre": {Roles: []auth.Role{auth.RoleCoordinator, auth.RoleAdmin}, CentreScoped: true},
	}
	coordinator := auth.WithClaims(context.Background(), &auth.Claims{Subject: "c", Roles: []auth.Role{auth.RoleCoordinator}, Centres: []uuid.UUID{centre}})
	admin := auth.WithClaims(context.Background(), &auth.Claims{Subject: "a", Roles: []auth.Role{auth.RoleAdmin}})
	in := &schedulingv1.UpdateCentreRequest{CentreId: centre.String()}
	out := &schedulingv1.UpdateCentreRequest{CentreId: uuid.NewString()}
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		method string
		req    *schedulingv1.UpdateCentreRequest
		code   codes.Code
		reason string
	}{
		{"no caller", context.Background(), "/s/Admin", in, codes.Unauthenticated, ""},
		{"role not allowed", coordinator, "/s/Admin", in, codes.PermissionDenied, auth.ReasonRoleRequired},
		{"role allowed", admin, "/s/Admin", in, codes.OK, ""},
		{"method not in the policy", admin, "/s/Missing", in, codes.PermissionDenied, auth.ReasonNotOpen},
		{"centre in scope", coordinator, "/s/Centre", in, codes.OK, ""},
		{"centre out of scope", coordinator, "/s/Centre", out, codes.PermissionDenied, auth.ReasonOutsideCentres},
		{"national role sees every centre", admin, "/s/Centre", out, codes.OK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := policy.Authorize(tc.ctx, tc.method, tc.req)
			require.Equal(t, tc.code, status.Code(err))
			// Every refusal has a reason to switch on (review 45, decision 266).
			var reason string
			for _, d := range status.Convert(err).Details() {
				if info, ok := d.(*errdetails.ErrorInfo); ok {
					reason = info.GetReason()
					require.Equal(t, "familytime", info.GetDomain())
				}
			}
			require.Equal(t, tc.reason, reason)
		})
	}
	// A refusal names the call, not its gRPC path, and the roles a person may hold, not the
	// platform's services' (review 11).
	policy["/familytime.x.v1.S/ListHolds"] = auth.Rule{Roles: []auth.Role{auth.RoleService, auth.RoleSupervisor, auth.RoleCoordinator}}
	volunteer := auth.WithClaims(context.Background(), &auth.Claims{Subject: "v", Roles: []auth.Role{auth.RoleVolunteer}, Centres: []uuid.UUID{centre}})
	require.Equal(t, "ListHolds needs one of the roles supervisor, coordinator",
		status.Convert(policy.Authorize(volunteer, "/familytime.x.v1.S/ListHolds", in)).Message())
	// Review 51: one role is named as one, and the CLI reads either wording back.
	policy["/familytime.x.v1.S/BookSession"] = auth.Rule{Roles: []auth.Role{auth.RoleService, auth.RoleCoordinator}}
	msg := status.Convert(policy.Authorize(volunteer, "/familytime.x.v1.S/BookSession", in)).Message()
	require.Equal(t, "BookSession needs the role coordinator", msg)
	for text, want := range map[string][]auth.Role{
		msg: {auth.RoleCoordinator},
		"ListHolds needs one of the roles supervisor, coordinator at centre " + centre.String(): {auth.RoleSupervisor, auth.RoleCoordinator},
	} {
		call, roles, at, ok := auth.RolesNeeded(text)
		require.True(t, ok, text)
		require.Equal(t, want, roles, text)
		require.NotEmpty(t, call)
		if strings.Contains(text, " at centre ") {
			require.Equal(t, centre.String(), at)
		}
	}
	_, _, _, ok := auth.RolesNeeded("ListHolds: centre " + centre.String() + " is outside the caller's centres")
	require.False(t, ok)
}

func TestCheckComplete(t *testing.T) {
	svc := schedulingv1.File_familytime_scheduling_v1_scheduling_proto.Services().Get(0)
	err := auth.CheckComplete(auth.Policy{
		"/familytime.scheduling.v1.SchedulingService/RegisterCentre": {Roles: []auth.Role{auth.RoleAdmin}},
		"/familytime.scheduling.v1.SchedulingService/GetCentre":      {Roles: []auth.Role{auth.RoleAdmin}, CentreScoped: true},
		"/familytime.scheduling.v1.SchedulingService/ListCentres":    {},
		"/familytime.scheduling.v1.SchedulingService/Gone":           {Roles: []auth.Role{auth.RoleAdmin}},
	}, svc)
	require.Error(t, err)
	for _, want := range []string{"UpdateCentre has no policy rule", "ListCentres allows no role", "Gone has a rule but is no RPC"} {
		require.Contains(t, err.Error(), want)
	}
	require.NotContains(t, err.Error(), "GetCentre", "GetCentreRequest has a centre_id")
}

// The role a caller acts in is the first of the rule's roles they hold, whatever order their
// token lists them in; none for a method they may not call.
func TestActingRole(t *testing.T) {
	policy := auth.Policy{"/svc/Book": {Roles: []auth.Role{auth.RoleCoordinator, auth.RoleAdmin}}}
	both := &auth.Claims{Subject: "a", Roles: []auth.Role{auth.RoleAdmin, auth.RoleCoordinator}}
	require.Equal(t, auth.RoleCoordinator, policy.ActingRole("/svc/Book", both))
	require.Equal(t, auth.RoleAdmin, policy.ActingRole("/svc/Book", &auth.Claims{Roles: []auth.Role{auth.RoleAdmin}}))
	require.Equal(t, auth.Role(""), policy.ActingRole("/svc/Book", &auth.Claims{Roles: []auth.Role{auth.RoleVolunteer}}))
	require.Equal(t, auth.Role(""), policy.ActingRole("/svc/Other", both))
	require.Equal(t, auth.RoleAdmin, auth.ActingRoleFrom(auth.WithActingRole(t.Context(), auth.RoleAdmin)))
}

// A token's centre_roles gives a role at one centre only: a coordinator at one centre who
// volunteers at another is a coordinator at the first alone, for the policy and, once scoped, for
// the handler (review 5: flat claims made them a coordinator at both; decision 106). A flat token
// is read as before.
func TestRolesAreHeldAtTheirOwnCentre(t *testing.T) {
	key, v := devVerifier(t)
	a, b := uuid.MustParse("11111111-1111-1111-1111-111111111111"), uuid.MustParse("22222222-2222-2222-2222-222222222222")
	tok := mint(t, key, func(o *auth.MintOptions) {
		o.Roles, o.Centres = nil, nil
		o.CentreRoles = map[uuid.UUID][]auth.Role{a: {auth.RoleCoordinator}, b: {auth.RoleVolunteer}}
	})
	c, err := v.Verify(t.Context(), tok)
	require.NoError(t, err)
	require.ElementsMatch(t, []uuid.UUID{a, b}, c.Centres)
	require.ElementsMatch(t, []auth.Role{auth.RoleCoordinator, auth.RoleVolunteer}, c.Roles)
	require.Equal(t, []auth.Role{auth.RoleCoordinator}, c.RolesAt(a))
	require.Equal(t, []auth.Role{auth.RoleVolunteer}, c.RolesAt(b))
	require.Empty(t, c.RolesAt(uuid.New()))

	policy := auth.Policy{"/s/History": {Roles: []auth.Role{auth.RoleCoordinator}, CentreScoped: true},
		"/s/DaySheet": {Roles: []auth.Role{auth.RoleCoordinator, auth.RoleVolunteer}, CentreScoped: true}}
	ctx := auth.WithClaims(t.Context(), c)
	at := func(centre uuid.UUID) *schedulingv1.UpdateCentreRequest {
		return &schedulingv1.UpdateCentreRequest{CentreId: centre.String()}
	}
	require.NoError(t, policy.Authorize(ctx, "/s/History", at(a)))
	err = policy.Authorize(ctx, "/s/History", at(b))
	require.Equal(t, codes.PermissionDenied, status.Code(err), "a coordinator elsewhere is not one here")
	require.Contains(t, err.Error(), "at centre "+b.String())
	require.NoError(t, policy.Authorize(ctx, "/s/DaySheet", at(b)))
	scoped, _ := auth.FromContext(policy.Scope(ctx, "/s/DaySheet", at(b)))
	require.Equal(t, &auth.Claims{Subject: "user-1", Roles: []auth.Role{auth.RoleVolunteer}, Centres: []uuid.UUID{b}}, scoped,
		"the handler sees the volunteer at this centre, and this centre alone")
	require.Equal(t, auth.RoleVolunteer, policy.ActingRole("/s/DaySheet", scoped))

	// Flat roles hold at every centre named, beside the centre's own.
	both, err := v.Verify(t.Context(), mint(t, key, func(o *auth.MintOptions) {
		o.Roles, o.Centres = []auth.Role{auth.RoleVolunteer}, []uuid.UUID{a, b}
		o.CentreRoles = map[uuid.UUID][]auth.Role{a: {auth.RoleCoordinator}}
	}))
	require.NoError(t, err)
	require.ElementsMatch(t, []auth.Role{auth.RoleVolunteer, auth.RoleCoordinator}, both.RolesAt(a))
	require.Equal(t, []auth.Role{auth.RoleVolunteer}, both.RolesAt(b))
	flat, err := v.Verify(t.Context(), mint(t, key, func(o *auth.MintOptions) { o.Centres = []uuid.UUID{a, b} }))
	require.NoError(t, err)
	require.Nil(t, flat.CentreRoles)
	require.Equal(t, []auth.Role{auth.RoleCoordinator}, flat.RolesAt(b), "a flat token's roles hold at each of its centres")
	fctx := auth.WithClaims(t.Context(), flat)
	require.Equal(t, fctx, policy.Scope(fctx, "/s/History", at(b)), "a flat token is not narrowed")

	// A national role beside them is held everywhere, and the centre roles only at their centres:
	// an administrator who volunteers at B is an administrator there, never a coordinator, for
	// the policy and the handler (review 8 did a coordinator's casework with such a token).
	national, err := v.Verify(t.Context(), mint(t, key, func(o *auth.MintOptions) {
		o.Roles, o.Centres = []auth.Role{auth.RoleAdmin}, nil
		o.CentreRoles = map[uuid.UUID][]auth.Role{a: {auth.RoleCoordinator}, b: {auth.RoleVolunteer}}
	}))
	require.NoError(t, err)
	nctx := auth.WithClaims(t.Context(), national)
	require.NoError(t, policy.Authorize(nctx, "/s/History", at(a)))
	err = policy.Authorize(nctx, "/s/History", at(b))
	require.Equal(t, codes.PermissionDenied, status.Code(err), "coordinating A makes no one a coordinator at B, a national role beside")
	reads := auth.Policy{"/s/Read": {Roles: []auth.Role{auth.RoleCoordinator, auth.RoleAdmin}, CentreScoped: true}}
	require.NoError(t, reads.Authorize(nctx, "/s/Read", at(b)))
	scoped, _ = auth.FromContext(reads.Scope(nctx, "/s/Read", at(b)))
	require.Equal(t, auth.RoleAdmin, reads.ActingRole("/s/Read", scoped), "at B they read as the administrator")
	scoped, _ = auth.FromContext(reads.Scope(nctx, "/s/Read", at(a)))
	require.Equal(t, auth.RoleCoordinator, reads.ActingRole("/s/Read", scoped), "at A as its coordinator")
	require.NoError(t, reads.Authorize(nctx, "/s/Read", at(uuid.New())), "and an administrator anywhere")

	// A national role is held everywhere: not given for one centre.
	_, err = v.Verify(t.Context(), mint(t, key, func(o *auth.MintOptions) {
		o.CentreRoles = map[uuid.UUID][]auth.Role{a: {auth.RoleAdmin}}
	}))
	require.ErrorIs(t, err, auth.ErrUnauthenticated)
	require.ErrorContains(t, err, "national role")
}

// A subject is an account id, compared as written: one with surrounding spaces or a control
// character is not minted, and not trusted (review 7: " parent-1" sent the second parent's
// application of parent-1's own referral).
func TestASubjectIsAnAccountAsWritten(t *testing.T) {
	key, v := devVerifier(t)
	for _, subject := range []string{" parent-1", "parent-1 ", "parent\n1"} {
		_, err := auth.Mint(key, auth.MintOptions{Issuer: issuer, Audience: audience, Subject: subject, Roles: []auth.Role{auth.RoleReferrer}, TTL: time.Hour})
		require.ErrorContains(t, err, "account id", subject)
	}
	_, err := v.Verify(t.Context(), mint(t, key, nil))
	require.NoError(t, err)
}
