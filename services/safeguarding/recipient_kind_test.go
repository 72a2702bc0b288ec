package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// violations are the fields an InvalidArgument refusal names, each with its description.
func violations(t *testing.T, err error) map[string]string {
	t.Helper()
	require.Equal(t, codes.InvalidArgument, code(t, err), err)
	out := map[string]string{}
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out[v.GetField()] = v.GetDescription()
			}
		}
	}
	return out
}

// Review 41: a report was released to a parent listed as "other parental responsibility", so the
// distribution list recorded them under the wrong kind. A recipient's kind is checked against the
// person's role on the family's referral: a parent (resident or not) is listed as a parent, an
// adult with parental responsibility who is no parent (another holder of it, or a relative who
// has it) as other parental responsibility. The wrong kind is refused naming the field and the
// kind to use, and nothing is released.
func TestARecipientIsListedUnderTheKindTheirRoleOnTheReferralGives(t *testing.T) {
	g := newRig(t)
	g.onTheRegister(t, "lead-1", "supervisor-1", "supervisor-2")
	ctx := t.Context()
	report, family := g.dueReport(t, "supervisor-1", 3)
	mother, father, child := personOf(family, 0), personOf(family, 1), personOf(family, 2)
	guardian, aunt := personOf(family, 3), personOf(family, 4)
	g.other(t, "referral", family, g.centre, &referralv1.ReferralAmended{ReferralId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), Facts: &referralv1.ReferralFacts{Risk: &referralv1.RiskAnswers{}, CourtInvolved: true,
			Adults: []*referralv1.AdultParty{
				{PersonId: mother, Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, ParentalResponsibility: true},
				{PersonId: father, Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT},
				{PersonId: guardian, Role: referralv1.AdultRole_ADULT_ROLE_OTHER_PARENTAL_RESPONSIBILITY, ParentalResponsibility: true},
				{PersonId: aunt, Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, ParentalResponsibility: true}},
			Children: []*referralv1.ChildParty{{PersonId: child, BirthYear: 2018, BirthMonth: 4}}}})
	require.Eventually(t, func() bool {
		var n int
		err := g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM family_people WHERE family_id = $1 AND party", family).Scan(&n)
		return err == nil && n == 4
	}, 30*time.Second, 20*time.Millisecond, "safeguarding hears of the amendment")

	sup, sup2 := g.as(t, "supervisor-1", auth.RoleSupervisor), g.as(t, "supervisor-2", auth.RoleSupervisor)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	_, err := sup.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Sections: []*safeguardingv1.ReportSectionInput{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "warm greeting"}}})
	require.NoError(t, err)
	_, err = sup.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report})
	require.NoError(t, err)
	_, err = sup2.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report, Purpose: "check the report"})
	require.NoError(t, err)
	_, err = sup2.CheckReport(ctx, &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report, Approved: true})
	require.NoError(t, err)

	const (
		parent = safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT
		other  = safeguardingv1.RecipientKind_RECIPIENT_KIND_OTHER_PARENTAL_RESPONSIBILITY
	)
	release := func(to ...*safeguardingv1.RecipientInput) (*safeguardingv1.ReleaseReportResponse, error) {
		return lead.ReleaseReport(ctx, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			ReportId: report, Recipients: to})
	}
	before := g.events(t)
	_, err = release(&safeguardingv1.RecipientInput{Kind: other, PersonId: father})
	got := violations(t, err)
	require.Len(t, got, 1, got)
	require.Contains(t, got["recipients[0].kind"], "is a parent on this family's referral: list them as parent", "review 41's case")

	_, err = release(&safeguardingv1.RecipientInput{Kind: parent, PersonId: mother}, &safeguardingv1.RecipientInput{Kind: other, PersonId: mother})
	require.Contains(t, violations(t, err), "recipients[1]", "the same person twice is still one recipient")

	_, err = release(&safeguardingv1.RecipientInput{Kind: other, PersonId: mother},
		&safeguardingv1.RecipientInput{Kind: parent, PersonId: guardian},
		&safeguardingv1.RecipientInput{Kind: parent, PersonId: aunt},
		&safeguardingv1.RecipientInput{Kind: parent, PersonId: child})
	got = violations(t, err)
	require.Contains(t, got["recipients[0].kind"], "list them as parent")
	require.Contains(t, got["recipients[1].kind"], "is not a parent on this family's referral but another adult with parental responsibility: "+
		"list them as other-parental-responsibility")
	require.Contains(t, got["recipients[2].kind"], "list them as other-parental-responsibility", "a relative with parental responsibility is no parent")
	require.Contains(t, got["recipients[3].person_id"], "is not a parent or an adult with parental responsibility", "a child is neither, as before")
	require.Len(t, got, 4, got)
	require.Equal(t, before, g.events(t), "nothing released")

	released, err := release(&safeguardingv1.RecipientInput{Kind: parent, PersonId: mother},
		&safeguardingv1.RecipientInput{Kind: parent, PersonId: father},
		&safeguardingv1.RecipientInput{Kind: other, PersonId: guardian},
		&safeguardingv1.RecipientInput{Kind: other, PersonId: aunt},
		&safeguardingv1.RecipientInput{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingForPersonId: guardian},
		&safeguardingv1.RecipientInput{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingForPersonId: father},
		&safeguardingv1.RecipientInput{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT})
	require.NoError(t, err, "each under the kind their role gives; a solicitor acts for any party")
	var kinds []safeguardingv1.RecipientKind
	for _, r := range released.GetRecipients() {
		kinds = append(kinds, r.GetKind())
	}
	require.Equal(t, []safeguardingv1.RecipientKind{parent, parent, other, other, safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR,
		safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}, kinds)
}
