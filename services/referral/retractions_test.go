package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 62, finding 2: a second parent's "yes" to an abduction risk, merged into the referral's
// answers, was amended away by one coordinator, who then screened green, accepted and let the
// children leave the centre. The family's details now say whose "yes" each is; an amendment
// answering no is remembered and shown; until the lead's screen, with a note, weighs it, nobody
// else screens the referral and the children may not leave the centre. The same holds for an
// injunction or substance misuse disclosed on any referral (decision 338).
func TestARiskAnsweredNoStillNeedsTheLead(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	lead := g.client(t, "lead-1", []auth.Role{auth.RoleSafeguardingLead}, w.centre)
	g.onStaff(t, w.centre, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD)
	ctx := t.Context()
	screen := func(c referralv1.ReferralServiceClient, ref, note string) error {
		_, err := c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), Rating: referralv1.RiskRating_RISK_RATING_GREEN, Note: note})
		return err
	}
	family := func(ref string) *referralv1.Family {
		t.Helper()
		opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: "amend at a parent's request"})
		require.NoError(t, err)
		return opened.GetFamily()
	}
	amendFrom := func(ref string, f *referralv1.Family) error {
		_, err := w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), ExpectedVersion: f.GetVersion(), Details: f.GetDetails()})
		return err
	}
	amend := func(ref string, edit func(*referralv1.ReferralDetails)) error {
		f := family(ref)
		edit(f.GetDetails())
		return amendFrom(ref, f)
	}
	shown := func(ref string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}

	// The review's self-referral: the first parent answers no to everything, the second parent
	// discloses an abduction risk.
	d := details(resident())
	d.Referrer = nil
	sub, err := w.c.SubmitReferral(ctx, submitRequest(w.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	ref := sub.GetReferral().GetReferralId()
	_, err = w.c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: ref, CentreId: w.centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{AbductionRisk: true}, ConsentGiven: true})
	require.NoError(t, err)

	answers := family(ref).GetApplicationRiskAnswers()
	require.True(t, proto.Equal(&referralv1.ApplicationRiskAnswers{FirstApplication: &referralv1.RiskAnswers{},
		SecondApplication: &referralv1.RiskAnswers{AbductionRisk: true}}, answers), "whose yes it is: %v", answers)

	require.NoError(t, amend(ref, func(d *referralv1.ReferralDetails) { d.Risk = &referralv1.RiskAnswers{} }), "the retraction is recorded")
	retractions := shown(ref).GetRiskRetractions()
	require.Len(t, retractions, 1)
	require.True(t, proto.Equal(&referralv1.RiskRetraction{Question: referralv1.RiskQuestion_RISK_QUESTION_ABDUCTION_RISK,
		DisclosedOn: date(today()), RetractedOn: date(today())}, retractions[0]), "remembered, with when: %v", retractions[0])
	require.True(t, family(ref).GetApplicationRiskAnswers().GetSecondApplication().GetAbductionRisk(), "what the second parent said stays theirs")

	f := family(ref) // the opening is recorded
	f.Details.ChildrenMayLeaveCentre = true
	before := g.events(t)
	err = amendFrom(ref, f)
	refused(t, err, codes.InvalidArgument, "details.children_may_leave_centre")
	require.Contains(t, violation(t, err, "details.children_may_leave_centre"), "the safeguarding lead has not weighed")
	refused(t, screen(w.c, ref, ""), codes.FailedPrecondition, "RETRACTION_FOR_LEAD")
	refused(t, screen(w.c, ref, "the mother says it was a mistake"), codes.FailedPrecondition, "RETRACTION_FOR_LEAD")
	refused(t, screen(lead, ref, ""), codes.FailedPrecondition, "NOTE_REQUIRED")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	// The lead weighs it, saying why; then the referral goes on as any other.
	require.NoError(t, screen(lead, ref, "Spoke to both parents: the partner has since left the country, risk has passed"))
	require.True(t, shown(ref).GetRiskRetractions()[0].GetWeighed())
	require.NoError(t, amend(ref, func(d *referralv1.ReferralDetails) { d.ChildrenMayLeaveCentre = true }))
	_, err = w.accept(ref, supported)
	require.NoError(t, err)

	// An abduction risk answered no with the children let leave in one amendment is refused.
	other := w.submit(supported, func(d *referralv1.ReferralDetails) { d.Risk.AbductionRisk = true }).GetReferralId()
	err = amend(other, func(d *referralv1.ReferralDetails) {
		d.Risk.AbductionRisk, d.ChildrenMayLeaveCentre = false, true
	})
	refused(t, err, codes.InvalidArgument, "details.children_may_leave_centre")

	// An injunction or substance misuse answered no after a professional's referral disclosed it,
	// once screened by a coordinator: the amendment voids the screen, and the lead screens again.
	for name, yes := range map[string]func(*referralv1.ReferralDetails){
		"injunction":       func(d *referralv1.ReferralDetails) { d.Risk.Injunction, d.CourtInvolved = true, true },
		"substance misuse": func(d *referralv1.ReferralDetails) { d.Risk.SubstanceMisuse = true },
	} {
		ref := w.submit(supported, yes).GetReferralId()
		require.NoError(t, screen(w.c, ref, ""), name)
		require.NoError(t, amend(ref, func(d *referralv1.ReferralDetails) { d.Risk = &referralv1.RiskAnswers{} }), name)
		require.Len(t, shown(ref).GetRiskRetractions(), 1, name)
		refused(t, screen(w.c, ref, ""), codes.FailedPrecondition, "RETRACTION_FOR_LEAD")
		require.NoError(t, screen(lead, ref, "Checked with the court: the order was discharged in May"), name)
		_, err = w.accept(ref, supported)
		require.NoError(t, err, name)
	}
}
