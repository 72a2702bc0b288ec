package referral_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// What the third review of referral found (decision 97), through the running service.

// A possible duplicate is for the centre's staff to check: a referrer, a parent referring
// themselves above all, is never told of it, nor can tell it from the answer (the version would
// say it). The coordinator sees it where they look at the referral.
func TestAReferrerIsNotToldOfAPossibleDuplicate(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	coordinator := g.coordinator(t, centre)
	referrer := g.client(t, "parent-1", []auth.Role{auth.RoleReferrer}, centre)
	ctx := t.Context()

	first, err := coordinator.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported,
		details(resident(), nonResident())))
	require.NoError(t, err)
	firstID := first.GetReferral().GetReferralId()

	// The same child (name and date of birth) and a child no centre knows, referred by a parent.
	self := func(name string) *referralv1.SubmitReferralRequest {
		d := details(nonResident())
		d.Referrer = nil
		d.Children[0].FullName = name
		return submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d)
	}
	known, err := referrer.SubmitReferral(ctx, self("amelia  KESTREL junior"))
	require.NoError(t, err)
	unknown, err := referrer.SubmitReferral(ctx, self("Someone Else Entirely"))
	require.NoError(t, err)
	require.Empty(t, known.GetReferral().GetPossibleDuplicateOf(), "the referrer is not told")
	strip := func(r *referralv1.Referral) *referralv1.Referral {
		r = apartFromTheRequest(t, r)
		r.ReferralId, r.FamilyId, r.Adults, r.Children = "", "", nil, nil
		return r
	}
	require.True(t, proto.Equal(strip(unknown.GetReferral()), strip(known.GetReferral())),
		"a match and no match answer the referrer alike: %v / %v", known.GetReferral(), unknown.GetReferral())
	require.Contains(t, g.eventTypes(t, known.GetReferral().GetReferralId()), "PossibleDuplicateFlagged", "the flag is still recorded")

	// The centre's staff see it on the referral.
	shown, err := coordinator.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: known.GetReferral().GetReferralId(), CentreId: centre.String()})
	require.NoError(t, err)
	require.Equal(t, []string{firstID}, shown.GetReferral().GetPossibleDuplicateOf())
	require.EqualValues(t, 2, shown.GetReferral().GetVersion())
	again, err := coordinator.SubmitReferral(ctx, self("Amelia Kestrel Junior"))
	require.NoError(t, err)
	require.ElementsMatch(t, []string{firstID, known.GetReferral().GetReferralId()}, again.GetReferral().GetPossibleDuplicateOf(),
		"a coordinator's own submission still says it")
}

