// Package ports translates between the scheduling service and the outside: its gRPC API.
package ports

import (
	"context"
	"errors"

	"github.com/google/uuid"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/app"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Policy says who may call each RPC: administrators change the directory; everyone who works
// with families may read it. A centre's sessions are centre-scoped. Casework on a family is its
// centre coordinator's alone: booking, rescheduling, cancelling and the waiting list (decisions.md
// 91). Setting a centre up (rooms and opening patterns) is its coordinators' and the national
// administrators', as registering it is. Volunteers (and the coordinators and supervisors beside
// them) check in and record arrivals, departures and no-shows; supervisors complete supervised
// sessions, their own (the domain checks the role and that the supervisor named is the caller,
// and the staff register that they are cleared). The day sheet names families and people by id
// with their exact door times, so it is read by those who run the centre's sessions only, not by
// national roles. A family's bookings over time are read by its coordinator and the centre's
// safeguarding lead (familyReaders). National analysts read capacity. A centre's staff register
// is kept by its coordinators and administrators (an administrator adds a centre's only
// coordinator, decision 87) and read by everyone who works there, who can see who is cleared to
// work on a day (decisions.md 82).
var Policy = auth.Policy{
	"/familytime.scheduling.v1.SchedulingService/RegisterCentre":       {Roles: []auth.Role{auth.RoleAdmin}},
	"/familytime.scheduling.v1.SchedulingService/UpdateCentre":         {Roles: []auth.Role{auth.RoleAdmin}},
	"/familytime.scheduling.v1.SchedulingService/GetCentre":            {Roles: readers},
	"/familytime.scheduling.v1.SchedulingService/ListCentres":          {Roles: readers},
	"/familytime.scheduling.v1.SchedulingService/AddRoom":              {Roles: setUp, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/ListRooms":            {Roles: centreStaff, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/DefineOpeningPattern": {Roles: setUp, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/ListOpeningSessions":  {Roles: centreStaff, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/ListOpeningPatterns":  {Roles: centreStaff, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/BookSession":          {Roles: casework, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/RescheduleBooking":    {Roles: casework, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/CancelBooking":        {Roles: casework, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/CheckIn":              {Roles: door, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/RecordArrival":        {Roles: door, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/RecordDeparture":      {Roles: door, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/CorrectMovement":      {Roles: door, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/CorrectCheckIn":       {Roles: door, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/WithdrawNoShow":       {Roles: door, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/CompleteSession":      {Roles: completers, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/RecordNoShow":         {Roles: door, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/JoinWaitingList":      {Roles: casework, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/OfferPlace":           {Roles: casework, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/ListWaitingList":      {Roles: casework, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/GetDaySheet":          {Roles: sessionStaff, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/ListFamilyBookings":   {Roles: familyReaders, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/GetCapacity":          {Roles: []auth.Role{auth.RoleCoordinator, auth.RoleNationalAnalyst, auth.RoleAdmin, auth.RoleService}, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/AddStaffMember":       {Roles: setUp, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/RecordStaffCheck":     {Roles: setUp, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/RemoveStaffMember":    {Roles: leavers, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/WithdrawStaffLeaving": {Roles: setUp, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/ListStaff":            {Roles: centreStaff, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/KeepFamiliesApart":    {Roles: keepers, CentreScoped: true},
	"/familytime.scheduling.v1.SchedulingService/EndKeepingApart":      {Roles: keepers, CentreScoped: true},
}

var (
	// casework is a family's path through the centre's sessions: booking it, moving or cancelling
	// its bookings, and the waiting list. The centre's coordinator's alone: a national
	// administrator's token never acts on a family (decisions.md 91).
	casework = []auth.Role{auth.RoleCoordinator}
	// setUp set up a centre, its rooms and opening patterns, and keep its staff register: its
	// coordinators, and the national administrators who register centres and add a centre's
	// first (or only) coordinator to its register (decisions.md 87).
	setUp = []auth.Role{auth.RoleCoordinator, auth.RoleAdmin}
	// leavers record a leaving: the register's keepers anyone's, and everyone on the staff their
	// own (the domain says which; decision 116).
	leavers = []auth.Role{auth.RoleCoordinator, auth.RoleAdmin, auth.RoleSafeguardingLead, auth.RoleSupervisor, auth.RoleVolunteer}
	// door are the people who run the session on the morning; the safeguarding lead among them
	// (a lead on the register may supervise contact, decisions.md 82).
	door = []auth.Role{auth.RoleVolunteer, auth.RoleCoordinator, auth.RoleSupervisor, auth.RoleSafeguardingLead}
	// completers are door's roles with the supervisor first: a supervised session is completed
	// by its supervisor, and the first role the caller holds is the one its events record
	// (auth.Policy.ActingRole), so someone who is a volunteer and a supervisor completes as the
	// supervisor.
	completers = []auth.Role{auth.RoleSupervisor, auth.RoleSafeguardingLead, auth.RoleVolunteer, auth.RoleCoordinator}
	// sessionStaff read the day sheet: the people who run the centre's sessions. It names families
	// and people by id with their exact door times, which are no national business and which no
	// service reads.
	sessionStaff = []auth.Role{auth.RoleCoordinator, auth.RoleVolunteer, auth.RoleSupervisor, auth.RoleSafeguardingLead}
	// familyReaders read one family's bookings at the centre, every date (ListFamilyBookings): its
	// coordinator, whose casework they are (telling the parents which sessions are off once a case
	// ends), and its safeguarding lead, whose holds and findings cancel them. Volunteers and
	// supervisors run a day at a time and read it on the day sheet; a family's sessions over
	// months, with the times each party came, are no national business either (decision 308).
	familyReaders = []auth.Role{auth.RoleCoordinator, auth.RoleSafeguardingLead}
	// keepers record that two families of the centre are kept apart, and end it (decision 330):
	// its coordinators, whose casework books the families, and its safeguarding lead, who knows of
	// the injunction or the risk. Never a national role: the pair says who must not meet.
	keepers = []auth.Role{auth.RoleCoordinator, auth.RoleSafeguardingLead}
	// centreStaff read a centre's rooms, sessions and staff register: sessionStaff, and the
	// administrators who set the centre up.
	centreStaff = []auth.Role{auth.RoleCoordinator, auth.RoleVolunteer, auth.RoleSupervisor, auth.RoleSafeguardingLead,
		auth.RoleAdmin, auth.RoleService}
)

var readers = []auth.Role{auth.RoleReferrer, auth.RoleCoordinator, auth.RoleVolunteer, auth.RoleSupervisor,
	auth.RoleSafeguardingLead, auth.RoleNationalAnalyst, auth.RoleAdmin, auth.RoleService}

// Server is the SchedulingService gRPC API.
type Server struct {
	schedulingv1.UnimplementedSchedulingServiceServer
	app *app.App
}

// NewServer returns the API over the use cases.
func NewServer(a *app.App) *Server { return &Server{app: a} }

// RegisterCentre adds a centre to the directory.
func (s *Server) RegisterCentre(ctx context.Context, req *schedulingv1.RegisterCentreRequest) (*schedulingv1.RegisterCentreResponse, error) {
	d, err := details(req.GetDetails())
	if err != nil {
		return nil, err
	}
	resp, err := command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, func(ctx context.Context, md eventstore.Metadata) (*schedulingv1.RegisterCentreResponse, *eventstore.UnitOfWork, error) {
		v, uow, err := s.app.RegisterCentre(ctx, d, md)
		return &schedulingv1.RegisterCentreResponse{Centre: centre(v)}, uow, err
	})
	return resp, translate(adapters.Refusal(err))
}

// UpdateCentre changes a centre's details.
func (s *Server) UpdateCentre(ctx context.Context, req *schedulingv1.UpdateCentreRequest) (*schedulingv1.UpdateCentreResponse, error) {
	d, err := details(req.GetDetails())
	if err != nil {
		return nil, err
	}
	id, err := centreID(req.GetCentreId())
	if err != nil {
		return nil, err
	}
	resp, err := command.OnceSaying(ctx, s.app.Store(), req, s.app.Now, func(ctx context.Context, md eventstore.Metadata) (*schedulingv1.UpdateCentreResponse, *eventstore.UnitOfWork, error) {
		v, warnings, uow, err := s.app.UpdateCentre(ctx, id, req.GetExpectedVersion(), d, md)
		return &schedulingv1.UpdateCentreResponse{Centre: centre(v), ServiceWithdrawnWarnings: warnings}, uow, err
	})
	return resp, translate(adapters.Refusal(err))
}

// GetCentre reads one centre.
func (s *Server) GetCentre(ctx context.Context, req *schedulingv1.GetCentreRequest) (*schedulingv1.GetCentreResponse, error) {
	id, err := centreID(req.GetCentreId())
	if err != nil {
		return nil, err
	}
	v, err := s.app.GetCentre(ctx, id)
	if err != nil {
		return nil, translate(err)
	}
	return &schedulingv1.GetCentreResponse{Centre: centre(v)}, nil
}

// ListCentres reads a page of centres.
func (s *Server) ListCentres(ctx context.Context, req *schedulingv1.ListCentresRequest) (*schedulingv1.ListCentresResponse, error) {
	page, next, err := s.app.ListCentres(ctx, req.GetRegion(), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, translate(err)
	}
	resp := &schedulingv1.ListCentresResponse{NextPageToken: next}
	for _, v := range page {
		resp.Centres = append(resp.Centres, centre(v))
	}
	return resp, nil
}

func centreID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, problem.Invalid("centre_id", "must be a UUID")
	}
	return id, nil
}

func details(d *schedulingv1.CentreDetails) (domain.Details, error) {
	out := domain.Details{Name: d.GetName(), Region: d.GetRegion(), ServiceTypes: d.GetServiceTypes(),
		Accreditation: d.GetAccreditationStatus()}
	if ad := d.GetAccreditationDate(); ad != nil {
		t, ok := dates.FromParts(int(ad.GetYear()), int(ad.GetMonth()), int(ad.GetDay()))
		if !ok {
			return out, problem.Invalid("details.accreditation_date", "is not a real date")
		}
		out.AccreditedOn = t
	}
	return out, nil
}

// translate puts the domain's field names into the request's, for grpcx to map.
func translate(err error) error {
	var invalid *domain.Invalid
	if errors.As(err, &invalid) {
		p := &problem.InvalidError{}
		for _, v := range invalid.Violations {
			p.Violations = append(p.Violations, problem.Violation{Field: "details." + v.Field, Reason: v.Reason})
		}
		return p
	}
	return err
}

func centre(v adapters.CentreView) *schedulingv1.Centre {
	return &schedulingv1.Centre{CentreId: v.ID.String(), Name: v.Details.Name, Region: v.Details.Region,
		ServiceTypes: v.Details.ServiceTypes, AccreditationStatus: v.Details.Accreditation,
		AccreditationDate: dates.Proto(v.Details.AccreditedOn), Version: v.Version}
}
