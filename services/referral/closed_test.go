package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// Review 51 (1): a second `referral end R --outcome self-arranged`, and one "fixing" the outcome
// with --outcome withdrawn, were both answered "the referral is closed: it was declined or
// withdrawn, or the case ended". The service knows which, and when: the refusal says how the
// referral closed and on which day, by states, dates and categories only (never the note), and
// the way on where there is one (correct-ending, reopen within its window, refer again). Every
// refusal appends nothing.
func TestARefusalOnAClosedReferralSaysHowAndWhenItClosed(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	ctx := t.Context()
	on := dates.String(today())
	message := func(err error) string { return status.Convert(err).Message() }

	ended := w.ready(supported)
	g.attended(t, w, ended, supported)
	_, err := w.end(ended, referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "Parents now arrange contact themselves")
	require.NoError(t, err)
	before := g.events(t)

	_, err = w.end(ended, referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "Parents now arrange contact themselves")
	refused(t, err, codes.FailedPrecondition, "REFERRAL_CLOSED")
	require.Contains(t, message(err), "the case already ended on "+on+" with the outcome self-arranged: nothing more to record")
	require.Contains(t, message(err), "familytime referral reopen "+ended+" --centre "+w.centre.String())
	require.Contains(t, message(err), dates.String(today().AddDate(0, 0, 28)), "the last day it may be reopened")
	require.NotContains(t, message(err), "Parents now arrange", "never the note")

	_, err = w.end(ended, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, "Fixing the outcome")
	refused(t, err, codes.FailedPrecondition, "REFERRAL_CLOSED")
	require.Contains(t, message(err), "its case ended on "+on+" with the outcome self-arranged")
	require.Contains(t, message(err), "familytime referral correct-ending "+ended+" --centre "+w.centre.String()+" --outcome withdrawn")

	_, err = w.c.RecordReview(ctx, &referralv1.RecordReviewRequest{RequestId: uuid.NewString(), ReferralId: ended, CentreId: w.centre.String(),
		HeldOn: date(today()), Note: "Going well", Decision: referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE})
	refused(t, err, codes.FailedPrecondition, "REFERRAL_CLOSED")
	require.Contains(t, message(err), "its case ended on "+on+" with the outcome self-arranged")
	require.Contains(t, message(err), "familytime referral correct-ending "+ended)

	require.Equal(t, before, g.events(t), "refusals append nothing")

	declined := w.submit(supported).GetReferralId()
	_, err = w.decline(declined, referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA, "Moved to Leeds", "")
	require.NoError(t, err)
	withdrawn := w.submit(supported).GetReferralId()
	w.withdraw(withdrawn)
	before = g.events(t)

	_, err = w.accept(declined, supported)
	refused(t, err, codes.FailedPrecondition, "REFERRAL_CLOSED")
	require.Contains(t, message(err), "it was declined on "+on+" (out-of-area)")
	require.Contains(t, message(err), "refer the family again")
	require.NotContains(t, message(err), "Leeds", "never the note")
	_, err = w.decline(declined, referralv1.DeclineReason_DECLINE_REASON_OTHER, "Declined twice", "")
	refused(t, err, codes.FailedPrecondition, "REFERRAL_CLOSED")
	require.Contains(t, message(err), "it was declined on "+on+" (out-of-area)")

	_, err = w.c.WithdrawReferral(ctx, &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: withdrawn,
		CentreId: w.centre.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_COURT})
	refused(t, err, codes.FailedPrecondition, "REFERRAL_CLOSED")
	require.Contains(t, message(err), "it was withdrawn on "+on+" by the referrer")

	// An ended case's commands point elsewhere for one declined or withdrawn, which says so.
	_, err = w.correct(withdrawn, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, "It was withdrawn")
	refused(t, err, codes.FailedPrecondition, "CASE_NOT_ENDED")
	require.Contains(t, message(err), "the referral was withdrawn on "+on+" by the referrer")
	_, err = w.reopen(declined, "Declined by mistake")
	refused(t, err, codes.FailedPrecondition, "CASE_NOT_ENDED")
	require.Contains(t, message(err), "the referral was declined on "+on+" (out-of-area)")
	require.Equal(t, before, g.events(t), "refusals append nothing")
}

