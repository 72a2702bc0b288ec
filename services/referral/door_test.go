package referral_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
)

// Review 36: the day sheet names people by id only, and a volunteer at the door could read no
// name anywhere, so "check-in admits named persons only" could not be done. The door now reads
// the names (and roles, nothing else) of the day sheet's families in contact at the centre; each
// reader's read of a family's names for a day is recorded once; a family not in contact there
// (not yet ready, closed, another centre's, unknown) is not given, nor to anyone off the register.
func TestTheDoorReadsTheNamesOfFamiliesInContact(t *testing.T) {
	g := newRig(t)
	centre, other := g.centre(t, supported), g.centre(t, supported)
	w := g.casework(t, centre)
	ready := w.ready(supported)
	got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: ready, CentreId: centre.String()})
	require.NoError(t, err)
	family := got.GetReferral().GetFamilyId()
	waiting := w.submit(supported).GetFamilyId()                      // received, not in contact
	elsewhere := g.casework(t, other).submit(supported).GetFamilyId() // another centre's
	unknown := uuid.NewString()

	g.onStaff(t, centre, "vol-door", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER)
	door := g.client(t, "vol-door", []auth.Role{auth.RoleVolunteer}, centre)
	day := &commonv1.Date{Year: 2026, Month: 12, Day: 5}
	ask := &referralv1.GetDoorNamesRequest{CentreId: centre.String(), FamilyIds: []string{family, waiting, elsewhere, unknown, family}, Day: day}
	opened := "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened'"
	before := g.count(t, opened)
	names, err := door.GetDoorNames(t.Context(), ask)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{waiting, elsewhere, unknown}, names.GetNotGiven())
	var words []string
	for _, n := range names.GetNames() {
		require.Equal(t, family, n.GetFamilyId())
		require.NotEmpty(t, n.GetPersonId())
		words = append(words, n.GetFullName())
	}
	require.Equal(t, []string{"Amelia Primrose", "Jordan Kestrel", "Amelia Kestrel Junior"}, words, "adults, then children")
	require.True(t, names.GetNames()[2].GetChild())
	require.Equal(t, referralv1.AdultRole_ADULT_ROLE_RESIDENT_PARENT, names.GetNames()[0].GetRole())
	require.True(t, proto.Equal(day, names.GetDay()))
	require.Equal(t, before+1, g.count(t, opened), "one read recorded: the family given names")
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened' AND actor = 'vol-door'"))

	// The same reader again that day: recorded already. Another day, or another reader: recorded.
	_, err = door.GetDoorNames(t.Context(), ask)
	require.NoError(t, err)
	require.Equal(t, before+1, g.count(t, opened), "a reader's reads of a family's names for a day are recorded once")
	ask.Day = &commonv1.Date{Year: 2026, Month: 12, Day: 12}
	_, err = door.GetDoorNames(t.Context(), ask)
	require.NoError(t, err)
	require.Equal(t, before+2, g.count(t, opened))
	g.onStaff(t, centre, "vol-two", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER)
	_, err = g.client(t, "vol-two", []auth.Role{auth.RoleVolunteer}, centre).GetDoorNames(t.Context(), ask)
	require.NoError(t, err)
	require.Equal(t, before+3, g.count(t, opened))

	// Off the register, another centre's staff, a referrer, a national role: refused, nothing
	// recorded.
	for name, c := range map[string]referralv1.ReferralServiceClient{
		"a volunteer not on the register": g.client(t, "vol-stranger", []auth.Role{auth.RoleVolunteer}, centre),
		"another centre's volunteer":      g.client(t, "vol-door", []auth.Role{auth.RoleVolunteer}, other),
		"a referrer":                      g.client(t, "solicitor-1", []auth.Role{auth.RoleReferrer}, centre),
		"a national analyst":              g.client(t, "analyst-1", []auth.Role{auth.RoleNationalAnalyst}),
	} {
		_, err := c.GetDoorNames(t.Context(), ask)
		require.Error(t, err, name)
		require.True(t, slices.Contains([]codes.Code{codes.PermissionDenied, codes.FailedPrecondition}, status.Code(err)), "%s: %v", name, err)
	}
	require.Equal(t, before+3, g.count(t, opened))

	// Bad input changes nothing.
	for _, bad := range []*referralv1.GetDoorNamesRequest{
		{CentreId: centre.String()},
		{CentreId: centre.String(), FamilyIds: []string{"not-a-family"}},
		{CentreId: centre.String(), FamilyIds: []string{family}, Day: &commonv1.Date{Year: 2026, Month: 2, Day: 30}},
	} {
		_, err := door.GetDoorNames(t.Context(), bad)
		require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	}
	require.Equal(t, before+3, g.count(t, opened))

	// A family whose contact a hold suspends is still named: the door must know whom to turn away.
	g.suspend(t, w, ready)
	names, err = door.GetDoorNames(t.Context(), &referralv1.GetDoorNamesRequest{CentreId: centre.String(), FamilyIds: []string{family}})
	require.NoError(t, err)
	require.Len(t, names.GetNames(), 3)
	require.Empty(t, names.GetNotGiven())

	// Ended today, its session under way is still completed and its people leave through the door:
	// named for today's sheet (and an earlier day's), not for a later day's (review 38).
	_, err = w.c.EndCase(t.Context(), &referralv1.EndCaseRequest{RequestId: uuid.NewString(), ReferralId: ready, CentreId: centre.String(),
		Outcome: referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, Note: "The court is to decide contact again"})
	require.NoError(t, err)
	names, err = door.GetDoorNames(t.Context(), &referralv1.GetDoorNamesRequest{CentreId: centre.String(), FamilyIds: []string{family}})
	require.NoError(t, err)
	require.Len(t, names.GetNames(), 3, "ended today: named for today's sheet")
	tomorrow := today().AddDate(0, 0, 1)
	names, err = door.GetDoorNames(t.Context(), &referralv1.GetDoorNamesRequest{CentreId: centre.String(), FamilyIds: []string{family},
		Day: date(tomorrow)})
	require.NoError(t, err)
	require.Empty(t, names.GetNames())
	require.Equal(t, []string{family}, names.GetNotGiven(), "ended: not named for a later day")
}
