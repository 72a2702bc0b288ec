package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Slot is the opening session and room a booking asks for.
type Slot struct {
	Pattern uuid.UUID
	Date    time.Time
	Room    uuid.UUID
	// Start is when the children's contact starts; nil is as early as possible.
	Start *domain.Clock
}

// BookSession books a family into a slot. The unit appends to the family's stream and to the
// room's occupancy stream, each at the version the decision saw: a hold noted meanwhile, or
// another booking taking the last place, makes it fail as a whole, and command.Once decides it
// again, seeing the hold or the full room (Aborted only when it loses every time). A place offered
// from the waiting list is held for the families offered it (PLACE_ON_OFFER otherwise,
// keepsPlacesOffered), decided on the list as read and guarded by it (guardWaitingList), so an
// offer made meanwhile sends the booking back to be decided again (review 68).
func (a *App) BookSession(ctx context.Context, centre, family uuid.UUID, slot Slot, md eventstore.Metadata) (*domain.Booking, *eventstore.UnitOfWork, error) {
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return nil, nil, err
	}
	s, err := t.Session(slot.Pattern, slot.Date)
	if err != nil {
		return nil, nil, err
	}
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return nil, nil, err
	}
	expected := f.Version()
	b, ev, err := f.Book(uuid.New(), centre, s, slot.Room, slot.Start, a.now())
	if err != nil {
		return nil, nil, a.sayAllowedDates(ctx, t, f, uuid.Nil, err)
	}
	if err := a.offered(ctx, centre, b); err != nil {
		return nil, nil, err
	}
	apart, err := a.notAlongside(ctx, f, b)
	if err != nil {
		return nil, nil, err
	}
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	apart.on(uow)
	occ, err := a.takePlace(ctx, uow, t, b, family, md)
	if err != nil {
		return nil, nil, err
	}
	if err := a.keepsPlacesOffered(ctx, w, t, b, occ); err != nil {
		return nil, nil, err
	}
	if err := a.append(uow, domain.FamilyStream(family), expected, family, centre, md, ev); err != nil {
		return nil, nil, err
	}
	if err := a.leaveWaitingListBooked(uow, w, centre, family, md); err != nil {
		return nil, nil, err
	}
	// Decided on the timetable as read: a redefinition of the pattern committed meanwhile sends
	// the booking back to be decided again (decisions.md 79).
	guardTimetable(uow, centre, t.Version())
	return b, uow, nil
}

// sayAllowedDates words a TOO_SOON_FOR_FREQUENCY refusal (err, of family f's booking, or of its
// move of booking moving) with the nearest dates before and after the one asked that the
// coordinator could book instead (domain.Family's SayAllowedDates; review 52 was refused again on
// following the dates suggested). A date needs a place free in the room asked, counted from the
// read model as firstFreePlace counts it: the session's bookings not cancelled, supervised contact
// having the room to itself. Any other error is returned as it is.
func (a *App) sayAllowedDates(ctx context.Context, t *domain.Timetable, f *domain.Family, moving uuid.UUID, err error) error {
	var tooSoon *domain.TooSoonError
	if !errors.As(err, &tooSoon) {
		return err
	}
	b := tooSoon.Booking
	room, ok := t.Room(b.Room)
	if !ok {
		return err
	}
	now := a.now()
	booked, readErr := a.sessions.Booked(ctx, b.Centre, domain.LocalDate(now, b.Location()),
		domain.LocalDate(now.AddDate(0, domain.BookAhead, 0), b.Location()), now)
	if readErr != nil {
		return readErr
	}
	supervised := b.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	return f.SayAllowedDates(tooSoon, t, moving, now, func(s domain.Session) bool {
		u := booked[adapters.RoomSessionKey{Room: room.ID, Opens: s.Opens.UTC()}]
		return domain.RoomUse{Booked: u.Booked, Supervised: u.Supervised}.HasPlace(room, 0, supervised)
	})
}

