package domain

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/problem"
)

// Erasing a family: FamilyErased is the fact that the family's personal data was erased, and the
// services holding the family's data key destroy it when they see the event (docs/decisions.md
// 86). The rule here is only when it may be recorded: once, and only for a family whose case is
// closed, since an open case still needs the names and contact details it would lose.

// ErasedOn is the centre's local date the family's personal data was erased; ok is false unless
// it was.
func (r *Referral) ErasedOn() (on time.Time, ok bool) { return r.erasedOn, !r.erasedOn.IsZero() }

// ErasureReason is why the family's personal data was erased; unspecified unless it was.
func (r *Referral) ErasureReason() referralv1.ErasureReason { return r.erasedFor }

// Erase records that the family's personal data is erased, for a reason. It is not a transition
// of the state machine (states.go): it is allowed only where every other command is refused, in a
// closed referral, and it leaves the state as it was, so that the figures still count how the case
// ended.
func (r *Referral) Erase(reason referralv1.ErasureReason, today time.Time) ([]proto.Message, error) {
	if _, erased := r.ErasedOn(); erased {
		return nil, ErrFamilyErased
	}
	if err := caseOpen(r.state); err != nil {
		return nil, err
	}
	if r.DisclosureUnweighed() {
		// A disclosure nobody accountable weighed would go with the family's keyed hashes, and the
		// child referred again answering "no" would be screened green (review 28, decision 197).
		return nil, ErrDisclosureNotWeighed
	}
	if _, known := referralv1.ErasureReason_name[int32(reason)]; !known || reason == referralv1.ErasureReason_ERASURE_REASON_UNSPECIFIED {
		return nil, problem.Invalid("reason", "must be RETENTION_ENDED or ERASURE_REQUESTED")
	}
	return r.record(&referralv1.FamilyErased{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), Reason: reason, ErasedOn: dates.Proto(today)})
}

// EndKeptRetention records, for a family erased at its request while safeguarding kept its records
// (decision 388: a concern raised in the moment before referral heard of it), that their retention
// ended: a second FamilyErased, with reason RETENTION_ENDED, on which safeguarding destroys the
// family's key (decision 408; before it, referral refused it FAMILY_ERASED, and nobody destroyed
// the key: kept too long). Only once, and only after an erasure at request; the caller checks that
// safeguarding kept records and that their retention ended (RetentionNotEnded).
func (r *Referral) EndKeptRetention(today time.Time) ([]proto.Message, error) {
	if _, erased := r.ErasedOn(); !erased || r.erasedFor != referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED {
		return nil, ErrFamilyErased
	}
	return r.record(&referralv1.FamilyErased{ReferralId: r.id.String(), FamilyId: r.family.String(),
		CentreId: r.centre.String(), Reason: referralv1.ErasureReason_ERASURE_REASON_RETENTION_ENDED, ErasedOn: dates.Proto(today)})
}

// caseOpen refuses the erasure of a family whose case is still open (ErrCaseOpen), saying what
// closes it from where it stands (the paths the state machine allows); nil for a closed case.
func caseOpen(s State) error {
	var how string
	switch s {
	case Declined, Withdrawn, Ended:
		return nil
	case AwaitingSecondParty, Received, Screened, Waitlisted:
		how = "decline or withdraw the referral first"
	case Accepted:
		how = "withdraw the referral first"
	case ReadyForContact:
		how = "withdraw the referral, or end the case with an outcome, first"
	default: // in contact, or suspended by a hold
		how = "end the case with an outcome first"
	}
	return problem.Rule(ErrCaseOpen.Reason, "the family's case is still open and its details are still needed: "+how+
		"; a family is erased only once its case is declined, withdrawn or ended")
}

// SafeguardingOpen refuses the erasure of a family about which safeguarding has concerns open or
// holds in force (ErrSafeguardingOpen), saying how many: erasing would leave an open concern's
// description unreadable while it is still being dealt with, and safeguarding records are never
// deleted while in use. nil when there are none.
func SafeguardingOpen(concerns, holds int) error {
	if concerns == 0 && holds == 0 {
		return nil
	}
	return problem.Rule(ErrSafeguardingOpen.Reason, fmt.Sprintf("safeguarding has %d open concern(s) and %d hold(s) in force about the family: "+
		"close the family's open concerns and lift its holds first; safeguarding records are never deleted while in use, "+
		"and erasing the family would leave them unreadable", concerns, holds))
}

// SafeguardingKept refuses an erasure at a data subject's request of a family that has safeguarding
// concerns on record, open or closed (ErrSafeguardingKept), saying how many and how many went to the
// local authority or the police: a centre keeps its safeguarding records for their retention
// period, which a request to erase does not end (UK GDPR article 17(3)), and the family's key opens
// them. A request erased a concern that had gone to the police a week before (review 48, decision
// 279). It names the last day the records are kept (kept, from RetentionOf with the concerns):
// its words invited an erasure with reason retention-ended at once, which review 56 made the same
// day (decision 322). The erasure when the retention ends is not refused. nil otherwise.
func SafeguardingKept(reason referralv1.ErasureReason, concerns, escalated int, kept Retention) error {
	if reason != referralv1.ErasureReason_ERASURE_REASON_ERASURE_REQUESTED || concerns == 0 {
		return nil
	}
	return problem.Rule(ErrSafeguardingKept.Reason, fmt.Sprintf("safeguarding keeps %d concern(s) about the family on record (%d referred "+
		"to the local authority or the police): a centre keeps its safeguarding records for their retention period, and a request "+
		"to erase does not end it (UK GDPR article 17(3)); tell the person who asked that these records are kept and why; "+
		"they are kept until %s, and the family may be erased with reason retention-ended from %s", concerns, escalated,
		dates.String(kept.Until), dates.String(kept.Until.AddDate(0, 0, 1))))
}

// shownReports is how many reports not released ReportsNotReleased names; it counts the rest.
const shownReports = 5

// ReportsNotReleased refuses the erasure of a family with observation reports due and not yet
// released (ErrReportNotReleased), naming them by id (ids only, never anything of the family's): a
// supervised session's report goes to the court and the family's distribution list once checked
// and released, and erasing the family before then would destroy it on the way (hostile review
// 16). nil when there are none.
func ReportsNotReleased(reports []uuid.UUID) error {
	if len(reports) == 0 {
		return nil
	}
	var named []string
	for _, id := range reports[:min(len(reports), shownReports)] {
		named = append(named, id.String())
	}
	which := strings.Join(named, ", ")
	if more := len(reports) - len(named); more > 0 {
		which += fmt.Sprintf(" and %d more", more)
	}
	return problem.Rule(ErrReportNotReleased.Reason, fmt.Sprintf("%d observation report(s) of the family's supervised contact are not released yet (%s): "+
		"each is drafted, checked by a second person and released to its distribution list (the court among them) first "+
		"(familytime safeguarding report open lists them); erasing the family now would destroy them before they reach it", len(reports), which))
}
