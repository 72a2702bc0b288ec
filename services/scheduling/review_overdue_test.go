package scheduling

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/scheduling/internal/ports"
)

// publishReview records ev in f's referral stream, as publishReferral does, and waits until
// scheduling's review consumer has handled it, whether or not it changed anything.
func (g *rig) publishReview(t *testing.T, f family, centre uuid.UUID, ev proto.Message) {
	t.Helper()
	g.publishReferralTo(t, ports.ReviewConsumer, f, centre, ev)
}

// firstSession publishes referral's FirstSessionAttended for f (of referral, at centre), with the
// first review due on due (zero: none, as for contact other than supported), and waits until
// scheduling's consumer has handled it.
func (g *rig) firstSession(t *testing.T, f family, referral, centre uuid.UUID, on, due time.Time) {
	t.Helper()
	ev := &referralv1.FirstSessionAttended{ReferralId: referral.String(), FamilyId: f.id.String(), CentreId: centre.String(), SessionOn: date(on)}
	if !due.IsZero() {
		ev.ReviewDueOn = date(due)
	}
	g.publishReview(t, f, centre, ev)
}

// reviewHeld publishes referral's ReviewHeld for f (of referral, at centre), held on with the next
// review due on next, and waits until scheduling's consumer has handled it.
func (g *rig) reviewHeld(t *testing.T, f family, referral, centre uuid.UUID, on, next time.Time) {
	t.Helper()
	g.publishReview(t, f, centre, &referralv1.ReviewHeld{ReferralId: referral.String(), FamilyId: f.id.String(), CentreId: centre.String(),
		HeldOn: date(on), NextReviewDueOn: date(next), Decision: referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE})
}

