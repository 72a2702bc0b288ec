package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A family's review due date follows referral's latest session or review (decision 261): a copy
// set by an earlier one (a stale FirstSessionAttended heard of after a review) does not pull the
// date back, a booking after the date is warned and one on it is not, supervised contact is never
// warned, a family whose contact ended still takes a date (a review heard of late), a new readiness
// (a new referral) has none, and a rebuild gives the same family.
func TestAReviewDueDateFollowsTheLatestSessionOrReview(t *testing.T) {
	g := newRig(t)
	var events []proto.Message
	fam, err := domain.RebuildFamily(g.family.ID(), nil)
	require.NoError(t, err)
	events = append(events, fam.NoteReady(g.readiness))
	g.family = fam

	first := domain.ReviewDue{Centre: centre, Referral: g.readiness.Referral, SetOn: day(2025, 7, 10), DueOn: day(2026, 1, 10)}
	ev := fam.NoteReviewDue(first)
	require.NotNil(t, ev)
	require.Equal(t, "2026-01-10", dateOf(ev.(*schedulingv1.ReviewDueNoted).GetReviewDueOn()))
	events = append(events, ev)
	require.Nil(t, fam.NoteReviewDue(first), "the same date again records nothing")

	onTheDay := g.book(t, day(2026, 1, 10), g.shared, jan)
	require.Empty(t, fam.ReviewWarning(onTheDay, day(2026, 1, 5)), "due that day: not overdue yet")
	after := g.book(t, day(2026, 1, 24), g.shared, jan)
	require.Contains(t, fam.ReviewWarning(after, day(2026, 1, 20)), "REVIEW_OVERDUE: the family's review of its supported contact was due by 2026-01-10")
	// Booked ahead, before the review's date has come (review 45, decision 268).
	require.Contains(t, fam.ReviewWarning(after, day(2026, 1, 5)), "REVIEW_OVERDUE: the family's review of its supported contact is due by "+
		"2026-01-10, before this session")
	require.Contains(t, fam.ReviewWarning(after, day(2026, 1, 10)), "is due by 2026-01-10", "due today: not yet past")
	require.False(t, domain.ReviewOverdueBy(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, day(2026, 1, 10), day(2026, 1, 24)), "supervised contact has no review clock here")

	held := domain.ReviewDue{Centre: centre, Referral: g.readiness.Referral, SetOn: day(2026, 1, 12), DueOn: day(2026, 7, 12)}
	ev = fam.NoteReviewDue(held)
	require.NotNil(t, ev)
	events = append(events, ev)
	require.Empty(t, fam.ReviewWarning(after, day(2026, 1, 20)), "the review held moved the date on")
	require.Nil(t, fam.NoteReviewDue(first), "a copy of the first session's, heard of after the review, does not pull it back")
	require.Equal(t, day(2026, 7, 12), fam.ReviewDueOn())

	for _, other := range []domain.ReviewDue{
		{Centre: uuid.New(), Referral: g.readiness.Referral, SetOn: day(2026, 1, 20), DueOn: day(2026, 2, 1)},
		{Centre: centre, Referral: uuid.New(), SetOn: day(2026, 1, 20), DueOn: day(2026, 2, 1)},
	} {
		require.Nil(t, fam.NoteReviewDue(other), "another centre's or referral's")
	}

	// A review heard of after the ending is noted (its consumer may run behind the ending's), so a
	// case reopened has the date referral has.
	ended := fam.EndContact(centre, g.readiness.Referral, day(2026, 1, 20), false, jan)
	events = append(events, ended[0]) // its cancellations are of bookings events leaves out
	ev = fam.NoteReviewDue(domain.ReviewDue{Centre: centre, Referral: g.readiness.Referral, SetOn: day(2026, 1, 19), DueOn: day(2026, 7, 19)})
	require.NotNil(t, ev, "noted on an ended family")
	events = append(events, ev)

	rebuilt, err := domain.RebuildFamily(fam.ID(), events)
	require.NoError(t, err)
	require.Equal(t, fam.ReviewDueOn(), rebuilt.ReviewDueOn())

	renewed := g.readiness
	renewed.Referral = uuid.New()
	fam.NoteReady(renewed)
	require.True(t, fam.ReviewDueOn().IsZero(), "a new referral's review clock starts at its own first session")
	require.NotNil(t, fam.NoteReviewDue(domain.ReviewDue{Centre: centre, Referral: renewed.Referral, SetOn: day(2026, 1, 3), DueOn: day(2026, 7, 3)}),
		"set by a session before the old referral's review: the new referral's own")
}

func dateOf(d interface {
	GetYear() int32
	GetMonth() int32
	GetDay() int32
}) string {
	return time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
