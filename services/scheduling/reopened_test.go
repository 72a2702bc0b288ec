package scheduling

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 35 ended the wrong family's case and could not book it again (CONTACT_ENDED). Referral's
// CaseReopened (a case ended by mistake) lets the family be booked again (ContactReopened); the
// booking the ending cancelled stays cancelled, and the family is not put back on the waiting
// list. A redelivery, or a reopening of a family whose contact has not ended, records nothing.
func TestAReopenedCaseIsBookedAgainAndItsCancelledBookingsStayCancelled(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	c := g.client(t, auth.RoleCoordinator)
	bookOn := func(week int) (*schedulingv1.BookSessionResponse, error) {
		return book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
	}
	first, err := bookOn(0)
	require.NoError(t, err)

	g.publishReferral(t, f, g.centre, &referralv1.CaseEnded{ReferralId: f.referral.String(), FamilyId: f.id.String(),
		CentreId: g.centre.String(), EndedOn: date(monday), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN})
	_, err = bookOn(1)
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, "%v", err)
	require.Equal(t, "CONTACT_ENDED", reason)

	reopened := &referralv1.CaseReopened{ReferralId: f.referral.String(), FamilyId: f.id.String(), CentreId: g.centre.String(),
		ReopenedOn: date(monday), EndedOn: date(monday), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN,
		State: referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT}
	g.publishReferral(t, f, g.centre, reopened)
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.ContactReopened'`, f.id))
	again, err := bookOn(1)
	require.NoError(t, err, "the reopened case is booked again")
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, again.GetBooking().GetStatus())
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2 AND cancellation_reason = $3",
		first.GetBooking().GetBookingId(), int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED),
		int32(schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED)), "the booking the ending cancelled stays cancelled")
	require.Zero(t, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.WaitingListJoined'`, f.id),
		"the family is not put back on the waiting list")

	// The same reopening again (a new event id: not caught by the inbox) records nothing.
	n := g.count(t, "SELECT count(*) FROM events")
	g.publishReferral(t, f, g.centre, reopened)
	require.Equal(t, n, g.count(t, "SELECT count(*) FROM events"))
}
