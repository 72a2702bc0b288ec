package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Review 49: a referrer was told nothing of their referral after submitting it. Where it stands is
// told no finer than a referrer needs: what follows acceptance (contact, a hold, the case's end) is
// the centre's and the family's, and reads as accepted.
func TestAReferrerIsToldWhereTheirReferralStands(t *testing.T) {
	for state, want := range map[domain.State]referralv1.StandingState{
		domain.AwaitingSecondParty: referralv1.StandingState_STANDING_STATE_WAITING_FOR_OTHER_PARENT,
		domain.Received:            referralv1.StandingState_STANDING_STATE_RECEIVED,
		domain.Screened:            referralv1.StandingState_STANDING_STATE_RECEIVED,
		domain.Accepted:            referralv1.StandingState_STANDING_STATE_ACCEPTED,
		domain.Waitlisted:          referralv1.StandingState_STANDING_STATE_WAITLISTED,
		domain.Withdrawn:           referralv1.StandingState_STANDING_STATE_WITHDRAWN,
		domain.ReadyForContact:     referralv1.StandingState_STANDING_STATE_ACCEPTED,
		domain.InContact:           referralv1.StandingState_STANDING_STATE_ACCEPTED,
		domain.Suspended:           referralv1.StandingState_STANDING_STATE_ACCEPTED,
		domain.Ended:               referralv1.StandingState_STANDING_STATE_ACCEPTED,
	} {
		t.Run(state.String(), func(t *testing.T) {
			r, _ := inState(t, state)
			got, why := r.Standing()
			require.Equal(t, want, got)
			require.Equal(t, referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_UNSPECIFIED, why)
		})
	}
	// A reason that says a risk was found (the referrer may be the other parent), or that another
	// referral of the family is at the centre (decision 197), is told only as its category.
	for reason, want := range map[referralv1.DeclineReason]referralv1.StandingDeclineReason{
		referralv1.DeclineReason_DECLINE_REASON_RISK_TOO_HIGH:                 referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NOT_SUITABLE,
		referralv1.DeclineReason_DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY: referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NOT_SUITABLE,
		referralv1.DeclineReason_DECLINE_REASON_CANNOT_MEET_NEEDS:             referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NOT_SUITABLE,
		referralv1.DeclineReason_DECLINE_REASON_REDIRECTED:                    referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_REDIRECTED,
		referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA:                   referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_OUT_OF_AREA,
		referralv1.DeclineReason_DECLINE_REASON_NO_AGREEMENT:                  referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NO_AGREEMENT,
		referralv1.DeclineReason_DECLINE_REASON_OTHER:                         referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_OTHER,
		referralv1.DeclineReason_DECLINE_REASON_DUPLICATE:                     referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_OTHER,
	} {
		t.Run("declined: "+reason.String(), func(t *testing.T) {
			r, h := inState(t, domain.Screened)
			events := append(h.events, &referralv1.ReferralDeclined{ReferralId: r.ID().String(), FamilyId: r.FamilyID().String(),
				CentreId: r.CentreID().String(), Reason: reason})
			declined, err := domain.Rebuild(r.ID(), events)
			require.NoError(t, err)
			got, why := declined.Standing()
			require.Equal(t, referralv1.StandingState_STANDING_STATE_DECLINED, got)
			require.Equal(t, want, why)
		})
	}
}
