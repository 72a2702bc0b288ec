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
	require.True(t, earlier.DisclosureStands(uuid.New()), "withdrawn, never screened: it stands")

	r, h := submit(t, submission(details()))
	require.False(t, r.DisclosedEarlier())
	child := r.Children()[0].ID
	noted := h.ok(r.NoteEarlierDisclosure(child, earlier.ID(), today))
	require.True(t, noted[0].(*referralv1.PossibleDuplicateFlagged).GetDomesticAbuseDisclosed())
	require.Nil(t, h.ok(r.NoteEarlierDisclosure(child, earlier.ID(), today)), "noted once")
	require.Equal(t, []uuid.UUID{earlier.ID()}, r.PossibleDuplicates())
	require.True(t, r.DisclosedEarlier())
	require.True(t, r.DisclosureStands(uuid.New()), "carried on to a later referral")
	require.False(t, r.DisclosureStands(earlier.ID()), "not carried back")

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
	require.True(t, rebuilt.DisclosureStands(uuid.New()), "a finding clears nothing")
	h.ok(rebuilt.Screen(lead, today))
	require.False(t, rebuilt.DisclosureStands(uuid.New()), "the lead's screen cleared it")

	// The lead's screen on the earlier referral clears it there: nothing carries.
	cleared, ch := submit(t, submission(d))
	ch.ok(cleared.Screen(lead, today))
	ch.ok(cleared.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA}, directory, today))
	require.False(t, cleared.DisclosureStands(uuid.New()))
	// A new disclosure after the lead's clearance stands again.
	again, ah := submit(t, submission(d))
	ah.ok(again.Screen(lead, today))
	retracted := again.Details()
	retracted.Risk.DomesticAbuse = false
	ah.ok(again.Amend(retracted, "", today, ids()))
	require.False(t, again.DisclosureStands(uuid.New()))
	retracted.Risk.DomesticAbuse = true
	ah.ok(again.Amend(retracted, "", today, ids()))
	require.True(t, again.DisclosureStands(uuid.New()))
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
