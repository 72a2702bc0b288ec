package grpcx_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/services/platform/problem"
)

const issuer, audience = "https://id.familytime.test", "familytime"

// stub is a SchedulingService whose RegisterCentre does what the test says; it stands in for a
// real handler so the server's own behaviour can be tested.
type stub struct {
	schedulingv1.UnimplementedSchedulingServiceServer
	mu     sync.Mutex
	action func(ctx context.Context) error
}

func (s *stub) RegisterCentre(ctx context.Context, _ *schedulingv1.RegisterCentreRequest) (*schedulingv1.RegisterCentreResponse, error) {
	s.mu.Lock()
	act := s.action
	s.mu.Unlock()
	if err := act(ctx); err != nil {
		return nil, err
	}
	c, _ := auth.FromContext(ctx)
	return &schedulingv1.RegisterCentreResponse{Centre: &schedulingv1.Centre{Name: c.Subject}}, nil
}

// ListCentres answers with one centre named after the caller, so a test sees who called.
func (s *stub) ListCentres(ctx context.Context, _ *schedulingv1.ListCentresRequest) (*schedulingv1.ListCentresResponse, error) {
	c, _ := auth.FromContext(ctx)
	return &schedulingv1.ListCentresResponse{Centres: []*schedulingv1.Centre{{Name: c.Subject}}}, nil
}

func (s *stub) UpdateCentre(context.Context, *schedulingv1.UpdateCentreRequest) (*schedulingv1.UpdateCentreResponse, error) {
	return &schedulingv1.UpdateCentreResponse{}, nil
}

func (s *stub) set(fn func(ctx context.Context) error) {
	s.mu.Lock()
	s.action = fn
	s.mu.Unlock()
}

type rig struct {
	conn *grpc.ClientConn
	key  ed25519.PrivateKey
	stub *stub
	logs *lockedWriter
	addr string
}

var centre = uuid.MustParse("22222222-2222-2222-2222-222222222222")

func newRig(t *testing.T) *rig {
	t.Helper()
	key, err := auth.LoadOrCreateDevKey(filepath.Join(t.TempDir(), "dev.pem"))
	require.NoError(t, err)
	pub, err := auth.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	pubPath := filepath.Join(t.TempDir(), "pub.pem")
	require.NoError(t, os.WriteFile(pubPath, pub, 0o600))
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: audience, KeyFile: pubPath})
	require.NoError(t, err)
	logs := &lockedWriter{w: &bytes.Buffer{}}
	srv, err := grpcx.NewServer(grpcx.ServerConfig{
		Logger:        slog.New(slog.NewJSONHandler(logs, nil)),
		Authenticator: verifier,
		Policy: auth.Policy{
			"/familytime.scheduling.v1.SchedulingService/RegisterCentre": {Roles: []auth.Role{auth.RoleAdmin}},
			"/familytime.scheduling.v1.SchedulingService/UpdateCentre":   {Roles: []auth.Role{auth.RoleCoordinator, auth.RoleAdmin}, CentreScoped: true},
			"/familytime.scheduling.v1.SchedulingService/ListCentres":    {Roles: []auth.Role{auth.RoleService}},
		},
	})
	require.NoError(t, err)
	s := &stub{action: func(context.Context) error { return nil }}
	schedulingv1.RegisterSchedulingServiceServer(srv, s)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecureCreds()))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return &rig{conn: conn, key: key, stub: s, logs: logs, addr: lis.Addr().String()}
}

// client calls as a caller with the given role (none: no token at all).
func (g *rig) client(t *testing.T, roles ...auth.Role) schedulingv1.SchedulingServiceClient {
	t.Helper()
	if len(roles) == 0 {
		return schedulingv1.NewSchedulingServiceClient(g.conn)
	}
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: audience, Subject: "account-9",
		Roles: roles, Centres: []uuid.UUID{centre}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return schedulingv1.NewSchedulingServiceClient(conn)
}

func validRequest() *schedulingv1.RegisterCentreRequest {
	return &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: &schedulingv1.CentreDetails{
		Name: "Riverside", Region: commonv1.Region_REGION_LONDON,
		ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
		AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS,
	}}
}

