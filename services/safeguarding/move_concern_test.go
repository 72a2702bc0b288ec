package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 78 (M1; decision 404): a volunteer raised a concern on the next row of the day sheet, the
// lead was alerted about a family who had done nothing, and nothing could put it right. The lead
// moves it: a new concern about the right family carries its description, date and raiser (who
// still reads it); the first is closed as moved and says so; it is no concern of the first family's
// after, so their request to erase is carried out. Only the lead moves, only an open concern
// nothing was done on, never to the same family.
func TestAConcernRaisedAboutTheWrongFamilyIsMovedToTheRightOne(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	centre := g.centre.String()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	families := g.families(t, 2)
	wrong, right := families[0], families[1]
	raise := func(family uuid.UUID, text string) string {
		t.Helper()
		raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_EMOTIONAL_HARM, Description: text})
		require.NoError(t, err)
		return raised.GetConcernId()
	}
	move := func(as safeguardingv1.SafeguardingServiceClient, concern string, to uuid.UUID) (*safeguardingv1.MoveConcernResponse, error) {
		return as.MoveConcern(ctx, &safeguardingv1.MoveConcernRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: concern,
			FamilyId: to.String(), Reason: "Raised on the next row of the day sheet by mistake"})
	}
	first := raise(wrong, "The boy was crying when his father shouted at him")

	_, err := move(vol, first, right)
	require.Equal(t, codes.PermissionDenied, code(t, err), "the lead moves a concern")
	_, err = move(lead, first, wrong)
	require.Equal(t, codes.InvalidArgument, code(t, err), "to another family: %v", err)

	moved, err := move(lead, first, right)
	require.NoError(t, err)
	require.Equal(t, right.String(), moved.GetFamilyId())
	require.Equal(t, first, moved.GetMovedFromConcernId())
	require.Empty(t, moved.GetTextWarning())

	read := func(as safeguardingv1.SafeguardingServiceClient, concern string) *safeguardingv1.GetConcernResponse {
		t.Helper()
		got, err := as.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: centre, ConcernId: concern, Purpose: "checking the move"})
		require.NoError(t, err)
		return got
	}
	now := read(lead, moved.GetConcernId())
	require.Equal(t, right.String(), now.GetConcern().GetSummary().GetFamilyId())
	require.False(t, now.GetConcern().GetSummary().GetClosed())
	require.Equal(t, "The boy was crying when his father shouted at him", now.GetConcern().GetRecords()[0].GetText())
	require.Contains(t, now.GetConcern().GetRecords()[0].GetSummary(), "moved here by the safeguarding lead from concern "+first)
	require.Equal(t, "The boy was crying when his father shouted at him", read(vol, moved.GetConcernId()).GetConcern().GetRecords()[0].GetText(),
		"its raiser still reads what they raised")
	was := read(lead, first)
	require.True(t, was.GetConcern().GetSummary().GetClosed())
	records := was.GetConcern().GetRecords()
	require.Contains(t, records[len(records)-1].GetSummary(), "concern moved: it was raised about this family by mistake")
	require.Equal(t, "Raised on the next row of the day sheet by mistake", records[len(records)-1].GetText())

	_, err = move(lead, first, right)
	require.Equal(t, "CONCERN_CLOSED", reason(t, err), "moved once")
	// Review 84 (decision 410): the move was the mistake; moved back, it says so, not that it was
	// first recorded about another family.
	back, err := move(lead, moved.GetConcernId(), wrong)
	require.NoError(t, err)
	require.Contains(t, read(lead, back.GetConcernId()).GetConcern().GetRecords()[0].GetSummary(),
		"moved back here by the safeguarding lead from concern "+moved.GetConcernId()+": moving it away from this family was the mistake")
	require.Equal(t, "The boy was crying when his father shouted at him", read(lead, back.GetConcernId()).GetConcern().GetRecords()[0].GetText())
	acted := raise(wrong, "Shouting in the car park at handover")
	_, err = lead.AddConcernAction(ctx, &safeguardingv1.AddConcernActionRequest{RequestId: uuid.NewString(), CentreId: centre,
		ConcernId: acted, Action: "Spoke to the father about the car park"})
	require.NoError(t, err)
	_, err = move(lead, acted, right)
	require.Equal(t, "CONCERN_ACTED_ON", reason(t, err))
	_, err = lead.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), CentreId: centre, ConcernId: acted,
		Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION, Note: "Raised about the wrong family: see the other family's"})
	require.NoError(t, err)

	// The first family asks to be erased: the moved concern keeps nothing of theirs back, and the
	// right family's concern keeps its text. (The closed one about them, acted on, does keep it:
	// a third family shows the moved concern alone.)
	third := g.families(t, 1)[0]
	other := raise(third, "A bruise on the girl's arm, which she said was from the park")
	// The raiser corrected the description, and that correction in its turn: the move carries the
	// text as it stands at the end of the chain.
	correct := func(record, text string) string {
		t.Helper()
		resp, err := vol.CorrectRecord(ctx, &safeguardingv1.CorrectRecordRequest{RequestId: uuid.NewString(), CentreId: centre,
			FamilyId: third.String(), RecordId: record, Text: text, Reason: "I wrote it in a hurry at the door"})
		require.NoError(t, err)
		return resp.GetRecordId()
	}
	correction := correct(read(vol, other).GetConcern().GetRecords()[0].GetRecordId(), "A bruise on the girl's left arm")
	correct(correction, "A bruise on the girl's left arm, which she said was from the swings")
	carried, err := move(lead, other, right)
	require.NoError(t, err)
	require.Equal(t, "A bruise on the girl's left arm, which she said was from the swings",
		read(lead, carried.GetConcernId()).GetConcern().GetRecords()[0].GetText())
	g.other(t, "referral", third, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: third.String(),
		CentreId: centre, Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, ErasedOn: review(0)})
	require.Eventually(t, func() bool { return g.shredded(t, third) }, 30*time.Second, 20*time.Millisecond, "a concern moved away is no concern on the family's record")
	require.Equal(t, "The boy was crying when his father shouted at him", read(lead, moved.GetConcernId()).GetConcern().GetRecords()[0].GetText())
}
