package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

func weekly(wd time.Weekday, start, end domain.Clock, first time.Time, rooms ...uuid.UUID) domain.PatternSpec {
	return domain.PatternSpec{ID: uuid.New(), Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: wd, Start: start, End: end,
		First: first, Rooms: rooms}
}

func hm(h, m int) domain.Clock { return domain.Clock{Hour: h, Minute: m} }

// A room opens for one session at a time: a pattern that would open a room another pattern opens
// at an overlapping time, on any date both open from today, is refused naming that pattern, and
// nothing is recorded. Patterns that never meet in a room (other rooms, times that only touch,
// the other fortnight, dates apart, a closure on the one shared date, dates already past) are not.
func TestARoomOpensForOneSessionAtATime(t *testing.T) {
	today := day(2026, 1, 5)
	tt := domain.NewTimetable(centre)
	hall, _, err := tt.AddRoom(uuid.New(), "Hall", 1, true)
	require.NoError(t, err)
	garden, _, err := tt.AddRoom(uuid.New(), "Garden", 2, false)
	require.NoError(t, err)
	allDay, _, err := tt.DefinePattern(weekly(time.Sunday, hm(7, 0), hm(22, 0), today, hall.ID), today, nil)
	require.NoError(t, err)

	refused := func(t *testing.T, s domain.PatternSpec, other uuid.UUID) {
		t.Helper()
		before := tt.Version()
		_, _, err := tt.DefinePattern(s, today, nil)
		rule(t, err, "PATTERN_OVERLAPS")
		require.ErrorIs(t, err, domain.ErrPatternOverlaps)
		require.Contains(t, err.Error(), other.String())
		require.Contains(t, err.Error(), "Hall")
		require.Equal(t, before, tt.Version(), "nothing recorded")
	}
	// The reviewer's pair: Sunday all day (00:30-23:30 then, 07:00-22:00 now that sessions are in
	// the day) and Sunday 09:00-14:00 in one room.
	refused(t, weekly(time.Sunday, hm(9, 0), hm(14, 0), today, garden.ID, hall.ID), allDay.ID)
	// Starting later, or only fortnightly, still meets it.
	late := weekly(time.Sunday, hm(9, 0), hm(14, 0), day(2026, 6, 1), hall.ID)
	late.Recurrence = schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY
	refused(t, late, allDay.ID)
	// An extra opening on a Sunday of a Saturday pattern meets it that day.
	extra := weekly(time.Saturday, hm(10, 0), hm(12, 0), today, hall.ID)
	extra.Extra = []time.Time{day(2026, 4, 5)}
	refused(t, extra, allDay.ID)

	// The all-day pattern ends; a new one in its room from the week after does not meet it.
	ended := domain.PatternSpec{ID: allDay.ID, Recurrence: allDay.Recurrence, Weekday: time.Sunday, Start: allDay.Start, End: allDay.End,
		First: today, Last: day(2026, 1, 25), Rooms: []uuid.UUID{hall.ID}}
	_, _, err = tt.DefinePattern(ended, today, nil)
	require.NoError(t, err)
	_, _, err = tt.DefinePattern(weekly(time.Sunday, hm(9, 0), hm(14, 0), day(2026, 1, 26), hall.ID), today, nil)
	require.NoError(t, err)

	// Saturdays in the garden: 10:00-12:00 every other week.
	sat := weekly(time.Saturday, hm(10, 0), hm(12, 0), day(2026, 1, 10), garden.ID)
	sat.Recurrence = schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY
	satPattern, _, err := tt.DefinePattern(sat, today, nil)
	require.NoError(t, err)
	for name, s := range map[string]domain.PatternSpec{
		"another room":        weekly(time.Saturday, hm(10, 0), hm(12, 0), today, hall.ID),
		"times that touch":    weekly(time.Saturday, hm(12, 0), hm(14, 0), today, garden.ID),
		"another weekday":     weekly(time.Friday, hm(10, 0), hm(12, 0), today, garden.ID),
		"the other fortnight": func() domain.PatternSpec { s := sat; s.ID, s.First = uuid.New(), day(2026, 1, 17); return s }(),
		"closed the one shared": func() domain.PatternSpec {
			// Saturdays 17, 24 and 31 January, closed on the 24th, the one the garden's fortnight opens.
			s := weekly(time.Saturday, hm(11, 0), hm(13, 0), day(2026, 1, 17), garden.ID)
			s.Last, s.Closed = day(2026, 1, 31), []time.Time{day(2026, 1, 24)}
			return s
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			probe := domain.NewTimetable(centre)
			for _, r := range []domain.Room{hall, garden} {
				_, _, err := probe.AddRoom(r.ID, r.Name, r.Capacity, r.Supervised)
				require.NoError(t, err)
			}
			_, _, err := probe.DefinePattern(sat, today, nil)
			require.NoError(t, err)
			_, _, err = probe.DefinePattern(s, today, nil)
			require.NoError(t, err)
		})
	}
	// A redefinition does not reach back to a first date before today, over sessions of a pattern
	// that has ended (review 13 opened a room twice in the past so): the past is not compared for
	// overlaps because it is not changed (TestARedefinitionKeepsThePast).
	t.Run("only in the past", func(t *testing.T) {
		probe := domain.NewTimetable(centre)
		_, _, err := probe.AddRoom(garden.ID, garden.Name, garden.Capacity, garden.Supervised)
		require.NoError(t, err)
		over := weekly(time.Saturday, hm(10, 0), hm(12, 0), day(2026, 1, 10), garden.ID)
		over.Last = day(2026, 1, 17)
		_, _, err = probe.DefinePattern(over, today, nil)
		require.NoError(t, err)
		later := weekly(time.Saturday, hm(11, 0), hm(13, 0), day(2026, 1, 24), garden.ID)
		_, _, err = probe.DefinePattern(later, today, nil)
		require.NoError(t, err)
		later.First = day(2026, 1, 10)
		_, _, err = probe.DefinePattern(later, today, nil)
		rule(t, err, "PATTERN_OVERLAPS")
		_, _, err = probe.DefinePattern(later, day(2026, 1, 18), nil)
		invalid(t, err, "first_date")
	})
	// Redefining a pattern does not make it meet itself.
	sat.ID = satPattern.ID
	sat.End = hm(12, 30)
	_, _, err = tt.DefinePattern(sat, today, nil)
	require.NoError(t, err)
}

