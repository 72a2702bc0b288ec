package referral_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
)

var (
	supported  = commonv1.ServiceType_SERVICE_TYPE_SUPPORTED
	supervised = commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
)

func date(t time.Time) *commonv1.Date {
	return &commonv1.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

func today() time.Time {
	london, _ := time.LoadLocation("Europe/London")
	return time.Now().In(london)
}

// The words in a family's details that must never be readable where they are stored or published.
var secrets = []string{"Amelia", "Jordan", "Primrose", "Kestrel", "07700 900123", "jordan@example.org", "M1 4BT", "peanut"}

func parent(role referralv1.AdultRole, name, address, phone string) *referralv1.Adult {
	return &referralv1.Adult{Role: role, FullName: name, ParentalResponsibility: true, MayAttend: true,
		Contact: &referralv1.ContactDetails{AddressLines: []string{address}, Postcode: "M1 4BT", Phone: phone}}
}

func resident() *referralv1.Adult {
	a := parent(referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, "Amelia Primrose", "12 Primrose Lane", "07700 900123")
	// She brings and collects the children: a referral no one may bring them to or collect them
	// from contradicts itself (review 39).
	a.MayBring, a.MayCollect = true, true
	return a
}

func nonResident() *referralv1.Adult {
	a := parent(referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT, "Jordan Kestrel", "4 Kestrel Court", "07700 900456")
	a.Contact.Email = "jordan@example.org"
	return a
}

func details(adults ...*referralv1.Adult) *referralv1.ReferralDetails {
	born := today().AddDate(-6, -2, 0)
	return &referralv1.ReferralDetails{
		Adults:   adults,
		Children: []*referralv1.Child{{FullName: "Amelia Kestrel Junior", DateOfBirth: date(born), Needs: "peanut allergy"}},
		Reason:   "Contact broke down after separation", Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
		Referrer: &referralv1.Referrer{Name: "Sam Solicitor", Organisation: "Law & Co"},
	}
}

func submitRequest(centre uuid.UUID, source commonv1.ReferralSource, st commonv1.ServiceType, d *referralv1.ReferralDetails) *referralv1.SubmitReferralRequest {
	return &referralv1.SubmitReferralRequest{RequestId: uuid.NewString(), CentreId: centre.String(), Source: source,
		RequestedServiceType: st, Details: d}
}

func reason(t *testing.T, err error) string {
	t.Helper()
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

func fields(t *testing.T, err error) []string {
	t.Helper()
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetField())
			}
		}
	}
	return out
}

// violations are err's field violations, each field's description by its field.
func violations(t *testing.T, err error) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out[v.GetField()] = v.GetDescription()
			}
		}
	}
	return out
}

func personID(r *referralv1.Referral, role referralv1.AdultRole) string {
	for _, a := range r.GetAdults() {
		if a.GetRole() == role {
			return a.GetPersonId()
		}
	}
	return ""
}

