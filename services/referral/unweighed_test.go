package referral_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// What review 32 found of a disclosure carried to a case past screening, and of a second-party
// application to a referral that takes none (decision 217), through the running service.

// named gives the referral's one child a name and a date of birth.
func named(name string, born time.Time) func(*referralv1.ReferralDetails) {
	return func(d *referralv1.ReferralDetails) {
		d.Children[0].FullName, d.Children[0].DateOfBirth = name, date(born)
	}
}

// renamed amends the referral's first child to the name and date of birth, as the coordinator's
// `referral amend` does with the family's details as opened, and answers what the amendment did.
func (w *casework) renamed(ref, name string, born time.Time, edit ...func(*referralv1.ReferralDetails)) (*referralv1.Referral, error) {
	w.t.Helper()
	opened, err := w.c.GetFamily(w.t.Context(), &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(),
		Purpose: "correct the child's name and date of birth"})
	require.NoError(w.t, err)
	d := opened.GetFamily().GetDetails()
	d.Children[0].FullName, d.Children[0].DateOfBirth = name, date(born)
	for _, e := range edit {
		e(d)
	}
	got, err := w.c.AmendReferral(w.t.Context(), &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), Details: d})
	return got.GetReferral(), err
}

// preVisit records the adult's pre-visit today, ground rules signed.
func (w *casework) preVisit(ref, person string) (*referralv1.Referral, error) {
	got, err := w.c.RecordPreVisit(w.t.Context(), &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), PersonId: person, VisitedOn: date(today()), GroundRulesSigned: true})
	return got.GetReferral(), err
}

// arrangement agrees a fortnightly arrangement of the kind.
func (w *casework) arrangement(ref string, st commonv1.ServiceType) (*referralv1.Referral, error) {
	got, err := w.c.AgreeArrangement(w.t.Context(), &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), Arrangement: &referralv1.Arrangement{ServiceType: st,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY, SessionMinutes: 120,
			Stagger: &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}}})
	return got.GetReferral(), err
}

// notWeighed checks a refusal for the disclosure no lead has weighed: the rule's reason, a
// message saying what the lead does, and nothing appended to the referral.
func notWeighed(t *testing.T, g *rig, ref string, before []string, err error) {
	t.Helper()
	refused(t, err, codes.FailedPrecondition, "DISCLOSURE_NOT_WEIGHED")
	require.Contains(t, status.Convert(err).Message(), "familytime safeguarding risk")
	require.Equal(t, before, g.eventTypes(t, ref), "a refusal appends nothing")
}

