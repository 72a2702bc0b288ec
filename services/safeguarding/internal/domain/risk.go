package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/inwords"
	"github.com/familytime/familytime/services/platform/weighing"
)

// RiskStreamID is the stream of a family's risk: the provisional screen and every assessment.
func RiskStreamID(family uuid.UUID) string { return "risk-" + family.String() }

// MaxReviewAhead is how far ahead an assessment's review may be set: risk is reviewed at least as
// often as a supported case is (DOMAIN.md: every 6 months).
const MaxReviewAhead = 6

// Risk is a family's current risk: a provisional screen of the referral's answers until a person
// assesses it, then the latest assessment.
type Risk struct {
	family, centre uuid.UUID
	referral       uuid.UUID
	rating         safeguardingv1.RiskRating
	factors        []safeguardingv1.RiskFactor
	provisional    bool
	assessed       bool
	daFinding      bool
	// answered are the factors the family's referrals have disclosed so far (their risk answers
	// and injunctions, every parent's): a later answer is weighed against them (Rescreen).
	answered   []safeguardingv1.RiskFactor
	nextReview time.Time
	screenedOn time.Time
	assessedOn time.Time
	// assessedAt is when the latest person's assessment was recorded in safeguarding's log (zero
	// before any, and for one decided but not yet recorded): what weighs a carried disclosure
	// (Weighs).
	assessedAt time.Time
	// findingOn and findingCentre are the date and centre of the assessment that made the
	// domestic-abuse finding standing now (a later assessment that finds it too keeps it the same
	// finding); zero while none stands. findingChecked are the referrals at other centres its
	// lead was told were checked as another family (LeadAlertedOfFindingCheck): each once.
	findingOn      time.Time
	findingCentre  uuid.UUID
	findingChecked map[uuid.UUID]bool
	// carriedOn is the day a disclosure of domestic abuse carried to the family's referral was
	// flagged, as the latest screen of one since the risk was last assessed has it (RiskScreened-
	// Provisionally with disclosure_carried); zero when none, and once a person assesses the risk.
	carriedOn time.Time
	// expired are the injunctions the family's referrals list that had expired before a screen
	// since the risk was last assessed, left out of the injunction factor (screenOf).
	expired []*safeguardingv1.ExpiredInjunction
	version int64
	ledger
}

// RebuildRisk replays a family's risk stream; a family never screened has an empty one.
func RebuildRisk(family uuid.UUID, events []Recorded) (*Risk, error) {
	r := &Risk{family: family}
	for _, ev := range events {
		if err := r.apply(ev.ID, ev.Event); err != nil {
			return nil, err
		}
		if _, ok := ev.Event.(*safeguardingv1.RiskAssessed); ok {
			r.assessedAt = ev.At
		}
	}
	return r, nil
}

func (r *Risk) apply(id uuid.UUID, ev proto.Message) error {
	switch e := ev.(type) {
	case *safeguardingv1.RiskScreenedProvisionally:
		r.centre, r.referral = parseID(e.GetCentreId()), parseID(e.GetReferralId())
		r.rating, r.factors, r.provisional = e.GetRating(), e.GetFactors(), true
		r.screenedOn = dates.Time(e.GetScreenedOn())
		r.answered = union(r.answered, e.GetFactors())
		if slices.Contains(r.factors, safeguardingv1.RiskFactor_RISK_FACTOR_INJUNCTION) {
			r.expired = nil // the risk counts an injunction now: nothing stands left out of it
		}
		r.expired = append(r.expired, e.GetExpiredInjunctions()...)
		if e.GetDisclosureCarried() {
			r.carriedOn = r.screenedOn
		}
		r.note(id, ev, "", false)
	case *safeguardingv1.RiskAssessed:
		switch was := r.daFinding; {
		case e.GetDomesticAbuseFinding() && !was:
			// A finding made (again: one cleared and made again is another, review 33).
			r.findingOn, r.findingCentre, r.findingChecked = dates.Time(e.GetAssessedOn()), parseID(e.GetCentreId()), nil
		case !e.GetDomesticAbuseFinding():
			r.findingOn, r.findingCentre, r.findingChecked = time.Time{}, uuid.Nil, nil
		}
		r.centre = parseID(e.GetCentreId())
		r.rating, r.factors, r.daFinding = e.GetRating(), e.GetFactors(), e.GetDomesticAbuseFinding()
		r.nextReview, r.provisional, r.assessed = dates.Time(e.GetNextReviewOn()), false, true
		// The instant it was recorded is RebuildRisk's to set: one decided here is not recorded yet.
		r.assessedOn, r.assessedAt = dates.Time(e.GetAssessedOn()), time.Time{}
		r.carriedOn = time.Time{} // weighed by a person
		r.expired = nil           // weighed by a person too
		r.note(id, ev, e.GetAssessedBy(), true)
	case *safeguardingv1.LeadAlertedOfFindingCheck:
		if r.findingChecked == nil {
			r.findingChecked = map[uuid.UUID]bool{}
		}
		r.findingChecked[parseID(e.GetCheckedReferralId())] = true
		r.note(id, ev, "", false)
	case *safeguardingv1.RecordCorrected:
		r.note(id, ev, e.GetCorrectedBy(), true)
	default:
		return fmt.Errorf("risk: unexpected event %T", ev)
	}
	r.version++
	return nil
}

