package devserver_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
	"github.com/familytime/familytime/tools/internal/devserver"
)

type slice struct {
	platform *devserver.Platform
	spans    *tracetest.InMemoryExporter
}

func startSlice(t *testing.T) *slice {
	t.Helper()
	spans := tracetest.NewInMemoryExporter()
	p := startOnServer(t, devserver.Config{DataDir: t.TempDir(), SpanExporter: spans})
	return &slice{platform: p, spans: spans}
}

func (s *slice) token(t *testing.T, role auth.Role) string {
	t.Helper()
	key, err := auth.LoadOrCreateDevKey(filepath.Join(s.platform.Info.DataDir, "dev-signing-key.pem"))
	require.NoError(t, err)
	tok, err := auth.Mint(key, auth.MintOptions{Issuer: devserver.Issuer, Audience: devserver.Audience,
		Subject: "account-" + string(role), Roles: []auth.Role{role}, Centres: []uuid.UUID{uuid.New()}, TTL: time.Hour})
	require.NoError(t, err)
	return tok
}

func (s *slice) scheduling(t *testing.T, token string) schedulingv1.SchedulingServiceClient {
	conn, err := grpcx.Dial(s.platform.Info.Services["scheduling"], token)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return schedulingv1.NewSchedulingServiceClient(conn)
}

func (s *slice) reporting(t *testing.T, token string) reportingv1.ReportingServiceClient {
	conn, err := grpcx.Dial(s.platform.Info.Services["reporting"], token)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return reportingv1.NewReportingServiceClient(conn)
}

func (s *slice) schedulingEvents(t *testing.T) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), s.platform.Info.Databases["scheduling"])
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var n int
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT count(*) FROM events").Scan(&n))
	return n
}

func riverside() *schedulingv1.CentreDetails {
	return &schedulingv1.CentreDetails{
		Name: "Riverside Family Time Centre", Region: commonv1.Region_REGION_NORTH_WEST,
		ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED},
		AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED,
		AccreditationDate:   &commonv1.Date{Year: 2025, Month: 3, Day: 1},
	}
}

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var fields []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	return fields
}

