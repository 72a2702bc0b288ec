package safeguarding_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 41: an administrator, who may read no family's safeguarding text (decision 91), was given
// every purpose the centre's staff stated for reading it, word for word ("... said the father
// followed her"): the purpose is free text about the family. A national role audits who read what,
// when and in which role, and is told a purpose was given, never its text; the centre's lead,
// on its register, reads the purposes.
func TestANationalRoleAuditsTheReadsButNotThePurposesGiven(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	family := g.families(t, 1)[0]
	raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "child upset at handover"})
	require.NoError(t, err)
	const said = "Zelda told the volunteer the father followed her home from school"
	_, err = lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(), Purpose: said})
	require.NoError(t, err)
	_, err = lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: g.centre.String(),
		FamilyId: family.String(), Purpose: "strategy meeting"})
	require.NoError(t, err)

	audit := func(as safeguardingv1.SafeguardingServiceClient) []*safeguardingv1.AccessRecord {
		t.Helper()
		got, err := as.ListAccessRecords(ctx, &safeguardingv1.ListAccessRecordsRequest{CentreId: g.centre.String(), FamilyId: family.String()})
		require.NoError(t, err)
		require.Len(t, got.GetRecords(), 2)
		return got.GetRecords()
	}
	leads := audit(lead)
	require.Equal(t, said, leads[0].GetPurpose(), "the centre's lead reads why each read was made")
	require.Equal(t, "strategy meeting", leads[1].GetPurpose())
	for _, r := range leads {
		require.False(t, r.GetPurposeWithheld())
	}

	for name, admin := range map[string]safeguardingv1.SafeguardingServiceClient{
		"an administrator": g.as(t, "admin-1", auth.RoleAdmin),
		"an administrator whose token also says lead, on no register": g.as(t, "lead-9", auth.RoleSafeguardingLead, auth.RoleAdmin),
	} {
		got := audit(admin)
		for i, r := range got {
			require.Empty(t, r.GetPurpose(), "%s: the purpose is safeguarding detail about the family", name)
			require.True(t, r.GetPurposeWithheld(), "%s: told that a purpose was given and is not shown", name)
			require.Equal(t, leads[i].GetSubject(), r.GetSubject(), name)
			require.Equal(t, leads[i].GetRole(), r.GetRole(), name)
			require.Equal(t, leads[i].GetKind(), r.GetKind(), name)
			require.Equal(t, leads[i].GetRecordId(), r.GetRecordId(), name)
			require.True(t, leads[i].GetAccessedAt().AsTime().Equal(r.GetAccessedAt().AsTime()), name)
		}
	}
}
