package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/scheduling/internal/adapters"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// Supervised contact is "trained staff watch one family at a time" (DOMAIN.md): a centre runs at
// once no more supervised sessions than its staff register clears people to supervise that day.
// Completion enforced it only after the fact (SUPERVISOR_ELSEWHERE), so review 44 booked, alerted
// and admitted two supervised families at 10:15 with one person cleared, one family's contact went
// unwatched, and its session could never be completed. Booking warns of it (SUPERVISORS_SHORT),
// the day sheet alerts it, and the door is cautioned as it admits the family no supervisor is free
// to watch (decision 265).

// CautionSupervisorsShort is the door's caution on admitting someone of a supervised family while
// the other supervised sessions under way at the same time take every supervisor cleared that day.
const CautionSupervisorsShort = "SUPERVISORS_SHORT"

// CautionNoSupervisor is the door's caution on admitting someone of a supervised family on a day
// the centre's staff register clears nobody to supervise contact (review 74: the door admitted the
// family with no word, contact ran unwatched, and the session could never be completed, so no
// report fell due and the child was not counted as served). Booking warns of it (NO_SUPERVISOR)
// and the day sheet alerts it (ALERT_NO_CLEARED_SUPERVISOR); the door admits all the same, as for
// SUPERVISORS_SHORT (decision 374).
const CautionNoSupervisor = "NO_SUPERVISOR"

// watched is a supervised session's children's contact, as held (their recorded arrival and
// departure) or else as planned, ending at the booked end at the latest (or, run past its time
// with both parties inside, at the first of their departures: decision 333), as domain.Booking's
// ContactHeld and completion's SUPERVISOR_ELSEWHERE read it: its supervisor watches the family
// for that time.
type watched struct {
	booking, family uuid.UUID
	from, to        time.Time
	// underWay: someone of the family checked in or arrived, and neither party has left, while the
	// booking still stands: its supervisor is with it, or is to be by the children's time.
	underWay bool
	// times are the booking's recorded movements, for contact still running past its time at the
	// door's now (supervisorFree; domain.LeftTimes' Overrun).
	times domain.LeftTimes
}

// watchedBy is booking r's contact when it takes a supervisor: supervised contact booked (to come
// or under way), completed (a supervisor watched it), or called off by a hold with the children
// inside (its report is due all the same: awaitsSupervisor). A no-show, or a session cancelled
// otherwise, takes nobody.
func watchedBy(r adapters.BookingRow) (watched, bool) {
	completed := schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED
	if commonv1.ServiceType(r.ServiceType) != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED || !(completed || awaitsSupervisor(r)) {
		return watched{}, false
	}
	w := watched{booking: r.ID, family: r.Family, from: r.ChildrenArrive, to: r.ChildrenLeave, times: rowTimes(r)}
	if r.ChildrenArrived != nil {
		w.from = *r.ChildrenArrived
	}
	if r.ChildrenDeparted != nil && r.ChildrenDeparted.Before(w.to) {
		w.to = *r.ChildrenDeparted
	}
	if o, ok := w.times.Overrun(r.ChildrenLeave); ok && !o.Running { // ran past its time, as recorded (ContactHeld)
		w.to = o.Until
	}
	w.underWay = schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED &&
		(len(r.CheckedIn) > 0 || r.VisitingArrived != nil || r.ChildrenArrived != nil) && r.VisitingDeparted == nil && r.ChildrenDeparted == nil
	return w, true
}

// rowTimes are a day-sheet row's movements as domain.LeftTimes.
func rowTimes(r adapters.BookingRow) domain.LeftTimes {
	return domain.LeftTimes{ServiceType: commonv1.ServiceType(r.ServiceType),
		Completed:     schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_COMPLETED,
		ChildrenLeave: r.ChildrenLeave, ChildrenArrived: r.ChildrenArrived, VisitingArrived: r.VisitingArrived,
		VisitingDeparted: r.VisitingDeparted, ChildrenDeparted: r.ChildrenDeparted}
}

// overlaps reports whether two contacts share a minute: each begins before the other ends.
func (w watched) overlaps(o watched) bool { return w.from.Before(o.to) && o.from.Before(w.to) }