func TestAuthenticationAndAuthorization(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	_, err := g.client(t).RegisterCentre(ctx, validRequest())
	require.Equal(t, codes.Unauthenticated, status.Code(err))

	_, err = g.client(t, auth.RoleCoordinator).RegisterCentre(ctx, validRequest())
	require.Equal(t, codes.PermissionDenied, status.Code(err))

	resp, err := g.client(t, auth.RoleAdmin).RegisterCentre(ctx, validRequest())
	require.NoError(t, err)
	require.Equal(t, "account-9", resp.GetCentre().GetName(), "the handler sees the caller")

	_, err = g.client(t, auth.RoleAdmin).GetCentre(ctx, &schedulingv1.GetCentreRequest{CentreId: centre.String()})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "an RPC without a policy rule is refused")

	update := &schedulingv1.UpdateCentreRequest{RequestId: uuid.NewString(), ExpectedVersion: 1, Details: validRequest().GetDetails()}
	update.CentreId = centre.String()
	_, err = g.client(t, auth.RoleCoordinator).UpdateCentre(ctx, update)
	require.NoError(t, err, "a coordinator of the centre")
	update.CentreId = uuid.NewString()
	_, err = g.client(t, auth.RoleCoordinator).UpdateCentre(ctx, update)
	require.Equal(t, codes.PermissionDenied, status.Code(err), "another centre's coordinator")
}

// A service calls another with its own token: minted by itself in development, read from a
// rotating file in production. A person's token, even an admin's, does not pass as a service.
func TestServiceToServiceCallsCarryTheServiceToken(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	callerOf := func(creds credentials.PerRPCCredentials) (string, error) {
		conn, err := grpcx.DialAs(g.addr, creds)
		require.NoError(t, err)
		defer conn.Close()
		resp, err := schedulingv1.NewSchedulingServiceClient(conn).ListCentres(ctx, &schedulingv1.ListCentresRequest{})
		if err != nil {
			return "", err
		}
		return resp.GetCentres()[0].GetName(), nil
	}

	caller, err := callerOf(&auth.SigningCredentials{Key: g.key, Options: auth.ServiceMintOptions(issuer, audience, "reporting")})
	require.NoError(t, err)
	require.Equal(t, "service:reporting", caller)

	_, err = g.client(t, auth.RoleAdmin).ListCentres(ctx, &schedulingv1.ListCentresRequest{})
	require.Equal(t, codes.PermissionDenied, status.Code(err))

	notAService := auth.ServiceMintOptions(issuer, audience, "reporting")
	notAService.Roles = []auth.Role{auth.RoleAdmin}
	_, err = callerOf(&auth.SigningCredentials{Key: g.key, Options: notAService})
	require.ErrorContains(t, err, "exactly the service role")

	tokenFile := filepath.Join(t.TempDir(), "token")
	writeToken := func(service string) {
		tok, err := auth.Mint(g.key, auth.ServiceMintOptions(issuer, audience, service))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(tokenFile, []byte(tok+"\n"), 0o600))
	}
	fromFile := &auth.TokenFileCredentials{Path: tokenFile}
	_, err = callerOf(fromFile)
	require.ErrorContains(t, err, "service token file")
	writeToken("scheduling")
	caller, err = callerOf(fromFile)
	require.NoError(t, err)
	require.Equal(t, "service:scheduling", caller)
	writeToken("safeguarding") // rotated: a different token, so a different size or time
	caller, err = callerOf(fromFile)
	require.NoError(t, err)
	require.Equal(t, "service:safeguarding", caller, "a rotated token is used from the next call")
	require.NoError(t, os.WriteFile(tokenFile, nil, 0o600))
	_, err = callerOf(fromFile)
	require.ErrorContains(t, err, "is empty")

	_, err = grpcx.DialAs(g.addr, nil)
	require.ErrorContains(t, err, "no credentials")
}

