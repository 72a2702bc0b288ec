package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// An abduction risk, an injunction or substance misuse disclosed on the referral, by either
// application, is remembered from the referral's events when an amendment answers it no: the
// amendment says so, the retraction is kept with its days across a rebuild, only the lead's
// screen with a note weighs it, and until then the children may not leave the centre. A "yes"
// again takes the retraction's place (decision 338).
func TestARiskAnsweredNoIsRememberedForTheLead(t *testing.T) {
	green := domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}
	abduction := referralv1.RiskQuestion_RISK_QUESTION_ABDUCTION_RISK

	r, h := submit(t, selfSubmission())
	a := secondParty()
	a.Risk = domain.Risk{AbductionRisk: true}
	h.ok(r.SubmitSecondParty(a, submitted, ids()))
	first, second, ok := r.ApplicationRisk()
	require.True(t, ok)
	require.False(t, first.AbductionRisk)
	require.Equal(t, domain.Risk{AbductionRisk: true}, second, "whose yes it is")

	d := r.Details()
	d.Risk.AbductionRisk = false
	events := h.ok(r.Amend(d, "", today, ids()))
	require.Equal(t, []referralv1.RiskQuestion{abduction}, events[0].(*referralv1.ReferralAmended).GetRisksRetracted())
	want := []domain.RiskRetraction{{Question: abduction, DisclosedOn: submitted, RetractedOn: today}}
	require.Equal(t, want, r.RiskRetractions())

	d = r.Details()
	d.ChildrenMayLeaveCentre = true
	_, err := r.Amend(d, "", today, ids())
	require.ErrorContains(t, err, "details.children_may_leave_centre")
	_, err = r.Screen(green, today)
	require.ErrorIs(t, err, domain.ErrRetractionForLead)
	lead := green
	lead.ByLead = true
	_, err = r.Screen(lead, today)
	require.ErrorIs(t, err, domain.ErrRetractionNoteRequired)

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, want, rebuilt.RiskRetractions(), "the rebuilt referral remembers it")
	_, err = rebuilt.Screen(green, today)
	require.ErrorIs(t, err, domain.ErrRetractionForLead)
	lead.Note = "Spoke to both parents: the risk has passed"
	h.ok(rebuilt.Screen(lead, today))
	want[0].Weighed = true
	require.Equal(t, want, rebuilt.RiskRetractions())
	d = rebuilt.Details()
	d.ChildrenMayLeaveCentre = true
	h.ok(rebuilt.Amend(d, "", today, ids()))

	// Answered yes again, it is a disclosure as it stands; answered no once more, the lead
	// weighs it again.
	d = rebuilt.Details()
	d.Risk.AbductionRisk, d.ChildrenMayLeaveCentre = true, false
	h.ok(rebuilt.Amend(d, "", today, ids()))
	require.Empty(t, rebuilt.RiskRetractions())
	d.Risk.AbductionRisk = false
	h.ok(rebuilt.Amend(d, "", today, ids()))
	require.Equal(t, []domain.RiskRetraction{{Question: abduction, DisclosedOn: submitted, RetractedOn: today}}, rebuilt.RiskRetractions())
	_, err = rebuilt.Screen(green, today)
	require.ErrorIs(t, err, domain.ErrRetractionForLead)

	// Other concerns are in the notes, which stay: answering them no is not a retraction.
	r, h = submit(t, submission(details()))
	d = r.Details()
	require.True(t, d.Risk.OtherConcerns)
	d.Risk.OtherConcerns = false
	events = h.ok(r.Amend(d, "", today, ids()))
	require.Empty(t, events[0].(*referralv1.ReferralAmended).GetRisksRetracted())
	require.Empty(t, r.RiskRetractions())
	h.ok(r.Screen(green, today))
}
