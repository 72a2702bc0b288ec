package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Rule says who may call one RPC.
type Rule struct {
	// Roles that may call it.
	Roles []Role
	// CentreScoped: the request's centre_id must be one of the caller's centres (national roles
	// pass). The request message must have a string field centre_id.
	CentreScoped bool
	// Refused, when set, is told of each refusal of an authenticated caller by this rule, with its
	// reason, before the refusal is returned: a service audits the refused reads of what it
	// guards (safeguarding, decision 297). A caller without a token is refused before it, and it
	// is never told of them.
	Refused func(ctx context.Context, req proto.Message, reason string)
}

// Policy maps every RPC, by full method name ("/familytime.scheduling.v1.SchedulingService/
// RegisterCentre"), to its rule. Deny by default: an RPC missing from the policy is refused.
type Policy map[string]Rule

// Merge returns a policy holding the rules of all.
func Merge(policies ...Policy) Policy {
	out := Policy{}
	for _, p := range policies {
		for m, r := range p {
			out[m] = r
		}
	}
	return out
}

// ActingRole is the role the caller acts in when calling method: the first of the rule's roles
// the caller holds (the policy lists them in the order the RPC is meant for, so a coordinator who
// is also an administrator books as a coordinator). Empty when the caller holds none.
func (p Policy) ActingRole(method string, c *Claims) Role {
	for _, r := range p[method].Roles {
		if c != nil && c.Has(r) {
			return r
		}
	}
	return ""
}

type actingRoleKey struct{}

// WithActingRole returns a context carrying the role the caller acts in (Policy.ActingRole), which
// the events the call records carry (command.Metadata).
func WithActingRole(ctx context.Context, r Role) context.Context {
	return context.WithValue(ctx, actingRoleKey{}, r)
}

// ActingRoleFrom is the role the caller acts in, if authorized.
func ActingRoleFrom(ctx context.Context) Role {
	r, _ := ctx.Value(actingRoleKey{}).(Role)
	return r
}

// Authorize decides whether the caller in ctx may call method with req. Its errors are gRPC
// statuses: Unauthenticated without a caller, PermissionDenied otherwise.
func (p Policy) Authorize(ctx context.Context, method string, req proto.Message) error {
	err := p.authorize(ctx, method, req)
	if rule := p[method]; err != nil && rule.Refused != nil && status.Code(err) == codes.PermissionDenied {
		reason := ""
		for _, d := range status.Convert(err).Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				reason = info.GetReason()
			}
		}
		rule.Refused(ctx, req, reason)
	}
	return err
}

func (p Policy) authorize(ctx context.Context, method string, req proto.Message) error {
	claims, ok := FromContext(ctx)
	if !ok {
		return status.Error(codes.Unauthenticated, "a bearer token is required")
	}
	rule, ok := p[method]
	if !ok {
		return denied(ReasonNotOpen, "%s is not open to any role", method)
	}
	if !slices.ContainsFunc(claims.Roles, func(r Role) bool { return slices.Contains(rule.Roles, r) }) {
		return denied(ReasonRoleRequired, "%s %s", call(method), NeedsRoles(rule.Roles))
	}
	if !rule.CentreScoped {
		return nil
	}
	// A national caller passes for any centre, but only in the roles they hold there: a national
	// role, or one their token gives them at that centre (review 8: an administrator who
	// volunteers at A and coordinates at B did a coordinator's casework at A).
	centre, err := centreOf(req)
	if err != nil {
		return denied(ReasonCentreRequired, "%s: %v", call(method), err)
	}
	if !claims.InCentre(centre) {
		return denied(ReasonOutsideCentres, "%s: centre %s is outside the caller's centres", call(method), centre)
	}
	if !slices.ContainsFunc(claims.RolesAt(centre), func(r Role) bool { return slices.Contains(rule.Roles, r) }) {
		return denied(ReasonRoleRequired, "%s %s at centre %s", call(method), NeedsRoles(rule.Roles), centre)
	}
	return nil
}

// The reasons of a policy's refusals (PermissionDenied), so that they too carry one to switch on
// (review 45: a refusal for the wrong role had none, where every other refusal does, decision 258).
const (
	// ReasonRoleRequired: the caller holds none of the roles the call needs (there).
	ReasonRoleRequired = "ROLE_REQUIRED"
	// ReasonOutsideCentres: the request's centre is not one of the caller's.
	ReasonOutsideCentres = "OUTSIDE_YOUR_CENTRES"
	// ReasonCentreRequired: a centre-scoped call without a centre to check.
	ReasonCentreRequired = "CENTRE_REQUIRED"
	// ReasonNotOpen: the call is open to no role.
	ReasonNotOpen = "NOT_OPEN"
)

// ErrorDomain is the ErrorInfo domain of the policy's refusals: the platform's (grpcx.Domain,
// which imports this package).
const ErrorDomain = "familytime"

// Denied is a PermissionDenied refusal with its reason: the one way a handler refuses a caller, so
// that its refusal carries a reason to switch on as the policy's do (review 50: a coordinator's
// figures of another centre had none).
func Denied(reason, format string, args ...any) error { return denied(reason, format, args...) }