// A screening that finds no domestic abuse where the latest screening found it, or where the
// referral's own answers disclose it, is the safeguarding lead's, acting as the lead, with a note
// in words; refusals append nothing, and a voiding amendment does not wipe the finding out, nor
// hide it.
func TestOnlyTheLeadClearsAScreeningsDomesticAbuseFindingSayingWhy(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	lead := g.client(t, "lead-1", []auth.Role{auth.RoleSafeguardingLead}, w.centre)
	both := g.client(t, "lead-and-coordinator", []auth.Role{auth.RoleCoordinator, auth.RoleSafeguardingLead}, w.centre)
	g.onStaff(t, w.centre, "lead-1", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD)
	g.onStaff(t, w.centre, "lead-and-coordinator", schedulingv1.StaffRole_STAFF_ROLE_SAFEGUARDING_LEAD)
	// A lead's token is the lead's only for the register's lead (decision 110): one for an
	// account on no register is refused, and one for an account the register has as a
	// coordinator acts as the coordinator its token also makes them.
	stranger := g.client(t, "lead-2", []auth.Role{auth.RoleSafeguardingLead}, w.centre)
	g.onStaff(t, w.centre, "coordinator-and-lead", schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR)
	coordinatorWithLeadToken := g.client(t, "coordinator-and-lead", []auth.Role{auth.RoleCoordinator, auth.RoleSafeguardingLead}, w.centre)
	screen := func(c referralv1.ReferralServiceClient, ref string, da bool, note string) error {
		_, err := c.RecordScreening(t.Context(), &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), Rating: greenUnless(da), DomesticAbuseFinding: da, Note: note})
		return err
	}

	ref := w.submit(supported).GetReferralId()
	w.screen(ref, referralv1.RiskRating_RISK_RATING_RED, true)
	before := g.events(t)
	refused(t, screen(w.c, ref, false, ""), codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	refused(t, screen(w.c, ref, false, "the court found the allegations unproven"), codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	refused(t, screen(lead, ref, false, ""), codes.FailedPrecondition, "NOTE_REQUIRED")
	refused(t, screen(stranger, ref, false, "the court found the allegations unproven"), codes.FailedPrecondition, "NOT_CLEARED")
	refused(t, screen(coordinatorWithLeadToken, ref, false, "the court found the allegations unproven"), codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	refused(t, screen(lead, ref, false, "..."), codes.InvalidArgument, "note")
	require.Equal(t, before, g.events(t), "refusals append nothing")
	_, err := w.accept(ref, supported)
	refused(t, err, codes.FailedPrecondition, "DOMESTIC_ABUSE_RULES_OUT_SUPPORTED")

	// A voiding amendment (new risk answers) does not let a coordinator clear it either.
	opened, err := w.c.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: "amend the risk answers"})
	require.NoError(t, err)
	d := opened.GetFamily().GetDetails()
	d.Risk.SubstanceMisuse = true
	_, err = w.c.AmendReferral(t.Context(), &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(), Details: d})
	require.NoError(t, err)
	shown, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_RECEIVED, shown.GetReferral().GetState(), "screened again")
	require.True(t, shown.GetReferral().GetDomesticAbuseFinding(), "the finding stands, and is shown, until the lead clears it")
	refused(t, screen(w.c, ref, false, ""), codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")

	// The lead, acting as the lead (also when a coordinator too), clears it saying why.
	require.NoError(t, screen(both, ref, false, "The court found the allegations unproven; reviewed with the police"))
	_, err = w.accept(ref, supported)
	require.NoError(t, err)

	// The referral's own answers disclose domestic abuse: a green screen without it is the lead's.
	disclosed := w.submit(supported, func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true }).GetReferralId()
	shown, err = w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: disclosed, CentreId: w.centre.String()})
	require.NoError(t, err)
	require.True(t, shown.GetReferral().GetRiskAnswersDiscloseDomesticAbuse(), "staff see what the answers say before any screening (review 6)")
	require.False(t, shown.GetReferral().GetDomesticAbuseFinding())
	before = g.events(t)
	err = screen(w.c, disclosed, false, "looks fine")
	refused(t, err, codes.FailedPrecondition, "FINDING_CLEARED_BY_LEAD")
	require.Contains(t, status.Convert(err).Message(), "risk answers disclose domestic abuse")
	refused(t, screen(lead, disclosed, false, ""), codes.FailedPrecondition, "NOTE_REQUIRED")
	require.Equal(t, before, g.events(t))
	require.NoError(t, screen(w.c, disclosed, true, ""), "a coordinator records the finding")
	require.NoError(t, screen(lead, disclosed, false, "Allegation made in error, withdrawn by the parent in writing"))
}

