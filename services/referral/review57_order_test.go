package referral_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 57 (high), decision 318: a non-molestation order against the grandmother, not to
// approach the children, was stored as kind, dates and text, linked to nobody, and she, named to
// attend, was admitted at the door. The order now names the adults it keeps from the children;
// while it is in force FamilyReadyForContact sends each with no permissions (the door refuses
// them NOT_PERMITTED, decision 314), their own answers kept. Bad links change nothing; an
// amendment after the family is ready that newly keeps an adult is recorded and announced
// (AdultKeptFromChildren, decision 323); one that frees an adult is ATTENDEES_FIXED.
func TestACourtOrderAgainstTheGrandmotherReachesTheDoor(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	const gran, uncle, aunt = "Margaret Kestrel", "Uncle Kestrel", "Aunt Kestrel"
	ref := w.submit(supported, func(d *referralv1.ReferralDetails) {
		d.Adults = append(d.Adults,
			&referralv1.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, FullName: gran, MayAttend: true, Relationship: "grandmother"},
			&referralv1.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, FullName: uncle, MayAttend: true, Relationship: "uncle"},
			&referralv1.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, FullName: aunt, MayAttend: true, Relationship: "aunt"})
	})
	id := ref.GetReferralId()
	var f *referralv1.Family
	opened := func() *referralv1.Family {
		t.Helper()
		f, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: id, CentreId: w.centre.String(), Purpose: "link the order"})
		require.NoError(t, err)
		return f.GetFamily()
	}
	adultNamed := func(f *referralv1.Family, name string) string {
		i := slices.IndexFunc(f.GetDetails().GetAdults(), func(a *referralv1.Adult) bool { return a.GetFullName() == name })
		require.GreaterOrEqual(t, i, 0)
		return f.GetDetails().GetAdults()[i].GetPersonId()
	}
	f = opened()
	granID, uncleID := adultNamed(f, gran), adultNamed(f, uncle)
	order := func(kept ...string) *referralv1.CourtOrder {
		return &referralv1.CourtOrder{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION,
			MadeOn: date(today().AddDate(0, -6, 0)), ExpiresOn: date(today().AddDate(0, 6, 0)),
			Description: "Non-molestation order: not to approach the children", KeepsFromChildren: kept}
	}
	amend := func(why string, edit func(*referralv1.ReferralDetails)) error {
		t.Helper()
		d := proto.Clone(f.GetDetails()).(*referralv1.ReferralDetails)
		edit(d)
		_, err := w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: id,
			CentreId: w.centre.String(), Details: d, CorrectionReason: why})
		return err
	}
	withOrder := func(o *referralv1.CourtOrder) func(*referralv1.ReferralDetails) {
		return func(d *referralv1.ReferralDetails) {
			d.CourtInvolved, d.Risk.Injunction = true, true
			d.CourtOrders = append(d.CourtOrders, o)
		}
	}

	before := g.events(t)
	child := f.GetDetails().GetChildren()[0].GetPersonId()
	err := amend("", withOrder(order(child)))
	refused(t, err, codes.InvalidArgument, "details.court_orders[0].keeps_from_children[0]")
	require.NotContains(t, err.Error(), gran)
	refused(t, amend("", withOrder(order(uuid.NewString()))), codes.InvalidArgument, "details.court_orders[0].keeps_from_children[0]")
	refused(t, amend("", withOrder(order(granID, granID))), codes.InvalidArgument, "details.court_orders[0].keeps_from_children[1]")
	refused(t, amend("", withOrder(order("not an id"))), codes.InvalidArgument, "details.court_orders[0].keeps_from_children[0]")
	require.Equal(t, before, g.events(t), "bad links append nothing")

	require.NoError(t, amend("", withOrder(order(granID))))
	f = opened()
	require.Equal(t, []string{granID}, f.GetDetails().GetCourtOrders()[0].GetKeepsFromChildren())
	i := slices.IndexFunc(f.GetDetails().GetAdults(), func(a *referralv1.Adult) bool { return a.GetPersonId() == granID })
	require.True(t, f.GetDetails().GetAdults()[i].GetMayAttend(), "what the referrer wrote stays")

	w.screen(id, referralv1.RiskRating_RISK_RATING_GREEN, false)
	accepted, err := w.accept(id, supported)
	require.NoError(t, err)
	for _, a := range accepted.GetReferral().GetAdults() {
		if a.GetPersonId() == granID {
			continue // kept from the children: no pre-visit needed
		}
		_, err := w.c.RecordPreVisit(ctx, &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: id,
			CentreId: w.centre.String(), PersonId: a.GetPersonId(), VisitedOn: date(today()), GroundRulesSigned: true})
		require.NoError(t, err)
	}
	ready, err := w.c.AgreeArrangement(ctx, &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: id,
		CentreId: w.centre.String(), Arrangement: &referralv1.Arrangement{ServiceType: supported,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY, SessionMinutes: 120,
			Stagger: &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}}})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, ready.GetReferral().GetState())

	var published referralv1.FamilyReadyForContact
	g.published(t, w.centre, &published, func() bool { return published.GetReferralId() == id })
	sent := map[string]*referralv1.Attendee{}
	for _, a := range published.GetAdults() {
		sent[a.GetPersonId()] = a
	}
	require.Contains(t, sent, granID, "she reaches scheduling, so the door refuses her NOT_PERMITTED")
	require.False(t, sent[granID].GetMayAttend() || sent[granID].GetMayBring() || sent[granID].GetMayCollect())
	require.True(t, sent[uncleID].GetMayAttend(), "the uncle is not kept")
	raw, err := proto.Marshal(&published)
	require.NoError(t, err)
	require.NotContains(t, string(raw), gran)

	// Ready: a new order against the uncle is recorded and announced to scheduling
	// (AdultKeptFromChildren, after the ReferralAmended), with ids and the date only: the door
	// refuses him from then on (decision 323).
	f = opened()
	require.NoError(t, amend("a new order against the uncle", withOrder(order(uncleID))))
	types := g.eventTypes(t, id)
	require.Equal(t, []string{"FamilyReadyForContact", "ReferralAmended", "AdultKeptFromChildren"}, types[len(types)-3:])
	var kept referralv1.AdultKeptFromChildren
	g.published(t, w.centre, &kept, func() bool { return kept.GetReferralId() == id })
	require.Equal(t, uncleID, kept.GetPersonId())
	require.Equal(t, published.GetFamilyId(), kept.GetFamilyId())
	require.True(t, proto.Equal(date(today()), kept.GetKeptOn()))
	raw, err = proto.Marshal(&kept)
	require.NoError(t, err)
	require.NotContains(t, string(raw), uncle)
	require.NotContains(t, string(raw), "molestation")

	// Freeing an adult an order in force keeps would not reach the door: refused, nothing appended.
	f = opened()
	before = g.events(t)
	err = amend("the order was discharged", func(d *referralv1.ReferralDetails) { d.CourtOrders[0].KeepsFromChildren = nil })
	refused(t, err, codes.FailedPrecondition, "ATTENDEES_FIXED")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	// Review 77 (decision 389): the resident parent no longer agrees to the aunt coming. Taking
	// her off the referral needs no order: announced withdrawn, ids and the date only.
	f = opened()
	auntID := adultNamed(f, aunt)
	require.NoError(t, amend("the resident parent no longer agrees to the aunt coming", func(d *referralv1.ReferralDetails) {
		d.Adults = slices.DeleteFunc(d.Adults, func(a *referralv1.Adult) bool { return a.GetPersonId() == auntID })
	}))
	var off referralv1.AdultKeptFromChildren
	g.published(t, w.centre, &off, func() bool { return off.GetPersonId() == auntID })
	require.True(t, off.GetWithdrawn())
	raw, err = proto.Marshal(&off)
	require.NoError(t, err)
	require.NotContains(t, string(raw), aunt)
	// Putting her back widens who may come: by a new referral only.
	f = opened()
	err = amend("she may come after all", func(d *referralv1.ReferralDetails) {
		d.Adults = append(d.Adults, &referralv1.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, FullName: aunt, MayAttend: true,
			Relationship: "aunt"})
	})
	refused(t, err, codes.FailedPrecondition, "ATTENDEES_FIXED")
	// A parent is not taken off.
	err = amend("", func(d *referralv1.ReferralDetails) { d.Adults = d.Adults[:1] })
	require.Error(t, err)
}
