package domain

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/staff"
)

// Not found.
var (
	// ErrConcernNotFound means no concern has the id (or not at the centre named).
	ErrConcernNotFound = problem.NotFound("concern")
	// ErrHoldNotFound means the family has no hold with the id.
	ErrHoldNotFound = problem.NotFound("hold")
	// ErrReportNotFound means no report has the id (or not at the centre named).
	ErrReportNotFound = problem.NotFound("report")
	// ErrRecordNotFound means the family has no correctable record with the id.
	ErrRecordNotFound = problem.NotFound("record")
	// ErrFamilyNotFound means the service holds no record of the family at the centre: one of
	// another centre, or none, the same answer either way (decision 55), with where to find the
	// centre's (review 82, L2).
	ErrFamilyNotFound = problem.NotFound("family with that id at this centre (the centre named by --centre: familytime referral " +
		"list shows its families, and a family referred a moment ago may take a few seconds to be known here)")
	// ErrRecipientNotFound means the report's release has no recipient at that index.
	ErrRecipientNotFound = problem.NotFound("recipient")
	// ErrBookingNotFound means a concern raised from its booking alone names a booking this
	// service has not heard of, or one of a family of another centre: the same answer either way
	// (decision 55).
	ErrBookingNotFound = problem.NotFound("booking with that id at this centre (the day sheet's BOOKING, whole; " +
		"one booked a moment ago may take a few seconds to be known here)")
)