// A second parent's application names the family's children as the first parent gave them; a
// referrer who does not is refused with one message, whatever differs, and appends nothing. The
// applicant is answered the referral's id and state only.
func TestASecondParentsApplicationNamesTheFamilysChildren(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	parent := g.client(t, "parent-1", []auth.Role{auth.RoleReferrer}, centre)
	stranger := g.client(t, "parent-2", []auth.Role{auth.RoleReferrer}, centre)
	ctx := t.Context()

	d := details(resident())
	d.Referrer = nil
	second := d.GetChildren()[0]
	d.Children = append(d.Children, &referralv1.Child{FullName: "Zoë O'Brien", DateOfBirth: date(today().AddDate(-3, 0, 0))})
	sub, err := parent.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	ref := sub.GetReferral().GetReferralId()

	apply := func(children ...*referralv1.Child) (*referralv1.SubmitSecondPartyApplicationResponse, error) {
		return stranger.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
			ReferralId: ref, CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
			Children: children})
	}
	zoe := &referralv1.Child{FullName: "ZOE OBRIEN", DateOfBirth: date(today().AddDate(-3, 0, 0))}
	wrongDay := proto.Clone(zoe).(*referralv1.Child)
	wrongDay.DateOfBirth = date(today().AddDate(-3, 0, -1))
	before := g.events(t)
	var messages []string
	for name, children := range map[string][]*referralv1.Child{"none": nil, "one of two": {second}, "a wrong date": {second, wrongDay},
		"a child twice": {second, second}, "an extra child": {second, zoe, zoe}} {
		_, err := apply(children...)
		require.Equal(t, codes.FailedPrecondition, status.Code(err), name)
		require.Equal(t, "APPLICATION_DOES_NOT_MATCH", reason(t, err), name)
		require.Empty(t, fields(t, err), "%s: an applicant acting as a referrer is told nothing of what differs", name)
		messages = append(messages, status.Convert(err).Message())
	}
	for _, m := range messages {
		require.Equal(t, messages[0], m, "one message, whatever differs")
	}
	// A coordinator entering a paper application need not name the children; children they do
	// name must be the family's (review 4: a wrong applicant's children were dropped unseen).
	coordinator := g.client(t, "coordinator-1", []auth.Role{auth.RoleCoordinator}, centre)
	g.onStaff(t, centre, "coordinator-1", schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR)
	_, err = coordinator.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: ref, CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
		Children: []*referralv1.Child{second, wrongDay}})
	refused(t, err, codes.FailedPrecondition, "APPLICATION_DOES_NOT_MATCH")
	require.Equal(t, before, g.events(t), "refusals append nothing")
	// The coordinator may open the family's details anyway, so is told which child differs, by
	// index, never by name or date (review 62 finding 3, decision 342).
	require.Equal(t, map[string]string{"children": "the referral names 2 children; the application names 2",
		"children[1]": "no child on the referral has this name and date of birth"}, violations(t, err))
	require.Contains(t, status.Convert(err).Message(), "children: the referral names 2 children")
	for name, c := range map[string]struct {
		children []*referralv1.Child
		want     map[string]string
	}{
		"a child left out": {[]*referralv1.Child{zoe}, map[string]string{"children": "the referral names 2 children; the application names 1"}},
		"a third child": {[]*referralv1.Child{wrongDay, zoe, second}, map[string]string{
			"children":    "the referral names 2 children; the application names 3",
			"children[0]": "no child on the referral has this name and date of birth"}},
		"a child twice": {[]*referralv1.Child{second, zoe, second}, map[string]string{
			"children":    "the referral names 2 children; the application names 3",
			"children[2]": "names the same child as children[0]"}},
	} {
		_, err = coordinator.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
			ReferralId: ref, CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
			Children: c.children})
		refused(t, err, codes.FailedPrecondition, "APPLICATION_DOES_NOT_MATCH")
		require.Equal(t, c.want, violations(t, err), name)
		require.NotContains(t, status.Convert(err).Message(), "Zo", "%s: no name in a refusal", name)
	}
	require.Equal(t, before, g.events(t), "refusals append nothing")

	// The first applicant does not make the other parent's application too (decision 105).
	_, err = parent.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: ref, CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
		Children: []*referralv1.Child{zoe, second}})
	refused(t, err, codes.FailedPrecondition, "SAME_APPLICANT")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	got, err := apply(zoe, second)
	require.NoError(t, err, "names match as duplicates do: case, accents and punctuation aside, in any order")
	require.True(t, proto.Equal(&referralv1.Referral{ReferralId: ref, State: referralv1.ReferralState_REFERRAL_STATE_RECEIVED}, apartFromTheRequest(t, got.GetReferral())),
		"the applicant learns the id and the state, nothing of the family: %v", got.GetReferral())
	_, err = apply(zoe)
	refused(t, err, codes.FailedPrecondition, "APPLICATION_DOES_NOT_MATCH")
	// Applied once, the referral waits no more, and an applicant is not told so: the one message
	// (decision 344).
	_, err = apply(zoe, second)
	refused(t, err, codes.FailedPrecondition, "APPLICATION_DOES_NOT_MATCH")
	require.Equal(t, messages[0], status.Convert(err).Message())
}

