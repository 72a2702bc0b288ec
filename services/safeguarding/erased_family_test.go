package safeguarding_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 35: a hold placed on an erased family was accepted with a normal answer, though the
// erasure destroyed what matches its child to a new referral (the hold suspends nothing), while a
// concern on the same family was refused FAMILY_ERASED. Once a family's erasure is ordered (carried
// out, or waiting for its records in use) a hold and a risk assessment are refused FAMILY_ERASED,
// saying what to do instead, and nothing is appended. A concern is never refused (review 38):
// while the erasure waits it is kept with its text, and the erasure waits for it too. The records
// in use that a waiting erasure waits for are still worked to their end.
func TestNothingNewIsPlacedOnAnErasedFamily(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	f := g.families(t, 2)
	erased, waiting := f[0], f[1]
	open, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: waiting.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_OTHER, Description: "Father waited outside after the session"})
	require.NoError(t, err)
	for _, family := range f {
		g.other(t, "referral", family, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: family.String(),
			CentreId: g.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, ErasedOn: review(0)})
	}
	require.Eventually(t, func() bool {
		shredded, err := g.sealer.Shredded(ctx, erased)
		var n int
		require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM erasures_waiting WHERE family_id = $1", waiting).Scan(&n))
		return err == nil && shredded && n == 1
	}, 30*time.Second, 20*time.Millisecond, "one family erased, the other's erasure waiting for its open concern")

	before := g.events(t)
	for _, family := range f {
		_, err := lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT, ReviewBy: review(14)})
		require.Equal(t, codes.FailedPrecondition, code(t, err), "a hold on an erased family: %v", err)
		require.Equal(t, "FAMILY_ERASED", reason(t, err))
		require.Contains(t, err.Error(), "a hold would suspend nothing")
		require.Contains(t, err.Error(), "if the child has been referred again, place the hold on that family")
	}
	for _, family := range f {
		_, err = lead.AssessRisk(ctx, &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: family.String(), Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER, NextReviewOn: review(60)})
		require.Equal(t, "FAMILY_ERASED", reason(t, err), "a risk assessment without a note on an erased family: %v", err)
		require.Contains(t, err.Error(), "assess that family")
	}
	require.Equal(t, before, g.events(t), "refused: nothing appended")

	// A new concern is never refused (review 38): on the family whose erasure waits, it is kept
	// with its text, read by the lead, and the erasure waits for it too.
	again, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: waiting.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_OTHER, Description: "Saw the father outside again"})
	require.NoError(t, err, "a new concern on a family whose erasure waits")
	require.Empty(t, again.GetTextWarning(), "its text is kept: the key is not destroyed yet")
	read, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: again.GetConcernId(),
		Purpose: "acting on it"})
	require.NoError(t, err)
	require.Equal(t, "Saw the father outside again", read.GetConcern().GetRecords()[0].GetText())

	// The concerns the waiting erasure waits for are still worked to their end, with their text.
	_, err = lead.EscalateConcern(ctx, &safeguardingv1.EscalateConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		ConcernId: open.GetConcernId(), Agency: safeguardingv1.Agency_AGENCY_POLICE, Reference: "REF-1"})
	require.NoError(t, err)
	_, err = lead.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), Outcome: nfa, CentreId: g.centre.String(),
		ConcernId: open.GetConcernId(), Note: "Passed to the police, who have it in hand"})
	require.NoError(t, err)
	waits, err := g.sealer.Shredded(ctx, waiting)
	require.NoError(t, err)
	require.False(t, waits, "the erasure still waits for the concern raised while it waited")
	_, err = lead.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), Outcome: nfa, CentreId: g.centre.String(),
		ConcernId: again.GetConcernId(), Note: "Father seen by the police, nothing further here"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		shredded, err := g.sealer.Shredded(ctx, waiting)
		return err == nil && shredded
	}, 30*time.Second, 20*time.Millisecond, "closed: the waiting erasure is carried out")
}

