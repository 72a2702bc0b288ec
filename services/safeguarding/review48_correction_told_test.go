package safeguarding_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 48: a correction of a supervised session's report after its release recorded nobody to
// tell, though each recipient holds the text it corrects. The correction of the text released
// names the distribution list, in its order, on the record and in its answer; a correction of
// the check's note, which went to nobody, names no one.
func TestACorrectionOfAReleasedReportNamesItsRecipients(t *testing.T) {
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
		Sections: []*safeguardingv1.ReportSectionInput{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION,
			Text: "warm greeting, played with the train set"}}})
	require.NoError(t, err)
	_, err = sup.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report})
	require.NoError(t, err)
	_, err = sup2.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: report, Purpose: "check the report"})
	require.NoError(t, err)
	_, err = sup2.CheckReport(ctx, &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: centre, ReportId: report,
		Approved: true, Note: "reads well"})
	require.NoError(t, err)
	released, err := lead.ReleaseReport(ctx, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: centre,
		ReportId: report, Recipients: []*safeguardingv1.RecipientInput{
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: father},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: mother},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT},
		}})
	require.NoError(t, err)
	whole, err := lead.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: report, Purpose: "the lead's file"})
	require.NoError(t, err)
	var check string
	for _, c := range whole.GetChecks() {
		check = c.GetRecordId()
	}
	correct := func(record, text string) *safeguardingv1.CorrectRecordResponse {
		t.Helper()
		got, err := lead.CorrectRecord(ctx, &safeguardingv1.CorrectRecordRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: family.String(), RecordId: record, Text: text, Reason: "the session's notes say otherwise"})
		require.NoError(t, err)
		return got
	}

	noted := correct(check, "reads well, checked against the session's notes")
	require.Empty(t, noted.GetRecipientsToTell(), "a check's note went to nobody")
	first := correct(whole.GetReleasedRecordId(), "warm greeting, played with the garage")
	require.Len(t, first.GetRecipientsToTell(), 3, "everyone given the text released")
	for i, r := range first.GetRecipientsToTell() {
		want := released.GetRecipients()[i]
		require.Equal(t, want.GetKind(), r.GetKind(), "in the list's order")
		require.Equal(t, want.GetPersonId(), r.GetPersonId())
	}
	// A correction of that correction is of the text released too.
	second := correct(first.GetRecordId(), "warm greeting, played with the farm")
	require.Len(t, second.GetRecipientsToTell(), 3)

	// The family's record says whom to send it, numbered from 1.
	record, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: centre, FamilyId: family.String(),
		Purpose: "who was told of the correction"})
	require.NoError(t, err)
	var said []string
	for _, e := range record.GetRecords() {
		if e.GetType() == "familytime.safeguarding.v1.RecordCorrected" {
			said = append(said, e.GetSummary())
		}
	}
	require.Len(t, said, 3)
	require.NotContains(t, said[0], "to tell")
	want := "; the report's 3 recipients to tell: 1 parent " + father + ", 2 parent " + mother + ", 3 court"
	require.True(t, strings.HasSuffix(said[1], want), said[1])
	require.True(t, strings.HasSuffix(said[2], want), said[2])

	// Review 74 (decision 375): a copy sent after the correction carries the text as released,
	// which the correction put right; it is refused until the lead sends it knowing that.
	solicitor := []*safeguardingv1.RecipientInput{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingForPersonId: father}}
	_, err = lead.SendReportCopies(ctx, &safeguardingv1.SendReportCopiesRequest{RequestId: uuid.NewString(), CentreId: centre,
		ReportId: report, Recipients: solicitor})
	require.Equal(t, "REPORT_CORRECTED_AFTER_RELEASE", reason(t, err), "%v", err)
	require.ErrorContains(t, err, "its latest correction is record "+second.GetRecordId())
	require.ErrorContains(t, err, "--despite-correction")
	require.NotContains(t, err.Error(), "garage", "never the text")
	require.Zero(t, g.eventsOfType(t, "familytime.safeguarding.v1.ReportCopiesSent"), "nothing sent")
	sent, err := lead.SendReportCopies(ctx, &safeguardingv1.SendReportCopiesRequest{RequestId: uuid.NewString(), CentreId: centre,
		ReportId: report, Recipients: solicitor, DespiteCorrection: true})
	require.NoError(t, err)
	require.Equal(t, []int32{3}, sent.GetSent())
	require.Equal(t, 1, g.eventsOfType(t, "familytime.safeguarding.v1.ReportCopiesSent"))
	copyOf, err := lead.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: centre, ReportId: report, Purpose: "the solicitor's copy",
		RecipientIndex: proto.Int32(3)})
	require.NoError(t, err)
	require.Len(t, copyOf.GetCorrectedAfterReleaseOn(), 2, "the copy says it was corrected")
}
