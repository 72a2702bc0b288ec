package referral_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/referral/internal/ports"
)

// What review 28 found of decisions 191 to 194 (decision 197), through the running service.

// assessed publishes a risk assessment of the family at the centre, as safeguarding records a
// person's, and waits for the referral to note it.
func (g *rig) assessed(t *testing.T, ref, family string, centre uuid.UUID, found bool) {
	t.Helper()
	f := uuid.MustParse(family)
	publish(t, g.safeguarding, "risk-"+family, &safeguardingv1.RiskAssessed{FamilyId: family, CentreId: centre.String(),
		AssessedOn: date(today()), Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: found,
		NextReviewOn: date(today().AddDate(0, 1, 0))}, f, centre)
	require.Eventually(t, func() bool { return slices.Contains(g.eventTypes(t, ref), "RiskAssessmentNoted") },
		30*time.Second, 10*time.Millisecond, "the referral notes the assessment")
}

// A caller acting as a referrer is answered a referral's id and state, and nothing else, by every
// RPC a referrer may call: review 28's parent, applying at another centre for a child whose other
// parent disclosed domestic abuse on a withdrawn referral, was told so (domestic_abuse_disclosed_earlier).
func TestAReferrerIsAnsweredTheIdAndStateOnly(t *testing.T) {
	var referrers []string
	for method, rule := range ports.Policy {
		if slices.Contains(rule.Roles, auth.RoleReferrer) {
			referrers = append(referrers, method[strings.LastIndex(method, "/")+1:])
		}
	}
	// GetReferralStanding answers a ReferralStanding, not a Referral: that it says the standing and
	// nothing more is TestAReferrerAsksWhereTheirReferralStands's (decision 291).
	require.ElementsMatch(t, []string{"SubmitReferral", "SubmitSecondPartyApplication", "GetReferralStanding"}, referrers,
		"every RPC a referrer may call is tested here or there")

	g := newRig(t)
	c1, c3 := g.centre(t, supported), g.centre(t, supported)
	first := g.client(t, "parent-1", []auth.Role{auth.RoleReferrer}, c1, c3)
	other := g.client(t, "parent-2", []auth.Role{auth.RoleReferrer}, c1, c3)
	w1, w3 := g.casework(t, c1), g.casework(t, c3)
	ctx := t.Context()
	idAndState := func(r *referralv1.Referral, ref string, state referralv1.ReferralState) {
		t.Helper()
		// And of the request, not the family: when it was carried out, and whether this answer is
		// a retry's.
		require.NotNil(t, r.GetAnsweredAt())
		require.True(t, proto.Equal(&referralv1.Referral{ReferralId: ref, State: state, AnsweredAt: r.GetAnsweredAt(), Replayed: r.GetReplayed()}, r),
			"id and state only: %v", r)
	}
	self := func(centre uuid.UUID, da bool) *referralv1.SubmitReferralRequest {
		d := details(resident())
		d.Referrer, d.Risk.DomesticAbuse = nil, da
		return submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d)
	}

	// At C1 the second parent applies disclosing domestic abuse; the referral is withdrawn.
	sub, err := first.SubmitReferral(ctx, self(c1, false))
	require.NoError(t, err)
	ref := sub.GetReferral().GetReferralId()
	idAndState(sub.GetReferral(), ref, referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY)
	applied, err := other.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: ref, CentreId: c1.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{DomesticAbuse: true},
		ConsentGiven: true, Children: details().GetChildren()})
	require.NoError(t, err)
	idAndState(applied.GetReferral(), ref, referralv1.ReferralState_REFERRAL_STATE_RECEIVED)
	w1.withdraw(ref)

	// The first parent refers the child at C3 answering "no": told nothing of it.
	again, err := first.SubmitReferral(ctx, self(c3, false))
	require.NoError(t, err)
	probe := again.GetReferral().GetReferralId()
	idAndState(again.GetReferral(), probe, referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY)
	shown, err := w3.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: probe, CentreId: c3.String()})
	require.NoError(t, err)
	require.True(t, shown.GetReferral().GetDomesticAbuseDisclosedEarlier(), "recorded, and shown to the centre's staff")

	// A second parent's application there, disclosing, and a solicitor's referral: the same.
	applied, err = other.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: probe, CentreId: c3.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{DomesticAbuse: true},
		ConsentGiven: true, Children: details().GetChildren()})
	require.NoError(t, err)
	idAndState(applied.GetReferral(), probe, referralv1.ReferralState_REFERRAL_STATE_RECEIVED)
	solicitor := g.client(t, "solicitor-1", []auth.Role{auth.RoleReferrer}, c3)
	d := details(resident(), nonResident())
	d.Risk.DomesticAbuse = true
	byRef, err := solicitor.SubmitReferral(ctx, submitRequest(c3, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, d))
	require.NoError(t, err)
	idAndState(byRef.GetReferral(), byRef.GetReferral().GetReferralId(), referralv1.ReferralState_REFERRAL_STATE_RECEIVED)
	// A retry is answered what was recorded: the same.
	req := self(c3, true)
	once, err := first.SubmitReferral(ctx, req)
	require.NoError(t, err)
	retried, err := first.SubmitReferral(ctx, req)
	require.NoError(t, err)
	require.True(t, retried.GetReferral().GetReplayed(), "the answer says it is the one recorded")
	retried.Referral.Replayed = false
	require.True(t, proto.Equal(once.GetReferral(), retried.GetReferral()))
	idAndState(retried.GetReferral(), once.GetReferral().GetReferralId(), referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY)

	// A coordinator's own submission is answered the summary, as before.
	mine, err := w3.c.SubmitReferral(ctx, self(c3, false))
	require.NoError(t, err)
	require.NotEmpty(t, mine.GetReferral().GetFamilyId())
	require.True(t, mine.GetReferral().GetDomesticAbuseDisclosedEarlier())
}

