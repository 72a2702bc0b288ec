package referral_test

import (
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
)

// flagsOn counts the PossibleDuplicateFlagged events on a referral's stream that carry a
// disclosure from other.
func (g *rig) flagsOn(t *testing.T, ref, other string) int {
	t.Helper()
	rows, err := g.owner.Query(t.Context(), `SELECT payload FROM events WHERE stream_id = $1 AND event_type = $2 ORDER BY version`,
		"referral-"+ref, "familytime.referral.v1.PossibleDuplicateFlagged")
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var payload []byte
		require.NoError(t, rows.Scan(&payload))
		var e referralv1.PossibleDuplicateFlagged
		require.NoError(t, proto.Unmarshal(payload, &e))
		if e.GetOtherReferralId() == other && e.GetDomesticAbuseDisclosed() {
			n++
		}
	}
	require.NoError(t, rows.Err())
	return n
}

// A referral whose answers disclose domestic abuse (at submission, the second parent's
// application or an amendment) carries the disclosure to every open referral of a matching child,
// at any centre, earlier ones too: each records PossibleDuplicateFlagged with the disclosure,
// naming the new referral, on its own stream, family and centre, published where scheduling and
// safeguarding listen (review 38, finding 2: Lily's supported contact at one centre went on after
// her referral at another disclosed abuse). Once only; a closed referral of the child gets none.
func TestADisclosureOnALaterReferralReachesTheChildsOpenCase(t *testing.T) {
	g := newRig(t)
	here := g.casework(t, g.centre(t, supported))
	there := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	disclosed := func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true }
	shown := func(w *casework, ref string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}

	// The review's path: Lily is ready for supported contact here; the other parent refers her
	// there, disclosing domestic abuse.
	lily := here.readyWith("Lily Carried")
	closed := here.submit(supported, aChild("Lily Carried")).GetReferralId()
	here.withdraw(closed)
	later := there.submit(supported, aChild("Lily Carried"), disclosed).GetReferralId()
	require.Equal(t, 1, g.flagsOn(t, lily, later), "the disclosure reaches the open case")
	require.Zero(t, g.flagsOn(t, closed, later), "a closed referral of the child is not told")
	var flag referralv1.PossibleDuplicateFlagged
	g.lastEvent(t, lily, "PossibleDuplicateFlagged", &flag)
	family := shown(here, lily).GetFamilyId()
	require.Equal(t, family, flag.GetFamilyId())
	require.Equal(t, here.centre.String(), flag.GetCentreId())
	require.Equal(t, later, flag.GetOtherReferralId())
	var published referralv1.PossibleDuplicateFlagged
	g.published(t, here.centre, &published, func() bool { return published.GetOtherReferralId() == later })
	require.True(t, published.GetDomesticAbuseDisclosed())
	require.Equal(t, family, published.GetFamilyId())
	got := shown(here, lily)
	require.True(t, got.GetDomesticAbuseDisclosedEarlier(), "the case shows it, for the lead to weigh")
	require.Contains(t, got.GetPossibleDuplicateOf(), later)

	// Amending the disclosing referral again carries nothing more.
	amend := func(w *casework, ref string, edit func(*referralv1.ReferralDetails)) {
		t.Helper()
		opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: "amend the risk answers"})
		require.NoError(t, err)
		d := opened.GetFamily().GetDetails()
		edit(d)
		_, err = w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: w.centre.String(), Details: d})
		require.NoError(t, err)
	}
	amend(there, later, func(d *referralv1.ReferralDetails) { d.RiskNotes = "the police were called last year" })
	require.Equal(t, 1, g.flagsOn(t, lily, later), "once only")

	// An amendment that discloses it carries it too.
	mia := here.readyWith("Mia Amended")
	amended := there.submit(supported, aChild("Mia Amended")).GetReferralId()
	require.Zero(t, g.flagsOn(t, mia, amended), "nothing disclosed yet")
	amend(there, amended, disclosed)
	require.Equal(t, 1, g.flagsOn(t, mia, amended), "the amendment's disclosure reaches the open case")

	// So does the second parent's application to a self-referral.
	noah := here.readyWith("Noah Second")
	d := details(resident())
	d.Referrer = nil
	aChild("Noah Second")(d)
	sub, err := there.c.SubmitReferral(ctx, submitRequest(there.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	self := sub.GetReferral().GetReferralId()
	require.Zero(t, g.flagsOn(t, noah, self))
	_, err = there.c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: self, CentreId: there.centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{DomesticAbuse: true}, ConsentGiven: true})
	require.NoError(t, err)
	require.Equal(t, 1, g.flagsOn(t, noah, self), "the second parent's disclosure reaches the open case")

	// A screening's finding of domestic abuse, the answers having said no, reaches it too.
	ava := here.readyWith("Ava Found")
	found := there.submit(supported, aChild("Ava Found")).GetReferralId()
	require.Zero(t, g.flagsOn(t, ava, found))
	there.screen(found, referralv1.RiskRating_RISK_RATING_RED, true)
	require.Equal(t, 1, g.flagsOn(t, ava, found), "the finding reaches the open case")
}

