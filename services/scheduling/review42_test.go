package scheduling

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/seal"
)

// Review 42 (finding 1): "noshow --explained" needed no explanation, though whether a no-show is
// explained decides whether the family keeps its place, and the record could not show why. An
// explained no-show now needs the family's reason in words, kept sealed with the family's key
// (never in the payload in clear), refused InvalidArgument naming explanation when missing or not
// in words; an unexplained one takes none. The family's erasure shreds the key, so the reason no
// longer opens.
func TestAnExplainedNoShowSaysWhyAndKeepsItSealed(t *testing.T) {
	g := newKeptRig(t, monday)
	ctx := t.Context()
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	booked := g.bookWeeks(t, f, 2)
	door := g.door(t)
	events := func() int { return g.count(t, "SELECT count(*) FROM events") }
	noShow := func(booking string, explained bool, explanation string) (*schedulingv1.RecordNoShowResponse, error) {
		return door.RecordNoShow(ctx, &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: booking,
			Party: schedulingv1.Party_PARTY_VISITING, Explained: explained, Explanation: explanation, RequestId: uuid.NewString()})
	}

	g.clock.Set(london(2026, 1, 10, 10, 5))
	before := events()
	for _, c := range []struct {
		explained   bool
		explanation string
		why         string
	}{
		{true, "", "explained with no reason"},
		{true, " . ", "explained with no words"},
		{true, "a.b", "explained with too few letters"},
		{false, "he rang to say the car broke down", "unexplained, with a reason"},
	} {
		_, err := noShow(booked[0], c.explained, c.explanation)
		code, name := field(err)
		require.Equal(t, codes.InvalidArgument, code, "%s: %v", c.why, err)
		require.Equal(t, "explanation", name, c.why)
		require.NotContains(t, err.Error(), "car broke down", "the reason is never repeated in a refusal")
	}
	require.Equal(t, before, events(), "refusals append nothing")

	const why = "The visiting parent rang at 09:30: his train was cancelled by a signal failure"
	r, err := noShow(booked[0], true, why)
	require.NoError(t, err)
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW, r.GetBooking().GetStatus())
	require.Zero(t, r.GetUnexplainedNoShows(), "explained: not counted")

	var id uuid.UUID
	var payload []byte
	require.NoError(t, g.owner.QueryRow(ctx, `SELECT event_id, payload FROM events WHERE event_type = 'familytime.scheduling.v1.NoShowRecorded'
		AND family_id = $1`, f.id).Scan(&id, &payload))
	require.False(t, bytes.Contains(payload, []byte("signal failure")), "the reason is never in the log in clear")
	var ev schedulingv1.NoShowRecorded
	require.NoError(t, proto.Unmarshal(payload, &ev))
	require.True(t, ev.GetExplained())
	require.NotEmpty(t, ev.GetSealedExplanation())
	opened, err := g.sealer.OpenString(ctx, f.id, seal.At(id, "sealed_explanation"), ev.GetSealedExplanation())
	require.NoError(t, err)
	require.Equal(t, why, opened, "the family's key opens it, bound to its event and field")

	// An unexplained no-show takes no reason, and keeps none.
	g.clock.Set(london(2026, 1, 17, 10, 20))
	r, err = noShow(booked[1], false, "")
	require.NoError(t, err)
	require.Equal(t, int32(1), r.GetUnexplainedNoShows())
	var second []byte
	require.NoError(t, g.owner.QueryRow(ctx, `SELECT payload FROM events WHERE event_type = 'familytime.scheduling.v1.NoShowRecorded'
		AND family_id = $1 AND event_id <> $2`, f.id, id).Scan(&second))
	var unexplained schedulingv1.NoShowRecorded
	require.NoError(t, proto.Unmarshal(second, &unexplained))
	require.False(t, unexplained.GetExplained())
	require.Empty(t, unexplained.GetSealedExplanation())

	// The family's erasure (referral's FamilyErased) destroys scheduling's key for it too, and the
	// answers recorded for its commands with it (decision 278).
	answers := func() int {
		return g.count(t, `SELECT count(*) FROM requests WHERE outcome IS NOT NULL AND request_id IN
			(SELECT request_id::uuid FROM events WHERE family_id = $1 AND request_id IS NOT NULL)`, f.id)
	}
	require.NotZero(t, answers(), "the bookings' and no-shows' answers are kept until the erasure")
	g.publishReferral(t, f, g.centre, &referralv1.FamilyErased{ReferralId: f.referral.String(), FamilyId: f.id.String(),
		CentreId: g.centre.String()})
	shredded, err := g.sealer.Shredded(ctx, f.id)
	require.NoError(t, err)
	require.True(t, shredded, "the family's key in scheduling's key store is destroyed")
	require.Zero(t, answers(), "no answer about the family is kept")
	_, err = g.sealer.OpenString(ctx, f.id, seal.At(id, "sealed_explanation"), ev.GetSealedExplanation())
	require.ErrorIs(t, err, seal.ErrShredded)
}

