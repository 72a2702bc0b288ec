package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/platform/staff"
	"github.com/familytime/familytime/services/referral/internal/adapters"
)

// SessionBooked notes that scheduling booked a session of the family at the centre on day (the
// session's local date): the door is given the family's names for that day's sheet (DoorNames).
// The day is kept whatever becomes of the booking: a family whose session was cancelled, moved
// or called off may still come to the door that day, and must be recognised and turned away.
// Nothing is recorded in the family's stream.
func (a *App) SessionBooked(uow *eventstore.UnitOfWork, family, centre uuid.UUID, day time.Time) {
	adapters.NoteBookedDay(uow, family, centre, day)
}

// onDutyOn refuses, with staff.ErrNotCleared's reason, a reader of the door's names for the day
// sheet of day, a day after today, whom the centre's staff register will not clear that day: their
// last day on the staff comes before it, or their safeguarding training lapses by then (decision
// 335). The staff gate cleared them today (decision 110), but the names, languages and children's
// needs of a sheet are for the staff on duty that day: one leaving today, or whose training lapses
// next week, would otherwise collect every child's needs for the months ahead. The words are
// spoken to the reader, in the future tense, and name no account.
func onDutyOn(register *staff.Register, reader string, day time.Time) error {
	ok, why := register.Cleared(reader, day)
	if ok {
		return nil
	}
	// The register adds nobody from a day ahead, so the period covering today is the latest.
	var ahead []string
	if m, on := register.Member(reader); on {
		if !m.Left.IsZero() && day.After(m.Left) {
			ahead = append(ahead, fmt.Sprintf("your last day on the centre's staff is %s, before the day sheet's day", dates.String(m.Left)))
		}
		if due := m.TrainingDue(); !due.IsZero() && day.After(due) {
			ahead = append(ahead, fmt.Sprintf("your safeguarding training, done on %s, lapses on %s, before the day sheet's day "+
				"(it is needed every year: training recorded by then clears you)", dates.String(m.Trained()), dates.String(due.AddDate(0, 0, 1))))
		}
	}
	if len(ahead) > 0 {
		why = strings.Join(ahead, "; ")
	}
	return problem.Rule(staff.ErrNotCleared.Reason, fmt.Sprintf("the names, languages and children's needs of the day sheet of %s are for the "+
		"centre's staff on duty that day, and its staff register does not clear you then: %s. A coordinator of the centre keeps "+
		"its staff register (familytime staff)", dates.String(day), why))
}
