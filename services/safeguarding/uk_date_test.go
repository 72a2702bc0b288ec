package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
)

// Review 82 (M1; decision 405): at 00:30 on a British Summer Time morning (23:30 UTC the day
// before) a hold was dated the day before, so the parent's copy said contact was suspended a day
// early, and a concern raised at 00:30 on 1 July counted in the quarter before. Safeguarding's
// records are dated in the UK, as referral's and scheduling's are.
func TestSafeguardingDatesItsRecordsInTheUK(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	clk := clock.NewSimulated(time.Date(2027, 4, 4, 0, 30, 0, 0, london))
	g := newRig(t, clk)
	g.theUsualStaff(t)
	ctx := t.Context()
	family := g.families(t, 1)[0]
	raised, err := g.as(t, "volunteer-1", auth.RoleVolunteer).RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(),
		CentreId: g.centre.String(), FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT,
		Description: "The child was hungry at the start of the session"})
	require.NoError(t, err)
	got, err := g.as(t, "lead-1", auth.RoleSafeguardingLead).GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(),
		ConcernId: raised.GetConcernId(), Purpose: "checking the date"})
	require.NoError(t, err)
	on := got.GetConcern().GetSummary().GetRaisedOn()
	require.Equal(t, [3]int32{2027, 4, 4}, [3]int32{on.GetYear(), on.GetMonth(), on.GetDay()}, "the UK's date, not UTC's 2027-04-03")
}
