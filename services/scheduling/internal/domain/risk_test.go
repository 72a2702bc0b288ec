package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/weighing"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A risk assessment that finds domestic abuse rules out supported contact: the supported
// bookings not under way are cancelled by the system, and booking, rescheduling and offering
// supported contact are refused until a later assessment without the finding (decisions.md 80).
func TestADomesticAbuseFindingRulesOutSupportedContact(t *testing.T) {
	g := newRig(t)
	past := g.book(t, day(2026, 1, 10), g.shared, jan)
	underWay := g.book(t, day(2026, 1, 24), g.shared, jan)
	future := g.book(t, day(2026, 1, 31), g.shared, jan)
	now := at(2026, 1, 24, 10, 5) // the visiting parent is due at 10:00

	require.Empty(t, g.family.NoteRiskAssessed(uuid.New(), true, weighing.Moment{On: day(2026, 1, 24)}, now), "another centre's assessment changes nothing")
	// No finding, nothing ruled out: only its date is noted, which weighs a disclosure flagged on or
	// before it, whichever is heard of first; the same again changes nothing.
	dated(t, g.family.NoteRiskAssessed(centre, false, weighing.Moment{On: day(2026, 1, 23)}, now), false)
	require.Empty(t, g.family.NoteRiskAssessed(centre, false, weighing.Moment{On: day(2026, 1, 23)}, now), "the same assessment again changes nothing")

	events := g.family.NoteRiskAssessed(centre, true, weighing.Moment{On: day(2026, 1, 24)}, now)
	require.Len(t, events, 2)
	ruled := events[0].(*schedulingv1.SupportedContactRuledOut)
	require.Equal(t, centre.String(), ruled.GetCentreId())
	require.Equal(t, int32(24), ruled.GetAssessedOn().GetDay())
	c := events[1].(*schedulingv1.BookingCancelled)
	require.Equal(t, future.ID.String(), c.GetBookingId())
	require.Equal(t, schedulingv1.CancellationReason_CANCELLATION_REASON_DOMESTIC_ABUSE_FINDING, c.GetReason())
	require.Equal(t, schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM, c.GetCancelledBy())
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, past.Status, "a past session is not cancelled")
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, underWay.Status, "a session under way is left to be completed")
	// ... but nobody more is admitted to it (review 92: the whole family was let into supported
	// contact an hour after the finding, nobody having come before; decision 425).
	admitted, _, refusal, _, err := g.family.CheckIn(underWay.ID, visiting, at(2026, 1, 24, 10, 6))
	require.NoError(t, err)
	require.False(t, admitted)
	require.Equal(t, "SUPPORTED_CONTACT_RULED_OUT", refusal)
	require.True(t, g.family.SupportedContactRuledOut())
	dated(t, g.family.NoteRiskAssessed(centre, true, weighing.Moment{On: day(2026, 1, 25)}, now), true)
	require.True(t, g.family.SupportedContactRuledOut(), "the same finding again changes no finding")
	require.Empty(t, g.family.NoteRiskAssessed(centre, true, weighing.Moment{On: day(2026, 1, 24)}, now), "an earlier one changes nothing")

	before := g.family.Version()
	_, _, err = g.family.Book(uuid.New(), centre, g.session(t, day(2026, 2, 7)), g.shared.ID, nil, now)
	rule(t, err, "SUPPORTED_CONTACT_RULED_OUT")
	rule(t, g.family.MayBeOffered(commonv1.ServiceType_SERVICE_TYPE_SUPPORTED), "SUPPORTED_CONTACT_RULED_OUT")
	rule(t, g.family.MayBeOffered(commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED), "SUPPORTED_CONTACT_RULED_OUT")
	require.False(t, g.family.RuledOut(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED), "the finding leaves supervised contact")
	// ... which this family, accepted for supported contact, cannot be booked for (decision 422).
	rule(t, g.family.MayBeOffered(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED), "NOT_THE_KIND_ACCEPTED")
	require.Equal(t, before, g.family.Version(), "a refusal records nothing")

	// Replayed, the events say the same.
	fresh, err := domain.RebuildFamily(g.family.ID(), nil)
	require.NoError(t, err)
	replayed, err := domain.RebuildFamily(g.family.ID(), []proto.Message{fresh.NoteReady(g.readiness), ruled})
	require.NoError(t, err)
	require.True(t, replayed.SupportedContactRuledOut())

	allowed := g.family.NoteRiskAssessed(centre, false, weighing.Moment{On: day(2026, 2, 2)}, now)
	require.Len(t, allowed, 1)
	require.IsType(t, &schedulingv1.SupportedContactAllowed{}, allowed[0])
	require.False(t, g.family.SupportedContactRuledOut())
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, future.Status, "a cancelled booking stays cancelled")
	g.book(t, day(2026, 2, 7), g.shared, now)
	require.Empty(t, g.family.NoteRiskAssessed(centre, false, weighing.Moment{On: day(2026, 2, 2)}, now), "the same assessment again changes nothing")
	replayed, err = domain.RebuildFamily(g.family.ID(), []proto.Message{fresh.NoteReady(g.readiness), ruled, allowed[0]})
	require.NoError(t, err)
	require.False(t, replayed.SupportedContactRuledOut())
}

