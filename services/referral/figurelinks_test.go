package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/host"
)

// figureLink is a ChildMatchedForFigures as the log holds it, with its envelope's family and
// centre.
type figureLink struct {
	ev             *referralv1.ChildMatchedForFigures
	family, centre *uuid.UUID
}

// figureLinks are the links for the figures recorded, in the order appended.
func (g *rig) figureLinks(t *testing.T) []figureLink {
	t.Helper()
	rows, err := g.owner.Query(t.Context(), `SELECT stream_id, payload, family_id, centre_id FROM events
		WHERE event_type = 'familytime.referral.v1.ChildMatchedForFigures' ORDER BY position`)
	require.NoError(t, err)
	defer rows.Close()
	var out []figureLink
	for rows.Next() {
		var stream string
		var payload []byte
		var l figureLink
		require.NoError(t, rows.Scan(&stream, &payload, &l.family, &l.centre))
		l.ev = &referralv1.ChildMatchedForFigures{}
		require.NoError(t, proto.Unmarshal(payload, l.ev))
		require.Equal(t, "figures-link-"+l.ev.GetLinkId(), stream, "each link is a stream of its own")
		out = append(out, l)
	}
	require.NoError(t, rows.Err())
	return out
}

// Review 84 M1 (decision 411): a child referred to two centres, with nothing standing on either,
// is flagged at neither (that a child is known elsewhere is no other centre's business, decision
// 173), so no person could confirm them as one child and the national figures counted them
// twice. Exactly the same name and date of birth at another centre, unflagged, now links the two
// for the figures alone: on a stream of no family, told to neither centre. A close match, a
// referral at the same centre, and one flagged for a hold are a person's to confirm, and are not
// linked.
func TestAChildReferredAtTwoCentresIsLinkedForTheFiguresAlone(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, supported))
	readied := a.ready(supported) // accepted, so that a hold can suspend it below
	read, err := a.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: readied, CentreId: a.centre.String()})
	require.NoError(t, err)
	first := read.GetReferral()
	require.Empty(t, g.figureLinks(t), "a child referred once is linked to nobody")

	b := g.casework(t, g.centre(t, supported))
	there := b.submit(supported)
	require.Empty(t, there.GetPossibleDuplicateOf(), "nothing stands at the first centre: not flagged")
	links := g.figureLinks(t)
	require.Len(t, links, 1, "the same child at another centre is linked once")
	l := links[0]
	require.Equal(t, there.GetReferralId(), l.ev.GetReferralId())
	require.Equal(t, there.GetChildren()[0].GetPersonId(), l.ev.GetChildPersonId())
	require.Equal(t, first.GetReferralId(), l.ev.GetOtherReferralId())
	require.Equal(t, first.GetChildren()[0].GetPersonId(), l.ev.GetOtherChildPersonId())
	require.Nil(t, l.family, "the link is no family's step: in neither family's history")
	require.Equal(t, b.centre, *l.centre)
	require.NotNil(t, l.ev.GetMatchedOn())
	read, err = b.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: there.GetReferralId(), CentreId: b.centre.String()})
	require.NoError(t, err)
	require.Empty(t, read.GetReferral().GetPossibleDuplicates(), "the second centre is told nothing of the first")
	for _, typ := range g.eventTypes(t, there.GetReferralId()) {
		require.NotEqual(t, "ChildMatchedForFigures", typ, "nor is the link on the referral's own stream")
	}

	// A close match (the same name, born a day later) is a person's to weigh: not linked.
	c := g.casework(t, g.centre(t, supported))
	close := c.submit(supported, func(d *referralv1.ReferralDetails) {
		born := d.Children[0].GetDateOfBirth()
		born.Day = born.Day%28 + 1
	})
	require.Len(t, g.figureLinks(t), 1, "a close match is not linked")

	// Corrected to the child's date of birth, the child is matched again, as submission matches,
	// and linked to both referrals of the child elsewhere.
	opened, err := c.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: close.GetReferralId(), CentreId: c.centre.String(),
		Purpose: "correct the child's date of birth"})
	require.NoError(t, err)
	d := opened.GetFamily().GetDetails()
	d.Children[0].DateOfBirth = details().Children[0].GetDateOfBirth()
	_, err = c.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: close.GetReferralId(),
		CentreId: c.centre.String(), Details: d})
	require.NoError(t, err)
	links = g.figureLinks(t)
	require.Len(t, links, 3, "the corrected child is linked to the child at each other centre")
	others := []string{links[1].ev.GetOtherReferralId(), links[2].ev.GetOtherReferralId()}
	require.ElementsMatch(t, []string{first.GetReferralId(), there.GetReferralId()}, others)
	for _, l := range links[1:] {
		require.Equal(t, close.GetReferralId(), l.ev.GetReferralId())
	}

	// At the same centre the child is flagged (decision 262): the centre confirms, not a hash.
	again := a.submit(supported)
	require.Equal(t, []string{first.GetReferralId()}, again.GetPossibleDuplicateOf())
	require.Len(t, g.figureLinks(t), 3+2, "linked to the other centres' referrals, not to its own centre's")
	for _, l := range g.figureLinks(t)[3:] {
		require.NotEqual(t, first.GetReferralId(), l.ev.GetOtherReferralId(), "the referral flagged at its centre is not linked")
	}

	// Under a hold at the first centre, a referral elsewhere is flagged for a person to check,
	// and the held referral is not linked.
	g.suspend(t, a, first.GetReferralId())
	before := len(g.figureLinks(t))
	e := g.casework(t, g.centre(t, supported))
	held := e.submit(supported)
	require.Contains(t, held.GetPossibleDuplicateOf(), first.GetReferralId())
	for _, l := range g.figureLinks(t)[before:] {
		require.Equal(t, held.GetReferralId(), l.ev.GetReferralId())
		require.NotEqual(t, first.GetReferralId(), l.ev.GetOtherReferralId(), "the held referral is a person's to check")
	}
}

