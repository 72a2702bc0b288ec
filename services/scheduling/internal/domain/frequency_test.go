package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// The dates a TOO_SOON_FOR_FREQUENCY refusal suggests are ones Book would take (review 52): not
// a pre-visit day, not a session begun, with a place free; with none within the pattern's next 26
// weeks, the refusal says up to when and names no date.
func TestTooSoonSuggestsADateBookWouldTake(t *testing.T) {
	g := newRig(t, func(r *domain.Readiness) { r.Frequency = schedulingv1.SessionFrequency_SESSION_FREQUENCY_FORTNIGHTLY })
	g.book(t, day(2026, 1, 31), g.shared, jan)
	refusal := func(now time.Time, free func(domain.Session) bool) string {
		t.Helper()
		_, _, err := g.family.Book(uuid.New(), centre, g.session(t, day(2026, 1, 24)), g.shared.ID, nil, now)
		var tooSoon *domain.TooSoonError
		require.True(t, errors.As(err, &tooSoon), "%v", err)
		err = g.family.SayAllowedDates(tooSoon, g.t, uuid.Nil, now, free)
		rule(t, err, "TOO_SOON_FOR_FREQUENCY")
		return err.Error()
	}
	always := func(domain.Session) bool { return true }

	// The 17th is a pre-visit day; the 10th is three weeks before the 31st. After: the 7th is a
	// week after the 31st, the 14th a fortnight.
	says := refusal(jan, always)
	require.Contains(t, says, "the nearest date allowed before it is 2026-01-10")
	require.Contains(t, says, "the nearest date allowed after it is 2026-02-14")

	// The 10th's session has begun.
	says = refusal(at(2026, 1, 10, 10, 30), always)
	require.Contains(t, says, "no date is allowed before it from today")
	require.Contains(t, says, "the nearest date allowed after it is 2026-02-14")

	// The room is full on the 14th.
	says = refusal(jan, func(s domain.Session) bool { return !s.Date.Equal(day(2026, 2, 14)) })
	require.Contains(t, says, "the nearest date allowed after it is 2026-02-21")

	// Full everywhere: the pattern has no end, so the look ends 26 weeks after the date asked.
	says = refusal(jan, func(domain.Session) bool { return false })
	require.Contains(t, says, "from today, there is no date allowed up to 2026-07-25, 26 weeks after it")
	require.NotContains(t, says, "nearest date allowed")
}
