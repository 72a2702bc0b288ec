package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// JoinWaitingList puts back on a registered centre's waiting list a family scheduling knows at
// the centre, e.g. after its regular place was released: referral's ReferralWaitlisted puts a
// family on the list by itself (NoteReferral). A family that declined a place offered to it is
// put back this way, and goes back to its place in the queue, not the end (domain.WaitingList's
// Join); so does one whose offer lapsed, which is back in the queue by itself. A family accepted
// by referral while its offer stood declines it the same way; once the offer lapsed it holds
// nothing, and joins at the end as any accepted family (decisions.md 203). A family
// scheduling does not know there, unknown or of another centre, is not found alike (decisions.md
// 38); one whose case ended, whose
// referral was withdrawn or declined, or who has a session still to come is refused. st
// unspecified is the kind of contact the family was made ready for, else the kind it was
// waitlisted or accepted for; a kind a domestic-abuse finding rules out is refused, and so is a
// kind the centre does not offer (SERVICE_NOT_OFFERED). A family waiting already, named for
// another kind the centre offers, waits for that kind from now, at the end (domain.WaitingList's
// Join; decisions.md 183). A centre whose accreditation is suspended or lapsed waitlists no family
// (CENTRE_SUSPENDED, CENTRE_ACCREDITATION_LAPSED, as referral refuses its waitlist): only a family
// declining a place offered to it goes back to its place there (decisions.md 326).
func (a *App) JoinWaitingList(ctx context.Context, centre, family uuid.UUID, st commonv1.ServiceType, md eventstore.Metadata) (int, *eventstore.UnitOfWork, error) {
	c, err := a.centres.Get(ctx, centre)
	if err != nil {
		return 0, nil, err
	}
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return 0, nil, err
	}
	if err := f.MayWait(centre, a.now()); err != nil {
		return 0, nil, err
	}
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return 0, nil, err
	}
	if st == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
		// Not given: the kind it waited for when offered the place it did not take, else the kind
		// its referral was accepted or waitlisted for (review 24: a coordinator putting back a
		// family waiting for supervised contact, the kind left out, sent it to the end of the
		// queue as waiting for supported contact).
		// A family in the queue keeps the kind it waits for, which may not be its referral's (put
		// right by a join naming it, decisions.md 183).
		if kind, ok := w.OfferedKind(family, a.now()); ok && kind != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
			st = kind
		} else if kind, ok := w.WaitingFor(family, a.now()); ok && kind != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
			st = kind
		} else if st = f.WaitsFor(st); st == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
			return 0, nil, problem.Invalid("service_type", "give the kind of contact the family waits for: it holds no offer, and scheduling does not know the kind its referral was for")
		}
	}
	if err := c.Details.TakesNewFamilies(); err != nil && !w.ReturnsToItsPlace(family, st, a.now()) {
		// Review 59 put an accepted family on a suspended centre's list, which referral refuses.
		return 0, nil, err
	}
	if err := notOffered(c.Details.ServiceTypes, st); err != nil {
		// Put on the list for a kind the centre does not offer, the family would wait for a place
		// it can never be offered, ALREADY_WAITING to every join meant to put it right (review 25).
		return 0, nil, err
	}
	if f.RuledOut(f.WaitsFor(st)) {
		// It would wait for a place it may not be offered (review 23 put a family with a
		// domestic-abuse finding on the list for handover; decision 168).
		return 0, nil, domain.ErrSupportedContactRuledOut
	}
	if err := f.NotTheKindAccepted(st); err != nil {
		// Nor one it could never be booked into (review 89; decision 422).
		return 0, nil, err
	}
	expected := w.Version()
	pos, events, err := w.Join(family, st, a.now())
	if err != nil {
		return 0, nil, err
	}
	// The family's case may be ending as this is decided: EndContact, reading the list without
	// the family on it, would not take it off again. Both guard what they only read with the
	// family's key, so the later of the two decides again (decisions.md 75).
	uow := new(eventstore.UnitOfWork).Guard(domain.FamilyStream(family), domain.FamilyStream(family), f.Version())
	return pos, uow, a.append(uow, domain.WaitingListStream(centre), expected, family, centre, md, events...)
}

