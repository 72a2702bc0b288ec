package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Referral's FamilyErased destroys safeguarding's key of the family: its concern still reads,
// without its text, and no other family's key is touched. A second copy of the event (a
// redelivery, or a replay) changes nothing more, and safeguarding records nothing of its own:
// referral's event is the record.
func TestReferralsFamilyErasedShredsTheFamilysKey(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	families := g.families(t, 2)
	erased, kept := families[0], families[1]
	concerns := map[uuid.UUID]string{}
	for _, family := range families {
		raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "child hungry at handover"})
		require.NoError(t, err)
		concerns[family] = raised.GetConcernId()
	}
	text := func(family uuid.UUID) string {
		got, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: concerns[family],
			Purpose: "checking the erasure"})
		require.NoError(t, err, "an erased family's concern still reads")
		return got.GetConcern().GetRecords()[0].GetText()
	}
	require.Equal(t, "child hungry at handover", text(erased))

	erasure := &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: erased.String(), CentreId: g.centre.String(),
		Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, ErasedOn: &commonv1.Date{Year: 2026, Month: 11, Day: 24}}
	g.other(t, "referral", erased, g.centre, erasure)
	require.Eventually(t, func() bool {
		shredded, err := g.sealer.Shredded(ctx, erased)
		return err == nil && shredded
	}, 30*time.Second, 20*time.Millisecond, "safeguarding destroys the family's key on referral's FamilyErased")
	require.Empty(t, text(erased), "the concern reads without its text")
	require.Equal(t, "child hungry at handover", text(kept), "another family's key is untouched")

	before := g.events(t)
	g.other(t, "referral", erased, g.centre, erasure)
	require.Eventually(t, func() bool {
		var handled int
		err := g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM inbox WHERE consumer = 'safeguarding-referral'").Scan(&handled)
		return err == nil && handled == 4 // two ReferralReceived, two FamilyErased
	}, 30*time.Second, 20*time.Millisecond, "the second copy is handled")
	shredded, err := g.sealer.Shredded(ctx, erased)
	require.NoError(t, err)
	require.True(t, shredded)
	require.Equal(t, before, g.events(t), "an erasure records nothing in safeguarding's log")
	require.Equal(t, "child hungry at handover", text(kept))
}
