package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// CheckInResult is what the door is told.
type CheckInResult struct {
	Admitted bool
	Role     schedulingv1.PersonRole
	Refusal  string
	// Again: admitted before, nothing new recorded.
	Again bool
	// Cautions: what the door must mind about a new admission (Family.DoorCautions), or about a
	// refusal: the other party inside or near the door (Family.RefusalCautions).
	Cautions []domain.Caution
	// Booking is the booking as the check-in leaves it: a refusal's way on depends on its state.
	Booking *domain.Booking
}

// CheckIn admits a person named for the booking's family, or refuses and records it.
func (a *App) CheckIn(ctx context.Context, centre, booking, person uuid.UUID, md eventstore.Metadata) (CheckInResult, *eventstore.UnitOfWork, error) {
	f, err := a.familyOfBooking(ctx, centre, booking)
	if err != nil {
		return CheckInResult{}, nil, err
	}
	expected := f.Version()
	uow := new(eventstore.UnitOfWork)
	if err := a.atTheDoor(ctx, uow, centre, f, booking, md); err != nil {
		return CheckInResult{}, nil, err
	}
	now := a.now()
	admitted, role, refusal, ev, err := f.CheckIn(booking, person, now)
	if errors.Is(err, domain.ErrNobodyOfTheFamily) {
		return CheckInResult{}, nil, a.whoseRow(ctx, centre, f, booking, person)
	}
	if errors.Is(err, domain.ErrBookingNotActive) {
		// Turned away all the same: the volunteer at the door is told of a family kept apart from
		// this one as for any refusal (review 65; decision 352). A no-show and a completed session
		// are recorded refusals now (BOOKING_NO_SHOW, BOOKING_COMPLETED; decision 359): this is a
		// booking in no state the door knows.
		return CheckInResult{}, nil, a.notActiveAtDoor(ctx, f, booking, now, err)
	}
	if err != nil {
		return CheckInResult{}, nil, err
	}
	r := CheckInResult{Admitted: admitted, Role: role, Refusal: refusal, Again: admitted && ev == nil}
	if r.Booking, err = f.Booking(booking); err != nil {
		return CheckInResult{}, nil, err
	}
	if ev != nil {
		err = a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, ev)
	}
	if admitted {
		r.Cautions = f.DoorCautions(booking, person, now, r.Again)
	} else {
		// Review 61: turned away under a hold with the other parent inside, and told nothing of it.
		r.Cautions = f.RefusalCautions(booking, person, now)
	}
	if err == nil {
		// Whoever came to the door, admitted or turned away, may meet a family kept apart from
		// theirs (decision 343); said, never refused.
		apart, aerr := a.keptApartAtDoor(ctx, f, r.Booking, now)
		if aerr != nil {
			return CheckInResult{}, nil, aerr
		}
		r.Cautions = append(r.Cautions, apart...)
	}
	if admitted && !r.Again && err == nil {
		// The door is cautioned before a supervised family's contact starts with no supervisor free
		// to watch it (review 44, decision 265); the person is admitted all the same: the door finds
		// a supervisor, or tells the coordinator.
		c, cerr := a.supervisorFree(ctx, r.Booking)
		if cerr != nil {
			return CheckInResult{}, nil, cerr
		}
		if c != nil {
			r.Cautions = append(r.Cautions, *c)
		}
	}
	return r, uow, err
}

// ErrPersonOfAnotherBooking refuses the check-in, at one booking, of a person of another family
// at the centre: the door read the wrong row. Nothing is recorded on either family.
const ErrPersonOfAnotherBooking = "PERSON_OF_ANOTHER_BOOKING"

