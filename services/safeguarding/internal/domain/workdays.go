package domain

import "time"

// OverdueAfter is how many working days a report may be due before it is overdue.
const OverdueAfter = 5

// WorkingDaysSince counts the working days (Monday to Friday) after from, up to and including
// to; 0 when to is not after from. Bank holidays count as working days: the service keeps no
// calendar of them (docs/decisions.md 52).
func WorkingDaysSince(from, to time.Time) int {
	from, to = day(from), day(to)
	if !to.After(from) {
		return 0
	}
	days := int(to.Sub(from).Hours()/24 + 0.5)
	weeks, rest := days/7, days%7
	n := weeks * 5
	wd := from.Weekday()
	for i := 1; i <= rest; i++ {
		switch (wd + time.Weekday(i)) % 7 {
		case time.Saturday, time.Sunday:
		default:
			n++
		}
	}
	return n
}

// Overdue reports whether a report due since the session on sessionOn, not yet released, is
// overdue today: due for more than 5 working days.
func Overdue(sessionOn, today time.Time) bool {
	return WorkingDaysSince(sessionOn, today) > OverdueAfter
}

// LastOverdueSession is the latest session date whose report, not yet released, is overdue today:
// a report is overdue exactly when its session was on or before it (the further back the session,
// the more working days since, so a list can ask for sessions up to this date).
func LastOverdueSession(today time.Time) time.Time {
	d := day(today)
	for !Overdue(d, today) {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
