package safeguarding_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/platform/testkit"
)

// staffRegister is the rig centre's staff register as scheduling keeps it: its events are recorded
// with the register's own rules (platform/staff) in the stream staff-<centre> of scheduling's own
// event store, and its relay publishes them.
type staffRegister struct {
	g        *rig
	register *staff.Register
	store    *eventstore.Store
}

func (g *rig) staffRegister(t *testing.T) *staffRegister {
	t.Helper()
	if g.staff != nil {
		return g.staff
	}
	db := testkit.Postgres(t)
	db.Migrate(t, eventstore.Migrations())
	register, err := staff.Rebuild(g.centre, nil)
	require.NoError(t, err)
	r, err := relay.New(db.Pool(t), g.nc, relay.Config{Key: testkit.BusKey, Service: "scheduling", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	g.staff = &staffRegister{g: g, register: register, store: eventstore.New(db.Pool(t)).SignWith(testkit.BusKey.ForLog("scheduling"))}
	return g.staff
}

// theUsualStaff puts the accounts most tests act as on the centre's staff register: lead-1,
// volunteer-1, volunteer-2 and coordinator-1. Safeguarding's records are worked on by staff the
// register clears (decision 109).
func (g *rig) theUsualStaff(t *testing.T) {
	t.Helper()
	g.onTheRegister(t, "lead-1", "volunteer-1", "volunteer-2", "coordinator-1")
}

// onTheRegister puts accounts on the centre's staff register, cleared for months, each in the
// role its name begins with (lead, coordinator, supervisor, volunteer): safeguarding's records are
// worked on by staff the register clears (decision 109).
func (g *rig) onTheRegister(t *testing.T, accounts ...string) {
	t.Helper()
	roles := map[string]schedulingv1.StaffRole{"lead": schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD,
		"coordinator": schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, "supervisor": schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR,
		"volunteer": schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER}
	cleared := today().AddDate(0, -3, 0)
	for _, account := range accounts {
		role, ok := roles[strings.SplitN(account, "-", 2)[0]]
		require.True(t, ok, account)
		g.staffRegister(t).add(t, account, role, cleared, cleared)
	}
}

// record appends what one of the register's commands decided, and waits until safeguarding has
// heard of it.
func (s *staffRegister) record(t *testing.T, ev proto.Message, err error) {
	t.Helper()
	require.NoError(t, err)
	e, err := eventstore.NewEvent(ev, uuid.Nil, s.g.centre, eventstore.Metadata{Actor: "coordinator-1"})
	require.NoError(t, err)
	_, err = s.store.Append(t.Context(), staff.Stream(s.g.centre), s.register.Version()-1, e)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var n int64
		require.NoError(t, s.g.db.OwnerPool(t).QueryRow(t.Context(), "SELECT count(*) FROM staff_register_events WHERE centre_id = $1",
			s.g.centre).Scan(&n))
		return n == s.register.Version()
	}, 30*time.Second, 10*time.Millisecond)
}

func (s *staffRegister) add(t *testing.T, account string, role schedulingv1.StaffRole, dbs, trained time.Time) {
	t.Helper()
	_, ev, err := s.register.Add(staff.Joining{Account: account, Role: role, Joined: dbs, DBSChecked: dbs, Trained: trained}, today())
	s.record(t, ev, err)
}

func today() time.Time { return time.Now().UTC().Truncate(24 * time.Hour) }