// whoseRow is the refusal of a check-in of person, nobody of family f's: another family's at
// the centre (by its booking that day, if it has one), or nobody the centre knows
// (domain.ErrNobodyOfTheFamily). Review 51: both were recorded on f as a stranger turned away.
func (a *App) whoseRow(ctx context.Context, centre uuid.UUID, f *domain.Family, booking, person uuid.UUID) error {
	b, err := f.Booking(booking)
	if err != nil {
		return err
	}
	other, today, found, err := a.sessions.FamilyOfPerson(ctx, centre, f.ID(), person, b.Date)
	switch {
	case err != nil:
		return err
	case !found:
		return domain.ErrNobodyOfTheFamily
	case today != uuid.Nil:
		return problem.Rule(ErrPersonOfAnotherBooking, fmt.Sprintf("that is a person of another booking today: check the row "+
			"(they are on booking %s's row of the day sheet, not on %s's); nothing is recorded", today, booking))
	}
	return problem.Rule(ErrPersonOfAnotherBooking, fmt.Sprintf("that is a person of another family at this centre (family %s), "+
		"with no booking today: check the row; nothing is recorded", other))
}

// Movement is a party arriving or leaving.
type Movement struct {
	Booking uuid.UUID
	Party   schedulingv1.Party
	// At is the local time on the session's date; nil is now.
	At     *domain.Clock
	People []uuid.UUID
	// OthersStay: some of the children who came stay inside, and leave later (a departure only).
	OthersStay bool
}

// when is the movement's time: its local time on the booking's date, or now. Now is refused past
// the booking's Latest: recorded after the session, the movement needs the time it happened.
func (m Movement) when(f *domain.Family, now time.Time) (time.Time, error) {
	b, err := f.Booking(m.Booking)
	if err != nil {
		return now, err
	}
	if m.At == nil {
		if now.After(b.Latest()) {
			return now, b.TimeNeeded()
		}
		return now, nil
	}
	return domain.On(b.Date, *m.At, b.Location()), nil
}

// Arrival is what an arrival answers the door.
type Arrival struct {
	Booking *domain.Booking
	// MinutesLost are the minutes of contact lost to lateness: all of the children's time when
	// NoContactPossible.
	MinutesLost int
	// Cautions are what the door must mind (domain.Family's ArrivalCautions).
	Cautions []domain.Caution
	// NoContactPossible: the party came too late for any contact (domain.Booking's CameTooLate).
	NoContactPossible bool
}

// RecordArrival records a party's arrival; it answers the minutes of contact lost to lateness
// and what the door must mind: the parents may meet, or no contact is possible (review 36).
func (a *App) RecordArrival(ctx context.Context, centre uuid.UUID, m Movement, md eventstore.Metadata) (Arrival, *eventstore.UnitOfWork, error) {
	f, err := a.familyOfBooking(ctx, centre, m.Booking)
	if err != nil {
		return Arrival{}, nil, err
	}
	expected := f.Version()
	now := a.now()
	at, err := m.when(f, now)
	if err != nil {
		return Arrival{}, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	if err := a.atTheDoor(ctx, uow, centre, f, m.Booking, md); err != nil {
		return Arrival{}, nil, err
	}
	// First seen: nobody of the family checked in or recorded arriving before this arrival, which
	// then starts the family's time at the centre, as a first check-in does (supervisorFree).
	firstSeen := false
	if before, err := f.Booking(m.Booking); err == nil {
		firstSeen = len(before.CheckedIn) == 0 && len(before.Arrived) == 0
	}
	b, ev, err := f.Arrive(m.Booking, m.Party, at, m.People, now)
	if err != nil {
		return Arrival{}, nil, err
	}
	out := Arrival{Booking: b}
	if m.Party == schedulingv1.Party_PARTY_CHILDREN || m.Party == schedulingv1.Party_PARTY_VISITING {
		start, _ := b.Held()
		out.MinutesLost = int(start.Sub(b.ChildrenArrive).Minutes())
	}
	if !ev.GetMoreChildren() {
		out.Cautions, out.NoContactPossible = f.ArrivalCautions(b, m.Party, at, now)
		if now.Sub(at) < domain.DoorWindowMinutes*time.Minute {
			// As it happens, as PARENTS_MAY_MEET is said (decision 343).
			apart, err := a.keptApartAtDoor(ctx, f, b, at)
			if err != nil {
				return Arrival{}, nil, err
			}
			out.Cautions = append(out.Cautions, apart...)
			if firstSeen {
				// A supervised family recorded arriving, as it happens, with nobody checked in
				// first: the door is told no supervisor is free or cleared to watch it, as at a
				// first check-in (decisions 265, 374; 374's Left).
				c, err := a.supervisorFree(ctx, b)
				if err != nil {
					return Arrival{}, nil, err
				}
				if c != nil {
					out.Cautions = append(out.Cautions, *c)
				}
			}
		}
		if out.NoContactPossible {
			// No minute of contact is held: all of it is lost, not the minutes to the arrival
			// (review 36 read "minutes lost: 40" for a parent who came after the children left).
			out.MinutesLost = int(b.ChildrenLeave.Sub(b.ChildrenArrive).Minutes())
		}
	}
	return out, uow, a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, ev)
}

