package domain

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/problem"
)

// Rules of a waiting list.
var (
	// ErrAlreadyWaiting means the family is on the centre's waiting list already.
	ErrAlreadyWaiting = problem.Rule("ALREADY_WAITING", "the family is already on the centre's waiting list")
	// ErrWaitingListEmpty means nobody waits for a place.
	ErrWaitingListEmpty = problem.Rule("WAITING_LIST_EMPTY", "no family is waiting for a place at the centre")
	// ErrNotWaiting means the family named is not on the waiting list.
	ErrNotWaiting = problem.Rule("NOT_ON_WAITING_LIST", "the family is not on the centre's waiting list")
	// ErrNoneFreeToOffer means every family waiting (for the kind of contact) is on a safeguarding
	// hold, or waits for supported contact a domestic-abuse finding rules out: a place is offered
	// to none of them. The reason is the empty list's, as clients handle it alike.
	ErrNoneFreeToOffer = problem.Rule(ErrWaitingListEmpty.Reason, "every family waiting for a place is on a safeguarding hold, "+
		"waits for supported contact that a domestic-abuse finding rules out, has a session booked still to come, "+
		"or waits for supervised contact the room is not suitable for: none can be offered one")
)

// Waiting is one family on a waiting list.
type Waiting struct {
	Family      uuid.UUID
	ServiceType commonv1.ServiceType
	Joined      time.Time
}

// WaitingList is a centre's queue of families waiting for a place: one stream,
// waitinglist-<centre_id>.
type WaitingList struct {
	centre  uuid.UUID
	queue   []Waiting
	version int64
}

// WaitingListStream is the stream of a centre's waiting list.
func WaitingListStream(centre uuid.UUID) string { return "waitinglist-" + centre.String() }

// RebuildWaitingList replays a waiting list.
func RebuildWaitingList(centre uuid.UUID, events []proto.Message) (*WaitingList, error) {
	w := &WaitingList{centre: centre}
	for _, ev := range events {
		if err := w.apply(ev); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// Version is the number of events in the stream.
func (w *WaitingList) Version() int64 { return w.version }

// Queue is the families waiting, first first.
func (w *WaitingList) Queue() []Waiting { return slices.Clone(w.queue) }

// Waits reports whether family is on the list.
func (w *WaitingList) Waits(family uuid.UUID) bool {
	return slices.ContainsFunc(w.queue, func(x Waiting) bool { return x.Family == family })
}

// Leave takes a family off the list without an offer (referral accepted, declined or withdrew
// it, or its case ended); a family not on the list changes nothing: nil.
func (w *WaitingList) Leave(family uuid.UUID, reason schedulingv1.WaitingListLeaveReason, now time.Time) proto.Message {
	if !w.Waits(family) {
		return nil
	}
	ev := &schedulingv1.WaitingListLeft{CentreId: w.centre.String(), FamilyId: family.String(), Reason: reason, LeftAt: timestamppb.New(now)}
	if err := w.apply(ev); err != nil {
		panic(err) // the list only applies events it just built
	}
	return ev
}

// Join puts a family at the end of the queue; it returns the family's position (from 1).
func (w *WaitingList) Join(family uuid.UUID, st commonv1.ServiceType, now time.Time) (int, proto.Message, error) {
	if w.Waits(family) {
		return 0, nil, ErrAlreadyWaiting
	}
	ev := &schedulingv1.WaitingListJoined{CentreId: w.centre.String(), FamilyId: family.String(), ServiceType: st,
		JoinedAt: timestamppb.New(now)}
	return len(w.queue) + 1, ev, w.apply(ev)
}

// Offer offers a place to family, or (uuid.Nil) to the first family waiting, or to the first
// waiting for serviceType when it is given; the family leaves the queue. releasedBy names the
// family whose released place it is, if any.
func (w *WaitingList) Offer(family uuid.UUID, st commonv1.ServiceType, pattern, room, releasedBy uuid.UUID, now time.Time) (uuid.UUID, proto.Message, error) {
	i := slices.IndexFunc(w.queue, func(x Waiting) bool {
		switch {
		case family != uuid.Nil:
			return x.Family == family
		case st != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED:
			return x.ServiceType == st
		default:
			return true
		}
	})
	if i < 0 {
		if family != uuid.Nil {
			return uuid.Nil, nil, ErrNotWaiting
		}
		return uuid.Nil, nil, ErrWaitingListEmpty
	}
	ev := &schedulingv1.PlaceOffered{CentreId: w.centre.String(), FamilyId: w.queue[i].Family.String(),
		PatternId: pattern.String(), RoomId: room.String(), OfferedAt: timestamppb.New(now)}
	if releasedBy != uuid.Nil {
		ev.ReleasedByFamilyId = releasedBy.String()
	}
	offered := w.queue[i].Family
	return offered, ev, w.apply(ev)
}

func (w *WaitingList) apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *schedulingv1.WaitingListJoined:
		w.queue = append(w.queue, Waiting{Family: uuid.MustParse(e.GetFamilyId()), ServiceType: e.GetServiceType(), Joined: e.GetJoinedAt().AsTime()})
	case *schedulingv1.PlaceOffered, *schedulingv1.WaitingListLeft: // offered a place, or left without one
		f := uuid.MustParse(e.(interface{ GetFamilyId() string }).GetFamilyId())
		w.queue = slices.DeleteFunc(w.queue, func(x Waiting) bool { return x.Family == f })
	default:
		return fmt.Errorf("waiting list %s: unexpected event %s", w.centre, ev.ProtoReflect().Descriptor().FullName())
	}
	w.version++
	return nil
}