// A redefinition keeps the pattern's bookings still to come where they were booked: new start
// times, a zone, an end before a booking's last door time, a last date or a closure before a
// booked session, or its room taken out are refused saying how many bookings stand in the way;
// the end date moved on, a later end, a closure or a room without bookings are not. Today is
// before the pattern's first session, so that the past holds none (TestARedefinitionKeepsThePast).
func TestARedefinitionKeepsThePatternsBookings(t *testing.T) {
	g := newRig(t)
	b := g.book(t, day(2026, 1, 10), g.shared, jan)
	other := g.book(t, day(2026, 1, 24), g.shared, jan)
	booked := []domain.BookedPlace{
		{Booking: b.ID, Room: b.Room, Date: b.Date, Opens: at(2026, 1, 10, 10, 0), Leaves: b.VisitingLeaves},
		{Booking: other.ID, Room: other.Room, Date: other.Date, Opens: at(2026, 1, 24, 10, 0), Leaves: other.VisitingLeaves},
	}
	spec := func(edit func(*domain.PatternSpec)) domain.PatternSpec {
		s := domain.PatternSpec{ID: g.pattern.ID, Recurrence: g.pattern.Recurrence, Weekday: g.pattern.Weekday, Start: g.pattern.Start,
			End: g.pattern.End, First: g.pattern.First, Rooms: []uuid.UUID{g.shared.ID, g.supervised.ID}}
		edit(&s)
		return s
	}
	for name, c := range map[string]struct {
		edit   func(*domain.PatternSpec)
		unkept string
	}{
		"a new start time":                 {func(s *domain.PatternSpec) { s.Start = hm(20, 5); s.End = hm(22, 0) }, "2 bookings"},
		"another zone":                     {func(s *domain.PatternSpec) { s.Zone = "GB"; s.Start = hm(9, 0); s.End = hm(11, 0) }, "2 bookings"},
		"an end before the last door time": {func(s *domain.PatternSpec) { s.End = hm(11, 15) }, "2 bookings"},
		"a last date before a booking":     {func(s *domain.PatternSpec) { s.Last = day(2026, 1, 17) }, "1 booking"},
		"a closure on a booked date":       {func(s *domain.PatternSpec) { s.Closed = []time.Time{day(2026, 1, 24)} }, "1 booking"},
		"its booked room taken out":        {func(s *domain.PatternSpec) { s.Rooms = []uuid.UUID{g.supervised.ID} }, "2 bookings"},
		"fortnightly, off a booked week": {func(s *domain.PatternSpec) {
			s.Recurrence, s.First = schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY, day(2026, 1, 17)
		}, "2 bookings"},
	} {
		t.Run(name, func(t *testing.T) {
			before := g.t.Version()
			_, _, err := g.t.DefinePattern(spec(c.edit), day(2025, 12, 31), booked)
			rule(t, err, "PATTERN_HAS_BOOKINGS")
			require.ErrorIs(t, err, domain.ErrPatternHasBookings)
			require.Contains(t, err.Error(), c.unkept+" still to come")
			require.Equal(t, before, g.t.Version(), "nothing recorded")
		})
	}
	for name, edit := range map[string]func(*domain.PatternSpec){
		"the end date moved on":        func(s *domain.PatternSpec) { s.Last = day(2026, 1, 24) },
		"a later end":                  func(s *domain.PatternSpec) { s.End = hm(13, 0) },
		"an end at the last door time": func(s *domain.PatternSpec) { s.End = hm(11, 30) },
		"a closure on a date unbooked": func(s *domain.PatternSpec) { s.Closed = []time.Time{day(2026, 1, 17)} },
		"a room without bookings out":  func(s *domain.PatternSpec) { s.Rooms = []uuid.UUID{g.shared.ID} },
		"fortnightly, on the booked weeks": func(s *domain.PatternSpec) {
			s.Recurrence, s.First = schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY, day(2026, 1, 4)
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := g.t.DefinePattern(spec(edit), day(2025, 12, 31), booked)
			require.NoError(t, err)
		})
	}
	require.NoError(t, domain.KeepsBookings(g.pattern, nil), "no bookings, nothing to keep")
}

