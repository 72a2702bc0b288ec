package safeguarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/safeguarding/internal/adapters"
)

// Referral's FamilyErased destroys safeguarding's key of the family: its concern still reads,
// without its text, and no other family's key is touched. A second copy of the event (a
// redelivery, or a replay) changes nothing more, and safeguarding records nothing of its own:
// referral's event is the record.
func TestReferralsFamilyErasedShredsTheFamilysKey(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	families := g.families(t, 2)
	erased, kept := families[0], families[1]
	concerns := map[uuid.UUID]string{}
	for _, family := range families {
		raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_NEGLECT, Description: "child hungry at handover"})
		require.NoError(t, err)
		concerns[family] = raised.GetConcernId()
	}
	text := func(family uuid.UUID) string {
		got, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: concerns[family],
			Purpose: "checking the erasure"})
		require.NoError(t, err, "an erased family's concern still reads")
		return got.GetConcern().GetRecords()[0].GetText()
	}
	require.Equal(t, "child hungry at handover", text(erased))
	_, err := lead.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION, CentreId: g.centre.String(),
		ConcernId: concerns[erased], Note: "Dealt with: the family was fed at the centre"})
	require.NoError(t, err, "closed before the erasure, which otherwise waits (TestAnErasureWaitsWhileRecordsAreInUse)")

	erasure := &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: erased.String(), CentreId: g.centre.String(),
		Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, ErasedOn: &commonv1.Date{Year: 2026, Month: 11, Day: 24}}
	g.other(t, "referral", erased, g.centre, erasure)
	require.Eventually(t, func() bool {
		shredded, err := g.sealer.Shredded(ctx, erased)
		return err == nil && shredded
	}, 30*time.Second, 20*time.Millisecond, "safeguarding destroys the family's key on referral's FamilyErased")
	require.Empty(t, text(erased), "the concern reads without its text")
	require.Equal(t, "child hungry at handover", text(kept), "another family's key is untouched")

	before := g.events(t)
	g.other(t, "referral", erased, g.centre, erasure)
	require.Eventually(t, func() bool {
		var handled int
		err := g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM inbox WHERE consumer = 'safeguarding-referral'").Scan(&handled)
		return err == nil && handled == 4 // two ReferralReceived, two FamilyErased
	}, 30*time.Second, 20*time.Millisecond, "the second copy is handled")
	shredded, err := g.sealer.Shredded(ctx, erased)
	require.NoError(t, err)
	require.True(t, shredded)
	require.Equal(t, before, g.events(t), "an erasure records nothing in safeguarding's log")
	require.Equal(t, "child hungry at handover", text(kept))
}

// A family's erasure waits while a concern about it is open or a hold in force (one raised in the
// moment before referral heard of it; referral refuses the erasure otherwise): its records in use
// keep their text, and the key is destroyed once the last is closed or lifted (decision 104; a
// review raised a concern in the same moment as an erasure, and its description no longer opened
// while it was being dealt with).
func TestAnErasureWaitsWhileRecordsAreInUse(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	family := g.families(t, 1)[0]
	raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_PHYSICAL_HARM, Description: "A bruise on the child's arm"})
	require.NoError(t, err)
	placed, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION, ReviewBy: review(14),
		ConcernId: raised.GetConcernId()})
	require.NoError(t, err)
	text := func() string {
		got, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
			Purpose: "checking the erasure"})
		require.NoError(t, err)
		return got.GetConcern().GetRecords()[0].GetText()
	}
	waiting := func() bool {
		var n int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM erasures_waiting WHERE family_id = $1", family).Scan(&n))
		return n == 1
	}
	shredded := func() bool {
		s, err := g.sealer.Shredded(ctx, family)
		require.NoError(t, err)
		return s
	}

	// The retention's end (a request keeps a family's concerns: TestARequestToEraseKeepsAConcernRaisedInTheSameMoment).
	g.other(t, "referral", family, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, ErasedOn: review(0)})
	answers := func() int {
		var n int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, `SELECT count(*) FROM requests WHERE outcome IS NOT NULL AND request_id IN
			(SELECT request_id::uuid FROM events WHERE family_id = $1 AND request_id IS NOT NULL)`, family).Scan(&n))
		return n
	}
	require.Eventually(t, waiting, 30*time.Second, 20*time.Millisecond, "the erasure waits")
	require.False(t, shredded())
	require.NotZero(t, answers(), "the concern's and hold's answers are kept while the erasure waits")
	require.Equal(t, "A bruise on the child's arm", text(), "the open concern still reads whole")

	_, err = lead.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION, CentreId: g.centre.String(),
		ConcernId: raised.GetConcernId(), Note: "Explained by a fall at school, confirmed by the school"})
	require.NoError(t, err, "closed with its note kept")
	require.Never(t, shredded, time.Second, 50*time.Millisecond, "the hold is still in force")
	require.True(t, waiting())

	_, err = lead.LiftHold(ctx, &safeguardingv1.LiftHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), HoldId: placed.GetHold().GetHoldId(), Note: "Looked into: contact may resume"})
	require.NoError(t, err)
	require.Eventually(t, shredded, 30*time.Second, 20*time.Millisecond, "the last record ended: the key is destroyed")
	require.Eventually(t, func() bool { return !waiting() }, 30*time.Second, 20*time.Millisecond)
	require.Empty(t, text(), "and the concern reads without its text")
	require.Zero(t, answers(), "and no answer about the family is kept (decision 278)")
}