// RecordDeparture records a party's departure; it returns what the door must mind after it
// (domain.Family's DepartureCautions: the parents may meet on the way out, and the children left
// inside with none of their adults, by the day sheet's rule, decision 213). The departure is
// recorded, never refused, for them.
func (a *App) RecordDeparture(ctx context.Context, centre uuid.UUID, m Movement, md eventstore.Metadata) (*domain.Booking, []domain.Caution, *eventstore.UnitOfWork, error) {
	f, err := a.familyOfBooking(ctx, centre, m.Booking)
	if err != nil {
		return nil, nil, nil, err
	}
	expected := f.Version()
	now := a.now()
	at, err := m.when(f, now)
	if err != nil {
		return nil, nil, nil, err
	}
	uow := new(eventstore.UnitOfWork)
	if err := a.atTheDoor(ctx, uow, centre, f, m.Booking, md); err != nil {
		return nil, nil, nil, err
	}
	b, ev, err := f.Depart(m.Booking, m.Party, at, m.People, m.OthersStay, now)
	if err != nil {
		return nil, nil, nil, err
	}
	msgs := []proto.Message{ev}
	if off := f.CallOff(m.Booking, ev); off != nil {
		msgs = append(msgs, off)
	}
	cautions := f.DepartureCautions(b, m.Party, at, now)
	if now.Sub(at) < domain.DoorWindowMinutes*time.Minute {
		// As it happens, as PARENTS_MAY_MEET is said (decision 343).
		apart, err := a.keptApartAtDoor(ctx, f, b, at)
		if err != nil {
			return nil, nil, nil, err
		}
		cautions = append(cautions, apart...)
	}
	return b, cautions, uow, a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, msgs...)
}

// CorrectMovement corrects a party's arrival or departure recorded by mistake (domain.Family's
// Correct), by the people at the door, as they record it. m.At nil keeps the time recorded.
//
// A corrected arrival answers the cautions of the arrival as corrected (domain.Family's
// ArrivalCautions; decision 378, 317's Left): a visiting parent corrected to have come after the
// children went home is NO_CONTACT_POSSIBLE, with its no-show as the way on, where before the
// correction said nothing and only completion's refusal (NO_CONTACT_HELD) was left to tell.
func (a *App) CorrectMovement(ctx context.Context, centre uuid.UUID, m Movement, movement schedulingv1.Movement, notHappened bool, md eventstore.Metadata) (*domain.Booking, []domain.Caution, *eventstore.UnitOfWork, error) {
	f, err := a.familyOfBooking(ctx, centre, m.Booking)
	if err != nil {
		return nil, nil, nil, err
	}
	expected := f.Version()
	now := a.now()
	// No time keeps the time recorded: a correction of who came or left is not one of when
	// (review 36 moved a departure of 12:16 to 12:33 by restating who collected the children).
	var at time.Time
	if m.At != nil {
		if at, err = m.when(f, now); err != nil {
			return nil, nil, nil, err
		}
	}
	c := domain.Correction{Party: m.Party, Movement: movement, At: at, People: m.People, NotHappened: notHappened}
	uow := new(eventstore.UnitOfWork)
	if err := a.atTheDoor(ctx, uow, centre, f, m.Booking, md); err != nil {
		return nil, nil, nil, err
	}
	b, ev, err := f.Correct(m.Booking, c, now)
	if err != nil {
		return nil, nil, nil, err
	}
	var cautions []domain.Caution
	if movement == schedulingv1.Movement_MOVEMENT_ARRIVAL && !notHappened {
		if came, ok := b.Arrived[m.Party]; ok {
			cautions, _ = f.ArrivalCautions(b, m.Party, came, now)
		}
	}
	return b, cautions, uow, a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, ev)
}