// A pattern's sessions before today are history (review 12): a new pattern adds no extra date
// before today; a redefinition adds or drops no extra or closed date before today, and once the
// pattern has opened keeps its weekday, times, rooms and first date, and moves its last date only
// to yesterday or later. Closures, extra dates from today and a last date from yesterday on
// still change.
func TestARedefinitionKeepsThePast(t *testing.T) {
	g := newRig(t) // a Saturday pattern from 2026-01-01, opened on 3 January
	today := day(2026, 1, 12)
	spec := func(edit func(*domain.PatternSpec)) domain.PatternSpec {
		s := domain.PatternSpec{ID: g.pattern.ID, Recurrence: g.pattern.Recurrence, Weekday: g.pattern.Weekday, Start: g.pattern.Start,
			End: g.pattern.End, First: g.pattern.First, Rooms: slices.Clone(g.pattern.Rooms)}
		for d := range g.pattern.Closed {
			s.Closed = append(s.Closed, d)
		}
		for d := range g.pattern.Extra {
			s.Extra = append(s.Extra, d)
		}
		edit(&s)
		return s
	}
	loft := uuid.New()
	_, _, err := g.t.AddRoom(loft, "Loft", 2, false)
	require.NoError(t, err)
	before := g.t.Version()
	for name, c := range map[string]struct {
		edit   func(*domain.PatternSpec)
		reason string
	}{
		"an extra date last week":        {func(s *domain.PatternSpec) { s.Extra = append(s.Extra, day(2026, 1, 7)) }, "extra_dates"},
		"a closure of a past session":    {func(s *domain.PatternSpec) { s.Closed = append(s.Closed, day(2026, 1, 10)) }, "closed_dates"},
		"a later end":                    {func(s *domain.PatternSpec) { s.End = hm(13, 0) }, "PAST_SESSIONS_FIXED"},
		"a room added":                   {func(s *domain.PatternSpec) { s.Rooms = append(s.Rooms, loft) }, "PAST_SESSIONS_FIXED"},
		"a room taken out":               {func(s *domain.PatternSpec) { s.Rooms = s.Rooms[:1] }, "PAST_SESSIONS_FIXED"},
		"a later first date":             {func(s *domain.PatternSpec) { s.First = day(2026, 1, 19) }, "PAST_SESSIONS_FIXED"},
		"a first date moved to the past": {func(s *domain.PatternSpec) { s.First = day(2025, 12, 1) }, "first_date"},
		"fortnightly":                    {func(s *domain.PatternSpec) { s.Recurrence = schedulingv1.Recurrence_RECURRENCE_FORTNIGHTLY }, "PAST_SESSIONS_FIXED"},
		"ended before its past session":  {func(s *domain.PatternSpec) { s.Last = day(2026, 1, 9) }, "last_date"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := g.t.DefinePattern(spec(c.edit), today, nil)
			if c.reason == "PAST_SESSIONS_FIXED" {
				rule(t, err, c.reason)
				require.ErrorContains(t, err, "has opened since 2026-01-03, and its sessions before today (2026-01-12) are history")
			} else {
				invalid(t, err, c.reason)
			}
			require.Equal(t, before, g.t.Version(), "nothing recorded")
		})
	}
	for name, edit := range map[string]func(*domain.PatternSpec){
		"ended yesterday":        func(s *domain.PatternSpec) { s.Last = day(2026, 1, 11) },
		"ended later, then not":  func(s *domain.PatternSpec) { s.Last = time.Time{} },
		"closed from today":      func(s *domain.PatternSpec) { s.Closed = append(s.Closed, day(2026, 1, 17)) },
		"an extra date today on": func(s *domain.PatternSpec) { s.Extra = append(s.Extra, day(2026, 1, 14)) },
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := g.t.DefinePattern(spec(edit), today, nil)
			require.NoError(t, err)
		})
	}
	_, _, err = g.t.DefinePattern(domain.PatternSpec{ID: uuid.New(), Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: time.Monday,
		Start: hm(18, 0), End: hm(19, 0), First: today, Rooms: []uuid.UUID{g.shared.ID}, Extra: []time.Time{day(2026, 1, 6)}}, today, nil)
	invalid(t, err, "extra_dates")
	require.ErrorContains(t, err, "must not add or drop a date before today (2026-01-12)")
}

