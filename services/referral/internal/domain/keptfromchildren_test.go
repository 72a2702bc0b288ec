package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// grandmotherOrder is review 57's non-molestation order against the grandmother (adults[2] of the
// fixtures), not to approach the children, in force on today.
func grandmotherOrder(kept ...uuid.UUID) domain.CourtOrder {
	return domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2026, 6, 1), ExpiresOn: date(2027, 6, 1),
		Description: "not to approach the children", KeepsFromChildren: kept}
}

// prohibitedSteps is a prohibited steps order, in force, keeping the adults kept from the
// children (decision 323): not an injunction, so the risk answers stand as they are.
func prohibitedSteps(kept ...uuid.UUID) domain.CourtOrder {
	return domain.CourtOrder{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_PROHIBITED_STEPS, MadeOn: date(2026, 6, 1),
		Description: "not to remove the children", KeepsFromChildren: kept}
}

// withOrder is the referral's details with an injunction added, answered as one.
func withOrder(r *domain.Referral, o domain.CourtOrder) domain.Details {
	d := r.Details()
	d.Risk.Injunction = true
	d.CourtOrders = append(d.CourtOrders, o)
	return d
}

// makeReady takes an accepted-to-be referral from received to ready for contact, as inState does.
func makeReady(t *testing.T, r *domain.Referral, h *history) []proto.Message {
	t.Helper()
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}, today))
	h.ok(r.Accept(supported, both, "", today))
	for _, a := range r.Adults() {
		if a.NeedsPreVisit() {
			h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
		}
	}
	events := h.ok(r.AgreeArrangement(arrangement(supported), today))
	require.Equal(t, domain.ReadyForContact, r.State())
	return events
}

func readyEvent(t *testing.T, events []proto.Message) *referralv1.FamilyReadyForContact {
	t.Helper()
	for _, e := range events {
		if ready, ok := e.(*referralv1.FamilyReadyForContact); ok {
			return ready
		}
	}
	t.Fatal("no FamilyReadyForContact")
	return nil
}

func sentAs(t *testing.T, ready *referralv1.FamilyReadyForContact, id uuid.UUID) *referralv1.Attendee {
	t.Helper()
	for _, a := range ready.GetAdults() {
		if a.GetPersonId() == id.String() {
			return a
		}
	}
	t.Fatalf("adult %s not sent", id)
	return nil
}

