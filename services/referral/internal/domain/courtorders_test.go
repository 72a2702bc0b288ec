package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

var (
	nonMolestation    = referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION
	childArrangements = referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS
)

// Review 49: a court order may say when it ends. One whose last day has passed, by the centre's
// today, is not in force: a non-molestation order that expired does not make the referral answer
// that an injunction is in force. One that ends before it is made is refused.
func TestACourtOrderThatHasExpiredIsNotInForce(t *testing.T) {
	expired := domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2025, 9, 1), ExpiresOn: date(2026, 8, 31)}

	t.Run("an expired non-molestation order needs no injunction answered", func(t *testing.T) {
		s := submission(details())
		s.Details.CourtOrders = append(s.Details.CourtOrders, expired)
		r, events, err := domain.Submit(s, submitted, ids())
		require.NoError(t, err)
		got := events[0].(*referralv1.ReferralReceived).GetFacts().GetCourtOrders()[1]
		require.Equal(t, int32(2026), got.GetExpiresOn().GetYear(), "the expiry is recorded, readable as made_on is")
		o := r.Details().CourtOrders[1]
		require.Equal(t, date(2026, 8, 31), o.ExpiresOn)
		require.False(t, o.InForce(submitted))
		require.True(t, o.InForce(date(2026, 8, 31)), "in force through its last day")

		// Rebuilt from its events, the referral keeps the expiry.
		rebuilt, err := domain.Rebuild(r.ID(), events)
		require.NoError(t, err)
		require.Equal(t, date(2026, 8, 31), rebuilt.Details().CourtOrders[1].ExpiresOn)
	})
	for _, tc := range []struct {
		name    string
		expires domain.CourtOrder
	}{
		{"no expiry given", domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2025, 9, 1)}},
		{"expiring later", domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2025, 9, 1), ExpiresOn: date(2027, 8, 31)}},
		{"expiring today", domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2025, 9, 1), ExpiresOn: submitted}},
	} {
		t.Run("an injunction in force, "+tc.name+", still needs the answer", func(t *testing.T) {
			s := submission(details())
			s.Details.CourtOrders = append(s.Details.CourtOrders, tc.expires)
			_, events, err := domain.Submit(s, submitted, ids())
			refused(t, err, "details.risk.injunction", "must be true: the referral records an injunction in force (details.court_orders[1]")
			require.Empty(t, events)
		})
	}
	t.Run("an order ending before it is made is refused", func(t *testing.T) {
		s := submission(details())
		s.Details.Risk.Injunction = true
		s.Details.CourtOrders = append(s.Details.CourtOrders, domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2025, 9, 1),
			ExpiresOn: date(2025, 8, 31)})
		_, events, err := domain.Submit(s, submitted, ids())
		refused(t, err, "details.court_orders[1].expires_on", "must not be before made_on")
		require.Empty(t, events)

		r, _ := inState(t, domain.Received)
		version := r.Version()
		d := r.Details()
		d.Risk.Injunction = true
		d.CourtOrders = append(d.CourtOrders, domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2025, 9, 1), ExpiresOn: date(2025, 8, 31)})
		events, err = r.Amend(d, "", today, ids())
		refused(t, err, "details.court_orders[1].expires_on", "must not be before made_on")
		require.Empty(t, events)
		require.Equal(t, version, r.Version())
	})
	t.Run("an order that expires the day it is made is accepted", func(t *testing.T) {
		s := submission(details())
		s.Details.CourtOrders = append(s.Details.CourtOrders, domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2025, 9, 1),
			ExpiresOn: date(2025, 9, 1)})
		_, _, err := domain.Submit(s, submitted, ids())
		require.NoError(t, err)
	})
	t.Run("an amendment records an order's expiry, and the injunction answer may then be no", func(t *testing.T) {
		s := submission(details())
		s.Details.Risk.Injunction = true
		s.Details.CourtOrders = append(s.Details.CourtOrders, domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2025, 9, 1)})
		r, _ := submit(t, s)
		d := r.Details()
		d.CourtOrders[1].ExpiresOn = date(2026, 8, 31)
		d.Risk.Injunction = false
		events, err := r.Amend(d, "The order ran out in August", today, ids())
		require.NoError(t, err)
		require.Len(t, events, 1)
		require.Equal(t, int32(31), events[0].(*referralv1.ReferralAmended).GetFacts().GetCourtOrders()[1].GetExpiresOn().GetDay())
		require.False(t, events[0].(*referralv1.ReferralAmended).GetFacts().GetRisk().GetInjunction())
	})
	t.Run("an order recorded before expiries were kept reads as in force", func(t *testing.T) {
		s := submission(details())
		s.Details.Risk.Injunction = true
		s.Details.CourtOrders = append(s.Details.CourtOrders, domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2025, 9, 1)})
		r, h := submit(t, s)
		ev := h.events[0].(*referralv1.ReferralReceived)
		require.Nil(t, ev.GetFacts().GetCourtOrders()[1].GetExpiresOn())
		require.True(t, r.Details().CourtOrders[1].InForce(date(2040, 1, 1)))
	})
}

