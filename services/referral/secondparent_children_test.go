package referral_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 62, finding 1: a self-referral's second parent gave each child's needs and language, and
// they were dropped: not in the event, not shown to the coordinator, not at the door. The father's
// "diabetic: insulin at 11:00" never reached the room. They are kept now, sealed, as that parent's
// (decision 337): the coordinator and the lead read them beside the first application's words, a
// party's copy does not, and the door is told them where they add to the referral's.
func TestASecondParentsAccountOfTheChildrenIsKeptAndToldAtTheDoor(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	first := g.client(t, "parent-1", []auth.Role{auth.RoleReferrer}, centre)
	other := g.client(t, "parent-2", []auth.Role{auth.RoleReferrer}, centre)
	w := g.casework(t, centre)
	ctx := t.Context()

	d := details(resident())
	d.Referrer = nil
	d.Children[0].Language = "English"
	d.Children = append(d.Children, &referralv1.Child{FullName: "Robin Kestrel", DateOfBirth: date(today().AddDate(-4, 0, 0))})
	sub, err := first.SubmitReferral(ctx, submitRequest(centre, commonv1.ReferralSource_REFERRAL_SOURCE_SELF, supported, d))
	require.NoError(t, err)
	ref := sub.GetReferral().GetReferralId()

	// The second parent names the children as the first did (the names in another case), and says
	// what they know of them.
	children := func() []*referralv1.Child {
		a, b := proto.Clone(d.Children[0]).(*referralv1.Child), proto.Clone(d.Children[1]).(*referralv1.Child)
		a.FullName = strings.ToUpper(a.FullName)
		a.Needs, a.Language = "Diabetic: insulin at 11:00, must eat a snack", "Polish"
		b.Needs, b.Language = "Deaf in one ear", "Polish"
		return []*referralv1.Child{b, a}
	}
	apply := func(cs []*referralv1.Child) error {
		_, err := other.SubmitSecondPartyApplication(ctx, &referralv1.SubmitSecondPartyApplicationRequest{RequestId: uuid.NewString(),
			ReferralId: ref, CentreId: centre.String(), Parent: nonResident(), Risk: &referralv1.RiskAnswers{}, ConsentGiven: true,
			Children: cs})
		return err
	}
	// Held to the referral's limits on a child's needs and language; nothing recorded.
	before := g.events(t)
	long := children()
	long[1].Needs = strings.Repeat("insulin ", 501)
	refused(t, apply(long), codes.InvalidArgument, "children[1].needs")
	long = children()
	long[0].Language = strings.Repeat("Polish ", 20)
	refused(t, apply(long), codes.InvalidArgument, "children[0].language")
	require.Equal(t, before, g.events(t), "nothing appended")
	require.NoError(t, apply(children()))

	// Sealed: nowhere readable where the events are stored.
	rows, err := g.owner.Query(ctx, "SELECT payload FROM events")
	require.NoError(t, err)
	for rows.Next() {
		var p []byte
		require.NoError(t, rows.Scan(&p))
		for _, s := range []string{"insulin", "Deaf", "Polish"} {
			require.False(t, bytes.Contains(p, []byte(s)), "%q is readable where it is stored", s)
		}
	}
	require.NoError(t, rows.Err())

	// The coordinator reads both accounts, each child's by its person id; the referral's own words
	// are the first application's.
	family := func() *referralv1.Family {
		t.Helper()
		got, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: centre.String(), Purpose: "check the two applications"})
		require.NoError(t, err)
		return got.GetFamily()
	}
	f := family()
	amelia, robin := f.GetChildren()[0], f.GetChildren()[1]
	require.Equal(t, "peanut allergy", amelia.GetNeeds())
	require.Empty(t, robin.GetNeeds())
	want := []*referralv1.SecondApplicationChild{
		{PersonId: amelia.GetPersonId(), Needs: "Diabetic: insulin at 11:00, must eat a snack", Language: "Polish"},
		{PersonId: robin.GetPersonId(), Needs: "Deaf in one ear", Language: "Polish"},
	}
	require.Len(t, f.GetSecondApplicationChildren(), 2)
	for i := range want {
		require.True(t, proto.Equal(want[i], f.GetSecondApplicationChildren()[i]), "%v", f.GetSecondApplicationChildren()[i])
	}
	// Not in a party's copy, as the children's needs are not.
	for _, a := range f.GetAdults() {
		view, err := w.c.GetFamily(ctx, &referralv1.GetFamilyRequest{ReferralId: ref, CentreId: centre.String(), Purpose: "a letter to the parent",
			ForPersonId: a.GetPersonId()})
		require.NoError(t, err)
		require.Empty(t, view.GetFamily().GetSecondApplicationChildren())
		require.True(t, view.GetFamily().GetChildrensNeedsWithheld())
	}

	// Made ready for contact and booked: the door is told what the second application adds.
	w.screen(ref, referralv1.RiskRating_RISK_RATING_GREEN, false)
	accepted, err := w.accept(ref, supported)
	require.NoError(t, err)
	for _, role := range []referralv1.AdultRole{referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, referralv1.AdultRole_ADULT_ROLE_NON_RESIDENT_PARENT} {
		_, err := w.c.RecordPreVisit(ctx, &referralv1.RecordPreVisitRequest{RequestId: uuid.NewString(), ReferralId: ref,
			CentreId: centre.String(), PersonId: personID(accepted.GetReferral(), role), VisitedOn: date(today()), GroundRulesSigned: true})
		require.NoError(t, err)
	}
	_, err = w.c.AgreeArrangement(ctx, &referralv1.AgreeArrangementRequest{RequestId: uuid.NewString(), ReferralId: ref,
		CentreId: centre.String(), Arrangement: &referralv1.Arrangement{ServiceType: supported,
			Frequency: referralv1.ContactFrequency_CONTACT_FREQUENCY_WEEKLY, SessionMinutes: 90,
			Stagger: &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}}})
	require.NoError(t, err)
	day := &commonv1.Date{Year: 2026, Month: 12, Day: 5}
	g.booked(t, f.GetFamilyId(), centre, day, "")
	g.onStaff(t, centre, "vol-door", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER)
	door := g.client(t, "vol-door", []auth.Role{auth.RoleVolunteer}, centre)
	told := func() map[string]*referralv1.DoorName {
		t.Helper()
		names, err := door.GetDoorNames(ctx, &referralv1.GetDoorNamesRequest{CentreId: centre.String(),
			FamilyIds: []string{f.GetFamilyId()}, Day: day})
		require.NoError(t, err)
		byID := map[string]*referralv1.DoorName{}
		for _, n := range names.GetNames() {
			byID[n.GetPersonId()] = n
		}
		return byID
	}
	names := told()
	require.Equal(t, "peanut allergy", names[amelia.GetPersonId()].GetNeeds())
	require.Equal(t, "Diabetic: insulin at 11:00, must eat a snack", names[amelia.GetPersonId()].GetNeedsFromOtherApplication())
	require.Equal(t, "Polish", names[amelia.GetPersonId()].GetLanguageFromOtherApplication(), "not the referral's English")
	require.Empty(t, names[robin.GetPersonId()].GetNeeds())
	require.Equal(t, "Deaf in one ear", names[robin.GetPersonId()].GetNeedsFromOtherApplication())
	require.Equal(t, "Polish", names[robin.GetPersonId()].GetLanguageFromOtherApplication(), "the referral gives none")
	for _, a := range f.GetAdults() {
		require.Empty(t, names[a.GetPersonId()].GetNeedsFromOtherApplication()+names[a.GetPersonId()].GetLanguageFromOtherApplication())
	}

	// The coordinator amends the referral to take in Amelia's: the door is told it once, as the
	// referral's; Robin's, not taken in, is still told as the other application's. The second
	// parent's words stay theirs in the family's details.
	det := proto.Clone(family().GetDetails()).(*referralv1.ReferralDetails)
	det.Children[0].Needs = "Peanut allergy. DIABETIC: insulin at 11:00,  must eat a snack"
	det.Children[0].Language = "Polish"
	_, err = w.c.AmendReferral(ctx, &referralv1.AmendReferralRequest{RequestId: uuid.NewString(), ReferralId: ref, CentreId: centre.String(), Details: det})
	require.NoError(t, err)
	names = told()
	require.Empty(t, names[amelia.GetPersonId()].GetNeedsFromOtherApplication()+names[amelia.GetPersonId()].GetLanguageFromOtherApplication())
	require.Equal(t, "Deaf in one ear", names[robin.GetPersonId()].GetNeedsFromOtherApplication())
	require.Len(t, family().GetSecondApplicationChildren(), 2)
}
