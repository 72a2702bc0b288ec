package domain

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/familytime/familytime/proto/ageband"
	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/weighing"
	"github.com/familytime/familytime/services/platform/words"
)

const (
	// DefaultStaggerMinutes is the stagger when the family agreed none.
	DefaultStaggerMinutes = 15
	// DoorWindowMinutes is how close the two parents may never be due at the door.
	DoorWindowMinutes = 10
	// LateNotice is the notice under which a cancellation is late.
	LateNotice = 48 * time.Hour
	// ReleaseAfter is how many unexplained no-shows release the family's regular place.
	ReleaseAfter = 2
	// NoShowGrace is how late a party is before an unexplained no-show may be recorded: a parent
	// held up in traffic is not turned away at the door (a no-show cannot be undone, and two
	// release the place). One who said they are not coming is explained, from the time they were
	// due.
	NoShowGrace = 15 * time.Minute
	// MinSessionMinutes is the shortest contact a booking may hold.
	MinSessionMinutes = 15
	// EarlyArrival is how long before its opening session a party may be recorded arriving: the
	// visiting parent is due at the opening at the earliest, and an arrival an hour before the
	// centre opens is a mistyped time or another session, not this one.
	EarlyArrival = time.Hour
	// LateDeparture is how long after a booking's last door time (the visiting parent's booked
	// departure) a party may be recorded arriving or leaving, or someone checked in: a child
	// collected late is still recorded, but a time hours after the session is a movement recorded
	// after the fact at the time of recording (review 22: "Left at 23:20" for a session that ended
	// at 12:30 held its supervisor there all afternoon, and the completed session stood).
	LateDeparture = time.Hour
)

// Rules of a family's bookings.
var (
	ErrNotReady         = problem.Rule("NOT_READY_FOR_CONTACT", "the family is not ready for contact at this centre (referral has not made it ready)")
	ErrContactEnded     = problem.Rule("CONTACT_ENDED", "the family's case has ended: no more sessions are booked")
	ErrOnHold           = problem.Rule("ON_HOLD", "a safeguarding hold suspends the family's contact")
	ErrBeforeEarliest   = problem.Rule("BEFORE_EARLIEST_DATE", "the date is before the family's earliest bookable date")
	ErrPreVisitDay      = problem.Rule("PRE_VISIT_DAY", "the family has a pre-visit on that date")
	ErrRoomUnsuitable   = problem.Rule("ROOM_NOT_SUITABLE_FOR_SUPERVISED", "supervised contact needs a room suitable for it")
	ErrDoorTimesClose   = problem.Rule("DOOR_TIMES_TOO_CLOSE", "the two parents would be due at the door within 10 minutes of each other: the stagger must be at least 10 minutes")
	ErrDoubleBooked     = problem.Rule("ALREADY_BOOKED_AT_THAT_TIME", "the family already has a booking at that time")
	ErrBookedThatDay    = problem.Rule("ALREADY_BOOKED_THAT_DAY", "the family already has a session that day")
	ErrSessionTooShort  = problem.Rule("SESSION_TOO_SHORT", "the opening session is too short for the family's session and stagger")
	ErrBookingNotActive = problem.Rule("BOOKING_NOT_ACTIVE", "the booking is cancelled, completed or a no-show")
	ErrSessionStarted   = problem.Rule("SESSION_STARTED", "the session has started: record a no-show or complete it instead")
	ErrSessionNotBegun  = problem.Rule("SESSION_NOT_STARTED", "the session has not started yet")
	ErrNotSessionDay    = problem.Rule("NOT_SESSION_DAY", "check-in is on the day of the session only")
	ErrSessionOver      = problem.Rule("SESSION_OVER", "the session is over: the door checks people in until an hour after the visiting parent is due to leave")
	ErrAlreadyArrived   = problem.Rule("ALREADY_ARRIVED", "the party's arrival is already recorded")
	ErrNotArrived       = problem.Rule("NOT_ARRIVED", "the party's arrival is not recorded")
	ErrAlreadyDeparted  = problem.Rule("ALREADY_DEPARTED", "the party's departure is already recorded")
	ErrPartyArrived     = problem.Rule("PARTY_ARRIVED", "the party arrived: it is not a no-show")
	// ErrSupervisorElsewhere: a session's supervisor is recorded on another session at the same
	// time, one of the two supervised contact: watching one family, or keeping a supported room
	// while watching one (the application checks it across families).
	ErrSupervisorElsewhere = problem.Rule("SUPERVISOR_ELSEWHERE", "the supervisor is recorded supervising another family at the same time")
	ErrNotDeparted         = problem.Rule("NOT_DEPARTED", "the party's departure is not recorded")
	ErrNotANoShow          = problem.Rule("NOT_A_NO_SHOW", "the booking is not recorded as a no-show")
	ErrNoShowStands        = problem.Rule("NO_SHOW_STANDS", "a no-show is withdrawn on the session's day, before it ends")
	ErrPlaceReleased       = problem.Rule("PLACE_RELEASED", "the no-show released the family's place: it stands")
	// ErrSessionCompleted means a correction of a session's attendance after its completion,
	// which carried the attendance to referral, safeguarding and reporting.
	ErrSessionCompleted = problem.Rule("SESSION_COMPLETED", "the session is completed and its attendance counted: its record stands")
	// ErrDepartureRecorded means an arrival withdrawn while the party's departure is recorded.
	ErrDepartureRecorded = problem.Rule("DEPARTURE_RECORDED", "the party's departure is recorded: correct it first")
	// ErrDepartureInParts means a correction of a children's departure recorded in parts (decision
	// 162): a child recorded leaving by mistake is recorded back inside instead.
	ErrDepartureInParts = problem.Rule("DEPARTURE_IN_PARTS", "the children left in parts: record a child back inside instead")
	ErrPartiesMissing   = problem.Rule("PARTIES_NOT_ARRIVED", "both parties' arrivals must be recorded to complete a session")
	// ErrChildNotAccountedFor means a children's departure that does not name every child who
	// came with the party (accountedFor says who, and how to put it right).
	ErrChildNotAccountedFor = problem.Rule("CHILD_NOT_ACCOUNTED_FOR", "a children's departure names every child who came with the party")
	// ErrNoContactHeld means the children and the visiting parent were never at the session
	// together within its time for a whole minute: it did not take place, and is cancelled, not
	// completed (decisions.md 89, 195).
	ErrNoContactHeld = problem.Rule("NO_CONTACT_HELD", "no contact was held at the session")
	// ErrSameSession means a reschedule to the booking's own session, room and times.
	ErrSameSession      = problem.Rule("SAME_SESSION", "the booking is already in that session and room at those times: nothing to reschedule")
	ErrSupervisorNeeded = problem.Rule("SUPERVISOR_REQUIRED", "a supervised session is completed by a supervisor")
	// ErrSupervisorNotCaller means a supervised session's completion named as its supervisor an
	// account other than the caller's: the supervisor completes their own session.
	ErrSupervisorNotCaller = problem.Rule("SUPERVISOR_NOT_CALLER", "the supervisor completes their own session: supervised_by must be the caller's own account")
	// ErrNotVisitingParty matches every refusal of a person named for the visiting party who is
	// not of it (notVisitingParty says who and why).
	ErrNotVisitingParty = problem.Rule("NOT_OF_THE_VISITING_PARTY", "the person named is not of the visiting party")
	// ErrVisitingPartyNotAccountedFor means a visiting party's departure leaves out someone its
	// arrival named (the visiting parent): the party leaves when they do (decisions.md 387).
	ErrVisitingPartyNotAccountedFor = problem.Rule("VISITING_PARTY_NOT_ACCOUNTED_FOR", "a visiting party's departure names everyone its arrival named")
	// ErrMayNotBring and ErrMayNotCollect mean an adult named for the family, but not to bring
	// (or collect) the children, was named bringing (or collecting) them: the referral does not
	// let them (decisions.md 387).
	ErrMayNotBring   = problem.Rule("MAY_NOT_BRING", "the referral does not name them to bring the children")
	ErrMayNotCollect = problem.Rule("MAY_NOT_COLLECT", "the referral does not name them to collect the children")
	// ErrBookingNotFound means the family has no such booking: one of another centre, or none, the
	// same answer either way (decision 55), with where to find the centre's (review 82, L2).
	ErrBookingNotFound = problem.NotFound("booking with that id at this centre (the centre named by --centre: its day sheet prints " +
		"each BOOKING whole, and familytime schedule bookings --family F lists a family's there)")
	// ErrSupportedContactRuledOut means the safeguarding lead's latest risk assessment found
	// domestic abuse, which rules out supported contact (decisions.md 80) and every other kind but
	// supervised: handover, escorted, indirect and virtual contact (decision 168). Referral keeps a
	// family ready for contact to the kind it was accepted for, so the way on is a new referral.
	ErrSupportedContactRuledOut = problem.Rule("SUPPORTED_CONTACT_RULED_OUT", "a safeguarding risk assessment found domestic abuse, "+
		"which leaves supervised contact only (not supported, handover, escorted, indirect or virtual): the family needs supervised contact. Once ready for contact a family keeps the kind of "+
		"contact it was accepted for, so end the case and refer the family for supervised contact (at this centre if it offers it, "+
		"or to a supervised service elsewhere); a later assessment without the finding allows supported contact again")
	// ErrDisclosureNotWeighed means a disclosure of domestic abuse was carried to the family's
	// referral (DisclosureNoted) and no risk assessment by the safeguarding lead since has weighed
	// it: until one does, the family has supervised contact only, as referral holds a case not yet
	// ready (decision 217). The bookings stand; the remedy is one act of the lead.
	ErrDisclosureNotWeighed = problem.Rule("DISCLOSURE_NOT_WEIGHED", "domestic abuse was disclosed about this family (carried to its "+
		"referral from another referral of its child) and the centre's safeguarding lead has not weighed it yet: until the lead's risk "+
		"assessment, the family has supervised contact only, so this contact does not go ahead. Ask the centre's safeguarding lead for "+
		"a risk assessment of the family (familytime safeguarding risk --family); sessions already booked stand and go ahead once it "+
		"is recorded, unless it finds domestic abuse, which cancels them")
	// ErrNotTheKindAccepted means the family would wait for a kind of contact other than the one it
	// was accepted for: its arrangement must be of that kind, and once ready it keeps it (referral's
	// SERVICE_TYPE_FIXED), so a place of another kind could be offered to it and never booked
	// (review 89 put a family accepted for supervised contact after a domestic-abuse finding on the
	// list for supported contact, and the shared room's place was offered to it). KindAccepted words it.
	ErrNotTheKindAccepted = problem.Rule("NOT_THE_KIND_ACCEPTED", "the family was accepted for another kind of contact, "+
		"which is the only kind it can be booked for")
)

// Stagger is how many minutes the visiting parent arrives before and leaves after the children.
type Stagger struct {
	Arrival, Departure int
}

// Adult is an adult named for the family.
type Adult struct {
	ID                              uuid.UUID
	Role                            schedulingv1.PersonRole
	MayAttend, MayBring, MayCollect bool
}

// Child is a child of the family, with the birth month that gives its age band.
type Child struct {
	ID                    uuid.UUID
	BirthYear, BirthMonth int
}

// ComeOfAgeOn reports whether the child is 18 or over on day d, counting from the first day of the
// month of their 18th birthday, as their age band does (ageband.Age): a child contact centre serves
// children under 18, so from then on they are not among a session's children, nor in its figures.
// A birth month not known (not 1 to 12) is never of age: the child is counted, as before.
func (c Child) ComeOfAgeOn(d time.Time) bool {
	return c.BirthMonth >= 1 && c.BirthMonth <= 12 && ageband.Age(c.BirthYear, c.BirthMonth, d) >= AdultAge
}

// AdultAge is the age from which a child is no longer served by a child contact centre.
const AdultAge = 18

// ErrNoChildUnder18 refuses a booking of a family none of whose children is under 18 on the
// session's date (noChildOn words it).
var ErrNoChildUnder18 = problem.Rule("NO_CHILD_UNDER_18", "every child of the family is 18 or over on the session's date: a child contact centre serves children under 18")

// ComeOfAge are the family's children who are 18 or over on day d (Child.ComeOfAgeOn), in the
// order referral named them; none before the family is ready.
func (f *Family) ComeOfAge(d time.Time) []uuid.UUID {
	if f.ready == nil {
		return nil
	}
	var out []uuid.UUID
	for _, c := range f.ready.Children {
		if c.ComeOfAgeOn(d) {
			out = append(out, c.ID)
		}
	}
	return out
}

// ComeOfAgeWarning is CHILD_TURNS_18 in words when a child of the family is 18 or over on booking
// b's date, naming them by id; "" otherwise. The booking stands for the younger children (a family
// with none is refused, noChildOn), and the session's record leaves that child out (attending).
func (f *Family) ComeOfAgeWarning(b *Booking) string {
	grown := f.ComeOfAge(b.Date)
	if len(grown) == 0 {
		return ""
	}
	who := "child " + grown[0].String() + " is"
	if len(grown) > 1 {
		who = "children " + strings.Join(ids(grown), ", ") + " are"
	}
	return fmt.Sprintf("CHILD_TURNS_18: %s 18 or over by the session on %s (from the month of the 18th birthday, by the birth month "+
		"on the referral): a child contact centre serves children under 18, so the session is booked for the family's other children, "+
		"and its record and figures leave this one out. If a birth month is wrong, correct it on the referral", who, dates.String(b.Date))
}

// noChildOn is ErrNoChildUnder18 in words when every child of the family is 18 or over on day d,
// nil otherwise: a family referral named no child of is not refused here (nothing is known of
// their ages). The refusal gives the date, never a birth month.
func (f *Family) noChildOn(d time.Time) error {
	if len(f.ready.Children) == 0 || len(f.ComeOfAge(d)) < len(f.ready.Children) {
		return nil
	}
	return problem.Rule(ErrNoChildUnder18.Reason, fmt.Sprintf("every child of the family is 18 or over by %s (from the month of their "+
		"18th birthday, by the birth month on the referral): a child contact centre serves children under 18, so there is no child's "+
		"contact to book. If a birth month is wrong, correct it on the referral (familytime referral amend); otherwise the family's "+
		"contact here has come to its end: end the case with its outcome (familytime referral end)", dates.String(d)))
}

// Readiness is what referral said when it made the family ready for contact, with the session's
// length and stagger as referral last changed them (ArrangementChange).
type Readiness struct {
	Centre, Referral uuid.UUID
	Adults           []Adult
	Children         []Child
	ServiceType      commonv1.ServiceType
	SessionMinutes   int
	Stagger          Stagger
	Earliest         time.Time
	PreVisits        map[time.Time]bool
	// ChildrenMayLeaveCentre: the referral says the children may leave the centre during contact
	// (the day sheet tells the door, decision 117); otherwise they stay in it.
	ChildrenMayLeaveCentre bool
	// Frequency is how often the family's sessions take place, as the arrangement last said
	// (unspecified: not known, or another pattern; no gap is checked): DaysApart.
	Frequency schedulingv1.SessionFrequency
}

// Times are a booking's four door times: the visiting parent arrives, the children arrive (the
// contact starts), the children leave (it ends), the visiting parent leaves.
type Times struct {
	VisitingArrives, ChildrenArrive, ChildrenLeave, VisitingLeaves Clock
}

// DoorGap is the fewest minutes between one parent's door time and the other's: the visiting
// parent's arrival and departure against the children's (brought and collected by the resident
// parent).
func (t Times) DoorGap() int {
	gap := 24 * 60
	for _, v := range []Clock{t.VisitingArrives, t.VisitingLeaves} {
		for _, c := range []Clock{t.ChildrenArrive, t.ChildrenLeave} {
			gap = min(gap, abs(v.Minutes()-c.Minutes()))
		}
	}
	return gap
}

// PlanTimes works out a booking's door times in session s: the children from start (nil: as
// early as the stagger allows) for minutes (0: as long as the session allows); the visiting
// parent stagger.Arrival before and stagger.Departure after. Every time must fall inside the
// opening session.
func PlanTimes(s Session, st Stagger, minutes int, start *Clock) (Times, error) {
	open, closes := s.Pattern.Start.Minutes(), s.Pattern.End.Minutes()
	c := open + st.Arrival
	if start != nil {
		c = start.Minutes()
	}
	if minutes <= 0 {
		minutes = closes - st.Departure - c
	}
	if start != nil && (c-st.Arrival < open || c+minutes+st.Departure > closes) {
		return Times{}, problem.Invalid("start_time", fmt.Sprintf(
			"contact from %s for %d minutes with the visiting parent %d minutes before and %d after falls outside the opening session %s-%s",
			start, minutes, st.Arrival, st.Departure, s.Pattern.Start, s.Pattern.End))
	}
	if minutes < MinSessionMinutes || c+minutes+st.Departure > closes {
		// Say the numbers (review 51): what the family needs, as worked out here, and what the
		// opening session has.
		need := max(minutes, MinSessionMinutes)
		return Times{}, problem.Rule(ErrSessionTooShort.Reason, fmt.Sprintf("the family needs %d minutes (%d before, %d of contact, %d after), "+
			"and the opening session %s-%s is %d minutes: book it into a longer opening session, or agree a shorter session or stagger "+
			"(familytime referral change-arrangement)", st.Arrival+need+st.Departure, st.Arrival, need, st.Departure,
			s.Pattern.Start, s.Pattern.End, closes-open))
	}
	return Times{VisitingArrives: ClockOf(c - st.Arrival), ChildrenArrive: ClockOf(c),
		ChildrenLeave: ClockOf(c + minutes), VisitingLeaves: ClockOf(c + minutes + st.Departure)}, nil
}