// Review 32: a child referred under another name and date of birth matched nothing, was screened
// green by the coordinator and accepted for supported contact, then amended to the name and date
// of birth of a child whose earlier referral disclosed domestic abuse. The disclosure was carried,
// but both pre-visits and the arrangement were recorded and the family was made ready for
// supported contact with no lead having weighed it. Now a case carrying a disclosure no lead has
// weighed goes on towards supervised contact only: acceptance, the waiting list, the pre-visits
// and the arrangement for any other kind are refused (DISCLOSURE_NOT_WEIGHED), as is an amendment
// that would itself make the family ready, until the lead's risk assessment is noted.
func TestACarriedDisclosureHoldsTheCaseUntilTheLeadWeighsIt(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported, supervised))
	ctx := t.Context()
	tom := time.Date(2018, 3, 2, 0, 0, 0, 0, time.UTC)
	resident, nonResident := referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT
	show := func(ref string) *referralv1.Referral {
		t.Helper()
		got, err := w.c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: ref, CentreId: w.centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}

	// Referral 1: Tom Jones, domestic abuse disclosed.
	w.submit(supported, named("Tom Jones", tom), func(d *referralv1.ReferralDetails) { d.Risk.DomesticAbuse = true })

	// The review's path: Thomas Jones, a day out, matches nothing; green, accepted for supported.
	sub := w.submit(supported, named("Thomas Jones", tom.AddDate(0, 0, 1)))
	ref := sub.GetReferralId()
	require.False(t, show(ref).GetDomesticAbuseDisclosedEarlier())
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
	accepted, err := w.accept(ref, supported)
	require.NoError(t, err)
	amended, err := w.renamed(ref, "Tom Jones", tom)
	require.NoError(t, err)
	require.True(t, amended.GetDomesticAbuseDisclosedEarlier(), "the disclosure is carried")
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ACCEPTED, amended.GetState())
	before := g.eventTypes(t, ref)
	_, err = w.preVisit(ref, personID(accepted.GetReferral(), resident))
	notWeighed(t, g, ref, before, err)
	_, err = w.arrangement(ref, supported)
	notWeighed(t, g, ref, before, err)

	// Screened, not yet accepted: neither accepted nor waitlisted for supported contact.
	screened := w.submit(supported, named("Harry Smith", tom.AddDate(-1, 1, 9))).GetReferralId()
	w.screen(screened, referralv1.RiskRating_RISK_RATING_GREEN, false)
	_, err = w.renamed(screened, "Tom Jones", tom)
	require.NoError(t, err)
	before = g.eventTypes(t, screened)
	_, err = w.accept(screened, supported)
	notWeighed(t, g, screened, before, err)
	_, err = w.waitlist(screened, supported)
	notWeighed(t, g, screened, before, err)

	// Supervised contact goes on: trained staff watch, as a finding would have it (decision 168).
	watched := w.submit(supervised, named("Oscar Brown", tom.AddDate(-2, 2, 11))).GetReferralId()
	w.screen(watched, referralv1.RiskRating_RISK_RATING_GREEN, false)
	acceptedWatched, err := w.accept(watched, supervised)
	require.NoError(t, err)
	_, err = w.renamed(watched, "Tom Jones", tom)
	require.NoError(t, err)
	for _, role := range []referralv1.AdultRole{resident, nonResident} {
		_, err := w.preVisit(watched, personID(acceptedWatched.GetReferral(), role))
		require.NoError(t, err)
	}
	got, err := w.arrangement(watched, supervised)
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, got.GetState())

	// One amendment that both carries the disclosure and completes the intake (the last adult
	// without a pre-visit left off) does not make the family ready.
	withGran := w.submit(supported, named("Leo Green", tom.AddDate(1, 3, 13)), func(d *referralv1.ReferralDetails) {
		d.Adults = append(d.Adults, &referralv1.Adult{Role: referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE, FullName: "Gwen Jones",
			Relationship: "grandmother", MayAttend: true})
	}).GetReferralId()
	w.screen(withGran, referralv1.RiskRating_RISK_RATING_GREEN, false)
	acceptedGran, err := w.accept(withGran, supported)
	require.NoError(t, err)
	for _, role := range []referralv1.AdultRole{resident, nonResident} {
		_, err := w.preVisit(withGran, personID(acceptedGran.GetReferral(), role))
		require.NoError(t, err)
	}
	got, err = w.arrangement(withGran, supported)
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ACCEPTED, got.GetState(), "the grandmother has had no pre-visit")
	withoutGran := func(d *referralv1.ReferralDetails) {
		d.Adults = slices.DeleteFunc(d.Adults, func(a *referralv1.Adult) bool { return a.GetRole() == referralv1.AdultRole_ADULT_ROLE_NAMED_RELATIVE })
	}
	before = g.eventTypes(t, withGran)
	_, err = w.renamed(withGran, "Tom Jones", tom, withoutGran)
	notWeighed(t, g, withGran, before, err)
	// One at a time: the child's name carried, then the grandmother left off: still not ready.
	_, err = w.renamed(withGran, "Tom Jones", tom)
	require.NoError(t, err)
	got, err = w.renamed(withGran, "Tom Jones", tom, withoutGran)
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_ACCEPTED, got.GetState(), "not ready while the disclosure is unweighed")

	// The lead weighs it: a risk assessment finding none. The pre-visits and the arrangement go
	// on; a family whose intake was complete is made ready by the assessment itself.
	g.assessed(t, ref, sub.GetFamilyId(), w.centre, false)
	for _, role := range []referralv1.AdultRole{resident, nonResident} {
		_, err := w.preVisit(ref, personID(accepted.GetReferral(), role))
		require.NoError(t, err)
	}
	got, err = w.arrangement(ref, supported)
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, got.GetState())
	g.assessed(t, withGran, acceptedGran.GetReferral().GetFamilyId(), w.centre, false)
	require.Eventually(t, func() bool {
		return show(withGran).GetState() == referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT
	},
		30*time.Second, 10*time.Millisecond, "made ready once weighed")

	// The lead finds domestic abuse: supported contact is ruled out, as for any finding.
	family := show(screened).GetFamilyId()
	g.assessed(t, screened, family, w.centre, true)
	_, err = w.accept(screened, supported)
	refused(t, err, codes.FailedPrecondition, "DOMESTIC_ABUSE_RULES_OUT_SUPPORTED")
	_, err = w.accept(screened, supervised)
	require.NoError(t, err)
}

// Review 32: a referrer applying as a second parent to a solicitor's declined referral, naming
// its children, was answered REFERRAL_CLOSED; wrong children, APPLICATION_DOES_NOT_MATCH; an
// unknown id, not found. A referral that is not a self-referral takes no second-party
// application in any state: a referrer is answered exactly as for an unknown referral, whatever
// children they name and whatever the referral's state.
func TestASecondPartyApplicationToAReferralThatTakesNoneIsNotFound(t *testing.T) {
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	applicant := g.client(t, "parent-9", []auth.Role{auth.RoleReferrer}, w.centre)
	ctx := t.Context()
	apply := func(ref string, children ...*referralv1.Child) error {
		_, err := applicant.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
			ReferralId: ref, CentreId: w.centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
			Children: children})
		return err
	}
	unknown := status.Convert(apply(uuid.NewString())).Proto()
	require.Equal(t, int32(codes.NotFound), unknown.GetCode())

	sub := w.submit(supported)
	open := sub.GetReferralId()
	declined := w.submit(supported).GetReferralId()
	_, err := w.decline(declined, referralv1.DeclineReason_DECLINE_REASON_OTHER, "the family moved away", "")
	require.NoError(t, err)
	amelia := &referralv1.Child{FullName: "Amelia Kestrel Junior", DateOfBirth: date(today().AddDate(-6, -2, 0))}
	stranger := &referralv1.Child{FullName: "Someone Else", DateOfBirth: date(today().AddDate(-5, 0, 0))}
	before := g.events(t)
	for _, ref := range []string{open, declined} {
		for name, children := range map[string][]*referralv1.Child{"the children": {amelia}, "wrong children": {stranger}, "none": nil} {
			got := status.Convert(apply(ref, children...)).Proto()
			require.True(t, proto.Equal(unknown, got), "%s, %s: %v, not as unknown: %v", ref, name, got, unknown)
		}
	}
	require.Equal(t, before, g.events(t), "nothing appended")

	// A coordinator, who may see the referral anyway, is told why.
	_, err = w.c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: declined, CentreId: w.centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true})
	refused(t, err, codes.FailedPrecondition, "REFERRAL_CLOSED")
}
