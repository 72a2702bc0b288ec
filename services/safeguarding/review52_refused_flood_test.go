package safeguarding_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
)

const accessRefused = "familytime.safeguarding.v1.AccessRefused"

// auditOf is the lead's audit of a family: every page.
func (g *rig) auditOf(t *testing.T, family uuid.UUID) []*safeguardingv1.AccessRecord {
	t.Helper()
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	var out []*safeguardingv1.AccessRecord
	token := ""
	for {
		page, err := lead.ListAccessRecords(t.Context(), &safeguardingv1.ListAccessRecordsRequest{CentreId: g.centre.String(),
			FamilyId: family.String(), PageToken: token})
		require.NoError(t, err)
		out = append(out, page.GetRecords()...)
		if token = page.GetNextPageToken(); token == "" {
			return out
		}
	}
}

// ukAt is the instant of hour:minute:second, UK time, days after today in the UK.
func ukAt(days, hour, minute, second int) time.Time {
	d := time.Now().In(dates.UK()).AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, second, 0, dates.UK())
}

// Review 52: a volunteer made 50 audit entries in 2 seconds by repeating a refused read; a flood
// buries what the lead must see, and grows the log without bound. And the audit's times were the
// database's clock, not the service's. The first refusal of an account about a family (for a
// reason) on a UK day is an entry, at the service's time; the repeats are counted on it, the first
// and the last time kept; another account is not folded into it; the next UK day records again.
func TestARepeatedRefusedReadIsCountedOnOneEntry(t *testing.T) {
	clk := clock.NewSimulated(time.Now())
	g := newRig(t, clk)
	g.theUsualStaff(t)
	g.onTheRegister(t, "volunteer-3")
	ctx := t.Context()
	family := g.families(t, 1)[0]
	raiser := g.as(t, "volunteer-1", auth.RoleVolunteer)
	raised, err := raiser.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "child hungry at handover"})
	require.NoError(t, err)
	concern := raised.GetConcernId()
	prober := g.as(t, "volunteer-2", auth.RoleVolunteer)
	probe := func(c safeguardingv1.SafeguardingServiceClient) {
		_, err := c.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: concern, Purpose: "just looking"})
		require.Equal(t, codes.PermissionDenied, code(t, err), "%v", err)
		require.Equal(t, "NOT_THE_RAISER_OR_LEAD", reason(t, err))
	}

	// Tomorrow, 14:02 to 14:05 UK time by the service's clock: 50 refusals, 48 of them at once.
	first, last := ukAt(1, 14, 2, 0), ukAt(1, 14, 5, 0)
	require.NoError(t, clk.Set(first))
	probe(prober)
	require.NoError(t, clk.Set(ukAt(1, 14, 3, 30)))
	var wg sync.WaitGroup
	for range 48 {
		wg.Go(func() { probe(prober) })
	}
	wg.Wait()
	require.NoError(t, clk.Set(last))
	probe(prober)
	require.Equal(t, 1, g.eventsOfType(t, accessRefused), "50 repeats are one entry")
	// A read given is at the service's time too.
	_, err = raiser.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: concern, Purpose: "checking what I wrote"})
	require.NoError(t, err)

	audit := g.auditOf(t, family)
	require.Len(t, audit, 2)
	entry := audit[0]
	require.Equal(t, "volunteer-2", entry.GetSubject())
	require.Equal(t, "NOT_THE_RAISER_OR_LEAD", entry.GetRefused())
	require.EqualValues(t, 50, entry.GetTimesRefused(), "the repeats are counted on the first")
	require.True(t, first.Equal(entry.GetAccessedAt().AsTime()), "the first, at the service's time: %v", entry.GetAccessedAt().AsTime())
	require.True(t, last.Equal(entry.GetLastRefusedAt().AsTime()), "the last, at the service's time: %v", entry.GetLastRefusedAt().AsTime())
	require.Zero(t, entry.GetDailyFamilyLimit())
	read := audit[1]
	require.Empty(t, read.GetRefused())
	require.Zero(t, read.GetTimesRefused(), "a read given counts no refusals")
	require.True(t, last.Equal(read.GetAccessedAt().AsTime()), "a read given, at the service's time: %v", read.GetAccessedAt().AsTime())

	// Another account is not folded into the first's count.
	probe(g.as(t, "volunteer-3", auth.RoleVolunteer))
	require.Equal(t, 2, g.eventsOfType(t, accessRefused))

	// The last second of the UK day is the same day; the next is another, recorded again.
	require.NoError(t, clk.Set(ukAt(1, 23, 59, 59)))
	probe(prober)
	require.Equal(t, 2, g.eventsOfType(t, accessRefused))
	nextDay := ukAt(2, 0, 0, 1)
	require.NoError(t, clk.Set(nextDay))
	probe(prober)
	probe(prober)
	require.Equal(t, 3, g.eventsOfType(t, accessRefused), "the next UK day's first refusal is an entry")

	type row struct {
		subject string
		times   uint64
		at      time.Time
	}
	var got []row
	for _, r := range g.auditOf(t, family) {
		if r.GetRefused() != "" {
			got = append(got, row{r.GetSubject(), r.GetTimesRefused(), r.GetAccessedAt().AsTime().In(time.UTC)})
		}
	}
	require.Equal(t, []row{
		{"volunteer-2", 51, first.In(time.UTC)},
		{"volunteer-3", 1, last.In(time.UTC)},
		{"volunteer-2", 2, nextDay.In(time.UTC)},
	}, got)
	require.NoError(t, eventstore.New(g.db.Pool(t)).Verify(ctx, "access-"+family.String()), "the audit stream is a verified chain")
}

