package referral_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Review 54: a grandmother with parental responsibility, named on the referral but not to attend,
// bring or collect the children, was left out of FamilyReadyForContact (only the adults who need a
// pre-visit were sent). At the door scheduling did not know her: checking her in was answered as
// an id that is nobody of the family (bad input, nothing recorded) instead of NOT_PERMITTED,
// recorded for the coordinator. Every adult the referral names reaches scheduling, with her role
// and no permission, and without her name or any other personal data.
func TestAnAdultNamedButNotToComeReachesTheDoor(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	const name = "Grandmother Kestrel"
	ref := w.submit(supported, func(d *referralv1.ReferralDetails) {
		d.Adults = append(d.Adults, &referralv1.Adult{Role: referralv1.AdultRole_ADULT_ROLE_OTHER_PARENTAL_RESPONSIBILITY,
			FullName: name, ParentalResponsibility: true})
	})
	id := ref.GetReferralId()
	w.screen(id, referralv1.RiskRating_RISK_RATING_GREEN, false)
	accepted, err := w.accept(id, supported)
	require.NoError(t, err)
	grandmother := personID(accepted.GetReferral(), referralv1.AdultRole_ADULT_ROLE_OTHER_PARENTAL_RESPONSIBILITY)
	require.NotEmpty(t, grandmother)
	for _, role := range []referralv1.AdultRole{referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT} {
		_, err := w.c.RecordPreVisit(ctx, &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: id,
			CentreId: w.centre.String(), PersonId: personID(accepted.GetReferral(), role), VisitedOn: date(today()), GroundRulesSigned: true})
		require.NoError(t, err)
	}
	ready, err := w.c.AgreeArrangement(ctx, &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: id,
		CentreId: w.centre.String(), Arrangement: &referralv1.Arrangement{ServiceType: supported,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY, SessionMinutes: 120,
			Stagger: &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}}})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, ready.GetReferral().GetState(),
		"she needs no pre-visit: the family is ready without one")

	var published referralv1.FamilyReadyForContact
	g.published(t, w.centre, &published, func() bool { return published.GetReferralId() == id })
	require.Len(t, published.GetAdults(), 3, "both parents and the grandmother")
	var sent *referralv1.Attendee
	for _, a := range published.GetAdults() {
		if a.GetPersonId() == grandmother {
			sent = a
		}
	}
	require.NotNil(t, sent, "the grandmother reaches scheduling, so the door refuses her NOT_PERMITTED")
	require.Equal(t, referralv1.AdultRole_ADULT_ROLE_OTHER_PARENTAL_RESPONSIBILITY, sent.GetRole())
	require.False(t, sent.GetMayAttend() || sent.GetMayBring() || sent.GetMayCollect(), "she may not come")
	raw, err := proto.Marshal(&published)
	require.NoError(t, err)
	require.NotContains(t, string(raw), name, "ids, roles and permissions only")
}