// mostAtOnce is the most supervised sessions under way at one instant during of's contact,
// counting of, among others (of itself, and any other booking of its family, left out: a family
// has one session a day, so another of its bookings that day is the one a reschedule replaces),
// and the first time that many overlap, from..to. The count peaks at the start of one of the
// sessions, so only those starts are tried: two sessions that each overlap of but not each other
// (10:00-11:00 and 11:00-12:00 against 10:00-12:00) take two supervisors, not three.
func mostAtOnce(of watched, others []watched) (n int, from, to time.Time) {
	var during []watched
	for _, o := range others {
		if o.booking != of.booking && o.family != of.family && o.overlaps(of) {
			during = append(during, o)
		}
	}
	starts := []time.Time{of.from}
	for _, o := range during {
		if o.from.After(of.from) {
			starts = append(starts, o.from)
		}
	}
	for _, at := range starts {
		count, end := 1, of.to
		for _, o := range during {
			if !o.from.After(at) && at.Before(o.to) {
				count++
				if o.to.Before(end) {
					end = o.to
				}
			}
		}
		if count > n || (count == n && at.Before(from)) {
			n, from, to = count, at, end
		}
	}
	return n, from, to
}

// dayWatched are the contacts of a centre's bookings of one day that take a supervisor (watchedBy).
func dayWatched(rows []adapters.BookingRow) []watched {
	var out []watched
	for _, r := range rows {
		if w, ok := watchedBy(r); ok {
			out = append(out, w)
		}
	}
	return out
}

// SupervisorsShortWarning is what a booking b answers besides itself: for supervised contact, when
// more supervised sessions of the centre are under way at once during its contact (counting it)
// than the staff register clears people to supervise that day, SUPERVISORS_SHORT in words
// (staff.Register's SupervisorsShortWarning); "" otherwise, and when nobody is cleared
// (SupervisorWarning's NO_SUPERVISOR says so). It is answered before the booking's unit commits,
// so the read model holds the day as it was: the booking is counted here, and the one a
// reschedule replaces (the family's own) is left out. It warns and does not refuse (decision
// 265): the register may be put right before the day, and the day sheet alerts the sessions until
// it is.
func (a *App) SupervisorsShortWarning(ctx context.Context, b *domain.Booking) (string, error) {
	if b.ServiceType != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		return "", nil
	}
	register, err := a.sessions.Staff(ctx, b.Centre)
	if err != nil {
		return "", err
	}
	if register.ClearedSupervisors(b.Date) == 0 {
		return "", nil
	}
	rows, err := a.sessions.DaySheet(ctx, b.Centre, b.Date)
	if err != nil {
		return "", err
	}
	from, to := b.ContactHeld()
	n, at, until := mostAtOnce(watched{booking: b.ID, family: b.Family, from: from, to: to}, dayWatched(rows))
	return register.SupervisorsShortWarning(b.Date, n, fmt.Sprintf("from %s to %s", domain.ClockAt(at, b.Location()),
		domain.ClockAt(until, b.Location()))), nil
}