// dated checks that an assessment changing no finding is noted by its date alone.
func dated(t *testing.T, events []proto.Message, finding bool) {
	t.Helper()
	require.Len(t, events, 1)
	noted, ok := events[0].(*schedulingv1.RiskAssessmentNoted)
	require.True(t, ok, "%T", events[0])
	require.Equal(t, finding, noted.GetDomesticAbuseFinding())
}

// Supervised contact is what a family with a domestic-abuse finding may have: the finding is
// noted, and its supervised bookings and new ones are not touched.
func TestADomesticAbuseFindingLeavesSupervisedContact(t *testing.T) {
	g := newRig(t, func(r *domain.Readiness) { r.ServiceType = commonv1.ServiceType_SERVICE_TYPE_SUPERVISED })
	b := g.book(t, day(2026, 1, 24), g.supervised, jan)
	events := g.family.NoteRiskAssessed(centre, true, weighing.Moment{On: day(2026, 1, 12)}, jan)
	require.Len(t, events, 1)
	require.IsType(t, &schedulingv1.SupportedContactRuledOut{}, events[0])
	require.Equal(t, schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, b.Status)
	g.book(t, day(2026, 1, 31), g.supervised, jan)
	require.NoError(t, g.family.MayBeOffered(commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED))
}

// A domestic-abuse finding leaves supervised contact only (decision 168): a family made ready for
// handover before the finding, or before referral refused such kinds, has its handover bookings
// cancelled and new ones refused, as supported ones are (review 22 left scheduling booking them).
func TestADomesticAbuseFindingRulesOutHandoverToo(t *testing.T) {
	g := newRig(t, func(r *domain.Readiness) { r.ServiceType = commonv1.ServiceType_SERVICE_TYPE_HANDOVER })
	future := g.book(t, day(2026, 1, 31), g.shared, jan)
	events := g.family.NoteRiskAssessed(centre, true, weighing.Moment{On: day(2026, 1, 12)}, jan)
	require.Len(t, events, 2)
	require.Equal(t, future.ID.String(), events[1].(*schedulingv1.BookingCancelled).GetBookingId())
	_, _, err := g.family.Book(uuid.New(), centre, g.session(t, day(2026, 2, 7)), g.shared.ID, nil, jan)
	rule(t, err, "SUPPORTED_CONTACT_RULED_OUT")
	require.Contains(t, err.Error(), "leaves supervised contact only")
	rule(t, g.family.MayBeOffered(commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED), "SUPPORTED_CONTACT_RULED_OUT")
	rule(t, g.family.MayBeOffered(commonv1.ServiceType_SERVICE_TYPE_VIRTUAL), "SUPPORTED_CONTACT_RULED_OUT")
	require.False(t, g.family.RuledOut(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED), "the finding leaves supervised contact")
}

// A disclosure carried to the family's referral (DisclosureNoted) stops supported contact until an
// assessment dated on or after it, heard of before or after it: booking, rescheduling and offering
// are refused DISCLOSURE_NOT_WEIGHED, recording nothing; supervised contact is not stopped.
func TestADisclosureWaitsForAnAssessmentOnOrAfterIt(t *testing.T) {
	g := newRig(t)
	booked := g.book(t, day(2026, 1, 24), g.shared, jan)
	require.Nil(t, g.family.NoteDisclosure(uuid.New(), uuid.New(), weighing.Moment{On: day(2026, 1, 12)}), "another centre's")
	require.NotNil(t, g.family.NoteDisclosure(centre, uuid.New(), weighing.Moment{On: day(2026, 1, 12)}))
	require.Nil(t, g.family.NoteDisclosure(centre, uuid.New(), weighing.Moment{On: day(2026, 1, 12)}), "again")
	require.True(t, g.family.DisclosureUnweighed())

	before := g.family.Version()
	_, _, err := g.family.Book(uuid.New(), centre, g.session(t, day(2026, 2, 7)), g.shared.ID, nil, jan)
	rule(t, err, "DISCLOSURE_NOT_WEIGHED")
	_, _, err = g.family.Reschedule(booked.ID, uuid.New(), centre, g.session(t, day(2026, 2, 7)), g.shared.ID, nil,
		schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, jan)
	rule(t, err, "DISCLOSURE_NOT_WEIGHED")
	rule(t, g.family.MayBeOffered(commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED), "DISCLOSURE_NOT_WEIGHED")
	require.False(t, g.family.DisclosureRulesOut(commonv1.ServiceType_SERVICE_TYPE_SUPERVISED), "supervised contact is not stopped")
	require.Equal(t, before, g.family.Version(), "a refusal records nothing")
	require.True(t, g.family.DisclosureStops(booked))

	require.Len(t, g.family.NoteRiskAssessed(centre, false, weighing.Moment{On: day(2026, 1, 11)}, jan), 1)
	require.True(t, g.family.DisclosureUnweighed(), "an assessment before the flag's day does not weigh it")
	require.Len(t, g.family.NoteRiskAssessed(centre, false, weighing.Moment{On: day(2026, 1, 12)}, jan), 1)
	require.False(t, g.family.DisclosureUnweighed(), "one on its day does")
	require.Nil(t, g.family.NoteDisclosure(centre, uuid.New(), weighing.Moment{On: day(2026, 1, 12)}), "weighed already: heard of after it")
	require.NotNil(t, g.family.NoteDisclosure(centre, uuid.New(), weighing.Moment{On: day(2026, 1, 13)}), "a later one is not")
	require.True(t, g.family.DisclosureUnweighed())
}
