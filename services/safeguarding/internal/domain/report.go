package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/inwords"
	"github.com/familytime/familytime/services/platform/problem"
)

// ReportStreamID is the event stream of an observation report.
func ReportStreamID(id uuid.UUID) string { return "report-" + id.String() }

// reportNamespace makes a report's id from its session's booking id, so one session has one
// report however often its completion is delivered.
var reportNamespace = uuid.MustParse("6f1c1a52-6a7e-4c59-9d36-2b5f0f3a8d11")

// ReportIDFor is the id of the report of the session booked as booking.
func ReportIDFor(booking uuid.UUID) uuid.UUID { return uuid.NewSHA1(reportNamespace, booking[:]) }

// ReportState is where a report stands.
type ReportState int

// A report is due, drafted (again after the checker returns it), awaiting its check, approved,
// then released.
const (
	ReportDueState ReportState = iota + 1
	ReportDrafted
	ReportAwaitingCheck
	ReportApproved
	ReportReleased
)

// Section is one section of a report: what it is about, and for whom.
type Section struct {
	Kind  safeguardingv1.ReportSectionKind
	About uuid.UUID
	Text  string
}

// Recipient is one person or body a report goes to. A parent and someone with parental
// responsibility are parties (Person); a solicitor acts for one (ActingFor); Cafcass, the local
// authority and the court are no party.
type Recipient struct {
	Kind      safeguardingv1.RecipientKind
	Person    uuid.UUID
	ActingFor uuid.UUID
	// Withheld are the indexes of the sections their copy leaves out.
	Withheld []int
}

// who is whom the copy goes to, whatever kind they are listed under: a person named (a parent, or
// the same person listed as having parental responsibility, is one recipient), the solicitor for a
// party (one per party), or the body itself (Cafcass, the local authority, the court: one each).
func (r Recipient) who() string {
	switch {
	case r.Person != uuid.Nil:
		return "person " + r.Person.String()
	case r.Kind == safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR:
		return "solicitor for " + r.ActingFor.String()
	}
	return "body " + r.Kind.String()
}

// Party is the party whose side the recipient is on; uuid.Nil for a body that is no party.
func (r Recipient) Party() uuid.UUID {
	switch r.Kind {
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, safeguardingv1.RecipientKind_RECIPIENT_KIND_OTHER_PARENTAL_RESPONSIBILITY:
		return r.Person
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR:
		return r.ActingFor
	}
	return uuid.Nil
}

// WrongKind says why a party listed by person under kind is listed under the wrong kind, given
// whether the family's referral names them a parent (resident or not): a parent is listed as a
// parent, and an adult with parental responsibility who is no parent (another holder of it, or a
// relative who has it) as other parental responsibility (review 41 had a parent recorded under
// the other kind). Empty when the kind is right, or is no kind listed by a party's person.
func WrongKind(kind safeguardingv1.RecipientKind, parent bool) string {
	switch {
	case kind == safeguardingv1.RecipientKind_RECIPIENT_KIND_OTHER_PARENTAL_RESPONSIBILITY && parent:
		return "is a parent on this family's referral: list them as parent (a parent is not listed again as having parental responsibility)"
	case kind == safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT && !parent:
		return "is not a parent on this family's referral but another adult with parental responsibility: list them as other-parental-responsibility"
	}
	return ""
}

// aboutOneParty reports whether a section kind concerns one party's whereabouts: exact arrival and
// departure times, and address or contact details.
func aboutOneParty(k safeguardingv1.ReportSectionKind) bool {
	return k == safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE ||
		k == safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_LOCATION_CONTACT
}

// WithheldFrom are the sections a recipient's copy leaves out: a party (and their solicitor) never
// gets another party's arrival and departure times or address and contact details, so that no
// parent learns from a report where the other can be found. Bodies that are no party get all.
func WithheldFrom(sections []Section, r Recipient) []int {
	party := r.Party()
	if party == uuid.Nil {
		return nil
	}
	var out []int
	for i, s := range sections {
		if aboutOneParty(s.Kind) && s.About != party {
			out = append(out, i)
		}
	}
	return out
}