// A parent refers themselves: the referral waits for the other parent before it can be screened,
// and then goes through screening, acceptance, both pre-visits and the arrangement until the
// family is ready for contact. Every step is an event in the referral's stream.
func TestSelfReferralToReadyForContact(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported, supervised)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	in := func(id string) (string, string) { return id, centre.String() }

	d := details(resident())
	d.Referrer = nil
	sub, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	ref := sub.GetReferral()
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY, ref.GetState())
	require.NotEmpty(t, ref.GetFamilyId())
	refID, centreID := in(ref.GetReferralId())

	_, err = c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centreID, Rating: referralv1.RiskRating_RISK_RATING_GREEN})
	require.Equal(t, codes.FailedPrecondition, status.Code(err))
	require.Equal(t, "SECOND_PARTY_OUTSTANDING", reason(t, err))

	second, err := c.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
		ReferralId: refID, CentreId: centreID, Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_RECEIVED, second.GetReferral().GetState())

	_, err = c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centreID, Rating: referralv1.RiskRating_RISK_RATING_GREEN})
	require.NoError(t, err)
	accepted, err := c.AcceptReferral(ctx, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centreID, ServiceType: supported})
	require.NoError(t, err)

	visited := today()
	for _, role := range []referralv1.AdultRole{referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT} {
		_, err := c.RecordPreVisit(ctx, &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: refID,
			CentreId: centreID, PersonId: personID(accepted.GetReferral(), role), VisitedOn: date(visited), GroundRulesSigned: true})
		require.NoError(t, err)
	}
	ready, err := c.AgreeArrangement(ctx, &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centreID, Arrangement: &referralv1.Arrangement{ServiceType: supported,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY, SessionMinutes: 120,
			Stagger: &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}}})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, ready.GetReferral().GetState())
	require.Equal(t, []string{"ReferralReceived", "SecondPartyApplicationReceived", "ScreeningRecorded", "ReferralAccepted",
		"PreVisitCompleted", "PreVisitCompleted", "ArrangementAgreed", "FamilyReadyForContact"}, g.eventTypes(t, refID))

	listed, err := c.ListReferrals(ctx, &referralv1.ListReferralsRequest{CentreId: centreID,
		State: referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT})
	require.NoError(t, err)
	require.Len(t, listed.GetReferrals(), 1)
	require.Equal(t, refID, listed.GetReferrals()[0].GetReferralId())

	// A safeguarding hold suspends the case, and its lifting resumes it. A hold that names another
	// centre does not concern the case (decision 55): were it applied, lifting the real hold
	// would leave the case suspended.
	hold := uuid.New()
	family := uuid.MustParse(ref.GetFamilyId())
	publish(t, g.safeguarding, "hold-"+family.String(), &safeguardingv1.HoldPlaced{HoldId: uuid.NewString(), FamilyId: family.String(),
		CentreId: uuid.NewString(), Reason: safeguardingv1.HoldReason_HOLD_REASON_CONDUCT}, family, centre)
	publish(t, g.safeguarding, "hold-"+family.String(), &safeguardingv1.HoldPlaced{HoldId: hold.String(), FamilyId: family.String(),
		CentreId: centreID, Reason: safeguardingv1.HoldReason_HOLD_REASON_CONCERN_UNDER_INVESTIGATION}, family, centre)
	state := func() referralv1.ReferralState {
		got, err := c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: refID, CentreId: centreID})
		require.NoError(t, err)
		return got.GetReferral().GetState()
	}
	require.Eventually(t, func() bool { return state() == referralv1.ReferralState_REFERRAL_STATE_SUSPENDED },
		30*time.Second, 10*time.Millisecond, "the hold suspends the case")
	publish(t, g.safeguarding, "hold-"+family.String(), &safeguardingv1.HoldLifted{HoldId: hold.String(), FamilyId: family.String(),
		CentreId: centreID}, family, centre)
	require.Eventually(t, func() bool { return state() == referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT },
		30*time.Second, 10*time.Millisecond, "lifting the hold resumes it")
}

// Proven domestic abuse rules out supported contact: a supported-only centre cannot accept the
// family, and declines them (redirecting them to a centre offering supervised contact).
func TestDomesticAbuseDeclinedAtASupportedOnlyCentre(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	elsewhere := g.centre(t, supervised)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	d := details(resident(), nonResident())
	d.Risk.DomesticAbuse = true
	d.CafcassInvolved = true // Cafcass refers the family (decision 148)
	sub, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_CAFCASS, supported, d))
	require.NoError(t, err)
	refID := sub.GetReferral().GetReferralId()
	_, err = c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centre.String(), Rating: referralv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: true})
	require.NoError(t, err)

	before := g.events(t)
	_, err = c.AcceptReferral(ctx, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centre.String(), ServiceType: supported})
	require.Equal(t, codes.FailedPrecondition, status.Code(err))
	require.Equal(t, "DOMESTIC_ABUSE_RULES_OUT_SUPPORTED", reason(t, err))
	_, err = c.AcceptReferral(ctx, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centre.String(), ServiceType: supervised})
	require.Equal(t, codes.FailedPrecondition, status.Code(err))
	require.Equal(t, "SERVICE_NOT_OFFERED", reason(t, err), "this centre offers supported contact only")
	require.Equal(t, before, g.events(t), "refusals append nothing")

	declined, err := c.DeclineReferral(ctx, &referralv1.DeclineReferralRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centre.String(), Reason: referralv1.DeclineReason_DECLINE_REASON_REDIRECTED, RedirectedToCentreId: elsewhere.String(),
		Note: "Redirected to supervised contact"})
	require.NoError(t, err)
	require.Equal(t, referralv1.ReferralState_REFERRAL_STATE_DECLINED, declined.GetReferral().GetState())
}

