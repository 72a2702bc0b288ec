package domain_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// A disclosure of domestic abuse on an earlier referral of the child carries to the new one: its
// screen without a finding is the lead's, with a note, as for its own disclosure; the earlier
// referral's disclosure stands, whatever its state, until a screen there records no finding (the
// lead's); and it is not carried back to the referral it came from (decision 194).
func TestADisclosureOnAnEarlierReferralCarries(t *testing.T) {
	green := domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN}
	lead := domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN, ByLead: true,
		Note: "Spoke to both parents and the police: the earlier allegation was withdrawn"}

	d := details()
	d.Risk.DomesticAbuse = true
	earlier, eh := submit(t, submission(d))
	eh.ok(earlier.Withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER, "", today))
	require.True(t, earlier.DisclosureStands(), "withdrawn, never screened: it stands")

	r, h := submit(t, submission(details()))
	require.False(t, r.DisclosedEarlier())
	child := r.Children()[0].ID
	noted := h.ok(r.NoteEarlierDisclosure(child, earlier.ID(), exact, today))
	require.True(t, noted[0].(*referralv1.PossibleDuplicateFlagged).GetDomesticAbuseDisclosed())
	require.Nil(t, h.ok(r.NoteEarlierDisclosure(child, earlier.ID(), exact, today)), "noted once")
	require.Equal(t, []uuid.UUID{earlier.ID()}, r.PossibleDuplicates())
	require.True(t, r.DisclosedEarlier())
	require.False(t, r.DisclosureStands(), "a carried disclosure is not carried on, nor back (decision 197)")
	require.True(t, r.DisclosureUnweighed(), "no lead has weighed it here")

	_, err := r.Screen(green, today)
	require.ErrorIs(t, err, domain.ErrEarlierDisclosureClearedByLead)
	_, err = r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN, ByLead: true}, today)
	require.ErrorIs(t, err, domain.ErrNoteRequired)

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.True(t, rebuilt.DisclosedEarlier(), "rebuilt from its events")
	_, err = rebuilt.Screen(green, today)
	require.ErrorIs(t, err, domain.ErrEarlierDisclosureClearedByLead)
	h.ok(rebuilt.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: true}, today))
	require.True(t, rebuilt.DisclosureUnweighed(), "a finding weighs nothing")
	h.ok(rebuilt.Screen(lead, today))
	require.False(t, rebuilt.DisclosureUnweighed(), "the lead's screen weighed it")

	// The lead's screen on the earlier referral clears it there: nothing carries.
	cleared, ch := submit(t, submission(d))
	ch.ok(cleared.Screen(lead, today))
	ch.ok(cleared.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA}, directory, today))
	require.False(t, cleared.DisclosureStands())
	// A new disclosure after the lead's clearance stands again.
	again, ah := submit(t, submission(d))
	ah.ok(again.Screen(lead, today))
	retracted := again.Details()
	retracted.Risk.DomesticAbuse = false
	ah.ok(again.Amend(retracted, "", today, ids()))
	require.False(t, again.DisclosureStands())
	retracted.Risk.DomesticAbuse = true
	ah.ok(again.Amend(retracted, "", today, ids()))
	require.True(t, again.DisclosureStands())
}

// On a case ready for contact (in contact, suspended) a child's name and date of birth are not
// both changed by one amendment; one at a time they are, with a reason (decision 194).
func TestAChildIsNotSwappedOnceTheFamilyIsReady(t *testing.T) {
	for _, s := range []domain.State{domain.ReadyForContact, domain.InContact, domain.Suspended} {
		r, h := inState(t, s)
		d := r.Details()
		d.Children[0].Name, d.Children[0].DateOfBirth = "Zara Example", d.Children[0].DateOfBirth.AddDate(-1, 0, 0)
		_, err := r.Amend(d, "Wrong child typed", today, ids())
		require.ErrorIs(t, err, domain.ErrChildIdentityFixed, s.String())
		before := r.Children()
		d = r.Details()
		d.Children[0].Name = "  " + strings.ToUpper(d.Children[0].Name) + " " // the same name as far as a match goes
		d.Children[0].DateOfBirth = d.Children[0].DateOfBirth.AddDate(0, 0, -1)
		h.ok(r.Amend(d, "The date of birth was a day out", today, ids()))
		require.Len(t, domain.RematchedChildren(before, r.Children()), 1, "%s: the match changed with the date", s)
		before = r.Children()
		d = r.Details()
		d.Children[0].Name = "Zara Example"
		h.ok(r.Amend(d, "The child's name was misspelt", today, ids()))
		require.Len(t, domain.RematchedChildren(before, r.Children()), 1, s.String())
	}
	r, _ := inState(t, domain.Screened)
	d := r.Details()
	d.Children[0].Name, d.Children[0].DateOfBirth = "Zara Example", d.Children[0].DateOfBirth.AddDate(-1, 0, 0)
	_, err := r.Amend(d, "", today, ids())
	require.NoError(t, err, "before the family is ready the details are still the referrer's to put right")
}