// A case whose child was referred again at another centre is not reopened, and the refusal says
// where the way on lies: that referral is another centre's, which this centre cannot see or
// withdraw (decision 173), so its id is given for an administrator, who sees every centre, and
// no "withdraw it" (review 38, finding 7). At the same centre the refusal is as before.
func TestAReopeningRefusedForAnotherCentresReferralSaysWhereTheWayOnLies(t *testing.T) {
	g := newRig(t)
	here := g.casework(t, g.centre(t, supported))
	there := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	ref := here.readyWith("Oscar Moved")
	_, err := here.end(ref, referralv1.CaseOutcome_CASE_OUTCOME_WITHDRAWN, "The father withdrew from contact")
	require.NoError(t, err)
	elsewhere := there.submit(supported, aChild("Oscar Moved")).GetReferralId()
	_, err = here.reopen(ref, "Ended by mistake, it was another family")
	refused(t, err, codes.FailedPrecondition, "REFERRED_AGAIN")
	said := status.Convert(err).Message()
	require.Contains(t, said, "at another centre")
	require.Contains(t, said, "administrator")
	require.NotContains(t, said, "withdraw it first")
	require.NotContains(t, said, there.centre.String(), "the other centre is not named")
	_, err = here.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: elsewhere, CentreId: here.centre.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "that referral is not this centre's to open")

	// At the same centre: that referral is the coordinator's own, to carry on with or withdraw.
	there.withdraw(elsewhere)
	same := here.submit(supported, aChild("Oscar Moved")).GetReferralId()
	_, err = here.reopen(ref, "Ended by mistake, it was another family")
	refused(t, err, codes.FailedPrecondition, "REFERRED_AGAIN")
	require.Contains(t, status.Convert(err).Message(), same)
	require.Contains(t, status.Convert(err).Message(), "withdraw it first")
}

// A finding of domestic abuse made by the safeguarding lead's risk assessment of a family reaches
// the child's other open cases, at any centre, as a screening's finding does (decisions 238 and
// 246): Lily is in supported contact at one centre (family G) and referred at another (family F),
// whose lead assesses F and finds domestic abuse; her case at the first centre records the flag
// with the finding, naming F's referral, where scheduling and safeguarding listen. Once only: the
// same assessment again, the finding withdrawn (not un-carried) and made again record nothing
// more there; a closed referral of the child is not told.
func TestALeadsFindingReachesTheChildsOtherOpenCases(t *testing.T) {
	g := newRig(t)
	here := g.casework(t, g.centre(t, supported))
	there := g.casework(t, g.centre(t, supported))
	ctx := t.Context()

	lily := there.readyWith("Lily Assessed")
	closed := there.submit(supported, aChild("Lily Assessed")).GetReferralId()
	there.withdraw(closed)
	sub := here.submit(supported, aChild("Lily Assessed"))
	assessed, family := sub.GetReferralId(), sub.GetFamilyId()
	here.screen(assessed, referralv1.RiskRating_RISK_RATING_GREEN, false)
	require.Zero(t, g.flagsOn(t, lily, assessed), "nothing disclosed or found yet")
	closedBefore := g.eventTypes(t, closed)

	// The lead's assessments of F, in order; each waits until the referral has handled it (the
	// consumer handles a family's events in order, so one that records something also says that
	// every one before it was handled).
	noted := 0
	assess := func(found bool, records bool) {
		t.Helper()
		publish(t, g.safeguarding, "risk-"+family, &safeguardingv1.RiskAssessed{FamilyId: family, CentreId: here.centre.String(),
			AssessedOn: date(today()), Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER, DomesticAbuseFinding: found,
			NextReviewOn: date(today().AddDate(0, 1, 0))}, uuid.MustParse(family), here.centre)
		if !records {
			return
		}
		noted++
		require.Eventually(t, func() bool {
			return countOf(g.eventTypes(t, assessed), "RiskAssessmentNoted") == noted
		}, 30*time.Second, 10*time.Millisecond, "the referral notes the assessment")
	}

	assess(true, true)
	require.Equal(t, 1, g.flagsOn(t, lily, assessed), "the lead's finding reaches the open case")
	var flag referralv1.PossibleDuplicateFlagged
	version := g.lastEvent(t, lily, "PossibleDuplicateFlagged", &flag)
	require.True(t, flag.GetDomesticAbuseFound(), "as a finding")
	require.True(t, flag.GetDomesticAbuseDisclosed(), "which scheduling and safeguarding read as a carried disclosure")
	require.Equal(t, there.centre.String(), flag.GetCentreId())
	require.Equal(t, assessed, flag.GetOtherReferralId())
	var actor string
	require.NoError(t, g.owner.QueryRow(ctx, `SELECT actor FROM events WHERE stream_id = $1 AND version = $2`,
		"referral-"+lily, version).Scan(&actor))
	require.Equal(t, "service:referral", actor)
	var published referralv1.PossibleDuplicateFlagged
	g.published(t, there.centre, &published, func() bool { return published.GetOtherReferralId() == assessed })
	require.True(t, published.GetDomesticAbuseFound())
	got, err := there.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: lily, CentreId: there.centre.String()})
	require.NoError(t, err)
	require.True(t, got.GetReferral().GetDomesticAbuseDisclosedEarlier(), "the case shows it, for its lead to weigh")
	require.Equal(t, closedBefore, g.eventTypes(t, closed), "a closed referral of the child is not told")

	// The same assessment again (a redelivery) records nothing; nor does the finding withdrawn by
	// a later assessment, nor made again: the other case was told of it once.
	lilyBefore := g.eventTypes(t, lily)
	assess(true, false)
	assess(false, true)
	require.Equal(t, lilyBefore, g.eventTypes(t, lily), "a redelivery, or the finding withdrawn, records nothing there")
	assess(true, true)
	require.Equal(t, lilyBefore, g.eventTypes(t, lily), "told of the finding once")
	require.Equal(t, closedBefore, g.eventTypes(t, closed))
}

// countOf is how many of types are name.
func countOf(types []string, name string) int {
	n := 0
	for _, s := range types {
		if s == name {
			n++
		}
	}
	return n
}
