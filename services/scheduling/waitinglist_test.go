package scheduling

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/platform/bus"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
	"github.com/familytime/familytime/services/scheduling/internal/ports"
)

// waitlist publishes referral's ReferralWaitlisted for a new family at centre and waits until
// scheduling has put it on the centre's waiting list; it returns the family and its referral.
func (g *rig) waitlist(t *testing.T, centre uuid.UUID, st commonv1.ServiceType) (uuid.UUID, uuid.UUID) {
	t.Helper()
	family, referral := uuid.New(), uuid.New()
	g.referral.publish(t, "referral-"+referral.String(), family, centre, &referralv1.ReferralWaitlisted{
		ReferralId: referral.String(), FamilyId: family.String(), CentreId: centre.String(),
		WaitlistedOn: date(g.clock.Now()), ServiceType: st})
	g.waitFor(t, `SELECT count(*) FROM events WHERE stream_id = $1 AND family_id = $2
		AND event_type = 'familytime.scheduling.v1.WaitingListJoined'`, "waitinglist-"+centre.String(), family)
	return family, referral
}

// queue is the centre's waiting list as scheduling's events make it: family ids, first first,
// with the kind of contact each waits for.
func (g *rig) queue(t *testing.T, centre uuid.UUID) ([]uuid.UUID, []commonv1.ServiceType) {
	t.Helper()
	store := eventstore.New(g.owner)
	recorded, err := store.Load(t.Context(), "waitinglist-"+centre.String())
	require.NoError(t, err)
	var ids []uuid.UUID
	var kinds []commonv1.ServiceType
	for _, r := range recorded {
		msg, err := r.Decode()
		require.NoError(t, err)
		switch e := msg.(type) {
		case *schedulingv1.WaitingListJoined:
			ids, kinds = append(ids, uuid.MustParse(e.GetFamilyId())), append(kinds, e.GetServiceType())
		case *schedulingv1.PlaceOffered, *schedulingv1.WaitingListLeft:
			f := uuid.MustParse(msg.(interface{ GetFamilyId() string }).GetFamilyId())
			for i := range ids {
				if ids[i] == f {
					ids, kinds = append(ids[:i], ids[i+1:]...), append(kinds[:i], kinds[i+1:]...)
					break
				}
			}
		}
	}
	return ids, kinds
}

// Waitlisting in referral is all a coordinator does: scheduling's consumer puts the family on
// the centre's list, in referral's order, for the kind of contact the event names, joined when
// scheduling noted it.
func TestReferralWaitlistedPutsTheFamilyOnTheWaitingList(t *testing.T) {
	g := newRig(t, monday)
	first, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	second, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	ids, kinds := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{first, second}, ids)
	require.Equal(t, []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED}, kinds)
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.ReferralNoted'`, first))

	// The coordinator joining it by hand again is told it waits already, and nothing changes.
	c := g.client(t, auth.RoleCoordinator)
	before := g.count(t, "SELECT count(*) FROM events")
	_, err := c.JoinWaitingList(t.Context(), &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: first.String(),
		ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, RequestId: uuid.NewString()})
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code)
	require.Equal(t, "ALREADY_WAITING", reason)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"))

	// An old ReferralWaitlisted without service_type, at a centre offering both kinds, waits for
	// no kind in particular (the coordinator offers it a place by hand).
	old := uuid.New()
	g.referral.publish(t, "referral-"+old.String(), old, g.centre, &referralv1.ReferralWaitlisted{
		ReferralId: uuid.NewString(), FamilyId: old.String(), CentreId: g.centre.String(), WaitlistedOn: date(monday)})
	g.waitFor(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.WaitingListJoined'`, old)
	_, kinds = g.queue(t, g.centre)
	require.Equal(t, commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED, kinds[2])
}

// A ReferralWaitlisted delivered again, by JetStream (same event: the inbox drops it) or as a
// second event for the same decision, does not put the family on the list twice.
func TestRedeliveredReferralWaitlistedDoesNotAddTheFamilyTwice(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	family, referral := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)

	// The same message again on the stream, under a new message id so JetStream keeps it.
	stream, err := g.js.Stream(ctx, bus.StreamName("referral"))
	require.NoError(t, err)
	last, err := stream.GetLastMsgForSubject(ctx, bus.Subject("referral", g.centre, "familytime.referral.v1.ReferralWaitlisted"))
	require.NoError(t, err)
	header := nats.Header{}
	for k, v := range last.Header {
		header[k] = v
	}
	header.Set(jetstream.MsgIDHeader, uuid.NewString())
	header.Del(jetstream.ExpectedLastSeqHeader)
	header.Del(jetstream.ExpectedLastMsgIDHeader)
	ack, err := g.js.PublishMsg(ctx, &nats.Msg{Subject: last.Subject, Header: header, Data: last.Data})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		c, err := g.js.Consumer(ctx, bus.StreamName("referral"), ports.ReferralConsumer)
		if err != nil {
			return false
		}
		info, err := c.Info(ctx)
		return err == nil && info.AckFloor.Stream >= ack.Sequence
	}, 60*time.Second, 10*time.Millisecond)

	// A second event recording the same decision (a redelivery the inbox cannot recognise).
	g.referral.publish(t, "referral-"+referral.String(), family, g.centre, &referralv1.ReferralWaitlisted{
		ReferralId: referral.String(), FamilyId: family.String(), CentreId: g.centre.String(),
		WaitlistedOn: date(monday), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED})
	marker, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED) // handled after it, in order

	ids, _ := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{family, marker}, ids)
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.WaitingListJoined'`, family))
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.ReferralNoted'`, family))
}

