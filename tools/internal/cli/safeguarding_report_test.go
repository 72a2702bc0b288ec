package cli

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

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
	for _, want := range []string{"RECIPIENT", "PERSON/FOR", "parent", mother, "solicitor", father, "court", "[2]"} {
		require.Contains(t, out, want)
	}
}
