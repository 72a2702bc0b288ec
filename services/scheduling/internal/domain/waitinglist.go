package domain

import (
	"fmt"
	"slices"
	"strings"
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
	// ErrOutOfTurn: a place offered to a family named before families that waited longer and
	// could take it, without saying why.
	ErrOutOfTurn = problem.Rule("OUT_OF_TURN", "the place would go to this family out of turn")
	// ErrNoneFreeToOffer means every family waiting (for the kind of contact) is on a safeguarding
	// hold, waits for supported contact a domestic-abuse finding rules out, or cannot be booked
	// into the place (a room or session that does not suit it): a place is offered
	// to none of them. The reason is the empty list's, as clients handle it alike.
	ErrNoneFreeToOffer = problem.Rule(ErrWaitingListEmpty.Reason, "every family waiting for a place is on a safeguarding hold, "+
		"waits for supported contact that a domestic-abuse finding rules out, has a session booked still to come, "+
		"waits for supervised contact the room is not suitable for, needs a longer session than the place's, "+
		"or waits for a kind of contact the centre does not offer: none can be offered one")
	// ErrOfferStands means the family named was offered a place it has not taken, declined, or
	// let lapse: it is not offered a second one meanwhile.
	ErrOfferStands = problem.Rule("OFFER_STANDS", "a place offered to the family still stands: book the family into it, "+
		"or, if the family declines it, put it back on the waiting list (it goes back to its place) before offering another")
	// ErrPlaceOnOffer means the place (a pattern's room) is offered already to as many families as
	// it takes, and none of the offers is taken, declined or lapsed (PlaceOnOffer words it).
	ErrPlaceOnOffer = problem.Rule("PLACE_ON_OFFER", "the place is on offer to as many families as it takes")
	// ErrServiceNotOffered means the family would wait for, or be offered a place of, a kind of
	// contact the centre does not offer: referral's code and words for the same refusal.
	ErrServiceNotOffered = problem.Rule("SERVICE_NOT_OFFERED", "the centre does not offer this kind of contact")
)

// Waiting is one family on a waiting list.
type Waiting struct {
	Family      uuid.UUID
	ServiceType commonv1.ServiceType
	// Joined is when the family first joined: a family back after an offer it did not take
	// keeps it, and with it its place in the queue.
	Joined time.Time
}

// OfferLapsesAfter is how long a family has to take a place offered from the waiting list (be
// booked into it) before the offer lapses and the family is back at its place in the queue: a
// week, long enough to reach both parents and agree the time, short enough that a place nobody
// answers for is not held from the next family for long. Referral accepting the family meanwhile
// does not take the place, nor lengthen or end the week (decisions.md 203).
const OfferLapsesAfter = 7 * 24 * time.Hour

// offer is a place offered to a family and not yet taken, declined or lapsed: the family's place
// in the queue, kept for it, and when the offer lapses.
type offer struct {
	Waiting
	lapses time.Time
	// The place offered and when, for the list and for not offering it twice (PlaceOnOffer).
	pattern, room uuid.UUID
	offered       time.Time
	// accepted: referral accepted the family while the offer stood (WaitingListLeft, accepted).
	// It waits no more, but the place stays held for it until the lapse; at the lapse it is not
	// back in the queue, and nothing is kept for it (decisions.md 203).
	accepted bool
}

// over reports whether the offer is nothing to the list at now: the family was accepted while
// it stood, and it has lapsed. An offer that lapsed unaccepted is still something: the family is
// back in the queue from the lapse, at the place it keeps.
func (o offer) over(now time.Time) bool { return o.accepted && !now.Before(o.lapses) }

// offerOf is the place offered to family that still counts at now (standing, or lapsed with the
// family back in the queue); false when there is none.
func (w *WaitingList) offerOf(family uuid.UUID, now time.Time) (offer, bool) {
	o, ok := w.offers[family]
	if !ok || o.over(now) {
		return offer{}, false
	}
	return o, true
}

// Offer is a place offered to a family and standing: not taken, declined or lapsed.
type Offer struct {
	// Waiting is the family's place in the queue, kept for it.
	Waiting
	Pattern, Room     uuid.UUID
	OfferedAt, Lapses time.Time
}

