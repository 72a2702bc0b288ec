package safeguarding_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Decision 345's and 353's Left (decision 360): a hold placed while another is in force says so
// in its own answer (lifting it alone does not resume contact), and the lift that leaves no hold in
// force names the holds of the suspension it ends, not a hold lifted before that suspension began,
// so that the CLI lists only their bookings as the sessions to book again. A retry is answered the
// same.
func TestAHoldPlacedUnderAnotherSaysSoAndTheLastLiftNamesItsSuspension(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	family := g.families(t, 1)[0]
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	place := func(request string) *safeguardingv1.PlaceHoldResponse {
		t.Helper()
		placed, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: request, CentreId: g.centre.String(),
			FamilyId: family.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT, ReviewBy: review(14),
			Note: "Shouting at the other parent at the door"})
		require.NoError(t, err)
		return placed
	}
	lift := func(hold string) *safeguardingv1.LiftHoldResponse {
		t.Helper()
		lifted, err := lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			HoldId: hold, Note: "Looked into: contact may resume"})
		require.NoError(t, err)
		return lifted
	}

	// An earlier suspension, over: its lift names its one hold.
	early := place(uuid.NewString())
	require.Empty(t, early.GetHoldWarning(), "no other hold was in force")
	require.Empty(t, early.GetHoldsInForce())
	lifted := lift(early.GetHold().GetHoldId())
	require.Equal(t, []string{early.GetHold().GetHoldId()}, lifted.GetSuspensionHoldIds())

	// A new suspension of two holds: the second's answer names the first.
	first := place(uuid.NewString())
	require.Empty(t, first.GetHoldWarning())
	request := uuid.NewString()
	second := place(request)
	require.Len(t, second.GetHoldsInForce(), 1)
	require.True(t, proto.Equal(first.GetHold(), second.GetHoldsInForce()[0]), "the hold in force, as the lead reads it")
	id := first.GetHold().GetHoldId()
	require.Equal(t, "OTHER_HOLD_IN_FORCE: another hold on the family is in force already: hold "+id+", placed on "+
		ymdOf(first.GetHold().GetPlacedOn())+" for no concern named (familytime safeguarding lift "+id+" --centre "+g.centre.String()+
		" --note ...). Lifting this hold does not resume the family's contact: it stays suspended (nothing booked, the door "+
		"refusing the family ON_HOLD) until every hold is lifted, that one too", second.GetHoldWarning())
	require.NotContains(t, second.GetHoldWarning(), "Shouting", "no note in the warning")
	again := place(request)
	require.True(t, again.GetReplayed())
	require.Equal(t, second.GetHoldWarning(), again.GetHoldWarning(), "a retry is answered the same")
	require.Equal(t, second.GetHold().GetHoldId(), again.GetHold().GetHoldId())

	lifted = lift(id)
	require.NotEmpty(t, lifted.GetHoldsStillInForce())
	require.Empty(t, lifted.GetSuspensionHoldIds(), "contact stays suspended: no suspension ended")
	lifted = lift(second.GetHold().GetHoldId())
	require.Empty(t, lifted.GetHoldsStillInForce())
	require.Equal(t, []string{id, second.GetHold().GetHoldId()}, lifted.GetSuspensionHoldIds(),
		"the suspension's holds, oldest first, not the early one lifted before it began")
}
