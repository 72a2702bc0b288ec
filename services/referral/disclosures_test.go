package referral_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Disclosures of risk and what the applications said, through the running service: a disclosure
// of domestic abuse is not taken back by amending the answer (decision 191) nor by referring the
// child again (decision 194); a second applicant is not told what the first gave (decision 192); a
// ready child is not swapped for another, and an erased family's summary keeps none of it
// (decision 194).

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
			CentreId: w.centre.String(), Rating: greenUnless(da), DomesticAbuseFinding: da, Note: note})
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
		require.True(t, proto.Equal(&referralv1.Referral{ReferralId: ref, State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED},
			apartFromTheRequest(t, answer.GetReferral())), "%s: %v", name, answer.GetReferral())

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

// withdraw withdraws a referral as its referrer.
func (w *casework) withdraw(ref string) {
	w.t.Helper()
	_, err := w.c.WithdrawReferral(w.t.Context(), &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER})
	require.NoError(w.t, err)
}

// child names the referral's one child.
func child(name string) func(*referralv1.ReferralDetails) {
	return func(d *referralv1.ReferralDetails) { d.Children[0].FullName = name }
}

// A disclosure of domestic abuse on an earlier referral of the child, withdrawn, declined or at
// another centre, that no lead's screen cleared, carries to the new referral: a coordinator cannot
// screen it green; only the lead, with a note, records no finding. Another centre's coordinator
// learns neither that referral's family nor its centre. A disclosure the lead cleared, or one of
// an erased family, does not carry (review 27, decision 194).
func TestADisclosureOnAnEarlierReferralOfTheChildCarries(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	lead := g.client(t, "lead-1", []auth.Role{auth.RoleSafeguardingLead}, w.centre)
	g.onStaff(t, w.centre, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD)
	ctx := t.Context()
	screen := func(c referralv1.ReferralServiceClient, centre uuid.UUID, ref string, da bool, note string) error {
		_, err := c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: centre.String(), Rating: greenUnless(da), DomesticAbuseFinding: da, Note: note})
		return err
	}
	show := func(w *casework, ref string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}
	disclosed := func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true }

	// The review's path: disclosed, withdrawn, referred again answering "no".
	first := w.submit(supported, disclosed)
	w.withdraw(first.GetReferralId())
	again := w.submit(supported).GetReferralId()
	shown := show(w, again)
	require.True(t, shown.GetDomesticAbuseDisclosedEarlier(), "the disclosure carries")
	require.Contains(t, shown.GetPossibleDuplicateOf(), first.GetReferralId(), "a possible duplicate, for a person to check")
	before := g.events(t)
	err := screen(w.c, w.centre, again, false, "")
	refused(t, err, codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	require.Contains(t, status.Convert(err).Message(), "disclosed on another referral")
	refused(t, screen(w.c, w.centre, again, false, "the referrer says there is none"), codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	refused(t, screen(lead, w.centre, again, false, ""), codes.FailedPrecondition, "NOTE_REQUIRED")
	require.Equal(t, before, g.events(t), "refusals append nothing")
	require.NoError(t, screen(w.c, w.centre, again, true, ""), "a coordinator records the finding")
	_, err = w.accept(again, supported)
	refused(t, err, codes.FailedPrecondition, "DOMESTIC_ABUSE_RULES_OUT_SUPPORTED")
	require.NoError(t, screen(lead, w.centre, again, false, "Spoke to both parents and the police: the earlier allegation was withdrawn by the court"))
	_, err = w.accept(again, supported)
	require.NoError(t, err)

	// Declined at this centre, referred to another: the first referral's disclosure still stands
	// (withdrawn, never screened); the coordinator there learns nothing of its family or centre.
	elsewhere := g.casework(t, g.centre(t, supported))
	declined := w.submit(supported, disclosed, child("Noah Declined")).GetReferralId()
	_, err = w.decline(declined, referralv1.DeclineReason_DECLINE_REASON_OTHER, "the family moved away", "")
	require.NoError(t, err)
	for _, name := range []string{"Amelia Kestrel Junior", "Noah Declined"} {
		there := elsewhere.submit(supported, child(name)).GetReferralId()
		shown := show(elsewhere, there)
		require.True(t, shown.GetDomesticAbuseDisclosedEarlier(), name)
		err := screen(elsewhere.c, elsewhere.centre, there, false, "")
		refused(t, err, codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
		said := status.Convert(err).Message() + shown.String()
		require.False(t, strings.Contains(said, w.centre.String()) || strings.Contains(said, first.GetFamilyId()), "%s: %s", name, said)
	}

	// Cleared by the lead's screen on that referral: it does not carry.
	cleared := w.submit(supported, disclosed, child("Ivy Cleared")).GetReferralId()
	require.NoError(t, screen(lead, w.centre, cleared, false, "Spoke to both parents and the social worker: no abuse, the answer was a slip"))
	w.withdraw(cleared)
	next := w.submit(supported, child("Ivy Cleared")).GetReferralId()
	require.False(t, show(w, next).GetDomesticAbuseDisclosedEarlier())
	w.screen(next, referralv1.RiskRating_RISK_RATING_GREEN, false)

	// Erased: its keyed hashes are forgotten, and nothing of it is matched.
	erased := w.submit(supported, disclosed, child("Erin Erased"))
	w.withdraw(erased.GetReferralId())
	// An erasure waits for someone to weigh the disclosure (decision 197).
	g.assessed(t, erased.GetReferralId(), erased.GetFamilyId(), w.centre, true)
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	_, err = admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: erased.GetFamilyId(),
		CentreId: w.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM child_matches WHERE referral_id = $1", uuid.MustParse(erased.GetReferralId())) == 0
	}, 30*time.Second, 10*time.Millisecond)
	require.False(t, show(w, w.submit(supported, child("Erin Erased")).GetReferralId()).GetDomesticAbuseDisclosedEarlier())
}

