package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// A child's birth month corrected on the referral once the family is ready (referral's
// ChildBirthMonthCorrected) is noted in the family's stream (ChildBirthMonthNoted), and every
// session completed from then on records the child's age band by it; a session completed before
// keeps the band it was recorded with (decision 187). A correction for another referral, of a
// child scheduling was not told of, or to the month it has, appends nothing.
func TestACorrectedBirthMonthBandsTheSessionsCompletedFromThen(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0] // born April 2019: 5 to 10
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	ctx := t.Context()
	var bookings []string
	for week := range 2 {
		r, err := book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
		require.NoError(t, err)
		bookings = append(bookings, r.GetBooking().GetBookingId())
	}
	hold := func(week int) {
		t.Helper()
		d := saturday(week)
		g.clock.Set(london(d.Year(), d.Month(), d.Day(), 10, 0))
		for party, people := range map[schedulingv1.Party][]string{schedulingv1.Party_PARTY_VISITING: {f.visiting.String()},
			schedulingv1.Party_PARTY_CHILDREN: {f.resident.String(), f.child.String()}} {
			_, err := door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: bookings[week],
				Party: party, PersonIds: people, RequestId: uuid.NewString()})
			require.NoError(t, err)
		}
		g.clock.Set(london(d.Year(), d.Month(), d.Day(), 11, 20))
		g.leave(t, door, bookings[week], f)
		_, err := door.CompleteSession(ctx, &schedulingv1.CompleteSessionRequest{CentreId: g.centre.String(), BookingId: bookings[week],
			RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	// bands are the age bands each completed session recorded, by booking, as stored.
	bands := func() map[string][]commonv1.AgeBand {
		t.Helper()
		rows, err := g.owner.Query(ctx, `SELECT payload FROM events WHERE stream_id = $1 AND event_type = $2`,
			"family-"+f.id.String(), "familytime.scheduling.v1.SessionCompleted")
		require.NoError(t, err)
		defer rows.Close()
		out := map[string][]commonv1.AgeBand{}
		for rows.Next() {
			var b []byte
			require.NoError(t, rows.Scan(&b))
			var ev schedulingv1.SessionCompleted
			require.NoError(t, proto.Unmarshal(b, &ev))
			for _, ch := range ev.GetChildren() {
				require.Equal(t, f.child.String(), ch.GetPersonId())
				out[ev.GetBookingId()] = append(out[ev.GetBookingId()], ch.GetAgeBand())
			}
		}
		require.NoError(t, rows.Err())
		return out
	}
	noted := func() int {
		return g.count(t, "SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = $2",
			"family-"+f.id.String(), "familytime.scheduling.v1.ChildBirthMonthNoted")
	}
	correct := func(referral, child uuid.UUID, year, month int32) {
		t.Helper()
		g.publishReferral(t, f, g.centre, &referralv1.ChildBirthMonthCorrected{ReferralId: referral.String(), FamilyId: f.id.String(),
			CentreId: g.centre.String(), PersonId: child.String(), BirthYear: year, BirthMonth: month, CorrectedOn: date(saturday(0))})
	}

	hold(0)
	require.Equal(t, map[string][]commonv1.AgeBand{bookings[0]: {commonv1.AgeBand_AGE_BAND_5_TO_10}}, bands())

	correct(uuid.New(), f.child, 2021, 3)
	correct(f.referral, uuid.New(), 2021, 3)
	correct(f.referral, f.child, 2019, 4)
	require.Zero(t, noted(), "another referral's, a child not named, the month scheduling has: nothing noted")

	correct(f.referral, f.child, 2021, 3) // typed as April 2019, born March 2021: 2 to 4
	require.Equal(t, 1, noted())
	correct(f.referral, f.child, 2021, 3)
	require.Equal(t, 1, noted(), "the month it has: nothing more")

	hold(1)
	require.Equal(t, map[string][]commonv1.AgeBand{
		bookings[0]: {commonv1.AgeBand_AGE_BAND_5_TO_10}, // completed before: kept as recorded
		bookings[1]: {commonv1.AgeBand_AGE_BAND_2_TO_4},  // completed after: the corrected band
	}, bands())
}
