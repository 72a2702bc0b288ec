package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// The centre's safeguarding lead screening a referral with a domestic-abuse finding has weighed
// the disclosure standing on it, carried or its own: the case goes on towards supervised contact
// only, as the finding leaves it. A coordinator's finding weighs nothing (decisions 197, 217), and
// a disclosure carried after the lead's screen is one it did not weigh.
func TestALeadsScreenWithAFindingWeighsTheDisclosure(t *testing.T) {
	found := domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true}
	byLead := found
	byLead.ByLead = true

	d := details()
	d.Risk.DomesticAbuse = true
	earlier, _ := submit(t, submission(d))
	r, h := submit(t, submission(details()))
	child := r.Children()[0].ID
	h.ok(r.NoteEarlierDisclosure(child, earlier.ID(), exact, today))
	require.True(t, r.DisclosureUnweighed())

	ev := h.ok(r.Screen(found, today))
	require.Equal(t, referralv1.ScreenerRole_SCREENER_ROLE_COORDINATOR, ev[0].(*referralv1.ScreeningRecorded).GetScreenerRole())
	require.True(t, r.DisclosureUnweighed(), "a coordinator's finding weighs nothing")
	ev = h.ok(r.Screen(byLead, today))
	require.Equal(t, referralv1.ScreenerRole_SCREENER_ROLE_SAFEGUARDING_LEAD, ev[0].(*referralv1.ScreeningRecorded).GetScreenerRole())
	require.False(t, r.DisclosureUnweighed(), "the lead's finding weighed it")
	require.NoError(t, r.DisclosureRulesOut(supported), "weighed")
	_, err := r.Accept(supported, both, "", today)
	require.ErrorIs(t, err, domain.ErrDomesticAbuseRulesOutSupported, "the finding leaves supervised contact only")

	rebuilt, err := domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.False(t, rebuilt.DisclosureUnweighed(), "rebuilt from its events")

	// A screening recorded before the event named the screener's role weighs nothing by a finding.
	old := make([]proto.Message, len(h.events))
	for i, e := range h.events {
		if sr, ok := e.(*referralv1.ScreeningRecorded); ok {
			sr = proto.Clone(sr).(*referralv1.ScreeningRecorded)
			sr.ScreenerRole = referralv1.ScreenerRole_SCREENER_ROLE_UNSPECIFIED
			e = sr
		}
		old[i] = e
	}
	before, err := domain.Rebuild(r.ID(), old)
	require.NoError(t, err)
	require.True(t, before.DisclosureUnweighed(), "no role recorded: not the lead's as far as the log says")

	// A disclosure carried since is one the lead's screen did not weigh.
	another, _ := submit(t, submission(d))
	h.ok(rebuilt.NoteEarlierDisclosure(child, another.ID(), exact, today))
	require.True(t, rebuilt.DisclosureUnweighed())

	// The referral's own disclosure, the same.
	own, oh := submit(t, submission(d))
	oh.ok(own.Screen(found, today))
	require.True(t, own.DisclosureUnweighed(), "a coordinator's finding weighs nothing")
	oh.ok(own.Screen(byLead, today))
	require.False(t, own.DisclosureUnweighed(), "the lead's finding weighed it")
}