// A disclosure made on the earlier referral after the new one was submitted is found when the new
// one is screened, and noted with the screening (decision 194).
func TestADisclosureMadeSinceIsFoundAtTheScreen(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	first := w.submit(supported).GetReferralId()
	second := w.submit(supported).GetReferralId()
	opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: first, CentreId: w.centre.String(), Purpose: "amend the risk answers"})
	require.NoError(t, err)
	d := opened.GetFamily().GetDetails()
	d.Risk.DomesticAbuse = true
	_, err = w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: first,
		CentreId: w.centre.String(), Details: d})
	require.NoError(t, err)
	w.withdraw(first)
	_, err = w.c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: second,
		CentreId: w.centre.String(), Rating: referralv1.RiskRating_RISK_RATING_GREEN})
	refused(t, err, codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	w.screen(second, referralv1.RiskRating_RISK_RATING_AMBER, true)
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: second, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.True(t, got.GetReferral().GetDomesticAbuseDisclosedEarlier(), "noted with the screening")
}

// On a case ready for contact a child's name and date of birth are not both changed by one
// amendment: that is another child, whom the door would admit under this child's id. One of them
// changed, on a ready case or before, is matched again as submission matches: a child on another
// referral is flagged, and its disclosure carries (review 27, decision 194).
func TestAReadyChildIsNotSwappedForAnother(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	ctx := t.Context()
	other := w.submit(supervised, child("Zara Example"), func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true }).GetReferralId()
	ref := w.ready(supported)
	amend := func(ref string, why string, edit func(*referralv1.Child)) error {
		opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: "correct a child's details"})
		require.NoError(t, err)
		d := opened.GetFamily().GetDetails()
		edit(d.Children[0])
		_, err = w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), Details: d, CorrectionReason: why})
		return err
	}

	before := g.eventTypes(t, ref)
	err := amend(ref, "Wrong child typed", func(c *referralv1.Child) {
		c.FullName, c.DateOfBirth = "Zara Example", date(today().AddDate(-4, 0, 0))
	})
	refused(t, err, codes.FailedPrecondition, "CHILD_IDENTITY_FIXED")
	require.Contains(t, status.Convert(err).Message(), "one at a time")
	require.Equal(t, before, g.eventTypes(t, ref), "nothing appended")

	require.NoError(t, amend(ref, "The child's name was misspelt", func(c *referralv1.Child) { c.FullName = "Zara Example" }))
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Contains(t, got.GetReferral().GetPossibleDuplicateOf(), other, "matched again")
	require.True(t, got.GetReferral().GetDomesticAbuseDisclosedEarlier(), "the other referral's disclosure carries")
	types := g.eventTypes(t, ref)
	require.Equal(t, []string{"ReferralAmended", "PossibleDuplicateFlagged"}, types[len(types)-2:])

	// Before the family is ready: matched again too.
	received := w.submit(supported, child("Zara Exampel")).GetReferralId()
	require.NoError(t, amend(received, "", func(c *referralv1.Child) { c.FullName = "Zara Example" }))
	got, err = w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: received, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Contains(t, got.GetReferral().GetPossibleDuplicateOf(), other)
}

