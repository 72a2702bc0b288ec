package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// A review's history says the day it was held, the day it was due and how late, and what it
// decided (review 42: it said "Case reviewed" alone, while --on may be weeks before the record).
// A review recorded before its decision and due date were kept says the day it was held.
func TestAReviewsHistorySaysWhenItWasHeldDueAndDecided(t *testing.T) {
	d := func(y, m, day int32) *commonv1.Date { return &commonv1.Date{Year: y, Month: m, Day: day} }
	for _, tc := range []struct {
		held *referralv1.ReviewHeld
		want string
	}{
		{&referralv1.ReviewHeld{HeldOn: d(2027, 9, 2), DueOn: d(2027, 8, 6), Decision: referralv1.ReviewDecision_REVIEW_DECISION_CONTINUE},
			"Case reviewed on 2027-09-02 (due 2027-08-06, 27 days late): continue as agreed"},
		{&referralv1.ReviewHeld{HeldOn: d(2027, 8, 7), DueOn: d(2027, 8, 6), Decision: referralv1.ReviewDecision_REVIEW_DECISION_CHANGE},
			"Case reviewed on 2027-08-07 (due 2027-08-06, 1 day late): change the arrangement"},
		{&referralv1.ReviewHeld{HeldOn: d(2027, 8, 6), DueOn: d(2027, 8, 6), Decision: referralv1.ReviewDecision_REVIEW_DECISION_MOVE_ON},
			"Case reviewed on 2027-08-06 (due 2027-08-06): move on, the end of the case planned"},
		{&referralv1.ReviewHeld{HeldOn: d(2027, 3, 1), Decision: referralv1.ReviewDecision_REVIEW_DECISION_REFER_BACK},
			"Case reviewed on 2027-03-01: refer back to the court or the referrer"},
		{&referralv1.ReviewHeld{HeldOn: d(2026, 1, 5), NextReviewDueOn: d(2026, 7, 5)}, "Case reviewed on 2026-01-05"},
	} {
		require.Equal(t, tc.want, describe(tc.held, nil))
	}
}
