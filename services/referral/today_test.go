package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/clock"
)

// payloads are the referral's events of one type, in order, decoded into new(M).
func payloads[M proto.Message](t *testing.T, g *rig, ref string, newM func() M) []M {
	t.Helper()
	name := string(newM().ProtoReflect().Descriptor().FullName())
	rows, err := g.owner.Query(t.Context(), "SELECT payload FROM events WHERE stream_id = $1 AND event_type = $2 ORDER BY version",
		"referral-"+ref, name)
	require.NoError(t, err)
	defer rows.Close()
	var out []M
	for rows.Next() {
		var b []byte
		require.NoError(t, rows.Scan(&b))
		m := newM()
		require.NoError(t, proto.Unmarshal(b, m))
		out = append(out, m)
	}
	require.NoError(t, rows.Err())
	return out
}

// A pre-visit or a review sent with no date is the centre's today by the service's clock, not
// the caller's: the CLI sent the workstation's local date, which on a simulated platform (and
// across time zones near midnight) is another day than the services'. The rules on the day (not
// in the future, not before the referral, not before the first session or last review) are the
// service's, for a date sent as for one left out, and a client that sends a date is answered as
// before.
func TestAnOmittedDateIsTheCentresTodayByTheServicesClock(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	local := time.Now().In(london)
	// Forty days on from the workstation's today, at noon at the centre.
	start := time.Date(local.Year(), local.Month(), local.Day()+40, 12, 0, 0, 0, london)
	sim := clock.NewSimulated(start)
	g := newRigOn(t, sim)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	simToday := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)

	sub := w.submit(supported)
	ref := sub.GetReferralId()
	require.True(t, proto.Equal(date(simToday), sub.GetReceivedOn()), "received on the service's today")
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
	accepted, err := w.accept(ref, supported)
	require.NoError(t, err)
	mother := personID(accepted.GetReferral(), referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT)
	father := personID(accepted.GetReferral(), referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT)
	visit := func(person string, on *referralv1.RecordPreVisitRequest) (*referralv1.RecordPreVisitResponse, error) {
		on.RequestId, on.ReferralId, on.CentreId, on.PersonId, on.GroundRulesSigned = uuid.NewString(), ref, w.centre.String(), person, true
		return w.c.RecordPreVisit(ctx, on)
	}

	_, err = visit(mother, &referralv1.RecordPreVisitRequest{})
	require.NoError(t, err, "no date: the centre's today by the service's clock")

	// What the CLI sent before: the workstation's today, forty days before the platform's.
	before := g.eventTypes(t, ref)
	_, err = visit(father, &referralv1.RecordPreVisitRequest{VisitedOn: date(local)})
	refused(t, err, codes.InvalidArgument, "visited_on")
	_, err = visit(father, &referralv1.RecordPreVisitRequest{VisitedOn: date(simToday.AddDate(0, 0, 1))})
	refused(t, err, codes.InvalidArgument, "visited_on")
	require.Equal(t, before, g.eventTypes(t, ref), "refusals append nothing")
	_, err = visit(father, &referralv1.RecordPreVisitRequest{VisitedOn: date(simToday)})
	require.NoError(t, err, "a date sent is taken as before")
	for _, v := range payloads(t, g, ref, func() *referralv1.PreVisitCompleted { return new(referralv1.PreVisitCompleted) }) {
		require.True(t, proto.Equal(date(simToday), v.GetVisitedOn()), "%v", v.GetVisitedOn())
	}

	_, err = w.arrangement(ref, supported)
	require.NoError(t, err)
	family := accepted.GetReferral().GetFamilyId()
	publish(t, g.scheduling, "family-"+family, &schedulingv1.SessionCompleted{BookingId: uuid.NewString(), FamilyId: family,
		CentreId: w.centre.String(), SessionDate: date(simToday), ServiceType: supported}, uuid.MustParse(family), w.centre)
	require.Eventually(t, func() bool {
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral().GetState() == referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT
	}, 30*time.Second, 10*time.Millisecond, "referral notes the first session")

	review := &referralv1.RecordReviewRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(),
		Note: "Going well; both parents on time", Decision: referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE}
	before = g.eventTypes(t, ref)
	_, err = w.c.RecordReview(ctx, &referralv1.RecordReviewRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), Note: review.GetNote(), Decision: review.GetDecision(), HeldOn: date(local)})
	refused(t, err, codes.InvalidArgument, "held_on")
	require.Equal(t, before, g.eventTypes(t, ref), "the workstation's today is before the first session")
	reviewed, err := w.c.RecordReview(ctx, review)
	require.NoError(t, err, "no date: the centre's today by the service's clock")
	held := payloads(t, g, ref, func() *referralv1.ReviewHeld { return new(referralv1.ReviewHeld) })
	require.Len(t, held, 1)
	require.True(t, proto.Equal(date(simToday), held[0].GetHeldOn()), "%v", held[0].GetHeldOn())
	require.True(t, proto.Equal(held[0].GetNextReviewDueOn(), reviewed.GetReferral().GetReviewDueOn()))

	// The same request retried the next day is the review already recorded, not one on that day.
	require.NoError(t, sim.Set(start.AddDate(0, 0, 1)))
	before = g.eventTypes(t, ref)
	again, err := w.c.RecordReview(ctx, review)
	require.NoError(t, err)
	require.True(t, proto.Equal(reviewed.GetReferral().GetReviewDueOn(), again.GetReferral().GetReviewDueOn()))
	require.Equal(t, before, g.eventTypes(t, ref), "a retry appends nothing")
}
