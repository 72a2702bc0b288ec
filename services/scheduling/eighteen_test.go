package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// A child contact centre serves children under 18 (review 49: a child who turned 18 during the
// case was booked without a word). A family none of whose children is under 18 on the session's
// date is refused NO_CHILD_UNDER_18, and nothing is appended; a booking of a family with a child
// 18 by then says so (child_warning, CHILD_TURNS_18), and the session's record leaves that child
// out of its children, so no figure counts them.
func TestAChildOf18IsNotBookedNorCountedAsAChild(t *testing.T) {
	g := newRig(t, monday) // Monday 5 January 2026
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	ctx := t.Context()
	// Born February 2008: 17 on Saturday 10 January 2026, 18 from 1 February 2026 (saturday(4) is 7 February).
	grown := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Children[0].BirthYear, ev.Children[0].BirthMonth = 2008, 2
	})[0]
	younger := uuid.New()
	mixed := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(ev *referralv1.FamilyReadyForContact) {
		ev.Children[0].BirthYear, ev.Children[0].BirthMonth = 2008, 2
		ev.Children = append(ev.Children, &referralv1.ChildParty{PersonId: younger.String(), BirthYear: 2019, BirthMonth: 4})
	})[0]

	r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: grown.id.String(),
		PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err, "17 on the day: booked")
	require.Empty(t, r.GetChildWarning())

	events := func(f family) int {
		return g.count(t, "SELECT count(*) FROM events WHERE stream_id = $1", "family-"+f.id.String())
	}
	before := events(grown)
	_, err = book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: grown.id.String(),
		PatternId: pattern, Date: date(saturday(4)), RoomId: rooms[0]})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, "%v", err)
	require.Equal(t, "NO_CHILD_UNDER_18", reason)
	require.Contains(t, err.Error(), "18 or over by 2026-02-07")
	require.NotContains(t, err.Error(), "2008", "the refusal gives no birth date")
	require.Equal(t, before, events(grown), "nothing appended")

	r, err = book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: mixed.id.String(),
		PatternId: pattern, Date: date(saturday(4)), RoomId: rooms[0]})
	require.NoError(t, err, "a younger child: booked")
	require.Contains(t, r.GetChildWarning(), "CHILD_TURNS_18")
	require.Contains(t, r.GetChildWarning(), mixed.child.String())
	require.NotContains(t, r.GetChildWarning(), younger.String())
	booking := r.GetBooking().GetBookingId()

	// The session is held, both children named coming and leaving: its record counts the younger only.
	d := saturday(4)
	g.clock.Set(london(d.Year(), d.Month(), d.Day(), 10, 0))
	move := func(arrive bool) {
		t.Helper()
		for party, people := range map[schedulingv1.Party][]string{schedulingv1.Party_PARTY_VISITING: {mixed.visiting.String()},
			schedulingv1.Party_PARTY_CHILDREN: {mixed.resident.String(), mixed.child.String(), younger.String()}} {
			var err error
			if arrive {
				_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: booking,
					Party: party, PersonIds: people, RequestId: uuid.NewString()})
			} else {
				_, err = door.RecordDeparture(ctx, &schedulingv1.RecordDepartureRequest{CentreId: g.centre.String(), BookingId: booking,
					Party: party, PersonIds: people, RequestId: uuid.NewString()})
			}
			require.NoError(t, err)
		}
	}
	move(true)
	g.clock.Set(london(d.Year(), d.Month(), d.Day(), 11, 20))
	move(false)
	_, err = door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: booking,
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	var payload []byte
	require.NoError(t, g.owner.QueryRow(ctx, `SELECT payload FROM events WHERE stream_id = $1 AND event_type = $2`,
		"family-"+mixed.id.String(), "familytime.scheduling.v1.SessionCompleted").Scan(&payload))
	var done schedulingv1.SessionCompleted
	require.NoError(t, proto.Unmarshal(payload, &done))
	require.Len(t, done.GetChildren(), 1)
	require.Equal(t, younger.String(), done.GetChildren()[0].GetPersonId())
	require.Equal(t, commonv1.AgeBand_AGE_BAND_5_TO_10, done.GetChildren()[0].GetAgeBand())
}
