package devserver_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 45 (decision 271): a parent referring themselves with a token whose account is their
// e-mail address was named by it in the centre's history of the family, as the actor of the
// referral, even after the family was erased. Through the four services: the history shows the
// parent's steps by the role "referrer" and a pseudonym, and nowhere the address, before and
// after the erasure.
func TestTheHistoryNamesASelfReferringParentByAPseudonym(t *testing.T) {
	s := startSlice(t)
	ctx := t.Context()
	const within, every = 30 * time.Second, 20 * time.Millisecond
	const emma, jordan = "emma.clarke@example.org", "jordan.kestrel@example.org"

	admin := s.platform.Info.AdminToken
	registered, err := s.scheduling(t, admin).RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(), Details: riverside()})
	require.NoError(t, err)
	centre := registered.GetCentre().GetCentreId()
	trained := dateOf(londonToday().AddDate(0, -3, 0))
	_, err = s.scheduling(t, admin).AddStaffMember(ctx, &schedulingv1.AddStaffMemberRequest{RequestId: uuid.NewString(),
		CentreId: centre, AccountId: "coordinator-1", Role: schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR, DbsCheckedOn: trained,
		TrainedOn: trained, JoinedOn: trained})
	require.NoError(t, err)
	coordinatorToken := s.tokenFor(t, "coordinator-1", auth.RoleCoordinator, centre)
	coordinator := s.referral(t, coordinatorToken)

	children := []*referralv1.Child{{FullName: "Amelia Kestrel Junior", DateOfBirth: dateOf(londonToday().AddDate(-6, -2, 0))}}
	submit := &referralv1.SubmitReferralRequest{RequestId: uuid.NewString(), CentreId: centre,
		Source: commonv1.ReferralSource_REFERRAL_SOURCE_SELF, RequestedServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED,
		Details: &referralv1.ReferralDetails{
			Adults: []*referralv1.Adult{{Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, FullName: "Emma Clarke",
				ParentalResponsibility: true, MayAttend: true, MayBring: true, MayCollect: true,
				Contact: &referralv1.ContactDetails{AddressLines: []string{"12 Primrose Lane"}, Postcode: "M1 4BT", Email: emma}}},
			Children: children, Reason: "Contact broke down after separation", Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
		}}
	parent := s.referral(t, s.tokenFor(t, emma, auth.RoleReferrer, centre))
	var ref string
	require.Eventually(t, func() bool {
		sub, err := parent.SubmitReferral(ctx, submit)
		ref = sub.GetReferral().GetReferralId()
		return err == nil
	}, within, every, "referral learns of the centre from scheduling's stream")
	_, err = s.referral(t, s.tokenFor(t, jordan, auth.RoleReferrer, centre)).SubmitSecondPartyApplication(ctx,
		&referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: centre,
			Parent: &referralv1.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, FullName: "Jordan Kestrel",
				ParentalResponsibility: true, MayAttend: true,
				Contact: &referralv1.ContactDetails{AddressLines: []string{"4 Kestrel Court"}, Postcode: "M1 4BT", Email: jordan}},
			Risk: &referralv1.RiskAnswers{}, ConsentGiven: true, Children: children})
	require.NoError(t, err)
	var got *referralv1.GetReferralResponse
	require.Eventually(t, func() bool {
		got, err = coordinator.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: centre})
		return err == nil
	}, within, every, "referral learns of the coordinator from scheduling's staff register")
	family := got.GetReferral().GetFamilyId()
	_, err = coordinator.WithdrawReferral(ctx, &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: centre, WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER})
	require.NoError(t, err)

	history := s.reporting(t, coordinatorToken)
	// read waits until the history has a step of the type (other services' reactions to it may
	// come after it, or not yet), and checks that no step names
	// either parent's account, and the parents' steps name the referrer's role and a pseudonym.
	read := func(last string) {
		t.Helper()
		var h *reportingv1.GetFamilyHistoryResponse
		require.Eventually(t, func() bool {
			h, err = history.GetFamilyHistory(ctx, &reportingv1.GetFamilyHistoryRequest{FamilyId: family, CentreId: centre,
				Purpose: reportingv1.HistoryReadPurpose_HISTORY_READ_PURPOSE_CASE_REVIEW})
			return err == nil && slices.ContainsFunc(h.GetEntries(), func(e *reportingv1.HistoryEntry) bool { return e.GetEventType() == last })
		}, within, every, "reporting has the family's %s", last)
		text := strings.ToLower(protojson.Format(h))
		for _, account := range []string{emma, jordan} {
			require.NotContains(t, text, account)
		}
		var byParents []string
		for _, e := range h.GetEntries() {
			if e.GetActorRole() == string(auth.RoleReferrer) {
				require.Regexp(t, `^referrer-[0-9a-f]{24}$`, e.GetActor())
				byParents = append(byParents, e.GetEventType())
			}
		}
		require.Equal(t, []string{"familytime.referral.v1.ReferralReceived", "familytime.referral.v1.SecondPartyApplicationReceived"}, byParents)
	}
	read("familytime.referral.v1.ReferralWithdrawn")
	_, err = s.referral(t, admin).EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: family,
		CentreId: centre, Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)
	read("familytime.referral.v1.FamilyErased")
}