// offered refuses booking b at centre for a kind of contact the centre does not offer
// (SERVICE_NOT_OFFERED, notOffered), as the waiting list does (decisions.md 183): a supervised
// family was booked at a centre offering supported contact only (decision 226, left). The centre's
// kinds are read as they stand; a centre that stops offering a kind keeps the bookings it has.
func (a *App) offered(ctx context.Context, centre uuid.UUID, b *domain.Booking) error {
	c, err := a.centres.Get(ctx, centre)
	if err != nil {
		return err
	}
	return notOffered(c.Details.ServiceTypes, b.ServiceType)
}

// SupervisorWarning is what a booking b answers besides itself: for supervised contact, when the
// centre's staff register clears nobody (NO_SUPERVISOR) or one only (NO_SECOND_SUPERVISOR) to
// supervise contact on its date (staff.Register's NoSupervisorWarning, by the rule completion
// applies), the warning in words; "" otherwise.
// It warns and does not refuse: sessions are booked weeks ahead, a court may order the contact
// before the centre's supervisor is trained, and the register may be put right before the day;
// the day sheet alerts the session until it is (review 22: a session booked and held with nobody
// cleared could never be completed, and nobody was told).
func (a *App) SupervisorWarning(ctx context.Context, b *domain.Booking) (string, error) {
	if b.ServiceType != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		return "", nil
	}
	register, err := a.sessions.Staff(ctx, b.Centre)
	if err != nil {
		return "", err
	}
	return register.NoSupervisorWarning(b.Date), nil
}

// ReviewWarning is what a booking b answers besides itself when its session is for supported
// contact on a date after the family's review was due (domain.Family's ReviewWarning):
// REVIEW_OVERDUE in words; "" otherwise. It warns and does not refuse (decision 261): a review not
// yet held is the centre's paperwork to put right, and stopping the child's contact for it would
// harm the child; the day sheet alerts the session until the review is recorded.
func (a *App) ReviewWarning(ctx context.Context, b *domain.Booking) (string, error) {
	f, err := a.sessions.Family(ctx, b.Family)
	if err != nil {
		return "", err
	}
	return f.ReviewWarning(b, a.today()), nil
}

// ChildWarning is what a booking b answers besides itself when a child of the family is 18 or over
// on its date (domain.Family's ComeOfAgeWarning): CHILD_TURNS_18 in words; "" otherwise. It warns
// and does not refuse, for the family's younger children; a family with none under 18 on the date
// is refused by the booking itself (NO_CHILD_UNDER_18, review 49).
func (a *App) ChildWarning(ctx context.Context, b *domain.Booking) (string, error) {
	f, err := a.sessions.Family(ctx, b.Family)
	if err != nil {
		return "", err
	}
	return f.ComeOfAgeWarning(b), nil
}

// leaveWaitingListBooked takes a family just booked off the centre's waiting list w, as read
// (WaitingListLeft, reason booked), in the booking's unit: a family in contact does not wait
// for a place (JoinWaitingList refuses it, IN_CONTACT), and one left on the list stayed in the
// national waiting-list figure until offered a place it could not take (review 17). A family
// not on the list as read guards the list with the family's key, as EndContact does, so a
// JoinWaitingList deciding meanwhile (which guards the family's stream with the same key) and
// this booking are decided one after the other (decisions.md 75); and with the list's own key,
// shared, which an offer takes alone (guardWaitingList).
func (a *App) leaveWaitingListBooked(uow *eventstore.UnitOfWork, w *domain.WaitingList, centre, family uuid.UUID, md eventstore.Metadata) error {
	expected := w.Version()
	ev := w.Leave(family, schedulingv1.WaitingListLeaveReason_WAITING_LIST_LEAVE_REASON_BOOKED, a.now())
	if ev == nil {
		uow.Guard(domain.FamilyStream(family), domain.WaitingListStream(centre), expected)
		guardWaitingList(uow, centre, expected)
		return nil
	}
	// Appended at the version read: an offer appended meanwhile is a version conflict.
	return a.append(uow, domain.WaitingListStream(centre), expected, family, centre, md, ev)
}