// A centre is in one place: a pattern in another time zone than one of the centre's patterns is
// refused, whatever its rooms and dates. Review 12 opened a room on Monday 10:00 in London and
// again on Tuesday 00:00 in Kiritimati, the same instant on another local date, and the room
// took twice its capacity; review 17 put a second room in Kiritimati, and a family was booked
// twice on one day and a supervisor in two sessions at once, each rule comparing local dates.
// A zone off UK time is now refused by itself (TestAnOpeningPatternIsInUKTime); another name for
// UK time is refused here, as one centre's patterns give one zone.
func TestACentresPatternsShareItsTimeZone(t *testing.T) {
	g := newRig(t) // Saturdays 10:00-12:00 in Europe/London, both rooms
	today := day(2026, 1, 5)
	other := domain.PatternSpec{ID: uuid.New(), Recurrence: schedulingv1.Recurrence_RECURRENCE_WEEKLY, Weekday: time.Sunday,
		Start: hm(10, 0), End: hm(11, 30), First: today, Rooms: []uuid.UUID{g.shared.ID}, Zone: "GB"}
	before := g.t.Version()
	_, _, err := g.t.DefinePattern(other, today, nil)
	invalid(t, err, "time_zone")
	require.ErrorContains(t, err, "must be Europe/London, the time zone of the centre's pattern "+g.pattern.ID.String())
	require.Equal(t, before, g.t.Version(), "nothing recorded")

	loft := uuid.New()
	_, _, err = g.t.AddRoom(loft, "Loft", 2, false)
	require.NoError(t, err)
	before = g.t.Version()
	other.Rooms = []uuid.UUID{loft}
	_, _, err = g.t.DefinePattern(other, today, nil)
	invalid(t, err, "time_zone")
	require.Equal(t, before, g.t.Version(), "a room no other pattern opens is still in the centre's zone: nothing recorded")

	other.Zone = ""
	_, _, err = g.t.DefinePattern(other, today, nil)
	require.NoError(t, err, "the centre's zone (the default) is taken")
}