// JoinWaitingList is for a family scheduling knows at the centre: a made-up id and another
// centre's family are not found alike (nothing tells them apart), a family whose case ended or
// whose referral was withdrawn or declined is refused, and none of them changes anything.
func TestJoinWaitingListRefusesFamiliesNotKnownAtTheCentre(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	other, err := g.client(t, auth.RoleAdmin).RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(),
		Details: &schedulingv1.CentreDetails{Name: "Quayside Contact Centre", Region: commonv1.Region_REGION_SOUTH_WEST,
			ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
			AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}})
	require.NoError(t, err)
	otherCentre := uuid.MustParse(other.GetCentre().GetCentreId())
	elsewhere, _ := g.waitlist(t, otherCentre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)

	ended, endedRef := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	g.referral.publish(t, "referral-"+endedRef.String(), ended, g.centre, &referralv1.CaseEnded{ReferralId: endedRef.String(),
		FamilyId: ended.String(), CentreId: g.centre.String(), EndedOn: date(monday)})
	withdrawn, withdrawnRef := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	g.referral.publish(t, "referral-"+withdrawnRef.String(), withdrawn, g.centre, &referralv1.ReferralWithdrawn{ReferralId: withdrawnRef.String(),
		FamilyId: withdrawn.String(), CentreId: g.centre.String(), WithdrawnOn: date(monday)})
	declined, declinedRef := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	g.referral.publish(t, "referral-"+declinedRef.String(), declined, g.centre, &referralv1.ReferralDeclined{ReferralId: declinedRef.String(),
		FamilyId: declined.String(), CentreId: g.centre.String(), DeclinedOn: date(monday),
		Reason: referralv1.DeclineReason_DECLINE_REASON_CANNOT_MEET_NEEDS})
	for _, f := range []uuid.UUID{ended, withdrawn, declined} {
		g.waitFor(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.WaitingListLeft'`, f)
	}
	ids, _ := g.queue(t, g.centre)
	require.Empty(t, ids, "a family whose case ended, or whose referral was withdrawn or declined, leaves the list")

	c := g.client(t, auth.RoleCoordinator)
	join := func(family uuid.UUID) error {
		_, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: family.String(),
			ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
		return err
	}
	before := g.count(t, "SELECT count(*) FROM events")
	unknownErr, elsewhereErr := join(uuid.New()), join(elsewhere)
	require.Equal(t, codes.NotFound, status.Code(unknownErr))
	require.True(t, proto.Equal(status.Convert(unknownErr).Proto(), status.Convert(elsewhereErr).Proto()),
		"another centre's family is answered exactly as an unknown one: %v / %v", unknownErr, elsewhereErr)
	for _, f := range []uuid.UUID{ended, withdrawn} {
		code, reason := field(join(f))
		require.Equal(t, codes.FailedPrecondition, code)
		require.Equal(t, "CONTACT_ENDED", reason)
	}
	code, reason := field(join(declined))
	require.Equal(t, codes.FailedPrecondition, code)
	require.Equal(t, "REFERRAL_DECLINED", reason)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	// A family scheduling knows at the centre, offered a place, may be put back on the list.
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	back, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	_, err = c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		FamilyId: back.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	resp, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: back.String(),
		ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.EqualValues(t, 1, resp.GetPosition())
	ids, _ = g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{back}, ids)
}

