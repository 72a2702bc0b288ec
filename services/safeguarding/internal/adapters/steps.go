package adapters

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	safeguardingv1 "github.com/familytime/familytime/proto/gen/go/familytime/safeguarding/v1"
	"github.com/familytime/familytime/services/platform/dates"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/weighing"
	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// stepTypes are the events that are protective steps (domain.ProtectiveStep).
var stepTypes = []string{
	string(proto.MessageName(&safeguardingv1.HoldPlaced{})),
	string(proto.MessageName(&safeguardingv1.ConcernEscalated{})),
}

// ProtectiveSteps reads from the log the holds placed on each of families and the escalations of
// concerns about them, each with the instant it was recorded, oldest first. They are read from
// the events themselves, in one query for a page of families (the log's family index): the
// concerns' and holds' read models keep no instants, and a lead's list must tell an assessment
// made after a hold from one made before it on the same day.
func (r *Records) ProtectiveSteps(ctx context.Context, families []uuid.UUID) (map[uuid.UUID][]domain.ProtectiveStep, error) {
	out := map[uuid.UUID][]domain.ProtectiveStep{}
	if len(families) == 0 {
		return out, nil
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT event_id, event_type, payload, recorded_at, family_id FROM events
		WHERE family_id = ANY($1) AND event_type = ANY($2) ORDER BY position`, families, stepTypes)
	if err != nil {
		return nil, fmt.Errorf("read protective steps: %w", err)
	}
	raw, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (eventstore.RecordedEvent, error) {
		var e eventstore.RecordedEvent
		err := row.Scan(&e.ID, &e.Type, &e.Payload, &e.RecordedAt, &e.FamilyID)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read protective steps: %w", err)
	}
	for i := range raw {
		msg, err := raw[i].Decode()
		if err != nil {
			return nil, err
		}
		var s domain.ProtectiveStep
		switch e := msg.(type) {
		case *safeguardingv1.HoldPlaced:
			s = domain.ProtectiveStep{Kind: safeguardingv1.ProtectiveStepKind_PROTECTIVE_STEP_KIND_HOLD_PLACED,
				Taken: weighing.Moment{On: dates.Time(e.GetPlacedOn()), At: raw[i].RecordedAt}, Hold: eventID(e.GetHoldId())}
		case *safeguardingv1.ConcernEscalated:
			s = domain.ProtectiveStep{Kind: safeguardingv1.ProtectiveStepKind_PROTECTIVE_STEP_KIND_CONCERN_ESCALATED,
				Taken: weighing.Moment{On: dates.Time(e.GetEscalatedOn()), At: raw[i].RecordedAt}, Concern: eventID(e.GetConcernId())}
		}
		out[raw[i].FamilyID] = append(out[raw[i].FamilyID], s)
	}
	return out, nil
}

// eventID reads an id an event carries, which its command checked: uuid.Nil should it not be one.
func eventID(s string) uuid.UUID {
	id, _ := uuid.Parse(s)
	return id
}