// Booking is one family booked into one room of one opening session.
type Booking struct {
	ID, Family, Centre, Room, Pattern uuid.UUID
	Date                              time.Time
	Zone                              string
	loc                               *time.Location
	ServiceType                       commonv1.ServiceType
	// SessionStart is the opening session's local start; with Room and Date it names the occupancy.
	SessionStart                                                   Clock
	VisitingArrives, ChildrenArrive, ChildrenLeave, VisitingLeaves time.Time
	Status                                                         schedulingv1.BookingStatus
	Reason                                                         schedulingv1.CancellationReason
	Late                                                           bool
	// CancelledBy and NoticeMinutes are who cancelled it and the notice given, once cancelled;
	// NoticeTo is the party whose due time the notice is counted to (unset: the children's, on
	// a cancellation recorded before review 42).
	CancelledBy   schedulingv1.CancelledBy
	NoticeMinutes int64
	NoticeTo      schedulingv1.Party
	// CallOff is why the centre called the session off, once the centre cancelled it (unset: not
	// recorded, on a cancellation by the centre recorded before decision 284, or anyone else's).
	CallOff schedulingv1.CallOffReason
	// CancelledForHold is the hold whose noting cancelled it (reason hold), uuid.Nil otherwise
	// (decision 345): a lift lists the bookings its own hold cancelled.
	CancelledForHold uuid.UUID
	CheckedIn        []uuid.UUID
	// CheckedInAt is each party's first check-in: the door's first sight of it, which may come
	// well before its arrival is recorded (review 20).
	CheckedInAt map[schedulingv1.Party]time.Time
	// checkIns are the check-ins standing, each person's with its party and time, from which a
	// check-in withdrawn (CorrectCheckIn) leaves CheckedInAt as if it had never been.
	checkIns []checkIn
	// Refusals are the refusals at the door standing (not withdrawn); refused are they, each
	// person's with its reason and time, and RefusalsWithdrawn those withdrawn as recorded by
	// mistake (WithdrawRefusal).
	Refusals          int
	refused           []doorRefusal
	RefusalsWithdrawn int
	Arrived, Departed map[schedulingv1.Party]time.Time
	// BroughtIn are the people the children's party's arrival named: who brought them, and the
	// children who came (attending).
	BroughtIn []uuid.UUID
	// CameIn are the people the visiting party's arrival named, and TakenOut those the children's
	// party's departure named (who collected them, and the children who left): with BroughtIn,
	// who is still in the building (InBuilding) and whether each child is accounted for.
	CameIn, TakenOut []uuid.UUID
	// PartlyLeftAt is when some of the children last left while others stayed inside (Depart
	// with othersStay); zero when none did, or once their whole departure is corrected. InParts:
	// the children's departure was recorded in parts, which no correction restates (Correct).
	PartlyLeftAt time.Time
	InParts      bool
	// LastBroughtAt is when more of the children were last brought (a child brought later, or
	// back); zero when none were.
	LastBroughtAt time.Time
	// SupervisedBy is who supervised the session, once it is completed (Complete).
	SupervisedBy string
	// NoShow is the party recorded as not coming, and whether explained, while the booking is a
	// no-show; ReleasedPlace says its no-show was one that released the family's place.
	NoShow          schedulingv1.Party
	NoShowExplained bool
	ReleasedPlace   bool
	// TurnedAway are the door's refusals of people named for the family for a reason that stops
	// its contact (a hold, a disclosure the lead has not weighed): StoppedAtTheDoor.
	TurnedAway []DoorRefusal
}

// ContactHeld is when the children's contact began and ended: their party's recorded arrival and
// departure, or the planned times where none is recorded. A contact supervisor watched the family
// for that time, not for the hours booked (review 16: one who saw a session end early was held
// to its planned end). It ends at the booked end at the latest, as Held does: contact is not
// extended, and children collected late wait with whoever keeps the door, while their supervisor
// may be watching the next family (review 22: a departure recorded at 23:20 held its supervisor
// "from 10:16 to 23:20", and a departure recorded before LateDeparture bounded it still says so).
// But supervised contact that ran past its time, the children and the visiting party both inside
// after the booked end until one of them was recorded leaving (Overrun), is no wait: it held its
// supervisor until then (review 58: the same supervisor was accepted for the next family from the
// booked end while the first family's contact went on 25 minutes; decision 333). Read as recorded:
// one still running is the door's caution (SUPERVISORS_SHORT) and the day sheet's alert.
func (b *Booking) ContactHeld() (from, to time.Time) {
	from, to = b.ChildrenArrive, b.ChildrenLeave
	if at, ok := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]; ok {
		from = at
	}
	if at, ok := b.Departed[schedulingv1.Party_PARTY_CHILDREN]; ok && at.Before(to) {
		to = at
	}
	if o, ok := b.LeftTimes().Overrun(b.ChildrenLeave); ok && !o.Running {
		to = o.Until
	}
	return from, to
}

// Location is the booking's time zone.
func (b *Booking) Location() *time.Location { return b.loc }

// Occupancy is the stream of the booking's room in its opening session.
func (b *Booking) Occupancy() string { return OccupancyStream(b.Room, b.Date, b.SessionStart) }

// Started reports whether the booking's session is under way at now: its first party (the
// visiting parent) is due, so a no-show could be recorded, or a party's arrival is recorded.
// From then on it is completed or recorded as a no-show, not cancelled by a caller. A handover has
// no visiting party due at the centre: it starts when the children are due to be handed over
// (review 77: the parent due to collect, cancelling at 10:05 for children due at 10:15, was
// refused SESSION_STARTED "the visiting parent was due at 10:00"; decision 394).
func (b *Booking) Started(now time.Time) bool {
	return !now.Before(b.starts()) || len(b.Arrived) > 0
}

// starts is when the booking's session starts: the visiting parent's door time, or for a handover
// the children's.
func (b *Booking) starts() time.Time {
	if b.isHandover() {
		return b.ChildrenArrive
	}
	return b.VisitingArrives
}

// due is when a party is due to arrive.
func (b *Booking) due(p schedulingv1.Party) time.Time {
	if p == schedulingv1.Party_PARTY_VISITING {
		return b.VisitingArrives
	}
	return b.ChildrenArrive
}

// Family is what scheduling knows of one family: whether it may be booked (ready, holds, ended),
// who may come, and its bookings with their attendance. One stream, family-<family_id>, so a
// booking and a hold are decided against each other by the stream's version.
type Family struct {
	id    uuid.UUID
	ready *Readiness
	// referred is referral's last decision noted on the family's referral (waitlisted,
	// accepted, declined), nil before any.
	referred *Referred
	ended    bool
	// ending is the ending of the case as applied (ContactEnded), with the bookings it cancelled;
	// nil while contact goes on (Ending).
	ending *Ending
	holds  map[uuid.UUID]bool
	// lastHoldNoted is the hold of the latest HoldNoted: its cancellations follow it in the
	// stream, and one recorded before decision 345 does not name its hold.
	lastHoldNoted uuid.UUID
	bookings      map[uuid.UUID]*Booking
	order         []uuid.UUID
	unexplained   []uuid.UUID
	version       int64
	// supportedRuledOut: the safeguarding lead's latest risk assessment found domestic abuse.
	supportedRuledOut bool
	// assessed is when the latest risk assessment noted was made (zero before any), and disclosed
	// when the latest disclosure carried to the family's referral was (DisclosureNoted): the
	// disclosure is weighed once an assessment weighs it (Weighs: by instants, by dates for events
	// recorded before instants were kept; DisclosureUnweighed).
	assessed, disclosed weighing.Moment
	// reviewDue is when the family's next review of supported contact is due, as referral last set
	// it on the referral the family is ready on (ReviewDueNoted), and reviewSetOn the day of the
	// session or review that set it; zero before any (NoteReviewDue, decision 261).
	reviewDue, reviewSetOn time.Time
	// apart are the families of the centre this one is kept apart from (FamiliesKeptApart), by
	// the other family's id: never booked at overlapping times the same day (decision 330).
	apart map[uuid.UUID]KeptApart
}

// FamilyStream is a family's stream in scheduling.
func FamilyStream(id uuid.UUID) string { return "family-" + id.String() }

