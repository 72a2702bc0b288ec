package domain

import (
	"time"

	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
)

// NoOutcomeRecorded reports whether a booking in status, whose visiting party (the last of the
// family to go) was due to leave at visitingLeaves, has ended at now with nothing of its outcome
// recorded: still booked, neither completed, a no-show nor called off. Such a booking stays booked
// for ever, counted as neither attended, a no-show nor cancelled, and a no-show nobody records never
// counts towards the two that release the place (DOMAIN.md); so the day sheet alerts it and the
// opening sessions count it until the coordinator records what happened (review 49, decisions.md
// 283). adapters.Sessions.Booked counts the same in SQL.
func NoOutcomeRecorded(status schedulingv1.BookingStatus, visitingLeaves, now time.Time) bool {
	return status == schedulingv1.BookingStatus_BOOKING_STATUS_BOOKED && !now.Before(visitingLeaves)
}
