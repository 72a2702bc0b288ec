package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// What review 26 found in referral (decisions 191 and 192), through the running service.

// A disclosure of domestic abuse is not taken back by an amendment answering "no": a coordinator
// cannot then screen the referral green and accept it for supported contact at a supported-only
// centre. Only the lead's screen, with a note, records no finding. The same holds for a second
// parent's "yes" on a self-referral (decision 191).
func TestADisclosureAmendedAwayStillNeedsTheLead(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	lead := g.client(t, "lead-1", []auth.Role{auth.RoleSafeguardingLead}, w.centre)
	g.onStaff(t, w.centre, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD)
	ctx := t.Context()
	screen := func(c referralv1.ReferralServiceClient, ref string, da bool, note string) error {
		_, err := c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), Rating: referralv1.RiskRating_RISK_RATING_GREEN, DomesticAbuseFinding: da, Note: note})
		return err
	}
	retract := func(ref string) {
		t.Helper()
		opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: "amend the risk answers"})
		require.NoError(t, err)
		d := opened.GetFamily().GetDetails()
		require.True(t, d.GetRisk().GetDomesticAbuse())
		d.Risk.DomesticAbuse = false
		_, err = w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), ExpectedVersion: opened.GetFamily().GetVersion(), Details: d})
		require.NoError(t, err, "the retraction is recorded")
	}

	ref := w.submit(supported, func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true }).GetReferralId()
	retract(ref)
	before := g.events(t)
	refused(t, screen(w.c, ref, false, ""), codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	refused(t, screen(w.c, ref, false, "the parent says it was a mistake"), codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	refused(t, screen(lead, ref, false, ""), codes.FailedPrecondition, "NOTE_REQUIRED")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	shown, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.False(t, shown.GetReferral().GetRiskAnswersDiscloseDomesticAbuse(), "the answers say no now")
	require.Equal(t, date(today()), shown.GetReferral().GetDomesticAbuseDisclosedOn(), "and it was disclosed")

	// A coordinator records the finding: supported contact is ruled out.
	require.NoError(t, screen(w.c, ref, true, ""))
	_, err = w.accept(ref, supported)
	refused(t, err, codes.FailedPrecondition, "DOMESTIC_ABUSE_RULES_OUT_SUPPORTED")
	// The lead weighs the retraction and clears it, saying why.
	require.NoError(t, screen(lead, ref, false, "Spoke to both parents and the police: the allegation was made in error"))
	_, err = w.accept(ref, supported)
	require.NoError(t, err)

	// A self-referral: the second parent discloses, the coordinator amends it away.
	d := details(resident())
	d.Referrer = nil
	sub, err := w.c.SubmitReferral(ctx, submitRequest(w.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	self := sub.GetReferral().GetReferralId()
	_, err = w.c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: self, CentreId: w.centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{DomesticAbuse: true}, ConsentGiven: true})
	require.NoError(t, err)
	retract(self)
	refused(t, screen(w.c, self, false, ""), codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	err = screen(w.c, self, false, "")
	require.Contains(t, status.Convert(err).Message(), "does not take a disclosure back")
}

// A parent applying as the second parent of a self-referral is never told which of their details
// are the first applicant's, nor the role the first applicant gave: the application is recorded,
// the match is shown to the coordinator, and the referral is screened once someone checked that
// the applicants are two people. A coordinator entering the application is still told (decision 192).
func TestASecondApplicantIsNotToldWhatTheFirstGave(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	first := g.client(t, "parent-1", []auth.Role{auth.RoleReferrer}, centre)
	other := g.client(t, "parent-2", []auth.Role{auth.RoleReferrer}, centre)
	w := g.casework(t, centre)
	ctx := t.Context()
	selfReferral := func() (string, *referralv1.Child) {
		t.Helper()
		r := resident()
		r.Contact.Email = "amelia@example.org"
		d := details(r)
		d.Referrer = nil
		sub, err := first.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
		require.NoError(t, err)
		return sub.GetReferral().GetReferralId(), d.GetChildren()[0]
	}

	for name, tc := range map[string]struct {
		edit func(*referralv1.Adult)
		want referralv1.ApplicantDetail
	}{
		"a phone as dialled from abroad": {func(a *referralv1.Adult) { a.Contact.Phone = "+44 7700 900123" }, referralv1.ApplicantDetail_APPLICANT_DETAIL_PHONE},
		"an email":                       {func(a *referralv1.Adult) { a.Contact.Email = "AMELIA@example.org" }, referralv1.ApplicantDetail_APPLICANT_DETAIL_EMAIL},
		"a name":                         {func(a *referralv1.Adult) { a.FullName = "amelia primrose" }, referralv1.ApplicantDetail_APPLICANT_DETAIL_FULL_NAME},
		"the first applicant's role":     {func(a *referralv1.Adult) { a.Role = referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT }, referralv1.ApplicantDetail_APPLICANT_DETAIL_ROLE},
	} {
		ref, child := selfReferral()
		parent := nonResident()
		tc.edit(parent)
		answer, err := other.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
			ReferralId: ref, CentreId: centre.String(), Parent: parent, Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
			Children: []*referralv1.Child{child}})
		require.NoError(t, err, "%s: accepted, saying nothing of the first applicant", name)
		require.Equal(t, &referralv1.Referral{ReferralId: ref, State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED}, answer.GetReferral(), name)

		shown, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: centre.String()})
		require.NoError(t, err)
		require.Equal(t, []referralv1.ApplicantDetail{tc.want}, shown.GetReferral().GetSecondApplicantMatches(), name)
		require.Equal(t, 1, countRole(shown.GetReferral(), referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT),
			"%s: recorded as the parent the referral waited for", name)

		before := g.events(t)
		_, err = w.c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: centre.String(), Rating: referralv1.RiskRating_RISK_RATING_GREEN})
		refused(t, err, codes.FailedPrecondition, "APPLICANTS_NOT_CHECKED")
		require.Equal(t, before, g.events(t), name)
		screened, err := w.c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: centre.String(), Rating: referralv1.RiskRating_RISK_RATING_GREEN, ApplicantsChecked: true})
		require.NoError(t, err, name)
		require.True(t, screened.GetReferral().GetSecondApplicantChecked(), name)
	}

	// Nothing matched: nothing to check.
	ref, child := selfReferral()
	_, err := other.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: ref, CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
		Children: []*referralv1.Child{child}})
	require.NoError(t, err)
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)

	// A coordinator entering the application may see both, and is told which detail it is.
	ref, _ = selfReferral()
	parent := nonResident()
	parent.Contact.Phone = "+44 7700 900123"
	_, err = w.c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: ref, CentreId: centre.String(), Parent: parent, Risk: &referralv1.RiskAnswers{}, ConsentGiven: true})
	refused(t, err, codes.InvalidArgument, "parent.contact.phone")
	parent = nonResident()
	parent.Role = referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT
	_, err = w.c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: ref, CentreId: centre.String(), Parent: parent, Risk: &referralv1.RiskAnswers{}, ConsentGiven: true})
	refused(t, err, codes.InvalidArgument, "parent.role")
}

func countRole(r *referralv1.Referral, role referralv1.AdultRole) int {
	n := 0
	for _, a := range r.GetAdults() {
		if a.GetRole() == role {
			n++
		}
	}
	return n
}