// Review 49: a child arrangements order made years before either child on the referral was born
// was accepted. An order about a child (child arrangements, prohibited steps, specific issue) is
// made about a child already born: one dated before every child the referral names is refused.
// One made between two children's births is about the older; an injunction between the adults
// may predate them all.
func TestAnOrderAboutTheChildrenIsMadeAfterOneIsBorn(t *testing.T) {
	twoChildren := func(d *domain.Details) {
		d.Children = []domain.Child{{Name: "Zoë Child", DateOfBirth: date(2019, 4, 2)}, {Name: "Zak Child", DateOfBirth: date(2021, 6, 3)}}
	}
	for _, kind := range []referralv1.CourtOrderKind{childArrangements, referralv1.CourtOrderKind_COURT_ORDER_KIND_PROHIBITED_STEPS,
		referralv1.CourtOrderKind_COURT_ORDER_KIND_SPECIFIC_ISSUE} {
		t.Run(kind.String()+" made before every child was born", func(t *testing.T) {
			s := submission(details())
			twoChildren(&s.Details)
			s.Details.CourtOrders = []domain.CourtOrder{{Kind: kind, MadeOn: date(2015, 9, 22)}}
			_, events, err := domain.Submit(s, submitted, ids())
			refused(t, err, "details.court_orders[0].made_on", "must be on or after the birth of a child on the referral",
				"2015", "2019", "2021", "Zoë", "Zak")
			require.Empty(t, events)

			r, _ := inState(t, domain.InContact)
			version := r.Version()
			d := r.Details()
			d.CourtOrders = append(d.CourtOrders, domain.CourtOrder{Kind: kind, MadeOn: date(2015, 9, 22)})
			events, err = r.Amend(d, "", today, ids())
			refused(t, err, "details.court_orders[1].made_on", "must be on or after the birth of a child on the referral")
			require.Empty(t, events)
			require.Equal(t, version, r.Version())
		})
	}
	for _, tc := range []struct {
		name  string
		order domain.CourtOrder
	}{
		{"a child arrangements order made between the children's births (the older's)", domain.CourtOrder{Kind: childArrangements, MadeOn: date(2020, 1, 10)}},
		{"a child arrangements order made on the day the older was born", domain.CourtOrder{Kind: childArrangements, MadeOn: date(2019, 4, 2)}},
		{"a child arrangements order, its date not known", domain.CourtOrder{Kind: childArrangements}},
		{"a non-molestation order made before both were born", domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2015, 9, 22)}},
		{"an occupation order made before both were born", domain.CourtOrder{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_OCCUPATION,
			MadeOn: date(2015, 9, 22)}},
		{"another order made before both were born", domain.CourtOrder{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_OTHER,
			MadeOn: date(2015, 9, 22)}},
	} {
		t.Run(tc.name+" is accepted", func(t *testing.T) {
			s := submission(details())
			twoChildren(&s.Details)
			s.Details.Risk.Injunction = true
			s.Details.CourtOrders = []domain.CourtOrder{tc.order}
			_, _, err := domain.Submit(s, submitted, ids())
			require.NoError(t, err)
		})
	}
	t.Run("an amendment keeps one recorded before the rule", func(t *testing.T) {
		r, h := inState(t, domain.InContact)
		ev := proto.Clone(h.events[0]).(*referralv1.ReferralReceived)
		ev.Facts.CourtOrders[0].MadeOn.Year = 2015 // before the child's birth in 2019
		h.events[0] = ev
		r, err := domain.Rebuild(r.ID(), h.events)
		require.NoError(t, err)
		d := r.Details()
		d.Availability = "Sunday afternoons"
		events, err := r.Amend(d, "", today, ids())
		require.NoError(t, err, "the order kept as recorded is not refused")
		require.Len(t, events, 1)

		d = r.Details()
		d.CourtOrders[0].Description = "Family Court case ZX13"
		_, err = r.Amend(d, "", today, ids())
		refused(t, err, "details.court_orders[0].made_on", "must be on or after the birth of a child on the referral")
	})
}

