package domain

import (
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
)

// Suspend notes a safeguarding hold on the family (safeguarding's HoldPlaced): the case is
// suspended until every hold in force is lifted. A hold already noted records nothing, so a
// redelivered HoldPlaced is harmless.
func (r *Referral) Suspend(hold uuid.UUID, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdSuspend); err != nil {
		return nil, err
	}
	if hold == uuid.Nil {
		return nil, &Invalid{Violations: []Violation{{Field: "hold_id", Reason: "is required"}}}
	}
	if slices.Contains(r.holds, hold) {
		return nil, nil
	}
	return r.record(&referralv1.CaseSuspended{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), HoldId: hold.String(), SuspendedOn: dates.Proto(today),
		HoldsInForce: int32(len(r.holds) + 1)})
}

// Resume notes that a hold was lifted (safeguarding's HoldLifted). The case returns to where it
// was before the first hold only when no hold remains: two concerns, two holds, and lifting one
// must not restart contact the other still stops.
func (r *Referral) Resume(hold uuid.UUID, today time.Time) ([]proto.Message, error) {
	if err := r.check(CmdResume); err != nil {
		return nil, err
	}
	if !slices.Contains(r.holds, hold) {
		return nil, ErrHoldNotInForce
	}
	return r.record(&referralv1.CaseResumed{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), HoldId: hold.String(), ResumedOn: dates.Proto(today),
		HoldsInForce: int32(len(r.holds) - 1)})
}
