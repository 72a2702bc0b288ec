package safeguarding_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/status"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 57, finding 2 (decision 319): a correction of a released report's text was recorded as
// "to be sent to the report's N recipients", the other parent included, though the correction may
// be of a section that parent's copy withholds (an address). The record's summary says, for each
// recipient, which sections their copy withholds, and that the text as it stands is not for them.
func TestACorrectionOfAReleasedReportSaysWhatEachCopyWithholds(t *testing.T) {
	g := newRig(t)
	g.onTheRegister(t, "lead-1", "supervisor-1", "supervisor-2")
	ctx := t.Context()
	report, family := g.dueReport(t, "supervisor-1", 3)
	mother, father := personOf(family, 0), personOf(family, 1)
	sup := g.as(t, "supervisor-1", auth.RoleSupervisor)
	sup2 := g.as(t, "supervisor-2", auth.RoleSupervisor)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	centre := g.centre.String()
	_, err := sup.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report,
		Sections: []*safeguardingv1.ReportSectionInput{
			{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "warm greeting, played with the train set"},
			{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_LOCATION_CONTACT, AboutPersonId: mother, Text: "the mother's new address"}}})
	require.NoError(t, err)
	_, err = sup.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report})
	require.NoError(t, err)
	_, err = sup2.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: report, Purpose: "check the report"})
	require.NoError(t, err)
	_, err = sup2.CheckReport(ctx, &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report,
		Approved: true, Note: "reads well"})
	require.NoError(t, err)
	_, err = lead.ReleaseReport(ctx, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: centre,
		ReportId: report, Recipients: []*safeguardingv1.RecipientInput{
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: mother},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: father},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT},
		}})
	require.NoError(t, err)
	whole, err := lead.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: report, Purpose: "the lead's file"})
	require.NoError(t, err)
	corrected, err := lead.CorrectRecord(ctx, &safeguardingv1.CorrectRecordRequest{RequestId: uuid.NewString(), CentreId: centre,
		FamilyId: family.String(), RecordId: whole.GetReleasedRecordId(), Text: "the mother's address corrected", Reason: "she moved"})
	require.NoError(t, err)
	require.Equal(t, []int32{1}, corrected.GetRecipientsToTell()[1].GetWithheldSections(), "the father's copy withholds section 2")

	record, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: centre, FamilyId: family.String(),
		Purpose: "who is told of the correction"})
	require.NoError(t, err)
	var said string
	for _, e := range record.GetRecords() {
		if e.GetType() == "familytime.safeguarding.v1.RecordCorrected" {
			said = e.GetSummary()
		}
	}
	require.NotContains(t, said, "to be sent to the report's 3 recipients", "the text is not for every recipient as it stands")
	require.Contains(t, said, "1 parent "+mother+", 2 parent "+father+" (copy withholds section 2), 3 court", said)
	require.Contains(t, said, "the text is not to be given as it stands to a recipient whose copy withholds a section", said)
	require.NotContains(t, said, "mother's", "no text in the summary")
}

// Review 57, finding 5 (decision 319): GetReport checked who may read a report before the staff
// register, so someone not on the centre's register was told NOT_A_REPORT_READER for a report that
// exists and "not found" for one that does not. The register is checked first, for reading and
// drafting alike: both ids are answered the same.
func TestSomeoneOffTheRegisterCannotTellWhetherAReportExists(t *testing.T) {
	g := newRig(t)
	g.onTheRegister(t, "lead-1", "supervisor-1")
	ctx := t.Context()
	report, _ := g.dueReport(t, "supervisor-1", 3)
	stranger := g.as(t, "supervisor-elsewhere", auth.RoleSupervisor) // a token for the centre, not on its register
	centre := g.centre.String()
	answer := func(id string) (string, string, string, string) {
		_, read := stranger.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: id, Purpose: "look at it"})
		_, draft := stranger.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: id,
			Sections: []*safeguardingv1.ReportSectionInput{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "x"}}})
		require.Error(t, read)
		require.Error(t, draft)
		return code(t, read).String() + " " + reason(t, read), strings.ReplaceAll(status.Convert(read).Message(), id, "ID"),
			code(t, draft).String() + " " + reason(t, draft), strings.ReplaceAll(status.Convert(draft).Message(), id, "ID")
	}
	r1, m1, d1, dm1 := answer(report)
	r2, m2, d2, dm2 := answer(uuid.NewString())
	require.Equal(t, "FailedPrecondition NOT_CLEARED", r1)
	require.Equal(t, r1, r2, "reading: the same answer for a report that exists and one that does not")
	require.Equal(t, m1, m2)
	require.Equal(t, d1, d2, "drafting: the same answer too")
	require.Equal(t, dm1, dm2)
}
