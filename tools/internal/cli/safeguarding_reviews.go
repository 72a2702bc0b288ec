package cli

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// riskReviewDue is a row's DUE: the day it fell due, with what is due (decision 214): the
// assessment's review, the provisional screen, or the first protective step since the last
// assessment, when that came first (decision 287).
func riskReviewDue(r *safeguardingv1.RiskReview) string {
	due := r.GetDueOn()
	if steps := r.GetStepsSinceAssessed(); len(steps) > 0 && due != nil && proto.Equal(due, steps[0].GetTakenOn()) {
		return sgDay(due) + ", " + stepWords(steps[0].GetKind())
	}
	if due == nil && !r.GetRisk().GetProvisional() {
		due = r.GetRisk().GetNextReviewOn()
	}
	if !r.GetRisk().GetProvisional() {
		return sgDay(due) + ", review"
	}
	if due == nil {
		return "screened, unconfirmed" // a service that does not say the day
	}
	return sgDay(due) + ", screened, unconfirmed"
}

// riskReviewScreens is a row's SCREENS: beside a provisional rating, what the referral's answers
// suggest and the latest screen a person recorded at referral, saying so when the risk stands
// above that screen (review 31: the list said amber and overdue where the coordinator had
// screened green that day, and nothing said why). Empty for an assessment.
//
// For a family put before the lead by a disclosure of domestic abuse carried to its referral, it
// says that instead, and after which assessment (review 37): the answers suggest nothing then.
func riskReviewScreens(r *safeguardingv1.RiskReview) string {
	if !r.GetRisk().GetProvisional() {
		return ""
	}
	if why := carriedDisclosure(r.GetRisk()); why != "" {
		return why
	}
	rating := func(x safeguardingv1.RiskRating) string { return friendly("RISK_RATING_", x.String()) }
	words := "answers suggest " + rating(r.GetRisk().GetRating())
	if r.GetAnswersRating() != safeguardingv1.RiskRating_RISK_RATING_UNSPECIFIED {
		words = "answers suggest " + rating(r.GetAnswersRating())
	}
	s := r.GetScreenedAtReferral()
	if s == nil {
		return words + "; no person's screen at referral noted"
	}
	words += fmt.Sprintf("; screened %s at referral on %s", rating(s.GetRating()), sgDay(s.GetScreenedOn()))
	if s.GetDomesticAbuseFinding() {
		words += ", domestic abuse found"
	}
	if s.GetRating() < r.GetRisk().GetRating() {
		words += fmt.Sprintf(": the risk stays %s until a risk assessment", rating(r.GetRisk().GetRating()))
	}
	return words
}

// stepWords is a protective step in words.
func stepWords(k safeguardingv1.ProtectiveStepKind) string {
	if k == safeguardingv1.ProtectiveStepKind_PROTECTIVE_STEP_KIND_HOLD_PLACED {
		return "hold placed"
	}
	return "concern escalated"
}

// riskReviewSteps is a row's SINCE ASSESSED: the protective steps taken since the family's risk
// was last assessed, each with its day, and what to do ("hold placed on D; concern escalated on
// D2: assess the risk"), so that a family whose risk alone reads green is not left unexplained on
// the list (review 48). Empty when none.
func riskReviewSteps(r *safeguardingv1.RiskReview) string {
	steps := r.GetStepsSinceAssessed()
	if len(steps) == 0 {
		return ""
	}
	words := make([]string, len(steps))
	for i, x := range steps {
		words[i] = stepWords(x.GetKind()) + " on " + sgDay(x.GetTakenOn())
	}
	return strings.Join(words, "; ") + ": assess the risk"
}
