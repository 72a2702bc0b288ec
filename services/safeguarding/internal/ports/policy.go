// Package ports translates between the safeguarding service and the outside: its gRPC API and the
// events it consumes from referral (ReferralReceived) and scheduling (SessionCompleted).
package ports

import (
	"context"
	"log/slog"
	"strings"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/command"
	"github.com/familytime/familytime/services/safeguarding/internal/app"
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
	svc + "MoveConcern":           {Roles: lead, CentreScoped: true},
	svc + "CorrectRecord":         {Roles: centreStaff, CentreScoped: true},
	svc + "PlaceHold":             {Roles: lead, CentreScoped: true},
	svc + "LiftHold":              {Roles: lead, CentreScoped: true},
	svc + "ReviewHold":            {Roles: lead, CentreScoped: true},
	svc + "ListHolds":             {Roles: append([]auth.Role{auth.RoleService}, planners...), CentreScoped: true},
	svc + "DraftReport":           {Roles: []auth.Role{auth.RoleSupervisor, auth.RoleSafeguardingLead}, CentreScoped: true},
	svc + "SubmitReportForCheck":  {Roles: []auth.Role{auth.RoleSupervisor, auth.RoleSafeguardingLead}, CentreScoped: true},
	svc + "CheckReport":           {Roles: []auth.Role{auth.RoleSupervisor, auth.RoleSafeguardingLead}, CentreScoped: true},
	svc + "ReleaseReport":         {Roles: lead, CentreScoped: true},
	svc + "SendReportCopies":      {Roles: lead, CentreScoped: true},
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

// PolicyFor is Policy with the reads of a family's safeguarding text (a concern, a report, the
// whole record) audited when the policy refuses them to an authenticated caller, for the role or a
// centre not theirs (review 48, decision 297): the refusal is recorded on the family's audit, as a
// read given is, with who asked, in which roles, for what and why it was refused. A caller without
// a token is refused before the policy, and nothing is recorded for them.
func PolicyFor(a *app.App) auth.Policy {
	out := auth.Merge(Policy)
	audited := map[string]safeguardingv1.RecordKind{
		svc + "GetConcern":            safeguardingv1.RecordKind_RECORD_KIND_CONCERN,
		svc + "GetReport":             safeguardingv1.RecordKind_RECORD_KIND_REPORT,
		svc + "GetSafeguardingRecord": safeguardingv1.RecordKind_RECORD_KIND_SAFEGUARDING_RECORD,
	}
	for method, kind := range audited {
		rule := out[method]
		rule.Refused = func(ctx context.Context, req proto.Message, reason string) {
			refusedByPolicy(ctx, a, kind, req, reason)
		}
		out[method] = rule
	}
	return out
}

// refusedByPolicy records a read the policy refused (App.ReadRefused): the record asked for, the
// caller, and the roles their token gives them at the centre they named.
func refusedByPolicy(ctx context.Context, a *app.App, kind safeguardingv1.RecordKind, req proto.Message, reason string) {
	claims, ok := auth.FromContext(ctx)
	if !ok {
		return
	}
	var record, centre string
	switch r := req.(type) {
	case *safeguardingv1.GetConcernRequest:
		record, centre = r.GetConcernId(), r.GetCentreId()
	case *safeguardingv1.GetReportRequest:
		record, centre = r.GetReportId(), r.GetCentreId()
	case *safeguardingv1.GetSafeguardingRecordRequest:
		record, centre = r.GetFamilyId(), r.GetCentreId()
	}
	id, err := uuid.Parse(record)
	if err != nil {
		return // validated before the policy: never here
	}
	asked, _ := uuid.Parse(centre)
	var roles []string
	for _, r := range claims.RolesAt(asked) {
		roles = append(roles, string(r))
	}
	if len(roles) == 0 {
		// None at the centre named (a referrer's token, another centre's lead): the token's own,
		// so the lead sees who tried (review 54: a referrer's 31 tries showed no role).
		for _, r := range claims.Roles {
			roles = append(roles, string(r))
		}
	}
	// A caller acting only as a referrer is recorded by their pseudonym, as their commands are
	// (decision 271): their account may be a parent's e-mail address.
	subject := command.MetadataIn(ctx, a.Store(), uuid.Nil).Actor
	if err := a.ReadRefused(ctx, app.Refusal{Subject: subject, Role: strings.Join(roles, ","), Kind: kind, Record: id,
		AskedCentre: asked, Reason: reason}); err != nil {
		slog.WarnContext(ctx, "refused read not recorded", "kind", kind.String(), "error", err)
	}
}