// RebuildFamily replays a family's events; none gives a family scheduling has not heard of.
func RebuildFamily(id uuid.UUID, events []proto.Message) (*Family, error) {
	f := &Family{id: id, holds: map[uuid.UUID]bool{}, bookings: map[uuid.UUID]*Booking{}, apart: map[uuid.UUID]KeptApart{}}
	for _, ev := range events {
		if err := f.apply(ev); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// ID is the family's id.
func (f *Family) ID() uuid.UUID { return f.id }

// Version is the number of events in the family's stream.
func (f *Family) Version() int64 { return f.version }

// Readiness is what referral said, nil before the family was made ready.
func (f *Family) Readiness() *Readiness { return f.ready }

// CaseEnded reports whether referral ended the family's case (or withdrew its referral).
func (f *Family) CaseEnded() bool { return f.ended }

// Referred is referral's decision on a family's referral to a centre, as scheduling noted it.
type Referred struct {
	Centre, Referral uuid.UUID
	Decision         schedulingv1.ReferralDecision
	ServiceType      commonv1.ServiceType
}

// ErrFamilyNotFound means scheduling knows no such family at the centre: it never heard of it,
// or referral placed it at another centre. The two answer alike, so a caller cannot learn
// whether a family exists elsewhere (decisions.md 38).
var ErrFamilyNotFound = problem.NotFound("family")

// ErrReferralDeclined means the centre declined the family's referral.
var ErrReferralDeclined = problem.Rule("REFERRAL_DECLINED", "the centre declined the family's referral: it may not wait for a place")

// ErrDecisionUndone means the family's referral was waitlisted or accepted, and the decision was
// undone when its risk answers changed: it is screened and decided again before the family waits
// for a place (decisions.md 392).
var ErrDecisionUndone = problem.Rule("DECISION_UNDONE", "the family's referral is to be screened and decided again (its risk "+
	"answers changed since it was waitlisted or accepted): it waits for a place once referral waitlists it again")

// ErrNoFamilyHere refuses a booking for an id that is no family scheduling knows at the centre.
var ErrNoFamilyHere = problem.NotFound("family with that id at this centre (a referral's family id is on `familytime referral show`)")

// KnownAt reports whether scheduling knows the family at centre: referral waitlisted, accepted
// or declined it there, or made it ready for contact there.
func (f *Family) KnownAt(centre uuid.UUID) bool {
	return (f.ready != nil && f.ready.Centre == centre) || (f.referred != nil && f.referred.Centre == centre)
}

// ErrInContact means the family has a session still to come: it has a place, and the waiting
// list is for families waiting for one.
var ErrInContact = problem.Rule("IN_CONTACT", "the family has sessions booked: it has a place")

// MayWait says whether the family may join centre's waiting list by hand at now: only a family
// scheduling knows at the centre (ErrFamilyNotFound otherwise, whether unknown or of another
// centre), whose case goes on (ErrContactEnded), whose referral there was not declined
// (ErrReferralDeclined), and who has no session booked still to come (ErrInContact: counted as
// waiting, it would be in the national waiting-list figure while in contact, review 15).
func (f *Family) MayWait(centre uuid.UUID, now time.Time) error {
	switch {
	case !f.KnownAt(centre):
		return ErrFamilyNotFound
	case f.ended:
		return ErrContactEnded
	case f.ready != nil && f.ready.Centre == centre:
		return f.InContact(now)
	case f.referred.Decision == schedulingv1.ReferralDecision_REFERRAL_DECISION_DECLINED:
		return ErrReferralDeclined
	case f.referred.Decision == schedulingv1.ReferralDecision_REFERRAL_DECISION_UNDONE:
		return ErrDecisionUndone
	}
	return nil
}

// NoteReferral records referral's decision on the family's referral to a centre. The same
// decision noted again (a redelivery the inbox did not catch) changes nothing: nil.
func (f *Family) NoteReferral(r Referred, decidedOn time.Time) proto.Message {
	if f.referred != nil && *f.referred == r {
		return nil
	}
	if r.Decision == schedulingv1.ReferralDecision_REFERRAL_DECISION_UNDONE && (f.referred == nil || f.referred.Referral != r.Referral) {
		return nil // a decision scheduling never heard of is undone here by nothing
	}
	ev := &schedulingv1.ReferralNoted{FamilyId: f.id.String(), CentreId: r.Centre.String(), ReferralId: r.Referral.String(),
		Decision: r.Decision, ServiceType: r.ServiceType, DecidedOn: dates.Proto(decidedOn)}
	f.mustApply(ev)
	return ev
}

// OnHold reports whether a hold is in force.
func (f *Family) OnHold() bool { return len(f.holds) > 0 }

// Booking is one of the family's bookings.
func (f *Family) Booking(id uuid.UUID) (*Booking, error) {
	b, ok := f.bookings[id]
	if !ok {
		return nil, ErrBookingNotFound
	}
	return b, nil
}

// UnexplainedNoShows counts unexplained no-shows since the family's place was last released.
func (f *Family) UnexplainedNoShows() int { return len(f.unexplained) }

// NoteReady records referral's FamilyReadyForContact. A stagger of 0 and 0 means none was
// agreed: 15 minutes each way.
func (f *Family) NoteReady(r Readiness) proto.Message {
	if r.Stagger == (Stagger{}) {
		r.Stagger = Stagger{Arrival: DefaultStaggerMinutes, Departure: DefaultStaggerMinutes}
	}
	ev := &schedulingv1.FamilyReadyNoted{FamilyId: f.id.String(), CentreId: r.Centre.String(), ReferralId: r.Referral.String(),
		ServiceType: r.ServiceType, SessionMinutes: int32(r.SessionMinutes), ArrivalStaggerMinutes: int32(r.Stagger.Arrival),
		DepartureStaggerMinutes: int32(r.Stagger.Departure), EarliestBookableOn: dates.Proto(r.Earliest),
		ChildrenMayLeaveCentre: r.ChildrenMayLeaveCentre, Frequency: r.Frequency}
	for _, a := range r.Adults {
		// The role stays what referral said (the door must know the other parent when they bring
		// the children); whether the adult may take part in contact is said apart.
		ev.Adults = append(ev.Adults, &schedulingv1.ExpectedPerson{PersonId: a.ID.String(), Role: a.Role,
			MayBring: a.MayBring, MayCollect: a.MayCollect, MayAttend: proto.Bool(a.MayAttend)})
	}
	for _, c := range r.Children {
		ev.Children = append(ev.Children, &schedulingv1.ChildAttendee{PersonId: c.ID.String(), BirthYear: int32(c.BirthYear), BirthMonth: int32(c.BirthMonth)})
	}
	for _, d := range sortedDates(keys(r.PreVisits)) {
		ev.PreVisitDates = append(ev.PreVisitDates, dates.Proto(d))
	}
	f.mustApply(ev)
	return ev
}

// NoteHold records safeguarding's HoldPlaced and cancels every booking whose session has not
// ended (reason: hold). A hold already noted changes nothing.
func (f *Family) NoteHold(centre, hold uuid.UUID, placedOn, now time.Time) []proto.Message {
	if f.holds[hold] {
		return nil
	}
	ev := &schedulingv1.HoldNoted{FamilyId: f.id.String(), CentreId: centre.String(), HoldId: hold.String(), PlacedOn: dates.Proto(placedOn)}
	f.mustApply(ev)
	// Each cancellation names its hold (decision 345): the hold's lift lists its own.
	return append([]proto.Message{ev}, f.cancelWhere(func(*Booking) bool { return true },
		schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD, now, func(c *schedulingv1.BookingCancelled) { c.HoldId = hold.String() })...)
}

// SupportedContactRuledOut reports whether the latest risk assessment noted found domestic
// abuse, which rules out supported contact and every other kind but supervised (RuledOut).
func (f *Family) SupportedContactRuledOut() bool { return f.supportedRuledOut }

// RuledOut reports whether the latest risk assessment's domestic-abuse finding rules out contact
// of kind st: every kind but supervised (decision 168; referral refuses them at acceptance, and a
// family made ready before, or found to need it since, is stopped here). An unknown kind is not.
func (f *Family) RuledOut(st commonv1.ServiceType) bool {
	return f.supportedRuledOut && st != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED && st != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED
}

// WaitsFor is the kind of contact the family waits for when its place on a waiting list names
// none: the kind it was made ready for, else the kind referral decided on, else none.
func (f *Family) WaitsFor(listed commonv1.ServiceType) commonv1.ServiceType {
	switch {
	case listed != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED:
		return listed
	case f.ready != nil:
		return f.ready.ServiceType
	case f.referred != nil:
		return f.referred.ServiceType
	}
	return commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED
}

// KindAccepted is the only kind of contact the family can be booked for once accepted: the kind
// it was made ready for, else the kind referral accepted it for. Unspecified while the family is
// only waitlisted (its acceptance may name another kind, which referral checks against the
// screening) or its kind is not known (events from before kinds were recorded).
func (f *Family) KindAccepted() commonv1.ServiceType {
	switch {
	case f.ready != nil:
		return f.ready.ServiceType
	case f.referred != nil && f.referred.Decision == schedulingv1.ReferralDecision_REFERRAL_DECISION_ACCEPTED:
		return f.referred.ServiceType
	}
	return commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED
}

// NotTheKindAccepted refuses a family waiting for kind st when it was accepted for another
// (ErrNotTheKindAccepted, naming both and the way on); nil for the kind accepted, or when either
// kind is not known.
func (f *Family) NotTheKindAccepted(st commonv1.ServiceType) error {
	accepted := f.KindAccepted()
	if accepted == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED || st == commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED || st == accepted {
		return nil
	}
	return problem.Rule(ErrNotTheKindAccepted.Reason, fmt.Sprintf("the family was accepted for %s contact, the only kind it can be "+
		"booked for (its arrangement keeps it), so it waits only for that kind, not %s: a place of another kind offered to it could "+
		"never be booked. Put it on the list for %s contact (leave --service out); for another kind, its case ends and the family "+
		"is referred again", words.Enum(accepted), words.Enum(st), words.Enum(accepted)))
}

// MayBeOffered says whether the family, waiting for the kind of contact listed (unspecified: see
// WaitsFor), may be offered a place: not while a hold suspends its contact (ErrOnHold), nor a
// place of a kind a domestic-abuse finding rules out, every kind but supervised
// (ErrSupportedContactRuledOut).
func (f *Family) MayBeOffered(listed commonv1.ServiceType) error {
	kind := f.WaitsFor(listed)
	notAccepted := f.NotTheKindAccepted(kind) // waiting for it since before decision 422 refused the join
	switch {
	case f.OnHold():
		return ErrOnHold
	case f.RuledOut(kind):
		return ErrSupportedContactRuledOut
	case notAccepted != nil:
		return notAccepted
	case f.DisclosureRulesOut(kind):
		return ErrDisclosureNotWeighed
	case !AtTheCentre(kind):
		// decision 324: a place offered to a family waiting for indirect or virtual contact could
		// not be booked (decision 316 refuses it NOT_AT_THE_CENTRE): passed over, saying why.
		return notAtTheCentre(kind)
	}
	return nil
}

// HasChildUnder18On refuses, as booking would (NO_CHILD_UNDER_18), a family ready for contact
// none of whose children is under 18 on d: a place offered to it could not be booked (decision
// 294 left it; review 51). A family not yet ready has no children known: nil.
func (f *Family) HasChildUnder18On(d time.Time) error {
	if f.ready == nil {
		return nil
	}
	return f.noChildOn(d)
}

// NoteRiskAssessed records safeguarding's RiskAssessed at centre. The lead's latest assessment
// is what stands: one that finds domestic abuse rules out supported contact and every kind but
// supervised (SupportedContactRuledOut) and cancels, by the system, the family's such bookings whose
// session is not under way (reason: domestic-abuse finding); a later one without the finding
// allows it again (SupportedContactAllowed). Supervised bookings are not touched, and a session
// under way is left to be completed or recorded as a no-show. An assessment that changes nothing
// (the same finding again, a redelivery) and one for a family scheduling does not know at the
// centre record nothing: nil. An assessment with the finding as it stands, made later than any
// noted (Moment.After), is noted by when it was made alone (RiskAssessmentNoted): whatever it
// finds, it weighs a disclosure carried before it (DisclosureNoted, Weighs), whichever scheduling
// hears of first. assessed.At is when safeguarding recorded the assessment (zero if unknown).
func (f *Family) NoteRiskAssessed(centre uuid.UUID, finding bool, assessed weighing.Moment, now time.Time) []proto.Message {
	if !f.KnownAt(centre) {
		return nil
	}
	if finding == f.supportedRuledOut {
		if !assessed.After(f.assessed) {
			return nil
		}
		ev := &schedulingv1.RiskAssessmentNoted{FamilyId: f.id.String(), CentreId: centre.String(), AssessedOn: dates.Proto(assessed.On),
			DomesticAbuseFinding: finding, AssessedAt: weighing.Instant(assessed.At)}
		f.mustApply(ev)
		return []proto.Message{ev}
	}
	if !finding {
		ev := &schedulingv1.SupportedContactAllowed{FamilyId: f.id.String(), CentreId: centre.String(), AssessedOn: dates.Proto(assessed.On),
			AssessedAt: weighing.Instant(assessed.At)}
		f.mustApply(ev)
		return []proto.Message{ev}
	}
	ev := &schedulingv1.SupportedContactRuledOut{FamilyId: f.id.String(), CentreId: centre.String(), AssessedOn: dates.Proto(assessed.On),
		AssessedAt: weighing.Instant(assessed.At)}
	f.mustApply(ev)
	return append([]proto.Message{ev}, f.cancelWhere(func(b *Booking) bool {
		return f.RuledOut(b.ServiceType) && !b.Started(now)
	}, schedulingv1.CancellationReason_CANCELLATION_REASON_DOMESTIC_ABUSE_FINDING, now)...)
}

// DisclosureUnweighed reports whether a disclosure of domestic abuse carried to the family's
// referral (DisclosureNoted) waits for the safeguarding lead: no risk assessment noted weighs it
// (Weighs: recorded at or after it was carried; dated on or after its day for older events).
func (f *Family) DisclosureUnweighed() bool {
	return !f.disclosed.IsZero() && !weighing.Weighs(f.assessed, f.disclosed)
}

// DisclosureRulesOut reports whether a disclosure no lead has weighed (DisclosureUnweighed) stops
// contact of kind st: every kind but supervised, as a finding would (RuledOut; decision 217 holds
// a case in referral the same way). An unknown kind is not.
func (f *Family) DisclosureRulesOut(st commonv1.ServiceType) bool {
	return f.DisclosureUnweighed() && st != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED && st != commonv1.ServiceType_SERVICE_TYPE_UNSPECIFIED
}

// DisclosureStops reports whether booking b does not go ahead while a disclosure waits for the
// lead (DisclosureRulesOut): its kind is ruled out, and its session is on or after the day the
// disclosure was flagged (one held before it is recorded as it happened).
func (f *Family) DisclosureStops(b *Booking) bool {
	return f.DisclosureRulesOut(b.ServiceType) && !b.Date.Before(f.disclosed.On)
}

// NoteDisclosure records referral's PossibleDuplicateFlagged with domestic_abuse_disclosed at
// centre, flagged on flagged.On and recorded by referral at flagged.At: a disclosure of domestic
// abuse carried to the family's referral that the safeguarding lead has not weighed. Until a risk
// assessment that weighs it (Weighs: recorded at or after it, on the same day too), contact other
// than supervised is not booked, offered or admitted (DisclosureRulesOut); the bookings stand.
// Nothing is recorded (nil) for a family scheduling does not know at the centre (referral makes no
// family ready while such a disclosure waits: decision 217), for one an assessment already noted
// weighs (the assessment may be heard of first), or for one no later than a disclosure already
// noted (a redelivery).
func (f *Family) NoteDisclosure(centre, referral uuid.UUID, flagged weighing.Moment) proto.Message {
	if !f.KnownAt(centre) || weighing.Weighs(f.assessed, flagged) || !flagged.After(f.disclosed) {
		return nil
	}
	ev := &schedulingv1.DisclosureNoted{FamilyId: f.id.String(), CentreId: centre.String(), ReferralId: referral.String(),
		FlaggedOn: dates.Proto(flagged.On), FlaggedAt: weighing.Instant(flagged.At)}
	f.mustApply(ev)
	return ev
}

// NoteHoldLifted records safeguarding's HoldLifted; a hold never noted changes nothing.
func (f *Family) NoteHoldLifted(centre, hold uuid.UUID) proto.Message {
	if !f.holds[hold] {
		return nil
	}
	ev := &schedulingv1.HoldLiftNoted{FamilyId: f.id.String(), CentreId: centre.String(), HoldId: hold.String(),
		HoldsInForce: int32(len(f.holds) - 1)}
	f.mustApply(ev)
	return ev
}

// EndContact records that the case ended (or the referral was withdrawn) and cancels the
// bookings whose session has not ended, but for one whose contact has begun, both parties come
// (ContactBegun: someone of each checked in at the door, or its arrival recorded): that one is left
// to be completed, since the family is at the centre, and cancelling it would record a
// cancellation for contact that took place. A session whose time has begun and that nobody has
// come to is cancelled with the others, by the system because the case ended (review 63: ended
// for safety at 10:02, two minutes after the visiting parent was due, it stayed booked and the door
// admitted the parent; decision 346): nobody's no-show, never late, counted as cancelled. So is one
// that one party only has come to (review 65: the children's party in at 10:13, ended for safety at
// 10:16, the visiting parent admitted at 10:20 and the session completed as the family's first;
// decision 351): whoever is inside still leaves, their departures recorded on the cancelled booking
// (Depart), and the door admits nobody more (CheckIn's CASE_ENDED). A session over before the case
// ended is left for its no-show or the centre's call-off. Already ended changes nothing.
func (f *Family) EndContact(centre, referral uuid.UUID, endedOn time.Time, withdrawn bool, now time.Time) []proto.Message {
	if f.ended {
		return nil
	}
	ev := &schedulingv1.ContactEnded{FamilyId: f.id.String(), CentreId: centre.String(), ReferralId: referral.String(),
		EndedOn: dates.Proto(endedOn), Withdrawn: withdrawn}
	f.mustApply(ev)
	return append([]proto.Message{ev}, f.cancelWhere(func(b *Booking) bool { return !b.Started(now) || !b.ContactBegun() },
		schedulingv1.CancellationReason_CANCELLATION_REASON_CASE_ENDED, now)...)
}

// cancelWhere cancels, by the system, every active booking whose session has not ended and that
// match keeps.
func (f *Family) cancelWhere(match func(*Booking) bool, reason schedulingv1.CancellationReason, now time.Time,
	also ...func(*schedulingv1.BookingCancelled)) []proto.Message {
	var out []proto.Message
	for _, id := range f.order {
		b := f.bookings[id]
		if b.Status != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED || !b.VisitingLeaves.After(now) || !match(b) {
			continue
		}
		ev := f.cancellation(b, schedulingv1.CancelledBy_CANCELLED_BY_SYSTEM, reason, now)
		for _, fn := range also {
			fn(ev)
		}
		f.mustApply(ev)
		out = append(out, ev)
	}
	return out
}

func (f *Family) cancellation(b *Booking, by schedulingv1.CancelledBy, reason schedulingv1.CancellationReason, now time.Time) *schedulingv1.BookingCancelled {
	to := NoticeTo(b, by)
	notice := b.due(to).Sub(now)
	if b.Started(now) {
		// A session that began and held no contact (Cancel) is cancelled with no notice at all.
		notice = 0
	}
	// Late is a party's short notice (a parent's or the referrer's): the centre calling a session
	// off, a burst pipe on the day or a closure ahead, is nobody's late notice (review 50 read
	// "requested (late: under 48 hours' notice)" and cancelled-late of a burst pipe; decision 284).
	late := notice < LateNotice && by != schedulingv1.CancelledBy_CANCELLED_BY_CENTRE
	return &schedulingv1.BookingCancelled{BookingId: b.ID.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(),
		RoomId: b.Room.String(), SessionDate: dates.Proto(b.Date), CancelledBy: by, Reason: reason,
		NoticeMinutes: int64(notice / time.Minute), Late: late, ServiceType: b.ServiceType, NoticeTo: to}
}

// NoticeTo is the party whose due time a cancellation's notice is counted to: the time the one
// who cancelled was due at the door. The visiting parent's is the visiting party's arrival, the
// resident parent's the children's; the centre, the referrer and the system call off the whole
// session, so theirs is its first door time, the earlier of the two (the visiting parent's, who
// comes first, unless the family has no stagger). Review 42: counted to the children's for
// everyone, a visiting parent due at 10:00 who cancelled at 09:00 for children due at 10:15 was
// told 1 hour 15 minutes, and near the 48-hour line a late cancellation was marked on time.
func NoticeTo(b *Booking, by schedulingv1.CancelledBy) schedulingv1.Party {
	switch {
	case b.isHandover():
		// The handover is the children's moment, whoever cancels it (decision 394).
		return schedulingv1.Party_PARTY_CHILDREN
	case by == schedulingv1.CancelledBy_CANCELLED_BY_VISITING_PARENT:
		return schedulingv1.Party_PARTY_VISITING
	case by == schedulingv1.CancelledBy_CANCELLED_BY_RESIDENT_PARENT:
		return schedulingv1.Party_PARTY_CHILDREN
	case b.ChildrenArrive.Before(b.VisitingArrives):
		return schedulingv1.Party_PARTY_CHILDREN
	default:
		return schedulingv1.Party_PARTY_VISITING
	}
}

// BookAhead is how far ahead a session may be booked, in months.
const BookAhead = 12

// Book books the family into room of session s, the children's contact from start (nil: as
// early as possible), for the family's session length and with its stagger. now is the instant
// it is now. The occupancy (capacity, supervised alone) is checked by Occupancy.Take.
func (f *Family) Book(id, centre uuid.UUID, s Session, roomID uuid.UUID, start *Clock, now time.Time) (*Booking, proto.Message, error) {
	room, ok := s.HasRoom(roomID)
	if !ok {
		return nil, nil, problem.Invalid("room_id", "is not a room open in that session")
	}
	if s.Opens.Before(now) || s.Opens.Equal(now) {
		return nil, nil, problem.Invalid("date", "the session on "+dates.String(s.Date)+" has begun or is in the past")
	}
	if latest := now.AddDate(0, BookAhead, 0); s.Opens.After(latest) {
		// A family's contact is reviewed and may end within months; a date years ahead is a
		// slip of the keyboard (review 12 booked one in 2199).
		return nil, nil, problem.Invalid("date", fmt.Sprintf("the session on %s is more than %d months ahead: book sessions up to %s",
			dates.String(s.Date), BookAhead, dates.String(LocalDate(latest, s.Opens.Location()))))
	}
	switch {
	case f.ended && f.KnownAt(centre):
		return nil, nil, ErrContactEnded
	case !f.KnownAt(centre):
		// An id scheduling never heard of at this centre (a referral's id by mistake, a typo,
		// another centre's family) is not a family part-way through (review 51); whether another
		// centre's family is ready or ended there is that centre's to know (review 22).
		return nil, nil, ErrNoFamilyHere
	case f.ready == nil || f.ready.Centre != centre:
		return nil, nil, ErrNotReady
	case !AtTheCentre(f.ready.ServiceType):
		// decision 316: indirect and virtual contact bring nobody to the centre; booked, they took
		// a room's place, put phantom rows on the day sheet and lost the family's place to "no-shows"
		// (review 55). The kind never changes once ready, so this is said first.
		return nil, nil, notAtTheCentre(f.ready.ServiceType)
	case f.OnHold():
		// Say who ends it (review 51): the coordinator cannot, and a booking waits for it.
		return nil, nil, problem.Rule(ErrOnHold.Reason, "a safeguarding hold suspends the family's contact: nothing is booked until "+
			"the centre's safeguarding lead lifts it (familytime safeguarding lift HOLD_ID); tell the lead")
	case f.RuledOut(f.ready.ServiceType):
		return nil, nil, ErrSupportedContactRuledOut
	case f.DisclosureRulesOut(f.ready.ServiceType):
		return nil, nil, ErrDisclosureNotWeighed
	}
	r := f.ready
	t, err := PlanTimes(s, r.Stagger, r.SessionMinutes, start)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case s.Date.Before(r.Earliest):
		// Say which date, and why: a coordinator booking the day of the pre-visits otherwise
		// guesses.
		return nil, nil, problem.Rule(ErrBeforeEarliest.Reason, fmt.Sprintf("the family may be booked from %s, the day after its last pre-visit: "+
			"a pre-visit is never on the same day as a session, and contact begins once every adult has had one", dates.String(r.Earliest)))
	case r.PreVisits[s.Date]:
		return nil, nil, ErrPreVisitDay
	case f.noChildOn(s.Date) != nil:
		return nil, nil, f.noChildOn(s.Date)
	case r.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED && !room.Supervised:
		return nil, nil, ErrRoomUnsuitable
	case t.DoorGap() < DoorWindowMinutes:
		return nil, nil, ErrDoorTimesClose
	}
	loc := s.Pattern.loc
	b := &Booking{ID: id, Family: f.id, Centre: centre, Room: room.ID, Pattern: s.Pattern.ID, Date: s.Date, Zone: s.Pattern.Zone, loc: loc,
		ServiceType: r.ServiceType, SessionStart: s.Pattern.Start,
		VisitingArrives: On(s.Date, t.VisitingArrives, loc), ChildrenArrive: On(s.Date, t.ChildrenArrive, loc),
		ChildrenLeave: On(s.Date, t.ChildrenLeave, loc), VisitingLeaves: On(s.Date, t.VisitingLeaves, loc)}
	for _, o := range f.bookings {
		if o.Status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED &&
			o.VisitingArrives.Before(b.VisitingLeaves) && b.VisitingArrives.Before(o.VisitingLeaves) {
			return nil, nil, problem.Rule(ErrDoubleBooked.Reason, fmt.Sprintf("the family already has a booking at that time: "+
				"booking %s, %s-%s (reschedule that booking to change its time)", o.ID, ClockAt(o.VisitingArrives, o.loc),
				ClockAt(o.VisitingLeaves, o.loc)))
		}
	}
	if o := f.bookedOn(b.Date); o != nil {
		// One contact session a day: a second booking the same day is a slip (review 14 booked a
		// fortnightly family at 10:00 and 14:00), and a day the family does not come would count
		// as two no-shows and release its place at once. A cancelled one does not count, so a
		// reschedule within the day still works.
		advice := "reschedule that booking to change its time"
		if o.Status != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED {
			// A session held, or recorded as a no-show, is not moved: the day has had its session
			// (review 17: the advice to reschedule could not be followed).
			advice = "that session has been recorded, so book the family on another day"
		}
		return nil, nil, problem.Rule(ErrBookedThatDay.Reason, fmt.Sprintf("the family is already booked on %s at %s (booking %s, %s): "+
			"a family has one contact session a day; %s",
			dates.String(b.Date), o.SessionStart, o.ID, words.Enum(o.Status), advice))
	}
	if err := f.tooSoon(b); err != nil {
		return nil, nil, err
	}
	ev := &schedulingv1.SessionBooked{BookingId: id.String(), FamilyId: f.id.String(), CentreId: centre.String(),
		RoomId: room.ID.String(), PatternId: s.Pattern.ID.String(), SessionDate: dates.Proto(s.Date), ServiceType: r.ServiceType,
		SessionOpensAt: timestamppb.New(s.Opens), VisitingArrivesAt: timestamppb.New(b.VisitingArrives),
		ChildrenArriveAt: timestamppb.New(b.ChildrenArrive), ChildrenLeaveAt: timestamppb.New(b.ChildrenLeave),
		VisitingLeavesAt: timestamppb.New(b.VisitingLeaves), TimeZone: s.Pattern.Zone}
	f.mustApply(ev)
	return f.bookings[id], ev, nil
}

// InContact refuses (ErrInContact, naming its next session) a family with a session booked whose
// contact has not ended by now: it has a place, and neither waits for one nor is offered another
// (review 17 offered a place to a family booked that day).
func (f *Family) InContact(now time.Time) error {
	if b := f.nextBooked(now); b != nil {
		return problem.Rule(ErrInContact.Reason, fmt.Sprintf("the family has a session booked on %s at %s (booking %s): "+
			"the waiting list is for a family waiting for a place; one whose place was released, or whose sessions are cancelled, may join it",
			dates.String(b.Date), b.SessionStart, b.ID))
	}
	return nil
}

// nextBooked is the family's earliest booking still booked whose contact has not ended by now,
// or nil.
func (f *Family) nextBooked(now time.Time) *Booking {
	var next *Booking
	for _, o := range f.bookings {
		if o.Status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED && o.VisitingLeaves.After(now) &&
			(next == nil || o.VisitingArrives.Before(next.VisitingArrives)) {
			next = o
		}
	}
	return next
}

// bookedOn is the family's booking on day d that is not cancelled (booked, completed or a
// no-show), or nil.
func (f *Family) bookedOn(d time.Time) *Booking {
	for _, o := range f.bookings {
		if o.Date.Equal(d) && o.Status != schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED {
			return o
		}
	}
	return nil
}

// Reschedule moves a booking: the old one is cancelled (reason: rescheduled) and a new one
// booked by the same rules, as if the old one were gone.
func (f *Family) Reschedule(old, id, centre uuid.UUID, s Session, room uuid.UUID, start *Clock, by schedulingv1.CancelledBy, now time.Time) (*Booking, []proto.Message, error) {
	b, err := f.active(old)
	if err != nil {
		return nil, nil, err
	}
	if b.Started(now) {
		return nil, nil, ErrSessionStarted
	}
	// Decide on a copy, so a refusal leaves the family as it was.
	trial, err := f.copy()
	if err != nil {
		return nil, nil, err
	}
	cancel := trial.cancellation(trial.bookings[old], by, schedulingv1.CancellationReason_CANCELLATION_REASON_RESCHEDULED, now)
	cancel.ReplacedBy = id.String()
	trial.mustApply(cancel)
	nb, booked, err := trial.Book(id, centre, s, room, start, now)
	if err != nil {
		return nil, nil, err
	}
	if nb.Pattern == b.Pattern && nb.Date.Equal(b.Date) && nb.Room == b.Room &&
		nb.VisitingArrives.Equal(b.VisitingArrives) && nb.ChildrenArrive.Equal(b.ChildrenArrive) {
		// Nothing would move: a cancellation (late, perhaps, and counted) and a booking for the
		// same place and times would be records of a change that did not happen.
		return nil, nil, ErrSameSession
	}
	booked.(*schedulingv1.SessionBooked).RescheduledFrom = old.String()
	*f = *trial
	return nb, []proto.Message{cancel, booked}, nil
}

// Cancel cancels a booking at the request of a parent or the referrer, before its session starts
// (Started); under 48 hours' notice is late. A session under way is completed or recorded as a
// no-show instead, so a party that does not come cannot turn its no-show into a late
// cancellation; but a session that held no contact (NoContactHeld) did not take place and is
// cancelled, with no notice. The centre's cancellation is CentreCallsOff: by the centre here it is
// refused for want of a reason, unless the door stopped the session (callOffStopped).
func (f *Family) Cancel(id uuid.UUID, by schedulingv1.CancelledBy, now time.Time) (*Booking, *schedulingv1.BookingCancelled, error) {
	return f.cancel(id, by, schedulingv1.CallOffReason_CALL_OFF_REASON_UNSPECIFIED, now)
}

// CentreCallsOff records that the centre called booking id's session off, for why (required: the
// centre's own cause, premises, staffing, weather, safeguarding or other), at now. It is never
// late and nobody's no-show, and the family keeps its place. The centre calls off a session before
// it, or under way or past when nobody of the family came (NobodyCame, decision 263) or no contact
// was held (NoContactHeld). A session someone of the family came to (admitted at the door, or a
// party's arrival recorded) is called off on the day, until the booking's Latest, the hour after
// the session the door records movements for: a burst pipe with a parent checked in, or the family
// inside (review 50: refused SESSION_STARTED, the only records left were a no-show that released
// the family's place, or a completion counted as attended). Whoever is inside stays on the record
// until the door records them leaving (Depart takes a called-off booking's departures; InsideNow).
// After Latest it is refused: the session ran its time, and completing it names whoever was never
// recorded leaving. A session the door stopped (StoppedAtTheDoor) is callOffStopped's: its reason
// is safeguarding unless the centre gives another.
func (f *Family) CentreCallsOff(id uuid.UUID, why schedulingv1.CallOffReason, now time.Time) (*Booking, *schedulingv1.BookingCancelled, error) {
	return f.cancel(id, schedulingv1.CancelledBy_CANCELLED_BY_CENTRE, why, now)
}

func (f *Family) cancel(id uuid.UUID, by schedulingv1.CancelledBy, why schedulingv1.CallOffReason, now time.Time) (*Booking, *schedulingv1.BookingCancelled, error) {
	b, err := f.active(id)
	if err != nil {
		return nil, nil, err
	}
	centre := by == schedulingv1.CancelledBy_CANCELLED_BY_CENTRE
	if !centre && why != schedulingv1.CallOffReason_CALL_OFF_REASON_UNSPECIFIED {
		return nil, nil, problem.Invalid("call_off_reason", "is the centre's reason for calling a session off: a parent's or the referrer's cancellation takes none")
	}
	if stop, stopped := b.StoppedAtTheDoor(); stopped {
		// The door turned the family away because its contact was stopped: the centre calls it
		// off, under way or not, with no late notice (review 37).
		return f.callOffStopped(b, stop, by, why, now)
	}
	if centre && why == schedulingv1.CallOffReason_CALL_OFF_REASON_UNSPECIFIED {
		return nil, nil, ErrCallOffReasonMissing
	}
	if b.Started(now) && !b.NoContactHeld(now) {
		// Under way: a party that does not come is a no-show, and a session someone came to is
		// completed, unless the centre calls it off (on the day, once someone came).
		switch {
		case !centre && b.NobodyCame():
			return nil, nil, b.startedRefusal()
		case !centre:
			return nil, nil, ErrSessionStarted
		case !b.NobodyCame() && now.After(b.Latest()):
			return nil, nil, b.calledOffTooLate()
		}
	}
	ev := f.cancellation(b, by, schedulingv1.CancellationReason_CANCELLATION_REASON_REQUESTED, now)
	ev.CallOffReason = why
	f.mustApply(ev)
	return b, ev, nil
}

// sessionOver reports whether the door's record of b closed before now (Latest: an hour after the
// visiting parent is due to leave) for person: for anyone but one who may collect the children
// while they are still inside.
func (f *Family) sessionOver(b *Booking, person uuid.UUID, now time.Time) bool {
	return now.After(b.Latest()) && !(f.mayCollect(person) && f.childrenInside(b))
}

// ErrCallOffReasonMissing refuses the centre's cancellation without its reason: a centre's
// cancellation says why the centre called the session off, so that it is never read as a party's
// request or late notice (decision 284).
var ErrCallOffReasonMissing = problem.Invalid("call_off_reason", "is required when the centre calls a session off: premises, "+
	"staffing, weather, safeguarding, or other with a note saying why")

// calledOffTooLate is CentreCallsOff's refusal of a session someone of the family came to, once
// the door's record of it closed (Latest): it ran its time and is completed.
func (b *Booking) calledOffTooLate() error {
	return problem.Rule(ErrSessionOver.Reason, fmt.Sprintf("the session is over: the family came, and the door's record of it closed at %s, "+
		"an hour after the visiting parent was due to leave. The centre calls off a session the family came to on the day, up to then; "+
		"this one ran its time: complete it (familytime schedule complete %s), which names anyone never recorded leaving",
		ClockAt(b.Latest(), b.loc), b.ID))
}

// NobodyCame reports whether nobody of the family came to the booking's session: nobody admitted
// at the door, and no party's arrival (nor departure) recorded. Someone refused at the door did not
// come in; an arrival corrected as not having happened was never one.
func (b *Booking) NobodyCame() bool {
	return len(b.CheckedIn) == 0 && len(b.Arrived) == 0 && len(b.Departed) == 0
}

// startedRefusal is Cancel's refusal, by a parent or the referrer, of a session under way that
// nobody of the family came to: a party that does not come is a no-show, and only the centre
// calls off a session once it is under way (decision 263).
func (b *Booking) startedRefusal() error {
	if b.isHandover() {
		// No visiting party is due at a handover (NO_VISITING_PARTY): the children not brought
		// are the children's no-show; a handover the collecting parent calls off once the
		// children are due is the centre's to record (decision 394).
		return problem.Rule(ErrSessionStarted.Reason, fmt.Sprintf("the handover has started (the children were due at %s): children not "+
			"brought are a no-show (familytime schedule noshow %s --party children, from %d minutes after they were due). If the "+
			"handover cannot take place now (the parent due to collect called to say they cannot come), the centre calls it off with "+
			"its reason (familytime schedule cancel %s --by centre --reason other --note \"<who called, and why>\")",
			ClockAt(b.ChildrenArrive, b.loc), b.ID, int(NoShowGrace/time.Minute), b.ID))
	}
	return problem.Rule(ErrSessionStarted.Reason, fmt.Sprintf("the session has started (the visiting parent was due at %s): a party "+
		"that does not come is a no-show (familytime schedule noshow %s --party visiting or children, from %d minutes after they were due; "+
		"--explanation \"<the family's reason>\" when they gave one). If the centre called the session off, record it as the "+
		"centre's, with its reason (familytime schedule cancel %s --by centre --reason premises, staffing, weather, safeguarding, "+
		"or other with --note)", ClockAt(b.VisitingArrives, b.loc), b.ID, int(NoShowGrace/time.Minute), b.ID))
}

// CheckIn admits person for a booking on its day if named for the family; anyone else is refused
// and the refusal recorded. A person already checked in is admitted again without an event. An
// adult who may collect the children, refused because the session was called off (a hold, a
// cancellation) while the children are still inside, is answered RefusalChildrenInside, the
// refusal recorded with its own reason. A booking recorded as a no-show, or completed, admits
// nobody: the refusal (RefusalNoShow, RefusalCompleted) is recorded, and its caution says the way
// on (notActiveCaution; decision 359).
func (f *Family) CheckIn(id, person uuid.UUID, now time.Time) (admitted bool, role schedulingv1.PersonRole, refusal string, ev proto.Message, err error) {
	b, err := f.Booking(id)
	if err != nil {
		return false, 0, "", nil, err
	}
	if !LocalDate(now, b.loc).Equal(b.Date) {
		return false, 0, "", nil, problem.Rule(ErrNotSessionDay.Reason, fmt.Sprintf("check-in is on the day of the session only: "+
			"this booking's session is on %s", dates.String(b.Date)))
	}
	if !f.Knows(person) {
		// An id that is nobody of this family is a wrong row or a typo, not someone turned away:
		// recorded, it said for good in the family's history that a stranger came (review 51).
		return false, 0, "", nil, ErrNobodyOfTheFamily
	}
	role, named := f.role(person)
	switch {
	case f.OnHold():
		refusal = "ON_HOLD"
	case f.sessionOver(b, person, now) && named:
		// Nobody checked in now comes for this session, but who comes for children still inside,
		// late: they are let in to take them home (review 23 turned a mother away at 13:45).
		// Turned away and recorded so, as any refusal (decision 372): they came to the door and
		// may still be outside when a family kept apart from this one comes. Its times are its
		// caution (sessionOverCaution). Someone not named to come is refused as not permitted.
		refusal = RefusalSessionOver
	case b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED && f.cancelledByEnding(b):
		// Cancelled by the case's ending, which the door is told in its own words (decision 346).
		refusal = RefusalCaseEnded
	case b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED:
		refusal = "BOOKING_CANCELLED"
	case b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW:
		// Turned away at the door, and recorded so, as any refusal (decision 359): the no-show's
		// way on is the refusal's caution (notActiveCaution).
		refusal = RefusalNoShow
	case b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED:
		refusal = RefusalCompleted
	case b.Status != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED:
		return false, 0, "", nil, ErrBookingNotActive
	case f.endedBefore(b):
		// The case ended before anyone of the family came: the session does not take place
		// (decision 346). One someone came to before the end goes on, and admits its parties.
		refusal = RefusalCaseEnded
	case f.DisclosureStops(b):
		refusal = ErrDisclosureNotWeighed.Reason
	case f.RuledOut(b.ServiceType):
		// A finding of domestic abuse made once the session had begun leaves its booking (decision
		// 80: the families may be in the room), but admits nobody more to contact it rules out:
		// review 92 saw the whole family let into supported contact an hour after the finding,
		// nobody of it having come before (decision 425). Who comes for children inside takes them.
		refusal = ErrSupportedContactRuledOut.Reason
	case !named:
		refusal = RefusalNotPermitted
	case f.left(b, person, role):
		// Their party's departure is recorded: a visiting parent let back in while the children
		// are being collected would meet the other parent at the door (review 14).
		refusal = "ALREADY_LEFT"
	}
	if refusal != "" {
		ev := &schedulingv1.CheckInRefused{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(),
			PersonId: person.String(), Reason: refusal, At: timestamppb.New(now)}
		f.mustApply(ev)
		if f.comesToCollect(b, person, refusal) {
			// The refusal recorded is the hold's (or the cancellation's), as it was; the door
			// is told more, so as not to turn away who is to take the children home.
			refusal = RefusalChildrenInside
		}
		return false, 0, refusal, ev, nil
	}
	if slices.Contains(b.CheckedIn, person) && !slices.Contains(b.TakenOut, person) {
		return true, role, "", nil, nil
	}
	in := &schedulingv1.PersonCheckedIn{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(),
		PersonId: person.String(), Role: role, At: timestamppb.New(now), Party: f.partyOf(person, role)}
	f.mustApply(in)
	return true, role, "", in, nil
}

// left reports whether the party person comes with has left the booking: the visiting party for
// the visiting parent and an adult who may take part in contact, the children's for a child and
// for an adult who only brings or collects them (the resident parent, an escort).
func (f *Family) left(b *Booking, person uuid.UUID, role schedulingv1.PersonRole) bool {
	_, gone := b.Departed[f.partyOf(person, role)]
	return gone
}

// partyOf is the party person, of role, comes with: the visiting party for the visiting parent
// and an adult who may take part in contact, the children's for a child and for an adult who only
// brings or collects them (the resident parent, an escort).
func (f *Family) partyOf(person uuid.UUID, role schedulingv1.PersonRole) schedulingv1.Party {
	if f.ready == nil {
		return schedulingv1.Party_PARTY_CHILDREN
	}
	if a, ok := f.adult(person); ok && role != schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT &&
		(role == schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT || a.MayAttend) {
		return schedulingv1.Party_PARTY_VISITING
	}
	return schedulingv1.Party_PARTY_CHILDREN
}

// A check-in's cautions: what the door must mind about a person just admitted (DoorCautions).
const (
	// CautionParentsMayMeet: someone of the other party came to the door less than
	// DoorWindowMinutes before.
	CautionParentsMayMeet = "PARENTS_MAY_MEET"
	// CautionMayNotCollect: an adult named to bring the children but not to collect them, admitted
	// while the children are inside.
	CautionMayNotCollect = "MAY_NOT_COLLECT"
	// CautionBringOnly: an adult named only to bring the children (not to take part in contact,
	// nor to collect them), newly admitted: they hand the children over and leave.
	CautionBringOnly = "BRING_ONLY"
	// CautionCollectOnly: an adult named only to collect the children (not to take part in
	// contact, nor to bring them), newly admitted: they take the children and leave (decision 316).
	CautionCollectOnly = "COLLECT_ONLY"
)

// Caution is something the door must mind about a person just admitted: a code and words for
// the door (the party, the time, what the person may do; never a name).
type Caution struct{ Code, Text string }

// DoorCautions are what the door must mind about person, just admitted for booking id at now
// (review 20):
//   - the parents may meet: someone of the other party came to the door (checked in, or its
//     arrival recorded) less than DoorWindowMinutes before and has not left, or the other party
//     left less than DoorWindowMinutes before (parentsMayMeet; review 36); the visiting and
//     the resident parent were admitted in the same minute with no word to the door, since only
//     recorded arrivals counted;
//   - an adult named to bring the children, not to collect them, admitted after the children were
//     brought in (their arrival recorded) and before they left: the door read "ADMITTED" at collection time and handed the children over, and the
//     departure was refused only once they had gone;
//   - an adult named only to bring the children, newly admitted: they hand the children over and
//     leave, neither staying for contact nor collecting them (review 50: a grandmother named to bring
//     the children was answered "ADMITTED as named-escort", and nothing told the door she leaves).
//
// again: the person was checked in before (nothing new recorded); only the second holds then, since
// an escort checked in at drop-off comes back at collection time (review 21).
func (f *Family) DoorCautions(id, person uuid.UUID, now time.Time, again bool) []Caution {
	b, ok := f.bookings[id]
	if !ok {
		return nil
	}
	var out []Caution
	role, _ := f.role(person)
	other := schedulingv1.Party_PARTY_VISITING
	if f.partyOf(person, role) == schedulingv1.Party_PARTY_VISITING {
		other = schedulingv1.Party_PARTY_CHILDREN
	}
	if c, ok := f.caseEndedCaution(b, true); ok && !again {
		// decision 346: the session was under way when the case ended, and goes on.
		out = append(out, c)
	}
	if c, ok := parentsMayMeet(b, other, now); ok && !again {
		out = append(out, c)
	}
	_, brought := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]
	_, collected := b.Departed[schedulingv1.Party_PARTY_CHILDREN]
	a, adult := f.adult(person)
	if adult && a.MayBring && !a.MayCollect && !a.MayAttend && !again {
		out = append(out, Caution{CautionBringOnly, "named only to bring the children: they hand the children over at the door and " +
			"leave; they may not stay for contact, nor collect the children (an adult the family named to collect them does)"})
	}
	if adult && a.MayCollect && !a.MayBring && !a.MayAttend && !again {
		// decision 316: as BRING_ONLY, for an adult named only to collect (the other parent at a
		// handover; review 55 read "ADMITTED as visiting-parent" and nothing more).
		out = append(out, Caution{CautionCollectOnly, "named only to collect the children: they take the children at the end and " +
			"leave with them; they may not stay for contact, nor bring the children"})
	}
	if adult && a.MayBring && !a.MayCollect && brought && !collected {
		out = append(out, Caution{CautionMayNotCollect, "named to bring the children, not to collect them: do not hand the children " +
			"over to them; they leave with an adult the family named to collect them (the day sheet names each person's role)"})
	}
	return out
}

