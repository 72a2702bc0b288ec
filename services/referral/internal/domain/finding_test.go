package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

var (
	handoverKind = commonv1.ServiceType_SERVICE_TYPE_HANDOVER
	escortedKind = commonv1.ServiceType_SERVICE_TYPE_ESCORTED
	indirectKind = commonv1.ServiceType_SERVICE_TYPE_INDIRECT
	virtualKind  = commonv1.ServiceType_SERVICE_TYPE_VIRTUAL
	// everyKind is every kind of contact the contract offers, as a centre offering them all.
	everyKind = []commonv1.ServiceType{supported, supervisd, handoverKind, escortedKind, indirectKind, virtualKind}
)

// screenedFor is a referral asking for the kind st, whose children may leave the centre (so that
// escorted contact is refused for nothing else), screened with or without a domestic-abuse finding.
func screenedFor(t *testing.T, st commonv1.ServiceType, da bool) (*domain.Referral, *history) {
	t.Helper()
	d := details()
	d.ChildrenMayLeaveCentre = true
	d.Adults[1].MayCollect = true // a handover passes the children to someone other than who brings them (review 53)
	s := submission(d)
	s.RequestedServiceType = st
	r, h := submit(t, s)
	h.ok(r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: da}, today))
	return r, h
}

// Review 22 screened a family red with domestic abuse found and accepted it for handover: the
// parents pass the child between them at the centre's door. A domestic-abuse finding leaves
// supervised contact only (decision 168): every other kind the contract offers is refused, for
// acceptance and the waiting list alike, whatever the centre offers.
func TestADomesticAbuseFindingLeavesSupervisedContactOnly(t *testing.T) {
	for _, tc := range []struct {
		kind commonv1.ServiceType
		err  error
	}{
		{supported, domain.ErrDomesticAbuseRulesOutSupported},
		{handoverKind, domain.ErrDomesticAbuseNeedsSupervised},
		{escortedKind, domain.ErrDomesticAbuseNeedsSupervised},
		{indirectKind, domain.ErrDomesticAbuseNeedsSupervised},
		{virtualKind, domain.ErrDomesticAbuseNeedsSupervised},
		{supervisd, nil},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			require.Equal(t, tc.err == nil, domain.FindingAllows(tc.kind))
			r, _ := screenedFor(t, tc.kind, true)
			version := r.Version()
			for _, decide := range []func() ([]proto.Message, error){
				func() ([]proto.Message, error) { return r.Accept(tc.kind, everyKind, "", today) },
				func() ([]proto.Message, error) { return r.Waitlist(tc.kind, everyKind, today) },
			} {
				events, err := decide()
				if tc.err == nil {
					require.NoError(t, err)
					break
				}
				require.ErrorIs(t, err, tc.err)
				require.Nil(t, events)
				require.Equal(t, version, r.Version(), "nothing recorded")
				require.Equal(t, domain.Screened, r.State())
			}

			// Without a finding every kind is accepted, as before.
			r, _ = screenedFor(t, tc.kind, false)
			_, err := r.Accept(tc.kind, everyKind, "", today)
			require.NoError(t, err)
		})
	}

	// Waitlisted for no kind in particular, the family waits for supervised contact whatever it
	// asked for, and a centre without supervised contact cannot list it: the finding is in the way.
	for _, asked := range []commonv1.ServiceType{handoverKind, indirectKind, virtualKind} {
		r, _ := screenedFor(t, asked, true)
		require.Equal(t, supervisd, r.WaitsFor())
		_, err := r.Waitlist(0, []commonv1.ServiceType{supported, handoverKind, indirectKind, virtualKind}, today)
		require.ErrorIs(t, err, domain.ErrDomesticAbuseNeedsSupervised, asked.String())
		events, err := r.Waitlist(0, everyKind, today)
		require.NoError(t, err)
		require.Equal(t, supervisd, events[0].(*referralv1.ReferralWaitlisted).GetServiceType(), asked.String())
		// Taken off the list, it is accepted for supervised contact, not the kind asked for.
		_, err = r.Accept(asked, everyKind, "", today)
		require.ErrorIs(t, err, domain.ErrDomesticAbuseNeedsSupervised)
		_, err = r.Accept(supervisd, everyKind, "", today)
		require.NoError(t, err)
	}
}

