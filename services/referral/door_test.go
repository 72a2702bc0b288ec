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
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
)

// Review 36: the day sheet names people by id only, and a volunteer at the door could read no
// name anywhere, so "check-in admits named persons only" could not be done. The door now reads
// the names (and roles, languages and the children's needs, nothing else: decision 325) of the day sheet's families in contact at the centre (and
// booked there that day); each
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
	// Every family asked for is booked at the centre on the days read (the door is given the names
	// of that day's families only: TestTheDoorIsGivenNamesOnlyOfFamiliesBookedThatDay); those not
	// in contact there are not given all the same.
	tomorrow := today().AddDate(0, 0, 1)
	for _, d := range []*commonv1.Date{day, {Year: 2026, Month: 12, Day: 12}, date(today()), date(tomorrow)} {
		g.booked(t, family, centre, d, "")
	}
	for _, f := range []string{waiting, elsewhere, unknown} {
		g.booked(t, f, centre, day, "")
	}
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
	// What the staff with the children must know is given with the names (decision 325): the
	// child's needs; an adult has none.
	require.Equal(t, "peanut allergy", names.GetNames()[2].GetNeeds())
	require.Empty(t, names.GetNames()[0].GetNeeds()+names.GetNames()[1].GetNeeds())
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
	names, err = door.GetDoorNames(t.Context(), &referralv1.GetDoorNamesRequest{CentreId: centre.String(), FamilyIds: []string{family},
		Day: date(tomorrow)})
	require.NoError(t, err)
	require.Empty(t, names.GetNames())
	require.Equal(t, []string{family}, names.GetNotGiven(), "ended: not named for a later day")
}

// The door's names only for the families expected at the centre that day (decision 234 left them
// to any family in contact there, any day): referral keeps the days of every booking scheduling
// made (SessionBooked), and a family with none at the centre that day is not given, like any
// other, nothing recorded. A booking cancelled or moved keeps its day: the family may still come
// to the door and must be recognised and turned away.
func TestTheDoorIsGivenNamesOnlyOfFamiliesBookedThatDay(t *testing.T) {
	g := newRig(t)
	centre, other := g.centre(t, supported), g.centre(t, supported)
	w := g.casework(t, centre)
	got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: w.ready(supported), CentreId: centre.String()})
	require.NoError(t, err)
	family := got.GetReferral().GetFamilyId()
	g.onStaff(t, centre, "vol-door", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER)
	door := g.client(t, "vol-door", []auth.Role{auth.RoleVolunteer}, centre)
	opened := "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened'"
	before := g.count(t, opened)
	named := func(day *commonv1.Date) bool {
		t.Helper()
		names, err := door.GetDoorNames(t.Context(), &referralv1.GetDoorNamesRequest{CentreId: centre.String(), FamilyIds: []string{family}, Day: day})
		require.NoError(t, err)
		if len(names.GetNames()) == 0 {
			require.Equal(t, []string{family}, names.GetNotGiven())
			return false
		}
		require.Len(t, names.GetNames(), 3)
		require.Empty(t, names.GetNotGiven())
		return true
	}

	// In contact at the centre, booked on no day: not given, nothing recorded.
	d1, d2, d3, d4 := &commonv1.Date{Year: 2026, Month: 12, Day: 5}, &commonv1.Date{Year: 2026, Month: 12, Day: 12},
		&commonv1.Date{Year: 2026, Month: 12, Day: 19}, &commonv1.Date{Year: 2026, Month: 12, Day: 26}
	require.False(t, named(d1), "in contact, not booked that day: not given")
	require.Equal(t, before, g.count(t, opened), "nothing recorded for a family not given")

	// Booked on d1: given on d1 (recorded), not on another day.
	g.booked(t, family, centre, d1, "")
	require.True(t, named(d1), "booked that day: given")
	require.Equal(t, before+1, g.count(t, opened))
	require.False(t, named(d2), "booked another day: not given")
	require.Equal(t, before+1, g.count(t, opened))

	// Booked on d2, then the booking moved to d3 (cancelled as rescheduled): given on both days.
	moved := g.booked(t, family, centre, d2, "")
	g.scheduled(t, "family-"+family, &schedulingv1.BookingCancelled{BookingId: moved, FamilyId: family, CentreId: centre.String(),
		SessionDate: d2, Reason: schedulingv1.CancellationReason_CANCELLATION_REASON_RESCHEDULED,
		CancelledBy: schedulingv1.CancelledBy_CANCELLED_BY_CENTRE}, uuid.MustParse(family), centre)
	g.booked(t, family, centre, d3, moved)
	require.True(t, named(d2), "booked that day, then cancelled: still given (the family may come to the door)")
	require.True(t, named(d3), "the day it was moved to: given")

	// A booking of the family at another centre on d4 gives no names at this one.
	g.booked(t, family, other, d4, "")
	require.False(t, named(d4), "booked at another centre that day: not given here")
	require.Equal(t, before+3, g.count(t, opened), "one read recorded a day the family was given")
}