// Bodies are the bodies involved with a family, as its referral says: a court (involved, a court
// order recorded, or the court referred the family), Cafcass (involved, or it referred the family)
// and the local authority's children's services (involved, or it referred the family).
type Bodies struct {
	Court, Cafcass, LocalAuthority bool
}

// NotInvolved says, for a recipient that is a body, why the family's referral does not involve it:
// a copy of a report goes to the bodies involved with the family, never to one that is not (review
// 16 released a report, with the resident parent's refuge, to a court and to Cafcass that had no
// part in the family's case). Empty when the body is involved, or the recipient is no body.
func (b Bodies) NotInvolved(kind safeguardingv1.RecipientKind) string {
	switch {
	case kind == safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT && !b.Court:
		return "the family's referral records no court involvement (no court involved, no court order, not referred by a court)"
	case kind == safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS && !b.Cafcass:
		return "the family's referral records no Cafcass involvement (not involved, not referred by Cafcass)"
	case kind == safeguardingv1.RecipientKind_RECIPIENT_KIND_LOCAL_AUTHORITY && !b.LocalAuthority:
		return "the family's referral records no local-authority involvement (children's services not among the agencies involved, not referred by the local authority)"
	}
	return ""
}

// bodyKinds are the bodies a report may go to, in the order a warning names them.
var bodyKinds = []safeguardingv1.RecipientKind{safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT,
	safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS, safeguardingv1.RecipientKind_RECIPIENT_KIND_LOCAL_AUTHORITY}

// NotSent are the bodies the family's referral involves that are not on a report's distribution
// list (review 58: a court-ordered, Cafcass-referred family's report went to the two parents
// alone, and nothing said so), in the order court, Cafcass, local authority.
func (b Bodies) NotSent(list []Recipient) []safeguardingv1.RecipientKind {
	var out []safeguardingv1.RecipientKind
	for _, kind := range bodyKinds {
		if b.NotInvolved(kind) != "" || slices.ContainsFunc(list, func(r Recipient) bool { return r.Kind == kind }) {
			continue
		}
		out = append(out, kind)
	}
	return out
}

// BodyNotSent is BODY_INVOLVED_NOT_SENT in words: a body the family's referral involves is not on the
// report's distribution list, and how it is sent a copy. A warning, not a refusal (decision 331):
// a copy can be sent to it afterwards, and a referral's involvement of a body is not ended when its
// part in the case is (proceedings concluded), so the lead may leave it off on purpose.
func BodyNotSent(report, centre uuid.UUID, body safeguardingv1.RecipientKind) string {
	name, why, flag := "the court", "court involved, a court order recorded, or referred by a court", "court"
	switch body {
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS:
		name, why, flag = "Cafcass", "Cafcass involved, or referred by Cafcass", "cafcass"
	case safeguardingv1.RecipientKind_RECIPIENT_KIND_LOCAL_AUTHORITY:
		name, why, flag = "the local authority", "children's services involved, or referred by the local authority", "local-authority"
	}
	return fmt.Sprintf("BODY_INVOLVED_NOT_SENT: the family's referral involves %s (%s), which is not on the report's distribution list "+
		"and was given no copy; if it should have the report, send it a copy of the text released: "+
		"familytime safeguarding report send-copy %s --centre %s --to %s", name, why, report, centre, flag)
}

// CompletedSession is a session scheduling completed, as the report rule needs it.
type CompletedSession struct {
	Booking, Family, Centre uuid.UUID
	ServiceType             commonv1.ServiceType
	SessionOn               time.Time
	// Supervisor is the account id of who supervised, when known.
	Supervisor string
}

