package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/words"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// Entry is one record as its reader sees it: opened, with the corrections that point at it; or
// withheld from them, with its kind and when it was made only.
type Entry struct {
	ID          uuid.UUID
	Type        string
	RecordedAt  time.Time
	RecordedBy  string
	Text        string
	Reason      string
	Corrects    uuid.UUID
	CorrectedBy []uuid.UUID
	Summary     string
	// Withheld says the reader is not given the record: no text, reason or author, and a summary
	// that says so.
	Withheld bool
	// TextErased says the record had text, erased with the family's personal data (its key
	// destroyed): Text and Reason are empty for that reason, not for want of any.
	TextErased bool
	// Concern is the concern whose record it is (its stream's), uuid.Nil for a hold's, a report's
	// or the risk's: a family's record lists several concerns' records together, and an
	// escalation or a closing that named none left the lead to guess which went where (review 61).
	Concern uuid.UUID
}

// concernOf is the concern a record's stream is, uuid.Nil when it is no concern's.
func concernOf(stream string) uuid.UUID {
	id, ok := strings.CutPrefix(stream, "concern-")
	if !ok {
		return uuid.Nil
	}
	k, _ := uuid.Parse(id)
	return k
}

// entries opens recorded events for a reader entitled to them: every one, or with shows (nil:
// every one) those it shows them, the others listed as withheld, their text never opened. Access
// records are the audit, not the record, and are left out.
func (a *App) entries(ctx context.Context, family uuid.UUID, raw []eventstore.RecordedEvent,
	shows func(id uuid.UUID, msg proto.Message) bool) ([]Entry, error) {
	out := make([]Entry, 0, len(raw))
	index := map[uuid.UUID]int{}
	previous := map[string]proto.Message{} // each stream's record before this one
	drafts := map[string]int{}             // each report stream's latest draft, by its place in out
	for i := range raw {
		e := &raw[i]
		msg, err := e.Decode()
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", e.Type, err)
		}
		switch msg.(type) {
		case *safeguardingv1.AccessRecorded, *safeguardingv1.AccessRefused:
			continue
		}
		after := previous[e.StreamID]
		previous[e.StreamID] = msg
		if shows != nil && !shows(e.ID, msg) {
			en := Entry{ID: e.ID, Type: e.Type, RecordedAt: e.RecordedAt, Summary: withheld(msg), Withheld: true, Concern: concernOf(e.StreamID)}
			if c, ok := msg.(*safeguardingv1.RecordCorrected); ok {
				en.Corrects, _ = uuid.Parse(c.GetCorrectsEventId())
			}
			out = link(out, index, en)
			continue
		}
		opened := map[string][]byte{}
		erased := false
		err = domain.EachSealed(msg, func(field string, in []byte) ([]byte, error) {
			b, err := a.records.Open(ctx, family, e.ID, field, in)
			opened[field] = b
			// Sealed text that opens to nothing went with the family's key (Records.Open).
			erased = erased || (len(in) > 0 && len(b) == 0)
			return in, err
		})
		if err != nil {
			return nil, err
		}
		en := Entry{ID: e.ID, Type: e.Type, RecordedAt: e.RecordedAt, RecordedBy: e.Metadata.Actor, Summary: summary(msg), TextErased: erased,
			Concern: concernOf(e.StreamID)}
		if _, ok := after.(*safeguardingv1.ConcernEscalated); ok {
			if _, ok := msg.(*safeguardingv1.LeadAlerted); ok {
				en.Summary = escalationAlert(e.Metadata.ActorRole)
			}
		}
		if err := fill(&en, msg, opened); err != nil {
			return nil, err
		}
		if _, ok := msg.(*safeguardingv1.ReportDrafted); ok {
			// A report is drafted again only before its release (which is final): the draft before
			// went to nobody, and the record says which replaced it (review 32, decision 219).
			if j, ok := drafts[e.StreamID]; ok {
				out[j].Summary += "; superseded by " + e.ID.String() + " before release"
			}
			drafts[e.StreamID] = len(out)
		}
		out = link(out, index, en)
	}
	return out, nil
}

// link adds en to out, and to the record it corrects, if out has it, as corrected by en.
func link(out []Entry, index map[uuid.UUID]int, en Entry) []Entry {
	if en.Corrects != uuid.Nil {
		if j, ok := index[en.Corrects]; ok {
			out[j].CorrectedBy = append(out[j].CorrectedBy, en.ID)
		}
	}
	index[en.ID] = len(out)
	return append(out, en)
}

