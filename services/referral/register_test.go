package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/grpcx"
)

// A centre's staff work on its referrals and families only while its staff register clears them
// today (decision 110): a coordinator who left, or whose training lapsed, keeps a token until it
// expires, and with it opened the family's personal details. Referrers, who are on no register,
// and the national body's administrators are not asked for it. Refusals record nothing, not even
// an opening of the family's details.
func TestStaffWorkOnReferralsOnlyWhileTheRegisterClearsThem(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	w := g.casework(t, centre)
	ref := w.submit(supported).GetReferralId()

	// A second coordinator, on the register, who then leaves; a third whose training lapsed.
	g.onStaff(t, centre, "coordinator-2", schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR)
	leaver := g.client(t, "coordinator-2", []auth.Role{auth.RoleCoordinator}, centre)
	open := func(c referralv1.ReferralServiceClient) error {
		_, err := c.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: centre.String(), Purpose: "arrange the pre-visit"})
		return err
	}
	require.NoError(t, open(leaver), "cleared while on the staff")
	yesterday := time.Now().UTC().AddDate(0, 0, -1)
	g.staffEvent(t, centre, &schedulingv1.StaffMemberLeft{CentreId: centre.String(), AccountId: "coordinator-2",
		LeftOn: &commonv1.Date{Year: int32(yesterday.Year()), Month: int32(yesterday.Month()), Day: int32(yesterday.Day())}})

	lapsedOn := time.Now().UTC().AddDate(-1, -1, 0)
	lapsedDate := &commonv1.Date{Year: int32(lapsedOn.Year()), Month: int32(lapsedOn.Month()), Day: int32(lapsedOn.Day())}
	g.staffEvent(t, centre, &schedulingv1.StaffMemberAdded{CentreId: centre.String(), AccountId: "coordinator-3",
		Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, JoinedOn: lapsedDate, DbsCheckedOn: lapsedDate, TrainedOn: lapsedDate})
	lapsed := g.client(t, "coordinator-3", []auth.Role{auth.RoleCoordinator}, centre)
	never := g.client(t, "coordinator-9", []auth.Role{auth.RoleCoordinator}, centre)
	neverLead := g.client(t, "lead-9", []auth.Role{auth.RoleSafeguardingLead}, centre)

	before := g.events(t)
	for name, c := range map[string]referralv1.ReferralServiceClient{"left": leaver, "training lapsed": lapsed, "never on it": never, "a lead never on it": neverLead} {
		refused(t, open(c), codes.FailedPrecondition, "NOT_CLEARED")
		_, err := c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: ref, CentreId: centre.String()})
		refused(t, err, codes.FailedPrecondition, "NOT_CLEARED")
		_, err = c.ListReferrals(t.Context(), &referralv1.ListReferralsRequest{CentreId: centre.String()})
		refused(t, err, codes.FailedPrecondition, "NOT_CLEARED")
		if name == "a lead never on it" {
			continue
		}
		_, err = c.DeclineReferral(t.Context(), &referralv1.DeclineReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: centre.String(), Reason: referralv1.DeclineReason_DECLINE_REASON_OTHER, Note: "the centre cannot meet the family's needs"})
		refused(t, err, codes.FailedPrecondition, "NOT_CLEARED")
		_, err = c.SubmitReferral(t.Context(), submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
		refused(t, err, codes.FailedPrecondition, "NOT_CLEARED")
	}
	require.Equal(t, before, g.events(t), "refusals record nothing, not even an opening")

	// Referrers and administrators are on no register, and are not asked.
	_, err := g.client(t, "solicitor-1", []auth.Role{auth.RoleReferrer}, centre).SubmitReferral(t.Context(),
		submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
	require.NoError(t, err)
	_, err = g.client(t, "admin-1", []auth.Role{auth.RoleAdmin}).ListReferrals(t.Context(), &referralv1.ListReferralsRequest{CentreId: centre.String()})
	require.NoError(t, err)
	// The coordinator on the register works on.
	require.NoError(t, open(w.c))

	// An administrator who also coordinated the centre, and left it, reads as the administrator
	// what administrators read, and opens no family (review 8).
	before = g.events(t)
	adminToo := g.client(t, "coordinator-2", []auth.Role{auth.RoleAdmin, auth.RoleCoordinator}, centre)
	_, err = adminToo.ListReferrals(t.Context(), &referralv1.ListReferralsRequest{CentreId: centre.String()})
	require.NoError(t, err)
	refused(t, open(adminToo), codes.FailedPrecondition, "NOT_CLEARED")
	// An administrator who coordinates another centre and volunteers at this one is no coordinator
	// here (review 8 accepted a referral and opened a family with such a token).
	other := g.centre(t, supported)
	g.onStaff(t, centre, "coordinator-"+other.String()[:8], schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER) // cleared here, as a volunteer
	tok, err := auth.Mint(g.key, auth.MintOptions{Issuer: issuer, Audience: "familytime", Subject: "coordinator-" + other.String()[:8],
		Roles: []auth.Role{auth.RoleAdmin}, CentreRoles: map[uuid.UUID][]auth.Role{other: {auth.RoleCoordinator}, centre: {auth.RoleVolunteer}}, TTL: time.Hour})
	require.NoError(t, err)
	conn, err := grpcx.Dial(g.addr, tok)
	require.NoError(t, err)
	defer conn.Close()
	elsewhere := referralv1.NewReferralServiceClient(conn)
	refused(t, open(elsewhere), codes.PermissionDenied, "ROLE_REQUIRED")
	_, err = elsewhere.AcceptReferral(t.Context(), &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: centre.String(), ServiceType: supported})
	refused(t, err, codes.PermissionDenied, "ROLE_REQUIRED")
	require.Equal(t, before, g.events(t), "refusals record nothing")

	// Decision 113: someone the register has as a volunteer, with a coordinator's token, does not
	// open a family's personal details or decide its referral.
	g.onStaff(t, centre, "volunteer-5", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER)
	claims := g.client(t, "volunteer-5", []auth.Role{auth.RoleCoordinator}, centre)
	refused(t, open(claims), codes.FailedPrecondition, "NOT_IN_ROLE")
	_, err = claims.AcceptReferral(t.Context(), &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: centre.String(), ServiceType: supported})
	refused(t, err, codes.FailedPrecondition, "NOT_IN_ROLE")
	require.Equal(t, before, g.events(t), "refusals record nothing")
}
