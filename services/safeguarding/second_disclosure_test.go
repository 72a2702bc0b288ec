package safeguarding_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
)

// Review 37 #3: a second disclosure of domestic abuse carried to a family after the lead's risk
// assessment stopped its contact in scheduling (decision 225) and referral said it was for the
// lead to weigh, but safeguarding recorded nothing (the factor was "known" from the first), so the
// lead's lists and record showed a current green assessment and nothing to act on. A disclosure
// carried after the family's latest assessment now puts the family back before the lead, saying
// why, until the next assessment; a flag an assessment on or after its day weighs (heard of after
// it: the referral stream may lag) and the same flag again record nothing. (Decision 249: "heard of
// after it" is a flag recorded before the assessment, published after it.)
func TestADisclosureCarriedAfterTheAssessmentIsPutBeforeTheLeadAgain(t *testing.T) {
	now := time.Now().UTC()
	clk := clock.NewSimulated(now)
	g := newRig(t, clk)
	g.theUsualStaff(t)
	ctx := t.Context()
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	f := g.families(t, 4) // f[0] the family; the others are heard of after it, to know its flag was handled
	family, centre := f[0], g.centre.String()
	on := func(days int) *commonv1.Date {
		d := now.AddDate(0, 0, days)
		return &commonv1.Date{Year: int32(d.Year()), Month: int32(d.Month()), Day: int32(d.Day())}
	}
	flag := func(family uuid.UUID, day *commonv1.Date) *referralv1.PossibleDuplicateFlagged {
		return &referralv1.PossibleDuplicateFlagged{ReferralId: uuid.NewString(), FamilyId: family.String(), CentreId: centre,
			ChildPersonId: personOf(family, 2), OtherReferralId: uuid.NewString(), FlaggedOn: day, DomesticAbuseDisclosed: true}
	}
	listed := func() map[string]*safeguardingv1.RiskReview {
		resp, err := lead.ListRiskReviews(ctx, &safeguardingv1.ListRiskReviewsRequest{CentreId: centre})
		require.NoError(t, err)
		out := map[string]*safeguardingv1.RiskReview{}
		for _, r := range resp.GetReviews() {
			out[r.GetRisk().GetFamilyId()] = r
		}
		return out
	}
	// heard waits until the flag for the family sentinel, sent after the others, was handled.
	heard := func(sentinel uuid.UUID) {
		require.Eventually(t, func() bool { return listed()[sentinel.String()] != nil }, 30*time.Second, 20*time.Millisecond)
	}
	screens := func() int {
		var n int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM events WHERE stream_id = $1",
			"risk-"+family.String()).Scan(&n))
		return n
	}
	assess := func(note string) {
		_, err := lead.AssessRisk(ctx, &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: family.String(), Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, NextReviewOn: on(90), Note: note})
		require.NoError(t, err)
		require.NotContains(t, listed(), family.String(), "assessed: due in 90 days")
	}

	// The first disclosure is carried and assessed, as before.
	g.other(t, "referral", family, g.centre, flag(family, on(0)))
	require.Eventually(t, func() bool { return listed()[family.String()] != nil }, 30*time.Second, 20*time.Millisecond)
	late := g.otherHeldBack(t, "referral", []uuid.UUID{family, f[1]}, g.centre, flag(family, on(0)), flag(f[1], on(0)))
	assess("Spoke to both parents and the other centre: not this family's abuse")

	// A flag recorded before the assessment, heard of after it, is weighed by it: nothing is recorded.
	before := screens()
	late()
	heard(f[1])
	require.Equal(t, before, screens(), "an assessment on or after the flag's day weighs it")
	require.NotContains(t, listed(), family.String())

	// The next day another disclosure is carried to the family: before the lead again, saying why.
	require.NoError(t, clk.Set(now.AddDate(0, 0, 1)))
	second := flag(family, on(1))
	g.other(t, "referral", family, g.centre, second)
	var got *safeguardingv1.RiskReview
	require.Eventually(t, func() bool { got = listed()[family.String()]; return got != nil }, 30*time.Second, 20*time.Millisecond,
		"a disclosure carried after the assessment is listed for the lead")
	require.True(t, got.GetRisk().GetProvisional(), "a person assesses it")
	require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_RED, got.GetRisk().GetRating())
	require.Contains(t, got.GetRisk().GetFactors(), safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE)
	require.Equal(t, on(1).String(), got.GetDueOn().String(), "due the day it was carried")
	require.False(t, got.GetOverdue())
	require.Equal(t, on(1).String(), got.GetRisk().GetDisclosureCarriedOn().String(), "why: the disclosure carried, and when")
	require.Equal(t, on(0).String(), got.GetRisk().GetAssessedOn().String(), "after the assessment of that day")
	record, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: centre, FamilyId: family.String(),
		Purpose: "why is contact stopped"})
	require.NoError(t, err)
	require.Equal(t, on(1).String(), record.GetRisk().GetDisclosureCarriedOn().String(), "the record says so too")
	last := record.GetRecords()[len(record.GetRecords())-1]
	require.Equal(t, "provisional screen: red (domestic abuse): a disclosure of domestic abuse was carried to the family on "+
		day(on(1))+", after the risk assessment of "+day(on(0))+": assess the risk", last.GetSummary())

	// The same flag again records nothing; neither does another while the first waits.
	before = screens()
	g.otherFamilies(t, "referral", []uuid.UUID{family, family, f[2]}, g.centre, second, flag(family, on(1)), flag(f[2], on(1)))
	heard(f[2])
	require.Equal(t, before, screens(), "the same disclosure is before the lead already")

	// The lead's next assessment clears it, and the old flag (recorded before it) heard of again
	// stops nothing.
	late = g.otherHeldBack(t, "referral", []uuid.UUID{family, f[3]}, g.centre, second, flag(f[3], on(1)))
	assess("The second referral is of another child of the father's: contact here is safe, supported")
	before = screens()
	late()
	heard(f[3])
	require.Equal(t, before, screens())
	require.NotContains(t, listed(), family.String())
	require.True(t, slices.ContainsFunc(record.GetRecords(), func(e *safeguardingv1.RecordEntry) bool {
		return e.GetSummary() == "provisional screen: red (domestic abuse): a disclosure of domestic abuse was carried to the family on "+
			day(on(0))+": assess the risk"
	}), "the first, before any assessment, says it was carried")
}