// withheldWhy ends the line a concern's raiser is given of a record withheld from them.
const withheldWhy = "withheld from you: only the centre's safeguarding lead reads what others record on a concern"

// withheld is the line a reader is given of a record withheld from them: what kind of record it
// is, never its text, who made it, nor an escalation's agency.
func withheld(msg proto.Message) string {
	switch e := msg.(type) {
	case *safeguardingv1.ConcernActionAdded:
		return "an action was recorded on the concern; what was done is " + withheldWhy
	case *safeguardingv1.ConcernEscalated:
		return "the concern was escalated to an outside agency; to which, and its reference, are " + withheldWhy
	case *safeguardingv1.ConcernClosed:
		return "the concern was closed; its outcome and the closing note are " + withheldWhy
	case *safeguardingv1.ConcernMoved:
		return "the concern was moved to the family it is about, " + e.GetMovedToConcernId() + "; why is " + withheldWhy
	case *safeguardingv1.RecordCorrected:
		return "a record of the concern was corrected; the correction is " + withheldWhy
	case *safeguardingv1.LeadAlerted:
		return "the safeguarding lead was alerted of the concern again; why is " + withheldWhy
	}
	return "a record of the concern, " + withheldWhy
}

// escalationAlert is the line of the lead's alert of an escalation by someone the register did not
// have as the lead, in the role it gave them (empty: they were not on it).
func escalationAlert(role string) string {
	if role == "" {
		return "safeguarding lead alerted of the escalation: made by someone not on the centre's staff register that day"
	}
	return "safeguarding lead alerted of the escalation: made by someone the staff register had as " + role + " that day"
}

// fill puts an event's opened text into its entry.
func fill(en *Entry, msg proto.Message, opened map[string][]byte) error {
	for field, b := range opened {
		if len(b) == 0 {
			continue
		}
		switch field {
		case "sealed_correction":
			c := &safeguardingv1.Correction{}
			if err := proto.Unmarshal(b, c); err != nil {
				return fmt.Errorf("read correction: %w", err)
			}
			en.Text, en.Reason = c.GetText(), c.GetReason()
		case "sealed_text":
			t := &safeguardingv1.ReportText{}
			if err := proto.Unmarshal(b, t); err != nil {
				return fmt.Errorf("read report text: %w", err)
			}
			en.Text = reportText(msg, t.GetSections())
		default:
			text, err := domain.NoteText(b)
			if err != nil {
				return err
			}
			en.Text = text
		}
	}
	if c, ok := msg.(*safeguardingv1.RecordCorrected); ok {
		en.Corrects, _ = uuid.Parse(c.GetCorrectsEventId())
	}
	return nil
}

// reportText is a draft's sections, each under its heading: its kind, and the party it is about
// ("[arrival and departure, about <person id>]"), since which party a section is about decides
// whose copy leaves it out (review 16 read the lead's record with the headings lost).
func reportText(msg proto.Message, texts []string) string {
	d, _ := msg.(*safeguardingv1.ReportDrafted)
	parts := make([]string, len(texts))
	for i, text := range texts {
		heading := "section"
		if i < len(d.GetSections()) {
			h := d.GetSections()[i]
			heading = words.Enum(h.GetKind())
			if h.GetAboutPersonId() != "" {
				heading += ", about " + h.GetAboutPersonId()
			}
		}
		parts[i] = "[" + heading + "] " + text
	}
	return strings.Join(parts, "\n\n")
}

// concernOutcome is how a concern ended, in words; "outcome not recorded" for one closed before
// an outcome was required (decision 287).
func concernOutcome(o safeguardingv1.ConcernOutcome) string {
	if o == safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_UNSPECIFIED {
		return "outcome not recorded"
	}
	return words.Enum(o)
}