// Review 35: a released report of an erased family read as a blank report, with a correction hint
// that was refused FAMILY_ERASED. The report now says when and why its text was erased, and gives
// no record to correct; the release gives the sections' headings, so the lead can be told what
// each copy leaves out.
func TestAnErasedFamilysReportSaysItsTextWasErased(t *testing.T) {
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
	child := personOf(family, 2)
	_, err := sup.DraftReport(ctx, &safeguardingv1.DraftReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Sections: []*safeguardingv1.ReportSectionInput{{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_OBSERVATION, Text: "warm greeting"},
			{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_LOCATION_CONTACT, AboutPersonId: child, Text: "goes to the school on the hill"}}})
	require.NoError(t, err)
	_, err = sup.SubmitReportForCheck(ctx, &safeguardingv1.SubmitReportForCheckRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report})
	require.NoError(t, err)
	show := func(c safeguardingv1.SafeguardingServiceClient, recipient *int32) *safeguardingv1.GetReportResponse {
		got, err := c.GetReport(ctx, &safeguardingv1.GetReportRequest{CentreId: g.centre.String(), ReportId: report, Purpose: "checking the erasure",
			RecipientIndex: recipient})
		require.NoError(t, err)
		return got
	}
	show(sup2, nil)
	_, err = sup2.CheckReport(ctx, &safeguardingv1.CheckReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report, Approved: true})
	require.NoError(t, err)
	released, err := lead.ReleaseReport(ctx, &safeguardingv1.ReleaseReportRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(), ReportId: report,
		Recipients: []*safeguardingv1.RecipientInput{{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: personOf(family, 0)},
			{Kind: safeguardingv1.RecipientKind_RECIPIENT_KIND_PARENT, PersonId: personOf(family, 1)}}})
	require.NoError(t, err)
	require.Len(t, released.GetSections(), 2, "the release gives the sections' headings")
	require.True(t, proto.Equal(&safeguardingv1.ReportSection{Kind: safeguardingv1.ReportSectionKind_REPORT_SECTION_KIND_LOCATION_CONTACT,
		AboutPersonId: child}, released.GetSections()[1]))
	require.Equal(t, []int32{1}, released.GetRecipients()[0].GetWithheldSections())
	require.Equal(t, []int32{1}, released.GetRecipients()[1].GetWithheldSections())
	whole := show(lead, nil)
	require.Nil(t, whole.GetFamilyErasure(), "not erased")
	require.NotEmpty(t, whole.GetCorrectRecordId())

	g.other(t, "referral", family, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, ErasedOn: review(-1)})
	// The key is destroyed as the erasure is handled, and its date kept as that handling commits
	// (family_erasures): wait for both, or the read in between says erased, with no date yet.
	require.Eventually(t, func() bool {
		shredded, err := g.sealer.Shredded(ctx, family)
		var kept int
		if err == nil {
			err = g.db.OwnerPool(t).QueryRow(ctx, `SELECT count(*) FROM family_erasures WHERE family_id = $1 AND erased_on IS NOT NULL`,
				family).Scan(&kept)
		}
		return err == nil && shredded && kept == 1
	}, 30*time.Second, 20*time.Millisecond)
	whole = show(lead, nil)
	require.Empty(t, whole.GetSections()[0].GetText())
	require.NotNil(t, whole.GetFamilyErasure(), "the report says its text was erased")
	require.True(t, proto.Equal(review(-1), whole.GetFamilyErasure().GetErasedOn()), "on the erasure's date")
	require.Equal(t, safeguardingv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, whole.GetFamilyErasure().GetReason())
	require.Empty(t, whole.GetCorrectRecordId(), "nothing can be corrected")
	require.NotEmpty(t, whole.GetReleasedRecordId(), "which text went out is still said")
	zero := int32(0)
	copy0 := show(lead, &zero)
	require.NotNil(t, copy0.GetFamilyErasure(), "a copy says so too")
}

