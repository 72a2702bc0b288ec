package domain

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/weighing"
)

// Review 48: "Done and dusted" closed a concern seconds after its escalation to the police with no
// reference yet. A concern closes with an outcome; one of referral on needs the escalation; a
// close recorded before outcomes reads as not recorded.
func TestAConcernClosesWithItsOutcome(t *testing.T) {
	nfa, takenOn := safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_TAKEN_ON_BY_AGENCY
	k, _ := raised(t, volunteer)
	for _, bad := range []safeguardingv1.ConcernOutcome{0, 99} {
		_, err := k.Close(lead, bad, "Spoke to both parents", monday)
		invalidField(t, err, "outcome")
	}
	_, err := k.Close(lead, takenOn, "Police have it", monday)
	invalidField(t, err, "outcome")
	require.False(t, k.Closed(), "nothing recorded")

	evs, err := k.Close(lead, nfa, "Spoke to both parents: nothing more to do", monday)
	require.NoError(t, err)
	require.Equal(t, nfa, evs[0].(*safeguardingv1.ConcernClosed).GetOutcome())
	require.Equal(t, nfa, k.Outcome())

	// Escalated, it may close as referred on.
	k, recs := raised(t, volunteer)
	evs, err = k.Escalate(lead, safeguardingv1.Agency_AGENCY_POLICE, "CR-1", false, monday)
	require.NoError(t, err)
	k, err = RebuildConcern(k.ID(), append(recs, recorded(evs...)...))
	require.NoError(t, err)
	_, err = k.Close(lead, takenOn, "Police investigating", monday)
	require.NoError(t, err)

	// A close recorded before outcomes were required.
	k, recs = raised(t, volunteer)
	old, err := RebuildConcern(k.ID(), append(recs, recorded(&safeguardingv1.ConcernClosed{ConcernId: k.ID().String()})...))
	require.NoError(t, err)
	require.True(t, old.Closed())
	require.Equal(t, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_UNSPECIFIED, old.Outcome(), "not recorded")
}

// An escalation recorded with no reference from the agency is named when its concern is closed,
// until escalate-reference corrects it with one.
func TestAnEscalationWithoutAReferenceIsNamedUntilOneIsGiven(t *testing.T) {
	k, recs := raised(t, volunteer)
	evs, err := k.Escalate(lead, safeguardingv1.Agency_AGENCY_POLICE, "  ", false, monday)
	require.NoError(t, err)
	require.True(t, evs[0].(*safeguardingv1.ConcernEscalated).GetReferenceNotGiven())
	withRef, err := k.Escalate(lead, safeguardingv1.Agency_AGENCY_LOCAL_AUTHORITY_CHILDRENS_SERVICES, "CS/2291", false, monday)
	require.NoError(t, err)
	require.False(t, withRef[0].(*safeguardingv1.ConcernEscalated).GetReferenceNotGiven())
	recs = append(recs, recorded(append(evs, withRef...)...)...)
	k, err = RebuildConcern(k.ID(), recs)
	require.NoError(t, err)
	police := recs[len(recs)-2].ID
	require.Equal(t, []uuid.UUID{police}, k.ReferencesNotGiven(), "the escalation with a reference is not named")
	warning := ReferenceNotGiven(k.FamilyID(), k.ReferencesNotGiven())
	require.Contains(t, warning, "REFERENCE_NOT_GIVEN")
	require.Contains(t, warning, "familytime safeguarding escalate-reference "+police.String()+" --family "+k.FamilyID().String())
	require.Empty(t, ReferenceNotGiven(k.FamilyID(), nil))

	fix, err := k.Correct(lead, police, "4512/23", "the police gave their reference", monday)
	require.NoError(t, err)
	k, err = RebuildConcern(k.ID(), append(recs, recorded(fix...)...))
	require.NoError(t, err)
	require.Empty(t, k.ReferencesNotGiven(), "given since")
}

// Review 48: a hold and two escalations left the family's risk green and provisional, and no list
// said to look at it. A step after the last assessment (by the instant recorded, the same day too)
// is one it did not weigh; an assessment recorded after it weighs it.
func TestProtectiveStepsSinceTheLastAssessment(t *testing.T) {
	family, centre := uuid.New(), uuid.New()
	at := func(h int) weighing.Moment {
		return weighing.Moment{On: monday, At: monday.Add(time.Duration(h) * time.Hour)}
	}
	hold := ProtectiveStep{Kind: safeguardingv1.ProtectiveStepKind_PROTECTIVE_STEP_KIND_HOLD_PLACED, Taken: at(9), Hold: uuid.New()}
	escalated := ProtectiveStep{Kind: safeguardingv1.ProtectiveStepKind_PROTECTIVE_STEP_KIND_CONCERN_ESCALATED, Taken: at(14), Concern: uuid.New()}
	steps := []ProtectiveStep{hold, escalated}

	never, err := RebuildRisk(family, nil)
	require.NoError(t, err)
	require.Equal(t, steps, never.StepsSinceAssessed(steps), "never assessed: every step")

	assessedAt := func(h int) *Risk {
		ev := &safeguardingv1.RiskAssessed{FamilyId: family.String(), CentreId: centre.String(), AssessedOn: dates.Proto(monday),
			Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER, NextReviewOn: dates.Proto(monday.AddDate(0, 1, 0))}
		r, err := RebuildRisk(family, []Recorded{{ID: uuid.New(), Event: proto.Message(ev), At: at(h).At}})
		require.NoError(t, err)
		return r
	}
	require.Equal(t, steps, assessedAt(8).StepsSinceAssessed(steps), "assessed before both")
	require.Equal(t, []ProtectiveStep{escalated}, assessedAt(10).StepsSinceAssessed(steps), "assessed after the hold, the same day")
	require.Empty(t, assessedAt(15).StepsSinceAssessed(steps), "assessed after both")
}