// notOffered refuses a kind of contact that is not among the centre's kinds (offers), saying
// which kinds it offers: ErrServiceNotOffered. Unspecified (a family from before kinds were
// recorded, its kind unknown) is not refused: nobody can tell that it is not offered.
func notOffered(offers []commonv1.ServiceType, st commonv1.ServiceType) error {
	if st == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED || slices.Contains(offers, st) {
		return nil
	}
	kinds := make([]string, len(offers))
	for i, k := range offers {
		kinds[i] = kindName(k)
	}
	return problem.Rule(domain.ErrServiceNotOffered.Reason, fmt.Sprintf("%s (%s): it offers %s contact; "+
		"name a kind it offers", domain.ErrServiceNotOffered.Message, kindName(st), strings.Join(kinds, " and ")))
}

// NoteReferral records referral's decision on a family's referral (ReferralWaitlisted,
// ReferralAccepted, ReferralDeclined) in the family's stream, so scheduling knows the family at
// the centre, and keeps the centre's waiting list in step in the same unit: a family waitlisted
// joins it (WaitingListJoined, as JoinWaitingList appends; a family already on it is not added
// again), one accepted or declined leaves it (WaitingListLeft), and so does one holding a place
// offered to it. Declined, its offer is closed; accepted, the place stays held for it until the
// offer lapses, or it is booked into it, declines it or its case ends (domain.WaitingList's
// Leave; review 29: the acceptance a family needs before it can be booked gave its place to the
// next family). A decision noted already changes nothing, so the family never joins twice for one
// ReferralWaitlisted.
func (a *App) NoteReferral(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID, r domain.Referred, decidedOn time.Time, md eventstore.Metadata) error {
	if r.Decision == schedulingv1.ReferralDecision_REFERRAL_DECISION_WAITLISTED && r.ServiceType == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED {
		r.ServiceType = a.waitedForByDefault(ctx, r.Centre)
	}
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return err
	}
	expected := f.Version()
	noted := f.NoteReferral(r, decidedOn)
	if noted == nil {
		return nil
	}
	w, err := a.sessions.WaitingList(ctx, r.Centre)
	if err != nil {
		return err
	}
	wexpected := w.Version()
	var wev []proto.Message
	switch r.Decision {
	case schedulingv1.ReferralDecision_REFERRAL_DECISION_WAITLISTED:
		if !w.Waits(family, a.now()) {
			if _, wev, err = w.Join(family, r.ServiceType, a.now()); err != nil {
				return err
			}
		}
	case schedulingv1.ReferralDecision_REFERRAL_DECISION_ACCEPTED:
		if ev := w.Leave(family, schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_ACCEPTED, a.now()); ev != nil {
			wev = append(wev, ev)
		}
	case schedulingv1.ReferralDecision_REFERRAL_DECISION_DECLINED:
		if ev := w.Leave(family, schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_DECLINED, a.now()); ev != nil {
			wev = append(wev, ev)
		}
	case schedulingv1.ReferralDecision_REFERRAL_DECISION_UNDONE:
		// Waitlisted, or accepted holding a place offered: it leaves, and the place is free for
		// the next family (review 80 offered a supported place to a family whose referral, back
		// to received, disclosed domestic abuse; decision 392).
		if ev := w.Leave(family, schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_DECISION_UNDONE, a.now()); ev != nil {
			wev = append(wev, ev)
		}
	}
	if err := a.append(uow, domain.FamilyStream(family), expected, family, r.Centre, md, noted); err != nil {
		return err
	}
	return a.append(uow, domain.WaitingListStream(r.Centre), wexpected, family, r.Centre, md, wev...)
}

