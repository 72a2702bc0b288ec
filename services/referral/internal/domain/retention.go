package domain

import (
	"fmt"
	"time"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// The retention of a family's records once its case is closed (docs/decisions.md 322). An erasure
// with reason RETENTION_ENDED was a label the administrator chose: review 56 erased a family with
// safeguarding records the same day its case closed, straight after a request to erase was refused
// for them (decision 279). The retention is a rule the service checks.
const (
	// RetentionYears is how long a family's records are kept after its case closed (the day it was
	// declined, withdrawn or ended): the limitation period for claims (Limitation Act 1980, six
	// years for contract and tort), within which the centre may need them to establish, exercise or
	// defend a legal claim (UK GDPR article 17(3)(e)).
	RetentionYears = 6
	// SafeguardingRetentionAge is the age of the youngest child named on the referral until which a
	// family's records are kept where safeguarding concerns about it are on record (and not less than
	// RetentionYears after the case closed): records of concerns about a child are kept until the
	// child is 25, as the guidance for child protection records advises, since a child may raise or
	// need them as an adult. Referral holds the children's birth year and month only, so the
	// records are kept to the end of the birth month of the 25th birthday.
	SafeguardingRetentionAge = 25
)

// ErrRetentionNotEnded: an erasure because the retention ended is refused before it ends;
// RetentionNotEnded says when it ends and why.
var ErrRetentionNotEnded = problem.Rule("RETENTION_NOT_ENDED", "the retention of the family's records has not ended")

// Retention is when the retention of a closed case's records ends: Until is the last day they are
// kept (an erasure for the retention's end is allowed the day after), Closed the day the case
// closed, and Safeguarding whether the youngest child's 25th birthday, not the six years, set Until.
type Retention struct {
	Until        time.Time
	Closed       time.Time
	Safeguarding bool
}

// ClosedOn is the day the case closed: the day it was declined or withdrawn, or the day it ended;
// zero while it is open. ReferralDeclined and ReferralWithdrawn carry their day; should one lack
// it, the retention is counted from the day the referral was received, the only day then known.
func (r *Referral) ClosedOn() time.Time {
	switch r.state {
	case Declined, Withdrawn:
		if r.closedOn.IsZero() {
			return r.receivedOn
		}
		return r.closedOn
	case Ended:
		return r.endedOn
	}
	return time.Time{}
}

// RetentionOf is the retention of the family's records once its case is closed (decision 322): six
// years after the day it closed and, with safeguarding concerns about the family on record, until
// the end of the birth month of the youngest child's 25th birthday if that is later. The zero
// Retention while the case is open.
func (r *Referral) RetentionOf(concerns int) Retention {
	closed := r.ClosedOn()
	if closed.IsZero() {
		return Retention{}
	}
	ret := Retention{Closed: closed, Until: closed.AddDate(RetentionYears, 0, 0).AddDate(0, 0, -1)}
	if concerns == 0 {
		return ret
	}
	youngest := time.Time{}
	for _, c := range r.children {
		if c.BirthYear == 0 || c.BirthMonth < 1 || c.BirthMonth > 12 {
			continue
		}
		born := time.Date(c.BirthYear, time.Month(c.BirthMonth), 1, 0, 0, 0, 0, time.UTC)
		if born.After(youngest) {
			youngest = born
		}
	}
	if youngest.IsZero() {
		return ret
	}
	// The last day of the birth month of the 25th birthday.
	until := youngest.AddDate(SafeguardingRetentionAge, 1, -1)
	if until.After(ret.Until) {
		ret.Until, ret.Safeguarding = until, true
	}
	return ret
}

// RetentionNotEnded refuses an erasure because the retention ended (RETENTION_ENDED) before the
// retention of the family's records ends (ErrRetentionNotEnded), saying the last day they are kept
// and why, and that an erasure a person asked for is made with reason requested. It names the
// family's retention dates only, never a birth date. nil for an erasure at a person's request, and
// once the retention has ended (decision 322).
func (r *Referral) RetentionNotEnded(reason referralv1.ErasureReason, concerns int, today time.Time) error {
	if reason != referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED {
		return nil
	}
	ret := r.RetentionOf(concerns)
	if ret.Until.IsZero() || today.After(ret.Until) {
		return nil
	}
	why := fmt.Sprintf("%d years after the case closed on %s", RetentionYears, dates.String(ret.Closed))
	if ret.Safeguarding {
		why = fmt.Sprintf("safeguarding concerns about the family are on record, which are kept until the youngest child "+
			"named on the referral is %d, and not less than %s", SafeguardingRetentionAge, why)
	}
	asked := "an erasure a person asked for is made with reason requested"
	if concerns > 0 {
		asked += ", which is refused while the family's safeguarding records are kept"
	}
	return problem.Rule(ErrRetentionNotEnded.Reason, fmt.Sprintf("the retention of the family's records has not ended: they are kept "+
		"until %s (%s), and may be erased with reason retention-ended from %s; %s", dates.String(ret.Until), why,
		dates.String(ret.Until.AddDate(0, 0, 1)), asked))
}
