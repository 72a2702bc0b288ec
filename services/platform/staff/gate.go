package staff

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/auth"
)

// staffRoles are the roles someone holds as one of a centre's staff or volunteers, which its
// register records, the ones that do the most first; a referrer, an analyst, an administrator or
// a service is on no register.
var staffRoles = []auth.Role{auth.RoleSafeguardingLead, auth.RoleCoordinator, auth.RoleSupervisor, auth.RoleVolunteer}

// Gate decides a service's centre-scoped calls by the centre's staff register (decision 110): a
// caller acting at the centre as one of its staff makes the call only while the register, as the
// service keeps it, clears them that day (Register.WorksOn), and only in a role the register gives
// them (Register.ActsAs: acting as the safeguarding lead, only as the register's lead), or else in
// another staff role their token holds that the call allows and the register gives them. A token
// says what someone does; the register, kept by the centre, says whether and as what they still
// may: a coordinator who left keeps a token until it expires.
// Its Staff method is a grpcx.StaffGate.
type Gate struct {
	// Policy is the service's, for the roles each call allows.
	Policy auth.Policy
	// Register is the centre's register as the service keeps it (Kept).
	Register func(ctx context.Context, centre uuid.UUID) (*Register, error)
	// Pseudonymous: the register names accounts by their Pseudonym (KeepEvents(true)).
	Pseudonymous bool
	// Today is the date now.
	Today func() time.Time
	// Work says what a refused caller is not cleared to work on: "on the centre's referrals and
	// families".
	Work string
}

// Staff is the call's context, the caller acting as the register allows, or the refusal.
func (g Gate) Staff(ctx context.Context, method string, centre uuid.UUID) (context.Context, error) {
	acting := auth.ActingRoleFrom(ctx)
	c, ok := auth.FromContext(ctx)
	if !ok || !slices.Contains(staffRoles, acting) {
		return ctx, nil
	}
	if !slices.Contains(c.Centres, centre) {
		// A national role passed the policy; the staff role is not held at this centre.
		return ctx, auth.Denied(auth.ReasonOutsideCentres, "you act as %s, and centre %s is not one of yours", acting, centre)
	}
	register, err := g.Register(ctx, centre)
	if err != nil {
		return ctx, err
	}
	account := c.Subject
	if g.Pseudonymous {
		account = Pseudonym(centre, account)
	}
	today := g.Today()
	allows := g.Policy[method].Roles
	if err := register.WorksOn(account, today, g.Work); err != nil {
		return g.otherwise(ctx, c, allows, err)
	}
	err = register.ActsAs(account, today, acting)
	if err == nil {
		return ctx, nil
	}
	// A token with several roles, for someone the register has in another: they act in the
	// first of their token's other roles that the call allows and the register gives them (a
	// lead's token for the register's coordinator acts as the coordinator it also makes them).
	for _, r := range staffRoles {
		if r != acting && c.Has(r) && slices.Contains(allows, r) && register.ActsAs(account, today, r) == nil {
			return auth.WithActingRole(ctx, r), nil
		}
	}
	return g.otherwise(ctx, c, allows, err)
}

// otherwise is the call's context with the caller acting in a role the call allows that is on no
// register (an administrator's, an analyst's) when their token holds one too, or else refused:
// an administrator who also coordinates a centre, and whom its register no longer clears, still
// reads as an administrator what administrators read (review 8).
func (g Gate) otherwise(ctx context.Context, c *auth.Claims, allows []auth.Role, refused error) (context.Context, error) {
	for _, r := range allows {
		if !slices.Contains(staffRoles, r) && r != auth.RoleReferrer && c.Has(r) {
			return auth.WithActingRole(ctx, r), nil
		}
	}
	return ctx, refused
}
