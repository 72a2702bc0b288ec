package weighing_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/weighing"
)

// The lead assesses at 09:00 on a day, and at 14:00 that day a disclosure is carried to the
// family: the assessment did not weigh it; the next one, made the same day, does. Events
// without instants (recorded before they were kept) weigh by dates, as before (decision 249).
func TestAnAssessmentWeighsADisclosureCarriedBeforeItByInstants(t *testing.T) {
	d := time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)
	on := func(h int) weighing.Moment { return weighing.Moment{On: d, At: d.Add(time.Duration(h) * time.Hour)} }
	morning, afternoon, evening := on(9), on(14), on(15)

	require.False(t, weighing.Weighs(morning, afternoon), "an assessment at 09:00 does not weigh a disclosure carried at 14:00")
	require.True(t, weighing.Weighs(evening, afternoon), "one at 15:00 does")
	require.True(t, weighing.Weighs(afternoon, afternoon), "at the same instant it does")
	require.True(t, weighing.Weighs(weighing.Moment{On: d}, afternoon), "an assessment without an instant weighs by its date")
	require.True(t, weighing.Weighs(morning, weighing.Moment{On: d}), "so does one of a disclosure without an instant")
	require.False(t, weighing.Weighs(weighing.Moment{On: d.AddDate(0, 0, -1)}, weighing.Moment{On: d}), "the day before does not")

	require.True(t, evening.After(morning))
	require.False(t, morning.After(weighing.Moment{On: d}), "the same day without an instant is not later")
	require.Equal(t, evening, weighing.Later(morning, evening))
	require.Equal(t, morning, weighing.Later(morning, weighing.Moment{On: d}), "the first of two equal ones")
	require.True(t, weighing.Moment{}.IsZero())

	require.Nil(t, weighing.Instant(time.Time{}), "an unknown instant is no field")
	require.True(t, weighing.At(nil).IsZero())
	require.Equal(t, afternoon.At, weighing.At(weighing.Instant(afternoon.At)))
}