// Report is an observation report of one supervised session.
type Report struct {
	id, family, centre, booking uuid.UUID
	sessionOn                   time.Time
	// writer drafts the report: the session's supervisor, as scheduling named them, or whom the
	// centre's lead gave it to (Reassign); empty when neither, and the first draft's author
	// becomes it.
	writer, author, checker string
	// submission is the event id of its latest submission for the check (a read since it lets
	// the second person check it, decision 98).
	submission uuid.UUID
	state      ReportState
	sections   []Section
	recipients []Recipient
	version    int64
	// returned says its latest check returned it (its checker, or the lead an approved one) and
	// it was not drafted again since: it stays in ReportDrafted, as it always did, but the text
	// returned is not submitted again (Submit). Derived from the events, none added for it.
	returned, returnedByLead bool
	// draft is the record id of the latest draft; released, of the draft released: the text
	// every copy was made from (decision 219).
	draft, released uuid.UUID
	ledger
}

// ReportDueFor makes the report of a completed session due. Only supervised contact is written
// about: any other session gives no report (nil, no events).
func ReportDueFor(s CompletedSession) (*Report, []proto.Message, error) {
	if s.ServiceType != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		return nil, nil, nil
	}
	if s.Booking == uuid.Nil || s.Family == uuid.Nil || s.Centre == uuid.Nil || s.SessionOn.IsZero() {
		return nil, nil, fmt.Errorf("completed session: booking, family, centre and date are required")
	}
	id := ReportIDFor(s.Booking)
	r := &Report{id: id}
	ev := &safeguardingv1.ReportDue{ReportId: id.String(), FamilyId: s.Family.String(), CentreId: s.Centre.String(),
		BookingId: s.Booking.String(), SessionOn: dates.Proto(s.SessionOn), Supervisor: s.Supervisor}
	return r, []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// RebuildReport replays a report's recorded events. Their sealed text is not needed: the
