package scheduling

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// accredit records the rig's centre's accreditation as the national administrator does.
func (g *rig) accredit(t *testing.T, st commonv1.AccreditationStatus) {
	t.Helper()
	admin := g.client(t, auth.RoleAdmin)
	got, err := admin.GetCentre(t.Context(), &schedulingv1.GetCentreRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	c := got.GetCentre()
	_, err = admin.UpdateCentre(t.Context(), &schedulingv1.UpdateCentreRequest{CentreId: g.centre.String(), ExpectedVersion: c.GetVersion(),
		Details: &schedulingv1.CentreDetails{Name: c.GetName(), Region: c.GetRegion(), ServiceTypes: c.GetServiceTypes(),
			AccreditationStatus: st, AccreditationDate: c.GetAccreditationDate()},
		RequestId: uuid.NewString()})
	require.NoError(t, err)
}

// A centre whose accreditation is suspended or lapsed accepts or waitlists no family (decision
// 77), so scheduling offers no place from its waiting list and puts no family on it, with
// referral's reasons; a family declining a place offered before goes back to its place; families
// already accepted are still booked (review 59, decision 326).
func TestASuspendedOrLapsedCentreOffersNoPlaceAndWaitlistsNoFamily(t *testing.T) {
	for _, tc := range []struct {
		status commonv1.AccreditationStatus
		reason string
	}{
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED, "CENTRE_SUSPENDED"},
		{commonv1.AccreditationStatus_ACCREDITATION_STATUS_LAPSED, "CENTRE_ACCREDITATION_LAPSED"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			g := newRig(t, monday)
			ctx := t.Context()
			c := g.client(t, auth.RoleCoordinator)
			pattern, rooms := g.timetable(t, saturday(0), false, 2, 2)
			declining, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
			g.clock.Set(monday.Add(time.Minute)) // waitlisted a minute apart, first first
			waiting, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
			offered, err := g.offerPlace(t, pattern, rooms[0], declining.String())
			require.NoError(t, err, "offered while the centre was in good standing")
			fams := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
			g.accredit(t, tc.status)

			refused := func(err error) {
				t.Helper()
				code, reason := field(err)
				require.Equal(t, codes.FailedPrecondition, code, "%v", err)
				require.Equal(t, tc.reason, reason)
				require.Contains(t, status.Convert(err).Message(), "accepts or waitlists no family", "referral's words")
			}
			before := g.count(t, "SELECT count(*) FROM events")
			_, err = g.offerPlace(t, pattern, rooms[1], "")
			refused(err)
			_, err = g.offerPlace(t, pattern, rooms[1], waiting.String())
			refused(err)
			_, err = c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: fams[0].id.String(),
				ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
			refused(err)
			require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "a refusal records nothing")

			// The family offered a place before declines it: it goes back to the place it kept.
			require.Equal(t, declining.String(), offered)
			back, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: declining.String(),
				RequestId: uuid.NewString()})
			require.NoError(t, err)
			require.EqualValues(t, 1, back.GetPosition())
			require.Equal(t, []string{declining.String(), waiting.String()}, g.waiting(t))

			// A family accepted already is still booked: its contact goes on.
			_, err = book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: fams[1].id.String(),
				PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
			require.NoError(t, err)
		})
	}
}

// A place released by a family's second unexplained no-show at a suspended centre is freed and
// offered to nobody: the answer says why, naming nobody, and the family waiting stays waiting
// (decision 326).
func TestAPlaceReleasedAtASuspendedCentreIsOfferedToNobody(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c, v := g.client(t, auth.RoleCoordinator), g.door(t)
	pattern, rooms := g.timetable(t, saturday(0), false, 1)
	fam := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	var missed []string
	for week := range 3 {
		r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: fam.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
		require.NoError(t, err)
		missed = append(missed, r.GetBooking().GetBookingId())
	}
	waiting, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	g.accredit(t, commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED)

	g.clock.Set(london(2026, 1, 10, 11, 15))
	_, err := v.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: missed[0],
		Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 17, 11, 15))
	last, err := v.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: missed[1],
		Party: schedulingv1.Party_PARTY_VISITING, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, last.GetPlaceReleased(), "the release stands")
	require.Empty(t, last.GetOfferedToFamilyId())
	require.Contains(t, last.GetNoPlaceToOffer(), "CENTRE_SUSPENDED")
	require.Contains(t, last.GetNoPlaceToOffer(), "offered to nobody")
	require.NotContains(t, last.GetNoPlaceToOffer(), waiting.String(), "names nobody")
	require.Zero(t, g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.PlaceOffered'"))
	queue, _ := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{waiting}, queue, "the family stays waiting")
}