// Past screening, an amendment keeps a way to reach both parents: one that drops a parent's
// contact details is refused naming the parent, and changes nothing.
func TestAnAmendmentPastScreeningKeepsBothParentsReachable(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ref := w.ready(supported)
	opened, err := w.c.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: "correct the details"})
	require.NoError(t, err)
	d := opened.GetFamily().GetDetails()
	for _, a := range d.GetAdults() {
		a.Contact = &referralv1.ContactDetails{}
	}
	before := g.events(t)
	_, err = w.c.AmendReferral(t.Context(), &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(), Details: d})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	require.ElementsMatch(t, []string{"details.adults[0].contact", "details.adults[1].contact"}, fields(t, err))
	require.Equal(t, before, g.events(t))
	shown, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
	require.NoError(t, err)
	for _, a := range shown.GetReferral().GetAdults() {
		require.True(t, a.GetContactDetailsGiven())
	}

	// Before screening a parent may still be given without them (screening waits for them).
	early := w.submit(supported, func(d *referralv1.ReferralDetails) { d.Adults[1].Contact = nil })
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_RECEIVED, early.GetState())
}

// A note that is required says something in words, and one given (optional or not) is not only
// punctuation: a decline for another reason, a screening, a withdrawal, a pre-visit.
func TestNotesSayWhyInWords(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ref := w.submit(supported).GetReferralId()
	before := g.events(t)
	for _, note := range []string{"-", ". .", "ok"} {
		_, err := w.decline(ref, referralv1.DeclineReason_DECLINE_REASON_OTHER, note, "")
		refused(t, err, codes.InvalidArgument, "note")
		_, err = w.decline(ref, referralv1.DeclineReason_DECLINE_REASON_OUT_OF_AREA, note, "")
		refused(t, err, codes.InvalidArgument, "note")
		_, err = w.c.RecordScreening(t.Context(), &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), Rating: referralv1.RiskRating_RISK_RATING_GREEN, Note: note})
		refused(t, err, codes.InvalidArgument, "note")
		_, err = w.c.WithdrawReferral(t.Context(), &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER, Note: note})
		refused(t, err, codes.InvalidArgument, "note")
	}
	require.Equal(t, before, g.events(t), "refusals append nothing")
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err := w.decline(ref, referralv1.DeclineReason_DECLINE_REASON_OTHER, "The family moved out of the area", "")
	require.NoError(t, err)
}