// Patterns recorded overlapping before the rule can still be ended: a change that only takes
// sessions away (an earlier last date, a closure, a room out) is not refused as an overlap; one
// that keeps or adds anything else is.
func TestOverlappingPatternsRecordedBeforeTheRuleCanBeEnded(t *testing.T) {
	today := day(2026, 1, 5)
	a := weekly(time.Sunday, hm(7, 30), hm(21, 30), today, uuid.New(), uuid.New())
	b := weekly(time.Sunday, hm(9, 0), hm(14, 0), today, a.Rooms[0])
	var events []proto.Message
	rooms := domain.NewTimetable(centre)
	loft := uuid.New()
	for i, r := range append(slices.Clone(a.Rooms), loft) {
		_, ev, err := rooms.AddRoom(r, []string{"Hall", "Garden", "Loft"}[i], 1, true)
		require.NoError(t, err)
		events = append(events, ev)
	}
	// As recorded before overlaps were refused.
	events = append(events, definedBefore(a), definedBefore(b))
	recorded := func(t *testing.T) *domain.Timetable {
		tt, err := domain.RebuildTimetable(centre, events)
		require.NoError(t, err)
		return tt
	}

	for name, edit := range map[string]func(*domain.PatternSpec){
		"a later end":          func(s *domain.PatternSpec) { s.End = hm(21, 45) },
		"another room added":   func(s *domain.PatternSpec) { s.Rooms = append(s.Rooms, loft) },
		"an extra date":        func(s *domain.PatternSpec) { s.Extra = []time.Time{day(2026, 1, 7)} },
		"ended, and later on":  func(s *domain.PatternSpec) { s.Last, s.End = day(2026, 1, 25), hm(21, 45) },
		"ended with the times": func(s *domain.PatternSpec) { s.Last, s.Start = day(2026, 1, 25), hm(7, 0) },
	} {
		t.Run(name, func(t *testing.T) {
			s := a
			s.Rooms = slices.Clone(a.Rooms)
			edit(&s)
			_, _, err := recorded(t).DefinePattern(s, today, nil)
			rule(t, err, "PATTERN_OVERLAPS")
		})
	}
	for name, edit := range map[string]func(*domain.PatternSpec){
		"ended":               func(s *domain.PatternSpec) { s.Last = day(2026, 1, 25) },
		"closed on a Sunday":  func(s *domain.PatternSpec) { s.Closed = []time.Time{day(2026, 1, 11)} },
		"the shared room out": func(s *domain.PatternSpec) { s.Rooms = s.Rooms[1:] },
	} {
		t.Run(name, func(t *testing.T) {
			s := a
			s.Rooms = slices.Clone(a.Rooms)
			edit(&s)
			_, _, err := recorded(t).DefinePattern(s, today, nil)
			require.NoError(t, err)
		})
	}
}