// A scheduling service without a key store cannot keep an explained no-show's reason sealed: it
// refuses the no-show (FailedPrecondition NO_KEY_STORE), and appends nothing, rather than keep the
// reason in clear or the no-show without it. Unexplained no-shows need no key store.
func TestAnExplainedNoShowNeedsAKeyStore(t *testing.T) {
	g := newRig(t, monday)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	booked := g.bookWeeks(t, f, 2)
	door := g.door(t)
	g.clock.Set(london(2026, 1, 10, 10, 5))
	before := g.count(t, "SELECT count(*) FROM events")
	_, err := door.RecordNoShow(t.Context(), &schedulingv1.RecordNoShowRequest{CentreId: g.centre.String(), BookingId: booked[0],
		Party: schedulingv1.Party_PARTY_VISITING, Explained: true, Explanation: "the child has chickenpox", RequestId: uuid.NewString()})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "NO_KEY_STORE", reason)
	require.NotContains(t, err.Error(), "chickenpox")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"))
	g.clock.Set(london(2026, 1, 10, 10, 20))
	_, err = g.visitingNoShow(t.Context(), door, booked[0])
	require.NoError(t, err)
}

// Review 42 (finding 2): a cancellation's notice was counted to the children's arrival, whoever
// cancelled: a visiting parent due at 10:00 who cancelled at 09:00, for children due at 10:15, was
// told 1 hour 15 minutes, and near the 48-hour line a late cancellation was marked on time. The
// notice is now counted to the time the cancelling party was due at the door: the visiting
// parent's arrival for the visiting parent, the children's for the resident parent, and the
// session's first door time (the visiting parent's) for the centre; the answer and the day sheet
// say which.
func TestACancellationsNoticeIsCountedToTheCancellingPartysTime(t *testing.T) {
	g := newRig(t, monday)
	f := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	booked := g.bookWeeks(t, f, 3) // Saturdays 10, 17, 24 January: visiting parent 10:00, children 10:15
	c := g.client(t, auth.RoleCoordinator)
	for i, w := range []struct {
		by      schedulingv1.CancelledBy
		minutes int64
		late    bool
		to      schedulingv1.Party
	}{
		// Thursday 10:10: 47 hours 50 minutes before the visiting parent's 10:00, 48 hours 5
		// minutes before the children's 10:15.
		{schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT, 47*60 + 50, true, schedulingv1.Party_PARTY_VISITING},
		{schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT, 48*60 + 5, false, schedulingv1.Party_PARTY_CHILDREN},
		// The centre's notice is counted to the first door time too, but the centre calling a
		// session off is never a party's late notice (decision 284).
		{schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, 47*60 + 50, false, schedulingv1.Party_PARTY_VISITING},
	} {
		g.clock.Set(london(2026, 1, 8+7*i, 10, 10))
		req := &schedulingv1.CancelBookingRequest{CentreId: g.centre.String(), BookingId: booked[i], CancelledBy: w.by, RequestId: uuid.NewString()}
		if w.by == schedulingv1.CancelledBy_CANCELLED_BY_CENTRE {
			req.CallOffReason = schedulingv1.CallOffReason_CALL_OFF_REASON_STAFFING
		}
		r, err := c.CancelBooking(t.Context(), req)
		require.NoError(t, err)
		require.Equal(t, w.minutes, r.GetNoticeMinutes(), w.by.String())
		require.Equal(t, w.to, r.GetNoticeTo(), w.by.String())
		require.Equal(t, w.to, r.GetBooking().GetNoticeTo(), w.by.String())
		require.Equal(t, w.late, r.GetBooking().GetCancelledLate(), w.by.String())
		sheet := g.entryOf(t, saturday(i), booked[i]).GetBooking()
		require.Equal(t, w.minutes, sheet.GetNoticeMinutes(), "the day sheet: %s", w.by)
		require.Equal(t, w.to, sheet.GetNoticeTo(), "the day sheet: %s", w.by)
		require.Equal(t, w.late, sheet.GetCancelledLate(), "the day sheet: %s", w.by)
	}
}

// explanationIf is an explanation in words for an explained no-show, none for an unexplained one.
func explanationIf(explained bool) string {
	if explained {
		return "the family rang to say the child is ill"
	}
	return ""
}
