// Package weighing is the one rule of when a safeguarding lead's risk assessment weighs a
// disclosure of domestic abuse carried to a family from another referral of its child (decision
// 249). Scheduling and safeguarding each hear of both facts, in either order, and must agree;
// the rule is kept here once so that they cannot drift apart.
package weighing

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"
)

// Moment is when a disclosure was carried or a risk assessment made: On, the centre's date, for
// what users read; At, the instant its service recorded it (its event's recorded_at), zero for an
// event recorded before instants were kept.
type Moment struct {
	On, At time.Time
}

// Weighs reports whether an assessment weighs a disclosure of domestic abuse carried to the
// family: it does when it was recorded at or after the instant the disclosure was carried, on
// the same day too (the lead's assessment at 09:00 does not weigh a disclosure carried at
// 14:00), whichever of the two a service hears of first. Where either has no instant (an event
// recorded before they were kept), it weighs by dates as before: an assessment dated on or after
// the day the disclosure was flagged, so that replaying an old log answers as it did.
func Weighs(assessed, disclosed Moment) bool {
	if !assessed.At.IsZero() && !disclosed.At.IsZero() {
		return !assessed.At.Before(disclosed.At)
	}
	return !assessed.On.Before(disclosed.On)
}

// After reports whether m is later than o by the same measure as Weighs: by instants where both
// have one, else by dates.
func (m Moment) After(o Moment) bool {
	if !m.At.IsZero() && !o.At.IsZero() {
		return m.At.After(o.At)
	}
	return m.On.After(o.On)
}

// IsZero reports whether nothing was noted.
func (m Moment) IsZero() bool { return m.On.IsZero() && m.At.IsZero() }

// Later is the later of a and b (After), a when neither is.
func Later(a, b Moment) Moment {
	if b.After(a) {
		return b
	}
	return a
}

// Instant is t as an event's field, unset when zero (not known).
func Instant(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// At is an event's instant, zero when unset (an event recorded before instants were kept).
func At(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}