// The first vertical slice over real gRPC with tokens: register a centre, see it in reporting;
// roles are enforced; bad input names its field and appends nothing.
func TestCentreDirectoryEndToEnd(t *testing.T) {
	s := startSlice(t)
	ctx := t.Context()
	admin := s.scheduling(t, s.platform.Info.AdminToken)
	analyst := s.reporting(t, s.token(t, auth.RoleNationalAnalyst))

	registration := &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: riverside()}
	registered, err := admin.RegisterCentre(ctx, registration)
	require.NoError(t, err)
	c := registered.GetCentre()
	require.NotEmpty(t, c.GetCentreId())
	require.Equal(t, int64(1), c.GetVersion())

	var seen *reportingv1.CentreSummary
	require.Eventually(t, func() bool {
		resp, err := analyst.ListCentres(ctx, &reportingv1.ListCentresRequest{})
		if err != nil || len(resp.GetCentres()) != 1 {
			return false
		}
		seen = resp.GetCentres()[0]
		return true
	}, 30*time.Second, 20*time.Millisecond, "reporting learns of the centre from the scheduling stream")
	require.Equal(t, c.GetCentreId(), seen.GetCentreId())
	require.Equal(t, "Riverside Family Time Centre", seen.GetName())
	require.Equal(t, int32(2025), seen.GetAccreditationDate().GetYear())

	t.Run("a coordinator cannot register", func(t *testing.T) {
		_, err := s.scheduling(t, s.token(t, auth.RoleCoordinator)).RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: riverside()})
		require.Equal(t, codes.PermissionDenied, status.Code(err))
	})
	t.Run("without a token nothing is served", func(t *testing.T) {
		_, err := s.scheduling(t, "").ListCentres(ctx, &schedulingv1.ListCentresRequest{})
		require.Equal(t, codes.Unauthenticated, status.Code(err))
	})
	t.Run("a coordinator reads the directory but not reporting", func(t *testing.T) {
		tok := s.token(t, auth.RoleCoordinator)
		got, err := s.scheduling(t, tok).GetCentre(ctx, &schedulingv1.GetCentreRequest{CentreId: c.GetCentreId()})
		require.NoError(t, err)
		require.Equal(t, c.GetName(), got.GetCentre().GetName())
		_, err = s.reporting(t, tok).ListCentres(ctx, &reportingv1.ListCentresRequest{})
		require.Equal(t, codes.PermissionDenied, status.Code(err))
	})

	before := s.schedulingEvents(t)
	for _, tc := range []struct {
		name  string
		edit  func(*schedulingv1.CentreDetails)
		field string
	}{
		{"empty name", func(d *schedulingv1.CentreDetails) { d.Name = "" }, "details.name"},
		{"blank name", func(d *schedulingv1.CentreDetails) { d.Name = "   " }, "details.name"},
		{"unknown region", func(d *schedulingv1.CentreDetails) { d.Region = 99 }, "details.region"},
		{"no region", func(d *schedulingv1.CentreDetails) { d.Region = 0 }, "details.region"},
		{"accredited in the future", func(d *schedulingv1.CentreDetails) { d.AccreditationDate.Year = 2100 }, "details.accreditation_date"},
		{"31 April", func(d *schedulingv1.CentreDetails) {
			d.AccreditationDate = &commonv1.Date{Year: 2025, Month: 4, Day: 31}
		}, "details.accreditation_date"},
	} {
		t.Run("bad input: "+tc.name, func(t *testing.T) {
			d := riverside()
			d.Name = "Other " + tc.name
			tc.edit(d)
			_, err := admin.RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: d})
			require.Equal(t, codes.InvalidArgument, status.Code(err))
			require.Contains(t, fieldsOf(t, err), tc.field)
		})
	}
	t.Run("bad input: no request id", func(t *testing.T) {
		_, err := admin.RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{Details: riverside()})
		require.Equal(t, codes.InvalidArgument, status.Code(err))
		require.Contains(t, fieldsOf(t, err), "request_id")
	})
	t.Run("a retried registration is answered, not repeated", func(t *testing.T) {
		// The first registration's request, sent again as a client whose answer was lost would:
		// the same centre comes back and nothing is appended.
		again, err := admin.RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: registration.GetRequestId(), Details: riverside()})
		require.NoError(t, err)
		require.Equal(t, c.GetCentreId(), again.GetCentre().GetCentreId())
		d := riverside()
		d.Name = "Another Centre"
		_, err = admin.RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: registration.GetRequestId(), Details: d})
		require.Equal(t, codes.InvalidArgument, status.Code(err), "the same id for a different request")
		require.Contains(t, fieldsOf(t, err), "request_id")
	})
	t.Run("a duplicate name in the region", func(t *testing.T) {
		_, err := admin.RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: riverside()})
		require.Equal(t, codes.AlreadyExists, status.Code(err))
	})
	require.Equal(t, before, s.schedulingEvents(t), "refused requests append nothing")

	t.Run("updates need the version last seen", func(t *testing.T) {
		d := riverside()
		d.AccreditationStatus = commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED
		_, err := admin.UpdateCentre(ctx, &schedulingv1.UpdateCentreRequest{RequestId: uuid.NewString(), CentreId: c.GetCentreId(), ExpectedVersion: 7, Details: d})
		require.Equal(t, codes.Aborted, status.Code(err))
		updated, err := admin.UpdateCentre(ctx, &schedulingv1.UpdateCentreRequest{RequestId: uuid.NewString(), CentreId: c.GetCentreId(), ExpectedVersion: 1, Details: d})
		require.NoError(t, err)
		require.Equal(t, int64(2), updated.GetCentre().GetVersion())
		require.Eventually(t, func() bool {
			resp, err := analyst.ListCentres(ctx, &reportingv1.ListCentresRequest{})
			return err == nil && len(resp.GetCentres()) == 1 &&
				resp.GetCentres()[0].GetAccreditationStatus() == commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED
		}, 30*time.Second, 20*time.Millisecond)
		_, err = admin.GetCentre(ctx, &schedulingv1.GetCentreRequest{CentreId: uuid.NewString()})
		require.Equal(t, codes.NotFound, status.Code(err))
	})
}

// One trace runs from the RegisterCentre call through the append and the relay's publish to the
// reporting consumer's handling.
func TestRegisterCentreIsOneTrace(t *testing.T) {
	s := startSlice(t)
	ctx := t.Context()
	_, err := s.scheduling(t, s.platform.Info.AdminToken).RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: riverside()})
	require.NoError(t, err)

	// span name -> the traces it appears in
	traces := func() map[string]map[string]bool {
		out := map[string]map[string]bool{}
		for _, span := range s.spans.GetSpans() {
			if out[span.Name] == nil {
				out[span.Name] = map[string]bool{}
			}
			out[span.Name][span.SpanContext.TraceID().String()] = true
		}
		return out
	}
	require.Eventually(t, func() bool { return len(traces()["consume CentreRegistered"]) > 0 },
		30*time.Second, 20*time.Millisecond, "the reporting consumer handles the event")
	got := traces()
	calls := got["familytime.scheduling.v1.SchedulingService/RegisterCentre"]
	require.Len(t, calls, 1, "the server span of the call")
	var call string
	for id := range calls {
		call = id
	}
	for _, step := range []string{"eventstore.commit", "publish CentreRegistered", "consume CentreRegistered"} {
		require.True(t, got[step][call], "%s is in the call's trace", step)
	}
	require.Len(t, got["eventstore.commit"], 1, "the append and the consumer's commit are both in that one trace")
}
