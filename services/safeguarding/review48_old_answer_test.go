package safeguarding_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Decision 287's Left: the answers of action, escalate and close were recorded as a bare
// ConcernSummary before decision 287, and as their RPC's response since. A retry, after the
// upgrade, of a request first carried out before it read the old bytes as the new response and
// failed (Internal). It is answered what was recorded, said replayed, and nothing is recorded
// again; an answer that reads as neither is refused ALREADY_CARRIED_OUT, never Internal.
func TestARetryOfAConcernCommandAnsweredBeforeTheUpgradeIsAnswered(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	family := g.families(t, 1)[0]
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	raised, err := g.as(t, "volunteer-1", auth.RoleVolunteer).RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(),
		CentreId: g.centre.String(), FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT,
		Description: "child hungry at handover"})
	require.NoError(t, err)
	k := raised.GetConcernId()
	centre := g.centre.String()
	action := &safeguardingv1.AddConcernActionRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: k, Action: "spoke to mother"}
	escalate := &safeguardingv1.EscalateConcernRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: k,
		Agency: safeguardingv1.Agency_AGENCY_LOCAL_AUTHORITY_CHILDRENS_SERVICES, Reference: "LA-4512"}
	closing := &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: k, Note: "taken on by children's services",
		Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_TAKEN_ON_BY_AGENCY}
	acted, err := lead.AddConcernAction(ctx, action)
	require.NoError(t, err)
	escalated, err := lead.EscalateConcern(ctx, escalate)
	require.NoError(t, err)
	closed, err := lead.CloseConcern(ctx, closing)
	require.NoError(t, err)

	// Each answer as it was recorded before decision 287: the concern's summary alone.
	owner := g.db.OwnerPool(t)
	recordOld := func(request string, outcome []byte) {
		t.Helper()
		tag, err := owner.Exec(ctx, "UPDATE requests SET outcome = $2 WHERE request_id = $1", request, outcome)
		require.NoError(t, err)
		require.EqualValues(t, 1, tag.RowsAffected())
	}
	old := func(s *safeguardingv1.ConcernSummary) []byte {
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(s)
		require.NoError(t, err)
		return b
	}
	recordOld(action.GetRequestId(), old(acted.GetConcern()))
	recordOld(escalate.GetRequestId(), old(escalated.GetConcern()))
	recordOld(closing.GetRequestId(), old(closed.GetConcern()))
	before := g.events(t)

	again, err := lead.AddConcernAction(ctx, action)
	require.NoError(t, err)
	require.True(t, proto.Equal(acted.GetConcern(), again.GetConcern()), "the summary recorded then")
	require.True(t, again.GetReplayed())
	require.Nil(t, again.GetAnsweredAt(), "not known: the old answer had no time")
	escalatedAgain, err := lead.EscalateConcern(ctx, escalate)
	require.NoError(t, err)
	require.True(t, proto.Equal(escalated.GetConcern(), escalatedAgain.GetConcern()))
	require.True(t, escalatedAgain.GetReplayed())
	closedAgain, err := lead.CloseConcern(ctx, closing)
	require.NoError(t, err)
	require.True(t, proto.Equal(closed.GetConcern(), closedAgain.GetConcern()))
	require.True(t, closedAgain.GetReplayed())
	require.Equal(t, before, g.events(t), "nothing carried out again")

	// An answer that reads as neither shape is refused, saying the command was carried out.
	recordOld(action.GetRequestId(), []byte{0xff, 0xff, 0xff})
	_, err = lead.AddConcernAction(ctx, action)
	require.Equal(t, codes.FailedPrecondition, code(t, err), "%v", err)
	require.Equal(t, "ALREADY_CARRIED_OUT", reason(t, err))
	require.Equal(t, before, g.events(t))
}