// A case of supervised contact with a domestic-abuse finding does not end as moved to handover,
// which the finding rules out (decision 168), as it does not step down to supported (decision 133).
func TestACaseWithAFindingDoesNotEndMovedToHandover(t *testing.T) {
	r, h := screenedFor(t, supervisd, true)
	h.ok(r.Accept(supervisd, everyKind, "", today))
	for _, a := range r.Adults() {
		h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
	}
	h.ok(r.AgreeArrangement(arrangement(supervisd), today))
	h.ok(r.RecordSessionAttended(today.AddDate(0, 0, -1)))
	version := r.Version()
	for outcome, want := range map[referralv1.CaseOutcome]error{
		referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER:         domain.ErrDomesticAbuseRulesOutHandover,
		referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED: domain.ErrDomesticAbuseRulesOutSupported,
	} {
		events, err := r.EndCase(outcome, "Ended for the test", today)
		require.ErrorIs(t, err, want, outcome.String())
		require.Nil(t, events)
	}
	require.Equal(t, version, r.Version(), "nothing recorded")
	h.ok(r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "Ended for the test", today))
	require.Equal(t, domain.Ended, r.State())
}

// withFinding is the history with its screening changed to one that found domestic abuse: a
// referral recorded before decision 168, accepted (and perhaps made ready) for a kind the finding
// now rules out.
func withFinding(t *testing.T, events []proto.Message) []proto.Message {
	t.Helper()
	out := make([]proto.Message, len(events))
	found := false
	for i, ev := range events {
		out[i] = proto.Clone(ev)
		if s, ok := out[i].(*referralv1.ScreeningRecorded); ok {
			s.DomesticAbuseFinding, found = true, true
		}
	}
	require.True(t, found)
	return out
}

// A referral accepted for handover with a domestic-abuse finding before decision 168, or accepted
// for it before the safeguarding lead found domestic abuse, still loads. It is not made ready for
// handover: its arrangement is not agreed, and pre-visits are recorded (they happened) without
// making it ready. It is withdrawn, and the family referred again for supervised contact. A case
// made ready for handover before the rule keeps its kind: its arrangement changes as before, and
// it ends with an outcome that fits.
func TestACaseAcceptedForAKindTheFindingRulesOutIsNotMadeReady(t *testing.T) {
	t.Run("accepted before the rule", func(t *testing.T) {
		r, h := screenedFor(t, handoverKind, false)
		h.ok(r.Accept(handoverKind, everyKind, "", today))
		for _, a := range r.Adults() {
			h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
		}
		old, err := domain.Rebuild(r.ID(), withFinding(t, h.events))
		require.NoError(t, err, "a referral recorded before the rule loads")
		require.Equal(t, domain.Accepted, old.State())
		require.Equal(t, handoverKind, old.ServiceType())
		found, _ := old.DomesticAbuseFinding()
		require.True(t, found)

		version := old.Version()
		_, err = old.AgreeArrangement(arrangement(handoverKind), today)
		require.ErrorIs(t, err, domain.ErrAcceptedKindRuledOut)
		require.Equal(t, version, old.Version(), "nothing recorded")
		require.Equal(t, domain.Accepted, old.State())
		_, err = old.Withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER, "Referred again for supervised contact", today)
		require.NoError(t, err)
	})

	t.Run("the lead finds domestic abuse after the acceptance", func(t *testing.T) {
		r, h := screenedFor(t, handoverKind, false)
		h.ok(r.Accept(handoverKind, everyKind, "", today))
		h.ok(r.AgreeArrangement(arrangement(handoverKind), today))
		h.ok(r.NoteRiskAssessment(true, today))
		for _, a := range r.Adults() {
			h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
		}
		require.Equal(t, domain.Accepted, r.State(), "the pre-visits are recorded, and the family is not made ready for handover")
		require.Len(t, r.PreVisitDates(), 1)
		_, err := r.AgreeArrangement(arrangement(handoverKind), today)
		require.ErrorIs(t, err, domain.ErrAcceptedKindRuledOut)
	})

	t.Run("made ready before the rule", func(t *testing.T) {
		r, h := screenedFor(t, handoverKind, false)
		h.ok(r.Accept(handoverKind, everyKind, "", today))
		for _, a := range r.Adults() {
			h.ok(r.RecordPreVisit(domain.PreVisit{PersonID: a.ID, On: today.AddDate(0, 0, -3), GroundRulesSigned: true}, today))
		}
		h.ok(r.AgreeArrangement(arrangement(handoverKind), today))
		h.ok(r.RecordSessionAttended(today.AddDate(0, 0, -1)))
		old, err := domain.Rebuild(r.ID(), withFinding(t, h.events))
		require.NoError(t, err)
		require.Equal(t, domain.InContact, old.State())

		longer := arrangement(handoverKind)
		longer.Stagger.ArrivalMinutes = 20
		_, err = old.ChangeArrangement(longer, today)
		require.NoError(t, err, "the kind it has is kept: a change of arrangement changes nothing of it")
		_, err = old.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_MOVED_TO_HANDOVER, "Ended for the test", today)
		require.ErrorIs(t, err, domain.ErrAlreadyHandover)
		_, err = old.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "Ended for the test", today)
		require.NoError(t, err)
		require.Equal(t, domain.Ended, old.State())
	})
}
