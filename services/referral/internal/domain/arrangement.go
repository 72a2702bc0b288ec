package domain

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// check adds a violation for each value of the arrangement out of bounds: the frequency, the
// session's length and the stagger either way. The kind of contact is checked by the command, since
// agreeing and changing check it differently.
func (a Arrangement) check(v *Invalid) {
	if !known(referralv1.ContactFrequency_name, int32(a.Frequency)) {
		v.add("arrangement.frequency", "must be one of the frequencies")
	}
	if a.SessionMinutes < MinSessionMinutes || a.SessionMinutes > MaxSessionMinutes {
		v.add("arrangement.session_minutes", fmt.Sprintf("must be %d to %d minutes", MinSessionMinutes, MaxSessionMinutes))
	}
	if a.Stagger.ArrivalMinutes < MinStaggerMinutes || a.Stagger.ArrivalMinutes > MaxStaggerMinutes {
		v.add("arrangement.stagger.arrival_minutes", fmt.Sprintf("must be %d to %d minutes: the parents are never due at the door within 10 minutes of each other", MinStaggerMinutes, MaxStaggerMinutes))
	}
	if a.Stagger.DepartureMinutes < MinStaggerMinutes || a.Stagger.DepartureMinutes > MaxStaggerMinutes {
		v.add("arrangement.stagger.departure_minutes", fmt.Sprintf("must be %d to %d minutes: the parents are never due at the door within 10 minutes of each other", MinStaggerMinutes, MaxStaggerMinutes))
	}
}

// ChangeArrangement changes the agreed arrangement of a case ready for contact or in contact
// (decisions.md 90): how often, how long each session lasts and the stagger, as reviews and
// families' lives change them. The values are checked as when the arrangement was agreed. The
// kind of contact stays the one the case was accepted for (ErrServiceTypeFixed): stepping down
// from supervised to supported contact is a case outcome, and scheduling, safeguarding and the
// statistics all count the case as the kind it was accepted for.
//
// A case suspended by a hold may change its arrangement if it was ready for contact before the
// hold: the review held about the hold is often where the change is agreed (a longer stagger,
// shorter sessions), and scheduling books nothing until the hold lifts either way. A case
// suspended during its intake is ErrCaseSuspended, as agreeing its arrangement is.
//
// The same arrangement again records nothing. Bookings already made keep their times: scheduling
// books new sessions with the new length and stagger.
func (r *Referral) ChangeArrangement(a Arrangement, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdChangeArrangement); err != nil {
		return nil, err
	}
	if !r.attendeesFixed() || r.arrangement == nil {
		// Suspended before it was ready: the intake waits for the hold to lift.
		return nil, ErrCaseSuspended
	}
	var v Invalid
	a.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	previous := *r.arrangement
	if a.ServiceType != previous.ServiceType {
		return nil, ErrServiceTypeFixed
	}
	if a == previous {
		return nil, nil
	}
	return r.record(&referralv1.ArrangementChanged{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), ChangedOn: dates.Proto(today), Arrangement: arrangementOf(a),
		PreviousArrangement: arrangementOf(previous)})
}
