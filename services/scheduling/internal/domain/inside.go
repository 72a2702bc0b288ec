package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/problem"
)

// Rules of who is inside when a session ends, and of the no-show that releases a place
// (decisions.md 188).
var (
	// ErrPeopleInside means a completion while someone the door recorded coming is not recorded
	// leaving, before the booking's Latest (insideRefusal says who, by role and id, and how).
	ErrPeopleInside = problem.Rule("PEOPLE_INSIDE", "someone the door recorded coming is not recorded leaving: record their departure, then complete the session")
	// ErrMayStillCome means an unexplained no-show that would release the family's place,
	// recorded while the party may still come for the time left (releasingTooSoon says from when).
	ErrMayStillCome = problem.Rule("MAY_STILL_COME", "the party may still come for the time left: a no-show that releases the place is recorded once the contact was due to end")
)

// Inside is who a booking recorded coming and no departure records leaving (Family.Inside).
type Inside struct {
	// Children are the children still inside, by id: those who came (named in the children's
	// arrival or checked in) and were not taken out, while the children's party has not left; every
	// child of the family not taken out when the arrival named none (as attending counts them).
	Children []uuid.UUID
	// Visiting are the visiting party's people (named in its arrival), while it has not left.
	Visiting []uuid.UUID
}

// Empty reports whether everyone recorded coming is recorded leaving.
func (in Inside) Empty() bool { return len(in.Children) == 0 && len(in.Visiting) == 0 }

// People are everyone inside, the children first.
func (in Inside) People() []uuid.UUID { return append(slices.Clone(in.Children), in.Visiting...) }

// Inside is who booking b recorded coming and no departure records leaving. Review 26 completed a
// session at 12:16 with the children's arrival recorded and their leaving not, and after one child
// of three was collected and the others stayed: the children's departure could then never be
// recorded (the booking was no longer booked), so who collected them was lost, and the day sheet
// showed nobody inside.
func (f *Family) Inside(b *Booking) Inside {
	var in Inside
	_, came := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]
	_, left := b.Departed[schedulingv1.Party_PARTY_CHILDREN]
	if came && !left && f.ready != nil {
		in.Children = f.unaccounted(b, b.BroughtIn, b.TakenOut)
		if len(in.Children) == 0 {
			for _, c := range f.ready.Children {
				if !slices.Contains(b.TakenOut, c.ID) {
					in.Children = append(in.Children, c.ID)
				}
			}
		}
	}
	_, came = b.Arrived[schedulingv1.Party_PARTY_VISITING]
	_, left = b.Departed[schedulingv1.Party_PARTY_VISITING]
	if came && !left {
		for _, p := range b.CameIn {
			if !slices.Contains(in.Visiting, p) {
				in.Visiting = append(in.Visiting, p)
			}
		}
	}
	return in
}