// summary is a readable line about a record from its readable fields.
func summary(msg proto.Message) string {
	switch e := msg.(type) {
	case *safeguardingv1.ConcernRaised:
		raised := fmt.Sprintf("concern raised: %s, %s involved", words.Enum(e.GetCategory()), people(len(e.GetPersonIds())))
		switch from := e.GetMovedFromConcernId(); {
		case from != "" && e.GetMovedBack():
			raised += "; moved back here by the safeguarding lead from concern " + from + ": moving it away from this family was the mistake"
		case from != "":
			raised += "; moved here by the safeguarding lead from concern " + from + ", raised about another family by mistake"
		}
		if e.GetTextNotKept() {
			// Review 38: recorded after the family's key was destroyed; not an erased text.
			raised += "; description not kept: raised after the family's personal data was erased: take the account from " +
				e.GetRaisedBy() + " in person"
		}
		return raised
	case *safeguardingv1.LeadAlerted:
		return "safeguarding lead alerted"
	case *safeguardingv1.ConcernActionAdded:
		return "action recorded"
	case *safeguardingv1.ConcernEscalated:
		return "escalated to " + words.Enum(e.GetAgency())
	case *safeguardingv1.ConcernClosed:
		return "concern closed: " + concernOutcome(e.GetOutcome())
	case *safeguardingv1.ConcernMoved:
		return "concern moved: it was raised about this family by mistake, and is about another family of the centre, " +
			"where it is concern " + e.GetMovedToConcernId()
	case *safeguardingv1.RecordCorrected:
		s := "correction of " + strings.ToLower(words.Event(e.GetCorrectsEventType())) + " " + e.GetCorrectsEventId()
		if n := len(e.GetRecipientsToTell()); n > 0 {
			// The released text was corrected: whom to tell (review 48), with what each copy
			// withholds. decision 319: the correction is one text, not sections, so it may be of
			// a section a recipient's copy withholds (an address): it is not sent as it stands to
			// them (review 57 read "to be sent to the report's N recipients", the other parent's
			// included).
			s += fmt.Sprintf("; the report's %s to tell: %s", recipientCount(n), recipientList(e.GetRecipientsToTell()))
			if withholding(e.GetRecipientsToTell()) {
				s += "; the text is not to be given as it stands to a recipient whose copy withholds a section: " +
					"they are given a version without what their copy withholds"
			}
		}
		return s
	case *safeguardingv1.HoldPlaced:
		return fmt.Sprintf("hold %s placed: %s, review by %s", e.GetHoldId(), words.Enum(e.GetReason()), day(e.GetReviewBy()))
	case *safeguardingv1.LeadAlertedOfHold:
		role := e.GetPlacedInRole()
		if role == "" {
			role = "not on the register"
		}
		return fmt.Sprintf("safeguarding lead alerted of hold %s (placed by someone the register had as: %s)", e.GetHoldId(), role)
	case *safeguardingv1.LeadAlertedOfDuplicateCheck:
		return fmt.Sprintf("safeguarding lead alerted of hold %s: the lead of centre %s checked on %s that its referral %s is another family",
			e.GetHoldId(), e.GetCheckedAtCentreId(), day(e.GetCheckedOn()), e.GetCheckedReferralId())
	case *safeguardingv1.LeadAlertedOfFindingCheck:
		return fmt.Sprintf("safeguarding lead alerted of the domestic-abuse finding of %s: the lead of centre %s checked on %s that its "+
			"referral %s is another family", day(e.GetFindingMadeOn()), e.GetCheckedAtCentreId(), day(e.GetCheckedOn()), e.GetCheckedReferralId())
	case *safeguardingv1.HoldReviewed:
		return fmt.Sprintf("hold %s reviewed: it continues, next review by %s", e.GetHoldId(), day(e.GetNextReviewBy()))
	case *safeguardingv1.HoldLifted:
		return fmt.Sprintf("hold %s lifted", e.GetHoldId())
	case *safeguardingv1.RiskScreenedProvisionally:
		if e.GetDisclosureCarried() {
			// Why the family is before the lead again (review 37).
			return "provisional screen: " + screen(e.GetRating(), e.GetFactors()) + ": " + carriedDisclosure(e.GetScreenedOn(),
				e.GetCarriedAfterAssessmentOn())
		}
		return "provisional screen: " + screen(e.GetRating(), e.GetFactors()) + expiredInjunctions(e.GetExpiredInjunctions())
	case *safeguardingv1.RiskAssessed:
		return fmt.Sprintf("risk assessed: %s, domestic abuse found: %s, review by %s", screen(e.GetRating(), e.GetFactors()),
			yesNo(e.GetDomesticAbuseFinding()), day(e.GetNextReviewOn()))
	case *safeguardingv1.ReportDue:
		return fmt.Sprintf("report %s due for the session of %s", e.GetReportId(), day(e.GetSessionOn()))
	case *safeguardingv1.ReportDrafted:
		return fmt.Sprintf("report %s drafted: %s", e.GetReportId(), sections(len(e.GetSections())))
	case *safeguardingv1.ReportReassigned:
		return fmt.Sprintf("report %s given to %s to write", e.GetReportId(), e.GetWriter())
	case *safeguardingv1.ReportSubmittedForCheck:
		return fmt.Sprintf("report %s submitted for check", e.GetReportId())
	case *safeguardingv1.ReportChecked:
		if e.GetApproved() {
			return fmt.Sprintf("report %s checked: approved for release", e.GetReportId())
		}
		return fmt.Sprintf("report %s checked: returned with a note, to be drafted again", e.GetReportId())
	case *safeguardingv1.ReportReleased:
		return fmt.Sprintf("report %s released to %d recipients", e.GetReportId(), len(e.GetRecipients()))
	case *safeguardingv1.ReportCopiesSent:
		// Who was added, numbered on from the list before them, as report show numbers its copies.
		return fmt.Sprintf("report %s: copies of the text released sent by %s to %s added to its distribution list: %s",
			e.GetReportId(), e.GetSentBy(), recipientCount(len(e.GetRecipients())), recipientListFrom(e.GetRecipients(), int(e.GetListedBefore())+1))
	}
	return ""
}