// sections' headings are readable.
func RebuildReport(id uuid.UUID, events []Recorded) (*Report, error) {
	if len(events) == 0 {
		return nil, ErrReportNotFound
	}
	r := &Report{id: id}
	for _, ev := range events {
		if err := r.apply(ev.ID, ev.Event); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Report) apply(id uuid.UUID, ev proto.Message) error {
	switch e := ev.(type) {
	case *safeguardingv1.ReportDue:
		r.family, r.centre, r.booking = parseID(e.GetFamilyId()), parseID(e.GetCentreId()), parseID(e.GetBookingId())
		r.sessionOn, r.writer, r.state = dates.Time(e.GetSessionOn()), e.GetSupervisor(), ReportDueState
		r.note(id, ev, "", false)
	case *safeguardingv1.ReportReassigned:
		// Due again, from its new writer: the earlier draft's author no longer drafts, submits or
		// reads it; its text stays readable to the writer, who may build on it.
		r.writer, r.author, r.state = e.GetWriter(), "", ReportDueState
		r.returned, r.returnedByLead = false, false
		r.note(id, ev, e.GetReassignedBy(), true)
	case *safeguardingv1.ReportDrafted:
		r.author, r.state, r.sections, r.draft = e.GetAuthor(), ReportDrafted, nil, id
		r.returned, r.returnedByLead = false, false
		if r.writer == "" {
			r.writer = e.GetAuthor()
		}
		for _, s := range e.GetSections() {
			r.sections = append(r.sections, Section{Kind: s.GetKind(), About: parseID(s.GetAboutPersonId())})
		}
		r.note(id, ev, e.GetAuthor(), true)
	case *safeguardingv1.ReportSubmittedForCheck:
		r.state, r.submission = ReportAwaitingCheck, id
		r.note(id, ev, r.author, false)
	case *safeguardingv1.ReportChecked:
		r.checker = e.GetChecker()
		// Returned, it is drafted again (Draft) before it is submitted again: only an approved
		// report is returned by the lead, one awaiting its check by its checker (Check).
		r.returned, r.returnedByLead = !e.GetApproved(), !e.GetApproved() && r.state == ReportApproved
		if r.state = ReportDrafted; e.GetApproved() {
			r.state = ReportApproved
		}
		r.note(id, ev, e.GetChecker(), true)
	case *safeguardingv1.ReportReleased:
		r.state, r.recipients, r.released = ReportReleased, nil, r.draft
		r.list(e.GetRecipients())
		r.note(id, ev, e.GetReleasedBy(), false)
	case *safeguardingv1.ReportCopiesSent:
		// Added at the end of the list: a copy's index (CopyFor) stays what it was.
		r.list(e.GetRecipients())
		r.note(id, ev, e.GetSentBy(), false)
	case *safeguardingv1.RecordCorrected:
		r.note(id, ev, e.GetCorrectedBy(), true)
	default:
		return fmt.Errorf("report: unexpected event %T", ev)
	}
	r.version++
	return nil
}

// list adds recipients, as recorded, to the end of the distribution list.
func (r *Report) list(recipients []*safeguardingv1.Recipient) {
	for _, x := range recipients {
		rc := Recipient{Kind: x.GetKind(), Person: parseID(x.GetPersonId()), ActingFor: parseID(x.GetActingForPersonId())}
		for _, w := range x.GetWithheldSections() {
			rc.Withheld = append(rc.Withheld, int(w))
		}
		r.recipients = append(r.recipients, rc)
	}
}

// ID is the report's id.
func (r *Report) ID() uuid.UUID { return r.id }

// FamilyID is the family observed.
func (r *Report) FamilyID() uuid.UUID { return r.family }

// CentreID is the centre of the session.
func (r *Report) CentreID() uuid.UUID { return r.centre }

// BookingID is the session's booking.
func (r *Report) BookingID() uuid.UUID { return r.booking }

// SessionOn is the session's local date; the report is due from it.
func (r *Report) SessionOn() time.Time { return r.sessionOn }

// State is where the report stands.
func (r *Report) State() ReportState { return r.state }

// Author is the account id of the author of the current draft; empty before a draft, and after
// the report was given to another writer.
func (r *Report) Author() string { return r.author }

// Writer is the account id of who drafts the report: the session's supervisor, or whom the lead
// gave it to; empty when scheduling named no supervisor and nobody has drafted it.
func (r *Report) Writer() string { return r.writer }

// Checker is the account id of the latest checker; empty before the check.
func (r *Report) Checker() string { return r.checker }

// Sections are the current draft's section headings (without text).
func (r *Report) Sections() []Section { return slices.Clone(r.sections) }

// Recipients are the distribution list, once released.
func (r *Report) Recipients() []Recipient { return slices.Clone(r.recipients) }

// Released is the record id of the draft released, the text every copy was made from; uuid.Nil
// before the release.
func (r *Report) Released() uuid.UUID { return r.released }

// CorrectsReleased reports whether record id is a correction of the text released: of the draft
// released, or of a correction of it. Only these change what a recipient was given: a draft
// superseded before the release and a check's note went to nobody (review 32).
func (r *Report) CorrectsReleased(id uuid.UUID) bool { return r.Corrects(id, r.released) }

// Returned reports whether the report's latest check returned it with a note, and it has not been
// drafted again since (its state is ReportDrafted all the same).
func (r *Report) Returned() bool { return r.returned }

// Submission is the event id of the report's latest submission for its check; nil before one.
func (r *Report) Submission() uuid.UUID { return r.submission }

// Version is the number of events recorded for the report.
func (r *Report) Version() int64 { return r.version }

// CanRead says whether the caller may read the report's text: its writer, its author, its checker
// and the centre's safeguarding lead; and while it waits for its check, a contact supervisor of
// the centre other than its author, who may check it and reads it first (decision 98).
func (r *Report) CanRead(c Caller) error {
	if c.Lead || (c.Subject != "" && (c.Subject == r.writer || c.Subject == r.author || c.Subject == r.checker)) {
		return nil
	}
	if r.state == ReportAwaitingCheck && c.Role == "supervisor" && c.Subject != "" && !strings.EqualFold(c.Subject, r.author) {
		return nil
	}
	return ErrNotReportReader
}

// Draft writes (or rewrites) the report's draft: while it is due, or after its checker returned
// it. Only its writer drafts (Writer); when scheduling named no supervisor, the author of the
// first draft becomes it.
func (r *Report) Draft(c Caller, sections []Section, today time.Time) ([]proto.Message, error) {
	if r.state != ReportDueState && r.state != ReportDrafted {
		return nil, ErrReportNotDraftable
	}
	if r.writer != "" && c.Subject != r.writer {
		return nil, ErrNotReportWriter
	}
	var v violations
	if len(sections) == 0 || len(sections) > 20 {
		v.add("sections", "must have 1 to 20 sections")
	}
	headings := make([]*safeguardingv1.ReportSection, len(sections))
	texts := make([]string, len(sections))
	for i, s := range sections {
		field := fmt.Sprintf("sections[%d]", i)
		if !known(safeguardingv1.ReportSectionKind_name, int32(s.Kind)) {
			v.add(field+".kind", "must be one of the section kinds")
		}
		if aboutOneParty(s.Kind) && s.About == uuid.Nil {
			v.add(field+".about_person_id", "must name the party the section is about")
		}
		if !aboutOneParty(s.Kind) && s.About != uuid.Nil {
			v.add(field+".about_person_id", "is only for arrival and departure, and location and contact sections")
		}
		texts[i] = strings.TrimSpace(s.Text)
		v.text(field+".text", texts[i], 20000, true)
		headings[i] = &safeguardingv1.ReportSection{Kind: s.Kind, AboutPersonId: optionalID(s.About)}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	sealed, _ := proto.Marshal(&safeguardingv1.ReportText{Sections: texts})
	ev := &safeguardingv1.ReportDrafted{ReportId: r.id.String(), FamilyId: r.family.String(), CentreId: r.centre.String(),
		DraftedOn: dates.Proto(today), Author: c.Subject, Sections: headings, SealedText: sealed}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// Reassign gives the report to another writer, saying why, when the session's supervisor cannot
// write it: they left, their checks lapsed, they are away (decision 99). Only the centre's
// safeguarding lead does, and only before it is submitted for its check: one submitted is checked
// as written, and one checked or released keeps its writer. The report is due again, from the new
// writer, who drafts it whole. That the writer may supervise contact at the centre today is the
// register's, checked by the caller.
func (r *Report) Reassign(c Caller, writer, reason string, today time.Time) ([]proto.Message, error) {
	if !c.Lead {
		return nil, ErrReassignedByLead
	}
	if r.state != ReportDueState && r.state != ReportDrafted {
		return nil, ErrReportNotReassignable
	}
	writer, reason = strings.TrimSpace(writer), strings.TrimSpace(reason)
	var v violations
	v.line("writer", writer, 200, true)
	if writer != "" && strings.EqualFold(writer, r.writer) {
		v.add("writer", "is the report's writer already")
	}
	v.text("reason", reason, 2000, true)
	if len(v.Violations) == 0 && !inwords.Says(reason) {
		v.add("reason", fmt.Sprintf("must say why the report is given to another writer, in words (at least %d letters or digits, one a letter)", inwords.MinLength))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	ev := &safeguardingv1.ReportReassigned{ReportId: r.id.String(), FamilyId: r.family.String(), CentreId: r.centre.String(),
		ReassignedOn: dates.Proto(today), Writer: writer, ReassignedBy: c.Subject, SealedReason: note(reason)}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// Submit asks for the second-person check. Only the author submits, and only a draft.
//
// A report its check returned is drafted again before it is submitted again: submitted as it was,
// the second person would be asked to check again the very text they (or the lead) returned, and
// what they asked to change would go out unchanged once anyone approved it (a hostile review).
func (r *Report) Submit(c Caller, today time.Time) ([]proto.Message, error) {
	if r.state != ReportDrafted {
		return nil, ErrReportNotDrafted
	}
	if c.Subject != r.author {
		return nil, ErrNotAuthor
	}
	if r.returned {
		who := "its checker returned it with a note"
		if r.returnedByLead {
			who = "the centre's safeguarding lead returned it, approved, with a note"
		}
		return nil, problem.Rule(ErrReportReturned.Reason, "the report cannot be submitted as it was: "+who+
			"; its writer drafts it again (familytime safeguarding report draft) before it is submitted again, and a second person checks the new draft")
	}
	ev := &safeguardingv1.ReportSubmittedForCheck{ReportId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), SubmittedOn: dates.Proto(today)}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// Check records the second-person check: approved for release, or returned to the author with a
// note. The checker is never the author.
//
// An approved report not yet released may be returned by the centre's safeguarding lead (not
// approved, with a note), to be drafted and checked again: what must not go out (an address
// the other parent must not learn) is taken out before release, not corrected after it.
func (r *Report) Check(c Caller, approved bool, text string, today time.Time) ([]proto.Message, error) {
	if r.state == ReportApproved && c.Lead && !approved {
		return r.checked(c, approved, text, today)
	}
	if r.state != ReportAwaitingCheck {
		return nil, ErrReportNotAwaitingCheck
	}
	// Case is ignored: an identity provider may take "Sup-1" and "sup-1" as one person, who would
	// then have checked their own report (decisions.md 93).
	if c.Subject == "" || strings.EqualFold(c.Subject, r.author) {
		return nil, ErrSecondPersonRequired
	}
	return r.checked(c, approved, text, today)
}

// checked records a check's decision, the note required when it returns the report.
func (r *Report) checked(c Caller, approved bool, text string, today time.Time) ([]proto.Message, error) {
	text = strings.TrimSpace(text)
	var v violations
	v.text("note", text, MaxText, !approved)
	if err := v.err(); err != nil {
		return nil, err
	}
	ev := &safeguardingv1.ReportChecked{ReportId: r.id.String(), FamilyId: r.family.String(), CentreId: r.centre.String(),
		CheckedOn: dates.Proto(today), Checker: c.Subject, Approved: approved, SealedNote: note(text)}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// Release sends the approved report to its distribution list, recording each recipient and the
// sections their copy withholds (WithheldFrom).
func (r *Report) Release(c Caller, recipients []Recipient, today time.Time) ([]proto.Message, error) {
	if !c.Lead {
		return nil, ErrReleasedByLead
	}
	switch r.state {
	case ReportApproved:
	case ReportReleased:
		// Review 58 was told only that a release is final, and the court could not be given it.
		return nil, problem.Rule(ErrReportReleasedAlready.Reason, fmt.Sprintf("the report was released already: a release is final; "+
			"to send a copy of the text released to someone not on its distribution list (the court, Cafcass): "+
			"familytime safeguarding report send-copy %s --centre %s --to KIND ...", r.id, r.centre))
	default:
		return nil, ErrReportNotApproved
	}
	out, err := r.copies(recipients)
	if err != nil {
		return nil, err
	}
	ev := &safeguardingv1.ReportReleased{ReportId: r.id.String(), FamilyId: r.family.String(), CentreId: r.centre.String(),
		ReleasedOn: dates.Proto(today), ReleasedBy: c.Subject, Recipients: out}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// SendCopies sends copies of the released report to further recipients, added at the end of its
// distribution list (decision 331): review 58 released a court-ordered family's report to the two
// parents alone, and the court could never be given it, since a release is final. What they are
// sent is the text released, never drafted again (a released report is not), each copy made by
// the release's rules (WithheldFrom), and the list is checked as the release's is; someone on the
// list already is refused, naming their place on it (their copy was made then).
//
// Once the text released was corrected, the copy still carries the text as released (a
// correction's one text is not split into the copy's sections, and could hold what a copy
// withholds: decisions 171, 219), marked with the correction's day. Review 74 sent the father's
// solicitor, after the lead had corrected the mother's new street out of the released text, the
// text with the street, and nothing said so. Such copies are refused ErrCorrectedAfterRelease
// unless the lead sends them despiteCorrection, knowing, and telling the recipients what changed
// (decision 375); the event records it.
func (r *Report) SendCopies(c Caller, recipients []Recipient, today time.Time, despiteCorrection bool) ([]proto.Message, error) {
	if !c.Lead {
		return nil, ErrReleasedByLead
	}
	if r.state != ReportReleased {
		return nil, problem.Rule(ErrNotReleased.Reason, "the report has not been released: copies are sent to further recipients "+
			"only of a released report; release it to its distribution list (familytime safeguarding report release)")
	}
	corrected := r.Latest(r.released) != r.released
	if corrected && !despiteCorrection {
		return nil, problem.Rule(ErrCorrectedAfterRelease.Reason, fmt.Sprintf("the text released was corrected after its release "+
			"(its latest correction is record %s): a copy gives its new recipients the text as released, which the correction put "+
			"right, marked only with the day of the correction. Read the correction first (familytime safeguarding report show %s "+
			"--centre %s --purpose \"read the correction\"); send the copies only if they are to have the text so, telling them what changed as the "+
			"others were told: the same command with --despite-correction", r.Latest(r.released), r.id, r.centre))
	}
	out, err := r.copies(recipients)
	if err != nil {
		return nil, err
	}
	var v violations
	for i, rc := range recipients {
		if j := slices.IndexFunc(r.recipients, func(o Recipient) bool { return o.who() == rc.who() }); j >= 0 {
			v.add(fmt.Sprintf("recipients[%d]", i), fmt.Sprintf("is on the report's distribution list already, as recipient %d "+
				"(counted from 1): their copy was sent then (report show --recipient %d gives it)", j+1, j+1))
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	ev := &safeguardingv1.ReportCopiesSent{ReportId: r.id.String(), FamilyId: r.family.String(), CentreId: r.centre.String(),
		SentOn: dates.Proto(today), SentBy: c.Subject, Recipients: out, ListedBefore: int32(len(r.recipients)),
		DespiteCorrection: corrected}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// copies checks a list of recipients (1 to 30, each of a kind, named as its kind needs, each once)
// and makes each one's copy: the sections it withholds (WithheldFrom).
func (r *Report) copies(recipients []Recipient) ([]*safeguardingv1.Recipient, error) {
	var v violations
	if len(recipients) == 0 || len(recipients) > 30 {
		v.add("recipients", "must have 1 to 30 recipients")
	}
	out := make([]*safeguardingv1.Recipient, len(recipients))
	for i, rc := range recipients {
		field := fmt.Sprintf("recipients[%d]", i)
		switch rc.Kind {
		case safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, safeguardingv1.RecipientKind_RECIPIENT_KIND_OTHER_PARENTAL_RESPONSIBILITY:
			if rc.Person == uuid.Nil {
				v.add(field+".person_id", "must name the person")
			}
			if rc.ActingFor != uuid.Nil {
				v.add(field+".acting_for_person_id", "is only for a solicitor")
			}
		case safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR:
			if rc.ActingFor == uuid.Nil {
				v.add(field+".acting_for_person_id", "must name the party the solicitor acts for")
			}
		case safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS, safeguardingv1.RecipientKind_RECIPIENT_KIND_LOCAL_AUTHORITY,
			safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT:
			if rc.Person != uuid.Nil || rc.ActingFor != uuid.Nil {
				v.add(field, "a body that is no party names no person")
			}
		default:
			v.add(field+".kind", "must be one of the recipient kinds")
		}
		if j := slices.IndexFunc(recipients[:i], func(o Recipient) bool { return o.who() == rc.who() }); j >= 0 {
			// The field path is 0-based (protobuf's); the words count as people do, from 1.
			v.add(field, fmt.Sprintf("names the same recipient as recipient %d on the list (counted from 1): each person or body is on "+
				"the list once, under one kind", j+1))
		}
		w := WithheldFrom(r.sections, rc)
		out[i] = &safeguardingv1.Recipient{Kind: rc.Kind, PersonId: optionalID(rc.Person), ActingForPersonId: optionalID(rc.ActingFor)}
		for _, n := range w {
			out[i].WithheldSections = append(out[i].WithheldSections, int32(n))
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// CopyFor are the indexes of the sections the recipient at index i of the release was given.
func (r *Report) CopyFor(i int) ([]int, error) {
	if r.state != ReportReleased {
		return nil, ErrNotReleased
	}
	if i < 0 || i >= len(r.recipients) {
		return nil, ErrRecipientNotFound
	}
	var out []int
	for n := range r.sections {
		if !slices.Contains(r.recipients[i].Withheld, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// Correct records a correction of a draft or a check's note; the original stays readable.
//
// A draft is corrected only once the report is released. Before, a correction changed nothing
// that goes out (a copy is made of the draft's sections) and nothing the checker read, so it
// gave a false sense that an address was taken out (review 16): a report not yet released is
// changed by drafting it again, and checked again (ErrReportNotReleased says how, by state).
func (r *Report) Correct(c Caller, target uuid.UUID, text, reason string, today time.Time) ([]proto.Message, error) {
	if r.state != ReportReleased && r.isDraft(target) {
		return nil, r.notReleased()
	}
	if t, ok := r.records[target]; ok && r.state == ReportReleased && t.of == draftType && r.released != uuid.Nil && t.root != r.released {
		// A draft replaced before the release went to nobody: its correction would change nothing
		// a recipient has, yet read as if it did (review 32 had every copy marked corrected).
		return nil, problem.Rule(ErrDraftSuperseded.Reason, fmt.Sprintf("record %s is a draft replaced by a later draft before the report "+
			"was released: no recipient was given it, and it stays in the record as it was; the text released is record %s: "+
			"correct record %s (the draft released, or the latest correction of it)", target, r.released, r.Latest(r.released)))
	}
	if (r.state == ReportApproved || r.state == ReportReleased) && !c.Lead && r.Has(target) {
		// The author changing a checked report alone would undo the second person's check.
		return nil, ErrReportCheckedCorrectedByLead
	}
	ev, err := r.correct(r.family, r.centre, target, c, text, reason, today)
	if err != nil {
		return nil, err
	}
	if r.state == ReportReleased && r.released != uuid.Nil && (target == r.released || r.Corrects(target, r.released)) {
		// The text released is corrected: each recipient was given a copy of it, and is sent the
		// correction; the record names them, in the list's order (review 48 found no "who was told").
		for _, rc := range r.recipients {
			x := &safeguardingv1.Recipient{Kind: rc.Kind, PersonId: optionalID(rc.Person), ActingForPersonId: optionalID(rc.ActingFor)}
			for _, w := range rc.Withheld {
				x.WithheldSections = append(x.WithheldSections, int32(w))
			}
			ev.RecipientsToTell = append(ev.RecipientsToTell, x)
		}
	}
	return []proto.Message{ev}, r.apply(uuid.Nil, ev)
}

// isDraft reports whether record target is one of the report's drafts, or a correction of one.
func (r *Report) isDraft(target uuid.UUID) bool {
	t, ok := r.records[target]
	return ok && (t.typ == draftType || t.typ == correctionType)
}

var (
	draftType      = string((&safeguardingv1.ReportDrafted{}).ProtoReflect().Descriptor().FullName())
	correctionType = string((&safeguardingv1.RecordCorrected{}).ProtoReflect().Descriptor().FullName())
)

// notReleased is ErrReportNotReleased saying how the report is changed in its state.
func (r *Report) notReleased() error {
	how := "its writer drafts it again (familytime safeguarding report draft)"
	switch r.state {
	case ReportAwaitingCheck:
		how = "the checker returns it with a note (report check --return), and its writer drafts it again"
	case ReportApproved:
		how = "the centre's safeguarding lead returns it with a note (report check --return), its writer drafts it again, " +
			"and a second person checks it again"
	}
	return problem.Rule(ErrReportNotReleased.Reason, "the report is not released: a correction would change neither what the checker read "+
		"nor what its recipients get; to change it, "+how)
}

// StateName is the state as the API names it.
func (s ReportState) StateName() safeguardingv1.ReportState {
	switch s {
	case ReportDueState:
		return safeguardingv1.ReportState_REPORT_STATE_DUE
	case ReportDrafted:
		return safeguardingv1.ReportState_REPORT_STATE_DRAFTED
	case ReportAwaitingCheck:
		return safeguardingv1.ReportState_REPORT_STATE_AWAITING_CHECK
	case ReportApproved:
		return safeguardingv1.ReportState_REPORT_STATE_APPROVED
	case ReportReleased:
		return safeguardingv1.ReportState_REPORT_STATE_RELEASED
	}
	return safeguardingv1.ReportState_REPORT_STATE_UNSPECIFIED
}
