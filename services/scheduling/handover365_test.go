package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Review 68 (finding 2, decision 365): at a handover the collecting parent checked in at 10:00, the
// resident parent brought the child at 10:15, never recorded leaving (a handover does not record
// it), and the collecting parent walked out with the child at 10:17: no caution, and the day sheet
// said nothing. The departure is recorded and cautioned PARENTS_MAY_MEET, keep them inside until
// 10:25, and the day sheet alerts parents at the door together.
func TestAHandoverCollectedJustAfterTheChildrenWereBroughtIsCautionedAndAlerted(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	g.offerEveryKind(t)
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_HANDOVER, collectOnly)[0]
	b := g.bookWeeks(t, f, 1)[0]
	door := g.door(t)

	g.clock.Set(london(2026, 1, 10, 10, 0))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: b, PersonId: f.visiting.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted(), in.GetRefusal())
	g.clock.Set(london(2026, 1, 10, 10, 15))
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: ids([]uuid.UUID{f.resident, f.child}), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.NotContains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_PARENTS_AT_DOOR_TOGETHER, "by the stagger")

	g.clock.Set(london(2026, 1, 10, 10, 17))
	out, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: ids([]uuid.UUID{f.visiting, f.child}), RequestId: uuid.NewString()})
	require.NoError(t, err, "a departure is never refused")
	var text string
	for _, c := range out.GetCautions() {
		if c.GetCode() == "PARENTS_MAY_MEET" {
			text = c.GetText()
		}
	}
	require.Contains(t, text, "came to the door at 10:15, 2 minutes before this departure")
	require.Contains(t, text, "inside until 10:25")
	require.Contains(t, g.alertsOf(t, saturday(0), b), schedulingv1.Alert_ALERT_PARENTS_AT_DOOR_TOGETHER)
}
