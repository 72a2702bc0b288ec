package safeguarding_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
)

// Review 61, finding 2 (decision 340): a family's record listed several concerns' escalations,
// actions and closings with nothing to say which concern each was of, so the lead could not tell
// which of two emotional-harm concerns went to the police. Each record of a concern names it; a
// hold's names none.
func TestAFamilysRecordNamesTheConcernOfEachConcernsRecord(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	lead, vol := g.as(t, "lead-1", auth.RoleSafeguardingLead), g.as(t, "volunteer-1", auth.RoleVolunteer)
	family := g.families(t, 1)[0]
	centre := g.centre.String()
	raise := func() string {
		t.Helper()
		k, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_EMOTIONAL_HARM,
			Description: "Child upset at handover"})
		require.NoError(t, err)
		return k.GetConcernId()
	}
	k1, k2 := raise(), raise()
	_, err := lead.EscalateConcern(ctx, &safeguardingv1.EscalateConcernRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: k1,
		Agency: safeguardingv1.Agency_AGENCY_POLICE, Reference: "GMP/2026/123456"})
	require.NoError(t, err)
	_, err = lead.AddConcernAction(ctx, &safeguardingv1.AddConcernActionRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: k2,
		Action: "Spoke with the resident parent"})
	require.NoError(t, err)
	_, err = lead.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: k1,
		Note: "Police investigating", Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_TAKEN_ON_BY_AGENCY})
	require.NoError(t, err)
	_, err = lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: centre, FamilyId: family.String(),
		Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION, ReviewBy: review(14), ConcernId: k1})
	require.NoError(t, err)

	record, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: centre, FamilyId: family.String(),
		Purpose: "weekly review"})
	require.NoError(t, err)
	of := map[string][]string{} // each record's kind, by the concern it names
	for _, r := range record.GetRecords() {
		kind := strings.TrimPrefix(r.GetType(), "familytime.safeguarding.v1.")
		of[r.GetConcernId()] = append(of[r.GetConcernId()], kind)
	}
	require.Equal(t, []string{"ConcernRaised", "LeadAlerted", "ConcernEscalated", "ConcernClosed"}, of[k1], "the police escalation is k1's")
	require.Equal(t, []string{"ConcernRaised", "LeadAlerted", "ConcernActionAdded"}, of[k2])
	require.Contains(t, of[""], "HoldPlaced", "a hold's record is no concern's (the hold names its concern)")
	for _, kind := range of[""] {
		require.False(t, strings.HasPrefix(kind, "Concern"), "every concern's record names it: %s", kind)
	}

	shown, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: centre, ConcernId: k2, Purpose: "weekly review"})
	require.NoError(t, err)
	for _, r := range shown.GetConcern().GetRecords() {
		require.Equal(t, k2, r.GetConcernId(), "concern show's records name it too")
	}
}

// Review 61, finding 6 (decision 340): the family's record read "review by" a date gone, with
// nothing to say so, where the risk reviews said overdue. The record says so by the service's
// clock; a provisional screen's is not an assessment's review.
func TestAFamilysRecordSaysItsRiskReviewIsOverdue(t *testing.T) {
	now := time.Now().UTC()
	clk := clock.NewSimulated(now)
	g := newRig(t, clk)
	g.theUsualStaff(t)
	ctx := t.Context()
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	f := g.families(t, 2) // each screened green from its referral's answers
	_, err := lead.AssessRisk(ctx, &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: f[0].String(), Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, NextReviewOn: review(10)})
	require.NoError(t, err)
	overdue := func(family uuid.UUID) bool {
		t.Helper()
		r, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: g.centre.String(),
			FamilyId: family.String(), Purpose: "weekly review"})
		require.NoError(t, err)
		require.NotNil(t, r.GetRisk())
		return r.GetRiskReviewOverdue()
	}
	require.False(t, overdue(f[0]), "due in 10 days")
	require.NoError(t, clk.Set(now.AddDate(0, 0, 10)))
	require.False(t, overdue(f[0]), "due today: not yet overdue, as the reviews list says")
	require.NoError(t, clk.Set(now.AddDate(0, 0, 11)))
	require.True(t, overdue(f[0]), "its review date has passed")
	require.False(t, overdue(f[1]), "a provisional screen has no review date of an assessment")
}

// Review 61, finding 6 (decision 340): concerns raised the same day were listed in the order of
// their random ids. They are listed in the order raised; one raised before the instant was kept
// (migration 0022) at the start of its day.
func TestOpenConcernsAreListedInTheOrderRaised(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	lead, vol := g.as(t, "lead-1", auth.RoleSafeguardingLead), g.as(t, "volunteer-1", auth.RoleVolunteer)
	family := g.families(t, 1)[0]
	var raised []string
	for range 6 {
		k, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "Child hungry"})
		require.NoError(t, err)
		raised = append(raised, k.GetConcernId())
	}
	list := func() []string {
		t.Helper()
		var out []string
		token := ""
		for {
			resp, err := lead.ListOpenConcerns(ctx, &safeguardingv1.ListOpenConcernsRequest{CentreId: g.centre.String(), PageSize: 4,
				PageToken: token})
			require.NoError(t, err)
			for _, k := range resp.GetConcerns() {
				out = append(out, k.GetConcernId())
			}
			if token = resp.GetNextPageToken(); token == "" {
				return out
			}
		}
	}
	require.Equal(t, raised, list(), "oldest first, page by page")

	_, err := g.db.OwnerPool(t).Exec(ctx, "UPDATE concerns SET raised_at = NULL WHERE concern_id = $1", raised[5])
	require.NoError(t, err)
	require.Equal(t, append([]string{raised[5]}, raised[:5]...), list(), "no instant kept: the start of its day")
}
