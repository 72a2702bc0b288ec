package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Review 58 (decision 331): copies of a released report sent to further recipients are a step of
// the family's history of their own, on the day they were sent, saying to whom by kind: no
// person's id, no account.
func TestCopiesOfAReleasedReportSentAfterAreDescribed(t *testing.T) {
	day := &commonv1.Date{Year: 2027, Month: 1, Day: 20}
	sent := &safeguardingv1.ReportCopiesSent{ReportId: "r", FamilyId: "f", CentreId: "c", SentOn: day, SentBy: "lead-1", ListedBefore: 2,
		Recipients: []*safeguardingv1.Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingForPersonId: "person-p", WithheldSections: []int32{1}}}}
	words := Describe(envelopeOf(t, sent))
	require.Equal(t, "Observation report sent by the safeguarding lead, after its release, to 2 more recipients: the court, a party's solicitor", words)
	require.NotContains(t, words, "lead-1")
	require.NotContains(t, words, "person-p")
	require.Equal(t, day, occurred(sent))
	require.Equal(t, "Observation report sent by the safeguarding lead, after its release, to 1 more recipient: Cafcass",
		Describe(envelopeOf(t, &safeguardingv1.ReportCopiesSent{Recipients: []*safeguardingv1.Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS}}})))
	// Decision 375: sent although the text released was corrected since.
	require.Equal(t, "Observation report sent by the safeguarding lead, after its release, to 1 more recipient: Cafcass (the text as "+
		"released, corrected since: the lead tells them what changed)", Describe(envelopeOf(t, &safeguardingv1.ReportCopiesSent{
		DespiteCorrection: true, Recipients: []*safeguardingv1.Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS}}})))
}
