package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// A report's distribution list is shown by kind and id, never by name or address, and a copy is
// headed by whose it is (decision 92).
func TestReportRecipientsAreShownByKindAndID(t *testing.T) {
	mother, father := uuid.NewString(), uuid.NewString()
	list := []*safeguardingv1.Recipient{
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: mother, WithheldSections: []int32{2}},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingForPersonId: father},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT},
	}
	require.Equal(t, "parent "+mother, recipientWords(list[0]))
	require.Equal(t, "solicitor for "+father, recipientWords(list[1]))
	require.Equal(t, "court", recipientWords(list[2]))
	var b bytes.Buffer
	require.NoError(t, printRecipients(&b, &output{}, list))
	out := b.String()
	for _, want := range []string{"RECIPIENT", "PERSON/FOR", "parent", mother, "solicitor", father, "court", "[3]"} {
		require.Contains(t, out, want)
	}
	require.NotContains(t, out, "[2]", "the withheld sections are numbered as report show numbers them, from 1 (review 35)")
}

// Review 35: the whole report numbered its sections from 0 and a copy the same section from 1.
// Both now number them as a reader counts, from 1; an erased family's section says its text was
// erased, when and why, where it read as blank; and the whole report of an erased family gives no
// correction to make, which would be refused FAMILY_ERASED.
func TestSectionsAreNumberedAlikeAndAnErasedTextSaysSo(t *testing.T) {
	child := uuid.NewString()
	sections := []*safeguardingv1.ReportSectionView{
		{Index: 0, Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "Warm greeting"},
		{Index: 1, Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_LOCATION_CONTACT, AboutPersonId: child, Text: "School on the hill"}}
	var whole, copy0 bytes.Buffer
	printSections(&whole, sections, nil)
	require.Contains(t, whole.String(), "[1] observation\nWarm greeting")
	require.Contains(t, whole.String(), "[2] location-contact about "+child)
	require.NotContains(t, whole.String(), "[0]")
	printSections(&copy0, sections[:1], nil) // a copy: index 0 in the copy
	require.Contains(t, copy0.String(), "[1] observation", "the same section, the same number")

	erasure := &safeguardingv1.FamilyErasure{ErasedOn: &commonv1.Date{Year: 2026, Month: 12, Day: 1},
		Reason: safeguardingv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED}
	blank := []*safeguardingv1.ReportSectionView{{Index: 0, Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION}}
	var erased bytes.Buffer
	printSections(&erased, blank, erasure)
	require.Contains(t, erased.String(), "[1] observation\n(text erased with the family's personal data on 2026-12-01 (retention-ended))")
	require.Equal(t, "text erased with the family's personal data", erasedText(&safeguardingv1.FamilyErasure{}),
		"an erasure carried out before its date and reason were kept")

	resp := &safeguardingv1.GetReportResponse{Report: &safeguardingv1.ReportSummary{ReportId: uuid.NewString(), FamilyId: uuid.NewString(),
		State: safeguardingv1.ReportState_REPORT_STATE_RELEASED}, ReleasedRecordId: uuid.NewString(), CorrectRecordId: uuid.NewString()}
	fields := wholeReportFields(resp)
	require.Contains(t, fieldsText(fields), "to correct it: familytime safeguarding correct "+resp.GetCorrectRecordId())
	resp.CorrectRecordId, resp.FamilyErasure = "", erasure
	fields = wholeReportFields(resp)
	require.NotContains(t, fieldsText(fields), "to correct it", "nothing about an erased family can be corrected")
	require.Contains(t, fieldsText(fields), "released text: record "+resp.GetReleasedRecordId())
	require.Contains(t, fieldsText(fields), "text: erased with the family's personal data on 2026-12-01 (retention-ended): nothing can be corrected")
}

func fieldsText(fields [][2]string) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f[0] + ": " + f[1] + "\n")
	}
	return b.String()
}

// Decision 226's Left: a section about the child's whereabouts was withheld from both parents'
// copies without a word to the lead. The release (and the whole report) says, per recipient, which
// sections their copy leaves out and why, and warns of a section that goes to no recipient.
func TestTheLeadIsToldWhatEachCopyLeavesOut(t *testing.T) {
	mother, father, child := uuid.NewString(), uuid.NewString(), uuid.NewString()
	sections := []*safeguardingv1.ReportSection{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION},
		{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_ARRIVAL_DEPARTURE, AboutPersonId: mother},
		{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_LOCATION_CONTACT, AboutPersonId: child}}
	list := []*safeguardingv1.Recipient{
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: mother, WithheldSections: []int32{2}},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: father, WithheldSections: []int32{1, 2}}}
	lines, warnings := leftOut(sections, list)
	require.Equal(t, []string{
		"recipient 1 (parent " + mother + "): copy leaves out section 3 (location and contact, about " + child + ")",
		"recipient 2 (parent " + father + "): copy leaves out section 2 (arrival and departure, about " + mother + "), " +
			"section 3 (location and contact, about " + child + ")",
	}, lines)
	require.Len(t, warnings, 1)
	require.True(t, strings.HasPrefix(warnings[0], "section 3 (location and contact, about "+child+") goes to no recipient: every copy leaves it out"), warnings[0])

	list = append(list, &safeguardingv1.Recipient{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT})
	lines, warnings = leftOut(sections, list)
	require.Len(t, lines, 2, "the court's copy leaves nothing out")
	require.Empty(t, warnings, "the court is given section 3")
}
