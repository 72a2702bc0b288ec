package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Review 45: a referral whose reason for referral or availability says nothing (".", "!!!"), or
// that answers there are other concerns with no risk notes describing them, is refused at the
// field, at submission and at amendment, and records nothing: the screener weighs a yes with
// nothing to weigh, and the centre plans sessions around "."
func TestAReferralThatSaysNothingIsRefused(t *testing.T) {
	inWords := "in words (at least 3 letters or digits, one a letter)"
	cases := []struct {
		name, field, because string
		edit                 func(*domain.Details)
	}{
		{"a reason of a full stop", "details.reason", "must say why the family is referred, " + inWords,
			func(d *domain.Details) { d.Reason = "." }},
		{"a reason of two letters", "details.reason", "must say why the family is referred",
			func(d *domain.Details) { d.Reason = "ab" }},
		{"availability of a full stop", "details.availability", "must say when the family can come, " + inWords,
			func(d *domain.Details) { d.Availability = "." }},
		{"availability of exclamation marks", "details.availability", "must say when the family can come",
			func(d *domain.Details) { d.Availability = "!!!" }},
		{"other concerns with no risk notes", "details.risk_notes",
			"must describe the other concerns: the referral answers that there are other concerns (details.risk.other_concerns)",
			func(d *domain.Details) { d.Risk.OtherConcerns, d.RiskNotes = true, "" }},
		{"other concerns with risk notes of a dash", "details.risk_notes", "must describe the other concerns",
			func(d *domain.Details) { d.Risk.OtherConcerns, d.RiskNotes = true, " - " }},
		// Review 46: "none" was taken as the description of a yes (decision 273).
		{"other concerns described as none", "details.risk_notes", `"None." says there are none, while the answer says there are`,
			func(d *domain.Details) { d.Risk.OtherConcerns, d.RiskNotes = true, "None." }},
		{"other concerns described as nothing to add", "details.risk_notes", "says there are none",
			func(d *domain.Details) { d.Risk.OtherConcerns, d.RiskNotes = true, "Nothing to add" }},
	}
	for _, tc := range cases {
		t.Run("submitted: "+tc.name, func(t *testing.T) {
			s := submission(details())
			tc.edit(&s.Details)
			r, events, err := domain.Submit(s, submitted, ids())
			refused(t, err, tc.field, tc.because)
			require.Nil(t, r)
			require.Empty(t, events, "nothing recorded")
		})
	}
	for _, state := range []domain.State{domain.Received, domain.InContact} {
		for _, tc := range cases {
			t.Run("amended when "+state.String()+": "+tc.name, func(t *testing.T) {
				r, _ := inState(t, state)
				version := r.Version()
				d := r.Details()
				tc.edit(&d)
				events, err := r.Amend(d, "", today, ids())
				refused(t, err, tc.field, tc.because)
				require.Empty(t, events, "nothing recorded")
				require.Equal(t, version, r.Version())
			})
		}
	}

	t.Run("an empty field reports one violation", func(t *testing.T) {
		s := submission(details())
		s.Details.Reason = " "
		_, _, err := domain.Submit(s, submitted, ids())
		var invalid *domain.Invalid
		require.ErrorAs(t, err, &invalid)
		require.Equal(t, []domain.Violation{{Field: "details.reason", Reason: "must not be empty"}}, invalid.Violations)
	})
}

// What says something, or need not, is accepted: no availability given, short words in any script,
// and no risk notes when no other concern is answered.
func TestWhatSaysSomethingIsAccepted(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*domain.Details)
	}{
		{"no availability", func(d *domain.Details) { d.Availability = "" }},
		{"availability in three characters", func(d *domain.Details) { d.Availability = "Sat" }},
		{"availability in another script", func(d *domain.Details) { d.Availability = "السبت" }},
		{"a short reason", func(d *domain.Details) { d.Reason = "Separation, 2025" }},
		{"no other concerns and no notes", func(d *domain.Details) { d.Risk.OtherConcerns, d.RiskNotes = false, "" }},
		{"no other concerns and notes on another answer", func(d *domain.Details) {
			d.Risk.OtherConcerns, d.Risk.SubstanceMisuse, d.RiskNotes = false, true, "alcohol, some years ago"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := submission(details())
			tc.edit(&s.Details)
			_, _, err := domain.Submit(s, submitted, ids())
			require.NoError(t, err)
		})
	}
}

// A second parent who answers there are other concerns describes them in their own risk notes
// (review 45), and is refused, recording nothing, without; the referral's amendments are then not
// refused for risk notes of its own that leave them to the second parent's.
func TestASecondParentsOtherConcernsAreDescribed(t *testing.T) {
	s := selfSubmission()
	s.Details.Risk, s.Details.RiskNotes = domain.Risk{}, ""
	r, h := submit(t, s)
	version := r.Version()
	for _, notes := range []string{"", ".", "??"} {
		a := secondParty()
		a.Risk.OtherConcerns, a.RiskNotes = true, notes
		events, err := r.SubmitSecondParty(a, today, ids())
		refused(t, err, "risk_notes", "must describe the other concerns: the applicant answers that there are other concerns (risk.other_concerns)")
		require.Empty(t, events)
		require.Equal(t, version, r.Version())
		require.Equal(t, domain.AwaitingSecondParty, r.State())
	}
	a := secondParty()
	a.Risk.OtherConcerns, a.RiskNotes = true, "he keeps a dog that bit a child"
	h.ok(r.SubmitSecondParty(a, today, ids()))
	require.True(t, r.Details().Risk.OtherConcerns)

	d := r.Details()
	require.Empty(t, d.RiskNotes, "the second parent's notes are theirs, not the referral's")
	d.Availability = "Sunday afternoons"
	events := h.ok(r.Amend(d, "", today, ids()))
	require.Len(t, events, 1, "the other concerns are described in the second parent's notes")
}

// A closed referral recorded before the rule with a reason that says nothing is still corrected:
// a correction leaves the reason as the referrer gave it (CorrectionOnly), so refusing the reason
// would refuse every correction of the people's personal details.
func TestAClosedReferralRecordedBeforeTheRuleIsStillCorrected(t *testing.T) {
	r, h := inState(t, domain.Declined)
	ev := proto.Clone(h.events[0]).(*referralv1.ReferralReceived)
	var cd referralv1.CaseDetails
	require.NoError(t, proto.Unmarshal(ev.GetFacts().GetSealedCaseDetails(), &cd))
	cd.Reason, cd.Availability, cd.RiskNotes = ".", "!!!", ""
	b, err := proto.Marshal(&cd)
	require.NoError(t, err)
	ev.Facts.SealedCaseDetails = b
	h.events[0] = ev
	r, err = domain.Rebuild(r.ID(), h.events)
	require.NoError(t, err)
	require.Equal(t, ".", r.Details().Reason)

	d := r.Details()
	d.Adults[0].Contact.Phone = "07700 900009"
	events, err := r.Amend(d, "the parent's phone number was typed wrongly", today, ids())
	require.NoError(t, err)
	require.Len(t, events, 1)
}
