// Package ports translates between the safeguarding service and the outside: its gRPC API and the
// events it consumes from referral (ReferralReceived) and scheduling (SessionCompleted).
package ports

import (
	"github.com/familytime/familytime/services/platform/auth"
)

const svc = "/familytime.safeguarding.v1.SafeguardingService/"

var (
	lead        = []auth.Role{auth.RoleSafeguardingLead}
	centreStaff = []auth.Role{auth.RoleVolunteer, auth.RoleSupervisor, auth.RoleCoordinator, auth.RoleSafeguardingLead}
	planners    = []auth.Role{auth.RoleSupervisor, auth.RoleCoordinator, auth.RoleSafeguardingLead}
)

// Policy says who may call each RPC. Every rule is centre-scoped: a safeguarding lead is the lead
// of their centres only. National analysts have no rule here: they see counts through reporting,
// never safeguarding text. Administrators only read the audit. Finer rules (a volunteer reads only
// what they raised, the author never checks their own report) are the domain's.
var Policy = auth.Policy{
	svc + "AssessRisk":            {Roles: []auth.Role{auth.RoleSafeguardingLead, auth.RoleCoordinator}, CentreScoped: true},
	svc + "RaiseConcern":          {Roles: centreStaff, CentreScoped: true},
	svc + "GetConcern":            {Roles: centreStaff, CentreScoped: true},
	svc + "AddConcernAction":      {Roles: lead, CentreScoped: true},
	svc + "EscalateConcern":       {Roles: lead, CentreScoped: true},
	svc + "CloseConcern":          {Roles: lead, CentreScoped: true},
	svc + "CorrectRecord":         {Roles: centreStaff, CentreScoped: true},
	svc + "PlaceHold":             {Roles: lead, CentreScoped: true},
	svc + "LiftHold":              {Roles: lead, CentreScoped: true},
	svc + "ReviewHold":            {Roles: lead, CentreScoped: true},
	svc + "ListHolds":             {Roles: append([]auth.Role{auth.RoleService}, planners...), CentreScoped: true},
	svc + "DraftReport":           {Roles: []auth.Role{auth.RoleSupervisor, auth.RoleSafeguardingLead}, CentreScoped: true},
	svc + "SubmitReportForCheck":  {Roles: []auth.Role{auth.RoleSupervisor, auth.RoleSafeguardingLead}, CentreScoped: true},
	svc + "CheckReport":           {Roles: []auth.Role{auth.RoleSupervisor, auth.RoleSafeguardingLead}, CentreScoped: true},
	svc + "ReleaseReport":         {Roles: lead, CentreScoped: true},
	svc + "ReassignReport":        {Roles: lead, CentreScoped: true},
	svc + "GetReport":             {Roles: []auth.Role{auth.RoleSupervisor, auth.RoleSafeguardingLead}, CentreScoped: true},
	svc + "ListOpenConcerns":      {Roles: lead, CentreScoped: true},
	svc + "ListOverdueReports":    {Roles: planners, CentreScoped: true},
	svc + "ListOpenReports":       {Roles: planners, CentreScoped: true},
	svc + "ListRiskReviews":       {Roles: []auth.Role{auth.RoleSafeguardingLead, auth.RoleCoordinator}, CentreScoped: true},
	svc + "GetSafeguardingRecord": {Roles: lead, CentreScoped: true},
	svc + "ListAlerts":            {Roles: lead, CentreScoped: true},
	svc + "ListAccessRecords":     {Roles: []auth.Role{auth.RoleSafeguardingLead, auth.RoleAdmin}, CentreScoped: true},
}