func protoDate(t time.Time) *commonv1.Date {
	return &commonv1.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

// dueReport has scheduling complete a supervised session of a new family, supervised by
// supervisor daysAgo days ago, and returns the report safeguarding makes due for it, as the
// centre's coordinator lists it (no register needed).
func (g *rig) dueReport(t *testing.T, supervisor string, daysAgo int) (report string, family uuid.UUID) {
	t.Helper()
	family = g.families(t, 1)[0]
	g.other(t, "scheduling", family, g.centre, &schedulingv1.SessionCompleted{BookingId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, SupervisedBy: supervisor,
		SessionDate: protoDate(today().AddDate(0, 0, -daysAgo))})
	if _, ok := g.staffRegister(t).register.Member("coordinator-1"); !ok {
		g.onTheRegister(t, "coordinator-1")
	}
	coordinator := g.as(t, "coordinator-1", auth.RoleCoordinator)
	require.Eventually(t, func() bool {
		open, err := coordinator.ListOpenReports(t.Context(), &safeguardingv1.ListOpenReportsRequest{CentreId: g.centre.String()})
		for _, r := range open.GetReports() {
			if err == nil && r.GetFamilyId() == family.String() {
				report = r.GetReportId()
			}
		}
		return report != ""
	}, 30*time.Second, 20*time.Millisecond, "the session's report is due")
	return report, family
}

// A supervised session's report is drafted, submitted, checked and released only by someone the
// centre's staff register clears that day (decision 96): the token says what someone does, the
// register whether they still may. Each refusal says why, names no account, and records nothing;
// once the register clears them, the same request goes through.
func TestReportsAreWorkedOnlyByStaffTheRegisterClears(t *testing.T) {
	g := newRig(t)
	g.onTheRegister(t, "coordinator-1") // who lists the reports, cleared by the register
	ctx := t.Context()
	family := g.families(t, 1)[0]
	booking := uuid.New()
	g.other(t, "scheduling", family, g.centre, &schedulingv1.SessionCompleted{BookingId: booking.String(), FamilyId: family.String(),
		CentreId: g.centre.String(), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, SupervisedBy: "supervisor-1",
		SessionDate: protoDate(today().AddDate(0, 0, -1))})
	sup := g.as(t, "supervisor-1", auth.RoleSupervisor)
	checker := g.as(t, "supervisor-2", auth.RoleSupervisor)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	var report string
	coordinator := g.as(t, "coordinator-1", auth.RoleCoordinator) // supervisors list reports once cleared
	require.Eventually(t, func() bool {
		open, err := coordinator.ListOpenReports(ctx, &safeguardingv1.ListOpenReportsRequest{CentreId: g.centre.String()})
		if err == nil && len(open.GetReports()) == 1 {
			report = open.GetReports()[0].GetReportId()
		}
		return report != ""
	}, 30*time.Second, 20*time.Millisecond)

	refused := func(err error, why string) {
		t.Helper()
		require.Equal(t, codes.FailedPrecondition, code(t, err), err)
		require.Equal(t, "NOT_CLEARED", reason(t, err))
		require.Contains(t, status.Convert(err).Message(), why)
		require.NotContains(t, status.Convert(err).Message(), "supervisor-", "the message names no account")
	}
	draft := &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Sections: []*safeguardingv1.ReportSectionInput{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "They played."}}}
	before := g.events(t)
	_, err := sup.DraftReport(ctx, draft)
	refused(err, "you are not on its staff register")
	require.Equal(t, before, g.events(t), "a refusal records nothing")

	register := g.staffRegister(t)
	cleared := today().AddDate(0, -3, 0)
	register.add(t, "supervisor-1", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, cleared, cleared)
	register.add(t, "supervisor-2", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, today().AddDate(-2, 0, 0), today().AddDate(-1, 0, 0))
	register.add(t, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, cleared, cleared)
	draft.RequestId = uuid.NewString()
	_, err = sup.DraftReport(ctx, draft)
	require.NoError(t, err)
	_, err = sup.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report})
	require.NoError(t, err)

	// The second person's training, done a year ago, lapsed today: they do not check it until it is renewed.
	check := &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report, Approved: true}
	before = g.events(t)
	_, err = checker.CheckReport(ctx, check)
	refused(err, "safeguarding training lapsed on "+today().Format(time.DateOnly))
	read := &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report, Purpose: "check the report"}
	_, err = checker.GetReport(ctx, read)
	refused(err, "safeguarding training lapsed on "+today().Format(time.DateOnly))
	_, err = g.as(t, "supervisor-9", auth.RoleSupervisor).GetReport(ctx, read)
	refused(err, "you are not on its staff register")
	require.Equal(t, before, g.events(t), "a refused read records nothing")
	_, ev, err := register.register.RecordCheck("supervisor-2", schedulingv1.StaffCheck_STAFF_CHECK_SAFEGUARDING_TRAINING, today(), today())
	register.record(t, ev, err)
	_, err = checker.GetReport(ctx, read)
	require.NoError(t, err)
	check.RequestId = uuid.NewString()
	_, err = checker.CheckReport(ctx, check)
	require.NoError(t, err)

	// The lead whose last day was yesterday does not release it; the lead who came after does.
	_, ev, err = register.register.Leave("lead-1", today().AddDate(0, 0, -1), today())
	register.record(t, ev, err)
	release := &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Recipients: []*safeguardingv1.RecipientInput{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}}
	before = g.events(t)
	_, err = lead.ReleaseReport(ctx, release)
	refused(err, "the last day on it was "+today().AddDate(0, 0, -1).Format(time.DateOnly))
	require.Equal(t, before, g.events(t))
	register.add(t, "lead-2", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, cleared, cleared)
	release.RequestId = uuid.NewString()
	released, err := g.as(t, "lead-2", auth.RoleSafeguardingLead).ReleaseReport(ctx, release)
	require.NoError(t, err)
	require.Equal(t, safeguardingv1.ReportState_REPORT_STATE_RELEASED, released.GetReport().GetState())
}

