package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
)

// aChild gives the referral its own child, so that the case is not another referral of the
// child of the test's other cases (ReopenCase refuses while one is open): a name of its own, born
// on a day of its own (a same date of birth and surname is a close match, decision 200).
func aChild(name string) func(*referralv1.ReferralDetails) {
	return func(d *referralv1.ReferralDetails) {
		d.Children[0].FullName = name
		d.Children[0].DateOfBirth = date(today().AddDate(-5, 0, -3*len(name)-int(name[0])))
	}
}

// readyWith is casework.ready for a referral of its own child.
func (w *casework) readyWith(child string) string {
	w.t.Helper()
	ref := w.submit(supported, aChild(child)).GetReferralId()
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
	accepted, err := w.accept(ref, supported)
	require.NoError(w.t, err)
	for _, role := range []referralv1.AdultRole{referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT} {
		_, err := w.c.RecordPreVisit(w.t.Context(), &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), PersonId: personID(accepted.GetReferral(), role), GroundRulesSigned: true}) // on the service's today
		require.NoError(w.t, err)
	}
	_, err = w.c.AgreeArrangement(w.t.Context(), &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), Arrangement: &referralv1.Arrangement{ServiceType: supported,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY, SessionMinutes: 120,
			Stagger: &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}}})
	require.NoError(w.t, err)
	return ref
}

func (w *casework) end(ref string, outcome referralv1.CaseOutcome, note string) (*referralv1.EndCaseResponse, error) {
	return w.c.EndCase(w.t.Context(), &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(),
		Outcome: outcome, Note: note})
}

func (w *casework) correct(ref string, outcome referralv1.CaseOutcome, note string) (*referralv1.CorrectCaseEndingResponse, error) {
	return w.c.CorrectCaseEnding(w.t.Context(), &referralv1.CorrectCaseEndingRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), Outcome: outcome, Note: note})
}

func (w *casework) reopen(ref, note string) (*referralv1.ReopenCaseResponse, error) {
	return w.c.ReopenCase(w.t.Context(), &referralv1.ReopenCaseRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), Note: note})
}

// lastEvent is the referral's latest event of type name, decoded into m, and its version.
func (g *rig) lastEvent(t *testing.T, ref, name string, m proto.Message) int64 {
	t.Helper()
	var payload []byte
	var version int64
	require.NoError(t, g.owner.QueryRow(t.Context(), `SELECT payload, version FROM events WHERE stream_id = $1 AND event_type = $2
		ORDER BY version DESC LIMIT 1`, "referral-"+ref, "familytime.referral.v1."+name).Scan(&payload, &version))
	require.NoError(t, proto.Unmarshal(payload, m))
	return version
}

// Review 35 ended a case with no note and no way back. A case's end says why, in words, for every
// outcome: no note, a blank one or "-" is refused naming the field, and appends nothing.
func TestACaseEndsOnlyWithANoteSayingWhy(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ref := w.ready(supported)
	before := g.events(t)
	for _, outcome := range []referralv1.CaseOutcome{referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT,
		referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY} {
		for _, note := range []string{"", "   ", "-", "."} {
			_, err := w.end(ref, outcome, note)
			refused(t, err, codes.InvalidArgument, "note")
			require.Contains(t, status.Convert(err).Message(), "why the case ends")
		}
	}
	require.Equal(t, before, g.events(t), "refusals append nothing")
	ended, err := w.end(ref, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, "The father moved abroad")
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ENDED, ended.GetReferral().GetState())
}

// suspendEnded places a safeguarding hold on the family of ref, whose case has ended, as
// safeguarding publishes it, and waits until referral has noted it in force.
func (g *rig) suspendEnded(t *testing.T, w *casework, ref string) {
	t.Helper()
	got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	family := uuid.MustParse(got.GetReferral().GetFamilyId())
	publish(t, g.safeguarding, "hold-"+family.String(), &safeguardingv1.HoldPlaced{HoldId: uuid.NewString(), FamilyId: family.String(),
		CentreId: w.centre.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION}, family, w.centre)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM safeguarding_open WHERE family_id = $1 AND kind = 'hold'", family) == 1
	}, 30*time.Second, 10*time.Millisecond, "referral notes the hold")
}