// A family the centre accepts while it waits leaves the list without an offer (WaitingListLeft,
// reason accepted); a family accepted after it was offered a place left the queue with the offer,
// and its acceptance is recorded the same way: the place stays held for it until the offer lapses
// (decisions.md 203, TestAFamilyAcceptedKeepsThePlaceOfferedToIt), and at the lapse it is not back.
func TestReferralAcceptedTakesAWaitingFamilyOffTheList(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	waiting, waitingRef := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	offered, offeredRef := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	stays, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	_, err := g.client(t, auth.RoleCoordinator).OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(),
		PatternId: pattern, RoomId: rooms[0], FamilyId: offered.String(), RequestId: uuid.NewString(),
		OutOfTurnReason: schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_AVAILABILITY}) // the first family cannot come on Saturdays
	require.NoError(t, err)

	for _, f := range []struct{ family, referral uuid.UUID }{{waiting, waitingRef}, {offered, offeredRef}} {
		g.referral.publish(t, "referral-"+f.referral.String(), f.family, g.centre, &referralv1.ReferralAccepted{
			ReferralId: f.referral.String(), FamilyId: f.family.String(), CentreId: g.centre.String(),
			AcceptedOn: date(monday), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED})
		g.waitFor(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.ReferralNoted'
			AND version > 1`, f.family)
	}
	ids, _ := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{stays}, ids, "the accepted families no longer wait; the third still does")
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1
		AND event_type = 'familytime.scheduling.v1.WaitingListLeft'`, waiting), "accepted while waiting: it leaves the list")
	// Offered first, it left the queue with the offer; accepted, it leaves the list (the figures
	// count it waiting no more) and the place is held for it: it does not come back when the
	// offer lapses (decisions.md 203).
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1
		AND event_type = 'familytime.scheduling.v1.WaitingListLeft'`, offered), "accepted, it waits no more")
	g.clock.Set(monday.Add(domain.OfferLapsesAfter + time.Hour))
	list, err := g.client(t, auth.RoleCoordinator).ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, list.GetFamilies(), 1)
	require.Equal(t, stays.String(), list.GetFamilies()[0].GetFamilyId(), "the accepted family's offer does not lapse back")
}

// A coordinator puts a family back on the list just as its case ends (decisions.md 75): referral's
// CaseEnded has read the list (the family not on it) and appended to the family's stream, and the
// JoinWaitingList has read the family's stream (the end not committed) and appended to the list.
// Each guards what it only read with the family's key, held here from outside until both wait for
// it (which shows they guard with the same key), so the one that commits second decides again:
// the join is refused for the ended case and the ended family is not on the list. The other order, the join first,
// is eventstore's TestGuardedUnitsOfOneKeyCannotBothCommit; here the case's end cannot be
// delivered while the join's transaction is open, as the test's services share one PostgreSQL and
// the referral relay publishes only below the oldest open transaction.
func TestJoinWaitingListRacingTheCaseEndingLeavesNoEndedFamilyOnTheList(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	c := g.client(t, auth.RoleCoordinator)
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	family, referral := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	_, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		FamilyId: family.String(), RequestId: uuid.NewString()})
	require.NoError(t, err)
	// Referral accepts it, and the offer it holds lapses: it neither waits (accepted, it is not back
	// at the lapse) nor holds an offer. An offer standing would be closed by the case's end on the
	// list itself (decisions.md 177, 203), whose version decides that race.
	g.referral.publish(t, "referral-"+referral.String(), family, g.centre, &referralv1.ReferralAccepted{
		ReferralId: referral.String(), FamilyId: family.String(), CentreId: g.centre.String(),
		AcceptedOn: date(monday), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED})
	g.waitFor(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.ReferralNoted'
		AND version > 1`, family)
	g.clock.Set(monday.Add(domain.OfferLapsesAfter))
	ids, _ := g.queue(t, g.centre)
	require.Empty(t, ids, "offered a place and accepted, the family left the list")
	list, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Empty(t, list.GetFamilies(), "accepted, its offer lapsed: neither waiting nor holding an offer")

	holder, err := g.owner.Acquire(ctx)
	require.NoError(t, err)
	defer holder.Release()
	const guardLocks = 0x4654 // eventstore's guard locks
	_, err = holder.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext($2))`, int32(guardLocks), "family-"+family.String())
	require.NoError(t, err)
	waiting := func(n int) func() bool {
		return func() bool {
			// This database's waits only: other tests' databases share the server.
			return g.count(t, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
				AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`) == n
		}
	}
	g.referral.publish(t, "referral-"+referral.String(), family, g.centre, &referralv1.CaseEnded{ReferralId: referral.String(),
		FamilyId: family.String(), CentreId: g.centre.String(), EndedOn: date(monday)})
	require.Eventually(t, waiting(1), 10*time.Second, 5*time.Millisecond, "the case's end has appended and waits for the guard")
	var joinErr error
	joined := make(chan struct{})
	go func() {
		defer close(joined)
		_, joinErr = c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: family.String(),
			ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
	}()
	require.Eventually(t, waiting(2), 10*time.Second, 5*time.Millisecond, "the join has appended and waits for the guard")
	_, err = holder.Exec(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, int32(guardLocks), "family-"+family.String())
	require.NoError(t, err)
	<-joined

	code, reason := field(joinErr)
	require.Equal(t, codes.FailedPrecondition, code, "the join decides again, on the ended case: %v", joinErr)
	require.Equal(t, "CONTACT_ENDED", reason, "and is refused for the reason (decisions.md 118)")
	g.waitFor(t, `SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = 'familytime.scheduling.v1.ContactEnded'`,
		"family-"+family.String())
	ids, _ = g.queue(t, g.centre)
	require.Empty(t, ids, "an ended family is not on the list")
}