// A report whose session's supervisor left before writing it is not stuck: the centre's lead
// gives it to another writer the register clears to supervise contact, saying why; the lists
// say who it waits on, and the new writer reads the earlier draft, drafts, and submits it
// (decision 99). Refusals say why and record nothing.
func TestALeadGivesAStuckReportToAnotherWriter(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	report, family := g.dueReport(t, "supervisor-1", 10)
	sup := g.as(t, "supervisor-1", auth.RoleSupervisor)
	sup2 := g.as(t, "supervisor-2", auth.RoleSupervisor)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	register := g.staffRegister(t)
	cleared := today().AddDate(0, -3, 0)
	register.add(t, "supervisor-1", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, cleared, cleared)
	register.add(t, "supervisor-2", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, cleared, cleared)
	register.add(t, "volunteer-1", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, cleared, cleared)
	register.add(t, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, cleared, cleared)
	open, err := lead.ListOpenReports(ctx, &safeguardingv1.ListOpenReportsRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Equal(t, "supervisor-1", open.GetReports()[0].GetWriter(), "the list says who it waits on")
	_, err = sup.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Sections: []*safeguardingv1.ReportSectionInput{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "They played with the train set."}}})
	require.NoError(t, err)
	_, ev, err := register.register.Leave("supervisor-1", today().AddDate(0, 0, -1), today())
	register.record(t, ev, err)

	reassign := func(c safeguardingv1.SafeguardingServiceClient, writer, why string) (*safeguardingv1.ReassignReportResponse, error) {
		return c.ReassignReport(ctx, &safeguardingv1.ReassignReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			ReportId: report, Writer: writer, Reason: why})
	}
	before := g.events(t)
	_, err = reassign(sup2, "supervisor-2", "Supervisor-1 left the centre")
	require.Equal(t, codes.PermissionDenied, code(t, err), "the lead's")
	_, err = reassign(lead, "supervisor-2", "-")
	require.Equal(t, "reason", badField(t, err))
	_, err = reassign(lead, "Supervisor-1", "Supervisor-1 left the centre before writing it")
	require.Equal(t, "writer", badField(t, err), "the writer already")
	for writer, why := range map[string]string{"volunteer-1": "on the staff as a volunteer", "supervisor-9": "not on the centre's staff"} {
		_, err = reassign(lead, writer, "Supervisor-1 left the centre before writing it")
		require.Equal(t, codes.FailedPrecondition, code(t, err), writer)
		require.Equal(t, "WRITER_NOT_CLEARED", reason(t, err), writer)
		require.Contains(t, status.Convert(err).Message(), why, writer)
	}
	require.Equal(t, before, g.events(t), "refusals record nothing")

	got, err := reassign(lead, "supervisor-2", "Supervisor-1 left the centre before writing it")
	require.NoError(t, err)
	require.Equal(t, safeguardingv1.ReportState_REPORT_STATE_DUE, got.GetReport().GetState())
	require.Equal(t, "supervisor-2", got.GetReport().GetWriter())
	require.Empty(t, got.GetReport().GetAuthor())
	overdue, err := lead.ListOverdueReports(ctx, &safeguardingv1.ListOverdueReportsRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, overdue.GetReports(), 1)
	require.Equal(t, "supervisor-2", overdue.GetReports()[0].GetWriter())

	read, err := sup2.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report, Purpose: "write the report"})
	require.NoError(t, err, "the new writer reads the earlier draft")
	require.Equal(t, "They played with the train set.", read.GetSections()[0].GetText())
	_, err = sup2.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Sections: []*safeguardingv1.ReportSectionInput{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION,
			Text: "From supervisor-1's notes: they played with the train set."}}})
	require.NoError(t, err)
	submitted, err := sup2.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report})
	require.NoError(t, err)
	require.Equal(t, safeguardingv1.ReportState_REPORT_STATE_AWAITING_CHECK, submitted.GetReport().GetState())
	_, err = reassign(lead, "lead-1", "Supervisor-2 is away this week")
	require.Equal(t, "REPORT_NOT_REASSIGNABLE", reason(t, err))

	record, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{FamilyId: family.String(), CentreId: g.centre.String(),
		Purpose: "see why the report changed writer"})
	require.NoError(t, err)
	var said bool
	for _, e := range record.GetRecords() {
		said = said || e.GetText() == "Supervisor-1 left the centre before writing it"
	}
	require.True(t, said, "the family's record keeps why")
}