// Decision 249: the lead assesses the family in the morning, and in the afternoon of the same day
// a disclosure on another referral of the child is carried to its case. Dated the same day, the
// date rule counted it weighed and the family stayed off the lead's list while scheduling stopped
// its contact. Weighed by instants, the assessment recorded before the disclosure does not weigh
// it: the family is before the lead again, until an assessment recorded after it, the same day
// too; a flag recorded before that assessment and heard of after it records nothing.
func TestADisclosureCarriedAfterTheAssessmentTheSameDayIsPutBeforeTheLead(t *testing.T) {
	now := time.Now().UTC()
	g := newRig(t, clock.NewSimulated(now))
	g.theUsualStaff(t)
	ctx := t.Context()
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	f := g.families(t, 3) // f[0] the family; the others are heard of after it, to know its flag was handled
	family, centre := f[0], g.centre.String()
	on := func(days int) *commonv1.Date {
		d := now.AddDate(0, 0, days)
		return &commonv1.Date{Year: int32(d.Year()), Month: int32(d.Month()), Day: int32(d.Day())}
	}
	flag := func(family uuid.UUID) *referralv1.PossibleDuplicateFlagged {
		return &referralv1.PossibleDuplicateFlagged{ReferralId: uuid.NewString(), FamilyId: family.String(), CentreId: centre,
			ChildPersonId: personOf(family, 2), OtherReferralId: uuid.NewString(), FlaggedOn: on(0), DomesticAbuseDisclosed: true}
	}
	listed := func() map[string]*safeguardingv1.RiskReview {
		resp, err := lead.ListRiskReviews(ctx, &safeguardingv1.ListRiskReviewsRequest{CentreId: centre})
		require.NoError(t, err)
		out := map[string]*safeguardingv1.RiskReview{}
		for _, r := range resp.GetReviews() {
			out[r.GetRisk().GetFamilyId()] = r
		}
		return out
	}
	screens := func() int {
		var n int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM events WHERE stream_id = $1",
			"risk-"+family.String()).Scan(&n))
		return n
	}
	assess := func(note string) {
		_, err := lead.AssessRisk(ctx, &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: family.String(), Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, NextReviewOn: on(90), Note: note})
		require.NoError(t, err)
		require.NotContains(t, listed(), family.String(), "assessed: due in 90 days")
	}

	// The first disclosure is carried and assessed in the morning.
	g.other(t, "referral", family, g.centre, flag(family))
	require.Eventually(t, func() bool { return listed()[family.String()] != nil }, 30*time.Second, 20*time.Millisecond)
	assess("Spoke to both parents and the other centre: not this family's abuse")

	// In the afternoon, the same day, another disclosure is carried: before the lead again.
	g.otherFamilies(t, "referral", []uuid.UUID{family, f[1]}, g.centre, flag(family), flag(f[1]))
	require.Eventually(t, func() bool { return listed()[f[1].String()] != nil }, 30*time.Second, 20*time.Millisecond)
	got := listed()[family.String()]
	require.NotNil(t, got, "a disclosure carried after the assessment, the same day, is the lead's to weigh")
	require.True(t, got.GetRisk().GetProvisional())
	require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_RED, got.GetRisk().GetRating())
	require.Equal(t, on(0).String(), got.GetRisk().GetDisclosureCarriedOn().String())
	require.Equal(t, on(0).String(), got.GetRisk().GetAssessedOn().String())
	require.Equal(t, on(0).String(), got.GetDueOn().String(), "due the day it was carried")

	// The lead assesses again that evening: that weighs it; a flag recorded before this
	// assessment, heard of after it, records nothing.
	late := g.otherHeldBack(t, "referral", []uuid.UUID{family, f[2]}, g.centre, flag(family), flag(f[2]))
	assess("The second referral is of another child of the father's: contact here is safe, supported")
	before := screens()
	late()
	require.Eventually(t, func() bool { return listed()[f[2].String()] != nil }, 30*time.Second, 20*time.Millisecond)
	require.Equal(t, before, screens(), "recorded before the assessment: weighed by it")
	require.NotContains(t, listed(), family.String())
}
