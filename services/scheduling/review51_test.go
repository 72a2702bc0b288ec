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

// Review 51, over gRPC with real PostgreSQL and JetStream: a mistyped person id at the door, and
// the person of another family booked that day, were each recorded as "Check-in refused to a
// person not named for the family" in this family's stream, which the family's history (read for
// court) and the day sheet's check-in-refused then said for good. An id that is nobody at the
// centre is now bad input naming the day sheet's PERSON column; another booking's person is
// refused as the wrong row; neither records anything. A parent of this family not named for
// contact is still refused and recorded (NOT_PERMITTED since review 53), and a refusal recorded by
// mistake is withdrawn by the check-in's correction, with its note: the day sheet then no longer
// alerts it.
func TestAnIdThatIsNobodyHereIsBadInputAndARefusalByMistakeIsWithdrawn(t *testing.T) {
	g := newKeptRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	barred := uuid.New()
	fs := g.readyAs(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		// Another with parental responsibility, named on the referral but not for contact.
		ev.Adults = append(ev.Adults, &referralv1.Attendee{PersonId: barred.String(),
			Role: referralv1.AdultRole_ADULT_ROLE_OTHER_PARENTAL_RESPONSIBILITY})
	})
	coordinator := g.client(t, auth.RoleCoordinator)
	var bookings []string
	for _, f := range fs {
		resp, err := book(t.Context(), coordinator, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
			FamilyId: f.id.String(), PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
		require.NoError(t, err)
		bookings = append(bookings, resp.GetBooking().GetBookingId())
	}
	ctx := t.Context()
	door := g.door(t)
	g.clock.Set(london(2026, 1, 10, 9, 58))
	checkIn := func(person string) (*schedulingv1.CheckInResponse, error) {
		return door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: bookings[0], PersonId: person,
			RequestId: uuid.NewString()})
	}
	refusals := `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.CheckInRefused'`

	_, err := checkIn("11111111-2222-3333-4444-555555555555")
	code, field := field(err)
	require.Equal(t, codes.InvalidArgument, code, err)
	require.Equal(t, "person_id", field)
	require.Contains(t, status.Convert(err).Message(), "PERSON column of the day sheet")

	_, err = checkIn(fs[1].visiting.String())
	code, reason := fieldOf(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "PERSON_OF_ANOTHER_BOOKING", reason)
	require.Contains(t, status.Convert(err).Message(), "a person of another booking today: check the row")
	require.Zero(t, g.count(t, refusals), "nothing recorded on this family")
	require.NotContains(t, g.entryOf(t, saturday(0), bookings[0]).GetAlerts(), schedulingv1.Alert_ALERT_CHECK_IN_REFUSED)

	resp, err := checkIn(barred.String())
	require.NoError(t, err)
	require.False(t, resp.GetAdmitted())
	require.Equal(t, "NOT_PERMITTED", resp.GetRefusal(), "a person of the family not named for contact: a real refusal")
	require.Equal(t, 1, g.count(t, refusals))
	e := g.entryOf(t, saturday(0), bookings[0])
	require.Contains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_CHECK_IN_REFUSED)
	for _, p := range e.GetExpected() {
		require.NotEqual(t, barred.String(), p.GetPersonId(), "not expected at the door")
	}

	correct := func(person uuid.UUID, note string) (*schedulingv1.CorrectCheckInResponse, error) {
		return door.CorrectCheckIn(ctx, &schedulingv1.CorrectCheckInRequest{CentreId: g.centre.String(), BookingId: bookings[0],
			PersonId: person.String(), NotHappened: true, Note: note, RequestId: uuid.NewString()})
	}
	got, err := correct(barred, "the volunteer typed the wrong row's id")
	require.NoError(t, err)
	require.Equal(t, "NOT_PERMITTED", got.GetRefusalWithdrawn())
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.CheckInRefusalWithdrawn'`))
	require.Zero(t, g.count(t, `SELECT count(*) FROM events WHERE position('the volunteer typed'::bytea in payload) > 0`),
		"the door's note is sealed, never in clear")
	require.Equal(t, 1, g.count(t, refusals), "the refusal stays in the log")
	e = g.entryOf(t, saturday(0), bookings[0])
	require.NotContains(t, e.GetAlerts(), schedulingv1.Alert_ALERT_CHECK_IN_REFUSED)
	require.EqualValues(t, 1, e.GetRefusalsWithdrawn())

	_, err = correct(barred, "")
	_, reason = fieldOf(err)
	require.Equal(t, "NOT_CHECKED_IN", reason, "nothing left to withdraw")
	_, err = correct(fs[0].resident, "a note")
	_, reason = fieldOf(err)
	require.Equal(t, "NOT_CHECKED_IN", reason)
}

// fieldOf is field, under a name that leaves field free as a variable.
func fieldOf(err error) (codes.Code, string) { return field(err) }

// Decision 294's Left, review 51: a family waiting whose children are all 18 or over was offered
// places its booking would then refuse (NO_CHILD_UNDER_18). The offer passes over it, named it is
// refused so, and the waiting list says why as it says the other reasons.
func TestAWaitingFamilyWithNoChildUnder18IsPassedOver(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	supported := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	grown := g.readyAs(t, 1, supported, func(ev *referralv1.FamilyReadyForContact) {
		ev.Children = []*referralv1.ChildParty{{PersonId: uuid.NewString(), BirthYear: 2007, BirthMonth: 6}}
	})[0]
	young := g.ready(t, 1, supported)[0]
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	for _, f := range []family{grown, young} {
		_, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			ServiceType: supported, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	list, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, list.GetFamilies(), 2)
	require.Equal(t, grown.id.String(), list.GetFamilies()[0].GetFamilyId())
	require.Equal(t, "NO_CHILD_UNDER_18", list.GetFamilies()[0].GetPassedOver())
	require.Empty(t, list.GetFamilies()[1].GetPassedOver())

	_, err = c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		FamilyId: grown.id.String(), RequestId: uuid.NewString()})
	code, reason := fieldOf(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "NO_CHILD_UNDER_18", reason)
	offered, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, young.id.String(), offered.GetFamilyId(), "the first family that can be booked")
}
