package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/words"
)

// sameChildConfirmedType is referral's confirmation that a child referred again is the same
// child as on another referral (decision 260).
const sameChildConfirmedType = "familytime.referral.v1.SameChildConfirmed"

// sameChildFirst begins what the family's history says of a confirmation of its child as the
// child on another referral; the other referral's id follows.
const sameChildFirst = "Confirmed that a child on this referral, a possible duplicate, is the same child as on referral "

// sameChildWords is what the family's history says of a confirmation of its child as the child on
// the other referral: the event's words (more empty), and, read with the history, where the other
// referral was and how its case ended (more: " (at centre C), whose case ended on D: outcome").
func sameChildWords(other, more string) string { return sameChildFirst + other + more }

// referredAgain puts into a family's history, as it stood at asOf, what the confirmations that a
// child referred again is the same child say of the other family (review 63 finding 5, decision
// 349). A confirmation is an event of the later referral's stream, the later family's:
//   - the later family's step names the earlier referral (the event's words), and here also its
//     centre when another and, if its case had ended by asOf, the day and the outcome, from the
//     earlier referral's own events the history keeps (so an as-of read, and a rebuild, say what
//     stood then);
//   - the earlier family's history gets a step of its own for each confirmation naming one of its
//     referrals as the other: "Referred again: ...". It is the later referral's event, read from
//     the history's row of it (its stream, version and id), and is not a row of this family:
//     VerifyFamilyHistory of this family checks its own streams and not this one, and that of the
//     later family checks the event.
//
// Its type is the event's, so a parent's copy leaves both out, as it leaves out the confirmation
// (decision 260): the other referral is another family's by the records.
func (a *App) referredAgain(ctx context.Context, family, centre uuid.UUID, asOf time.Time, steps []Step) ([]Step, error) {
	for i := range steps {
		s := &steps[i]
		if s.Type != sameChildConfirmedType {
			continue
		}
		rest, ok := strings.CutPrefix(s.Description, sameChildFirst)
		other, err := uuid.Parse(rest)
		if !ok || err != nil || rest != other.String() {
			continue // words of another kind (unreadable): left as they are
		}
		more, err := a.otherReferral(ctx, other, centre, asOf)
		if err != nil {
			return steps, err
		}
		s.Description = sameChildWords(other.String(), more)
	}
	referrals, envs, err := a.history.ReferredAgain(ctx, family)
	if err != nil || len(envs) == 0 {
		return steps, err
	}
	added := false
	for _, b := range envs {
		env := &commonv1.EventEnvelope{}
		ev := &referralv1.SameChildConfirmed{}
		if proto.Unmarshal(b, env) != nil || proto.Unmarshal(env.GetPayload(), ev) != nil || env.GetRecordedAt().AsTime().After(asOf) {
			continue
		}
		other, err := uuid.Parse(ev.GetOtherReferralId())
		if err != nil || !slices.Contains(referrals, other) {
			continue // the projection's row is not the event's: the event says
		}
		id, _ := uuid.Parse(env.GetEventId())
		at, _ := uuid.Parse(env.GetCentreId())
		st := Step{RecordedAt: env.GetRecordedAt().AsTime(), Service: "referral", Type: sameChildConfirmedType, Stream: env.GetStreamId(),
			Version: env.GetStreamVersion(), EventID: id, Centre: at, Actor: env.GetMetadata().GetActor(),
			ActorRole: env.GetMetadata().GetActorRole(), OccurredOn: occurredDay(ev, nil)}
		st.Description = "Referred again: referral " + ev.GetReferralId() + atCentre(at, centre) + " confirmed on " +
			date(ev.GetConfirmedOn()) + " as having the same child as this family's referral " + other.String()
		if at != centre {
			st.Actor = "" // another centre's account is its own to name: its role says who confirmed
		}
		steps = append(steps, st)
		added = true
	}
	if added {
		slices.SortStableFunc(steps, func(x, y Step) int {
			switch {
			case stepBefore(&x, &y):
				return -1
			case stepBefore(&y, &x):
				return 1
			}
			return 0
		})
	}
	return steps, nil
}

// atCentre is " (at centre C)" when the other referral's centre is known and not the family's.
func atCentre(other, family uuid.UUID) string {
	if other == uuid.Nil || other == family {
		return ""
	}
	return " (at centre " + other.String() + ")"
}

// stepBefore is the history's order (adapters' historyOrder): as recorded, ties by service, stream
// and version.
func stepBefore(x, y *Step) bool {
	if !x.RecordedAt.Equal(y.RecordedAt) {
		return x.RecordedAt.Before(y.RecordedAt)
	}
	if x.Service != y.Service {
		return x.Service < y.Service
	}
	if x.Stream != y.Stream {
		return x.Stream < y.Stream
	}
	return x.Version < y.Version
}

// otherReferral is what a confirmation's step says of the other referral, from its own events the
// history keeps that were recorded by asOf: its centre when not the family's, and how its case
// ended if it had (the day and the outcome, as last corrected; nothing once reopened). Ids, days
// and categories only, as every step.
func (a *App) otherReferral(ctx context.Context, other, centre uuid.UUID, asOf time.Time) (string, error) {
	envs, err := a.history.ReferralEvents(ctx, other)
	if err != nil {
		return "", err
	}
	var (
		at      uuid.UUID
		endedOn *commonv1.Date
		outcome referralv1.CaseOutcome
	)
	for _, b := range envs {
		env := &commonv1.EventEnvelope{}
		if proto.Unmarshal(b, env) != nil || env.GetRecordedAt().AsTime().After(asOf) {
			continue
		}
		if c, err := uuid.Parse(env.GetCentreId()); err == nil && at == uuid.Nil {
			at = c
		}
		msg, err := payload(env)
		if err != nil {
			continue
		}
		switch ev := msg.(type) {
		case *referralv1.CaseEnded:
			endedOn, outcome = ev.GetEndedOn(), ev.GetOutcome()
		case *referralv1.CaseEndingCorrected:
			if endedOn != nil {
				outcome = ev.GetOutcome()
				if ev.GetEndedOn() != nil {
					endedOn = ev.GetEndedOn()
				}
			}
		case *referralv1.CaseReopened:
			endedOn, outcome = nil, referralv1.CaseOutcome_CASE_OUTCOME_UNSPECIFIED
		}
	}
	more := atCentre(at, centre)
	if endedOn != nil {
		more += ", whose case ended on " + date(endedOn) + ": " + words.Enum(outcome)
	}
	return more, nil
}
