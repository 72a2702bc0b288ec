package cli

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
)

// Review 48 (L2): a safeguarding command's retry says it was replayed, on standard error, and its
// --json carries replayed and answered_at beside the record it shows, in the shape it had; a
// first answer's --json is the record as before.
func TestASafeguardingAnswerSaysItWasReplayed(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 7, 1, 13, 5, 0, 0, time.UTC))
	hold := &safeguardingv1.Hold{HoldId: "h-1", FamilyId: "f-1"}
	print := func(json bool, replayed bool) (string, string) {
		cmd := &cobra.Command{}
		var out, said bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&said)
		resp := &safeguardingv1.LiftHoldResponse{Hold: hold, AnsweredAt: at, Replayed: replayed}
		require.NoError(t, printAnswer(cmd, &output{json: json}, resp, hold, holdFields(hold)))
		return out.String(), said.String()
	}
	out, said := print(false, false)
	require.Empty(t, said, "a first answer says nothing more")
	require.Contains(t, out, "h-1")
	out, said = print(false, true)
	require.Equal(t, "already recorded at 2026-07-01 14:05 (UK time): this is the answer given then, not the record as it stands now\n", said)
	require.Contains(t, out, "h-1")

	out, _ = print(true, true)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Equal(t, map[string]any{"hold_id": "h-1", "family_id": "f-1", "answered_at": "2026-07-01T13:05:00Z", "replayed": true}, got)
	out, _ = print(true, false)
	got = nil
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Equal(t, map[string]any{"hold_id": "h-1", "family_id": "f-1"}, got, "a first answer: the record as before")
}

// Review 48 (M3): a family before the lead for a hold or an escalation since its last assessment
// says so, and DUE names the step when it came first.
func TestARiskReviewRowNamesTheStepsSinceTheAssessment(t *testing.T) {
	day := func(d int32) *commonv1.Date { return &commonv1.Date{Year: 2026, Month: 3, Day: d} }
	row := &safeguardingv1.RiskReview{Risk: &safeguardingv1.Risk{Rating: safeguardingv1.RiskRating_RISK_RATING_GREEN, Provisional: true},
		DueOn: day(2), StepsSinceAssessed: []*safeguardingv1.ProtectiveStep{
			{Kind: safeguardingv1.ProtectiveStepKind_PROTECTIVE_STEP_KIND_HOLD_PLACED, TakenOn: day(2), HoldId: "h"},
			{Kind: safeguardingv1.ProtectiveStepKind_PROTECTIVE_STEP_KIND_CONCERN_ESCALATED, TakenOn: day(4), ConcernId: "k"}}}
	require.Equal(t, "2026-03-02, hold placed", riskReviewDue(row))
	require.Equal(t, "hold placed on 2026-03-02; concern escalated on 2026-03-04: assess the risk", riskReviewSteps(row))
	require.Empty(t, riskReviewSteps(&safeguardingv1.RiskReview{}))
}