// A family booked a session is in contact: it leaves the waiting list with the booking, so it is
// neither counted as waiting nor offered a second place (review 17 joined a family to the list,
// booked it, and offered it a second place; the national figure counted it as waiting).
func TestABookedFamilyLeavesTheWaitingList(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2, 2)
	fams := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	c := g.client(t, auth.RoleCoordinator)
	_, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: fams[0].id.String(),
		ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
	require.NoError(t, err, "ready, nothing booked: it may wait")
	_, err = book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: fams[0].id.String(),
		PatternId: pattern, Date: date(saturday(0)), RoomId: rooms[0]})
	require.NoError(t, err)
	ids, _ := g.queue(t, g.centre)
	require.Empty(t, ids, "booked, it waits no more")
	recorded, err := eventstore.New(g.owner).Load(ctx, "waitinglist-"+g.centre.String())
	require.NoError(t, err)
	left, err := recorded[len(recorded)-1].Decode()
	require.NoError(t, err)
	require.Equal(t, schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_BOOKED, left.(*schedulingv1.WaitingListLeft).GetReason(),
		"it left the list as booked")

	before := g.count(t, "SELECT count(*) FROM events")
	_, err = c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[1],
		FamilyId: fams[0].id.String(), RequestId: uuid.NewString()})
	_, reason := field(err)
	require.Equal(t, "NOT_ON_WAITING_LIST", reason)
	_, err = c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[1],
		RequestId: uuid.NewString()})
	_, reason = field(err)
	require.Equal(t, "WAITING_LIST_EMPTY", reason)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
}

// A place is offered to a family that can be booked in it: one waiting for supervised contact is
// passed over for a room not suitable for it, and refused by name (review 17 offered a supervised
// family a shared room, where it could not be booked).
func TestAPlaceIsOfferedToAFamilyTheRoomSuits(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	supervised := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)[0]
	supported := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	c := g.client(t, auth.RoleCoordinator)
	for _, w := range []struct {
		f  family
		st commonv1.ServiceType
	}{{supervised, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED}, {supported, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED}} {
		_, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: w.f.id.String(),
			ServiceType: w.st, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	before := g.count(t, "SELECT count(*) FROM events")
	_, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		FamilyId: supervised.id.String(), RequestId: uuid.NewString()})
	_, reason := field(err)
	require.Equal(t, "ROOM_NOT_SUITABLE_FOR_SUPERVISED", reason)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	offered, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.Equal(t, supported.id.String(), offered.GetFamilyId(), "the first family the room suits")
	ids, _ := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{supervised.id}, ids, "the supervised family keeps its place in the queue")
}

// A family offered a place that does not suit it keeps its place in the queue: put back on the
// list after declining, or left unanswered until the offer lapses, it is back where its joined
// date puts it, not at the end; a family that took its place (was booked into it) does not come
// back. While an offer stands, the family is offered no second place (decisions.md 177).
func TestAFamilyThatDoesNotTakeAnOfferKeepsItsPlace(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	pattern, rooms := g.timetable(t, saturday(0), false, 2)
	fams := g.ready(t, 3, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	c := g.client(t, auth.RoleCoordinator)
	for i, f := range fams { // joined a day apart, first first
		g.clock.Set(monday.AddDate(0, 0, i))
		_, err := c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: f.id.String(),
			ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
	first, second, third := fams[0].id.String(), fams[1].id.String(), fams[2].id.String()
	list := func() []string {
		t.Helper()
		resp, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
		require.NoError(t, err)
		var ids []string
		for i, w := range resp.GetFamilies() {
			if w.GetOffered() { // holding an offer, after those waiting (decisions.md 181)
				continue
			}
			require.EqualValues(t, i+1, w.GetPosition())
			if w.GetFamilyId() == first {
				require.True(t, proto.Equal(date(monday), w.GetJoinedOn()), "the first family's joined date is kept: %v", w.GetJoinedOn())
			}
			ids = append(ids, w.GetFamilyId())
		}
		return ids
	}
	offer := func(family string) (string, error) {
		resp, err := c.OfferPlace(ctx, &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(), PatternId: pattern, RoomId: rooms[0],
			FamilyId: family, RequestId: uuid.NewString()})
		return resp.GetFamilyId(), err
	}
	lastJoined := func() *schedulingv1.WaitingListJoined {
		t.Helper()
		recorded, err := eventstore.New(g.owner).Load(ctx, "waitinglist-"+g.centre.String())
		require.NoError(t, err)
		for i := len(recorded) - 1; i >= 0; i-- {
			msg, err := recorded[i].Decode()
			require.NoError(t, err)
			if j, ok := msg.(*schedulingv1.WaitingListJoined); ok {
				return j
			}
		}
		t.Fatal("nobody joined")
		return nil
	}

	// Offered the place, the first family declines it: put back, it is first again.
	g.clock.Set(london(2026, 1, 8, 10, 0))
	offered, err := offer("")
	require.NoError(t, err)
	require.Equal(t, first, offered)
	require.Equal(t, []string{second, third}, list(), "off the list while the offer stands")
	join := func(family string) (*schedulingv1.JoinWaitingListResponse, error) {
		return c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: family,
			ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
	}
	back, err := join(first)
	require.NoError(t, err)
	require.EqualValues(t, 1, back.GetPosition(), "back at its place, not at the end")
	require.Equal(t, []string{first, second, third}, list())
	declined := lastJoined()
	require.Equal(t, schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_DECLINED, declined.GetOfferNotTaken())
	require.Equal(t, monday, declined.GetQueuedFrom().AsTime().In(monday.Location()))

	// Offered again, it does not answer. Meanwhile it is offered no second place, by name.
	offered, err = offer("")
	require.NoError(t, err)
	require.Equal(t, first, offered)
	before := g.count(t, "SELECT count(*) FROM events")
	_, err = offer(first)
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "OFFER_STANDS", reason)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
	g.clock.Set(london(2026, 1, 15, 9, 59))
	require.Equal(t, []string{second, third}, list(), "the offer stands for a week")
	g.clock.Set(london(2026, 1, 15, 10, 0))
	require.Equal(t, []string{first, second, third}, list(), "lapsed, the family is back at its place")
	// Put back by hand now, it is recorded as back after a lapse (the figures count it waiting).
	back, err = join(first)
	require.NoError(t, err)
	require.EqualValues(t, 1, back.GetPosition())
	require.Equal(t, schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_LAPSED, lastJoined().GetOfferNotTaken())
	require.Equal(t, []string{first, second, third}, list())
	offered, err = offer("")
	require.NoError(t, err)
	require.Equal(t, first, offered, "first for the next place")

	// This time it takes the place: booked, it does not come back when the week is over.
	_, err = book(ctx, c, &schedulingv1.BookSessionRequest{CentreId: g.centre.String(), FamilyId: first,
		PatternId: pattern, Date: date(saturday(2)), RoomId: rooms[0]})
	require.NoError(t, err)
	g.clock.Set(london(2026, 1, 23, 10, 0))
	require.Equal(t, []string{second, third}, list(), "it took the place")
	_, err = offer(first)
	_, reason = field(err)
	require.Equal(t, "NOT_ON_WAITING_LIST", reason)

	// A family whose offer lapsed unrecorded is offered the next place from its place.
	offered, err = offer("")
	require.NoError(t, err)
	require.Equal(t, second, offered)
	g.clock.Set(london(2026, 2, 1, 10, 0))
	require.Equal(t, []string{second, third}, list())
	offered, err = offer("")
	require.NoError(t, err)
	require.Equal(t, second, offered, "back at its place, it is first again")
	require.Equal(t, []string{third}, list())
}

