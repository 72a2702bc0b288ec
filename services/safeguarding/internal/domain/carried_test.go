package domain

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/weighing"
)

// Review 37 #3: a disclosure of domestic abuse carried to the family after its latest assessment
// is put before a person again, even when an earlier disclosure named the factor, as scheduling
// stops contact for it (decision 225); one flagged on or before the assessment's day is weighed by
// it, whichever was heard of first; the same flag again, or another while one waits, records
// nothing; the next assessment weighs it.
func TestACarriedDisclosureWaitsForAnAssessmentOnOrAfterIt(t *testing.T) {
	red, green := safeguardingv1.RiskRating_RISK_RATING_RED, safeguardingv1.RiskRating_RISK_RATING_GREEN
	da := safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE
	day := func(n int) time.Time { return monday.AddDate(0, 0, n) }
	family, referral, centre := uuid.New(), uuid.New(), uuid.New()
	var recorded []Recorded
	keep := func(evs []proto.Message, err error) []proto.Message {
		require.NoError(t, err)
		for _, ev := range evs {
			recorded = append(recorded, Recorded{ID: uuid.New(), Event: ev})
		}
		return evs
	}
	r, _ := RebuildRisk(family, nil)
	keep(r.ScreenReferral(referral, centre, &referralv1.RiskAnswers{}, day(0)))
	evs := keep(r.DisclosureCarried(referral, centre, weighing.Moment{On: day(0)}))
	require.Len(t, evs, 1, "before any assessment: screened as the family's disclosure")
	first := evs[0].(*safeguardingv1.RiskScreenedProvisionally)
	require.True(t, first.GetDisclosureCarried())
	require.Nil(t, first.GetCarriedAfterAssessmentOn(), "no assessment to come after")
	require.Equal(t, day(0), r.DisclosureCarriedOn())
	require.Empty(t, keep(r.DisclosureCarried(referral, centre, weighing.Moment{On: day(1)})), "the screen names it already: before a person")

	keep(r.Assess(lead, Assessment{Centre: centre, Rating: green, NextReview: day(90), Note: "Not this family's abuse: checked"}, day(2)))
	require.True(t, r.DisclosureCarriedOn().IsZero(), "weighed by the assessment")
	require.Equal(t, day(2), r.AssessedOn())
	for _, on := range []time.Time{day(1), day(2)} {
		require.Empty(t, keep(r.DisclosureCarried(referral, centre, weighing.Moment{On: on})), "flagged on %s: the assessment of %s weighs it", on, day(2))
	}
	require.False(t, r.Provisional())

	evs = keep(r.DisclosureCarried(referral, centre, weighing.Moment{On: day(3)}))
	require.Len(t, evs, 1, "flagged after the assessment, though the factor was disclosed before")
	again := evs[0].(*safeguardingv1.RiskScreenedProvisionally)
	require.True(t, again.GetDisclosureCarried())
	require.True(t, proto.Equal(dates.Proto(day(2)), again.GetCarriedAfterAssessmentOn()))
	require.True(t, r.Provisional())
	require.Equal(t, red, r.Rating())
	require.Equal(t, []safeguardingv1.RiskFactor{da}, r.Factors())
	require.Equal(t, day(3), r.Due(), "due the day it was carried")
	require.Equal(t, day(3), r.DisclosureCarriedOn())
	for _, on := range []time.Time{day(3), day(4)} {
		require.Empty(t, keep(r.DisclosureCarried(referral, centre, weighing.Moment{On: on})), "flagged on %s: before a person already", on)
	}
	require.Equal(t, day(3), r.DisclosureCarriedOn())

	rebuilt, err := RebuildRisk(family, recorded)
	require.NoError(t, err)
	require.Equal(t, day(3), rebuilt.DisclosureCarriedOn(), "the record says it")
	require.Equal(t, day(2), rebuilt.AssessedOn())

	keep(r.Assess(lead, Assessment{Centre: centre, Rating: green, NextReview: day(90), Note: "The other referral is another child's"}, day(4)))
	require.True(t, r.DisclosureCarriedOn().IsZero())
	require.Empty(t, keep(r.DisclosureCarried(referral, centre, weighing.Moment{On: day(3)})), "the old flag again")

	t.Run("with a finding standing", func(t *testing.T) {
		r, _ := RebuildRisk(uuid.New(), nil)
		_, err := r.ScreenReferral(referral, centre, &referralv1.RiskAnswers{DomesticAbuse: true}, day(0))
		require.NoError(t, err)
		_, err = r.Assess(lead, Assessment{Centre: centre, Rating: red, Factors: []safeguardingv1.RiskFactor{da}, DomesticAbuseFinding: true,
			NextReview: day(60)}, day(0))
		require.NoError(t, err)
		evs, err := r.DisclosureCarried(referral, centre, weighing.Moment{On: day(1)})
		require.NoError(t, err)
		require.Len(t, evs, 1, "another disclosure is the lead's to weigh too")
		require.Equal(t, red, r.Rating())
		require.True(t, r.DomesticAbuseFinding(), "the finding stands until a person clears it")
	})
}