// supervisedDays are the days from today on which the centre has supervised contact booked and
// register clears account to supervise it: the days account's leaving may leave short. Read
// before the leaving is applied to register.
func (a *App) supervisedDays(ctx context.Context, register *staff.Register, account string, today time.Time) ([]time.Time, error) {
	days, err := a.sessions.SupervisedDays(ctx, register.Centre(), today)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for _, d := range days {
		if ok, _ := register.CanSupervise(account, d); ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// SupervisorsShortAfterLeaving is what a contact supervisor's leaving answers besides itself
// (review 81, finding M6; decision 403): of days, those on which they were cleared to supervise
// the supervised contact booked (supervisedDays), the ones on which register, their leaving
// applied, clears fewer people to supervise than the most sessions under way at once that day, or
// nobody: SUPERVISORS_SHORT in words, naming up to five of them and the way on. "" when none is.
// Booking warns of the same (SupervisorsShortWarning) and the day sheet alerts it; a leaving,
// which takes clearance away, said nothing.
func (a *App) SupervisorsShortAfterLeaving(ctx context.Context, register *staff.Register, account string, days []time.Time) (string, error) {
	const named = 5
	var short []string
	for _, d := range days {
		if ok, _ := register.CanSupervise(account, d); ok {
			continue // still on the staff that day: the last day is after it
		}
		rows, err := a.sessions.DaySheet(ctx, register.Centre(), d)
		if err != nil {
			return "", err
		}
		all := dayWatched(rows)
		most := 0
		for _, r := range rows {
			w, ok := watchedBy(r)
			if !ok || schedulingv1.BookingStatus(r.Status) != schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED {
				continue
			}
			n, _, _ := mostAtOnce(w, all)
			most = max(most, n)
		}
		cleared := register.ClearedSupervisors(d)
		if most == 0 || most <= cleared {
			continue
		}
		if len(short) < named {
			short = append(short, fmt.Sprintf("%s (%d at once, %d cleared)", d.Format(time.DateOnly), most, cleared))
		} else if len(short) == named {
			short = append(short, "and later days")
		}
	}
	if len(short) == 0 {
		return "", nil
	}
	return fmt.Sprintf("SUPERVISORS_SHORT: %s was cleared to supervise contact on days after this last day on which the centre has "+
		"supervised sessions booked, and without them its staff register clears fewer people to supervise than sessions under way at "+
		"once: %s. A contact supervisor watches one family at a time, so a family would be left unwatched and its session could never "+
		"be completed: record another supervisor on the register by then (familytime staff add, familytime staff check), or move the "+
		"sessions (familytime schedule daysheet --centre %s --date DAY lists them; familytime schedule reschedule)",
		account, strings.Join(short, ", "), register.Centre()), nil
}

// supervisorsShort are the day sheet's rows (of one centre and day) to alert
// ALERT_SUPERVISORS_SHORT: supervised contact not cancelled, during which more supervised sessions
// are under way at once (counting it) than cleared people to supervise it, when at least one is
// (with none, ALERT_NO_CLEARED_SUPERVISOR says so).
func supervisorsShort(rows []adapters.BookingRow, cleared int) []bool {
	out := make([]bool, len(rows))
	if cleared == 0 {
		return out
	}
	all := dayWatched(rows)
	for i, r := range rows {
		w, ok := watchedBy(r)
		if !ok || schedulingv1.BookingStatus(r.Status) == schedulingv1.BookingStatus_BOOKING_STATUS_CANCELLED {
			continue
		}
		n, _, _ := mostAtOnce(w, all)
		out[i] = n > cleared
	}
	return out
}

// supervisorFree is the door's caution on admitting someone of booking b's supervised family (not
// admitted before) when the other supervised sessions overlapping its contact that are under way
// (someone of theirs checked in or arrived, nobody gone) are as many as the people the register
// clears to supervise contact that day: none of them is free to watch this family (review 44's
// door let the second family in, and its contact went unwatched); NO_SUPERVISOR when the register
// clears nobody that day (decision 374). nil otherwise. The read model holds the other
// families' check-ins and arrivals as committed: two families admitted in the same instant may
// each miss the other.
func (a *App) supervisorFree(ctx context.Context, b *domain.Booking) (*domain.Caution, error) {
	if b.ServiceType != commonv1.ServiceType_SERVICE_TYPE_SUPERVISED {
		return nil, nil
	}
	register, err := a.sessions.Staff(ctx, b.Centre)
	if err != nil {
		return nil, err
	}
	cleared := register.ClearedSupervisors(b.Date)
	if cleared == 0 {
		return &domain.Caution{Code: CautionNoSupervisor, Text: "the centre's staff register clears nobody to supervise contact " +
			"today (a contact supervisor or the safeguarding lead, DBS-checked and trained): supervised contact is watched by one of " +
			"them, who writes its report, so this family's contact does not start unwatched. Tell the coordinator, who puts the " +
			"register right (familytime staff list --centre " + b.Centre.String() + " --on " + dates.String(b.Date) + ") or calls the " +
			"session off (familytime schedule cancel " + b.ID.String() + " --centre " + b.Centre.String() + " --by centre --reason staffing)"}, nil
	}
	rows, err := a.sessions.DaySheet(ctx, b.Centre, b.Date)
	if err != nil {
		return nil, err
	}
	from, to := b.ContactHeld()
	this := watched{booking: b.ID, family: b.Family, from: from, to: to}
	busy, now := 0, a.now()
	for _, o := range dayWatched(rows) {
		// A session running past its time (both its parties inside after the children's booked
		// end) holds its supervisor until one party leaves: until now, at least (decision 333).
		if ov, ok := o.times.Overrun(now); ok && ov.Running && ov.Until.After(o.to) {
			o.to = ov.Until
		}
		if o.underWay && o.booking != b.ID && o.family != b.Family && o.overlaps(this) {
			busy++
		}
	}
	if busy < cleared {
		return nil, nil
	}
	sessions, people := "1 other supervised session is", "1 person"
	if busy > 1 {
		sessions = fmt.Sprintf("%d other supervised sessions are", busy)
	}
	if cleared > 1 {
		people = fmt.Sprintf("%d people", cleared)
	}
	return &domain.Caution{Code: CautionSupervisorsShort, Text: fmt.Sprintf("%s under way during this family's contact (from %s to %s), and the "+
		"centre's staff register clears %s only to supervise contact today: a contact supervisor watches one family at a time, so "+
		"nobody cleared is free to watch this family. Its contact does not start unwatched: find a cleared supervisor free by then, "+
		"or tell the coordinator", sessions, domain.ClockAt(from, b.Location()), domain.ClockAt(to, b.Location()), people)}, nil
}