// A referral sent twice with the same request id (a solicitor's system retrying after a
// timeout) is one referral.
func TestResubmissionWithTheSameRequestIDIsOneReferral(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	req := submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident()))
	first, err := c.SubmitReferral(t.Context(), req)
	require.NoError(t, err)
	events := g.events(t)
	again, err := c.SubmitReferral(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, first.GetReferral().GetReferralId(), again.GetReferral().GetReferralId())
	require.Equal(t, first.GetReferral().GetFamilyId(), again.GetReferral().GetFamilyId())
	require.Equal(t, events, g.events(t), "nothing appended twice")
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM referrals"))
}

// A coordinator accepts a referral while a colleague corrects its details, neither naming a
// version: both are recorded, every time, whichever commits first. The one that loses the race
// decides again on the new state rather than being told to try again (decisions.md 118).
func TestAcceptingWhileAColleagueAmendsRecordsBoth(t *testing.T) {
	const rounds = 8
	g := newRig(t)
	w := g.casework(t, g.centre(t, supported))
	ctx := t.Context()
	for round := range rounds {
		ref := w.submit(supported).GetReferralId()
		w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
		opened, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: w.centre.String(), Purpose: "correct a phone number"})
		require.NoError(t, err)
		d := opened.GetFamily().GetDetails()
		d.Referrer.Phone = "01632 960002"
		var wg sync.WaitGroup
		var acceptErr, amendErr error
		wg.Go(func() { _, acceptErr = w.accept(ref, supported) })
		wg.Go(func() {
			_, amendErr = w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
				CentreId: w.centre.String(), Details: d})
		})
		wg.Wait()
		require.NoError(t, acceptErr, "round %d", round)
		require.NoError(t, amendErr, "round %d", round)
		types := g.eventTypes(t, ref)
		require.ElementsMatch(t, []string{"ReferralAccepted", "ReferralAmended"}, types[len(types)-2:], "round %d", round)
	}
}

// Two coordinators amend the same referral at once from the version they both saw: one wins, the
// other is told someone else changed it first (Aborted), and nothing is lost: it reloads and
// amends on top.
func TestConcurrentAmendmentsOneWinsNothingLost(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	sub, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
	require.NoError(t, err)
	ref := sub.GetReferral()
	amend := func(reason string, version int64) (*referralv1.AmendReferralResponse, error) {
		d := details(resident(), nonResident())
		// Amendments keep the people the referral already names.
		for i, a := range d.GetAdults() {
			a.PersonId = personID(ref, a.GetRole())
			d.Adults[i] = a
		}
		d.Children[0].PersonId = ref.GetChildren()[0].GetPersonId()
		d.Reason = reason
		return c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref.GetReferralId(),
			CentreId: centre.String(), ExpectedVersion: version, Details: d})
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, r := range []string{"First coordinator's reason", "Second coordinator's reason"} {
		wg.Go(func() { _, errs[i] = amend(r, 1) })
	}
	wg.Wait()
	codesSeen := []codes.Code{status.Code(errs[0]), status.Code(errs[1])}
	require.ElementsMatch(t, []codes.Code{codes.OK, codes.Aborted}, codesSeen)
	require.Equal(t, []string{"ReferralReceived", "ReferralAmended"}, g.eventTypes(t, ref.GetReferralId()))

	// The one who lost reloads (version 2) and amends again: both changes are in the history.
	_, err = amend("Agreed reason after both amendments", 2)
	require.NoError(t, err)
	require.Equal(t, []string{"ReferralReceived", "ReferralAmended", "ReferralAmended"}, g.eventTypes(t, ref.GetReferralId()))
	family, err := c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref.GetReferralId(), CentreId: centre.String(), Purpose: "checking the amendment"})
	require.NoError(t, err)
	require.Equal(t, "Agreed reason after both amendments", family.GetFamily().GetDetails().GetReason())
}

