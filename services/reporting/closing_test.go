package reporting_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/migrate"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/reporting"
)

// Review 50: on 1 January 2027 the closed quarter 2026Q4 was published; a booking of 5 December
// was then completed four weeks late and one of 19 December cancelled by the centre, and the
// quarter published again differed: the two reads, subtracted, gave exact counts the return shows
// as "<5". A month is published from its cutoff, the start of the 8th day after it ends (a week's
// grace for the centres' paper sheets), and its published figures count its sessions as they
// stood then (decision 282): a record made later for its days changes the exact figures only.
func TestAClosedPeriodsPublishedFiguresAreFixedAtItsCutoff(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2027, 1, 2, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	an := g.analyst(t)
	london, northWest, yorkshire := commonv1.Region_REGION_LONDON, commonv1.Region_REGION_NORTH_WEST, commonv1.Region_REGION_YORKSHIRE_AND_THE_HUMBER
	a, b, c := g.centre(t, london), g.centre(t, northWest), g.centre(t, yorkshire)
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	type booking struct {
		id, family, centre uuid.UUID
		on                 *commonv1.Date
	}
	book := func(centre uuid.UUID, on *commonv1.Date) booking {
		bk := booking{id: uuid.New(), family: uuid.New(), centre: centre, on: on}
		g.emit(t, "scheduling", "family-"+bk.family.String(), &schedulingv1.SessionBooked{BookingId: bk.id.String(), FamilyId: bk.family.String(),
			CentreId: centre.String(), SessionDate: on, ServiceType: supported}, bk.family, centre, "coordinator-1")
		return bk
	}
	complete := func(bk booking) {
		g.emit(t, "scheduling", "family-"+bk.family.String(), &schedulingv1.SessionCompleted{BookingId: bk.id.String(), FamilyId: bk.family.String(),
			CentreId: bk.centre.String(), SessionDate: bk.on, ServiceType: supported, Children: []*schedulingv1.AttendingChild{
				{PersonId: uuid.NewString(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}}, bk.family, bk.centre, "supervisor-1")
	}
	for _, centre := range []uuid.UUID{a, b, c} {
		for range 8 {
			complete(book(centre, date(2026, 12, 12)))
		}
	}
	fifth, nineteenth, late := book(a, date(2026, 12, 5)), book(a, date(2026, 12, 19)), book(a, date(2026, 12, 28))
	// A volunteer on A's staff since October, whose last day is recorded in February as 15
	// December.
	volunteer := &schedulingv1.StaffMemberAdded{CentreId: a.String(), AccountId: "volunteer-9", Role: schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER,
		JoinedOn: date(2026, 10, 1), DbsCheckedOn: date(2026, 9, 1)}
	g.emit(t, "scheduling", "staff-"+a.String(), volunteer, uuid.Nil, a, "coordinator-1")
	g.settle(t)

	quarter, month := reportingv1.PeriodKind_PERIOD_KIND_QUARTER, reportingv1.PeriodKind_PERIOD_KIND_MONTH
	ask := func(kind reportingv1.PeriodKind, number int32, publish bool) (*reportingv1.GetFiguresResponse, error) {
		return an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: publish,
			Period: &reportingv1.Period{Kind: kind, Year: 2026, Number: number}})
	}
	published := func(kind reportingv1.PeriodKind, number int32) []string {
		t.Helper()
		resp, err := ask(kind, number, true)
		require.NoError(t, err)
		var out []string
		for _, f := range resp.GetFigures() {
			out = append(out, f.String())
		}
		return out
	}
	shown := func(kind reportingv1.PeriodKind, number int32, publish bool, measure string, centre uuid.UUID) string {
		t.Helper()
		resp, err := ask(kind, number, publish)
		require.NoError(t, err)
		for _, f := range resp.GetFigures() {
			if f.GetMeasure() == measure && f.GetCentreId() == centre.String() && f.GetBreakdown() == "" {
				return f.GetShown()
			}
		}
		t.Fatalf("no %s at %s", measure, centre)
		return ""
	}

	// 2 January: December and the quarter have ended, and are not published before the week's
	// grace is over.
	for _, p := range []struct {
		kind   reportingv1.PeriodKind
		number int32
	}{{quarter, 4}, {month, 12}} {
		_, err := ask(p.kind, p.number, true)
		require.Equal(t, "PERIOD_NOT_ENDED", reasonOf(err), "%s %d: %v", p.kind, p.number, err)
		require.Contains(t, err.Error(), "ended on 31 December 2026 and is published from 8 January 2027", "%s %d", p.kind, p.number)
	}
	_, err := ask(quarter, 4, false)
	require.NoError(t, err, "the exact figures are given")

	// A sheet typed in on 2 January, within the grace: counted when published on 9 January.
	complete(late)
	g.settle(t)
	require.NoError(t, sim.Set(time.Date(2027, 1, 9, 10, 0, 0, 0, time.UTC)))

	// Review 90 M3: while reporting is behind the services' streams (here a source stream parked
	// at an event it could not handle), the closing would keep the month without what it has not
	// handled, for good. It is refused, changing nothing, until reporting has caught up.
	parked := uuid.NewString()
	_, err = g.owner.Exec(t.Context(), `INSERT INTO parked_streams (consumer, stream_id, event_id, version, reason)
		VALUES ('reporting-scheduling', $1, $2, 1, 'a test poison')`, "family-"+parked, parked)
	require.NoError(t, err)
	_, err = ask(quarter, 4, true)
	require.Equal(t, "FIGURES_CATCHING_UP", reasonOf(err), "%v", err)
	require.Contains(t, err.Error(), "each month from January 2026 to December 2026 is published once")
	require.Contains(t, err.Error(), "1 source streams parked")
	require.Zero(t, g.count(t, "SELECT count(*) FROM public.month_closings"), "nothing closed")
	_, err = g.owner.Exec(t.Context(), "UPDATE parked_streams SET released_at = now() WHERE stream_id = $1", "family-"+parked)
	require.NoError(t, err)
	q4, december := published(quarter, 4), published(month, 12)
	require.Equal(t, "9", shown(quarter, 4, true, "sessions_attended", a), "A's 8 sessions of 12 December and the one typed in within the grace")
	require.Equal(t, "11", shown(quarter, 4, true, "sessions_booked", a))

	// 1 February: the 5 December booking is completed and the 19 December one cancelled by the
	// centre. The exact figures are the data as it stands; the published ones are as December
	// closed, read again as often as anyone likes.
	require.NoError(t, sim.Set(time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)))
	complete(fifth)
	g.emit(t, "scheduling", "family-"+nineteenth.family.String(), &schedulingv1.BookingCancelled{BookingId: nineteenth.id.String(),
		FamilyId: nineteenth.family.String(), CentreId: a.String(), SessionDate: nineteenth.on, ServiceType: supported}, nineteenth.family, a, "coordinator-1")
	g.emit(t, "scheduling", "staff-"+a.String(), &schedulingv1.StaffMemberLeft{CentreId: a.String(), AccountId: "volunteer-9", LeftOn: date(2026, 12, 15)},
		uuid.Nil, a, "coordinator-1")
	g.settle(t)
	require.Equal(t, "0", shown(quarter, 4, false, "staff_at_end", a), "the exact figures count the last day recorded late")
	require.Equal(t, "10", shown(quarter, 4, false, "sessions_attended", a), "the exact figures count the late records")
	require.Equal(t, "10", shown(quarter, 4, false, "sessions_booked", a))
	require.Equal(t, q4, published(quarter, 4), "the closed quarter, read again")
	require.Equal(t, december, published(month, 12), "the closed month, read again")
	_, err = an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: true,
		Period: &reportingv1.Period{Kind: month, Year: 2027, Number: 1}})
	require.Equal(t, "PERIOD_NOT_ENDED", reasonOf(err), "January 2027, ended, is published from 8 February")
	require.Contains(t, err.Error(), "The last month published is December 2026")

	// A rebuild of the projections from the streams leaves the published figures as they were.
	require.True(t, g.rebuilt(t).GetSwapped())
	require.Equal(t, q4, published(quarter, 4), "the closed quarter, rebuilt")
	require.Equal(t, "10", shown(quarter, 4, false, "sessions_attended", a), "and the exact figures as they stand")
}

