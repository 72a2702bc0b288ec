package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
)

// Review 31 (decision 214): a referral whose answers name other concerns, screened green by a
// coordinator at referral, was listed for the lead "screened, unconfirmed, amber, overdue" on the
// day of the screen, while referral said "screening: green". The lead's row now says both what
// the answers suggest and what the person screened, a person's lower screen still lowers nothing
// (an assessment does that), and a provisional screen is due the day it was made and overdue
// only from the next day.
func TestTheLeadSeesThePersonsScreenBesideTheAnswersAndItIsDueOnTheDay(t *testing.T) {
	now := time.Now().UTC()
	clk := clock.NewSimulated(now)
	g := newRig(t, clk)
	g.theUsualStaff(t)
	ctx := t.Context()
	green, amber, red := safeguardingv1.RiskRating_RISK_RATING_GREEN, safeguardingv1.RiskRating_RISK_RATING_AMBER,
		safeguardingv1.RiskRating_RISK_RATING_RED

	// Three families whose answers name other concerns (amber from the answers): the first
	// screened green at referral, the second red, the third not yet screened by a person.
	f := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	refs := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
	var received []proto.Message
	for i, family := range f {
		received = append(received, &referralv1.ReferralReceived{ReferralId: refs[i], FamilyId: family.String(), CentreId: g.centre.String(),
			ReceivedOn: review(0), Facts: &referralv1.ReferralFacts{Risk: &referralv1.RiskAnswers{OtherConcerns: true}}})
	}
	g.otherFamilies(t, "referral", f, g.centre, received...)
	require.Eventually(t, func() bool {
		return g.eventsOfType(t, "familytime.safeguarding.v1.RiskScreenedProvisionally") == 3
	}, 30*time.Second, 20*time.Millisecond, "each referral's answers screened amber")
	g.otherFamilies(t, "referral", f[:2], g.centre,
		&referralv1.ScreeningRecorded{ReferralId: refs[0], FamilyId: f[0].String(), CentreId: g.centre.String(), ScreenedOn: review(0),
			Rating: referralv1.RiskRating_RISK_RATING_GREEN},
		&referralv1.ScreeningRecorded{ReferralId: refs[1], FamilyId: f[1].String(), CentreId: g.centre.String(), ScreenedOn: review(0),
			Rating: referralv1.RiskRating_RISK_RATING_RED})

	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	rows := func() map[uuid.UUID]*safeguardingv1.RiskReview {
		t.Helper()
		resp, err := lead.ListRiskReviews(ctx, &safeguardingv1.ListRiskReviewsRequest{CentreId: g.centre.String()})
		require.NoError(t, err)
		out := map[uuid.UUID]*safeguardingv1.RiskReview{}
		for _, r := range resp.GetReviews() {
			out[uuid.MustParse(r.GetRisk().GetFamilyId())] = r
		}
		return out
	}
	var got map[uuid.UUID]*safeguardingv1.RiskReview
	require.Eventually(t, func() bool {
		got = rows()
		return len(got) == 3 && got[f[0]].GetScreenedAtReferral() != nil && got[f[1]].GetRisk().GetRating() == red
	}, 30*time.Second, 20*time.Millisecond, "the person's screens reach the lead's list")

	// The green screen: the risk stays amber, from the answers, and the lead is told both.
	a := got[f[0]]
	require.Equal(t, amber, a.GetRisk().GetRating(), "a person's lower screen at referral lowers nothing")
	require.True(t, a.GetRisk().GetProvisional())
	require.Equal(t, amber, a.GetAnswersRating(), "what the answers suggest")
	require.True(t, proto.Equal(&safeguardingv1.ScreenAtReferral{ReferralId: refs[0], ScreenedOn: review(0), Rating: green},
		a.GetScreenedAtReferral()), "what the person screened: %v", a.GetScreenedAtReferral())
	require.True(t, proto.Equal(review(0), a.GetDueOn()), "due the day it was screened")
	require.False(t, a.GetOverdue(), "due today, not overdue on the day of the screen")
	var streamed int
	require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM events WHERE stream_id = $1", "risk-"+f[0].String()).Scan(&streamed))
	require.Equal(t, 1, streamed, "the lower screen appends nothing to the family's risk")

	// The red screen raises the risk, as before (decision 159), and the row says the answers gave amber.
	b := got[f[1]]
	require.Equal(t, red, b.GetRisk().GetRating())
	require.Equal(t, amber, b.GetAnswersRating())
	require.Equal(t, red, b.GetScreenedAtReferral().GetRating())
	require.False(t, b.GetOverdue())

	// Not yet screened by a person: the answers only.
	c := got[f[2]]
	require.Equal(t, amber, c.GetRisk().GetRating())
	require.Equal(t, amber, c.GetAnswersRating())
	require.Nil(t, c.GetScreenedAtReferral())
	require.False(t, c.GetOverdue())

	// The next day, the lead's confirmation is late: overdue.
	require.NoError(t, clk.Set(now.AddDate(0, 0, 1)))
	for family, r := range rows() {
		require.True(t, r.GetOverdue(), "the day after the screen: %s", family)
		require.True(t, proto.Equal(review(0), r.GetDueOn()))
	}

	// Once the lead assesses the family, the row is the assessment's, with no screen at referral.
	_, err := lead.AssessRisk(ctx, &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: f[0].String(), Rating: amber, Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_OTHER},
		NextReviewOn: review(30)})
	require.NoError(t, err)
	resp, err := lead.ListRiskReviews(ctx, &safeguardingv1.ListRiskReviewsRequest{CentreId: g.centre.String(), DueBy: review(40)})
	require.NoError(t, err)
	var assessed *safeguardingv1.RiskReview
	for _, r := range resp.GetReviews() {
		if r.GetRisk().GetFamilyId() == f[0].String() {
			assessed = r
		}
	}
	require.NotNil(t, assessed)
	require.False(t, assessed.GetRisk().GetProvisional())
	require.True(t, proto.Equal(review(30), assessed.GetDueOn()))
	require.False(t, assessed.GetOverdue())
	require.Nil(t, assessed.GetScreenedAtReferral(), "the assessment supersedes the screen at referral")
	require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_UNSPECIFIED, assessed.GetAnswersRating())

	// The screen's rating goes with the family's erasure.
	noted := func(family uuid.UUID) int {
		var n int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM screens_at_referral WHERE family_id = $1", family).Scan(&n))
		return n
	}
	require.Equal(t, 1, noted(f[1]))
	g.other(t, "referral", f[1], g.centre, &referralv1.FamilyErased{ReferralId: refs[1], FamilyId: f[1].String(), CentreId: g.centre.String()})
	require.Eventually(t, func() bool { return noted(f[1]) == 0 }, 30*time.Second, 20*time.Millisecond, "forgotten at erasure")
}
