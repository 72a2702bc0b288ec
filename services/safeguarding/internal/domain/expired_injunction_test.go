package domain

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// Review 49: a referral's court orders say when they expire (decision 288), yet the screen counted
// a non-molestation order that had expired before the referral as an injunction in force, red. An
// order expired before the screen makes no injunction factor on its own, and the screen says what
// it left out; an order in force that day or later, or with no end, still does, and so does the
// answer "injunction in force".
func TestAnInjunctionThatHadExpiredIsNotWeighedAsInForce(t *testing.T) {
	day := func(t time.Time) *commonv1.Date { return dates.Proto(t) }
	nmo, occupation := referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION, referralv1.CourtOrderKind_COURT_ORDER_KIND_OCCUPATION
	injunction := safeguardingv1.RiskFactor_RISK_FACTOR_INJUNCTION
	green, red := safeguardingv1.RiskRating_RISK_RATING_GREEN, safeguardingv1.RiskRating_RISK_RATING_RED
	made := monday.AddDate(-1, -3, 0)
	expired := &referralv1.CourtOrderRecord{Kind: nmo, MadeOn: day(made), ExpiresOn: day(monday.AddDate(0, 0, -1))}

	for name, tc := range map[string]struct {
		answers *referralv1.RiskAnswers
		orders  []*referralv1.CourtOrderRecord
		rating  safeguardingv1.RiskRating
		factors []safeguardingv1.RiskFactor
		leftOut int
	}{
		"expired the day before the screen": {&referralv1.RiskAnswers{}, []*referralv1.CourtOrderRecord{expired}, green, nil, 1},
		"an occupation order expired": {&referralv1.RiskAnswers{}, []*referralv1.CourtOrderRecord{{Kind: occupation,
			ExpiresOn: day(monday.AddDate(0, -2, 0))}}, green, nil, 1},
		"expiring on the screen's day is in force through it": {&referralv1.RiskAnswers{}, []*referralv1.CourtOrderRecord{{Kind: nmo,
			ExpiresOn: day(monday)}}, red, []safeguardingv1.RiskFactor{injunction}, 0},
		"expiring later": {&referralv1.RiskAnswers{}, []*referralv1.CourtOrderRecord{{Kind: nmo, ExpiresOn: day(monday.AddDate(0, 6, 0))}},
			red, []safeguardingv1.RiskFactor{injunction}, 0},
		"no end date": {&referralv1.RiskAnswers{}, []*referralv1.CourtOrderRecord{{Kind: nmo}}, red, []safeguardingv1.RiskFactor{injunction}, 0},
		"answered in force, beside an expired order": {&referralv1.RiskAnswers{Injunction: true}, []*referralv1.CourtOrderRecord{expired},
			red, []safeguardingv1.RiskFactor{injunction}, 0},
		"another order in force": {&referralv1.RiskAnswers{}, []*referralv1.CourtOrderRecord{expired, {Kind: occupation}},
			red, []safeguardingv1.RiskFactor{injunction}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			rating, factors := ProvisionalScreen(tc.answers, monday, tc.orders...)
			require.Equal(t, tc.rating, rating)
			require.Equal(t, tc.factors, factors)

			r, _ := RebuildRisk(uuid.New(), nil)
			evs, err := r.ScreenReferral(uuid.New(), uuid.New(), tc.answers, monday, tc.orders...)
			require.NoError(t, err)
			require.Len(t, evs, 1)
			ev := evs[0].(*safeguardingv1.RiskScreenedProvisionally)
			require.Equal(t, tc.rating, ev.GetRating())
			require.Len(t, ev.GetExpiredInjunctions(), tc.leftOut, "what the screen left out, recorded for the lead")
			require.Len(t, r.ExpiredInjunctions(), tc.leftOut, "and shown with the provisional risk")
		})
	}

	t.Run("what was left out says when the order was made, ended and was screened", func(t *testing.T) {
		family := uuid.New()
		r, _ := RebuildRisk(family, nil)
		evs, err := r.ScreenReferral(uuid.New(), uuid.New(), &referralv1.RiskAnswers{SubstanceMisuse: true}, monday, expired)
		require.NoError(t, err)
		got := evs[0].(*safeguardingv1.RiskScreenedProvisionally).GetExpiredInjunctions()
		require.Len(t, got, 1)
		require.Equal(t, safeguardingv1.InjunctionKind_INJUNCTION_KIND_NON_MOLESTATION, got[0].GetKind())
		require.Equal(t, made, dates.Time(got[0].GetMadeOn()))
		require.Equal(t, monday.AddDate(0, 0, -1), dates.Time(got[0].GetExpiresOn()))
		require.Equal(t, monday, dates.Time(got[0].GetScreenedOn()))
		require.Equal(t, safeguardingv1.RiskRating_RISK_RATING_AMBER, r.Rating(), "the substance misuse alone")

		// Rebuilt from the log, the risk still shows it; a person's assessment has weighed it.
		rebuilt, err := RebuildRisk(family, []Recorded{{ID: uuid.New(), Event: evs[0]}})
		require.NoError(t, err)
		require.Len(t, rebuilt.ExpiredInjunctions(), 1)
		_, err = rebuilt.Assess(lead, Assessment{Centre: uuid.New(), Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER,
			Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_SUBSTANCE_MISUSE}, NextReview: monday.AddDate(0, 1, 0)}, monday)
		require.NoError(t, err)
		require.Empty(t, rebuilt.ExpiredInjunctions())

		// A later answer "injunction in force" counts, and nothing stands left out.
		r2, _ := RebuildRisk(family, nil)
		_, err = r2.ScreenReferral(uuid.New(), uuid.New(), &referralv1.RiskAnswers{}, monday, expired)
		require.NoError(t, err)
		require.Len(t, r2.ExpiredInjunctions(), 1)
		_, err = r2.Rescreen(uuid.New(), uuid.New(), &referralv1.RiskAnswers{Injunction: true}, monday.AddDate(0, 0, 1))
		require.NoError(t, err)
		require.Equal(t, red, r2.Rating())
		require.Empty(t, r2.ExpiredInjunctions())
	})
}