// Review 52: an account refused family after family is probing, a safeguarding signal in itself.
// Past 20 families a UK day, the refusal that passes the limit is an entry that says so, and the
// families after it are counted on it (how many, how many times), each family's first refusal
// counted, none lost; the account's refusals of a family it has an entry for are still counted
// there; another account is not held to the first's limit.
func TestAnAccountRefusedPastItsDailyLimitOfFamiliesStandsOut(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	families := g.families(t, 25)
	coordinator := g.as(t, "coordinator-1", auth.RoleCoordinator)
	ask := func(c safeguardingv1.SafeguardingServiceClient, family uuid.UUID) {
		_, err := c.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: g.centre.String(),
			FamilyId: family.String(), Purpose: "just looking"})
		require.Equal(t, codes.PermissionDenied, code(t, err), "%v", err)
		require.Equal(t, auth.ReasonRoleRequired, reason(t, err))
	}
	// All 25 at once: the limit holds however the refusals race.
	var wg sync.WaitGroup
	for _, f := range families {
		wg.Go(func() { ask(coordinator, f) })
	}
	wg.Wait()
	require.Equal(t, 21, g.eventsOfType(t, accessRefused), "20 entries and the one that passed the limit")

	var passed uuid.UUID
	var withEntry, without []uuid.UUID
	for _, f := range families {
		audit := g.auditOf(t, f)
		switch {
		case len(audit) == 0:
			without = append(without, f)
		case audit[0].GetDailyFamilyLimit() > 0:
			require.Len(t, audit, 1)
			passed = f
		default:
			require.Len(t, audit, 1)
			require.EqualValues(t, 1, audit[0].GetTimesRefused())
			withEntry = append(withEntry, f)
		}
	}
	require.Len(t, withEntry, 20)
	require.Len(t, without, 4)
	require.NotEqual(t, uuid.Nil, passed)

	// Again: a family past the limit twice more, the one that passed it, and one with an entry.
	ask(coordinator, without[0])
	ask(coordinator, without[0])
	ask(coordinator, passed)
	ask(coordinator, withEntry[0])
	require.Equal(t, 21, g.eventsOfType(t, accessRefused))
	audit := g.auditOf(t, passed)
	require.Len(t, audit, 1)
	entry := audit[0]
	require.Equal(t, "coordinator-1", entry.GetSubject())
	require.Equal(t, auth.ReasonRoleRequired, entry.GetRefused())
	require.EqualValues(t, 20, entry.GetDailyFamilyLimit(), "the lead sees the account passed its limit")
	require.EqualValues(t, 2, entry.GetTimesRefused(), "its own family's refusals")
	require.EqualValues(t, 4, entry.GetFamiliesPastLimit(), "the families after it, counted")
	require.EqualValues(t, 6, entry.GetTimesPastLimit())
	require.NotNil(t, entry.GetLastPastLimitAt())
	audit = g.auditOf(t, withEntry[0])
	require.Len(t, audit, 1)
	require.EqualValues(t, 2, audit[0].GetTimesRefused(), "a family with an entry is counted on it")
	for _, f := range without {
		require.Empty(t, g.auditOf(t, f), "past the limit, no entry of their own")
	}
	var counted int
	require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, `SELECT count(DISTINCT family_id) FROM refused_read_tallies
		WHERE subject = 'coordinator-1'`).Scan(&counted))
	require.Equal(t, 25, counted, "every family's refusal is kept")

	// Another account is held to a limit of its own.
	ask(g.as(t, "coordinator-2", auth.RoleCoordinator), without[1])
	require.Equal(t, 22, g.eventsOfType(t, accessRefused))
	audit = g.auditOf(t, without[1])
	require.Len(t, audit, 1)
	require.Equal(t, "coordinator-2", audit[0].GetSubject())
	require.Zero(t, audit[0].GetDailyFamilyLimit())
	require.EqualValues(t, 1, audit[0].GetTimesRefused())

	// Review 85 M1 (decision 412): the limit is counted at each centre. Past it here, the
	// account's refusal about a family at another centre is an entry on that family's audit, for
	// that centre's lead to see, not a count on an entry only this centre's lead reads.
	elsewhere := uuid.New()
	g.leadElsewhere(t, elsewhere, "lead-elsewhere")
	there := g.familiesAt(t, elsewhere, 1)[0]
	_, err := coordinator.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: elsewhere.String(),
		FamilyId: there.String(), Purpose: "just looking"})
	require.Equal(t, codes.PermissionDenied, code(t, err), "%v", err)
	require.Equal(t, 23, g.eventsOfType(t, accessRefused), "an entry at the other centre")
	page, err := g.asAt(t, "lead-elsewhere", []uuid.UUID{elsewhere}, auth.RoleSafeguardingLead).ListAccessRecords(ctx,
		&safeguardingv1.ListAccessRecordsRequest{CentreId: elsewhere.String(), FamilyId: there.String()})
	require.NoError(t, err)
	require.Len(t, page.GetRecords(), 1, "the other centre's lead sees the attempt on their family")
	require.Equal(t, "coordinator-1", page.GetRecords()[0].GetSubject())
	require.Zero(t, page.GetRecords()[0].GetDailyFamilyLimit(), "the first family refused at that centre today")
}