// ErrNobodyOfTheFamily refuses a check-in of an id that is nobody the family's referral names:
// bad input, recorded nowhere. The app says whose it is when it is another family's at the centre.
var ErrNobodyOfTheFamily = problem.Invalid("person_id", "is nobody named for a family at this centre: check the id against "+
	"the PERSON column of the day sheet (familytime schedule daysheet) and check in the person by the id on their row")

// Knows reports whether person is someone the family's referral names: an adult (whether or not
// named for contact) or a child.
func (f *Family) Knows(person uuid.UUID) bool {
	if f.ready == nil {
		return false
	}
	for _, a := range f.ready.Adults {
		if a.ID == person {
			return true
		}
	}
	for _, c := range f.ready.Children {
		if c.ID == person {
			return true
		}
	}
	return false
}

// role is how person stands to the family, if named for it.
func (f *Family) role(person uuid.UUID) (schedulingv1.PersonRole, bool) {
	if f.ready == nil {
		return 0, false
	}
	for _, a := range f.ready.Adults {
		if a.ID == person && (a.MayAttend || a.MayBring || a.MayCollect) {
			return a.Role, true
		}
	}
	for _, c := range f.ready.Children {
		if c.ID == person {
			return schedulingv1.PersonRole_PERSON_ROLE_CHILD, true
		}
	}
	return 0, false
}

