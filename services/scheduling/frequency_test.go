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

	// Review 89: "other" (another pattern agreed with the family) checks no gap. It was carried as
	// unspecified, which an arrangement change reads as "the frequency agreed stands": a family
	// changed from monthly to "other" was still refused as monthly. A change to "other" is now
	// noted, and taken, once.
	change := func(frequency referralv1.ContactFrequency) {
		g.publishReferral(t, f, g.centre, &referralv1.ArrangementChanged{ReferralId: f.referral.String(), FamilyId: f.id.String(),
			CentreId: g.centre.String(), ChangedOn: date(saturday(0)),
			Arrangement: &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
				Frequency: frequency, SessionMinutes: 60, Stagger: &referralv1.Stagger{}}})
	}
	change(referralv1.ContactFrequency_CONTACT_FREQUENCY_MONTHLY)
	_, err = bookOn(4)
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, "%v", err)
	require.Equal(t, "TOO_SOON_FOR_FREQUENCY", reason, "monthly: a week after the session of 31 January")
	change(referralv1.ContactFrequency_CONTACT_FREQUENCY_OTHER)
	_, err = bookOn(4)
	require.NoError(t, err, "another pattern agreed: no gap checked")
	noted := g.count(t, "SELECT count(*) FROM events WHERE stream_id = $1 AND event_type LIKE '%ArrangementChangeNoted'", "family-"+f.id.String())
	change(referralv1.ContactFrequency_CONTACT_FREQUENCY_OTHER)
	require.Equal(t, noted, g.count(t, "SELECT count(*) FROM events WHERE stream_id = $1 AND event_type LIKE '%ArrangementChangeNoted'",
		"family-"+f.id.String()), "the same arrangement again notes nothing")
}

// Review 52: the dates TOO_SOON_FOR_FREQUENCY suggested were the near session's date plus or
// minus the gap, which could be a date the family already had, one too close to another of its
// sessions, or one whose room was full: a coordinator following the suggestion was refused again.
// The dates suggested are now sessions of the same pattern still to come, far enough from every
// session of the family still standing, not one it has, with a place free in the room; a move is
// checked without the booking it moves. Following the suggestion books.
func TestTooSoonSuggestsOnlyDatesThatCanBeBooked(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 1)
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Arrangement.Frequency = referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY
	})[0]
	other := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	bookOn := func(who family, week int) (*schedulingv1.BookSessionResponse, error) {
		return book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: who.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
	}
	tooSoon := func(err error) string {
		t.Helper()
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, "%v", err)
		require.Equal(t, "TOO_SOON_FOR_FREQUENCY", reason)
		return err.Error()
	}
	for _, week := range []int{2, 4} { // 24 January and 7 February, a fortnight apart
		_, err := bookOn(f, week)
		require.NoError(t, err)
	}
	_, err := bookOn(other, 6) // 21 February: the room (one place) is full
	require.NoError(t, err)

	// The Saturday between: 7 February, a fortnight after the 24th, is the family's own; 21
	// February is full; 28 February is three weeks after the 7th. 10 January, a fortnight
	// before the 24th, is the one before.
	_, err = bookOn(f, 3)
	says := tooSoon(err)
	require.Contains(t, says, "the nearest date allowed after it is 2026-02-28")
	require.Contains(t, says, "the nearest date allowed before it is 2026-01-10")
	require.NotContains(t, says, "on or after 2026-02-07")

	// A move of a third session, 21 March, to 14 February (a week after the 7th): the session moved
	// does not count against 28 February, a week before it.
	third, err := bookOn(f, 10)
	require.NoError(t, err)
	move := func(week int) error {
		_, err := c.RescheduleBooking(ctx, &schedulingv1.RescheduleBookingRequest{CentreId: g.centre.String(),
			BookingId: third.GetBooking().GetBookingId(), Date: date(saturday(week)), RequestId: uuid.NewString(),
			RequestedBy: schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT})
		return err
	}
	says = tooSoon(move(5))
	require.Contains(t, says, "the nearest date allowed after it is 2026-02-28")
	require.Contains(t, says, "the nearest date allowed before it is 2026-01-10")

	// Once 10 January is taken by another family, nothing is allowed before it: said, not a date.
	_, err = bookOn(other, 0)
	require.NoError(t, err)
	says = tooSoon(move(5))
	require.Contains(t, says, "the nearest date allowed after it is 2026-02-28")
	require.Contains(t, says, "no date is allowed before it from today")

	// The suggestion is followed, and books.
	require.NoError(t, move(7))
}

// A pattern that ends before any date the frequency allows says so instead of naming a date.
func TestTooSoonSaysWhenNoDateIsAllowedBeforeThePatternEnds(t *testing.T) {
	g := newRig(t, monday)
	c := g.client(t, auth.RoleCoordinator)
	ctx := t.Context()
	room, err := c.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: "Garden room", Capacity: 2, RequestId: uuid.NewString()})
	require.NoError(t, err)
	p, err := c.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(),
		Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
		StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12},
		FirstDate: date(saturday(0)), LastDate: date(saturday(5)), RoomIds: []string{room.GetRoom().GetRoomId()}, RequestId: uuid.NewString()})
	require.NoError(t, err)
	f := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Arrangement.Frequency = referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY
	})[0]
	bookOn := func(week int) error {
		_, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: p.GetPattern().GetPatternId(), Date: date(saturday(week)), RoomId: room.GetRoom().GetRoomId()})
		return err
	}
	require.NoError(t, bookOn(1)) // 17 January
	require.NoError(t, bookOn(4)) // 7 February
	// 31 January: every Saturday from 10 January to the pattern's last, 14 February, is the
	// family's own or within a fortnight of one of its sessions.
	err = bookOn(3)
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, "%v", err)
	require.Equal(t, "TOO_SOON_FOR_FREQUENCY", reason)
	require.Contains(t, err.Error(), "no date allowed before the pattern ends on 2026-02-14")
	require.NotContains(t, err.Error(), "nearest date allowed")
}