// offerPlace offers the pattern's room to family ("" the first that may take it).
func (g *rig) offerPlace(t *testing.T, pattern, room, family string) (string, error) {
	t.Helper()
	resp, err := g.client(t, auth.RoleCoordinator).OfferPlace(t.Context(), &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(),
		PatternId: pattern, RoomId: room, FamilyId: family, RequestId: uuid.NewString()})
	return resp.GetFamilyId(), err
}

// joinAs puts families on the rig's centre's list for st, a day apart from monday, first first.
func (g *rig) joinAs(t *testing.T, st commonv1.ServiceType, fams ...family) {
	t.Helper()
	for _, f := range fams {
		g.clock.Set(g.clock.Now().AddDate(0, 0, 1))
		_, err := g.client(t, auth.RoleCoordinator).JoinWaitingList(t.Context(), &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(),
			FamilyId: f.id.String(), ServiceType: st, RequestId: uuid.NewString()})
		require.NoError(t, err)
	}
}

// A place is offered to no more families at once than it takes (review 24 offered one supervised
// room's slot to two families, unnamed and named): a room for one family to one, a shared room to
// as many as its capacity; the refusal says when the first standing offer lapses, and appends
// nothing. Once an offer is declined, the place is offered again.
func TestAPlaceIsOfferedToNoMoreFamiliesThanItTakes(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), true, 1, 2)
	fams := g.ready(t, 4, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	g.joinAs(t, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, fams...)
	g.clock.Set(london(2026, 1, 12, 10, 0))
	onOffer := func(err error) {
		t.Helper()
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "PLACE_ON_OFFER", reason)
		require.Contains(t, status.Convert(err).Message(), "the first lapses on 2026-01-19 at 10:00")
	}

	offered, err := g.offerPlace(t, pattern, rooms[0], "")
	require.NoError(t, err)
	require.Equal(t, fams[0].id.String(), offered)
	before := g.count(t, "SELECT count(*) FROM events")
	_, err = g.offerPlace(t, pattern, rooms[0], "")
	onOffer(err)
	_, err = g.offerPlace(t, pattern, rooms[0], fams[1].id.String())
	onOffer(err)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	// The shared room takes two families: two offers, not three.
	for _, f := range fams[1:3] {
		offered, err := g.offerPlace(t, pattern, rooms[1], "")
		require.NoError(t, err)
		require.Equal(t, f.id.String(), offered)
	}
	_, err = g.offerPlace(t, pattern, rooms[1], fams[3].id.String())
	onOffer(err)

	// The first family declines: the room for one is offered again, to the first waiting, who is
	// the family that declined, back at its place; named, the fourth family goes before it only
	// with a reason.
	_, err = g.client(t, auth.RoleCoordinator).JoinWaitingList(t.Context(), &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(),
		FamilyId: fams[0].id.String(), ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
	require.NoError(t, err)
	resp, err := g.client(t, auth.RoleCoordinator).OfferPlace(t.Context(), &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(),
		PatternId: pattern, RoomId: rooms[0], FamilyId: fams[3].id.String(), RequestId: uuid.NewString(),
		OutOfTurnReason: schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_NEEDS})
	require.NoError(t, err)
	require.Equal(t, fams[3].id.String(), resp.GetFamilyId())
}

