package domain

import (
	"fmt"
	"sync"
	"time"

	// The zone database is built in, so a centre's zone resolves the same on every machine,
	// including a container without /usr/share/zoneinfo.
	_ "time/tzdata"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// DefaultZone is a centre's time zone unless its pattern names another.
const DefaultZone = "Europe/London"

// Clock is a time of day on a centre's wall clock, without a date or a zone.
type Clock struct {
	Hour, Minute int
}

// Minutes is the clock time as minutes after midnight.
func (c Clock) Minutes() int { return c.Hour*60 + c.Minute }

// ClockOf is the clock time minutes after midnight.
func ClockOf(minutes int) Clock { return Clock{Hour: minutes / 60, Minute: minutes % 60} }

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// Valid reports whether the clock time exists (00:00 to 23:59).
func (c Clock) Valid() bool { return c.Hour >= 0 && c.Hour < 24 && c.Minute >= 0 && c.Minute < 60 }

// On is the instant the clock shows c on date in loc. On the day the clocks change, a wall time
// that does not exist (01:30 on the last Sunday of March in London) is the instant an hour later
// by the old offset; centres do not open at such hours.
func On(date time.Time, c Clock, loc *time.Location) time.Time {
	return time.Date(date.Year(), date.Month(), date.Day(), c.Hour, c.Minute, 0, 0, loc)
}

// LocalDate is the date of instant t on the wall clock of loc, as a date (midnight UTC).
func LocalDate(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// ClockAt is the wall-clock time of instant t in loc.
func ClockAt(t time.Time, loc *time.Location) Clock {
	l := t.In(loc)
	return Clock{Hour: l.Hour(), Minute: l.Minute()}
}

// zones are the time zones loaded so far, by name. time.LoadLocation reads and parses the zone's
// file on every call, and every family, timetable and occupancy stream loaded applies its events
// in its centre's zone (5% of scheduling's CPU under the simulator); a Location never changes.
var zones sync.Map // string -> *time.Location

// Zone loads a time zone by IANA name; empty is DefaultZone.
func Zone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultZone
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		// Not kept: a name that is not a zone costs its lookup, and the map holds only real zones.
		return nil, problem.Invalid("time_zone", "is not a time zone name such as Europe/London")
	}
	zones.Store(name, loc)
	return loc, nil
}

func mustZone(name string) *time.Location {
	loc, err := Zone(name)
	if err != nil {
		return time.UTC // events were validated when recorded; a zone cannot vanish from tzdata
	}
	return loc
}

// ClockFromProto converts the wire type; ok is false when unset.
func ClockFromProto(t *schedulingv1.LocalTime) (Clock, bool) {
	if t == nil {
		return Clock{}, false
	}
	return Clock{Hour: int(t.GetHour()), Minute: int(t.GetMinute())}, true
}

// ClockToProto converts to the wire type.
func ClockToProto(c Clock) *schedulingv1.LocalTime {
	return &schedulingv1.LocalTime{Hour: int32(c.Hour), Minute: int32(c.Minute)}
}

// DateFromProto converts a wire date, refusing one that does not exist (31 April) in field.
func DateFromProto(field string, d *commonv1.Date) (time.Time, error) {
	if d == nil {
		return time.Time{}, problem.Invalid(field, "is required")
	}
	t, ok := dates.FromParts(int(d.GetYear()), int(d.GetMonth()), int(d.GetDay()))
	if !ok {
		return time.Time{}, problem.Invalid(field, "is not a real date")
	}
	return t, nil
}

// days is the number of whole days from a to b (dates at midnight UTC).
func days(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

func datesFromProto(ds []*commonv1.Date) map[time.Time]bool {
	out := make(map[time.Time]bool, len(ds))
	for _, d := range ds {
		out[dates.Time(d)] = true
	}
	return out
}
