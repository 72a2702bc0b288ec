package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 69, finding 1, decision 363: B was kept apart from A for an injunction, B's case ended,
// the same family was referred again as B', a child on B' was confirmed as the child on B, and B'
// was booked beside A with no word. Referral's SameChildConfirmed names B's family: scheduling
// keeps B' apart from every family B was kept apart from, for the same reason, with an event in
// each stream saying it was carried from B. Booking B' alongside A is then refused; a B” booked
// alongside A before its confirmation stands, and the day sheet alerts both. A pair with a family
// since erased is not carried, and (finding 4) keeping an erased family apart is refused,
// appending nothing, and no "also record" names one.
func TestKeptApartIsCarriedToTheFamilyReferredAgain(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	morning, rooms := g.timetable(t, saturday(0), false, 2, 2)
	c := g.client(t, auth.RoleCoordinator)
	fams := g.ready(t, 7, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	a, b, again, bookedBefore, erased, x, y := fams[0], fams[1], fams[2], fams[3], fams[4], fams[5], fams[6]
	keep := func(one, other uuid.UUID, reason schedulingv1.KeepApartReason) (*schedulingv1.KeepFamiliesApartResponse, error) {
		return c.KeepFamiliesApart(ctx, &schedulingv1.KeepFamiliesApartRequest{CentreId: g.centre.String(), FamilyId: one.String(),
			OtherFamilyId: other.String(), Reason: reason, RequestId: uuid.NewString()})
	}
	slot := func(f family, room int) *schedulingv1.BookSessionRequest {
		return &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(), PatternId: morning,
			Date: date(saturday(0)), RoomId: rooms[room]}
	}
	kept := func() int {
		t.Helper()
		return g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.FamiliesKeptApart'`)
	}
	injunction, sameAdult := schedulingv1.KeepApartReason_KEEP_APART_REASON_INJUNCTION, schedulingv1.KeepApartReason_KEEP_APART_REASON_SAME_ADULT

	_, err := keep(b.id, a.id, injunction)
	require.NoError(t, err)
	_, err = keep(b.id, erased.id, sameAdult)
	require.NoError(t, err)
	g.publishReferral(t, erased, g.centre, &referralv1.FamilyErased{ReferralId: erased.referral.String(), FamilyId: erased.id.String(),
		CentreId: g.centre.String()})

	// Finding 4: an erased family is kept apart from no one again, either way round, and nothing is
	// appended to its record; the pair the same adult may bring together with it is not answered.
	before := kept()
	for _, pair := range [][2]uuid.UUID{{a.id, erased.id}, {erased.id, x.id}} {
		_, err = keep(pair[0], pair[1], injunction)
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code)
		require.Equal(t, "FAMILY_ERASED", reason)
		require.Contains(t, status.Convert(err).Message(), erased.id.String())
	}
	require.Equal(t, before, kept(), "nothing appended")
	// Nor is the pair recorded before the erasure ended: that too would append to its record.
	ended := g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.KeepingApartEnded'`)
	_, err = c.EndKeepingApart(ctx, &schedulingv1.EndKeepingApartRequest{CentreId: g.centre.String(), FamilyId: b.id.String(),
		OtherFamilyId: erased.id.String(), RequestId: uuid.NewString()})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "FAMILY_ERASED", reason)
	require.Contains(t, status.Convert(err).Message(), erased.id.String())
	require.Equal(t, ended, g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.KeepingApartEnded'`))
	also, err := keep(b.id, x.id, sameAdult)
	require.NoError(t, err)
	var named []string
	for _, p := range also.GetAlsoKeepApart() {
		named = append(named, p.GetFamilyId(), p.GetOtherFamilyId())
	}
	require.Contains(t, named, a.id.String(), "x shares an adult with b, which is kept apart from a")
	require.NotContains(t, named, erased.id.String(), "never a command naming the erased family")

	aMorning, err := book(ctx, c, slot(a, 0))
	require.NoError(t, err)
	// Booked before its confirmation: nothing yet tells scheduling it is B referred again.
	early, err := book(ctx, c, slot(bookedBefore, 1))
	require.NoError(t, err)

	confirm := func(f family, other string) {
		t.Helper()
		g.publishReferral(t, f, g.centre, &referralv1.SameChildConfirmed{ReferralId: f.referral.String(), FamilyId: f.id.String(),
			CentreId: g.centre.String(), ChildPersonId: f.child.String(), OtherReferralId: b.referral.String(),
			OtherChildPersonId: b.child.String(), ConfirmedOn: date(saturday(-1)), OtherFamilyId: other})
	}
	// A confirmation recorded before the event named the other family carries nothing.
	before = kept()
	confirm(again, "")
	require.Equal(t, before, kept())

	confirm(again, b.id.String())
	confirm(bookedBefore, b.id.String())
	apart := func(f family) []string {
		t.Helper()
		rows, err := g.owner.Query(ctx, `SELECT other_family_id::text FROM families_apart WHERE family_id = $1 ORDER BY 1`, f.id)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		return out
	}
	require.ElementsMatch(t, []string{a.id.String(), x.id.String()}, apart(again), "b's pairs, but for the erased family")
	require.Contains(t, apart(a), again.id.String(), "in the other family's stream too")
	carried := g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.FamiliesKeptApart'
		AND family_id = $1 AND position(convert_to($2, 'UTF8') in payload) > 0`, again.id, b.id.String())
	require.Equal(t, 2, carried, "each carried pair names the family it was carried from")

	// Booking B' alongside A is refused, naming A's booking; B'' booked before stands, alerted.
	_, err = book(ctx, c, slot(again, 1))
	code, reason = field(err)
	require.Equal(t, codes.FailedPrecondition, code)
	require.Equal(t, "FAMILIES_KEPT_APART", reason)
	require.Contains(t, status.Convert(err).Message(), aMorning.GetBooking().GetBookingId())
	require.NotContains(t, status.Convert(err).Message(), a.id.String())
	alert := schedulingv1.Alert_ALERT_FAMILY_KEPT_APART_BOOKED_ALONGSIDE
	require.Contains(t, g.entryOf(t, saturday(0), early.GetBooking().GetBookingId()).GetAlerts(), alert)
	require.Contains(t, g.entryOf(t, saturday(0), aMorning.GetBooking().GetBookingId()).GetAlerts(), alert)

	// The same confirmation again (another child, say) carries nothing more.
	before = kept()
	confirm(again, b.id.String())
	require.Equal(t, before, kept())

	// Decision 379 (363's Left): a pair recorded on B after the confirmations is carried to the
	// families referred again as B, each naming B; either way round.
	_, err = keep(y.id, b.id, injunction)
	require.NoError(t, err)
	require.Contains(t, apart(again), y.id.String())
	require.Contains(t, apart(bookedBefore), y.id.String())
	require.Subset(t, apart(y), []string{b.id.String(), again.id.String(), bookedBefore.id.String()})
	carried = g.count(t, `SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.FamiliesKeptApart'
		AND family_id = $1 AND position(convert_to($2, 'UTF8') in payload) > 0`, again.id, b.id.String())
	require.Equal(t, 3, carried, "the new pair carried names B too")
	before = kept()
	_, err = keep(b.id, y.id, injunction)
	require.NoError(t, err)
	require.Equal(t, before, kept(), "the same pair again records nothing, nor carries it again")
}