// adult is the adult named for the family with id person, if any.
func (f *Family) adult(person uuid.UUID) (Adult, bool) {
	for _, a := range f.ready.Adults {
		if a.ID == person {
			return a, true
		}
	}
	return Adult{}, false
}

// checkPeople checks who a party's arrival (arriving) or departure names: at least one person,
// each named for the family. The visiting party is the visiting parent and the adults who may
// take part in contact with them (a named relative, another with parental responsibility), never
// the resident parent, an escort or a child (ErrNotVisitingParty). The children's party names who
// brought them (arriving) or collected them (leaving), an adult who may, and any of the children.
//
// Someone who came in with the visiting party and was taken off the referral (or kept from the
// children by a court order) while inside is still recorded leaving with it: review 81 found the
// visiting party's departure refused both ways, without the relative ("does not name whom its
// arrival named") and with them ("not named for the family"), and the day sheet kept the visiting
// parent inside (decision 401). Anyone else named for the family with no permission left is refused
// NOT_PERMITTED, saying so, not as a stranger.
func (f *Family) checkPeople(b *Booking, party schedulingv1.Party, people []uuid.UUID, arriving bool) error {
	what := "collected"
	if arriving {
		what = "brought"
	}
	if len(people) == 0 {
		if party == schedulingv1.Party_PARTY_VISITING {
			return problem.Invalid("person_ids", "is required: name who came (the visiting parent, or a relative who may attend)")
		}
		return problem.Invalid("person_ids", "is required: name who "+what+" the children (an adult who may)")
	}
	adults := 0
	for _, p := range people {
		role, named := f.role(p)
		if !named {
			known := false
			if f.ready != nil {
				_, known = f.adult(p)
			}
			switch {
			case !known:
				return problem.Invalid("person_ids", p.String()+" is not named for the family")
			case !arriving && party == schedulingv1.Party_PARTY_VISITING && slices.Contains(b.CameIn, p):
				adults++ // came in with the party, and leaves with it
				continue
			default:
				return problem.Rule(RefusalNotPermitted, p.String()+" is named on the family's referral but may not attend, bring or "+
					"collect the children (not named for contact, taken off the referral, or kept from the children by a court order): "+
					"do not let them in or hand the children over to them, record who did come, and tell the coordinator")
			}
		}
		if role == schedulingv1.PersonRole_PERSON_ROLE_CHILD {
			if party == schedulingv1.Party_PARTY_VISITING {
				return notVisitingParty(p, "is a child of the family")
			}
			continue
		}
		a, _ := f.adult(p)
		adults++
		if party == schedulingv1.Party_PARTY_VISITING {
			switch role {
			case schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT, schedulingv1.PersonRole_PERSON_ROLE_NAMED_RELATIVE,
				schedulingv1.PersonRole_PERSON_ROLE_OTHER_PARENTAL_RESPONSIBILITY:
				if !a.MayAttend {
					return notVisitingParty(p, "may not take part in contact (named to bring or collect the children only)")
				}
			case schedulingv1.PersonRole_PERSON_ROLE_RESIDENT_PARENT:
				return notVisitingParty(p, "is the resident parent, who brings and collects the children")
			default:
				if a.MayAttend {
					// decision 316: said truly of an escort named to attend (review 55 was told
					// they were "named to bring or collect the children only").
					return notVisitingParty(p, "is the family's named escort: an escort goes with the children and is not of the visiting "+
						"party, even when named to attend; record who of the visiting party came")
				}
				return notVisitingParty(p, "is named to bring or collect the children only")
			}
			continue
		}
		// Not a typing slip but the rule the door keeps: the referral names who may take the
		// children (review 77 was answered "invalid request", with no reason and no way on).
		if arriving && !a.MayBring {
			return problem.Rule(ErrMayNotBring.Reason, p.String()+" "+ErrMayNotBring.Message+": record who did bring them, "+
				"an adult the referral names to; if nobody who may brought them, tell the coordinator before contact starts")
		}
		if !arriving && !a.MayCollect {
			return problem.Rule(ErrMayNotCollect.Reason, p.String()+" "+ErrMayNotCollect.Message+": do not hand the children "+
				"over to them; the children wait inside with a volunteer while the coordinator calls an adult the referral names "+
				"to collect them, and their departure is recorded with whoever does")
		}
	}
	if adults == 0 {
		return problem.Invalid("person_ids", "must name who "+what+" the children (an adult who may), not only the children")
	}
	return nil
}

// adultRoles are the roles of the adults among people, in their order: who brought or collected
// the children, or who of the visiting party came or left, as the family's history says it (by
// role, never by name; review 77 found the court's history saying only "with whoever collects
// them" of a handover; decision 391).
func (f *Family) adultRoles(people []uuid.UUID) []schedulingv1.PersonRole {
	var out []schedulingv1.PersonRole
	if f.ready == nil {
		return nil
	}
	for _, p := range people {
		// By the role the referral gave them, even once they may no longer come (decision 401).
		if a, ok := f.adult(p); ok {
			out = append(out, a.Role)
		}
	}
	return out
}

func notVisitingParty(p uuid.UUID, why string) error {
	return problem.Rule(ErrNotVisitingParty.Reason, p.String()+" "+why+": the visiting party is the visiting parent, and relatives "+
		"or others with parental responsibility who may take part in contact with them")
}

// Latest is the latest time a party of the booking may be recorded arriving or leaving, or someone
// checked in for it: LateDeparture after its last door time, the visiting parent's booked
// departure.
func (b *Booking) Latest() time.Time { return b.VisitingLeaves.Add(LateDeparture) }

// TimeNeeded is the refusal of a movement recorded past the booking's Latest without its time,
// which would be taken at now: an evening's "now" recorded the children leaving at 23:20 (review
// 22).
func (b *Booking) TimeNeeded() error {
	return problem.Invalid("time", fmt.Sprintf("is needed: the session ended (the visiting parent was due to leave at %s) and it is "+
		"now past %s: give the time it happened (--at HH:MM)", ClockAt(b.VisitingLeaves, b.loc), ClockAt(b.Latest(), b.loc)))
}

// checkTime refuses a time off the session's date, in the future, more than EarlyArrival before
// the opening session starts, or, for an arrival, after the booking's Latest. A departure (late)
// may be later, up to the end of the day: children collected late are recorded as they were
// (review 23), and a supervisor's watch still ends at the booked end (ContactHeld). A movement
// recorded after the fact without a time would be taken at now: the application refuses that past
// Latest, asking for the time it happened (TimeNeeded).
func checkTime(b *Booking, at, now time.Time, late bool) error {
	if !LocalDate(at, b.loc).Equal(b.Date) {
		return problem.Invalid("time", "must be on the session's date "+dates.String(b.Date))
	}
	if at.After(now.Add(time.Minute)) {
		return problem.Invalid("time", "must not be in the future")
	}
	if earliest := On(b.Date, b.SessionStart, b.loc).Add(-EarlyArrival); at.Before(earliest) {
		return problem.Invalid("time", fmt.Sprintf("must not be before %s, %d minutes before the session opens at %s",
			ClockAt(earliest, b.loc), int(EarlyArrival/time.Minute), b.SessionStart))
	}
	if latest := b.Latest(); at.After(latest) && !late {
		return problem.Invalid("time", fmt.Sprintf("must not be after %s, %d minutes after the visiting parent is due to leave at %s: "+
			"an arrival then is no part of the session",
			ClockAt(latest, b.loc), int(LateDeparture/time.Minute), ClockAt(b.VisitingLeaves, b.loc)))
	}
	return nil
}

// Arrive records a party's arrival at at. A late arrival shortens the contact, never extends
// it: the event carries the unchanged end.
func (f *Family) Arrive(id uuid.UUID, party schedulingv1.Party, at time.Time, people []uuid.UUID, now time.Time) (*Booking, *schedulingv1.PartyArrived, error) {
	if b, ok := f.bookings[id]; ok && b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW {
		// The door is told the way on, as at check-in, rather than a bare BOOKING_NOT_ACTIVE.
		return nil, nil, f.noShowAtTheDoor(b, uuid.Nil, now)
	}
	b, err := f.active(id)
	if err != nil {
		return nil, nil, err
	}
	if f.DisclosureStops(b) {
		// Nobody is admitted to it (CheckIn): no party's arrival is recorded either.
		return nil, nil, ErrDisclosureNotWeighed
	}
	if f.RuledOut(b.ServiceType) && !b.came(party) {
		// Nor to contact a finding rules out (decision 425); a party already in may be recorded.
		return nil, nil, ErrSupportedContactRuledOut
	}
	if f.endedBefore(b) && !b.came(party) {
		// Nor to a session of an ended case whose contact had not begun when it ended (decisions
		// 346, 351); a party that had come may have its arrival recorded, which makes no contact.
		return nil, nil, f.caseEndedRefusal(b)
	}
	if err := checkTime(b, at, now, false); err != nil {
		return nil, nil, err
	}
	if first, ok := b.Arrived[party]; ok {
		return f.moreChildren(b, party, first, at, people)
	}
	if err := f.checkPeople(b, party, people, true); err != nil {
		return nil, nil, err
	}
	late := max(0, int(at.Sub(b.due(party))/time.Minute))
	ev := &schedulingv1.PartyArrived{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(), Party: party,
		At: timestamppb.New(at), PersonIds: ids(people), LateMinutes: int32(late), SessionEndsAt: timestamppb.New(b.ChildrenLeave),
		AdultRoles: f.adultRoles(people)}
	f.mustApply(ev)
	return b, ev, nil
}

// moreChildren records more of the children brought after their party's first arrival, at first:
// a child brought later, by someone the family named to bring them (review 20: a second child's
// arrival was refused ALREADY_ARRIVED, so who brought them could not be recorded). Every child it
// names is one not yet brought in; the party's arrival time stays the first, and nothing is late.
// Anything else arriving again is ErrAlreadyArrived.
func (f *Family) moreChildren(b *Booking, party schedulingv1.Party, first, at time.Time, people []uuid.UUID) (*Booking, *schedulingv1.PartyArrived, error) {
	_, left := b.Departed[party]
	if party != schedulingv1.Party_PARTY_CHILDREN || left {
		return nil, nil, ErrAlreadyArrived
	}
	children := 0
	for _, p := range people {
		if role, _ := f.role(p); role == schedulingv1.PersonRole_PERSON_ROLE_CHILD {
			// A child who left while others stayed may be brought back (review 21).
			if slices.Contains(b.BroughtIn, p) && !slices.Contains(b.TakenOut, p) {
				return nil, nil, problem.Rule(ErrAlreadyArrived.Reason, p.String()+" is inside already: name only the children "+
					"brought now (or brought back), with who brought them")
			}
			children++
		}
	}
	if children == 0 {
		return nil, nil, ErrAlreadyArrived
	}
	if err := f.checkPeople(b, party, people, true); err != nil {
		return nil, nil, err
	}
	if latest := later(first, b.PartlyLeftAt); at.Before(latest) {
		return nil, nil, problem.Invalid("time", "must not be before "+ClockAt(latest, b.loc).String()+
			", the children's last arrival or departure recorded")
	}
	ev := &schedulingv1.PartyArrived{BookingId: b.ID.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(), Party: party,
		At: timestamppb.New(at), PersonIds: ids(people), SessionEndsAt: timestamppb.New(b.ChildrenLeave), MoreChildren: true,
		AdultRoles: f.adultRoles(people)}
	f.mustApply(ev)
	return b, ev, nil
}