func TestValidationNamesTheField(t *testing.T) {
	g := newRig(t)
	called := false
	g.stub.set(func(context.Context) error { called = true; return nil })
	req := validRequest()
	req.Details.Name = "   "
	req.Details.Region = 0
	_, err := g.client(t, auth.RoleAdmin).RegisterCentre(t.Context(), req)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	fields := badRequestFields(t, err)
	require.Contains(t, fields, "details.name")
	require.Contains(t, fields, "details.region")
	require.False(t, called, "an invalid request never reaches the handler")
	var reason string
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			reason = info.GetReason()
		}
	}
	require.Equal(t, grpcx.ReasonFieldInvalid, reason, "a reason to switch on, as every refusal has (review 43)")
	require.Equal(t, grpcx.Domain, auth.ErrorDomain, "the policy's refusals are the platform's")

	req = validRequest()
	req.Details.AccreditationStatus = commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED
	_, err = g.client(t, auth.RoleAdmin).RegisterCentre(t.Context(), req)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	require.Contains(t, err.Error(), "accreditation_date is required")
}

func badRequestFields(t *testing.T, err error) []string {
	t.Helper()
	var fields []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	require.NotEmpty(t, fields, "a BadRequest detail names the fields")
	return fields
}

func TestDomainErrorsMapToPreciseCodes(t *testing.T) {
	g := newRig(t)
	client := g.client(t, auth.RoleAdmin)
	for _, tc := range []struct {
		name   string
		err    error
		code   codes.Code
		reason string
	}{
		{"invalid field", problem.Invalid("details.name", "already taken in the region"), codes.InvalidArgument, "FIELD_INVALID"},
		{"rule broken", problem.Rule("PRE_VISITS_INCOMPLETE", "every adult must have had a pre-visit"), codes.FailedPrecondition, "PRE_VISITS_INCOMPLETE"},
		{"not found", problem.NotFound("centre"), codes.NotFound, "NOT_FOUND"},
		{"already exists", problem.Conflict("DUPLICATE_CENTRE", "a centre of that name is in the region"), codes.AlreadyExists, "DUPLICATE_CENTRE"},
		{"version conflict", &eventstore.ConflictError{Stream: "centre-1", Expected: 1, Actual: 2}, codes.Aborted, "VERSION_CONFLICT"},
		{"wrapped version conflict", errors.Join(errors.New("save"), eventstore.ErrVersionConflict), codes.Aborted, "VERSION_CONFLICT"},
		{"database shut down", fmt.Errorf("read family key: %w", &pgconn.PgError{Code: "57P01"}), codes.Unavailable, "DATABASE_UNAVAILABLE"},
		{"connection exception", &pgconn.PgError{Code: "08006"}, codes.Unavailable, "DATABASE_UNAVAILABLE"},
		{"database behind its stream", fmt.Errorf("commit: %w", &eventstore.BehindError{Stream: "SAFEGUARDING", Missing: 3}), codes.Unavailable, "DATABASE_BEHIND_ITS_STREAM"},
		{"anything else", errors.New("pq: connection to 10.0.0.7 refused"), codes.Internal, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g.stub.set(func(context.Context) error { return tc.err })
			_, err := client.RegisterCentre(t.Context(), validRequest())
			require.Equal(t, tc.code, status.Code(err))
			if tc.code == codes.Internal {
				require.NotContains(t, err.Error(), "10.0.0.7", "internal details stay in the server's log")
				require.Contains(t, g.logs.String(), "10.0.0.7")
			}
			if tc.reason != "" {
				var reason string
				for _, d := range status.Convert(err).Details() {
					if info, ok := d.(*errdetails.ErrorInfo); ok {
						reason = info.GetReason()
						require.Equal(t, grpcx.Domain, info.GetDomain())
					}
				}
				require.Equal(t, tc.reason, reason)
			}
		})
	}
}

func TestPanicBecomesInternalAndServerStaysUp(t *testing.T) {
	g := newRig(t)
	client := g.client(t, auth.RoleAdmin)
	g.stub.set(func(context.Context) error { panic("handler bug") })
	_, err := client.RegisterCentre(t.Context(), validRequest())
	require.Equal(t, codes.Internal, status.Code(err))
	require.NotContains(t, err.Error(), "handler bug")
	require.Contains(t, g.logs.String(), "panic in handler")
	g.stub.set(func(context.Context) error { return nil })
	_, err = client.RegisterCentre(t.Context(), validRequest())
	require.NoError(t, err)
}

