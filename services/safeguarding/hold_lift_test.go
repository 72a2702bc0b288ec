package safeguarding_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// A hold names its family: lifting it needs only the hold (the service reads its family), and a
// family given that is not the hold's is refused, saying so, with nothing lifted. A caller that
// names the hold's family lifts it as before.
func TestAHoldIsLiftedByItsIDAlone(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	f := g.families(t, 3)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	hold := func(family uuid.UUID) string {
		placed, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT, ReviewBy: review(14),
			Note: "Shouting at the other parent at the door"})
		require.NoError(t, err)
		return placed.GetHold().GetHoldId()
	}
	first, second := hold(f[0]), hold(f[1])
	lift := func(family, id string) (*safeguardingv1.LiftHoldResponse, error) {
		return lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family, HoldId: id, Note: "Looked into: contact may resume"})
	}

	before := g.events(t)
	_, err := lift(f[2].String(), first)
	require.Equal(t, codes.FailedPrecondition, code(t, err), err)
	require.Equal(t, "HOLD_OF_ANOTHER_FAMILY", reason(t, err))
	require.Contains(t, err.Error(), "hold "+first+" is not on family "+f[2].String())
	// The command as it runs: lift requires --centre (decision 360).
	require.Contains(t, err.Error(), "(familytime safeguarding lift "+first+" --centre "+g.centre.String()+" --note ...: the hold names its family)")
	_, err = lift("", uuid.NewString())
	require.Equal(t, codes.NotFound, code(t, err), "no such hold at the centre")
	require.Equal(t, before, g.events(t), "refused: nothing lifted")

	lifted, err := lift("", first)
	require.NoError(t, err)
	require.Equal(t, f[0].String(), lifted.GetHold().GetFamilyId())
	require.NotNil(t, lifted.GetHold().GetLiftedOn())
	lifted, err = lift(f[1].String(), second) // as before
	require.NoError(t, err)
	require.NotNil(t, lifted.GetHold().GetLiftedOn())
}

// A hold names its family: reviewing it needs only the hold, as lifting it does (decision 226's
// Left); a family given that is not the hold's is refused, with nothing reviewed.
func TestAHoldIsReviewedByItsIDAlone(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	f := g.families(t, 2)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	placed, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: f[0].String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT, ReviewBy: review(14),
		Note: "Shouting at the other parent at the door"})
	require.NoError(t, err)
	id := placed.GetHold().GetHoldId()
	reviewHold := func(family string) (*safeguardingv1.ReviewHoldResponse, error) {
		return lead.ReviewHold(ctx, &safeguardingv1.ReviewHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family, HoldId: id, NextReviewBy: review(30), Note: "Police still looking into it"})
	}

	before := g.events(t)
	_, err = reviewHold(f[1].String())
	require.Equal(t, codes.FailedPrecondition, code(t, err), err)
	require.Equal(t, "HOLD_OF_ANOTHER_FAMILY", reason(t, err))
	require.Contains(t, err.Error(), "nothing was reviewed")
	require.Contains(t, err.Error(), "familytime safeguarding hold review "+id+" --centre "+g.centre.String()+" --next-review-by ... --note ...")
	require.Equal(t, before, g.events(t), "refused: nothing reviewed")

	reviewed, err := reviewHold("")
	require.NoError(t, err)
	require.Equal(t, f[0].String(), reviewed.GetHold().GetFamilyId())
	require.NotNil(t, reviewed.GetHold().GetReviewedOn())
	_, err = reviewHold(f[0].String()) // as before
	require.NoError(t, err)
}

// Review 78 (decision 397): a hold naming a concern about another family of the centre was
// refused "concern not found"; it says the concern is another family's, naming neither, and
// places nothing.
func TestAHoldNamingAnotherFamilysConcernSaysSo(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	f := g.families(t, 2)
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: f[0].String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "Child hungry"})
	require.NoError(t, err)
	before := g.events(t)
	_, err = lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: f[1].String(), ConcernId: raised.GetConcernId(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION,
		ReviewBy: review(14)})
	require.Equal(t, codes.FailedPrecondition, code(t, err), err)
	require.Equal(t, "CONCERN_OF_ANOTHER_FAMILY", reason(t, err))
	require.NotContains(t, err.Error(), f[0].String())
	require.Equal(t, before, g.events(t), "nothing placed")
}