// InsideNow is who of booking b is inside now, as the day sheet's IN shows it (review 38: IN was
// "checked in or recorded inside", and a check-in never clears, so a child collected at 10:17 read
// IN yes an hour later, a completed booking read 3/3 with everyone gone, and the resident parent
// who only dropped the children off read yes). It is the one rule of who is inside:
//   - on a booking still booked (a session to come or under way): whoever came, checked in at the
//     door or named in their party's recorded arrival, and is not gone since. Gone are a child, or
//     an adult, named in a children's departure (taken out, with --others-stay or not); everyone of
//     a party whose departure is recorded (the party they came with: the visiting party for those
//     its arrival named, the children's for those the children's arrival named, else the party
//     partyOf gives them); and an adult of the children's party who may not take part in contact,
//     who only brings or collects the children at the door (decisions 162 and 188). The children
//     are those a departure without --others-stay must name (unaccounted, as accountedFor asks of
//     Depart: CHILD_NOT_ACCOUNTED_FOR), and every child not taken out when the arrival named none,
//     as Inside counts them;
//   - on a booking called off (cancelled) or recorded as a no-show, as on one still booked: the
//     door still records its people leaving (Depart), and until it does they are in the building
//     (review 50: the centre closed for a burst pipe with the visiting parent checked in and no
//     arrival recorded, and the day sheet must keep showing them IN until the door records them
//     leaving; decision 284). Review 65: the children's party recorded a no-show while the
//     visiting parent, checked in, waited inside read IN 0/3, and the door's caution of a family
//     kept apart (NearTheDoor) did not see him (decision 352);
//   - on a completed booking: those never recorded leaving (Inside, decision 198), the children
//     and the visiting party named in its arrival (completion needs both parties' arrivals, and
//     takes no departure after it).
func (f *Family) InsideNow(b *Booking) []uuid.UUID {
	in := f.Inside(b)
	stillLeaving := b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED || b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED ||
		b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW
	if !stillLeaving || f.ready == nil {
		return in.People()
	}
	out := slices.Clone(in.Visiting)
	_, childrenLeft := b.Departed[schedulingv1.Party_PARTY_CHILDREN]
	if !childrenLeft {
		for _, c := range append(f.unaccounted(b, b.BroughtIn, b.TakenOut), in.Children...) {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	_, visitingCame := b.Arrived[schedulingv1.Party_PARTY_VISITING]
	_, childrenCame := b.Arrived[schedulingv1.Party_PARTY_CHILDREN]
	for _, a := range f.ready.Adults {
		cameIn, broughtIn := visitingCame && slices.Contains(b.CameIn, a.ID), childrenCame && slices.Contains(b.BroughtIn, a.ID)
		checkedIn := slices.Contains(b.CheckedIn, a.ID)
		if !cameIn && !broughtIn && !checkedIn || slices.Contains(b.TakenOut, a.ID) || slices.Contains(out, a.ID) {
			continue
		}
		party := f.partyOf(a.ID, a.Role)
		switch {
		case cameIn:
			party = schedulingv1.Party_PARTY_VISITING
		case broughtIn:
			party = schedulingv1.Party_PARTY_CHILDREN
		}
		if _, gone := b.Departed[party]; gone {
			continue
		}
		if party == schedulingv1.Party_PARTY_CHILDREN && !a.MayAttend {
			continue // only brought the children (or comes for them): left at the door
		}
		out = append(out, a.ID)
	}
	return out
}

// LeftTimes are what the rules of who stays inside read of a booking (the day sheet's row, or
// the family's booking): children-without-an-adult and supervised contact past its time
// (Overrun). Its kind, whether it is completed, the end of the children's time, and each party's
// arrival and departure as recorded (nil: not recorded).
type LeftTimes struct {
	ServiceType                                         commonv1.ServiceType
	Completed                                           bool
	ChildrenLeave                                       time.Time
	ChildrenArrived, VisitingDeparted, ChildrenDeparted *time.Time
	VisitingArrived                                     *time.Time
}

// LeftTimes are b's times as the children-without-an-adult rule reads them.
func (b *Booking) LeftTimes() LeftTimes {
	m := LeftTimes{ServiceType: b.ServiceType, Completed: b.Status == schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED,
		ChildrenLeave: b.ChildrenLeave}
	at := func(moved map[schedulingv1.Party]time.Time, p schedulingv1.Party) *time.Time {
		if t, ok := moved[p]; ok {
			return &t
		}
		return nil
	}
	m.ChildrenArrived = at(b.Arrived, schedulingv1.Party_PARTY_CHILDREN)
	m.VisitingArrived = at(b.Arrived, schedulingv1.Party_PARTY_VISITING)
	m.VisitingDeparted = at(b.Departed, schedulingv1.Party_PARTY_VISITING)
	m.ChildrenDeparted = at(b.Departed, schedulingv1.Party_PARTY_CHILDREN)
	return m
}

// ChildrenLeftByTheVisitingParty reports whether the door recorded the visiting party leaving
// while the children it came for were inside, and the children staying on a minute or more after
// it: until their departure recorded, or, not recorded, until now. It is read from the movements,
// as late-start is, so a movement corrected or withdrawn (MovementCorrected), or recorded after the
// session with the time it happened, is read as it now stands. The stagger (the visiting parent
// leaves after the children) never raises it, nor does a visiting party gone before the children
// came (whoever brought them has them at the door), nor seconds between two taps at the door.
//
// Supervised contact: the family's contact supervisor watches it alone and stays with the children
// until their time ends (ChildrenLeave); after it they may be watching the next family, as
// Booking.ContactHeld says, so only the children's wait after their time counts.
//
// A completed booking whose children were never recorded leaving is never-recorded-leaving's
// (decision 188): when they left is not known, and the usual reason is a departure not recorded,
// not children left alone.
func ChildrenLeftByTheVisitingParty(m LeftTimes, now time.Time) bool {
	if m.ChildrenArrived == nil || m.VisitingDeparted == nil || !m.VisitingDeparted.After(*m.ChildrenArrived) {
		return false
	}
	from := *m.VisitingDeparted
	if m.ServiceType == commonv1.ServiceType_SERVICE_TYPE_SUPERVISED && m.ChildrenLeave.After(from) {
		from = m.ChildrenLeave
	}
	until := now
	switch {
	case m.ChildrenDeparted != nil:
		until = *m.ChildrenDeparted
	case m.Completed:
		return false
	}
	return until.Sub(from) >= time.Minute
}

// ChildrenWithoutAnAdult reports whether booking b's children were recorded inside, at now, with
// none of their adults (decision 213): the visiting party left them (ChildrenLeftByTheVisitingParty)
// and nobody who brought them stays (BroughtByOneWhoStays). The day sheet's
// ALERT_CHILDREN_WITHOUT_AN_ADULT and a departure's caution (DepartureCautions) are this rule.
func (f *Family) ChildrenWithoutAnAdult(b *Booking, now time.Time) bool {
	return ChildrenLeftByTheVisitingParty(b.LeftTimes(), now) && !f.BroughtByOneWhoStays(b)
}

// CautionChildrenWithoutAnAdult: a departure leaves (or left) the children inside with none of
// their adults (DepartureCautions).
const CautionChildrenWithoutAnAdult = "CHILDREN_WITHOUT_AN_ADULT"

// DepartureCautions are what the door must mind after party's departure recorded for booking b at
// at (now is the time of recording):
//   - the parents may meet as they leave (leavingParentsMayMeet), said of a departure recorded as it
//     happens, within DoorWindowMinutes of now, as an arrival's is (ArrivalCautions). Review 48: the
//     resident parent collected the children at 11:45 and the visiting parent was let out at 11:47
//     with no word, and under a hold both parties were recorded leaving in the same minute; only the
//     day sheet flagged it, afterwards. The staggered times keep the parents apart on the way out
//     too: the visiting parent leaves 10-15 minutes after the children (DOMAIN.md);
//   - the children inside with none of their adults, by the day sheet's rule (ChildrenWithoutAnAdult)
//     as it will stand a minute from now with nobody else recorded leaving, so that the door is told
//     as the visiting party walks out, not only once the day sheet is read (decision 213 left it).
//     While the children are inside it says what to do now; once their departure is recorded, that
//     the day's record shows it. For supervised contact it is said only once the children's time is
//     over (their supervisor is with them until then); the day sheet alerts it after;
//   - supervised contact past its time (pastItsTime): the children and the visiting party both
//     inside after the children's booked end (decision 333).
//
// Both are said once the departure is recorded, never refusing it: refusing would lose when the
// party left, not keep anyone inside (decision 213), and the door acts on the caution.
func (f *Family) DepartureCautions(b *Booking, party schedulingv1.Party, at, now time.Time) []Caution {
	var out []Caution
	if now.Sub(at) < DoorWindowMinutes*time.Minute {
		if c, ok := leavingParentsMayMeet(b, party, at); ok {
			out = append(out, c)
		}
	}
	// The visiting party's no-show would release the family's place: the caution says from when it
	// is recorded, as NoShow refuses it before then (review 82, L3).
	releasing := len(f.unexplained)+1 >= ReleaseAfter && f.KeptBy(b) == nil
	if c, ok := contactNotHeld(b, party, at, releasing); ok {
		out = append(out, c)
	}
	if c, ok := pastItsTime(b, now); ok {
		out = append(out, c)
	}
	if !f.ChildrenWithoutAnAdult(b, now.Add(time.Minute)) {
		return out
	}
	left := ClockAt(b.Departed[schedulingv1.Party_PARTY_VISITING], b.loc)
	if collected, ok := b.Departed[schedulingv1.Party_PARTY_CHILDREN]; ok {
		return append(out, Caution{CautionChildrenWithoutAnAdult, fmt.Sprintf("the children were inside with none of their adults from %s "+
			"(the visiting party left) until %s (they were collected): the day sheet alerts it, for the coordinator to take up with "+
			"the family; a departure recorded by mistake is corrected (familytime schedule correct %s --party visiting --departure "+
			"--at HH:MM, or --not-happened)", left, ClockAt(collected, b.loc), b.ID)})
	}
	return append(out, Caution{CautionChildrenWithoutAnAdult, fmt.Sprintf("the children are inside with none of their adults: the visiting "+
		"party left at %s and whoever brought them only brought them. A volunteer stays with them now (never alone in the shared "+
		"room) and calls the adult who is to collect them; if the visiting party's departure was recorded by mistake, correct it "+
		"(familytime schedule correct %s --party visiting --departure --not-happened)", left, b.ID)})
}

// Overrun is supervised contact that ran (or is running) past its time: the children and the
// visiting party both recorded inside after the children's booked end (decision 333).
type Overrun struct {
	// From is the children's booked end (ChildrenLeave), or the later of the two parties' arrivals
	// when one came after it; Until the first of the children's and the visiting party's departures
	// recorded, or now while neither is (Running).
	From, Until time.Time
	Running     bool
}

// Minutes are the whole minutes the contact ran past its time.
func (o Overrun) Minutes() int { return int(o.Until.Sub(o.From) / time.Minute) }

// Overrun is how booking m's supervised contact ran past its time at now: the children and the
// visiting party both recorded inside (arrived, not recorded leaving) after the children's booked
// end, a whole minute or more, as late-start counts minutes. Review 58: after a late start the
// children and the visiting parent of a supervised family stayed together 25 minutes past the
// children's time, and nothing said so: children-without-an-adult is the visiting party gone,
// still-inside-after-session waits for the visiting party's due departure, and the supervisor was
// taken to be free at the booked end (ContactHeld). Contact is not extended (Held, DOMAIN.md: a late
// start runs only for the time left), but while both parties are inside together it goes on, and a
// contact supervisor must watch it: the day sheet alerts it
// (ALERT_SUPERVISED_CONTACT_PAST_ITS_TIME), the door is cautioned as a party leaves
// (DepartureCautions), and its supervisor is not free for another family until it ends
// (ContactHeld, as recorded; the door's SUPERVISORS_SHORT, while it runs). A completed booking
// with neither party recorded leaving is never-recorded-leaving's: when they left is not known.
// ok is false for other kinds of contact: supported contact's volunteers keep a shared room, and
// nobody watches one family for a time.
func (m LeftTimes) Overrun(now time.Time) (Overrun, bool) {
	if m.ServiceType != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED || m.ChildrenArrived == nil || m.VisitingArrived == nil {
		return Overrun{}, false
	}
	o := Overrun{From: m.ChildrenLeave, Until: now, Running: true}
	for _, arrived := range []*time.Time{m.ChildrenArrived, m.VisitingArrived} {
		if arrived.After(o.From) {
			o.From = *arrived
		}
	}
	for _, left := range []*time.Time{m.ChildrenDeparted, m.VisitingDeparted} {
		if left != nil && (o.Running || left.Before(o.Until)) {
			o.Until, o.Running = *left, false
		}
	}
	if o.Running && m.Completed {
		return Overrun{}, false
	}
	return o, o.Until.Sub(o.From) >= time.Minute
}

// CautionSupervisedPastItsTime: supervised contact ran (or is running) past its time, the
// children and the visiting party both inside after the children's booked end (Overrun).
const CautionSupervisedPastItsTime = "SUPERVISED_PAST_ITS_TIME"

// pastItsTime is the caution on a departure of booking b's supervised family when, as now
// recorded, the children and the visiting party were both inside after the children's time
// (Overrun): said on either party's departure (the first ends it; the second's still tells the door
// what the record shows), with the minutes past and what to do. The departure is recorded all the
// same.
func pastItsTime(b *Booking, now time.Time) (Caution, bool) {
	o, ok := b.LeftTimes().Overrun(now)
	if !ok {
		return Caution{}, false
	}
	due := ClockAt(b.ChildrenLeave, b.loc)
	if o.Running {
		return Caution{CautionSupervisedPastItsTime, fmt.Sprintf("supervised contact is running %d minutes past its time: the "+
			"children were due to leave at %s and they and the visiting party are both still inside. Contact is not extended: "+
			"the family's contact supervisor stays with them until one party leaves (record it: familytime schedule depart %s), "+
			"and is not free to watch another family meanwhile; tell the coordinator. The day sheet alerts it",
			o.Minutes(), due, b.ID)}, true
	}
	return Caution{CautionSupervisedPastItsTime, fmt.Sprintf("supervised contact ran %d minutes past its time: the children "+
		"were due to leave at %s, and they and the visiting party were both inside until %s. The family's contact supervisor "+
		"must have stayed with them until then (a contact supervisor watches one family at a time, so they were not free for "+
		"another family meanwhile); tell the coordinator, who takes it up with the family. The day sheet alerts it",
		o.Minutes(), due, ClockAt(o.Until, b.loc))}, true
}

// BroughtByOneWhoStays reports whether an adult named in booking b's children's arrival (who
// brought them) may take part in contact: such an adult may stay with the children, and the door
// records no adult of the children's party leaving apart from the children, so the children are
// taken to be with them. One named only to bring or collect the children (may_attend false: the
// resident parent who drops them off) left at the door (decision 188), and the children then have
// no adult of theirs inside once the visiting party has left (review 31).
func (f *Family) BroughtByOneWhoStays(b *Booking) bool {
	if f.ready == nil {
		return false
	}
	for _, p := range b.BroughtIn {
		if a, ok := f.adult(p); ok && a.MayAttend {
			return true
		}
	}
	return false
}

// insideRefusal refuses the completion of b at now while someone is inside (in), until the
// booking's Latest: the door records a departure until then, at the time it happened. People are
// named by role and id, as a children's departure that leaves one out names them (accountedFor):
// never by name.
func insideRefusal(b *Booking, in Inside) error {
	var who, how []string
	if len(in.Children) > 0 {
		who = append(who, "the children "+strings.Join(ids(in.Children), ", ")+" are recorded inside (their arrival is recorded, their leaving is not)")
		how = append(how, fmt.Sprintf("record who collected them (familytime schedule depart %s --party children --person ADULT --person CHILD for each "+
			"child, --at HH:MM for the time it happened)", b.ID))
	}
	if len(in.Visiting) > 0 {
		who = append(who, "the visiting party "+strings.Join(ids(in.Visiting), ", ")+" is recorded inside (its arrival is recorded, its leaving is not)")
		how = append(how, fmt.Sprintf("record it leaving (familytime schedule depart %s --party visiting --person %s, --at HH:MM)",
			b.ID, strings.Join(ids(in.Visiting), " --person ")))
	}
	// "after" Latest, as Family.Complete checks (now.After): review 28 was told "from 13:30" and
	// refused at 13:30:00.
	return problem.Rule(ErrPeopleInside.Reason, fmt.Sprintf("%s: %s, then complete the session. If nobody saw them leave, it is completed after "+
		"%s (%d minutes after the visiting parent was due to leave, when the door stops recording movements without their time), naming "+
		"them as never recorded leaving, for the coordinator to find out",
		strings.Join(who, "; "), strings.Join(how, " and "), ClockAt(b.Latest(), b.loc), int(LateDeparture/time.Minute)))
}

// partyWords names a party in a sentence.
func partyWords(p schedulingv1.Party) string {
	switch p {
	case schedulingv1.Party_PARTY_VISITING:
		return "the visiting parent"
	case schedulingv1.Party_PARTY_BOTH:
		return "both parties (the visiting parent and the children)"
	}
	return "the children"
}

// releasingTooSoon refuses, at now, an unexplained no-show of party that would release the
// family's place (count unexplained since the last release), while the party may still come: a
// late start runs for the time left (DOMAIN.md), until the children's contact was due to end. Review
// 26 recorded a second unexplained no-show of the visiting parent 15 minutes in; they came at 10:25
// with 1 hour 50 minutes to run and were turned away for good, since a no-show that released the
// place is not withdrawn. It waits for the clock alone: review 27 recorded it at once after the
// other party's departure, a mis-tap later corrected as not having happened, and the release stood
// on a movement no longer on the record (decisions.md 195). Nil when the no-show may be recorded.
func releasingTooSoon(b *Booking, party schedulingv1.Party, count int, now time.Time) error {
	if !b.mayStillCome(now) { // decision 317: the door's rule too (parentsMayMeet)
		return nil
	}
	end := ClockAt(b.ChildrenLeave, b.loc)
	return problem.Rule(ErrMayStillCome.Reason, fmt.Sprintf("%s may still come: a late start runs for the time left, until %s. This "+
		"would be the family's unexplained no-show %d since its place was last released, which releases the place for good, so it is "+
		"recorded from %s, when the contact was due to end (even when the other party has left: a movement recorded by mistake may "+
		"still be corrected). One who said they are not coming is an explained no-show, recorded now "+
		"(--explanation \"<the family's reason>\")",
		partyWords(party), end, count, end))
}

// noShowStands is why booking b's no-show is not withdrawn at now (WithdrawNoShow), or nil when
// it may be.
func (f *Family) noShowStands(b *Booking, now time.Time) *problem.RuleError {
	switch {
	case b.ReleasedPlace:
		// Said first (review 76): a no-show that releases the place is recorded only once the
		// contact was due to end, so the day's window below never held for it.
		return problem.Rule(ErrPlaceReleased.Reason, fmt.Sprintf("this no-show released the family's regular place and called off its "+
			"later sessions there: withdrawing it would not give them back; a coordinator books the family again (familytime schedule "+
			"book --centre %s --family %s ...) or puts it back on the waiting list (familytime schedule waitlist join --centre %s --family %s)",
			b.Centre, f.id, b.Centre, f.id))
	case !LocalDate(now, b.loc).Equal(b.Date) || !now.Before(b.ChildrenLeave):
		return problem.Rule(ErrNoShowStands.Reason, fmt.Sprintf("a no-show is withdrawn on the session's day, before its contact was due to end at %s: this one stands",
			ClockAt(b.ChildrenLeave, b.loc)))
	case f.ended:
		return ErrContactEnded
	case f.OnHold():
		return ErrOnHold
	}
	return nil
}

// CautionContactNotHeld: the children left before contact began, before its start or before the
// visiting party came: the session took place in no minute of contact.
const CautionContactNotHeld = "CONTACT_NOT_HELD"

// contactNotHeld is the caution on the children's departure at at (the last of them) when
// contact had not begun: they left at or before contact's start (the children's due time), or the
// visiting party was not seen at the door (checked in or arrived) before they left. Review 51
// recorded a whole visit at 13:11 for children due at 14:15 with no word but PARENTS_MAY_MEET. The
// departure is recorded all the same; the caution says what to do. A visiting party turned away at
// the door came, and is not said never to have come; a session already called off (a hold) or
// recorded as a no-show is said to be so, with nothing more to record, and one the door stopped
// (StoppedAtTheDoor) is the centre's to call off, never a no-show (review 61 was sent to record a
// no-show and a cancellation of a session a hold had called off, both refused BOOKING_NOT_ACTIVE).
//
// releasing says the visiting party's no-show, unexplained, would release the family's place: it is
// recorded only from when the contact was due to end (releasingTooSoon), and the caution says so
// rather than send the door to a command refused until then (review 82, L3).
func contactNotHeld(b *Booking, party schedulingv1.Party, at time.Time, releasing bool) (Caution, bool) {
	if party != schedulingv1.Party_PARTY_CHILDREN {
		return Caution{}, false
	}
	if _, gone := b.Departed[schedulingv1.Party_PARTY_CHILDREN]; !gone {
		return Caution{}, false // some of the children stay
	}
	if b.isHandover() {
		// decision 316: a handover is the children brought and collected (decision 245); the
		// children leaving with the other parent is the handover itself, not contact not held.
		return handoverNotHeld(b, at)
	}
	seen, came := b.Arrived[schedulingv1.Party_PARTY_VISITING]
	if in, ok := b.CheckedInAt[schedulingv1.Party_PARTY_VISITING]; ok && (!came || in.Before(seen)) {
		seen, came = in, true
	}
	var why string
	switch {
	case !at.After(b.ChildrenArrive):
		why = fmt.Sprintf("before contact's start at %s", ClockAt(b.ChildrenArrive, b.loc))
	case !came || !seen.Before(at):
		why = "before the visiting party came"
		if away, ok := b.turnedAwayAt(schedulingv1.Party_PARTY_VISITING); ok && !came && away.Before(at) {
			// It came and was turned away (review 61): it did not fail to come.
			why = fmt.Sprintf("before the visiting party was let in (it came to the door at %s and was turned away)", ClockAt(away, b.loc))
		}
	default:
		return Caution{}, false
	}
	if ended := b.endedWords(); ended != "" {
		// Review 61: under a hold the door was told to record a no-show or call the session off,
		// and both were refused BOOKING_NOT_ACTIVE: the session was already called off.
		return Caution{CautionContactNotHeld, fmt.Sprintf("contact did not take place: the children left at %s, %s. The session %s: "+
			"nothing more is recorded for it", ClockAt(at, b.loc), why, ended)}, true
	}
	if r, stopped := b.StoppedAtTheDoor(); stopped {
		// Nobody of the family would have been let in: neither party is a no-show (decision 225).
		return Caution{CautionContactNotHeld, fmt.Sprintf("contact did not take place: the children left at %s, %s; %s: %s",
			ClockAt(at, b.loc), why, b.turnedAwayWords(r), b.callOffWay(r))}, true
	}
	noShow := fmt.Sprintf("the party that did not come is a no-show (familytime schedule noshow %s --party visiting)", b.ID)
	if releasing {
		end := ClockAt(b.ChildrenLeave, b.loc)
		noShow = fmt.Sprintf("the party that did not come is a no-show: unexplained, it would release the family's place (two "+
			"unexplained no-shows since it was last released), so it is recorded from %s, when the contact was due to end (familytime "+
			"schedule noshow %s --party visiting, from %s; explained, now, with --explanation)", end, b.ID, end)
	}
	return Caution{CautionContactNotHeld, fmt.Sprintf("contact did not take place: the children left at %s, %s. If their arrival "+
		"or departure was recorded by mistake (the wrong booking, or ahead of time), correct it (familytime schedule correct %s "+
		"--party children --arrival --not-happened, and --departure likewise). If the session did not take place, record it: %s, "+
		"or the centre calls it off (familytime schedule cancel %s --by centre --reason ...)", ClockAt(at, b.loc), why, b.ID, noShow, b.ID)}, true
}

// endedWords say how booking b ended before its session was over, when it is no longer booked: called
// off (by a safeguarding hold, or a cancellation), or a party's no-show recorded; empty while booked.
func (b *Booking) endedWords() string {
	switch b.Status {
	case schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED:
		return ""
	case schedulingv1.BookingStatus_BOOKING_STATUS_NO_SHOW:
		return fmt.Sprintf("is recorded as a no-show (%s recorded as not coming)", partyWords(b.NoShow))
	case schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED:
		if b.Reason == schedulingv1.CancellationReason_CANCELLATION_REASON_HOLD {
			return "was called off by a safeguarding hold"
		}
		return "was called off (the booking is cancelled)"
	}
	return "is no longer booked"
}

// handoverNotHeld is contactNotHeld for a handover (decision 316): no caution once the children
// were collected by someone other than who brought them (handedOver); else the handover did not
// take place, and the caution says how the session is recorded, never a visiting party's no-show.
func handoverNotHeld(b *Booking, at time.Time) (Caution, bool) {
	if b.handedOver() {
		return Caution{}, false
	}
	return Caution{CautionContactNotHeld, fmt.Sprintf("the handover did not take place: the children left at %s with who brought "+
		"them, and nobody else collected them. If the departure was recorded by mistake or names the wrong people, correct it "+
		"(familytime schedule correct %s --party children --departure ...). If the handover did not happen, the centre records the "+
		"session with a cancellation on the day (familytime schedule cancel %s --by centre --reason other --note ...)",
		ClockAt(at, b.loc), b.ID, b.ID)}, true
}
