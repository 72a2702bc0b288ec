package scheduling

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// readyWithStagger is a family as readyBringing's whose parties were agreed, at pre-visit, to
// arrive and leave the given minutes apart.
func (g *rig) readyWithStagger(t *testing.T, arrive, leave int32) family {
	t.Helper()
	f := family{id: uuid.New(), resident: uuid.New(), visiting: uuid.New(), child: uuid.New()}
	g.referral.publish(t, "referral-"+f.id.String(), f.id, g.centre, &referralv1.FamilyReadyForContact{
		ReferralId: uuid.NewString(), FamilyId: f.id.String(), CentreId: g.centre.String(),
		Adults: []*referralv1.Attendee{
			{PersonId: f.resident.String(), Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, MayBring: true, MayCollect: true},
			{PersonId: f.visiting.String(), Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, MayAttend: true},
		},
		Children: []*referralv1.ChildParty{{PersonId: f.child.String(), BirthYear: 2019, BirthMonth: 4}},
		Arrangement: &referralv1.Arrangement{ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 60,
			Stagger: &referralv1.Stagger{ArrivalMinutes: arrive, DepartureMinutes: leave}},
		EarliestBookableOn: date(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
	})
	g.waitFor(t, "SELECT count(*) FROM session_families WHERE family_id = $1 AND ready IS NOT NULL", f.id)
	return f
}

// Decision 317 kept the door's cautions to a family's own stagger where it was agreed longer than
// the usual 10-15 minutes, and left the day sheet's parents-at-the-door alert on the fixed 10
// minutes (decision 329). A family agreed 20 minutes between the children leaving and the visiting
// parent leaving; the children left 5 minutes late, so the visiting parent, due out as booked,
// walks out 15 minutes after them: within the family's 20, and the sheet says so. A family on the
// usual 15 minutes whose children leave as late is 10 minutes apart, the door's window: no alert.
func TestTheDaySheetKeepsTheParentsApartByTheFamilysOwnStagger(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	book := func(f family) *schedulingv1.Booking {
		t.Helper()
		resp, err := c.BookSession(ctx, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0], RequestId: uuid.NewString()})
		require.NoError(t, err)
		return resp.GetBooking()
	}
	agreed, usual := g.readyWithStagger(t, 15, 20), g.readyWithStagger(t, 15, 15)
	bookings := map[family]*schedulingv1.Booking{agreed: book(agreed), usual: book(usual)}
	for f, b := range bookings {
		g.clock.Set(b.GetVisiting().GetDueAt().AsTime())
		_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b.GetBookingId(),
			Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{f.visiting.String()}, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	for f, b := range bookings {
		g.clock.Set(b.GetChildren().GetDueAt().AsTime())
		_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: b.GetBookingId(),
			Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	require.Equal(t, map[string]bool{bookings[agreed].GetBookingId(): false, bookings[usual].GetBookingId(): false},
		g.atDoorTogether(t, door, saturday(0)), "came as booked: no alert")

	late := bookings[agreed].GetChildren().GetLeavesAt().AsTime().Add(5 * time.Minute)
	require.True(t, late.Equal(bookings[usual].GetChildren().GetLeavesAt().AsTime().Add(5*time.Minute)), "one session, the same times out")
	g.clock.Set(late)
	for f, b := range bookings {
		_, err := door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: b.GetBookingId(),
			Party: schedulingv1.Party_PARTY_CHILDREN, PersonIds: []string{f.resident.String(), f.child.String()}, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	require.Equal(t, map[string]bool{bookings[agreed].GetBookingId(): true, bookings[usual].GetBookingId(): false},
		g.atDoorTogether(t, door, saturday(0)),
		"the visiting parent due out 15 minutes after the children: within the family's agreed 20, not the usual 10")
}