// guardWaitingList makes a booking's unit, which decided on the centre's waiting list as read at
// version (the places it holds for families offered them, keepsPlacesOffered) and does not
// append to it, commit only if the list is still at that version, under the list's lock shared
// with every booking and taken alone by an offer (lockWaitingList): an offer made meanwhile is a
// version conflict, and the booking is decided again, seeing the place held (review 68). Bookings
// do not wait for each other, as on the timetable (guardTimetable).
func guardWaitingList(uow *eventstore.UnitOfWork, centre uuid.UUID, version int64) {
	stream := domain.WaitingListStream(centre)
	uow.GuardShared(stream, stream, version)
}

// lockWaitingList takes the centre's waiting list's lock alone in an offer's unit, once it has
// appended the offer: a booking guarding the list (guardWaitingList) and committed before is one
// the offer's place was read beside, as a booking committing just before it (decisions.md 283);
// one committing after waits for the offer, then finds the list moved and is decided again.
func lockWaitingList(uow *eventstore.UnitOfWork, centre uuid.UUID) {
	uow.Project(func(ctx context.Context, tx pgx.Tx) error {
		return eventstore.Lock(ctx, tx, domain.WaitingListStream(centre))
	})
}

// keepsPlacesOffered refuses booking b, its place taken in occ, when it leaves the room's session
// fewer places than the offers of the place (b's pattern and room) standing on w to families other
// than b's (domain.KeepsPlacesOffered; review 68). A family offered the place is booked into it
// as before. An offer to a family waiting for supervised contact holds the room whole.
func (a *App) keepsPlacesOffered(ctx context.Context, w *domain.WaitingList, t *domain.Timetable, b *domain.Booking, occ *domain.Occupancy) error {
	held := domain.HeldFrom(w.OnOffer(b.Pattern, b.Room, a.now()), b.Family)
	if len(held) == 0 {
		return nil
	}
	room, _ := t.Room(b.Room)
	supervised := false
	for _, o := range held {
		sup, err := a.waitsForSupervised(ctx, o.Waiting)
		if err != nil {
			return err
		}
		supervised = supervised || sup
	}
	return domain.KeepsPlacesOffered(room, occ.Use(), held, supervised, b.Location())
}

