package domain

import (
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// Standing is where the referral stands as its referrer is told (review 49: a solicitor, a Cafcass
// officer or a parent who referred themselves was told nothing after submitting, decision 291):
// received, waiting for the other parent, accepted, on the waiting list, declined with the
// category of its reason, or withdrawn. It is told no finer than that. A screening is the centre's
// (received); what follows acceptance (pre-visits, contact, a safeguarding hold, the case's end)
// is the centre's and the family's (accepted): a hold told to a referrer who is the other parent
// would tell them a concern was raised. A decline's reason is its category (standingReason).
//
// An ended case reads as accepted too (review 53, finding 7, decision 311): its outcome ("ended for
// safety", "referred back to the court") says what the centre found, and even "ended", without
// it, would tell a parent referrer that contact stopped, the day after a hold they are not told
// of. A client's words for ACCEPTED therefore say nothing of how contact is going, whether it
// goes on or has ended: that is the centre coordinator's to tell.
func (r *Referral) Standing() (referralv1.StandingState, referralv1.StandingDeclineReason) {
	switch r.state {
	case AwaitingSecondParty:
		return referralv1.StandingState_STANDING_STATE_WAITING_FOR_OTHER_PARENT, 0
	case Received, Screened:
		return referralv1.StandingState_STANDING_STATE_RECEIVED, 0
	case Waitlisted:
		return referralv1.StandingState_STANDING_STATE_WAITLISTED, 0
	case Declined:
		return referralv1.StandingState_STANDING_STATE_DECLINED, standingReason(r.declined)
	case Withdrawn:
		return referralv1.StandingState_STANDING_STATE_WITHDRAWN, 0
	case Accepted, ReadyForContact, InContact, Suspended, Ended:
		return referralv1.StandingState_STANDING_STATE_ACCEPTED, 0
	}
	return referralv1.StandingState_STANDING_STATE_UNSPECIFIED, 0
}

// standingReason is the category of a decline's reason a referrer is told. Risk too high and
// domestic abuse at a centre offering only supported contact say a risk was found, which a
// referrer who is the other parent is not told (decision 197): they read, with needs the centre
// cannot meet, as "not suitable". A duplicate says another referral of the family is at the centre
// (decision 197 keeps possible duplicates from a referrer), and reads as "other": the centre
// explains.
func standingReason(d referralv1.DeclineReason) referralv1.StandingDeclineReason {
	switch d {
	case referralv1.DeclineReason_DECLINE_REASON_RISK_TOO_HIGH, referralv1.DeclineReason_DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY,
		referralv1.DeclineReason_DECLINE_REASON_CANNOT_MEET_NEEDS:
		return referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NOT_SUITABLE
	case referralv1.DeclineReason_DECLINE_REASON_REDIRECTED:
		return referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_REDIRECTED
	case referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA:
		return referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_OUT_OF_AREA
	case referralv1.DeclineReason_DECLINE_REASON_NO_AGREEMENT:
		return referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_NO_AGREEMENT
	}
	return referralv1.StandingDeclineReason_STANDING_DECLINE_REASON_OTHER
}
