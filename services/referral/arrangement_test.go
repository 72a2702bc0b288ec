package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/referral"
)

// arrangementOf is an arrangement of the kind, weekly, for minutes, with a stagger either way.
func arrangementOf(st commonv1.ServiceType, minutes, arrive, leave int32) *referralv1.Arrangement {
	return &referralv1.Arrangement{ServiceType: st, Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY,
		SessionMinutes: minutes, Stagger: &referralv1.Stagger{ArrivalMinutes: arrive, DepartureMinutes: leave}}
}

// published waits until the last event of ev's type that referral published for the centre (on
// ft.referral.<centre>.<type>, where other services listen) is read into ev and satisfies done.
func (g *rig) published(t *testing.T, centre uuid.UUID, ev proto.Message, done func() bool) {
	t.Helper()
	stream, err := g.js.Stream(t.Context(), bus.StreamName(referral.Name))
	require.NoError(t, err)
	subject := bus.Subject(referral.Name, centre, string(ev.ProtoReflect().Descriptor().FullName()))
	require.Eventually(t, func() bool {
		m, err := stream.GetLastMsgForSubject(t.Context(), subject)
		if err != nil {
			return false
		}
		var env commonv1.EventEnvelope
		require.NoError(t, proto.Unmarshal(m.Data, &env))
		require.NoError(t, proto.Unmarshal(env.GetPayload(), ev))
		return done()
	}, 30*time.Second, 20*time.Millisecond)
}

func (w *casework) change(ref string, version int64, a *referralv1.Arrangement) (*referralv1.ChangeArrangementResponse, error) {
	return w.c.ChangeArrangement(w.t.Context(), &referralv1.ChangeArrangementRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), ExpectedVersion: version, Arrangement: a})
}

