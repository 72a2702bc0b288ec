package cli

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Review 57, finding 2 (decision 319): after a correction of a released report, the CLI told the
// lead to give "the text corrected" to every recipient, the other parent included, though the
// correction may be of a section that parent's copy withholds (an address). It now says, for
// each recipient, which sections their copy withholds, and warns that the text as it stands is
// not for a recipient whose copy withholds a section.
func TestACorrectionSaysWhatEachCopyWithholdsAndWarns(t *testing.T) {
	mother, father := uuid.NewString(), uuid.NewString()
	list := []*safeguardingv1.Recipient{
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: mother},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: father, WithheldSections: []int32{1, 4}},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_SOLICITOR, ActingForPersonId: father, WithheldSections: []int32{4}},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}
	out := toTell(list)
	require.NotContains(t, out, "each given the text corrected", "not every recipient is given the text as it stands")
	require.Contains(t, out, "  1  parent "+mother+": copy withholds nothing\n")
	require.Contains(t, out, "  2  parent "+father+": copy withholds sections 2, 5\n", "numbered from 1, as report show numbers them")
	require.Contains(t, out, "  3  solicitor for "+father+": copy withholds section 5\n")
	require.Contains(t, out, "  4  court: copy withholds nothing\n")
	w := correctionWarning(list)
	require.True(t, strings.HasPrefix(w, "CORRECTION_NOT_FOR_EVERY_COPY: "), w)
	require.Contains(t, w, "do not give the correction's text as it stands to recipients 2 and 3")
	require.Contains(t, w, "a version without what their copy withholds")

	none := []*safeguardingv1.Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: mother},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}
	require.Empty(t, correctionWarning(none), "no copy withholds a section")
	require.Contains(t, toTell(none), "no copy withholds a section: each is given the text corrected")
	require.Empty(t, correctionWarning(nil))
	require.Empty(t, toTell(nil))
}