// Health answers without a token, for load balancers and orchestrators; reflection, which maps
// the whole API, needs a valid token like every other call (but no policy rule: any
// authenticated caller may read the schema).
func TestHealthNeedsNoTokenButReflectionDoes(t *testing.T) {
	g := newRig(t)
	resp, err := healthpb.NewHealthClient(g.conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus())

	listServices := func(conn *grpc.ClientConn) ([]string, error) {
		stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(t.Context())
		if err != nil {
			return nil, err
		}
		// A stream the server has already refused fails Send with io.EOF; its status comes from
		// Recv (grpc.ClientStream's contract).
		if err := stream.Send(&reflectionpb.ServerReflectionRequest{
			MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		got, err := stream.Recv()
		if err != nil {
			return nil, err
		}
		var names []string
		for _, s := range got.GetListServicesResponse().GetService() {
			names = append(names, s.GetName())
		}
		return names, nil
	}
	_, err = listServices(g.conn)
	require.Equal(t, codes.Unauthenticated, status.Code(err), "reflection without a token")

	bad, err := grpcx.Dial(g.addr, "not-a-token")
	require.NoError(t, err)
	t.Cleanup(func() { bad.Close() })
	_, err = listServices(bad)
	require.Equal(t, codes.Unauthenticated, status.Code(err), "reflection with an invalid token")

	// Any valid token will do: the volunteer role has no rule for reflection in the policy.
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: audience, Subject: "account-9",
		Roles: []auth.Role{auth.RoleVolunteer}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	names, err := listServices(conn)
	require.NoError(t, err)
	require.Contains(t, names, "familytime.scheduling.v1.SchedulingService")
}

func TestEveryCallIsLoggedWithoutBodies(t *testing.T) {
	g := newRig(t)
	req := validRequest()
	req.Details.Name = "Canary Centre Name"
	_, err := g.client(t, auth.RoleAdmin).RegisterCentre(t.Context(), req)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return strings.Contains(g.logs.String(), `"code":"OK"`) }, 5*time.Second, 5*time.Millisecond)
	require.Contains(t, g.logs.String(), `"caller":"`+grpcx.CallerRef("account-9")+`"`, "the caller by a reference, not the account")
	require.NotContains(t, g.logs.String(), "account-9", "an account may be an e-mail address: no log names it (review 14)")
	require.NotContains(t, g.logs.String(), "Canary Centre Name")
}

// Review 53: an expired or malformed token was refused Unauthenticated with no reason, where
// every other refusal names one (decision 310): a client tells a token to renew from one it was
// never given.
func TestARefusedTokenNamesItsReason(t *testing.T) {
	g := newRig(t)
	reasonOf := func(err error) string {
		t.Helper()
		require.Equal(t, codes.Unauthenticated, status.Code(err))
		for _, d := range status.Convert(err).Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				return info.GetReason()
			}
		}
		return ""
	}
	call := func(token string) error {
		conn, err := grpcx.Dial(g.addr, token)
		require.NoError(t, err)
		defer conn.Close()
		_, err = schedulingv1.NewSchedulingServiceClient(conn).RegisterCentre(t.Context(), validRequest())
		return err
	}
	_, err := g.client(t).RegisterCentre(t.Context(), validRequest())
	require.Equal(t, auth.ReasonTokenRequired, reasonOf(err))

	expired, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: audience, Subject: "account-9",
		Roles: []auth.Role{auth.RoleAdmin}, TTL: -time.Hour})
	require.NoError(t, err)
	err = call(expired)
	require.Equal(t, auth.ReasonTokenExpired, reasonOf(err))
	require.Contains(t, status.Convert(err).Message(), "token expired")

	require.Equal(t, auth.ReasonTokenMalformed, reasonOf(call("garbage")))

	_, stranger, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	forged, err := auth.Mint(stranger, auth.MintOptions{Issuer: issuer, Audience: audience, Subject: "account-9",
		Roles: []auth.Role{auth.RoleAdmin}, TTL: time.Hour})
	require.NoError(t, err)
	require.Equal(t, auth.ReasonTokenUntrusted, reasonOf(call(forged)))
}