// A family's erasure waits while one of its observation reports is not released (hostile review
// 16: an erasure destroyed a court-ordered report before it reached the court). Ordered while the
// report is due, it waits: the report is drafted, checked and approved with its text whole, and
// the key is destroyed only once it is released to its distribution list.
func TestAnErasureWaitsForTheFamilysReportToBeReleased(t *testing.T) {
	g := newRig(t)
	g.onTheRegister(t, "lead-1", "supervisor-1", "supervisor-2")
	ctx := t.Context()
	sup := g.as(t, "supervisor-1", auth.RoleSupervisor)
	sup2 := g.as(t, "supervisor-2", auth.RoleSupervisor)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	family := g.families(t, 1)[0]
	g.other(t, "scheduling", family, g.centre, &schedulingv1.SessionCompleted{BookingId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, SupervisedBy: "supervisor-1", SessionDate: review(0)})
	var report string
	require.Eventually(t, func() bool {
		open, err := sup.ListOpenReports(ctx, &safeguardingv1.ListOpenReportsRequest{CentreId: g.centre.String()})
		if err != nil || len(open.GetReports()) != 1 {
			return false
		}
		report = open.GetReports()[0].GetReportId()
		return true
	}, 30*time.Second, 20*time.Millisecond, "the report is due")
	waiting := func() bool {
		var n int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM erasures_waiting WHERE family_id = $1", family).Scan(&n))
		return n == 1
	}
	shredded := func() bool {
		s, err := g.sealer.Shredded(ctx, family)
		require.NoError(t, err)
		return s
	}
	text := func(c safeguardingv1.SafeguardingServiceClient) string {
		got, err := c.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report, Purpose: "checking the erasure"})
		require.NoError(t, err)
		return got.GetSections()[0].GetText()
	}

	g.other(t, "referral", family, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, ErasedOn: review(0)})
	require.Eventually(t, waiting, 30*time.Second, 20*time.Millisecond, "the erasure waits for the report due")
	require.False(t, shredded())

	_, err := sup.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Sections: []*safeguardingv1.ReportSectionInput{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "warm greeting"}}})
	require.NoError(t, err, "the report is still written")
	_, err = sup.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		ReportId: report})
	require.NoError(t, err)
	require.Equal(t, "warm greeting", text(sup2), "and read whole by its checker")
	_, err = sup2.CheckReport(ctx, &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		ReportId: report, Approved: true})
	require.NoError(t, err)
	require.Never(t, shredded, time.Second, 50*time.Millisecond, "approved, the report is not released yet")
	require.True(t, waiting())

	_, err = lead.ReleaseReport(ctx, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		ReportId: report, Recipients: []*safeguardingv1.RecipientInput{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_COURT}}})
	require.NoError(t, err, "released whole to its distribution list")
	require.Eventually(t, shredded, 30*time.Second, 20*time.Millisecond, "released: the key is destroyed")
	require.Eventually(t, func() bool { return !waiting() }, 30*time.Second, 20*time.Millisecond)
	require.Empty(t, text(lead), "and the report reads without its text")
	got, err := lead.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report, Purpose: "checking the erasure"})
	require.NoError(t, err)
	require.True(t, proto.Equal(review(0), got.GetFamilyErasure().GetErasedOn()),
		"which says its text was erased the day the erasure was carried out, at the release (review 35)")
	require.Equal(t, safeguardingv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, got.GetFamilyErasure().GetReason())
}