// carriedDisclosure says why a screen of a disclosure carried to the family's referral, flagged
// on, is before a person: "a disclosure of domestic abuse was carried to the family on D, after
// the risk assessment of D2: assess the risk" (without the assessment when none was made).
func carriedDisclosure(on, after *commonv1.Date) string {
	s := "a disclosure of domestic abuse was carried to the family on " + day(on)
	if after != nil {
		s += ", after the risk assessment of " + day(after)
	}
	return s + ": assess the risk"
}

// expiredInjunctions says what a screen left out of the injunction factor, and why: "; not
// counted as an injunction in force: a non-molestation order (made 2026-01-05) that expired on
// 2027-01-04, before the screen of 2027-04-02 (an answer that an injunction is in force still
// counts)"; "" when nothing was left out.
func expiredInjunctions(orders []*safeguardingv1.ExpiredInjunction) string {
	if len(orders) == 0 {
		return ""
	}
	parts := make([]string, len(orders))
	for i, o := range orders {
		kind := "a non-molestation order"
		if o.GetKind() == safeguardingv1.InjunctionKind_INJUNCTION_KIND_OCCUPATION {
			kind = "an occupation order"
		}
		if o.GetMadeOn() != nil {
			kind += " (made " + day(o.GetMadeOn()) + ")"
		}
		parts[i] = fmt.Sprintf("%s that expired on %s, before the screen of %s", kind, day(o.GetExpiresOn()), day(o.GetScreenedOn()))
	}
	return "; not counted as an injunction in force: " + strings.Join(parts, "; ") +
		" (an answer that an injunction is in force still counts: assess the risk with the order in mind)"
}