// Review 51 (4): refusals of a step taken in the wrong order named no next step. Accepting before
// screening names the screen, a self-referral waiting for the other parent names second-party,
// and an arrangement of another kind names the kind the referral was accepted for.
func TestARefusalOfAStepOutOfOrderNamesTheNextStep(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	ctx := t.Context()
	message := func(err error) string { return status.Convert(err).Message() }

	received := w.submit(supported).GetReferralId()
	before := g.events(t)
	_, err := w.accept(received, supported)
	refused(t, err, codes.FailedPrecondition, "SCREENING_REQUIRED")
	require.Contains(t, message(err), "familytime referral screen "+received+" --centre "+w.centre.String()+" --rating")
	_, err = w.waitlist(received, supported)
	refused(t, err, codes.FailedPrecondition, "SCREENING_REQUIRED")
	require.Contains(t, message(err), "familytime referral screen "+received)

	require.Equal(t, before, g.events(t), "refusals append nothing")

	d := details(resident())
	d.Referrer = nil
	sub, err := w.c.SubmitReferral(ctx, submitRequest(w.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	self := sub.GetReferral().GetReferralId()
	before = g.events(t)
	_, err = w.waitlist(self, supported)
	refused(t, err, codes.FailedPrecondition, "SECOND_PARTY_OUTSTANDING")
	require.Contains(t, message(err), "familytime referral second-party "+self+" --centre "+w.centre.String()+" --file")
	_, err = w.c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: self,
		CentreId: w.centre.String(), Rating: referralv1.RiskRating_RISK_RATING_GREEN})
	refused(t, err, codes.FailedPrecondition, "SECOND_PARTY_OUTSTANDING")
	require.Contains(t, message(err), "familytime referral second-party "+self)

	require.Equal(t, before, g.events(t), "refusals append nothing")

	accepted := w.submit(supported).GetReferralId()
	w.screen(accepted, referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err = w.accept(accepted, supported)
	require.NoError(t, err)
	before = g.events(t)
	_, err = w.arrangement(accepted, commonv1.ServiceType_SERVICE_TYPE_HANDOVER)
	refused(t, err, codes.InvalidArgument, "arrangement.service_type")
	require.Contains(t, violation(t, err, "arrangement.service_type"), "must be the kind of contact the referral was accepted for: supported")
	require.Equal(t, before, g.events(t), "refusals append nothing")
}

// Review 51 (3): the same adult's pre-visit recorded twice on one day was recorded twice, without
// a word. A visit adds to the record once a day for each adult: one that adds the signing of the
// ground rules is recorded, a repeat is refused naming the day (PRE_VISIT_ALREADY_RECORDED), and
// appends nothing. A visit without the rules signed is still recorded (a second visit signs
// them, DOMAIN.md), and counts for nothing towards readiness.
func TestTheSamePreVisitIsNotRecordedTwiceADay(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	ctx := t.Context()
	id := w.submit(supported).GetReferralId()
	w.screen(id, referralv1.RiskRating_RISK_RATING_GREEN, false)
	accepted, err := w.accept(id, supported)
	require.NoError(t, err)
	mother := personID(accepted.GetReferral(), referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT)
	visit := func(signed bool) (*referralv1.RecordPreVisitResponse, error) {
		return w.c.RecordPreVisit(ctx, &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: id,
			CentreId: w.centre.String(), PersonId: mother, VisitedOn: date(today()), GroundRulesSigned: signed})
	}
	got, err := visit(false)
	require.NoError(t, err)
	for _, a := range got.GetReferral().GetAdults() {
		require.False(t, a.GetPreVisitDone(), "a visit without the ground rules signed counts for nothing")
	}
	before := g.events(t)
	_, err = visit(false)
	refused(t, err, codes.FailedPrecondition, "PRE_VISIT_ALREADY_RECORDED")
	require.Contains(t, status.Convert(err).Message(), "on "+dates.String(today())+" is already recorded, without the ground rules signed")
	require.Contains(t, status.Convert(err).Message(), "--ground-rules-signed")
	require.Equal(t, before, g.events(t))

	_, err = visit(true)
	require.NoError(t, err, "a visit that adds the signing is recorded")
	before = g.events(t)
	for _, signed := range []bool{true, false} {
		_, err = visit(signed)
		refused(t, err, codes.FailedPrecondition, "PRE_VISIT_ALREADY_RECORDED")
		require.Contains(t, status.Convert(err).Message(), "already recorded, with the ground rules signed")
	}
	require.Equal(t, before, g.events(t), "refusals append nothing")
}
