package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// Bounds of an arrangement. A stagger over an hour is not a stagger but a separate visit; a
// session is at least a quarter of an hour and at most a working day.
const (
	MaxStaggerMinutes = 60
	// MinStaggerMinutes: the parents are never due at the door within 10 minutes of each other
	// (scheduling refuses to book a session that would have them so), so an arrangement with a
	// shorter stagger could never be booked.
	MinStaggerMinutes = 10
	MinSessionMinutes = 15
	MaxSessionMinutes = 480
)

// PreVisit is one adult's visit to the centre before contact. On is the centre's local date.
type PreVisit struct {
	PersonID          uuid.UUID
	On                time.Time
	GroundRulesSigned bool
	Note              string
}

// RecordPreVisit records an adult's pre-visit. Pre-visits are per adult; a second visit by the
// same adult (for example to sign the rules they would not sign before) is recorded too, on its
// own day, or the same day when it adds the signing; the same visit again is refused
// (PreVisitAlreadyRecorded, review 51). When it completes the family's intake,
// FamilyReadyForContact follows it.
//
// A case accepted for a kind of contact that a disclosure no lead has weighed rules out
// (DisclosureRulesOut) records no pre-visit: at the pre-visit the family agrees to that kind, and
// the case waits for one act of the lead, after which the visit is recorded with its own day.
// Unlike a finding's (decision 168: pre-visits recorded, the family never made ready), the refusal
// is what tells the coordinator to fetch the lead; a visit recorded without a word left review
// 32's coordinator nothing to act on.
func (r *Referral) RecordPreVisit(p PreVisit, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdRecordPreVisit); err != nil {
		return nil, err
	}
	if err := r.DisclosureRulesOut(r.service); err != nil {
		return nil, err
	}
	if r.arrangement != nil {
		// The visit may be the intake's last step: a referral that contradicts itself (recorded
		// before review 39) is amended first, and the coordinator told so now.
		if err := r.ContradictsItself(today); err != nil {
			return nil, err
		}
	}
	note := strings.TrimSpace(p.Note)
	var v Invalid
	i := slices.IndexFunc(r.adults, func(a AdultRecord) bool { return a.ID == p.PersonID })
	if i < 0 {
		v.add("person_id", "is not an adult on this referral")
	}
	switch {
	case p.On.IsZero():
		v.add("visited_on", "is required")
	case p.On.After(today):
		v.add("visited_on", "must not be in the future")
	case p.On.Before(r.receivedOn):
		v.add("visited_on", "must not be before the referral was received")
	}
	v.note("note", note, false, "must say something when given")
	if err := v.err(); err != nil {
		return nil, err
	}
	if signed, ok := r.visitedOn[p.PersonID][dates.String(p.On)]; ok && (signed || !p.GroundRulesSigned) {
		// The same visit sent again was recorded again without a word (review 51); one that adds
		// the signing of the rules the adult would not sign earlier that day adds to the record.
		return nil, PreVisitAlreadyRecorded(p.On, signed)
	}
	sealed, err := noteOf(note)
	if err != nil {
		return nil, fmt.Errorf("record pre-visit: %w", err)
	}
	events, err := r.record(&referralv1.PreVisitCompleted{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), PersonId: p.PersonID.String(), Role: r.adults[i].Role, VisitedOn: dates.Proto(p.On),
		GroundRulesSigned: p.GroundRulesSigned, SealedNote: sealed})
	if err != nil {
		return nil, err
	}
	return r.readiness(events, today)
}

// ErrPreVisitAlreadyRecorded: an adult's pre-visit is recorded once a day, or twice when the
// second visit adds the signing of the ground rules; PreVisitAlreadyRecorded names the day.
var ErrPreVisitAlreadyRecorded = problem.Rule("PRE_VISIT_ALREADY_RECORDED",
	"the adult's pre-visit on that day is already recorded: one visit a day is recorded for each adult")

// PreVisitAlreadyRecorded is ErrPreVisitAlreadyRecorded for a visit on on, recorded then with the
// ground rules signed or not: what the coordinator may still record, if anything.
func PreVisitAlreadyRecorded(on time.Time, signed bool) error {
	if signed {
		return problem.Rule(ErrPreVisitAlreadyRecorded.Reason, fmt.Sprintf("the adult's pre-visit on %s is already recorded, with the "+
			"ground rules signed: it counts towards the family being ready for contact, and nothing more is recorded for that day; "+
			"a later visit is recorded on its own day (--on)", dates.String(on)))
	}
	return problem.Rule(ErrPreVisitAlreadyRecorded.Reason, fmt.Sprintf("the adult's pre-visit on %s is already recorded, without the "+
		"ground rules signed, and does not count towards the family being ready for contact: if the adult signed them that day, "+
		"record the visit again with --ground-rules-signed; a later visit is recorded on its own day (--on)", dates.String(on)))
}

// Stagger keeps the parents apart: the visiting parent arrives before the children and leaves
// after them, by these many minutes.
type Stagger struct {
	ArrivalMinutes   int
	DepartureMinutes int
}

// Arrangement is the contact agreed at the pre-visits.
type Arrangement struct {
	ServiceType    commonv1.ServiceType
	Frequency      referralv1.ContactFrequency
	SessionMinutes int
	Stagger        Stagger
}

