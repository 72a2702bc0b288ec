package safeguarding_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/dates"
)

// nfa is the outcome the tests close concerns with when how they ended is not what they test.
const nfa = safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION

// Review 48 (M2): "Done and dusted" closed a concern seconds after its escalation to the police,
// recorded with no reference yet. A close says how the concern ended; an outcome of referral on
// needs the escalation; an escalation the agency has given no reference for is named in a warning
// that says how to add it, and the close is recorded all the same.
func TestAConcernClosesWithItsOutcomeAndAMissingReferenceIsNamed(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	lead, vol := g.as(t, "lead-1", auth.RoleSafeguardingLead), g.as(t, "volunteer-1", auth.RoleVolunteer)
	family := g.families(t, 1)[0]
	centre := g.centre.String()
	raise := func() string {
		t.Helper()
		k, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_PHYSICAL_HARM,
			Description: "Bruise on the child's arm, seen at handover"})
		require.NoError(t, err)
		return k.GetConcernId()
	}
	closing := func(k string, o safeguardingv1.ConcernOutcome, note string) *safeguardingv1.CloseConcernRequest {
		return &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: k, Note: note, Outcome: o}
	}

	k := raise()
	_, err := lead.EscalateConcern(ctx, &safeguardingv1.EscalateConcernRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: k,
		Agency: safeguardingv1.Agency_AGENCY_POLICE})
	require.NoError(t, err)
	before := g.events(t)
	_, err = lead.CloseConcern(ctx, closing(k, 0, "Done and dusted"))
	require.Equal(t, "outcome", badField(t, err), "no outcome: refused")
	require.Contains(t, err.Error(), "no further action")
	require.Equal(t, before, g.events(t), "nothing recorded")

	closed, err := lead.CloseConcern(ctx, closing(k, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_TAKEN_ON_BY_AGENCY, "Police investigating"))
	require.NoError(t, err)
	require.True(t, closed.GetConcern().GetClosed())
	require.Equal(t, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_TAKEN_ON_BY_AGENCY, closed.GetOutcome())
	whole, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: centre, ConcernId: k, Purpose: "audit the close"})
	require.NoError(t, err)
	var escalation string
	var summaries []string
	for _, r := range whole.GetConcern().GetRecords() {
		if strings.HasSuffix(r.GetType(), ".ConcernEscalated") {
			escalation = r.GetRecordId()
		}
		summaries = append(summaries, r.GetSummary())
	}
	require.Contains(t, summaries, "concern closed: taken on by agency", "the lead reads the outcome")
	require.Contains(t, closed.GetReferenceWarning(), "REFERENCE_NOT_GIVEN")
	require.Contains(t, closed.GetReferenceWarning(), "familytime safeguarding escalate-reference "+escalation+" --family "+family.String(),
		"the warning names the escalation and how to add its reference")

	// The reference, added after the close, is a correction of the escalation.
	_, err = lead.CorrectRecord(ctx, &safeguardingv1.CorrectRecordRequest{RequestId: uuid.NewString(), CentreId: centre,
		FamilyId: family.String(), RecordId: escalation, Text: "CAD 4512/23", Reason: "the police gave their reference"})
	require.NoError(t, err)

	// Escalated with a reference: no warning. Never escalated: not referred on.
	k = raise()
	_, err = lead.CloseConcern(ctx, closing(k, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_AGENCY_TOOK_NO_FURTHER_ACTION, "Children's services: NFA"))
	require.Equal(t, "outcome", badField(t, err), "never escalated: not referred on")
	_, err = lead.EscalateConcern(ctx, &safeguardingv1.EscalateConcernRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: k,
		Agency: safeguardingv1.Agency_AGENCY_LOCAL_AUTHORITY_CHILDRENS_SERVICES, Reference: "CS/2291"})
	require.NoError(t, err)
	closed, err = lead.CloseConcern(ctx, closing(k, safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_AGENCY_TOOK_NO_FURTHER_ACTION, "Children's services: NFA"))
	require.NoError(t, err)
	require.Empty(t, closed.GetReferenceWarning())

	// Its raiser is told it was closed, not how it ended: that is the lead's record.
	mine, err := vol.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: centre, ConcernId: k, Purpose: "check on my concern"})
	require.NoError(t, err)
	require.True(t, mine.GetConcern().GetSummary().GetClosed())
	for _, r := range mine.GetConcern().GetRecords() {
		require.NotContains(t, r.GetSummary(), "no further action")
	}
}

