package safeguarding_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 32 drafted a report twice, released it, and had the lead correct the draft replaced before
// the release (the family's record lists both), then the draft released: each copy said twice that
// it was corrected after release, once for a text its recipient was never given. A draft
// superseded before the release is not corrected (DRAFT_SUPERSEDED, naming the record released),
// nothing a recipient was not given marks their copy (a check's note), and a copy says it was
// corrected once whatever the number of corrections. The whole report names the record released,
// and the one a correction of it names now; a recipient's copy names neither (decision 219).
func TestOnlyACorrectionOfTheTextReleasedMarksTheCopiesAndOnce(t *testing.T) {
	g := newRig(t)
	g.onTheRegister(t, "lead-1", "supervisor-1", "supervisor-2")
	ctx := t.Context()
	report, family := g.dueReport(t, "supervisor-1", 3)
	mother, father := personOf(family, 0), personOf(family, 1)
	sup := g.as(t, "supervisor-1", auth.RoleSupervisor)
	sup2 := g.as(t, "supervisor-2", auth.RoleSupervisor)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	draft := func(text string) {
		t.Helper()
		_, err := sup.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			ReportId: report, Sections: []*safeguardingv1.ReportSectionInput{
				{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: text}}})
		require.NoError(t, err)
	}
	draft("first words, replaced before release")
	draft("warm greeting, played with the train set")
	_, err := sup.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(),
		CentreId: g.centre.String(), ReportId: report})
	require.NoError(t, err)
	_, err = sup2.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report, Purpose: "check the report"})
	require.NoError(t, err)
	_, err = sup2.CheckReport(ctx, &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		ReportId: report, Approved: true, Note: "reads well"})
	require.NoError(t, err)
	_, err = lead.ReleaseReport(ctx, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		ReportId: report, Recipients: []*safeguardingv1.RecipientInput{
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: mother},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: father},
		}})
	require.NoError(t, err)

	// The family's record lists both drafts, as review 32 found them, and the check.
	record, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: g.centre.String(),
		FamilyId: family.String(), Purpose: "find the report's records"})
	require.NoError(t, err)
	var drafts, said []string
	var checked string
	for _, e := range record.GetRecords() {
		switch e.GetType() {
		case "familytime.safeguarding.v1.ReportDrafted":
			drafts, said = append(drafts, e.GetRecordId()), append(said, e.GetSummary())
		case "familytime.safeguarding.v1.ReportChecked":
			checked = e.GetRecordId()
		}
	}
	require.Len(t, drafts, 2)
	superseded, released := drafts[0], drafts[1]
	// The record says which draft was replaced before the release, and by which (review 32 could
	// not tell them apart).
	require.Equal(t, "report "+report+" drafted: 1 section; superseded by "+released+" before release", said[0])
	require.Equal(t, "report "+report+" drafted: 1 section", said[1])
	// The whole report says which record was released, and which a correction of it names; a copy
	// carries no record id of the centre's.
	whole := func() *safeguardingv1.GetReportResponse {
		t.Helper()
		got, err := lead.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report, Purpose: "the lead's file"})
		require.NoError(t, err)
		return got
	}
	require.Equal(t, released, whole().GetReleasedRecordId())
	require.Equal(t, released, whole().GetCorrectRecordId())
	correct := func(record, text string) (*safeguardingv1.CorrectRecordResponse, error) {
		return lead.CorrectRecord(ctx, &safeguardingv1.CorrectRecordRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), RecordId: record, Text: text, Reason: "superseded draft"})
	}
	copyFor := func(i int32) *safeguardingv1.GetReportResponse {
		t.Helper()
		got, err := lead.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report,
			Purpose: "send the copy", RecipientIndex: &i})
		require.NoError(t, err)
		return got
	}

	// The draft replaced before release went to nobody: its correction is refused, naming the record
	// released, and nothing is recorded.
	before := g.events(t)
	_, err = correct(superseded, "x y z")
	require.Equal(t, codes.FailedPrecondition, code(t, err))
	require.Equal(t, "DRAFT_SUPERSEDED", reason(t, err))
	require.Contains(t, status.Convert(err).Message(), released, "names the record released, to correct instead")
	require.Equal(t, before, g.events(t), "nothing recorded")

	// A check's note goes to nobody: correcting it after release leaves the copies as they were.
	_, err = correct(checked, "reads well, checked against the session's notes")
	require.NoError(t, err)
	require.Empty(t, copyFor(0).GetCorrectedAfterReleaseOn(), "a copy is corrected only by a correction of the text released")
	require.Empty(t, copyFor(0).GetReleasedRecordId(), "a copy names no record of the centre's")
	require.Empty(t, copyFor(0).GetCorrectRecordId())

	// The text released is corrected, and its correction corrected: each copy says so, by day.
	first, err := correct(released, "warm greeting, played with the garage")
	require.NoError(t, err)
	require.Len(t, copyFor(1).GetCorrectedAfterReleaseOn(), 1)
	_, err = correct(released, "warm greeting, played with the farm")
	require.Equal(t, "ALREADY_CORRECTED", reason(t, err))
	require.Contains(t, status.Convert(err).Message(), first.GetRecordId())
	_, err = correct(first.GetRecordId(), "warm greeting, played with the farm")
	require.NoError(t, err)
	require.Len(t, copyFor(1).GetCorrectedAfterReleaseOn(), 2, "both corrections of the text released")
	now := whole()
	require.Equal(t, released, now.GetReleasedRecordId())
	require.NotEqual(t, first.GetRecordId(), now.GetCorrectRecordId(), "the correction of the correction is the text that stands")
	require.Len(t, now.GetCorrections(), 3, "the check's note and both corrections of the text released")
	require.Equal(t, now.GetCorrections()[2].GetRecordId(), now.GetCorrectRecordId())
	require.Len(t, now.GetCorrectedAfterReleaseOn(), 2)
	// A superseded draft's correction is refused still, naming the record to correct now.
	_, err = correct(superseded, "x y z")
	require.Equal(t, "DRAFT_SUPERSEDED", reason(t, err))
	require.Contains(t, status.Convert(err).Message(), now.GetCorrectRecordId())
}
