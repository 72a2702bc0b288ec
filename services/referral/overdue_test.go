package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// What reviews 41 and 42 found of reviews and of a party's view, through the running service.

// daysFrom is how many days the date d is before the service's today (the centre's, in London).
func daysFrom(d *commonv1.Date) int {
	now := today()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return int(day.Sub(dates.Time(d)).Hours() / 24)
}

// A review of supported contact missed is overdue, not merely "due" (review 42: a review due
// six months before still read "review due on" that day): the referral and the list of reviews
// due say so, with how many days, by the service's today; the list gives overdue reviews first.
// A review held takes the case off it.
func TestAMissedReviewIsOverdueAndListedFirst(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	soon, _ := g.inContact(t, w, today().AddDate(0, -1, 0)) // due in about five months
	late, _ := g.inContact(t, w, today().AddDate(0, -7, 0)) // due about a month ago, never held

	get := func(id string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}
	missed := get(late)
	days := daysFrom(missed.GetReviewDueOn())
	require.Greater(t, days, 20, "due about a month ago: %v", missed.GetReviewDueOn())
	require.True(t, missed.GetReviewOverdue(), "a review due a month ago and never held is overdue")
	require.EqualValues(t, days, missed.GetReviewOverdueDays())
	require.False(t, get(soon).GetReviewOverdue())
	require.Zero(t, get(soon).GetReviewOverdueDays())

	list, err := w.c.ListReviewsDue(ctx, &referralv1.ListReviewsDueRequest{CentreId: w.centre.String(), DueBy: date(today().AddDate(0, 6, 0))})
	require.NoError(t, err)
	require.Len(t, list.GetReviews(), 2)
	first, second := list.GetReviews()[0], list.GetReviews()[1]
	require.Equal(t, late, first.GetReferralId(), "overdue first")
	require.True(t, first.GetOverdue())
	require.EqualValues(t, days, first.GetOverdueDays())
	require.Equal(t, soon, second.GetReferralId())
	require.False(t, second.GetOverdue())
	require.Zero(t, second.GetOverdueDays())

	// Held, late: the next review is six months on, and the case is no longer overdue.
	_, err = w.c.RecordReview(ctx, &referralv1.RecordReviewRequest{RequestId: uuid.NewString(), ReferralId: late,
		CentreId: w.centre.String(), Note: "Going well; contact continues", Decision: referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE})
	require.NoError(t, err)
	held := get(late)
	require.False(t, held.GetReviewOverdue())
	require.Zero(t, held.GetReviewOverdueDays())
	now, err := w.c.ListReviewsDue(ctx, &referralv1.ListReviewsDueRequest{CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Empty(t, now.GetReviews(), "nothing due by today once the review is held")
}

// A review records what it decided and the date it was due, as it stood when it was held, so the
// history says whether it was held late; a review without a decision is refused, and so is a
// second review of the case on the same day (review 42: "--note xxx" was accepted three times the
// same day, and kept nothing of what was decided). Refusals append nothing.
func TestAReviewRecordsItsDecisionAndTheDayItWasDue(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	id, _ := g.inContact(t, w, today().AddDate(0, -7, 0))
	shown, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: id, CentreId: w.centre.String()})
	require.NoError(t, err)
	due := shown.GetReferral().GetReviewDueOn()
	require.NotNil(t, due)
	review := func(on time.Time, decision referralv1.ReviewDecision, note string) (*referralv1.RecordReviewResponse, error) {
		return w.c.RecordReview(ctx, &referralv1.RecordReviewRequest{RequestId: uuid.NewString(), ReferralId: id,
			CentreId: w.centre.String(), HeldOn: date(on), Note: note, Decision: decision})
	}

	held := today().AddDate(0, 0, -3)
	before := g.events(t)
	_, err = review(held, referralv1.ReviewDecision_REVIEW_DECISION_UNSPECIFIED, "Going well; contact continues")
	refused(t, err, codes.InvalidArgument, "decision")
	_, err = review(held, referralv1.ReviewDecision(42), "Going well; contact continues")
	refused(t, err, codes.InvalidArgument, "decision")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	_, err = review(held, referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE, "Going well; contact continues as agreed")
	require.NoError(t, err)
	reviews := payloads(t, g, id, func() *referralv1.ReviewHeld { return new(referralv1.ReviewHeld) })
	require.Len(t, reviews, 1)
	require.Equal(t, referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE, reviews[0].GetDecision())
	require.True(t, proto.Equal(due, reviews[0].GetDueOn()), "the date it was due: %v, not %v", due, reviews[0].GetDueOn())
	require.True(t, proto.Equal(date(held), reviews[0].GetHeldOn()))

	// The same day again, whatever it decides, is refused: one review a day is recorded.
	before = g.events(t)
	for _, decision := range []referralv1.ReviewDecision{referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE,
		referralv1.ReviewDecision_REVIEW_DECISION_CHANGE} {
		_, err = review(held, decision, "A second meeting the same day")
		refused(t, err, codes.FailedPrecondition, "ALREADY_REVIEWED")
		require.Contains(t, status.Convert(err).Message(), held.Format(time.DateOnly))
		require.NotContains(t, status.Convert(err).Message(), "second meeting", "the note's words are not echoed")
	}
	require.Equal(t, before, g.events(t), "refusals append nothing")

	// The next review, on another day, was due six months after the first: not late.
	_, err = review(today(), referralv1.ReviewDecision_REVIEW_DECISION_MOVE_ON, "Parents ready to arrange contact themselves")
	require.NoError(t, err)
	reviews = payloads(t, g, id, func() *referralv1.ReviewHeld { return new(referralv1.ReviewHeld) })
	require.Len(t, reviews, 2)
	require.Equal(t, referralv1.ReviewDecision_REVIEW_DECISION_MOVE_ON, reviews[1].GetDecision())
	require.True(t, proto.Equal(reviews[0].GetNextReviewDueOn(), reviews[1].GetDueOn()), "%v", reviews[1])
}

// A party's view (GetFamily for_person_id, for a letter or an export to them) leaves out the
// children's needs, which the referrer wrote, often from one parent's side (review 41: "attends a
// school near mum's home" reached the father), as it leaves out the agency and risk notes, and
// says so; the staff's view keeps them.
func TestAPartysViewLeavesOutTheChildrensNeeds(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	sub, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported,
		details(resident(), nonResident())))
	require.NoError(t, err)
	ref := sub.GetReferral()

	staff, err := c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref.GetReferralId(), CentreId: centre.String(),
		Purpose: "plan the pre-visits"})
	require.NoError(t, err)
	require.Equal(t, "peanut allergy", staff.GetFamily().GetChildren()[0].GetNeeds(), "the staff's view keeps the needs")
	require.False(t, staff.GetFamily().GetChildrensNeedsWithheld())

	for _, role := range []referralv1.AdultRole{referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT} {
		view, err := c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref.GetReferralId(), CentreId: centre.String(),
			Purpose: "letter confirming the arrangement", ForPersonId: personID(ref, role)})
		require.NoError(t, err)
		require.NotEmpty(t, view.GetFamily().GetChildren(), "%v", role)
		for _, child := range view.GetFamily().GetChildren() {
			require.Equal(t, "Amelia Kestrel Junior", child.GetFullName(), "the children are every party's")
			require.Empty(t, child.GetNeeds(), "%v: a party's view holds no needs", role)
		}
		require.True(t, view.GetFamily().GetChildrensNeedsWithheld(), "%v: the view says the needs are left out", role)
		require.NotContains(t, prototext.Format(view.GetFamily()), "peanut")
	}
}