// Review 35 recorded a wrong outcome, and it stayed in the national return for good. The outcome
// is corrected by a new record pointing at the ending (its version), with the outcome it replaces
// and a note; the ending itself is not touched. The correction is checked as an ending is (the
// case as it stood when it ended: under a hold, before contact began), says why in words, changes
// something, and is the coordinator's. A retry appends nothing.
func TestAWrongOutcomeIsCorrectedByARecordPointingAtTheEnding(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	w := g.casework(t, g.centre(t, supported))
	ref := w.readyWith("Alex Kestrel")
	g.attended(t, w, ref, supported)
	_, err := w.end(ref, referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "Parents now arrange contact")
	require.NoError(t, err)
	var ended referralv1.CaseEnded
	endingVersion := g.lastEvent(t, ref, "CaseEnded", &ended)
	open := w.readyWith("Samira Osei")

	before := g.events(t)
	_, err = w.correct(ref, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "")
	refused(t, err, codes.InvalidArgument, "note")
	_, err = w.correct(ref, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "-")
	refused(t, err, codes.InvalidArgument, "note")
	_, err = w.correct(ref, referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "Recorded it again")
	refused(t, err, codes.FailedPrecondition, "OUTCOME_UNCHANGED")
	_, err = w.correct(ref, referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED, "It was a step down")
	refused(t, err, codes.FailedPrecondition, "NOT_SUPERVISED_CONTACT")
	lead := g.client(t, "lead-1", []auth.Role{auth.RoleSafeguardingLead}, w.centre)
	_, err = lead.CorrectCaseEnding(ctx, &referralv1.CorrectCaseEndingRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), Outcome: referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, Note: "It ended for safety"})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "%v", err)
	other := g.casework(t, g.centre(t, supported))
	_, err = other.correct(ref, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "It ended for safety")
	require.Equal(t, codes.NotFound, status.Code(err), "another centre's coordinator: %v", err)
	_, err = w.correct(open, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "It ended for safety")
	refused(t, err, codes.FailedPrecondition, "CASE_NOT_ENDED")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	req := &referralv1.CorrectCaseEndingRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(),
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, Note: "Contact stopped after a threat at handover; recorded wrongly"}
	corrected, err := w.c.CorrectCaseEnding(ctx, req)
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ENDED, corrected.GetReferral().GetState())
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, corrected.GetReferral().GetOutcome())
	require.True(t, proto.Equal(ended.GetEndedOn(), corrected.GetReferral().GetEndedOn()), "the case ended when it ended")
	var c referralv1.CaseEndingCorrected
	g.lastEvent(t, ref, "CaseEndingCorrected", &c)
	require.Equal(t, endingVersion, c.GetEndingVersion(), "points at the ending")
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, c.GetPreviousOutcome())
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, c.GetOutcome())
	require.NotEmpty(t, c.GetSealedNote())
	var still referralv1.CaseEnded
	require.Equal(t, endingVersion, g.lastEvent(t, ref, "CaseEnded", &still))
	require.True(t, proto.Equal(&ended, &still), "the ending is never edited")

	n := g.events(t)
	again, err := w.c.CorrectCaseEnding(ctx, req)
	require.NoError(t, err)
	require.True(t, again.GetReferral().GetReplayed())
	require.Equal(t, n, g.events(t), "a retry appends nothing")
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, got.GetReferral().GetOutcome())

	// A case that never attended, ended withdrawn, is not corrected to an outcome of moving on;
	// nor is a case ended under a hold.
	never := w.readyWith("Robin Thwaite")
	_, err = w.end(never, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, "The mother withdrew")
	require.NoError(t, err)
	_, err = w.correct(never, referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "They arranged it themselves")
	refused(t, err, codes.FailedPrecondition, "CONTACT_NOT_STARTED")
	held := w.readyWith("Kim Barraclough")
	g.attended(t, w, held, supported)
	g.suspend(t, w, held)
	_, err = w.end(held, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "Back to court over the concern")
	require.NoError(t, err)
	_, err = w.correct(held, referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "They arranged it themselves")
	refused(t, err, codes.FailedPrecondition, "OUTCOME_UNDER_HOLD")
	_, err = w.correct(held, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "It ended for safety, not back to court")
	require.NoError(t, err)
}

