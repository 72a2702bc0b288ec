package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// A centre whose accreditation is suspended (or lapsed, and not renewed) takes no new referrals
// and accepts or waitlists no family; one whose three years ran out with no renewal recorded is
// warned of, not refused.
func TestAccreditationOfTheCentre(t *testing.T) {
	g := newRig(t)
	suspended := g.centreAccredited(t, commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED, nil, supported)
	lapsed := g.centreAccredited(t, commonv1.AccreditationStatus_ACCREDITATION_STATUS_LAPSED, nil, supported)
	before := g.events(t)
	for reason, centre := range map[string]uuid.UUID{"CENTRE_SUSPENDED": suspended, "CENTRE_ACCREDITATION_LAPSED": lapsed} {
		_, err := g.coordinator(t, centre).SubmitReferral(t.Context(),
			submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
		refused(t, err, codes.FailedPrecondition, reason)
	}
	require.Equal(t, before, g.events(t), "nothing appended")

	// Suspended with a referral already screened: it is neither accepted nor waitlisted, and
	// may still be declined.
	centre := g.centreAccredited(t, commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED, date(today().AddDate(-1, 0, 0)), supported)
	w := g.casework(t, centre)
	ref := w.submit(supported).GetReferralId()
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
	publish(t, g.scheduling, "centre-"+centre.String(), &schedulingv1.CentreUpdated{CentreId: centre.String(), Name: "Suspended",
		Region: commonv1.Region_REGION_LONDON, ServiceTypes: []commonv1.ServiceType{supported},
		AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED}, uuid.Nil, centre)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM centres WHERE centre_id = $1 AND accreditation_status = $2", centre,
			int32(commonv1.AccreditationStatus_ACCREDITATION_STATUS_SUSPENDED)) == 1
	}, 30*time.Second, 10*time.Millisecond, "the suspension reaches referral's copy of the directory")
	before = g.events(t)
	_, err := w.accept(ref, supported)
	refused(t, err, codes.FailedPrecondition, "CENTRE_SUSPENDED")
	_, err = w.waitlist(ref, 0)
	refused(t, err, codes.FailedPrecondition, "CENTRE_SUSPENDED")
	_, err = w.c.SubmitReferral(t.Context(), submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
	refused(t, err, codes.FailedPrecondition, "CENTRE_SUSPENDED")
	require.Equal(t, before, g.events(t), "nothing appended")
	_, err = w.decline(ref, referralv1.DeclineReason_DECLINE_REASON_CANNOT_MEET_NEEDS, "Accreditation suspended", "")
	require.NoError(t, err)

	// Accredited in 2010, for three years, and never renewed in the directory: warned of.
	old := g.centreAccredited(t, commonv1.AccreditationStatus_ACCREDITATION_STATUS_ACCREDITED, &commonv1.Date{Year: 2010, Month: 3, Day: 1}, supported)
	o := g.casework(t, old)
	sub, err := o.c.SubmitReferral(t.Context(), submitRequest(old, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
	require.NoError(t, err)
	ranOut := &commonv1.Date{Year: 2013, Month: 3, Day: 1}
	require.True(t, proto.Equal(ranOut, sub.GetCentreAccreditationRanOutOn()), "%v", sub.GetCentreAccreditationRanOutOn())
	o.screen(sub.GetReferral().GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)
	accepted, err := o.accept(sub.GetReferral().GetReferralId(), supported)
	require.NoError(t, err)
	require.True(t, proto.Equal(ranOut, accepted.GetCentreAccreditationRanOutOn()))
	current := g.centre(t, supported)
	sub, err = g.coordinator(t, current).SubmitReferral(t.Context(), submitRequest(current, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR,
		supported, details(resident(), nonResident())))
	require.NoError(t, err)
	require.Nil(t, sub.GetCentreAccreditationRanOutOn(), "a centre working towards accreditation")
}