// Review 48 (M3): after a hold and two escalated concerns, the family's record still said green,
// provisional, and nothing prompted the lead to reassess. A hold placed or a concern escalated
// after the family's last assessment lists it for a risk assessment, saying why, due the day of
// the step, until an assessment is recorded after it.
func TestAHoldOrAnEscalationSinceTheAssessmentListsTheFamilyForTheLead(t *testing.T) {
	now := time.Now().UTC()
	clk := clock.NewSimulated(now)
	g := newRig(t, clk)
	g.theUsualStaff(t)
	ctx := t.Context()
	lead, vol := g.as(t, "lead-1", auth.RoleSafeguardingLead), g.as(t, "volunteer-1", auth.RoleVolunteer)
	f := g.families(t, 2) // each screened green from its referral's answers
	centre := g.centre.String()
	list := func() []*safeguardingv1.RiskReview {
		t.Helper()
		resp, err := lead.ListRiskReviews(ctx, &safeguardingv1.ListRiskReviewsRequest{CentreId: centre})
		require.NoError(t, err)
		return resp.GetReviews()
	}
	assess := func(family uuid.UUID) {
		t.Helper()
		_, err := lead.AssessRisk(ctx, &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: family.String(), Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, NextReviewOn: review(60)})
		require.NoError(t, err)
	}
	assess(f[0])
	require.Empty(t, list(), "a green screen and an assessment due in two months: nobody to look at")

	// f[1], never assessed and screened green, has a concern escalated; f[0] a hold after its assessment.
	k, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: centre,
		FamilyId: f[1].String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "Child hungry and cold"})
	require.NoError(t, err)
	_, err = lead.EscalateConcern(ctx, &safeguardingv1.EscalateConcernRequest{RequestId: uuid.NewString(), CentreId: centre,
		ConcernId: k.GetConcernId(), Agency: safeguardingv1.Agency_AGENCY_LOCAL_AUTHORITY_CHILDRENS_SERVICES})
	require.NoError(t, err)
	held, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: centre, FamilyId: f[0].String(),
		Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION, ReviewBy: review(14)})
	require.NoError(t, err)

	today := dates.Proto(now.Truncate(24 * time.Hour))
	rows := list()
	require.Len(t, rows, 2)
	byFamily := map[string]*safeguardingv1.RiskReview{}
	for _, r := range rows {
		byFamily[r.GetRisk().GetFamilyId()] = r
		require.True(t, proto.Equal(today, r.GetDueOn()), "due the day of the step: %v", r.GetDueOn())
		require.False(t, r.GetOverdue())
		require.Len(t, r.GetStepsSinceAssessed(), 1)
	}
	step := byFamily[f[0].String()].GetStepsSinceAssessed()[0]
	require.Equal(t, safeguardingv1.ProtectiveStepKind_PROTECTIVE_STEP_KIND_HOLD_PLACED, step.GetKind())
	require.Equal(t, held.GetHold().GetHoldId(), step.GetHoldId())
	step = byFamily[f[1].String()].GetStepsSinceAssessed()[0]
	require.Equal(t, safeguardingv1.ProtectiveStepKind_PROTECTIVE_STEP_KIND_CONCERN_ESCALATED, step.GetKind())
	require.Equal(t, k.GetConcernId(), step.GetConcernId())
	require.True(t, byFamily[f[1].String()].GetRisk().GetProvisional(), "green and provisional, listed all the same")
	record, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: centre, FamilyId: f[0].String(),
		Purpose: "reassess after the hold"})
	require.NoError(t, err)
	require.Len(t, record.GetStepsSinceAssessed(), 1, "the family's record says so under its risk")
	require.Equal(t, held.GetHold().GetHoldId(), record.GetStepsSinceAssessed()[0].GetHoldId())

	require.NoError(t, clk.Set(now.AddDate(0, 0, 1)))
	for _, r := range list() {
		require.True(t, r.GetOverdue(), "overdue from the next day, as a provisional screen")
	}
	assess(f[0])
	rows = list()
	require.Len(t, rows, 1, "an assessment after the hold weighs it")
	require.Equal(t, f[1].String(), rows[0].GetRisk().GetFamilyId())
}