// Depart records a party's departure at at, with who took the children (or who of the visiting
// party left). A booking cancelled while people were in the building (a hold placed during the
// session) takes departures too (decision 111): the session is called off, but the children
// still leave with someone the family named, and the door records who, whether or not their
// arrival was recorded before the cancellation.
//
// The children may leave in parts (review 20: a teenager left early with one parent while a younger
// child stayed for the other to collect): with othersStay, a departure names the children who
// leave now and who collected them, and some of the children who came stay inside; the party has
// left once a departure without it accounts for the rest. Without othersStay, every child who
// came and has not left is named (ErrChildNotAccountedFor), so that no child is forgotten.
func (f *Family) Depart(id uuid.UUID, party schedulingv1.Party, at time.Time, people []uuid.UUID, othersStay bool, now time.Time) (*Booking, *schedulingv1.PartyDeparted, error) {
	b, err := f.Booking(id)
	if err != nil {
		return nil, nil, err
	}
	// A session called off (a hold) or ended by one party's no-show may have people inside: who
	// takes the children home is still recorded (decision 111; review 13, a no-show).
	ended := b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED || b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW
	calledOff := ended && (len(b.CheckedIn) > 0 || len(b.Arrived) > 0)
	if b.Status != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED && !calledOff {
		return nil, nil, b.notActive()
	}
	if err := checkTime(b, at, now, true); err != nil {
		return nil, nil, err
	}
	arrived, ok := b.Arrived[party]
	if !ok && !calledOff {
		// The way on (review 87: a visiting parent checked in at the door, counted in on the day
		// sheet, could not be recorded leaving, and the refusal said nothing more): a check-in
		// admits one person; the party's arrival, with who came in, is recorded apart.
		return nil, nil, problem.Rule(ErrNotArrived.Reason, fmt.Sprintf("%s: no arrival of %s is recorded (a check-in at the door "+
			"admits one person; the party's arrival records who came in, and when). If they came, record their arrival first "+
			"(familytime schedule arrive %s --party %s --at HH:MM --person ...), then the departure", ErrNotArrived.Message,
			partyWords(party), b.ID, partyFlag(party)))
	}
	if _, ok := b.Departed[party]; ok {
		return nil, nil, ErrAlreadyDeparted
	}
	if ok && at.Before(arrived) {
		return nil, nil, problem.Invalid("time", "must not be before the party arrived")
	}
	if err := f.checkPeople(b, party, people, false); err != nil {
		return nil, nil, err
	}
	remain := false
	if party == schedulingv1.Party_PARTY_CHILDREN {
		var err error
		if remain, err = f.childrenLeaving(b, at, people, othersStay); err != nil {
			return nil, nil, err
		}
	} else if othersStay {
		return nil, nil, problem.Invalid("others_stay", "is for the children's party, whose children may leave at different times")
	} else if err := f.visitingAccountedFor(b, people); err != nil {
		return nil, nil, err
	}
	ev := &schedulingv1.PartyDeparted{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(), Party: party,
		At: timestamppb.New(at), PersonIds: ids(people), ChildrenRemain: remain, AdultRoles: f.adultRoles(people)}
	f.mustApply(ev)
	return b, ev, nil
}

// CallOff is what the children's departure ev of booking id also records when a safeguarding
// hold called the session off while the family was inside and the session was supervised: the
// session has ended (SessionCalledOff), and its contact supervisor reports what was seen before the
// hold (review 20). Nil otherwise.
func (f *Family) CallOff(id uuid.UUID, ev *schedulingv1.PartyDeparted) *schedulingv1.SessionCalledOff {
	b, ok := f.bookings[id]
	if !ok || ev.GetParty() != schedulingv1.Party_PARTY_CHILDREN || ev.GetChildrenRemain() ||
		b.Status != schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED || b.Reason != schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD ||
		b.ServiceType != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		return nil
	}
	came, ok := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]
	if !ok {
		return nil // the hold came before the children: no contact was watched
	}
	off := &schedulingv1.SessionCalledOff{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(),
		ServiceType: b.ServiceType, SessionDate: dates.Proto(b.Date), ChildrenArrivedAt: timestamppb.New(came), ChildrenLeftAt: ev.GetAt()}
	f.mustApply(off)
	return off
}

// later is the later of two instants.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// childrenLeaving checks a children's departure that names people at at, and reports whether
// some of the children who came stay inside after it (othersStay): every child it names came
// and has not left, and, without othersStay, every child who came is accounted for.
func (f *Family) childrenLeaving(b *Booking, at time.Time, people []uuid.UUID, othersStay bool) (remain bool, err error) {
	children := 0
	for _, p := range people {
		if role, _ := f.role(p); role != schedulingv1.PersonRole_PERSON_ROLE_CHILD {
			continue
		}
		children++
		if slices.Contains(b.TakenOut, p) {
			return false, problem.Invalid("person_ids", p.String()+" left already, at "+ClockAt(b.PartlyLeftAt, b.loc).String())
		}
	}
	if latest := later(b.PartlyLeftAt, b.LastBroughtAt); !latest.IsZero() && at.Before(latest) {
		return false, problem.Invalid("time", "must not be before "+ClockAt(latest, b.loc).String()+
			", the children's last arrival or departure recorded")
	}
	left := append(slices.Clone(b.TakenOut), people...)
	if !othersStay {
		return false, f.accountedFor(b, schedulingv1.Party_PARTY_CHILDREN, b.BroughtIn, left)
	}
	if children == 0 {
		return false, problem.Invalid("person_ids", "must name the children who leave now, with who collected them")
	}
	if len(f.unaccounted(b, b.BroughtIn, left)) == 0 {
		return false, problem.Invalid("others_stay", "no other child who came is still inside: leave it out, so that the children's party has left")
	}
	return true, nil
}

// Correction is what a party's arrival or departure recorded by mistake is corrected to.
type Correction struct {
	Party    schedulingv1.Party
	Movement schedulingv1.Movement
	// At is when it happened; zero keeps the time recorded (a correction of who only); ignored
	// when NotHappened.
	At time.Time
	// People are who came or left, the whole list, as Arrive and Depart take them.
	People []uuid.UUID
	// NotHappened withdraws the movement: it was recorded before it happened, or by mistake.
	NotHappened bool
}

// Correct corrects a party's arrival or departure recorded by mistake: a volunteer tapped the
// children's departure at 10:30 while they were still in the room, or named the wrong escort.
// Nothing is edited: the correction is a record of its own pointing at the movement it corrects
// (the booking, party and movement, and the time it said), and the booking is as if the
// movement had been recorded right. It is taken until the session is completed: the completion
// carries the attendance on to referral, safeguarding and reporting, and stands
// (ErrSessionCompleted). The rules of Arrive and Depart hold for what it is corrected to: a time
// on the session's date, not ahead of now, a departure not before the arrival; and an arrival is
// withdrawn only while the party's departure is not recorded.
func (f *Family) Correct(id uuid.UUID, c Correction, now time.Time) (*Booking, *schedulingv1.MovementCorrected, error) {
	b, err := f.Booking(id)
	if err != nil {
		return nil, nil, err
	}
	switch b.Status {
	case schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED:
	case schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED:
		return nil, nil, ErrSessionCompleted
	default: // called off (a hold, a no-show) with people inside: their movements were recorded (Depart)
		if len(b.Arrived) == 0 && len(b.Departed) == 0 {
			return nil, nil, b.notActive()
		}
	}
	arriving := c.Movement == schedulingv1.Movement_MOVEMENT_ARRIVAL
	recorded, was := b.Departed, ErrNotDeparted
	if arriving {
		recorded, was = b.Arrived, ErrNotArrived
	}
	if c.Party == schedulingv1.Party_PARTY_CHILDREN && b.InParts {
		// A correction states one whole movement; restating a departure recorded in parts would
		// lose who took which child, and when (review 21).
		if !arriving {
			return nil, nil, problem.Rule(ErrDepartureInParts.Reason, "the children left in parts: a child recorded leaving by mistake "+
				"is recorded back inside (their check-in, or an arrival naming them and who brought them back); a correction states "+
				"one whole departure")
		}
		if c.NotHappened {
			return nil, nil, ErrDepartureRecorded
		}
	}
	wasAt, ok := recorded[c.Party]
	if !ok {
		return nil, nil, was
	}
	ev := &schedulingv1.MovementCorrected{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(), Party: c.Party,
		Movement: c.Movement, WasAt: timestamppb.New(wasAt)}
	if c.NotHappened {
		if len(c.People) > 0 {
			return nil, nil, problem.Invalid("person_ids", "is not given when the movement did not happen")
		}
		if _, departed := b.Departed[c.Party]; arriving && departed {
			return nil, nil, ErrDepartureRecorded
		}
		f.mustApply(ev)
		// Said with the correction, from the booking as it leaves it (apply reads no such field):
		// referral holds a family's erasure back for a session someone came to, and learns here
		// that nobody did after all.
		ev.NobodyCame = b.NobodyCame()
		return b, ev, nil
	}
	if c.At.IsZero() {
		c.At = wasAt
	}
	if people, known := b.recordedPeople(c.Party, arriving); known && c.At.Equal(wasAt) && samePeople(people, c.People) {
		// Review 38: a correction restating the people recorded, at the time recorded, was
		// recorded, and the history and the parent's copy said a movement was corrected.
		return nil, nil, problem.Rule(ErrNothingToCorrect.Reason, fmt.Sprintf("the %s recorded at %s already names exactly these "+
			"people: nothing is corrected, and nothing was recorded (give --at HH:MM for another time, or name who it really was)",
			movementWord(arriving), ClockAt(wasAt, b.loc)))
	}
	if err := checkTime(b, c.At, now, !arriving); err != nil {
		return nil, nil, err
	}
	if left, ok := b.Departed[c.Party]; arriving && ok && c.At.After(left) {
		return nil, nil, problem.Invalid("time", "must not be after the party left, at "+ClockAt(left, b.loc).String()+" (correct the departure first)")
	}
	if came, ok := b.Arrived[c.Party]; !arriving && ok && c.At.Before(came) {
		return nil, nil, problem.Invalid("time", "must not be before the party arrived, at "+ClockAt(came, b.loc).String())
	}
	if err := f.checkPeople(b, c.Party, c.People, arriving); err != nil {
		return nil, nil, err
	}
	if err := f.correctedAccountedFor(b, c); err != nil {
		return nil, nil, err
	}
	ev.At, ev.PersonIds = timestamppb.New(c.At), ids(c.People)
	if arriving {
		ev.LateMinutes = int32(max(0, int(c.At.Sub(b.due(c.Party))/time.Minute)))
	}
	f.mustApply(ev)
	return b, ev, nil
}

// ErrNothingToCorrect refuses a correction that restates the movement as it is recorded: the same
// people, at the same time.
var ErrNothingToCorrect = problem.Rule("NOTHING_TO_CORRECT", "the correction restates the movement as it is recorded: nothing was recorded")

// recordedPeople are the people the recorded movement of party names (arriving: its arrival),
// and whether the booking keeps them: it keeps who came with each party and who took the children,
// not who left with the visiting party.
func (b *Booking) recordedPeople(party schedulingv1.Party, arriving bool) ([]uuid.UUID, bool) {
	switch {
	case arriving && party == schedulingv1.Party_PARTY_CHILDREN:
		return b.BroughtIn, true
	case arriving:
		return b.CameIn, true
	case party == schedulingv1.Party_PARTY_CHILDREN:
		return b.TakenOut, true
	}
	return nil, false
}

// movementWord is an arrival or a departure, in a sentence.
func movementWord(arriving bool) string {
	if arriving {
		return "arrival"
	}
	return "departure"
}

// samePeople reports whether a and b name the same people, in any order.
func samePeople(a, b []uuid.UUID) bool {
	for _, p := range a {
		if !slices.Contains(b, p) {
			return false
		}
	}
	for _, p := range b {
		if !slices.Contains(a, p) {
			return false
		}
	}
	return true
}

// Held is the contact a booking held: from the later of its due start and both parties'
// arrivals, to its due end or the earlier departure of either party.
func (b *Booking) Held() (start, end time.Time) {
	start, end = b.ChildrenArrive, b.ChildrenLeave
	for _, at := range b.Arrived {
		if at.After(start) {
			start = at
		}
	}
	// Contact ends when either party leaves: the children, or the visiting parent before them.
	for _, p := range []schedulingv1.Party{schedulingv1.Party_PARTY_CHILDREN, schedulingv1.Party_PARTY_VISITING} {
		if d, ok := b.Departed[p]; ok && d.Before(end) {
			end = d
		}
	}
	if end.Before(start) {
		end = start
	}
	return start, end
}

// NoContactHeld reports whether the booking's session is over without contact: a party has left,
// or the children's time is over, and the children were never with the visiting parent within
// the session's time for a whole minute (Held is shorter). Such a session did not take place; it
// is cancelled on the day, not completed.
func (b *Booking) NoContactHeld(now time.Time) bool {
	_, childrenLeft := b.Departed[schedulingv1.Party_PARTY_CHILDREN]
	_, visitingLeft := b.Departed[schedulingv1.Party_PARTY_VISITING]
	if !childrenLeft && !visitingLeft && now.Before(b.ChildrenLeave) {
		return false
	}
	if b.isHandover() {
		return !b.handedOver() // decision 316: a handover is held once the children were handed over
	}
	return !b.heldAMinute()
}

// heldAMinute reports whether Held is at least a whole minute: minutes held are whole minutes,
// and seconds together are no contact (review 27 completed a session "held" for 0 minutes, which
// counted as contact and fell due for a report; decisions.md 195).
func (b *Booking) heldAMinute() bool {
	start, end := b.Held()
	return end.Sub(start) >= time.Minute
}

// Complete records that the session took place; caller is the account completing it (the
// subject of their sign-in token) and bySupervisor whether they hold the supervisor's role. Both
// parties must have arrived, or, for a handover, the children brought and collected by someone
// other than who brought them (handedOver; decision 316), its times then the children's arrival
// and departure; a supervised session is completed by its supervisor: supervisedBy
// empty is the caller, and an account other than the caller's is refused
// (ErrSupervisorNotCaller); a supported session records who supervised too, the caller when
// supervisedBy is empty. Whether that account was cleared is the staff register's
// (staff.Register.Supervises, staff.Register.Works). A session that held no contact (Held under
// a whole minute) is refused ErrNoContactHeld: it is cancelled instead (Cancel). Anyone recorded coming and not
// leaving (Inside) is refused ErrPeopleInside until the booking's Latest; after it the session is
// completed, naming them in never_recorded_leaving (decisions.md 188).
func (f *Family) Complete(id uuid.UUID, supervisedBy, caller string, bySupervisor bool, now time.Time) (*Booking, *schedulingv1.SessionCompleted, error) {
	b, err := f.active(id)
	if err != nil {
		return nil, nil, err
	}
	if f.endedBefore(b) {
		// An ended case's session whose contact had not begun by the end held none (decisions 346, 351).
		return nil, nil, f.caseEndedRefusal(b)
	}
	if now.Before(b.ChildrenArrive) {
		return nil, nil, problem.Rule(ErrSessionNotBegun.Reason, fmt.Sprintf("contact starts when the children are due, at %s: a session is completed once it has taken place",
			ClockAt(b.ChildrenArrive, b.loc)))
	}
	handover := b.isHandover()
	switch {
	case handover && !b.handedOver():
		// decision 316: a handover is the children brought and collected (decision 245), not the
		// visiting party's arrival, which a parent who only collects can never record (review 55).
		return nil, nil, b.handoverRefusal()
	case !handover && len(b.Arrived) < 2:
		// Which party, and the way on (review 84: the refusal said neither).
		var missing []string
		for _, p := range []schedulingv1.Party{schedulingv1.Party_PARTY_VISITING, schedulingv1.Party_PARTY_CHILDREN} {
			if _, ok := b.Arrived[p]; !ok {
				missing = append(missing, partyWords(p))
			}
		}
		return nil, nil, problem.Rule(ErrPartiesMissing.Reason, fmt.Sprintf("%s: the arrival of %s is not recorded. If they came, record "+
			"it (familytime schedule arrive %s --party ... --at HH:MM); if they did not, the session did not take place: record the "+
			"no-show (familytime schedule noshow %s --party ...) or the centre calls it off (familytime schedule cancel %s --by centre)",
			ErrPartiesMissing.Message, strings.Join(missing, " and "), b.ID, b.ID, b.ID))
	}
	if _, left := b.Departed[schedulingv1.Party_PARTY_CHILDREN]; !left && now.Before(b.ChildrenLeave) {
		// Completing now would record the whole session as held.
		return nil, nil, problem.Rule("SESSION_NOT_OVER", fmt.Sprintf("the session runs until %s: to end it early, record the children's departure, then complete it",
			ClockAt(b.ChildrenLeave, b.loc)))
	}
	start, end := b.Held()
	if handover {
		// decision 316: the handover's times are the children brought and collected; contact is
		// elsewhere, so minutes held are their minutes at the centre, and lost those they came late.
		start, end = b.Arrived[schedulingv1.Party_PARTY_CHILDREN], b.Departed[schedulingv1.Party_PARTY_CHILDREN]
	}
	if !handover && !b.heldAMinute() {
		// The children and the visiting parent were never together in the session's time
		// (they left before it began, or before the other came), or for less than a minute:
		// nobody was served by it.
		return nil, nil, problem.Rule(ErrNoContactHeld.Reason, fmt.Sprintf("no contact was held: the children and the visiting parent were not at the session together "+
			"between %s and %s for a whole minute, so it did not take place; %s",
			ClockAt(b.ChildrenArrive, b.loc), ClockAt(b.ChildrenLeave, b.loc), b.noContactWayOn()))
	}
	if supervisedBy == "" {
		// Attendance records who supervised (DOMAIN.md): by default, whoever completes it.
		supervisedBy = caller
	}
	if b.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		if !bySupervisor {
			return nil, nil, ErrSupervisorNeeded
		}
		if supervisedBy == "" {
			return nil, nil, problem.Invalid("supervised_by", "is required for supervised contact: the supervisor's account id")
		}
		if supervisedBy != caller {
			return nil, nil, problem.Rule(ErrSupervisorNotCaller.Reason, fmt.Sprintf("supervised_by %s is not you (%s): the supervisor completes their own session, "+
				"so %s completes it, or leave supervised_by empty to name yourself", supervisedBy, caller, supervisedBy))
		}
	}
	// Nobody recorded coming is left without their leaving recorded: once completed, the booking
	// takes no departure, and who collected the children would be lost (review 26). Past the
	// booking's Latest the door records no movement without its time, which nobody may know: the
	// session is completed, and the event names who was never recorded leaving, for the day sheet
	// to alert (decisions.md 188).
	in := f.Inside(b)
	if !in.Empty() && !now.After(b.Latest()) {
		return nil, nil, insideRefusal(b, in)
	}
	ev := &schedulingv1.SessionCompleted{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(),
		ServiceType: b.ServiceType, SessionDate: dates.Proto(b.Date), RoomId: b.Room.String(), Children: f.attending(b),
		SupervisedBy: supervisedBy, StartedAt: timestamppb.New(start), EndedAt: timestamppb.New(end),
		MinutesHeld: int32(end.Sub(start) / time.Minute), MinutesLost: int32(max(0, start.Sub(b.ChildrenArrive)) / time.Minute),
		NeverRecordedLeaving: ids(in.People())}
	f.mustApply(ev)
	return b, ev, nil
}