// The lists of a centre's open and overdue reports (family ids, the staff's accounts) are read by a
// contact supervisor or the lead only while the register clears them, as a report is (review 6:
// a supervisor who had left still listed them); the coordinator plans from them. A lead who gives
// a report to themselves drafts and submits it with the lead's token.
func TestReportListsAreReadByStaffTheRegisterClears(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	report, _ := g.dueReport(t, "supervisor-1", 10)
	register := g.staffRegister(t)
	cleared := today().AddDate(0, -3, 0)
	register.add(t, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, cleared, cleared)
	register.add(t, "supervisor-2", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, cleared, cleared)
	_, ev, err := register.register.Leave("supervisor-2", today().AddDate(0, 0, -1), today())
	register.record(t, ev, err)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	_, err = lead.ListOpenReports(ctx, &safeguardingv1.ListOpenReportsRequest{CentreId: g.centre.String()})
	require.NoError(t, err, "the lead the register clears")

	for _, c := range []safeguardingv1.SafeguardingServiceClient{g.as(t, "supervisor-2", auth.RoleSupervisor),
		g.as(t, "supervisor-9", auth.RoleSupervisor), g.as(t, "lead-9", auth.RoleSafeguardingLead)} {
		_, err := c.ListOpenReports(ctx, &safeguardingv1.ListOpenReportsRequest{CentreId: g.centre.String()})
		require.Equal(t, "NOT_CLEARED", reason(t, err))
		_, err = c.ListOverdueReports(ctx, &safeguardingv1.ListOverdueReportsRequest{CentreId: g.centre.String()})
		require.Equal(t, "NOT_CLEARED", reason(t, err))
	}
	_, err = g.as(t, "coordinator-1", auth.RoleCoordinator).ListOverdueReports(ctx, &safeguardingv1.ListOverdueReportsRequest{CentreId: g.centre.String()})
	require.NoError(t, err, "the coordinator plans from the list")

	// The lead gives the report to themselves, and writes it with the lead's token.
	_, err = lead.ReassignReport(ctx, &safeguardingv1.ReassignReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		ReportId: report, Writer: "lead-1", Reason: "Supervisor-1 is on long-term leave"})
	require.NoError(t, err)
	_, err = lead.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Sections: []*safeguardingv1.ReportSectionInput{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "From the session notes."}}})
	require.NoError(t, err)
	_, err = lead.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report})
	require.NoError(t, err)
}