// takePlace adds the booking's place in its room's occupancy stream to the unit, and returns the
// occupancy with the place taken.
func (a *App) takePlace(ctx context.Context, uow *eventstore.UnitOfWork, t *domain.Timetable, b *domain.Booking, family uuid.UUID, md eventstore.Metadata) (*domain.Occupancy, error) {
	occ, err := a.sessions.Occupancy(ctx, b.Occupancy())
	if err != nil {
		return nil, err
	}
	room, _ := t.Room(b.Room)
	expected := occ.Version()
	ev, err := occ.Take(b.Centre, room, b.Date, b.ID, family, b.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	if err != nil {
		return nil, err
	}
	return occ, a.append(uow, occ.Stream(), expected, family, b.Centre, md, ev)
}

// freePlaces adds to the unit the places given back by every cancellation among events.
func (a *App) freePlaces(ctx context.Context, uow *eventstore.UnitOfWork, f *domain.Family, events []proto.Message, md eventstore.Metadata) error {
	type freed struct {
		occ      *domain.Occupancy
		expected int64
		events   []proto.Message
		centre   uuid.UUID
	}
	var order []string
	streams := map[string]*freed{}
	for _, ev := range events {
		c, ok := ev.(*schedulingv1.BookingCancelled)
		if !ok {
			continue
		}
		b, err := f.Booking(uuid.MustParse(c.GetBookingId()))
		if err != nil {
			return err
		}
		s := streams[b.Occupancy()]
		if s == nil {
			occ, err := a.sessions.Occupancy(ctx, b.Occupancy())
			if err != nil {
				return err
			}
			s = &freed{occ: occ, expected: occ.Version(), centre: b.Centre}
			streams[b.Occupancy()] = s
			order = append(order, b.Occupancy())
		}
		e, err := s.occ.Free(b.Centre, b.Room, b.Date, b.ID, f.ID())
		if err != nil {
			return err
		}
		if e != nil {
			s.events = append(s.events, e)
		}
	}
	for _, name := range order {
		s := streams[name]
		if err := a.append(uow, name, s.expected, f.ID(), s.centre, md, s.events...); err != nil {
			return err
		}
	}
	return nil
}

// RescheduleBooking moves a booking to another slot: the old booking is cancelled and its place
// freed, the new one booked and its place taken, in one unit. It returns the new booking and the
// old one as cancelled, whose notice and lateness the answer says (decision 263).
func (a *App) RescheduleBooking(ctx context.Context, centre, booking uuid.UUID, slot Slot, by schedulingv1.CancelledBy, md eventstore.Metadata) (*domain.Booking, *domain.Booking, *eventstore.UnitOfWork, error) {
	family, err := a.sessions.BookingFamily(ctx, centre, booking)
	if err != nil {
		return nil, nil, nil, err
	}
	t, err := a.sessions.Timetable(ctx, centre)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := t.Session(slot.Pattern, slot.Date)
	if err != nil {
		return nil, nil, nil, err
	}
	f, err := a.sessions.Family(ctx, family)
	if err != nil {
		return nil, nil, nil, err
	}
	expected := f.Version()
	b, events, err := f.Reschedule(booking, uuid.New(), centre, s, slot.Room, slot.Start, by, a.now())
	if err != nil {
		return nil, nil, nil, a.sayAllowedDates(ctx, t, f, booking, err)
	}
	if err := a.offered(ctx, centre, b); err != nil {
		return nil, nil, nil, err
	}
	// Moved alongside a family it is kept apart from, as booked there, is refused (decision 330).
	apart, err := a.notAlongside(ctx, f, b)
	if err != nil {
		return nil, nil, nil, err
	}
	if b.Occupancy() == mustBooking(f, booking).Occupancy() {
		// The same room-session: the place freed and the place taken are one stream's append.
		uow, err := a.rescheduleInPlace(ctx, t, f, b, booking, events, expected, md)
		if uow != nil {
			apart.on(uow)
		}
		return b, mustBooking(f, booking), uow, err
	}
	// Moved into a place held for families offered it takes it as a booking would (review 68).
	w, err := a.sessions.WaitingList(ctx, centre)
	if err != nil {
		return nil, nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	apart.on(uow)
	if err := a.freePlaces(ctx, uow, f, events, md); err != nil {
		return nil, nil, nil, err
	}
	occ, err := a.takePlace(ctx, uow, t, b, family, md)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := a.keepsPlacesOffered(ctx, w, t, b, occ); err != nil {
		return nil, nil, nil, err
	}
	if err := a.append(uow, domain.FamilyStream(family), expected, family, centre, md, events...); err != nil {
		return nil, nil, nil, err
	}
	guardTimetable(uow, centre, t.Version())
	guardWaitingList(uow, centre, w.Version())
	return b, mustBooking(f, booking), uow, nil
}

// rescheduleInPlace builds the unit when the new booking is in the old one's room-session: the
// occupancy stream gets the freed and the taken place in one append.
func (a *App) rescheduleInPlace(ctx context.Context, t *domain.Timetable, f *domain.Family, b *domain.Booking, old uuid.UUID, events []proto.Message, expected int64, md eventstore.Metadata) (*eventstore.UnitOfWork, error) {
	occ, err := a.sessions.Occupancy(ctx, b.Occupancy())
	if err != nil {
		return nil, err
	}
	before := occ.Version()
	ob := mustBooking(f, old)
	freed, err := occ.Free(b.Centre, ob.Room, ob.Date, ob.ID, f.ID())
	if err != nil {
		return nil, err
	}
	room, _ := t.Room(b.Room)
	taken, err := occ.Take(b.Centre, room, b.Date, b.ID, f.ID(), b.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED)
	if err != nil {
		return nil, err
	}
	occEvents := []proto.Message{taken}
	if freed != nil {
		occEvents = []proto.Message{freed, taken}
	}
	uow := new(eventstore.UnitOfWork)
	if err := a.append(uow, occ.Stream(), before, f.ID(), b.Centre, md, occEvents...); err != nil {
		return nil, err
	}
	if err := a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), b.Centre, md, events...); err != nil {
		return nil, err
	}
	guardTimetable(uow, b.Centre, t.Version())
	return uow, nil
}