// Review 57 (high), decision 318: a court order names the adults it keeps from the children, and
// while it is in force they are sent to scheduling with no permissions, so the door refuses them
// NOT_PERMITTED; their own answers stay as the referrer gave them.
func TestACourtOrderKeepsTheAdultItRestrainsFromTheChildren(t *testing.T) {
	t.Run("at submission no adult has an id to name", func(t *testing.T) {
		s := submission(details())
		s.Details.Risk.Injunction = true
		s.Details.CourtOrders = append(s.Details.CourtOrders, grandmotherOrder(uuid.New()))
		_, events, err := domain.Submit(s, submitted, ids())
		refused(t, err, "details.court_orders[1].keeps_from_children[0]", "is not an adult on this referral")
		require.Empty(t, events)
	})

	t.Run("only an adult on the referral, once, is kept from the children", func(t *testing.T) {
		r, _ := inState(t, domain.Received)
		version := r.Version()
		gran, child := r.Adults()[2].ID, r.Children()[0].ID
		for _, tc := range []struct {
			name   string
			kept   []uuid.UUID
			field  string
			reason string
		}{
			{"a child", []uuid.UUID{child}, "details.court_orders[1].keeps_from_children[0]", "is a child on the referral"},
			{"someone unknown", []uuid.UUID{uuid.New()}, "details.court_orders[1].keeps_from_children[0]", "is not an adult on this referral"},
			{"the same adult twice", []uuid.UUID{gran, gran}, "details.court_orders[1].keeps_from_children[1]",
				"repeats details.court_orders[1].keeps_from_children[0]"},
		} {
			events, err := r.Amend(withOrder(r, grandmotherOrder(tc.kept...)), "", today, ids())
			refused(t, err, tc.field, tc.reason, "Gran", "approach")
			require.Empty(t, events, tc.name)
			require.Equal(t, version, r.Version(), tc.name)
		}
	})

	t.Run("in force, the adult is sent with no permissions and keeps their own answers", func(t *testing.T) {
		r, h := inState(t, domain.Received)
		gran := r.Adults()[2].ID
		h.ok(r.Amend(withOrder(r, grandmotherOrder(gran)), "", today, ids()))
		require.Equal(t, []uuid.UUID{gran}, r.Details().CourtOrders[1].KeepsFromChildren)
		require.True(t, r.Details().Adults[2].MayAttend, "what the referrer wrote stays")

		ready := readyEvent(t, makeReady(t, r, h))
		sent := sentAs(t, ready, gran)
		require.False(t, sent.GetMayAttend() || sent.GetMayBring() || sent.GetMayCollect(), "the door is told she may not come")
		require.True(t, sentAs(t, ready, r.Adults()[1].ID).GetMayAttend(), "the visiting parent still may")

		rebuilt, err := domain.Rebuild(r.ID(), h.events)
		require.NoError(t, err)
		require.Equal(t, []uuid.UUID{gran}, rebuilt.Details().CourtOrders[1].KeepsFromChildren)
	})

	t.Run("an order that has expired keeps nobody", func(t *testing.T) {
		r, h := inState(t, domain.Received)
		gran := r.Adults()[2].ID
		o := grandmotherOrder(gran)
		o.ExpiresOn = today.AddDate(0, 0, -1)
		h.ok(r.Amend(withOrder(r, o), "", today, ids()))
		require.True(t, sentAs(t, readyEvent(t, makeReady(t, r, h)), gran).GetMayAttend())
	})

	t.Run("an order keeping everyone of the visiting party contradicts the referral", func(t *testing.T) {
		r, _ := inState(t, domain.Received)
		version := r.Version()
		events, err := r.Amend(withOrder(r, grandmotherOrder(r.Adults()[1].ID, r.Adults()[2].ID)), "", today, ids())
		refused(t, err, "details.adults[1].may_attend", "no one on the referral may take part in contact", "Gran", "approach")
		refused(t, err, "details.adults[1].may_attend", "keeps details.adults[")
		require.Empty(t, events)
		require.Equal(t, version, r.Version())
	})

	t.Run("once the family is ready an amendment keeping an adult from the children announces it", func(t *testing.T) {
		// Decision 323: announced to scheduling (AdultKeptFromChildren, after the ReferralAmended
		// that records it), not refused as before decision 323.
		r, h := inState(t, domain.ReadyForContact)
		gran := r.Adults()[2].ID
		version := r.Version()
		d := r.Details()
		d.CourtOrders = append(d.CourtOrders, prohibitedSteps(gran))
		events := h.ok(r.Amend(d, "new order", today, ids()))
		require.Len(t, events, 2)
		require.IsType(t, &referralv1.ReferralAmended{}, events[0])
		kept, ok := events[1].(*referralv1.AdultKeptFromChildren)
		require.True(t, ok, "announced: %T", events[1])
		require.Equal(t, []string{r.ID().String(), r.FamilyID().String(), r.CentreID().String(), gran.String()},
			[]string{kept.GetReferralId(), kept.GetFamilyId(), kept.GetCentreId(), kept.GetPersonId()})
		require.True(t, proto.Equal(dates.Proto(today), kept.GetKeptOn()))
		require.Equal(t, version+2, r.Version())
		require.Equal(t, domain.ReadyForContact, r.State())
		require.Equal(t, []uuid.UUID{gran}, r.Details().CourtOrders[1].KeepsFromChildren)
		rebuilt, err := domain.Rebuild(r.ID(), h.events)
		require.NoError(t, err)
		require.Equal(t, []uuid.UUID{gran}, rebuilt.Details().CourtOrders[1].KeepsFromChildren)

		// Amended again with the order unchanged: nothing more is announced.
		d = r.Details()
		d.Referrer.Phone = "01632 960002"
		again := h.ok(r.Amend(d, "phone", today, ids()))
		require.Len(t, again, 1)
		require.IsType(t, &referralv1.ReferralAmended{}, again[0])

		// An order recorded without the link is linked afterwards, and announced likewise.
		r2, h2 := inState(t, domain.Received)
		h2.ok(r2.Amend(withOrder(r2, grandmotherOrder()), "", today, ids()))
		makeReady(t, r2, h2)
		d2 := r2.Details()
		d2.CourtOrders[1].KeepsFromChildren = []uuid.UUID{r2.Adults()[2].ID}
		linked := h2.ok(r2.Amend(d2, "linked", today, ids()))
		require.Len(t, linked, 2)
		require.Equal(t, r2.Adults()[2].ID.String(), linked[1].(*referralv1.AdultKeptFromChildren).GetPersonId())
	})

	t.Run("once the family is ready keeping one adult does not let another change, nor the risk answers", func(t *testing.T) {
		r, _ := inState(t, domain.ReadyForContact)
		version := r.Version()
		d := r.Details()
		d.CourtOrders = append(d.CourtOrders, prohibitedSteps(r.Adults()[2].ID))
		d.Adults[1].MayCollect = !d.Adults[1].MayCollect
		events, err := r.Amend(d, "new order", today, ids())
		require.ErrorIs(t, err, domain.ErrAttendeesFixed)
		require.Empty(t, events)
		// A new injunction answered as one changes the risk answers, which stay safeguarding's
		// once the family is ready (decision 323 leaves this).
		events, err = r.Amend(withOrder(r, grandmotherOrder(r.Adults()[2].ID)), "new order", today, ids())
		require.ErrorIs(t, err, domain.ErrAttendeesFixed)
		require.Empty(t, events)
		require.Equal(t, version, r.Version())
	})

	t.Run("once the family is ready an amendment cannot free an adult the order keeps", func(t *testing.T) {
		r, h := inState(t, domain.Received)
		h.ok(r.Amend(withOrder(r, grandmotherOrder(r.Adults()[2].ID)), "", today, ids()))
		makeReady(t, r, h)
		version := r.Version()
		d := r.Details()
		d.CourtOrders[1].KeepsFromChildren = nil
		events, err := r.Amend(d, "order discharged", today, ids())
		require.ErrorIs(t, err, domain.ErrAttendeesFixed)
		require.Empty(t, events)
		require.Equal(t, version, r.Version())
	})
}

