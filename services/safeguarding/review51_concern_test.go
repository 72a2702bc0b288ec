package safeguarding_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/clock"
	"github.com/familytime/familytime/services/platform/dates"
)

// bookingsKnown waits until safeguarding has heard of n bookings from scheduling.
func (g *rig) bookingsKnown(t *testing.T, n int) {
	t.Helper()
	owner := g.db.OwnerPool(t)
	require.Eventually(t, func() bool {
		var known int
		return owner.QueryRow(t.Context(), "SELECT count(*) FROM family_bookings").Scan(&known) == nil && known == n
	}, 30*time.Second, 20*time.Millisecond, "safeguarding hears of the bookings")
}

// Review 51 (medium): a volunteer at the door, with the day sheet in hand, could not raise a
// concern: its FAMILY column shows 8 characters, which the service refused as not a UUID, and
// the CLI wanted --family even with --booking. The day sheet prints the booking whole, and a
// booking names its family: a concern is raised from the booking alone, about the booking's
// family. A booking this service does not know, or one of a family of another centre, is not
// found, the same answer either way, and nothing is recorded. Neither family nor booking is bad
// input, naming family_id.
func TestAConcernIsRaisedFromTheBookingAlone(t *testing.T) {
	g := newRig(t)
	g.theUsualStaff(t)
	ctx := t.Context()
	vol := g.as(t, "volunteer-1", auth.RoleVolunteer)
	lead := g.as(t, "lead-1", auth.RoleSafeguardingLead)
	family := g.families(t, 1)[0]
	elsewhere, theirFamily := uuid.New(), uuid.New()
	g.other(t, "referral", theirFamily, elsewhere, &referralv1.ReferralReceived{ReferralId: uuid.NewString(), FamilyId: theirFamily.String(),
		CentreId: elsewhere.String(), ReceivedOn: review(0), Facts: &referralv1.ReferralFacts{Risk: &referralv1.RiskAnswers{}}})
	mine, theirs := uuid.New(), uuid.New()
	g.otherFamilies(t, "scheduling", []uuid.UUID{family, theirFamily}, g.centre,
		&schedulingv1.SessionBooked{BookingId: mine.String(), FamilyId: family.String(), CentreId: g.centre.String(), SessionDate: review(0)},
		&schedulingv1.SessionBooked{BookingId: theirs.String(), FamilyId: theirFamily.String(), CentreId: elsewhere.String(), SessionDate: review(0)})
	g.bookingsKnown(t, 2)
	require.Eventually(t, func() bool {
		var known int
		return g.db.OwnerPool(t).QueryRow(ctx, "SELECT count(*) FROM families").Scan(&known) == nil && known == 2
	}, 30*time.Second, 20*time.Millisecond, "safeguarding hears of the other centre's family")
	require.Eventually(t, func() bool { return g.eventsOfType(t, "familytime.safeguarding.v1.RiskScreenedProvisionally") == 2 },
		30*time.Second, 20*time.Millisecond, "and screens it")

	raise := func(familyID, booking string) (*safeguardingv1.RaiseConcernResponse, error) {
		return vol.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: familyID, BookingId: booking, Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_HANDOVER_CONDUCT,
			Description: "Father shouted at the child in the corridor"})
	}
	before := g.events(t)
	_, unknown := raise("", uuid.NewString())
	_, another := raise("", theirs.String())
	for name, err := range map[string]error{"an unknown booking": unknown, "a booking of another centre's family": another} {
		require.Equal(t, codes.NotFound, code(t, err), "%s: %v", name, err)
		require.Contains(t, status.Convert(err).Message(), "booking", name)
	}
	require.Equal(t, status.Convert(unknown).Message(), status.Convert(another).Message(),
		"another centre's booking is answered as an unknown one (decision 55)")
	_, neither := raise("", "")
	require.Equal(t, "family_id", badField(t, neither), "neither the family nor the booking")
	require.Contains(t, status.Convert(neither).Message(), "booking_id", "the refusal says the booking alone will do")
	_, short := raise(family.String()[:8], mine.String())
	require.Equal(t, "family_id", badField(t, short), "a short family id is not taken for a family")
	require.Equal(t, before, g.events(t), "refused concerns record nothing")

	raised, err := raise("", mine.String())
	require.NoError(t, err, "the booking alone names the family")
	require.Equal(t, family.String(), raised.GetFamilyId(), "the answer says which family the concern is about")
	k, err := lead.GetConcern(ctx, &safeguardingv1.GetConcernRequest{CentreId: g.centre.String(), ConcernId: raised.GetConcernId(),
		Purpose: "read the new concern"})
	require.NoError(t, err)
	require.Equal(t, family.String(), k.GetConcern().GetSummary().GetFamilyId(), "recorded about the booking's family")
	require.Equal(t, mine.String(), k.GetConcern().GetBookingId(), "and its booking")

	with, err := raise(family.String(), mine.String())
	require.NoError(t, err, "the family and its booking, as before")
	require.Equal(t, family.String(), with.GetFamilyId())
}

