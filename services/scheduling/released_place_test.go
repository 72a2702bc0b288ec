package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// The place a family's second unexplained no-show releases is offered to a waiting family only
// where a session of it still to come has a place, as `waitlist offer` is (decision 283): with
// every one booked to capacity by others, the release stands, nobody is offered it, the answer
// says NO_PLACE and the family waiting stays waiting. The sessions the release itself frees (the
// family's later bookings in the place, cancelled in the same unit) count as free.
func TestAPlaceReleasedByNoShowsIsOfferedOnlyWhereASessionStillToComeHasOne(t *testing.T) {
	for _, tc := range []struct {
		name string
		// othersOnLast: another family is booked into the room's last session, so that, once the
		// released family's sessions are freed, none still to come has a place.
		othersOnLast bool
	}{
		{"the room full in every session to come", true},
		{"the session the release frees", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, monday)
			ctx := t.Context()
			c, v := g.client(t, auth.RoleCoordinator), g.door(t)
			room, err := c.AddRoom(ctx, &schedulingv1.AddRoomRequest{CentreId: g.centre.String(), Name: "Garden room", Capacity: 1,
				RequestId: uuid.NewString()})
			require.NoError(t, err)
			p, err := c.DefineOpeningPattern(ctx, &schedulingv1.DefineOpeningPatternRequest{CentreId: g.centre.String(),
				Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: schedulingv1.Weekday_WEEKDAY_SATURDAY,
				StartTime: &schedulingv1.LocalTime{Hour: 10}, EndTime: &schedulingv1.LocalTime{Hour: 12},
				FirstDate: date(saturday(0)), LastDate: date(saturday(2)), RoomIds: []string{room.GetRoom().GetRoomId()}, RequestId: uuid.NewString()})
			require.NoError(t, err)
			fams := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
			bookOn := func(f family, week int) string {
				t.Helper()
				r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
					PatternId: p.GetPattern().GetPatternId(), Date: date(saturday(week)), RoomId: room.GetRoom().GetRoomId()})
				require.NoError(t, err)
				return r.GetBooking().GetBookingId()
			}
			missed := []string{bookOn(fams[0], 0), bookOn(fams[0], 1)}
			if tc.othersOnLast {
				bookOn(fams[1], 2)
			} else {
				bookOn(fams[0], 2)
			}
			waiting, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)

			g.clock.Set(london(2026, 1, 10, 10, 40))
			_, err = v.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: missed[0],
				Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
			require.NoError(t, err)
			g.clock.Set(london(2026, 1, 17, 11, 15))
			last, err := v.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: missed[1],
				Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
			require.NoError(t, err)
			require.True(t, last.GetPlaceReleased(), "the release stands")
			offered := g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.PlaceOffered'")
			queue, _ := g.queue(t, g.centre)
			if tc.othersOnLast {
				require.Empty(t, last.GetOfferedToFamilyId())
				require.Contains(t, last.GetNoPlaceToOffer(), "NO_PLACE")
				require.Contains(t, last.GetNoPlaceToOffer(), "full in every session still to come")
				require.NotContains(t, last.GetNoPlaceToOffer(), waiting.String(), "names nobody")
				require.Zero(t, offered)
				require.Equal(t, []uuid.UUID{waiting}, queue, "the family stays waiting")
				return
			}
			require.Equal(t, waiting.String(), last.GetOfferedToFamilyId(), "offered the session the release freed")
			require.Empty(t, last.GetNoPlaceToOffer())
			require.Equal(t, 1, offered)
		})
	}
}