// definedBefore is s as a centre's timetable recorded it before the rules a new definition meets
// (no overlaps, decisions.md 144; opening in the day, decisions.md 185), in Europe/London.
func definedBefore(s domain.PatternSpec) *schedulingv1.OpeningPatternDefined {
	rooms := make([]string, len(s.Rooms))
	for i, r := range s.Rooms {
		rooms[i] = r.String()
	}
	wd := schedulingv1.Weekday(s.Weekday)
	if s.Weekday == time.Sunday {
		wd = schedulingv1.Weekday_WEEKDAY_SUNDAY
	}
	return &schedulingv1.OpeningPatternDefined{CentreId: centre.String(), Pattern: &schedulingv1.OpeningPattern{
		PatternId: s.ID.String(), CentreId: centre.String(), Recurrence: s.Recurrence, Weekday: wd,
		StartTime: domain.ClockToProto(s.Start), EndTime: domain.ClockToProto(s.End), FirstDate: dates.Proto(s.First),
		RoomIds: rooms, TimeZone: domain.DefaultZone}}
}

// Review 20: a session over the night the clocks change booked contact from 02:15 to 02:15 (the
// last Sunday of March, when 01:00-02:00 never happens in Europe/London). A pattern is now
// refused such times (TestAnOpeningSessionIsInTheDay); one recorded before that rule still has
// such a session not booked, saying why; the Sundays either side are, and so is a session clear
// of the change that night.
func TestASessionOverTheClockChangeIsNotBooked(t *testing.T) {
	today := day(2026, 10, 1)
	room := uuid.New()
	_, addRoom, err := domain.NewTimetable(centre).AddRoom(room, "Garden room", 2, false)
	require.NoError(t, err)
	night := weekly(time.Sunday, hm(1, 0), hm(3, 30), day(2026, 10, 4), room)
	tt, err := domain.RebuildTimetable(centre, []proto.Message{addRoom, definedBefore(night)})
	require.NoError(t, err)
	morning := weekly(time.Sunday, hm(9, 0), hm(11, 0), day(2026, 10, 4), room)
	_, _, err = tt.DefinePattern(morning, today, nil)
	require.NoError(t, err)
	for _, d := range []time.Time{day(2027, 3, 28)} { // the clocks go forward at 01:00
		_, err := tt.Session(night.ID, d)
		invalid(t, err, "date")
		require.ErrorContains(t, err, "the clocks change during the opening session 01:00-03:30 on "+dates.String(d))
		_, err = tt.Session(morning.ID, d)
		require.NoError(t, err, "clear of the change")
	}
	for _, d := range []time.Time{day(2027, 3, 21), day(2027, 4, 4)} {
		_, err := tt.Session(night.ID, d)
		require.NoError(t, err, dates.String(d))
	}
}

// Review 24 defined a session of 02:00-23:30. An opening session is in the day, from 07:00 to
// 22:00: a time outside is refused, naming the field and the likely slip, and nothing is
// recorded; the bounds themselves are accepted.
func TestAnOpeningSessionIsInTheDay(t *testing.T) {
	g := newRig(t) // Saturdays 10:00-12:00
	today := day(2026, 1, 5)
	for _, c := range []struct {
		start, end  domain.Clock
		field, says string
	}{
		{hm(2, 0), hm(23, 30), "start_time", "must be 07:00 or later: children's contact is in the day (did you mean 14:00?)"},
		{hm(6, 45), hm(9, 0), "start_time", "must be 07:00 or later"},
		{hm(19, 0), hm(22, 15), "end_time", "must be 22:00 or earlier"},
	} {
		before := g.t.Version()
		_, _, err := g.t.DefinePattern(weekly(time.Sunday, c.start, c.end, today, g.shared.ID), today, nil)
		invalid(t, err, c.field)
		require.ErrorContains(t, err, c.says)
		require.Equal(t, before, g.t.Version(), "nothing recorded")
	}
	_, _, err := g.t.DefinePattern(weekly(time.Sunday, hm(7, 0), hm(22, 0), today, g.shared.ID), today, nil)
	require.NoError(t, err)

	// A pattern recorded before the rule is ended keeping its times; moved, it meets the rule.
	room := uuid.New()
	_, addRoom, err := domain.NewTimetable(centre).AddRoom(room, "Hall", 1, true)
	require.NoError(t, err)
	night := weekly(time.Sunday, hm(2, 0), hm(23, 30), today, room)
	tt, err := domain.RebuildTimetable(centre, []proto.Message{addRoom, definedBefore(night)})
	require.NoError(t, err)
	ended := night
	ended.Last = day(2026, 1, 25)
	_, _, err = tt.DefinePattern(ended, today, nil)
	require.NoError(t, err, "ended with the times it was recorded with")
	ended.Start = hm(1, 0)
	_, _, err = tt.DefinePattern(ended, today, nil)
	invalid(t, err, "start_time")
}

