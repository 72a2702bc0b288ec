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

// Review 49: the record of a family whose screen left an expired injunction out of the factor
// says so under its risk, with the days, so the lead sees what was not counted and why.
func TestARiskLineSaysWhichExpiredInjunctionWasNotCounted(t *testing.T) {
	risk := &safeguardingv1.Risk{Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, Provisional: true,
		ExpiredInjunctions: []*safeguardingv1.ExpiredInjunction{{Kind: safeguardingv1.InjunctionKind_INJUNCTION_KIND_NON_MOLESTATION,
			ExpiresOn: &commonv1.Date{Year: 2027, Month: 1, Day: 4}, ScreenedOn: &commonv1.Date{Year: 2027, Month: 4, Day: 2}}}}
	require.Equal(t, "risk: green (provisional: false), review by -", riskLine(&safeguardingv1.Risk{Rating: risk.GetRating()}))
	require.Equal(t, "risk: green (provisional: true), review by -\nnot counted as an injunction in force: a non-molestation order "+
		"that expired on 2027-01-04, before the screen of 2027-04-02 (an answer that an injunction is in force still counts: "+
		"assess the risk with the order in mind)", riskLine(risk))
}

// Review 48: the distribution list numbered its recipients from 0 ("recipient 0"); people count
// from 1, and --recipient takes the number the list shows. 0 is refused, naming the flag.
func TestRecipientsAreNumberedFromOne(t *testing.T) {
	mother := uuid.NewString()
	var b bytes.Buffer
	require.NoError(t, printRecipients(&b, &output{}, []*safeguardingv1.Recipient{
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: mother},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 3)
	require.True(t, strings.HasPrefix(strings.TrimSpace(lines[1]), "1 "), lines[1])
	require.True(t, strings.HasPrefix(strings.TrimSpace(lines[2]), "2 "), lines[2])

	out, err := execute(t, "safeguarding", "report", "show", uuid.NewString(), "--centre", uuid.NewString(), "--purpose", "send the copy",
		"--recipient", "0", "--data", t.TempDir(), "--json")
	require.EqualError(t, err, "--recipient must be a recipient's number on the distribution list, from 1 (the # column of report show "+
		"and report release), not 0")
	f := failureOf(t, out)
	require.Equal(t, "FLAG_INVALID", f.Reason)
}

// Review 48: a correction of a report's released text says whom to send it, numbered as the
// distribution list is; a correction no recipient was given says nothing.
func TestACorrectionSaysWhomToSendIt(t *testing.T) {
	father := uuid.NewString()
	require.Empty(t, toTell(nil))
	require.Equal(t, "\ntell the report's recipients of the correction (report show --recipient N is each "+
		"one's copy):\n  1  parent "+father+": copy withholds nothing\n  2  court: copy withholds nothing\n"+
		"no copy withholds a section: each is given the text corrected\n", toTell([]*safeguardingv1.Recipient{
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: father},
		{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}))
}
