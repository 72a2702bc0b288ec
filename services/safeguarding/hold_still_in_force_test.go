package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Decision 340's Left (decision 345): a family under two holds, one for the whole family and one
// raised from a concern. Lifting either says the other still stands (its id, when placed, its
// concern) and that contact stays suspended; lifting the last says nothing of the kind. A retry
// of the lift is answered the same.
func TestLiftingOneOfTwoHoldsSaysTheOtherStillStands(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	family := g.families(t, 1)[0]
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	raised, err := g.as(t, "volunteer-1", auth.RoleVolunteer).RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(),
		CentreId: g.centre.String(), FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT,
		Description: "child upset at handover"})
	require.NoError(t, err)
	concern := raised.GetConcernId()
	place := func(concern string) *safeguardingv1.Hold {
		t.Helper()
		placed, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION, ReviewBy: review(14),
			Note: "Looking into what the child said", ConcernId: concern})
		require.NoError(t, err)
		return placed.GetHold()
	}
	whole, fromConcern := place(""), place(concern)

	req := &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), HoldId: fromConcern.GetHoldId(),
		Note: "The concern was looked into: nothing in it"}
	lifted, err := lead.LiftHold(ctx, req)
	require.NoError(t, err)
	require.NotNil(t, lifted.GetHold().GetLiftedOn())
	require.Len(t, lifted.GetHoldsStillInForce(), 1)
	still := lifted.GetHoldsStillInForce()[0]
	require.True(t, proto.Equal(whole, still), "the other hold, as the lead reads it")
	placedOn := ymdOf(whole.GetPlacedOn())
	require.Equal(t, "HOLD_STILL_IN_FORCE: another hold on the family is still in force: hold "+whole.GetHoldId()+", placed on "+
		placedOn+" for no concern named (familytime safeguarding lift "+whole.GetHoldId()+" --centre "+g.centre.String()+" --note ...). The family's contact stays suspended "+
		"until every hold is lifted: nothing is booked and the door refuses the family (ON_HOLD); do not tell the family contact resumes",
		lifted.GetHoldWarning())
	require.NotContains(t, lifted.GetHoldWarning(), "Looking into", "no note in the warning")
	again, err := lead.LiftHold(ctx, req)
	require.NoError(t, err)
	require.True(t, again.GetReplayed())
	require.Equal(t, lifted.GetHoldWarning(), again.GetHoldWarning(), "a retry is answered the same")

	// The other way round: the whole family's lifted while the concern's stands.
	fromConcern = place(concern)
	lifted, err = lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		HoldId: whole.GetHoldId(), Note: "The family's situation was looked into"})
	require.NoError(t, err)
	require.Len(t, lifted.GetHoldsStillInForce(), 1)
	require.Equal(t, fromConcern.GetHoldId(), lifted.GetHoldsStillInForce()[0].GetHoldId())
	require.Contains(t, lifted.GetHoldWarning(), "hold "+fromConcern.GetHoldId()+", placed on "+ymdOf(fromConcern.GetPlacedOn())+
		" for concern "+concern+" (familytime safeguarding lift "+fromConcern.GetHoldId()+" --centre "+g.centre.String()+" --note ...)")

	// The last lifted: contact may resume, and nothing is said of another hold.
	lifted, err = lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		HoldId: fromConcern.GetHoldId(), Note: "The concern was looked into: nothing in it"})
	require.NoError(t, err)
	require.Empty(t, lifted.GetHoldsStillInForce())
	require.Empty(t, lifted.GetHoldWarning())
}

// ymdOf is d as YYYY-MM-DD.
func ymdOf(d interface {
	GetYear() int32
	GetMonth() int32
	GetDay() int32
}) string {
	return time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