// A family put back on the list for another kind of contact than it waited for joins at the end
// as a new join (review 24: a family waiting for supervised contact, offered a place, was put back
// for supported contact first among the supported families, with its old joined date); and the
// list shows who holds an offer, when it was made and when it lapses, marked as offered.
func TestAFamilyPutBackForAnotherKindJoinsAtTheEndAndTheListShowsOffers(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), true, 1)
	// Only waitlisted: a family accepted or ready waits only for the kind it was accepted for,
	// and is never put back for another (decision 422).
	waitlisted, referral := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	supervised := family{id: waitlisted, referral: referral}
	supported := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	g.joinAs(t, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, supported...)
	c := g.client(t, auth.RoleCoordinator)
	g.clock.Set(london(2026, 1, 12, 10, 0))
	_, err := g.offerPlace(t, pattern, rooms[0], supervised.id.String())
	require.NoError(t, err)

	list, err := c.ListWaitingList(t.Context(), &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Len(t, list.GetFamilies(), 3, "the family holding the offer is shown")
	for i, f := range supported {
		w := list.GetFamilies()[i]
		require.Equal(t, f.id.String(), w.GetFamilyId())
		require.EqualValues(t, i+1, w.GetPosition())
		require.False(t, w.GetOffered())
	}
	held := list.GetFamilies()[2]
	require.Equal(t, supervised.id.String(), held.GetFamilyId())
	require.True(t, held.GetOffered())
	require.Zero(t, held.GetPosition(), "not waiting")
	require.Equal(t, london(2026, 1, 12, 10, 0).UTC(), held.GetOfferedAt().AsTime())
	require.Equal(t, london(2026, 1, 19, 10, 0).UTC(), held.GetLapsesAt().AsTime())
	require.Equal(t, pattern, held.GetOfferedPatternId())
	require.Equal(t, rooms[0], held.GetOfferedRoomId())

	// Put back for supported contact: at the end, as a new join.
	back, err := c.JoinWaitingList(t.Context(), &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: supervised.id.String(),
		ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.EqualValues(t, 3, back.GetPosition(), "behind the families waiting longer for supported contact")
	list, err = c.ListWaitingList(t.Context(), &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	last := list.GetFamilies()[2]
	require.Equal(t, supervised.id.String(), last.GetFamilyId())
	require.False(t, last.GetOffered(), "the offer is closed")
	require.True(t, proto.Equal(date(g.clock.Now()), last.GetJoinedOn()), "joined today: %v", last.GetJoinedOn())
}

// A family put back without the kind of contact named waits for the kind it waited for (review 24:
// the command's default put a family waiting for supervised contact at the end, as waiting for
// supported), and one holding no offer for the kind its referral was for.
func TestAFamilyPutBackWithoutAKindWaitsForTheKindItWaitedFor(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), true, 1)
	supervised := g.ready(t, 2, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	g.joinAs(t, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, supervised...)
	supported := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	c := g.client(t, auth.RoleCoordinator)
	g.clock.Set(london(2026, 1, 12, 10, 0))
	_, err := g.offerPlace(t, pattern, rooms[0], supervised[0].id.String())
	require.NoError(t, err)

	back, err := c.JoinWaitingList(t.Context(), &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: supervised[0].id.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.EqualValues(t, 1, back.GetPosition(), "back at its place")
	joined, err := c.JoinWaitingList(t.Context(), &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: supported.id.String(),
		RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.EqualValues(t, 3, joined.GetPosition())
	list, err := c.ListWaitingList(t.Context(), &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	kinds := map[string]commonv1.ServiceType{}
	for _, f := range list.GetFamilies() {
		kinds[f.GetFamilyId()] = f.GetServiceType()
	}
	require.Equal(t, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, kinds[supervised[0].id.String()], "the kind it waited for")
	require.Equal(t, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, kinds[supported.id.String()], "the kind it was made ready for")
}

// A place is offered only to a family that could be booked into it: one whose session with its
// stagger does not fit the opening session is refused by name, SESSION_TOO_SHORT as booking
// refuses it, and passed over when the first is offered it (review 24).
func TestAPlaceIsOfferedToAFamilyWhoseSessionFitsIt(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), false, 3)
	long := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(e *referralv1.FamilyReadyForContact) {
		e.Arrangement.SessionMinutes, e.Arrangement.Stagger = 110, &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}
	})[0]
	short := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	g.joinAs(t, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, long, short)
	_, err := book(t.Context(), g.client(t, auth.RoleCoordinator), &schedulingv1.BookSessionRequest{CentreId: g.centre.String(),
		FamilyId: long.id.String(), PatternId: pattern, Date: date(saturday(1)), RoomId: rooms[0]})
	_, reason := field(err)
	require.Equal(t, "SESSION_TOO_SHORT", reason, "booking refuses it")
	before := g.count(t, "SELECT count(*) FROM events")
	_, err = g.offerPlace(t, pattern, rooms[0], long.id.String())
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "SESSION_TOO_SHORT", reason)
	require.Contains(t, status.Convert(err).Message(), "110 minutes")
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
	offered, err := g.offerPlace(t, pattern, rooms[0], "")
	require.NoError(t, err)
	require.Equal(t, short.id.String(), offered, "the first family that fits")
	ids, _ := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{long.id}, ids, "it keeps its place")
}

