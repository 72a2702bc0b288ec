package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/inwords"
	"github.com/familytime/familytime/services/platform/problem"
)

// ConcernStreamID is the event stream of a concern.
func ConcernStreamID(id uuid.UUID) string { return "concern-" + id.String() }

// Concern is a safeguarding concern: raised by anyone who works with the family, acted on by the
// centre's safeguarding lead, escalated, closed, and corrected, never edited.
type Concern struct {
	id, family, centre, booking uuid.UUID
	category                    safeguardingv1.ConcernCategory
	raisedOn                    time.Time
	raisedBy                    string
	people                      []uuid.UUID
	escalations                 []safeguardingv1.Agency
	// unreferenced are the record ids of the escalations recorded with no reference from the
	// agency (ConcernEscalated.reference_not_given): the ledger says which were given one since.
	unreferenced []uuid.UUID
	actions      int
	closed       bool
	outcome      safeguardingv1.ConcernOutcome
	version      int64
	// alerted is the record of the alert that the concern reached the lead, as it was raised.
	alerted uuid.UUID
	// textNotKept says it was raised after the family's key was destroyed, without its description.
	textNotKept bool
	// movedTo is the concern it was moved to, raised about the right family (ConcernMoved), and
	// movedFrom the one moved here; uuid.Nil when none (decision 404).
	movedTo, movedFrom uuid.UUID
	ledger
}

// NewConcern is what RaiseConcern needs.
type NewConcern struct {
	Family, Centre, Booking uuid.UUID
	Category                safeguardingv1.ConcernCategory
	Description             string
	People                  []uuid.UUID
	// TextNotKept says the family's key was destroyed (its personal data erased): the concern is
	// still recorded and the lead alerted, the description checked but not kept (review 38).
	TextNotKept bool
	// Moved is the concern raised about another family by mistake that this one is moved from
	// (decision 404): it is raised on that one's date and by its raiser, and alerts nobody (the
	// lead moves it).
	Moved *Concern
	// MovedBack says Moved had itself been moved away from this family: that move was the mistake
	// (decision 410).
	MovedBack bool
}

// RaiseConcern records a new concern and alerts the centre's safeguarding lead. Anyone who works
// at the centre may raise one; the description is required, and kept unless n.TextNotKept.
func RaiseConcern(id uuid.UUID, n NewConcern, c Caller, today time.Time) (*Concern, []proto.Message, error) {
	description := strings.TrimSpace(n.Description)
	var v violations
	if n.Family == uuid.Nil {
		v.add("family_id", "must be a UUID")
	}
	if !known(safeguardingv1.ConcernCategory_name, int32(n.Category)) {
		v.add("category", "must be one of the concern categories")
	}
	checked := len(v.Violations)
	if n.Moved != nil && n.TextNotKept {
		// Moved with no text to carry (either family's key destroyed): nothing to check.
	} else if v.text("description", description, MaxText, true); len(v.Violations) == checked && !inwords.Says(description) {
		// "x" alerts the lead to nothing they can act on (review 15), as an action or a closing
		// that says nothing records nothing (decision 128).
		v.add("description", fmt.Sprintf("must say what happened, in words (at least %d letters or digits, one a letter)", inwords.MinLength))
	}
	people := make([]string, 0, len(n.People))
	for i, p := range n.People {
		if p == uuid.Nil || slices.Contains(n.People[:i], p) {
			v.add(fmt.Sprintf("person_ids[%d]", i), "must be a distinct person id")
		}
		people = append(people, p.String())
	}
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	k := &Concern{id: id}
	sealed := note(description)
	if n.TextNotKept {
		sealed = nil
	}
	raisedOn, raisedBy, movedFrom := today, c.Subject, ""
	if n.Moved != nil {
		raisedOn, raisedBy, movedFrom = n.Moved.RaisedOn(), n.Moved.RaisedBy(), n.Moved.ID().String()
	}
	events, err := k.record(
		&safeguardingv1.ConcernRaised{ConcernId: id.String(), FamilyId: n.Family.String(), CentreId: n.Centre.String(),
			BookingId: optionalID(n.Booking), Category: n.Category, RaisedOn: dates.Proto(raisedOn), RaisedBy: raisedBy,
			PersonIds: people, SealedDescription: sealed, TextNotKept: n.TextNotKept, MovedFromConcernId: movedFrom,
			MovedBack: n.MovedBack},
		&safeguardingv1.LeadAlerted{ConcernId: id.String(), FamilyId: n.Family.String(), CentreId: n.Centre.String(),
			Category: n.Category, AlertedOn: dates.Proto(today)})
	return k, events, err
}