// Decision 228, left: a concern's and the family record's entries of an erased family read as
// empty text, with nothing saying why. Each record whose text was erased says so
// (text_erased), and the concern and the record say when and why (family_erasure), as a report
// does; a record that never had text says nothing of the kind.
func TestAnErasedFamilysConcernAndRecordSayTheirTextWasErased(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	family := g.families(t, 1)[0]
	raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_OTHER, Description: "Father waited outside"})
	require.NoError(t, err)
	closed, err := lead.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), Outcome: nfa, CentreId: g.centre.String(),
		ConcernId: raised.GetConcernId(), Note: "Spoke to him: he was early for the handover"})
	require.NoError(t, err)
	require.Empty(t, closed.GetTextWarning(), "the note is kept while the family's key is")
	_, err = lead.AssessRisk(ctx, &safeguardingv1.AssessRiskRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER, NextReviewOn: review(60),
		Factors: []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_OTHER}, Note: "Watch the handovers"})
	require.NoError(t, err)
	concern := func() *safeguardingv1.GetConcernResponse {
		got, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
			Purpose: "checking the erasure"})
		require.NoError(t, err)
		return got
	}
	record := func() *safeguardingv1.GetSafeguardingRecordResponse {
		got, err := lead.GetSafeguardingRecord(ctx, &safeguardingv1.GetSafeguardingRecordRequest{CentreId: g.centre.String(),
			FamilyId: family.String(), Purpose: "checking the erasure"})
		require.NoError(t, err)
		return got
	}
	// erased is whether each record of a type said its text was erased, by type.
	erased := func(entries []*safeguardingv1.RecordEntry) map[string]bool {
		out := map[string]bool{}
		for _, e := range entries {
			out[strings.TrimPrefix(e.GetType(), "familytime.safeguarding.v1.")] = e.GetTextErased()
		}
		return out
	}
	require.Nil(t, concern().GetFamilyErasure(), "not erased")
	require.Nil(t, record().GetFamilyErasure())
	require.NotContains(t, erased(record().GetRecords()), true)

	g.other(t, "referral", family, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, ErasedOn: review(-1)})
	// The key is destroyed before the unit of work that records the erasure commits (its
	// record, family_erasures, is in that transaction): wait for both, or the read may fall
	// between them (a CI flake).
	require.Eventually(t, func() bool {
		shredded, err := g.sealer.Shredded(ctx, family)
		if err != nil || !shredded {
			return false
		}
		got, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
			Purpose: "checking the erasure"})
		return err == nil && got.GetFamilyErasure() != nil
	}, 30*time.Second, 20*time.Millisecond)

	k := concern()
	require.NotNil(t, k.GetFamilyErasure(), "the concern says its text was erased")
	require.True(t, proto.Equal(review(-1), k.GetFamilyErasure().GetErasedOn()), "on the erasure's date")
	require.Equal(t, safeguardingv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, k.GetFamilyErasure().GetReason())
	require.Equal(t, map[string]bool{"ConcernRaised": true, "LeadAlerted": false, "ConcernClosed": true}, erased(k.GetConcern().GetRecords()))
	for _, e := range k.GetConcern().GetRecords() {
		require.Empty(t, e.GetText())
	}
	r := record()
	require.NotNil(t, r.GetFamilyErasure(), "so does the family's record")
	require.True(t, proto.Equal(review(-1), r.GetFamilyErasure().GetErasedOn()))
	got := erased(r.GetRecords())
	require.True(t, got["ConcernRaised"])
	require.True(t, got["RiskAssessed"], "the assessment's note")
	require.False(t, got["RiskScreenedProvisionally"], "a screen has no text")
	require.False(t, got["LeadAlerted"])
}

