package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 49: a court order may say when it ends. An expired non-molestation order needs no
// "injunction in force" answer, and the family's details say it expired; an order ending before
// it is made, or an order about the children made before any of them was born, is refused at its
// field and records nothing.
func TestACourtOrdersExpiryIsRecordedAndShown(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	now := today()
	expired := &referralv1.CourtOrder{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION,
		MadeOn: date(now.AddDate(-1, -3, 0)), ExpiresOn: date(now.AddDate(0, -3, -1)), Description: "12 months, Family Court"}
	inForce := &referralv1.CourtOrder{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, MadeOn: date(now.AddDate(0, -2, 0))}

	for _, tc := range []struct {
		name, field, because string
		orders               []*referralv1.CourtOrder
	}{
		{"an order ending before it is made", "details.court_orders[0].expires_on", "must not be before made_on",
			[]*referralv1.CourtOrder{{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION, MadeOn: date(now.AddDate(0, -2, 0)),
				ExpiresOn: date(now.AddDate(0, -3, 0))}}},
		{"a child arrangements order made before the child was born", "details.court_orders[0].made_on",
			"must be on or after the birth of a child on the referral",
			[]*referralv1.CourtOrder{{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_CHILD_ARRANGEMENTS, MadeOn: date(now.AddDate(-7, 0, 0))}}},
		{"an expiry that is not a date", "details.court_orders[0].expires_on", "",
			[]*referralv1.CourtOrder{{Kind: referralv1.CourtOrderKind_COURT_ORDER_KIND_NON_MOLESTATION, ExpiresOn: &commonv1.Date{Year: 2027, Month: 4, Day: 31}}}},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			d := details(resident(), nonResident())
			d.CourtInvolved, d.Risk.Injunction, d.CourtOrders = true, true, tc.orders
			before := g.events(t)
			_, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d))
			require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
			got := violation(t, err, tc.field)
			require.NotEmpty(t, got, "%v", err)
			require.Contains(t, got, tc.because)
			for _, s := range secrets {
				require.NotContains(t, got, s)
			}
			require.Equal(t, before, g.events(t), "nothing appended")
		})
	}

	d := details(resident(), nonResident())
	d.CourtInvolved, d.CourtOrders = true, []*referralv1.CourtOrder{expired, inForce}
	sub, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d))
	require.NoError(t, err, "an expired injunction is not in force: no injunction is answered")
	opened, err := c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: sub.GetReferral().GetReferralId(), CentreId: centre.String(),
		Purpose: "check the court orders"})
	require.NoError(t, err)
	orders := opened.GetFamily().GetDetails().GetCourtOrders()
	require.Len(t, orders, 2)
	require.Equal(t, expired.GetExpiresOn().GetDay(), orders[0].GetExpiresOn().GetDay())
	require.True(t, orders[0].GetExpired(), "its expiry has passed")
	require.Nil(t, orders[1].GetExpiresOn())
	require.False(t, orders[1].GetExpired(), "no expiry known: in force")

	// The details as read come back in an amendment unchanged: expired is the service's word.
	_, err = c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: sub.GetReferral().GetReferralId(),
		CentreId: centre.String(), Details: opened.GetFamily().GetDetails(), ExpectedVersion: opened.GetFamily().GetVersion()})
	require.NoError(t, err)
}

// Review 49: a referral asking for supervised contact at a supported-only centre was received
// without a word. It is refused (SERVICE_NOT_OFFERED), saying what the centre offers, and records
// nothing.
func TestAReferralForAKindTheCentreDoesNotOfferIsRefused(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	before := g.events(t)
	_, err := c.SubmitReferral(t.Context(), submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supervised,
		details(resident(), nonResident())))
	require.Equal(t, "SERVICE_NOT_OFFERED", reason(t, err), "%v", err)
	require.Contains(t, status.Convert(err).Message(), "the centre does not offer supervised contact: it offers supported contact")
	require.Equal(t, before, g.events(t), "nothing appended")
}

// Review 49: a court-involved referral asking for supervised contact was accepted for supported
// contact with no note. Accepting it for another kind than the one asked for needs a note, kept
// with the decision and read with the family's notes.
func TestAcceptingACourtInvolvedReferralForAnotherKindNeedsANote(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported, supervised)
	w := g.casework(t, centre)
	ref := w.submit(supervised, func(d *referralv1.ReferralDetails) { d.CourtInvolved = true }).GetReferralId()
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)

	before := g.events(t)
	_, err := w.accept(ref, supported)
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	require.Contains(t, violation(t, err, "note"),
		"must say why the family is accepted for supported contact when the referral asks for supervised contact")
	require.Equal(t, before, g.events(t), "nothing appended")

	const why = "The order of March allows supported contact from now on"
	_, err = w.c.AcceptReferral(t.Context(), &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: centre.String(), ServiceType: supported, Note: why})
	require.NoError(t, err)
	opened, err := w.c.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: centre.String(),
		Purpose: "read the decision's note"})
	require.NoError(t, err)
	var texts []string
	for _, n := range opened.GetFamily().GetNotes() {
		texts = append(texts, n.GetText())
	}
	require.Contains(t, texts, why)
}