// A coordinator works for their own centres only: another centre's referral is refused, whichever
// centre id they name.
func TestCoordinatorOfAnotherCentreIsRefused(t *testing.T) {
	g := newRig(t)
	centre, other := g.centre(t, supported), g.centre(t, supported)
	mine := g.coordinator(t, centre)
	sub, err := mine.SubmitReferral(t.Context(), submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
	require.NoError(t, err)
	refID := sub.GetReferral().GetReferralId()
	theirs := g.coordinator(t, other)

	_, err = theirs.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: refID, CentreId: centre.String()})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "naming a centre that is not theirs")
	_, err = theirs.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: refID, CentreId: other.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "naming their own centre with another centre's referral")
	_, err = theirs.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: refID, CentreId: other.String(), Purpose: "curious"})
	require.Equal(t, codes.NotFound, status.Code(err))
	_, err = theirs.WithdrawReferral(t.Context(), &referralv1.WithdrawReferralRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: other.String(), WithdrawnBy: referralv1.WithdrawnBy_WITHDRAWN_BY_REFERRER})
	require.Equal(t, codes.NotFound, status.Code(err))
	volunteer := g.client(t, "volunteer-1", []auth.Role{auth.RoleVolunteer}, centre)
	_, err = volunteer.GetFamily(t.Context(), &referralv1.GetFamilyRequest{ReferralId: refID, CentreId: centre.String(), Purpose: "curious"})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "volunteers do not open families' details")
	require.Equal(t, []string{"ReferralReceived"}, g.eventTypes(t, refID))
}

// Names, addresses, phone numbers, needs and notes are sealed: they are nowhere in the events
// table nor in the JetStream messages, and the family's details open only through GetFamily,
// which records who opened them and why; a parent's view holds their own contact details only.
func TestPersonalDetailsAreSealedAndEveryOpeningRecorded(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	sub, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
	require.NoError(t, err)
	ref := sub.GetReferral()

	rows, err := g.owner.Query(ctx, "SELECT payload FROM events")
	require.NoError(t, err)
	var stored [][]byte
	for rows.Next() {
		var p []byte
		require.NoError(t, rows.Scan(&p))
		stored = append(stored, p)
	}
	require.NoError(t, rows.Err())
	stream, err := g.js.Stream(ctx, bus.StreamName("referral"))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		info, err := stream.Info(ctx)
		return err == nil && info.State.Msgs >= 1
	}, 30*time.Second, 10*time.Millisecond)
	msg, err := stream.GetMsg(ctx, 1)
	require.NoError(t, err)
	stored = append(stored, msg.Data)
	for _, raw := range stored {
		for _, s := range secrets {
			require.False(t, bytes.Contains(raw, []byte(s)), "%q is readable where it is stored or published", s)
		}
	}
	for k, v := range msg.Header {
		for _, s := range secrets {
			require.NotContains(t, strings.Join(v, ","), s, "header %s", k)
		}
	}

	before := g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened'")
	family, err := c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref.GetReferralId(), CentreId: centre.String(),
		Purpose: "preparing the pre-visit letters"})
	require.NoError(t, err)
	require.Equal(t, "Amelia Primrose", family.GetFamily().GetDetails().GetAdults()[0].GetFullName())
	require.Equal(t, before+1, g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened'"),
		"the opening is recorded")
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened' AND actor = $1",
		"coordinator-"+centre.String()[:8]))

	// The resident parent's letter: their own address, not the other parent's.
	view, err := c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref.GetReferralId(), CentreId: centre.String(),
		Purpose: "letter to the resident parent", ForPersonId: personID(ref, referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT)})
	require.NoError(t, err)
	for _, a := range view.GetFamily().GetAdults() {
		if a.GetRole() == referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT {
			require.Nil(t, a.GetContact(), "the other parent's contact details never reach a parent's view")
		} else if a.GetRole() == referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT {
			require.Equal(t, []string{"12 Primrose Lane"}, a.GetContact().GetAddressLines())
		}
	}
	require.Nil(t, view.GetFamily().GetDetails(), "a parent's view holds no staff narrative")

	// The nil UUID names no one: it used to read as no filter, every party's details under a
	// view meant for one.
	opened := g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened'")
	_, err = c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref.GetReferralId(), CentreId: centre.String(),
		Purpose: "letter to nobody", ForPersonId: uuid.Nil.String()})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	require.Contains(t, err.Error(), "for_person_id")
	require.Equal(t, opened, g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened'"))
}