// CorrectCheckIn withdraws a person's check-in recorded by mistake (domain.Family's
// CorrectCheckIn), by the people at the door, as they record it: on the centre's staff register,
// cleared on the session's date (atTheDoor). A person not checked in whose refusal at the door
// stands has that refusal withdrawn instead (domain.Family's WithdrawRefusal), with note: withdrawn
// is then the refusal's reason. A check-in's correction takes no note.
func (a *App) CorrectCheckIn(ctx context.Context, centre, booking, person uuid.UUID, note string, md eventstore.Metadata) (b *domain.Booking, withdrawn string, uow *eventstore.UnitOfWork, err error) {
	f, err := a.familyOfBooking(ctx, centre, booking)
	if err != nil {
		return nil, "", nil, err
	}
	expected := f.Version()
	uow = new(eventstore.UnitOfWork)
	if err := a.atTheDoor(ctx, uow, centre, f, booking, md); err != nil {
		return nil, "", nil, err
	}
	var ev proto.Message
	b, ev, err = f.CorrectCheckIn(booking, person, a.now())
	switch {
	case errors.Is(err, domain.ErrNotCheckedIn):
		var w *schedulingv1.CheckInRefusalWithdrawn
		if b, w, err = f.WithdrawRefusal(booking, person, a.now()); err != nil {
			return nil, "", nil, err
		}
		if note == "" {
			return b, w.GetReason(), uow, a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, w)
		}
		// The door's words may name someone: sealed with the family's key, never in clear (decision 301).
		id, err := uuid.NewV7()
		if err != nil {
			return nil, "", nil, err
		}
		sealed, err := a.keys.SealString(ctx, f.ID(), id, "sealed_note", note)
		if errors.Is(err, adapters.ErrNoKeyStore) {
			return nil, "", nil, problem.Rule(adapters.ErrNoKeyStore.Reason, "this scheduling service has no key store to keep the "+
				"note sealed: a note is never kept in clear; withdraw the refusal without --note, or once the service has a key store")
		}
		if err != nil {
			return nil, "", nil, err
		}
		w.SealedNote = sealed
		return b, w.GetReason(), uow, a.appendAs(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md,
			map[proto.Message]uuid.UUID{w: id}, w)
	case err != nil:
		return nil, "", nil, err
	case note != "":
		return nil, "", nil, problem.Invalid("note", "is kept with a refusal withdrawn: a check-in's correction takes none "+
			"(who made it is recorded with it)")
	}
	return b, withdrawn, uow, a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, ev)
}

// WithdrawNoShow withdraws a booking's no-show recorded by mistake (domain.Family's
// WithdrawNoShow), by the people at the door, as they record it. It returns the booking and the
// family's unexplained no-shows after it.
func (a *App) WithdrawNoShow(ctx context.Context, centre, booking uuid.UUID, md eventstore.Metadata) (*domain.Booking, int, *eventstore.UnitOfWork, error) {
	f, err := a.familyOfBooking(ctx, centre, booking)
	if err != nil {
		return nil, 0, nil, err
	}
	expected := f.Version()
	uow := new(eventstore.UnitOfWork)
	if err := a.atTheDoor(ctx, uow, centre, f, booking, md); err != nil {
		return nil, 0, nil, err
	}
	b, ev, err := f.WithdrawNoShow(booking, a.now())
	if err != nil {
		return nil, 0, nil, err
	}
	return b, f.UnexplainedNoShows(), uow, a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, ev)
}