// Review 26 offered a place by name to a family third in the queue: it was accepted and recorded
// nothing of the two passed over, so the list's order could not be audited. A family named goes
// before families waiting longer for the same kind of contact that could take the place only
// with a reason from the list (OUT_OF_TURN, naming how many; nothing appended), and the offer
// records how many it passed over and why. Families waiting for another kind, or whose session
// does not fit the place, are not passed over; a reason for an offer in turn is refused.
func TestAPlaceOfferedOutOfTurnSaysWhy(t *testing.T) {
	g := newRig(t, monday)
	pattern, rooms := g.timetable(t, saturday(0), true, 3)
	supervised := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)[0]
	supported := g.ready(t, 3, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	long := g.readyAs(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, func(e *referralv1.FamilyReadyForContact) {
		e.Arrangement.SessionMinutes, e.Arrangement.Stagger = 110, &referralv1.Stagger{ArrivalMinutes: 15, DepartureMinutes: 15}
	})[0]
	g.joinAs(t, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, supervised)
	g.joinAs(t, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, supported[0], supported[1], long, supported[2])
	offer := func(f family, why schedulingv1.OutOfTurnReason) error {
		_, err := g.client(t, auth.RoleCoordinator).OfferPlace(t.Context(), &schedulingv1.OfferPlaceRequest{CentreId: g.centre.String(),
			PatternId: pattern, RoomId: rooms[0], FamilyId: f.id.String(), RequestId: uuid.NewString(), OutOfTurnReason: why})
		return err
	}
	before := g.count(t, "SELECT count(*) FROM events")
	err := offer(supported[2], schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_UNSPECIFIED)
	code, reason := field(err)
	require.Equal(t, codes.FailedPrecondition, code, err)
	require.Equal(t, "OUT_OF_TURN", reason)
	require.Contains(t, status.Convert(err).Message(), "2 families have waited longer for the same kind of contact and could take it")
	require.Contains(t, status.Convert(err).Message(), "(out_of_turn_reason; --out-of-turn in the CLI)", "the field and the CLI's flag (review 28)")
	err = offer(supported[0], schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_NEEDS)
	code, reason = field(err)
	require.Equal(t, codes.InvalidArgument, code, err)
	require.Equal(t, "out_of_turn_reason", reason)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	require.NoError(t, offer(supported[2], schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_COURT_TIMESCALE))
	offered := func(f family) *schedulingv1.PlaceOffered {
		var payload []byte
		require.NoError(t, g.owner.QueryRow(t.Context(), `SELECT payload FROM events WHERE family_id = $1
			AND event_type = 'familytime.scheduling.v1.PlaceOffered'`, f.id).Scan(&payload))
		var ev schedulingv1.PlaceOffered
		require.NoError(t, proto.Unmarshal(payload, &ev))
		return &ev
	}
	ev := offered(supported[2])
	require.EqualValues(t, 2, ev.GetPassedOver())
	require.Equal(t, schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_COURT_TIMESCALE, ev.GetOutOfTurnReason())
	// The first in turn now: the supervised family waits for another kind, and is not passed over.
	require.NoError(t, offer(supported[0], schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_UNSPECIFIED))
	require.Zero(t, offered(supported[0]).GetPassedOver())
}

