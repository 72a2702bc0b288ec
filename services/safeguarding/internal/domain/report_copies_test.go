package domain

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Review 58 (decision 331): the bodies a family's referral involves that are not on a report's
// distribution list are named, court first; one not involved, or on the list, is not.
func TestTheBodiesInvolvedNotOnTheListAreNamed(t *testing.T) {
	court, cafcass := safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT, safeguardingv1.RecipientKind_RECIPIENT_KIND_CAFCASS
	la := safeguardingv1.RecipientKind_RECIPIENT_KIND_LOCAL_AUTHORITY
	parents := []Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: uuid.New()}}
	require.Equal(t, []safeguardingv1.RecipientKind{court, cafcass}, Bodies{Court: true, Cafcass: true}.NotSent(parents))
	require.Equal(t, []safeguardingv1.RecipientKind{cafcass, la}, Bodies{Court: true, Cafcass: true, LocalAuthority: true}.NotSent(
		append(parents, Recipient{Kind: court})))
	require.Empty(t, Bodies{}.NotSent(parents), "none involved")
	report, centre := uuid.New(), uuid.New()
	require.Contains(t, BodyNotSent(report, centre, la), "BODY_INVOLVED_NOT_SENT: the family's referral involves the local authority")
	require.Contains(t, BodyNotSent(report, centre, la), "familytime safeguarding report send-copy "+report.String()+" --centre "+centre.String()+" --to local-authority")
}

// A released report's copies are sent to further recipients at the end of its list, made by the
// release's rules; a rebuilt report keeps each copy's index. Only the lead sends them, only of a
// released report, and never to someone on the list already.
func TestCopiesOfAReleasedReportGoToFurtherRecipients(t *testing.T) {
	mother, father := uuid.New(), uuid.New()
	r, recs := dueReport(t, "")
	sections := []Section{
		{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "warm greeting"},
		{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_LOCATION_CONTACT, About: mother, Text: "new address"},
	}
	court := Recipient{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}
	var log []proto.Message
	for _, step := range []func() ([]proto.Message, error){
		func() ([]proto.Message, error) { return r.Draft(sup, sections, monday) },
		func() ([]proto.Message, error) { return r.Submit(sup, monday) },
		func() ([]proto.Message, error) { return r.Check(sup2, true, "", monday) },
	} {
		evs, err := step()
		require.NoError(t, err)
		log = append(log, evs...)
	}
	_, err := r.SendCopies(lead, []Recipient{court}, monday, false)
	require.ErrorIs(t, err, ErrNotReleased)
	evs, err := r.Release(lead, []Recipient{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: mother}}, monday)
	require.NoError(t, err)
	log = append(log, evs...)
	_, err = r.SendCopies(sup, []Recipient{court}, monday, false)
	require.ErrorIs(t, err, ErrReleasedByLead)
	_, err = r.SendCopies(lead, []Recipient{court, {Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: mother}}, monday, false)
	invalidField(t, err, "recipients[1]")
	evs, err = r.SendCopies(lead, []Recipient{court, {Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, Person: father}}, monday, false)
	require.NoError(t, err)
	log = append(log, evs...)
	sent := evs[0].(*safeguardingv1.ReportCopiesSent)
	require.Equal(t, int32(1), sent.GetListedBefore())
	require.Equal(t, "lead-1", sent.GetSentBy())
	require.Empty(t, sent.GetRecipients()[0].GetWithheldSections())
	require.Equal(t, []int32{1}, sent.GetRecipients()[1].GetWithheldSections(), "the father never sees the mother's address")

	again, err := RebuildReport(r.ID(), append(recs, recorded(log...)...))
	require.NoError(t, err)
	require.Len(t, again.Recipients(), 3)
	c, err := again.CopyFor(1)
	require.NoError(t, err)
	require.Equal(t, []int{0, 1}, c, "the court's copy")
	c, err = again.CopyFor(2)
	require.NoError(t, err)
	require.Equal(t, []int{0}, c, "the father's copy")
	_, err = again.Release(lead, []Recipient{court}, monday)
	require.ErrorIs(t, err, ErrReportReleasedAlready)
	require.Contains(t, err.Error(), "report send-copy "+r.ID().String())
}
