package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// The centre's safeguarding lead, on its register, screening a referral that carries a disclosure
// with a domestic-abuse finding has weighed it: the family may then be erased once its referral
// is closed, as after the lead's assessment. A coordinator's finding weighs nothing, nor does the
// screen of someone whose token says lead where the register says coordinator. The screening
// event says in which role the screener screened.
func TestALeadsScreenWithAFindingWeighsACarriedDisclosure(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported, supervised)
	w := g.casework(t, centre)
	ctx := t.Context()
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	g.onStaff(t, centre, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD)
	lead := g.client(t, "lead-1", []auth.Role{auth.RoleSafeguardingLead}, centre)
	// A token saying lead and coordinator, where the register says coordinator: acts as coordinator.
	g.onStaff(t, centre, "coordinator-2", schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR)
	notLead := g.client(t, "coordinator-2", []auth.Role{auth.RoleSafeguardingLead, auth.RoleCoordinator}, centre)
	screen := func(c referralv1.ReferralServiceClient, ref string) {
		t.Helper()
		_, err := c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: centre.String(), Rating: referralv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true})
		require.NoError(t, err)
	}
	erase := func(family string) error {
		_, err := admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: family,
			CentreId: centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
		return err
	}

	disclosed := w.submit(supported, child("Ava Stone"), func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true })
	w.withdraw(disclosed.GetReferralId())

	for _, c := range []struct {
		name     string
		screener referralv1.ReferralServiceClient
	}{{"coordinator", w.c}, {"lead's token, coordinator on the register", notLead}} {
		carried := w.submit(supported, child("Ava Stone"))
		require.True(t, carried.GetDomesticAbuseDisclosedEarlier(), c.name)
		screen(c.screener, carried.GetReferralId())
		w.withdraw(carried.GetReferralId())
		before := g.events(t)
		refused(t, erase(carried.GetFamilyId()), codes.FailedPrecondition, "DISCLOSURE_NOT_WEIGHED")
		require.Equal(t, before, g.events(t), "%s: a refusal appends nothing", c.name)
	}

	carried := w.submit(supported, child("Ava Stone"))
	require.True(t, carried.GetDomesticAbuseDisclosedEarlier())
	screen(lead, carried.GetReferralId())
	w.withdraw(carried.GetReferralId())
	require.NoError(t, erase(carried.GetFamilyId()), "the lead's finding weighed the carried disclosure")

	// The log says who screened: the coordinator twice (one with a lead's token the register
	// does not give them), then the lead.
	var roles []referralv1.ScreenerRole
	rows, err := g.owner.Query(ctx, `SELECT payload FROM events WHERE event_type = 'familytime.referral.v1.ScreeningRecorded' ORDER BY position`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var b []byte
		require.NoError(t, rows.Scan(&b))
		ev := &referralv1.ScreeningRecorded{}
		require.NoError(t, proto.Unmarshal(b, ev))
		roles = append(roles, ev.GetScreenerRole())
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []referralv1.ScreenerRole{referralv1.ScreenerRole_SCREENER_ROLE_COORDINATOR,
		referralv1.ScreenerRole_SCREENER_ROLE_COORDINATOR, referralv1.ScreenerRole_SCREENER_ROLE_SAFEGUARDING_LEAD}, roles)
}