// A family referred again does not get round a safeguarding hold (review 14): while a referral a
// child of which may be the new referral's child is suspended by a hold, the new one is neither
// accepted nor waitlisted (DUPLICATE_UNDER_HOLD), appending nothing; once the centre's
// safeguarding lead has checked it is not the same family, it is accepted, and the record says so
// (decisions 128 and 205).
func TestAFamilyReferredAgainDoesNotGetRoundAHold(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	first := w.ready(supported)
	g.suspend(t, w, first)

	again := w.submit(supported) // the same child: a possible duplicate
	require.Equal(t, []string{first}, again.GetPossibleDuplicateOf())
	w.screen(again.GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)
	before := g.eventTypes(t, again.GetReferralId())
	_, err := w.accept(again.GetReferralId(), supported)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_UNDER_HOLD")
	require.Contains(t, status.Convert(err).Message(), first, "the message names the referral under the hold")
	_, err = w.waitlist(again.GetReferralId(), supported)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_UNDER_HOLD")
	require.Equal(t, before, g.eventTypes(t, again.GetReferralId()), "nothing appended")

	// The coordinator's word alone is not a check (review 29, decision 205): the lead's is.
	_, err = w.c.AcceptReferral(ctx, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: again.GetReferralId(),
		CentreId: w.centre.String(), ServiceType: supported, NotTheFamilyUnderHold: true})
	refused(t, err, codes.FailedPrecondition, "LEAD_CHECK_NEEDED")
	require.Contains(t, status.Convert(err).Message(), "check-duplicate "+again.GetReferralId()+" --other "+first)
	require.Equal(t, before, g.eventTypes(t, again.GetReferralId()), "nothing appended")
	g.leadChecks(t, w.centre, again.GetReferralId(), first)

	accepted, err := w.c.AcceptReferral(ctx, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: again.GetReferralId(),
		CentreId: w.centre.String(), ServiceType: supported, NotTheFamilyUnderHold: true})
	require.NoError(t, err, "the lead checked it is not the same family")
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ACCEPTED, accepted.GetReferral().GetState())
	var payload []byte
	require.NoError(t, g.owner.QueryRow(ctx, "SELECT payload FROM events WHERE stream_id = $1 AND event_type = $2",
		"referral-"+again.GetReferralId(), "familytime.referral.v1.ReferralAccepted").Scan(&payload))
	var ev referralv1.ReferralAccepted
	require.NoError(t, proto.Unmarshal(payload, &ev))
	require.True(t, ev.GetCheckedNotTheFamilyUnderHold(), "the record says a person checked")
}

// Ending a case and referring the family again gets round neither a hold nor a domestic-abuse
// finding (review 15, decision 133): the ended case is still a possible duplicate while either
// stands, the new referral is refused supported contact (or any, under a hold) until a person
// checks it is another family, and a lifted hold no longer bars it. A case whose screening found
// domestic abuse never ends as a step down to supported contact.
func TestEndingACaseAndReferringAgainGetsRoundNeitherHoldNorFinding(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	ctx := t.Context()
	end := func(ref string, outcome referralv1.CaseOutcome) error {
		_, err := w.c.EndCase(ctx, &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: w.centre.String(),
			Outcome: outcome, Note: "Ended for the test"})
		return err
	}
	familyOf := func(ref string) uuid.UUID {
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		return uuid.MustParse(got.GetReferral().GetFamilyId())
	}

	// A hold, then the case ended for safety: the family referred again is refused.
	first := w.ready(supported)
	family := familyOf(first)
	hold := uuid.NewString()
	publish(t, g.safeguarding, "hold-"+family.String(), &safeguardingv1.HoldPlaced{HoldId: hold, FamilyId: family.String(),
		CentreId: w.centre.String(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION}, family, w.centre)
	require.Eventually(t, func() bool {
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: first, CentreId: w.centre.String()})
		return err == nil && got.GetReferral().GetState() == referralv1.ReferralState_REFERRAL_STATE_SUSPENDED
	}, 30*time.Second, 10*time.Millisecond, "the hold suspends the case")
	require.NoError(t, end(first, referralv1.CaseOutcome_CASE_OUTCOME_ENDED_FOR_SAFETY))
	again := w.submit(supported)
	require.Equal(t, []string{first}, again.GetPossibleDuplicateOf(), "the ended case under a hold is a possible duplicate")
	w.screen(again.GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)
	before := g.eventTypes(t, again.GetReferralId())
	_, err := w.accept(again.GetReferralId(), supported)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_UNDER_HOLD")
	_, err = w.accept(again.GetReferralId(), supervised)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_UNDER_HOLD")
	require.Equal(t, before, g.eventTypes(t, again.GetReferralId()), "nothing appended")
	// Once the hold is lifted, the case's ending for safety still bars the family until the
	// centre's safeguarding lead weighs it (decision 347); then it may be accepted.
	publish(t, g.safeguarding, "hold-"+family.String(), &safeguardingv1.HoldLifted{HoldId: hold, FamilyId: family.String(),
		CentreId: w.centre.String()}, family, w.centre)
	require.Eventually(t, func() bool {
		_, err := w.accept(again.GetReferralId(), supported)
		return status.Code(err) == codes.FailedPrecondition && strings.Contains(status.Convert(err).Message(), "ended for safety")
	}, 30*time.Second, 20*time.Millisecond, "the hold lifted, the ending for safety still bars the family")
	g.leadChecks(t, w.centre, again.GetReferralId(), first)
	_, err = w.accept(again.GetReferralId(), supported)
	require.NoError(t, err, "the lead weighed the ending: the family may be accepted")

	// A domestic-abuse finding: no step down to supported contact, and no way round it by
	// ending the case and referring again for supported contact.
	// Another child: the first child's case ended for safety bars its referrals until the lead
	// weighs it (decision 347).
	abuse := w.readyScreened(supervised, referralv1.RiskRating_RISK_RATING_RED, true, child("Oliver Brown"))
	g.attended(t, w, abuse, supervised) // an outcome that moves on needs contact to have begun (decision 168)
	before = g.eventTypes(t, abuse)
	refused(t, end(abuse, referralv1.CaseOutcome_CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED), codes.FailedPrecondition,
		"DOMESTIC_ABUSE_RULES_OUT_SUPPORTED")
	require.Equal(t, before, g.eventTypes(t, abuse), "nothing appended")
	require.NoError(t, end(abuse, referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT))
	third := w.submit(supported, child("Oliver Brown"))
	require.Equal(t, []string{abuse}, third.GetPossibleDuplicateOf(), "the ended case with a finding is a possible duplicate")
	shown, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: third.GetReferralId(), CentreId: w.centre.String()})
	require.NoError(t, err)
	flagged := map[string]bool{}
	for _, d := range shown.GetReferral().GetPossibleDuplicates() {
		flagged[d.GetReferralId()] = d.GetNoLongerStands()
	}
	require.Equal(t, map[string]bool{abuse: false}, flagged, "the ended case with a finding stands")
	w.screen(third.GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err = w.accept(third.GetReferralId(), supported)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_DOMESTIC_ABUSE_FINDING")
	require.Contains(t, status.Convert(err).Message(), abuse, "the message names the referral with the finding")
	_, err = w.waitlist(third.GetReferralId(), commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_DOMESTIC_ABUSE_FINDING")
	accepted, err := w.accept(third.GetReferralId(), supervised)
	require.NoError(t, err, "supervised contact is not ruled out")
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ACCEPTED, accepted.GetReferral().GetState())
}