// Review 27 defined a Saturday 10:00-12:00 pattern in Pacific/Auckland at a UK centre with no
// other patterns, and it was accepted: 10:00 there is 21:00 on Friday in the UK, past the day's
// bounds (decision 185), and the waiting list, the staff register, referral and reporting read the
// centre's dates in UK time. A pattern's zone is one on UK time (Europe/London or a name for it);
// others are refused at time_zone and nothing is recorded. A pattern recorded before in another
// zone keeps it, and can still be ended (decisions.md 195).
func TestAnOpeningPatternIsInUKTime(t *testing.T) {
	today := day(2026, 1, 5)
	fresh := func(t *testing.T) *domain.Timetable {
		tt := domain.NewTimetable(centre)
		_, _, err := tt.AddRoom(uuid.New(), "Hall", 2, false)
		require.NoError(t, err)
		return tt
	}
	for _, zone := range []string{"Pacific/Auckland", "Europe/Dublin", "Europe/Paris", "UTC", "Etc/GMT"} {
		t.Run(zone, func(t *testing.T) {
			tt := fresh(t)
			s := weekly(time.Saturday, hm(10, 0), hm(12, 0), today, tt.Rooms()[0].ID)
			s.Zone = zone
			before := tt.Version()
			_, _, err := tt.DefinePattern(s, today, nil)
			invalid(t, err, "time_zone")
			require.ErrorContains(t, err, "must be Europe/London (UK time)")
			require.ErrorContains(t, err, zone)
			require.Equal(t, before, tt.Version(), "nothing recorded")
		})
	}
	for _, zone := range []string{"", "Europe/London", "GB", "GB-Eire", "Europe/Belfast", "Europe/Guernsey", "Europe/Jersey", "Europe/Isle_of_Man"} {
		t.Run("uk "+zone, func(t *testing.T) {
			tt := fresh(t)
			s := weekly(time.Saturday, hm(10, 0), hm(12, 0), today, tt.Rooms()[0].ID)
			s.Zone = zone
			_, _, err := tt.DefinePattern(s, today, nil)
			require.NoError(t, err)
		})
	}

	// Recorded before the rule in Auckland: kept, and ended keeping its zone.
	hall := uuid.New()
	_, added, err := domain.NewTimetable(centre).AddRoom(hall, "Hall", 2, false)
	require.NoError(t, err)
	old := weekly(time.Saturday, hm(10, 0), hm(12, 0), today, hall)
	defined := definedBefore(old)
	defined.Pattern.TimeZone = "Pacific/Auckland"
	tt, err := domain.RebuildTimetable(centre, []proto.Message{added, defined})
	require.NoError(t, err)
	p, ok := tt.Pattern(old.ID)
	require.True(t, ok)
	require.Equal(t, "Pacific/Auckland", p.Location().String(), "a pattern recorded before keeps its zone")
	old.Zone, old.Last = "Pacific/Auckland", day(2026, 1, 31)
	_, _, err = tt.DefinePattern(old, today, nil)
	require.NoError(t, err, "ended, keeping its zone")
}
