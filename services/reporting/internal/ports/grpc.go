package ports

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/reporting/internal/app"
)

// Policy: reporting is the national body's view; centre staff see their own centre's figures
// through later, centre-scoped RPCs.
var Policy = auth.Policy{
	"/familytime.reporting.v1.ReportingService/ListCentres": {Roles: []auth.Role{auth.RoleNationalAnalyst, auth.RoleAdmin, auth.RoleService}},
}

// Server is the ReportingService gRPC API.
type Server struct {
	reportingv1.UnimplementedReportingServiceServer
	app *app.App
}

// NewServer returns the API over the use cases.
func NewServer(a *app.App) *Server { return &Server{app: a} }

// ListCentres reads a page of centres from reporting's projection.
func (s *Server) ListCentres(ctx context.Context, req *reportingv1.ListCentresRequest) (*reportingv1.ListCentresResponse, error) {
	page, next, err := s.app.ListCentres(ctx, req.GetRegion(), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	resp := &reportingv1.ListCentresResponse{NextPageToken: next}
	for _, c := range page {
		summary := &reportingv1.CentreSummary{CentreId: c.ID.String(), Name: c.Name, Region: c.Region,
			ServiceTypes: c.ServiceTypes, AccreditationStatus: c.Accreditation, UpdatedAt: timestamppb.New(c.UpdatedAt)}
		if !c.AccreditedOn.IsZero() {
			summary.AccreditationDate = &commonv1.Date{Year: int32(c.AccreditedOn.Year()), Month: int32(c.AccreditedOn.Month()), Day: int32(c.AccreditedOn.Day())}
		}
		resp.Centres = append(resp.Centres, summary)
	}
	return resp, nil
}
