package safeguarding_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 73 (decision 373): a volunteer on the centre's register holding a lead's token, asking
// for the family's whole record and for a concern, was refused NOT_THE_LEAD by the register, and
// nothing was on the family's audit, though the same volunteer's try with a coordinator's token
// was (ROLE_REQUIRED). A refusal by the register of someone on it acting in a role it does not
// give them (NOT_THE_LEAD, NOT_IN_ROLE) is now recorded as any refused read; someone not on the
// register at all is still not (decision 297), nor a record the service does not have.
func TestARegisterRefusalOfSomeoneOnItIsAudited(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	family := g.families(t, 1)[0]
	raised, err := g.as(t, "volunteer-2", auth.RoleVolunteer).RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(),
		CentreId: g.centre.String(), FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT,
		Description: "child hungry at handover"})
	require.NoError(t, err)
	concern := raised.GetConcernId()
	refusals := func() int { return g.eventsOfType(t, "familytime.safeguarding.v1.AccessRefused") }
	require.Zero(t, refusals())

	asLead := g.as(t, "volunteer-1", auth.RoleSafeguardingLead)
	_, err = asLead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: g.centre.String(),
		FamilyId: family.String(), Purpose: "probe"})
	require.Equal(t, codes.FailedPrecondition, code(t, err), "%v", err)
	require.Equal(t, "NOT_THE_LEAD", reason(t, err))
	_, err = asLead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: concern, Purpose: "probe"})
	require.Equal(t, "NOT_THE_LEAD", reason(t, err))
	_, err = g.as(t, "volunteer-1", auth.RoleCoordinator).GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(),
		ConcernId: concern, Purpose: "probe"})
	require.Equal(t, "NOT_IN_ROLE", reason(t, err))
	// A NOT_THE_LEAD of the whole record and one of a concern are entries of their own: the kind
	// of record asked for is part of what makes a repeat (decision 412).
	require.Equal(t, 3, refusals())

	// Not recorded: a record the service does not have (no family named), and an account not on
	// the register (decision 297).
	_, err = asLead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: uuid.NewString(), Purpose: "probe"})
	require.Equal(t, "NOT_THE_LEAD", reason(t, err))
	_, err = g.as(t, "stranger-1", auth.RoleSafeguardingLead).GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(),
		ConcernId: concern, Purpose: "probe"})
	require.Equal(t, codes.FailedPrecondition, code(t, err), "%v", err)
	require.NotEqual(t, "NOT_THE_LEAD", reason(t, err))
	require.Equal(t, 3, refusals())

	audit, err := g.as(t, "lead-1", auth.RoleSafeguardingLead).ListAccessRecords(ctx, &safeguardingv1.ListAccessRecordsRequest{
		CentreId: g.centre.String(), FamilyId: family.String()})
	require.NoError(t, err)
	type row struct {
		subject, role, refused, record string
		times                          uint64
	}
	var got []row
	for _, r := range audit.GetRecords() {
		if r.GetRefused() == "" {
			continue
		}
		require.Empty(t, r.GetPurpose(), "a refused read keeps no purpose")
		got = append(got, row{r.GetSubject(), r.GetRole(), r.GetRefused(), r.GetRecordId(), r.GetTimesRefused()})
	}
	require.Equal(t, []row{
		{"volunteer-1", "safeguarding_lead", "NOT_THE_LEAD", family.String(), 1},
		{"volunteer-1", "safeguarding_lead", "NOT_THE_LEAD", concern, 1},
		{"volunteer-1", "coordinator", "NOT_IN_ROLE", concern, 1},
	}, got)
}