// Bad input is refused with InvalidArgument naming the field, and appends nothing.
func TestBadInputNamesTheFieldAndAppendsNothing(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	before := g.events(t)
	long := strings.Repeat("x", 4001)
	for _, tc := range []struct {
		name  string
		edit  func(*referralv1.SubmitReferralRequest)
		field string
	}{
		{"the non-resident parent missing", func(r *referralv1.SubmitReferralRequest) { r.Details.Adults = r.Details.Adults[:1] }, "details.adults"},
		{"a child born in the future", func(r *referralv1.SubmitReferralRequest) {
			r.Details.Children[0].DateOfBirth = date(today().AddDate(0, 1, 0))
		}, "details.children[0].date_of_birth"},
		{"a child born on 31 April", func(r *referralv1.SubmitReferralRequest) {
			r.Details.Children[0].DateOfBirth = &commonv1.Date{Year: 2020, Month: 4, Day: 31}
		}, "details.children[0].date_of_birth"},
		{"an unknown centre", func(r *referralv1.SubmitReferralRequest) { r.CentreId = uuid.NewString() }, ""},
		{"an oversized reason", func(r *referralv1.SubmitReferralRequest) { r.Details.Reason = long }, "details.reason"},
		{"too many children", func(r *referralv1.SubmitReferralRequest) {
			for range 10 {
				r.Details.Children = append(r.Details.Children, r.Details.Children[0])
			}
		}, "details.children"},
		{"no request id", func(r *referralv1.SubmitReferralRequest) { r.RequestId = "" }, "request_id"},
		{"no consent", func(r *referralv1.SubmitReferralRequest) { r.Details.ConsentGiven = false }, "details.consent_given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident()))
			tc.edit(req)
			_, err := c.SubmitReferral(t.Context(), req)
			if tc.field == "" {
				// A centre outside the caller's centres is refused before anything else.
				require.Contains(t, []codes.Code{codes.PermissionDenied, codes.InvalidArgument}, status.Code(err))
				return
			}
			require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
			require.Contains(t, fields(t, err), tc.field)
		})
	}
	t.Run("a centre of the caller's that the directory does not hold", func(t *testing.T) {
		unknown := uuid.New()
		req := submitRequest(unknown, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident()))
		_, err := g.client(t, "referrer-1", []auth.Role{auth.RoleReferrer}, unknown).SubmitReferral(t.Context(), req)
		require.Equal(t, codes.InvalidArgument, status.Code(err))
		require.Contains(t, fields(t, err), "centre_id")
	})
	t.Run("a name that is not valid UTF-8", func(t *testing.T) {
		req := submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident()))
		body, err := proto.Marshal(req)
		require.NoError(t, err)
		body = bytes.Replace(body, []byte("Jordan Kestrel"), []byte("Jordan Kes\xffrel"), 1)
		var reply []byte
		err = g.conn(t, centre).Invoke(t.Context(), "/familytime.referral.v1.ReferralService/SubmitReferral", body, &reply,
			grpc.ForceCodecV2(rawCodec{}))
		require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
		require.Contains(t, fields(t, err), "details.adults[1].full_name")
	})
	require.Equal(t, before, g.events(t), "nothing appended")
}

