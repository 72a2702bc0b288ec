package domain

import (
	"slices"
	"time"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// graveQuestions are the risk questions besides domestic abuse (decision 191 has its own rule)
// whose "yes" an amendment answering "no" does not take back (decision 338): an abduction risk,
// an injunction in force and substance misuse. Each says something of the family's safety at the
// centre that screening alone weighs (the rating, the kind of contact, the stagger), that a
// self-referral's second parent may be the only one to say, and that the other parent would
// most want gone. Other concerns are not among them: what they are is in the risk notes, and a
// second parent's notes stay on the case whatever the answers become (decision 274).
var graveQuestions = []referralv1.RiskQuestion{
	referralv1.RiskQuestion_RISK_QUESTION_ABDUCTION_RISK,
	referralv1.RiskQuestion_RISK_QUESTION_INJUNCTION,
	referralv1.RiskQuestion_RISK_QUESTION_SUBSTANCE_MISUSE,
}

// says reports whether the answers say yes to q.
func (r Risk) says(q referralv1.RiskQuestion) bool {
	switch q {
	case referralv1.RiskQuestion_RISK_QUESTION_DOMESTIC_ABUSE:
		return r.DomesticAbuse
	case referralv1.RiskQuestion_RISK_QUESTION_INJUNCTION:
		return r.Injunction
	case referralv1.RiskQuestion_RISK_QUESTION_SUBSTANCE_MISUSE:
		return r.SubstanceMisuse
	case referralv1.RiskQuestion_RISK_QUESTION_ABDUCTION_RISK:
		return r.AbductionRisk
	case referralv1.RiskQuestion_RISK_QUESTION_OTHER_CONCERNS:
		return r.OtherConcerns
	}
	return false
}

// RiskRetraction is a grave risk answer (graveQuestions) disclosed on the referral and later
// answered no by an amendment: a retraction, for the safeguarding lead to weigh (decision 338).
type RiskRetraction struct {
	Question referralv1.RiskQuestion
	// DisclosedOn is the day it was first answered yes on the referral (at submission, in the
	// second parent's application or by an amendment); RetractedOn the day of the latest
	// amendment answering it no.
	DisclosedOn, RetractedOn time.Time
	// Weighed is whether the safeguarding lead's screen, with a note, was recorded since.
	Weighed bool
}

// graveDisclosures is what a referral remembers of its grave risk answers, from its own events:
// the day each was first answered yes, and each that an amendment answered no since.
type graveDisclosures struct {
	disclosedOn map[referralv1.RiskQuestion]time.Time
	retracted   []RiskRetraction
}

// answered notes the risk answers now standing from on, where they were was: a yes is a
// disclosure (its first day kept), and a yes again takes the retraction's place; a no after a yes
// is a retraction that no one has weighed, even where an earlier one of it was.
func (g *graveDisclosures) answered(was, now Risk, on time.Time) {
	for _, q := range graveQuestions {
		i := slices.IndexFunc(g.retracted, func(x RiskRetraction) bool { return x.Question == q })
		switch {
		case now.says(q):
			if g.disclosedOn == nil {
				g.disclosedOn = map[referralv1.RiskQuestion]time.Time{}
			}
			if _, ok := g.disclosedOn[q]; !ok {
				g.disclosedOn[q] = on
			}
			if i >= 0 {
				g.retracted = slices.Delete(g.retracted, i, i+1)
			}
		case was.says(q):
			r := RiskRetraction{Question: q, DisclosedOn: g.disclosedOn[q], RetractedOn: on}
			if i >= 0 {
				g.retracted[i] = r
			} else {
				g.retracted = append(g.retracted, r)
			}
		}
	}
}

// weighedByLead notes the safeguarding lead's screen: it weighs every retraction standing.
func (g *graveDisclosures) weighedByLead() {
	for i := range g.retracted {
		g.retracted[i].Weighed = true
	}
}

// unweighed reports whether a retraction of q stands that no lead's screen has weighed; any
// question when q is unspecified.
func (g *graveDisclosures) unweighed(q referralv1.RiskQuestion) bool {
	return slices.ContainsFunc(g.retracted, func(x RiskRetraction) bool {
		return !x.Weighed && (q == referralv1.RiskQuestion_RISK_QUESTION_UNSPECIFIED || x.Question == q)
	})
}

// retractedBy are the grave questions the answers was said yes to and now answers no to.
func retractedBy(was, now Risk) []referralv1.RiskQuestion {
	var out []referralv1.RiskQuestion
	for _, q := range graveQuestions {
		if was.says(q) && !now.says(q) {
			out = append(out, q)
		}
	}
	return out
}

// RiskRetractions are the grave risk answers disclosed on the referral and since answered no, in
// the order first retracted, each with whether the lead's screen has weighed it (decision 338).
func (r *Referral) RiskRetractions() []RiskRetraction { return slices.Clone(r.grave.retracted) }

// ApplicationRisk is, on a self-referral both parents applied to, each application's own answers
// to the risk questions: whose "yes" each of the referral's answers is (decision 338). ok is
// false for any other referral.
func (r *Referral) ApplicationRisk() (first, second Risk, ok bool) {
	return r.firstApplicationRisk, r.secondApplicationRisk, r.secondApplied
}

// leavingUnweighed is the contradiction of details d letting the children leave the centre while
// an abduction risk disclosed on the referral stands answered no with no lead's screen having
// weighed it since (or d answers it no where the referral says yes): a "no" nobody weighed lets
// no one take the children out (decisions 242 and 338). None when d answers it yes: that is
// contradictions' own.
func (r *Referral) leavingUnweighed(d Details) []contradiction {
	abduction := referralv1.RiskQuestion_RISK_QUESTION_ABDUCTION_RISK
	retracting := r.facts.Risk.AbductionRisk && !d.Risk.AbductionRisk
	if !d.ChildrenMayLeaveCentre || d.Risk.AbductionRisk || !(retracting || r.grave.unweighed(abduction)) {
		return nil
	}
	return []contradiction{{-1, "children_may_leave_centre", "must be false: a child's risk of abduction was disclosed on the " +
		"referral and is answered no since, which the safeguarding lead has not weighed (a later \"no\" does not take a disclosure " +
		"back); the children may leave the centre once the lead's screen, with a note, has weighed it"}}
}

// contradictionsHeld are the referral's contradictions as recorded (Details.contradictions, for
// its kind of contact) with leavingUnweighed's.
func (r *Referral) contradictionsHeld(today time.Time) []contradiction {
	d := r.Details()
	return append(d.contradictions(r.contactKind(), today), r.leavingUnweighed(d)...)
}
