package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 35 (finding 3): another centre's flag was shown as before once the hold behind it was
// lifted and the family erased. show says that a flag no longer stands, and list leaves it out of
// its column; a flag that stands reads as before.
func TestAFlagThatNoLongerStandsIsSaidSo(t *testing.T) {
	standing, gone := uuid.NewString(), uuid.NewString()
	r := &referralv1.Referral{CentreId: uuid.NewString(), State: referralv1.ReferralState_REFERRAL_STATE_SCREENED,
		PossibleDuplicateOf: []string{standing, gone}, PossibleDuplicates: []*referralv1.PossibleDuplicate{
			{ReferralId: standing, Match: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE},
			{ReferralId: gone, Match: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE, NoLongerStands: true}}}
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, r))
	shown := strings.Join(strings.Fields(out.String()), " ")
	require.Contains(t, shown, standing+" (a child with the same name and date of birth), ")
	require.Contains(t, shown, gone+" (a child with the same name and date of birth; no longer stands: no safeguarding hold, "+
		"domestic-abuse finding or disclosure stands on it now, and it is not open at this centre)")
	require.Equal(t, short(standing), possibleDuplicates(r))
	r.PossibleDuplicates[0].NoLongerStands = true
	require.Equal(t, "-", possibleDuplicates(r), "none standing")
	require.Equal(t, short(gone), possibleDuplicates(&referralv1.Referral{PossibleDuplicateOf: []string{gone}}),
		"a summary without the matches lists the ids")
}

// Review 35 (finding 5): an erased family's details said "No notes recorded with the case's
// steps", which is untrue. They say when and why the details and notes were erased.
func TestAnErasedFamilySaysWhenItWasErased(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, printFamily(&out, &output{}, &referralv1.Family{FamilyId: "F", ReferralId: "R",
		ErasedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 1}, ErasureReason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED,
		Details: &referralv1.ReferralDetails{}}, ""))
	require.Contains(t, out.String(), "Personal details and notes erased on 2026-12-01 (retention ended): nothing of the family is left to show.")
	require.NotContains(t, out.String(), "No notes recorded")

	out.Reset()
	require.NoError(t, printFamily(&out, &output{}, &referralv1.Family{FamilyId: "F", ReferralId: "R", Details: &referralv1.ReferralDetails{}}, ""))
	require.Contains(t, out.String(), "No notes recorded with the case's steps.")
}

// Review 37 (finding 4): "disclosed on an earlier referral of this child" was said when the
// disclosing referral came later (a child's name corrected to match it).
func TestACarriedDisclosureIsOnAnotherReferral(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, printReferral(&out, &output{}, &referralv1.Referral{CentreId: uuid.NewString(),
		State: referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, DomesticAbuseDisclosedEarlier: true}))
	require.Contains(t, out.String(), "domestic abuse disclosed on another referral of this child: for the lead to weigh")
	require.NotContains(t, out.String(), "earlier")
	for _, command := range []string{"screen", "accept", "previsit"} {
		out, err := run(t, "referral", command, "--help")
		require.NoError(t, err)
		require.NotContains(t, strings.Join(strings.Fields(out), " "), "earlier referral", command)
	}
}

// Review 35 (finding 7): a volunteer's change-arrangement was refused "GetReferral needs one of the
// roles coordinator, safeguarding_lead, admin", the read it makes first, which led them to think a
// lead may change it. The refusal names the change and its own roles.
func TestAChangeRefusedItsReadIsRefusedInItsOwnWords(t *testing.T) {
	err := changeRefusal(status.Error(codes.PermissionDenied, "GetReferral needs one of the roles coordinator, safeguarding_lead, admin"),
		"ChangeArrangement")
	require.Equal(t, codes.PermissionDenied, status.Code(err))
	require.Equal(t, "ChangeArrangement needs the role coordinator", status.Convert(err).Message())
	err = changeRefusal(status.Error(codes.PermissionDenied, "GetReferral needs one of the roles coordinator, safeguarding_lead, admin at centre C"),
		"ChangeArrangement")
	require.Equal(t, "ChangeArrangement needs the role coordinator at centre C", status.Convert(err).Message())
	err = changeRefusal(status.Error(codes.PermissionDenied, "GetReferral: centre C is outside the caller's centres"), "ChangeArrangement")
	require.Equal(t, "ChangeArrangement: centre C is outside the caller's centres", status.Convert(err).Message())
	notFound := status.Error(codes.NotFound, "referral not found")
	require.Equal(t, notFound, changeRefusal(notFound, "ChangeArrangement"), "any other error is the read's")
	described := (&referralCommand{centre: "C"}).describe(changeRefusal(status.Error(codes.PermissionDenied,
		"GetReferral needs one of the roles coordinator, safeguarding_lead, admin"), "ChangeArrangement"))
	require.ErrorContains(t, described, "not allowed: ChangeArrangement needs the role coordinator")
	require.NotContains(t, described.Error(), "GetReferral")

	// Review 63 (finding 4): the refusal kept its words and lost its reason, which review and end
	// give (--json's "reason", the text's tag). It keeps the read's details (decision 346).
	for _, c := range []struct{ reason, message, want string }{
		{auth.ReasonRoleRequired, "GetReferral needs one of the roles coordinator, safeguarding_lead, admin at centre C",
			"not allowed: ChangeArrangement needs the role coordinator at centre C [ROLE_REQUIRED]"},
		{auth.ReasonOutsideCentres, "GetReferral: centre C is outside the caller's centres",
			"not allowed: ChangeArrangement: centre C is outside the caller's centres [OUTSIDE_YOUR_CENTRES]"},
	} {
		err := changeRefusal(auth.Denied(c.reason, "%s", c.message), "ChangeArrangement")
		var reason string
		for _, d := range status.Convert(err).Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				reason = info.GetReason()
			}
		}
		require.Equal(t, c.reason, reason)
		require.EqualError(t, (&referralCommand{centre: "C"}).describe(err), c.want)
	}
}

// Review 43: "for the lead to weigh" stayed after the lead had weighed the disclosure (decision 256).
func TestAWeighedDisclosureSaysSo(t *testing.T) {
	for _, c := range []struct {
		name string
		r    *referralv1.Referral
		want string
	}{
		{"assessed", &referralv1.Referral{State: referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, DomesticAbuseDisclosedEarlier: true,
			DisclosureWeighed: true, LeadAssessedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 1}},
			"no (safeguarding's risk assessment of 2026-12-01); domestic abuse disclosed on another referral of this child: weighed by the safeguarding lead"},
		{"screened without a finding", &referralv1.Referral{State: referralv1.ReferralState_REFERRAL_STATE_SCREENED,
			DomesticAbuseDisclosedOn: &commonv1.Date{Year: 2026, Month: 11, Day: 2}, DisclosureWeighed: true},
			"no (the safeguarding lead's screen); domestic abuse disclosed on 2026-11-02, later answered no: weighed by the safeguarding lead"},
		{"answers still disclose", &referralv1.Referral{State: referralv1.ReferralState_REFERRAL_STATE_SCREENED,
			RiskAnswersDiscloseDomesticAbuse: true, DomesticAbuseDisclosedOn: &commonv1.Date{Year: 2026, Month: 11, Day: 2}, DisclosureWeighed: true},
			"no (the safeguarding lead's screen), though the risk answers disclose domestic abuse"},
	} {
		got := findingText(c.r)
		require.Equal(t, c.want, got, c.name)
		require.NotContains(t, got, "to weigh", c.name)
	}
}