// Review 51 (low): the same concern raised twice a second apart recorded two concerns, each
// alerting the lead, and nobody said so. Two people may report one incident, and a raiser may
// have a second thing to report, so nothing is refused: the raiser is told of their own concern
// about the same booking, or about the same family that day, with its time (UK) and id, never its
// text, and asked to tell the lead rather than raise it again. Another raiser is told nothing of
// it; nor is the raiser on another day.
func TestARaiserIsToldOfTheirOwnConcernJustRaisedAboutTheSameBooking(t *testing.T) {
	clk := clock.NewSimulated(time.Now().UTC().Truncate(time.Minute))
	g := newRig(t, clk)
	ctx := t.Context()
	vol, other := g.as(t, "volunteer-1", auth.RoleVolunteer), g.as(t, "volunteer-2", auth.RoleVolunteer)
	fams := g.families(t, 2)
	family, second := fams[0], fams[1]
	booking := uuid.New()
	g.other(t, "scheduling", family, g.centre,
		&schedulingv1.SessionBooked{BookingId: booking.String(), FamilyId: family.String(), CentreId: g.centre.String(), SessionDate: review(0)})
	g.bookingsKnown(t, 1)
	const description = "Mother whispered to the child to say nothing to the supervisor"
	raise := func(by safeguardingv1.SafeguardingServiceClient, familyID uuid.UUID, booking string, people ...string) *safeguardingv1.RaiseConcernResponse {
		t.Helper()
		resp, err := by.RaiseConcern(ctx, &safeguardingv1.RaiseConcernRequest{RequestId: uuid.NewString(), CentreId: g.centre.String(),
			FamilyId: familyID.String(), BookingId: booking, Category: safeguardingv1.ConcernCategory_CONCERN_CATEGORY_EMOTIONAL_HARM,
			Description: description, PersonIds: people})
		require.NoError(t, err)
		return resp
	}
	first := raise(vol, family, booking.String(), personOf(family, 0))
	require.Empty(t, first.GetRepeatWarning(), "nothing raised before it")
	at := clk.Now().In(dates.UK()).Format("15:04")

	require.NoError(t, clk.Set(clk.Now().Add(time.Second)))
	again := raise(vol, family, booking.String(), personOf(family, 0))
	require.NotEqual(t, first.GetConcernId(), again.GetConcernId(), "recorded again: it may be a second incident")
	require.Equal(t, 2, g.eventsOfType(t, "familytime.safeguarding.v1.ConcernRaised"))
	require.Equal(t, 2, g.eventsOfType(t, "familytime.safeguarding.v1.LeadAlerted"), "each alerts the lead")
	w := again.GetRepeatWarning()
	require.True(t, strings.HasPrefix(w, "RAISED_BEFORE: a concern about this booking was raised by you at "+at+" (concern "+
		first.GetConcernId()+"): if this is the same incident, tell the lead rather than raise it again"), w)
	require.NotContains(t, w, "whispered", "the earlier concern's text is never in the warning")
	require.Equal(t, first.GetConcernId(), again.GetEarlierConcernId())

	require.Empty(t, raise(other, family, booking.String()).GetRepeatWarning(), "another person reporting the same incident is told nothing")
	require.Empty(t, raise(vol, second, "").GetRepeatWarning(), "another family")
	sameDay := raise(vol, family, "").GetRepeatWarning()
	require.True(t, strings.HasPrefix(sameDay, "RAISED_BEFORE: a concern about this family was raised by you today at "), sameDay)
	require.NotContains(t, sameDay, "whispered")

	require.NoError(t, clk.Set(clk.Now().Add(24*time.Hour)))
	require.Empty(t, raise(vol, family, booking.String()).GetRepeatWarning(), "a day later it is told nothing")
}
