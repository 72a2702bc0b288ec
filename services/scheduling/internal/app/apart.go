package app

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// KeptApartAnswer is what recording two families as kept apart answers: whether they were
// already, the reason as recorded, their bookings already made alongside each other, and the
// pairs the same adult may bring together that are not kept apart (decision 334).
type KeptApartAnswer struct {
	Already   bool
	Reason    schedulingv1.KeepApartReason
	Alongside []*schedulingv1.BookedAlongside
	Also      []*schedulingv1.AlsoKeepApart
}

// KeepFamiliesApart records that family and other, both known at centre, are kept apart (decision
// 330): one event in each family's stream, at the version read, so that a booking of either
// racing it is decided again and sees it. Bookings of the two already made at overlapping times
// stand, and are answered for the coordinator to move one; the day sheet alerts them. Pairs the
// same adult may bring together are answered too, for the coordinator to record (decision 334).
func (a *App) KeepFamiliesApart(ctx context.Context, centre, family, other uuid.UUID, reason schedulingv1.KeepApartReason, md eventstore.Metadata) (KeptApartAnswer, *eventstore.UnitOfWork, error) {
	f, o, err := a.pair(ctx, family, other)
	if err != nil {
		return KeptApartAnswer{}, nil, err
	}
	fv, ov := f.Version(), o.Version()
	mine, theirs, recorded, already, err := f.KeepApart(o, centre, reason, a.centreToday())
	if err != nil {
		return KeptApartAnswer{}, nil, err
	}
	for _, id := range []uuid.UUID{family, other} {
		if erased, err := a.erased(ctx, id); err != nil || erased {
			return KeptApartAnswer{}, nil, cmp.Or(err, erasedRefusal(id))
		}
	}
	answer := KeptApartAnswer{Already: already, Reason: recorded, Alongside: bookedAlongside(f, o, centre, a.now())}
	for _, x := range f.AlsoKeepApart(o, centre) {
		// A pair with a family whose data was erased is not answered: its command would append to
		// the erased family's record, and is refused (review 69, finding 4).
		if erased, err := a.erased(ctx, x.Family); err != nil || erased {
			if err != nil {
				return KeptApartAnswer{}, nil, err
			}
			continue
		}
		if erased, err := a.erased(ctx, x.Other); err != nil || erased {
			if err != nil {
				return KeptApartAnswer{}, nil, err
			}
			continue
		}
		answer.Also = append(answer.Also, &schedulingv1.AlsoKeepApart{FamilyId: x.Family.String(), OtherFamilyId: x.Other.String(),
			ThroughFamilyId: x.Through.String(), Reason: x.Reason})
	}
	if already {
		return answer, nil, nil
	}
	uow := new(eventstore.UnitOfWork)
	// The families referred again as either of the two are kept apart from the other too (decision
	// 379): each carried pair's event goes in the family referred again's stream, and its other
	// half in this pair's, beside this pair's own event.
	toOther, err := a.carryToReferredAgain(ctx, uow, f, o, centre, md)
	if err != nil {
		return KeptApartAnswer{}, nil, err
	}
	toFamily, err := a.carryToReferredAgain(ctx, uow, o, f, centre, md)
	if err != nil {
		return KeptApartAnswer{}, nil, err
	}
	if err := a.append(uow, domain.FamilyStream(family), fv, family, centre, md, append([]proto.Message{mine}, toFamily...)...); err != nil {
		return KeptApartAnswer{}, nil, err
	}
	if err := a.append(uow, domain.FamilyStream(other), ov, other, centre, md, append([]proto.Message{theirs}, toOther...)...); err != nil {
		return KeptApartAnswer{}, nil, err
	}
	return answer, uow, nil
}

// carryToReferredAgain keeps every family confirmed at centre as earlier referred again (and
// theirs in turn: adapters' ReferredAgain), not erased, apart from other, as earlier now is: a pair
// recorded on earlier after its child was confirmed referred again (review 69 left it; decision
// 379). Each such family's event is appended on uow at the version read; the other halves, for
// other's stream, are returned for the caller to append with its own.
func (a *App) carryToReferredAgain(ctx context.Context, uow *eventstore.UnitOfWork, earlier, other *domain.Family, centre uuid.UUID, md eventstore.Metadata) ([]proto.Message, error) {
	again, err := a.sessions.ReferredAgain(ctx, earlier.ID(), centre)
	if err != nil {
		return nil, err
	}
	var theirs []proto.Message
	for _, id := range again {
		if id == other.ID() {
			continue
		}
		if erased, err := a.erased(ctx, id); err != nil || erased {
			if err != nil {
				return nil, err
			}
			continue
		}
		r, err := a.sessions.Family(ctx, id)
		if err != nil {
			return nil, err
		}
		rv := r.Version()
		m, t, ok := r.CarryKeptApart(earlier, other, centre, a.centreToday())
		if !ok {
			continue
		}
		if err := a.append(uow, domain.FamilyStream(id), rv, id, centre, md, m); err != nil {
			return nil, err
		}
		theirs = append(theirs, t)
	}
	return theirs, nil
}