// waitedForByDefault is the kind of contact a family waits for when referral's ReferralWaitlisted
// does not say (an event recorded before it carried service_type): the centre's only kind when
// it offers one, the family cannot wait for anything else there; otherwise none (unspecified).
// A family waiting for no kind in particular is never picked for a released place of a given
// kind (RecordNoShow offers those by kind), only offered a place by the coordinator (OfferPlace,
// the first family or the one named), who knows from the referral what it needs: guessing
// supported could give a family with a domestic-abuse finding a supported place, and guessing
// supervised could give a scarce supervised room to a family that needs none.
func (a *App) waitedForByDefault(ctx context.Context, centre uuid.UUID) commonv1.ServiceType {
	c, err := a.centres.Get(ctx, centre)
	if err != nil || len(c.Details.ServiceTypes) != 1 {
		return commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED
	}
	return c.Details.ServiceTypes[0]
}

// OfferPlace offers a pattern's room to a family on the waiting list (uuid.Nil: the first that
// may be offered one). A family may wait during a hold, keeping its place in the queue, but is
// not offered a place until the hold is lifted; nor is a family waiting for supported contact
// while a domestic-abuse finding rules it out (decisions.md 80), nor one waiting for supervised
// contact a room not suitable for it (it could not be booked there), nor one whose session with
// its stagger does not fit the pattern's opening session: named, it is refused (ON_HOLD,
// SUPPORTED_CONTACT_RULED_OUT, ROOM_NOT_SUITABLE_FOR_SUPERVISED, SESSION_TOO_SHORT); otherwise
// the next family is offered it. A family waiting for a kind of contact the centre does not offer
// is passed over alike, or refused by name (SERVICE_NOT_OFFERED, decisions.md 183). A place
// offered already to as many families as it takes, and not yet taken, declined or lapsed, is not
// offered again (PLACE_ON_OFFER, placesFor).
//
// A family named goes before any family waiting longer for the same kind of contact that could
// take the place only with a reason (OUT_OF_TURN without one; a reason is refused when nobody is
// passed over), and the offer records how many it passed over and why (review 26: an offer out
// of turn left no trace of it, and the list's order could not be audited).
//
// A place is offered only when a session of the pattern still to come has one free in the room
// for the family (NO_PLACE otherwise, firstFreePlace; review 49): it returns the family offered
// the place and the first date with one.
//
// A centre whose accreditation is suspended or lapsed offers no place (CENTRE_SUSPENDED,
// CENTRE_ACCREDITATION_LAPSED, offerTo): referral accepts no family there, and a family offered a
// place it could not be accepted for would hold it a week for nothing (review 59, decisions.md 326).
func (a *App) OfferPlace(ctx context.Context, centre, pattern, room, family uuid.UUID, reason schedulingv1.OutOfTurnReason, md eventstore.Metadata) (uuid.UUID, time.Time, *eventstore.UnitOfWork, error) {
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return uuid.Nil, time.Time{}, nil, err
	}
	p, ok := t.Pattern(pattern)
	if !ok {
		return uuid.Nil, time.Time{}, nil, domain.ErrPatternNotFound
	}
	if !containsRoom(p.Rooms, room) {
		return uuid.Nil, time.Time{}, nil, domain.InvalidRoom()
	}
	r, _ := t.Room(room)
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return uuid.Nil, time.Time{}, nil, err
	}
	expected := w.Version()
	to, version, err := a.offerTo(ctx, w, family, commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED, &r, p)
	if err != nil {
		return uuid.Nil, time.Time{}, nil, err
	}
	standing := w.OnOffer(pattern, room, a.now())
	places, err := a.placesFor(ctx, w, r, to, standing)
	if err != nil {
		return uuid.Nil, time.Time{}, nil, err
	}
	if err := domain.PlaceOnOffer(standing, places, p.Location()); err != nil {
		return uuid.Nil, time.Time{}, nil, err
	}
	// Before the turn is counted: a place that is not there is refused whoever it would go to.
	free, err := a.firstFreePlace(ctx, w, t, p, r, to, len(standing), nil)
	if err != nil {
		return uuid.Nil, time.Time{}, nil, err
	}
	turn := domain.OutOfTurn{Reason: reason}
	if family != uuid.Nil {
		if turn.PassedOver, err = a.passedOver(ctx, w, to, &r, p); err != nil {
			return uuid.Nil, time.Time{}, nil, err
		}
	}
	if err := turn.Check(); err != nil {
		return uuid.Nil, time.Time{}, nil, err
	}
	offered, ev, err := w.Offer(to, commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED, pattern, room, uuid.Nil, turn, a.now())
	if err != nil {
		return uuid.Nil, time.Time{}, nil, err
	}
	uow := new(eventstore.UnitOfWork).Guard(domain.FamilyStream(offered), domain.FamilyStream(offered), version)
	// A booking deciding meanwhile on the list without this offer is decided again (review 68).
	lockWaitingList(uow, centre)
	return offered, free.Date, uow, a.append(uow, domain.WaitingListStream(centre), expected, offered, centre, md, ev)
}