// A family waits only for a kind of contact the centre offers (review 25: put on a supported-only
// centre's list for supervised contact, it was stuck there, ALREADY_WAITING and offered nothing
// it could take): a join for another kind is refused SERVICE_NOT_OFFERED, as referral refuses
// it, and appends nothing. A family waiting for a kind the centre does not offer (recorded before
// this) is passed over by an unnamed offer and refused by name, and is put right by a join naming
// a kind the centre offers: it leaves the list and joins again at the end for that kind.
func TestAFamilyWaitsOnlyForAKindTheCentreOffers(t *testing.T) {
	g := newRig(t, monday)
	ctx := t.Context()
	other, err := g.client(t, auth.RoleAdmin).RegisterCentre(ctx, &schedulingv1.RegisterCentreRequest{RequestId: uuid.NewString(),
		Details: &schedulingv1.CentreDetails{Name: "Quayside Contact Centre", Region: commonv1.Region_REGION_SOUTH_WEST,
			ServiceTypes:        []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED},
			AccreditationStatus: commonv1.AccreditationStatus_ACCREDITATION_STATUS_WORKING_TOWARDS}})
	require.NoError(t, err)
	g.centre, g.coordinatorCleared, g.doorCleared = uuid.MustParse(other.GetCentre().GetCentreId()), false, false
	pattern, rooms := g.timetable(t, saturday(0), true, 2)
	c := g.client(t, auth.RoleCoordinator)
	join := func(f uuid.UUID, st commonv1.ServiceType) (*schedulingv1.JoinWaitingListResponse, error) {
		return c.JoinWaitingList(ctx, &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: f.String(),
			ServiceType: st, RequestId: uuid.NewString()})
	}
	notOffered := func(err error) {
		t.Helper()
		code, reason := field(err)
		require.Equal(t, codes.FailedPrecondition, code, err)
		require.Equal(t, "SERVICE_NOT_OFFERED", reason)
		require.Contains(t, status.Convert(err).Message(), "the centre does not offer this kind of contact")
	}

	// A family the centre knows, not waiting, is not put on the list for supervised contact.
	ready := g.ready(t, 1, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)[0]
	before := g.count(t, "SELECT count(*) FROM events")
	_, err = join(ready.id, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	notOffered(err)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")

	// One put on the list for supervised contact before this (referral's event, as old data has
	// it) waits first; two families wait for supported contact behind it.
	stuck, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	first, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	second, _ := g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	list, err := c.ListWaitingList(ctx, &schedulingv1.ListWaitingListRequest{CentreId: g.centre.String()})
	require.NoError(t, err)
	require.Equal(t, stuck.String(), list.GetFamilies()[0].GetFamilyId())
	require.Equal(t, "SERVICE_NOT_OFFERED", list.GetFamilies()[0].GetPassedOver(), "the list says why it is passed over")
	before = g.count(t, "SELECT count(*) FROM events")
	_, err = g.offerPlace(t, pattern, rooms[0], stuck.String())
	notOffered(err)
	_, err = join(first, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	notOffered(err)
	require.Equal(t, before, g.count(t, "SELECT count(*) FROM events"), "nothing appended")
	offered, err := g.offerPlace(t, pattern, rooms[0], "")
	require.NoError(t, err)
	require.Equal(t, first.String(), offered, "passed over, the first family waiting for a kind the centre offers")

	// Put right: it waits for supported contact, at the end, and no longer twice.
	resp, err := join(stuck, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	require.NoError(t, err)
	require.EqualValues(t, 2, resp.GetPosition(), "behind the family waiting for supported contact")
	ids, kinds := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{second, stuck}, ids)
	require.Equal(t, []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED}, kinds)
	require.Equal(t, 1, g.count(t, `SELECT count(*) FROM events WHERE family_id = $1 AND event_type = 'familytime.scheduling.v1.WaitingListLeft'`, stuck),
		"it left the list for the kind it waited for")
	for _, st := range []commonv1.ServiceType{commonv1.ServiceType_SERVICE_TYPE_SUPPORTED, commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED} {
		_, err = join(stuck, st)
		_, reason := field(err)
		require.Equal(t, "ALREADY_WAITING", reason)
	}
}

// A family waiting at a centre that offers both kinds is put right by a join naming the other
// kind: it waits for that kind from now, at the end (review 25: a family on the list for the wrong
// kind could not be put right); left out, the kind it waits for is kept.
func TestAFamilyWaitingForTheWrongKindIsPutRightAtTheEnd(t *testing.T) {
	g := newRig(t, monday)
	// Only waitlisted: a family accepted or ready waits only for the kind it was accepted for
	// (decision 422).
	fams := make([]family, 3)
	for i := range fams {
		g.clock.Set(g.clock.Now().AddDate(0, 0, 1))
		fams[i].id, fams[i].referral = g.waitlist(t, g.centre, commonv1.ServiceType_SERVICE_TYPE_SUPPORTED)
	}
	c := g.client(t, auth.RoleCoordinator)
	resp, err := c.JoinWaitingList(t.Context(), &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: fams[0].id.String(),
		ServiceType: commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, RequestId: uuid.NewString()})
	require.NoError(t, err)
	require.EqualValues(t, 3, resp.GetPosition())
	ids, kinds := g.queue(t, g.centre)
	require.Equal(t, []uuid.UUID{fams[1].id, fams[2].id, fams[0].id}, ids)
	require.Equal(t, commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, kinds[2])
	_, err = c.JoinWaitingList(t.Context(), &schedulingv1.JoinWaitingListRequest{CentreId: g.centre.String(), FamilyId: fams[0].id.String(),
		RequestId: uuid.NewString()})
	_, reason := field(err)
	require.Equal(t, "ALREADY_WAITING", reason, "left out, the kind it waits for: not changed back to its referral's")
}

// keptBy is place_kept_by_session_on of the no-show recorded of booking in family's stream.
func (g *rig) keptBy(t *testing.T, family uuid.UUID, booking string) *commonv1.Date {
	t.Helper()
	recorded, err := eventstore.New(g.owner).Load(t.Context(), domain.FamilyStream(family))
	require.NoError(t, err)
	for _, r := range recorded {
		msg, err := r.Decode()
		require.NoError(t, err)
		if e, ok := msg.(*schedulingv1.NoShowRecorded); ok && e.GetBookingId() == booking {
			return e.GetPlaceKeptBySessionOn()
		}
	}
	t.Fatalf("no no-show recorded of booking %s", booking)
	return nil
}
