package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/platform/weighing"
)

// instantOn is a Moment on day d at h:mi UTC, as an event recorded since instants were kept.
func instantOn(d time.Time, h, mi int) weighing.Moment {
	return weighing.Moment{On: d, At: d.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute)}
}

// The lead assesses at 09:00 on a day, and at 14:00 that day a disclosure is carried to the
// family: the assessment did not weigh it, whichever scheduling hears of first, and supported
// contact waits for the next assessment, which weighs it though made the same day. Events
// without instants (recorded before they were kept) weigh by dates, as before. The rule itself
// is the platform's (weighing.Weighs); this is the family's use of it.
func TestAnAssessmentWeighsADisclosureCarriedBeforeItByInstants(t *testing.T) {
	d := day(2026, 1, 12)
	morning, afternoon, evening := instantOn(d, 9, 0), instantOn(d, 14, 0), instantOn(d, 15, 0)

	// The assessment heard of first, then the disclosure.
	g := newRig(t)
	g.book(t, day(2026, 1, 24), g.shared, jan)
	require.Len(t, g.family.NoteRiskAssessed(centre, false, morning, jan), 1)
	require.NotNil(t, g.family.NoteDisclosure(centre, uuid.New(), afternoon), "carried after the assessment, the same day")
	require.True(t, g.family.DisclosureUnweighed())
	_, _, err := g.family.Book(uuid.New(), centre, g.session(t, day(2026, 2, 7)), g.shared.ID, nil, jan)
	rule(t, err, "DISCLOSURE_NOT_WEIGHED")
	rule(t, g.family.MayBeOffered(commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED), "DISCLOSURE_NOT_WEIGHED")
	require.Len(t, g.family.NoteRiskAssessed(centre, false, evening, jan), 1, "a later assessment the same day is noted")
	require.False(t, g.family.DisclosureUnweighed(), "and weighs it")
	require.Empty(t, g.family.NoteRiskAssessed(centre, false, evening, jan), "the same assessment again changes nothing")
	require.Empty(t, g.family.NoteRiskAssessed(centre, false, morning, jan), "nor does an earlier one")
	require.Nil(t, g.family.NoteDisclosure(centre, uuid.New(), afternoon), "the disclosure heard of again: weighed")

	// The disclosure heard of first, then the assessment made before it (the safeguarding stream
	// lagging): it stays unweighed.
	g = newRig(t)
	require.NotNil(t, g.family.NoteDisclosure(centre, uuid.New(), afternoon))
	require.Nil(t, g.family.NoteDisclosure(centre, uuid.New(), afternoon), "a redelivery")
	require.Len(t, g.family.NoteRiskAssessed(centre, false, morning, jan), 1)
	require.True(t, g.family.DisclosureUnweighed(), "made before the disclosure, heard of after it")
	require.Len(t, g.family.NoteRiskAssessed(centre, false, evening, jan), 1)
	require.False(t, g.family.DisclosureUnweighed())
	require.NotNil(t, g.family.NoteDisclosure(centre, uuid.New(), instantOn(d, 16, 0)), "another carried after that")
	require.True(t, g.family.DisclosureUnweighed())

	// A log recorded before instants were kept answers as it did: an assessment of the day weighs
	// a disclosure of that day, and a disclosure with an instant after an assessment without one,
	// the same day, is weighed by the date.
	g = newRig(t)
	require.Len(t, g.family.NoteRiskAssessed(centre, false, weighing.Moment{On: d}, jan), 1)
	require.Nil(t, g.family.NoteDisclosure(centre, uuid.New(), weighing.Moment{On: d}))
	require.Nil(t, g.family.NoteDisclosure(centre, uuid.New(), afternoon))
	require.False(t, g.family.DisclosureUnweighed())
	require.NotNil(t, g.family.NoteDisclosure(centre, uuid.New(), instantOn(d.AddDate(0, 0, 1), 9, 0)), "the next day's is not")
	require.True(t, g.family.DisclosureUnweighed())
}