// firstFreePlace is the first session of pattern p still to come, up to the months a session may
// be booked ahead, with a place free in room for family (on w) beside the offered families holding
// an offer of the place already (Timetable.FirstFreePlace): ErrNoPlace, worded, when there is
// none. The room's bookings are read from the read model, written in each booking's unit; a
// booking committing as the offer is decided may take the last place, as it may after the offer:
// the family is then booked into another session, or declines (decisions.md 283). freed are
// bookings in the room cancelled in the unit deciding the offer, which the read model still shows
// booked (the later sessions a released place gives back): their places count as free.
func (a *App) firstFreePlace(ctx context.Context, w *domain.WaitingList, t *domain.Timetable, p *domain.Pattern, room domain.Room, family uuid.UUID, offered int,
	freed []*domain.Booking) (domain.Session, error) {
	supervised := false
	for _, x := range w.Queue(a.now()) {
		if x.Family != family {
			continue
		}
		var err error
		if supervised, err = a.waitsForSupervised(ctx, x); err != nil {
			return domain.Session{}, err
		}
	}
	return a.freePlace(ctx, w.Centre(), t, p, room, supervised, offered, freed)
}

// freePlace is firstFreePlace for a family that waits for supervised contact or not (supervised).
func (a *App) freePlace(ctx context.Context, centre uuid.UUID, t *domain.Timetable, p *domain.Pattern, room domain.Room, supervised bool, offered int,
	freed []*domain.Booking) (domain.Session, error) {
	now := a.now()
	booked, err := a.sessions.Booked(ctx, centre, domain.LocalDate(now, p.Location()),
		domain.LocalDate(now.AddDate(0, domain.BookAhead, 0), p.Location()), now)
	if err != nil {
		return domain.Session{}, err
	}
	for _, b := range freed {
		if b.Room != room.ID {
			continue
		}
		k := adapters.RoomSessionKey{Room: b.Room, Opens: domain.On(b.Date, b.SessionStart, b.Location()).UTC()}
		if u, ok := booked[k]; ok && u.Booked > 0 {
			u.Booked--
			// Supervised contact has the room to itself: the family freed was the one there.
			u.Supervised = u.Supervised && b.ServiceType != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
			booked[k] = u
		}
	}
	return t.FirstFreePlace(p, room, supervised, offered, now, func(s domain.Session) domain.RoomUse {
		u := booked[adapters.RoomSessionKey{Room: room.ID, Opens: s.Opens.UTC()}]
		return domain.RoomUse{Booked: u.Booked, Supervised: u.Supervised}
	})
}

// waitsForSupervised reports whether x, a family waiting, waits for supervised contact: the kind
// it waits for on the list, else its referral's (Family.WaitsFor).
func (a *App) waitsForSupervised(ctx context.Context, x domain.Waiting) (bool, error) {
	f, err := a.sessions.Family(ctx, x.Family)
	if err != nil {
		return false, err
	}
	return f.WaitsFor(x.ServiceType) == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED, nil
}

// placesFor is how many families a place in room may be offered to at once, the offer to family
// made: one when the room takes one family, or when family or a family holding an offer of the
// place (standing) waits for supervised contact, which has the room to itself; the room's
// capacity otherwise. Bookings already in the room are not counted here: a place is offered for
// a pattern, not a date; firstFreePlace then finds a session with a place free.
func (a *App) placesFor(ctx context.Context, w *domain.WaitingList, room domain.Room, family uuid.UUID, standing []domain.Offer) (int, error) {
	if room.Capacity <= 1 {
		return 1, nil
	}
	kinds := []domain.Waiting{{Family: family}}
	for _, x := range w.Queue(a.now()) {
		if x.Family == family {
			kinds[0] = x
		}
	}
	for _, o := range standing {
		kinds = append(kinds, o.Waiting)
	}
	for _, x := range kinds {
		if supervised, err := a.waitsForSupervised(ctx, x); err != nil || supervised {
			return 1, err
		}
	}
	return room.Capacity, nil
}