// RebuildConcern replays a concern's recorded events.
func RebuildConcern(id uuid.UUID, events []Recorded) (*Concern, error) {
	if len(events) == 0 {
		return nil, ErrConcernNotFound
	}
	k := &Concern{id: id}
	for _, r := range events {
		if err := k.apply(r.ID, r.Event); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (k *Concern) record(events ...proto.Message) ([]proto.Message, error) {
	for _, ev := range events {
		if err := k.apply(uuid.Nil, ev); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// apply is the one place an event changes a concern.
func (k *Concern) apply(id uuid.UUID, ev proto.Message) error {
	switch e := ev.(type) {
	case *safeguardingv1.ConcernRaised:
		k.family, k.centre, k.booking = parseID(e.GetFamilyId()), parseID(e.GetCentreId()), parseID(e.GetBookingId())
		k.category, k.raisedOn, k.raisedBy = e.GetCategory(), dates.Time(e.GetRaisedOn()), e.GetRaisedBy()
		k.textNotKept = e.GetTextNotKept()
		k.movedFrom = parseID(e.GetMovedFromConcernId())
		k.people = nil
		for _, p := range e.GetPersonIds() {
			k.people = append(k.people, parseID(p))
		}
		k.note(id, ev, e.GetRaisedBy(), true)
	case *safeguardingv1.LeadAlerted:
		// The first follows the raising; a later one, an escalation by someone the staff register
		// does not have as the lead (Escalate).
		if k.alerted == uuid.Nil {
			k.alerted = id
		}
	case *safeguardingv1.ConcernActionAdded:
		k.actions++
		k.note(id, ev, e.GetRecordedBy(), true)
	case *safeguardingv1.ConcernEscalated:
		k.escalations = append(k.escalations, e.GetAgency())
		if e.GetReferenceNotGiven() && id != uuid.Nil {
			k.unreferenced = append(k.unreferenced, id)
		}
		k.note(id, ev, e.GetEscalatedBy(), true)
	case *safeguardingv1.ConcernClosed:
		k.closed, k.outcome = true, e.GetOutcome()
		k.note(id, ev, e.GetClosedBy(), true)
	case *safeguardingv1.ConcernMoved:
		k.closed, k.movedTo = true, parseID(e.GetMovedToConcernId())
		k.note(id, ev, e.GetMovedBy(), true)
	case *safeguardingv1.RecordCorrected:
		k.note(id, ev, e.GetCorrectedBy(), true)
	default:
		return fmt.Errorf("concern: unexpected event %T", ev)
	}
	k.version++
	return nil
}

// ID is the concern's id.
func (k *Concern) ID() uuid.UUID { return k.id }

// FamilyID is the family the concern is about.
func (k *Concern) FamilyID() uuid.UUID { return k.family }

// CentreID is the centre where it was raised.
func (k *Concern) CentreID() uuid.UUID { return k.centre }

// BookingID is the session's booking it arose in; uuid.Nil for none.
func (k *Concern) BookingID() uuid.UUID { return k.booking }

// Category is what the concern is about.
func (k *Concern) Category() safeguardingv1.ConcernCategory { return k.category }

// RaisedOn is the local date it was raised.
func (k *Concern) RaisedOn() time.Time { return k.raisedOn }

// RaisedBy is the account id of who raised it.
func (k *Concern) RaisedBy() string { return k.raisedBy }

// TextNotKept says it was raised after the family's key was destroyed: its description was not
// kept, and the lead takes the account from its raiser in person (review 38).
func (k *Concern) TextNotKept() bool { return k.textNotKept }

// People are the people involved.
func (k *Concern) People() []uuid.UUID { return slices.Clone(k.people) }

// Escalated reports whether it went to an outside agency.
func (k *Concern) Escalated() bool { return len(k.escalations) > 0 }

// Closed reports whether it is closed.
func (k *Concern) Closed() bool { return k.closed }

// Outcome is how the concern ended; unspecified while it is open, and for a concern closed before
// an outcome was required (not recorded).
func (k *Concern) Outcome() safeguardingv1.ConcernOutcome { return k.outcome }

// ReferencesNotGiven are the record ids of the concern's escalations recorded with no reference
// from the agency and given none since (escalate-reference corrects the escalation with it), in
// the order recorded. Escalations recorded before they said whether a reference was given are not
// among them.
func (k *Concern) ReferencesNotGiven() []uuid.UUID {
	var out []uuid.UUID
	for _, id := range k.unreferenced {
		if k.Latest(id) == id {
			out = append(out, id)
		}
	}
	return out
}

// Version is the number of events recorded for the concern.
func (k *Concern) Version() int64 { return k.version }

// CanRead says whether the caller may read the concern's text: its raiser, and the centre's
// safeguarding lead. A volunteer (or anyone else) sees only what they raised.
func (k *Concern) CanRead(c Caller) error {
	if c.Lead || (c.Subject != "" && c.Subject == k.raisedBy) {
		return nil
	}
	return ErrNotRaiser
}

// Shows says whether reader c, whom CanRead lets read the concern, is given its record id (the
// event ev) with its text. The centre's safeguarding lead is given every record. Anyone else reads
// the concern only because they raised it, and is given what they raised: the records they made
// (the raising, their own corrections of it, anything else they recorded) and the alert that it
// reached the lead. Every other record (the lead's actions, escalations with the agency and its
// reference, the closing, the lead's corrections, a later alert) is withheld from them: the
// lead's records may say where a parent now lives (decision 51 says a volunteer sees only what they
// raised; review 29 read the lead's action naming the father's new address in the volunteer's
// copy). The concern's state (escalated, closed) is not withheld: they know it was acted on.
func (k *Concern) Shows(c Caller, id uuid.UUID, ev proto.Message) bool {
	if c.Lead {
		return true
	}
	if _, ok := ev.(*safeguardingv1.LeadAlerted); ok {
		return id != uuid.Nil && id == k.alerted
	}
	return k.madeBy(id, c.Subject)
}

// AddAction records an action the lead took on an open concern.
func (k *Concern) AddAction(c Caller, text string, today time.Time) ([]proto.Message, error) {
	if k.closed {
		return nil, ErrConcernClosed
	}
	text = strings.TrimSpace(text)
	var v violations
	v.text("action", text, MaxText, true)
	if len(v.Violations) == 0 && !inwords.Says(text) {
		v.add("action", fmt.Sprintf("must say what was done, in words (at least %d letters or digits, one a letter)", inwords.MinLength))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return k.record(&safeguardingv1.ConcernActionAdded{ConcernId: k.id.String(), FamilyId: k.family.String(),
		CentreId: k.centre.String(), ActionOn: dates.Proto(today), RecordedBy: c.Subject, SealedAction: note(text)})
}

// MaxReference is the longest agency's reference, in characters.
const MaxReference = 200

// NoReferenceYet is the reference an escalation is recorded with when the agency has given none
// yet: a lead who has just rung 999 has no reference (review 29). The reference, once given, is a
// correction of the escalation (Correct), a new record that points at it.
const NoReferenceYet = "no reference given yet"

// Escalate records that an open concern went to children's services or the police, with their
// reference, or NoReferenceYet when none is given. Escalating is protective, never refused for
// the staff register (decisions.md 109): alertLead says the person escalating is not the centre's
// safeguarding lead on the register that day, and LeadAlerted follows the escalation, so that the
// lead knows, as of a hold (decisions.md 138 and 201).
func (k *Concern) Escalate(c Caller, agency safeguardingv1.Agency, reference string, alertLead bool, today time.Time) ([]proto.Message, error) {
	if k.closed {
		return nil, ErrConcernClosed
	}
	reference = strings.TrimSpace(reference)
	var v violations
	if !known(safeguardingv1.Agency_name, int32(agency)) {
		v.add("agency", "must be children's services or the police")
	}
	v.line("reference", reference, MaxReference, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	given := reference != ""
	if !given {
		reference = NoReferenceYet
	}
	events := []proto.Message{&safeguardingv1.ConcernEscalated{ConcernId: k.id.String(), FamilyId: k.family.String(),
		CentreId: k.centre.String(), Agency: agency, EscalatedOn: dates.Proto(today), EscalatedBy: c.Subject,
		SealedReference: note(reference), ReferenceNotGiven: !given}}
	if alertLead {
		events = append(events, &safeguardingv1.LeadAlerted{ConcernId: k.id.String(), FamilyId: k.family.String(),
			CentreId: k.centre.String(), Category: k.category, AlertedOn: dates.Proto(today)})
	}
	return k.record(events...)
}

// Close closes an open concern with its outcome, saying why. The outcome is required: a concern
// closed with a note alone ("Done and dusted") said nothing an audit could count, and the close is
// what the family's erasure and the lead's alerts wait on (review 48). An outcome of referral on
// needs the concern escalated: it says an agency has it, which the record must show. The other
// outcomes are allowed on an escalated concern too: an escalation recorded in error is corrected,
// not undone, and the note says why.
func (k *Concern) Close(c Caller, outcome safeguardingv1.ConcernOutcome, why string, today time.Time) ([]proto.Message, error) {
	if k.closed {
		return nil, ErrConcernClosed
	}
	why = strings.TrimSpace(why)
	var v violations
	switch {
	case !known(safeguardingv1.ConcernOutcome_name, int32(outcome)):
		v.add("outcome", "must say how the concern ended: "+OutcomeChoices)
	case ReferredOn(outcome) && !k.Escalated():
		v.add("outcome", "says the concern was referred on, but it was never escalated: record the escalation first "+
			"(familytime safeguarding escalate CONCERN --to AGENCY), or choose no further action or resolved at the centre")
	}
	v.text("note", why, MaxText, true)
	if !slices.ContainsFunc(v.Violations, func(p problem.Violation) bool { return p.Field == "note" }) && !inwords.Says(why) {
		v.add("note", fmt.Sprintf("must say why the concern is closed, in words (at least %d letters or digits, one a letter)", inwords.MinLength))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return k.record(&safeguardingv1.ConcernClosed{ConcernId: k.id.String(), FamilyId: k.family.String(),
		CentreId: k.centre.String(), ClosedOn: dates.Proto(today), ClosedBy: c.Subject, SealedNote: note(why), Outcome: outcome})
}

// OutcomeChoices names the outcomes a concern is closed with, as a refusal lists them.
const OutcomeChoices = "no further action, resolved at the centre, taken on by the agency (referred on), " +
	"or the agency took no further action (referred on)"

// ReferredOn reports whether an outcome says the concern went to an outside agency.
func ReferredOn(o safeguardingv1.ConcernOutcome) bool {
	return o == safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_TAKEN_ON_BY_AGENCY ||
		o == safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_AGENCY_TOOK_NO_FURTHER_ACTION
}

// MovedTo is the concern this one was moved to, raised about the right family; uuid.Nil when it
// was not moved (decision 404).
func (k *Concern) MovedTo() uuid.UUID { return k.movedTo }

// MovedFrom is the concern, raised about another family by mistake, that this one was moved from;
// uuid.Nil when none.
func (k *Concern) MovedFrom() uuid.UUID { return k.movedFrom }

// ErrConcernActedOn refuses moving a concern something was done on: an action, an escalation or a
// hold was taken about the family it names, and stays theirs.
var ErrConcernActedOn = problem.Rule("CONCERN_ACTED_ON", "something was done on the concern about the family it names "+
	"(an action, an escalation, or a hold placed for it), so it is not moved: close it saying it was raised about the wrong "+
	"family (familytime safeguarding close CONCERN --outcome no-further-action --note ...), lift any hold it placed, and "+
	"raise the concern on the right family")

// Move closes a concern raised about the wrong family of the centre as moved to the concern to,
// raised about the right one (decision 404): only while open, and before anything was done on it
// (ErrConcernActedOn; held says a hold in force was placed for it), and saying why. The new
// concern is the caller's to raise (RaiseConcern with Moved).
func (k *Concern) Move(c Caller, to uuid.UUID, why string, held bool, today time.Time) ([]proto.Message, error) {
	if k.closed {
		return nil, problem.Rule(ErrConcernClosed.Reason, "the concern is closed, so it is not moved: raise the concern on the "+
			"right family, and correct this one's description to say it was about another family (familytime safeguarding correct)")
	}
	if k.actions > 0 || k.Escalated() || held {
		return nil, ErrConcernActedOn
	}
	why = strings.TrimSpace(why)
	var v violations
	v.text("reason", why, 2000, true)
	if !slices.ContainsFunc(v.Violations, func(p problem.Violation) bool { return p.Field == "reason" }) && !inwords.Says(why) {
		v.add("reason", fmt.Sprintf("must say why the concern is moved, in words (at least %d letters or digits, one a letter)", inwords.MinLength))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return k.record(&safeguardingv1.ConcernMoved{ConcernId: k.id.String(), FamilyId: k.family.String(), CentreId: k.centre.String(),
		MovedToConcernId: to.String(), MovedOn: dates.Proto(today), MovedBy: c.Subject, SealedReason: note(why)})
}

// Correct records a correction of one of the concern's records (open or closed).
func (k *Concern) Correct(c Caller, target uuid.UUID, text, reason string, today time.Time) ([]proto.Message, error) {
	ev, err := k.correct(k.family, k.centre, target, c, text, reason, today)
	if err != nil {
		return nil, err
	}
	return k.record(ev)
}
