package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// A family's sessions are booked no closer than the frequency its arrangement agreed (review 49:
// a fortnightly family was booked every week). A booking or a move closer to another of the
// family's sessions (booked, held or a no-show; not cancelled) is refused TOO_SOON_FOR_FREQUENCY,
// naming that session, whether it comes before or after; nothing is appended. A changed
// arrangement's frequency is noted, and new bookings take it.
func TestAFamilyIsBookedNoCloserThanItsArrangementsFrequency(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Arrangement.Frequency = referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY
	})[0]
	bookOn := func(week int) (*schedulingv1.BookSessionResponse, error) {
		return book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
	}
	events := func() int {
		return g.count(t, "SELECT count(*) FROM events WHERE stream_id = $1", "family-"+f.id.String())
	}
	tooSoon := func(err error, other string) {
		t.Helper()
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, "%v", err)
		require.Equal(t, "TOO_SOON_FOR_FREQUENCY", reason)
		require.Contains(t, err.Error(), "fortnightly")
		require.Contains(t, err.Error(), "session on "+other)
	}

	first, err := bookOn(0)
	require.NoError(t, err)
	before := events()
	_, err = bookOn(1)
	tooSoon(err, "2026-01-10")
	require.Equal(t, before, events(), "nothing appended")
	third, err := bookOn(2)
	require.NoError(t, err, "a fortnight on")
	_, err = bookOn(6)
	require.NoError(t, err)
	_, err = bookOn(5)
	tooSoon(err, "2026-02-21") // the one after it

	// A move closer is refused as a booking is; the booking moved does not count against itself.
	_, err = c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(),
		BookingId: third.GetBooking().GetBookingId(), Date: date(saturday(1)), RequestId: uuid.NewString(),
		RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT})
	tooSoon(err, "2026-01-10")
	_, err = c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(),
		BookingId: third.GetBooking().GetBookingId(), Date: date(saturday(3)), RequestId: uuid.NewString(),
		RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT})
	require.NoError(t, err, "three weeks after the first, three before the last")

	// A cancelled session leaves its days free.
	_, err = c.CancelBooking(ctx, &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: first.GetBooking().GetBookingId(),
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, RequestId: uuid.NewString()})
	require.NoError(t, err)
	_, err = bookOn(1)
	require.NoError(t, err, "the session a week before was cancelled")

	// The arrangement changed to weekly, the length and stagger as they were: noted, and taken.
	g.publishReferral(t, f, g.centre, &referralv1.ArrangementChanged{ReferralId: f.referral.String(), FamilyId: f.id.String(),
		CentreId: g.centre.String(), ChangedOn: date(saturday(0)),
		Arrangement: &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60, Stagger: &referralv1.Stagger{}}})
	_, err = bookOn(5)
	require.NoError(t, err, "weekly from now on")
}