// screen is a rating and its factors: "amber (substance misuse, mental health)", "green".
func screen(rating safeguardingv1.RiskRating, factors []safeguardingv1.RiskFactor) string {
	if len(factors) == 0 {
		return words.Enum(rating)
	}
	return words.Enum(rating) + " (" + words.Enums(factors) + ")"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func day(d interface {
	GetYear() int32
	GetMonth() int32
	GetDay() int32
}) string {
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}

// RecordView is a family's safeguarding record.
type RecordView struct {
	Risk *domain.Risk // nil unless the latest screen or assessment is the centre's
	// Steps are the protective steps taken since the risk was last assessed (RiskReview.Steps).
	Steps []domain.ProtectiveStep
	// ReviewOverdue says the risk assessment's review date has passed, by the service's clock
	// (review 61: the record read "review by" a date gone, where the risk reviews said overdue).
	ReviewOverdue bool
	Records       []Entry
	// Erasure is the family's erasure: once Done, its records' text is gone (Entry.TextErased).
	Erasure adapters.Erasure
}

// SafeguardingRecord returns a family's records at the centre, corrections included, in order,
// to the centre's lead, after recording the read.
func (a *App) SafeguardingRecord(ctx context.Context, c domain.Caller, centre, family uuid.UUID, purpose string) (RecordView, error) {
	whole := safeguardingv1.RecordKind_RECORD_KIND_SAFEGUARDING_RECORD
	if !c.Lead {
		return RecordView{}, a.refused(ctx, c, centre, whole, family, domain.ErrWholeRecordByLead)
	}
	raw, err := a.records.LoadFamily(ctx, family)
	if err != nil {
		return RecordView{}, err
	}
	var mine []eventstore.RecordedEvent
	for _, e := range raw {
		if e.CentreID == centre && !strings.HasPrefix(e.StreamID, "access-") {
			mine = append(mine, e)
		}
	}
	if len(mine) == 0 {
		return RecordView{}, a.refused(ctx, c, centre, whole, family, domain.ErrFamilyNotFound)
	}
	if _, err := domain.RecordAccess(c, domain.Access{Purpose: purpose}); err != nil {
		return RecordView{}, err
	}
	if err := a.recordAccess(ctx, c, domain.Access{Family: family, Centre: centre,
		Kind: safeguardingv1.RecordKind_RECORD_KIND_SAFEGUARDING_RECORD, Record: family, Purpose: purpose}); err != nil {
		return RecordView{}, err
	}
	entries, err := a.entries(ctx, family, mine, nil)
	if err != nil {
		return RecordView{}, err
	}
	risk, err := a.loadRisk(ctx, family)
	if err != nil {
		return RecordView{}, err
	}
	var since []domain.ProtectiveStep
	if risk.CentreID() != centre {
		risk = nil // another centre's screen or assessment is not this centre's to read
	} else {
		// What the lead's list says of the family: its risk is to be assessed again (review 48).
		steps, err := a.records.ProtectiveSteps(ctx, []uuid.UUID{family})
		if err != nil {
			return RecordView{}, err
		}
		since = risk.StepsSinceAssessed(steps[family])
	}
	erasure, err := a.records.Erasure(ctx, family)
	if err != nil {
		return RecordView{}, err
	}
	overdue := risk != nil && !risk.Provisional() && !risk.NextReview().IsZero() && risk.NextReview().Before(a.today())
	return RecordView{Risk: risk, Steps: since, ReviewOverdue: overdue, Records: entries, Erasure: erasure}, nil
}

// CorrectRecord corrects one of a family's records at the centre: the correction is appended to
// the stream of the record it corrects, whose aggregate decides whether the caller may. tell are
// the recipients to send the correction to: for a correction of a report's text after its
// release, its distribution list (RecordCorrected.recipients_to_tell); none otherwise.
func (a *App) CorrectRecord(ctx context.Context, c domain.Caller, centre, family, target uuid.UUID, text, reason string,
	md eventstore.Metadata) (record uuid.UUID, tell []*safeguardingv1.Recipient, uow *eventstore.UnitOfWork, err error) {
	id, msgs, uow, err := a.correctRecord(ctx, c, centre, family, target, text, reason, md)
	if err != nil {
		return uuid.Nil, nil, nil, err
	}
	return id, msgs[0].(*safeguardingv1.RecordCorrected).GetRecipientsToTell(), uow, nil
}

// correctRecord is CorrectRecord with the records it decided.
func (a *App) correctRecord(ctx context.Context, c domain.Caller, centre, family, target uuid.UUID, text, reason string,
	md eventstore.Metadata) (uuid.UUID, []proto.Message, *eventstore.UnitOfWork, error) {
	raw, err := a.records.LoadFamily(ctx, family)
	if err != nil {
		return uuid.Nil, nil, nil, err
	}
	stream := ""
	for _, e := range raw {
		if e.ID == target && e.CentreID == centre {
			stream = e.StreamID
		}
	}
	if stream == "" {
		return uuid.Nil, nil, nil, domain.ErrRecordNotFound
	}
	recs, _, err := a.records.Load(ctx, stream)
	if err != nil {
		return uuid.Nil, nil, nil, err
	}
	today := a.today()
	var msgs []proto.Message
	var expected int64
	var concern *domain.Concern // a concern corrected, whose row is written again
	switch {
	case strings.HasPrefix(stream, "concern-"):
		k, err := domain.RebuildConcern(uuid.MustParse(strings.TrimPrefix(stream, "concern-")), recs)
		if err != nil {
			return uuid.Nil, nil, nil, err
		}
		expected = k.Version()
		msgs, err = k.Correct(c, target, text, reason, today)
		if err != nil {
			return uuid.Nil, nil, nil, err
		}
		concern = k
	case strings.HasPrefix(stream, "report-"):
		r, err := domain.RebuildReport(uuid.MustParse(strings.TrimPrefix(stream, "report-")), recs)
		if err != nil {
			return uuid.Nil, nil, nil, err
		}
		expected = r.Version()
		msgs, err = r.Correct(c, target, text, reason, today)
		if err != nil {
			return uuid.Nil, nil, nil, err
		}
	case strings.HasPrefix(stream, "risk-"):
		r, err := domain.RebuildRisk(family, recs)
		if err != nil {
			return uuid.Nil, nil, nil, err
		}
		expected = r.Version()
		msgs, err = r.Correct(c, target, text, reason, today)
		if err != nil {
			return uuid.Nil, nil, nil, err
		}
	default:
		return uuid.Nil, nil, nil, domain.ErrNotCorrectable
	}
	uow := new(eventstore.UnitOfWork)
	events, err := a.append(ctx, uow, stream, expected, family, centre, md, msgs)
	if err != nil {
		return uuid.Nil, nil, nil, err
	}
	if concern != nil {
		// The lead's alert says the concern was corrected, until they read it again.
		adapters.ProjectConcern(uow, concern)
		adapters.ProjectConcernCorrected(uow, concern.ID(), events[0].ID)
	}
	return events[0].ID, msgs, uow, nil
}

// AccessView is an access record with its purpose opened.
type AccessView struct {
	At                     time.Time
	Subject, Role, Purpose string
	Centre, Record         uuid.UUID
	Kind                   safeguardingv1.RecordKind
	// Refused is a refused read's reason code, "" for a read given; AskedCentre the centre its
	// request named, when another (decision 297).
	Refused     string
	AskedCentre uuid.UUID
	// Repeats is what a refused read's entry counts: its repeats that day, and the families past
	// the account's daily limit (decision 307).
	Repeats adapters.RefusalCounts
}

// recipientCount is a count of recipients in words: "1 recipient", "2 recipients".
func recipientCount(n int) string {
	if n == 1 {
		return "1 recipient"
	}
	return fmt.Sprintf("%d recipients", n)
}

// recipientList is a distribution list in words, numbered from 1, with the sections each copy
// withholds, numbered from 1 as report show numbers them (decision 319): "1 parent P, 2 parent Q
// (copy withholds sections 2, 3), 3 court".
func recipientList(list []*safeguardingv1.Recipient) string { return recipientListFrom(list, 1) }

// recipientListFrom is recipientList numbered from first: recipients added to a list after its
// release are numbered on from it (ReportCopiesSent).
func recipientListFrom(list []*safeguardingv1.Recipient, first int) string {
	parts := make([]string, len(list))
	for i, r := range list {
		who := words.Enum(r.GetKind())
		switch {
		case r.GetActingForPersonId() != "":
			who += " for " + r.GetActingForPersonId()
		case r.GetPersonId() != "":
			who += " " + r.GetPersonId()
		}
		if w := r.GetWithheldSections(); len(w) > 0 {
			numbers := make([]string, len(w))
			for n, x := range w {
				numbers[n] = fmt.Sprint(x + 1)
			}
			label := "section "
			if len(w) > 1 {
				label = "sections "
			}
			who += " (copy withholds " + label + strings.Join(numbers, ", ") + ")"
		}
		parts[i] = fmt.Sprintf("%d %s", first+i, who)
	}
	return strings.Join(parts, ", ")
}

// withholding reports whether any recipient's copy withholds a section (decision 319).
func withholding(list []*safeguardingv1.Recipient) bool {
	for _, r := range list {
		if len(r.GetWithheldSections()) > 0 {
			return true
		}
	}
	return false
}

// sections is a count of a report's sections in words that agree with it: "1 section", "3 sections".
func sections(n int) string {
	if n == 1 {
		return "1 section"
	}
	return fmt.Sprintf("%d sections", n)
}

// people is a count of people in words that agree with it: "no one", "1 person", "2 people".
func people(n int) string {
	switch n {
	case 0:
		return "no one"
	case 1:
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}