// Review 38 #6: a concern about an erased family's child was refused FAMILY_ERASED, recording
// nothing and alerting nobody, though any member of staff or volunteer can raise a concern and
// raising one is never refused. Once the family's key is destroyed the concern is recorded about
// the family's id without its description (nothing can seal it, and no key is made again for an
// erased family), the lead is alerted and sees that the account must be taken in person, and the
// raiser is told so. The lead can escalate it (without a reference, which would be text) and close
// it; a hold and a risk assessment are still refused (they suspend nothing).
func TestAConcernOnAnErasedFamilyIsRecordedWithoutTextAndAlertsTheLead(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	family := g.families(t, 1)[0]
	g.other(t, "referral", family, g.centre, &referralv1.FamilyErased{ReferralId: uuid.NewString(), FamilyId: family.String(),
		CentreId: g.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED, ErasedOn: review(0)})
	require.Eventually(t, func() bool {
		shredded, err := g.sealer.Shredded(ctx, family)
		return err == nil && shredded
	}, 30*time.Second, 20*time.Millisecond, "the family erased")

	alerts := g.eventsOfType(t, "familytime.safeguarding.v1.LeadAlerted")
	const account = "child had bruises at handover, father outside again"
	raised, err := vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_PHYSICAL_HARM, Description: account})
	require.NoError(t, err, "a concern is never refused for the family's erasure")
	require.Contains(t, raised.GetTextWarning(), "TEXT_NOT_KEPT")
	require.Contains(t, raised.GetTextWarning(), "tell the safeguarding lead in person now")
	require.NotContains(t, raised.GetTextWarning(), "bruises")
	require.Equal(t, alerts+1, g.eventsOfType(t, "familytime.safeguarding.v1.LeadAlerted"), "the lead is alerted")
	var rows string
	require.NoError(t, g.db.OwnerPool(t).QueryRow(ctx, "SELECT string_agg(encode(payload, 'escape'), '') FROM events").Scan(&rows))
	require.NotContains(t, rows, "bruises", "the description is not kept, in clear or otherwise")

	list, err := lead.ListAlerts(ctx, &safeguardingv1.ListAlertsRequest{CentreId: g.centre.String(), OpenOnly: true})
	require.NoError(t, err)
	var alert *safeguardingv1.Alert
	for _, a := range list.GetAlerts() {
		if a.GetConcernId() == raised.GetConcernId() {
			alert = a
		}
	}
	require.NotNil(t, alert, "the lead sees the concern among the open alerts")
	require.True(t, alert.GetTextNotKept(), "and that its account is to be taken in person")
	require.Equal(t, family.String(), alert.GetFamilyId())

	got, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
		Purpose: "taking the account"})
	require.NoError(t, err)
	first := got.GetConcern().GetRecords()[0]
	require.Empty(t, first.GetText())
	require.Contains(t, first.GetSummary(), "description not kept: raised after the family's personal data was erased")
	require.Contains(t, first.GetSummary(), "take the account from volunteer-1 in person")

	before := g.events(t)
	_, err = lead.EscalateConcern(ctx, &safeguardingv1.EscalateConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		ConcernId: raised.GetConcernId(), Agency: safeguardingv1.Agency_AGENCY_LOCAL_AUTHORITY_CHILDRENS_SERVICES, Reference: "LA-77"})
	require.Equal(t, "FAMILY_ERASED", reason(t, err), "a reference is text, not kept for an erased family: %v", err)
	require.Contains(t, err.Error(), "escalated without a reference")
	require.Equal(t, before, g.events(t))
	_, err = lead.EscalateConcern(ctx, &safeguardingv1.EscalateConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		ConcernId: raised.GetConcernId(), Agency: safeguardingv1.Agency_AGENCY_LOCAL_AUTHORITY_CHILDRENS_SERVICES})
	require.NoError(t, err, "the lead escalates it")
	_, err = lead.PlaceHold(ctx, &safeguardingv1.PlaceHoldRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
		FamilyId: family.String(), ConcernId: raised.GetConcernId(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT, ReviewBy: review(14)})
	require.Equal(t, "FAMILY_ERASED", reason(t, err), "a hold still suspends nothing: %v", err)
	closed, err := lead.CloseConcern(ctx, &safeguardingv1.CloseConcernRequest{RequestId: uuid.NewString(), Outcome: nfa, CentreId: g.centre.String(),
		ConcernId: raised.GetConcernId(), Note: "Account taken in person and passed to children's services"})
	require.NoError(t, err)
	// Review 78 (decision 390): the note is not kept, and the lead is told so.
	require.Contains(t, closed.GetTextWarning(), "TEXT_NOT_KEPT")
	require.Contains(t, closed.GetTextWarning(), "the note was not kept")
	require.NotContains(t, closed.GetTextWarning(), "children's services")
	list, err = lead.ListAlerts(ctx, &safeguardingv1.ListAlertsRequest{CentreId: g.centre.String(), OpenOnly: true})
	require.NoError(t, err)
	for _, a := range list.GetAlerts() {
		require.NotEqual(t, raised.GetConcernId(), a.GetConcernId(), "closed: no longer open")
	}
}