// Rules a command breaks in the record's current state. Reasons are codes clients can act on.
var (
	// ErrFamilyErased: the family's key was destroyed (referral's FamilyErased, docs/decisions.md
	// 86); a command that would record new text about the family is refused (KeptWithoutText).
	ErrFamilyErased = problem.Rule("FAMILY_ERASED", "the family's personal data was erased, so nothing about them can be recorded here: "+
		"their records can still be read, and an open concern closed or escalated without a reference, or a hold lifted, without text")
	// ErrConcernClosed: a closed concern takes no more actions, escalations or closing; it can
	// still be corrected.
	ErrConcernClosed = problem.Rule("CONCERN_CLOSED", "the concern is closed")
	// ErrHoldNotInForce: only a hold in force can be lifted or reviewed.
	ErrHoldNotInForce = problem.Rule("HOLD_NOT_IN_FORCE", "the hold is not in force")
	// ErrHoldOfAnotherFamily matches the refusal to lift a hold naming a family that is not the
	// hold's (HoldOfAnotherFamily says which): the hold names its family, which may be left out.
	// ErrConcernOfAnotherFamily refuses a hold naming a concern of the centre about another family
	// (review 78 was told only "concern not found"; decision 397).
	ErrConcernOfAnotherFamily = problem.Rule("CONCERN_OF_ANOTHER_FAMILY", "the concern named is about another family of the centre: "+
		"name a concern about this family (its safeguarding record lists them), or none")
	ErrHoldOfAnotherFamily = problem.Rule("HOLD_OF_ANOTHER_FAMILY", "the hold is not on the family named: "+
		"leave the family out (the hold names its family), or name the hold's")
	// ErrConcernAlreadyHeld: a concern already has a hold in force.
	ErrConcernAlreadyHeld = problem.Rule("CONCERN_ALREADY_HELD", "a hold for this concern is already in force")
	// ErrReportNotDraftable: a report is drafted while due, or after the checker returned it.
	ErrReportNotDraftable = problem.Rule("REPORT_NOT_DRAFTABLE", "the report is waiting for its check, approved or released: it can no longer be redrafted")
	// ErrReportNotReassignable: a report submitted for its check, checked or released keeps its
	// writer.
	ErrReportNotReassignable = problem.Rule("REPORT_NOT_REASSIGNABLE", "the report is waiting for its check, approved or released: "+
		"it keeps its writer (a report returned by its checker may be given to another writer)")
	// ErrNotTheLead: someone acting as the lead on reports is the lead on the centre's register.
	ErrNotTheLead = staff.ErrNotTheLead
	// ErrWriterNotCleared: a report's new writer must be cleared to supervise contact at the
	// centre that day.
	ErrWriterNotCleared = problem.Rule("WRITER_NOT_CLEARED", "the writer is not cleared to supervise contact at the centre today")
	// ErrReportNotDrafted: only a drafted report is submitted for its check.
	ErrReportNotDrafted = problem.Rule("REPORT_NOT_DRAFTED", "the report has no draft waiting to be submitted")
	// ErrReportReturned matches the refusal to submit a report its check returned (its checker, or
	// the lead an approved one) before it is drafted again; the message (Report.Submit) says who
	// returned it.
	ErrReportReturned = problem.Rule("REPORT_RETURNED", "the report was returned with a note by its checker (or the centre's safeguarding lead): "+
		"its writer drafts it again (familytime safeguarding report draft) before it is submitted again")
	// ErrReportNotAwaitingCheck: only a submitted report is checked.
	ErrReportNotAwaitingCheck = problem.Rule("REPORT_NOT_AWAITING_CHECK", "the report is not waiting for its check")
	// ErrSecondPersonRequired: the author never checks their own report.
	ErrSecondPersonRequired = problem.Rule("SECOND_PERSON_REQUIRED", "a report is checked by a person other than its author: "+
		"ask another contact supervisor or the safeguarding lead, cleared on the centre's staff register, to read it (familytime "+
		"safeguarding report show) and check it (familytime safeguarding report check)")
	// ErrNotCleared matches every refusal of a report's draft, submission, check or release by
	// someone not cleared at the centre that day by its staff register (decision 96); the message
	// says why.
	ErrNotCleared = problem.Rule("NOT_CLEARED", "you are not cleared to work at the centre today")
	// ErrReportNotRead: the second person checks what was written: they read the report (a
	// recorded read) after it was submitted, before approving or returning it (decision 98).
	ErrReportNotRead = problem.Rule("REPORT_NOT_READ", "read the report before checking it "+
		"(familytime safeguarding report show REPORT --purpose \"check the report\"): a second person checks what was written, and the read is recorded")
	// ErrReportNotApproved: only a report approved by its check is released.
	ErrReportNotApproved = problem.Rule("REPORT_NOT_APPROVED", "the report has not been approved by its second-person check")
	// ErrReportReleasedAlready: a report is released once; a further recipient is sent a copy of
	// the text released (Report.SendCopies, decision 331), the list is never given again.
	ErrReportReleasedAlready = problem.Rule("REPORT_RELEASED", "the report was released already: a release is final; to send a copy "+
		"of the text released to someone not on its distribution list (the court, Cafcass), use familytime safeguarding report send-copy")
	// ErrCorrectedAfterRelease: copies of a report whose released text was corrected since are
	// sent only when the lead says so (Report.SendCopies, decision 375): they carry the text as
	// released, which the correction put right.
	ErrCorrectedAfterRelease = problem.Rule("REPORT_CORRECTED_AFTER_RELEASE", "the text released was corrected after its release")
	// ErrNotReleased: a recipient's copy exists only once the report is released.
	ErrNotReleased = problem.Rule("REPORT_NOT_RELEASED", "the report has not been released")
	// ErrFindingClearedByLead: an assessment that finds no domestic abuse where the family's latest
	// assessment found it clears a standing finding, which brings supported contact back
	// (decisions 80 and 92): only the centre's safeguarding lead, acting as the lead, does that.
	ErrFindingClearedByLead = problem.Rule("FINDING_CLEARED_BY_LEAD", "the family's latest assessment found domestic abuse: "+
		"only the centre's safeguarding lead may record an assessment that finds none")
	// ErrNoteRequired: clearing a standing domestic-abuse finding says why, in words.
	ErrNoteRequired = problem.Rule("NOTE_REQUIRED", "the family's latest assessment found domestic abuse: "+
		"an assessment that finds none must carry a note saying why, in words (at least 3 letters or digits, one a letter)")
	// ErrRedLoweredByLead: an assessment rating lower a family's risk that stands red (a screen or
	// an assessment) is the centre's safeguarding lead's, acting as the lead (review 20: a
	// coordinator on no register confirmed a red screen as green, and another rated green the
	// lead's red assessment of the day before, each taking the family off the lead's list).
	ErrRedLoweredByLead = problem.Rule("RED_LOWERED_BY_LEAD", "the family's risk stands red: only the centre's safeguarding lead "+
		"may record an assessment that rates it lower or drops a factor it names (record it red with its factors, or ask the lead)")
	// ErrLoweringNoteRequired: an assessment rating a family's risk lower than it stands, or
	// dropping a factor, says why.
	ErrLoweringNoteRequired = problem.Rule("NOTE_REQUIRED", "the assessment rates the family's risk lower than it stands, or "+
		"drops a factor it names: it must carry a note saying why, in words (at least 3 letters or digits, one a letter)")
	// ErrNotCorrectable: automatic records (a provisional screen, a due report) are superseded by
	// a person's record, not corrected.
	ErrNotCorrectable = problem.Rule("NOT_CORRECTABLE", "this kind of record is not corrected: record a new assessment or decision instead")
	// ErrAlreadyCorrected means the record has a correction already: the correction is corrected
	// instead (decisions.md 95).
	ErrAlreadyCorrected = problem.Rule("ALREADY_CORRECTED", "the record was corrected already: correct that correction instead")
	// ErrReportNotReleased: a report's draft is corrected once it is released; before, it is
	// drafted again (Report.Correct).
	ErrReportNotReleased = problem.Rule("REPORT_NOT_RELEASED", "the report is not released: it is changed by drafting it again, not corrected")
	// ErrDraftSuperseded: a draft replaced by a later draft before the report's release went to
	// nobody, and is not corrected; the message (Report.Correct) names the record to correct.
	ErrDraftSuperseded = problem.Rule("DRAFT_SUPERSEDED", "the draft was replaced by a later draft before the report was released: "+
		"no recipient was given it; correct the text released instead (report show gives its record)")
	// ErrReportCheckedCorrectedByLead means a correction of a report that a second person has
	// checked (approved or released) by anyone but the safeguarding lead (decisions.md 95).
	ErrReportCheckedCorrectedByLead = problem.Rule("REPORT_CHECKED", "the report was checked by a second person: only the centre's safeguarding lead corrects it now; its recipients' copies then say it was corrected, and the lead tells them what changed")
)