// The lead assesses at 09:00 and a disclosure is carried at 14:00 the same day: the assessment,
// recorded before it, does not weigh it, and the family is put before the lead again; a flag
// recorded before the assessment, heard of after it, is weighed. An assessment or flag without an
// instant (recorded before instants were kept) weighs by dates, as before (decision 249).
func TestACarriedDisclosureIsWeighedByTheInstantsOfTheFlagAndTheAssessment(t *testing.T) {
	green := safeguardingv1.RiskRating_RISK_RATING_GREEN
	d := monday.AddDate(0, 0, 2)
	at := func(h int) time.Time { return d.Add(time.Duration(h) * time.Hour) }
	family, referral, centre := uuid.New(), uuid.New(), uuid.New()
	assessedAt := func(when time.Time) *Risk {
		r, _ := RebuildRisk(family, nil)
		screen, err := r.ScreenReferral(referral, centre, &referralv1.RiskAnswers{}, monday)
		require.NoError(t, err)
		assessed, err := r.Assess(lead, Assessment{Centre: centre, Rating: green, NextReview: d.AddDate(0, 0, 90)}, d)
		require.NoError(t, err)
		r, err = RebuildRisk(family, []Recorded{{ID: uuid.New(), Event: screen[0], At: monday}, {ID: uuid.New(), Event: assessed[0], At: when}})
		require.NoError(t, err)
		return r
	}

	r := assessedAt(at(9))
	require.Empty(t, keep2(t)(r.DisclosureCarried(referral, centre, weighing.Moment{On: d, At: at(8)})), "recorded before the assessment: weighed")
	require.Empty(t, keep2(t)(r.DisclosureCarried(referral, centre, weighing.Moment{On: d, At: at(9)})), "at the same instant: weighed")
	evs := keep2(t)(r.DisclosureCarried(referral, centre, weighing.Moment{On: d, At: at(14)}))
	require.Len(t, evs, 1, "carried at 14:00, after the assessment of 09:00 the same day")
	screen := evs[0].(*safeguardingv1.RiskScreenedProvisionally)
	require.True(t, proto.Equal(dates.Proto(d), screen.GetCarriedAfterAssessmentOn()))
	require.Equal(t, at(14), screen.GetFlaggedAt().AsTime())
	require.True(t, r.Provisional())
	require.Equal(t, d, r.DisclosureCarriedOn())

	// Without an instant on either side, dates: the assessment of the day weighs the flag of the day.
	require.Empty(t, keep2(t)(assessedAt(time.Time{}).DisclosureCarried(referral, centre, weighing.Moment{On: d, At: at(14)})))
	require.Empty(t, keep2(t)(assessedAt(at(9)).DisclosureCarried(referral, centre, weighing.Moment{On: d})))
	require.Len(t, keep2(t)(assessedAt(time.Time{}).DisclosureCarried(referral, centre, weighing.Moment{On: d.AddDate(0, 0, 1)})), 1)
}

// keep2 requires no error and gives the events.
func keep2(t *testing.T) func([]proto.Message, error) []proto.Message {
	return func(evs []proto.Message, err error) []proto.Message {
		t.Helper()
		require.NoError(t, err)
		return evs
	}
}