// ErrFamilyErased refuses keeping apart a family whose personal data referral erased (review 69,
// finding 4): it is referred to the centre no more, so there is nothing to keep apart from, and
// its record does not grow after its erasure.
var ErrFamilyErased = adapters.ErrFamilyErased

// erasedRefusal names the erased family by id: the command named it.
func erasedRefusal(family uuid.UUID) error {
	return problem.Rule(ErrFamilyErased.Reason, "family "+family.String()+"'s personal data was erased: it is referred to the "+
		"centre no more, so it is not kept apart from anyone and nothing more is recorded about it")
}

// erased reports whether referral erased the family's personal data: erased_families, written with
// the erasure, or, for an erasure from before that was kept, the family's key destroyed in the
// service's key store.
func (a *App) erased(ctx context.Context, family uuid.UUID) (bool, error) {
	erased, err := a.sessions.Erased(ctx, family)
	if err != nil || erased {
		return erased, err
	}
	return a.keys.Shredded(ctx, family)
}

// CarryKeptApart keeps family apart from every family of centre that earlier is kept apart from,
// for the same reason (decision 363): a child on family's referral at centre was confirmed as the
// child on earlier's (referral's SameChildConfirmed), so family is earlier referred again, and the
// centre's recorded risk goes with it. One FamiliesKeptApart in each stream, naming earlier as the
// family it was carried from, appended at the versions read: a booking of either racing it is
// decided again and sees it. A pair with a family whose data was erased is not carried, nor
// anything to an erased family; a pair family has already is left as it is.
func (a *App) CarryKeptApart(ctx context.Context, uow *eventstore.UnitOfWork, family, centre, earlier uuid.UUID, md eventstore.Metadata) error {
	if family == earlier {
		return nil
	}
	if erased, err := a.erased(ctx, family); err != nil || erased {
		return err
	}
	// Kept, so that a pair recorded on earlier from now on is carried too (decision 379).
	adapters.NoteReferredAgain(uow, family, earlier, centre)
	f, e, err := a.pair(ctx, family, earlier)
	if err != nil {
		return err
	}
	fv := f.Version()
	var mine []proto.Message
	for _, id := range e.KeptApartFrom(centre) {
		if erased, err := a.erased(ctx, id); err != nil || erased {
			if err != nil {
				return err
			}
			continue
		}
		o, err := a.sessions.Family(ctx, id)
		if err != nil {
			return err
		}
		ov := o.Version()
		m, theirs, ok := f.CarryKeptApart(e, o, centre, a.centreToday())
		if !ok {
			continue
		}
		mine = append(mine, m)
		if err := a.append(uow, domain.FamilyStream(id), ov, id, centre, md, theirs); err != nil {
			return err
		}
	}
	return a.append(uow, domain.FamilyStream(family), fv, family, centre, md, mine...)
}

// EndKeepingApart ends the keeping apart of family and other at centre: one event in each
// family's stream. It returns why they had been kept apart. A pair naming an erased family is
// refused ErrFamilyErased, with nothing appended.
func (a *App) EndKeepingApart(ctx context.Context, centre, family, other uuid.UUID, md eventstore.Metadata) (schedulingv1.KeepApartReason, *eventstore.UnitOfWork, error) {
	f, o, err := a.pair(ctx, family, other)
	if err != nil {
		return 0, nil, err
	}
	fv, ov := f.Version(), o.Version()
	mine, theirs, was, err := f.EndKeepingApart(o, centre, a.centreToday())
	if err != nil {
		return 0, nil, err
	}
	// An erased family is kept apart from no one already (decision 363), and its record does not
	// grow after its erasure: ending a pair with it would append to its stream (decision 371).
	for _, id := range []uuid.UUID{family, other} {
		if erased, err := a.erased(ctx, id); err != nil || erased {
			return 0, nil, cmp.Or(err, erasedRefusal(id))
		}
	}
	uow := new(eventstore.UnitOfWork)
	if err := a.append(uow, domain.FamilyStream(family), fv, family, centre, md, mine); err != nil {
		return 0, nil, err
	}
	return was, uow, a.append(uow, domain.FamilyStream(other), ov, other, centre, md, theirs)
}