// attending are the children at a session with their age band on its date: those checked in or
// named in the children's arrival (review 12: a child whose arrival and departure were recorded,
// but who was not checked in, went uncounted), or every child of the family when neither names a
// child. A child 18 or over on the session's date is never among them (review 49): the centre
// serves children, and reporting counts children served from this record.
func (f *Family) attending(b *Booking) []*schedulingv1.AttendingChild {
	var out []*schedulingv1.AttendingChild
	for _, c := range f.ready.Children {
		if c.ComeOfAgeOn(b.Date) {
			continue // 18 by the session: not a child the centre served (Child.ComeOfAgeOn)
		}
		if slices.Contains(b.CheckedIn, c.ID) || slices.Contains(b.BroughtIn, c.ID) {
			out = append(out, &schedulingv1.AttendingChild{PersonId: c.ID.String(), AgeBand: ageband.At(c.BirthYear, c.BirthMonth, b.Date)})
		}
	}
	if len(out) == 0 {
		out = f.children(b.Date)
	}
	return out
}

// children are the family's children under 18 on the date on (Child.ComeOfAgeOn), with their age
// band on it: those a session that day is for.
func (f *Family) children(on time.Time) []*schedulingv1.AttendingChild {
	var out []*schedulingv1.AttendingChild
	for _, c := range f.ready.Children {
		if c.ComeOfAgeOn(on) {
			continue
		}
		out = append(out, &schedulingv1.AttendingChild{PersonId: c.ID.String(), AgeBand: ageband.At(c.BirthYear, c.BirthMonth, on)})
	}
	return out
}

// Fits refuses a place in pattern p the family could not be booked into: its arrangement's
// session with its stagger does not fit the opening session (ErrSessionTooShort, as booking
// refuses it; review 24 offered a 10:00-12:00 place to a family that could not be booked there).
// A family not yet ready for contact has no arrangement to check: nil.
func (f *Family) Fits(p *Pattern) error {
	if f.ready == nil {
		return nil
	}
	if _, err := PlanTimes(Session{Pattern: p}, f.ready.Stagger, f.ready.SessionMinutes, nil); err != nil {
		return problem.Rule(ErrSessionTooShort.Reason, fmt.Sprintf("the family's contact of %d minutes, with the visiting parent %d minutes before "+
			"and %d after, does not fit the opening session %s-%s: offer it a longer session", f.ready.SessionMinutes,
			f.ready.Stagger.Arrival, f.ready.Stagger.Departure, p.Start, p.End))
	}
	return nil
}

// NoShow records that a party did not come, once it was due. The family's second unexplained
// no-show since its place was last released releases its regular place (the booking's pattern
// and room): the events then include PlaceReleased and the cancellation of its later bookings in
// that place. A no-show recorded after the family attended a later session does not release it
// (KeptBy says which session kept it): it is counted, and the next unexplained one releases it.
// One that would release the place is refused ErrMayStillCome while the party may still come,
// before the children's contact was due to end, whatever movements are recorded (releasingTooSoon,
// decisions.md 188 and 195): a no-show that released the place is never withdrawn. Neither party
// of a session the door stopped because the family's contact was stopped (StoppedAtTheDoor) is a
// no-show: refused ErrRefusedAtTheDoor, explained or not (review 37).
func (f *Family) NoShow(id uuid.UUID, party schedulingv1.Party, explained bool, now time.Time) (*Booking, []proto.Message, *schedulingv1.PlaceReleased, error) {
	if b, err := f.Booking(id); err == nil && b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW {
		return nil, nil, nil, f.noShowRecorded(b, party, now)
	}
	b, err := f.active(id)
	if err != nil {
		return nil, nil, nil, err
	}
	if b.isHandover() && party != schedulingv1.Party_PARTY_CHILDREN {
		// decision 316: the other parent comes to collect the children, not for contact here.
		return nil, nil, nil, b.handoverNoShow()
	}
	// Neither party came (PARTY_BOTH, decision 406): each is checked as its own no-show would be,
	// the visiting parent first; the no-show is one, counted once.
	parties := []schedulingv1.Party{party}
	if party == schedulingv1.Party_PARTY_BOTH {
		parties = []schedulingv1.Party{schedulingv1.Party_PARTY_VISITING, schedulingv1.Party_PARTY_CHILDREN}
	}
	tooLate, why := false, ""
	for _, p := range parties {
		late, w, err := f.didNotCome(b, p, explained, now)
		if err != nil && party == schedulingv1.Party_PARTY_BOTH && errors.Is(err, ErrPartyArrived) {
			// One party came: the way on is the other's no-show (review 83: only "record the
			// arrival" was said).
			other := schedulingv1.Party_PARTY_CHILDREN
			if p == schedulingv1.Party_PARTY_CHILDREN {
				other = schedulingv1.Party_PARTY_VISITING
			}
			return nil, nil, nil, problem.Rule(ErrPartyArrived.Reason, fmt.Sprintf("not a no-show of both parties: %s came (%s). If %s "+
				"did not come, record theirs alone (familytime schedule noshow %s --party %s)", partyWords(p), err.(*problem.RuleError).Message,
				partyWords(other), b.ID, strings.ToLower(strings.TrimPrefix(other.String(), "PARTY_"))))
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if late {
			tooLate, why = true, w
		}
	}
	last := parties[len(parties)-1] // the party due last: when a releasing no-show may be recorded
	count := len(f.unexplained)
	if !explained {
		count++
	}
	kept := f.KeptBy(b)
	if !explained && count >= ReleaseAfter && kept == nil {
		// The no-show that releases the place is not withdrawn (WithdrawNoShow): it waits until
		// the party can no longer come (review 26).
		if err := releasingTooSoon(b, last, count, now); err != nil {
			if tooLate {
				err = cameTooLateReleasing(b, last, count, why)
			}
			return nil, nil, nil, err
		}
	}
	ev := &schedulingv1.NoShowRecorded{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(),
		ServiceType: b.ServiceType, SessionDate: dates.Proto(b.Date), Party: party, Explained: explained,
		Children: f.children(b.Date), UnexplainedCount: int32(count)}
	if !explained && count >= ReleaseAfter && kept != nil {
		// Recorded so that the history says why this no-show did not release the place, and
		// says it from the event, not from bookings that may change later (review 25).
		ev.PlaceKeptBySessionOn = dates.Proto(kept.Date)
	}
	f.mustApply(ev)
	out := []proto.Message{ev}
	if explained || count < ReleaseAfter || kept != nil {
		return b, out, nil, nil
	}
	rel := &schedulingv1.PlaceReleased{FamilyId: f.id.String(), CentreId: b.Centre.String(), PatternId: b.Pattern.String(),
		RoomId: b.Room.String(), ReleasedOn: dates.Proto(b.Date), NoShowBookingIds: ids(f.unexplained)}
	f.mustApply(rel)
	out = append(out, rel)
	out = append(out, f.cancelWhere(func(o *Booking) bool { return o.Pattern == b.Pattern && o.Room == b.Room },
		schedulingv1.CancellationReason_CANCELLATION_REASON_PLACE_RELEASED, now)...)
	return b, out, rel, nil
}

// didNotCome refuses a no-show of party at booking b at now, as NoShow decides it for one party:
// not yet due, the contact cut short by the other party, the party arrived or admitted at the
// door (unless only once contact was out of reach: tooLate, and why), turned away at the door, or
// still within its grace unexplained.
func (f *Family) didNotCome(b *Booking, party schedulingv1.Party, explained bool, now time.Time) (tooLate bool, why string, err error) {
	if now.Before(b.due(party)) {
		// Said of the party, not the session: the visiting parent's part may have begun while the
		// children are not yet due (review 14). On another day, the day too (decision 317:
		// review 55 read "not due until 10:00" a week ahead as today).
		when := ClockAt(b.due(party), b.loc).String()
		if !LocalDate(now, b.loc).Equal(b.Date) {
			when += " on " + dates.String(b.Date)
		}
		return false, "", problem.Rule(ErrSessionNotBegun.Reason, fmt.Sprintf("%s not due until %s: a no-show is recorded once they were due",
			partyDue(party), when))
	}
	if gone, cut := b.ContactCutShort(party); cut {
		// The other party left before this one's grace ran out: it ended the contact, and this
		// party, late but not yet a no-show then, is not cast as one (review 38).
		return false, "", problem.Rule(ErrContactCutShort.Reason, fmt.Sprintf("%s. It never counts towards the two unexplained "+
			"no-shows that release the family's place: record the session as the centre decides, with a cancellation on the day, "+
			"saying who called it off (familytime schedule cancel %s --by ...)", b.cutShortWords(party, gone), b.ID))
	}
	// A party seen at the door only once contact was out of reach did not come in time: it is a
	// no-show, as one that never came (CameTooLate; review 36).
	tooLate, why = b.CameTooLate(party)
	if _, ok := b.Arrived[party]; ok && !tooLate {
		return false, "", ErrPartyArrived
	}
	if person, role, ok := f.admittedFor(b, party); ok && !tooLate {
		// Admitted at the door, they came, though nobody recorded the party's arrival: struck
		// as a no-show, the family would lose its place for coming (review 12).
		return false, "", problem.Rule(ErrPartyArrived.Reason, fmt.Sprintf("the party came: %s was admitted at the door as the %s; "+
			"record the party's arrival (familytime schedule arrive) rather than a no-show", person, words.Enum(role)))
	}
	if err := b.turnedAwayNoShow(party); err != nil {
		// Turned away at the door because the family's contact was stopped: the session did not
		// take place by the centre's rule, which is no one's no-show (review 37).
		return false, "", err
	}
	if late := b.due(party).Add(NoShowGrace); !explained && !tooLate && now.Before(late) {
		return false, "", problem.Rule("NO_SHOW_TOO_EARLY", fmt.Sprintf("a party is recorded as not coming from %d minutes after they were due, at %s: they may still arrive (one who said they are not coming is an explained no-show)",
			NoShowGrace/time.Minute, ClockAt(late, b.loc)))
	}
	return tooLate, why, nil
}

// KeptBy is the family's earliest session after b's day that it attended (completed, or with the
// children's arrival recorded and not yet completed), or nil. A no-show of b recorded late, after
// such a session, does not release the place (review 24: a no-show recorded a week late, after the
// family had come to the next session, released its place and called off the session after). Two
// unexplained no-shows release the place because a family that does not come is holding a place
// another family waits for; one that came back after the no-show is using it. The no-show is still
// counted (it happened, and the figures and the history say so), so the family's next unexplained
// no-show releases the place: keeping it is for coming back, not a fresh start. Cancelled sessions
// and no-shows are no attendance.
func (f *Family) KeptBy(b *Booking) *Booking {
	var kept *Booking
	for _, o := range f.bookings {
		attended := o.Status == schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED
		if o.Status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED {
			_, attended = o.Arrived[schedulingv1.Party_PARTY_CHILDREN]
		}
		if attended && o.Date.After(b.Date) && (kept == nil || o.Date.Before(kept.Date)) {
			kept = o
		}
	}
	return kept
}

// WithdrawNoShow withdraws a no-show recorded by mistake: the visiting parent arrived twenty
// minutes late, after the door had recorded them as not coming. On the session's day, before its
// contact was due to end, the booking is booked again for their arrival to be recorded, and an
// unexplained no-show no longer counts towards releasing the place. A no-show that released the
// place stands (its later sessions there were called off and the place offered on), as does one
// of a family on hold or whose case has ended since (decision 127).
func (f *Family) WithdrawNoShow(id uuid.UUID, now time.Time) (*Booking, *schedulingv1.NoShowWithdrawn, error) {
	b, err := f.Booking(id)
	if err != nil {
		return nil, nil, err
	}
	if b.Status != schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW {
		return nil, nil, ErrNotANoShow
	}
	if err := f.noShowStands(b, now); err != nil {
		return nil, nil, err
	}
	count := len(f.unexplained)
	if !b.NoShowExplained {
		count--
	}
	ev := &schedulingv1.NoShowWithdrawn{BookingId: id.String(), FamilyId: f.id.String(), CentreId: b.Centre.String(),
		ServiceType: b.ServiceType, SessionDate: dates.Proto(b.Date), Party: b.NoShow, Explained: b.NoShowExplained,
		UnexplainedCount: int32(count)}
	f.mustApply(ev)
	return b, ev, nil
}

// noShowRecorded is the refusal of a no-show of booking b, at now, recorded as one already
// (review 76: an explanation the family gave the next day was answered only "the booking is
// cancelled, completed or a no-show"). It says how it stands, and the way on: withdrawn and
// recorded again, where WithdrawNoShow allows it, or why it stands; for a no-show that released the
// place, booking the family again or putting it back on the waiting list. An explanation given once
// the no-show stands is not added to it: the record says what the centre knew at the time.
//
// Asked of the other party, or of both (review 82: the children's no-show after the visiting
// parent's was refused in words about explanations, and the history blamed one parent for a
// session neither came to), it says how to record that neither came: withdrawn, and recorded
// again as both (decision 406), while it may be withdrawn.
func (f *Family) noShowRecorded(b *Booking, party schedulingv1.Party, now time.Time) error {
	kind := "an unexplained"
	if b.NoShowExplained {
		kind = "an explained"
	}
	recorded := fmt.Sprintf("the booking is recorded as %s no-show (%s recorded as not coming) already", kind, partyWords(b.NoShow))
	stands := f.noShowStands(b, now)
	if party != b.NoShow && b.NoShow != schedulingv1.Party_PARTY_BOTH {
		if stands != nil {
			return problem.Rule(ErrBookingNotActive.Reason, recorded+": it stands as recorded ("+stands.Reason+": "+stands.Message+
				"), so that the other party did not come either is kept in the centre's own notes")
		}
		return problem.Rule(ErrBookingNotActive.Reason, fmt.Sprintf("%s: if neither party came, withdraw it (familytime schedule noshow %s "+
			"--centre %s --withdraw) and record that neither came (familytime schedule noshow %s --centre %s --party both), which counts "+
			"as one no-show", recorded, b.ID, b.Centre, b.ID, b.Centre))
	}
	way := fmt.Sprintf("to record it otherwise (explained, or the other party), withdraw it first (familytime schedule noshow %s "+
		"--centre %s --withdraw) and record it again", b.ID, b.Centre)
	if stands != nil {
		way = "it stands as recorded (" + stands.Reason + ": " + stands.Message + "); an explanation the family gives later is " +
			"kept in the centre's own notes, not added to the no-show"
	}
	return problem.Rule(ErrBookingNotActive.Reason, recorded+": "+way)
}

// partyDue names a party as a no-show's refusal says it is not yet due.
func partyDue(p schedulingv1.Party) string {
	if p == schedulingv1.Party_PARTY_VISITING {
		return "the visiting parent is"
	}
	return "the children are"
}

// admittedFor is someone admitted at the door for the booking who shows the party came: the
// visiting parent for the visiting party; a child for the children's (a resident parent may come
// without the children, review 13). Others named for the family (a relative, an escort) may come
// with either party, so their check-in shows nothing.
func (f *Family) admittedFor(b *Booking, party schedulingv1.Party) (uuid.UUID, schedulingv1.PersonRole, bool) {
	for _, p := range b.CheckedIn {
		role, _ := f.role(p)
		visiting := role == schedulingv1.PersonRole_PERSON_ROLE_VISITING_PARENT
		children := role == schedulingv1.PersonRole_PERSON_ROLE_CHILD
		if (party == schedulingv1.Party_PARTY_VISITING && visiting) || (party == schedulingv1.Party_PARTY_CHILDREN && children) {
			return p, role, true
		}
	}
	return uuid.Nil, 0, false
}

// active is a booking still booked.
func (f *Family) active(id uuid.UUID) (*Booking, error) {
	b, err := f.Booking(id)
	if err != nil {
		return nil, err
	}
	if b.Status != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED {
		return nil, b.notActive()
	}
	return b, nil
}

// notActive is ErrBookingNotActive for booking b, no longer booked, saying how it stands and the
// way on (review 82, L1: a second cancellation, and a supervisor completing a session a hold had
// called off, were told only "the booking is cancelled, completed or a no-show", and the
// supervisor not that the session's observation report was still due).
func (b *Booking) notActive() error {
	var state string
	switch b.Status {
	case schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED:
		state = fmt.Sprintf("cancelled (%s, by the %s)", words.Enum(b.Reason), words.Enum(b.CancelledBy))
		_, came := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]
		switch {
		case b.Reason == schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD && b.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED && came:
			state += fmt.Sprintf(": a safeguarding hold called the session off with the family inside, so it is not completed; who took "+
				"the children home is still recorded (familytime schedule depart), and the contact supervisor writes the observation "+
				"report of what was seen before the hold, which is still due (familytime safeguarding report open --centre %s)", b.Centre)
		case b.Reason == schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD:
			state += ": a safeguarding hold called the session off; nothing more is recorded on it but who took anyone inside home " +
				"(familytime schedule depart)"
		default:
			state += ": nothing more is recorded on it; if the session is to take place after all, book the family again " +
				"(familytime schedule book)"
		}
	case schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED:
		state = "completed: nothing more is recorded on it; an arrival or departure recorded by mistake is corrected " +
			"(familytime schedule correct " + b.ID.String() + ")"
	case schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW:
		state = fmt.Sprintf("recorded as a no-show (%s recorded as not coming): if they came after all, it is withdrawn on the "+
			"session's day (familytime schedule noshow %s --withdraw)", partyWords(b.NoShow), b.ID)
	default:
		return ErrBookingNotActive
	}
	return problem.Rule(ErrBookingNotActive.Reason, "the booking is "+state)
}