// Acting as the lead on reports is the register's lead's (review 6: a contact supervisor with a
// lead's token gave reports to other writers): someone the register has in another role is
// refused NOT_THE_LEAD, saying so; one whose token also names the supervisor's role works as a
// supervisor, and neither reassigns nor releases (decision 107).
func TestOnlyTheRegistersLeadActsAsTheLeadOnReports(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	report, _ := g.dueReport(t, "supervisor-1", 3)
	register := g.staffRegister(t)
	cleared := today().AddDate(0, -3, 0)
	register.add(t, "supervisor-1", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, cleared, cleared)
	register.add(t, "supervisor-2", schedulingv1.StaffRole_STAFF_ROLE_CONTACT_SUPERVISOR, cleared, cleared)
	reassign := &safeguardingv1.ReassignReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Writer: "supervisor-1", Reason: "Supervisor-1 is away this week"}
	reassign.Writer = "supervisor-2"
	before := g.events(t)
	_, err := g.as(t, "supervisor-2", auth.RoleSafeguardingLead).ReassignReport(ctx, reassign)
	require.Equal(t, "NOT_THE_LEAD", reason(t, err))
	require.Contains(t, status.Convert(err).Message(), "its staff register has you as a contact supervisor")
	reassign.RequestId = uuid.NewString()
	both := g.as(t, "supervisor-2", auth.RoleSafeguardingLead, auth.RoleSupervisor)
	_, err = both.ReassignReport(ctx, reassign)
	require.Equal(t, "NOT_THE_LEAD", reason(t, err), "reassigning is the lead's alone: the supervisor's role is no way in")
	// Decision 113: the lead's lists are not read as the supervisor the register says they are.
	_, err = both.ListAlerts(ctx, &safeguardingv1.ListAlertsRequest{CentreId: g.centre.String()})
	require.Equal(t, "NOT_THE_LEAD", reason(t, err))
	_, err = both.ListOpenConcerns(ctx, &safeguardingv1.ListOpenConcernsRequest{CentreId: g.centre.String()})
	require.Equal(t, "NOT_THE_LEAD", reason(t, err))
	_, err = both.ListOpenReports(ctx, &safeguardingv1.ListOpenReportsRequest{CentreId: g.centre.String()})
	require.NoError(t, err, "the supervisor's list, as the supervisor the register says they are")
	require.Equal(t, before, g.events(t), "refusals record nothing")

	register.add(t, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD, cleared, cleared)
	reassign.RequestId = uuid.NewString()
	_, err = g.as(t, "lead-1", auth.RoleSafeguardingLead).ReassignReport(ctx, reassign)
	require.NoError(t, err, "the register's lead")
}

// Safeguarding's records are worked on by staff the register clears, the lead as its lead; a
// protective action never waits for it (review 7: a lead's token for an account on no register
// lifted a hold, closed a concern and read its text; decision 109).
func TestRecordsAreWorkedOnByStaffTheRegisterClearsButProtectionNeverWaits(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	family := g.families(t, 1)[0]
	g.onTheRegister(t, "lead-1")
	stranger := g.as(t, "lead-9", auth.RoleSafeguardingLead) // on no register
	raised, err := g.as(t, "volunteer-9", auth.RoleVolunteer).RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(),
		CentreId: g.centre.String(), FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_PHYSICAL_HARM,
		Description: "A mark on the child's neck"})
	require.NoError(t, err, "anyone raises a concern")
	placed, err := stranger.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION, ReviewBy: review(14),
		ConcernId: raised.GetConcernId()})
	require.NoError(t, err, "a hold is placed whoever holds the lead's token")

	before := g.events(t)
	for name, call := range map[string]func() error{
		"lift": func() error {
			_, err := stranger.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
				FamilyId: family.String(), HoldId: placed.GetHold().GetHoldId(), Note: "Looked into: contact may resume"})
			return err
		},
		"close": func() error {
			_, err := stranger.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), Outcome: nfa, CentreId: g.centre.String(),
				ConcernId: raised.GetConcernId(), Note: "Nothing to see here"})
			return err
		},
		"read": func() error {
			_, err := stranger.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
				Purpose: "review the concern"})
			return err
		},
		"list": func() error {
			_, err := stranger.ListOpenConcerns(ctx, &safeguardingv1.ListOpenConcernsRequest{CentreId: g.centre.String()})
			return err
		},
		// Review 9: every family on hold, with its reason, and who read a family's text and why.
		"holds": func() error {
			_, err := stranger.ListHolds(ctx, &safeguardingv1.ListHoldsRequest{CentreId: g.centre.String(), IncludeLifted: true})
			return err
		},
		"holds, as a coordinator": func() error {
			_, err := g.as(t, "coordinator-9", auth.RoleCoordinator).ListHolds(ctx, &safeguardingv1.ListHoldsRequest{CentreId: g.centre.String()})
			return err
		},
		"reads": func() error {
			_, err := stranger.ListAccessRecords(ctx, &safeguardingv1.ListAccessRecordsRequest{CentreId: g.centre.String(), FamilyId: family.String()})
			return err
		},
	} {
		require.Equal(t, "NOT_CLEARED", reason(t, call()), name)
	}
	// Decision 113: a volunteer on the register, with a coordinator's token, does not plan as one.
	g.onTheRegister(t, "volunteer-1")
	_, err = g.as(t, "volunteer-1", auth.RoleCoordinator).ListHolds(ctx, &safeguardingv1.ListHoldsRequest{CentreId: g.centre.String()})
	require.Equal(t, "NOT_IN_ROLE", reason(t, err))
	require.Contains(t, status.Convert(err).Message(), "you act as a coordinator, but its staff register has you as a volunteer")
	require.Equal(t, before, g.events(t), "refusals record nothing")

	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	got, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
		Purpose: "review the concern"})
	require.NoError(t, err, "the register's lead")
	require.Equal(t, "A mark on the child's neck", got.GetConcern().GetRecords()[0].GetText())
	holds, err := lead.ListHolds(ctx, &safeguardingv1.ListHoldsRequest{CentreId: g.centre.String()})
	require.NoError(t, err, "the register's lead lists the holds")
	require.Len(t, holds.GetHolds(), 1)
	reads, err := lead.ListAccessRecords(ctx, &safeguardingv1.ListAccessRecordsRequest{CentreId: g.centre.String(), FamilyId: family.String()})
	require.NoError(t, err, "the register's lead audits the reads")
	require.Len(t, reads.GetRecords(), 1, "the lead's own read; the stranger's were refused before reading")
	_, err = g.as(t, "lead-9", auth.RoleSafeguardingLead, auth.RoleAdmin).ListAccessRecords(ctx,
		&safeguardingv1.ListAccessRecordsRequest{CentreId: g.centre.String(), FamilyId: family.String()})
	require.NoError(t, err, "an administrator audits whatever else their token says; no register lists administrators")
	_, err = lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), HoldId: placed.GetHold().GetHoldId(), Note: "Looked into: contact may resume"})
	require.NoError(t, err)
}