// CompleteSession records that a session took place; caller is the account completing it. A
// supervised session is completed by its supervisor (supervisedBy empty is the caller, another
// account is refused), who must be a contact supervisor or the safeguarding lead on the centre's
// staff register, cleared on the session's date (decisions.md 82); the register is read here,
// beside the family, and guarded so that a leaving recorded meanwhile is seen.
func (a *App) CompleteSession(ctx context.Context, centre, booking uuid.UUID, supervisedBy, caller string, bySupervisor bool, md eventstore.Metadata) (*domain.Booking, *schedulingv1.SessionCompleted, *eventstore.UnitOfWork, error) {
	f, err := a.familyOfBooking(ctx, centre, booking)
	if err != nil {
		return nil, nil, nil, err
	}
	expected := f.Version()
	b, err := f.Booking(booking)
	if err != nil {
		return nil, nil, nil, err
	}
	register, err := a.sessions.Staff(ctx, centre)
	if err != nil {
		return nil, nil, nil, err
	}
	supervised := b.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	if !supervised {
		if err := register.Works(md.Actor, b.Date); err != nil {
			return nil, nil, nil, err
		}
	}
	b, ev, err := f.Complete(booking, supervisedBy, caller, bySupervisor, a.now())
	if err != nil {
		return nil, nil, nil, err
	}
	switch {
	case supervised:
		// Its supervisor is the caller (Family.Complete), and supervising asks more than working
		// at the door: its own refusals say why.
		if err := register.Supervises(ev.GetSupervisedBy(), b.Date); err != nil {
			return nil, nil, nil, err
		}
		if err := a.notSupervisingElsewhere(ctx, centre, b, ev.GetSupervisedBy()); err != nil {
			return nil, nil, nil, err
		}
	default:
		if ev.GetSupervisedBy() != caller {
			// A colleague who kept the room may be named, if they were cleared to work that day: an
			// account the register does not know is no record of who supervised.
			if err := register.Works(ev.GetSupervisedBy(), b.Date); err != nil {
				return nil, nil, nil, problem.Rule(staff.ErrNotCleared.Reason, fmt.Sprintf("supervised_by %s is not cleared to work at the centre's sessions on %s, "+
					"so is no record of who supervised: name someone on the staff register cleared that day, or leave it empty to name yourself", ev.GetSupervisedBy(), b.Date.Format(time.DateOnly)))
			}
		}
		if err := a.notSupervisingElsewhere(ctx, centre, b, ev.GetSupervisedBy()); err != nil {
			return nil, nil, nil, err
		}
	}
	// The register is read once, beside the family, and guarded: a leaving recorded meanwhile
	// makes the completion be decided again.
	uow := new(eventstore.UnitOfWork)
	guardStaff(uow, centre, register.Version())
	return b, ev, uow, a.append(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, ev)
}

