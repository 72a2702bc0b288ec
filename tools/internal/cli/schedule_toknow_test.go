package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// Decision 325: the day sheet's "To know today" line for a person says a child's needs on one
// line and a language other than English; a person with neither has no line.
func TestTheDaySheetSaysWhatTheStaffMustKnowOfAPerson(t *testing.T) {
	for _, c := range []struct {
		n    *referralv1.DoorName
		want string
	}{
		{&referralv1.DoorName{Child: true, Needs: "Peanut allergy:\nEpiPen in the red bag.", Language: "Polish"},
			"needs: Peanut allergy: EpiPen in the red bag.; speaks Polish"},
		{&referralv1.DoorName{Language: " polish "}, "speaks polish"},
		{&referralv1.DoorName{Language: "english"}, ""},
		{&referralv1.DoorName{Child: true, Needs: "  "}, ""},
		{&referralv1.DoorName{}, ""},
		// A self-referral's other parent's application, labelled as theirs (decision 337).
		{&referralv1.DoorName{Child: true, Needs: "Peanut allergy: EpiPen in his bag.", Language: "English",
			NeedsFromOtherApplication: "Noah is diabetic:\ninsulin at 11:00", LanguageFromOtherApplication: "Polish"},
			"needs: Peanut allergy: EpiPen in his bag.; the other parent's application adds: Noah is diabetic: insulin at 11:00; " +
				"the other parent's application says speaks Polish"},
		{&referralv1.DoorName{Child: true, NeedsFromOtherApplication: "Deaf in one ear", LanguageFromOtherApplication: "Polish"},
			"needs (the other parent's application): Deaf in one ear; the other parent's application says speaks Polish"},
	} {
		require.Equal(t, c.want, knowAbout(c.n))
	}
}

// Review 60, finding 2: the sheet of another day said "To know today". A sheet asked for by date
// says "To know on D"; the one the platform chose is today's. A refusal of the names (a reader the
// register will not clear on the sheet's day, decision 335) is a note under the sheet, which
// stands with ids.
func TestTheDaySheetSaysWhichDayItsNeedsAreFor(t *testing.T) {
	entries := []*schedulingv1.DaySheetEntry{{RoomName: "Garden room",
		Booking: &schedulingv1.Booking{BookingId: "7d1e2c3a-0000-4000-8000-000000000001", Status: schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED,
			TimeZone: "Europe/London"},
		Expected: []*schedulingv1.ExpectedPerson{{PersonId: "p-2", Role: schedulingv1.PersonRole_PERSON_ROLE_CHILD}}}}
	child := map[string]*referralv1.DoorName{"p-2": {PersonId: "p-2", FullName: "Zofia Nowak", Child: true, Needs: "Severe peanut allergy"}}
	sheet := func(names doorNames) string {
		var b bytes.Buffer
		require.NoError(t, printDaySheet(&b, &output{}, "2027-01-02", entries, names))
		return b.String()
	}
	require.Contains(t, sheet(doorNames{byPerson: child}), "\nTo know today (from the referral, for the staff on duty only):\n")
	ahead := sheet(doorNames{byPerson: child, on: "2027-01-02"})
	require.Contains(t, ahead, "\nTo know on 2027-01-02 (from the referral, for the staff on duty only):\n")
	require.NotContains(t, ahead, "today")

	refused := sheet(doorNames{note: "names not shown: the names, languages and children's needs of the day sheet of 2027-01-02 are for " +
		"the centre's staff on duty that day ... [NOT_CLEARED]", on: "2027-01-02"})
	require.NotContains(t, refused, "To know")
	require.NotContains(t, refused, "Zofia")
	require.Contains(t, lineWith(refused, "p-2"), "-", "the person by id only")
	require.True(t, strings.HasSuffix(refused, "[NOT_CLEARED]\n"), "the refusal is a note under the sheet: %q", refused)
}
