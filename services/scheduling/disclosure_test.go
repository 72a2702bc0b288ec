package scheduling

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/relay"
	"github.com/familytime/familytime/services/platform/testkit"
	"github.com/familytime/familytime/services/scheduling/internal/ports"
)

// flag publishes referral's PossibleDuplicateFlagged on f's referral, flagged on, carrying a
// disclosure of domestic abuse (disclosed) or not, and waits until scheduling has handled it.
func (g *rig) flag(t *testing.T, f family, centre uuid.UUID, on time.Time, disclosed bool) {
	t.Helper()
	g.publishReferral(t, f, centre, &referralv1.PossibleDuplicateFlagged{ReferralId: f.referral.String(), FamilyId: f.id.String(),
		CentreId: centre.String(), ChildPersonId: f.child.String(), OtherReferralId: uuid.NewString(), FlaggedOn: date(on),
		DomesticAbuseDisclosed: disclosed, Match: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE})
}

// flagHeldBack records referral's flag as flag does, but on a log of referral's whose relay starts
// only when deliver is called: a flag recorded before what the test does next and heard of after it
// (the referral stream lagging behind safeguarding's). deliver waits until scheduling handled it.
func (g *rig) flagHeldBack(t *testing.T, f family, centre uuid.UUID, on time.Time, disclosed bool) (deliver func()) {
	t.Helper()
	src := testkit.Postgres(t)
	src.Migrate(t, eventstore.Migrations())
	pool := src.Pool(t)
	store := eventstore.New(pool).SignWith(testkit.BusKey.ForLog("referral"))
	e, err := eventstore.NewEvent(&referralv1.PossibleDuplicateFlagged{ReferralId: f.referral.String(), FamilyId: f.id.String(),
		CentreId: centre.String(), ChildPersonId: f.child.String(), OtherReferralId: uuid.NewString(), FlaggedOn: date(on),
		DomesticAbuseDisclosed: disclosed, Match: referralv1.ChildMatch_CHILD_MATCH_SAME_NAME_AND_BIRTH_DATE},
		f.id, centre, eventstore.Metadata{Actor: "coordinator"})
	require.NoError(t, err)
	e.ID = uuid.New()
	_, err = store.Append(t.Context(), "referral-"+uuid.NewString(), eventstore.NoStream, e)
	require.NoError(t, err)
	return func() {
		t.Helper()
		r, err := relay.New(pool, g.nc, relay.Config{Key: testkit.BusKey, Service: "referral", PollInterval: 5 * time.Millisecond})
		require.NoError(t, err)
		runCtx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); r.Run(runCtx) }()
		t.Cleanup(func() { cancel(); <-done })
		g.waitFor(t, "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = $2", ports.ReferralConsumer, e.ID)
	}
}

// refusedUnweighed checks that err is DISCLOSURE_NOT_WEIGHED, saying what to do.
func refusedUnweighed(t *testing.T, err error) {
	t.Helper()
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "DISCLOSURE_NOT_WEIGHED", reason)
	require.Contains(t, status.Convert(err).Message(), "Ask the centre's safeguarding lead for a risk assessment")
	require.Contains(t, status.Convert(err).Message(), "familytime safeguarding risk --family")
}

