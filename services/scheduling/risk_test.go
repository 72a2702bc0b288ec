package scheduling

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/ports"
)

// assess publishes safeguarding's RiskAssessed for family at centre, with or without a
// domestic-abuse finding, and waits until scheduling's consumer has handled it (its inbox row),
// whether or not it changed anything.
func (g *rig) assess(t *testing.T, family, centre uuid.UUID, finding bool) {
	t.Helper()
	ev := &safeguardingv1.RiskAssessed{FamilyId: family.String(), CentreId: centre.String(), AssessedOn: date(g.clock.Now()),
		Rating: safeguardingv1.RiskRating_RISK_RATING_AMBER, NextReviewOn: date(g.clock.Now().AddDate(0, 3, 0)), AssessedBy: "account-lead"}
	if finding {
		ev.Rating, ev.DomesticAbuseFinding = safeguardingv1.RiskRating_RISK_RATING_RED, true
		ev.Factors = []safeguardingv1.RiskFactor{safeguardingv1.RiskFactor_RISK_FACTOR_DOMESTIC_ABUSE}
	}
	stream := "risk-" + family.String()
	loaded, err := g.safeguarding.store.Load(t.Context(), stream)
	require.NoError(t, err)
	e, err := eventstore.NewEvent(ev, family, centre, eventstore.Metadata{Actor: "test"})
	require.NoError(t, err)
	e.ID = uuid.New()
	_, err = g.safeguarding.store.Append(t.Context(), stream, int64(len(loaded)), e)
	require.NoError(t, err)
	g.waitFor(t, "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = $2", ports.SafeguardingConsumer, e.ID)
}

// A safeguarding lead's risk assessment that finds domestic abuse rules out supported contact
// (decisions.md 80): through the consumer, the family's future supported bookings are cancelled
// by the system (reason: domestic-abuse finding) and their places freed, and booking supported
// contact or offering the family a supported place is refused (SUPPORTED_CONTACT_RULED_OUT),
// appending nothing. Supervised contact is untouched. The same finding again changes nothing; an
// assessment of a family unknown at the centre changes nothing; a later assessment without the
// finding allows supported contact again.
func TestADomesticAbuseFindingRulesOutSupportedContact(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), true, 4, 1)
	c := g.client(t, auth.RoleCoordinator)
	supported, supervised := commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	fam := g.ready(t, 1, supported)[0]
	sv := g.ready(t, 1, supervised)[0]
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
	supervisedBooking := r.GetBooking().GetBookingId()
	events := func() int { return g.count(t, "SELECT count(*) FROM events") }

	// Another centre's assessment, and one of a family scheduling does not know, change nothing.
	before := events()
	g.assess(t, fam.id, uuid.New(), true)
	g.assess(t, uuid.New(), g.centre, true)
	require.Equal(t, before, events())

	g.assess(t, fam.id, g.centre, true)
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1
		AND event_type = 'familytime.scheduling.v1.SupportedContactRuledOut'`, fam.id))
	for _, id := range booked {
		require.Equal(t, 1, g.count(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2 AND cancellation_reason = $3", id,
			int32(schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED), int32(schedulingv1.CancellationReason_CANCELLATION_REASON_DOMESTIC_ABUSE_FINDING)))
	}
	recorded, err := eventstore.New(g.owner).Load(ctx, "family-"+fam.id.String())
	require.NoError(t, err)
	cancelled := 0
	for _, e := range recorded {
		msg, err := e.Decode()
		require.NoError(t, err)
		if bc, ok := msg.(*schedulingv1.BookingCancelled); ok {
			require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM, bc.GetCancelledBy())
			cancelled++
		}
	}
	require.Equal(t, 2, cancelled)
	require.Equal(t, 2, g.count(t, "SELECT count(*) FROM events WHERE event_type = 'familytime.scheduling.v1.PlaceFreed' AND family_id = $1", fam.id))

	// Supported contact is refused, in plain words, and nothing is appended.
	before = events()
	_, err = bookIn(fam, 2, rooms[0])
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "SUPPORTED_CONTACT_RULED_OUT", reason)
	require.Contains(t, status.Convert(err).Message(), "domestic abuse")
	require.Contains(t, status.Convert(err).Message(), "supervised contact")
	require.Equal(t, before, events(), "nothing appended")
	// Nor does the family join the waiting list by hand for a kind the finding rules out (review
	// 23 put such a family on the list for handover, and it was offered a place; decision 168).
	_, err = c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: fam.id.String(),
		ServiceType: supported, RequestId: uuid.NewString()})
	code, reason = field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "SUPPORTED_CONTACT_RULED_OUT", reason)
	require.Equal(t, before, events(), "nothing appended")

	// Supervised contact is what the finding leaves: the supervised family's booking stands
	// through its own finding, and it is booked again.
	g.assess(t, sv.id, g.centre, true)
	require.Equal(t, 1, g.count(t, "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = $2", supervisedBooking,
		int32(schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED)))
	_, err = bookIn(sv, 1, rooms[1])
	require.NoError(t, err)

	// A family waiting for supported contact is offered no place while the finding stands: named,
	// the offer is refused; the first family waiting is the next.
	waiting, _ := g.waitlist(t, g.centre, supported)
	next, _ := g.waitlist(t, g.centre, supported)
	g.assess(t, waiting, g.centre, true)
	before = events()
	_, err = c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		FamilyId: waiting.String(), RequestId: uuid.NewString()})
	code, reason = field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "SUPPORTED_CONTACT_RULED_OUT", reason)
	require.Equal(t, before, events(), "nothing appended")
	offered, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, next.String(), offered.GetFamilyId(), "the family the finding rules out is passed over")

	// The same finding again (a second assessment) changes nothing but when the latest
	// assessment was made (RiskAssessmentNoted: it weighs a disclosure carried before it,
	// decision 249): no booking cancelled, nothing ruled out again.
	noted := func() int {
		return g.count(t, "SELECT count(*) FROM events WHERE event_type <> 'familytime.scheduling.v1.RiskAssessmentNoted'")
	}
	before = noted()
	g.assess(t, fam.id, g.centre, true)
	require.Equal(t, before, noted())

	// The lead's later assessment without the finding stands: supported contact is allowed again.
	g.assess(t, fam.id, g.centre, false)
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1
		AND event_type = 'familytime.scheduling.v1.SupportedContactAllowed'`, fam.id))
	_, err = bookIn(fam, 2, rooms[0])
	require.NoError(t, err)
	before = noted()
	g.assess(t, fam.id, g.centre, false)
	require.Equal(t, before, noted(), "the same assessment again changes nothing")
}
