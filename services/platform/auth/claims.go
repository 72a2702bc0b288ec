// Package auth authenticates callers by JWT bearer token (OIDC-compatible) and authorizes every
// RPC against a declarative policy per service: which roles may call it, and whether the caller's
// centre scope must hold the centre the request names. An RPC missing from the policy is refused.
package auth

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// Role is what a person or service may do.
type Role string

// The roles of DESIGN.md, and RoleService for service-to-service calls.
const (
	RoleReferrer         Role = "referrer"
	RoleCoordinator      Role = "coordinator"
	RoleVolunteer        Role = "volunteer"
	RoleSupervisor       Role = "supervisor"
	RoleSafeguardingLead Role = "safeguarding_lead"
	RoleNationalAnalyst  Role = "national_analyst"
	RoleAdmin            Role = "admin"
	// RoleService is held by the services' own accounts.
	RoleService Role = "service"
)

// Roles lists every role.
var Roles = []Role{RoleReferrer, RoleCoordinator, RoleVolunteer, RoleSupervisor, RoleSafeguardingLead,
	RoleNationalAnalyst, RoleAdmin, RoleService}

// national roles see every centre: their work is national, not one centre's.
var national = []Role{RoleAdmin, RoleNationalAnalyst, RoleService}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	if slices.Contains(Roles, Role(s)) {
		return Role(s), nil
	}
	return "", fmt.Errorf("unknown role %q (roles: referrer, coordinator, volunteer, supervisor, safeguarding_lead, national_analyst, admin, service)", s)
}

// Claims is who the caller is.
type Claims struct {
	// Subject is the account id: never a name.
	Subject string
	// Roles are every role the caller holds, at one centre or at all of theirs.
	Roles []Role
	// Centres are the centres the caller works for.
	Centres []uuid.UUID
	// CentreRoles, when not nil, are the roles the caller holds at each of their centres: a
	// coordinator at one centre may be a volunteer at another (decision 106). Nil: every role in
	// Roles at every centre in Centres, as a token with only the flat claims says.
	CentreRoles map[uuid.UUID][]Role
}

// clone is a copy that shares nothing with c.
func (c *Claims) clone() *Claims {
	out := &Claims{Subject: c.Subject, Roles: slices.Clone(c.Roles), Centres: slices.Clone(c.Centres)}
	if c.CentreRoles != nil {
		out.CentreRoles = make(map[uuid.UUID][]Role, len(c.CentreRoles))
		for id, roles := range c.CentreRoles {
			out.CentreRoles[id] = slices.Clone(roles)
		}
	}
	return out
}

// RolesAt are the roles the caller holds at a centre: their national roles, and the roles they
// hold there (all of Roles at each of Centres when the token has no centre_roles).
func (c *Claims) RolesAt(centre uuid.UUID) []Role {
	var out []Role
	for _, r := range c.Roles {
		held := slices.Contains(national, r)
		if !held && slices.Contains(c.Centres, centre) {
			held = c.CentreRoles == nil || slices.Contains(c.CentreRoles[centre], r)
		}
		if held {
			out = append(out, r)
		}
	}
	return out
}

// At is the caller as they act at a centre: the roles they hold there (RolesAt), and that centre
// alone among theirs. A centre-scoped call sees the caller so (Policy.Scope), so that a role held
// at another centre counts for nothing here.
func (c *Claims) At(centre uuid.UUID) *Claims {
	out := &Claims{Subject: c.Subject, Roles: c.RolesAt(centre)}
	if slices.Contains(c.Centres, centre) {
		out.Centres = []uuid.UUID{centre}
	}
	return out
}

// Has reports whether the caller holds the role.
func (c *Claims) Has(r Role) bool { return slices.Contains(c.Roles, r) }

// National reports whether the caller's work spans every centre.
func (c *Claims) National() bool {
	return slices.ContainsFunc(c.Roles, func(r Role) bool { return slices.Contains(national, r) })
}

// InCentre reports whether the caller may act for the centre.
func (c *Claims) InCentre(id uuid.UUID) bool { return c.National() || slices.Contains(c.Centres, id) }

type claimsKey struct{}

// WithClaims returns a context carrying the caller's claims.
func WithClaims(ctx context.Context, c *Claims) context.Context {
	return context.WithValue(ctx, claimsKey{}, c)
}

// FromContext returns the authenticated caller, if any.
func FromContext(ctx context.Context) (*Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*Claims)
	return c, ok
}