// Family is the family whose risk it is.
func (r *Risk) Family() uuid.UUID { return r.family }

// Known reports whether the family has been screened or assessed.
func (r *Risk) Known() bool { return r.version > 0 }

// Rating is the current rating.
func (r *Risk) Rating() safeguardingv1.RiskRating { return r.rating }

// Factors are the current risk factors.
func (r *Risk) Factors() []safeguardingv1.RiskFactor { return slices.Clone(r.factors) }

// Provisional reports whether the rating is the automatic screen, not yet a person's.
func (r *Risk) Provisional() bool { return r.provisional }

// DomesticAbuseFinding reports whether a person found domestic abuse.
func (r *Risk) DomesticAbuseFinding() bool { return r.daFinding }

// FindingMadeOn is the date of the assessment that made the domestic-abuse finding standing now,
// and its centre; zero while none stands.
func (r *Risk) FindingMadeOn() (time.Time, uuid.UUID) { return r.findingOn, r.findingCentre }

// FindingCheckedElsewhere alerts the lead of the centre whose assessment made the family's
// domestic-abuse finding that the lead of checkingCentre checked referral, a possible duplicate
// of the family, is another family, weighing the finding (referral's PossibleDuplicateChecked
// with domestic_abuse_finding): the finding no longer bars that referral, and whether it is the
// family they found it of is the finding's lead's to question too (decision 211's alert, for a
// finding). Nothing is recorded when no finding stands, when it was made at the checking centre
// (the lead who checked is its lead), when it was made after the check's date (a finding made
// since is one the check did not weigh, decision 216), or when its lead was told of the referral
// already (a redelivery, or a second check of the same finding).
func (r *Risk) FindingCheckedElsewhere(checkingCentre, referral uuid.UUID, checkedOn, today time.Time) ([]proto.Message, error) {
	if !r.daFinding || r.findingOn.IsZero() || r.findingCentre == checkingCentre || r.findingOn.After(checkedOn) ||
		r.findingChecked[referral] {
		return nil, nil
	}
	ev := &safeguardingv1.LeadAlertedOfFindingCheck{FamilyId: r.family.String(), CentreId: r.findingCentre.String(),
		FindingMadeOn: dates.Proto(r.findingOn), CheckedAtCentreId: checkingCentre.String(), CheckedReferralId: referral.String(),
		CheckedOn: dates.Proto(checkedOn), AlertedOn: dates.Proto(today)}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// AssessedOn is the date of the latest person's assessment; zero when none.
func (r *Risk) AssessedOn() time.Time { return r.assessedOn }

// DisclosureCarriedOn is the day a disclosure of domestic abuse carried to the family's referral
// was flagged, while the risk is provisional because of it (the latest such since the risk was
// last assessed); zero otherwise.
func (r *Risk) DisclosureCarriedOn() time.Time {
	if !r.provisional {
		return time.Time{}
	}
	return r.carriedOn
}

// ExpiredInjunctions are, while the risk is provisional, the injunctions its referrals list that
// had expired before a screen since the risk was last assessed, and which the screen did not count
// as the injunction factor; none otherwise.
func (r *Risk) ExpiredInjunctions() []*safeguardingv1.ExpiredInjunction {
	if !r.provisional {
		return nil
	}
	return slices.Clone(r.expired)
}

// NextReview is when the assessment must be reviewed; zero while provisional.
func (r *Risk) NextReview() time.Time { return r.nextReview }

// Due is the day a person should look at the family's risk: a provisional screen's the day it was
// made (a person confirms or changes it at once), an assessment's its review date; zero for a
// family never screened.
func (r *Risk) Due() time.Time {
	if r.provisional {
		return r.screenedOn
	}
	return r.nextReview
}

// ProtectiveStep is a hold placed on a family, or a concern about it escalated: a step taken to
// protect a child, which the family's risk as last assessed did not weigh if it came after
// (Risk.StepsSinceAssessed).
type ProtectiveStep struct {
	Kind safeguardingv1.ProtectiveStepKind
	// Taken is the centre's date of the step, and the instant it was recorded in safeguarding's log.
	Taken weighing.Moment
	// Hold is the hold placed, Concern the concern escalated; uuid.Nil for the other kind.
	Hold, Concern uuid.UUID
}

// StepsSinceAssessed are those of steps (oldest first) taken after the family's risk was last
// assessed by a person, all of them when no person has assessed it: each puts the family before a
// person to assess its risk again, until an assessment recorded after it (review 48: after a hold
// and two escalations the record still said green, provisional, and no list said to look). Whether
// the assessment came after a step is decided as for a disclosure carried to the family
// (weighing.Weighs): by the instants they were recorded, on the same day too.
func (r *Risk) StepsSinceAssessed(steps []ProtectiveStep) []ProtectiveStep {
	if !r.assessed {
		return steps
	}
	assessed := weighing.Moment{On: r.assessedOn, At: r.assessedAt}
	var out []ProtectiveStep
	for _, s := range steps {
		if !weighing.Weighs(assessed, s.Taken) {
			out = append(out, s)
		}
	}
	return out
}

// Overdue reports whether the person's look at the risk is late on today: the day it fell due
// (Due) has passed. A provisional screen is due the day it was made and overdue from the next
// day; no decision gives the lead longer, and none less (review 31, decision 214: it was overdue
// the moment it was made, on the day a coordinator screened the referral).
func (r *Risk) Overdue(today time.Time) bool {
	due := r.Due()
	return !due.IsZero() && due.Before(today)
}

// ScreenAtReferral is a person's screen of the family's referral, recorded at referral
// (ScreeningRecorded), as safeguarding notes it beside the family's risk.
type ScreenAtReferral struct {
	Referral             uuid.UUID
	On                   time.Time
	Rating               safeguardingv1.RiskRating
	DomesticAbuseFinding bool
	// Answers is what the screen of the referral's answers rated the risk just before this
	// person's screen (Risk.Shown); unspecified when the risk was assessed then, or never screened.
	Answers safeguardingv1.RiskRating
}

// Shown is what the lead is shown of the family's provisional risk beside its rating (review 31):
// what the screen of the referral's answers rates it, and the latest person's screen at referral
// since the risk was last assessed (s, the latest noted; nil for none), whatever it rated. A
// person's screen above the risk raised it (ScreenedAtReferral), so the answers' rating is then
// the one before it; a screen below lowered nothing and is shown as it is, beside the higher
// rating, never in its place. Nothing is shown for an assessment: it superseded both.
func (r *Risk) Shown(s *ScreenAtReferral) (safeguardingv1.RiskRating, *ScreenAtReferral) {
	if !r.provisional {
		return safeguardingv1.RiskRating_RISK_RATING_UNSPECIFIED, nil
	}
	if s == nil || (r.assessed && s.On.Before(r.assessedOn)) {
		return r.rating, nil
	}
	answers := r.rating
	if s.Rating == r.rating && known(safeguardingv1.RiskRating_name, int32(s.Answers)) && severity(s.Answers) < severity(r.rating) {
		answers = s.Answers
	}
	return answers, s
}

// CentreID is the centre of the latest screen or assessment.
func (r *Risk) CentreID() uuid.UUID { return r.centre }

// Version is the number of events in the family's risk stream.
func (r *Risk) Version() int64 { return r.version }

// ProvisionalScreen works out a rating from a referral's risk answers and the court orders it
// lists, on the day of the screen (today): an injunction (answered, or a non-molestation or
// occupation order listed and in force that day: review 20 found one listed under the answer "no
// injunction" and screened green), domestic abuse or a risk of abduction is red; substance misuse
// or other concerns amber; none green. It is a starting point for a person, who confirms or
// changes it (Assess): it never decides anything.
func ProvisionalScreen(a *referralv1.RiskAnswers, today time.Time, orders ...*referralv1.CourtOrderRecord) (safeguardingv1.RiskRating, []safeguardingv1.RiskFactor) {
	s := screenOf(a, today, orders)
	return ratingOf(s.factors), s.factors
}

// screened is what a screen of a referral's answers found: the factors they name, and the
// injunctions listed that had expired before the screen, left out of the injunction factor.
type screened struct {
	factors []safeguardingv1.RiskFactor
	expired []*safeguardingv1.ExpiredInjunction
}

// screenOf screens answers and orders on today. An order whose last day in force (expires_on) is
// before today is not an injunction in force (decision 288 let the referrer say so; review 49
// found the screen still counting it): it makes no injunction factor on its own. An order with
// no expiry, or in force through today or later, still does, and so does the answer "injunction
// in force", whatever the orders say. The expired ones are returned when they are all that was
// left out of the factor, so the lead sees what the screen did not count, and why.
func screenOf(a *referralv1.RiskAnswers, today time.Time, orders []*referralv1.CourtOrderRecord) screened {
	injunction := a.GetInjunction()
	var expired []*safeguardingv1.ExpiredInjunction
	for _, o := range orders {
		var kind safeguardingv1.InjunctionKind
		switch o.GetKind() {
		case referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION:
			kind = safeguardingv1.InjunctionKind_INJUNCTION_KIND_NON_MOLESTATION
		case referralv1.CourtOrderKind_COURT_ORDER_KIND_OCCUPATION:
			kind = safeguardingv1.InjunctionKind_INJUNCTION_KIND_OCCUPATION
		default:
			continue
		}
		if ends := dates.Time(o.GetExpiresOn()); !ends.IsZero() && ends.Before(today) {
			expired = append(expired, &safeguardingv1.ExpiredInjunction{Kind: kind, MadeOn: o.GetMadeOn(), ExpiresOn: o.GetExpiresOn(),
				ScreenedOn: dates.Proto(today)})
			continue
		}
		injunction = true
	}
	if injunction {
		expired = nil // counted anyway: nothing was left out of the factor
	}
	var factors []safeguardingv1.RiskFactor
	add := func(yes bool, f safeguardingv1.RiskFactor) {
		if yes {
			factors = append(factors, f)
		}
	}
	add(a.GetDomesticAbuse(), safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE)
	add(injunction, safeguardingv1.RiskFactor_RISK_FACTOR_INJUNCTION)
	add(a.GetSubstanceMisuse(), safeguardingv1.RiskFactor_RISK_FACTOR_SUBSTANCE_MISUSE)
	add(a.GetAbductionRisk(), safeguardingv1.RiskFactor_RISK_FACTOR_ABDUCTION)
	add(a.GetOtherConcerns(), safeguardingv1.RiskFactor_RISK_FACTOR_OTHER)
	return screened{factors: factors, expired: expired}
}

// ratingOf is the provisional rating of factors: red for an injunction, domestic abuse or a risk
// of abduction, amber for any other, green for none.
func ratingOf(factors []safeguardingv1.RiskFactor) safeguardingv1.RiskRating {
	rating := safeguardingv1.RiskRating_RISK_RATING_GREEN
	for _, f := range factors {
		switch f {
		case safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE, safeguardingv1.RiskFactor_RISK_FACTOR_INJUNCTION,
			safeguardingv1.RiskFactor_RISK_FACTOR_ABDUCTION:
			return safeguardingv1.RiskRating_RISK_RATING_RED
		default:
			rating = safeguardingv1.RiskRating_RISK_RATING_AMBER
		}
	}
	return rating
}

// severity orders ratings: green, amber, red.
func severity(r safeguardingv1.RiskRating) int {
	switch r {
	case safeguardingv1.RiskRating_RISK_RATING_RED:
		return 3
	case safeguardingv1.RiskRating_RISK_RATING_AMBER:
		return 2
	case safeguardingv1.RiskRating_RISK_RATING_GREEN:
		return 1
	}
	return 0
}

// union is a's factors and those of b not among them, in that order.
func union(a, b []safeguardingv1.RiskFactor) []safeguardingv1.RiskFactor {
	out := slices.Clone(a)
	for _, f := range b {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// ScreenReferral records the provisional screen of a received referral, and Rescreen weighs the
// answers a referral gives later (the other parent's application, an amendment): both through
// screen.
func (r *Risk) ScreenReferral(referral, centre uuid.UUID, answers *referralv1.RiskAnswers, today time.Time,
	orders ...*referralv1.CourtOrderRecord) ([]proto.Message, error) {
	if r.referral == referral && r.Known() {
		return nil, nil // a redelivery of the referral's receipt: its answers are screened
	}
	return r.screen(referral, centre, answers, orders, today)
}

// Rescreen weighs a referral's answers given after its receipt: the other parent's own answers
// on a self-referral, or an amendment's. Review 20: the screen was made once, from the first
// application, so abduction risk and an injunction the other parent disclosed (often the parent
// at risk, who applies second) never reached the lead, and neither did an amendment's.
func (r *Risk) Rescreen(referral, centre uuid.UUID, answers *referralv1.RiskAnswers, today time.Time,
	orders ...*referralv1.CourtOrderRecord) ([]proto.Message, error) {
	return r.screen(referral, centre, answers, orders, today)
}

// screen records a provisional screen when the answers disclose a factor the family's risk has not
// weighed; a disclosure is never taken back by a later answer (a retraction is for a person to
// weigh, not the screen). Before any assessment, the screen is of every factor disclosed so far.
// After one, a person's assessment stands, and a new disclosure puts it before a person again:
// the screen carries the assessment's factors and the new ones, rated at least as the assessment
// was, and is listed for the lead at once (ListRiskReviews) until someone assesses it; a
// domestic-abuse finding stands until a person clears it.
func (r *Risk) screen(referral, centre uuid.UUID, answers *referralv1.RiskAnswers, orders []*referralv1.CourtOrderRecord,
	today time.Time) ([]proto.Message, error) {
	ev := r.screening(referral, centre, answers, orders, today)
	if ev == nil {
		return nil, nil
	}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// screening is screen's event, nil when the answers disclose nothing the risk has not weighed.
func (r *Risk) screening(referral, centre uuid.UUID, answers *referralv1.RiskAnswers, orders []*referralv1.CourtOrderRecord,
	today time.Time) *safeguardingv1.RiskScreenedProvisionally {
	found := screenOf(answers, today, orders)
	disclosed := found.factors
	known := r.answered
	if r.assessed {
		known = union(r.factors, r.answered)
	}
	if r.Known() && len(union(known, disclosed)) == len(known) {
		return nil // nothing new: the risk as it stands has weighed it
	}
	factors := union(r.answered, disclosed)
	rating := ratingOf(factors)
	if r.assessed {
		factors = union(r.factors, factors)
		rating = ratingOf(factors)
	}
	// A screen never rates lower than the risk stands: an assessment's rating, or a person's
	// screen at referral that raised it (ScreenedAtReferral: a coordinator's red over the
	// answers' amber, review 31, which a later disclosure rated from the answers alone took back).
	if r.Known() && severity(r.rating) > severity(rating) {
		rating = r.rating
	}
	ev := &safeguardingv1.RiskScreenedProvisionally{FamilyId: r.family.String(), CentreId: centre.String(),
		ReferralId: referral.String(), ScreenedOn: dates.Proto(today), Rating: rating, Factors: factors}
	if !slices.Contains(factors, safeguardingv1.RiskFactor_RISK_FACTOR_INJUNCTION) {
		ev.ExpiredInjunctions = found.expired // what the lead is shown was not counted, and why
	}
	return ev
}

// DisclosureCarried weighs a disclosure of domestic abuse carried to the family's referral from
// another referral of its child (referral's PossibleDuplicateFlagged with domestic_abuse_disclosed),
// flagged on flagged.On and recorded by referral at flagged.At, as scheduling does (decision 225):
// until a person's assessment that weighs it (Weighs: recorded at or after it, on the same day
// too), it stops the family's contact other than supervised, so it is put before a person. Before any assessment it is screened as the family's disclosure (screen: listed red at
// once, nothing recorded when the screen names domestic abuse already). After one, a flag dated
// after the latest assessment is a disclosure that assessment did not weigh, even though it named
// the factor or a referral disclosed it before (review 37: a second disclosure was "known", and the
// lead was shown a green assessment while contact stopped): the screen carries the assessment's
// factors and domestic abuse, rated red, and says it came after that assessment. Nothing is recorded
// for a flag the latest assessment weighs (heard of first, as the referral stream may lag), nor while a screen naming domestic abuse made since the latest
// assessment waits for a person (the same flag again, or another before the person's look).
func (r *Risk) DisclosureCarried(referral, centre uuid.UUID, flagged weighing.Moment) ([]proto.Message, error) {
	da := safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE
	flaggedOn := flagged.On
	var ev *safeguardingv1.RiskScreenedProvisionally
	switch {
	case !r.assessed:
		ev = r.screening(referral, centre, &referralv1.RiskAnswers{DomesticAbuse: true}, nil, flaggedOn)
	case weighing.Weighs(weighing.Moment{On: r.assessedOn, At: r.assessedAt}, flagged), r.provisional && slices.Contains(r.factors, da):
		// weighed by the assessment, or before a person already: nothing to record
	default:
		factors := union(r.factors, []safeguardingv1.RiskFactor{da})
		ev = &safeguardingv1.RiskScreenedProvisionally{FamilyId: r.family.String(), CentreId: centre.String(),
			ReferralId: referral.String(), ScreenedOn: dates.Proto(flaggedOn), Rating: ratingOf(factors), Factors: factors,
			CarriedAfterAssessmentOn: dates.Proto(r.assessedOn)}
	}
	if ev == nil {
		return nil, nil
	}
	ev.DisclosureCarried, ev.FlaggedAt = true, weighing.Instant(flagged.At)
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// Assessment is a person's assessment.
type Assessment struct {
	Centre               uuid.UUID
	Rating               safeguardingv1.RiskRating
	Factors              []safeguardingv1.RiskFactor
	DomesticAbuseFinding bool
	NextReview           time.Time
	Note                 string
}

// Assess records a person's assessment, confirming or changing the provisional screen. The
// domestic-abuse factor and the finding agree (one is never given without the other), and a
// finding is never rated green; the review is after today and at most 6 months ahead. An
// assessment that finds no domestic abuse where the latest assessment found it clears the finding:
// only the centre's safeguarding lead does that (ErrFindingClearedByLead), with a note saying why in
// words (ErrNoteRequired).
func (r *Risk) Assess(c Caller, a Assessment, today time.Time) ([]proto.Message, error) {
	text := strings.TrimSpace(a.Note)
	var v violations
	if !known(safeguardingv1.RiskRating_name, int32(a.Rating)) {
		v.add("rating", "must be red, amber or green")
	}
	for i, f := range a.Factors {
		if !known(safeguardingv1.RiskFactor_name, int32(f)) || slices.Contains(a.Factors[:i], f) {
			v.add(fmt.Sprintf("factors[%d]", i), "must be a distinct risk factor")
		}
	}
	named := slices.Contains(a.Factors, safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE)
	switch {
	case a.DomesticAbuseFinding && !named:
		v.add("factors", "must include domestic abuse when domestic abuse is found (domestic_abuse_finding)")
	case named && !a.DomesticAbuseFinding:
		v.add("domestic_abuse_finding", "must be true when the factors name domestic abuse: "+
			"the factor and the finding must agree (drop the factor, or record the finding)")
	}
	if a.DomesticAbuseFinding && a.Rating == safeguardingv1.RiskRating_RISK_RATING_GREEN {
		v.add("rating", "cannot be green when domestic abuse is found")
	}
	switch {
	case !a.NextReview.After(today):
		v.add("next_review_on", "must be after today")
	case a.NextReview.After(today.AddDate(0, MaxReviewAhead, 0)):
		v.add("next_review_on", fmt.Sprintf("must be at most %d months ahead", MaxReviewAhead))
	}
	v.text("note", text, MaxText, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	if r.daFinding && !a.DomesticAbuseFinding {
		// Clearing a standing finding brings supported contact back in scheduling and referral
		// (decision 80): the lead's decision alone, and the record says why (decision 92).
		if !c.Lead {
			return nil, ErrFindingClearedByLead
		}
		if !inwords.Says(text) {
			return nil, ErrNoteRequired
		}
	}
	if r.Lowers(a.Rating, a.Factors) {
		// Rated lower, or a factor dropped, the family leaves the lead's list and its contact may
		// go ahead with less care: said why, and from red by the lead alone (reviews 20 and 21,
		// decision 159).
		if r.rating == safeguardingv1.RiskRating_RISK_RATING_RED && !c.Lead {
			return nil, ErrRedLoweredByLead
		}
		if !inwords.Says(text) {
			return nil, ErrLoweringNoteRequired
		}
	}
	ev := &safeguardingv1.RiskAssessed{FamilyId: r.family.String(), CentreId: a.Centre.String(), AssessedOn: dates.Proto(today),
		Rating: a.Rating, Factors: a.Factors, DomesticAbuseFinding: a.DomesticAbuseFinding,
		NextReviewOn: dates.Proto(a.NextReview), AssessedBy: c.Subject, SealedNote: note(text)}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// Lowers reports whether an assessment rated rating, naming factors, would rate the family's risk
// lower than it stands (its latest screen or assessment), or drop a factor it names.
func (r *Risk) Lowers(rating safeguardingv1.RiskRating, factors []safeguardingv1.RiskFactor) bool {
	return r.Known() && (severity(rating) < severity(r.rating) || len(union(factors, r.factors)) > len(union(factors, nil)))
}

// Raises reports whether such an assessment only adds to the family's risk as it stands: a higher
// rating, or a factor it does not name, and nothing lowered. It is protective, and waits on
// nothing; any other assessment, a confirmation too, is the register's staff's (decision 159).
func (r *Risk) Raises(rating safeguardingv1.RiskRating, factors []safeguardingv1.RiskFactor) bool {
	if !r.Known() {
		return true
	}
	return !r.Lowers(rating, factors) && (severity(rating) > severity(r.rating) || len(union(r.factors, factors)) > len(r.factors))
}

// ScreenedAtReferral weighs a person's screen of a referral at referral (ScreeningRecorded):
// rated above the family's risk as it stands, or finding domestic abuse the risk does not name,
// it is recorded as the family's screen for the lead to assess (listed at once), at the higher
// rating and with the factors of both. Review 20: a coordinator's red screen ("father has
// threatened to take the children abroad") stayed a green screen in safeguarding, and the lead's
// list said nothing was due. A screen at or below the risk as it stands changes nothing: lowering
// is an assessment's, in safeguarding (Assess).
func (r *Risk) ScreenedAtReferral(referral, centre uuid.UUID, rating safeguardingv1.RiskRating, daFinding bool, today time.Time) ([]proto.Message, error) {
	if !known(safeguardingv1.RiskRating_name, int32(rating)) {
		return nil, nil
	}
	factors := r.factors
	if daFinding {
		factors = union(factors, []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE})
	}
	if r.Known() && severity(rating) <= severity(r.rating) && len(factors) == len(r.factors) {
		return nil, nil
	}
	if severity(r.rating) > severity(rating) {
		rating = r.rating
	}
	ev := &safeguardingv1.RiskScreenedProvisionally{FamilyId: r.family.String(), CentreId: centre.String(),
		ReferralId: referral.String(), ScreenedOn: dates.Proto(today), Rating: rating, Factors: factors}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// Correct records a correction of an assessment's note.
func (r *Risk) Correct(c Caller, target uuid.UUID, text, reason string, today time.Time) ([]proto.Message, error) {
	ev, err := r.correct(r.family, r.centre, target, c, text, reason, today)
	if err != nil {
		return nil, err
	}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}
