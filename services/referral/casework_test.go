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
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// What the tests of decision 77 share (decisions_test.go, centres_test.go, people_test.go): each
// drives the running service, and checks that a refusal names its reason or its field and appends
// nothing.

// casework is a coordinator's client for one centre, with the calls the tests repeat.
type casework struct {
	t      *testing.T
	c      referralv1.ReferralServiceClient
	centre uuid.UUID
}

func (g *rig) casework(t *testing.T, centre uuid.UUID) *casework {
	return &casework{t: t, c: g.coordinator(t, centre), centre: centre}
}

// submit submits a solicitor's referral asking for the kind of contact, with both parents.
func (w *casework) submit(st commonv1.ServiceType, edit ...func(*referralv1.ReferralDetails)) *referralv1.Referral {
	w.t.Helper()
	d := details(resident(), nonResident())
	for _, e := range edit {
		e(d)
	}
	sub, err := w.c.SubmitReferral(w.t.Context(), submitRequest(w.centre, commonv1.ReferralSource_REFERRAL_SOURCE_SOLICITOR, st, d))
	require.NoError(w.t, err)
	return sub.GetReferral()
}

func (w *casework) screen(ref string, rating referralv1.RiskRating, da bool) {
	w.t.Helper()
	_, err := w.c.RecordScreening(w.t.Context(), &referralv1.RecordScreeningRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), Rating: rating, DomesticAbuseFinding: da})
	require.NoError(w.t, err)
}

func (w *casework) accept(ref string, st commonv1.ServiceType) (*referralv1.AcceptReferralResponse, error) {
	return w.c.AcceptReferral(w.t.Context(), &referralv1.AcceptReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), ServiceType: st})
}

func (w *casework) waitlist(ref string, st commonv1.ServiceType) (*referralv1.WaitlistReferralResponse, error) {
	return w.c.WaitlistReferral(w.t.Context(), &referralv1.WaitlistReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), ServiceType: st})
}

func (w *casework) decline(ref string, reason referralv1.DeclineReason, note, to string) (*referralv1.DeclineReferralResponse, error) {
	return w.c.DeclineReferral(w.t.Context(), &referralv1.DeclineReferralRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: w.centre.String(), Reason: reason, Note: note, RedirectedToCentreId: to})
}

// ready takes a referral through screening, acceptance, both pre-visits and the arrangement.
func (w *casework) ready(st commonv1.ServiceType) string {
	w.t.Helper()
	return w.readyScreened(st, referralv1.RiskRating_RISK_RATING_GREEN, false)
}

// readyScreened is ready, with the screening's rating and domestic-abuse finding, and the
// referral's details edited by edit.
func (w *casework) readyScreened(st commonv1.ServiceType, rating referralv1.RiskRating, da bool, edit ...func(*referralv1.ReferralDetails)) string {
	w.t.Helper()
	ref := w.submit(st, edit...)
	id := ref.GetReferralId()
	w.screen(id, rating, da)
	accepted, err := w.accept(id, st)
	require.NoError(w.t, err)
	for _, role := range []referralv1.AdultRole{referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT} {
		_, err := w.c.RecordPreVisit(w.t.Context(), &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: id,
			CentreId: w.centre.String(), PersonId: personID(accepted.GetReferral(), role), VisitedOn: date(today()), GroundRulesSigned: true})
		require.NoError(w.t, err)
	}
	ready, err := w.c.AgreeArrangement(w.t.Context(), &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: id,
		CentreId: w.centre.String(), Arrangement: &referralv1.Arrangement{ServiceType: st,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_FORTNIGHTLY, SessionMinutes: 120,
			Stagger: &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}}})
	require.NoError(w.t, err)
	require.Equal(w.t, referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT, ready.GetReferral().GetState())
	return id
}

// refused checks that a call was refused with the code and, for a rule, its reason; for invalid
// input, the field.
func refused(t *testing.T, err error, code codes.Code, reasonOrField string) {
	t.Helper()
	require.Equal(t, code, status.Code(err), "%v", err)
	if code == codes.InvalidArgument {
		require.Contains(t, fields(t, err), reasonOrField, "%v", err)
		return
	}
	require.Equal(t, reasonOrField, reason(t, err), "%v", err)
}

// centreAccredited registers a centre as the directory's administrator would, with its
// accreditation, and waits until referral's copy of the directory has it.
func (g *rig) centreAccredited(t *testing.T, status commonv1.AccreditationStatus, on *commonv1.Date, types ...commonv1.ServiceType) uuid.UUID {
	t.Helper()
	id := uuid.New()
	publish(t, g.scheduling, "centre-"+id.String(), &schedulingv1.CentreRegistered{CentreId: id.String(), Name: "Centre " + id.String()[:8],
		Region: commonv1.Region_REGION_LONDON, ServiceTypes: types, AccreditationStatus: status, AccreditationDate: on}, uuid.Nil, id)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM centres WHERE centre_id = $1", id) == 1
	}, 30*time.Second, 10*time.Millisecond, "referral learns of the centre from scheduling's stream")
	g.onStaff(t, id, "coordinator-"+id.String()[:8], schedulingv1.StaffRole_STAFF_ROLE_COORDINATOR)
	return id
}

// waitlistedFor is the kind of contact a referral's ReferralWaitlisted event says the family waits
// for.
func waitlistedFor(t *testing.T, g *rig, ref string) commonv1.ServiceType {
	t.Helper()
	var payload []byte
	require.NoError(t, g.owner.QueryRow(t.Context(), `SELECT payload FROM events WHERE stream_id = $1
		AND event_type = 'familytime.referral.v1.ReferralWaitlisted'`, "referral-"+ref).Scan(&payload))
	ev := &referralv1.ReferralWaitlisted{}
	require.NoError(t, proto.Unmarshal(payload, ev))
	return ev.GetServiceType()
}

// greenUnless is a screen's rating: green, or amber with a finding of domestic abuse, which is
// no green screen (decision 396).
func greenUnless(finding bool) referralv1.RiskRating {
	if finding {
		return referralv1.RiskRating_RISK_RATING_AMBER
	}
	return referralv1.RiskRating_RISK_RATING_GREEN
}