func (a *App) pair(ctx context.Context, family, other uuid.UUID) (*domain.Family, *domain.Family, error) {
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return nil, nil, err
	}
	o, err := a.sessions.Family(ctx, other)
	if err != nil {
		return nil, nil, err
	}
	return f, o, nil
}

// bookedAlongside are f's bookings still to come at centre each with a booking of o overlapping
// it the same day.
func bookedAlongside(f, o *domain.Family, centre uuid.UUID, now time.Time) []*schedulingv1.BookedAlongside {
	var out []*schedulingv1.BookedAlongside
	for _, b := range f.Booked(centre, now) {
		for _, ob := range o.Alongside(b) {
			out = append(out, &schedulingv1.BookedAlongside{BookingId: b.ID.String(), AlongsideBookingId: ob.ID.String(),
				SessionDate: dates.Proto(b.Date)})
		}
	}
	return out
}

// apartGuards are the streams of the families a booking's family is kept apart from, as the
// booking read them, each under the pair's key.
type apartGuards []apartGuard

type apartGuard struct {
	key, stream string
	version     int64
}

// notAlongside refuses booking b of family f (FAMILIES_KEPT_APART, naming the other booking) when
// a family f is kept apart from has a booking at b's centre on its day whose time overlaps it
// (decision 330). Otherwise it returns the guards that keep it so: each other family's stream at
// the version read, under a key of the pair, so that two bookings of the pair racing each other
// commit one after the other, and the later, seeing the other stream moved, is decided again and
// refused (decisions.md 75). Keys are taken in one order by every unit, so none waits on another
// in a circle.
func (a *App) notAlongside(ctx context.Context, f *domain.Family, b *domain.Booking) (apartGuards, error) {
	var guards apartGuards
	for _, id := range f.KeptApartFrom(b.Centre) {
		o, err := a.sessions.Family(ctx, id)
		if err != nil {
			return nil, err
		}
		if alongside := o.Alongside(b); len(alongside) > 0 {
			return nil, domain.KeptApartRefusal(b, alongside[0])
		}
		guards = append(guards, apartGuard{key: pairKey(f.ID(), id), stream: domain.FamilyStream(id), version: o.Version()})
	}
	slices.SortFunc(guards, func(x, y apartGuard) int { return strings.Compare(x.key, y.key) })
	return guards, nil
}

// on adds the guards to the unit.
func (g apartGuards) on(uow *eventstore.UnitOfWork) {
	for _, x := range g {
		uow.Guard(x.key, x.stream, x.version)
	}
}

// pairKey is the same for a pair whichever family books.
func pairKey(a, b uuid.UUID) string {
	x, y := a.String(), b.String()
	if y < x {
		x, y = y, x
	}
	return "apart-" + x + "-" + y
}

// keptApartAlongside are the bookings of rows, still booked, whose family is kept apart from the
// family of another of the rows still booked at an overlapping time, or one within the door's
// window of it (domain.TimeAtCentre.TooClose, as booking refuses; decision 334): the day sheet
// alerts both (ALERT_FAMILY_KEPT_APART_BOOKED_ALONGSIDE). The pair was recorded after both were
// booked, as booking one alongside the other is refused.
func keptApartAlongside(rows []adapters.BookingRow, apart map[uuid.UUID][]uuid.UUID) []bool {
	out := make([]bool, len(rows))
	booked := func(r adapters.BookingRow) bool {
		return schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED
	}
	for i, r := range rows {
		if !booked(r) || len(apart[r.Family]) == 0 {
			continue
		}
		for j, o := range rows {
			if i != j && booked(o) && slices.Contains(apart[r.Family], o.Family) && timeAtCentre(r).TooClose(timeAtCentre(o)) {
				out[i], out[j] = true, true
			}
		}
	}
	return out
}

// timeAtCentre is a day sheet row's time at the centre as booked.
func timeAtCentre(r adapters.BookingRow) domain.TimeAtCentre {
	return domain.TimeAtCentreFor(r.VisitingArrives, r.ChildrenArrive, r.ChildrenLeave, r.VisitingLeaves)
}