// Referring a family to another centre gets round neither a hold nor a domestic-abuse finding
// (review 22, decision 173): a child is matched at every centre, and a referral elsewhere whose
// hold is in force is a possible duplicate, named as another centre's by its id alone, while one
// elsewhere with nothing standing in the way is not (that a child is known at another centre is no
// other centre's business).
func TestReferringAFamilyToAnotherCentreDoesNotGetRoundAHold(t *testing.T) {
	g := newRig(t)
	ctx := t.Context()
	a := g.casework(t, g.centre(t, supported))
	first := a.ready(supported)

	c := g.casework(t, g.centre(t, supported))
	elsewhere := c.submit(supported) // the same child, nothing standing in the way
	require.Empty(t, elsewhere.GetPossibleDuplicateOf(), "an open case at another centre is not flagged")
	c.screen(elsewhere.GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)

	g.suspend(t, a, first)

	b := g.casework(t, g.centre(t, supported))
	again := b.submit(supported)
	require.Equal(t, []string{first}, again.GetPossibleDuplicateOf(), "the case under a hold at another centre is a possible duplicate")
	b.screen(again.GetReferralId(), referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err := b.accept(again.GetReferralId(), supported)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_UNDER_HOLD")
	require.Contains(t, status.Convert(err).Message(), "a family at another centre (its referral "+first)
	_, err = b.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: first, CentreId: b.centre.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "the other centre's referral stays its own")

	// The referral made elsewhere before the hold was not flagged; its decision finds the hold now.
	_, err = c.accept(elsewhere.GetReferralId(), supported)
	refused(t, err, codes.FailedPrecondition, "DUPLICATE_UNDER_HOLD")
}