// Review 57 (low), decision 318: non-molestation and occupation orders are made under Part IV of
// the Family Law Act 1996, in force from 1 October 1997, and run for a set time: one dated before
// it, or ending more than 10 years after it was made, is a typo. Other kinds are dated as before.
func TestAnInjunctionIsDatedWithinTheFamilyLawAct(t *testing.T) {
	occupation := referralv1.CourtOrderKind_COURT_ORDER_KIND_OCCUPATION
	other := referralv1.CourtOrderKind_COURT_ORDER_KIND_OTHER
	for _, tc := range []struct {
		name   string
		order  domain.CourtOrder
		field  string
		reason string
	}{
		{"a non-molestation order made in 1900", domain.CourtOrder{Kind: nonMolestation, MadeOn: date(1900, 1, 1)},
			"details.court_orders[1].made_on", "must be on or after 1997-10-01"},
		{"an occupation order of 1901", domain.CourtOrder{Kind: occupation, MadeOn: date(1901, 1, 1), ExpiresOn: date(1902, 1, 1)},
			"details.court_orders[1].made_on", "Family Law Act 1996"},
		{"a non-molestation order expiring in 2199", domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2026, 1, 1),
			ExpiresOn: date(2199, 12, 31)}, "details.court_orders[1].expires_on", "must be at most 10 years after made_on"},
		{"an expiry in 2199 with no made_on", domain.CourtOrder{Kind: nonMolestation, ExpiresOn: date(2199, 12, 31)},
			"details.court_orders[1].expires_on", "must be at most 10 years after today"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := submission(details())
			s.Details.Risk.Injunction = true
			s.Details.CourtOrders = append(s.Details.CourtOrders, tc.order)
			_, events, err := domain.Submit(s, submitted, ids())
			refused(t, err, tc.field, tc.reason)
			require.Empty(t, events)

			r, _ := inState(t, domain.Received)
			version := r.Version()
			events, err = r.Amend(withOrder(r, tc.order), "", today, ids())
			refused(t, err, tc.field, tc.reason)
			require.Empty(t, events)
			require.Equal(t, version, r.Version())
		})
	}
	for _, tc := range []struct {
		name  string
		order domain.CourtOrder
	}{
		{"made the day the Act came in, for exactly 10 years", domain.CourtOrder{Kind: nonMolestation, MadeOn: date(1997, 10, 1),
			ExpiresOn: date(2007, 10, 1)}},
		{"with no dates", domain.CourtOrder{Kind: occupation}},
		{"another kind of order from 1990", domain.CourtOrder{Kind: other, MadeOn: date(1990, 1, 1), ExpiresOn: date(2199, 1, 1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := submission(details())
			s.Details.Risk.Injunction = true
			s.Details.CourtOrders = append(s.Details.CourtOrders, tc.order)
			_, _, err := domain.Submit(s, submitted, ids())
			require.NoError(t, err)
		})
	}
}
