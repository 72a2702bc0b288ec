// Package dates converts between the two forms a calendar date takes. On the wire a date is
// familytime.common.v1.Date: a local calendar date (a child's birthday, the day of a session) with
// no time zone. In the domain it is a time.Time at midnight UTC of that day, so that dates compare,
// sort and key maps, and so that a day is 24 hours. Every service converts dates the same way,
// so the conversion lives here, once.
package dates

import (
	"time"
	_ "time/tzdata" // the centres' dates must not depend on the host's zone files

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// Proto is the domain date t as a wire date: nil for the zero time, which means no date.
func Proto(t time.Time) *commonv1.Date {
	if t.IsZero() {
		return nil
	}
	return &commonv1.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

// Time is the wire date d as a domain date: the zero time for nil, or for a date that does not
// exist (31 April, month 13, day 0). It never moves a date to another that does exist; a request's
// date is checked with FromParts and refused if it does not exist.
func Time(d *commonv1.Date) time.Time {
	if d == nil {
		return time.Time{}
	}
	t, ok := FromParts(int(d.GetYear()), int(d.GetMonth()), int(d.GetDay()))
	if !ok {
		return time.Time{}
	}
	return t
}

// FromParts makes a domain date from year, month and day, and reports whether that date exists:
// for 31 April it gives 1 May and false.
func FromParts(year, month, day int) (time.Time, bool) {
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return t, t.Year() == year && int(t.Month()) == month && t.Day() == day
}

// String is a domain date as YYYY-MM-DD, for messages: a date names no one.
func String(t time.Time) string { return t.Format(time.DateOnly) }

// uk is the centres' time zone.
var uk = func() *time.Location {
	zone, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC // unreachable: the zone database is embedded
	}
	return zone
}()

// UK is the centres' time zone, Europe/London: the one place it is loaded.
func UK() *time.Location { return uk }

// InUK is the date in the United Kingdom at the instant now, as a domain date: a day's work at a
// centre (who is on its staff register that day) is dated where the centre is.
func InUK(now time.Time) time.Time {
	t := now.In(uk)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