// A family ready for supported contact, with sessions booked, has a disclosure of domestic abuse
// carried to its referral (a child's name amended to match a referral elsewhere that disclosed it:
// referral's PossibleDuplicateFlagged with domestic_abuse_disclosed, decisions 194 and 217). Through
// the consumer, on real PostgreSQL and JetStream: its supported contact stops until the safeguarding
// lead's risk assessment. New supported bookings are refused DISCLOSURE_NOT_WEIGHED, appending
// nothing; its bookings stand, and on the day the door refuses its people (the refusal recorded)
// and their arrival, and the day sheet alerts the booking. A supervised family with the same flag
// goes on. A flag without a disclosure, another centre's, or one redelivered changes nothing. The
// lead's assessment without a finding lets the session go ahead; the old flag redelivered after it
// stops nothing.
func TestADisclosureCarriedToAReadyFamilyStopsSupportedContactUntilTheLeadAssesses(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), true, 4, 1)
	c, door := g.client(t, auth.RoleCoordinator), g.door(t)
	fam := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	sv := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)[0]
	bookIn := func(f family, week int, room string) (*schedulingv1.BookSessionResponse, error) {
		return book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: room})
	}
	var booked []string
	for week := range 2 {
		r, err := bookIn(fam, week, rooms[0])
		require.NoError(t, err)
		booked = append(booked, r.GetBooking().GetBookingId())
	}
	r, err := bookIn(sv, 0, rooms[1])
	require.NoError(t, err)
	supervised := r.GetBooking().GetBookingId()
	events := func() int { return g.count(t, "SELECT count(*) FROM events") }

	// A possible duplicate with no disclosure is for a person to check; another centre's flag, and
	// one of a family scheduling does not know, are not this centre's.
	before := events()
	g.flag(t, fam, g.centre, monday, false)
	g.flag(t, fam, uuid.New(), monday, true)
	g.flag(t, family{id: uuid.New(), referral: uuid.New(), child: uuid.New()}, g.centre, monday, true)
	require.Equal(t, before, events(), "nothing recorded")

	heardLate := g.flagHeldBack(t, fam, g.centre, monday, true)
	g.flag(t, fam, g.centre, monday, true)
	g.flag(t, sv, g.centre, monday, true)

	// Supported contact is refused, saying what to do, and nothing is appended.
	before = events()
	_, err = bookIn(fam, 2, rooms[0])
	refusedUnweighed(t, err)
	require.Equal(t, before, events(), "nothing appended")
	noted := `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.DisclosureNoted'`
	require.Equal(t, 1, g.count(t, noted, fam.id))
	heardLate()
	require.Equal(t, before, events(), "a flag recorded before the one noted, heard of after it, changes nothing")
	oldFlag := g.flagHeldBack(t, fam, g.centre, monday, true) // recorded before the lead's assessment
	// The bookings stand: the lead may weigh it within the week.
	for _, id := range booked {
		require.Equal(t, 1, g.count(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", uuid.MustParse(id),
			int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED)))
	}
	// Supervised contact goes on.
	_, err = bookIn(sv, 1, rooms[1])
	require.NoError(t, err)

	// The day sheet alerts the door.
	require.Contains(t, g.alertsOf(t, saturday(0), booked[0]), schedulingv1.Alert_ALERT_DISCLOSURE_NOT_WEIGHED)
	require.NotContains(t, g.alertsOf(t, saturday(0), supervised), schedulingv1.Alert_ALERT_DISCLOSURE_NOT_WEIGHED)

	// On the day the door admits nobody of the family, and records the refusal; nor is an arrival
	// recorded. The supervised family is admitted.
	g.clock.Set(london(2026, 1, 10, 9, 58))
	in, err := door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booked[0],
		PersonId: fam.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.False(t, in.GetAdmitted())
	require.Equal(t, "DISCLOSURE_NOT_WEIGHED", in.GetRefusal())
	require.Equal(t, 1, g.count(t, "SELECT refused_check_ins FROM bookings WHERE booking_id = $1", uuid.MustParse(booked[0])))
	before = events()
	_, err = door.RecordArrival(ctx, &schedulingv1.RecordArrivalRequest{CentreId: g.centre.String(), BookingId: booked[0],
		Party: schedulingv1.Party_PARTY_VISITING, PersonIds: []string{fam.visiting.String()}, RequestId: uuid.NewString()})
	refusedUnweighed(t, err)
	require.Equal(t, before, events(), "nothing appended")
	in, err = door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: supervised,
		PersonId: sv.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted(), "supervised contact is not stopped")

	// The lead's assessment, finding no abuse, weighs it: the session goes ahead.
	g.clock.Set(london(2026, 1, 10, 10, 0))
	g.assess(t, fam.id, g.centre, false)
	in, err = door.CheckIn(ctx, &schedulingv1.CheckInRequest{CentreId: g.centre.String(), BookingId: booked[0],
		PersonId: fam.visiting.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.True(t, in.GetAdmitted())
	require.NotContains(t, g.alertsOf(t, saturday(0), booked[0]), schedulingv1.Alert_ALERT_DISCLOSURE_NOT_WEIGHED)
	_, err = bookIn(fam, 2, rooms[0])
	require.NoError(t, err)

	// A flag recorded before the assessment, heard of after it, stops nothing.
	before = events()
	oldFlag()
	require.Equal(t, before, events())
	_, err = bookIn(fam, 3, rooms[0])
	require.NoError(t, err)
}

// The order in which scheduling hears of the flag and the lead's assessment does not matter: an
// assessment heard of first weighs a disclosure flagged on or before its day, not one flagged
// after it. An assessment that finds domestic abuse weighs it too, and the finding's own rule then
// applies (SUPPORTED_CONTACT_RULED_OUT, the supported bookings cancelled).
func TestTheLeadsAssessmentWeighsADisclosureFlaggedOnOrBeforeIt(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	c := g.client(t, auth.RoleCoordinator)
	fam := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	bookIn := func(week int) (*schedulingv1.BookSessionResponse, error) {
		return book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: fam.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
	}
	events := func() int { return g.count(t, "SELECT count(*) FROM events") }

	// Tuesday: the lead assesses (the referral's flags of Monday and of Tuesday, recorded before,
	// not yet consumed); then the flags are heard of.
	tuesday := london(2026, 1, 6, 9, 0)
	g.clock.Set(tuesday)
	ofMonday, ofTuesday := g.flagHeldBack(t, fam, g.centre, monday, true), g.flagHeldBack(t, fam, g.centre, tuesday, true)
	g.assess(t, fam.id, g.centre, false)
	before := events()
	ofMonday()
	ofTuesday()
	require.Equal(t, before, events(), "weighed by the assessment heard of first, recorded after them")
	r, err := bookIn(0)
	require.NoError(t, err)
	first := r.GetBooking().GetBookingId()

	// A disclosure flagged after the assessment is one it did not weigh.
	wednesday := london(2026, 1, 7, 9, 0)
	g.clock.Set(wednesday)
	g.flag(t, fam, g.centre, wednesday, true)
	_, err = bookIn(1)
	refusedUnweighed(t, err)

	// The lead's assessment finding domestic abuse weighs it, and the finding's rule applies.
	g.assess(t, fam.id, g.centre, true)
	_, err = bookIn(1)
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "SUPPORTED_CONTACT_RULED_OUT", reason)
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2 AND cancellation_reason = $3",
		uuid.MustParse(first), int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED),
		int32(schedulingv1.CancellationReason_CANCELLATION_REASON_DOMESTIC_ABUSE_FINDING)))
	require.NotContains(t, g.alertsOf(t, saturday(0), first), schedulingv1.Alert_ALERT_DISCLOSURE_NOT_WEIGHED)
}