// The handlers decide on the caller as the register lets them act, never on the token: with a
// token holding the lead's role beside their own, a volunteer read a concern someone else raised
// (the audit saying "safeguarding_lead") and corrected its record, and a coordinator cleared a
// domestic-abuse finding (review 10; decision 113).
func TestATokensLeadRoleDoesNotMakeTheRegistersStaffItsLead(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	family := g.families(t, 1)[0]
	g.onTheRegister(t, "lead-1", "volunteer-1", "coordinator-1")
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	coordinator := g.as(t, "coordinator-1", auth.RoleCoordinator)
	raised, err := coordinator.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "Child arrived hungry"})
	require.NoError(t, err)
	read, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
		Purpose: "review the concern"})
	require.NoError(t, err)
	record := read.GetConcern().GetRecords()[0].GetRecordId()
	da := []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}
	assess := func(c safeguardingv1.SafeguardingServiceClient, found bool, factors []safeguardingv1.RiskFactor) error {
		rating := safeguardingv1.RiskRating_RISK_RATING_GREEN
		if found {
			rating = safeguardingv1.RiskRating_RISK_RATING_AMBER
		}
		_, err := c.AssessRisk(ctx, &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Rating: rating, Factors: factors, DomesticAbuseFinding: found, NextReviewOn: review(90),
			Note: "the court found it unproven"})
		return err
	}
	require.NoError(t, assess(coordinator, true, da), "finding it never waits")

	before := g.events(t)
	volunteer := g.as(t, "volunteer-1", auth.RoleSafeguardingLead, auth.RoleVolunteer)
	_, err = volunteer.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
		Purpose: "read the concern"})
	require.Equal(t, codes.PermissionDenied, code(t, err), "a volunteer reads only what they raised")
	_, err = volunteer.CorrectRecord(ctx, &safeguardingv1.CorrectRecordRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), RecordId: record, Text: "nothing happened", Reason: "typo fix"})
	require.Equal(t, codes.PermissionDenied, code(t, err), "a record is corrected by its author or the lead")
	err = assess(g.as(t, "coordinator-1", auth.RoleSafeguardingLead, auth.RoleCoordinator), false, nil)
	require.Equal(t, "FINDING_CLEARED_BY_LEAD", reason(t, err))
	// The refused read is on the family's audit (decision 297); nothing else is recorded.
	require.Equal(t, before+1, g.events(t), "refusals record nothing but the refused read")
	require.Equal(t, 1, g.eventsOfType(t, "familytime.safeguarding.v1.AccessRefused"))

	require.NoError(t, assess(lead, false, nil), "the register's lead clears it")
}
