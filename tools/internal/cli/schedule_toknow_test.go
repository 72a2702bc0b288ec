package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
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
	} {
		require.Equal(t, c.want, knowAbout(c.n))
	}
}
