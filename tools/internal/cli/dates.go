package cli

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// Every date flag of every command is read here (dayFlag), and every time of day (clockFlag), so
// that a mistake gets the same answer wherever it is made (review 51: five commands gave five
// examples, and only one named the form). The form is ISO's, YYYY-MM-DD, which the services and
// the JSON use. A date in the UK's own form (19/12/2026) is not guessed: where it can be read one
// way only, the answer says which date that is; where it could be two (02/11/2026), it names both,
// since taking the wrong one would book, or record, a day nobody meant.

// dateForm is how a date flag's value is written, said the same way by every refusal.
const dateForm = "YYYY-MM-DD, e.g. 2026-12-19"

// ukDate is a date written day first, with slashes, dots or dashes.
var ukDate = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)

// isoShaped is a value in the form, whatever its numbers.
var isoShaped = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// dayFlag reads a flag's YYYY-MM-DD date, or says what to write instead.
func dayFlag(flag, value string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(value))
	if err == nil {
		return t, nil
	}
	msg := fmt.Sprintf("--%s %q is not a date written %s", flag, value, dateForm)
	if m := ukDate.FindStringSubmatch(strings.TrimSpace(value)); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		year, _ := strconv.Atoi(m[3])
		dayFirst, dayFirstOK := calendarDay(year, b, a)
		monthFirst, monthFirstOK := calendarDay(year, a, b)
		switch {
		case dayFirstOK && monthFirstOK && a != b:
			msg += fmt.Sprintf(": %s could be %s or %s; write --%s %s or --%s %s", value, inWordsDay(dayFirst), inWordsDay(monthFirst),
				flag, dayFirst.Format(time.DateOnly), flag, monthFirst.Format(time.DateOnly))
		case dayFirstOK:
			msg += fmt.Sprintf(": for %s, write --%s %s", inWordsDay(dayFirst), flag, dayFirst.Format(time.DateOnly))
		case monthFirstOK:
			msg += fmt.Sprintf(": for %s, write --%s %s", inWordsDay(monthFirst), flag, monthFirst.Format(time.DateOnly))
		}
	} else if isoShaped.MatchString(strings.TrimSpace(value)) {
		msg += ": there is no such day" // 2026-02-30
	}
	return time.Time{}, fmt.Errorf("%s", msg)
}

// dateFlag is dayFlag as the services take a date.
func dateFlag(flag, value string) (*commonv1.Date, error) {
	t, err := dayFlag(flag, value)
	if err != nil {
		return nil, err
	}
	return &commonv1.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}, nil
}

// calendarDay is year-month-day when it is a day of the calendar.
func calendarDay(year, month, day int) (time.Time, bool) {
	if month < 1 || month > 12 || day < 1 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == day
}

// inWordsDay is a day as a person says it: "19 December 2026".
func inWordsDay(t time.Time) string { return t.Format("2 January 2006") }

// clockForm is how a time-of-day flag's value is written.
const clockForm = "HH:MM on the 24-hour clock, e.g. 14:05"

// twelveHour is a time written with am or pm.
var twelveHour = regexp.MustCompile(`(?i)^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?$`)

// clockFlag reads a flag's HH:MM time of day, or says what to write instead ("2pm": 14:00).
func clockFlag(flag, value string) (time.Time, error) {
	if t, err := time.Parse("15:04", strings.TrimSpace(value)); err == nil {
		return t, nil
	}
	msg := fmt.Sprintf("--%s %q is not a time written %s", flag, value, clockForm)
	if m := twelveHour.FindStringSubmatch(strings.TrimSpace(value)); m != nil {
		h, _ := strconv.Atoi(m[1])
		mins := 0
		if m[2] != "" {
			mins, _ = strconv.Atoi(m[2])
		}
		if h >= 1 && h <= 12 && mins < 60 {
			if h == 12 {
				h = 0
			}
			if strings.EqualFold(m[3], "p") {
				h += 12
			}
			msg += fmt.Sprintf(": for %s, write --%s %02d:%02d", value, flag, h, mins)
		}
	}
	return time.Time{}, fmt.Errorf("%s", msg)
}