// notSupervisingElsewhere refuses a session's completion naming as its supervisor a person
// already recorded on another session whose contact overlaps it, as held (recorded arrival and
// departure of the children, else as planned), when one of the two is supervised contact:
// supervised contact is observed and reported to the court, and one person cannot watch two rooms
// (review 15 completed two families' sessions at the same hour with one supervisor, and both
// reports went to them), nor watch a family and keep a supported room at once (decisions.md 177:
// a supervisor recorded keeping a supported room was let supervise a family at the same hour).
// Supported sessions alone may overlap: volunteers keep a shared room for several families. Two
// completions by one person at the same instant are not guarded against: a person completes one
// session, then the other, and the second is refused.
func (a *App) notSupervisingElsewhere(ctx context.Context, centre uuid.UUID, b *domain.Booking, supervisor string) error {
	from, to := b.ContactHeld()
	supervised := b.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED
	other, at, kind, start, end, found, err := a.sessions.SupervisedMeanwhile(ctx, centre, b.Date, supervisor, b.ID, from, to, !supervised)
	if err != nil || !found {
		return err
	}
	when := fmt.Sprintf("from %s to %s", domain.ClockAt(start, b.Location()), domain.ClockAt(end, b.Location()))
	// Another centre's session is named as such, never by its booking: its bookings and families
	// are not this centre's to see (decisions.md 38), and the clash is the person's, not the family's.
	session := "booking " + other.String()
	// Who completes it: within the centre, the record this session's completion contradicts is
	// the centre's own. At another centre it may be that record that is wrong (review 25: the
	// same person recorded on both, told "the person who supervised this session completes it",
	// could put nothing right there), and only that centre's coordinator can look into it.
	supervisedAdvice := "the person who supervised this session completes it, with their own token"
	roomAdvice := "name in supervised_by the person who kept this session's room"
	if at != centre {
		session = "a session at another centre"
		supervisedAdvice = "if someone else supervised this session, that person completes it with their own token; if the record at " +
			"the other centre is wrong, tell that centre's coordinator and your safeguarding lead (a completed session's supervisor cannot be changed in the system)"
		roomAdvice = "if someone else kept this session's room, name them in supervised_by; if the record at the other centre is " +
			"wrong, tell that centre's coordinator and your safeguarding lead (a completed session's supervisor cannot be changed in the system)"
	}
	switch {
	case !supervised:
		return problem.Rule(domain.ErrSupervisorElsewhere.Reason, fmt.Sprintf("%s is recorded supervising %s (supervised contact) %s, at the same time "+
			"as this session: a contact supervisor watching a family does not keep another room meanwhile; %s", supervisor, session, when, roomAdvice))
	case kind != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED:
		return problem.Rule(domain.ErrSupervisorElsewhere.Reason, fmt.Sprintf("%s is recorded keeping the room of %s (%s contact) %s, at the same "+
			"time as this session: a contact supervisor watches one family and keeps no other room meanwhile; %s",
			supervisor, session, kindName(kind), when, supervisedAdvice))
	}
	return problem.Rule(domain.ErrSupervisorElsewhere.Reason, fmt.Sprintf("%s is recorded supervising %s %s, at the same time "+
		"as this session: a contact supervisor watches one family at a time; %s", supervisor, session, when, supervisedAdvice))
}

// kindName is a kind of contact as a message names it ("supported").
func kindName(st commonv1.ServiceType) string {
	return strings.ToLower(strings.TrimPrefix(st.String(), "SERVICE_TYPE_"))
}

// atTheDoor refuses a record of a session of the family's (booking) by a caller who is not on the
// centre's staff register cleared on the session's date (decisions.md 88): staff and volunteers
// need an enhanced DBS check before starting and safeguarding training every year. The register
// is guarded in uow, so a leaving recorded meanwhile is seen. A booking not the family's is left
// for the command to refuse.
func (a *App) atTheDoor(ctx context.Context, uow *eventstore.UnitOfWork, centre uuid.UUID, f *domain.Family, booking uuid.UUID, md eventstore.Metadata) error {
	b, err := f.Booking(booking)
	if err != nil {
		return err
	}
	register, err := a.sessions.Staff(ctx, centre)
	if err != nil {
		return err
	}
	if err := register.Works(md.Actor, b.Date); err != nil {
		return err
	}
	guardStaff(uow, centre, register.Version())
	return nil
}