// Review 60, finding 2: the staff gate clears a reader on the centre's register today, and the
// door's names, languages and children's needs were then given for any day's sheet: a volunteer on
// their last day, or whose training lapses next week, read every family's needs for the months
// ahead. A day after today's is given only to a reader the register clears on that day too
// (decision 335); otherwise refused NOT_CLEARED, naming the day and why, nothing recorded. An
// earlier day's sheet stays theirs to check, as today's is.
func TestTheDoorIsGivenALaterDaysNamesOnlyByStaffClearedThatDay(t *testing.T) {
	g := newRig(t)
	centre := g.centre(t, supported)
	w := g.casework(t, centre)
	got, err := w.c.GetReferral(t.Context(), &referralv1.GetReferralRequest{ReferralId: w.ready(supported), CentreId: centre.String()})
	require.NoError(t, err)
	family := got.GetReferral().GetFamilyId()
	now := today()
	yesterday, tomorrow, nextWeek := now.AddDate(0, 0, -1), now.AddDate(0, 0, 1), now.AddDate(0, 0, 7)
	for _, d := range []time.Time{yesterday, now, tomorrow, nextWeek} {
		g.booked(t, family, centre, date(d), "")
	}

	// One whose last day is today; one whose training, done a year ago less three days, lapses
	// before next week; one cleared all year.
	g.onStaff(t, centre, "vol-leaving", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER)
	g.staffEvent(t, centre, &schedulingv1.StaffMemberLeft{CentreId: centre.String(), AccountId: "vol-leaving", LeftOn: date(now)})
	trained := now.AddDate(-1, 0, 3)
	g.staffEvent(t, centre, &schedulingv1.StaffMemberAdded{CentreId: centre.String(), AccountId: "vol-lapsing",
		Role: schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER, JoinedOn: date(trained), DbsCheckedOn: date(trained), TrainedOn: date(trained)})
	g.onStaff(t, centre, "vol-door", schedulingv1.StaffRole_STAFF_ROLE_VOLUNTEER)
	leaving := g.client(t, "vol-leaving", []auth.Role{auth.RoleVolunteer}, centre)
	lapsing := g.client(t, "vol-lapsing", []auth.Role{auth.RoleVolunteer}, centre)
	door := g.client(t, "vol-door", []auth.Role{auth.RoleVolunteer}, centre)
	read := func(c referralv1.ReferralServiceClient, day time.Time) (*referralv1.GetDoorNamesResponse, error) {
		return c.GetDoorNames(t.Context(), &referralv1.GetDoorNamesRequest{CentreId: centre.String(), FamilyIds: []string{family}, Day: date(day)})
	}
	opened := "SELECT count(*) FROM events WHERE event_type = 'familytime.referral.v1.FamilyDetailsOpened' AND actor = $1"

	// Today's sheet, and an earlier day's (the record of who came): given to both.
	for _, c := range []referralv1.ReferralServiceClient{leaving, lapsing} {
		for _, d := range []time.Time{now, yesterday} {
			names, err := read(c, d)
			require.NoError(t, err)
			require.Len(t, names.GetNames(), 3)
		}
	}
	// A later day on which the register still clears them: given.
	names, err := read(lapsing, tomorrow)
	require.NoError(t, err)
	require.Len(t, names.GetNames(), 3, "training still counts tomorrow")
	require.Equal(t, 2, g.count(t, opened, "vol-leaving"))
	require.Equal(t, 3, g.count(t, opened, "vol-lapsing"))

	// A later day on which they will not be cleared: refused, saying the day and why; nothing
	// recorded.
	sheet, last := nextWeek.Format(time.DateOnly), now.Format(time.DateOnly)
	_, err = read(leaving, nextWeek)
	refused(t, err, codes.FailedPrecondition, "NOT_CLEARED")
	require.ErrorContains(t, err, "the day sheet of "+sheet)
	require.ErrorContains(t, err, "your last day on the centre's staff is "+last+", before the day sheet's day")
	_, err = read(lapsing, nextWeek)
	refused(t, err, codes.FailedPrecondition, "NOT_CLEARED")
	require.ErrorContains(t, err, "the day sheet of "+sheet)
	require.ErrorContains(t, err, "your safeguarding training, done on "+trained.Format(time.DateOnly)+", lapses on "+
		trained.AddDate(1, 0, 0).Format(time.DateOnly)+", before the day sheet's day")
	require.Equal(t, 2, g.count(t, opened, "vol-leaving"), "a refused read records nothing")
	require.Equal(t, 3, g.count(t, opened, "vol-lapsing"), "a refused read records nothing")

	// Someone the register clears that day reads it.
	names, err = read(door, nextWeek)
	require.NoError(t, err)
	require.Len(t, names.GetNames(), 3)
}

// booked records scheduling's booking of the family at the centre on day (replacing the booking
// from, when given), as scheduling publishes it, and waits until referral has handled it; it
// returns the booking's id.
func (g *rig) booked(t *testing.T, family string, centre uuid.UUID, day *commonv1.Date, from string) string {
	t.Helper()
	booking := uuid.NewString()
	g.scheduled(t, "family-"+family, &schedulingv1.SessionBooked{BookingId: booking, FamilyId: family, CentreId: centre.String(),
		RoomId: uuid.NewString(), PatternId: uuid.NewString(), SessionDate: day, ServiceType: supported, TimeZone: "Europe/London",
		RescheduledFrom: from}, uuid.MustParse(family), centre)
	return booking
}

// scheduled records a scheduling event in the stream, as scheduling would, and waits until one
// of referral's consumers has handled it (its inbox has the event).
func (g *rig) scheduled(t *testing.T, stream string, msg proto.Message, family, centre uuid.UUID) {
	t.Helper()
	loaded, err := g.scheduling.Load(t.Context(), stream)
	require.NoError(t, err)
	e, err := eventstore.NewEvent(msg, family, centre, eventstore.Metadata{Actor: "test"})
	require.NoError(t, err)
	e.ID = uuid.New()
	_, err = g.scheduling.Append(t.Context(), stream, int64(len(loaded)), e)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return g.count(t, "SELECT count(*) FROM inbox WHERE event_id = $1", e.ID) > 0
	}, 30*time.Second, 10*time.Millisecond, "referral handles scheduling's %s", e.Type)
}
