package cli

import (
	"strings"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// riskAnswersText says the risk questions the referral answers yes to. On a self-referral both
// parents applied to (apps set), it says whose "yes" each is: the referral's answers are both
// applications' together, and the coordinator who amends them, or the lead who screens them,
// must know which parent said what (review 62). A "yes" an application gave that the referral
// answers no since is said too: it was taken back by an amendment (decision 338).
func riskAnswersText(risk *referralv1.RiskAnswers, apps *referralv1.ApplicationRiskAnswers) string {
	var yes, since []string
	for _, q := range []referralv1.RiskQuestion{referralv1.RiskQuestion_RISK_QUESTION_DOMESTIC_ABUSE,
		referralv1.RiskQuestion_RISK_QUESTION_INJUNCTION, referralv1.RiskQuestion_RISK_QUESTION_SUBSTANCE_MISUSE,
		referralv1.RiskQuestion_RISK_QUESTION_ABDUCTION_RISK, referralv1.RiskQuestion_RISK_QUESTION_OTHER_CONCERNS} {
		now := answersYes(risk, q)
		if apps == nil {
			if now {
				yes = append(yes, riskQuestionName(q))
			}
			continue
		}
		first, second := answersYes(apps.GetFirstApplication(), q), answersYes(apps.GetSecondApplication(), q)
		var whose string
		switch {
		case first && second:
			whose = "both applications"
		case first:
			whose = "first application"
		case second:
			whose = "second parent's application"
		case now:
			whose = "by an amendment"
		default:
			continue
		}
		if now {
			yes = append(yes, riskQuestionName(q)+" ("+whose+")")
		} else {
			since = append(since, riskQuestionName(q)+" ("+whose+")")
		}
	}
	text := orDash(strings.Join(yes, ", "))
	if len(since) > 0 {
		text += "; answered yes by an application and no since: " + strings.Join(since, ", ")
	}
	return text
}

// answersYes reports whether the answers say yes to q.
func answersYes(r *referralv1.RiskAnswers, q referralv1.RiskQuestion) bool {
	switch q {
	case referralv1.RiskQuestion_RISK_QUESTION_DOMESTIC_ABUSE:
		return r.GetDomesticAbuse()
	case referralv1.RiskQuestion_RISK_QUESTION_INJUNCTION:
		return r.GetInjunction()
	case referralv1.RiskQuestion_RISK_QUESTION_SUBSTANCE_MISUSE:
		return r.GetSubstanceMisuse()
	case referralv1.RiskQuestion_RISK_QUESTION_ABDUCTION_RISK:
		return r.GetAbductionRisk()
	case referralv1.RiskQuestion_RISK_QUESTION_OTHER_CONCERNS:
		return r.GetOtherConcerns()
	}
	return false
}
