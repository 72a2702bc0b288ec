package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/text"
)

// MaxRange is the longest date range a listing or a capacity count covers.
const MaxRange = 366

// Room is a room of a centre.
type Room struct {
	ID         uuid.UUID
	Name       string
	Capacity   int
	Supervised bool
}

// Pattern is when a centre opens: a weekday every week or fortnight from a first date, with its
// rooms, closures and one-off extra dates, in one time zone.
type Pattern struct {
	ID         uuid.UUID
	Recurrence schedulingv1.Recurrence
	Weekday    time.Weekday
	Start, End Clock
	// First is the first date it may open; Last the last (zero: no end).
	First, Last time.Time
	Rooms       []uuid.UUID
	Closed      map[time.Time]bool
	Extra       map[time.Time]bool
	Zone        string
	loc         *time.Location
}

// Location is the pattern's time zone.
func (p *Pattern) Location() *time.Location { return p.loc }

// firstSession is the first date on or after First that falls on the weekday.
func (p *Pattern) firstSession() time.Time {
	return p.First.AddDate(0, 0, (int(p.Weekday)-int(p.First.Weekday())+7)%7)
}

// OpensOn reports whether the pattern has a session on date: a regular date (its weekday, every
// week or every other week counted from its first session, up to its last date) or an extra date,
// and not a closure.
func (p *Pattern) OpensOn(date time.Time) bool {
	if p.Closed[date] {
		return false
	}
	if p.Extra[date] {
		return true
	}
	first := p.firstSession()
	if date.Weekday() != p.Weekday || date.Before(first) || (!p.Last.IsZero() && date.After(p.Last)) {
		return false
	}
	return p.Recurrence != schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY || (days(first, date)/7)%2 == 0
}

// Session is one occurrence of a pattern: a local date with its times as instants.
type Session struct {
	Pattern *Pattern
	Date    time.Time
	// Opens and Closes are the session's start and end as instants.
	Opens, Closes time.Time
	Rooms         []Room
}

// Timetable is a centre's rooms and opening patterns: one stream, timetable-<centre_id>.
type Timetable struct {
	centre   uuid.UUID
	rooms    map[uuid.UUID]Room
	order    []uuid.UUID
	patterns map[uuid.UUID]*Pattern
	porder   []uuid.UUID
	version  int64
}

// TimetableStream is the stream of a centre's rooms and patterns.
func TimetableStream(centre uuid.UUID) string { return "timetable-" + centre.String() }

// NewTimetable is a centre's empty timetable.
func NewTimetable(centre uuid.UUID) *Timetable {
	return &Timetable{centre: centre, rooms: map[uuid.UUID]Room{}, patterns: map[uuid.UUID]*Pattern{}}
}