// An erased family's summary says nothing of what its risk answers disclosed, of a second
// applicant's match, or of its children's birth months (review 27, decision 194).
func TestAnErasedFamilysSummaryKeepsNoDisclosureMatchOrBirthMonth(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	w := g.casework(t, centre)
	first := g.client(t, "parent-1", []auth.Role{auth.RoleReferrer}, centre)
	other := g.client(t, "parent-2", []auth.Role{auth.RoleReferrer}, centre)
	ctx := t.Context()
	d := details(resident())
	d.Referrer = nil
	d.Risk.DomesticAbuse = true
	sub, err := first.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	ref := sub.GetReferral().GetReferralId()
	parent := nonResident()
	parent.Contact.Phone = "+44 7700 900123"
	_, err = other.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: ref, CentreId: centre.String(), Parent: parent, Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
		Children: d.GetChildren()})
	require.NoError(t, err)
	opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: centre.String(), Purpose: "amend the risk answers"})
	require.NoError(t, err)
	amended := opened.GetFamily().GetDetails()
	amended.Risk.DomesticAbuse = false
	amended.Adults[1].Contact.Phone = "07700 900456" // the coordinator puts the second parent's own number right
	_, err = w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: centre.String(), Details: amended})
	require.NoError(t, err)
	w.withdraw(ref)
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: centre.String()})
	require.NoError(t, err)
	require.NotNil(t, got.GetReferral().GetDomesticAbuseDisclosedOn())
	require.NotEmpty(t, got.GetReferral().GetSecondApplicantMatches())
	require.NotZero(t, got.GetReferral().GetChildren()[0].GetBirthYear())

	// An erasure waits for someone to weigh the disclosure (decision 197).
	g.assessed(t, ref, got.GetReferral().GetFamilyId(), centre, true)
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	_, err = admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: got.GetReferral().GetFamilyId(),
		CentreId: centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)
	got, err = w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: centre.String()})
	require.NoError(t, err)
	erased := got.GetReferral()
	require.Nil(t, erased.GetDomesticAbuseDisclosedOn())
	require.False(t, erased.GetRiskAnswersDiscloseDomesticAbuse())
	require.Empty(t, erased.GetSecondApplicantMatches())
	require.False(t, erased.GetSecondApplicantChecked())
	for _, c := range erased.GetChildren() {
		require.Zero(t, c.GetBirthYear())
		require.Zero(t, c.GetBirthMonth())
		require.Equal(t, commonv1.AgeBand_AGE_BAND_UNSPECIFIED, c.GetAgeBand())
	}
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_WITHDRAWN, erased.GetState(), "the case still counts as it ended")
	listed, err := w.c.ListReferrals(ctx, &referralv1.ListReferralsRequest{CentreId: centre.String()})
	require.NoError(t, err)
	require.Len(t, listed.GetReferrals(), 1)
	require.Zero(t, listed.GetReferrals()[0].GetChildren()[0].GetBirthYear())
}