// unmatched are the withdrawals of links for the figures recorded, in the order appended.
func (g *rig) unmatched(t *testing.T) []*referralv1.ChildUnmatchedForFigures {
	t.Helper()
	rows, err := g.owner.Query(t.Context(), `SELECT stream_id, version, payload, family_id FROM events
		WHERE event_type = 'familytime.referral.v1.ChildUnmatchedForFigures' ORDER BY position`)
	require.NoError(t, err)
	defer rows.Close()
	var out []*referralv1.ChildUnmatchedForFigures
	for rows.Next() {
		var stream string
		var version int64
		var payload []byte
		var family *uuid.UUID
		require.NoError(t, rows.Scan(&stream, &version, &payload, &family))
		ev := &referralv1.ChildUnmatchedForFigures{}
		require.NoError(t, proto.Unmarshal(payload, ev))
		require.Equal(t, "figures-link-"+ev.GetLinkId(), stream, "on the link's own stream")
		require.EqualValues(t, 2, version, "after the link")
		require.Nil(t, family, "no family's step, as the link")
		out = append(out, ev)
	}
	require.NoError(t, rows.Err())
	return out
}

// Decision 411's Left (decision 413): a link for the figures stood whatever became of the two
// children's details. A correction that gives one of them another date of birth withdraws it, on
// the link's own stream, whichever of the two referrals is corrected, open or closed; corrected
// back, the child is linked again, once.
func TestACorrectedChildIsNoLongerLinkedForTheFigures(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, supported))
	first := a.submit(supported)
	b := g.casework(t, g.centre(t, supported))
	second := b.submit(supported)
	require.Len(t, g.figureLinks(t), 1)
	link := g.figureLinks(t)[0].ev
	born := details().Children[0].GetDateOfBirth()
	name := details().Children[0].GetFullName()
	bornOn := time.Date(int(born.GetYear()), time.Month(born.GetMonth()), int(born.GetDay()), 0, 0, 0, 0, time.UTC)

	// The first centre corrects its child's date of birth: no longer the same child by the hashes.
	_, err := a.renamed(first.GetReferralId(), name, bornOn.AddDate(0, 0, 3))
	require.NoError(t, err)
	gone := g.unmatched(t)
	require.Len(t, gone, 1, "the link no longer stands")
	require.Equal(t, link.GetLinkId(), gone[0].GetLinkId())
	require.Equal(t, first.GetReferralId(), gone[0].GetReferralId(), "withdrawn by the first referral's correction")
	require.Equal(t, link.GetOtherChildPersonId(), gone[0].GetChildPersonId())
	require.NotNil(t, gone[0].GetUnmatchedOn())
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM figure_links WHERE withdrawn_on IS NOT NULL"))
	require.Len(t, g.figureLinks(t), 1, "and nothing new is linked")

	// Corrected back, the first child is the second centre's again: linked once more, by a new link.
	_, err = a.renamed(first.GetReferralId(), name, bornOn)
	require.NoError(t, err)
	links := g.figureLinks(t)
	require.Len(t, links, 2)
	require.Equal(t, first.GetReferralId(), links[1].ev.GetReferralId())
	require.Equal(t, second.GetReferralId(), links[1].ev.GetOtherReferralId())
	require.Len(t, g.unmatched(t), 1)

	// An amendment that leaves the child's name and date of birth as they were touches no link.
	_, err = a.renamed(first.GetReferralId(), name, bornOn, func(d *referralv1.ReferralDetails) { d.Children[0].Needs = "peanut and sesame allergy" })
	require.NoError(t, err)
	require.Len(t, g.figureLinks(t), 2)
	require.Len(t, g.unmatched(t), 1)

	// The second referral, closed, is corrected (the reason said): the link made from the
	// other side is withdrawn too.
	b.withdraw(second.GetReferralId())
	opened, err := b.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: second.GetReferralId(), CentreId: b.centre.String(),
		Purpose: "correct the child's date of birth"})
	require.NoError(t, err)
	d := opened.GetFamily().GetDetails()
	d.Children[0].DateOfBirth = date(bornOn.AddDate(-1, 0, 0))
	_, err = b.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: second.GetReferralId(),
		CentreId: b.centre.String(), Details: d, CorrectionReason: "the birth certificate gives the year before"})
	require.NoError(t, err)
	gone = g.unmatched(t)
	require.Len(t, gone, 2)
	require.Equal(t, links[1].ev.GetLinkId(), gone[1].GetLinkId())
	require.Equal(t, second.GetReferralId(), gone[1].GetReferralId())
	require.Equal(t, links[1].ev.GetOtherChildPersonId(), gone[1].GetChildPersonId(), "the second referral's child")
	require.Zero(t, g.count(t, "SELECT count(*) FROM figure_links WHERE withdrawn_on IS NULL"), "no link stands")
}

// The links made before decision 413 are read from the log into figure_links at the service's
// start, once.
func TestEarlierFigureLinksAreRecordedAtStart(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, supported))
	first := a.submit(supported)
	b := g.casework(t, g.centre(t, supported))
	b.submit(supported)
	// As an earlier version left it.
	_, err := g.owner.Exec(ctx, `DELETE FROM figure_links`)
	require.NoError(t, err)
	_, err = g.owner.Exec(ctx, `INSERT INTO figure_links_to_complete VALUES (true)`)
	require.NoError(t, err)

	require.NoError(t, g.svc.(host.Preparer).Prepare(ctx))
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM figure_links WHERE withdrawn_on IS NULL"))
	require.Zero(t, g.count(t, "SELECT count(*) FROM figure_links_to_complete"))
	require.NoError(t, g.svc.(host.Preparer).Prepare(ctx))
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM figure_links"))

	// So a correction withdraws the link made before.
	born := details().Children[0].GetDateOfBirth()
	_, err = a.renamed(first.GetReferralId(), details().Children[0].GetFullName(),
		time.Date(int(born.GetYear())+1, time.Month(born.GetMonth()), int(born.GetDay()), 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Len(t, g.unmatched(t), 1)
}