// Review 48 (L1): reading another's concern, or correcting another's record, was refused with no
// reason code, where every other refusal has one (decisions 258, 266).
func TestAConcernsRefusalsToOthersHaveTheirReasons(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol, other := g.as(t, "volunteer-1", auth.RoleVolunteer), g.as(t, "volunteer-2", auth.RoleVolunteer)
	family := g.families(t, 1)[0]
	k, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_OTHER, Description: "Father arrived early"})
	require.NoError(t, err)
	_, err = other.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: k.GetConcernId(),
		Purpose: "curious about it"})
	require.Equal(t, codes.PermissionDenied, code(t, err))
	require.Equal(t, "NOT_THE_RAISER_OR_LEAD", reason(t, err))

	mine, err := vol.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: k.GetConcernId(),
		Purpose: "check on my concern"})
	require.NoError(t, err)
	_, err = other.CorrectRecord(ctx, &safeguardingv1.CorrectRecordRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), RecordId: mine.GetConcern().GetRecords()[0].GetRecordId(), Text: "Father arrived late", Reason: "misread"})
	require.Equal(t, codes.PermissionDenied, code(t, err))
	require.Equal(t, "NOT_THE_AUTHOR_OR_LEAD", reason(t, err))
}

// Review 48 (L2): a safeguarding command retried with the same request id gave the first answer
// without saying so. Its answer says when it was carried out, and a retry's that it is replayed.
func TestARetriedCommandSaysItWasReplayed(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol, lead := g.as(t, "volunteer-1", auth.RoleVolunteer), g.as(t, "lead-1", auth.RoleSafeguardingLead)
	raise := &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), FamilyId: g.families(t, 1)[0].String(),
		Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_OTHER, Description: "Seen at the door"}
	first, err := vol.RaiseConcern(ctx, raise)
	require.NoError(t, err)
	require.False(t, first.GetReplayed())
	require.NotNil(t, first.GetAnsweredAt(), "every command's answer says when it was carried out")
	again, err := vol.RaiseConcern(ctx, raise)
	require.NoError(t, err)
	require.True(t, again.GetReplayed())
	require.Equal(t, first.GetConcernId(), again.GetConcernId())
	require.True(t, first.GetAnsweredAt().AsTime().Equal(again.GetAnsweredAt().AsTime()), "when it was first carried out")

	closing := &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ConcernId: first.GetConcernId(),
		Note: "Spoke to the father", Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_RESOLVED_AT_THE_CENTRE}
	closed, err := lead.CloseConcern(ctx, closing)
	require.NoError(t, err)
	require.False(t, closed.GetReplayed())
	closedAgain, err := lead.CloseConcern(ctx, closing)
	require.NoError(t, err, "a retry is not refused as closing a closed concern")
	require.True(t, closedAgain.GetReplayed())
	require.Equal(t, closed.GetOutcome(), closedAgain.GetOutcome())
	require.Equal(t, 1, g.eventsOfType(t, "familytime.safeguarding.v1.ConcernClosed"))
}

// Every command's answer (a method whose request carries a request_id) can say when it was carried
// out and that it was replayed (command.OnceSaying refuses one that cannot).
func TestEveryCommandsAnswerSaysWhetherItWasReplayed(t *testing.T) {
	methods := safeguardingv1.File_familytime_safeguarding_v1_safeguarding_proto.Services().ByName("SafeguardingService").Methods()
	commands := 0
	for i := range methods.Len() {
		m := methods.Get(i)
		if m.Input().Fields().ByName("request_id") == nil {
			continue
		}
		commands++
		out := m.Output().Fields()
		at, replayed := out.ByName("answered_at"), out.ByName("replayed")
		require.NotNil(t, at, "%s", m.Output().FullName())
		require.Equal(t, protoreflect.FullName("google.protobuf.Timestamp"), at.Message().FullName())
		require.NotNil(t, replayed, "%s", m.Output().FullName())
		require.Equal(t, protoreflect.BoolKind, replayed.Kind())
	}
	require.Equal(t, 16, commands) // MoveConcern the 16th (decision 404)
}
