package referral_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Proven domestic abuse rules out supported contact, on the waiting list as at acceptance: a
// supported-only centre cannot waitlist the family (nothing reaches scheduling's list), and a
// family is waitlisted only for a kind of contact the centre offers.
func TestWaitlistingChecksTheKindOfContactAsAcceptanceDoes(t *testing.T) {
	g := newRig(t)
	supportedOnly := g.casework(t, g.centre(t, supported))
	ref := supportedOnly.submit(supported, func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true }).GetReferralId()
	supportedOnly.screen(ref, referralv1.RiskRating_RISK_RATING_RED, true)

	before := g.events(t)
	_, err := supportedOnly.accept(ref, supported)
	refused(t, err, codes.FailedPrecondition, "DOMESTIC_ABUSE_RULES_OUT_SUPPORTED")
	_, err = supportedOnly.waitlist(ref, 0)
	refused(t, err, codes.FailedPrecondition, "DOMESTIC_ABUSE_RULES_OUT_SUPPORTED")
	_, err = supportedOnly.waitlist(ref, supported)
	refused(t, err, codes.FailedPrecondition, "DOMESTIC_ABUSE_RULES_OUT_SUPPORTED")
	_, err = supportedOnly.waitlist(ref, supervised)
	refused(t, err, codes.FailedPrecondition, "SERVICE_NOT_OFFERED")
	require.Equal(t, before, g.events(t), "refusals append nothing")
	require.Equal(t, []string{"ReferralReceived", "ScreeningRecorded"}, g.eventTypes(t, ref))

	// A family asking for supervised contact at a supported-only centre waits for a kind the
	// centre offers, or not at all.
	asksSupervised := supportedOnly.submit(supervised).GetReferralId()
	supportedOnly.screen(asksSupervised, referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err = supportedOnly.waitlist(asksSupervised, 0)
	refused(t, err, codes.FailedPrecondition, "SERVICE_NOT_OFFERED")
	waiting, err := supportedOnly.waitlist(asksSupervised, supported)
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_WAITLISTED, waiting.GetReferral().GetState())
	require.Equal(t, supported, waitlistedFor(t, g, asksSupervised))

	// At a centre offering supervised contact, the family waits for supervised contact.
	both := g.casework(t, g.centre(t, supported, supervised))
	abuse := both.submit(supported, func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true }).GetReferralId()
	both.screen(abuse, referralv1.RiskRating_RISK_RATING_RED, true)
	_, err = both.waitlist(abuse, 0)
	require.NoError(t, err)
	require.Equal(t, supervised, waitlistedFor(t, g, abuse))
}
