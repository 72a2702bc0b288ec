package app

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// ReportDue makes the report of a completed session due, on uow (a consumer's unit of work).
// Sessions other than supervised ones add nothing; a second delivery of the same session finds
// its report already due and adds nothing either.
func (a *App) ReportDue(ctx context.Context, s domain.CompletedSession, md eventstore.Metadata, uow *eventstore.UnitOfWork) error {
	r, msgs, err := domain.ReportDueFor(s)
	if err != nil || r == nil {
		return err
	}
	head, err := a.records.Head(ctx, domain.ReportStreamID(r.ID()))
	if err != nil || head > 0 {
		return err
	}
	if _, err := a.append(ctx, uow, domain.ReportStreamID(r.ID()), eventstore.NoStream, s.Family, s.Centre, md, msgs); err != nil {
		return err
	}
	adapters.ProjectReport(uow, r)
	return nil
}

func (a *App) loadReport(ctx context.Context, centre, id uuid.UUID) (*domain.Report, []eventstore.RecordedEvent, error) {
	recs, raw, err := a.records.Load(ctx, domain.ReportStreamID(id))
	if err != nil {
		return nil, nil, err
	}
	r, err := domain.RebuildReport(id, recs)
	if err != nil {
		return nil, nil, err
	}
	if r.CentreID() != centre {
		return nil, nil, domain.ErrReportNotFound
	}
	return r, raw, nil
}

