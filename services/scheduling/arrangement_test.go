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

// changeArrangement publishes referral's ArrangementChanged for the family (of referral, at
// centre), and waits until scheduling's consumer has handled it, whether or not it changed anything.
func (g *rig) changeArrangement(t *testing.T, f family, referral, centre uuid.UUID, minutes, arrive, leave int32) {
	t.Helper()
	g.publishReferral(t, f, centre, &referralv1.ArrangementChanged{ReferralId: referral.String(), FamilyId: f.id.String(), CentreId: centre.String(),
		ChangedOn: date(g.clock.Now()), Arrangement: &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: minutes,
			Stagger: &referralv1.Stagger{ArrivalMinutes: arrive, DepartureMinutes: leave}}})
}

// A family made ready with a whole day's session cannot be booked into a two-hour opening
// session; once referral changes the arrangement (decisions.md 90), scheduling's consumer notes
// it in the family's stream (ArrangementChangeNoted) and new bookings take the new length and
// stagger, while the booking made before keeps its times. A change for another centre, another
// referral or a family scheduling does not know, and the same change again, append nothing.
func TestAChangedArrangementIsBookedWithItsNewLengthAndStagger(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	c := g.client(t, auth.RoleCoordinator)
	bookOn := func(week int) (*schedulingv1.BookSessionResponse, error) {
		return book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
	}
	noted := func() int {
		return g.count(t, `SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = 'familytime.scheduling.v1.ArrangementChangeNoted'`,
			"family-"+f.id.String())
	}
	first, err := bookOn(0)
	require.NoError(t, err, "60 minutes, as the family was made ready")
	times := func(b *schedulingv1.Booking) []string {
		return []string{wall(b.GetVisiting().GetDueTime()), wall(b.GetChildren().GetDueTime()), wall(b.GetChildren().GetLeaveTime()),
			wall(b.GetVisiting().GetLeaveTime())}
	}
	require.Equal(t, []string{"10:00", "10:15", "11:15", "11:30"}, times(first.GetBooking()))

	g.changeArrangement(t, f, f.referral, g.centre, 480, 30, 20)
	require.Equal(t, 1, noted())
	_, err = bookOn(1)
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "SESSION_TOO_SHORT", reason, "a whole day does not fit a two-hour opening session")

	g.changeArrangement(t, f, f.referral, g.centre, 90, 10, 20)
	require.Equal(t, 2, noted())
	booked, err := bookOn(1)
	require.NoError(t, err)
	require.Equal(t, []string{"10:00", "10:10", "11:40", "12:00"}, times(booked.GetBooking()), "90 minutes, 10 before and 20 after")

	sheet, err := g.door(t).GetDaySheet(ctx, &schedulingv1.GetDaySheetRequest{CentreId: g.centre.String(), Date: date(saturday(0))})
	require.NoError(t, err)
	require.Len(t, sheet.GetEntries(), 1)
	require.Equal(t, []string{"10:00", "10:15", "11:15", "11:30"}, times(sheet.GetEntries()[0].GetBooking()),
		"the booking made before keeps its times")

	events := func() int { return g.count(t, "SELECT count(*) FROM events") }
	before := events()
	g.changeArrangement(t, f, f.referral, g.centre, 90, 10, 20)                      // the same change again
	g.changeArrangement(t, f, f.referral, uuid.New(), 45, 15, 15)                    // another centre's
	g.changeArrangement(t, f, uuid.New(), g.centre, 45, 15, 15)                      // another referral's
	g.changeArrangement(t, family{id: uuid.New()}, uuid.New(), g.centre, 45, 15, 15) // a family scheduling does not know
	require.Equal(t, before, events(), "nothing appended")
	booked, err = bookOn(2)
	require.NoError(t, err)
	require.Equal(t, []string{"10:00", "10:10", "11:40", "12:00"}, times(booked.GetBooking()))
}