// Review 78 (decision 388): a parent's request to erase, upheld by referral in the moment after a
// concern was raised and before referral heard of it, destroys nothing here. The concern keeps its
// text through its close; another family's request, with no concern on record, is carried out.
func TestARequestToEraseKeepsAConcernRaisedInTheSameMoment(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	families := g.families(t, 2)
	family, other := families[0], families[1]
	raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_PHYSICAL_HARM, Description: "A bruise on the child's arm"})
	require.NoError(t, err)
	for _, f := range families {
		g.other(t, "referral", f, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: f.String(),
			CentreId: g.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, ErasedOn: review(0)})
	}
	shredded := func(f uuid.UUID) bool { return g.shredded(t, f) }
	require.Eventually(t, func() bool { return shredded(other) }, 30*time.Second, 20*time.Millisecond,
		"a family with no concern on record is erased at its request")
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM family_erasures WHERE family_id = $1", family).Scan(&n))
		return n == 1
	}, 30*time.Second, 20*time.Millisecond, "the erasure is noted as ordered")

	_, err = lead.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), Outcome: safeguardingv1.ConcernOutcome_CONCERN_OUTCOME_NO_FURTHER_ACTION,
		CentreId: g.centre.String(), ConcernId: raised.GetConcernId(), Note: "Referred to children's services, reference CS/1"})
	require.NoError(t, err)
	require.Never(t, func() bool { return shredded(family) }, time.Second, 50*time.Millisecond, "closing the concern destroys nothing")
	got, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
		Purpose: "checking the erasure"})
	require.NoError(t, err)
	var texts []string
	for _, r := range got.GetConcern().GetRecords() {
		texts = append(texts, r.GetText())
	}
	require.Contains(t, texts, "A bruise on the child's arm")
	require.Contains(t, texts, "Referred to children's services, reference CS/1")
	require.Nil(t, got.GetFamilyErasure(), "no text erased")

	// Decision 408: the records' retention ends, and referral orders it (a second FamilyErased):
	// the key goes now, and the concern says when and why.
	g.other(t, "referral", family, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, ErasedOn: review(1)})
	require.Eventually(t, func() bool { return shredded(family) }, 30*time.Second, 20*time.Millisecond,
		"the retention's end destroys the key kept at the request")
	got, err = lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
		Purpose: "checking the erasure"})
	require.NoError(t, err)
	require.Equal(t, safeguardingv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, got.GetFamilyErasure().GetReason())
	require.True(t, proto.Equal(review(1), got.GetFamilyErasure().GetErasedOn()))
}

// A concern raised in the moment a request to erase its family is handled is either recorded
// first, and keeps its text and the family's key, or recorded after the key went, without its
// text and with its raiser told; never sealed and then shredded unsaid, nor refused (review 81,
// H1 and H2; decision 400). The test holds the family's key lock as a concern between its sealing
// and its commit does: the erasure waits for it, and so does a concern raised meanwhile. Released,
// whichever of the two takes the lock first decides, and each order is checked.
func TestAConcernRaisedAsTheErasureIsHandledIsKeptOrSaidNotKept(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	family := g.families(t, 1)[0]
	shredded := func() bool { return g.shredded(t, family) }

	hold := adapters.NewKeyHold(g.db.Pool(t), nil)
	require.NoError(t, hold.Take(ctx, family))
	defer hold.Release()
	g.other(t, "referral", family, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, ErasedOn: review(0)})
	require.Never(t, shredded, 1500*time.Millisecond, 50*time.Millisecond, "the erasure waits for the concern being raised")

	type answer struct {
		resp *safeguardingv1.RaiseConcernResponse
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_PHYSICAL_HARM, Description: "A bruise on the child's arm"})
		answered <- answer{resp, err}
	}()
	select {
	case a := <-answered:
		t.Fatalf("the concern was recorded while the family's key was held: %v %v", a.resp, a.err)
	case <-time.After(500 * time.Millisecond):
	}
	hold.Release()

	a := <-answered
	require.NoError(t, a.err, "a concern is never refused for the erasure")
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM family_erasures WHERE family_id = $1", family).Scan(&n))
		return n == 1
	}, 30*time.Second, 20*time.Millisecond, "the erasure is handled")
	got, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: a.resp.GetConcernId(),
		Purpose: "checking the erasure"})
	require.NoError(t, err)
	description := got.GetConcern().GetRecords()[0].GetText()
	if a.resp.GetTextWarning() == "" {
		t.Log("the concern was recorded first")
		require.Equal(t, "A bruise on the child's arm", description, "the concern keeps its text")
		require.False(t, shredded(), "a request destroys nothing of a family with a concern on record")
	} else {
		t.Log("the erasure was carried out first")
		require.Contains(t, a.resp.GetTextWarning(), "TEXT_NOT_KEPT")
		require.True(t, shredded())
		require.Empty(t, description)
	}
}

// A hold is placed under the family's key hold too (decision 400): while an erasure decides
// whether the key goes, the hold waits, so it is either counted in force (and the erasure waits
// for it) or refused for the erasure, never placed with its note shredded.
func TestAHoldWaitsForAnErasureDecidingTheFamilysKey(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	family := g.families(t, 1)[0]
	hold := adapters.NewKeyHold(g.db.Pool(t), nil)
	require.NoError(t, hold.Take(ctx, family))
	defer hold.Release()
	placed := make(chan error, 1)
	go func() {
		_, err := g.as(t, "lead-1", auth.RoleSafeguardingLead).PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(),
			CentreId: g.centre.String(), FamilyId: family.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION,
			ReviewBy: review(14), Note: "Concern about the father's drinking before contact"})
		placed <- err
	}()
	select {
	case err := <-placed:
		t.Fatalf("the hold was decided while the family's key was held: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	hold.Release()
	require.NoError(t, <-placed)
}