// erasedFamily is ErrFamilyErased for something new about family, whose erasure referral ordered:
// what happened to the family's data, why what was asked would do nothing, and what to do instead.
// Ids only.
func erasedFamily(family uuid.UUID, why, instead string) error {
	return problem.Rule(ErrFamilyErased.Reason, fmt.Sprintf("family %s's personal data was erased and its case is closed: %s "+
		"(the erasure removed what matches its child to a new referral); if the child has been referred again, %s; nothing was recorded",
		family, why, instead))
}

// HoldOnErasedFamily refuses a hold on a family whose erasure was ordered (review 35: one was
// accepted and suspended nothing).
func HoldOnErasedFamily(family uuid.UUID) error {
	return erasedFamily(family, "a hold would suspend nothing: the family has no contact to suspend",
		"place the hold on that family (familytime safeguarding hold --family NEW_FAMILY ...)")
}

// TextNotKept is what the raiser of a concern on a family whose key was destroyed is told: the
// concern is recorded and the lead alerted, but its description was not kept (review 38). Ids
// only: the family's, never the text.
// NoteNotKept is what the lead closing a concern on a family whose key was destroyed is told: the
// close and its outcome are recorded, the note is not (review 78: it was required, then dropped
// with nothing said; decision 390).
func NoteNotKept(family uuid.UUID) string {
	return fmt.Sprintf("TEXT_NOT_KEPT: family %s's personal data was erased, so the concern was closed and its outcome "+
		"recorded, but the note was not kept: keep what it says where the centre keeps safeguarding papers outside the platform, "+
		"if it must be kept", family)
}

// MovedTextNotKept is what the lead moving a concern is told when its description could not be
// carried: the first family's key, or the family's it is about, was destroyed (decision 404).
func MovedTextNotKept(family uuid.UUID) string {
	return fmt.Sprintf("TEXT_NOT_KEPT: the concern is moved to family %s, but its description was not carried: one family's "+
		"personal data was erased, so there was no text to read, or none can be kept for them; take the account from its raiser "+
		"in person, and keep it where the centre keeps safeguarding papers outside the platform", family)
}

func TextNotKept(family uuid.UUID) string {
	return fmt.Sprintf("TEXT_NOT_KEPT: family %s's personal data was erased, so the concern was recorded and the "+
		"safeguarding lead alerted, but its description was not kept: tell the safeguarding lead in person now what you saw "+
		"(if a child is in danger now, call the local authority's children's services or the police); "+
		"if the child has been referred again, raise it on that family too", family)
}

// RaisedBefore is what a raiser is told of a concern of their own, earlier about the same booking
// (sameBooking) or the same family the same day, raised at the instant at (said in the centres'
// time, UK) with the id earlier (review 51: one incident raised twice a second apart alerted the
// lead twice, and nobody said so). Nothing is refused: two people may report one incident, and a
// second incident is a second concern. It names no text of the earlier concern: the raiser wrote
// it, and a warning is printed where others may read it.
func RaisedBefore(sameBooking bool, at time.Time, earlier uuid.UUID) string {
	about := "this family was raised by you today"
	if sameBooking {
		about = "this booking was raised by you"
	}
	return fmt.Sprintf("RAISED_BEFORE: a concern about %s at %s (concern %s): if this is the same incident, tell the lead rather "+
		"than raise it again (this one is recorded and the lead alerted too; a correction of your first concern adds to it: "+
		"familytime safeguarding correct)", about, at.In(dates.UK()).Format("15:04"), earlier)
}