// offerTo is who is offered a place from w: nobody at a centre whose accreditation is suspended or
// lapsed (ErrCentreSuspended, ErrCentreLapsed: Details.TakesNewFamilies); family when named,
// refused while a place offered to it stands (ErrOfferStands), while a hold suspends its
// contact (ErrOnHold) or a domestic-abuse finding rules out the supported contact it waits for
// (ErrSupportedContactRuledOut) or while it has a session still to come (ErrInContact), or when
// it waits for supervised contact and the place's room, when given, is not suitable for it
// (ErrRoomUnsuitable), or, when the place's pattern is given, its arrangement's session with its
// stagger does not fit the opening session (ErrSessionTooShort, Family.Fits); otherwise the first
// family waiting (for st, when given) that may be offered one, ErrNoneFreeToOffer when none may. It returns the
// family's stream version as read: the offer guards it, so a hold or a finding noted meanwhile
// sends the offer back to be decided again (decisions.md 75). One noted after the offer leaves
// it standing, as it leaves a booking made before it: the family cannot be booked meanwhile.
func (a *App) offerTo(ctx context.Context, w *domain.WaitingList, family uuid.UUID, st commonv1.ServiceType, room *domain.Room, pattern *domain.Pattern) (uuid.UUID, int64, error) {
	c, err := a.centres.Get(ctx, w.Centre())
	if err != nil {
		return uuid.Nil, 0, err
	}
	if err := c.Details.TakesNewFamilies(); err != nil {
		return uuid.Nil, 0, err
	}
	if family != uuid.Nil && w.Offered(family, a.now()) {
		// Otherwise it would be told it is not on the list, as if it had been taken off.
		return uuid.Nil, 0, domain.ErrOfferStands
	}
	waiting := false
	for _, x := range w.Queue(a.now()) {
		switch {
		case family != uuid.Nil && x.Family != family:
			continue
		case family == uuid.Nil && st != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED && x.ServiceType != st:
			continue
		}
		waiting = true
		f, err := a.sessions.Family(ctx, x.Family)
		if err != nil {
			return uuid.Nil, 0, err
		}
		err = a.mayTake(c, f, x, room, pattern)
		switch {
		case err == nil:
			return x.Family, f.Version(), nil
		case family != uuid.Nil:
			return uuid.Nil, 0, err
		}
	}
	switch {
	case family != uuid.Nil:
		return uuid.Nil, 0, domain.ErrNotWaiting
	case waiting:
		return uuid.Nil, 0, domain.ErrNoneFreeToOffer
	}
	return uuid.Nil, 0, domain.ErrWaitingListEmpty
}

// mayTake refuses, saying why, a family waiting (x, its family f) that may not be offered a place
// in room (nil: any) of pattern (nil: any) at centre c now.
func (a *App) mayTake(c adapters.CentreView, f *domain.Family, x domain.Waiting, room *domain.Room, pattern *domain.Pattern) error {
	// A family waiting for a kind the centre does not offer (put on the list before joins were
	// checked, or the centre offers it no more) cannot be booked into any place there: passed
	// over, refused by name, until a join puts its kind right (decisions.md 183).
	if err := notOffered(c.Details.ServiceTypes, f.WaitsFor(x.ServiceType)); err != nil {
		return err
	}
	if err := f.MayBeOffered(x.ServiceType); err != nil {
		return err
	}
	if err := f.HasChildUnder18On(a.centreToday()); err != nil {
		return err
	}
	if err := f.InContact(a.now()); err != nil {
		return err
	}
	if room != nil && !room.Supervised && f.WaitsFor(x.ServiceType) == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		// Unnamed, the place goes to the first family that can be booked in it (review 17
		// offered a supervised family a shared room).
		return domain.ErrRoomUnsuitable
	}
	if pattern != nil {
		// Offered a place it cannot be booked into, it would hold it a week for nothing.
		return f.Fits(pattern)
	}
	return nil
}