// A family whose referral disclosed domestic abuse, or had it carried from an earlier referral of
// its child, is not erased until someone weighed it: the lead's screen without a finding, or a
// risk assessment of the family, which a closed referral now notes for this (review 28, decision
// 197). A finding alone weighs nothing; a family with no disclosure is erased as before.
func TestAnUnweighedDisclosureIsNotErased(t *testing.T) {
	requested := referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED
	d := details()
	d.Risk.DomesticAbuse = true
	r, h := submit(t, submission(d))
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true}, today))
	h.ok(r.Withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER, "", today))
	require.True(t, r.DisclosureUnweighed())
	_, err := r.Erase(requested, today)
	require.ErrorIs(t, err, domain.ErrDisclosureNotWeighed)
	noted := h.ok(r.NoteRiskAssessment(true, today))
	require.Len(t, noted, 1, "withdrawn, and the finding unchanged: the assessment is noted as the weighing")
	require.False(t, r.DisclosureUnweighed())
	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.False(t, rebuilt.DisclosureUnweighed(), "rebuilt from its events")
	require.Len(t, h.ok(rebuilt.Erase(requested, today)), 1)

	// Carried from an earlier referral, never screened.
	earlier, _ := submit(t, submission(d))
	carried, ch := submit(t, submission(details()))
	ch.ok(carried.NoteEarlierDisclosure(carried.Children()[0].ID, earlier.ID(), exact, today))
	ch.ok(carried.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA}, directory, today))
	_, err = carried.Erase(requested, today)
	require.ErrorIs(t, err, domain.ErrDisclosureNotWeighed)

	// No disclosure: a closed referral notes no assessment that changes nothing, and is erased.
	plain, ph := submit(t, submission(details()))
	ph.ok(plain.Withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER, "", today))
	require.Empty(t, ph.ok(plain.NoteRiskAssessment(false, today)))
	require.Len(t, ph.ok(plain.Erase(requested, today)), 1)
}

// Review 40: a case told of another referral's disclosure, weighed by its lead, is told again when
// that referral's screening finds domestic abuse: the finding is news its lead did not weigh. Told
// of the finding once; a finding carried first is carried with the disclosure.
func TestAFindingAfterADisclosureCarriedIsCarriedToo(t *testing.T) {
	lead := domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_GREEN, ByLead: true,
		Note: "Spoke to both parents: nothing in the other referral's answers changes the risk here"}
	d := details()
	d.Risk.DomesticAbuse = true
	other, _ := submit(t, submission(d))

	r, h := submit(t, submission(details()))
	child := r.Children()[0].ID
	h.ok(r.NoteEarlierDisclosure(child, other.ID(), exact, today))
	h.ok(r.Screen(lead, today))
	require.False(t, r.DisclosureUnweighed(), "the lead weighed the disclosure")
	require.Nil(t, h.ok(r.NoteEarlierDisclosure(child, other.ID(), exact, today)), "the disclosure again is no news")

	found := h.ok(r.NoteFindingElsewhere(child, other.ID(), exact, today))
	require.Len(t, found, 1)
	flag := found[0].(*referralv1.PossibleDuplicateFlagged)
	require.True(t, flag.GetDomesticAbuseDisclosed())
	require.True(t, flag.GetDomesticAbuseFound())
	require.True(t, r.DisclosureUnweighed(), "the finding is news for the lead")
	require.Nil(t, h.ok(r.NoteFindingElsewhere(child, other.ID(), exact, today)), "told of the finding once")

	first, fh := submit(t, submission(details()))
	carried := fh.ok(first.NoteFindingElsewhere(first.Children()[0].ID, other.ID(), exact, today))
	require.Len(t, carried, 1, "a finding carried first carries the disclosure with it")
	require.Nil(t, fh.ok(first.NoteEarlierDisclosure(first.Children()[0].ID, other.ID(), exact, today)))
}
