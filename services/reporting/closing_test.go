package reporting_test

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
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
	stream, err := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin}).RebuildProjections(t.Context(), &reportingv1.RebuildProjectionsRequest{})
	require.NoError(t, err)
	var rebuilt *reportingv1.RebuildProjectionsResponse
	for {
		p, err := stream.Recv()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		rebuilt = p
	}
	require.True(t, rebuilt.GetSwapped())
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
	require.Equal(t, "6", received(revised))
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