// passedOver counts the families ahead of family in the queue, waiting for the kind of contact it
// waits for, that could take a place in room of pattern: those an offer to family goes before. A
// family waiting for another kind is in another queue as far as turns go (an offer of a
// supervised room's place to a family waiting for supervised contact passes over nobody waiting
// for supported contact). Decided on the list as read (the offer's append is guarded by its
// version).
func (a *App) passedOver(ctx context.Context, w *domain.WaitingList, family uuid.UUID, room *domain.Room, pattern *domain.Pattern) (int, error) {
	c, err := a.centres.Get(ctx, w.Centre())
	if err != nil {
		return 0, err
	}
	queue := w.Queue(a.now())
	at := slices.IndexFunc(queue, func(x domain.Waiting) bool { return x.Family == family })
	if at < 0 {
		return 0, nil
	}
	named, err := a.sessions.Family(ctx, family)
	if err != nil {
		return 0, err
	}
	kind := named.WaitsFor(queue[at].ServiceType)
	n := 0
	for _, x := range queue[:at] {
		f, err := a.sessions.Family(ctx, x.Family)
		if err != nil {
			return 0, err
		}
		if f.WaitsFor(x.ServiceType) == kind && a.mayTake(c, f, x, room, pattern) == nil {
			n++
		}
	}
	return n, nil
}

func containsRoom(rooms []uuid.UUID, room uuid.UUID) bool {
	for _, r := range rooms {
		if r == room {
			return true
		}
	}
	return false
}

// WaitingFamily is a family on a centre's waiting list, as ListWaitingList shows it.
type WaitingFamily struct {
	domain.Waiting
	Position int
	// JoinedOn is the centre's date it joined the list.
	JoinedOn time.Time
	// PassedOver is the reason an offer passes the family over now (domain.Family's
	// MayBeOffered), empty when it may be offered a place.
	PassedOver string
	// Offer is the place offered to the family and standing, nil while it waits; such a family
	// has no position (0).
	Offer *domain.Offer
}

// WaitingList is a registered centre's waiting list, first first, each family with why an offer
// would pass it over now: what a coordinator sees before offering a place (review 14: the list
// could not be seen). The families holding a place offered follow, the earliest offered first,
// with the place, when it was offered and when it lapses (review 24: a family offered a place
// vanished from the list, and the coordinator could not see who held an offer or until when);
// a family accepted by referral since is among them until its offer lapses (decisions.md 203).
func (a *App) WaitingList(ctx context.Context, centre uuid.UUID) ([]WaitingFamily, error) {
	c, err := a.centres.Get(ctx, centre)
	if err != nil {
		return nil, err
	}
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return nil, err
	}
	queue := w.Queue(a.now())
	loc, _ := domain.Zone(domain.DefaultZone) // the centre's dates, as its staff register's (centreToday)
	out := make([]WaitingFamily, 0, len(queue))
	for i, x := range queue {
		f, err := a.sessions.Family(ctx, x.Family)
		if err != nil {
			return nil, err
		}
		wf := WaitingFamily{Waiting: x, Position: i + 1, JoinedOn: domain.LocalDate(x.Joined, loc)}
		var rule *problem.RuleError
		err = notOffered(c.Details.ServiceTypes, f.WaitsFor(x.ServiceType))
		if err == nil {
			err = f.MayBeOffered(x.ServiceType)
		}
		if err == nil {
			err = f.HasChildUnder18On(a.centreToday())
		}
		if err == nil {
			err = f.InContact(a.now())
		}
		if errors.As(err, &rule) {
			wf.PassedOver = rule.Reason
		} else if err != nil {
			return nil, err
		}
		out = append(out, wf)
	}
	for _, o := range w.Offers(a.now()) {
		out = append(out, WaitingFamily{Waiting: o.Waiting, JoinedOn: domain.LocalDate(o.Joined, loc), Offer: &o})
	}
	return out, nil
}
