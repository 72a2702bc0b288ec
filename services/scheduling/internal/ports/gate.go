package ports

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/staff"
)

const (
	// sessionsWork and registerWork say what a caller the register does not clear is refused:
	// the centre's sessions (bookings, rooms, patterns, the door), or its staff register.
	sessionsWork = "at the centre's sessions"
	registerWork = "on the centre's staff register"
	registerCall = "/familytime.scheduling.v1.SchedulingService/"
	removeStaff  = registerCall + "RemoveStaffMember"
)

// registerCalls are the staff register's calls: a refusal of them speaks of the register, not of
// the centre's sessions (review 39).
var registerCalls = []string{"AddStaffMember", "RecordStaffCheck", "RemoveStaffMember", "WithdrawStaffLeaving", "ListStaff"}

// Gate is scheduling's staff gate (decision 110): staff.Gate, with a refusal worded by what was
// asked, and a leaving left to RemoveStaffMember to decide when the caller is refused only because
// the register does not clear them: anyone on the staff records their own leaving whatever their
// clearance (decision 87; review 39: a volunteer whose training lapsed could not). The gate does
// not see the request; RemoveStaffMember refuses anyone else's leaving as the gate would have.
func Gate(gate staff.Gate) func(ctx context.Context, method string, centre uuid.UUID) (context.Context, error) {
	return func(ctx context.Context, method string, centre uuid.UUID) (context.Context, error) {
		g := gate
		g.Work = sessionsWork
		if name, ok := strings.CutPrefix(method, registerCall); ok && slices.Contains(registerCalls, name) {
			g.Work = registerWork
		}
		gated, err := g.Staff(ctx, method, centre)
		if err != nil && method == removeStaff && errors.Is(err, staff.ErrNotCleared) {
			return context.WithValue(ctx, unclearedKey{}, err), nil
		}
		return gated, err
	}
}

type unclearedKey struct{}

// ownLeavingOnly is the gate's refusal, kept for RemoveStaffMember, unless the leaving is the
// caller's own: the account is the token's subject exactly (account ids are case-sensitive,
// decision 82). A leaving only takes clearance away, so refusing it protects no child.
func ownLeavingOnly(ctx context.Context, account string) error {
	refused, ok := ctx.Value(unclearedKey{}).(error)
	if !ok {
		return nil
	}
	if c, ok := auth.FromContext(ctx); ok && c.Subject == account {
		return nil
	}
	return refused
}