// A correction recorded after a month closed still changes its published figures, as
// docs/return.md says corrections do, and the figures then say they were revised (decision 282):
// here a referral of November declined in February as a duplicate of another (decision 281),
// which leaves November's referrals received. A period the correction does not touch, and a
// period read again with nothing changed, are not revised; late records of a closed month's
// sessions change nothing published, so revise nothing either.
func TestACorrectionAfterAClosingRevisesThePublishedFiguresAndSaysSo(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2027, 1, 9, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	an := g.analyst(t)
	a, b := g.centre(t, commonv1.Region_REGION_LONDON), g.centre(t, commonv1.Region_REGION_NORTH_WEST)
	var duplicate struct{ referral, family uuid.UUID }
	for _, centre := range []uuid.UUID{a, b} {
		for i := range 7 {
			referral, family := uuid.New(), uuid.New()
			g.emit(t, "referral", "referral-"+referral.String(), &referralv1.ReferralReceived{ReferralId: referral.String(), FamilyId: family.String(),
				CentreId: centre.String(), Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, ReceivedOn: date(2026, 11, 3+i)}, family, centre, "coordinator-1")
			if centre == a && i == 6 {
				duplicate.referral, duplicate.family = referral, family
			}
		}
	}
	booking, family := uuid.New(), uuid.New()
	g.emit(t, "scheduling", "family-"+family.String(), &schedulingv1.SessionBooked{BookingId: booking.String(), FamilyId: family.String(),
		CentreId: b.String(), SessionDate: date(2026, 12, 12), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED}, family, b, "coordinator-1")
	g.settle(t)
	ask := func(kind reportingv1.PeriodKind, number int32) *reportingv1.GetFiguresResponse {
		t.Helper()
		resp, err := an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: true,
			Period: &reportingv1.Period{Kind: kind, Year: 2026, Number: number}})
		require.NoError(t, err)
		return resp
	}
	received := func(resp *reportingv1.GetFiguresResponse) string {
		for _, f := range resp.GetFigures() {
			if f.GetMeasure() == "referrals_received" && f.GetCentreId() == a.String() && f.GetBreakdown() == "" {
				return f.GetShown()
			}
		}
		return ""
	}
	quarter, month := reportingv1.PeriodKind_PERIOD_KIND_QUARTER, reportingv1.PeriodKind_PERIOD_KIND_MONTH
	first := ask(quarter, 4)
	require.False(t, first.GetRevised(), "first published")
	require.Equal(t, "7", received(first))
	require.False(t, ask(month, 11).GetRevised())
	require.False(t, ask(month, 12).GetRevised())
	require.False(t, ask(quarter, 4).GetRevised(), "read again, nothing changed")

	// February: the December session is recorded late, which revises nothing published; then a
	// referral of November is declined as a duplicate, a correction, which does.
	require.NoError(t, sim.Set(time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)))
	g.emit(t, "scheduling", "family-"+family.String(), &schedulingv1.SessionCompleted{BookingId: booking.String(), FamilyId: family.String(),
		CentreId: b.String(), SessionDate: date(2026, 12, 12), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED}, family, b, "supervisor-1")
	g.settle(t)
	require.False(t, ask(quarter, 4).GetRevised(), "a late record of a closed month's session changes nothing published")
	g.emit(t, "referral", "referral-"+duplicate.referral.String(), &referralv1.ReferralDeclined{ReferralId: duplicate.referral.String(),
		FamilyId: duplicate.family.String(), CentreId: a.String(), DeclinedOn: date(2027, 2, 1),
		Reason: referralv1.DeclineReason_DECLINE_REASON_DUPLICATE}, duplicate.family, a, "coordinator-1")
	g.settle(t)
	revised := ask(quarter, 4)
	require.True(t, revised.GetRevised(), "the quarter's referrals received were corrected")
	// 6 now, published as 7: shown, the two would give the 1 declined (decision 366).
	require.Equal(t, "*", received(revised))
	require.True(t, ask(month, 11).GetRevised())
	require.False(t, ask(month, 12).GetRevised(), "December counted no referral")

	// /figures carries it, as the CLI's JSON does.
	_, body := get(t, g.adminServer(t).URL+"/figures?period=quarter&year=2026&number=4")
	var doc struct {
		Revised bool `json:"revised"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc), body)
	require.True(t, doc.Revised, body)
}

// A referral's first session attended can be recorded weeks after its day: a booking of December
// completed in February is, for a referral whose first session it was, its FirstSessionAttended
// then (referral records the session of a case ended while it was under way too, decision 168).
// Read live, it moved a closed month's waiting times (the referrals whose first session was in
// the month, and the days each waited) and its referrals_never_attended (the referrals that ended
// or were withdrawn in the month without one), so two publications either side of it, subtracted,
// told the late record apart. The month's closing keeps each referral's first session as it stood
// (decision 282, carried out by decision 295): the published figures are the same, and not
// revised; the exact figures count it. A reopening is a correction, not a late record: it still
// changes the published referrals_never_attended, and says so.
func TestAClosedPeriodsPublishedWaitingTimesAreFixedAtItsCutoff(t *testing.T) {
	sim := clock.NewSimulated(time.Date(2027, 1, 9, 10, 0, 0, 0, time.UTC))
	g := newRigOn(t, sim)
	an := g.analyst(t)
	a := g.centre(t, commonv1.Region_REGION_LONDON)
	cs, supported := a.String(), commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	type referral struct{ id, family uuid.UUID }
	stream := func(r referral) string { return "referral-" + r.id.String() }
	refer := func(received, accepted *commonv1.Date) referral {
		r := referral{uuid.New(), uuid.New()}
		g.emit(t, "referral", stream(r), &referralv1.ReferralReceived{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: cs,
			Source: commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, RequestedServiceType: supported, ReceivedOn: received}, r.family, a, "coordinator-a")
		g.emit(t, "referral", stream(r), &referralv1.ReferralAccepted{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: cs,
			AcceptedOn: accepted, ServiceType: supported}, r.family, a, "coordinator-a")
		return r
	}
	book := func(r referral, on *commonv1.Date) uuid.UUID {
		booking := uuid.New()
		g.emit(t, "scheduling", "family-"+r.family.String(), &schedulingv1.SessionBooked{BookingId: booking.String(), FamilyId: r.family.String(),
			CentreId: cs, SessionDate: on, ServiceType: supported}, r.family, a, "coordinator-a")
		return booking
	}
	attend := func(r referral, booking uuid.UUID, on *commonv1.Date) {
		g.emit(t, "scheduling", "family-"+r.family.String(), &schedulingv1.SessionCompleted{BookingId: booking.String(), FamilyId: r.family.String(),
			CentreId: cs, SessionDate: on, ServiceType: supported, Children: []*schedulingv1.AttendingChild{
				{PersonId: uuid.NewString(), AgeBand: commonv1.AgeBand_AGE_BAND_5_TO_10}}}, r.family, a, "supervisor-a")
		g.emit(t, "referral", stream(r), &referralv1.FirstSessionAttended{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: cs,
			SessionOn: on}, r.family, a, "service:referral")
	}
	end := func(r referral, on *commonv1.Date) {
		g.emit(t, "referral", stream(r), &referralv1.CaseEnded{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: cs, EndedOn: on,
			Outcome: referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN}, r.family, a, "coordinator-a")
	}
	// Six referrals received on 1 to 6 November whose first session, on 12 December, was recorded
	// that day: they waited 41 to 36 days.
	twelfth := date(2026, 12, 12)
	for day := range 6 {
		r := refer(date(2026, 11, 1+day), date(2026, 11, 10))
		attend(r, book(r, twelfth), twelfth)
	}
	// One received on 1 November and seen first on 5 December, whose session is typed in only in
	// February.
	fifth := date(2026, 12, 5)
	inContact := refer(date(2026, 11, 1), date(2026, 11, 10))
	inContactBooking := book(inContact, fifth)
	// Seven received on 20 November, ended on 19 December with no session attended recorded; the
	// first of them had its first session on 12 December, under way at the ending, completed in
	// February.
	var ended []referral
	for range 7 {
		r := refer(date(2026, 11, 20), date(2026, 11, 25))
		end(r, date(2026, 12, 19))
		ended = append(ended, r)
	}
	endedBooking := book(ended[0], twelfth)
	g.settle(t)

	quarter, month := reportingv1.PeriodKind_PERIOD_KIND_QUARTER, reportingv1.PeriodKind_PERIOD_KIND_MONTH
	ask := func(kind reportingv1.PeriodKind, number int32, publish bool) *reportingv1.GetFiguresResponse {
		t.Helper()
		resp, err := an.GetFigures(t.Context(), &reportingv1.GetFiguresRequest{Publication: publish,
			Period: &reportingv1.Period{Kind: kind, Year: 2026, Number: number}})
		require.NoError(t, err)
		return resp
	}
	published := func(kind reportingv1.PeriodKind, number int32) []string {
		t.Helper()
		var out []string
		for _, f := range ask(kind, number, true).GetFigures() {
			out = append(out, f.String())
		}
		return out
	}
	shown := func(kind reportingv1.PeriodKind, number int32, publish bool, measure, category string) string {
		t.Helper()
		for _, f := range ask(kind, number, publish).GetFigures() {
			if f.GetMeasure() == measure && f.GetCentreId() == cs && f.GetCategory() == category {
				return f.GetShown()
			}
		}
		t.Fatalf("no %s %s at A", measure, category)
		return ""
	}
	service := supported.String()
	for _, p := range []struct {
		kind   reportingv1.PeriodKind
		number int32
	}{{quarter, 4}, {month, 12}} {
		require.Equal(t, "38.5", shown(p.kind, p.number, true, "waiting_days_median", service), "%s: 36 to 41 days", p.kind)
		require.Equal(t, "40.5", shown(p.kind, p.number, true, "waiting_days_p90", service), "%s", p.kind)
		require.Equal(t, "7", shown(p.kind, p.number, true, "referrals_never_attended", ""), "%s", p.kind)
	}
	q4, december := published(quarter, 4), published(month, 12)

	// 1 February: both sessions are typed in, and referral records each as its referral's first.
	require.NoError(t, sim.Set(time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)))
	attend(inContact, inContactBooking, fifth)
	attend(ended[0], endedBooking, twelfth)
	g.settle(t)
	require.Equal(t, "37.5", shown(quarter, 4, false, "waiting_days_median", service), "the exact figures count 34 and 22 days besides")
	require.Equal(t, "6", shown(quarter, 4, false, "referrals_never_attended", ""), "the exact figures count the session recorded late")
	require.Equal(t, "6", shown(month, 12, false, "referrals_never_attended", ""))
	for _, p := range []struct {
		kind   reportingv1.PeriodKind
		number int32
		was    []string
	}{{quarter, 4, q4}, {month, 12, december}} {
		require.Equal(t, p.was, published(p.kind, p.number), "%s, read again", p.kind)
		require.False(t, ask(p.kind, p.number, true).GetRevised(), "%s: a late record revises nothing published", p.kind)
	}

	// A case of them ended by mistake and reopened: a correction, which the published figures
	// count (withheld, as it moved a published number by 1), and say so.
	r := ended[1]
	g.emit(t, "referral", stream(r), &referralv1.CaseReopened{ReferralId: r.id.String(), FamilyId: r.family.String(), CentreId: cs,
		ReopenedOn: date(2027, 2, 1), EndingVersion: 4, EndedOn: date(2026, 12, 19), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN,
		State: referralv1.ReferralState_REFERRAL_STATE_ACCEPTED}, r.family, a, "coordinator-a")
	g.settle(t)
	require.Equal(t, "5", shown(month, 12, false, "referrals_never_attended", ""))
	for _, kind := range []reportingv1.PeriodKind{quarter, month} {
		number := map[reportingv1.PeriodKind]int32{quarter: 4, month: 12}[kind]
		// 6 now, first published 7: shown, the two would give the 1 reopened (decision 366).
		require.Equal(t, "*", shown(kind, number, true, "referrals_never_attended", ""), "%s: the reopened case moved it by 1", kind)
		require.True(t, ask(kind, number, true).GetRevised(), "%s", kind)
		require.Equal(t, "38.5", shown(kind, number, true, "waiting_days_median", service), "%s", kind)
	}
}

// A month closed before its referrals were kept (migration 0014) has none in its copy: its
// published waiting times and referrals_never_attended would have counted nothing from then on.
// The migration keeps each such month's referrals as they stand when it runs, the figures last
// published, and as a closing would have kept them: those whose first session was in the month,
// and the accepted ones that ended or were withdrawn in it, with their first session then.
func TestAMonthClosedBeforeItsReferralsWereKeptKeepsThemAsTheyStand(t *testing.T) {
	ctx := t.Context()
	db := testkit.Postgres(t)
	before := fstest.MapFS{}
	entries, err := fs.ReadDir(os.DirFS("migrations"), ".")
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() < "0014" {
			body, err := os.ReadFile(filepath.Join("migrations", e.Name()))
			require.NoError(t, err)
			before[e.Name()] = &fstest.MapFile{Data: body}
		}
	}
	db.Migrate(t, eventstore.Migrations(), migrate.Set{Component: reporting.Name, FS: before}, staff.Migrations())
	owner := db.OwnerPool(t)
	centre := uuid.New()
	ids := map[string]uuid.UUID{}
	for _, r := range []struct {
		name                                        string
		received, accepted, first, ended, withdrawn any
	}{
		{"seen first in December", "2026-11-01", "2026-11-10", "2026-12-05", nil, nil},
		{"ended in December, never seen", "2026-11-20", "2026-11-25", nil, "2026-12-19", nil},
		{"withdrawn in December, seen in November", "2026-10-01", "2026-10-05", "2026-11-03", nil, "2026-12-02"},
		{"seen first in January", "2026-11-02", "2026-11-10", "2027-01-05", nil, nil},
		{"withdrawn in December, never accepted", "2026-11-02", nil, nil, nil, "2026-12-03"},
	} {
		ids[r.name] = uuid.New()
		_, err := owner.Exec(ctx, `INSERT INTO reporting.referrals (referral_id, family_id, centre_id, service_type, received_on, accepted_on,
			first_session_on, ended_on, withdrawn_on) VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8)`,
			ids[r.name], uuid.New(), centre, r.received, r.accepted, r.first, r.ended, r.withdrawn)
		require.NoError(t, err)
	}
	_, err = owner.Exec(ctx, `INSERT INTO public.month_closings (month, closed_at, closed_on) VALUES ('2026-12-01', now(), '2027-01-09')`)
	require.NoError(t, err)

	db.Migrate(t, reporting.Migrations()...)
	rows, err := owner.Query(ctx, `SELECT month::text, referral_id, coalesce(first_session_on::text, '') FROM public.closed_referrals ORDER BY 3`)
	require.NoError(t, err)
	type kept struct {
		Month    string
		Referral uuid.UUID
		First    string
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[kept])
	require.NoError(t, err)
	require.Equal(t, []kept{
		{"2026-12-01", ids["ended in December, never seen"], ""},
		{"2026-12-01", ids["withdrawn in December, seen in November"], "2026-11-03"},
		{"2026-12-01", ids["seen first in December"], "2026-12-05"},
	}, got)
}
