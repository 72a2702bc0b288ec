package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Decision 211: another centre's safeguarding lead checked that a referral there, a possible
// duplicate of a family under this centre's hold, is another family, so the hold no longer bars
// it (decision 205); the lead of the hold was not told. Now each hold in force at another centre
// is alerted of the check: in the lead's alerts, with that centre and referral, and in the hold's
// stream. A check at the hold's own centre, of a family with no hold in force, or recorded before
// checks named the other family, alerts no one; a redelivery alerts once.
func TestTheLeadOfAHoldIsToldOfADuplicateCheckedElsewhere(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	f := g.families(t, 3)
	held, lifted, free := f[0], f[1], f[2]
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	hold := func(family uuid.UUID) string {
		placed, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT, ReviewBy: review(14),
			Note: "Shouting at the other parent at the door"})
		require.NoError(t, err)
		return placed.GetHold().GetHoldId()
	}
	heldHold, liftedHold := hold(held), hold(lifted)
	_, err := lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: lifted.String(), HoldId: liftedHold, Note: "Looked into: contact may resume"})
	require.NoError(t, err)
	holdAlerts := g.eventsOfType(t, "familytime.safeguarding.v1.LeadAlertedOfHold")

	elsewhere, checked := uuid.New(), uuid.New()
	check := func(centre, referral uuid.UUID, other string) *referralv1.PossibleDuplicateChecked {
		return &referralv1.PossibleDuplicateChecked{ReferralId: referral.String(), FamilyId: uuid.NewString(), CentreId: centre.String(),
			OtherReferralId: uuid.NewString(), CheckedOn: review(0), OtherFamilyId: other}
	}
	g.otherFamilies(t, "referral", []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()}, elsewhere,
		check(elsewhere, checked, held.String()),
		check(elsewhere, checked, held.String()), // the same check again: one alert
		check(g.centre, uuid.New(), held.String()),
		check(elsewhere, uuid.New(), lifted.String()),
		check(elsewhere, uuid.New(), free.String()),
	)
	g.otherFamilies(t, "referral", []uuid.UUID{uuid.New()}, elsewhere, check(elsewhere, uuid.New(), ""))

	var alert *safeguardingv1.Alert
	require.Eventually(t, func() bool {
		resp, err := lead.ListAlerts(ctx, &safeguardingv1.ListAlertsRequest{CentreId: g.centre.String()})
		require.NoError(t, err)
		for _, a := range resp.GetAlerts() {
			if a.GetDuplicateCheckedReferralId() != "" {
				alert = a
			}
		}
		return alert != nil
	}, 30*time.Second, 20*time.Millisecond, "the hold's lead is alerted")
	require.Equal(t, held.String(), alert.GetFamilyId())
	require.Equal(t, heldHold, alert.GetHoldId())
	require.Equal(t, elsewhere.String(), alert.GetDuplicateCheckedAtCentreId())
	require.Equal(t, checked.String(), alert.GetDuplicateCheckedReferralId())
	require.False(t, alert.GetClosed(), "the hold is in force")

	// Every check handled (the last one published last), and only the one alert recorded.
	require.Eventually(t, func() bool {
		var handled int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, `SELECT count(*) FROM inbox WHERE consumer = 'safeguarding-referral'`).Scan(&handled))
		return handled >= 3+6 // three families received, six checks
	}, 30*time.Second, 20*time.Millisecond, "every check handled")
	require.Equal(t, 1, g.eventsOfType(t, "familytime.safeguarding.v1.LeadAlertedOfDuplicateCheck"))
	require.Equal(t, holdAlerts, g.eventsOfType(t, "familytime.safeguarding.v1.LeadAlertedOfHold"))
	var stream string
	require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, `SELECT stream_id FROM events WHERE event_type = $1`,
		"familytime.safeguarding.v1.LeadAlertedOfDuplicateCheck").Scan(&stream))
	require.Equal(t, "hold-"+held.String(), stream, "in the hold's stream")

	resp, err := lead.ListAlerts(ctx, &safeguardingv1.ListAlertsRequest{CentreId: g.centre.String(), OpenOnly: true})
	require.NoError(t, err)
	n := 0
	for _, a := range resp.GetAlerts() {
		if a.GetDuplicateCheckedReferralId() != "" {
			n++
		}
	}
	require.Equal(t, 1, n, "open while the hold is in force")
}
