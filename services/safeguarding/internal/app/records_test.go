package app

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// A record's summary is what a safeguarding lead reads down the family's record: plain words,
// never an enum's name.
func TestSummariesAreInPlainWords(t *testing.T) {
	review := &commonv1.Date{Year: 2026, Month: 3, Day: 2}
	for _, c := range []struct {
		msg  proto.Message
		want string
	}{
		{&safeguardingv1.ConcernRaised{Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_ABDUCTION_RISK, PersonIds: []string{"a", "b"}},
			"concern raised: abduction risk, 2 people involved"},
		{&safeguardingv1.ConcernRaised{Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, PersonIds: []string{"a"}},
			"concern raised: neglect, 1 person involved"},
		{&safeguardingv1.ConcernRaised{Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT},
			"concern raised: neglect, no one involved"},
		{&safeguardingv1.ConcernEscalated{Agency: safeguardingv1.Agency_AGENCY_LOCAL_AUTHORITY_CHILDRENS_SERVICES},
			"escalated to local authority childrens services"},
		{&safeguardingv1.HoldPlaced{HoldId: "h1", Reason: safeguardingv1.HoldReason_HOLD_REASON_COURT_ORDER, ReviewBy: review},
			"hold h1 placed: court order, review by 2026-03-02"},
		{&safeguardingv1.RiskScreenedProvisionally{Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER,
			Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_SUBSTANCE_MISUSE, safeguardingv1.RiskFactor_RISK_FACTOR_MENTAL_HEALTH}},
			"provisional screen: amber (substance misuse, mental health)"},
		{&safeguardingv1.RiskAssessed{Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, NextReviewOn: review},
			"risk assessed: green, domestic abuse found: no, review by 2026-03-02"},
		{&safeguardingv1.RiskAssessed{Rating: safeguardingv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true, NextReviewOn: review,
			Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}},
			"risk assessed: red (domestic abuse), domestic abuse found: yes, review by 2026-03-02"},
		{&safeguardingv1.RecordCorrected{CorrectsEventType: "familytime.safeguarding.v1.ConcernActionAdded", CorrectsEventId: "e1"},
			"correction of concern action added e1"},
	} {
		require.Equal(t, c.want, summary(c.msg))
	}
}
