package cli

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Review 58, finding 2 (decision 331): a released report left the court with no way to be given
// it. report send-copy sends the text released to further recipients, given as release's --to
// are, and says which recipients it added, numbered as the list's # column.
func TestReportSendCopyTakesRecipientsAsReleaseDoesAndSaysWhomItAdded(t *testing.T) {
	father := uuid.NewString()
	in, err := recipientInputs([]string{"court", "solicitor=" + father, "parent=" + father})
	require.NoError(t, err)
	require.Equal(t, safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT, in[0].GetKind())
	require.Equal(t, father, in[1].GetActingForPersonId())
	require.Equal(t, father, in[2].GetPersonId())
	_, err = recipientInputs([]string{"judge"})
	require.Error(t, err)

	list := []*safeguardingv1.Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: father},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingForPersonId: father}}
	require.Equal(t, "copies of the text released sent now to: recipient 2 (court), recipient 3 (solicitor for "+father+")",
		copiesSentWords([]int32{1, 2}, list))

	var sendCopy, release string
	for _, c := range newSafeguardingCommand().Commands() {
		if c.Name() != "report" {
			continue
		}
		for _, sub := range c.Commands() {
			switch sub.Name() {
			case "send-copy":
				sendCopy = sub.Long + sub.Example
			case "release":
				release = sub.Long
			}
		}
	}
	require.Contains(t, sendCopy, "familytime safeguarding report send-copy $R --centre $C --to court --to cafcass")
	require.Contains(t, release, "BODY_INVOLVED_NOT_SENT")
	require.Contains(t, release, "report send-copy")
}