// AgreeArrangement records the arrangement. Its service type is the one the referral was accepted
// for: acceptance is where the centre's offer and the domestic-abuse rule were checked. A
// domestic-abuse finding recorded since, or a case accepted before decision 168 for a kind other
// than supported that a finding rules out, agrees no arrangement for that kind
// (ErrAcceptedKindRuledOut): the family is never made ready for it. When it completes the
// family's intake, FamilyReadyForContact follows it.
func (r *Referral) AgreeArrangement(a Arrangement, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdAgreeArrangement); err != nil {
		return nil, err
	}
	if r.findingRulesOut(r.service) != nil {
		return nil, ErrAcceptedKindRuledOut
	}
	if err := r.DisclosureRulesOut(r.service); err != nil {
		// Until the lead weighs it (review 32, decision 217).
		return nil, err
	}
	if err := r.ContradictsItself(today); err != nil {
		// A referral recorded before review 39 that nobody may attend, bring or collect from, or
		// that lets a child at risk of abduction leave the centre.
		return nil, err
	}
	var v Invalid
	if a.ServiceType != r.service {
		v.add("arrangement.service_type", "must be the kind of contact the referral was accepted for: "+
			flagWord("SERVICE_TYPE_", r.service.String()))
	}
	a.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	events, err := r.record(&referralv1.ArrangementAgreed{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), AgreedOn: dates.Proto(today), Arrangement: arrangementOf(a)})
	if err != nil {
		return nil, err
	}
	return r.readiness(events, today)
}

// IntakeComplete reports whether the family may be ready for contact: accepted, every adult who
// needs one has had a pre-visit and signed the ground rules, and the arrangement is agreed, for a
// kind of contact no domestic-abuse finding rules out (decision 168: an arrangement agreed before
// the finding; the pre-visits are still recorded, they happened), nor a disclosure no lead has
// weighed (DisclosureRulesOut: an amendment leaving off the last adult without a pre-visit after a
// disclosure was carried; decision 217), and the referral does not contradict itself about who
// comes to contact (ContradictsItself: one recorded before review 39, or a second parent's
// abduction risk on a referral saying the children may leave the centre).
func (r *Referral) IntakeComplete(today time.Time) bool {
	if r.state != Accepted || r.arrangement == nil || len(r.preVisitDates) == 0 {
		return false
	}
	if r.findingRulesOut(r.arrangement.ServiceType) != nil || r.DisclosureRulesOut(r.arrangement.ServiceType) != nil ||
		r.ContradictsItself(today) != nil {
		return false
	}
	for _, a := range r.Details().ForContact(today) {
		// An adult a court order in force keeps from the children needs no pre-visit unless a
		// parent (decision 318): they are not to come.
		if a.NeedsPreVisit() && !r.preVisits[a.ID] {
			return false
		}
	}
	return true
}

// readiness appends FamilyReadyForContact to a command's events when they complete the intake. It
// is never a command of its own: nobody declares a family ready, the facts do.
//
// today is the centre's local date: an adult a court order in force on it keeps from the children
// is sent with no permissions (Details.ForContact, decision 318), so the door refuses them
// NOT_PERMITTED.
func (r *Referral) readiness(events []proto.Message, today time.Time) ([]proto.Message, error) {
	if !r.IntakeComplete(today) {
		return events, nil
	}
	ev := &referralv1.FamilyReadyForContact{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), Arrangement: arrangementOf(*r.arrangement),
		ChildrenMayLeaveCentre: r.facts.ChildrenMayLeaveCentre}
	for _, a := range r.Details().ForContact(today) {
		// Every adult the referral names, those who may not come too (ids, roles and permissions
		// only): the door refuses someone named but not to attend, bring or collect NOT_PERMITTED,
		// a record of the family's, and takes an id scheduling does not know for a typo. Sending
		// only the adults who need a pre-visit left out another with parental responsibility who
		// may do nothing (review 54, decision 314; decisions 301 and 308 covered the parents).
		ev.Adults = append(ev.Adults, &referralv1.Attendee{PersonId: a.ID.String(), Role: a.Role,
			MayAttend: a.MayAttend, MayBring: a.MayBring, MayCollect: a.MayCollect})
	}
	for _, c := range r.children {
		// Ids and birth months only: scheduling admits children by id and reporting bands them.
		ev.Children = append(ev.Children, &referralv1.ChildParty{PersonId: c.ID.String(),
			BirthYear: int32(c.BirthYear), BirthMonth: int32(c.BirthMonth)})
	}
	for _, d := range r.preVisitDates {
		ev.PreVisitDates = append(ev.PreVisitDates, dates.Proto(d))
	}
	// A pre-visit is never on the day of the first session: the earliest day is the one after
	// the last pre-visit.
	ev.EarliestBookableOn = dates.Proto(r.preVisitDates[len(r.preVisitDates)-1].AddDate(0, 0, 1))
	more, err := r.record(ev)
	if err != nil {
		return nil, err
	}
	return append(events, more...), nil
}

func arrangementOf(a Arrangement) *referralv1.Arrangement {
	return &referralv1.Arrangement{ServiceType: a.ServiceType, Frequency: a.Frequency,
		SessionMinutes: int32(a.SessionMinutes), Stagger: &referralv1.Stagger{
			ArrivalMinutes: int32(a.Stagger.ArrivalMinutes), DepartureMinutes: int32(a.Stagger.DepartureMinutes)}}
}

func arrangementFrom(a *referralv1.Arrangement) Arrangement {
	return Arrangement{ServiceType: a.GetServiceType(), Frequency: a.GetFrequency(), SessionMinutes: int(a.GetSessionMinutes()),
		Stagger: Stagger{ArrivalMinutes: int(a.GetStagger().GetArrivalMinutes()),
			DepartureMinutes: int(a.GetStagger().GetDepartureMinutes())}}
}