// Review 49: a referral asking for supervised contact was accepted for supported contact, on a
// court-involved referral, with nothing saying why. Accepting a court-involved family for another
// kind than the one asked for needs a note, recorded sealed with the decision and read with the
// family's notes; domestic abuse ruling out the kind asked for is itself the reason.
func TestAcceptingACourtInvolvedFamilyForAnotherKindSaysWhy(t *testing.T) {
	screened := func(t *testing.T, requested commonv1.ServiceType, court, finding bool) *domain.Referral {
		t.Helper()
		s := submission(details())
		s.RequestedServiceType = requested
		if !court {
			s.Details.CourtOrders, s.Details.CourtInvolved = nil, false
		}
		r, _ := submit(t, s)
		_, err := r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: finding,
			Note: "Reviewed the answers with both parents"}, today)
		require.NoError(t, err)
		return r
	}
	t.Run("supervised asked, supported accepted without a note: refused", func(t *testing.T) {
		r := screened(t, supervisd, true, false)
		version := r.Version()
		events, err := r.Accept(supported, both, "  ", today)
		refused(t, err, "note", "must say why the family is accepted for supported contact when the referral asks for supervised contact")
		require.Empty(t, events)
		require.Equal(t, version, r.Version())

		events, err = r.Accept(supported, both, "The order of 1 September allows supported contact", today)
		require.NoError(t, err)
		require.NotEmpty(t, events[0].(*referralv1.ReferralAccepted).GetSealedNote())
		notes := r.Notes()
		require.Equal(t, "The order of 1 September allows supported contact", notes[len(notes)-1].Text)
	})
	t.Run("the kind asked for needs no note", func(t *testing.T) {
		r := screened(t, supervisd, true, false)
		events, err := r.Accept(supervisd, both, "", today)
		require.NoError(t, err)
		require.Empty(t, events[0].(*referralv1.ReferralAccepted).GetSealedNote())
	})
	t.Run("no court involved: another kind needs no note", func(t *testing.T) {
		r := screened(t, supervisd, false, false)
		_, err := r.Accept(supported, both, "", today)
		require.NoError(t, err)
	})
	t.Run("supervised where a finding rules out the supported contact asked for needs no note", func(t *testing.T) {
		r := screened(t, supported, true, true)
		_, err := r.Accept(supervisd, both, "", today)
		require.NoError(t, err)
	})
}

// Review 49: a centre that does not offer the kind of contact asked for refuses the referral at
// once, saying what it offers.
func TestACentreTakesReferralsOnlyForWhatItOffers(t *testing.T) {
	c := domain.Centre{Services: []commonv1.ServiceType{supported}}
	err := c.TakesReferralsFor(supervisd)
	require.ErrorIs(t, err, domain.ErrServiceNotOffered)
	require.EqualError(t, err, "the centre does not offer supervised contact: it offers supported contact")
	require.NoError(t, c.TakesReferralsFor(supported))
	require.EqualError(t, domain.Centre{Services: both}.TakesReferralsFor(commonv1.ServiceType_SERVICE_TYPE_HANDOVER),
		"the centre does not offer handover contact: it offers supported and supervised contact")
}

