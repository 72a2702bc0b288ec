package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// marks are the people on a day sheet line: each person's IN (in_building) and CHECKED IN.
func marks(e *schedulingv1.DaySheetEntry) (in, checked map[string]bool) {
	in, checked = map[string]bool{}, map[string]bool{}
	for _, p := range e.GetExpected() {
		in[p.GetPersonId()], checked[p.GetPersonId()] = p.GetInBuilding(), p.GetCheckedIn()
	}
	return in, checked
}

// Review 28: the resident parent brought the children (the arrival named only her), the visiting
// parent never came, the no-show was recorded after the contact's end, and nobody recorded the
// children leaving: the day sheet showed no-show and nobody in. The children are shown in and the
// line alerts never-recorded-leaving until their departure is recorded, which a no-show still takes.
func TestChildrenOfANoShowNobodyRecordedLeavingAreShownIn(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	b := g.bookWeeks(t, f, 1)[0]
	door := g.door(t)
	g.clock.Set(london(2026, 1, 10, 10, 14))
	_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 10, 11, 45))
	_, err = g.visitingNoShow(ctx, door, b)
	require.NoError(t, err)

	e := g.entryOf(t, saturday(0), b)
	require.Contains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_NO_SHOW)
	require.Contains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING)
	in, checked := marks(e)
	require.True(t, in[f.child.String()], "the child came with the children's party and is not recorded leaving")
	require.False(t, in[f.visiting.String()], "the visiting parent never came")
	require.False(t, checked[f.child.String()], "CHECKED IN stays the check-ins: nobody checked in")

	g.clock.Set(london(2026, 1, 10, 12, 0))
	_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err, "a no-show booking still takes the children's departure")
	e = g.entryOf(t, saturday(0), b)
	require.NotContains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING)
	in, _ = marks(e)
	require.False(t, in[f.child.String()])
}

// Review 28: a hold called off a session with the family inside, their arrivals recorded and
// nobody checked in; the day sheet listed them each with IN no and CHECKED IN 0/0. They are shown
// in (CHECKED IN stays the check-ins), and the line alerts never-recorded-leaving, until each party
// is recorded leaving.
func TestAHoldWithTheFamilyInsideShowsThemIn(t *testing.T) {
	g, f, b, door := bookedFirstSaturday(t)
	ctx := t.Context()
	g.clock.Set(london(2026, 1, 10, 10, 20))
	for party, people := range map[schedulingv1.Party][]string{schedulingv1.Party_PARTY_VISITING: {f.visiting.String()},
		schedulingv1.Party_PARTY_CHILDREN: {f.resident.String(), f.child.String()}} {
		_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b, Party: party,
			PersonIds: people, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	g.safeguarding.publish(t, "hold-"+f.id.String(), f.id, g.centre, &safeguardingv1.HoldPlaced{HoldId: uuid.NewString(),
		FamilyId: f.id.String(), CentreId: g.centre.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION,
		PlacedOn: date(saturday(0))})
	g.waitFor(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(b),
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED))

	e := g.entryOf(t, saturday(0), b)
	in, checked := marks(e)
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): true, f.child.String(): true}, in,
		"the child and the visiting parent are in; the resident parent who brought the child is listed, not counted in (decision 188)")
	require.Equal(t, map[string]bool{f.resident.String(): false, f.visiting.String(): false, f.child.String(): false}, checked)
	require.Contains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING)

	for party, people := range map[schedulingv1.Party][]string{schedulingv1.Party_PARTY_CHILDREN: {f.resident.String(), f.child.String()},
		schedulingv1.Party_PARTY_VISITING: {f.visiting.String()}} {
		_, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b, Party: party,
			PersonIds: people, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	require.NotContains(t, g.entryOf(t, saturday(0), b).GetAlerts(), schedulingv1.Alert_ALERT_NEVER_RECORDED_LEAVING)
}

// Review 28: the children's departure was recorded, the visiting parent's was not, and completion
// after the hour said "who collected the children is not on the record". The response names the
// visiting party apart from the children.
func TestACompletionSaysWhichPartyWasNeverRecordedLeaving(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	b := g.bookWeeks(t, f, 1)[0]
	door := g.door(t)
	g.clock.Set(london(2026, 1, 10, 10, 15))
	for party, people := range map[schedulingv1.Party][]string{schedulingv1.Party_PARTY_VISITING: {f.visiting.String()},
		schedulingv1.Party_PARTY_CHILDREN: {f.resident.String(), f.child.String()}} {
		_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b, Party: party,
			PersonIds: people, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	g.clock.Set(london(2026, 1, 10, 11, 15))
	_, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 10, 12, 31))
	done, err := door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: b, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, []string{f.visiting.String()}, done.GetNeverRecordedLeaving())
	require.Empty(t, done.GetNeverRecordedLeavingChildren(), "the children's collection is on the record")
	require.Equal(t, []string{f.visiting.String()}, done.GetNeverRecordedLeavingVisiting())
}