// A family is not erased while domestic abuse disclosed on its referral, or carried to it from an
// earlier referral of its child, stands with no one having weighed it: review 28 withdrew such a
// referral the day it was made and erased the family, and the child referred again answering "no"
// was screened green. A risk assessment of the family (the lead's), noted on the closed referral,
// weighs it; then the family is erased.
func TestAnUnweighedDisclosureIsNotErased(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	ctx := t.Context()
	erase := func(family string) error {
		_, err := admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: family,
			CentreId: w.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
		return err
	}

	disclosed := w.submit(supported, func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true })
	w.withdraw(disclosed.GetReferralId())
	// Carried: the child referred again answering "no", and withdrawn too.
	carried := w.submit(supported)
	w.withdraw(carried.GetReferralId())
	before := g.events(t)
	for _, r := range []*referralv1.Referral{disclosed, carried} {
		err := erase(r.GetFamilyId())
		refused(t, err, codes.FailedPrecondition, "DISCLOSURE_NOT_WEIGHED")
		require.Contains(t, status.Convert(err).Message(), "safeguarding risk")
	}
	require.Equal(t, before, g.events(t), "refusals append nothing")

	// The summary says whether the lead has weighed it (review 43, decision 256).
	weighed := func(r *referralv1.Referral) bool {
		shown, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: r.GetReferralId(), CentreId: w.centre.String()})
		require.NoError(t, err)
		return shown.GetReferral().GetDisclosureWeighed()
	}
	require.False(t, weighed(disclosed))
	require.False(t, weighed(carried))

	g.assessed(t, disclosed.GetReferralId(), disclosed.GetFamilyId(), w.centre, true)
	require.True(t, weighed(disclosed), "weighed by the assessment")
	require.False(t, weighed(carried), "the other referral's disclosure waits for its own")
	require.NoError(t, erase(disclosed.GetFamilyId()), "weighed by the assessment")
	require.False(t, weighed(disclosed), "nothing said of an erased family's disclosure")
	g.assessed(t, carried.GetReferralId(), carried.GetFamilyId(), w.centre, false)
	require.True(t, weighed(carried))
	require.NoError(t, erase(carried.GetFamilyId()))

	// No disclosure: erased as before, and no assessment is needed.
	plain := w.submit(supported, child("Noah Plain"))
	w.withdraw(plain.GetReferralId())
	require.NoError(t, erase(plain.GetFamilyId()))
}

// A disclosure carried to a referral is not carried on from it: review 28 referred Lily (her
// earlier referral disclosed domestic abuse) with Tom, then Tom alone, for another family at
// another centre, and that referral said "domestic abuse disclosed on an earlier referral of this
// child" and the coordinator's screen was refused. Lily referred there still carries it, from the
// referral that disclosed it.
func TestACarriedDisclosureIsNotCarriedOn(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	elsewhere := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	born := today().AddDate(-4, 0, 0)
	lilyAndTom := func(d *referralv1.ReferralDetails) {
		d.Children[0].FullName = "Lily Hughes"
		d.Children = append(d.Children, &referralv1.Child{FullName: "Tom Hughes", DateOfBirth: date(born)})
	}
	first := w.submit(supported, child("Lily Hughes"), func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true }).GetReferralId()
	w.withdraw(first)
	both := w.submit(supported, lilyAndTom).GetReferralId()
	shown, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: both, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.True(t, shown.GetReferral().GetDomesticAbuseDisclosedEarlier(), "Lily's disclosure carries to her new referral")

	tom := elsewhere.submit(supported, func(d *referralv1.ReferralDetails) {
		d.Children[0] = &referralv1.Child{FullName: "Tom Hughes", DateOfBirth: date(born)}
	}).GetReferralId()
	shown, err = elsewhere.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: tom, CentreId: elsewhere.centre.String()})
	require.NoError(t, err)
	require.False(t, shown.GetReferral().GetDomesticAbuseDisclosedEarlier(), "nothing was disclosed on a referral of Tom's")
	require.NotContains(t, shown.GetReferral().GetPossibleDuplicateOf(), both)
	elsewhere.screen(tom, referralv1.RiskRating_RISK_RATING_GREEN, false)

	lily := elsewhere.submit(supported, child("Lily Hughes")).GetReferralId()
	shown, err = elsewhere.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: lily, CentreId: elsewhere.centre.String()})
	require.NoError(t, err)
	require.True(t, shown.GetReferral().GetDomesticAbuseDisclosedEarlier(), "from the referral that disclosed it")
	require.Contains(t, shown.GetReferral().GetPossibleDuplicateOf(), first)
	require.NotContains(t, shown.GetReferral().GetPossibleDuplicateOf(), both, "not through the one it was carried to")
}
