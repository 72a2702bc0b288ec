package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/scheduling/internal/domain"
)

// A child is 18 from the first day of the month of their 18th birthday, as their age band says
// (ageband.Age); a birth month not known is never of age, so the child is counted as before.
func TestAChildComesOfAgeInTheMonthOfTheir18thBirthday(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name  string
		child domain.Child
		on    time.Time
		want  bool
	}{
		{"the day before the month", domain.Child{BirthYear: 2008, BirthMonth: 2}, day(2026, 1, 31), false},
		{"the first day of the month", domain.Child{BirthYear: 2008, BirthMonth: 2}, day(2026, 2, 1), true},
		{"years after", domain.Child{BirthYear: 2000, BirthMonth: 12}, day(2026, 6, 1), true},
		{"seventeen", domain.Child{BirthYear: 2009, BirthMonth: 1}, day(2026, 12, 31), false},
		{"birth month not known", domain.Child{BirthYear: 2000}, day(2026, 6, 1), false},
	} {
		t.Run(c.name, func(t *testing.T) { require.Equal(t, c.want, c.child.ComeOfAgeOn(c.on)) })
	}
}