// denied is a PermissionDenied refusal with its reason.
func denied(reason, format string, args ...any) error {
	st, err := status.New(codes.PermissionDenied, fmt.Sprintf(format, args...)).
		WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain})
	if err != nil {
		return status.Errorf(codes.PermissionDenied, format, args...)
	}
	return st.Err()
}

// Scope is ctx with the caller as they act at the centre a centre-scoped method's request names
// (Claims.At): a role the caller holds at another centre of theirs counts for nothing in the
// handler either (decision 106), national callers' included (decision 110). Other methods, and
// a flat token without a national role, keep ctx as it is. It is called once Authorize has
// allowed the call.
func (p Policy) Scope(ctx context.Context, method string, req proto.Message) context.Context {
	claims, ok := FromContext(ctx)
	if !ok || !p[method].CentreScoped || (!claims.National() && claims.CentreRoles == nil) {
		return ctx
	}
	centre, err := centreOf(req)
	if err != nil {
		return ctx
	}
	return WithClaims(ctx, claims.At(centre))
}

// Centre is the centre a centre-scoped method's request names; scoped is false for other methods
// and for a request without a centre (Authorize has refused those already).
func (p Policy) Centre(method string, req proto.Message) (centre uuid.UUID, scoped bool) {
	if !p[method].CentreScoped {
		return uuid.Nil, false
	}
	centre, err := centreOf(req)
	return centre, err == nil
}

func centreOf(req proto.Message) (uuid.UUID, error) {
	if req == nil {
		return uuid.Nil, errors.New("no request to read the centre from")
	}
	fd := req.ProtoReflect().Descriptor().Fields().ByName("centre_id")
	if fd == nil || fd.Kind() != protoreflect.StringKind {
		return uuid.Nil, errors.New("request names no centre")
	}
	id, err := uuid.Parse(req.ProtoReflect().Get(fd).String())
	if err != nil {
		return uuid.Nil, errors.New("request's centre_id is not a UUID")
	}
	return id, nil
}

// roleList names the roles a person may hold, for a refusal they read: the platform's own
// services' role is no one's (review 11 read "needs one of the roles service, supervisor, ...").
func roleList(roles []Role) string {
	var s []string
	for _, r := range roles {
		if r != RoleService || len(roles) == 1 {
			s = append(s, string(r))
		}
	}
	return strings.Join(s, ", ")
}

// The words of a ROLE_REQUIRED refusal before its roles: one role is "the role coordinator", not
// "one of the roles coordinator" (review 51).
const (
	needsOneRole  = "needs the role "
	needsAnyRole  = "needs one of the roles "
	needsAtCentre = " at centre "
)

// NeedsRoles says which roles a call needs, as a ROLE_REQUIRED refusal says it: "needs the role
// coordinator", "needs one of the roles supervisor, coordinator" (roleList: never the services').
func NeedsRoles(roles []Role) string {
	list := roleList(roles)
	if strings.Contains(list, ", ") {
		return needsAnyRole + list
	}
	return needsOneRole + list
}

// RolesNeeded reads a ROLE_REQUIRED refusal's message (NeedsRoles, then " at centre C" when it
// names one): the call it names, the roles, and the centre. ok is false for any other message.
// The CLI reads it to say who does what; it is the one place that knows the wording.
func RolesNeeded(msg string) (call string, roles []Role, centre string, ok bool) {
	call, rest, found := strings.Cut(msg, " "+needsAnyRole)
	if !found {
		if call, rest, found = strings.Cut(msg, " "+needsOneRole); !found {
			return "", nil, "", false
		}
	}
	rest, centre, _ = strings.Cut(rest, needsAtCentre)
	for _, r := range strings.Split(rest, ", ") {
		if role, err := ParseRole(strings.TrimSpace(r)); err == nil {
			roles = append(roles, role)
		}
	}
	return call, roles, strings.TrimSpace(centre), len(roles) > 0
}

// call is a method's name for a person: "ListHolds", not its full gRPC path.
func call(method string) string {
	return method[strings.LastIndexByte(method, '/')+1:]
}

// CheckComplete reports every RPC of the services without a rule, every rule for a method that
// does not exist, rules with no roles, and centre-scoped rules whose request has no centre_id.
// Each service has a test that calls it, so an RPC without a policy entry fails the build.
func CheckComplete(p Policy, services ...protoreflect.ServiceDescriptor) error {
	var problems []string
	known := map[string]bool{}
	for _, sd := range services {
		for i := range sd.Methods().Len() {
			md := sd.Methods().Get(i)
			name := "/" + string(sd.FullName()) + "/" + string(md.Name())
			known[name] = true
			rule, ok := p[name]
			switch {
			case !ok:
				problems = append(problems, name+" has no policy rule")
			case len(rule.Roles) == 0:
				problems = append(problems, name+" allows no role")
			case rule.CentreScoped:
				if fd := md.Input().Fields().ByName("centre_id"); fd == nil || fd.Kind() != protoreflect.StringKind {
					problems = append(problems, name+" is centre-scoped but its request has no centre_id")
				}
			}
		}
	}
	for name := range p {
		if !known[name] {
			problems = append(problems, name+" has a rule but is no RPC of the services")
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("policy incomplete:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}
