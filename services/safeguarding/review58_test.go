package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 58, finding 2 (decision 331): a court-ordered, Cafcass-involved family's report was
// released to the two parents alone; nothing said the court and Cafcass were left off, and a
// second release adding them was refused REPORT_RELEASED, so the court could never be given it.
// The release now warns, naming each body the referral involves that is not on the list, and a
// released report's text is sent to further recipients: each copy made by the release's rules,
// checked as the release's list is, someone on the list already refused, recorded as its own
// event, and a retry of the request answered as first.
func TestABodyInvolvedLeftOffAReleaseIsWarnedOfAndSentACopyAfter(t *testing.T) {
	g := newRig(t)
	g.onTheRegister(t, "lead-1", "supervisor-1", "supervisor-2")
	ctx := t.Context()
	centre := g.centre.String()
	report, family := g.dueReport(t, "supervisor-1", 3)
	mother, father := personOf(family, 0), personOf(family, 1)
	// The court is involved (the rig's referral), and Cafcass once the referral is amended to say so.
	g.other(t, "referral", family, g.centre, &referralv1.ReferralAmended{ReferralId: uuid.NewString(), FamilyId: family.String(),
		CentreId: centre, Facts: &referralv1.ReferralFacts{Risk: &referralv1.RiskAnswers{}, CourtInvolved: true,
			OtherAgencies: []referralv1.Agency{referralv1.Agency_AGENCY_CAFCASS},
			Adults: []*referralv1.AdultParty{{PersonId: mother, Role: referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT},
				{PersonId: father, Role: referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT}},
			Children: []*referralv1.ChildParty{{PersonId: personOf(family, 2), BirthYear: 2018, BirthMonth: 4}}}})
	require.Eventually(t, func() bool {
		var cafcass bool
		err := g.db.OwnerPool(t).QueryRow(ctx, "SELECT cafcass FROM family_bodies WHERE family_id = $1", family).Scan(&cafcass)
		return err == nil && cafcass
	}, 30*time.Second, 20*time.Millisecond, "safeguarding hears of the amendment")

	sup, sup2 := g.as(t, "supervisor-1", auth.RoleSupervisor), g.as(t, "supervisor-2", auth.RoleSupervisor)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	_, err := sup.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report,
		Sections: []*safeguardingv1.ReportSectionInput{
			{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "warm greeting, played with the train set"},
			{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE, AboutPersonId: mother, Text: "mother 10:00 to 11:20"},
			{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE, AboutPersonId: father, Text: "father 10:15 to 11:05"}}})
	require.NoError(t, err)
	_, err = sup.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report})
	require.NoError(t, err)
	_, err = sup2.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: report, Purpose: "check the report"})
	require.NoError(t, err)
	_, err = sup2.CheckReport(ctx, &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report, Approved: true})
	require.NoError(t, err)

	const (
		parent    = safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT
		solicitor = safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR
		court     = safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT
		cafcass   = safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS
		la        = safeguardingv1.RecipientKind_RECIPIENT_KIND_LOCAL_AUTHORITY
	)
	send := func(requestID string, to ...*safeguardingv1.RecipientInput) (*safeguardingv1.SendReportCopiesResponse, error) {
		return lead.SendReportCopies(ctx, &safeguardingv1.SendReportCopiesRequest{RequestId: requestID, CentreId: centre, ReportId: report, Recipients: to})
	}
	before := g.events(t)
	_, err = send(uuid.NewString(), &safeguardingv1.RecipientInput{Kind: court})
	require.Equal(t, codes.FailedPrecondition, code(t, err))
	require.Equal(t, "REPORT_NOT_RELEASED", reason(t, err), "a copy is of the text released")
	require.Equal(t, before, g.events(t))

	released, err := lead.ReleaseReport(ctx, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report,
		Recipients: []*safeguardingv1.RecipientInput{{Kind: parent, PersonId: mother}, {Kind: parent, PersonId: father}}})
	require.NoError(t, err, "a warning, not a refusal")
	warnings := released.GetBodyWarnings()
	require.Len(t, warnings, 2, "the court and Cafcass, each named: %v", warnings)
	require.Contains(t, warnings[0], "BODY_INVOLVED_NOT_SENT: the family's referral involves the court")
	require.Contains(t, warnings[0], "familytime safeguarding report send-copy "+report+" --centre "+centre+" --to court")
	require.Contains(t, warnings[1], "BODY_INVOLVED_NOT_SENT: the family's referral involves Cafcass")
	require.Contains(t, warnings[1], "--to cafcass")
	for _, w := range warnings {
		require.NotContains(t, w, "local authority", "not involved, so not warned of")
	}

	// A second release is refused, naming the command that sends a copy.
	_, err = lead.ReleaseReport(ctx, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report,
		Recipients: []*safeguardingv1.RecipientInput{{Kind: court}}})
	require.Equal(t, "REPORT_RELEASED", reason(t, err))
	require.Contains(t, status.Convert(err).Message(), "familytime safeguarding report send-copy "+report+" --centre "+centre)

	// Checked as the release's list is, and someone on the list already is refused; nothing recorded.
	before = g.events(t)
	_, err = send(uuid.NewString(), &safeguardingv1.RecipientInput{Kind: court}, &safeguardingv1.RecipientInput{Kind: parent, PersonId: father})
	require.Equal(t, "recipients[1]", badField(t, err), "the father has his copy")
	require.Contains(t, violations(t, err)["recipients[1]"], "on the report's distribution list already, as recipient 2")
	_, err = send(uuid.NewString(), &safeguardingv1.RecipientInput{Kind: la})
	require.Equal(t, "recipients[0].kind", badField(t, err), "the referral does not involve the local authority (decision 140)")
	_, err = send(uuid.NewString(), &safeguardingv1.RecipientInput{Kind: solicitor, ActingForPersonId: uuid.NewString()})
	require.Equal(t, "recipients[0].acting_for_person_id", badField(t, err), "a solicitor for someone not of the family")
	_, err = send(uuid.NewString(), &safeguardingv1.RecipientInput{Kind: court}, &safeguardingv1.RecipientInput{Kind: court})
	require.Equal(t, "recipients[1]", badField(t, err), "each once")
	_, err = sup.SendReportCopies(ctx, &safeguardingv1.SendReportCopiesRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report,
		Recipients: []*safeguardingv1.RecipientInput{{Kind: court}}})
	require.Equal(t, codes.PermissionDenied, code(t, err), "the lead sends copies")
	require.Equal(t, before, g.events(t))

	request := uuid.NewString()
	sent, err := send(request, &safeguardingv1.RecipientInput{Kind: court}, &safeguardingv1.RecipientInput{Kind: solicitor, ActingForPersonId: father})
	require.NoError(t, err)
	require.Equal(t, []int32{2, 3}, sent.GetSent(), "added at the end of the list")
	require.Len(t, sent.GetRecipients(), 4)
	require.Empty(t, sent.GetRecipients()[2].GetWithheldSections(), "the court gets everything")
	require.Equal(t, []int32{1}, sent.GetRecipients()[3].GetWithheldSections(), "the father's solicitor, not the mother's times")
	require.Len(t, sent.GetSections(), 3)
	require.Len(t, sent.GetBodyWarnings(), 1, "Cafcass is still off the list")
	require.Contains(t, sent.GetBodyWarnings()[0], "involves Cafcass")
	require.Equal(t, 1, g.eventsOfType(t, "familytime.safeguarding.v1.ReportCopiesSent"))

	// A retry is the answer given, and records nothing.
	after := g.events(t)
	again, err := send(request, &safeguardingv1.RecipientInput{Kind: court}, &safeguardingv1.RecipientInput{Kind: solicitor, ActingForPersonId: father})
	require.NoError(t, err)
	require.True(t, again.GetReplayed())
	again.Replayed, again.AnsweredAt, sent.AnsweredAt = false, nil, nil
	require.True(t, proto.Equal(sent, again), "the same answer")
	require.Equal(t, after, g.events(t))

	_, err = send(uuid.NewString(), &safeguardingv1.RecipientInput{Kind: cafcass})
	require.NoError(t, err)
	whole, err := lead.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: report, Purpose: "the lead's file"})
	require.NoError(t, err)
	require.Len(t, whole.GetRecipients(), 5)

	// The court's copy is the text released, whole; the solicitor's leaves out the mother's times.
	copyFor := func(i int32) []string {
		c, err := lead.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: report, Purpose: "send the copy", RecipientIndex: &i})
		require.NoError(t, err)
		var texts []string
		for _, s := range c.GetSections() {
			texts = append(texts, s.GetText())
		}
		return texts
	}
	require.Equal(t, []string{"warm greeting, played with the train set", "mother 10:00 to 11:20", "father 10:15 to 11:05"}, copyFor(2))
	require.Equal(t, []string{"warm greeting, played with the train set", "father 10:15 to 11:05"}, copyFor(3))

	// The lead's record says who added whom, numbered on from the list.
	record, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: centre, FamilyId: family.String(),
		Purpose: "who has the report"})
	require.NoError(t, err)
	var said []string
	for _, e := range record.GetRecords() {
		if e.GetType() == "familytime.safeguarding.v1.ReportCopiesSent" {
			said = append(said, e.GetSummary())
		}
	}
	require.Equal(t, []string{
		"report " + report + ": copies of the text released sent by lead-1 to 2 recipients added to its distribution list: 3 court, " +
			"4 solicitor for " + father + " (copy withholds section 2)",
		"report " + report + ": copies of the text released sent by lead-1 to 1 recipient added to its distribution list: 5 cafcass",
	}, said)
}