// Review 49: a referral whose court orders had all expired still had to say a court is involved.
// An order past its last day is history (kept, and read back as expired); only an order in force on
// the day of the submission or amendment shows a court involved with the family now. A court's
// referral is court-involved whatever its orders say.
func TestAnExpiredCourtOrderIsHistoryNotCourtInvolvement(t *testing.T) {
	expired := domain.CourtOrder{Kind: childArrangements, MadeOn: date(2020, 3, 1), ExpiresOn: date(2025, 3, 1)}
	expiredInjunction := domain.CourtOrder{Kind: nonMolestation, MadeOn: date(2024, 3, 1), ExpiresOn: date(2025, 3, 1)}
	uninvolved := func(orders ...domain.CourtOrder) domain.Submission {
		s := submission(details())
		s.Details.CourtOrders, s.Details.CourtInvolved = orders, false
		return s
	}

	t.Run("only expired orders: no court involved is accepted, and the orders are kept", func(t *testing.T) {
		r, events, err := domain.Submit(uninvolved(expired, expiredInjunction), submitted, ids())
		require.NoError(t, err)
		facts := events[0].(*referralv1.ReferralReceived).GetFacts()
		require.False(t, facts.GetCourtInvolved())
		require.Len(t, facts.GetCourtOrders(), 2, "an expired order is kept as the family's history")
		require.False(t, r.Details().CourtInvolved)
		require.Equal(t, date(2025, 3, 1), r.Details().CourtOrders[0].ExpiresOn)
	})
	for _, tc := range []struct {
		name   string
		orders []domain.CourtOrder
		path   string
	}{
		{"an order with no expiry", []domain.CourtOrder{{Kind: childArrangements, MadeOn: date(2025, 3, 1)}}, "details.court_orders[0]"},
		{"an order expiring later", []domain.CourtOrder{{Kind: childArrangements, MadeOn: date(2025, 3, 1), ExpiresOn: date(2027, 3, 1)}}, "details.court_orders[0]"},
		{"an order expiring on the day", []domain.CourtOrder{{Kind: childArrangements, MadeOn: date(2025, 3, 1), ExpiresOn: submitted}}, "details.court_orders[0]"},
		{"an expired order and one in force", []domain.CourtOrder{expired, {Kind: childArrangements, MadeOn: date(2025, 3, 1)}}, "details.court_orders[1]"},
	} {
		t.Run(tc.name+" still needs the court involved", func(t *testing.T) {
			_, events, err := domain.Submit(uninvolved(tc.orders...), submitted, ids())
			refused(t, err, "details.court_involved", "must be true: the referral records a court order in force ("+tc.path+")")
			require.Empty(t, events)
		})
	}
	t.Run("a court's referral is court-involved whatever its orders say", func(t *testing.T) {
		s := uninvolved(expired)
		s.Source = commonv1.ReferralSource_REFERRAL_SOURCE_COURT
		_, events, err := domain.Submit(s, submitted, ids())
		refused(t, err, "details.court_involved", "must be true: the referral comes from a court")
		require.Empty(t, events)
	})
	t.Run("an amendment after the order expired may say no court is involved", func(t *testing.T) {
		s := submission(details())
		s.Details.CourtOrders = []domain.CourtOrder{{Kind: childArrangements, MadeOn: date(2025, 3, 1), ExpiresOn: date(2026, 11, 1)}}
		r, _ := submit(t, s)
		d := r.Details()
		d.CourtInvolved = false
		events, err := r.Amend(d, "", date(2026, 10, 15), ids())
		refused(t, err, "details.court_involved", "records a court order in force (details.court_orders[0])")
		require.Empty(t, events, "in force on the day of the amendment")
		events, err = r.Amend(d, "", today, ids())
		require.NoError(t, err)
		require.False(t, events[0].(*referralv1.ReferralAmended).GetFacts().GetCourtInvolved())
	})
}