func mustBooking(f *domain.Family, id uuid.UUID) *domain.Booking {
	b, _ := f.Booking(id)
	return b
}

// CallOff is the centre's reason for calling a session off (domain.Family's CentreCallsOff), and
// its note in words (the port checked it), which is kept sealed with the family's key.
type CallOff struct {
	Reason schedulingv1.CallOffReason
	Note   string
}

// CancelBooking cancels a booking, by a parent or the referrer at their request, or by the centre
// calling the session off for off's reason, and frees its place.
func (a *App) CancelBooking(ctx context.Context, centre, booking uuid.UUID, by schedulingv1.CancelledBy, off CallOff, md eventstore.Metadata) (*domain.Booking, *schedulingv1.BookingCancelled, *eventstore.UnitOfWork, error) {
	f, err := a.familyOfBooking(ctx, centre, booking)
	if err != nil {
		return nil, nil, nil, err
	}
	expected := f.Version()
	var (
		b  *domain.Booking
		ev *schedulingv1.BookingCancelled
	)
	if by == schedulingv1.CancelledBy_CANCELLED_BY_CENTRE {
		b, ev, err = f.CentreCallsOff(booking, off.Reason, a.now())
	} else {
		b, ev, err = f.Cancel(booking, by, a.now())
	}
	if err != nil {
		return nil, nil, nil, err
	}
	var ids map[proto.Message]uuid.UUID
	if off.Note != "" {
		if ids, err = a.sealCallOffNote(ctx, f.ID(), ev, off.Note); err != nil {
			return nil, nil, nil, err
		}
	}
	uow := new(eventstore.UnitOfWork)
	if err := a.freePlaces(ctx, uow, f, []proto.Message{ev}, md); err != nil {
		return nil, nil, nil, err
	}
	return b, ev, uow, a.appendAs(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, ids, ev)
}

// ErrNoKeyStoreForNote refuses a call-off's note when the service has no key store: the note is
// never kept in clear, and the call-off is not kept without the note its reason asked for.
var ErrNoKeyStoreForNote = problem.Rule(adapters.ErrNoKeyStore.Reason, "this scheduling service has no key store to keep the "+
	"call-off's note sealed (-keystore-url / KEYSTORE_URL, and KEKs): a note is never kept in clear; record the call-off with "+
	"another reason and no note, or once the service has a key store")

// sealCallOffNote seals the centre's note on calling a session off into its event, with the
// family's data key bound to the event's id (minted here) and the field, as an explained no-show's
// explanation is (sealExplanation): free text may name someone, so it is never kept in clear.
func (a *App) sealCallOffNote(ctx context.Context, family uuid.UUID, ev *schedulingv1.BookingCancelled, note string) (map[proto.Message]uuid.UUID, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	sealed, err := a.keys.SealString(ctx, family, id, "sealed_call_off_note", note)
	if errors.Is(err, adapters.ErrNoKeyStore) {
		return nil, ErrNoKeyStoreForNote
	}
	if err != nil {
		return nil, err
	}
	ev.SealedCallOffNote = sealed
	return map[proto.Message]uuid.UUID{ev: id}, nil
}

func (a *App) familyOfBooking(ctx context.Context, centre, booking uuid.UUID) (*domain.Family, error) {
	family, err := a.sessions.BookingFamily(ctx, centre, booking)
	if err != nil {
		return nil, err
	}
	return a.sessions.Family(ctx, family)
}