// copy is a deep copy of the family, by replaying nothing: its state is rebuilt from the same
// events when needed, so copying the maps is enough.
func (f *Family) copy() (*Family, error) {
	c := &Family{id: f.id, ready: f.ready, referred: f.referred, ended: f.ended, supportedRuledOut: f.supportedRuledOut,
		assessed: f.assessed, disclosed: f.disclosed,
		holds: map[uuid.UUID]bool{}, bookings: map[uuid.UUID]*Booking{}, apart: maps.Clone(f.apart),
		order: slices.Clone(f.order), unexplained: slices.Clone(f.unexplained), version: f.version}
	if f.ending != nil {
		e := *f.ending
		e.Cancelled = slices.Clone(f.ending.Cancelled)
		c.ending = &e
	}
	for k, v := range f.holds {
		c.holds[k] = v
	}
	for k, v := range f.bookings {
		b := *v
		b.CheckedIn, b.BroughtIn = slices.Clone(v.CheckedIn), slices.Clone(v.BroughtIn)
		b.CameIn, b.TakenOut = slices.Clone(v.CameIn), slices.Clone(v.TakenOut)
		b.TurnedAway, b.checkIns, b.refused = slices.Clone(v.TurnedAway), slices.Clone(v.checkIns), slices.Clone(v.refused)
		b.CheckedInAt = map[schedulingv1.Party]time.Time{}
		for p, t := range v.CheckedInAt {
			b.CheckedInAt[p] = t
		}
		b.Arrived, b.Departed = map[schedulingv1.Party]time.Time{}, map[schedulingv1.Party]time.Time{}
		for p, t := range v.Arrived {
			b.Arrived[p] = t
		}
		for p, t := range v.Departed {
			b.Departed[p] = t
		}
		c.bookings[k] = &b
	}
	return c, nil
}

func (f *Family) mustApply(ev proto.Message) {
	if err := f.apply(ev); err != nil {
		panic(err) // the domain only applies events it just built
	}
}

// apply is the one place an event changes a family.
func (f *Family) apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *schedulingv1.FamilyReadyNoted:
		f.ready, f.ended, f.ending = readinessOf(e), false, nil
		// Referral makes a family ready once a referral: a new readiness is a new referral, whose
		// review clock starts at its own first session (decision 261).
		f.reviewDue, f.reviewSetOn = time.Time{}, time.Time{}
	case *schedulingv1.ReviewDueNoted:
		f.applyReviewDue(e)
	case *schedulingv1.ArrangementChangeNoted:
		f.applyArrangementChange(e)
	case *schedulingv1.ChildrenLeavingNoted:
		f.applyChildrenLeaving(e)
	case *schedulingv1.ChildBirthMonthNoted:
		f.applyChildBirthMonth(e)
	case *schedulingv1.AdultKeptFromChildrenNoted:
		f.applyAdultKept(e) // decision 323
	case *schedulingv1.HoldNoted:
		f.lastHoldNoted = uuid.MustParse(e.GetHoldId())
		f.holds[f.lastHoldNoted] = true
	case *schedulingv1.HoldLiftNoted:
		delete(f.holds, uuid.MustParse(e.GetHoldId()))
	case *schedulingv1.SupportedContactRuledOut:
		f.supportedRuledOut = true
		f.assessed = weighing.Later(f.assessed, weighing.Moment{On: dates.Time(e.GetAssessedOn()), At: weighing.At(e.GetAssessedAt())})
	case *schedulingv1.SupportedContactAllowed:
		f.supportedRuledOut = false
		f.assessed = weighing.Later(f.assessed, weighing.Moment{On: dates.Time(e.GetAssessedOn()), At: weighing.At(e.GetAssessedAt())})
	case *schedulingv1.RiskAssessmentNoted:
		f.assessed = weighing.Later(f.assessed, weighing.Moment{On: dates.Time(e.GetAssessedOn()), At: weighing.At(e.GetAssessedAt())})
	case *schedulingv1.DisclosureNoted:
		f.disclosed = weighing.Later(f.disclosed, weighing.Moment{On: dates.Time(e.GetFlaggedOn()), At: weighing.At(e.GetFlaggedAt())})
	case *schedulingv1.ReferralNoted:
		r := &Referred{Centre: uuid.MustParse(e.GetCentreId()), Decision: e.GetDecision(), ServiceType: e.GetServiceType()}
		r.Referral, _ = uuid.Parse(e.GetReferralId())
		f.referred = r
		// Referral's decisions come before the end of the referral they are on (withdrawn and
		// ended are final): one noted after an end is on a new referral, as with FamilyReadyNoted.
		if e.GetDecision() != schedulingv1.ReferralDecision_REFERRAL_DECISION_DECLINED {
			f.ended, f.ending = false, nil
		}
	case *schedulingv1.ContactEnded:
		f.ended = true
		f.applyEnding(e)
	case *schedulingv1.ContactReopened:
		f.ended, f.ending = false, nil
	case *schedulingv1.FamiliesKeptApart:
		f.apart[uuid.MustParse(e.GetOtherFamilyId())] = KeptApart{Centre: uuid.MustParse(e.GetCentreId()), Reason: e.GetReason()}
	case *schedulingv1.KeepingApartEnded:
		delete(f.apart, uuid.MustParse(e.GetOtherFamilyId()))
	case *schedulingv1.SessionBooked:
		b := bookingOf(e)
		f.bookings[b.ID] = b
		f.order = append(f.order, b.ID)
	case *schedulingv1.BookingCancelled:
		b := f.bookings[uuid.MustParse(e.GetBookingId())]
		b.Status, b.Reason, b.Late = schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED, e.GetReason(), e.GetLate()
		b.CancelledBy, b.NoticeMinutes, b.NoticeTo = e.GetCancelledBy(), e.GetNoticeMinutes(), e.GetNoticeTo()
		b.CallOff = e.GetCallOffReason()
		if e.GetReason() == schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD {
			// Only NoteHold cancels for a hold, right after its HoldNoted.
			b.CancelledForHold = f.lastHoldNoted
			if id, err := uuid.Parse(e.GetHoldId()); err == nil {
				b.CancelledForHold = id
			}
		}
		f.noteEndingCancelled(e)
	case *schedulingv1.PersonCheckedIn:
		b := f.bookings[uuid.MustParse(e.GetBookingId())]
		person := uuid.MustParse(e.GetPersonId())
		if !slices.Contains(b.CheckedIn, person) {
			b.CheckedIn = append(b.CheckedIn, person)
		}
		// Someone who left with some of the children, or a child who left, is back: they are
		// inside again, and the children's departure must name them (review 21).
		b.TakenOut = slices.DeleteFunc(b.TakenOut, func(p uuid.UUID) bool { return p == person })
		party := e.GetParty()
		if party == schedulingv1.Party_PARTY_UNSPECIFIED { // recorded before the party was
			party = f.partyOf(person, e.GetRole())
		}
		if b.CheckedInAt == nil {
			b.CheckedInAt = map[schedulingv1.Party]time.Time{}
		}
		if _, ok := b.CheckedInAt[party]; !ok {
			b.CheckedInAt[party] = e.GetAt().AsTime()
		}
		b.checkIns = append(b.checkIns, checkIn{person: person, party: party, at: e.GetAt().AsTime()})
	case *schedulingv1.CheckInCorrected:
		f.applyCheckInCorrected(e)
	case *schedulingv1.CheckInRefused:
		b := f.bookings[uuid.MustParse(e.GetBookingId())]
		b.Refusals++
		if person, err := uuid.Parse(e.GetPersonId()); err == nil {
			r := doorRefusal{person: person, reason: e.GetReason(), at: e.GetAt().AsTime()}
			if role, named := f.role(person); named {
				r.named, r.party = true, f.partyOf(person, role)
			}
			b.refused = append(b.refused, r)
		}
		f.noteTurnedAway(b, e)
	case *schedulingv1.CheckInRefusalWithdrawn:
		f.applyRefusalWithdrawn(e)
	case *schedulingv1.PartyArrived:
		b := f.bookings[uuid.MustParse(e.GetBookingId())]
		if !e.GetMoreChildren() {
			b.Arrived[e.GetParty()] = e.GetAt().AsTime()
		} else {
			b.LastBroughtAt = e.GetAt().AsTime()
		}
		switch e.GetParty() {
		case schedulingv1.Party_PARTY_CHILDREN:
			people := parsed(e.GetPersonIds())
			b.TakenOut = slices.DeleteFunc(b.TakenOut, func(p uuid.UUID) bool { return slices.Contains(people, p) })
			for _, p := range people {
				if !slices.Contains(b.BroughtIn, p) {
					b.BroughtIn = append(b.BroughtIn, p)
				}
			}
		case schedulingv1.Party_PARTY_VISITING:
			b.CameIn = append(b.CameIn, parsed(e.GetPersonIds())...)
		}
	case *schedulingv1.PartyDeparted:
		b := f.bookings[uuid.MustParse(e.GetBookingId())]
		if e.GetChildrenRemain() {
			b.PartlyLeftAt, b.InParts = e.GetAt().AsTime(), true
		} else {
			b.Departed[e.GetParty()] = e.GetAt().AsTime()
		}
		if e.GetParty() == schedulingv1.Party_PARTY_CHILDREN {
			b.TakenOut = append(b.TakenOut, parsed(e.GetPersonIds())...)
		}
	case *schedulingv1.MovementCorrected:
		b := f.bookings[uuid.MustParse(e.GetBookingId())]
		recorded, arrival, people := b.Departed, e.GetMovement() == schedulingv1.Movement_MOVEMENT_ARRIVAL, parsed(e.GetPersonIds())
		if arrival {
			recorded = b.Arrived
		}
		// The corrected movement's people, in place of the recorded (none: it did not happen).
		switch party := e.GetParty(); {
		case arrival && party == schedulingv1.Party_PARTY_CHILDREN:
			b.BroughtIn = people
		case arrival && party == schedulingv1.Party_PARTY_VISITING:
			b.CameIn = people
		case party == schedulingv1.Party_PARTY_CHILDREN:
			b.TakenOut = people
		}
		if e.GetAt() == nil {
			delete(recorded, e.GetParty())
		} else {
			recorded[e.GetParty()] = e.GetAt().AsTime()
		}
	case *schedulingv1.SessionCompleted:
		b := f.bookings[uuid.MustParse(e.GetBookingId())]
		b.Status, b.SupervisedBy = schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED, e.GetSupervisedBy()
	case *schedulingv1.NoShowRecorded:
		id := uuid.MustParse(e.GetBookingId())
		b := f.bookings[id]
		b.Status, b.NoShow, b.NoShowExplained = schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW, e.GetParty(), e.GetExplained()
		if !e.GetExplained() {
			f.unexplained = append(f.unexplained, id)
		}
	case *schedulingv1.NoShowWithdrawn:
		id := uuid.MustParse(e.GetBookingId())
		b := f.bookings[id]
		b.Status, b.NoShow, b.NoShowExplained = schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED, 0, false
		f.unexplained = slices.DeleteFunc(f.unexplained, func(u uuid.UUID) bool { return u == id })
	case *schedulingv1.PlaceReleased:
		for _, s := range e.GetNoShowBookingIds() {
			if b, ok := f.bookings[uuid.MustParse(s)]; ok {
				b.ReleasedPlace = true
			}
		}
		f.unexplained = nil
	case *schedulingv1.SessionCalledOff:
		// Recorded for the report it makes due; the booking stays as its hold left it.
	default:
		return fmt.Errorf("family %s: unexpected event %s", f.id, ev.ProtoReflect().Descriptor().FullName())
	}
	f.version++
	return nil
}

// MayAttend reports whether an adult named for the family may take part in contact. An event
// recorded before may_attend existed gave an adult who may not the role of named escort instead
// of their own, so there the role says it.
func MayAttend(p *schedulingv1.ExpectedPerson) bool {
	if p.MayAttend != nil {
		return p.GetMayAttend()
	}
	return p.GetRole() != schedulingv1.PersonRole_PERSON_ROLE_NAMED_ESCORT
}

func readinessOf(e *schedulingv1.FamilyReadyNoted) *Readiness {
	r := &Readiness{Centre: uuid.MustParse(e.GetCentreId()), ServiceType: e.GetServiceType(),
		SessionMinutes: int(e.GetSessionMinutes()), Earliest: dates.Time(e.GetEarliestBookableOn()),
		Stagger:   Stagger{Arrival: int(e.GetArrivalStaggerMinutes()), Departure: int(e.GetDepartureStaggerMinutes())},
		PreVisits: datesFromProto(e.GetPreVisitDates()), ChildrenMayLeaveCentre: e.GetChildrenMayLeaveCentre(), Frequency: e.GetFrequency()}
	r.Referral, _ = uuid.Parse(e.GetReferralId())
	for _, a := range e.GetAdults() {
		r.Adults = append(r.Adults, Adult{ID: uuid.MustParse(a.GetPersonId()), Role: a.GetRole(),
			MayAttend: MayAttend(a), MayBring: a.GetMayBring(), MayCollect: a.GetMayCollect()})
	}
	for _, c := range e.GetChildren() {
		r.Children = append(r.Children, Child{ID: uuid.MustParse(c.GetPersonId()), BirthYear: int(c.GetBirthYear()), BirthMonth: int(c.GetBirthMonth())})
	}
	return r
}

func bookingOf(e *schedulingv1.SessionBooked) *Booking {
	loc := mustZone(e.GetTimeZone())
	b := &Booking{ID: uuid.MustParse(e.GetBookingId()), Family: uuid.MustParse(e.GetFamilyId()), Centre: uuid.MustParse(e.GetCentreId()), Room: uuid.MustParse(e.GetRoomId()),
		Pattern: uuid.MustParse(e.GetPatternId()), Date: dates.Time(e.GetSessionDate()), Zone: e.GetTimeZone(), loc: loc,
		ServiceType: e.GetServiceType(), SessionStart: ClockAt(e.GetSessionOpensAt().AsTime(), loc),
		VisitingArrives: e.GetVisitingArrivesAt().AsTime(), ChildrenArrive: e.GetChildrenArriveAt().AsTime(),
		ChildrenLeave: e.GetChildrenLeaveAt().AsTime(), VisitingLeaves: e.GetVisitingLeavesAt().AsTime(),
		Status:  schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED,
		Arrived: map[schedulingv1.Party]time.Time{}, Departed: map[schedulingv1.Party]time.Time{}}
	return b
}

// parsed is ids read back from an event (ids always wrote them, so they parse).
func parsed(ss []string) []uuid.UUID {
	var out []uuid.UUID
	for _, s := range ss {
		out = append(out, uuid.MustParse(s))
	}
	return out
}

func ids(us []uuid.UUID) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.String()
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ReopenContact records referral's CaseReopened (a case ended by mistake, reopened): the family
// may be booked again (ContactReopened). Bookings the ending cancelled stay cancelled, and the
// family is not put back on the waiting list: the coordinator books it again, or puts it back on
// the list, by hand. A family whose contact has not ended, or that scheduling knows at another
// centre or on another referral, records nothing (a redelivery among them).
func (f *Family) ReopenContact(centre, referral uuid.UUID, reopenedOn, endedOn time.Time) []proto.Message {
	onReferral := (f.ready != nil && f.ready.Centre == centre && f.ready.Referral == referral) ||
		(f.referred != nil && f.referred.Centre == centre && f.referred.Referral == referral)
	if !f.ended || !onReferral {
		return nil
	}
	ev := &schedulingv1.ContactReopened{FamilyId: f.id.String(), CentreId: centre.String(), ReferralId: referral.String(),
		ReopenedOn: dates.Proto(reopenedOn), EndedOn: dates.Proto(endedOn)}
	f.mustApply(ev)
	return []proto.Message{ev}
}
