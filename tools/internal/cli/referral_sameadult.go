package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// sameAdultHelp is what referral submit's, amend's and show's --help say of
// Referral.same_adult_possible (decisions 350, 357).
const sameAdultHelp = `An open referral of another family at the centre that names an adult with the same phone number
(written any way: 07700 900123, +44 7700 900123) or email address (in any case) as an adult on
this one is warned of, on standard error (--json: same_adult_possible): possibly the same adult
in two families. A name alone is not matched. Check it (familytime referral family opens each
family's details); if it is the same adult, record the two families as kept apart, so that they
are never booked at the same time: the warning gives the command (familytime schedule keep-apart
--reason same-adult), which scheduling takes once both families are waitlisted or accepted. A
closed referral, or another centre's, is not matched; a referrer is never told.`

// warnSameAdult warns, on standard error, of each open referral of another family at the centre
// naming an adult with the same phone or email as one on r, with the command that keeps the two
// families apart (decision 350).
func warnSameAdult(cmd *cobra.Command, centre string, r *referralv1.Referral) {
	for _, s := range r.GetSameAdultPossible() {
		warnOnStderr(cmd, sameAdultWords(centre, r.GetFamilyId(), s))
	}
}

// sameAdultWords says one possibly-same adult: ids only, never the adult's name or number.
func sameAdultWords(centre, family string, s *referralv1.SameAdultPossible) string {
	what := "phone number"
	switch {
	case s.GetSamePhone() && s.GetSameEmail():
		what = "phone number and email address"
	case s.GetSameEmail():
		what = "email address"
	}
	return fmt.Sprintf("family %s (referral %s), open at this centre, names an adult with the same %s as adult %s on this "+
		"referral: possibly the same adult in both families. Check it (familytime referral family opens each); if it is, "+
		"record: familytime schedule keep-apart --centre %s --family %s --family %s --reason same-adult "+
		"(once both families are waitlisted or accepted)",
		s.GetFamilyId(), s.GetReferralId(), what, s.GetPersonId(), centre, family, s.GetFamilyId())
}