// Review 35 ended the wrong family's case: its bookings went, and the only way back was a new
// referral. A case ended by mistake is reopened within 28 days of its ending, by the coordinator
// with a note: it returns to where it stood (in contact, or ready for contact), pointing at the
// ending, and a hold in force now suspends it again. Not after 28 days, not once the family is
// erased, not while another referral of its child is open, not twice. A retry appends nothing.
func TestACaseEndedByMistakeIsReopened(t *testing.T) {
	start := time.Now().Truncate(time.Second)
	sim := clock.NewSimulated(start)
	g := newRigOn(t, sim)
	ctx := t.Context()
	w := g.casework(t, g.centre(t, supported))

	inContact := w.readyWith("Alex Kestrel")
	g.attended(t, w, inContact, supported)
	readyOnly := w.readyWith("Samira Osei")
	late := w.readyWith("Robin Thwaite")
	again := w.readyWith("Kim Barraclough")
	held := w.readyWith("Leon Fairweather")
	for _, ref := range []string{inContact, readyOnly, late, again, held} {
		_, err := w.end(ref, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, "Ended for the wrong family")
		require.NoError(t, err)
	}
	var ended referralv1.CaseEnded
	endingVersion := g.lastEvent(t, inContact, "CaseEnded", &ended)

	before := g.events(t)
	_, err := w.reopen(inContact, "")
	refused(t, err, codes.InvalidArgument, "note")
	_, err = w.reopen(inContact, "-")
	refused(t, err, codes.InvalidArgument, "note")
	lead := g.client(t, "lead-1", []auth.Role{auth.RoleSafeguardingLead}, w.centre)
	_, err = lead.ReopenCase(ctx, &referralv1.ReopenCaseRequest{RequestId: uuid.NewString(), ReferralId: inContact,
		CentreId: w.centre.String(), Note: "Ended by mistake"})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "%v", err)
	require.Equal(t, before, g.events(t), "refusals append nothing")

	// The child of one of them is referred again: that referral goes on, the case is not reopened.
	w.submit(supported, aChild("Kim Barraclough"))
	before = g.events(t)
	_, err = w.reopen(again, "Ended by mistake")
	refused(t, err, codes.FailedPrecondition, "REFERRED_AGAIN")
	require.Contains(t, status.Convert(err).Message(), "another referral of the family's children is open")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	req := &referralv1.ReopenCaseRequest{RequestId: uuid.NewString(), ReferralId: inContact, CentreId: w.centre.String(),
		Note: "Ended by mistake: the coordinator meant another family"}
	require.NoError(t, sim.Set(start.AddDate(0, 0, 28)))
	reopened, err := w.c.ReopenCase(ctx, req)
	require.NoError(t, err)
	r := reopened.GetReferral()
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT, r.GetState())
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_UNSPECIFIED, r.GetOutcome())
	require.Nil(t, r.GetEndedOn())
	var ev referralv1.CaseReopened
	g.lastEvent(t, inContact, "CaseReopened", &ev)
	require.Equal(t, endingVersion, ev.GetEndingVersion(), "points at the ending")
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, ev.GetOutcome())
	require.True(t, proto.Equal(ended.GetEndedOn(), ev.GetEndedOn()))
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT, ev.GetState())
	require.NotEmpty(t, ev.GetSealedNote())
	n := g.events(t)
	replayed, err := w.c.ReopenCase(ctx, req)
	require.NoError(t, err)
	require.True(t, replayed.GetReferral().GetReplayed())
	require.Equal(t, n, g.events(t), "a retry appends nothing")
	_, err = w.reopen(inContact, "Ended by mistake")
	refused(t, err, codes.FailedPrecondition, "CASE_NOT_ENDED")
	// Reopened, it ends again as any case does.
	_, err = w.end(inContact, referralv1.CaseOutcome_CASE_OUTCOME_SELF_ARRANGED, "Parents now arrange contact")
	require.NoError(t, err)

	reopened, err = w.reopen(readyOnly, "Ended by mistake")
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, reopened.GetReferral().GetState())

	// Decision 380 (review 75): another family's child with the same first name and date of birth
	// only, open at the centre, is no child of the case referred again: the reopening goes on.
	w.submit(supported, func(d *referralv1.ReferralDetails) {
		aChild("Leon Fairweather")(d)
		d.Children[0].FullName = "Leon Hartley"
	})
	// A hold placed since the ending suspends the reopened case.
	g.suspendEnded(t, w, held)
	reopened, err = w.reopen(held, "Ended by mistake")
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_SUSPENDED, reopened.GetReferral().GetState())
	types := g.eventTypes(t, held)
	require.Equal(t, []string{"CaseReopened", "CaseSuspended"}, types[len(types)-2:])

	require.NoError(t, sim.Set(start.AddDate(0, 0, 29)))
	before = g.events(t)
	_, err = w.reopen(late, "Ended by mistake")
	refused(t, err, codes.FailedPrecondition, "REOPEN_TOO_LATE")
	require.Contains(t, status.Convert(err).Message(), "28 days")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	// An erased family's case is not reopened.
	erasedRef := w.readyWith("Jo Underwood")
	_, err = w.end(erasedRef, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, "Ended for the wrong family")
	require.NoError(t, err)
	got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: erasedRef, CentreId: w.centre.String()})
	require.NoError(t, err)
	admin := g.client(t, "admin-1", []auth.Role{auth.RoleAdmin})
	_, err = admin.EraseFamily(ctx, &referralv1.EraseFamilyRequest{RequestId: uuid.NewString(), FamilyId: got.GetReferral().GetFamilyId(),
		CentreId: w.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED})
	require.NoError(t, err)
	_, err = w.reopen(erasedRef, "Ended by mistake")
	refused(t, err, codes.FailedPrecondition, "FAMILY_ERASED")
	// Each says why nothing can be done, and the way on: a new referral (review 38, finding 8).
	erasedOn := "erased on " + sim.Now().In(today().Location()).Format(time.DateOnly)
	for _, said := range []string{erasedOn, "nothing of the family is left", "refer the family again"} {
		require.Contains(t, status.Convert(err).Message(), said)
	}
	// Its outcome is still corrected, a category the figures count, and the note is not kept (review
	// 78, decision 395).
	corrected, err := w.correct(erasedRef, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, "It ended for safety")
	require.NoError(t, err)
	require.Equal(t, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY, corrected.GetReferral().GetOutcome())
	require.Contains(t, corrected.GetTextWarning(), "TEXT_NOT_KEPT")
	require.NotContains(t, corrected.GetTextWarning(), "It ended for safety")
}