// RebuildTimetable replays a timetable's events.
func RebuildTimetable(centre uuid.UUID, events []proto.Message) (*Timetable, error) {
	t := NewTimetable(centre)
	for _, ev := range events {
		if err := t.apply(ev); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Version is the number of events in the timetable's stream.
func (t *Timetable) Version() int64 { return t.version }

// Room is one of the centre's rooms.
func (t *Timetable) Room(id uuid.UUID) (Room, bool) {
	r, ok := t.rooms[id]
	return r, ok
}

// Rooms are the centre's rooms in the order they were added.
func (t *Timetable) Rooms() []Room {
	out := make([]Room, len(t.order))
	for i, id := range t.order {
		out[i] = t.rooms[id]
	}
	return out
}

// Patterns are the centre's patterns, in no order.
func (t *Timetable) Patterns() []*Pattern {
	out := make([]*Pattern, 0, len(t.patterns))
	for _, p := range t.patterns {
		out = append(out, p)
	}
	return out
}

// Pattern is one of the centre's patterns.
func (t *Timetable) Pattern(id uuid.UUID) (*Pattern, bool) {
	p, ok := t.patterns[id]
	return p, ok
}

// AddRoom adds a room under a new id.
func (t *Timetable) AddRoom(id uuid.UUID, name string, capacity int, supervised bool) (Room, proto.Message, error) {
	name = strings.TrimSpace(name)
	if reason := text.Check(name, text.Line); reason != "" {
		// Volunteers read the name on the day sheet and in the sessions (decisions.md 91).
		return Room{}, nil, problem.Invalid("name", reason)
	}
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return Room{}, nil, problem.Invalid("name", "must not be blank")
	case n > 100:
		return Room{}, nil, problem.Invalid("name", "must be at most 100 characters")
	}
	if capacity < 1 || capacity > 50 {
		return Room{}, nil, problem.Invalid("capacity", "must be 1 to 50 families")
	}
	for _, r := range t.rooms {
		if strings.EqualFold(r.Name, name) {
			return Room{}, nil, problem.Conflict("DUPLICATE_ROOM", "the centre already has a room of that name")
		}
	}
	ev := &schedulingv1.RoomAdded{CentreId: t.centre.String(), RoomId: id.String(), Name: name,
		Capacity: int32(capacity), SupervisedSuitable: supervised}
	if err := t.apply(ev); err != nil {
		return Room{}, nil, err
	}
	return t.rooms[id], ev, nil
}

// PatternSpec is what a coordinator says about when the centre opens.
type PatternSpec struct {
	// ID names an existing pattern to redefine, or is a new id.
	ID          uuid.UUID
	Recurrence  schedulingv1.Recurrence
	Weekday     time.Weekday
	Start, End  Clock
	First, Last time.Time
	Rooms       []uuid.UUID
	Closed      []time.Time
	Extra       []time.Time
	Zone        string
}

// Rules of a centre's timetable.
var (
	// ErrPatternOverlaps matches every refusal of a pattern that would open a room another pattern
	// opens at the same time (overlapping says which).
	ErrPatternOverlaps = problem.Rule("PATTERN_OVERLAPS", "the pattern would open a room at times another pattern opens it")
	// ErrPastSessionsFixed matches every refusal of a redefinition that would change when or
	// where a pattern opened before today (keepsThePast).
	ErrPastSessionsFixed = problem.Rule("PAST_SESSIONS_FIXED", "the pattern's sessions before today are history: they are not changed")
	// ErrPatternHasBookings matches every refusal of a redefinition that would leave bookings
	// outside the pattern (unkept says how many).
	ErrPatternHasBookings = problem.Rule("PATTERN_HAS_BOOKINGS", "the change would move or remove sessions the pattern has bookings in")
)

// BookedPlace is a booking in one of a pattern's sessions, still to come, as a redefinition of
// the pattern must keep it.
type BookedPlace struct {
	Booking, Room uuid.UUID
	Date          time.Time
	// Opens is the start of the opening session it was booked in; Leaves is when its visiting
	// parent is due to leave, its last door time.
	Opens, Leaves time.Time
}

// Keeps reports whether the pattern still holds booking b where it was booked: it opens on its
// date, with the same start (the occupancy of a room in a session is named by it) and an end no
// earlier than its last door time, and still opens its room.
func (p *Pattern) Keeps(b BookedPlace) bool {
	return p.OpensOn(b.Date) && slices.Contains(p.Rooms, b.Room) && On(b.Date, p.Start, p.loc).Equal(b.Opens) &&
		!On(b.Date, p.End, p.loc).Before(b.Leaves)
}

// KeepsBookings refuses a definition of p that would leave any of booked, the pattern's bookings
// still to come, outside it (ErrPatternHasBookings, saying how many): their places would then be
// counted in an opening session that no longer exists, and the room's capacity no longer held.
func KeepsBookings(p *Pattern, booked []BookedPlace) error {
	var unkept []BookedPlace
	for _, b := range booked {
		if !p.Keeps(b) {
			unkept = append(unkept, b)
		}
	}
	if len(unkept) == 0 {
		return nil
	}
	slices.SortFunc(unkept, func(a, b BookedPlace) int { return a.Opens.Compare(b.Opens) })
	n := fmt.Sprintf("%d bookings", len(unkept))
	if len(unkept) == 1 {
		n = "1 booking"
	}
	return problem.Rule(ErrPatternHasBookings.Reason, fmt.Sprintf("the pattern has %s still to come in sessions this change would move "+
		"or remove (the first %s on %s, in room %s): reschedule or cancel them first; a change of the end date, closures or "+
		"rooms that keeps every booked session is allowed, and new times are a new pattern from the day after this one's last",
		n, unkept[0].Booking, dates.String(unkept[0].Date), unkept[0].Room))
}

// within reports whether p only takes sessions away from old: the same weekday, recurrence,
// first date, times and zone, and no later last date, no rooms or extra dates old had not, and
// every closure old had. It then meets no pattern old did not meet, so it is not checked for
// overlaps: patterns recorded overlapping before they were refused can be ended.
func (p *Pattern) within(old *Pattern) bool {
	if p.Weekday != old.Weekday || p.Recurrence != old.Recurrence || !p.First.Equal(old.First) || p.Start != old.Start ||
		p.End != old.End || p.Zone != old.Zone || (!old.Last.IsZero() && (p.Last.IsZero() || p.Last.After(old.Last))) {
		return false
	}
	for _, r := range p.Rooms {
		if !slices.Contains(old.Rooms, r) {
			return false
		}
	}
	for d := range p.Extra {
		if !old.Extra[d] {
			return false
		}
	}
	for d := range old.Closed {
		if !p.Closed[d] {
			return false
		}
	}
	return true
}

// keepsThePast refuses a definition of p that would change the sessions its pattern (old; nil
// for a new one) opened before today: they happened, families were booked into them, and the
// published figures count their places (review 12 added a quarter's sessions after it closed).
// Extra and closed dates before today stay as they were; once the pattern has opened, its
// weekday, recurrence, first date, times, zone and rooms stay too, and a last date is moved only
// to yesterday or later. New times or rooms from a day on are a new pattern, from the day after
// this one's last.
func keepsThePast(old, p *Pattern, today time.Time) error {
	// before are the dates of a set before today, in order.
	before := func(set map[time.Time]bool) []time.Time {
		var out []time.Time
		for d := range set {
			if d.Before(today) {
				out = append(out, d)
			}
		}
		return sortedDates(out)
	}
	var oldExtra, oldClosed []time.Time
	if old != nil {
		oldExtra, oldClosed = before(old.Extra), before(old.Closed)
	}
	for _, c := range []struct {
		field      string
		now, prior []time.Time
	}{{"extra_dates", before(p.Extra), oldExtra}, {"closed_dates", before(p.Closed), oldClosed}} {
		if !slices.EqualFunc(c.now, c.prior, time.Time.Equal) {
			return problem.Invalid(c.field, "must not add or drop a date before today ("+dates.String(today)+"): the sessions before today are history")
		}
	}
	if old != nil && !p.First.Equal(old.First) && p.First.Before(today) {
		// As for a new pattern: a first date before today would open sessions in the past
		// (review 13 moved a pattern not yet opened to July, into a closed quarter).
		// The first date it has, which a redefinition gives again (review 87: the refusal did not say).
		return problem.Invalid("first_date", "must not move to a day before today ("+dates.String(today)+"): the sessions before today "+
			"are history; the pattern's first date is "+dates.String(old.First)+" (familytime schedule patterns prints it whole)")
	}
	if old == nil || !old.openedBefore(today) {
		return nil
	}
	sameRooms := len(p.Rooms) == len(old.Rooms) && !slices.ContainsFunc(p.Rooms, func(r uuid.UUID) bool { return !slices.Contains(old.Rooms, r) })
	if p.Weekday != old.Weekday || p.Recurrence != old.Recurrence || !p.First.Equal(old.First) || p.Start != old.Start ||
		p.End != old.End || p.loc.String() != old.loc.String() || !sameRooms {
		return problem.Rule(ErrPastSessionsFixed.Reason, fmt.Sprintf("pattern %s has opened since %s, and its sessions before today (%s) are "+
			"history: its weekday, times, rooms and first date stay as they were. For new times or rooms, end it (its last date) and "+
			"define a new pattern from the day after; closures, extra dates from today and its last date may still change",
			old.ID, dates.String(old.firstSession()), dates.String(today)))
	}
	yesterday := today.AddDate(0, 0, -1)
	if !p.Last.Equal(old.Last) && ((!old.Last.IsZero() && old.Last.Before(yesterday)) || (!p.Last.IsZero() && p.Last.Before(yesterday))) {
		return problem.Invalid("last_date", "must not move to or from a day before yesterday ("+dates.String(yesterday)+
			"): the sessions before today are history")
	}
	return nil
}

// openedBefore reports whether the pattern had a session before today: its first regular date
// or an extra date.
func (p *Pattern) openedBefore(today time.Time) bool {
	for d := range p.Extra {
		if d.Before(today) && p.OpensOn(d) {
			return true
		}
	}
	// Closures are finite: among as many regular weeks as there are closures, doubled for a
	// fortnight, and one more, one opens if any does.
	d := p.firstSession()
	for range 2 * (len(p.Closed) + 1) {
		if !d.Before(today) || (!p.Last.IsZero() && d.After(p.Last)) {
			return false
		}
		if p.OpensOn(d) {
			return true
		}
		d = d.AddDate(0, 0, 7)
	}
	return false
}

// overlapping refuses p if it would open one of its rooms, on or after from, at a time another
// of the centre's patterns opens it: two patterns' sessions in one room are two occupancies, and
// neither would count the other's families (ErrPatternOverlaps, naming the pattern, the room and
// the first date they meet).
func (t *Timetable) overlapping(p *Pattern, from time.Time) error {
	for _, id := range t.porder {
		q := t.patterns[id]
		if q.ID == p.ID {
			continue
		}
		if q.loc.String() != p.loc.String() {
			// A centre is in one place: its sessions keep one time zone. Two zones would put one
			// instant on two local dates, which the dates compared below would miss (review 12),
			// and so would a family's one session a day and a supervisor's one session at a time,
			// both compared by local date across the centre's rooms (review 17).
			return problem.Invalid("time_zone", fmt.Sprintf("must be %s, the time zone of the centre's pattern %s: a centre is in "+
				"one place, and all its sessions are in its time zone", q.loc, q.ID))
		}
		var shared []uuid.UUID
		for _, r := range p.Rooms {
			if slices.Contains(q.Rooms, r) {
				shared = append(shared, r)
			}
		}
		if len(shared) == 0 {
			continue
		}
		for _, d := range sharedDates(p, q, from) {
			if On(d, p.Start, p.loc).Before(On(d, q.End, q.loc)) && On(d, q.Start, q.loc).Before(On(d, p.End, p.loc)) {
				room := t.rooms[shared[0]]
				return problem.Rule(ErrPatternOverlaps.Reason, fmt.Sprintf("%s (room %s) is open in pattern %s %s-%s on %s, "+
					"overlapping %s-%s: a room opens for one session at a time; end that pattern (its last date), close it "+
					"that day, or choose other times or rooms", room.Name, room.ID, q.ID, q.Start, q.End, dates.String(d), p.Start, p.End))
			}
		}
	}
	return nil
}

// sharedDates are dates on or after from on which both p and q open, in order: every extra date
// of either that both open on, and the first regular date they share. Closures are finite, so
// when two patterns on one weekday share any regular date after from, they share one within as
// many of their common weeks as they have closures, plus one, counted every other week.
func sharedDates(p, q *Pattern, from time.Time) []time.Time {
	var out []time.Time
	both := func(d time.Time) bool { return !d.Before(from) && p.OpensOn(d) && q.OpensOn(d) }
	for _, extra := range []map[time.Time]bool{p.Extra, q.Extra} {
		for d := range extra {
			if both(d) {
				out = append(out, d)
			}
		}
	}
	if p.Weekday == q.Weekday {
		d := from
		for _, f := range []time.Time{p.firstSession(), q.firstSession()} {
			if f.After(d) {
				d = f
			}
		}
		d = d.AddDate(0, 0, (int(p.Weekday)-int(d.Weekday())+7)%7)
		for range 2 * (len(p.Closed) + len(q.Closed) + 2) {
			if (!p.Last.IsZero() && d.After(p.Last)) || (!q.Last.IsZero() && d.After(q.Last)) {
				break
			}
			if both(d) {
				out = append(out, d)
				break
			}
			d = d.AddDate(0, 0, 7)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.Compact(out)
}

// OpensFrom and ClosesBy bound an opening session's times: a child contact centre opens in the
// day and the evening (supervised sessions after school and work run into the evening), never
// at night.
var (
	OpensFrom = Clock{Hour: 7}
	ClosesBy  = Clock{Hour: 22}
)

// inTheDay refuses an opening session outside OpensFrom-ClosesBy. Children's contact happens in
// the day: 02:00 is a slip for 14:00 (review 24 defined a session of 02:00-23:30), and a family
// booked into it would be told to come at night.
func inTheDay(start, end Clock) error {
	if start.Minutes() < OpensFrom.Minutes() {
		return problem.Invalid("start_time", fmt.Sprintf("must be %s or later: children's contact is in the day (did you mean %s?)",
			OpensFrom, Clock{Hour: (start.Hour + 12) % 24, Minute: start.Minute}))
	}
	if end.Minutes() > ClosesBy.Minutes() {
		return problem.Invalid("end_time", "must be "+ClosesBy.String()+" or earlier: children's contact is in the day")
	}
	return nil
}

// UKZones are the time zone names an opening pattern may give: Europe/London and the names the
// zone database keeps for the same clock (GB, GB-Eire, Europe/Belfast, and the Crown
// dependencies, which keep UK time). Familytime runs UK child contact centres (DOMAIN.md), and
// the waiting list, the staff register, referral, reporting and the histories read a centre's
// dates and times in UK time (decisions.md 146, 152).
var UKZones = []string{DefaultZone, "GB", "GB-Eire", "Europe/Belfast", "Europe/Guernsey", "Europe/Jersey", "Europe/Isle_of_Man"}

// zoneName is the zone a pattern records for the name given: empty is DefaultZone.
func zoneName(name string) string {
	if name == "" {
		return DefaultZone
	}
	return name
}

// ukTime refuses a pattern's zone that is not on UK time (UKZones). Review 27 defined a Saturday
// 10:00-12:00 in Pacific/Auckland at a UK centre: 21:00 on Friday in the UK, past the day's bounds
// (decision 185), on a date the rest of the platform reads as another.
func ukTime(name string) error {
	if slices.Contains(UKZones, zoneName(name)) {
		return nil
	}
	return problem.Invalid("time_zone", fmt.Sprintf("must be %s (UK time), not %s: Familytime runs UK centres, and their "+
		"dates and times are read in UK time everywhere; give the times on the centre's own clock, or leave the zone out",
		DefaultZone, name))
}

// DefinePattern defines a new pattern, or redefines one of the same id; today is the centre's
// date now and booked the pattern's bookings still to come (none for a new one). A room opens
// for one session at a time: a pattern that would open one of its rooms on or after today at a
// time another pattern opens it is refused (ErrPatternOverlaps). A redefinition must keep every
// booking where it was booked (KeepsBookings); it moves or cancels none.
func (t *Timetable) DefinePattern(s PatternSpec, today time.Time, booked []BookedPlace) (*Pattern, proto.Message, error) {
	if s.Recurrence != schedulingv1.Recurrence_RECURRENCE_WEEKLY && s.Recurrence != schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY {
		return nil, nil, problem.Invalid("recurrence", "must be weekly or fortnightly")
	}
	if !s.Start.Valid() {
		return nil, nil, problem.Invalid("start_time", "is not a time of day")
	}
	if !s.End.Valid() {
		return nil, nil, problem.Invalid("end_time", "is not a time of day")
	}
	if s.End.Minutes() <= s.Start.Minutes() {
		return nil, nil, problem.Invalid("end_time", "must be after start_time "+s.Start.String())
	}
	if s.End.Minutes()-s.Start.Minutes() < 30 {
		return nil, nil, problem.Invalid("end_time", "an opening session lasts at least 30 minutes")
	}
	if old, redefining := t.patterns[s.ID]; !redefining || old.Start != s.Start || old.End != s.End {
		// A pattern recorded before this rule keeps its times when it is ended or closed on a
		// date: the coordinator putting it right is not made to move its bookings first.
		if err := inTheDay(s.Start, s.End); err != nil {
			return nil, nil, err
		}
	}
	if _, err := Zone(s.Zone); err != nil {
		return nil, nil, err
	}
	if old, redefining := t.patterns[s.ID]; !redefining || old.Zone != zoneName(s.Zone) {
		// A pattern recorded before this rule in another zone keeps it when it is ended or
		// closed on a date, as its times do (decisions.md 185).
		if err := ukTime(s.Zone); err != nil {
			return nil, nil, err
		}
	}
	if _, redefining := t.patterns[s.ID]; !redefining && s.First.Before(today) {
		return nil, nil, problem.Invalid("first_date", "must not be in the past")
	}
	if !s.Last.IsZero() && s.Last.Before(s.First) {
		return nil, nil, problem.Invalid("last_date", "must not be before first_date")
	}
	for _, id := range s.Rooms {
		if _, ok := t.rooms[id]; !ok {
			return nil, nil, problem.Invalid("room_ids", "room "+id.String()+" is not a room of the centre")
		}
	}
	if len(s.Rooms) == 0 {
		return nil, nil, problem.Invalid("room_ids", "must name at least one room")
	}
	zone := s.Zone
	if zone == "" {
		zone = DefaultZone
	}
	p := &schedulingv1.OpeningPattern{PatternId: s.ID.String(), CentreId: t.centre.String(), Recurrence: s.Recurrence,
		Weekday: weekdayToProto(s.Weekday), StartTime: ClockToProto(s.Start), EndTime: ClockToProto(s.End),
		FirstDate: dates.Proto(s.First), LastDate: dates.Proto(s.Last), TimeZone: zone}
	for _, id := range s.Rooms {
		p.RoomIds = append(p.RoomIds, id.String())
	}
	for _, d := range sortedDates(s.Closed) {
		p.ClosedDates = append(p.ClosedDates, dates.Proto(d))
	}
	for _, d := range sortedDates(s.Extra) {
		p.ExtraDates = append(p.ExtraDates, dates.Proto(d))
	}
	defined := PatternFromProto(p)
	if err := keepsThePast(t.patterns[s.ID], defined, today); err != nil {
		return nil, nil, err
	}
	if old, redefining := t.patterns[s.ID]; !redefining || !defined.within(old) {
		if err := t.overlapping(defined, today); err != nil {
			return nil, nil, err
		}
	}
	if err := KeepsBookings(defined, booked); err != nil {
		return nil, nil, err
	}
	ev := &schedulingv1.OpeningPatternDefined{CentreId: t.centre.String(), Pattern: p}
	if err := t.apply(ev); err != nil {
		return nil, nil, err
	}
	return t.patterns[s.ID], ev, nil
}

// Session is the occurrence of a pattern on a date. Errors name the request's fields.
func (t *Timetable) Session(patternID uuid.UUID, date time.Time) (Session, error) {
	p, ok := t.patterns[patternID]
	if !ok {
		return Session{}, problem.Invalid("pattern_id", "is not an opening pattern of the centre")
	}
	if !p.OpensOn(date) {
		if p.Closed[date] {
			return Session{}, problem.Invalid("date", "the centre is closed on "+dates.String(date))
		}
		return Session{}, problem.Invalid("date", "the pattern has no session on "+dates.String(date))
	}
	// On the night the clocks change, a session over the change does not last what its times say
	// (review 20 booked contact from 02:15 to 02:15 on the last Sunday of March: 01:00-02:00 never
	// happens there): booking it is refused, saying why.
	open, closes := On(date, p.Start, p.loc), On(date, p.End, p.loc)
	if ClockAt(open, p.loc) != p.Start || ClockAt(closes, p.loc) != p.End ||
		closes.Sub(open) != time.Duration(p.End.Minutes()-p.Start.Minutes())*time.Minute {
		return Session{}, problem.Invalid("date", fmt.Sprintf("the clocks change during the opening session %s-%s on %s (%s): "+
			"its times do not hold that day; book another date", p.Start, p.End, dates.String(date), p.loc))
	}
	return t.session(p, date), nil
}

func (t *Timetable) session(p *Pattern, date time.Time) Session {
	s := Session{Pattern: p, Date: date, Opens: On(date, p.Start, p.loc), Closes: On(date, p.End, p.loc)}
	for _, id := range p.Rooms {
		s.Rooms = append(s.Rooms, t.rooms[id])
	}
	return s
}

// Sessions are every pattern's occurrences from from to to (local dates, both included), in
// order of their start.
func (t *Timetable) Sessions(from, to time.Time) []Session {
	var out []Session
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		for _, id := range t.porder {
			if p := t.patterns[id]; p.OpensOn(d) {
				out = append(out, t.session(p, d))
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Session) int { return a.Opens.Compare(b.Opens) })
	return out
}

// CheckRange refuses a range that ends before it starts or is longer than MaxRange days.
func CheckRange(from, to time.Time) error {
	if to.Before(from) {
		return problem.Invalid("to", "must not be before from")
	}
	if days(from, to) > MaxRange {
		return problem.Invalid("to", fmt.Sprintf("must be at most %d days after from", MaxRange))
	}
	return nil
}

// HasRoom reports whether the session opens room id.
func (s Session) HasRoom(id uuid.UUID) (Room, bool) {
	for _, r := range s.Rooms {
		if r.ID == id {
			return r, true
		}
	}
	return Room{}, false
}

func (t *Timetable) apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *schedulingv1.RoomAdded:
		id := uuid.MustParse(e.GetRoomId())
		t.rooms[id] = Room{ID: id, Name: e.GetName(), Capacity: int(e.GetCapacity()), Supervised: e.GetSupervisedSuitable()}
		t.order = append(t.order, id)
	case *schedulingv1.OpeningPatternDefined:
		p := PatternFromProto(e.GetPattern())
		if _, ok := t.patterns[p.ID]; !ok {
			t.porder = append(t.porder, p.ID)
		}
		t.patterns[p.ID] = p
	default:
		return fmt.Errorf("timetable %s: unexpected event %s", t.centre, ev.ProtoReflect().Descriptor().FullName())
	}
	t.version++
	return nil
}

// PatternFromProto converts a recorded pattern.
func PatternFromProto(e *schedulingv1.OpeningPattern) *Pattern {
	p := &Pattern{ID: uuid.MustParse(e.GetPatternId()), Recurrence: e.GetRecurrence(), Weekday: weekdayFromProto(e.GetWeekday()),
		First: dates.Time(e.GetFirstDate()), Last: dates.Time(e.GetLastDate()), Closed: datesFromProto(e.GetClosedDates()),
		Extra: datesFromProto(e.GetExtraDates()), Zone: e.GetTimeZone(), loc: mustZone(e.GetTimeZone())}
	p.Start, _ = ClockFromProto(e.GetStartTime())
	p.End, _ = ClockFromProto(e.GetEndTime())
	for _, r := range e.GetRoomIds() {
		p.Rooms = append(p.Rooms, uuid.MustParse(r))
	}
	return p
}

// PatternToProto converts a pattern for the API.
func PatternToProto(centre uuid.UUID, p *Pattern) *schedulingv1.OpeningPattern {
	out := &schedulingv1.OpeningPattern{PatternId: p.ID.String(), CentreId: centre.String(), Recurrence: p.Recurrence,
		Weekday: weekdayToProto(p.Weekday), StartTime: ClockToProto(p.Start), EndTime: ClockToProto(p.End),
		FirstDate: dates.Proto(p.First), LastDate: dates.Proto(p.Last), TimeZone: p.Zone}
	for _, r := range p.Rooms {
		out.RoomIds = append(out.RoomIds, r.String())
	}
	for _, d := range sortedDates(keys(p.Closed)) {
		out.ClosedDates = append(out.ClosedDates, dates.Proto(d))
	}
	for _, d := range sortedDates(keys(p.Extra)) {
		out.ExtraDates = append(out.ExtraDates, dates.Proto(d))
	}
	return out
}

// WeekdayFromProto converts the wire weekday (Monday 1 .. Sunday 7).
func WeekdayFromProto(w schedulingv1.Weekday) time.Weekday { return weekdayFromProto(w) }

func weekdayFromProto(w schedulingv1.Weekday) time.Weekday { return time.Weekday(int(w) % 7) }

func weekdayToProto(w time.Weekday) schedulingv1.Weekday {
	if w == time.Sunday {
		return schedulingv1.Weekday_WEEKDAY_SUNDAY
	}
	return schedulingv1.Weekday(w)
}

func keys(m map[time.Time]bool) []time.Time {
	out := make([]time.Time, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sortedDates(ds []time.Time) []time.Time {
	out := slices.Clone(ds)
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.Compact(out)
}

// DatesToProto converts dates for the wire.
func DatesToProto(ds ...time.Time) []*commonv1.Date {
	out := make([]*commonv1.Date, len(ds))
	for i, d := range ds {
		out[i] = dates.Proto(d)
	}
	return out
}

// ErrPatternNotFound means the centre has no pattern of that id.
var ErrPatternNotFound = problem.NotFound("opening pattern")

// InvalidRoom is a room id that names no room of the pattern.
func InvalidRoom() error { return problem.Invalid("room_id", "is not a room of the opening pattern") }