// OfferedKind is the kind of contact family waited for when it was offered the place it has not
// taken (standing, or lapsed unaccepted) at now; false when it holds no offer.
func (w *WaitingList) OfferedKind(family uuid.UUID, now time.Time) (commonv1.ServiceType, bool) {
	o, ok := w.offerOf(family, now)
	return o.ServiceType, ok
}

// Offers are the offers standing at now, the earliest made first: those held for a family
// accepted since among them.
func (w *WaitingList) Offers(now time.Time) []Offer {
	var out []Offer
	for _, o := range w.offers {
		if now.Before(o.lapses) {
			out = append(out, Offer{Waiting: o.Waiting, Pattern: o.pattern, Room: o.room, OfferedAt: o.offered, Lapses: o.lapses})
		}
	}
	slices.SortFunc(out, func(a, b Offer) int {
		if c := a.OfferedAt.Compare(b.OfferedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Family.String(), b.Family.String())
	})
	return out
}

// OnOffer are the offers of one place (a pattern's room) standing at now, the earliest made first.
func (w *WaitingList) OnOffer(pattern, room uuid.UUID, now time.Time) []Offer {
	return slices.DeleteFunc(w.Offers(now), func(o Offer) bool { return o.Pattern != pattern || o.Room != room })
}

// PlaceOnOffer refuses to offer a place (a pattern's room) offered already to places families
// whose offers stand at now (review 24 offered one supervised room's slot to two families, one
// after another): one family is booked into it, and the other, told it had a place, waits a week
// for nothing while its place in the queue is kept from the next. places is what the room takes
// for the offer made: one family for supervised contact or a room for one, its capacity
// otherwise. The refusal says when the first standing offer lapses, in loc.
func PlaceOnOffer(standing []Offer, places int, loc *time.Location) error {
	if len(standing) < max(places, 1) {
		return nil
	}
	first := standing[0]
	for _, o := range standing {
		if o.Lapses.Before(first.Lapses) {
			first = o
		}
	}
	return problem.Rule(ErrPlaceOnOffer.Reason, fmt.Sprintf("this place is offered already to %d %s, as many as it takes, and no offer is taken, "+
		"declined or lapsed: the first lapses on %s at %s; offer another place, or this one once a family declines it (put it back "+
		"with waitlist join) or its offer lapses", len(standing), plural(len(standing), "family", "families"),
		LocalDate(first.Lapses, loc).Format(time.DateOnly), ClockAt(first.Lapses, loc)))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WaitingList is a centre's queue of families waiting for a place: one stream,
// waitinglist-<centre_id>.
type WaitingList struct {
	centre uuid.UUID
	queue  []Waiting
	// offers are the places offered and neither taken nor declined, by family. A family that
	// takes its place leaves the list (Leave: booked); one that declines it is put back (Join);
	// one whose offer lapsed is back in the queue from then (Queue). One accepted by referral
	// while its offer stands keeps the place held until the lapse, and is not back at it
	// (offer.accepted).
	// Offers recorded before offers lapsed (no lapses_at) are not kept: those families may have
	// taken their places without the list hearing of it.
	offers  map[uuid.UUID]offer
	version int64
}

// WaitingListStream is the stream of a centre's waiting list.
func WaitingListStream(centre uuid.UUID) string { return "waitinglist-" + centre.String() }

// RebuildWaitingList replays a waiting list.
func RebuildWaitingList(centre uuid.UUID, events []proto.Message) (*WaitingList, error) {
	w := &WaitingList{centre: centre, offers: map[uuid.UUID]offer{}}
	for _, ev := range events {
		if err := w.apply(ev); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// Version is the number of events in the stream.
func (w *WaitingList) Version() int64 { return w.version }

// Queue is the families waiting at now, first first: those on the list and those whose offer
// lapsed by now, back at their place, ordered by when each first joined. A family accepted while
// its offer stood is not back: it is accepted, not waiting (decisions.md 203).
func (w *WaitingList) Queue(now time.Time) []Waiting {
	q := slices.Clone(w.queue)
	var lapsed []Waiting
	for _, o := range w.offers {
		if !now.Before(o.lapses) && !o.accepted {
			lapsed = append(lapsed, o.Waiting)
		}
	}
	// In a fixed order, so two families that joined at the same instant come back alike.
	slices.SortFunc(lapsed, func(a, b Waiting) int {
		if c := a.Joined.Compare(b.Joined); c != 0 {
			return c
		}
		return strings.Compare(a.Family.String(), b.Family.String())
	})
	for _, x := range lapsed {
		q = queued(q, x)
	}
	return q
}

// queued puts x into q at its place: after every family that joined no later than it.
func queued(q []Waiting, x Waiting) []Waiting {
	i := slices.IndexFunc(q, func(y Waiting) bool { return y.Joined.After(x.Joined) })
	if i < 0 {
		return append(q, x)
	}
	return slices.Insert(q, i, x)
}

// Waits reports whether family is in the queue at now (an offer to it lapsed counts).
func (w *WaitingList) Waits(family uuid.UUID, now time.Time) bool {
	return slices.ContainsFunc(w.Queue(now), func(x Waiting) bool { return x.Family == family })
}

// WaitingFor is the kind of contact family waits for in the queue at now; false when it is not in
// the queue.
func (w *WaitingList) WaitingFor(family uuid.UUID, now time.Time) (commonv1.ServiceType, bool) {
	for _, x := range w.Queue(now) {
		if x.Family == family {
			return x.ServiceType, true
		}
	}
	return commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED, false
}

// Centre is the centre whose list it is.
func (w *WaitingList) Centre() uuid.UUID { return w.centre }

// Offered reports whether a place offered to family is neither taken, declined nor lapsed at now.
func (w *WaitingList) Offered(family uuid.UUID, now time.Time) bool {
	o, ok := w.offers[family]
	return ok && now.Before(o.lapses)
}

// Leave takes a family off the list without an offer (referral accepted, declined or withdrew
// it, its case ended, or it was booked), or closes the place offered to it (booked, it took the
// place; otherwise it waits no more): a family neither waiting nor offered a place changes
// nothing: nil. Accepted by referral while a place offered to it stands, the family leaves the
// list (it waits no more, and reporting counts it waiting no more, nor back at the lapse) but
// the place stays held for it until the offer lapses (review 29: accepting the family, a step
// it must take before it is booked, gave its place to the next family); accepted again, nil.
func (w *WaitingList) Leave(family uuid.UUID, reason schedulingv1.WaitingListLeaveReason, now time.Time) proto.Message {
	o, offered := w.offerOf(family, now)
	switch {
	case offered && o.accepted && reason == schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_ACCEPTED:
		return nil
	case !offered && !w.Waits(family, now):
		return nil
	}
	ev := &schedulingv1.WaitingListLeft{CentreId: w.centre.String(), FamilyId: family.String(), Reason: reason, LeftAt: timestamppb.New(now)}
	if err := w.apply(ev); err != nil {
		panic(err) // the list only applies events it just built
	}
	return ev
}

// Join puts a family at the end of the queue; it returns the family's position (from 1). A
// family offered a place it did not take (declined, or lapsed unanswered) is put back at its
// place instead, ordered by when it first joined: it waited as long, and an offer that did not
// suit it is no reason to send it to the back (decisions.md 177). st unspecified keeps the kind it
// waited for. A family put back for another kind of contact than it waited for joins at the end,
// as a new join (review 24: a family waiting for supervised contact came back first among
// families waiting for supported contact, ahead of those who had waited longer for it): its place
// was kept for the kind it waited for, and it waits for this one from now. A family that waited
// for no kind in particular (an event from before kinds were recorded) keeps its place. A family
// accepted by referral while its offer stood declines it the same way (DECLINED, at its place);
// once that offer lapsed it holds nothing here, and joins at the end (decisions.md 203).
//
// A family in the queue named for another kind than it waits for is put right the same way
// (review 25: one put on the list for the wrong kind could not be): it leaves the list
// (WaitingListLeft, KIND_CHANGED) and joins again at the end for the new kind, so reporting closes
// its wait for the old kind rather than counting it waiting twice (decisions.md 183). Named for
// the kind it waits for, or with either kind unspecified, it is ALREADY_WAITING. The events are
// returned in the order they are appended.
func (w *WaitingList) Join(family uuid.UUID, st commonv1.ServiceType, now time.Time) (int, []proto.Message, error) {
	ev := &schedulingv1.WaitingListJoined{CentreId: w.centre.String(), FamilyId: family.String(), ServiceType: st,
		JoinedAt: timestamppb.New(now)}
	o, offered := w.offerOf(family, now)
	unspecified := commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED
	switch {
	case w.ReturnsToItsPlace(family, st, now):
		ev.QueuedFrom = timestamppb.New(o.Joined)
		ev.OfferNotTaken = schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_DECLINED
		if !now.Before(o.lapses) {
			ev.OfferNotTaken = schedulingv1.OfferNotTaken_OFFER_NOT_TAKEN_LAPSED
		}
		if st == unspecified {
			ev.ServiceType = o.ServiceType
		}
	case offered:
		// Another kind of contact: a new join at the end, which closes the offer.
	}
	var out []proto.Message
	if waits, ok := w.WaitingFor(family, now); ok && !offered {
		if waits == unspecified || st == unspecified || st == waits {
			return 0, nil, problem.Rule(ErrAlreadyWaiting.Reason, "the family is already on the centre's waiting list for this kind of contact; "+
				"to have it wait for another kind the centre offers, name that kind (it joins again at the end)")
		}
		left := &schedulingv1.WaitingListLeft{CentreId: w.centre.String(), FamilyId: family.String(),
			Reason: schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_KIND_CHANGED, LeftAt: timestamppb.New(now)}
		if err := w.apply(left); err != nil {
			return 0, nil, err
		}
		out = append(out, left)
	}
	if err := w.apply(ev); err != nil {
		return 0, nil, err
	}
	return slices.IndexFunc(w.Queue(now), func(x Waiting) bool { return x.Family == family }) + 1, append(out, ev), nil
}

// WithdrawOffer puts family back at its place in the queue when a place offered to it stands at
// now and the offer is withdrawn, why:
//   - OFFER_NOT_TAKEN_ON_HOLD: a safeguarding hold is placed on it (decision 384): the place is
//     free to be offered to a family that may be booked, as the hold cancels the family's
//     bookings. Review 76's held family kept the place through the next session, and every other
//     family was refused it (PLACE_ON_OFFER).
//   - OFFER_NOT_TAKEN_PLACE_WITHDRAWN: the place's pattern was redefined with no session left
//     with a place for it (decision 417). Review 87's family was left off the list for a week,
//     holding a place it could never be booked into, and refused any other (OFFER_STANDS).
//
// nil when no offer of family stands, or only one held for it since referral accepted it (it
// waits no more: Leave).
func (w *WaitingList) WithdrawOffer(family uuid.UUID, why schedulingv1.OfferNotTaken, now time.Time) (proto.Message, error) {
	o, ok := w.offers[family]
	if !ok || !now.Before(o.lapses) || o.accepted {
		return nil, nil
	}
	ev := &schedulingv1.WaitingListJoined{CentreId: w.centre.String(), FamilyId: family.String(), ServiceType: o.ServiceType,
		JoinedAt: timestamppb.New(now), QueuedFrom: timestamppb.New(o.Joined), OfferNotTaken: why}
	if err := w.apply(ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// ReturnsToItsPlace reports whether Join of family for st (unspecified: the kind it waited for)
// puts it back at the place it keeps in the queue, the place offered to it declined or lapsed,
// rather than putting it on the list anew: it waited already before it was offered one, so a
// centre that may waitlist no family now (Details.TakesNewFamilies) still takes its answer to the
// offer (decisions.md 326).
func (w *WaitingList) ReturnsToItsPlace(family uuid.UUID, st commonv1.ServiceType, now time.Time) bool {
	o, offered := w.offerOf(family, now)
	unspecified := commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED
	return offered && (o.ServiceType == unspecified || st == unspecified || st == o.ServiceType)
}

// OutOfTurn is how many families waiting longer an offer passes over, and why.
type OutOfTurn struct {
	PassedOver int
	Reason     schedulingv1.OutOfTurnReason
}

// Check refuses an offer that passes over families without a reason (ErrOutOfTurn, saying how
// many), and a reason for one that passes over nobody.
func (o OutOfTurn) Check() error {
	unspecified := o.Reason == schedulingv1.OutOfTurnReason_OUT_OF_TURN_REASON_UNSPECIFIED
	switch {
	case o.PassedOver > 0 && unspecified:
		return problem.Rule(ErrOutOfTurn.Reason, fmt.Sprintf("%s: %d %s waited longer for the same kind of contact and could take it; "+
			"offer it to the first (name no family), or say why this family goes first (out_of_turn_reason; --out-of-turn in the CLI)",
			ErrOutOfTurn.Message, o.PassedOver, plural(o.PassedOver, "family has", "families have")))
	case o.PassedOver == 0 && !unspecified:
		return problem.Invalid("out_of_turn_reason", "no family waiting longer could take the place, so the offer is in turn: leave the reason out (out_of_turn_reason; --out-of-turn in the CLI)")
	}
	return nil
}

// Offer offers a place to family, or (uuid.Nil) to the first family waiting, or to the first
// waiting for serviceType when it is given; the family leaves the queue while the offer stands
// (until OfferLapsesAfter). releasedBy names the family whose released place it is, if any; turn
// says whom it passes over and why (OutOfTurn.Check decided it may).
func (w *WaitingList) Offer(family uuid.UUID, st commonv1.ServiceType, pattern, room, releasedBy uuid.UUID, turn OutOfTurn, now time.Time) (uuid.UUID, proto.Message, error) {
	queue := w.Queue(now)
	i := slices.IndexFunc(queue, func(x Waiting) bool {
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
	ev := &schedulingv1.PlaceOffered{CentreId: w.centre.String(), FamilyId: queue[i].Family.String(),
		PatternId: pattern.String(), RoomId: room.String(), OfferedAt: timestamppb.New(now),
		LapsesAt: timestamppb.New(now.Add(OfferLapsesAfter)), PassedOver: int32(turn.PassedOver), OutOfTurnReason: turn.Reason}
	if releasedBy != uuid.Nil {
		ev.ReleasedByFamilyId = releasedBy.String()
	}
	offered := queue[i].Family
	return offered, ev, w.apply(ev)
}

func (w *WaitingList) apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *schedulingv1.WaitingListJoined:
		x := Waiting{Family: uuid.MustParse(e.GetFamilyId()), ServiceType: e.GetServiceType(), Joined: e.GetJoinedAt().AsTime()}
		delete(w.offers, x.Family)
		if e.GetQueuedFrom() == nil {
			w.queue = append(w.queue, x)
			break
		}
		x.Joined = e.GetQueuedFrom().AsTime()
		w.queue = queued(w.queue, x)
	case *schedulingv1.PlaceOffered:
		f := uuid.MustParse(e.GetFamilyId())
		// The family's place: on the list, or kept for it by an earlier offer that lapsed.
		i := slices.IndexFunc(w.queue, func(x Waiting) bool { return x.Family == f })
		var place Waiting
		if i >= 0 {
			place = w.queue[i]
			w.queue = slices.Delete(w.queue, i, i+1)
		} else if o, ok := w.offers[f]; ok {
			place = o.Waiting
		}
		delete(w.offers, f)
		if e.GetLapsesAt() != nil && place.Family == f {
			w.offers[f] = offer{Waiting: place, lapses: e.GetLapsesAt().AsTime(), pattern: uuid.MustParse(e.GetPatternId()),
				room: uuid.MustParse(e.GetRoomId()), offered: e.GetOfferedAt().AsTime()}
		}
	case *schedulingv1.WaitingListLeft: // left without an offer, or took (or gave up) the place offered
		f := uuid.MustParse(e.GetFamilyId())
		w.queue = slices.DeleteFunc(w.queue, func(x Waiting) bool { return x.Family == f })
		if o, ok := w.offers[f]; ok && e.GetReason() == schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_ACCEPTED &&
			e.GetLeftAt().AsTime().Before(o.lapses) {
			// Accepted while the offer stood: the place stays held for it until the lapse.
			o.accepted = true
			w.offers[f] = o
			break
		}
		delete(w.offers, f)
	default:
		return fmt.Errorf("waiting list %s: unexpected event %s", w.centre, ev.ProtoReflect().Descriptor().FullName())
	}
	w.version++
	return nil
}
