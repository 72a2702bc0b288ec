package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// A disclosure of domestic abuse, at submission or by the second parent, is remembered from the
// referral's events: an amendment answering "no" is recorded as a retraction and clears nothing;
// only the lead's screen with a note records no finding (decision 191).
func TestARetractedDisclosureStillNeedsTheLead(t *testing.T) {
	green := domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}
	retract := func(t *testing.T, r *domain.Referral, h *history) *referralv1.ReferralAmended {
		t.Helper()
		d := r.Details()
		require.True(t, d.Risk.DomesticAbuse)
		d.Risk.DomesticAbuse = false
		events := h.ok(r.Amend(d, "", today, ids()))
		return events[0].(*referralv1.ReferralAmended)
	}
	t.Run("disclosed at submission", func(t *testing.T) {
		d := details()
		d.Risk.DomesticAbuse = true
		r, h := submit(t, submission(d))
		amended := retract(t, r, h)
		require.True(t, amended.GetDomesticAbuseRetracted(), "the amendment says it is a retraction")
		_, err := r.Screen(green, today)
		require.ErrorIs(t, err, domain.ErrDisclosureClearedByLead)
		lead := green
		lead.ByLead = true
		_, err = r.Screen(lead, today)
		require.ErrorIs(t, err, domain.ErrNoteRequired)

		rebuilt, err := domain.Rebuild(r.ID(), h.events)
		require.NoError(t, err)
		on, still, ok := rebuilt.DomesticAbuseDisclosed()
		require.True(t, ok)
		require.False(t, still)
		require.Equal(t, submitted, on)
		_, err = rebuilt.Screen(green, today)
		require.ErrorIs(t, err, domain.ErrDisclosureClearedByLead, "the rebuilt referral remembers it")
		lead.Note = "Spoke to both parents: the answer was given in error"
		h.ok(rebuilt.Screen(lead, today))
	})
	t.Run("disclosed by the second parent", func(t *testing.T) {
		r, h := submit(t, selfSubmission())
		h.ok(r.SubmitSecondParty(secondParty(), today, ids()))
		retract(t, r, h)
		_, err := r.Screen(green, today)
		require.ErrorIs(t, err, domain.ErrDisclosureClearedByLead)
	})
	t.Run("an amendment that never said yes retracts nothing", func(t *testing.T) {
		r, h := submit(t, submission(details()))
		d := r.Details()
		d.Risk.SubstanceMisuse = !d.Risk.SubstanceMisuse
		events := h.ok(r.Amend(d, "", today, ids()))
		require.False(t, events[0].(*referralv1.ReferralAmended).GetDomesticAbuseRetracted())
		_, _, ok := r.DomesticAbuseDisclosed()
		require.False(t, ok)
		h.ok(r.Screen(green, today))
	})
}

// A second applicant acting as a referrer is not refused for giving the first applicant's
// details: the match is recorded, without the details, and the referral is screened once the
// screener says the applicants were checked. A coordinator entering it is refused, naming the
// detail (decision 192).
func TestASecondApplicantsMatchIsRecordedNotTold(t *testing.T) {
	green := domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: true}
	r, h := submit(t, selfSubmission())
	a := secondParty()
	a.MustMatch, a.Children = true, r.Details().Children
	a.Parent.Contact.Phone = "+44 " + resident().Contact.Phone[1:]
	a.Parent.Role = referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT
	events := h.ok(r.SubmitSecondParty(a, today, ids()))
	got := events[0].(*referralv1.SecondPartyApplicationReceived)
	require.Equal(t, []referralv1.ApplicantDetail{referralv1.ApplicantDetail_APPLICANT_DETAIL_ROLE,
		referralv1.ApplicantDetail_APPLICANT_DETAIL_PHONE}, got.GetMatchesFirstApplicant())
	require.Equal(t, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, got.GetParent().GetRole(), "recorded as the parent waited for")
	require.True(t, r.Complete())
	_, err := r.Screen(green, today)
	require.ErrorIs(t, err, domain.ErrApplicantsNotChecked)
	checked := green
	checked.ApplicantsChecked = true
	events = h.ok(r.Screen(checked, today))
	require.True(t, events[0].(*referralv1.ScreeningRecorded).GetApplicantsChecked())
	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	matches, ok := rebuilt.SecondApplicantMatches()
	require.Len(t, matches, 2)
	require.True(t, ok)
	h.ok(rebuilt.Screen(green, today))

	r, _ = submit(t, selfSubmission())
	a.MustMatch = false
	a.Parent.Role = referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT
	_, err = r.SubmitSecondParty(a, today, ids())
	var invalid *domain.Invalid
	require.ErrorAs(t, err, &invalid)
	require.Equal(t, "parent.contact.phone", invalid.Violations[0].Field, "a coordinator is told")
}
