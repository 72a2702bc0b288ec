package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
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
