package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// An alert's BY OTHERS says what another centre's lead checked past: a hold of the centre
// (decision 211), or its domestic-abuse finding, by the day it was made.
func TestAnAlertSaysWhichHoldOrFindingWasCheckedElsewhere(t *testing.T) {
	held := &safeguardingv1.Alert{HoldId: "H", DuplicateCheckedAtCentreId: "C", DuplicateCheckedReferralId: "R"}
	require.Equal(t, "hold H: checked elsewhere as another family (centre C, referral R)", byOthers(held))
	found := &safeguardingv1.Alert{DuplicateCheckedAtCentreId: "C", DuplicateCheckedReferralId: "R",
		DuplicateCheckedFindingMadeOn: &commonv1.Date{Year: 2026, Month: 3, Day: 2}}
	require.Equal(t, "finding of 2026-03-02: checked elsewhere as another family (centre C, referral R)", byOthers(found))
}

// Review 38: a concern raised after the family's personal data was erased is recorded without its
// description; the lead's alert says so, and that the account is to be taken in person.
func TestAnAlertSaysAConcernsTextWasNotKept(t *testing.T) {
	raised := &safeguardingv1.Alert{ConcernId: "K", Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_PHYSICAL_HARM, TextNotKept: true}
	require.Equal(t, "physical-harm (family erased: text not kept, take the account from the raiser in person)", alertCategory(raised))
	raised.TextNotKept = false
	require.Equal(t, "physical-harm", alertCategory(raised))
}