// ReferenceNotGiven is what the lead closing a concern is told of its escalations recorded with
// no reference from the agency and given none since (Concern.ReferencesNotGiven): the concern is
// closed, and each escalation's reference is added with escalate-reference, which a closed concern
// still takes. "" when there are none. Ids only.
func ReferenceNotGiven(family uuid.UUID, escalations []uuid.UUID) string {
	if len(escalations) == 0 {
		return ""
	}
	ids := make([]string, len(escalations))
	for i, e := range escalations {
		ids[i] = e.String()
	}
	return fmt.Sprintf("REFERENCE_NOT_GIVEN: the concern is closed, but the agency's reference was never recorded for escalation %s: "+
		"add it when the agency gives it (familytime safeguarding escalate-reference %s --family %s --reference REF), "+
		"so that the referral can be traced", strings.Join(ids, " and "), ids[0], family)
}

// RiskOnErasedFamily refuses a risk assessment of a family whose erasure was ordered.
func RiskOnErasedFamily(family uuid.UUID) error {
	return erasedFamily(family, "its risk is no one's to review any more", "assess that family (familytime safeguarding risk --family NEW_FAMILY ...)")
}

// HoldOfAnotherFamily is ErrHoldOfAnotherFamily for centre's hold, on family held, named with
// family, to be lifted: ids only. Its command runs as printed, with the --centre lift requires
// (decision 360); --note ... is the lead's to write.
func HoldOfAnotherFamily(centre, hold, family, held uuid.UUID) error {
	return problem.Rule(ErrHoldOfAnotherFamily.Reason, fmt.Sprintf("hold %s is not on family %s: it is on family %s; "+
		"leave the family out (familytime safeguarding lift %s --centre %s --note ...: the hold names its family), or name that one; "+
		"nothing was lifted", hold, family, held, hold, centre))
}

// HoldToReviewOfAnotherFamily is ErrHoldOfAnotherFamily for centre's hold, on family held, named
// with family, to be reviewed: ids only, the command with the --centre review requires.
func HoldToReviewOfAnotherFamily(centre, hold, family, held uuid.UUID) error {
	return problem.Rule(ErrHoldOfAnotherFamily.Reason, fmt.Sprintf("hold %s is not on family %s: it is on family %s; "+
		"leave the family out (familytime safeguarding hold review %s --centre %s --next-review-by ... --note ...: "+
		"the hold names its family), or name that one; nothing was reviewed", hold, family, held, hold, centre))
}

// Forbidden is a caller who may reach the RPC but not this record: a volunteer reading another's
// concern, a supervisor drafting someone else's report. Ports map it to PermissionDenied with Code
// as its reason, so that this refusal too carries one to act on (review 48, decisions 258 and 266).
// Message names the rule, never a person.
type Forbidden struct{ Code, Message string }

func (f *Forbidden) Error() string { return f.Message }

var (
	// ErrNotRaiser: only the raiser and the centre's safeguarding lead read a concern.
	ErrNotRaiser = &Forbidden{"NOT_THE_RAISER_OR_LEAD", "only the person who raised a concern and the centre's safeguarding lead may read it"}
	// ErrNotReportReader: only the author, the checker and the lead read a report (and a
	// supervisor who may check it, while it waits for its check).
	ErrNotReportReader = &Forbidden{"NOT_A_REPORT_READER", "only the report's author, its checker and the centre's safeguarding lead may read it " +
		"(and, while it waits for its check, a contact supervisor of the centre who may check it)"}
	// ErrNotReportWriter: a report is drafted by its writer.
	ErrNotReportWriter = &Forbidden{"NOT_THE_WRITER", "a report is drafted by its writer: the supervisor of its session, or whom the centre's " +
		"safeguarding lead gave it to (where scheduling named no supervisor, the author of its first draft)"}
	// ErrReleasedByLead: only the centre's safeguarding lead releases a report.
	ErrReleasedByLead = &Forbidden{"RELEASED_BY_LEAD", "only the centre's safeguarding lead, on its staff register as the lead, releases a report"}
	// ErrReassignedByLead: only the centre's safeguarding lead gives a report to another writer.
	ErrReassignedByLead = &Forbidden{"REASSIGNED_BY_LEAD", "only the centre's safeguarding lead gives a report to another writer"}
	// ErrNotAuthor: only the author submits a report for its check.
	ErrNotAuthor = &Forbidden{"NOT_THE_AUTHOR", "only the report's author may submit it"}
	// ErrNotRecordAuthor: a record is corrected by its author or the centre's safeguarding lead.
	ErrNotRecordAuthor = &Forbidden{"NOT_THE_AUTHOR_OR_LEAD", "a record is corrected by its author or the centre's safeguarding lead"}
	// ErrWholeRecordByLead: a family's whole safeguarding record is the lead's to read.
	ErrWholeRecordByLead = &Forbidden{"LEAD_ONLY", "only the centre's safeguarding lead reads a family's whole record"}
)
