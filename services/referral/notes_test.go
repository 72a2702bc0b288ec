package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// The notes recorded with a case's steps are read back with the family's details, in order, by
// whoever may open them (review 29: a review's note, "what was decided", could be written and
// never read); never in one party's view, and gone with the family's erasure (decision 207).
func TestTheNotesOfACaseAreReadWithTheFamilysDetails(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	centre := g.centre(t, supported)
	w := g.casework(t, centre)
	ref := w.submit(supported)
	id := ref.GetReferralId()
	_, err := w.c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: id, CentreId: centre.String(),
		Rating: referralv1.RiskRating_RISK_RATING_AMBER, Note: "Hostile handovers: stagger the arrivals"})
	require.NoError(t, err)
	_, err = w.decline(id, referralv1.DeclineReason_DECLINE_REASON_OTHER, "The family moved to Leeds", "")
	require.NoError(t, err)

	opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: id, CentreId: centre.String(), Purpose: "read the case notes"})
	require.NoError(t, err)
	var got [][2]string
	for _, n := range opened.GetFamily().GetNotes() {
		require.NotNil(t, n.GetOn())
		got = append(got, [2]string{n.GetStep(), n.GetText()})
	}
	require.Equal(t, [][2]string{{"familytime.referral.v1.ScreeningRecorded", "Hostile handovers: stagger the arrivals"},
		{"familytime.referral.v1.ReferralDeclined", "The family moved to Leeds"}}, got)

	parent := ref.GetAdults()[0].GetPersonId()
	view, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: id, CentreId: centre.String(), Purpose: "letter to the parent",
		ForPersonId: parent})
	require.NoError(t, err)
	require.Empty(t, view.GetFamily().GetNotes(), "one party's view has no case notes")

	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	_, err = admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: ref.GetFamilyId(),
		CentreId: centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)
	erased, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: id, CentreId: centre.String(), Purpose: "after the erasure"})
	require.NoError(t, err)
	require.Empty(t, erased.GetFamily().GetNotes(), "the notes went with the family's key")
}