// NoShowResult is a no-show's outcome.
type NoShowResult struct {
	Booking     *domain.Booking
	Unexplained int
	Released    bool
	OfferedTo   uuid.UUID
	// NoPlace is NO_PLACE in words when the place released had a family waiting for it but no
	// session still to come with room for one (decision 283): offered to nobody. It is
	// CENTRE_SUSPENDED or CENTRE_ACCREDITATION_LAPSED in words when the centre may offer no
	// family a place (decision 326): the place is freed, offered to nobody.
	NoPlace string
	// KeptOn is the day of the later session the family attended that kept its place, when this
	// unexplained no-show was enough to release it (NoShowRecorded's place_kept_by_session_on,
	// from domain.Family's KeptBy); zero otherwise.
	KeptOn time.Time
}

// RecordNoShow records a no-show. When it releases the family's place, the unit also cancels
// the family's later bookings in that place (freeing them) and offers the place to the first
// family on the centre's waiting list waiting for the same kind of contact, all in one unit; at a
// centre whose accreditation is suspended or lapsed the place is only freed, and the answer says
// why nobody was offered it (NoPlace; decisions.md 326).
// An explained no-show keeps explanation (the port checked it says something in words), sealed
// with the family's key once the domain accepted the no-show (sealExplanation).
func (a *App) RecordNoShow(ctx context.Context, centre, booking uuid.UUID, party schedulingv1.Party, explained bool, explanation string,
	md eventstore.Metadata) (NoShowResult, *eventstore.UnitOfWork, error) {
	f, err := a.familyOfBooking(ctx, centre, booking)
	if err != nil {
		return NoShowResult{}, nil, err
	}
	expected := f.Version()
	now := a.now()
	uow := new(eventstore.UnitOfWork)
	if err := a.atTheDoor(ctx, uow, centre, f, booking, md); err != nil {
		return NoShowResult{}, nil, err
	}
	b, events, released, err := f.NoShow(booking, party, explained, now)
	if err != nil {
		return NoShowResult{}, nil, err
	}
	// The count as the no-show recorded it: a release resets the family's, and a no-show after
	// one that did not release the place (Family.KeptBy) is the third.
	recorded := events[0].(*schedulingv1.NoShowRecorded)
	var ids map[proto.Message]uuid.UUID
	if explained {
		if ids, err = a.sealExplanation(ctx, f.ID(), recorded, explanation); err != nil {
			return NoShowResult{}, nil, err
		}
	}
	out := NoShowResult{Booking: b, Unexplained: int(recorded.GetUnexplainedCount()), Released: released != nil}
	if kept := recorded.GetPlaceKeptBySessionOn(); kept != nil {
		// As the event records it, so the answer and the family's history say the same.
		out.KeptOn = dates.Time(kept)
	}
	if released != nil {
		if err := a.freePlaces(ctx, uow, f, events, md); err != nil {
			return NoShowResult{}, nil, err
		}
		w, err := a.sessions.WaitingList(ctx, centre)
		if err != nil {
			return NoShowResult{}, nil, err
		}
		wexpected := w.Version()
		t, err := a.sessions.Timetable(ctx, centre)
		if err != nil {
			return NoShowResult{}, nil, err
		}
		var room *domain.Room
		if r, ok := t.Room(b.Room); ok {
			room = &r
		}
		pattern, _ := t.Pattern(b.Pattern)
		// The first family waiting for the same kind of contact that no hold suspends, and that
		// could be booked into the place.
		to, version, err := a.offerTo(ctx, w, uuid.Nil, b.ServiceType, room, pattern)
		var offered uuid.UUID
		var ev proto.Message
		if err == nil && room != nil && pattern != nil {
			// A place on offer already to as many as it takes is not offered again; the release
			// stands, with nobody offered it, as with nobody waiting.
			standing := w.OnOffer(b.Pattern, b.Room, now)
			places, perr := a.placesFor(ctx, w, *room, to, standing)
			if perr != nil {
				return NoShowResult{}, nil, perr
			}
			err = domain.PlaceOnOffer(standing, places, pattern.Location())
			if err == nil {
				// As `waitlist offer` is (decision 283): only where a session still to come has
				// a place, the family's later sessions this release cancels counting as free.
				_, err = a.firstFreePlace(ctx, w, t, pattern, *room, to, len(standing), cancelledIn(f, events))
			}
		}
		if err == nil {
			offered, ev, err = w.Offer(to, b.ServiceType, b.Pattern, b.Room, f.ID(), domain.OutOfTurn{}, now)
		}
		switch {
		case err == nil:
			out.OfferedTo = offered
			if offered != f.ID() { // the family's own stream is guarded by its append
				uow.Guard(domain.FamilyStream(offered), domain.FamilyStream(offered), version)
			}
			if err := a.append(uow, domain.WaitingListStream(centre), wexpected, offered, centre, md, ev); err != nil {
				return NoShowResult{}, nil, err
			}
			// A booking deciding meanwhile on the list without this offer is decided again, as
			// after `waitlist offer` (review 68).
			lockWaitingList(uow, centre)
		case errors.Is(err, domain.ErrNoPlace):
			// The release stands, offered to nobody; the answer says why, naming nobody.
			out.NoPlace = "NO_PLACE: the released place was offered to nobody: " + err.Error()
		case errors.Is(err, domain.ErrCentreSuspended), errors.Is(err, domain.ErrCentreLapsed):
			// The place is freed, and given to no family waiting: the centre may accept none of
			// them (decisions.md 326). The answer says so, as for NO_PLACE.
			var rule *problem.RuleError
			errors.As(err, &rule)
			out.NoPlace = rule.Reason + ": the released place is freed and offered to nobody: " + rule.Message
		case !errors.Is(err, domain.ErrWaitingListEmpty) && !errors.Is(err, domain.ErrPlaceOnOffer):
			return NoShowResult{}, nil, err
		}
	}
	return out, uow, a.appendAs(uow, domain.FamilyStream(f.ID()), expected, f.ID(), centre, md, ids, events...)
}

