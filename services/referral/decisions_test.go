package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
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

	// A referral asking for supervised contact at a supported-only centre is refused at once
	// (review 49). One received before the centre stopped offering supervised contact waits for
	// a kind the centre offers, or not at all.
	// Another family: the same child as the first would be a possible duplicate of a family
	// where domestic abuse was found, refused supported contact for that (decision 133).
	rowan := func(d *referralv1.ReferralDetails) { d.Children[0].FullName = "Rowan Thistle" }
	asked := details(resident(), nonResident())
	rowan(asked)
	_, err = supportedOnly.c.SubmitReferral(t.Context(), submitRequest(supportedOnly.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR,
		supervised, asked))
	refused(t, err, codes.FailedPrecondition, "SERVICE_NOT_OFFERED")
	require.Equal(t, before, g.events(t), "refusals append nothing")
	stopped := g.casework(t, g.centre(t, supported, supervised))
	asksSupervised := stopped.submit(supervised, rowan).GetReferralId()
	stopped.screen(asksSupervised, referralv1.RiskRating_RISK_RATING_GREEN, false)
	publish(t, g.scheduling, "centre-"+stopped.centre.String(), &schedulingv1.CentreUpdated{CentreId: stopped.centre.String(),
		Name: "Supported only now", Region: commonv1.Region_REGION_LONDON, ServiceTypes: []commonv1.ServiceType{supported},
		AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}, uuid.Nil, stopped.centre)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM centres WHERE centre_id = $1 AND cardinality(service_types) = 1", stopped.centre) == 1
	}, 30*time.Second, 10*time.Millisecond, "the change reaches referral's copy of the directory")
	_, err = stopped.waitlist(asksSupervised, 0)
	refused(t, err, codes.FailedPrecondition, "SERVICE_NOT_OFFERED")
	waiting, err := stopped.waitlist(asksSupervised, supported)
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

// The decision is accepted, waitlisted, declined or withdrawn: once accepted, the case goes on
// until it ends or is withdrawn, and a decline is refused with what to do instead. A waitlisted
// family can still be declined.
func TestAnAcceptedReferralIsWithdrawnNotDeclined(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ref := w.submit(supported).GetReferralId()
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err := w.accept(ref, supported)
	require.NoError(t, err)
	before := g.events(t)
	_, err = w.decline(ref, referralv1.DeclineReason_DECLINE_REASON_OTHER, "changed our minds", "")
	refused(t, err, codes.FailedPrecondition, "REFERRAL_ACCEPTED")
	require.Contains(t, status.Convert(err).Message(), "withdraw it")
	require.Equal(t, before, g.events(t), "nothing appended")
	_, err = w.c.WithdrawReferral(t.Context(), &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER})
	require.NoError(t, err)

	waiting := w.submit(supported).GetReferralId()
	w.screen(waiting, referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err = w.waitlist(waiting, 0)
	require.NoError(t, err)
	declined, err := w.decline(waiting, referralv1.DeclineReason_DECLINE_REASON_CANNOT_MEET_NEEDS, "", "")
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_DECLINED, declined.GetReferral().GetState())
}

// A decline says why: redirected names a centre of the directory other than this one, other has
// a note. A decline for risk rests on a screening; a referral the centre cannot proceed with (a
// parent's contact details missing, the other parent's application never made) is declined
// without one, for a reason that needs none.
func TestDeclineSaysWhy(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	elsewhere := g.centre(t, supported, supervised)
	w := g.casework(t, centre)
	ref := w.submit(supported).GetReferralId()
	w.screen(ref, referralv1.RiskRating_RISK_RATING_AMBER, false)

	before := g.events(t)
	for _, tc := range []struct {
		name   string
		reason referralv1.DeclineReason
		note   string
		to     string
		field  string
	}{
		{"redirected to no centre", referralv1.DeclineReason_DECLINE_REASON_REDIRECTED, "", "", "redirected_to_centre_id"},
		{"redirected to a centre that does not exist", referralv1.DeclineReason_DECLINE_REASON_REDIRECTED, "", "11111111-1111-4111-8111-111111111111", "redirected_to_centre_id"},
		{"redirected to this centre", referralv1.DeclineReason_DECLINE_REASON_REDIRECTED, "", centre.String(), "redirected_to_centre_id"},
		{"a centre named for another reason", referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA, "", elsewhere.String(), "redirected_to_centre_id"},
		{"other without a note", referralv1.DeclineReason_DECLINE_REASON_OTHER, " ", "", "note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.decline(ref, tc.reason, tc.note, tc.to)
			refused(t, err, codes.InvalidArgument, tc.field)
		})
	}
	require.Equal(t, before, g.events(t), "nothing appended")
	declined, err := w.decline(ref, referralv1.DeclineReason_DECLINE_REASON_REDIRECTED, "", elsewhere.String())
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_DECLINED, declined.GetReferral().GetState())

	// Without a screening: a referral missing the non-resident parent's contact details cannot be
	// screened, and a self-referral waits for the other parent; either is declined for a reason
	// that needs no screening, never for risk.
	incomplete := w.submit(supported, func(d *referralv1.ReferralDetails) { d.Adults[1].Contact = nil }).GetReferralId()
	_, err = w.c.RecordScreening(t.Context(), &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: incomplete,
		CentreId: centre.String(), Rating: referralv1.RiskRating_RISK_RATING_GREEN})
	refused(t, err, codes.FailedPrecondition, "REFERRAL_INCOMPLETE")
	self := details(resident())
	self.Referrer = nil
	sub, err := w.c.SubmitReferral(t.Context(), submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, self))
	require.NoError(t, err)
	awaiting := sub.GetReferral().GetReferralId()
	before = g.events(t)
	for _, ref := range []string{incomplete, awaiting} {
		_, err = w.decline(ref, referralv1.DeclineReason_DECLINE_REASON_RISK_TOO_HIGH, "", "")
		refused(t, err, codes.FailedPrecondition, "SCREENING_REQUIRED")
		_, err = w.decline(ref, referralv1.DeclineReason_DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY, "", "")
		refused(t, err, codes.FailedPrecondition, "SCREENING_REQUIRED")
	}
	require.Equal(t, before, g.events(t), "nothing appended")
	_, err = w.decline(incomplete, referralv1.DeclineReason_DECLINE_REASON_OTHER, "The father's contact details never came", "")
	require.NoError(t, err)
	_, err = w.decline(awaiting, referralv1.DeclineReason_DECLINE_REASON_NO_AGREEMENT, "The other parent never applied", "")
	require.NoError(t, err)
}
