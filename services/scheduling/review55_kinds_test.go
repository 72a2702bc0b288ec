package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// offerEveryKind makes the rig's centre offer every kind of contact (decision 316's tests).
func (g *rig) offerEveryKind(t *testing.T) {
	t.Helper()
	admin := g.client(t, auth.RoleAdmin)
	got, err := admin.GetCentre(t.Context(), &schedulingv1.GetCentreRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	c := got.GetCentre()
	_, err = admin.UpdateCentre(t.Context(), &schedulingv1.UpdateCentreRequest{CentreId: g.centre.String(), ExpectedVersion: c.GetVersion(),
		Details: &schedulingv1.CentreDetails{Name: c.GetName(), Region: c.GetRegion(),
			ServiceTypes: []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED,
				commonv1.ServiceType_SERVICE_TYPE_HANDOVER, commonv1.ServiceType_SERVICE_TYPE_ESCORTED,
				commonv1.ServiceType_SERVICE_TYPE_INDIRECT, commonv1.ServiceType_SERVICE_TYPE_VIRTUAL},
			AccreditationStatus: c.GetAccreditationStatus(), AccreditationDate: c.GetAccreditationDate()},
		RequestId: uuid.NewString()})
	require.NoError(t, err)
}

// collectOnly makes the non-resident parent of a handover family one who only collects the
// children (review 55's F1).
func collectOnly(ev *referralv1.FamilyReadyForContact) {
	ev.Adults[1].MayAttend, ev.Adults[1].MayCollect = false, true
}

func cautionCodes(cs []*schedulingv1.CheckInCaution) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.GetCode())
	}
	return out
}

// Review 55 (high): a handover whose children the resident parent brought and the other parent
// collected was cautioned "contact did not take place", its completion refused PARTIES_NOT_ARRIVED
// and the other parent's no-show PARTY_ARRIVED: it could never be recorded as held, so the case
// never began contact. Decision 316: the collecting parent is cautioned COLLECT_ONLY at the door,
// the children leaving with them is no caution, the visiting party's no-show is refused
// NO_VISITING_PARTY, and the session is completed (SessionCompleted, which referral reads as the
// first session attended, whatever the kind), its times the children brought and collected.
func TestAHandoverIsHeldOnceTheChildrenAreBroughtAndCollected(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	g.offerEveryKind(t)
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_HANDOVER, collectOnly)[0]
	b := g.bookWeeks(t, f, 1)[0]
	door := g.door(t)

	g.clock.Set(london(2026, 1, 10, 10, 16))
	_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, Time: &schedulingv1.LocalTime{Hour: 10, Minute: 15},
		PersonIds: ids([]uuid.UUID{f.resident, f.child}), RequestId: uuid.NewString()})
	require.NoError(t, err)

	g.clock.Set(london(2026, 1, 10, 10, 40))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: b, PersonId: f.visiting.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted(), in.GetRefusal())
	require.Contains(t, cautionCodes(in.GetCautions()), "COLLECT_ONLY", "named only to collect: the door is told")

	out, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: ids([]uuid.UUID{f.visiting, f.child}), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.NotContains(t, cautionCodes(out.GetCautions()), "CONTACT_NOT_HELD", "the handover itself")

	_, err = g.visitingNoShow(ctx, door, b)
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "NO_VISITING_PARTY", reason)
	require.Contains(t, status.Convert(err).Message(), "familytime schedule complete "+b)

	done, err := door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: b,
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED, done.GetBooking().GetStatus())
	require.Equal(t, int32(25), done.GetMinutesHeld(), "the children at the centre from 10:15 to 10:40")
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE stream_id = $1
		AND event_type = 'familytime.scheduling.v1.SessionCompleted'`, "family-"+f.id.String()))
}

// Decision 316: children of a handover taken home by who brought them were not handed over: the
// departure is cautioned (in handover's words, never a visiting party's no-show) and completion is
// refused NOT_HANDED_OVER, appending nothing.
func TestAHandoverNotHandedOverIsNotCompleted(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	g.offerEveryKind(t)
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_HANDOVER, collectOnly)[0]
	b := g.bookWeeks(t, f, 1)[0]
	door := g.door(t)
	g.clock.Set(london(2026, 1, 10, 10, 16))
	_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: ids([]uuid.UUID{f.resident, f.child}), RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 10, 10, 50))
	out, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: ids([]uuid.UUID{f.resident, f.child}), RequestId: uuid.NewString()})
	require.NoError(t, err)
	var text string
	for _, c := range out.GetCautions() {
		if c.GetCode() == "CONTACT_NOT_HELD" {
			text = c.GetText()
		}
	}
	require.Contains(t, text, "the handover did not take place")
	require.NotContains(t, text, "--party visiting")

	before := g.count(t, "SELECT count(*) FROM events")
	_, err = door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: b,
		RequestId: uuid.NewString()})
	_, reason := field(err)
	require.Equal(t, "NOT_HANDED_OVER", reason, err)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"))
}

// Review 55 (high): indirect and virtual contact, which bring nobody to the centre, were booked
// into a room, took its places (a supported family was refused ROOM_FULL), put rows on the day
// sheet and lost the family's place to two "no-shows". Decision 316: booking them is refused
// NOT_AT_THE_CENTRE, saying why, and appends nothing; the room's place is left for a family that
// comes; escorted contact, which starts and ends at the centre, is still booked.
func TestIndirectAndVirtualContactAreNotBookedIntoARoom(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	g.offerEveryKind(t)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	c := g.client(t, auth.RoleCoordinator)
	for _, st := range []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_INDIRECT, commonv1.ServiceType_SERVICE_TYPE_VIRTUAL} {
		f := g.ready(t, 1, st)[0]
		before := g.count(t, "SELECT count(*) FROM events")
		_, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "NOT_AT_THE_CENTRE", reason, st)
		msg := status.Convert(err).Message()
		require.Contains(t, msg, "scheduling books sessions at the centre")
		require.Contains(t, msg, "indirect or virtual contact is not booked into")
		require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
	}
	for _, st := range []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_ESCORTED, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED} {
		f := g.ready(t, 1, st)[0]
		_, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
		require.NoError(t, err, "the room's two places are for families that come: %s", st)
	}
}

// Review 55 (low): a named escort whom the family named to attend was refused as the visiting
// party "named to bring or collect the children only", which is untrue. Decision 316: the refusal
// says why, truly: an escort is not of the visiting party, even named to attend.
func TestAnEscortNamedToAttendIsRefusedTruly(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	escort := uuid.New()
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Adults = append(ev.Adults, &referralv1.Attendee{PersonId: escort.String(), Role: referralv1.AdultRole_ADULT_ROLE_NAMED_ESCORT,
			MayAttend: true, MayBring: true})
	})[0]
	b := g.bookWeeks(t, f, 1)[0]
	g.clock.Set(london(2026, 1, 10, 10, 1))
	_, err := g.door(t).RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b,
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{escort.String()}, RequestId: uuid.NewString()})
	_, reason := field(err)
	require.Equal(t, "NOT_OF_THE_VISITING_PARTY", reason, err)
	msg := status.Convert(err).Message()
	require.NotContains(t, msg, "bring or collect the children only")
	require.Contains(t, msg, "named escort")
}