// cancelledIn are the family's bookings that events cancel (a released place's later sessions).
func cancelledIn(f *domain.Family, events []proto.Message) []*domain.Booking {
	var out []*domain.Booking
	for _, ev := range events {
		if c, ok := ev.(*schedulingv1.BookingCancelled); ok {
			if b, err := f.Booking(uuid.MustParse(c.GetBookingId())); err == nil {
				out = append(out, b)
			}
		}
	}
	return out
}

// sealExplanation seals an explained no-show's explanation into its event, with the family's
// data key, bound to the event's id (minted here) and the field; it returns that id for the
// append. Refused adapters.ErrNoKeyStore without a key store, and adapters.ErrFamilyErased for a
// family whose key was destroyed: the explanation is never kept in clear, nor the explained
// no-show without it (review 42).
func (a *App) sealExplanation(ctx context.Context, family uuid.UUID, ev *schedulingv1.NoShowRecorded, explanation string) (map[proto.Message]uuid.UUID, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	sealed, err := a.keys.SealString(ctx, family, id, "sealed_explanation", explanation)
	if err != nil {
		return nil, err
	}
	ev.SealedExplanation = sealed
	return map[proto.Message]uuid.UUID{ev: id}, nil
}

// FamilyErased carries out a family's erasure ordered in referral (referral's FamilyErased):
// scheduling's data key for the family is destroyed, so its explained no-shows' explanations no
// longer open and none is sealed for it again. Nothing is recorded: referral's event is the
// record, and scheduling's read models hold ids, dates and categories only. The answers recorded
// for the family's commands are cleared on uow with the key (decision 278), as in the services
// that seal more.
func (a *App) FamilyErased(ctx context.Context, uow *eventstore.UnitOfWork, family uuid.UUID) error {
	if err := a.keys.Shred(ctx, family); err != nil {
		return err
	}
	uow.EraseAnswers(family)
	adapters.NoteErased(uow, family) // keeping apart refuses it from now on (decision 363)
	return nil
}