// rawCodec sends bytes as they are, as a client that does not check its strings would.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }
func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(v.([]byte))}, nil
}
func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*(v.(*[]byte)) = data.Materialize()
	return nil
}

// A safeguarding lead's risk assessment decides whether domestic abuse is found, over the
// screening's (decision 80): found after a screening that found none, the family is not accepted
// for supported contact, and the referral says whose finding it is; a later assessment without it
// allows supported contact again. An assessment at another centre changes nothing.
func TestALeadsRiskAssessmentStandsOverTheScreening(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported, supervised)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	sub, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
	require.NoError(t, err)
	refID := sub.GetReferral().GetReferralId()
	family := uuid.MustParse(sub.GetReferral().GetFamilyId())
	_, err = c.RecordScreening(ctx, &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centre.String(), Rating: referralv1.RiskRating_RISK_RATING_GREEN})
	require.NoError(t, err)
	get := func() *referralv1.Referral {
		got, err := c.GetReferral(ctx, &referralv1.GetReferralRequest{ReferralId: refID, CentreId: centre.String()})
		require.NoError(t, err)
		return got.GetReferral()
	}
	assessed := &commonv1.Date{Year: 2026, Month: 2, Day: 3}
	assess := func(at uuid.UUID, found bool) {
		publish(t, g.safeguarding, "risk-"+family.String(), &safeguardingv1.RiskAssessed{FamilyId: family.String(), CentreId: at.String(),
			AssessedOn: assessed, Rating: safeguardingv1.RiskRating_RISK_RATING_RED, DomesticAbuseFinding: found,
			NextReviewOn: &commonv1.Date{Year: 2026, Month: 3, Day: 3}}, family, at)
	}

	assess(uuid.New(), true)
	assess(centre, true)
	require.Eventually(t, func() bool { return get().GetDomesticAbuseFinding() }, 30*time.Second, 10*time.Millisecond,
		"the lead's finding stands over the screening's none")
	require.True(t, proto.Equal(assessed, get().GetLeadAssessedOn()), "and the referral says whose it is")
	require.Equal(t, []string{"ReferralReceived", "ScreeningRecorded", "RiskAssessmentNoted"}, g.eventTypes(t, refID),
		"once: the other centre's assessment is not this case's")
	before := g.events(t)
	_, err = c.AcceptReferral(ctx, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centre.String(), ServiceType: supported})
	require.Equal(t, "DOMESTIC_ABUSE_RULES_OUT_SUPPORTED", reason(t, err))
	require.Equal(t, before, g.events(t))

	assess(centre, false)
	require.Eventually(t, func() bool { return !get().GetDomesticAbuseFinding() }, 30*time.Second, 10*time.Millisecond,
		"a later assessment without the finding stands in turn")
	accepted, err := c.AcceptReferral(ctx, &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: refID,
		CentreId: centre.String(), ServiceType: supported})
	require.NoError(t, err)
	require.Equal(t, supported, accepted.GetReferral().GetServiceType())
}

// After a family's personal data is erased (its key destroyed), opening its details still
// answers, without them, and the opening is still recorded (a review found it refused as an
// internal error: the reader's purpose had no key to be sealed with).
func TestAnErasedFamilyOpensWithoutItsDetails(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	c := g.coordinator(t, centre)
	ctx := t.Context()
	sub, err := c.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, supported, details(resident(), nonResident())))
	require.NoError(t, err)
	ref := sub.GetReferral()
	_, err = g.keys.OwnerPool(t).Exec(ctx, `UPDATE family_keys SET wrapped_key = NULL, shredded_at = now() WHERE family_id = $1`,
		uuid.MustParse(ref.GetFamilyId()))
	require.NoError(t, err)
	opened := g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened'")
	family, err := c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref.GetReferralId(), CentreId: centre.String(),
		Purpose: "after the erasure"})
	require.NoError(t, err, "an erased family still opens")
	for _, a := range family.GetFamily().GetAdults() {
		require.Empty(t, a.GetContact().GetAddressLines(), "without its details")
	}
	require.Equal(t, opened+1, g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened'"),
		"the opening is recorded, its purpose not kept")
}