// A family made ready with an arrangement no opening session can hold (a whole day's session) is
// not stuck (decisions.md 90): agreeing the arrangement again is refused and says to change it;
// ChangeArrangement changes it, once per request id, recording ArrangementChanged in the
// referral's stream with the arrangement it replaces, published for scheduling. The kind of
// contact does not change this way; the values are checked as when it was agreed; a case not yet
// ready, an ended one, another centre's and a stale version are refused; nothing is appended by
// a refusal.
func TestTheArrangementChangesOnceTheFamilyIsReady(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	ctx := t.Context()
	id := w.ready(supported)

	_, err := w.c.AgreeArrangement(ctx, &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: id,
		CentreId: w.centre.String(), Arrangement: arrangementOf(supported, 480, 30, 20)})
	refused(t, err, codes.FailedPrecondition, "ALREADY_READY")
	require.Contains(t, status.Convert(err).Message(), "change the agreed arrangement instead")

	first, err := w.change(id, 0, arrangementOf(supported, 480, 30, 20))
	require.NoError(t, err)
	require.Equal(t, int32(480), first.GetReferral().GetArrangement().GetSessionMinutes())

	// The whole day cannot be booked: it is changed again, to 90 minutes, from the version seen.
	req := &referralv1.ChangeArrangementRequest{RequestId: uuid.NewString(), ReferralId: id, CentreId: w.centre.String(),
		ExpectedVersion: first.GetReferral().GetVersion(), Arrangement: arrangementOf(supported, 90, 15, 10)}
	changed, err := w.c.ChangeArrangement(ctx, req)
	require.NoError(t, err)
	got := changed.GetReferral()
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, got.GetState(), "the family stays ready")
	require.True(t, proto.Equal(arrangementOf(supported, 90, 15, 10), got.GetArrangement()), "%v", got.GetArrangement())
	events := g.events(t)
	again, err := w.c.ChangeArrangement(ctx, req)
	require.NoError(t, err)
	require.True(t, again.GetReferral().GetReplayed(), "a retry's answer says it is the first")
	again.Referral.Replayed = false
	require.True(t, proto.Equal(changed, again), "a retry with the same request id gives the first answer")
	require.Equal(t, events, g.events(t), "and appends nothing")
	_, err = w.change(id, 0, arrangementOf(supported, 90, 15, 10))
	require.NoError(t, err)
	require.Equal(t, events, g.events(t), "the arrangement already agreed records nothing")
	types := g.eventTypes(t, id)
	require.Equal(t, []string{"FamilyReadyForContact", "ArrangementChanged", "ArrangementChanged"}, types[len(types)-3:])
	shown, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Equal(t, int32(90), shown.GetReferral().GetArrangement().GetSessionMinutes(), "the read model has it")

	// Published on ft.referral.<centre>.ArrangementChanged, where scheduling listens.
	var published referralv1.ArrangementChanged
	g.published(t, w.centre, &published, func() bool { return published.GetArrangement().GetSessionMinutes() == 90 })
	require.Equal(t, id, published.GetReferralId())
	require.Equal(t, int32(480), published.GetPreviousArrangement().GetSessionMinutes())

	before := g.events(t)
	t.Run("the kind of contact does not change: stepping down is a case outcome", func(t *testing.T) {
		_, err := w.change(id, 0, arrangementOf(supervised, 90, 15, 10))
		refused(t, err, codes.FailedPrecondition, "SERVICE_TYPE_FIXED")
		require.Contains(t, status.Convert(err).Message(), "stepping down from supervised to supported contact is a case outcome")
	})
	t.Run("values out of bounds name their field", func(t *testing.T) {
		for field, a := range map[string]*referralv1.Arrangement{
			"arrangement.session_minutes":           arrangementOf(supported, 600, 15, 10),
			"arrangement.stagger.arrival_minutes":   arrangementOf(supported, 90, 5, 10),
			"arrangement.stagger.departure_minutes": arrangementOf(supported, 90, 15, 61),
			"arrangement.frequency":                 {ServiceType: supported, SessionMinutes: 90, Stagger: &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 10}},
		} {
			_, err := w.change(id, 0, a)
			refused(t, err, codes.InvalidArgument, field)
		}
	})
	t.Run("a stale version", func(t *testing.T) {
		_, err := w.change(id, 1, arrangementOf(supported, 60, 15, 10))
		require.Equal(t, codes.Aborted, status.Code(err), "%v", err)
	})
	t.Run("another centre's coordinator", func(t *testing.T) {
		other := g.casework(t, g.centre(t, supported))
		_, err := other.change(id, 0, arrangementOf(supported, 60, 15, 10))
		require.Equal(t, codes.NotFound, status.Code(err), "naming their own centre with another centre's referral")
		_, err = other.c.ChangeArrangement(ctx, &referralv1.ChangeArrangementRequest{RequestId: uuid.NewString(), ReferralId: id,
			CentreId: w.centre.String(), Arrangement: arrangementOf(supported, 60, 15, 10)})
		require.Equal(t, codes.PermissionDenied, status.Code(err), "naming a centre not theirs")
	})
	require.Equal(t, before, g.events(t), "refusals append nothing")

	t.Run("not ready yet: the arrangement is agreed, not changed", func(t *testing.T) {
		ref := w.submit(supported).GetReferralId()
		w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
		_, err := w.accept(ref, supported)
		require.NoError(t, err)
		_, err = w.change(ref, 0, arrangementOf(supported, 90, 15, 10))
		refused(t, err, codes.FailedPrecondition, "NOT_READY_FOR_CONTACT")
	})
	t.Run("an ended case", func(t *testing.T) {
		// Referred back to the court: it never had a session, so it did not move on (decision 168).
		_, err := w.c.EndCase(ctx, &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: id, CentreId: w.centre.String(),
			Outcome: referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, Note: "Ended for the test"})
		require.NoError(t, err)
		_, err = w.change(id, 0, arrangementOf(supported, 60, 15, 10))
		refused(t, err, codes.FailedPrecondition, "REFERRAL_CLOSED")
	})
}

// Whether the children may leave the centre, amended once the family is ready, is announced
// (ChildrenLeavingChanged, after the ReferralAmended that records it) and published where
// scheduling listens, for the door's day sheet; an amendment keeping it announces nothing
// (decision 117).
func TestAChangedAnswerOnLeavingTheCentreReachesScheduling(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	ctx := t.Context()
	id := w.ready(supported)
	amend := func(edit func(*referralv1.ReferralDetails)) {
		t.Helper()
		opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: id, CentreId: w.centre.String(), Purpose: "amend the details"})
		require.NoError(t, err)
		d := opened.GetFamily().GetDetails()
		edit(d)
		_, err = w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: id, CentreId: w.centre.String(), Details: d})
		require.NoError(t, err)
	}
	may := func(d *referralv1.ReferralDetails) bool { return d.GetChildrenMayLeaveCentre() }
	amend(func(d *referralv1.ReferralDetails) { d.ChildrenMayLeaveCentre = !may(d) })
	types := g.eventTypes(t, id)
	require.Equal(t, []string{"FamilyReadyForContact", "ReferralAmended", "ChildrenLeavingChanged"}, types[len(types)-3:])

	var published referralv1.ChildrenLeavingChanged
	g.published(t, w.centre, &published, func() bool { return true })
	require.Equal(t, id, published.GetReferralId())
	require.True(t, published.GetChildrenMayLeaveCentre())

	amend(func(d *referralv1.ReferralDetails) { d.Referrer.Phone = "01632 960001" })
	types = g.eventTypes(t, id)
	require.Equal(t, []string{"ReferralAmended", "ChildrenLeavingChanged", "ReferralAmended"}, types[len(types)-3:], "the answer kept: nothing announced")
}