// Decision 249: the lead assesses the family at 09:00 (no finding), and at 14:00 the same day a
// disclosure on another centre's referral of the child is carried to its case. Dated the same day,
// the date rule counted it weighed, and supported contact went on being booked while referral held
// the disclosure for the lead. Weighed by instants, the assessment recorded before the disclosure
// does not weigh it: booking is refused DISCLOSURE_NOT_WEIGHED and the day sheet alerts the
// booking, until the lead's next assessment, the same afternoon, weighs it.
func TestADisclosureCarriedAfterTheLeadsAssessmentTheSameDayWaitsForTheLead(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 4)
	c := g.client(t, auth.RoleCoordinator)
	fam := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	bookIn := func(week int) (*schedulingv1.BookSessionResponse, error) {
		return book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: fam.id.String(),
			PatternId: pattern, Date: date(saturday(week)), RoomId: rooms[0]})
	}
	r, err := bookIn(0)
	require.NoError(t, err)
	first := r.GetBooking().GetBookingId()

	g.clock.Set(london(2026, 1, 6, 9, 0))
	g.assess(t, fam.id, g.centre, false)
	g.clock.Set(london(2026, 1, 6, 14, 0))
	g.flag(t, fam, g.centre, g.clock.Now(), true)

	before := g.count(t, "SELECT count(*) FROM events")
	_, err = bookIn(1)
	refusedUnweighed(t, err)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
	require.Contains(t, g.alertsOf(t, saturday(0), first), schedulingv1.Alert_ALERT_DISCLOSURE_NOT_WEIGHED)

	// The lead's assessment at 15:00, recorded after the disclosure the same day, weighs it.
	g.clock.Set(london(2026, 1, 6, 15, 0))
	g.assess(t, fam.id, g.centre, false)
	require.NotContains(t, g.alertsOf(t, saturday(0), first), schedulingv1.Alert_ALERT_DISCLOSURE_NOT_WEIGHED)
	_, err = bookIn(1)
	require.NoError(t, err)
}