// ChangeReport runs one command on a report of the centre (draft, submit, check, release,
// reassign), by someone its staff register clears today (decision 96), in the role it gives them
// (ActingAsStaff).
func (a *App) ChangeReport(ctx context.Context, centre, id uuid.UUID, c domain.Caller, md eventstore.Metadata,
	decide func(r *domain.Report, c domain.Caller, today domainDate) ([]proto.Message, error)) (*domain.Report, *eventstore.UnitOfWork, error) {
	// decision 319: the register before the report, so someone it does not clear is answered
	// alike for a report that exists and one that does not (review 57).
	c.Subject = md.Actor
	c, err := a.ActingAsStaff(ctx, centre, c)
	if err != nil {
		return nil, nil, err
	}
	r, _, err := a.loadReport(ctx, centre, id)
	if err != nil {
		return nil, nil, err
	}
	today := a.today()
	expected := r.Version()
	msgs, err := decide(r, c, today)
	if err != nil {
		return nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	if _, err := a.append(ctx, uow, domain.ReportStreamID(id), expected, r.FamilyID(), r.CentreID(), md, msgs); err != nil {
		return nil, nil, err
	}
	adapters.ProjectReport(uow, r)
	return r, uow, nil
}

// ReportView is a report as its reader sees it.
type ReportView struct {
	Report *domain.Report
	// Sections are the sections given, with their index in the whole report, or, in a
	// recipient's copy, in the copy (decision 158).
	Sections    []SectionView
	Corrections []Entry
	// Checks are the report's checks with their notes (ReportChecked), in order; none in a
	// recipient's copy.
	Checks []Entry
	// CorrectedAfterRelease are the days of the corrections of the text released (its draft and
	// the chain of corrections of it), in order: all a recipient's copy says of them (decisions
	// 171, 219). A draft superseded before the release and a check's note went to nobody.
	CorrectedAfterRelease []time.Time
	// Released is the record id of the draft released, and Correct the record a correction of it
	// names now (the draft, or its latest correction); uuid.Nil before the release and in a
	// recipient's copy (decision 219). Correct is uuid.Nil too once the family's text was erased:
	// nothing about it can be recorded, a correction included.
	Released, Correct uuid.UUID
	// Erasure is the family's erasure; its Done says the report's text is gone with the family's
	// personal data (review 35: a released report read as blank, with nothing saying why).
	Erasure adapters.Erasure
}

// SectionView is one section with its text.
type SectionView struct {
	Index int
	domain.Section
}

// GetReport returns a report, whole or as the copy one recipient was given, to its author, its
// checker or the centre's lead, after recording the read.
func (a *App) GetReport(ctx context.Context, c domain.Caller, centre, id uuid.UUID, purpose string, recipient *int) (ReportView, error) {
	// Reading a report's text is working on it, as writing and checking it are: by someone the
	// centre's staff register clears today (decision 96); a supervisor who left keeps a token.
	// decision 319: the register is checked first, as for drafting, so someone it does not clear
	// is answered alike for a report that exists and one that does not (review 57 was told
	// NOT_A_REPORT_READER for one and "report not found" for the other).
	tokenCaller := c
	c, err := a.ActingAsStaff(ctx, centre, c)
	if err != nil {
		return ReportView{}, a.refused(ctx, tokenCaller, centre, safeguardingv1.RecordKind_RECORD_KIND_REPORT, id, err)
	}
	r, raw, err := a.loadReport(ctx, centre, id)
	if err != nil {
		return ReportView{}, a.refused(ctx, tokenCaller, centre, safeguardingv1.RecordKind_RECORD_KIND_REPORT, id, err)
	}
	if err := r.CanRead(c); err != nil {
		// c is the role the register gives: acting as a supervisor, not the lead the token said
		return ReportView{}, a.refused(ctx, c, centre, safeguardingv1.RecordKind_RECORD_KIND_REPORT, id, err)
	}
	indexes := make([]int, len(r.Sections()))
	for i := range indexes {
		indexes[i] = i
	}
	if recipient != nil {
		if indexes, err = r.CopyFor(*recipient); err != nil {
			return ReportView{}, err
		}
	}
	if err := a.recordAccess(ctx, c, domain.Access{Family: r.FamilyID(), Centre: centre,
		Kind: safeguardingv1.RecordKind_RECORD_KIND_REPORT, Record: id, Purpose: purpose}); err != nil {
		return ReportView{}, err
	}
	// The text of the latest draft, which is what was checked and released.
	var texts []string
	for i := len(raw) - 1; i >= 0 && texts == nil; i-- {
		if raw[i].Type != "familytime.safeguarding.v1.ReportDrafted" {
			continue
		}
		msg, err := raw[i].Decode()
		if err != nil {
			return ReportView{}, err
		}
		b, err := a.records.Open(ctx, r.FamilyID(), raw[i].ID, "sealed_text", msg.(*safeguardingv1.ReportDrafted).GetSealedText())
		if err != nil {
			return ReportView{}, err
		}
		t := &safeguardingv1.ReportText{}
		if err := proto.Unmarshal(b, t); err != nil {
			return ReportView{}, err
		}
		texts = append([]string{}, t.GetSections()...)
	}
	view := ReportView{Report: r}
	if view.Erasure, err = a.records.Erasure(ctx, r.FamilyID()); err != nil {
		return ReportView{}, err
	}
	sections := r.Sections()
	for n, i := range indexes {
		s := sections[i]
		if i < len(texts) {
			s.Text = texts[i]
		}
		// A copy's sections are numbered as the copy has them (0, 1, 2, ...): the whole report's
		// numbers would show that sections were kept from its recipient (decisions 98, 158).
		at := i
		if recipient != nil {
			at = n
		}
		view.Sections = append(view.Sections, SectionView{Index: at, Section: s})
	}
	released := false
	for _, e := range raw {
		switch e.Type {
		case "familytime.safeguarding.v1.ReportReleased":
			released = true
		case "familytime.safeguarding.v1.RecordCorrected":
			// Only a correction of the text released changes what a recipient was given (review
			// 32 marked every copy for a correction of a draft replaced before the release).
			if !released || !r.CorrectsReleased(e.ID) {
				continue
			}
			msg, err := e.Decode()
			if err != nil {
				return ReportView{}, err
			}
			view.CorrectedAfterRelease = append(view.CorrectedAfterRelease, dates.Time(msg.(*safeguardingv1.RecordCorrected).GetCorrectedOn()))
		}
	}
	if recipient != nil {
		// A recipient's copy is the text given them, without the staff's records of it; a
		// correction since its release is shown by its day alone, since its one text could hold
		// what the copy withholds (review 22: the court kept the wrong text, and no sign of it).
		return view, nil
	}
	// The lead corrects the text released by its record id, which the whole report gives: review
	// 32 found nothing that said which of the family's drafts went out.
	if r.Released() != uuid.Nil {
		view.Released = r.Released()
		if !view.Erasure.Done {
			view.Correct = r.Latest(r.Released())
		}
	}
	var corrections, checks []eventstore.RecordedEvent
	for _, e := range raw {
		switch e.Type {
		case "familytime.safeguarding.v1.RecordCorrected":
			corrections = append(corrections, e)
		case "familytime.safeguarding.v1.ReportChecked":
			// The writer of a returned report drafts it again from the check's note: without it
			// they were told of a note they could not read.
			checks = append(checks, e)
		}
	}
	if view.Corrections, err = a.entries(ctx, r.FamilyID(), corrections, nil); err != nil {
		return ReportView{}, err
	}
	if view.Checks, err = a.entries(ctx, r.FamilyID(), checks, nil); err != nil {
		return ReportView{}, err
	}
	return view, nil
}

// OverdueReport is a report due for more than 5 working days.
type OverdueReport struct {
	adapters.ReportRow
	WorkingDays int
	// Returned says its check returned it and it waits for a new draft (domain.Report.Returned).
	Returned bool
}

// OverdueReports reads a page of a centre's reports not released more than 5 working days after
// their session, oldest session first (size 0: DefaultPageSize). They are the unreleased reports
// of sessions up to domain.LastOverdueSession, so each page is read whole from the database.
func (a *App) OverdueReports(ctx context.Context, centre uuid.UUID, size int, token string) ([]OverdueReport, string, error) {
	today := a.today()
	rows, next, err := a.records.UnreleasedReportsBy(ctx, centre, domain.LastOverdueSession(today), pageSize(size), token)
	if err != nil {
		return nil, "", err
	}
	out, err := a.listed(ctx, centre, rows, today)
	return out, next, err
}

// OpenReports are a page of a centre's reports not yet released, due or not, oldest session
// first (size 0: DefaultPageSize), with the working days since their session, and the next
// page's token: a supervisor finds there the report of a session they supervised, to draft.
func (a *App) OpenReports(ctx context.Context, centre uuid.UUID, size int, token string) ([]OverdueReport, string, error) {
	rows, next, err := a.records.UnreleasedReportsBy(ctx, centre, lastDay, pageSize(size), token)
	if err != nil {
		return nil, "", err
	}
	out, err := a.listed(ctx, centre, rows, a.today())
	return out, next, err
}

// lastDay is after every session: an open report's session may be any day.
var lastDay = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// listed are the rows as a list shows them: with the working days since each session, and a
// drafted report's stream read to say whether its check returned it (the row keeps only its
// state, "drafted" either way; review 17 could not tell one waiting for a new draft from one
// waiting to be submitted). A centre has tens of open reports, a few of them drafted.
func (a *App) listed(ctx context.Context, centre uuid.UUID, rows []adapters.ReportRow, today time.Time) ([]OverdueReport, error) {
	out := make([]OverdueReport, 0, len(rows))
	for _, r := range rows {
		o := OverdueReport{ReportRow: r, WorkingDays: domain.WorkingDaysSince(r.SessionOn, today)}
		if r.State == safeguardingv1.ReportState_REPORT_STATE_DRAFTED {
			rep, _, err := a.loadReport(ctx, centre, r.ID)
			if err != nil {
				return nil, err
			}
			o.Returned = rep.Returned()
		}
		out = append(out, o)
	}
	return out, nil
}

// ReadSinceSubmitted reports whether subject read the report after its latest submission for
// the check (decision 98): the second person checks what was written.
func (a *App) ReadSinceSubmitted(ctx context.Context, r *domain.Report, subject string) (bool, error) {
	if r.Submission() == uuid.Nil {
		return false, nil
	}
	return a.records.ReadSince(ctx, r.FamilyID(), r.ID(), subject, r.Submission())
}

// ActingAsStaff is the caller as they work on the centre's reports and records today: refused
// unless the centre's staff register, as far as safeguarding has heard of it, clears them today
// (decision 96), and acting in a role it gives them (staff.Register.ActsAs): as the lead, only as
// its lead (decision 107); else in the first other role of their token the call allows that it
// gives them (a lead's token with the supervisor's role too, for the register's contact
// supervisor, works on reports as one), or refused (decision 113). The platform's services and
// the administrators are on no register; their calls do not come here.
func (a *App) ActingAsStaff(ctx context.Context, centre uuid.UUID, c domain.Caller) (domain.Caller, error) {
	today := a.today()
	register, err := a.records.StaffRegister(ctx, centre)
	if err != nil {
		return domain.Caller{}, err
	}
	if err := register.WorksOn(c.Subject, today, "on the centre's reports and safeguarding records"); err != nil {
		return domain.Caller{}, err
	}
	err = register.ActsAs(c.Subject, today, auth.Role(c.Role))
	if err == nil {
		return c, nil
	}
	for _, r := range c.Roles {
		if r != c.Role && register.ActsAs(c.Subject, today, auth.Role(r)) == nil {
			return domain.Caller{Subject: c.Subject, Role: r, Lead: r == string(auth.RoleSafeguardingLead), Roles: c.Roles}, nil
		}
	}
	return domain.Caller{}, err
}

// ActingToRead is ActingAsStaff for a read of kind record: a refusal of someone on the register
// acting in a role it does not give them is recorded on the family's audit (refused, decision 373).
func (a *App) ActingToRead(ctx context.Context, centre uuid.UUID, c domain.Caller, kind safeguardingv1.RecordKind, record uuid.UUID) (domain.Caller, error) {
	acting, err := a.ActingAsStaff(ctx, centre, c)
	if err != nil {
		return domain.Caller{}, a.refused(ctx, c, centre, kind, record, err)
	}
	return acting, nil
}

// LeadWarning is NO_LEAD in words when the centre's staff register has no safeguarding lead
// cleared today, or "": a concern or hold still stands, but no lead reads its alert (review 20: a
// volunteer's concern at a centre whose lead had left was accepted, "the lead is alerted", and
// nobody could read it).
func (a *App) LeadWarning(ctx context.Context, centre uuid.UUID) (string, error) {
	register, err := a.records.StaffRegister(ctx, centre)
	if err != nil {
		return "", err
	}
	return register.NoLeadWarning(a.today()), nil
}

// WriterSupervises refuses a report's new writer unless the centre's staff register clears them
// to supervise contact there today: a contact supervisor or the lead, with checks that count
// (decision 99). The lead names the writer, so the message names them.
func (a *App) WriterSupervises(ctx context.Context, centre uuid.UUID, writer string, today time.Time) error {
	register, err := a.records.StaffRegister(ctx, centre)
	if err != nil {
		return err
	}
	if ok, why := register.CanSupervise(writer, today); !ok {
		return problem.Rule(domain.ErrWriterNotCleared.Reason, fmt.Sprintf("writer %s is not cleared to supervise contact at the centre on %s: %s",
			writer, today.Format(time.DateOnly), why))
	}
	return nil
}

// NotErased refuses copies of a report sent after the family's erasure was ordered (decision 331):
// its text is gone with the family's personal data, or is about to go, at the family's request or
// at the end of its retention; a copy would carry nothing, or what is being erased.
func (a *App) NotErased(ctx context.Context, family uuid.UUID) error {
	e, err := a.records.Erasure(ctx, family)
	if err != nil || !e.Ordered {
		return err
	}
	return problem.Rule(domain.ErrFamilyErased.Reason, "the family's personal data is erased, or its erasure is ordered: "+
		"the report's text goes with it, and no copy of it is sent now")
}