// Review 85 M2 (decision 412): refusals of one account about one family, for one reason and on
// one day, were counted on the first refusal's entry whatever was asked for, so three refused
// reads of the whole safeguarding record showed as more refusals of the report asked for first.
// The kind of record is part of what makes a repeat.
func TestRefusedReadsOfAReportAndOfTheWholeRecordAreEntriesOfTheirOwn(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	report, family := g.dueReport(t, "supervisor-1", 1)
	volunteer := g.as(t, "volunteer-1", auth.RoleVolunteer)
	before := g.eventsOfType(t, accessRefused)
	_, err := volunteer.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report, Purpose: "see the report"})
	require.Equal(t, codes.PermissionDenied, code(t, err), "%v", err)
	for range 3 {
		_, err = volunteer.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: g.centre.String(),
			FamilyId: family.String(), Purpose: "see everything"})
		require.Equal(t, codes.PermissionDenied, code(t, err), "%v", err)
		require.Equal(t, auth.ReasonRoleRequired, reason(t, err))
	}
	require.Equal(t, before+2, g.eventsOfType(t, accessRefused), "one entry for each kind of record asked for")
	times := map[safeguardingv1.RecordKind]uint64{}
	for _, r := range g.auditOf(t, family) {
		if r.GetSubject() == "volunteer-1" {
			times[r.GetKind()] = r.GetTimesRefused()
		}
	}
	require.Equal(t, map[safeguardingv1.RecordKind]uint64{safeguardingv1.RecordKind_RECORD_KIND_REPORT: 1,
		safeguardingv1.RecordKind_RECORD_KIND_SAFEGUARDING_RECORD: 3}, times)
}