// Review 42: supported contact is reviewed at least every 6 months (DOMAIN.md), and referral knew
// when a family's review was overdue, but nothing told those who book sessions or run the door: a
// coordinator booked session after session for a family whose review was months overdue, and the
// day sheet said nothing. Scheduling now keeps the review's due date from referral's
// FirstSessionAttended and ReviewHeld, read by a consumer of their own (scheduling-reviews), in the
// family's stream (ReviewDueNoted). Booking a supported
// session on a date after it is answered REVIEW_OVERDUE in words and books it (a child's contact is
// not stopped for a review not yet held), and the day sheet alerts such a session
// (ALERT_REVIEW_OVERDUE); a session on the due date itself is not overdue. The review held moves the
// date on and the alert goes. A supervised family (no review due), a redelivery, another centre's or
// referral's event append nothing; a family made ready again on a new referral has no review due
// until its own first session.
func TestAnOverdueReviewIsToldToWhoBooksAndToTheDoor(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), true, 6, 1)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	supervised := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)[0]
	c := g.client(t, auth.RoleCoordinator)
	bookOn := func(fam family, week int) *schedulingv1.BookSessionResponse {
		t.Helper()
		r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: fam.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
		require.NoError(t, err, "a warning at most, never a refusal")
		require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, r.GetBooking().GetStatus())
		return r
	}
	overdue := func(day time.Time, booking string) bool {
		t.Helper()
		return slices.Contains(g.alertsOf(t, day, booking), schedulingv1.Alert_ALERT_REVIEW_OVERDUE)
	}
	noted := func() int {
		return g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.ReviewDueNoted'`)
	}

	before := bookOn(f, 0)
	require.Empty(t, before.GetReviewWarning(), "no review is due before contact began")
	later := bookOn(f, 2)
	require.Empty(t, later.GetReviewWarning())
	require.False(t, overdue(saturday(2), later.GetBooking().GetBookingId()))

	// The first session, in July, set the first review for 17 January (saturday(1)).
	g.firstSession(t, f, f.referral, g.centre, time.Date(2025, 7, 17, 0, 0, 0, 0, time.UTC), saturday(1))
	require.Equal(t, 1, noted())
	onTheDay := bookOn(f, 1)
	require.Empty(t, onTheDay.GetReviewWarning(), "a review is overdue from the day after it was due")
	after := bookOn(f, 3)
	require.Contains(t, after.GetReviewWarning(), "REVIEW_OVERDUE")
	require.Contains(t, after.GetReviewWarning(), "2026-01-17", "it says when the review was due")
	require.Contains(t, after.GetReviewWarning(), "2026-01-31", "and the session's date")
	require.Contains(t, after.GetReviewWarning(), "familytime referral review", "and what to do")
	require.NotContains(t, after.GetReviewWarning(), f.id.String(), "no family named")

	require.False(t, overdue(saturday(0), before.GetBooking().GetBookingId()), "before the review was due")
	require.False(t, overdue(saturday(1), onTheDay.GetBooking().GetBookingId()), "the day it is due")
	require.True(t, overdue(saturday(2), later.GetBooking().GetBookingId()), "a booking made before it was known, too")
	require.True(t, overdue(saturday(3), after.GetBooking().GetBookingId()))

	// Moved by a reschedule to a date after the review was due, a booking is warned as well.
	moved, err := c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(),
		BookingId: onTheDay.GetBooking().GetBookingId(), Date: date(saturday(4)), RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE,
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Contains(t, moved.GetReviewWarning(), "REVIEW_OVERDUE")

	// Supervised contact has no review due (referral sets none): nothing is noted, nothing warned.
	events := func() int { return g.count(t, "SELECT count(*) FROM events") }
	n := events()
	g.firstSession(t, supervised, supervised.referral, g.centre, time.Date(2025, 7, 17, 0, 0, 0, 0, time.UTC), time.Time{})
	require.Equal(t, n, events(), "no review due, as scheduling knew")
	sup, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: supervised.id.String(),
		PatternId: pattern, Date: date(saturday(3)), RoomId: rooms[1]})
	require.NoError(t, err)
	require.Empty(t, sup.GetReviewWarning())
	require.False(t, overdue(saturday(3), sup.GetBooking().GetBookingId()))

	// Events that do not concern the family as scheduling knows it append nothing.
	n = events()
	g.firstSession(t, f, f.referral, g.centre, time.Date(2025, 7, 17, 0, 0, 0, 0, time.UTC), saturday(1)) // a redelivery
	g.reviewHeld(t, f, f.referral, uuid.New(), saturday(1), saturday(1).AddDate(0, 6, 0))                 // another centre's
	g.reviewHeld(t, f, uuid.New(), g.centre, saturday(1), saturday(1).AddDate(0, 6, 0))                   // another referral's
	g.reviewHeld(t, family{id: uuid.New()}, uuid.New(), g.centre, saturday(1), saturday(1).AddDate(0, 6, 0))
	require.Equal(t, n, events(), "nothing appended")
	require.True(t, overdue(saturday(3), after.GetBooking().GetBookingId()))

	// The review is held on 20 January: the next is due in July, and the alert goes.
	g.clock.Set(london(2026, 1, 20, 11, 0))
	g.reviewHeld(t, f, f.referral, g.centre, time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC))
	require.Equal(t, 2, noted())
	require.False(t, overdue(saturday(2), later.GetBooking().GetBookingId()))
	require.False(t, overdue(saturday(3), after.GetBooking().GetBookingId()))
	next := bookOn(f, 5)
	require.Empty(t, next.GetReviewWarning())

	// A family whose case ended and who is made ready again on a new referral starts afresh: the
	// old referral's review is not its review; its first session there sets the next.
	again := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	g.firstSession(t, again, again.referral, g.centre, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC))
	require.Contains(t, bookOn(again, 2).GetReviewWarning(), "REVIEW_OVERDUE")
	g.publishReferral(t, again, g.centre, &referralv1.CaseEnded{ReferralId: again.referral.String(), FamilyId: again.id.String(),
		CentreId: g.centre.String(), EndedOn: date(g.clock.Now()), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN})
	renewed := again
	renewed.referral = uuid.New()
	g.publishReferral(t, renewed, g.centre, &referralv1.FamilyReadyForContact{ReferralId: renewed.referral.String(), FamilyId: renewed.id.String(),
		CentreId: g.centre.String(),
		Adults: []*referralv1.Attendee{
			{PersonId: renewed.resident.String(), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, MayAttend: true, MayBring: true, MayCollect: true},
			{PersonId: renewed.visiting.String(), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, MayAttend: true},
		},
		Children: []*referralv1.ChildParty{{PersonId: renewed.child.String(), BirthYear: 2019, BirthMonth: 4}},
		Arrangement: &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60, Stagger: &referralv1.Stagger{}},
		EarliestBookableOn: date(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	fresh := bookOn(renewed, 3)
	require.Empty(t, fresh.GetReviewWarning(), "no review is due on the new referral before its first session")
	require.False(t, overdue(saturday(3), fresh.GetBooking().GetBookingId()))
}
